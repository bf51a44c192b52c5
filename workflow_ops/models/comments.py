"""Comments: the conversation on a ticket between the people who ask and the people who do.

An internal note (`internal`) is for staff on the ticket only: ticket admins and the
workers who hold or held a task on it. Everyone who may see the ticket sees the rest.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from users.models import Company
from users.querysets import CompanyQuerySet
from workflow_ops.models.tickets import TicketInstance

MAX_COMMENT_LENGTH = 5_000


class Comment(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(TicketInstance, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=MAX_COMMENT_LENGTH)
    internal = models.BooleanField(default=False)
    # Posted by TicketFlower staff acting inside the company (the author is their own account).
    impersonating = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"])]

    def __str__(self) -> str:
        kind = "Internal note" if self.internal else "Comment"
        return f"{kind} by {self.author} on ticket {self.ticket_id}"
