"""Staff tools: the admin (read-only, with a retry action), recover_workflows, the checks, the schedule."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django_q.models import Schedule

from users.tests.factories import SuperuserFactory
from workflow_ops.checks import background_job_timings
from workflow_ops.models import ErrorStatus, TaskInstance, TaskStatus, TicketInstance
from workflow_ops.tests.factories import form_task, running_ticket, simple_process, stopped_ticket, submit, worker
from workflow_ops.transitions import change_status

pytestmark = pytest.mark.django_db


def test_the_error_admin_retries_through_the_service(client, tenant):
    error = stopped_ticket(tenant.company)  # "No arrow matched" recorded against a task still open
    task = error.task
    client.force_login(SuperuserFactory())
    changelist = reverse("admin:workflow_ops_workflowerror_changelist")
    assert client.get(changelist, {"status__exact": "new"}).status_code == 200

    client.post(changelist, {"action": "retry", "_selected_action": [error.pk]})

    error.refresh_from_db()
    # The task is not completed, so advancing is a no-op that succeeds: the error is resolved.
    assert error.status == ErrorStatus.RESOLVED and task.pk
    assert error.attempts.filter(succeeded=True).exists()


def test_the_admin_shows_tickets_and_tasks_but_changes_nothing(client, tenant):
    ticket = running_ticket(tenant.company)
    client.force_login(SuperuserFactory())
    for name in ("ticketinstance", "taskinstance", "workflowinstance", "statuschange", "notification"):
        assert client.get(reverse(f"admin:workflow_ops_{name}_changelist")).status_code == 200
    page = client.get(reverse("admin:workflow_ops_ticketinstance_change", args=[ticket.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


def _complete_without_advancing(task: TaskInstance) -> None:
    with transaction.atomic():
        task.completed_by = task.assigned_to
        change_status(task, "complete", actor=None, fields=["completed_by"])


def test_recover_workflows_advances_stale_completed_tasks_and_skips_stopped_ones(tenant, capsys):
    stale = running_ticket(tenant.company)
    task = TaskInstance.objects.get(pk=stale.workflow.current_task_id)
    _complete_without_advancing(task)
    TaskInstance.objects.filter(pk=task.pk).update(completed_at=task.updated_at - timedelta(minutes=5))
    stopped = stopped_ticket(tenant.company)
    stopped_task = TaskInstance.objects.get(pk=stopped.task_id)
    _complete_without_advancing(stopped_task)

    call_command("recover_workflows", "--grace", "60")

    out = capsys.readouterr().out
    assert f"advanced after task {task.pk}" in out
    assert "1 completed task(s) advanced, 0 workflow(s) started, 0 failed" in out
    stale.refresh_from_db()
    assert stale.status == "finished"
    stopped_task.refresh_from_db()
    assert stopped_task.advanced_at is None  # an open error: left for a person


def test_recover_workflows_starts_tickets_that_never_started(tenant, django_capture_on_commit_callbacks):
    worker(tenant.company, "Wes")
    ticket_type = simple_process(tenant.company, tasks=[form_task("only")], transitions=[{"from": None, "to": "only"}])
    ticket = submit(ticket_type, tenant.owner)  # the commit's on_commit never ran (a crash)
    TicketInstance.objects.filter(pk=ticket.pk).update(created_at=ticket.created_at - timedelta(minutes=5))

    call_command("recover_workflows")

    assert TaskInstance.objects.filter(ticket=ticket, status=TaskStatus.ASSIGNED).exists()


def test_the_sweep_is_scheduled_every_minute():
    schedule = Schedule.objects.get(func="workflow_ops.recovery.recover_workflows_job")
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 1, -1)


@pytest.mark.parametrize(
    ("cluster", "ids"),
    [
        ({"timeout": 90, "retry": 300, "ack_failures": True}, []),
        ({"timeout": 90, "retry": 120, "ack_failures": True}, ["workflow_ops.E002"]),
        ({"timeout": 30, "retry": 300, "ack_failures": True}, ["workflow_ops.E001"]),
        ({"timeout": 90, "retry": 300, "ack_failures": False}, ["workflow_ops.E003"]),
    ],
)
def test_background_job_timings_are_checked(cluster, ids):
    with override_settings(Q_CLUSTER=cluster):
        assert [error.id for error in background_job_timings()] == ids


@pytest.mark.django_db(transaction=True)  # the engine advances on commit, as in production
def test_bench_reports_the_engine_and_a_completion_stays_within_twelve_queries(capsys, system_role_groups):
    call_command("bench", "--tickets", "4", "--processes", "1")
    report = json.loads(capsys.readouterr().out)
    run = report["engine"]["workers_1"]
    assert (report["tickets"], run["completions"], run["tickets_finished"]) == (4, 12, 4)
    assert run["queries_per_completion"] <= 12  # definitions are read once per version, not per completion
    assert run["completions_per_s"] > 0
