"""The append-only status history of tickets, workflows, tasks and errors: the audit trail and
the source of timelines and time-in-status figures."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from users.models import Company
from users.querysets import CompanyQuerySet
from workflow_ops.models.tickets import TicketInstance


class Subject(models.TextChoices):
    TICKET = "ticket", "Ticket"
    WORKFLOW = "workflow", "Workflow"
    TASK = "task", "Task"
    ERROR = "error", "Error"


class StatusChange(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    # Every change belongs to one ticket, so its timeline is one indexed read.
    ticket = models.ForeignKey(TicketInstance, on_delete=models.CASCADE, related_name="status_changes")
    subject = models.CharField(max_length=10, choices=Subject.choices)
    object_id = models.PositiveBigIntegerField()
    from_status = models.CharField(max_length=20, blank=True)  # "" when the object was created
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    impersonating = models.BooleanField(default=False)
    # The person the actor acted for (a ticket admin filing on someone's behalf).
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Why, in words: "Completed: approve", "Assigned to Dana: 2 open tasks…".
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"]),
            models.Index(fields=["subject", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.object_id}: {self.from_status or '—'} → {self.to_status}"
