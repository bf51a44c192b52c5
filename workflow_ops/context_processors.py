"""The navbar's counts: my open tasks, and for ticket admins what needs attention (read only if shown)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from users.roles import PERM_MANAGE_TICKETS, PERM_WORK_TASKS
from workflow_ops.selectors.queues import attention_counts


def work_counts(request: HttpRequest) -> dict[str, Any]:
    user, company = getattr(request, "user", None), getattr(request, "company", None)
    if user is None or not user.is_authenticated or company is None:
        return {}
    admin = user.has_perm(PERM_MANAGE_TICKETS)
    if not (admin or user.has_perm(PERM_WORK_TASKS)):
        return {}
    return {"work_counts": SimpleLazyObject(lambda: attention_counts(company, user, admin=admin))}
