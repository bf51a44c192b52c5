"""System checks for the background-job settings the engine relies on (DESIGN, reliability rule 5).

django-q2 only warns when `timeout` > `retry`; a job still running when `retry` passes
is handed to a second worker, so these are errors here.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from workflow_design.limits import MAX_TIMEOUT_SECONDS


@register()
def background_job_timings(app_configs=None, **kwargs) -> list[Error]:
    cluster = settings.Q_CLUSTER
    timeout, retry = cluster.get("timeout"), cluster.get("retry")
    errors = []
    if timeout is None or timeout <= MAX_TIMEOUT_SECONDS:
        errors.append(
            Error(
                f"Q_CLUSTER timeout ({timeout}) must be longer than the longest action timeout "
                f"({MAX_TIMEOUT_SECONDS} s), or a slow action is killed mid-call.",
                hint="Set Q_TIMEOUT to at least 90.",
                id="workflow_ops.E001",
            )
        )
    if timeout is not None and (retry is None or retry < 3 * timeout):
        errors.append(
            Error(
                f"Q_CLUSTER retry ({retry}) must be at least 3 x timeout ({timeout}): django-q2 counts retry from "
                "when a worker pulls a job, so a shorter one runs queued jobs twice.",
                hint=f"Set Q_RETRY to at least {3 * timeout}.",
                id="workflow_ops.E002",
            )
        )
    if not cluster.get("ack_failures"):
        errors.append(
            Error(
                "Q_CLUSTER ack_failures must be true: a failed job becomes a WorkflowError to retry, "
                "not a silent re-run.",
                id="workflow_ops.E003",
            )
        )
    return errors
