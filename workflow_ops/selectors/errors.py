"""Reads for workflow errors: the list ticket admins work from."""

from __future__ import annotations

from django.db.models import QuerySet

from users.models import Company
from workflow_ops.models import ErrorStatus, WorkflowError

STATUS_FILTERS = [("open", "Open"), ("new", "New"), ("reviewed", "Reviewed"), ("resolved", "Resolved"), ("all", "All")]


def error_list(company: Company, *, status: str = "open") -> QuerySet[WorkflowError]:
    errors = WorkflowError.objects.for_company(company).select_related("ticket", "task__definition", "resolved_by")
    if status == "open":
        errors = errors.exclude(status=ErrorStatus.RESOLVED)
    elif status in ErrorStatus.values:
        errors = errors.filter(status=status)
    return errors.order_by("-created_at", "-id")
