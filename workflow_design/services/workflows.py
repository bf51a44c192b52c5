"""Workflow versions: create, edit a draft's details, start a draft, publish, discard.

Only draft versions change. `workflow_draft_for_editing` gives the draft to edit
(copying a published version into version N+1 when needed), so running tickets
never see their definition change under them. Publishing validates with the one
validator and retires the previously published version of the same key.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from users.models import Company
from users.services import Actor
from workflow_design.models import (
    DefinitionEvent,
    DefinitionStatus,
    TaskDefinition,
    TicketDefinition,
    WorkflowDefinition,
    WorkflowTransition,
)
from workflow_design.problems import Problem, errors_of
from workflow_design.services.common import (
    InvalidDefinition,
    actor_user,
    assert_actor_of,
    lock_draft,
    record_event,
    unique_key,
)
from workflow_design.validation import ticket_type_problems, workflow_problems

Action = DefinitionEvent.Action


@transaction.atomic
def workflow_create(
    *, company: Company, actor: Actor | None, title: str, description: str = "", key: str = ""
) -> WorkflowDefinition:
    """A new workflow family: draft version 1."""
    assert_actor_of(company, actor)
    taken = WorkflowDefinition.objects.for_company(company).values_list("key", flat=True)
    key = key or unique_key(title, taken, fallback="workflow")
    workflow = WorkflowDefinition.objects.create(
        company=company,
        key=key,
        version=1,
        title=title.strip(),
        description=description.strip(),
        created_by=actor_user(actor),
    )
    record_event(company=company, actor=actor, action=Action.WORKFLOW_CREATED, subject=key, version=1)
    return workflow


@transaction.atomic
def workflow_update_details(
    *, workflow: WorkflowDefinition, actor: Actor | None, title: str, description: str = ""
) -> WorkflowDefinition:
    lock_draft(workflow)
    workflow.title = title.strip()
    workflow.description = description.strip()
    workflow.save(update_fields=["title", "description", "updated_at"])
    record_edit(workflow, actor, "Title and description saved.")
    return workflow


def record_edit(workflow: WorkflowDefinition, actor: Actor | None, detail: str) -> None:
    record_event(
        company=workflow.company,
        actor=actor,
        action=Action.WORKFLOW_EDITED,
        subject=workflow.key,
        version=workflow.version,
        detail=detail,
    )


@transaction.atomic
def workflow_draft_for_editing(*, workflow: WorkflowDefinition, actor: Actor | None) -> WorkflowDefinition:
    """The draft of `workflow`'s family: itself, the existing draft, or a new copy.

    Editing a published (or retired) version never changes it: its tasks and
    arrows are copied into version N+1 as a draft.
    """
    assert_actor_of(workflow.company, actor)
    if workflow.is_editable:
        return workflow
    family = WorkflowDefinition.objects.for_company(workflow.company).select_for_update().filter(key=workflow.key)
    # Lock every version, not just a draft that may not exist yet: two "Edit as new draft"
    # clicks then queue up and the second finds the first one's draft.
    list(family)
    existing = family.filter(status=DefinitionStatus.DRAFT).first()
    if existing is not None:
        return existing
    next_version = (family.aggregate(top=Max("version"))["top"] or 0) + 1
    draft = WorkflowDefinition.objects.create(
        company=workflow.company,
        key=workflow.key,
        version=next_version,
        title=workflow.title,
        description=workflow.description,
        ext_ref=workflow.ext_ref,
        created_by=actor_user(actor),
    )
    copies: dict[int, TaskDefinition] = {}
    for task in workflow.tasks.all():
        old_pk = task.pk
        task.pk = None
        task.id = None
        task._state.adding = True
        task.workflow = draft
        task.save()
        copies[old_pk] = task
    WorkflowTransition.objects.bulk_create(
        WorkflowTransition(
            company=workflow.company,
            workflow=draft,
            from_task=copies.get(transition.from_task_id),
            to_task=copies.get(transition.to_task_id),
            condition=transition.condition,
            priority=transition.priority,
            label=transition.label,
        )
        for transition in workflow.transitions.all()
    )
    record_event(
        company=workflow.company,
        actor=actor,
        action=Action.DRAFT_STARTED,
        subject=workflow.key,
        version=next_version,
        detail=f"Copied from version {workflow.version}.",
    )
    return draft


def published_ticket_type_problems(*, workflow: WorkflowDefinition) -> list[Problem]:
    """What would break in the published ticket types of this workflow's key if `workflow` became current."""
    ticket_types = TicketDefinition.objects.for_company(workflow.company).filter(
        workflow_key=workflow.key, status=DefinitionStatus.PUBLISHED
    )
    return [
        Problem(f"ticket type {ticket_type.key}", f"Ticket type “{ticket_type.title}”: {problem.message}")
        for ticket_type in ticket_types
        for problem in errors_of(ticket_type_problems(ticket_type, workflow=workflow))
    ]


@transaction.atomic
def workflow_publish(
    *, workflow: WorkflowDefinition, actor: Actor | None, check_ticket_types: bool = True
) -> WorkflowDefinition:
    """Publish a valid draft; the family's previously published version is retired.

    Refused (InvalidDefinition) when the draft has errors (warnings do not stop
    it), among them a rule reading a ticket field that a ticket type of its key
    lacks, or when a published ticket type starting this workflow would no longer
    fit it. The bundle importer checks ticket types itself, against the bundle's.
    """
    workflow = WorkflowDefinition.objects.select_for_update().get(pk=workflow.pk)
    lock_draft(workflow)
    # Warnings (the lint) are shown in the editor; only errors stop publishing.
    problems = errors_of(workflow_problems(workflow, with_ticket_types=check_ticket_types))
    if not problems and check_ticket_types:
        problems = published_ticket_type_problems(workflow=workflow)
    if problems:
        raise InvalidDefinition(problems)
    current = (
        WorkflowDefinition.objects.for_company(workflow.company)
        .select_for_update()
        .filter(key=workflow.key, status=DefinitionStatus.PUBLISHED)
        .first()
    )
    if current is not None:
        current.retire()
        current.save(update_fields=["status", "updated_at"])
    workflow.publish()
    workflow.save(update_fields=["status", "published_at", "updated_at"])
    record_event(
        company=workflow.company,
        actor=actor,
        action=Action.WORKFLOW_PUBLISHED,
        subject=workflow.key,
        version=workflow.version,
        detail=f"Replaces version {current.version}." if current else "First published version.",
    )
    return workflow


@transaction.atomic
def workflow_discard_draft(*, workflow: WorkflowDefinition, actor: Actor | None) -> WorkflowDefinition | None:
    """Delete a draft version. Returns the version to show instead (or None if it was the only one)."""
    lock_draft(workflow)
    fallback = (
        WorkflowDefinition.objects.for_company(workflow.company)
        .filter(key=workflow.key)
        .exclude(pk=workflow.pk)
        .order_by("-version")
        .first()
    )
    record_event(
        company=workflow.company,
        actor=actor,
        action=Action.DRAFT_DISCARDED,
        subject=workflow.key,
        version=workflow.version,
    )
    workflow.delete()
    return fallback
