"""The WorkflowStateManager: start a ticket's workflow, and advance it after each completed task.

Both run after the commit that caused them (`transaction.on_commit(..., robust=True)`),
take ids only, re-read what they need under a lock, and are idempotent: a ticket
has one workflow and one first task, and a task's next task records the task it
came from (unique), so running either twice — or in two processes at once —
creates nothing twice. `start_workflow` and `advance_workflow` are the entry
points: they never raise; a failure becomes a WorkflowError (see `steps`).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from users.services import Actor
from workflow_design.jsonlogic import RuleError, apply_transform
from workflow_design.plans import TaskPlan, WorkflowPlan, workflow_plan, workflow_plan_by_id
from workflow_ops.actions.runner import action_runner
from workflow_ops.engine.assignment import apply_choice, assignment_note, choose_assignee, notify_choice
from workflow_ops.engine.errors import RuleFailed
from workflow_ops.engine.routing import choose_arrow
from workflow_ops.engine.steps import advance_step, run_step, start_step
from workflow_ops.models import (
    ErrorKind,
    Notification,
    NotificationKind,
    TaskInstance,
    TaskStatus,
    TicketInstance,
    TicketStatus,
    WorkflowInstance,
    WorkflowStatus,
)
from workflow_ops.transitions import change_status, record_created

# The outcome of a workflow that ends at a task with no arrows out.
IMPLICIT_OUTCOME = "Completed"


# --- Entry points (never raise) --------------------------------------------------------------


def start_workflow(ticket_id: int, *, actor: Actor | None = None) -> bool:
    """Start the ticket's workflow and its first task. True when the step succeeded."""
    return run_step(start_step(ticket_id), partial(workflow_start, ticket_id, actor=actor), actor=actor)


def advance_workflow(task_id: int, *, actor: Actor | None = None, workflow_id: int | None = None) -> bool:
    """Move the workflow on after completed task `task_id`. True when the step succeeded."""
    step = partial(workflow_advance, task_id, actor=actor, workflow_id=workflow_id)
    return run_step(advance_step(task_id), step, actor=actor)


def start_on_commit(ticket_id: int) -> None:
    transaction.on_commit(partial(start_workflow, ticket_id), robust=True)


def advance_on_commit(task_id: int, *, workflow_id: int | None = None) -> None:
    transaction.on_commit(partial(advance_workflow, task_id, workflow_id=workflow_id), robust=True)


# --- The steps ----------------------------------------------------------------------------------


@transaction.atomic
def workflow_start(ticket_id: int, *, actor: Actor | None = None) -> WorkflowInstance | None:
    """Create the workflow instance and its first task. Idempotent; raises on failure."""
    ticket = (
        TicketInstance.objects.select_for_update(of=("self",))
        .select_related("workflow_definition", "company", "requester")
        .get(pk=ticket_id)
    )
    existing = WorkflowInstance.objects.filter(ticket=ticket).first()
    if existing is not None or ticket.status != TicketStatus.OPEN:
        return existing
    plan = workflow_plan(ticket.workflow_definition)
    workflow = WorkflowInstance.objects.create(
        company_id=ticket.company_id,
        ticket=ticket,
        definition_id=plan.id,
        workflow_data={"ticket": ticket.data, "tasks": {}},
    )
    record_created(workflow, actor=actor, note=f"Started “{plan.title}” (version {plan.version}).")
    first = create_task(workflow=workflow, ticket=ticket, plan=plan, task_plan=plan.start_task, came_from=None)
    workflow.current_task = first
    workflow.save(update_fields=["current_task", "updated_at"])
    return workflow


@transaction.atomic
def workflow_advance(
    task_id: int, *, actor: Actor | None = None, workflow_id: int | None = None
) -> TaskInstance | None:
    """Merge a completed task's output and take the first arrow whose condition holds.

    Locks the workflow row; returns at once when the task was already advanced (or is
    not completed). Creates the next task, or ends the workflow with the arrow's label
    as the ticket's outcome. Raises NoArrowMatched / RuleFailed / any failure.
    """
    if workflow_id is None:
        workflow_id = TaskInstance.objects.filter(pk=task_id).values_list("workflow_id", flat=True).get()
    workflow = WorkflowInstance.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=workflow_id)
    # Read after the lock (a new statement): a concurrent advance that committed first is seen.
    task = TaskInstance.objects.get(pk=task_id, workflow_id=workflow_id)
    if task.advanced_at is not None or task.status != TaskStatus.COMPLETED:
        return None
    now = timezone.now()
    if workflow.status != WorkflowStatus.RUNNING:
        _mark_advanced(task, now)
        return None
    plan = workflow_plan_by_id(workflow.definition_id)
    data = workflow.workflow_data
    data.setdefault("tasks", {})[plan.tasks[task.definition_id].key] = task.output_data
    arrow = choose_arrow(plan, task.definition_id, data)
    ticket = workflow.ticket
    next_task = None
    if arrow is None or arrow.to_task_id is None:
        outcome = arrow.label if arrow is not None else IMPLICIT_OUTCOME
        _finish(workflow, ticket, outcome=outcome, actor=actor)
    else:
        next_task = create_task(
            workflow=workflow, ticket=ticket, plan=plan, task_plan=plan.tasks[arrow.to_task_id], came_from=task
        )
        workflow.current_task = next_task
    workflow.workflow_data = data
    workflow.save(update_fields=["workflow_data", "current_task", "updated_at"])
    _mark_advanced(task, now)
    return next_task


def _mark_advanced(task: TaskInstance, now: Any) -> None:
    task.advanced_at = now
    task.save(update_fields=["advanced_at"])


def _finish(workflow: WorkflowInstance, ticket: TicketInstance, *, outcome: str, actor: Actor | None) -> None:
    workflow.completed_at = ticket.closed_at = timezone.now()
    change_status(workflow, "complete", actor=actor, note=f"Ended: {outcome}", fields=["completed_at", "current_task"])
    change_status(
        ticket, "finish", actor=actor, outcome=outcome, note=f"Finished: {outcome}", fields=["outcome", "closed_at"]
    )
    Notification.objects.create(
        company_id=ticket.company_id,
        recipient_id=ticket.requester_id,
        kind=NotificationKind.TICKET_FINISHED,
        message=f"#{ticket.number} {ticket.title} is finished: {outcome}"[:300],
        link=f"/tickets/{ticket.pk}/",
    )


def create_task(
    *,
    workflow: WorkflowInstance,
    ticket: TicketInstance,
    plan: WorkflowPlan,
    task_plan: TaskPlan,
    came_from: TaskInstance | None,
) -> TaskInstance:
    """A new task of the workflow: its input from the input transform, then queued (an action) or
    assigned (a person, or nobody yet). Inside the caller's transaction."""
    try:
        input_data = apply_transform(task_plan.input_transform, workflow.workflow_data)
    except RuleError as error:
        raise RuleFailed(
            f"The input of “{task_plan.title}” could not be computed: {error}", kind=ErrorKind.TASK_CREATION
        ) from error
    choice = None if task_plan.is_action else choose_assignee(task=task_plan, workflow=workflow, ticket=ticket)
    if choice is None:
        status = TaskStatus.QUEUED
    else:
        status = TaskStatus.ASSIGNED if choice.user is not None else TaskStatus.UNASSIGNED
    task = TaskInstance(
        company_id=ticket.company_id,
        workflow=workflow,
        ticket=ticket,
        definition_id=task_plan.id,
        came_from=came_from,
        input_data=input_data,
        status=status,
    )
    if choice is None:
        task.save()
        record_created(task, actor=None, note="Queued for the action runner.")
        transaction.on_commit(partial(action_runner().enqueue, task.pk), robust=True)
        return task
    apply_choice(task, choice, task_plan, now=timezone.now())
    task.save()
    record_created(task, actor=None, note=assignment_note(choice))
    notify_choice(task, choice, ticket=ticket, title=task_plan.title)
    return task
