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

from django.db.models import Count, Q, QuerySet, TextField
from django.db.models.functions import Cast
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
)
from workflow_ops.selectors.tickets import with_open_errors

CLOSED_TASK_STATUSES = (TaskStatus.COMPLETED, TaskStatus.CANCELLED)
# A pool task nobody has claimed for this long shows in the inbox.
POOL_UNCLAIMED_AFTER = timedelta(hours=4)
INBOX_ROWS = 10

TICKET_NUMBER = re.compile(r"^#?\s*(\d{1,9})$")


def ticket_queue(company: Company, *, archive: bool) -> QuerySet[TicketInstance]:
    """Open tickets (or, for the archive, finished and cancelled ones) with what each row shows."""
    tickets = TicketInstance.objects.for_company(company)
    tickets = tickets.exclude(status=TicketStatus.OPEN) if archive else tickets.filter(status=TicketStatus.OPEN)
    return with_open_errors(tickets).select_related(
        "ticket_type",
        "requester",
        "workflow__current_task__definition",
        "workflow__current_task__assigned_to",
    )


def task_queue(company: Company, *, archive: bool) -> QuerySet[TaskInstance]:
    """Open tasks (or finished ones for the archive) with their ticket, step and people."""
    statuses = CLOSED_TASK_STATUSES if archive else OPEN_TASK_STATUSES
    return (
        TaskInstance.objects.for_company(company)
        .filter(status__in=statuses)
        .select_related(
            "definition__assignee_role", "ticket__ticket_type", "ticket__requester", "assigned_to", "completed_by"
        )
    )


def ticket_number_in(text: str) -> int | None:
    """42 for "#42" or "42": a search that names one ticket."""
    match = TICKET_NUMBER.match(text.strip())
    return int(match.group(1)) if match else None


def matching_text(rows: QuerySet, text: str, *, ticket: str = "") -> QuerySet:
    """Rows whose ticket title or any text in the ticket's data contains `text` (any case).

    `ticket` is the path to the ticket ("ticket__" from a task). The data is searched as
    its JSON text, so a field's name matches too; good enough to find a ticket by what
    was written in it.
    """
    rows = rows.alias(data_text=Cast(f"{ticket}data", TextField()))
    return rows.filter(Q(**{f"{ticket}title__icontains": text}) | Q(data_text__icontains=text))


@dataclass(frozen=True)
class QueueChoices:
    """The company's own values a queue filters by (one query each)."""

    ticket_types: list[tuple[int, str]]
    workers: list[tuple[int, str]]
    roles: list[tuple[int, str]]
    outcomes: list[tuple[str, str]]


def person_label(user: User) -> str:
    return user.get_full_name() or user.email


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
        workers=[(user.pk, person_label(user)) for user in workers],
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


@dataclass(frozen=True)
class AttentionCounts:
    stopped: int
    overdue: int
    unassigned: int
    unclaimed: int
    my_tasks: int

    @property
    def total(self) -> int:
        return self.stopped + self.overdue + self.unassigned + self.unclaimed


def attention_counts(company: Company, user: User, *, admin: bool, now: datetime | None = None) -> AttentionCounts:
    """The inbox's counts per kind and the user's own open tasks, in one query (two for admins)."""
    now = now or timezone.now()
    counts = {"my_tasks": Count("pk", filter=Q(assigned_to=user, status__in=WORKABLE))}
    if admin:
        counts |= {
            "overdue": Count("pk", filter=_overdue(now)),
            "unassigned": Count("pk", filter=_unassigned()),
            "unclaimed": Count("pk", filter=_unclaimed(now)),
        }
    mine = Q(assigned_to=user, status__in=WORKABLE)
    # Only the rows some count needs, each part served by an index: not every open task.
    wanted = (mine | _overdue(now) | Q(status=TaskStatus.UNASSIGNED)) if admin else mine
    found = TaskInstance.objects.for_company(company).filter(wanted).aggregate(**counts)
    stopped = stopped_tickets(company).count() if admin else 0
    return AttentionCounts(
        stopped=stopped,
        overdue=found.get("overdue") or 0,
        unassigned=found.get("unassigned") or 0,
        unclaimed=found.get("unclaimed") or 0,
        my_tasks=found["my_tasks"] or 0,
    )


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
