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

from ticketflower.compiled_sql import CompiledQuery
from users.company_cache import company_cached
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
from workflow_ops.selectors.counts import COUNT_CAP, label
from workflow_ops.selectors.rows import Row, inbox_task_rows
from workflow_ops.selectors.tasks import PERSON, task_list
from workflow_ops.selectors.tickets import with_open_errors

CLOSED_TASK_STATUSES = (TaskStatus.COMPLETED, TaskStatus.CANCELLED)
# A pool task nobody has claimed for this long shows in the inbox.
POOL_UNCLAIMED_AFTER = timedelta(hours=4)
INBOX_ROWS = 10

TICKET_NUMBER = re.compile(r"^#?\s*(\d{1,9})$")


# The columns a queue row shows (and its CSV writes), and no more: decoding columns nobody
# reads (JSON data, passwords, tokens, descriptions) was half of a page's database time.
TICKET_ROW = (
    "number",
    "title",
    "status",
    "outcome",
    "priority",
    "created_at",
    "closed_at",
    "ticket_type__title",
    *(f"requester__{name}" for name in PERSON),
)
CURRENT_TASK = (
    "ticket",
    "status",  # django-fsm reads a model's state field as each row is built: never defer it
    "current_task__status",
    "current_task__due_at",
    "current_task__definition__title",
    *(f"current_task__assigned_to__{name}" for name in PERSON),
)


def ticket_queue(company: Company, *, archive: bool) -> QuerySet[TicketInstance]:
    """Open tickets (or, for the archive, finished and cancelled ones) with what each row shows.

    Each row's current task comes in a second query (for the page's rows only): joined in,
    PostgreSQL spent longer choosing how to join seven tables than running the query.
    """
    tickets = TicketInstance.objects.for_company(company)
    tickets = tickets.exclude(status=TicketStatus.OPEN) if archive else tickets.filter(status=TicketStatus.OPEN)
    current = WorkflowInstance.objects.select_related("current_task__definition", "current_task__assigned_to").only(
        *CURRENT_TASK
    )
    return (
        with_open_errors(tickets)
        .select_related("ticket_type", "requester")
        .only(*TICKET_ROW)
        .prefetch_related(Prefetch("workflow", queryset=current))
    )


def task_queue(company: Company, *, archive: bool) -> QuerySet[TaskInstance]:
    """Open tasks (or finished ones for the archive) with their ticket, step and people.

    Few joins on purpose: PostgreSQL spends longer choosing how to join nine tables than
    running the query (10 ms against 0.7 ms), so a row joins only what it shows.
    """
    statuses = CLOSED_TASK_STATUSES if archive else OPEN_TASK_STATUSES
    people = ("assigned_to", "completed_by") if archive else ("assigned_to",)
    return task_list(TaskInstance.objects.for_company(company).filter(status__in=statuses), *people)


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
    """Kept until the company's setup changes (users.company_cache): four queries on every queue page before."""
    return company_cached(company, "queue-choices", lambda: _read_queue_choices(company))


def _read_queue_choices(company: Company) -> QueueChoices:
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


def _inbox_tasks(company: Company) -> QuerySet[TaskInstance]:
    """Each kind's filter names the open statuses it wants (a second status filter made PostgreSQL
    read every unassigned task through the wrong index)."""
    return TaskInstance.objects.for_company(company)


def _overdue(now: datetime) -> Q:
    return Q(status__in=WORKABLE, due_at__lt=now)


def _unassigned() -> Q:
    """Waiting for want of anyone eligible (not on purpose in the pool)."""
    return Q(status=TaskStatus.UNASSIGNED) & ~Q(definition__assignment=Assignment.POOL)


def _unclaimed(pool_cutoff: datetime) -> Q:
    """Pool tasks waiting since before the cutoff (now less POOL_UNCLAIMED_AFTER)."""
    return Q(status=TaskStatus.UNASSIGNED, definition__assignment=Assignment.POOL, created_at__lt=pool_cutoff)


def overdue_tasks(company: Company, now: datetime) -> QuerySet[TaskInstance]:
    return _inbox_tasks(company).filter(_overdue(now)).order_by("due_at", "id")


def unassigned_tasks(company: Company) -> QuerySet[TaskInstance]:
    return _inbox_tasks(company).filter(_unassigned()).order_by("created_at", "id")


def unclaimed_pool_tasks(company: Company, now: datetime) -> QuerySet[TaskInstance]:
    return _inbox_tasks(company).filter(_unclaimed(now - POOL_UNCLAIMED_AFTER)).order_by("created_at", "id")


def capped_counts_sql(querysets: dict[str, QuerySet], cap: int = COUNT_CAP) -> tuple[str, list]:
    """One query of how many rows each queryset has, up to `cap` each (one round trip for the navbar).

    Each count reads at most `cap` ids through its own index; the SQL of each is Django's own.
    """
    parts, params = [], []
    for name, rows in querysets.items():
        sql, row_params = rows.order_by().values("pk")[:cap].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS {name}_ids)")
        params.extend(row_params)
    return f"SELECT {', '.join(parts)}", params


def _my_tasks(company: int, user: int) -> dict[str, QuerySet]:
    return {"my_tasks": TaskInstance.objects.for_company(company).filter(assigned_to=user, status__in=WORKABLE)}


def _attention(company: int, user: int, now: datetime, pool_cutoff: datetime) -> dict[str, QuerySet]:
    tasks = TaskInstance.objects.for_company(company)
    return {
        **_my_tasks(company, user),
        "stopped": stopped_tickets(company),
        "overdue": tasks.filter(_overdue(now)),
        "unassigned": tasks.filter(_unassigned()),
        "unclaimed": tasks.filter(_unclaimed(pool_cutoff)),
    }


# Every page shows these counts: their SQL is compiled once per process (ticketflower.compiled_sql).
MY_TASKS_COUNT = CompiledQuery(lambda **values: capped_counts_sql(_my_tasks(**values)))
ATTENTION_COUNTS = CompiledQuery(lambda **values: capped_counts_sql(_attention(**values)))


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


def attention_counts(company: Company, user: User, *, admin: bool, now: datetime | None = None) -> AttentionCounts:
    """The user's open tasks and, for ticket admins, the inbox's counts per kind: one query."""
    if admin:
        now = now or timezone.now()
        query, names = ATTENTION_COUNTS, ("my_tasks", "stopped", "overdue", "unassigned", "unclaimed")
        sql, params = query.sql_with_params(
            company=company.pk, user=user.pk, now=now, pool_cutoff=now - POOL_UNCLAIMED_AFTER
        )
    else:
        names = ("my_tasks",)
        sql, params = MY_TASKS_COUNT.sql_with_params(company=company.pk, user=user.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return AttentionCounts(**dict(zip(names, cursor.fetchone(), strict=True)))


@dataclass(frozen=True)
class Worker:
    """A task worker as an "assign to…" list names them, with the company roles they hold."""

    pk: int
    name: str
    roles: frozenset[int]

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Workers:
    """The company's task workers, to offer "assign to…" per task."""

    people: list[Worker]

    def for_role(self, role_id: int | None) -> list[Worker]:
        return [worker for worker in self.people if role_id is None or role_id in worker.roles]


def task_workers(company: Company) -> Workers:
    """Kept until the company's setup changes (users.company_cache)."""
    return company_cached(company, "task-workers", lambda: _read_task_workers(company))


def _read_task_workers(company: Company) -> Workers:
    workers = (
        users_with_permission(company, PERM_WORK_TASKS)
        .prefetch_related("company_roles")
        .order_by("first_name", "last_name", "email")
    )
    return Workers(
        [Worker(user.pk, str(user), frozenset(role.pk for role in user.company_roles.all())) for user in workers]
    )


@dataclass(frozen=True)
class InboxTask:
    """A task row of the inbox (selectors.rows) with the workers it may go to (its assignee left out)."""

    task: Row
    workers: list[Worker]


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

    counts = attention_counts(company, user, admin=True, now=now)

    # A kind the counts found none of is not read at all: an empty inbox is one query.
    def rows(count: int, tasks: QuerySet[TaskInstance]) -> list[InboxTask]:
        if not count:
            return []
        return [
            InboxTask(task, [w for w in workers.for_role(task.role_id) if w.pk != task.assigned_to_id])
            for task in inbox_task_rows(tasks[:INBOX_ROWS], company)
        ]

    return Inbox(
        counts=counts,
        stopped=list(stopped_tickets(company)[:INBOX_ROWS]) if counts.stopped else [],
        overdue=rows(counts.overdue, overdue_tasks(company, now)),
        unassigned=rows(counts.unassigned, unassigned_tasks(company)),
        unclaimed=rows(counts.unclaimed, unclaimed_pool_tasks(company, now)),
    )
