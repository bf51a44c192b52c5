"""Reads for tasks: a worker's own, the pool they may claim from, and who may open a task."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from users.models import Company, User
from users.roles import PERM_MANAGE_TICKETS, PERM_WORK_TASKS
from workflow_ops.models import OPEN_TASK_STATUSES, WORKABLE, TaskInstance, TaskStatus

TASK_LIST_RELATED = ("definition__assignee_role", "ticket__requester", "assigned_to", "completed_by")


def my_open_tasks(company: Company, user: User) -> QuerySet[TaskInstance]:
    """The worker's tasks to do, the ones due soonest first (tasks without a due time last)."""
    return (
        TaskInstance.objects.for_company(company)
        .filter(assigned_to=user, status__in=WORKABLE)
        .select_related(*TASK_LIST_RELATED)
        .order_by("due_at", "created_at", "id")
    )


def pool_tasks(company: Company, user: User) -> QuerySet[TaskInstance]:
    """Unassigned tasks this worker may claim (no role needed, or one they hold), oldest first."""
    if not user.has_perm(PERM_WORK_TASKS):
        return TaskInstance.objects.none()
    return (
        TaskInstance.objects.for_company(company)
        .filter(status=TaskStatus.UNASSIGNED)
        .filter(Q(definition__assignee_role__isnull=True) | Q(definition__assignee_role__in=user.company_roles.all()))
        .select_related(*TASK_LIST_RELATED)
        .order_by("created_at", "id")
    )


def visible_tasks(company: Company, user: User) -> QuerySet[TaskInstance]:
    """Tasks this user may open: their own (now or before), ones they may claim, all for ticket admins."""
    tasks = TaskInstance.objects.for_company(company)
    if user.has_perm(PERM_MANAGE_TICKETS):
        return tasks
    claimable = pool_tasks(company, user).values("pk")
    return tasks.filter(Q(assigned_to=user) | Q(completed_by=user) | Q(pk__in=claimable))


def open_task_count(company: Company, user: User) -> int:
    return TaskInstance.objects.for_company(company).filter(assigned_to=user, status__in=OPEN_TASK_STATUSES).count()
