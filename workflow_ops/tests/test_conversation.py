"""The conversation on a ticket: who may comment, who reads internal notes, htmx in place, notifications."""

import pytest
from django.urls import reverse

from users.models import User
from users.roles import SystemRole
from users.services import Actor
from users.tests.factories import CompanyRoleFactory
from workflow_ops.models import MAX_COMMENT_LENGTH, Comment, Notification, NotificationKind, TaskInstance
from workflow_ops.services.comments import comment_add
from workflow_ops.services.common import InvalidData, NotAllowed
from workflow_ops.services.tasks import task_claim
from workflow_ops.services.tickets import ticket_submit
from workflow_ops.tests.factories import form_task, simple_process, submit, submitter, worker

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def people(tenant):
    buyers = CompanyRoleFactory(company=tenant.company, name="Buyers")
    return {
        "sam": submitter(tenant.company, "Sam"),  # the requester
        "dana": worker(tenant.company, "Dana", buyers),  # holds the ticket's task
        "otto": worker(tenant.company, "Otto"),  # a worker with nothing to do with it
        "tara": tenant.by_role[SystemRole.TICKET_ADMIN],
        "filer": worker(tenant.company, "Fiona", extra=(SystemRole.TICKET_ADMIN, SystemRole.USER)),
    }


@pytest.fixture
def ticket(tenant, people, django_capture_on_commit_callbacks):
    """Sam's ticket, filed for him by Fiona (then a ticket admin, no longer one), now with Dana."""
    ticket_type = simple_process(
        tenant.company,
        tasks=[form_task("review", {"ok": {"type": "boolean"}}, assignee_role="Buyers")],
        transitions=[{"from": None, "to": "review"}, {"from": "review", "to": None, "label": "Done"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_submit(
            company=tenant.company,
            actor=Actor(user=people["filer"]),
            ticket_type=ticket_type,
            title="New chairs",
            data={},
            requester=people["sam"],
        )
    people["filer"].groups.remove(*people["filer"].groups.filter(name=SystemRole.TICKET_ADMIN))
    people["filer"] = User.objects.get(pk=people["filer"].pk)  # forget the permissions Django cached
    assert TaskInstance.objects.get(ticket=ticket).assigned_to == people["dana"]
    return ticket


def say(ticket, user, body, internal=False):
    return comment_add(ticket=ticket, actor=Actor(user=user), body=body, internal=internal)


@pytest.mark.parametrize(
    ("who", "sees_notes"),
    [("sam", False), ("filer", False), ("dana", True), ("tara", True)],
    ids=["requester", "submitter", "worker-on-the-ticket", "ticket-admin"],
)
def test_internal_notes_are_for_staff_on_the_ticket_only(client, people, ticket, who, sees_notes):
    say(ticket, people["sam"], "Any news on the chairs?")
    say(ticket, people["dana"], "Vendor is slow; chasing them.", internal=True)
    say(ticket, people["tara"], "They will come on Friday.")
    client.force_login(people[who])
    page = client.get(reverse("ops:ticket-detail", args=[ticket.pk])).content.decode()
    assert "Any news on the chairs?" in page and "They will come on Friday." in page
    assert ("Vendor is slow; chasing them." in page) is sees_notes
    assert ('data-testid="internal-badge"' in page) is sees_notes
    # Newest last, each with its author and when.
    assert page.index("Any news on the chairs?") < page.index("They will come on Friday.")
    assert "Sam" in page and "just now" in page
    # Only staff are offered the internal-note box.
    assert ('name="internal"' in page) is sees_notes


def test_a_worker_with_nothing_to_do_with_the_ticket_can_neither_read_nor_comment(client, people, ticket):
    say(ticket, people["sam"], "Any news on the chairs?")
    client.force_login(people["otto"])
    assert client.get(reverse("ops:ticket-detail", args=[ticket.pk])).status_code == 404
    response = client.post(reverse("ops:ticket-comment", args=[ticket.pk]), {"body": "Hello"}, **HTMX)
    assert response.status_code == 404
    with pytest.raises(NotAllowed):
        say(ticket, people["otto"], "Hello")
    assert Comment.objects.count() == 1


def test_only_staff_add_internal_notes(people, ticket):
    with pytest.raises(NotAllowed, match="internal notes"):
        say(ticket, people["sam"], "Psst", internal=True)
    with pytest.raises(NotAllowed, match="internal notes"):
        say(ticket, people["filer"], "Psst", internal=True)
    assert say(ticket, people["dana"], "Staff only", internal=True).internal


def test_a_requester_posting_internal_from_a_crafted_form_posts_a_plain_comment(client, people, ticket):
    """The requester's form has no internal box; a forged one is ignored, never a hidden note."""
    client.force_login(people["sam"])
    client.post(reverse("ops:ticket-comment", args=[ticket.pk]), {"body": "Hi", "internal": "on"}, **HTMX)
    assert list(Comment.objects.values_list("body", "internal")) == [("Hi", False)]


def test_an_htmx_post_answers_with_the_conversation_and_an_empty_form(client, people, ticket):
    say(ticket, people["sam"], "First")
    client.force_login(people["dana"])
    url = reverse("ops:ticket-comment", args=[ticket.pk])
    response = client.post(url, {"body": "  Checked stock: two left.  ", "internal": "on"}, **HTMX)
    content = response.content.decode()
    assert response.status_code == 200 and "<html" not in content
    assert content.lstrip().startswith("<section") and 'id="conversation"' in content
    assert content.index("First") < content.index("Checked stock: two left.")
    assert "Internal note" in content
    # The textarea is empty again, ready for the next comment.
    assert "Checked stock: two left.</textarea>" not in content
    comment = Comment.objects.get(author=people["dana"])
    assert (comment.body, comment.internal, comment.company_id) == ("Checked stock: two left.", True, ticket.company_id)


def test_without_javascript_a_comment_posts_and_redirects_back(client, people, ticket):
    client.force_login(people["sam"])
    response = client.post(reverse("ops:ticket-comment", args=[ticket.pk]), {"body": "Thanks!"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response.url == f"{reverse('ops:ticket-detail', args=[ticket.pk])}#comment-{comment.pk}"


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_empty_and_too_long_comments_are_refused_next_to_the_field(client, people, ticket, htmx):
    client.force_login(people["sam"])
    url = reverse("ops:ticket-comment", args=[ticket.pk])
    headers = HTMX if htmx else {}
    blank = client.post(url, {"body": "   \n  "}, **headers).content.decode()
    assert 'data-field-error="body"' in blank and "Write something before posting." in blank
    long_text = "x" * (MAX_COMMENT_LENGTH + 1)
    too_long = client.post(url, {"body": long_text}, **headers).content.decode()
    assert 'data-field-error="body"' in too_long
    assert f"Keep it to {MAX_COMMENT_LENGTH} characters; this one has {MAX_COMMENT_LENGTH + 1}." in too_long
    assert long_text in too_long  # what was typed is kept to shorten it
    assert not Comment.objects.exists()


def test_the_service_refuses_empty_and_too_long_text(people, ticket):
    with pytest.raises(InvalidData) as empty:
        say(ticket, people["sam"], " \t ")
    assert empty.value.errors == {"body": ["Write something before posting."]}
    with pytest.raises(InvalidData) as long:
        say(ticket, people["sam"], "y" * 5001)
    assert long.value.errors == {"body": ["Keep it to 5,000 characters; this one has 5,001."]}
    assert say(ticket, people["sam"], "y" * 5000).body == "y" * 5000


def test_staff_comments_tell_the_requester_and_the_requesters_tell_the_assignee(people, ticket):
    say(ticket, people["dana"], "Which colour?")
    say(ticket, people["dana"], "Internal: ask the vendor", internal=True)  # the requester is not told
    say(ticket, people["sam"], "Blue, please.")
    notes = Notification.objects.filter(kind=NotificationKind.COMMENT).order_by("id")
    assert [(note.recipient, note.message) for note in notes] == [
        (people["sam"], "Dana " + people["dana"].last_name + " commented on #1 New chairs: “Which colour?”"),
        (people["dana"], "Sam " + people["sam"].last_name + " commented on #1 New chairs: “Blue, please.”"),
    ]
    assert notes[0].link == f"/tickets/{ticket.pk}/#comment-{Comment.objects.get(body='Which colour?').pk}"


def test_the_submitter_commenting_tells_the_assignee_and_nobody_is_told_of_their_own_comment(people, ticket):
    say(ticket, people["filer"], "I filed this for Sam.")
    assert list(Notification.objects.filter(kind=NotificationKind.COMMENT).values_list("recipient", flat=True)) == [
        people["dana"].pk
    ]


def test_a_pool_task_has_no_assignee_to_tell_until_claimed(tenant, people, django_capture_on_commit_callbacks):
    ticket_type = simple_process(
        tenant.company,
        tasks=[form_task("pick", assignment="pool")],
        transitions=[{"from": None, "to": "pick"}, {"from": "pick", "to": None, "label": "Picked"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket = submit(ticket_type, people["sam"])
    say(ticket, people["sam"], "Anyone?")
    assert not Notification.objects.filter(kind=NotificationKind.COMMENT).exists()
    task_claim(task=TaskInstance.objects.get(ticket=ticket), actor=Actor(user=people["otto"]))
    say(ticket, people["sam"], "Thanks Otto")
    assert Notification.objects.get(kind=NotificationKind.COMMENT).recipient == people["otto"]


def test_a_comment_records_staff_acting_inside_the_company(tenant, people, ticket, superuser):
    comment = comment_add(ticket=ticket, actor=Actor(user=superuser, impersonating=True), body="Looking into it")
    assert (comment.author, comment.impersonating) == (superuser, True)
