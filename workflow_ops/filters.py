"""The queues' filters (django-filter): everything a view of /ops/tickets/ or /ops/tasks/ narrows by.

Filters live in the URL, so a view can be bookmarked and shared. Every choice is
the company's own (ticket types, workers, roles, outcomes), so another company's
id is "not one of the choices" — a form error next to the field, never a row.
Dates are days in the company's time zone.
"""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from ticketflower.forms import StyledFormMixin
from workflow_ops.models import Priority, TaskInstance, TaskStatus, TicketStatus
from workflow_ops.selectors.queues import QueueChoices, matching_text, ticket_number_in

NOBODY = "none"
DATE = forms.DateInput(attrs={"type": "date"})
EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(2999, 12, 31)


def plausible_day(day: datetime.date) -> None:
    """Days a filter can mean (and that stay dates in any time zone once a day is added)."""
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(f"Choose a day between {EARLIEST.year} and {LATEST.year}.", code="date_range")


def date_filter(method: str, label: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(method=method, label=label, widget=DATE, validators=[plausible_day])


class QueueFilterForm(StyledFormMixin, forms.Form):
    pass


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class QueueFilter(django_filters.FilterSet):
    """Filters both queues share; `ticket` is the path from a row to its ticket."""

    ticket = ""
    archive_only = ("outcome", "finished_from", "finished_to")
    active_only = ("overdue",)
    # The filters under "More filters"; the rest are always in view.
    more = (
        "type",
        "priority",
        "assignee",
        "role",
        "outcome",
        "overdue",
        "created_from",
        "created_to",
        "finished_from",
        "finished_to",
    )

    q = django_filters.CharFilter(method="filter_search", label="Search")
    status = django_filters.ChoiceFilter(method="filter_status", label="Status", empty_label="Any status")
    sort = django_filters.ChoiceFilter(method="keep", label="Sort", empty_label=None)
    type = django_filters.ChoiceFilter(method="filter_type", label="Ticket type", empty_label="Any type")
    priority = django_filters.ChoiceFilter(
        method="filter_priority", label="Priority", choices=Priority.choices, empty_label="Any priority"
    )
    assignee = django_filters.ChoiceFilter(method="filter_assignee", label="Assignee", empty_label="Anyone")
    role = django_filters.ChoiceFilter(method="filter_role", label="Company role", empty_label="Any role")
    outcome = django_filters.ChoiceFilter(method="filter_outcome", label="Outcome", empty_label="Any outcome")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue only", widget=forms.CheckboxInput)
    created_from = date_filter("filter_created_from", "Created from")
    created_to = date_filter("filter_created_to", "Created to")
    finished_from = date_filter("filter_finished_from", "Finished from")
    finished_to = date_filter("filter_finished_to", "Finished to")

    class Meta:
        form = QueueFilterForm
        fields: list[str] = []

    def __init__(self, data: Any = None, queryset: Any = None, *, choices: QueueChoices, archive: bool, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.archive = archive
        for name in self.active_only if archive else self.archive_only:
            del self.filters[name]
        self.filters["status"].extra["choices"] = self.status_choices()
        self.filters["sort"].extra["choices"] = [(name, label) for name, (label, _) in self.sorts.items()]
        # static/js/filters.js leaves the default out of the URL.
        self.filters["sort"].extra["widget"] = forms.Select(attrs={"data-default": self.default_sort})
        self.filters["type"].extra["choices"] = choices.ticket_types
        self.filters["assignee"].extra["choices"] = [*choices.workers, (NOBODY, "Nobody")]
        self.filters["role"].extra["choices"] = choices.roles
        if "outcome" in self.filters:
            self.filters["outcome"].extra["choices"] = choices.outcomes

    # --- what subclasses say ---

    def status_choices(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    @property
    def sorts(self) -> dict[str, tuple[str, list[Any]]]:
        """name -> (label, ordering); the first is the default."""
        raise NotImplementedError

    @property
    def default_sort(self) -> str:
        return next(iter(self.sorts))

    # --- the form ---

    @property
    def more_is_open(self) -> bool:
        """Show "More filters" opened when one of them is in use or has an error."""
        form = self.form
        return any(name in form.fields and (form.data.get(name) or form.errors.get(name)) for name in self.more)

    def main_fields(self) -> list[forms.BoundField]:
        return [self.form[name] for name in ("q", "status", "sort")]

    def more_fields(self) -> list[forms.BoundField]:
        return [self.form[name] for name in self.more if name in self.form.fields]

    # --- filtering ---

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or self.default_sort
        return queryset.order_by(*self.sorts.get(sort, self.sorts[self.default_sort])[1])

    def keep(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset  # applied last, in filter_queryset

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        number = ticket_number_in(value)
        if number is not None:
            return queryset.filter(**{f"{self.ticket}number": number})
        return matching_text(queryset, value.strip(), ticket=self.ticket)

    def filter_type(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{f"{self.ticket}ticket_type_id": value})

    def filter_priority(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{f"{self.ticket}priority": value})

    def filter_outcome(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{f"{self.ticket}outcome": value})

    def filter_created_from(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(created_at__gte=day_start(value))

    def filter_created_to(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(created_at__lt=day_start(value + datetime.timedelta(days=1)))


class TicketFilter(QueueFilter):
    """/ops/tickets/: a ticket's assignee, role and due date are those of its current task."""

    def status_choices(self) -> list[tuple[str, str]]:
        if self.archive:
            return [(TicketStatus.FINISHED, "Finished"), (TicketStatus.CANCELLED, "Cancelled")]
        return [("moving", "Moving"), ("stopped", "Stopped by an error")]

    @property
    def sorts(self) -> dict[str, tuple[str, list[Any]]]:
        if self.archive:
            return {
                "finished": ("Latest finished first", ["-closed_at", "-id"]),
                "newest": ("Newest first", ["-created_at", "-id"]),
                "oldest": ("Oldest first", ["created_at", "id"]),
                "number": ("Number, highest first", ["-number"]),
                "priority": ("Priority, urgent first", ["-priority", "-closed_at", "-id"]),
            }
        return {
            "priority": ("Priority, urgent first", ["-priority", "created_at", "id"]),
            "oldest": ("Oldest first", ["created_at", "id"]),
            "newest": ("Newest first", ["-created_at", "-id"]),
            "number": ("Number, highest first", ["-number"]),
            "due": ("Due soonest", [F("workflow__current_task__due_at").asc(nulls_last=True), "created_at", "id"]),
        }

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "stopped":
            return queryset.filter(stopped=True)
        if value == "moving":
            return queryset.filter(stopped=False)
        return queryset.filter(status=value)

    def _did_a_task(self, **lookups: Any) -> Exists:
        return Exists(TaskInstance.objects.filter(ticket=OuterRef("pk"), **lookups))

    def filter_assignee(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if self.archive:
            if value == NOBODY:
                return queryset.exclude(self._did_a_task(completed_by__isnull=False))
            return queryset.filter(self._did_a_task(completed_by_id=value))
        if value == NOBODY:
            return queryset.filter(workflow__current_task__assigned_to__isnull=True)
        return queryset.filter(workflow__current_task__assigned_to_id=value)

    def filter_role(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if self.archive:
            return queryset.filter(self._did_a_task(definition__assignee_role_id=value))
        return queryset.filter(workflow__current_task__definition__assignee_role_id=value)

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(workflow__current_task__due_at__lt=timezone.now())

    def filter_finished_from(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(closed_at__gte=day_start(value))

    def filter_finished_to(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(closed_at__lt=day_start(value + datetime.timedelta(days=1)))


class TaskFilter(QueueFilter):
    """/ops/tasks/: type, priority and outcome are the task's ticket's."""

    ticket = "ticket__"

    def status_choices(self) -> list[tuple[str, str]]:
        if self.archive:
            return [(TaskStatus.COMPLETED, "Completed"), (TaskStatus.CANCELLED, "Cancelled")]
        return [
            (status.value, status.label)
            for status in (
                TaskStatus.ASSIGNED,
                TaskStatus.IN_PROGRESS,
                TaskStatus.UNASSIGNED,
                TaskStatus.QUEUED,
                TaskStatus.WAITING,
                TaskStatus.ERROR,
            )
        ]

    @property
    def sorts(self) -> dict[str, tuple[str, list[Any]]]:
        if self.archive:
            return {
                "finished": ("Latest finished first", ["-completed_at", "-id"]),
                "newest": ("Newest first", ["-created_at", "-id"]),
                "oldest": ("Oldest first", ["created_at", "id"]),
                "number": ("Ticket number, highest first", ["-ticket__number", "-id"]),
                "priority": ("Priority, urgent first", ["-ticket__priority", "-completed_at", "-id"]),
            }
        return {
            "due": ("Due soonest", [F("due_at").asc(nulls_last=True), "created_at", "id"]),
            "oldest": ("Oldest first", ["created_at", "id"]),
            "newest": ("Newest first", ["-created_at", "-id"]),
            "number": ("Ticket number, highest first", ["-ticket__number", "-id"]),
            "priority": ("Priority, urgent first", ["-ticket__priority", "created_at", "id"]),
        }

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(status=value)

    def filter_assignee(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == NOBODY:
            return queryset.filter(assigned_to__isnull=True)
        return queryset.filter(assigned_to_id=value)

    def filter_role(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(definition__assignee_role_id=value)

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(due_at__lt=timezone.now()) if value else queryset

    def filter_finished_from(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(completed_at__gte=day_start(value))

    def filter_finished_to(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(completed_at__lt=day_start(value + datetime.timedelta(days=1)))
