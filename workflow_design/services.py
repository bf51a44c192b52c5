"""Writes to definitions: create, edit drafts, version, publish.

Rules every function keeps:
- Only draft workflow versions change. `workflow_draft_for_editing` gives the
  draft to edit (copying a published version into version N+1 when needed),
  so running tickets never see their definition change under them.
- Publishing validates with the one validator (`workflow_design.validation`)
  and retires the previously published version of the same key.
- Linked objects belong to the same company and workflow (asserted here).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from users.models import Company, CompanyRole, User
from workflow_design.models import (
    DefinitionStatus,
    TaskDefinition,
    TaskType,
    TicketDefinition,
    WorkflowDefinition,
    WorkflowTransition,
)


class NotEditable(Exception):
    """The definition is published or retired; edit its draft instead."""


class InvalidDefinition(Exception):
    """The definition has problems that stop it from being published."""

    def __init__(self, problems: list) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.path}: {p.message}" if p.path else p.message for p in problems))


def unique_key(title: str, taken: Iterable[str], *, fallback: str = "item") -> str:
    """A slug from `title` that is not in `taken` (`quote`, `quote-2`, ...)."""
    base = slugify(title)[:70].strip("-") or fallback
    taken = set(taken)
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def _assert_draft(workflow: WorkflowDefinition) -> None:
    """Lock the workflow row and check it is still a draft (another tab may have published it).

    Callers are atomic, so the lock holds until their change is written.
    """
    status = (
        WorkflowDefinition.objects.select_for_update().filter(pk=workflow.pk).values_list("status", flat=True).first()
    )
    if status is None:
        raise NotEditable(f"{workflow} no longer exists; it was discarded.")
    workflow.status = status
    if not workflow.is_editable:
        raise NotEditable(f"{workflow} is {workflow.get_status_display().lower()}; edit its draft instead.")


def _assert_user_of(company: Company, user: User | None) -> None:
    # Staff superusers have no company; they act inside one by impersonating it.
    if user is not None and user.company_id != company.pk and not user.is_superuser:
        raise ValueError("The user belongs to another company.")


def _assert_role_of(company: Company, role: CompanyRole | None) -> None:
    if role is not None and role.company_id != company.pk:
        raise ValueError("The company role belongs to another company.")


# --- Workflows -------------------------------------------------------------------


@transaction.atomic
def workflow_create(
    *, company: Company, user: User | None, title: str, description: str = "", key: str = ""
) -> WorkflowDefinition:
    """A new workflow family: draft version 1."""
    _assert_user_of(company, user)
    taken = WorkflowDefinition.objects.for_company(company).values_list("key", flat=True)
    key = key or unique_key(title, taken, fallback="workflow")
    return WorkflowDefinition.objects.create(
        company=company, key=key, version=1, title=title.strip(), description=description.strip(), created_by=user
    )


@transaction.atomic
def workflow_update_details(*, workflow: WorkflowDefinition, title: str, description: str = "") -> WorkflowDefinition:
    _assert_draft(workflow)
    workflow.title = title.strip()
    workflow.description = description.strip()
    workflow.save(update_fields=["title", "description", "updated_at"])
    return workflow


@transaction.atomic
def workflow_draft_for_editing(*, workflow: WorkflowDefinition, user: User | None) -> WorkflowDefinition:
    """The draft of `workflow`'s family: itself, the existing draft, or a new copy.

    Editing a published (or retired) version never changes it: its tasks and
    transitions are copied into version N+1 as a draft.
    """
    _assert_user_of(workflow.company, user)
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
        created_by=user,
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
    return draft


def published_ticket_type_problems(*, workflow: WorkflowDefinition) -> list:
    """What would break in the published ticket types of this workflow's key if `workflow` became current."""
    from workflow_design.validation import Problem, ticket_definition_problems

    ticket_types = TicketDefinition.objects.for_company(workflow.company).filter(
        workflow_key=workflow.key, status=DefinitionStatus.PUBLISHED
    )
    return [
        Problem(f"ticket type {ticket_type.key}", f"Ticket type “{ticket_type.title}”: {problem.message}")
        for ticket_type in ticket_types
        for problem in ticket_definition_problems(ticket_type, workflow=workflow)
    ]


@transaction.atomic
def workflow_publish(*, workflow: WorkflowDefinition, check_ticket_types: bool = True) -> WorkflowDefinition:
    """Publish a valid draft; the family's previously published version is retired.

    Refused (InvalidDefinition) when the draft has problems, or when a published
    ticket type starting this workflow would no longer fit it (e.g. a condition
    reads a ticket field the ticket type lacks). The bundle importer checks
    ticket types itself, after it has also written the bundle's ticket types.
    """
    from workflow_design.validation import workflow_problems

    workflow = WorkflowDefinition.objects.select_for_update().get(pk=workflow.pk)
    _assert_draft(workflow)
    problems = workflow_problems(workflow)
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
    return workflow


@transaction.atomic
def workflow_discard_draft(*, workflow: WorkflowDefinition) -> WorkflowDefinition | None:
    """Delete a draft version. Returns the version to show instead (or None if it was the only one)."""
    _assert_draft(workflow)
    fallback = (
        WorkflowDefinition.objects.for_company(workflow.company)
        .filter(key=workflow.key)
        .exclude(pk=workflow.pk)
        .order_by("-version")
        .first()
    )
    workflow.delete()
    return fallback


# --- Tasks -------------------------------------------------------------------------

TASK_FIELDS = {
    "title",
    "description",
    "task_type",
    "input_schema",
    "output_schema",
    "input_transform",
    "output_transform",
    "action_url",
    "timeout_seconds",
    "assignee_role",
    "remind_after",
    "escalate_after",
}


def _clean_task_fields(workflow: WorkflowDefinition, fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - TASK_FIELDS
    if unknown:
        raise TypeError(f"Unknown task fields: {sorted(unknown)}")
    _assert_role_of(workflow.company, fields.get("assignee_role"))
    if fields.get("task_type", TaskType.FORM) == TaskType.FORM:
        # A form task has no action settings; clearing them keeps the definition honest.
        fields.update(action_url="", timeout_seconds=None, output_transform=None)
    for name in ("remind_after", "escalate_after"):
        if isinstance(fields.get(name), (int, float)):
            fields[name] = timedelta(seconds=fields[name])
        if fields.get(name) is not None and fields[name] < timedelta(seconds=1):
            raise ValueError(f"{name} must be at least one second, or None.")
    return fields


@transaction.atomic
def task_create(*, workflow: WorkflowDefinition, title: str, key: str = "", **fields: Any) -> TaskDefinition:
    _assert_draft(workflow)
    fields = _clean_task_fields(workflow, fields)
    key = key or unique_key(title, workflow.tasks.values_list("key", flat=True), fallback="task")
    position = (workflow.tasks.aggregate(top=Max("position"))["top"] or 0) + 1
    task = TaskDefinition.objects.create(
        company=workflow.company, workflow=workflow, key=key, title=title.strip(), position=position, **fields
    )
    if not workflow.transitions.filter(from_task__isnull=True).exists():
        # The first task of a new workflow is where it starts.
        WorkflowTransition.objects.create(company=workflow.company, workflow=workflow, from_task=None, to_task=task)
    return task


@transaction.atomic
def task_update(*, task: TaskDefinition, key: str | None = None, **fields: Any) -> TaskDefinition:
    _assert_draft(task.workflow)
    fields = _clean_task_fields(task.workflow, fields)
    if key is not None:
        task.key = key
    for name, value in fields.items():
        setattr(task, name, value)
    task.save()
    return task


@transaction.atomic
def task_delete(*, task: TaskDefinition) -> None:
    """Delete a task and the transitions that touch it."""
    _assert_draft(task.workflow)
    task.delete()


@transaction.atomic
def task_move(*, task: TaskDefinition, direction: str) -> None:
    """Swap the task with its neighbour above ("up") or below ("down")."""
    _assert_draft(task.workflow)
    tasks = list(task.workflow.tasks.order_by("position", "id"))
    index = tasks.index(task)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(tasks):
        return
    tasks[index], tasks[other] = tasks[other], tasks[index]
    for position, item in enumerate(tasks, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


# --- Transitions -------------------------------------------------------------------


def _assert_tasks_of(workflow: WorkflowDefinition, *tasks: TaskDefinition | None) -> None:
    if any(task is not None and task.workflow_id != workflow.pk for task in tasks):
        raise ValueError("A transition can only join tasks of its own workflow.")


@transaction.atomic
def transition_create(
    *,
    workflow: WorkflowDefinition,
    from_task: TaskDefinition | None,
    to_task: TaskDefinition | None,
    condition: dict | None = None,
    priority: int = 0,
    label: str = "",
) -> WorkflowTransition:
    _assert_draft(workflow)
    _assert_tasks_of(workflow, from_task, to_task)
    return WorkflowTransition.objects.create(
        company=workflow.company,
        workflow=workflow,
        from_task=from_task,
        to_task=to_task,
        condition=condition,
        priority=priority,
        label=label.strip(),
    )


@transaction.atomic
def transition_update(
    *,
    transition: WorkflowTransition,
    from_task: TaskDefinition | None,
    to_task: TaskDefinition | None,
    condition: dict | None = None,
    priority: int = 0,
    label: str = "",
) -> WorkflowTransition:
    _assert_draft(transition.workflow)
    _assert_tasks_of(transition.workflow, from_task, to_task)
    transition.from_task = from_task
    transition.to_task = to_task
    transition.condition = condition
    transition.priority = priority
    transition.label = label.strip()
    transition.save()
    return transition


@transaction.atomic
def transition_delete(*, transition: WorkflowTransition) -> None:
    _assert_draft(transition.workflow)
    transition.delete()


# --- Ticket definitions ---------------------------------------------------------------


def _assert_roles_of(company: Company, roles: Iterable[CompanyRole]) -> list[CompanyRole]:
    roles = list(roles)
    for role in roles:
        _assert_role_of(company, role)
    return roles


@transaction.atomic
def ticket_definition_create(
    *,
    company: Company,
    user: User | None,
    title: str,
    workflow_key: str,
    key: str = "",
    description: str = "",
    fields_schema: dict | None = None,
    allowed_roles: Iterable[CompanyRole] = (),
) -> TicketDefinition:
    """A new ticket type, as a draft."""
    _assert_user_of(company, user)
    roles = _assert_roles_of(company, allowed_roles)
    taken = TicketDefinition.objects.for_company(company).values_list("key", flat=True)
    ticket_definition = TicketDefinition.objects.create(
        company=company,
        key=key or unique_key(title, taken, fallback="ticket"),
        title=title.strip(),
        description=description.strip(),
        fields_schema=fields_schema or {},
        workflow_key=workflow_key,
        created_by=user,
    )
    ticket_definition.allowed_roles.set(roles)
    return ticket_definition


@transaction.atomic
def ticket_definition_update(
    *,
    ticket_definition: TicketDefinition,
    title: str,
    workflow_key: str,
    description: str = "",
    fields_schema: dict | None = None,
    allowed_roles: Iterable[CompanyRole] = (),
) -> TicketDefinition:
    """Save changes (version + 1). A published ticket type must stay valid, or the change is refused."""
    from workflow_design.validation import ticket_definition_problems

    roles = _assert_roles_of(ticket_definition.company, allowed_roles)
    ticket_definition.title = title.strip()
    ticket_definition.description = description.strip()
    ticket_definition.fields_schema = fields_schema or {}
    ticket_definition.workflow_key = workflow_key
    if ticket_definition.status == DefinitionStatus.PUBLISHED:
        problems = ticket_definition_problems(ticket_definition)
        if problems:
            raise InvalidDefinition(problems)
    ticket_definition.version += 1
    ticket_definition.save()
    ticket_definition.allowed_roles.set(roles)
    return ticket_definition


@transaction.atomic
def ticket_definition_publish(*, ticket_definition: TicketDefinition) -> TicketDefinition:
    """Open a valid ticket type for submissions."""
    from workflow_design.validation import ticket_definition_problems

    problems = ticket_definition_problems(ticket_definition)
    if problems:
        raise InvalidDefinition(problems)
    ticket_definition.publish()
    ticket_definition.save(update_fields=["status", "updated_at"])
    return ticket_definition


@transaction.atomic
def ticket_definition_retire(*, ticket_definition: TicketDefinition) -> TicketDefinition:
    """Stop new submissions; existing tickets are untouched."""
    ticket_definition.retire()
    ticket_definition.save(update_fields=["status", "updated_at"])
    return ticket_definition


# --- Whole definitions (bundle import) ----------------------------------------------------


@transaction.atomic
def workflow_import_version(
    *,
    company: Company,
    user: User | None,
    key: str,
    title: str,
    tasks: list[dict[str, Any]],
    transitions: list[dict[str, Any]],
    description: str = "",
    ext_ref: list | None = None,
) -> WorkflowDefinition:
    """Build a complete new version of workflow family `key` and publish it.

    `tasks` hold TaskDefinition field values (with `key`; `assignee_role` a
    CompanyRole of `company`), in display order; `transitions` hold `from_key` /
    `to_key` (task keys or None), `condition`, `priority`, `label`. A pending
    draft of the family is discarded, the new version is max + 1, and publishing
    validates it (InvalidDefinition rolls everything back) and retires the
    previously published version. Atomic.
    """
    _assert_user_of(company, user)
    family = WorkflowDefinition.objects.for_company(company).select_for_update().filter(key=key)
    family.filter(status=DefinitionStatus.DRAFT).delete()
    next_version = (family.aggregate(top=Max("version"))["top"] or 0) + 1
    workflow = WorkflowDefinition.objects.create(
        company=company,
        key=key,
        version=next_version,
        title=title.strip(),
        description=description.strip(),
        ext_ref=ext_ref or [],
        created_by=user,
    )
    by_key: dict[str, TaskDefinition] = {}
    for position, values in enumerate(tasks, start=1):
        values = dict(values)
        _assert_role_of(company, values.get("assignee_role"))
        task = TaskDefinition.objects.create(company=company, workflow=workflow, position=position, **values)
        by_key[task.key] = task
    WorkflowTransition.objects.bulk_create(
        WorkflowTransition(
            company=company,
            workflow=workflow,
            from_task=by_key[item["from_key"]] if item.get("from_key") is not None else None,
            to_task=by_key[item["to_key"]] if item.get("to_key") is not None else None,
            condition=item.get("condition"),
            priority=item.get("priority", 0),
            label=item.get("label", ""),
        )
        for item in transitions
    )
    return workflow_publish(workflow=workflow, check_ticket_types=False)


@transaction.atomic
def ticket_definition_upsert(
    *,
    company: Company,
    user: User | None,
    key: str,
    title: str,
    workflow_key: str,
    description: str = "",
    fields_schema: dict | None = None,
    allowed_roles: Iterable[CompanyRole] = (),
    ext_ref: list | None = None,
) -> tuple[TicketDefinition, bool]:
    """Create or update the ticket type `key` and publish it. Returns it and whether it was created.

    An update bumps the version like any edit; publishing requires a valid
    definition whose workflow has a published version (InvalidDefinition). Atomic.
    """
    _assert_user_of(company, user)
    existing = TicketDefinition.objects.for_company(company).select_for_update().filter(key=key).first()
    if existing is None:
        ticket_definition = ticket_definition_create(
            company=company,
            user=user,
            title=title,
            workflow_key=workflow_key,
            key=key,
            description=description,
            fields_schema=fields_schema,
            allowed_roles=allowed_roles,
        )
    else:
        ticket_definition = ticket_definition_update(
            ticket_definition=existing,
            title=title,
            workflow_key=workflow_key,
            description=description,
            fields_schema=fields_schema,
            allowed_roles=allowed_roles,
        )
    if ticket_definition.ext_ref != (ext_ref or []):
        ticket_definition.ext_ref = ext_ref or []
        ticket_definition.save(update_fields=["ext_ref", "updated_at"])
    if ticket_definition.status != DefinitionStatus.PUBLISHED:
        ticket_definition_publish(ticket_definition=ticket_definition)
    return ticket_definition, existing is None
