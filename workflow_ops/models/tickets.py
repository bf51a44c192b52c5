"""Tickets: what someone asked for, the ticket-type version and fields it was submitted with."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from users.models import Company
from users.querysets import CompanyQuerySet
from workflow_design.models import TicketDefinition, WorkflowDefinition
from workflow_ops.models.concurrency import ConcurrentStateMixin


class TicketStatus(models.TextChoices):
    OPEN = "open", "Open"
    FINISHED = "finished", "Finished"
    CANCELLED = "cancelled", "Cancelled"


class Priority(models.IntegerChoices):
    """Stored as a number so that queues sort by it (urgent first)."""

    LOW = 1, "Low"
    NORMAL = 2, "Normal"
    HIGH = 3, "High"
    URGENT = 4, "Urgent"


CANCELLED_OUTCOME = "Cancelled"
SEARCH_TEXT_LIMIT = 20_000


def words_of(value: Any) -> Iterator[str]:
    """The text and numbers in a ticket's data, depth first (names of fields and file references left out)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from words_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from words_of(item)
    elif isinstance(value, str):
        if value and not value.startswith("upload:"):
            yield value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield str(value)


def search_text_of(title: str, data: Any) -> str:
    return " ".join([title, *words_of(data)])[:SEARCH_TEXT_LIMIT]


class TicketCounter(models.Model):
    """The last ticket number given out in a company; its row is locked to hand out the next one."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, primary_key=True, related_name="+")
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.company}: #{self.last_number}"


class TicketInstance(ConcurrentStateMixin, models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="tickets")
    # #1, #2, … within the company.
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    ticket_type = models.ForeignKey(TicketDefinition, on_delete=models.PROTECT, related_name="tickets")
    # The ticket type as it was when the ticket was submitted: types are edited in place.
    ticket_type_version = models.PositiveIntegerField()
    fields_schema = models.JSONField(default=dict, blank=True)
    # The published workflow version it runs on; later versions never change it.
    workflow_definition = models.ForeignKey(WorkflowDefinition, on_delete=models.PROTECT, related_name="tickets")
    data = models.JSONField(default=dict, blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requested_tickets")
    # Who filled in the form: a ticket admin may file a ticket on someone's behalf.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submitted_tickets"
    )
    status = FSMField(default=TicketStatus.OPEN, choices=TicketStatus.choices, protected=True)
    # The label of the arrow that ended its workflow; "Cancelled" for a cancelled ticket.
    outcome = models.CharField(max_length=100, blank=True)
    cancel_reason = models.CharField(max_length=500, blank=True)
    # The title and the words of the data, kept by save(): what a queue's search reads (with a
    # trigram index on PostgreSQL) instead of casting every ticket's JSON to text.
    search_text = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="wo_ticket_unique_number"),
        ]
        indexes = [
            models.Index(fields=["company", "status", "-created_at"]),
            models.Index(fields=["company", "requester", "status"]),
            # The archive: finished and cancelled tickets, newest closed first.
            models.Index(fields=["company", "-closed_at"], condition=~Q(status="open"), name="wo_ticket_archive"),
            # The ticket queue's default: open tickets, urgent first, oldest first within a priority.
            models.Index(
                fields=["company", "-priority", "created_at"],
                condition=Q(status="open"),
                name="wo_ticket_open_priority",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is None or {"title", "data"} & set(fields):
            self.search_text = search_text_of(self.title, self.data)
            if fields is not None:
                kwargs["update_fields"] = [*fields, "search_text"]
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status == TicketStatus.OPEN

    @transition(field=status, source=TicketStatus.OPEN, target=TicketStatus.FINISHED)
    def finish(self, *, outcome: str) -> None:
        self.outcome = outcome

    @transition(field=status, source=TicketStatus.OPEN, target=TicketStatus.CANCELLED)
    def cancel(self, *, reason: str) -> None:
        self.outcome = CANCELLED_OUTCOME
        self.cancel_reason = reason
