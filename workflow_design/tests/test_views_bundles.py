import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from users.roles import SystemRole
from workflow_design import services
from workflow_design.bundles import reference_bundle_bytes, reference_bundle_paths
from workflow_design.models import TicketDefinition, WorkflowDefinition
from workflow_design.tests.factories import two_task_workflow

pytestmark = pytest.mark.django_db


def reference_bytes(name: str) -> bytes:
    return reference_bundle_bytes(next(path for path in reference_bundle_paths() if path.stem == name))


@pytest.fixture
def creator_client(client, tenant):
    client.force_login(tenant.by_role[SystemRole.WORKFLOW_CREATOR])
    return client


def confirm(client, review):
    """Step 2: post back what the review page carries (the bundle and the digest of the plan shown)."""
    form = review.context["confirm_form"]
    data = {"step": "confirm", "text": form.initial["text"], "digest": form.initial["digest"]}
    return client.post(reverse("design:import"), data, follow=True)


def test_uploading_a_reference_bundle_shows_what_changes_then_imports_it(creator_client, tenant):
    upload = SimpleUploadedFile("procurement.json", reference_bytes("procurement"), "application/json")

    review = creator_client.post(reverse("design:import"), {"file": upload})

    content = review.content.decode()
    assert 'data-testid="import-plan"' in content
    assert "Workflow “Procurement with vendor follow-up” (procurement) is new" in content
    assert "Ticket type “Purchase request” (purchase-request) will be created" in content
    assert not WorkflowDefinition.objects.exists()  # nothing is written before the confirmation

    response = confirm(creator_client, review)

    assert response.redirect_chain[-1][0] == reverse("design:workflow-list")
    assert "Bundle imported" in response.content.decode()
    workflow = WorkflowDefinition.objects.for_company(tenant.company).get()
    assert workflow.status == "published"
    assert TicketDefinition.objects.for_company(tenant.company).exists()


def test_pasted_json_is_imported_too(creator_client, tenant):
    review = creator_client.post(reverse("design:import"), {"text": reference_bytes("it-support").decode()})
    assert review.status_code == 200
    response = confirm(creator_client, review)
    assert response.redirect_chain[-1][0] == reverse("design:workflow-list")
    assert WorkflowDefinition.objects.for_company(tenant.company).count() == 1


def test_malformed_json_is_reported_with_line_and_column_and_nothing_is_written(creator_client, tenant):
    response = creator_client.post(reverse("design:import"), {"text": '{\n  "format": "ticketflower/v1",\n  oops\n}'})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in content
    assert "line 3" in content
    assert not WorkflowDefinition.objects.exists()


def test_every_problem_is_listed_by_its_path(creator_client, tenant):
    doc = json.loads(reference_bytes("procurement"))
    doc["workflows"][0]["transitions"][1]["to"] = "nowhere"
    doc["ticket_definitions"][0]["surprise"] = True

    response = creator_client.post(reverse("design:import"), {"text": json.dumps(doc)})

    content = response.content.decode()
    assert 'data-testid="bundle-problems"' in content
    assert "workflows[0].transitions[1].to" in content
    assert "ticket_definitions[0]" in content and "surprise" in content
    assert not WorkflowDefinition.objects.exists() and not TicketDefinition.objects.exists()


def test_an_oversized_upload_is_refused_by_size(creator_client, settings):
    settings.BUNDLE_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("big.json", b" " * (5 * 1024 * 1024), "application/json")

    response = creator_client.post(reverse("design:import"), {"file": upload})

    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-field-error="file"' in content
    assert "5.0\xa0MB" in content and "1.0\xa0MB" in content


def test_choosing_nothing_or_both_is_a_clear_error(creator_client):
    assert (
        "Choose a bundle file or paste its JSON." in creator_client.post(reverse("design:import"), {}).content.decode()
    )
    upload = SimpleUploadedFile("b.json", b"{}", "application/json")
    both = creator_client.post(reverse("design:import"), {"file": upload, "text": "{}"})
    assert "not both" in both.content.decode()


def test_company_export_downloads_only_this_companys_definitions(client, tenant, other_tenant):
    two_task_workflow(tenant.company, title="Ours", publish=True)
    two_task_workflow(other_tenant.company, title="Theirs", publish=True)
    client.force_login(tenant.by_role[SystemRole.TICKET_ADMIN])

    response = client.get(reverse("design:export-company"))

    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    doc = json.loads(response.content)
    assert doc["format"] == "ticketflower/v1"
    assert [workflow["title"] for workflow in doc["workflows"]] == ["Ours"]


# --- Review, confirm, and what an import changes ----------------------------------------------


def test_the_review_names_a_draft_the_import_would_discard_and_confirming_discards_it(creator_client, tenant):
    confirm(
        creator_client, creator_client.post(reverse("design:import"), {"text": reference_bytes("it-support").decode()})
    )
    published = WorkflowDefinition.objects.for_company(tenant.company).get()
    draft = services.workflow_draft_for_editing(workflow=published, actor=None)
    changed = json.loads(reference_bytes("it-support"))
    changed["workflows"][0]["title"] = "Computer help"

    review = creator_client.post(reverse("design:import"), {"text": json.dumps(changed)})

    content = review.content.decode()
    assert 'data-testid="drafts-replaced"' in content
    assert "the draft version 2 of “Computer help”" in content
    assert "Discard the drafts and import" in content
    assert WorkflowDefinition.objects.filter(pk=draft.pk).exists()
    confirm(creator_client, review)
    assert not WorkflowDefinition.objects.filter(pk=draft.pk).exists()
    assert WorkflowDefinition.objects.for_company(tenant.company).published().get().title == "Computer help"


def test_an_unchanged_bundle_is_reported_as_nothing_to_import(creator_client, tenant):
    confirm(
        creator_client, creator_client.post(reverse("design:import"), {"text": reference_bytes("it-support").decode()})
    )

    review = creator_client.post(reverse("design:import"), {"text": reference_bytes("it-support").decode()})

    content = review.content.decode()
    assert "Nothing to import" in content and "is unchanged" in content
    assert "confirm_form" not in content and 'name="step"' not in content
    assert WorkflowDefinition.objects.for_company(tenant.company).count() == 1


def test_a_confirmation_for_a_plan_that_changed_since_is_reviewed_again(creator_client, tenant):
    review = creator_client.post(reverse("design:import"), {"text": reference_bytes("it-support").decode()})
    two_task_workflow(tenant.company, title="IT support request")  # meanwhile, someone else's change
    services.bundle_import(company=tenant.company, actor=None, doc=json.loads(reference_bytes("it-support")))

    response = confirm(creator_client, review)

    assert "The definitions changed since you looked at this import" in response.content.decode()
    assert WorkflowDefinition.objects.for_company(tenant.company).filter(key="it-support").count() == 1


def test_pasting_more_than_django_reads_gets_the_size_message(creator_client, tenant, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    response = creator_client.post(reverse("design:import"), {"text": "x" * 200_000})
    content = response.content.decode()
    assert response.status_code == 200
    assert "the most a bundle may be" in content
    assert not WorkflowDefinition.objects.exists()


def test_pasting_a_large_bundle_under_django_s_limit_gets_the_size_message_too(creator_client, settings):
    settings.BUNDLE_MAX_BYTES = 1000
    response = creator_client.post(reverse("design:import"), {"text": "x" * 5000})
    assert "bundles may be at most" in response.content.decode()


def test_the_size_answer_still_needs_a_logged_in_designer(client, tenant, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    assert client.post(reverse("design:import"), {"text": "x" * 200_000}).status_code == 302  # to log in
    client.force_login(tenant.by_role[SystemRole.TICKET_ADMIN])
    assert client.post(reverse("design:import"), {"text": "x" * 200_000}).status_code == 403


def test_a_normal_post_without_the_csrf_token_is_still_refused(tenant):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(tenant.by_role[SystemRole.WORKFLOW_CREATOR])
    assert client.post(reverse("design:import"), {"text": "{}"}).status_code == 403


def test_an_import_that_reaches_a_private_action_url_is_refused(creator_client, tenant):
    doc = json.loads(reference_bytes("customer-order"))
    doc["workflows"][0]["tasks"][1]["action_url"] = "http://169.254.169.254/latest/"
    response = creator_client.post(reverse("design:import"), {"text": json.dumps(doc)})
    assert "workflows[0].tasks[1].action_url" in response.content.decode()
    assert not WorkflowDefinition.objects.exists()


def procurement_without_the_declined_arrow() -> dict:
    """The approval task keeps only its "approved" arrow: a ticket declined stops there (a warning)."""
    doc = json.loads(reference_bytes("procurement"))
    transitions = doc["workflows"][0]["transitions"]
    doc["workflows"][0]["transitions"] = [t for t in transitions if t.get("label") != "Declined: get another quote"]
    return doc


STOPS = "Task “Approve the purchase”: a ticket stops here when supervisor-approval.decision = &#x27;declined&#x27;"


def test_the_review_shows_the_warnings_and_the_import_goes_ahead(creator_client, tenant):
    review = creator_client.post(
        reverse("design:import"), {"text": json.dumps(procurement_without_the_declined_arrow())}
    )
    content = review.content.decode()
    assert 'data-testid="import-plan"' in content
    assert 'data-testid="bundle-warnings"' in content
    assert content.count(STOPS) == 1
    assert "workflows[0].tasks[1]" in content  # its place in the file, beside the words
    response = confirm(creator_client, review)
    assert "Bundle imported" in response.content.decode()
    assert WorkflowDefinition.objects.for_company(tenant.company).get().status == "published"


def test_problems_are_in_words_with_their_place_in_the_file_and_warnings_apart(creator_client, tenant):
    doc = procurement_without_the_declined_arrow()
    doc["workflows"][0]["transitions"][1]["condition"] = {"==": [{"var": "tasks.vendor-quote.vendor"}, 3]}
    doc["workflows"][0]["transitions"][2]["condition"] = {
        "==": [{"var": "tasks.supervisor-approval.decision"}, "Approved"]
    }

    response = creator_client.post(reverse("design:import"), {"text": json.dumps(doc)})

    content = response.content.decode()
    problems = content[content.index('data-testid="bundle-problems"') : content.index('data-testid="bundle-warnings"')]
    assert "Nothing was imported: 1 problem to fix" in problems
    assert (
        "Arrow “Approved” from “Approve the purchase”: supervisor-approval.decision has the choices approved, "
        "declined; &#x27;Approved&#x27; is not one of them (did you mean &#x27;approved&#x27;?), so this arrow can "
        "never be taken." in problems
    )
    assert "workflows[0].transitions[2].condition" in problems
    warnings = content[content.index('data-testid="bundle-warnings"') :]
    assert "And 1 warning (they would not stop the import)" in warnings
    assert "Task “Get a vendor quote”: every arrow from it has a condition" in warnings
    assert not WorkflowDefinition.objects.exists()
