"""Reads for the queues ticket admins work from: /ops/tickets/, /ops/tasks/ and the inbox /ops/.

Each queue is one query for its rows (everything a row shows comes joined in) and
one capped count; filters narrow the same queryset (workflow_ops.filters). The
inbox lists what needs a person now: stopped tickets, overdue tasks, tasks nobody
could be given, and pool tasks nobody claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from users.models import Company, CompanyRole, User
from users.roles import PERM_WORK_TASKS
from users.selectors import users_with_permission
from workflow_design.models import Assignment, TicketDefinition, WorkflowTransition
from workflow_ops.models import (
    CANCELLED_OUTCOME,
    OPEN_TASK_STATUSES,
    WORKABLE,
    ErrorStatus,
    TaskInstance,
    TaskStatus,
    TicketInstance,
    TicketStatus,
    WorkflowError,
    WorkflowInstance,
)
from workflow_ops.selectors.tickets import with_open_errors

CLOSED_TASK_STATUSES = (TaskStatus.COMPLETED, TaskStatus.CANCELLED)
# A pool task nobody has claimed for this long shows in the inbox.
POOL_UNCLAIMED_AFTER = timedelta(hours=4)
INBOX_ROWS = 10

TICKET_NUMBER = re.compile(r"^#?\s*(\d{1,9})$")


# Big JSON columns a queue row never shows: reading and decoding them was most of a page's time.
TICKET_ROW_DEFER = (
    "data",
    "fields_schema",
    "cancel_reason",
    "search_text",
    "ticket_type__fields_schema",
    "ticket_type__ext_ref",
)
DEFINITION_DEFER = (
    "description",
    "ext_ref",
    "input_schema",
    "output_schema",
    "input_transform",
    "output_transform",
)


def ticket_queue(company: Company, *, archive: bool) -> QuerySet[TicketInstance]:
    """Open tickets (or, for the archive, finished and cancelled ones) with what each row shows.

    Each row's current task comes in a second query (for the page's rows only): joined in,
    PostgreSQL spent longer choosing how to join seven tables than running the query.
    """
    tickets = TicketInstance.objects.for_company(company)
    tickets = tickets.exclude(status=TicketStatus.OPEN) if archive else tickets.filter(status=TicketStatus.OPEN)
    current = WorkflowInstance.objects.select_related("current_task__definition", "current_task__assigned_to").defer(
        "workflow_data",
        "current_task__input_data",
        "current_task__output_data",
        *(f"current_task__definition__{name}" for name in DEFINITION_DEFER),
    )
    return (
        with_open_errors(tickets)
        .select_related("ticket_type", "requester")
        .defer(*TICKET_ROW_DEFER)
        .prefetch_related(Prefetch("workflow", queryset=current))
    )


def task_queue(company: Company, *, archive: bool) -> QuerySet[TaskInstance]:
    """Open tasks (or finished ones for the archive) with their ticket, step and people.

    Few joins on purpose: PostgreSQL spends longer choosing how to join nine tables than
    running the query (10 ms against 0.7 ms), so a row joins only what it shows.
    """
    statuses = CLOSED_TASK_STATUSES if archive else OPEN_TASK_STATUSES
    people = ("assigned_to", "completed_by") if archive else ("assigned_to",)
    return (
        TaskInstance.objects.for_company(company)
        .filter(status__in=statuses)
        .select_related("ticket", "definition__assignee_role", *people)
        .defer(
            "input_data",
            "output_data",
            *(f"ticket__{name}" for name in TICKET_ROW_DEFER if not name.startswith("ticket_type")),
            *(f"definition__{name}" for name in DEFINITION_DEFER),
        )
    )


def ticket_number_in(text: str) -> int | None:
    """42 for "#42" or "42": a search that names one ticket."""
    match = TICKET_NUMBER.match(text.strip())
    return int(match.group(1)) if match else None


def matching_text(rows: QuerySet, text: str, *, ticket: str = "") -> QuerySet:
    """Rows whose ticket's title or data has `text` in it (any case): `search_text` holds both.

    `ticket` is the path to the ticket ("ticket__" from a task).
    """
    return rows.filter(**{f"{ticket}search_text__icontains": text})


@dataclass(frozen=True)
class QueueChoices:
    """The company's own values a queue filters by (one query each)."""

    ticket_types: list[tuple[int, str]]
    workers: list[tuple[int, str]]
    roles: list[tuple[int, str]]
    outcomes: list[tuple[str, str]]


def queue_choices(company: Company) -> QueueChoices:
    types = TicketDefinition.objects.for_company(company).order_by("title").values_list("pk", "title")
    workers = users_with_permission(company, PERM_WORK_TASKS).order_by("first_name", "last_name", "email")
    roles = CompanyRole.objects.for_company(company).order_by("name").values_list("pk", "name")
    end_labels = (
        WorkflowTransition.objects.for_company(company)
        .filter(to_task__isnull=True)
        .exclude(label="")
        .values_list("label", flat=True)
        .distinct()
    )
    outcomes = sorted({*end_labels, CANCELLED_OUTCOME})
    return QueueChoices(
        ticket_types=list(types),
        workers=[(user.pk, str(user)) for user in workers],
        roles=list(roles),
        outcomes=[(outcome, outcome) for outcome in outcomes],
    )


# --- The inbox ------------------------------------------------------------------------


def stopped_tickets(company: Company) -> QuerySet[WorkflowError]:
    """Unresolved workflow errors, oldest first: each one holds a ticket still."""
    return (
        WorkflowError.objects.for_company(company)
        .exclude(status=ErrorStatus.RESOLVED)
        .select_related("ticket", "task__definition")
        .order_by("created_at", "id")
    )


def _open_tasks(company: Company) -> QuerySet[TaskInstance]:
    return (
        TaskInstance.objects.for_company(company)
        .filter(status__in=OPEN_TASK_STATUSES)
        .select_related("definition", "ticket", "assigned_to")
    )


def _overdue(now: datetime) -> Q:
    return Q(status__in=WORKABLE, due_at__lt=now)


def _unassigned() -> Q:
    """Waiting for want of anyone eligible (not on purpose in the pool)."""
    return Q(status=TaskStatus.UNASSIGNED) & ~Q(definition__assignment=Assignment.POOL)


def _unclaimed(now: datetime) -> Q:
    return Q(
        status=TaskStatus.UNASSIGNED,
        definition__assignment=Assignment.POOL,
        created_at__lt=now - POOL_UNCLAIMED_AFTER,
    )


def overdue_tasks(company: Company, now: datetime) -> QuerySet[TaskInstance]:
    return _open_tasks(company).filter(_overdue(now)).order_by("due_at", "id")


def unassigned_tasks(company: Company) -> QuerySet[TaskInstance]:
    return _open_tasks(company).filter(_unassigned()).order_by("created_at", "id")


def unclaimed_pool_tasks(company: Company, now: datetime) -> QuerySet[TaskInstance]:
    return _open_tasks(company).filter(_unclaimed(now)).order_by("created_at", "id")


# Counts of what needs attention stop here ("99+"): a badge needs no more, and counting
# thousands of overdue tasks on every page would cost more than the page itself.
COUNT_CAP = 100


def capped_counts(querysets: dict[str, QuerySet], cap: int | None = None) -> dict[str, int]:
    """How many rows each queryset has, up to `cap` each, in one query (one round trip for the navbar).

    Each count reads at most `cap` ids through its own index; the SQL of each is Django's own.
    """
    cap = cap or COUNT_CAP
    parts, params = [], []
    for name, rows in querysets.items():
        sql, row_params = rows.order_by().values("pk")[:cap].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS {name}_ids)")
        params.extend(row_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        return dict(zip(querysets, cursor.fetchone(), strict=True))


@dataclass(frozen=True)
class AttentionCounts:
    """Counts up to COUNT_CAP each; `label()` shows "99+" past it."""

    stopped: int = 0
    overdue: int = 0
    unassigned: int = 0
    unclaimed: int = 0
    my_tasks: int = 0

    @property
    def total(self) -> int:
        return self.stopped + self.overdue + self.unassigned + self.unclaimed

    @property
    def total_label(self) -> str:
        return label(self.total)

    @property
    def my_tasks_label(self) -> str:
        return label(self.my_tasks)


def label(count: int) -> str:
    return f"{COUNT_CAP - 1}+" if count >= COUNT_CAP else str(count)


def attention_counts(company: Company, user: User, *, admin: bool, now: datetime | None = None) -> AttentionCounts:
    """The user's open tasks and, for ticket admins, the inbox's counts per kind: one query."""
    now = now or timezone.now()
    tasks = TaskInstance.objects.for_company(company)
    wanted = {"my_tasks": tasks.filter(assigned_to=user, status__in=WORKABLE)}
    if admin:
        wanted |= {
            "stopped": stopped_tickets(company),
            "overdue": tasks.filter(_overdue(now)),
            "unassigned": tasks.filter(_unassigned()),
            "unclaimed": tasks.filter(_unclaimed(now)),
        }
    return AttentionCounts(**capped_counts(wanted))


@dataclass(frozen=True)
class Workers:
    """The company's task workers with the company roles they hold, to offer "assign to…" per task."""

    people: list[tuple[User, frozenset[int]]]

    def for_role(self, role_id: int | None) -> list[User]:
        return [user for user, roles in self.people if role_id is None or role_id in roles]


def task_workers(company: Company) -> Workers:
    workers = (
        users_with_permission(company, PERM_WORK_TASKS)
        .prefetch_related("company_roles")
        .order_by("first_name", "last_name", "email")
    )
    return Workers([(user, frozenset(role.pk for role in user.company_roles.all())) for user in workers])


@dataclass(frozen=True)
class InboxTask:
    """A task row of the inbox with the workers it may go to (its assignee left out)."""

    task: TaskInstance
    workers: list[User]


@dataclass(frozen=True)
class Inbox:
    counts: AttentionCounts
    stopped: list[WorkflowError]
    overdue: list[InboxTask]
    unassigned: list[InboxTask]
    unclaimed: list[InboxTask]

    @property
    def empty(self) -> bool:
        return self.counts.total == 0


def inbox(company: Company, user: User) -> Inbox:
    """What needs a ticket admin now, the first rows of each kind and how many in all."""
    now = timezone.now()
    workers = task_workers(company)

    def rows(tasks: QuerySet[TaskInstance]) -> list[InboxTask]:
        return [
            InboxTask(task, [w for w in workers.for_role(task.definition.assignee_role_id) if w != task.assigned_to])
            for task in tasks[:INBOX_ROWS]
        ]

    return Inbox(
        counts=attention_counts(company, user, admin=True, now=now),
        stopped=list(stopped_tickets(company)[:INBOX_ROWS]),
        overdue=rows(overdue_tasks(company, now)),
        unassigned=rows(unassigned_tasks(company)),
        unclaimed=rows(unclaimed_pool_tasks(company, now)),
    )
