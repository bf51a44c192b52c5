"""CSV rows of tickets and tasks: what every queue's "Export CSV" streams, the same rows its page lists.

Times are written in the company's time zone (the request's), as the pages show them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from users.models import User
from workflow_ops.models import TaskInstance, TicketInstance

TICKET_HEADER = [
    "Number",
    "Title",
    "Ticket type",
    "Status",
    "Stopped",
    "Priority",
    "Current step",
    "Assignee",
    "Requester",
    "Created",
    "Closed",
    "Outcome",
]
TASK_HEADER = [
    "Ticket number",
    "Ticket",
    "Task",
    "Status",
    "Assignee",
    "Company role",
    "Priority",
    "Due",
    "Created",
    "Finished",
    "Completed by",
]


def local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def name_of(user: User | None) -> str:
    return str(user) if user else ""


def ticket_rows(tickets: QuerySet[TicketInstance]) -> Iterator[list[Any]]:
    """Rows of tickets read with their type, requester and current task (and `stopped`, if annotated)."""
    for ticket in tickets.iterator(chunk_size=2000):
        workflow = getattr(ticket, "workflow", None)
        current = workflow.current_task if workflow else None
        yield [
            ticket.number,
            ticket.title,
            ticket.ticket_type.title,
            ticket.get_status_display(),
            "yes" if getattr(ticket, "stopped", False) else "",
            ticket.get_priority_display(),
            current.definition.title if current else "",
            name_of(current.assigned_to) if current else "",
            name_of(ticket.requester),
            local(ticket.created_at),
            local(ticket.closed_at),
            ticket.outcome,
        ]


def task_rows(tasks: QuerySet[TaskInstance]) -> Iterator[list[Any]]:
    for task in tasks.iterator(chunk_size=2000):
        role = task.definition.assignee_role
        yield [
            task.ticket.number,
            task.ticket.title,
            task.definition.title,
            task.get_status_display(),
            name_of(task.assigned_to),
            role.name if role else "",
            task.ticket.get_priority_display(),
            local(task.due_at),
            local(task.created_at),
            local(task.completed_at),
            name_of(task.completed_by),
        ]
