"""The working pages: submit, follow, work a task, handle errors — and who sees what."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from users.roles import SystemRole
from users.services import Actor
from users.tests.factories import CompanyRoleFactory
from workflow_ops.engine.manager import start_workflow
from workflow_ops.models import (
    ErrorStatus,
    Priority,
    StatusChange,
    TaskInstance,
    TaskStatus,
    TicketInstance,
    TicketStatus,
    WorkflowError,
)
from workflow_ops.services.comments import comment_add
from workflow_ops.services.tasks import task_complete
from workflow_ops.tests.factories import (
    attach,
    form_task,
    pdf,
    running_ticket,
    simple_process,
    submit,
    submitter,
    worker,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
DECISION = {"decision": {"type": "string", "title": "Decision", "enum": ["approve", "reject"]}}
FIELDS = {
    "type": "object",
    "properties": {
        "item": {"type": "string", "title": "What do you need?"},
        "quantity": {"type": "integer", "title": "How many", "minimum": 1},
        "needed_by": {"type": "string", "title": "Needed by", "format": "date"},
        "rush": {"type": "boolean", "title": "Rush it"},
    },
    "required": ["item", "quantity"],
    "x-order": ["item", "quantity", "needed_by", "rush"],
}


@pytest.fixture
def setup(tenant):
    role = CompanyRoleFactory(company=tenant.company, name="Buyers")
    ticket_type = simple_process(
        tenant.company,
        tasks=[form_task("review", DECISION, assignee_role="Buyers")],
        transitions=[
            {"from": None, "to": "review"},
            {
                "from": "review",
                "to": None,
                "condition": {"==": [{"var": "tasks.review.decision"}, "approve"]},
                "label": "Approved",
            },
            {"from": "review", "to": None, "priority": 1, "label": "Rejected"},
        ],
        fields=FIELDS,
    )
    return {
        "type": ticket_type,
        "dana": worker(tenant.company, "Dana", role),
        "sam": submitter(tenant.company, "Sam"),
        "nosy": submitter(tenant.company, "Nosy"),
    }


@pytest.fixture
def ticket(setup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return submit(setup["type"], setup["sam"], {"item": "Chairs", "quantity": 2}, title="Chairs for the office")


def test_a_submitter_chooses_a_type_fills_its_form_and_lands_on_the_ticket(
    client, setup, django_capture_on_commit_callbacks
):
    client.force_login(setup["sam"])
    choose = client.get(reverse("ops:ticket-new")).content.decode()
    assert "Request" in choose
    url = reverse("ops:ticket-submit", args=[setup["type"].pk])
    form = client.get(url).content.decode()
    for label in ("What do you need?", "How many", "Needed by", "Rush it", "Submit ticket"):
        assert label in form
    assert 'type="date"' in form and 'type="number"' in form and "On behalf of" not in form
    assert "Priority" not in form  # this ticket type does not let submitters choose it

    refused = client.post(url, {"title": "", "item": "", "quantity": "0", "priority": "2"})
    content = refused.content.decode()
    assert 'data-field-error="title"' in content and 'data-field-error="item"' in content
    assert 'data-field-error="quantity"' in content  # minimum 1
    assert not TicketInstance.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"title": "Chairs", "item": "Chairs", "quantity": "2", "needed_by": "2026-12-24", "priority": "3"},
        )
    ticket = TicketInstance.objects.get()
    assert response.url == reverse("ops:ticket-detail", args=[ticket.pk])
    assert ticket.data == {"item": "Chairs", "quantity": 2, "needed_by": "2026-12-24", "rush": False}
    assert ticket.priority == Priority.NORMAL  # the posted "high" is not a field of this form
    page = client.get(response.url).content.decode()
    assert "Ticket #1 was submitted" in page and "Review" in page and "Dana" in page


def test_a_ticket_admin_files_on_someones_behalf(client, tenant, setup, django_capture_on_commit_callbacks):
    admin = tenant.by_role[SystemRole.TICKET_ADMIN]
    admin.groups.add(*setup["sam"].groups.all())  # a ticket admin who may submit too
    client.force_login(admin)
    url = reverse("ops:ticket-submit", args=[setup["type"].pk])
    assert "On behalf of" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {"title": "By phone", "item": "Desk", "quantity": "1", "priority": "2", "requester": setup["sam"].pk},
        )
    ticket = TicketInstance.objects.get()
    assert (ticket.requester, ticket.submitted_by) == (setup["sam"], admin)
    assert ticket.status_changes.first().on_behalf_of == setup["sam"]


def test_a_type_not_open_to_you_is_not_found(client, tenant, setup):
    restricted = CompanyRoleFactory(company=tenant.company, name="Board")
    setup["type"].allowed_roles.set([restricted])
    client.force_login(setup["sam"])
    assert client.get(reverse("ops:ticket-submit", args=[setup["type"].pk])).status_code == 404
    assert "No ticket type is open to you yet" in client.get(reverse("ops:ticket-new")).content.decode()


def test_who_sees_a_ticket_and_what(client, setup, ticket, django_capture_on_commit_callbacks):
    task = TaskInstance.objects.get(ticket=ticket)
    with django_capture_on_commit_callbacks(execute=True):
        task_complete(task=task, actor=Actor(user=setup["dana"]), output={"decision": "approve"})
    url = reverse("ops:ticket-detail", args=[ticket.pk])

    client.force_login(setup["nosy"])  # same company, nothing to do with it
    assert client.get(url).status_code == 404
    client.force_login(setup["sam"])  # the requester: steps and people, not the answers
    page = client.get(url).content.decode()
    assert "Finished: <strong>Approved</strong>" in page
    assert "“Review”: Completed by Dana" in page and ": approve" not in page
    client.force_login(setup["dana"])  # worked on it: staff, sees the answer
    assert f"Completed by {setup['dana'].get_full_name()}: approve" in client.get(url).content.decode()


def test_the_assignee_completes_the_task_in_place(client, setup, ticket, django_capture_on_commit_callbacks):
    task = TaskInstance.objects.get(ticket=ticket)
    url = reverse("ops:task-detail", args=[task.pk])
    client.force_login(setup["nosy"])
    assert client.get(url).status_code == 404
    client.force_login(setup["dana"])
    assert "Complete task" in client.get(url).content.decode()

    draft = client.post(url, {"answer-decision": "reject", "action": "draft"}, **HTMX)
    assert "Draft saved" in draft.content.decode() and "<html" not in draft.content.decode()
    task.refresh_from_db()
    assert (task.status, task.output_data) == (TaskStatus.IN_PROGRESS, {"decision": "reject"})

    invalid = client.post(url, {"answer-decision": "perhaps", "action": "complete"}, **HTMX)
    assert 'data-field-error="decision"' in invalid.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"answer-decision": "approve", "action": "complete"}, **HTMX)
    content = done.content.decode()
    assert "is complete" in content and 'data-testid="task-done"' in content
    ticket.refresh_from_db()
    assert (ticket.status, ticket.outcome) == (TicketStatus.FINISHED, "Approved")


def test_my_tasks_and_the_pool(client, tenant, setup, ticket):
    client.force_login(setup["dana"])
    assert "Review" in client.get(reverse("ops:my-tasks")).content.decode()
    pool_type = simple_process(
        tenant.company,
        tasks=[form_task("pick", assignment="pool")],
        transitions=[{"from": None, "to": "pick"}, {"from": "pick", "to": None, "label": "Picked"}],
    )
    pooled = submit(pool_type, setup["sam"])
    start_workflow(pooled.pk)
    task = TaskInstance.objects.get(ticket=pooled)
    pool = client.get(reverse("ops:pool")).content.decode()
    assert f'data-testid="task-{task.pk}"' in pool and "Claim" in pool
    client.post(reverse("ops:task-claim", args=[task.pk]))
    task.refresh_from_db()
    assert task.assigned_to == setup["dana"]


@pytest.fixture
def stopped(tenant, setup, django_capture_on_commit_callbacks):
    """A ticket stopped after "Size it": 500 is neither small (< 100) nor big (> 1000)."""
    ticket_type = simple_process(
        tenant.company,
        tasks=[form_task("size", {"amount": {"type": "integer", "title": "Amount"}}, assignee_role="Buyers")],
        transitions=[
            {"from": None, "to": "size"},
            {"from": "size", "to": None, "condition": {"<": [{"var": "tasks.size.amount"}, 100]}, "label": "Small"},
            {"from": "size", "to": None, "condition": {">": [{"var": "tasks.size.amount"}, 1000]}, "label": "Big"},
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket = submit(ticket_type, setup["sam"])
    task = TaskInstance.objects.get(ticket=ticket)
    with django_capture_on_commit_callbacks(execute=True):
        task_complete(task=task, actor=Actor(user=setup["dana"]), output={"amount": 500})
    return WorkflowError.objects.get(ticket=ticket)


def test_a_ticket_admin_corrects_the_answer_and_retries_the_stopped_ticket(client, tenant, setup, stopped):
    ticket, task = stopped.ticket, stopped.task
    client.force_login(setup["sam"])
    assert "This ticket is stopped" in client.get(reverse("ops:ticket-detail", args=[ticket.pk])).content.decode()
    assert client.get(reverse("ops:error-list")).status_code == 403

    client.force_login(tenant.by_role[SystemRole.TICKET_ADMIN])
    listing = client.get(reverse("ops:error-list")).content.decode()
    assert f'data-testid="error-{stopped.pk}"' in listing and "No arrow after “Size”" in listing
    detail = client.get(reverse("ops:error-detail", args=[stopped.pk])).content.decode()
    assert "correct the answer of “Size”" in detail
    task_page = client.get(reverse("ops:task-detail", args=[task.pk])).content.decode()
    assert 'data-testid="correct-form"' in task_page

    client.post(reverse("ops:error-review", args=[stopped.pk]))
    stopped.refresh_from_db()
    assert stopped.status == ErrorStatus.REVIEWED
    response = client.post(reverse("ops:task-correct", args=[task.pk]), {"correct-amount": "50"})
    assert response.url == reverse("ops:error-detail", args=[stopped.pk])
    response = client.post(reverse("ops:error-retry", args=[stopped.pk]))
    assert response.url == reverse("ops:ticket-detail", args=[ticket.pk])

    ticket.refresh_from_db()
    stopped.refresh_from_db()
    assert (ticket.status, ticket.outcome, stopped.status) == ("finished", "Small", ErrorStatus.RESOLVED)
    timeline = client.get(reverse("ops:ticket-detail", args=[ticket.pk])).content.decode()
    assert "Answer corrected by" in timeline and "Retried by" in timeline


def test_resolving_by_hand_needs_a_note(client, tenant, stopped):
    client.force_login(tenant.by_role[SystemRole.TICKET_ADMIN])
    url = reverse("ops:error-resolve", args=[stopped.pk])
    assert 'data-field-error="notes"' in client.post(url, {"notes": " "}).content.decode()
    client.post(url, {"notes": "Handled by phone with the vendor."})
    stopped.refresh_from_db()
    assert (stopped.status, stopped.resolution_notes) == (ErrorStatus.RESOLVED, "Handled by phone with the vendor.")


def test_the_requester_cancels_with_a_reason(client, setup, ticket):
    client.force_login(setup["sam"])
    url = reverse("ops:ticket-cancel", args=[ticket.pk])
    assert 'data-field-error="reason"' in client.post(url, {"reason": ""}).content.decode()
    client.post(url, {"reason": "Bought them myself"})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.cancel_reason) == (TicketStatus.CANCELLED, "Bought them myself")


@pytest.mark.parametrize("count", [2, 12])
def test_the_ticket_page_reads_a_fixed_number_of_queries(
    client, tenant, setup, ticket, count, django_assert_max_num_queries
):
    for _ in range(count):
        submit(setup["type"], setup["sam"], {"item": "Pens", "quantity": 3}, title="Pens")
    # A conversation and files that grow with `count`: comments, internal notes, new versions, other names.
    admin = tenant.by_role[SystemRole.TICKET_ADMIN]
    for index in range(count):
        comment_add(ticket=ticket, actor=Actor(user=setup["sam"]), body=f"Any news? ({index})")
        comment_add(ticket=ticket, actor=Actor(user=admin), body=f"Checking ({index})", internal=index % 2 == 0)
        attach(ticket, setup["sam"], pdf("quote.pdf"), pdf(f"photo-{index}.pdf"))
    url = reverse("ops:ticket-detail", args=[ticket.pk])
    for person in (setup["sam"], setup["dana"], admin):
        client.force_login(person)
        with django_assert_max_num_queries(15):
            page = client.get(url).content.decode()
        assert page.count('data-testid="comment"') >= count and page.count('data-testid="attachment"') == count + 1
    client.force_login(setup["sam"])
    with django_assert_max_num_queries(12):
        client.get(reverse("ops:my-tickets"))


def test_the_dashboard_points_to_the_working_pages(client, tenant, setup, ticket):
    client.force_login(tenant.owner)
    page = client.get("/").content.decode()
    for name in ("My tickets", "New ticket", "My tasks", "Workflow errors"):
        assert name in page
    assert reverse("ops:error-list") in page and reverse("ops:my-tasks") in page


def test_an_action_step_waits_queued_and_its_page_says_so(
    client, tenant, setup, django_capture_on_commit_callbacks, settings
):
    ticket_type = simple_process(
        tenant.company,
        tasks=[
            {
                "key": "stock",
                "title": "Check stock",
                "type": "SYNC_ACTION",
                "action_url": "https://stock.example/check",
                "timeout_seconds": 10,
            }
        ],
        transitions=[{"from": None, "to": "stock"}, {"from": "stock", "to": None, "label": "Checked"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket = submit(ticket_type, setup["sam"])
    task = TaskInstance.objects.get(ticket=ticket)
    assert (task.status, task.assigned_to) == (TaskStatus.QUEUED, None)
    client.force_login(tenant.by_role[SystemRole.TICKET_ADMIN])
    page = client.get(reverse("ops:task-detail", args=[task.pk])).content.decode()
    assert 'data-testid="action-waiting"' in page and "HTTP action" in page
    client.force_login(setup["sam"])
    assert "An automatic step." in client.get(reverse("ops:ticket-detail", args=[ticket.pk])).content.decode()


def test_priority_is_chosen_where_the_type_allows_and_changed_by_ticket_admins(
    client, tenant, setup, django_capture_on_commit_callbacks
):
    setup["type"].requester_sets_priority = True
    setup["type"].save(update_fields=["requester_sets_priority"])
    client.force_login(setup["sam"])
    url = reverse("ops:ticket-submit", args=[setup["type"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"title": "Broken", "item": "Fix", "quantity": "1", "priority": str(Priority.HIGH)})
    ticket = TicketInstance.objects.get()
    assert ticket.priority == Priority.HIGH
    detail = reverse("ops:ticket-detail", args=[ticket.pk])
    assert 'data-testid="priority-form"' not in client.get(detail).content.decode()
    client.post(reverse("ops:ticket-priority", args=[ticket.pk]), {"priority": str(Priority.LOW)})
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH  # the requester cannot change it afterwards

    admin = tenant.by_role[SystemRole.TICKET_ADMIN]
    client.force_login(admin)
    assert 'data-testid="priority-form"' in client.get(detail).content.decode()
    client.post(reverse("ops:ticket-priority", args=[ticket.pk]), {"priority": str(Priority.URGENT)})
    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT
    change = StatusChange.objects.filter(ticket=ticket).last()
    assert change.note.startswith("Priority High → Urgent by") and change.actor == admin


def test_times_on_pages_read_in_the_company_time_zone(client, tenant):
    ticket = running_ticket(tenant.company)
    noon_utc = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    StatusChange.objects.filter(ticket=ticket).update(created_at=noon_utc)
    client.force_login(tenant.owner)
    url = reverse("ops:ticket-detail", args=[ticket.pk])

    tenant.company.time_zone = "Asia/Tokyo"  # UTC+9
    tenant.company.save()
    assert "June 1, 2026, 9 p.m." in client.get(url).content.decode()
    tenant.company.time_zone = "America/New_York"  # UTC-4 in June
    tenant.company.save()
    assert "June 1, 2026, 8 a.m." in client.get(url).content.decode()
