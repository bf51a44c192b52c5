from datetime import timedelta

import pytest

from users.services import Actor
from users.tests.factories import CompanyRoleFactory
from workflow_design.definition_fields import ImportContext
from workflow_design.models import DefinitionStatus, TaskType, WorkflowDefinition
from workflow_design.services import (
    InvalidDefinition,
    NotEditable,
    task_create,
    task_delete,
    task_move,
    task_update,
    ticket_type_create,
    ticket_type_publish,
    ticket_type_retire,
    ticket_type_update,
    ticket_type_upsert,
    transition_create,
    workflow_create,
    workflow_discard_draft,
    workflow_draft_for_editing,
    workflow_publish,
)
from workflow_design.services.imports import workflow_import_version
from workflow_design.tests.factories import TaskDefinitionFactory, WorkflowDefinitionFactory

pytestmark = pytest.mark.django_db


def published_workflow(company, *, key: str = "support", title: str = "Support") -> WorkflowDefinition:
    workflow = workflow_create(company=company, actor=None, title=title, key=key)
    first = task_create(actor=None, workflow=workflow, title="Triage")
    second = task_create(actor=None, workflow=workflow, title="Fix it")
    transition_create(actor=None, workflow=workflow, from_task=first, to_task=second)
    transition_create(actor=None, workflow=workflow, from_task=second, to_task=None, label="Done")
    return workflow_publish(actor=None, workflow=workflow)


def test_a_new_workflow_is_draft_version_one_with_a_key_from_its_title(tenant):
    workflow = workflow_create(company=tenant.company, actor=Actor(user=tenant.owner), title="Vendor quotes")
    assert (workflow.key, workflow.version, workflow.status) == ("vendor-quotes", 1, DefinitionStatus.DRAFT)
    assert workflow_create(company=tenant.company, actor=None, title="Vendor quotes").key == "vendor-quotes-2"


def test_the_first_task_becomes_the_start(tenant):
    workflow = workflow_create(company=tenant.company, actor=None, title="Support")
    first = task_create(actor=None, workflow=workflow, title="Triage")
    task_create(actor=None, workflow=workflow, title="Fix")
    starts = workflow.transitions.filter(from_task__isnull=True)
    assert [start.to_task for start in starts] == [first]


def test_form_tasks_drop_action_settings_and_durations_take_seconds(tenant):
    workflow = workflow_create(company=tenant.company, actor=None, title="Support")
    task = task_create(
        actor=None,
        workflow=workflow,
        title="Triage",
        action_url="https://x.example/",
        timeout_seconds=5,
        remind_after=3600,
    )
    assert (task.action_url, task.timeout_seconds, task.remind_after) == ("", None, timedelta(hours=1))


def test_publishing_validates_with_the_one_validator(tenant):
    workflow = workflow_create(company=tenant.company, actor=None, title="Support")
    task_create(actor=None, workflow=workflow, title="Call", task_type=TaskType.SYNC_ACTION, timeout_seconds=5)

    with pytest.raises(InvalidDefinition) as raised:
        workflow_publish(actor=None, workflow=workflow)

    assert [(p.path, p.task_key) for p in raised.value.problems] == [("tasks.call.action_url", "call")]
    assert "tasks.call.action_url: Task “Call” is an action" in str(raised.value)
    workflow.refresh_from_db()
    assert workflow.status == DefinitionStatus.DRAFT


def test_published_versions_are_not_editable(tenant):
    workflow = published_workflow(tenant.company)
    with pytest.raises(NotEditable):
        task_create(actor=None, workflow=workflow, title="Another")
    with pytest.raises(NotEditable):
        task_update(actor=None, task=workflow.tasks.first(), title="Renamed")


def test_editing_a_published_version_copies_it_into_the_next_draft(tenant):
    published = published_workflow(tenant.company)

    draft = workflow_draft_for_editing(workflow=published, actor=Actor(user=tenant.owner))

    assert (draft.version, draft.status, draft.key) == (2, DefinitionStatus.DRAFT, "support")
    assert list(draft.tasks.values_list("key", flat=True)) == list(published.tasks.values_list("key", flat=True))
    assert {(t.from_task and t.from_task.key, t.to_task and t.to_task.key) for t in draft.transitions.all()} == {
        (None, "triage"),
        ("triage", "fix-it"),
        ("fix-it", None),
    }
    assert all(t.from_task is None or t.from_task.workflow_id == draft.pk for t in draft.transitions.all())
    assert workflow_draft_for_editing(workflow=published, actor=None) == draft


def test_publishing_a_new_version_retires_the_previous_one(tenant):
    published = published_workflow(tenant.company)
    draft = workflow_draft_for_editing(workflow=published, actor=None)

    draft = workflow_publish(actor=None, workflow=draft)

    published.refresh_from_db()
    assert (published.status, draft.status) == (DefinitionStatus.RETIRED, DefinitionStatus.PUBLISHED)
    assert draft.published_at is not None


def test_discarding_a_draft_falls_back_to_the_previous_version(tenant):
    published = published_workflow(tenant.company)
    draft = workflow_draft_for_editing(workflow=published, actor=None)
    assert workflow_discard_draft(actor=None, workflow=draft) == published
    with pytest.raises(NotEditable):
        workflow_discard_draft(actor=None, workflow=published)


def test_task_move_swaps_neighbours_and_stops_at_the_ends(tenant):
    workflow = workflow_create(company=tenant.company, actor=None, title="Support")
    a, b, c = (task_create(actor=None, workflow=workflow, title=title) for title in "abc")

    task_move(actor=None, task=c, direction="up")
    assert list(workflow.tasks.values_list("key", flat=True)) == ["a", "c", "b"]
    task_move(actor=None, task=a, direction="up")
    assert list(workflow.tasks.values_list("key", flat=True)) == ["a", "c", "b"]
    task_move(actor=None, task=a, direction="down")
    assert list(workflow.tasks.values_list("key", flat=True)) == ["c", "a", "b"]


def test_deleting_a_task_deletes_its_transitions(tenant):
    workflow = workflow_create(company=tenant.company, actor=None, title="Support")
    first = task_create(actor=None, workflow=workflow, title="Triage")
    task_delete(actor=None, task=first)
    assert not workflow.transitions.exists()


def test_a_transition_cannot_join_tasks_of_another_workflow(tenant):
    workflow = workflow_create(company=tenant.company, actor=None, title="Support")
    own = task_create(actor=None, workflow=workflow, title="Triage")
    foreign = TaskDefinitionFactory(workflow__company=tenant.company)
    with pytest.raises(ValueError, match="own workflow"):
        transition_create(actor=None, workflow=workflow, from_task=own, to_task=foreign)


def test_a_task_cannot_use_another_companys_role(tenant, other_tenant):
    workflow = workflow_create(company=tenant.company, actor=None, title="Support")
    with pytest.raises(ValueError, match="another company"):
        task_create(
            actor=None,
            workflow=workflow,
            title="Triage",
            assignee_role=CompanyRoleFactory(company=other_tenant.company),
        )


def test_ticket_definition_publish_needs_a_published_workflow(tenant):
    ticket = ticket_type_create(company=tenant.company, actor=None, title="Help", workflow_key="support")
    draft = workflow_create(company=tenant.company, actor=None, title="Support", key="support")
    task_create(actor=None, workflow=draft, title="Triage")

    with pytest.raises(InvalidDefinition, match="has no published version"):
        ticket_type_publish(actor=None, ticket_type=ticket)

    workflow_publish(actor=None, workflow=draft)
    assert ticket_type_publish(actor=None, ticket_type=ticket).status == DefinitionStatus.PUBLISHED


def test_ticket_definition_publish_ignores_another_companys_workflow(tenant, other_tenant):
    published_workflow(other_tenant.company)
    ticket = ticket_type_create(company=tenant.company, actor=None, title="Help", workflow_key="support")
    with pytest.raises(InvalidDefinition):
        ticket_type_publish(actor=None, ticket_type=ticket)


def test_a_published_ticket_definition_refuses_an_invalid_change(tenant):
    published_workflow(tenant.company)
    ticket = ticket_type_create(company=tenant.company, actor=None, title="Help", workflow_key="support")
    ticket_type_publish(actor=None, ticket_type=ticket)

    with pytest.raises(InvalidDefinition):
        ticket_type_update(actor=None, ticket_type=ticket, title="Help", workflow_key="nowhere")

    updated, changed = ticket_type_update(actor=None, ticket_type=ticket, title="Get help", workflow_key="support")
    assert (updated.version, updated.title, changed) == (2, "Get help", True)


def test_workflow_import_version_replaces_the_draft_and_publishes(tenant):
    published = published_workflow(tenant.company)
    workflow_draft_for_editing(workflow=published, actor=None)
    role = CompanyRoleFactory(company=tenant.company)

    imported = workflow_import_version(
        company=tenant.company,
        actor=None,
        doc={
            "key": "support",
            "title": "Support v2",
            "tasks": [{"key": "only", "title": "Only step", "type": TaskType.FORM, "assignee_role": role.name}],
            "transitions": [{"from": None, "to": "only"}, {"from": "only", "to": None, "label": "Done"}],
        },
        context=ImportContext(roles={role.name.casefold(): role}),
    )

    assert (imported.version, imported.status) == (2, DefinitionStatus.PUBLISHED)
    family = WorkflowDefinition.objects.for_company(tenant.company).order_by("-version")
    assert list(family.values_list("version", "status")) == [
        (2, DefinitionStatus.PUBLISHED),
        (1, DefinitionStatus.RETIRED),
    ]
    assert imported.tasks.get().assignee_role == role


def test_workflow_import_version_rolls_back_an_invalid_workflow(tenant):
    with pytest.raises(InvalidDefinition):
        workflow_import_version(
            company=tenant.company,
            actor=None,
            doc={
                "key": "broken",
                "title": "Broken",
                "tasks": [{"key": "a", "title": "A", "type": "FORM"}],
                "transitions": [],
            },
            context=ImportContext(),
        )
    assert not WorkflowDefinition.objects.for_company(tenant.company).exists()


def test_ticket_definition_upsert_creates_then_updates_and_republishes(tenant):
    published_workflow(tenant.company)
    role = CompanyRoleFactory(company=tenant.company)

    created, first = ticket_type_upsert(
        company=tenant.company, actor=None, key="help", title="Help", workflow_key="support", allowed_roles=[role]
    )
    ticket_type_retire(actor=None, ticket_type=created)
    updated, second = ticket_type_upsert(
        company=tenant.company, actor=None, key="help", title="Help!", workflow_key="support", ext_ref=[]
    )

    assert (first, second) == ("created", "updated")
    assert (updated.pk, updated.version, updated.status, updated.title) == (
        created.pk,
        2,
        DefinitionStatus.PUBLISHED,
        "Help!",
    )
    assert list(updated.allowed_roles.all()) == []


def test_workflow_factory_children_share_the_parent_company():
    task = TaskDefinitionFactory()
    workflow = WorkflowDefinitionFactory()
    assert task.company == task.workflow.company
    assert workflow.company != task.company
