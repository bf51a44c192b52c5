"""The conversation on a ticket: comments, and internal notes for staff."""

from __future__ import annotations

from django.db import transaction

from users.models import User
from users.services import Actor
from workflow_ops.models import (
    MAX_COMMENT_LENGTH,
    OPEN_TASK_STATUSES,
    Comment,
    Notification,
    NotificationKind,
    TaskInstance,
    TicketInstance,
)
from workflow_ops.selectors.tickets import is_staff_on_ticket, may_see_ticket
from workflow_ops.services.common import InvalidData, NotAllowed


def _name(user: User) -> str:
    return str(user)


@transaction.atomic
def comment_add(*, ticket: TicketInstance, actor: Actor, body: str, internal: bool = False) -> Comment:
    """Post a comment (or, `internal`, a note for staff only) on a ticket, and tell who should know.

    Whoever may see the ticket may comment (its requester and submitter, ticket admins,
    workers who hold or held a task on it); only staff on the ticket post internal notes.
    A public comment by staff tells the requester; a comment by the requester (or
    submitter) tells whoever has the ticket's open task. Raises NotAllowed, or
    InvalidData ({"body": [...]}) for an empty or too long text.
    """
    user = actor.user
    if not may_see_ticket(ticket, user):
        raise NotAllowed("Only people who may see this ticket can comment on it.")
    staff = is_staff_on_ticket(ticket, user)
    if internal and not staff:
        raise NotAllowed("Only ticket admins and the workers on this ticket can add internal notes.")
    body = body.strip()
    if not body:
        raise InvalidData({"body": ["Write something before posting."]})
    if len(body) > MAX_COMMENT_LENGTH:
        raise InvalidData({"body": [f"Keep it to {MAX_COMMENT_LENGTH:,} characters; this one has {len(body):,}."]})
    comment = Comment.objects.create(
        company_id=ticket.company_id,
        ticket=ticket,
        author=user,
        body=body,
        internal=internal,
        impersonating=actor.impersonating,
    )
    _notify(ticket, comment, staff=staff)
    return comment


def _notify(ticket: TicketInstance, comment: Comment, *, staff: bool) -> None:
    author = comment.author
    recipients: set[int] = set()
    if staff and not comment.internal:
        recipients.add(ticket.requester_id)
    if author.pk in (ticket.requester_id, ticket.submitted_by_id):
        recipients.update(
            TaskInstance.objects.filter(
                ticket=ticket, status__in=OPEN_TASK_STATUSES, assigned_to__isnull=False
            ).values_list("assigned_to_id", flat=True)
        )
    recipients.discard(author.pk)
    what = "added an internal note to" if comment.internal else "commented on"
    excerpt = comment.body if len(comment.body) <= 80 else f"{comment.body[:79]}…"
    message = f"{_name(author)} {what} #{ticket.number} {ticket.title}: “{excerpt}”"
    Notification.objects.bulk_create(
        Notification(
            company_id=ticket.company_id,
            recipient_id=recipient,
            kind=NotificationKind.COMMENT,
            message=message[:300],
            link=f"/tickets/{ticket.pk}/#comment-{comment.pk}",
        )
        for recipient in sorted(recipients)
    )
