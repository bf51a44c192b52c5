"""The rows of the busiest lists (the queues, my tasks, the pool, the inbox) as plain values.

A page of 25 tickets built 180 model instances (each ticket with its type, requester,
workflow, current task, step and assignee): a third of the page's time. Here a row is
one dict from `.values()`, which templates also read fastest (they look a dict's keys
up before trying attributes). The querysets stay the selectors' own, filtered and sorted
by the queues' filter sets; only the page's rows are read this way. CSV exports read the
same querysets as model instances (workflow_ops.exports).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, NamedTuple

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from users.company_cache import company_cached
from users.models import Company, User
from workflow_design.models import TaskDefinition, TicketDefinition
from workflow_ops.models import OPEN_TASK_STATUSES, TaskInstance, TicketInstance
from workflow_ops.selectors.tasks import PERSON


class Row(dict):
    """A list row: a dict whose keys read as attributes too (`row.number`, as from a model)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class Step(NamedTuple):
    title: str
    role: str  # the company role it needs, "" for anyone
    role_id: int | None


# A step no kept or fresh name knows: another company's (corrupt data) shows blank, not a broken page.
NO_STEP = Step("", "", None)


@dataclass(frozen=True)
class Names:
    """What rows name by id: people, ticket types and steps (with their company role). Part of the company's
    setup, so kept until it changes (users.company_cache): joining them into each page's rows cost
    PostgreSQL more time choosing how to join than running the query."""

    people: dict[int, str]
    ticket_types: dict[int, str]
    steps: dict[int, Step]

    def person(self, pk: int | None) -> str:
        return self.people[pk] if pk is not None else ""

    def step(self, pk: int | None) -> Step:
        return self.steps.get(pk, NO_STEP) if pk is not None else NO_STEP


def names(company: Company, *, people: Iterable[int | None], steps: Iterable[int | None]) -> Names:
    """The company's names, with these people and steps among them.

    A step the kept names lack is one added since (the company's setup moved on, so this is a
    race with that change): read them all again. A person it lacks is TicketFlower staff who
    acted inside the company: read them, in one query.
    """
    known = company_cached(company, "row-names", lambda: _read_names(company))
    if any(step is not None and step not in known.steps for step in steps):
        known = _read_names(company)
    strangers = {pk for pk in people if pk is not None and pk not in known.people}
    if strangers:
        staff = {user.pk: str(user) for user in User.objects.filter(pk__in=strangers)}
        known = replace(known, people={**known.people, **staff})
    return known


def _read_names(company: Company) -> Names:
    people = User.objects.filter(company=company).values_list("pk", *PERSON)
    steps = TaskDefinition.objects.for_company(company).values_list(
        "pk", "title", "assignee_role__name", "assignee_role_id"
    )
    return Names(
        people={pk: User.name_of(first, last, email) for pk, first, last, email in people},
        ticket_types=dict(TicketDefinition.objects.for_company(company).values_list("pk", "title")),
        steps={pk: Step(title, role or "", role_id) for pk, title, role, role_id in steps},
    )


URL_STAND_IN = 987_654_321


def _urls(name: str) -> Callable[[int], str]:
    """The URL of each row's page by its pk: reversed once for the page, as reverse() for every row
    cost more than all the row's other values."""
    pattern = reverse(name, args=[URL_STAND_IN]).replace(str(URL_STAND_IN), "{}")
    return pattern.format


def _overdue(status: str, due_at: datetime | None, now: datetime) -> bool:
    return status in OPEN_TASK_STATUSES and due_at is not None and due_at < now


CURRENT = "workflow__current_task__"  # a ticket's current task, from its values
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
    "ticket_type_id",
    "requester_id",
    # Where it is: its current task (two joins; the step's and people's names come from `names`).
    *(f"{CURRENT}{name}" for name in ("status", "due_at", "definition_id", "assigned_to_id")),
)


def ticket_values(tickets: QuerySet[TicketInstance]) -> QuerySet:
    """The values a ticket row shows, of a `ticket_queue` (annotated `stopped`), filtered and sorted."""
    return tickets.prefetch_related(None).values(*TICKET_VALUES)


def ticket_list_rows(values: Iterable[dict[str, Any]], company: Company) -> list[Row]:
    """A page's tickets as rows, each with where it is: its current step, who has it, when it is due."""
    values = list(values)
    known = names(
        company,
        people=[person for ticket in values for person in (ticket["requester_id"], ticket[f"{CURRENT}assigned_to_id"])],
        steps=[ticket[f"{CURRENT}definition_id"] for ticket in values],
    )
    now, url = timezone.now(), _urls("ops:ticket-detail")
    rows = []
    for ticket in values:
        step = ticket.pop(f"{CURRENT}definition_id")
        status, due_at = ticket.pop(f"{CURRENT}status"), ticket.pop(f"{CURRENT}due_at")
        rows.append(
            Row(
                ticket,
                url=url(ticket["pk"]),
                type=known.ticket_types.get(ticket["ticket_type_id"], ""),
                requester=known.person(ticket["requester_id"]),
                step=known.step(step).title,
                assignee=known.person(ticket.pop(f"{CURRENT}assigned_to_id")),
                due_at=due_at,
                overdue=_overdue(status or "", due_at, now),
            )
        )
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
    "ticket__requester_id",
    "definition_id",
    "assigned_to_id",
    "completed_by_id",
)


TASK_PEOPLE = ("assigned_to_id", "completed_by_id", "ticket__requester_id")


def task_values(tasks: QuerySet[TaskInstance]) -> QuerySet:
    """The values a task row shows, of a list of tasks (`task_queue`, `my_open_tasks`…), filtered and sorted."""
    return tasks.values(*TASK_VALUES)


def task_list_rows(values: Iterable[dict[str, Any]], company: Company, *, link: str = "ops:task-detail") -> list[Row]:
    """A page's tasks as rows; each links to `link` (the worker's task page, or the ticket admins')."""
    values = list(values)
    known = names(
        company,
        people=[task[person] for task in values for person in TASK_PEOPLE],
        steps=[task["definition_id"] for task in values],
    )
    now, url = timezone.now(), _urls(link)
    rows = []
    for task in values:
        step = known.step(task["definition_id"])
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
                step=step.title,
                role=step.role,
                requester=known.person(task["ticket__requester_id"]),
                assignee=known.person(task["assigned_to_id"]),
                completed_by=known.person(task["completed_by_id"]),
                overdue=_overdue(task["status"], task["due_at"], now),
            )
        )
    return rows


INBOX_TASK_VALUES = (
    "pk",
    "status",
    "due_at",
    "created_at",
    "assignment_reason",
    "ticket_id",
    "ticket__number",
    "ticket__title",
    "definition_id",
    "assigned_to_id",
)


def inbox_task_rows(tasks: QuerySet[TaskInstance], company: Company) -> list[Row]:
    """Tasks as the inbox lists them, each with the links and the form action its row needs."""
    values = list(tasks.values(*INBOX_TASK_VALUES))
    known = names(
        company,
        people=[task["assigned_to_id"] for task in values],
        steps=[task["definition_id"] for task in values],
    )
    now = timezone.now()
    task_url, ticket_url, assign_url = (
        _urls(name) for name in ("ops:ops-task-detail", "ops:ticket-detail", "ops:inbox-assign")
    )
    rows = []
    for task in values:
        step = known.step(task["definition_id"])
        rows.append(
            Row(
                task,
                url=task_url(task["pk"]),
                ticket_url=ticket_url(task["ticket_id"]),
                assign_url=assign_url(task["pk"]),
                number=task["ticket__number"],
                ticket_title=task["ticket__title"],
                step=step.title,
                role_id=step.role_id,
                assignee=known.person(task["assigned_to_id"]),
                overdue=_overdue(task["status"], task["due_at"], now),
            )
        )
    return rows
