"""Notifications: what a person should know (a new task, a reminder, an escalation)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from users.models import Company
from users.querysets import CompanyQuerySet


class NotificationKind(models.TextChoices):
    TASK_ASSIGNED = "task_assigned", "Task assigned"
    TASK_UNASSIGNED = "task_unassigned", "Task needs someone"
    TICKET_FINISHED = "ticket_finished", "Ticket finished"
    TICKET_CANCELLED = "ticket_cancelled", "Ticket cancelled"
    WORKFLOW_ERROR = "workflow_error", "Workflow stopped"
    REMINDER = "reminder", "Reminder"
    ESCALATION = "escalation", "Escalation"
    COMMENT = "comment", "New comment"


class Notification(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    message = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    is_read = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "is_read", "-created_at"])]

    def __str__(self) -> str:
        return f"To {self.recipient}: {self.message}"
