"""What the engine reads of definitions: the seams between workflow_design and workflow_ops.

- `submittable_ticket_types(company, user)`: the ticket types a person may submit now;
- `workflow_for_new_ticket(ticket_type)`: the published workflow version a new ticket starts;
- `workflow_plan(workflow)`: a published version as plain, immutable data — its start
  task and each task's outgoing arrows in the order the engine tries them.

Published versions never change (the model refuses it), so a plan is built once per
version and process and kept: completing a task reads no definition rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from users.models import Company, User
from workflow_design.models import (
    DefinitionStatus,
    TaskDefinition,
    TicketDefinition,
    WorkflowDefinition,
    WorkflowTransition,
)


@dataclass(frozen=True)
class TaskPlan:
    """A task definition as the engine needs it."""

    id: int
    key: str
    title: str
    task_type: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    input_transform: dict[str, Any] | None
    output_transform: dict[str, Any] | None
    action_url: str
    timeout_seconds: int | None
    assignee_role_id: int | None
    assignment: str
    remind_after: timedelta | None
    escalate_after: timedelta | None

    @property
    def is_action(self) -> bool:
        return self.task_type != "FORM"


@dataclass(frozen=True)
class ArrowPlan:
    """An arrow: no `to_task_id` ends the workflow; no condition (None) always holds."""

    id: int
    from_task_id: int | None
    to_task_id: int | None
    condition: Any
    priority: int
    label: str


@dataclass(frozen=True)
class WorkflowPlan:
    """A published workflow version: its tasks and arrows, ready to run."""

    id: int
    company_id: int
    key: str
    version: int
    title: str
    tasks: dict[int, TaskPlan]
    # Arrows by source task (None: the start), each tuple in the order the engine tries them.
    arrows: dict[int | None, tuple[ArrowPlan, ...]] = field(default_factory=dict)

    @property
    def start_task(self) -> TaskPlan:
        """The task a new ticket starts with (validation guarantees exactly one start arrow)."""
        (start,) = self.arrows[None]
        return self.tasks[start.to_task_id]

    def outgoing(self, task_id: int) -> tuple[ArrowPlan, ...]:
        """The task's arrows by ascending priority, then in the order they were made."""
        return self.arrows.get(task_id, ())

    def task_by_key(self, key: str) -> TaskPlan | None:
        return next((task for task in self.tasks.values() if task.key == key), None)

    def ends_after(self, task_id: int) -> bool:
        """A task without arrows out ends the workflow."""
        return not self.arrows.get(task_id)


class NotRunnable(Exception):
    """Only published (or retired) workflow versions run; a draft can still change."""


def workflow_plan(workflow: WorkflowDefinition) -> WorkflowPlan:
    """The plan of a published or retired version (NotRunnable for a draft). Cached per process."""
    if workflow.status == DefinitionStatus.DRAFT:
        raise NotRunnable(f"{workflow} is a draft; publish it first.")
    return workflow_plan_by_id(workflow.pk)


# A version that ran once was published, and published versions never change (the model refuses
# it), so a plan is kept by id for the life of the process. Tests, whose databases reuse ids,
# call forget_plans() between tests.
@lru_cache(maxsize=1024)
def workflow_plan_by_id(workflow_id: int) -> WorkflowPlan:
    """The plan of the published or retired version `workflow_id` (NotRunnable for a draft; not cached)."""
    workflow = WorkflowDefinition.objects.get(pk=workflow_id)
    if workflow.status == DefinitionStatus.DRAFT:
        raise NotRunnable(f"{workflow} is a draft; publish it first.")
    tasks = {
        task.pk: TaskPlan(
            id=task.pk,
            key=task.key,
            title=task.title,
            task_type=task.task_type,
            input_schema=task.input_schema or {},
            output_schema=task.output_schema or {},
            input_transform=task.input_transform,
            output_transform=task.output_transform,
            action_url=task.action_url,
            timeout_seconds=task.timeout_seconds,
            assignee_role_id=task.assignee_role_id,
            assignment=task.assignment,
            remind_after=task.remind_after,
            escalate_after=task.escalate_after,
        )
        for task in TaskDefinition.objects.filter(workflow=workflow)
    }
    arrows: dict[int | None, list[ArrowPlan]] = {}
    for arrow in WorkflowTransition.objects.filter(workflow=workflow).order_by("priority", "id"):
        arrows.setdefault(arrow.from_task_id, []).append(
            ArrowPlan(
                id=arrow.pk,
                from_task_id=arrow.from_task_id,
                to_task_id=arrow.to_task_id,
                condition=arrow.condition,
                priority=arrow.priority,
                label=arrow.label,
            )
        )
    return WorkflowPlan(
        id=workflow.pk,
        company_id=workflow.company_id,
        key=workflow.key,
        version=workflow.version,
        title=workflow.title,
        tasks=tasks,
        arrows={source: tuple(items) for source, items in arrows.items()},
    )


def forget_plans() -> None:
    """Drop every cached plan (tests that reuse ids call it)."""
    workflow_plan_by_id.cache_clear()


def submittable_ticket_types(*, company: Company, user: User) -> QuerySet[TicketDefinition]:
    """Published ticket types `user` may submit: open to everyone (no roles) or to a role they hold,
    and whose workflow has a published version."""
    published_workflow = WorkflowDefinition.objects.for_company(company).filter(
        key=OuterRef("workflow_key"), status=DefinitionStatus.PUBLISHED
    )
    allowed = TicketDefinition.allowed_roles.through.objects.filter(ticketdefinition_id=OuterRef("pk"))
    held = allowed.filter(companyrole_id__in=user.company_roles.values("pk"))
    return (
        TicketDefinition.objects.for_company(company)
        .filter(status=DefinitionStatus.PUBLISHED)
        .filter(~Exists(allowed) | Exists(held))
        .filter(Exists(published_workflow))
        .order_by("title", "pk")
    )


def workflow_for_new_ticket(ticket_type: TicketDefinition) -> WorkflowDefinition | None:
    """The published version of the ticket type's workflow (None: nothing is published)."""
    return (
        WorkflowDefinition.objects.for_company(ticket_type.company)
        .filter(key=ticket_type.workflow_key, status=DefinitionStatus.PUBLISHED)
        .first()
    )
