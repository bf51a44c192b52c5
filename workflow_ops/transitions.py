"""The one way a ticket, workflow, task or error changes status.

`change_status` runs the django-fsm transition (which refuses a forbidden one with
TransitionNotAllowed), saves the status with the fields the transition touched
(ConcurrentTransitionMixin refuses a stale row with ConcurrentTransition), and
writes the StatusChange row — all in the caller's transaction, so no change can
lose its history.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from users.models import User
from users.services import Actor
from workflow_ops.models import (
    StatusChange,
    Subject,
    TaskInstance,
    TicketInstance,
    WorkflowError,
    WorkflowInstance,
)

_SUBJECTS: dict[type[models.Model], str] = {
    TicketInstance: Subject.TICKET,
    WorkflowInstance: Subject.WORKFLOW,
    TaskInstance: Subject.TASK,
    WorkflowError: Subject.ERROR,
}


def _ticket_id(obj: models.Model) -> int:
    return obj.pk if isinstance(obj, TicketInstance) else obj.ticket_id


def status_change(
    obj: models.Model,
    *,
    from_status: str,
    actor: Actor | None,
    note: str = "",
    on_behalf_of: User | None = None,
) -> StatusChange:
    """An unsaved StatusChange row for `obj`'s current status (callers may bulk-create several)."""
    return StatusChange(
        company_id=obj.company_id,
        ticket_id=_ticket_id(obj),
        subject=_SUBJECTS[type(obj)],
        object_id=obj.pk,
        from_status=from_status,
        to_status=obj.status,
        actor=actor.user if actor else None,
        impersonating=actor.impersonating if actor else False,
        on_behalf_of=on_behalf_of,
        note=note[:500],
    )


def change_status(
    obj: models.Model,
    name: str,
    *,
    actor: Actor | None,
    note: str = "",
    on_behalf_of: User | None = None,
    fields: Iterable[str] = (),
    **arguments: Any,
) -> StatusChange:
    """Run transition `name` on `obj`, save it (status + `fields`) and record the change. Inside atomic."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("change_status must run inside transaction.atomic().")
    from_status = obj.status
    getattr(obj, name)(**arguments)
    obj.save(update_fields=["status", "updated_at", *fields])
    change = status_change(obj, from_status=from_status, actor=actor, note=note, on_behalf_of=on_behalf_of)
    change.save()
    return change


def record_created(
    obj: models.Model, *, actor: Actor | None, note: str = "", on_behalf_of: User | None = None
) -> StatusChange:
    """The first history row of an object created in its initial status."""
    change = status_change(obj, from_status="", actor=actor, note=note, on_behalf_of=on_behalf_of)
    change.save()
    return change
