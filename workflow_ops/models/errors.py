"""Workflow errors: a step the engine could not take, kept until someone retries or resolves it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from users.models import Company
from users.querysets import CompanyQuerySet
from workflow_ops.models.concurrency import ConcurrentStateMixin
from workflow_ops.models.tasks import TaskInstance
from workflow_ops.models.tickets import TicketInstance
from workflow_ops.models.workflows import WorkflowInstance


class ErrorKind(models.TextChoices):
    WORKFLOW_CREATION = "workflow_creation", "Workflow creation"
    TASK_CREATION = "task_creation", "Task creation"
    TASK_UPDATE = "task_update", "Task update"
    WORKFLOW_TRANSITION = "workflow_transition", "Workflow transition"


class ErrorStatus(models.TextChoices):
    NEW = "new", "New"
    REVIEWED = "reviewed", "Reviewed"
    RESOLVED = "resolved", "Resolved"


class WorkflowError(ConcurrentStateMixin, models.Model):
    """One row per stuck step (`step`), with every attempt at it."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="workflow_errors")
    ticket = models.ForeignKey(TicketInstance, on_delete=models.CASCADE, related_name="errors")
    workflow = models.ForeignKey(
        WorkflowInstance, on_delete=models.CASCADE, null=True, blank=True, related_name="errors"
    )
    task = models.ForeignKey(TaskInstance, on_delete=models.CASCADE, null=True, blank=True, related_name="errors")
    kind = models.CharField(max_length=30, choices=ErrorKind.choices)
    # The step that failed, e.g. "start:12" or "advance:345": what a retry runs again.
    step = models.CharField(max_length=60)
    message = models.TextField()
    stack_trace = models.TextField(blank=True)
    status = FSMField(default=ErrorStatus.NEW, choices=ErrorStatus.choices, protected=True)
    resolution_notes = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    attempt_count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A stuck step has one open error; its later failures are attempts of it.
            models.UniqueConstraint(
                fields=["step"], condition=~Q(status="resolved"), name="wo_error_one_open_per_step"
            ),
        ]
        indexes = [
            models.Index(fields=["company", "status", "-created_at"]),
            models.Index(fields=["ticket", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} error on {self.ticket}"

    @property
    def is_open(self) -> bool:
        return self.status != ErrorStatus.RESOLVED

    @transition(field=status, source=ErrorStatus.NEW, target=ErrorStatus.REVIEWED)
    def review(self) -> None:
        pass

    @transition(field=status, source=[ErrorStatus.NEW, ErrorStatus.REVIEWED], target=ErrorStatus.RESOLVED)
    def resolve(self, *, notes: str) -> None:
        self.resolution_notes = notes


class ErrorAttempt(models.Model):
    """One try at a stuck step: the first failure, and every retry."""

    error = models.ForeignKey(WorkflowError, on_delete=models.CASCADE, related_name="attempts")
    attempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    succeeded = models.BooleanField(default=False)
    message = models.TextField(blank=True)
    stack_trace = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Attempt at {self.error} ({'succeeded' if self.succeeded else 'failed'})"
