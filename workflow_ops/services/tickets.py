"""Tickets: submit one (its workflow starts after the commit) and cancel one."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from users.models import Company, User
from users.roles import PERM_MANAGE_TICKETS
from users.services import Actor
from workflow_design.models import TicketDefinition
from workflow_design.plans import submittable_ticket_types, workflow_for_new_ticket
from workflow_ops.engine.manager import start_on_commit
from workflow_ops.models import (
    OPEN_TASK_STATUSES,
    ErrorStatus,
    Notification,
    NotificationKind,
    Priority,
    TaskInstance,
    TicketCounter,
    TicketInstance,
    TicketStatus,
    WorkflowError,
    WorkflowInstance,
    WorkflowStatus,
)
from workflow_ops.services.attachments import answer_errors, store_answer_files
from workflow_ops.services.common import InvalidData, NotAllowed
from workflow_ops.transitions import change_status, record_created, status_change

MAX_TITLE_LENGTH = 200


def next_ticket_number(company: Company) -> int:
    """The company's next ticket number. The counter row stays locked until the caller commits,
    so concurrent submissions get distinct numbers. Inside atomic."""
    TicketCounter.objects.get_or_create(company=company)
    TicketCounter.objects.filter(pk=company.pk).update(last_number=F("last_number") + 1)
    return TicketCounter.objects.filter(pk=company.pk).values_list("last_number", flat=True).get()


def may_submit_for_others(user: User) -> bool:
    return user.has_perm(PERM_MANAGE_TICKETS)


def may_choose_priority(user: User, ticket_type: TicketDefinition) -> bool:
    """Ticket admins always; the person asking where the ticket type lets them."""
    return user.has_perm(PERM_MANAGE_TICKETS) or ticket_type.requester_sets_priority


@transaction.atomic
def ticket_submit(
    *,
    company: Company,
    actor: Actor,
    ticket_type: TicketDefinition,
    title: str,
    data: dict[str, Any],
    requester: User | None = None,
    priority: int = Priority.NORMAL,
    files: dict[str, UploadedFile] | None = None,
) -> TicketInstance:
    """Check and save a new ticket; its workflow and first task start after the commit.

    `requester`: who the ticket is for, when a ticket admin files it on their behalf.
    `files`: the new files of the form's `file` fields, by field; each is kept as an
    upload of the ticket and its field's answer is the upload's reference.
    Raises NotAllowed (the type is not open to the requester) or InvalidData (by field).
    """
    user = actor.user
    requester = requester or user
    if ticket_type.company_id != company.pk or requester.company_id != company.pk or not requester.is_active:
        raise NotAllowed("That ticket type or person is not part of this company.")
    if requester != user and not may_submit_for_others(user):
        raise NotAllowed("Only ticket admins may submit a ticket on someone else's behalf.")
    if not submittable_ticket_types(company=company, user=requester).filter(pk=ticket_type.pk).exists():
        raise NotAllowed(f"“{ticket_type.title}” is not open to {requester} for new tickets.")
    errors = answer_errors(schema=ticket_type.fields_schema, data=data, files=files, ticket_id=None)
    title = title.strip()
    if not title:
        errors["title"] = ["Give the ticket a short title."]
    elif len(title) > MAX_TITLE_LENGTH:
        errors["title"] = [f"Keep the title to {MAX_TITLE_LENGTH} characters."]
    if priority not in Priority.values:
        errors["priority"] = ["Choose a priority from the list."]
    elif priority != Priority.NORMAL and not may_choose_priority(user, ticket_type):
        raise NotAllowed(f"“{ticket_type.title}” tickets start at normal priority; a ticket admin can change it.")
    if errors:
        raise InvalidData(errors)
    workflow = workflow_for_new_ticket(ticket_type)
    if workflow is None:
        raise NotAllowed(f"“{ticket_type.title}” has no published workflow to run; ask a workflow creator.")
    ticket = TicketInstance.objects.create(
        company=company,
        number=next_ticket_number(company),
        title=title,
        ticket_type=ticket_type,
        ticket_type_version=ticket_type.version,
        fields_schema=ticket_type.fields_schema,
        workflow_definition=workflow,
        data=data,
        priority=priority,
        requester=requester,
        submitted_by=user,
    )
    if files:
        ticket.data = {**data, **store_answer_files(ticket=ticket, actor=actor, files=files)}
        ticket.save(update_fields=["data"])
    on_behalf = requester if requester != user else None
    note = f"Submitted for {requester}." if on_behalf else "Submitted."
    record_created(ticket, actor=actor, note=note, on_behalf_of=on_behalf)
    start_on_commit(ticket.pk)
    return ticket


def may_cancel(ticket: TicketInstance, user: User) -> bool:
    return ticket.status == TicketStatus.OPEN and (ticket.requester_id == user.pk or user.has_perm(PERM_MANAGE_TICKETS))


@transaction.atomic
def ticket_cancel(*, ticket: TicketInstance, actor: Actor, reason: str) -> TicketInstance:
    """Cancel an open ticket: its workflow and open tasks are cancelled, its outcome is "Cancelled".

    The requester or a ticket admin may; a reason is required. Open errors of the
    ticket are resolved (there is nothing left to retry).
    """
    reason = reason.strip()
    if not reason:
        raise InvalidData({"reason": ["Say why the ticket is cancelled."]})
    if not may_cancel(ticket, actor.user):
        raise NotAllowed("Only the requester or a ticket admin can cancel an open ticket.")
    # The workflow row first, as the engine locks it: cancelling waits for an advance in flight.
    workflow = WorkflowInstance.objects.select_for_update().filter(ticket=ticket).first()
    ticket = TicketInstance.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status != TicketStatus.OPEN:
        raise NotAllowed(f"Ticket #{ticket.number} is already {ticket.get_status_display().lower()}.")
    note = f"Cancelled: {reason}"
    for task in TaskInstance.objects.select_for_update().filter(ticket=ticket, status__in=OPEN_TASK_STATUSES):
        change_status(task, "cancel", actor=actor, note=note, fields=["completed_at"])
    now = timezone.now()
    if workflow is not None and workflow.status == WorkflowStatus.RUNNING:
        workflow.completed_at = now
        change_status(workflow, "cancel", actor=actor, note=note, fields=["current_task", "completed_at"])
    ticket.closed_at = now
    change_status(
        ticket, "cancel", actor=actor, reason=reason[:500], note=note, fields=["outcome", "cancel_reason", "closed_at"]
    )
    for error in WorkflowError.objects.select_for_update().filter(ticket=ticket).exclude(status=ErrorStatus.RESOLVED):
        error.resolved_by, error.resolved_at = actor.user, now
        change_status(
            error,
            "resolve",
            actor=actor,
            notes="The ticket was cancelled.",
            note="Resolved: the ticket was cancelled.",
            fields=["resolution_notes", "resolved_by", "resolved_at"],
        )
    if ticket.requester_id != actor.user.pk:
        Notification.objects.create(
            company_id=ticket.company_id,
            recipient_id=ticket.requester_id,
            kind=NotificationKind.TICKET_CANCELLED,
            message=f"#{ticket.number} {ticket.title} was cancelled: {reason}"[:300],
            link=f"/tickets/{ticket.pk}/",
        )
    return ticket


@transaction.atomic
def ticket_set_priority(*, ticket: TicketInstance, actor: Actor, priority: int) -> TicketInstance:
    """A ticket admin changes an open ticket's priority; the change is in its history."""
    if not actor.user.has_perm(PERM_MANAGE_TICKETS):
        raise NotAllowed("Only ticket admins change a ticket's priority.")
    if priority not in Priority.values:
        raise InvalidData({"priority": ["Choose a priority from the list."]})
    ticket = TicketInstance.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status != TicketStatus.OPEN:
        raise NotAllowed(f"Ticket #{ticket.number} is {ticket.get_status_display().lower()}; its priority stays.")
    if ticket.priority == priority:
        return ticket
    before = ticket.get_priority_display()
    ticket.priority = priority
    ticket.save(update_fields=["priority", "updated_at"])
    who = str(actor.user)
    status_change(
        ticket,
        from_status=ticket.status,
        actor=actor,
        note=f"Priority {before} → {ticket.get_priority_display()} by {who}.",
    ).save()
    return ticket
