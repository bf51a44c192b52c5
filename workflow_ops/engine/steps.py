"""Running an engine step: success resolves its open error, failure becomes a WorkflowError.

A step is named by what it does to what ("start:12" starts ticket 12's workflow,
"advance:345" moves on after task 345), so a retry knows what to run again and
every failure of one step lands on one open error, as another attempt. The error
is written in its own transaction, after the step's own rolled back.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

from users.roles import PERM_MANAGE_TICKETS
from users.selectors import users_with_permission
from users.services import Actor
from workflow_ops.engine.errors import EngineError
from workflow_ops.models import (
    ErrorAttempt,
    ErrorKind,
    ErrorStatus,
    Notification,
    NotificationKind,
    TaskInstance,
    TicketInstance,
    WorkflowError,
)
from workflow_ops.transitions import change_status, record_created

logger = logging.getLogger(__name__)


def start_step(ticket_id: int) -> str:
    return f"start:{ticket_id}"


def advance_step(task_id: int) -> str:
    return f"advance:{task_id}"


def run_step(step: str, action: Callable[[], None], *, actor: Actor | None = None) -> bool:
    """Run `action`; True when it succeeded. Never raises: a failure is recorded against `step`."""
    try:
        action()
    except Exception as error:
        record_failure(step, error, actor=actor)
        return False
    resolve_after_success(step, actor=actor)
    return True


def _subject(step: str) -> tuple[TicketInstance, TaskInstance | None]:
    verb, _, object_id = step.partition(":")
    if verb == "start":
        return TicketInstance.objects.select_related("company").get(pk=int(object_id)), None
    task = TaskInstance.objects.select_related("ticket", "ticket__company").get(pk=int(object_id))
    return task.ticket, task


def _kind(step: str, error: Exception) -> str:
    if isinstance(error, EngineError):
        return error.kind
    return ErrorKind.WORKFLOW_CREATION if step.startswith("start:") else ErrorKind.WORKFLOW_TRANSITION


def record_failure(step: str, error: Exception, *, actor: Actor | None = None) -> WorkflowError:
    """Add a failed attempt to the step's open error, creating the error the first time."""
    message = str(error) or type(error).__name__
    if not isinstance(error, EngineError):
        message = f"{type(error).__name__}: {message}"
    trace = "".join(traceback.format_exception(error))
    logger.warning("Workflow step %s failed: %s", step, message)
    for _ in range(2):  # a concurrent first failure of the same step makes the second one an attempt
        try:
            with transaction.atomic():
                return _record(step, error, message, trace, actor)
        except IntegrityError:
            continue
    raise RuntimeError(f"Could not record the failure of step {step}.")


def _record(step: str, error: Exception, message: str, trace: str, actor: Actor | None) -> WorkflowError:
    user = actor.user if actor else None
    existing = WorkflowError.objects.select_for_update().filter(step=step).exclude(status=ErrorStatus.RESOLVED).first()
    if existing is not None:
        existing.attempt_count += 1
        existing.message, existing.stack_trace = message, trace
        existing.save(update_fields=["attempt_count", "message", "stack_trace", "updated_at"])
        ErrorAttempt.objects.create(error=existing, attempted_by=user, message=message, stack_trace=trace)
        return existing
    ticket, task = _subject(step)
    workflow_id = task.workflow_id if task else getattr(getattr(ticket, "workflow", None), "pk", None)
    created = WorkflowError.objects.create(
        company_id=ticket.company_id,
        ticket=ticket,
        workflow_id=workflow_id,
        task=task,
        kind=_kind(step, error),
        step=step,
        message=message,
        stack_trace=trace,
    )
    ErrorAttempt.objects.create(error=created, attempted_by=user, message=message, stack_trace=trace)
    record_created(created, actor=actor, note=f"Error: {message}")
    admins = users_with_permission(ticket.company_id, PERM_MANAGE_TICKETS)
    Notification.objects.bulk_create(
        Notification(
            company_id=ticket.company_id,
            recipient=admin,
            kind=NotificationKind.WORKFLOW_ERROR,
            message=f"#{ticket.number} {ticket.title} stopped: {message}"[:300],
            link=f"/ops/errors/{created.pk}/",
        )
        for admin in admins
    )
    return created


def resolve_after_success(step: str, *, actor: Actor | None) -> None:
    """A step that now succeeded resolves its open error, if it had one (one indexed read otherwise)."""
    if not WorkflowError.objects.filter(step=step).exclude(status=ErrorStatus.RESOLVED).exists():
        return
    with transaction.atomic():
        error = WorkflowError.objects.select_for_update().filter(step=step).exclude(status=ErrorStatus.RESOLVED).first()
        if error is None:
            return
        who = actor.user if actor else None
        ErrorAttempt.objects.create(error=error, attempted_by=who, succeeded=True, message="Succeeded.")
        error.resolved_by, error.resolved_at = who, timezone.now()
        error.attempt_count += 1
        by = f" by {who.first_name or who.email}" if who else ""
        change_status(
            error,
            "resolve",
            actor=actor,
            notes=f"Retried{by}: the step succeeded.",
            note=f"Retried{by}: the step succeeded.",
            fields=["resolution_notes", "resolved_by", "resolved_at", "attempt_count"],
        )
