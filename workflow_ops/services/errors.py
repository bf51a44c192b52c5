"""Workflow errors: retry the stuck step, mark an error reviewed, resolve it by hand with a note."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from users.roles import PERM_MANAGE_TICKETS
from users.services import Actor
from workflow_ops.engine.manager import advance_workflow, start_workflow
from workflow_ops.models import ErrorStatus, WorkflowError
from workflow_ops.services.common import InvalidData, NotAllowed
from workflow_ops.transitions import change_status


def _require_ticket_admin(actor: Actor) -> None:
    if not actor.user.has_perm(PERM_MANAGE_TICKETS):
        raise NotAllowed("Only ticket admins handle workflow errors.")


def error_retry(*, error: WorkflowError, actor: Actor) -> bool:
    """Run the stuck step again. True when it succeeded (the error is then resolved);
    on failure the error keeps the new attempt with its message and trace."""
    _require_ticket_admin(actor)
    if error.status == ErrorStatus.RESOLVED:
        raise NotAllowed("This error is resolved already.")
    verb, _, object_id = error.step.partition(":")
    if verb == "start":
        return start_workflow(int(object_id), actor=actor)
    if verb == "advance":
        return advance_workflow(int(object_id), actor=actor)
    raise NotAllowed(f"Step {error.step!r} cannot be retried from here.")


@transaction.atomic
def error_mark_reviewed(*, error: WorkflowError, actor: Actor) -> WorkflowError:
    """Say someone is on it; the error stays open."""
    _require_ticket_admin(actor)
    error = WorkflowError.objects.select_for_update().get(pk=error.pk)
    if error.status != ErrorStatus.NEW:
        raise NotAllowed(f"This error is {error.get_status_display().lower()} already.")
    change_status(error, "review", actor=actor, note=f"Reviewed by {actor.user}.")
    return error


@transaction.atomic
def error_resolve(*, error: WorkflowError, actor: Actor, notes: str) -> WorkflowError:
    """Close an error by hand with a note (the cause was dealt with another way). The stuck step stays
    as it is: resolving does not move the workflow on; retrying does."""
    _require_ticket_admin(actor)
    notes = notes.strip()
    if not notes:
        raise InvalidData({"notes": ["Say how the error was dealt with."]})
    error = WorkflowError.objects.select_for_update().get(pk=error.pk)
    if error.status == ErrorStatus.RESOLVED:
        raise NotAllowed("This error is resolved already.")
    error.resolved_by, error.resolved_at = actor.user, timezone.now()
    change_status(
        error,
        "resolve",
        actor=actor,
        notes=notes[:2000],
        note=f"Resolved by hand: {notes}",
        fields=["resolution_notes", "resolved_by", "resolved_at"],
    )
    return error
