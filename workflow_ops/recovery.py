"""The recovery sweep: finish what a crash between a commit and its on-commit work left undone.

A completed task with `advanced_at` still null, completed longer ago than the grace
period, is advanced; an open ticket whose workflow never started is started. Steps
with an open WorkflowError are skipped: a person is looking at them. Both steps are
idempotent, so a sweep racing the normal on-commit work changes nothing twice.
Runs every minute (a django-q2 schedule) and as `manage.py recover_workflows`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from workflow_ops.engine.manager import advance_workflow, start_workflow
from workflow_ops.engine.steps import advance_step, start_step
from workflow_ops.models import (
    ErrorStatus,
    TaskInstance,
    TaskStatus,
    TicketInstance,
    TicketStatus,
    WorkflowError,
    WorkflowInstance,
)


@dataclass
class RecoveryReport:
    advanced: list[int] = field(default_factory=list)  # task ids moved on
    started: list[int] = field(default_factory=list)  # ticket ids whose workflow started
    failed: list[str] = field(default_factory=list)  # steps that failed again (now WorkflowErrors)

    def summary(self) -> str:
        return (
            f"{len(self.advanced)} completed task(s) advanced, {len(self.started)} workflow(s) started, "
            f"{len(self.failed)} failed"
        )


def recover_workflows(*, grace: timedelta | None = None, limit: int = 500) -> RecoveryReport:
    """Advance stale completed tasks and start stale tickets (at most `limit` of each per run)."""
    grace = timedelta(seconds=settings.RECOVERY_GRACE_SECONDS) if grace is None else grace
    cutoff = timezone.now() - grace
    report = RecoveryReport()
    stale_tasks = (
        TaskInstance.objects.filter(status=TaskStatus.COMPLETED, advanced_at__isnull=True, completed_at__lt=cutoff)
        .order_by("completed_at")
        .values_list("pk", flat=True)[: limit * 2]
    )
    for task_id in stale_tasks:
        if len(report.advanced) >= limit:
            break
        if WorkflowError.objects.filter(step=advance_step(task_id)).exclude(status=ErrorStatus.RESOLVED).exists():
            continue
        if advance_workflow(task_id):
            report.advanced.append(task_id)
        else:
            report.failed.append(advance_step(task_id))
    started_workflow = WorkflowInstance.objects.filter(ticket=OuterRef("pk"))
    stale_tickets = (
        TicketInstance.objects.filter(status=TicketStatus.OPEN, created_at__lt=cutoff)
        .exclude(Exists(started_workflow))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for ticket_id in stale_tickets:
        if WorkflowError.objects.filter(step=start_step(ticket_id)).exclude(status=ErrorStatus.RESOLVED).exists():
            continue
        if start_workflow(ticket_id):
            report.started.append(ticket_id)
        else:
            report.failed.append(start_step(ticket_id))
    return report


def recover_workflows_job() -> str:
    """The django-q2 schedule's entry point."""
    return recover_workflows().summary()
