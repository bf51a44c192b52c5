import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from users.roles import SystemRole
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
