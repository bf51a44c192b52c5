"""Tasks: one step of a ticket's workflow, given to a person or run as an HTTP action."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import FSMField, transition

from users.models import Company
from users.querysets import CompanyQuerySet
from workflow_design.models import TaskDefinition
from workflow_ops.models.concurrency import ConcurrentStateMixin
from workflow_ops.models.tickets import TicketInstance
from workflow_ops.models.workflows import WorkflowInstance


class TaskStatus(models.TextChoices):
    QUEUED = "queued", "Queued"  # an action waiting for a worker process
    UNASSIGNED = "unassigned", "Unassigned"  # in the pool, or nobody eligible
    ASSIGNED = "assigned", "Assigned"
    IN_PROGRESS = "in_progress", "In progress"  # started, or a draft saved
    WAITING = "waiting", "Waiting"  # an async action awaiting its callback
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    ERROR = "error", "Error"


OPEN_TASK_STATUSES = (
    TaskStatus.QUEUED,
    TaskStatus.UNASSIGNED,
    TaskStatus.ASSIGNED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.WAITING,
    TaskStatus.ERROR,
)
# Statuses in which the assignee works on the task.
WORKABLE = (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS)


class TaskInstance(ConcurrentStateMixin, models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="task_instances")
    workflow = models.ForeignKey(WorkflowInstance, on_delete=models.CASCADE, related_name="tasks")
    ticket = models.ForeignKey(TicketInstance, on_delete=models.CASCADE, related_name="tasks")
    definition = models.ForeignKey(TaskDefinition, on_delete=models.PROTECT, related_name="instances")
    # The task this one follows (null: the first task). Unique, so advancing twice creates nothing.
    came_from = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_task")
    status = FSMField(default=TaskStatus.UNASSIGNED, choices=TaskStatus.choices, protected=True)
    input_data = models.JSONField(default=dict, blank=True)
    # A saved draft, then the completed answer.
    output_data = models.JSONField(default=dict, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_tasks"
    )
    # Why this person (or nobody): "2 open tasks, fewest among 3 eligible workers".
    assignment_reason = models.CharField(max_length=300, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set once the engine has moved past the completed task; null on a completed task is the
    # durable "still to advance" intent that the recovery sweep reads.
    advanced_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    next_remind_at = models.DateTimeField(null=True, blank=True)
    escalate_at = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveIntegerField(default=0)
    # Async actions: the single-use secret of the callback URL (belongs to the task, not an attempt).
    callback_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One first task per workflow: starting a workflow twice creates nothing new.
            models.UniqueConstraint(
                fields=["workflow"], condition=Q(came_from__isnull=True), name="wo_task_one_first_task"
            ),
        ]
        indexes = [
            models.Index(fields=["company", "status"]),
            models.Index(fields=["assigned_to", "status"]),
            models.Index(fields=["assigned_to", "-assigned_at"]),
            models.Index(fields=["workflow", "definition"]),
            models.Index(fields=["ticket", "created_at"]),
            models.Index(fields=["next_remind_at"], condition=Q(next_remind_at__isnull=False), name="wo_task_remind"),
            models.Index(fields=["escalate_at"], condition=Q(escalate_at__isnull=False), name="wo_task_escalate"),
            # The task queue's default (open tasks, due soonest first) and its archive (latest finished first).
            models.Index(
                fields=["company", "due_at", "created_at"],
                condition=Q(status__in=[status.value for status in OPEN_TASK_STATUSES]),
                name="wo_task_open_due",
            ),
            # Unassigned tasks oldest first: the pool, and the inbox's "nobody to do it".
            models.Index(fields=["company", "created_at"], condition=Q(status="unassigned"), name="wo_task_unassigned"),
            # The navbar's counts on every page: pool tasks unclaimed since before a time (found per
            # pool step), and overdue tasks. Without them each count read thousands of index entries.
            models.Index(
                fields=["definition", "created_at"], condition=Q(status="unassigned"), name="wo_task_unassigned_step"
            ),
            models.Index(
                fields=["company", "due_at"],
                condition=Q(status__in=["assigned", "in_progress"]),
                name="wo_task_workable_due",
            ),
            # A worker's own tasks, due soonest first (/tasks/mine/ and the navbar's count).
            models.Index(
                fields=["assigned_to", "due_at", "created_at"],
                condition=Q(status__in=["assigned", "in_progress"]),
                name="wo_task_mine_due",
            ),
            models.Index(
                fields=["company", "-completed_at"],
                condition=Q(status__in=["completed", "cancelled"]),
                name="wo_task_archive",
            ),
            models.Index(
                fields=["completed_at"],
                condition=Q(status="completed", advanced_at__isnull=True),
                name="wo_task_not_advanced",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.definition.title} ({self.ticket})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TASK_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < timezone.now()

    # --- Transitions: bodies change fields in memory only; workflow_ops.transitions saves them. ---

    @transition(
        field=status,
        source=[TaskStatus.UNASSIGNED, TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS],
        target=TaskStatus.ASSIGNED,
    )
    def assign(self) -> None:
        pass

    @transition(field=status, source=[TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS], target=TaskStatus.UNASSIGNED)
    def unassign(self) -> None:
        self.assigned_to = None

    @transition(field=status, source=TaskStatus.ASSIGNED, target=TaskStatus.IN_PROGRESS)
    def start(self) -> None:
        pass

    @transition(
        field=status,
        source=[TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.WAITING, TaskStatus.QUEUED],
        target=TaskStatus.COMPLETED,
    )
    def complete(self) -> None:
        pass

    @transition(field=status, source=list(OPEN_TASK_STATUSES), target=TaskStatus.CANCELLED)
    def cancel(self) -> None:
        self.completed_at = timezone.now()  # finished, though not done: the archive sorts by it

    @transition(field=status, source=[TaskStatus.QUEUED, TaskStatus.WAITING], target=TaskStatus.ERROR)
    def fail(self) -> None:
        pass

    @transition(field=status, source=TaskStatus.ERROR, target=TaskStatus.QUEUED)
    def requeue(self) -> None:
        pass
