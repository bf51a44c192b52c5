"""The rows of the busiest lists (the ticket and task queues) as plain values, not model instances.

A page of 25 tickets built 180 model instances (each ticket with its type, requester,
workflow, current task, step and assignee): a third of the page's time. Here a row is
one dict from `.values()`, which templates also read fastest (they look a dict's keys
up before trying attributes). The querysets stay the selectors' own, filtered and sorted
by the queues' filter sets; only the page's rows are read this way. CSV exports read the
same querysets as model instances (workflow_ops.exports).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from users.models import User
from workflow_ops.models import OPEN_TASK_STATUSES, TaskInstance, TicketInstance, WorkflowInstance
from workflow_ops.selectors.tasks import PERSON


class Row(dict):
    """A list row: a dict whose keys read as attributes too (`row.number`, as from a model)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _person(values: dict[str, Any], relation: str) -> str:
    """The name of the person `relation` ("requester") in a values() dict; "" when there is none."""
    first, last, email = (values.pop(f"{relation}__{name}", None) for name in PERSON)
    return User.name_of(first or "", last or "", email) if email else ""


def _people(relation: str) -> tuple[str, ...]:
    return tuple(f"{relation}__{name}" for name in PERSON)


URL_STAND_IN = 987_654_321


def _urls(name: str) -> Callable[[int], str]:
    """The URL of each row's page by its pk: reversed once for the page, as reverse() for every row
    cost more than all the row's other values."""
    pattern = reverse(name, args=[URL_STAND_IN]).replace(str(URL_STAND_IN), "{}")
    return pattern.format


def _overdue(status: str, due_at: datetime | None, now: datetime) -> bool:
    return status in OPEN_TASK_STATUSES and due_at is not None and due_at < now


TICKET_VALUES = (
    "pk",
    "number",
    "title",
    "status",
    "outcome",
    "priority",
    "created_at",
    "closed_at",
    "stopped",
    "ticket_type__title",
    *_people("requester"),
)
CURRENT_STEP_VALUES = (
    "ticket_id",
    "current_task__status",
    "current_task__due_at",
    "current_task__definition__title",
    *_people("current_task__assigned_to"),
)


def ticket_values(tickets: QuerySet[TicketInstance], *, archive: bool) -> QuerySet:
    """The values a ticket row shows, of a `ticket_queue` (annotated `stopped`), filtered and sorted."""
    return tickets.prefetch_related(None).values(*TICKET_VALUES)


def ticket_list_rows(values: Iterable[dict[str, Any]]) -> list[Row]:
    """A page's tickets as rows, each with where it is: its current step, who has it, when it is due.

    The current steps come in one query for the page: joined into the tickets' query,
    PostgreSQL spent longer choosing how to join seven tables than running it.
    """
    values = list(values)
    steps = {
        step.pop("ticket_id"): step
        for step in WorkflowInstance.objects.filter(ticket_id__in=[ticket["pk"] for ticket in values]).values(
            *CURRENT_STEP_VALUES
        )
    }
    now, url = timezone.now(), _urls("ops:ticket-detail")
    rows = []
    for ticket in values:
        step = steps.get(ticket["pk"]) or dict.fromkeys(CURRENT_STEP_VALUES)
        row = Row(
            ticket,
            url=url(ticket["pk"]),
            type=ticket.pop("ticket_type__title"),
            requester=_person(ticket, "requester"),
        )
        row.update(
            step=step["current_task__definition__title"],
            assignee=_person(step, "current_task__assigned_to"),
            due_at=step["current_task__due_at"],
            overdue=_overdue(step["current_task__status"] or "", step["current_task__due_at"], now),
        )
        rows.append(row)
    return rows


TASK_VALUES = (
    "pk",
    "status",
    "due_at",
    "created_at",
    "completed_at",
    "ticket_id",
    "ticket__number",
    "ticket__title",
    "ticket__priority",
    "definition__title",
    "definition__assignee_role__name",
    *_people("assigned_to"),
)


def task_values(tasks: QuerySet[TaskInstance], *, archive: bool) -> QuerySet:
    """The values a task row shows, of a `task_queue`, filtered and sorted (who did it: archive only)."""
    return tasks.values(*TASK_VALUES, *(_people("completed_by") if archive else ()))


def task_list_rows(values: Iterable[dict[str, Any]]) -> list[Row]:
    now, url = timezone.now(), _urls("ops:task-detail")
    rows = []
    for task in values:
        rows.append(
            Row(
                pk=task["pk"],
                url=url(task["pk"]),
                status=task["status"],
                due_at=task["due_at"],
                created_at=task["created_at"],
                completed_at=task["completed_at"],
                ticket_id=task["ticket_id"],
                number=task["ticket__number"],
                ticket_title=task["ticket__title"],
                priority=task["ticket__priority"],
                step=task["definition__title"],
                role=task["definition__assignee_role__name"] or "",
                assignee=_person(task, "assigned_to"),
                completed_by=_person(task, "completed_by"),
                overdue=_overdue(task["status"], task["due_at"], now),
            )
        )
    return rows
