"""Status and priority badges: one place that says how a ticket's or a task's state looks.

Simple tags rather than template includes: a queue draws two or three per row, and an
include per badge was a measurable part of rendering a page of 25 rows.
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from workflow_ops.models import Priority, TaskStatus, TicketStatus

register = template.Library()

PRIORITY_CLASSES = {
    Priority.URGENT: "text-bg-danger",
    Priority.HIGH: "text-bg-warning",
    Priority.NORMAL: "text-bg-light border",
    Priority.LOW: "text-bg-light border text-muted",
}
TASK_CLASSES = {
    TaskStatus.ASSIGNED: "text-bg-primary",
    TaskStatus.IN_PROGRESS: "text-bg-info",
    TaskStatus.UNASSIGNED: "text-bg-warning",
    TaskStatus.QUEUED: "text-bg-light border",
    TaskStatus.WAITING: "text-bg-light border",
    TaskStatus.COMPLETED: "text-bg-success",
    TaskStatus.ERROR: "text-bg-danger",
}
# Read once: an enum's `choices` and `values` are built anew on each call.
PRIORITY_LABELS = dict(Priority.choices)
TASK_LABELS = {**dict(TaskStatus.choices), TaskStatus.WAITING: "Waiting for a reply"}


def _badge(css: str, text: str, title: str = "") -> SafeString:
    # The standard library's escape: Django's (and format_html's) lazy-string checks cost more than
    # the escaping, three badges a row.
    title_attr = f' title="{escape(title)}"' if title else ""
    return mark_safe(f'<span class="badge {css}"{title_attr}>{escape(str(text))}</span>')


@register.simple_tag
def ticket_status(ticket, stopped: bool = False) -> SafeString:
    """Open (or stopped, when an error holds it), finished with its outcome, cancelled."""
    if ticket.status == TicketStatus.OPEN:
        if stopped:
            return _badge("text-bg-danger", "Stopped", "A workflow error holds this ticket")
        return _badge("text-bg-primary", "Open")
    if ticket.status == TicketStatus.FINISHED:
        return _badge("text-bg-success", ticket.outcome or "Finished")
    return _badge("text-bg-secondary", "Cancelled")


@register.simple_tag
def priority_badge(priority: int) -> SafeString:
    css = PRIORITY_CLASSES.get(priority, PRIORITY_CLASSES[Priority.NORMAL])
    return _badge(css, PRIORITY_LABELS.get(priority, Priority.NORMAL.label))


@register.simple_tag
def task_status(task) -> SafeString:
    status = task.status  # a task, or a row of one (workflow_ops.selectors.rows)
    label = TASK_LABELS.get(status, status)
    return _badge(TASK_CLASSES.get(status, "text-bg-secondary"), label)
