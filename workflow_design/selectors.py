"""Reads for the design pages. Every query starts from `for_company`."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from users.models import Company
from workflow_design.models import (
    DefinitionStatus,
    TaskDefinition,
    TicketDefinition,
    WorkflowDefinition,
    WorkflowTransition,
)
from workflow_design.schema_builder import FIELD_TYPES, schema_field_types


def workflow_list(*, company: Company, search: str = "", status: str = "") -> QuerySet[WorkflowDefinition]:
    """One row per workflow key (its newest version), with task count and published version number.

    `status`: "draft" (newest is a draft), "published" (some version is live), "retired" (nothing live).
    """
    published_version = (
        WorkflowDefinition.objects.for_company(company)
        .filter(key=OuterRef("key"), status=DefinitionStatus.PUBLISHED)
        .values("version")[:1]
    )
    rows = (
        WorkflowDefinition.objects.for_company(company)
        .latest_versions()
        .annotate(task_count=Count("tasks", distinct=True), published_version=Subquery(published_version))
    )
    if search:
        rows = rows.filter(Q(title__icontains=search) | Q(key__icontains=search))
    if status == "draft":
        rows = rows.filter(status=DefinitionStatus.DRAFT)
    elif status == "published":
        rows = rows.filter(published_version__isnull=False)
    elif status == "retired":
        rows = rows.filter(status=DefinitionStatus.RETIRED)
    return rows.order_by("title", "key")


def workflow_versions(*, workflow: WorkflowDefinition) -> list[WorkflowDefinition]:
    """Every version of the workflow's key, newest first."""
    return list(
        WorkflowDefinition.objects.for_company(workflow.company)
        .filter(key=workflow.key)
        .only("pk", "key", "version", "status", "published_at", "updated_at", "title", "company_id")
        .order_by("-version")
    )


def workflow_tasks(*, workflow: WorkflowDefinition) -> list[TaskDefinition]:
    return list(
        TaskDefinition.objects.for_company(workflow.company)
        .filter(workflow=workflow)
        .select_related("assignee_role")
        .order_by("position", "id")
    )


def workflow_transitions(*, workflow: WorkflowDefinition) -> list[WorkflowTransition]:
    """Start arrows first, then by source task position and priority."""
    transitions = list(
        WorkflowTransition.objects.for_company(workflow.company)
        .filter(workflow=workflow)
        .select_related("from_task", "to_task")
        .order_by("priority", "id")
    )
    return sorted(
        transitions,
        key=lambda t: (t.from_task is not None, t.from_task.position if t.from_task else 0, t.from_task_id or 0),
    )


def condition_variables(
    *, workflow: WorkflowDefinition, tasks: list[TaskDefinition]
) -> dict[str, tuple[str, str, str]]:
    """{var: (label, field type code, group)} a condition may read: ticket fields, then task outputs.

    Ticket fields come from the ticket types that start this workflow's key.
    """
    variables: dict[str, tuple[str, str, str]] = {}
    ticket_schemas = (
        TicketDefinition.objects.for_company(workflow.company)
        .filter(workflow_key=workflow.key)
        .values_list("fields_schema", flat=True)
    )
    for schema in ticket_schemas:
        for name, type_code in schema_field_types(schema).items():
            variables.setdefault(f"ticket.{name}", (_label(f"ticket.{name}", type_code), type_code, "Ticket fields"))
    for task in tasks:
        for name, type_code in schema_field_types(task.output_schema).items():
            var = f"tasks.{task.key}.{name}"
            variables[var] = (_label(f"{task.key}.{name}", type_code), type_code, f"Task: {task.title}")
    return variables


def transform_variables(
    *, workflow: WorkflowDefinition, task: TaskDefinition | None
) -> tuple[dict[str, tuple[str, str, str]], set[str]]:
    """What an action's input mapping offers, and every variable its transforms may read.

    Offered: ticket fields and the outputs of the tasks before `task` (all tasks for a new one).
    Readable: ticket fields and every task's outputs, as the definition validator allows.
    """
    tasks = workflow_tasks(workflow=workflow)
    readable = condition_variables(workflow=workflow, tasks=tasks)
    # The task itself and the ones after it (in editor order) have not answered yet.
    later = set() if task is None else {t.key for t in tasks if (t.position, t.pk) >= (task.position, task.pk)}
    offered = {
        var: value for var, value in readable.items() if not (var.startswith("tasks.") and var.split(".")[1] in later)
    }
    return offered, set(readable)


def _label(name: str, type_code: str) -> str:
    return f"{name} ({FIELD_TYPES[type_code][0].lower()})" if type_code in FIELD_TYPES else name


# The status filter of the definition lists: any, or one status.
STATUS_FILTERS = [("", "Any status"), *DefinitionStatus.choices]


def current_workflows(company: Company, keys: Iterable[str]) -> dict[str, WorkflowDefinition]:
    """What each workflow key means today: its published version, else its newest. One query."""
    chosen: dict[str, WorkflowDefinition] = {}
    versions = WorkflowDefinition.objects.for_company(company).filter(key__in=set(keys)).order_by("key", "-version")
    for workflow in versions:
        current = chosen.get(workflow.key)
        if current is None or (
            workflow.status == DefinitionStatus.PUBLISHED and current.status != DefinitionStatus.PUBLISHED
        ):
            chosen[workflow.key] = workflow
    return chosen


def workflow_key_choices(company: Company) -> list[tuple[str, str]]:
    """(key, label) for every workflow a ticket type can start, published ones first."""
    keys = WorkflowDefinition.objects.for_company(company).values_list("key", flat=True).distinct()
    workflows = current_workflows(company, keys)
    ordered = sorted(
        workflows.values(), key=lambda wf: (wf.status != DefinitionStatus.PUBLISHED, wf.title.lower(), wf.key)
    )
    return [
        (
            wf.key,
            wf.title if wf.status == DefinitionStatus.PUBLISHED else f"{wf.title} (not published yet)",
        )
        for wf in ordered
    ]
