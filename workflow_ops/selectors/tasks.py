"""Reads for tasks: a worker's own, the pool they may claim from, and who may open a task."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from users.models import Company, User
from users.roles import PERM_MANAGE_TICKETS, PERM_WORK_TASKS
from workflow_ops.models import OPEN_TASK_STATUSES, WORKABLE, TaskInstance, TaskStatus

# The columns a task row shows (and its CSV writes), and no more: decoding columns nobody reads
# (JSON data, passwords, tokens, descriptions) was half of a page's database time.
PERSON = ("first_name", "last_name", "email")
TASK_ROW = (
    "status",
    "due_at",
    "created_at",
    "completed_at",
    "ticket__number",
    "ticket__title",
    "ticket__priority",
    "ticket__status",  # django-fsm reads a model's state field as each row is built: never defer it
    "definition__title",
    "definition__assignee_role__name",
)


def task_list(tasks: QuerySet[TaskInstance], *people: str) -> QuerySet[TaskInstance]:
    """Tasks with what a row shows: the step, its role, the ticket and these people ("assigned_to", …).

    Only the people a list can show are joined: PostgreSQL spends longer planning each join
    than running the query. An open task has nobody who completed it yet.
    """
    return tasks.select_related("ticket", "definition__assignee_role", *people).only(
        *TASK_ROW,
        "assigned_to",  # the ids of both, joined or not: a CSV row asks for each person, a missing id is a query
        "completed_by",
        *(f"{person}__{name}" for person in people for name in PERSON),
    )


def my_open_tasks(company: Company, user: User) -> QuerySet[TaskInstance]:
    """The worker's tasks to do, the ones due soonest first (tasks without a due time last)."""
    tasks = TaskInstance.objects.for_company(company).filter(assigned_to=user, status__in=WORKABLE)
    return task_list(tasks, "assigned_to", "ticket__requester").order_by("due_at", "created_at", "id")


def pool_tasks(company: Company, user: User) -> QuerySet[TaskInstance]:
    """Unassigned tasks this worker may claim (no role needed, or one they hold), oldest first."""
    if not user.has_perm(PERM_WORK_TASKS):
        return TaskInstance.objects.none()
    tasks = (
        TaskInstance.objects.for_company(company)
        .filter(status=TaskStatus.UNASSIGNED)
        .filter(Q(definition__assignee_role__isnull=True) | Q(definition__assignee_role__in=user.company_roles.all()))
    )
    return task_list(tasks, "ticket__requester").order_by("created_at", "id")


def visible_tasks(company: Company, user: User) -> QuerySet[TaskInstance]:
    """Tasks this user may open: their own (now or before), ones they may claim, all for ticket admins."""
    tasks = TaskInstance.objects.for_company(company)
    if user.has_perm(PERM_MANAGE_TICKETS):
        return tasks
    claimable = pool_tasks(company, user).values("pk")
    return tasks.filter(Q(assigned_to=user) | Q(completed_by=user) | Q(pk__in=claimable))


def open_task_count(company: Company, user: User) -> int:
    return TaskInstance.objects.for_company(company).filter(assigned_to=user, status__in=OPEN_TASK_STATUSES).count()
