"""Working a task: save a draft, complete it, claim it from the pool, assign it, correct its output."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from users.models import User
from users.roles import PERM_MANAGE_TICKETS
from users.services import Actor
from workflow_design.plans import workflow_plan_by_id
from workflow_ops.engine.assignment import ASSIGNMENT_FIELDS, Choice, apply_choice, is_eligible, notify_choice
from workflow_ops.engine.manager import advance_on_commit
from workflow_ops.models import (
    WORKABLE,
    ErrorStatus,
    TaskInstance,
    TaskStatus,
    TicketStatus,
    upload_id_from_ref,
)
from workflow_ops.services.attachments import answer_errors, file_errors, store_answer_files
from workflow_ops.services.common import InvalidData, NotAllowed
from workflow_ops.transitions import change_status, status_change


def _name(user: User) -> str:
    return str(user)


def _require_assignee(task: TaskInstance, user: User) -> None:
    if task.assigned_to_id != user.pk:
        raise NotAllowed("This task is not assigned to you.")
    if task.status not in WORKABLE:
        raise NotAllowed(f"This task is {task.get_status_display().lower()}; it cannot be worked on now.")


@transaction.atomic
def task_save_draft(
    *, task: TaskInstance, actor: Actor, output: dict[str, Any], files: dict[str, UploadedFile] | None = None
) -> TaskInstance:
    """Keep what the assignee has filled in so far (new files of `file` fields too); the first draft starts the task."""
    _require_assignee(task, actor.user)
    schema = workflow_plan_by_id(task.workflow.definition_id).tasks[task.definition_id].output_schema
    errors = file_errors(schema=schema, data=output, files=files, ticket_id=task.ticket_id)
    if errors:
        raise InvalidData(errors)
    if files:
        output = {**output, **store_answer_files(ticket=task.ticket, actor=actor, files=files, task=task)}
    task.output_data = output
    try:
        if task.status == TaskStatus.ASSIGNED:
            task.started_at = timezone.now()
            change_status(
                task, "start", actor=actor, note="Started: draft saved.", fields=["output_data", "started_at"]
            )
        else:
            task.save(update_fields=["output_data", "updated_at"])
    except ConcurrentTransition as changed:
        raise NotAllowed("This task changed meanwhile (completed or reassigned); reload the page.") from changed
    return task


def task_complete(
    *, task: TaskInstance, actor: Actor, output: dict[str, Any], files: dict[str, UploadedFile] | None = None
) -> TaskInstance:
    """Complete a task with its output; the workflow moves on after the commit.

    The completion commits on its own (durable): nothing that happens when the
    workflow moves on can undo it. Two people completing one task at once: the
    first wins, the other gets NotAllowed. `files`: new files of `file` fields, kept
    as uploads of the ticket (for this task). Raises InvalidData (by field).
    """
    schema = workflow_plan_by_id(task.workflow.definition_id).tasks[task.definition_id].output_schema
    errors = answer_errors(schema=schema, data=output, files=files, ticket_id=task.ticket_id)
    if errors:
        raise InvalidData(errors)
    with transaction.atomic(durable=True):
        _require_assignee(task, actor.user)
        if files:
            output = {**output, **store_answer_files(ticket=task.ticket, actor=actor, files=files, task=task)}
        task.output_data = output
        task.completed_at = timezone.now()
        task.completed_by = actor.user
        try:
            change_status(
                task,
                "complete",
                actor=actor,
                note=f"Completed by {_name(actor.user)}{_summary(output)}",
                fields=["output_data", "completed_at", "completed_by"],
            )
        except (ConcurrentTransition, TransitionNotAllowed) as lost:
            raise NotAllowed("Someone else completed or changed this task first; nothing was saved.") from lost
        advance_on_commit(task.pk, workflow_id=task.workflow_id)
    return task


def _summary(output: dict[str, Any]) -> str:
    """ ": approve" — the first short text answer, as timelines show a decision."""
    for value in output.values():
        if isinstance(value, str) and 0 < len(value) <= 40 and upload_id_from_ref(value) is None:
            return f": {value}"
    return "."


@transaction.atomic
def task_claim(*, task: TaskInstance, actor: Actor) -> TaskInstance:
    """Take an unassigned task from the pool, if the task's role allows you."""
    user = actor.user
    task = TaskInstance.objects.select_for_update().select_related("definition", "ticket").get(pk=task.pk)
    if task.status != TaskStatus.UNASSIGNED:
        raise NotAllowed("Someone else has taken this task already.")
    if not is_eligible(user, task.ticket.company, task.definition.assignee_role_id):
        raise NotAllowed("This task is for someone holding its company role; you cannot claim it.")
    plan = workflow_plan_by_id(task.workflow.definition_id).tasks[task.definition_id]
    apply_choice(task, Choice(user, f"Claimed from the pool by {_name(user)}."), plan, now=timezone.now())
    change_status(
        task, "assign", actor=actor, note=f"Claimed by {_name(user)} from the pool.", fields=ASSIGNMENT_FIELDS
    )
    return task


@transaction.atomic
def task_assign(*, task: TaskInstance, actor: Actor, assignee: User) -> TaskInstance:
    """A ticket admin gives an open person-task to an eligible worker (nobody could take it, or to move it)."""
    if not actor.user.has_perm(PERM_MANAGE_TICKETS):
        raise NotAllowed("Only ticket admins assign tasks.")
    task = TaskInstance.objects.select_for_update().select_related("definition", "ticket").get(pk=task.pk)
    if task.status not in (TaskStatus.UNASSIGNED, *WORKABLE):
        raise NotAllowed(f"This task is {task.get_status_display().lower()}; it cannot be assigned.")
    if assignee.company_id != task.company_id or not is_eligible(
        assignee, task.ticket.company, task.definition.assignee_role_id
    ):
        raise NotAllowed(f"{_name(assignee)} cannot do this task (not an active worker holding its role).")
    plan = workflow_plan_by_id(task.workflow.definition_id).tasks[task.definition_id]
    choice = Choice(assignee, f"Assigned by {_name(actor.user)}.")
    apply_choice(task, choice, plan, now=timezone.now())
    change_status(
        task,
        "assign",
        actor=actor,
        note=f"Assigned to {_name(assignee)} by {_name(actor.user)}.",
        fields=ASSIGNMENT_FIELDS,
    )
    notify_choice(task, choice, ticket=task.ticket, title=plan.title)
    return task


@dataclass(frozen=True)
class BulkAssignment:
    assigned: int
    refused: list[str]  # "#42 “Review”: why", one per task not assigned


def tasks_assign(*, tasks: Iterable[TaskInstance], actor: Actor, assignee: User) -> BulkAssignment:
    """Give each task to one worker, each in its own transaction: a task they may not do is named, not a stop."""
    assigned, refused = 0, []
    for task in tasks:
        try:
            task_assign(task=task, actor=actor, assignee=assignee)
            assigned += 1
        except NotAllowed as why:
            refused.append(f"#{task.ticket.number} “{task.definition.title}”: {why}")
    return BulkAssignment(assigned, refused)


def stuck_after(task: TaskInstance) -> bool:
    """A completed task the workflow could not move on from (an open error names it)."""
    return (
        task.status == TaskStatus.COMPLETED
        and task.advanced_at is None
        and task.errors.exclude(status=ErrorStatus.RESOLVED).exists()
    )


@transaction.atomic
def task_correct_output(
    *, task: TaskInstance, actor: Actor, output: dict[str, Any], files: dict[str, UploadedFile] | None = None
) -> TaskInstance:
    """A ticket admin corrects the answer of a task the workflow is stuck after, before retrying.

    The correction is recorded in the ticket's history with what changed.
    """
    if not actor.user.has_perm(PERM_MANAGE_TICKETS):
        raise NotAllowed("Only ticket admins correct a task's answer.")
    task = TaskInstance.objects.select_for_update().get(pk=task.pk)
    if not stuck_after(task) or task.ticket.status != TicketStatus.OPEN:
        raise NotAllowed("Only the answer of a task the workflow is stuck after can be corrected.")
    schema = workflow_plan_by_id(task.workflow.definition_id).tasks[task.definition_id].output_schema
    errors = answer_errors(schema=schema, data=output, files=files, ticket_id=task.ticket_id)
    if errors:
        raise InvalidData(errors)
    if files:
        output = {**output, **store_answer_files(ticket=task.ticket, actor=actor, files=files, task=task)}
    before = task.output_data
    changes = ", ".join(
        f"{name} {before.get(name)!r} → {output.get(name)!r}"
        for name in sorted(set(before) | set(output))
        if before.get(name) != output.get(name)
    )
    task.output_data = output
    task.save(update_fields=["output_data", "updated_at"])
    status_change(
        task,
        from_status=task.status,
        actor=actor,
        note=f"Answer corrected by {_name(actor.user)}: {changes or 'no change'}.",
    ).save()
    return task
