"""Definitions stay consistent: what validation lets through, the database and the
running ticket types accept too; a failure mid-import leaves nothing behind."""

import copy
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError

from users.services import Actor
from users.tests.factories import SuperuserFactory, UserFactory
from workflow_design import services
from workflow_design.bundles import BundleInvalid, export_bundle, reference_bundle
from workflow_design.models import DefinitionStatus, TicketDefinition, WorkflowDefinition
from workflow_design.services import InvalidDefinition, bundle_import, imports
from workflow_design.tests.factories import TicketDefinitionFactory, two_task_workflow
from workflow_design.tests.test_bundles import problems_of, row_counts

pytestmark = pytest.mark.django_db


def reference(name: str) -> dict:
    return reference_bundle(name)


def test_a_key_with_a_trailing_newline_is_refused(tenant):
    doc = reference("it-support")
    doc["workflows"][0]["key"] = "it-support\n"
    doc["ticket_definitions"][0]["workflow_key"] = "it-support\n"
    assert "workflows[0].key" in problems_of(doc, tenant.company)


def test_a_field_name_with_a_trailing_newline_is_refused(tenant):
    doc = reference("it-support")
    schema = doc["workflows"][0]["tasks"][0]["output_schema"]
    schema["properties"]["notes\n"] = schema["properties"].pop("notes")
    schema["x-order"] = [name if name != "notes" else "notes\n" for name in schema["x-order"]]
    assert any("notes" in path for path in problems_of(doc, tenant.company))


def test_a_failure_after_the_first_write_rolls_the_whole_import_back(tenant, monkeypatch):
    before = row_counts()

    def fail(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(imports, "ticket_type_upsert", fail)

    with pytest.raises(BundleInvalid) as refused:
        bundle_import(company=tenant.company, actor=None, doc=reference("procurement"))

    assert "nothing was imported" in refused.value.problems[0].message
    assert row_counts() == before  # roles and the workflow written before the failure are gone too


def test_two_ticket_types_with_one_key_are_refused(tenant):
    doc = reference("it-support")
    doc["ticket_definitions"].append(copy.deepcopy(doc["ticket_definitions"][0]))
    assert any(path.startswith("ticket_definitions[1]") for path in problems_of(doc, tenant.company))


def condition_on_ticket_field(doc: dict, field: str) -> dict:
    """The workflow's first conditional arrow now reads a ticket field the ticket type lacks."""
    for transition in doc["workflows"][0]["transitions"]:
        if transition.get("condition"):
            transition["condition"] = {"==": [{"var": f"ticket.{field}"}, "yes"]}
            return doc
    raise AssertionError("the reference workflow has a conditional arrow")


def test_importing_a_workflow_that_no_longer_fits_a_published_ticket_type_writes_nothing(tenant):
    bundle_import(company=tenant.company, actor=None, doc=reference("procurement"))
    before = row_counts()
    doc = condition_on_ticket_field(reference("procurement"), "budget_code")
    doc["ticket_definitions"] = []  # the published ticket type stays as it is

    with pytest.raises(BundleInvalid) as refused:
        bundle_import(company=tenant.company, actor=None, doc=doc)

    assert any("budget_code" in problem.message for problem in refused.value.problems)
    assert row_counts() == before


def test_publishing_a_version_that_breaks_a_published_ticket_type_is_refused(tenant):
    workflow = two_task_workflow(tenant.company, publish=True)
    TicketDefinitionFactory(
        company=tenant.company, workflow_key=workflow.key, status=DefinitionStatus.PUBLISHED, title="Purchase"
    )
    draft = services.workflow_draft_for_editing(workflow=workflow, actor=None)
    arrow = draft.transitions.exclude(condition=None).get()
    services.transition_update(
        actor=None,
        transition=arrow,
        from_task=arrow.from_task,
        to_task=arrow.to_task,
        condition={"==": [{"var": "ticket.budget_code"}, "yes"]},
    )

    with pytest.raises(InvalidDefinition) as refused:
        services.workflow_publish(actor=None, workflow=draft)

    assert "Purchase" in refused.value.problems[0].message and "budget_code" in refused.value.problems[0].message
    workflow.refresh_from_db()
    assert workflow.status == DefinitionStatus.PUBLISHED


def test_services_refuse_a_user_of_another_company_but_let_staff_act(tenant, other_tenant):
    with pytest.raises(ValueError, match="another company"):
        services.workflow_create(company=tenant.company, actor=Actor(user=other_tenant.owner), title="Sneaky")
    with pytest.raises(ValueError, match="another company"):
        bundle_import(company=tenant.company, actor=Actor(user=other_tenant.owner), doc=reference("it-support"))
    staff = SuperuserFactory()
    assert (
        services.workflow_create(company=tenant.company, actor=Actor(user=staff), title="By staff").created_by == staff
    )
    assert services.workflow_create(
        company=tenant.company, actor=Actor(user=UserFactory(company=tenant.company)), title="Ours"
    )


@pytest.mark.parametrize("seconds", [0, -60, 0.5])
def test_reminders_must_be_at_least_a_second(tenant, seconds):
    workflow = services.workflow_create(company=tenant.company, actor=None, title="Flow")
    with pytest.raises(ValueError, match="at least one second"):
        services.task_create(actor=None, workflow=workflow, title="Task", remind_after=seconds)
    with pytest.raises(ValueError, match="at least one second"):
        services.task_create(actor=None, workflow=workflow, title="Task", escalate_after=timedelta(seconds=seconds))


def test_company_export_holds_only_live_definitions_and_imports_elsewhere(tenant, other_tenant):
    published = two_task_workflow(tenant.company, title="Live", publish=True)
    two_task_workflow(tenant.company, title="Unfinished")  # a draft, never published
    TicketDefinitionFactory(company=tenant.company, workflow_key=published.key, status=DefinitionStatus.PUBLISHED)
    TicketDefinitionFactory(company=tenant.company, workflow_key="nowhere", title="Half done")  # an invalid draft

    doc = export_bundle(tenant.company)

    assert [workflow["title"] for workflow in doc["workflows"]] == ["Live"]
    assert len(doc["ticket_definitions"]) == 1
    bundle_import(company=other_tenant.company, actor=None, doc=doc)
    assert WorkflowDefinition.objects.for_company(other_tenant.company).get().title == "Live"
    assert TicketDefinition.objects.for_company(other_tenant.company).get().status == DefinitionStatus.PUBLISHED


def test_company_option_with_a_non_ascii_digit_is_a_clear_error(tenant):
    with pytest.raises(CommandError, match="No company"):
        call_command("export_bundle", "--company", "²")
