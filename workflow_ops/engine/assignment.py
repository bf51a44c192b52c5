"""Who gets a task, and why (the one assignment function).

Modes (the task definition's `assignment`):
- `least_loaded`: the active task worker holding the task's company role (if it
  names one) with the fewest open tasks; ties go to whoever was assigned least
  recently. The requester is skipped when anyone else is eligible (nobody
  approves their own ticket). A task done again (a loop) goes back to whoever did
  it last, if still eligible. The candidates' rows are locked while choosing, so
  concurrent assignments spread over workers instead of all picking the same one.
- `pool`: the task waits unassigned; any eligible worker claims it.
- `requester`: the ticket's requester.
- `same_as:<task key>`: whoever completed that earlier task.
Nobody eligible: the task waits unassigned and the ticket admins are told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from users.models import Company, CompanyRole, User
from users.roles import PERM_MANAGE_TICKETS, PERM_WORK_TASKS
from users.selectors import users_with_permission
from users.services import Actor
from workflow_design.models import SAME_AS_PREFIX, Assignment
from workflow_design.plans import TaskPlan, workflow_plan_by_id
from workflow_ops.models import (
    OPEN_TASK_STATUSES,
    WORKABLE,
    Notification,
    NotificationKind,
    TaskInstance,
    TaskStatus,
    TicketInstance,
    WorkflowInstance,
)
from workflow_ops.transitions import change_status


@dataclass(frozen=True)
class Choice:
    """The outcome of assignment: a person (or nobody) and the reason in words."""

    user: User | None
    reason: str
    pool: bool = False  # waiting on purpose for someone to claim it, rather than for want of anyone


def eligible_workers(company: Company | int, role_id: int | None) -> QuerySet[User]:
    """Active task workers of the company, holding the company role if one is named."""
    workers = users_with_permission(company, PERM_WORK_TASKS)
    if role_id is not None:
        holders = User.company_roles.through.objects.filter(companyrole_id=role_id).values("user_id")
        workers = workers.filter(pk__in=holders)
    return workers


def is_eligible(user: User, company: Company, role_id: int | None) -> bool:
    return eligible_workers(company, role_id).filter(pk=user.pk).exists()


def _first_name(user: User) -> str:
    return user.first_name or str(user)


def _role_words(role_id: int | None) -> str:
    if role_id is None:
        return "task worker"
    role = CompanyRole.objects.filter(pk=role_id).values_list("name", flat=True).first()
    return f"task worker holding “{role}”" if role else "task worker"


def choose_assignee(
    *, task: TaskPlan, workflow: WorkflowInstance, ticket: TicketInstance, exclude: User | None = None
) -> Choice:
    """Who should do `task` of this workflow now. Reads (and locks) rows; writes nothing."""
    company = ticket.company_id
    mode = task.assignment or Assignment.LEAST_LOADED
    if mode == Assignment.REQUESTER:
        requester = ticket.requester
        if requester.is_active and requester != exclude:
            return Choice(requester, "The requester does this step.")
        return Choice(None, "The requester does this step, but their account is inactive.")
    if mode.startswith(SAME_AS_PREFIX):
        return _same_as(mode.removeprefix(SAME_AS_PREFIX), workflow, company, exclude)
    candidates = eligible_workers(company, task.assignee_role_id)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    if mode == Assignment.POOL:
        count = candidates.count()
        if not count:
            return Choice(
                None, f"Waiting in the pool, but there is no {_role_words(task.assignee_role_id)} to claim it."
            )
        return Choice(
            None,
            f"Waiting in the pool for any of {count} eligible worker{'s' * (count != 1)} to claim it.",
            pool=True,
        )
    return _least_loaded(task, workflow, ticket, candidates)


def _same_as(key: str, workflow: WorkflowInstance, company: Company, exclude: User | None) -> Choice:
    earlier = (
        TaskInstance.objects.for_company(company)
        .filter(workflow=workflow, definition__key=key, status=TaskStatus.COMPLETED)
        .select_related("completed_by", "definition")
        .order_by("-completed_at", "-id")
        .first()
    )
    if earlier is None or earlier.completed_by is None:
        return Choice(None, f"Goes to whoever did step “{key}”, which nobody has completed.")
    person = earlier.completed_by
    if not person.is_active or person == exclude:
        return Choice(
            None, f"Goes to {_first_name(person)}, who did “{earlier.definition.title}”, but is no longer available."
        )
    return Choice(person, f"{_first_name(person)} did “{earlier.definition.title}”, so this step is theirs too.")


def _least_loaded(task: TaskPlan, workflow: WorkflowInstance, ticket: TicketInstance, candidates: QuerySet) -> Choice:
    # Lock the candidates in one order: concurrent assignments queue here. Their load is read by
    # a second statement, after the lock: under READ COMMITTED it then sees the tasks the
    # assignment before it gave out (a statement that waited for a lock keeps its old snapshot).
    locked = list(candidates.order_by("pk").select_for_update().values_list("pk", flat=True))
    if not locked:
        return Choice(None, f"Nobody is an active {_role_words(task.assignee_role_id)}; ticket admins were told.")
    open_tasks = (
        TaskInstance.objects.filter(assigned_to=OuterRef("pk"), status__in=OPEN_TASK_STATUSES)
        .values("assigned_to")
        .annotate(count=Count("pk"))
        .values("count")
    )
    last_assigned = (
        TaskInstance.objects.filter(assigned_to=OuterRef("pk"), assigned_at__isnull=False)
        .order_by("-assigned_at")
        .values("assigned_at")[:1]
    )
    people = list(
        User.objects.filter(pk__in=locked)
        .only("pk", "first_name", "last_name", "email", "company_id")
        .order_by("pk")
        .annotate(open_tasks=Coalesce(Subquery(open_tasks), 0), last_assigned=Subquery(last_assigned))
    )
    by_pk = {person.pk: person for person in people}
    if str(task.key) in (workflow.workflow_data.get("tasks") or {}):
        # The step ran before in this workflow (a loop): it goes back to whoever did it.
        previous = (
            TaskInstance.objects.filter(workflow=workflow, definition__key=task.key)
            .exclude(assigned_to=None)
            .order_by("-created_at", "-id")
            .values_list("assigned_to", flat=True)
            .first()
        )
        if previous in by_pk:
            person = by_pk[previous]
            return Choice(person, f"Back to {_first_name(person)}, who did this step before.")
    skipped = ""
    requester = by_pk.get(ticket.requester_id)
    if requester is not None and len(people) > 1:
        people = [person for person in people if person.pk != requester.pk]
        skipped = f"; {_first_name(requester)} skipped: they asked for it"
    oldest = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    person = min(people, key=lambda p: (p.open_tasks, p.last_assigned or oldest, p.pk))
    open_tasks = person.open_tasks
    plural = "s" * (open_tasks != 1)
    if len(people) == 1:
        reason = f"The only eligible worker ({open_tasks} open task{plural}){skipped}."
    else:
        reason = f"{open_tasks} open task{plural}, fewest among {len(people)} eligible workers{skipped}."
    return Choice(person, reason)


def apply_choice(task: TaskInstance, choice: Choice, plan: TaskPlan, *, now: datetime) -> None:
    """Set who has the task and its due, reminder and escalation times (in memory)."""
    task.assigned_to = choice.user
    task.assignment_reason = choice.reason[:300]
    if choice.user is None:
        task.assigned_at = task.due_at = task.next_remind_at = task.escalate_at = None
        return
    task.assigned_at = now
    task.next_remind_at = now + plan.remind_after if plan.remind_after else None
    task.escalate_at = now + plan.escalate_after if plan.escalate_after else None
    limit = plan.escalate_after or plan.remind_after
    task.due_at = now + limit if limit else None


ASSIGNMENT_FIELDS = ["assigned_to", "assignment_reason", "assigned_at", "due_at", "next_remind_at", "escalate_at"]


def notify_choice(task: TaskInstance, choice: Choice, *, ticket: TicketInstance, title: str) -> None:
    """Tell the new assignee; when nobody can take the task, tell the ticket admins."""
    link = f"/tasks/{task.pk}/"
    if choice.user is not None:
        Notification.objects.create(
            company_id=task.company_id,
            recipient=choice.user,
            kind=NotificationKind.TASK_ASSIGNED,
            message=f"New task: {title} on #{ticket.number} {ticket.title}"[:300],
            link=link,
        )
    elif not choice.pool:
        admins = users_with_permission(ticket.company_id, PERM_MANAGE_TICKETS)
        Notification.objects.bulk_create(
            Notification(
                company_id=task.company_id,
                recipient=admin,
                kind=NotificationKind.TASK_UNASSIGNED,
                message=f"Nobody can take “{title}” on #{ticket.number}: {choice.reason}"[:300],
                link=link,
            )
            for admin in admins
        )


def assignment_note(choice: Choice) -> str:
    """ "Assigned to Dana — 2 open tasks, fewest among 3 eligible workers." """
    reason = choice.reason[:1].lower() + choice.reason[1:]
    if choice.user is not None:
        return f"Assigned to {_first_name(choice.user)} — {reason}"
    return f"Waiting for someone — {reason}"


def reassign(task: TaskInstance, *, actor: Actor | None, exclude: User | None = None) -> Choice:
    """Send an open person-task back through assignment (a worker left, or lost the role). Inside atomic."""
    plan = workflow_plan_by_id(task.workflow.definition_id).tasks[task.definition_id]
    choice = choose_assignee(task=plan, workflow=task.workflow, ticket=task.ticket, exclude=exclude)
    apply_choice(task, choice, plan, now=timezone.now())
    name = "assign" if choice.user is not None else "unassign"
    if name == "unassign":
        task.assigned_to = None
    change_status(task, name, actor=actor, note=assignment_note(choice), fields=ASSIGNMENT_FIELDS)
    notify_choice(task, choice, ticket=task.ticket, title=plan.title)
    return choice


def reassign_after_member_change(*, member: User, actor: Actor) -> None:
    """Hook for users.services: a worker's open tasks go back through assignment when they can no
    longer do them (deactivated, or no longer holding the task's role or the task-worker role)."""
    tasks = (
        TaskInstance.objects.for_company(member.company)
        .filter(assigned_to=member, status__in=WORKABLE)
        .select_related("workflow", "ticket", "ticket__company", "ticket__requester")
        .select_for_update(of=("self",))
    )
    for task in tasks:
        role_id = task.definition.assignee_role_id
        if member.is_active and is_eligible(member, member.company, role_id):
            continue
        reassign(task, actor=actor, exclude=member)
