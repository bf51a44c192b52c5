"""A ticket's run through its workflow version."""

from __future__ import annotations

from django.db import models
from django_fsm import FSMField, transition

from users.models import Company
from users.querysets import CompanyQuerySet
from workflow_design.models import WorkflowDefinition
from workflow_ops.models.concurrency import ConcurrentStateMixin
from workflow_ops.models.tickets import TicketInstance


class WorkflowStatus(models.TextChoices):
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class WorkflowInstance(ConcurrentStateMixin, models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="workflow_instances")
    # A ticket has at most one workflow: starting it twice finds the first.
    ticket = models.OneToOneField(TicketInstance, on_delete=models.CASCADE, related_name="workflow")
    definition = models.ForeignKey(WorkflowDefinition, on_delete=models.PROTECT, related_name="instances")
    status = FSMField(default=WorkflowStatus.RUNNING, choices=WorkflowStatus.choices, protected=True)
    current_task = models.ForeignKey(
        "workflow_ops.TaskInstance", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # {"ticket": {...the ticket's fields}, "tasks": {task key: its latest output}}
    workflow_data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["company", "status"])]

    def __str__(self) -> str:
        return f"Workflow of {self.ticket}"

    @transition(field=status, source=WorkflowStatus.RUNNING, target=WorkflowStatus.COMPLETED)
    def complete(self) -> None:
        self.current_task = None

    @transition(field=status, source=WorkflowStatus.RUNNING, target=WorkflowStatus.CANCELLED)
    def cancel(self) -> None:
        self.current_task = None
