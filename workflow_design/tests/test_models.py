"""What the models themselves guarantee: published versions never change, every definition field is
in the one field table, a ticket type's version counts real changes, and every change leaves a record."""

import pytest
from django.urls import reverse

from users.services import Actor
from users.tests.factories import CompanyRoleFactory, SuperuserFactory
from workflow_design import services
from workflow_design.definition_fields import TASK_FIELDS, TICKET_TYPE_FIELDS, TRANSITION_FIELDS, WORKFLOW_FIELDS
from workflow_design.models import (
    DefinitionEvent,
    DefinitionLocked,
    DefinitionStatus,
    TaskDefinition,
    TicketDefinition,
    WorkflowDefinition,
    WorkflowTransition,
)
from workflow_design.tests.factories import two_task_workflow

pytestmark = pytest.mark.django_db


def test_a_published_version_refuses_changes_whoever_saves_it(tenant):
    workflow = two_task_workflow(tenant.company, publish=True)
    stored = WorkflowDefinition.objects.get(pk=workflow.pk)
    stored.title = "Changed behind the services' back"
    with pytest.raises(DefinitionLocked):
        stored.save()
    task = TaskDefinition.objects.filter(workflow=stored).first()
    task.title = "Renamed"
    with pytest.raises(DefinitionLocked):
        task.save()
    with pytest.raises(DefinitionLocked):
        task.delete()
    with pytest.raises(DefinitionLocked):
        WorkflowTransition.objects.filter(workflow=stored).first().delete()
    with pytest.raises(DefinitionLocked):
        stored.delete()
    assert WorkflowDefinition.objects.get(pk=workflow.pk).title == workflow.title


def test_a_published_version_may_still_be_retired(tenant):
    first = two_task_workflow(tenant.company, publish=True)
    draft = services.workflow_draft_for_editing(workflow=first, actor=None)
    services.workflow_publish(workflow=draft, actor=None)
    first.refresh_from_db()
    assert first.status == DefinitionStatus.RETIRED


# Model fields that are not definition settings: identity, ownership, order, bookkeeping.
STRUCTURAL = {"id", "company", "workflow", "position", "created_at", "updated_at", "created_by", "status"}
STRUCTURAL |= {"version", "published_at"}


@pytest.mark.parametrize(
    ("model", "table"),
    [
        (WorkflowDefinition, WORKFLOW_FIELDS),
        (TaskDefinition, TASK_FIELDS),
        (WorkflowTransition, TRANSITION_FIELDS),
        (TicketDefinition, TICKET_TYPE_FIELDS),
    ],
)
def test_every_definition_field_is_in_the_field_table(model, table):
    fields = {field.name for field in model._meta.get_fields() if field.concrete or field.many_to_many}
    fields = {name for name in fields if not name.endswith("_ptr")} - STRUCTURAL
    assert fields == set(table.attrs), "add the field to workflow_design/definition_fields.py"


def test_a_ticket_type_version_counts_real_changes_only(tenant):
    two_task_workflow(tenant.company, title="Help flow", publish=True)
    role = CompanyRoleFactory(company=tenant.company)
    ticket_type = services.ticket_type_create(
        company=tenant.company, actor=None, title="Help", workflow_key="help-flow", allowed_roles=[role]
    )
    same = {"title": "Help", "workflow_key": "help-flow", "allowed_roles": [role]}

    ticket_type, changed = services.ticket_type_update(ticket_type=ticket_type, actor=None, **same)
    assert (ticket_type.version, changed) == (1, False)

    ticket_type, changed = services.ticket_type_update(ticket_type=ticket_type, actor=None, **same | {"title": "Hi"})
    assert (ticket_type.version, changed) == (2, True)

    ticket_type, changed = services.ticket_type_update(
        ticket_type=ticket_type, actor=None, **same | {"title": "Hi", "allowed_roles": []}
    )
    assert (ticket_type.version, changed) == (3, True)


def test_definition_changes_are_recorded_with_the_real_actor(tenant):
    staff = SuperuserFactory()
    actor = Actor(user=staff, impersonating=True)
    workflow = services.workflow_create(company=tenant.company, actor=actor, title="Onboarding")
    services.task_create(workflow=workflow, actor=Actor(user=tenant.owner), title="Welcome")
    services.workflow_publish(workflow=workflow, actor=Actor(user=tenant.owner))

    events = list(DefinitionEvent.objects.for_company(tenant.company).order_by("id"))
    assert [(event.action, event.actor, event.impersonating) for event in events] == [
        (DefinitionEvent.Action.WORKFLOW_CREATED, staff, True),
        (DefinitionEvent.Action.WORKFLOW_EDITED, tenant.owner, False),
        (DefinitionEvent.Action.WORKFLOW_PUBLISHED, tenant.owner, False),
    ]
    assert events[1].detail == "Task “Welcome” added."
    assert {event.subject for event in events} == {"onboarding"}


def test_the_admin_shows_definitions_but_changes_nothing(client, tenant):
    workflow = two_task_workflow(tenant.company, publish=True)
    client.force_login(SuperuserFactory())
    assert client.get(reverse("admin:workflow_design_workflowdefinition_changelist")).status_code == 200
    page = client.get(reverse("admin:workflow_design_workflowdefinition_change", args=[workflow.pk]))
    assert page.status_code == 200 and "Save" not in page.content.decode()
    client.post(reverse("admin:workflow_design_workflowdefinition_change", args=[workflow.pk]), {"title": "X"})
    assert WorkflowDefinition.objects.get(pk=workflow.pk).title == workflow.title
    assert client.get(reverse("admin:workflow_design_workflowdefinition_add")).status_code == 403
