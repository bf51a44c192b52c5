"""Proofs under real concurrency, on PostgreSQL (SQLite serialises everything and ignores row locks).

Threads have their own database connections; the crash test kills a real process.
Nothing here is mocked except what the crashing process does after its commit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import close_old_connections, connection, transaction

from users.roles import SystemRole
from users.services import Actor
from users.tests.factories import CompanyRoleFactory
from workflow_ops.engine.manager import advance_workflow, start_workflow
from workflow_ops.models import FileUpload, TaskInstance, TaskStatus, TicketInstance
from workflow_ops.recovery import recover_workflows
from workflow_ops.services.common import NotAllowed
from workflow_ops.services.tasks import task_complete
from workflow_ops.tests.factories import (
    PDF_BYTES,
    attach,
    form_task,
    pdf,
    running_ticket,
    simple_process,
    submit,
    submitter,
    worker,
)
from workflow_ops.transitions import change_status

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _groups(system_role_groups):
    pass


def together(count: int, work: Callable[[int], object]) -> list[object]:
    """Run `work(i)` in `count` threads released at the same moment; results or exceptions, in order."""
    barrier = threading.Barrier(count)

    def run(index: int) -> object:
        try:
            connection.ensure_connection()  # connect first, so the work itself starts together
            barrier.wait(timeout=30)
            return work(index)
        except Exception as error:
            return error
        finally:
            close_old_connections()
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def two_step(company):
    return simple_process(
        company,
        tasks=[form_task("first", assignee_role="Team"), form_task("second", assignee_role="Team")],
        transitions=[
            {"from": None, "to": "first"},
            {"from": "first", "to": "second"},
            {"from": "second", "to": None, "label": "Done"},
        ],
    )


@pytest.fixture
def team(tenant):
    role = CompanyRoleFactory(company=tenant.company, name="Team")
    return [worker(tenant.company, name, role) for name in ("Ann", "Bob", "Cy", "Di")]


def started(ticket_type, requester) -> TicketInstance:
    ticket = submit(ticket_type, requester)  # committed (transactional test); on_commit ran the start
    start_workflow(ticket.pk)
    ticket.refresh_from_db()
    return ticket


def test_two_completions_of_one_task_at_once_have_one_winner(tenant, team):
    ticket = started(two_step(tenant.company), submitter(tenant.company, "Sam"))
    task_id = ticket.workflow.current_task_id
    owner = TaskInstance.objects.get(pk=task_id).assigned_to

    # Two browser tabs with the task loaded, both sent at once. (Each thread reading its tab after the
    # release let a slow one read the task already completed, another refusal than the race's.)
    tabs = [TaskInstance.objects.select_related("workflow").get(pk=task_id) for _ in range(2)]

    def complete(index: int):
        return task_complete(task=tabs[index], actor=Actor(user=owner), output={})

    results = together(2, complete)

    winners = [result for result in results if isinstance(result, TaskInstance)]
    losers = [result for result in results if isinstance(result, NotAllowed)]
    assert (len(winners), len(losers)) == (1, 1), results
    assert "Someone else completed or changed this task first" in str(losers[0])
    assert TaskInstance.objects.filter(came_from_id=task_id).count() == 1


def test_the_manager_run_by_several_at_once_creates_one_next_task(tenant, team):
    ticket = started(two_step(tenant.company), submitter(tenant.company, "Sam"))
    task = TaskInstance.objects.get(pk=ticket.workflow.current_task_id)
    with transaction.atomic():  # completed, but the engine has not run yet
        task.completed_by = task.assigned_to
        change_status(task, "complete", actor=None, fields=["completed_by"])

    results = together(4, lambda _: advance_workflow(task.pk))

    assert results == [True] * 4
    assert TaskInstance.objects.filter(came_from=task).count() == 1
    assert TaskInstance.objects.filter(ticket=ticket).count() == 2


def test_concurrent_assignments_spread_over_the_workers(tenant, team):
    ticket_type = two_step(tenant.company)
    asker = submitter(tenant.company, "Sam")

    # Four people submit at once; each first task is assigned right after its commit, concurrently.
    tickets = together(4, lambda index: submit(ticket_type, asker, title=f"Ticket {index}"))

    assignees = [TaskInstance.objects.get(ticket=ticket).assigned_to for ticket in tickets]
    assert sorted(user.first_name for user in assignees) == ["Ann", "Bob", "Cy", "Di"]


def test_fifty_tickets_submitted_at_once_get_fifty_distinct_numbers(tenant, team):
    ticket_type = two_step(tenant.company)
    asker = submitter(tenant.company, "Sam")

    results = together(50, lambda index: submit(ticket_type, asker, title=f"Ticket {index}").number)

    assert sorted(results) == list(range(1, 51)), [r for r in results if not isinstance(r, int)]


CRASHING_PROCESS = """
import os, sys, time
import django
django.setup()
from users.models import User
from users.roles import SystemRole
from users.services import Actor
from workflow_ops.engine import manager
from workflow_ops.models import TaskInstance
from workflow_ops.services import tasks

def crash_before_advancing(task_id, **kwargs):
    print("committed", flush=True)   # the completion is committed; the engine would run now
    time.sleep(600)                   # ...but the process dies here (the test kills it)

manager.advance_workflow = crash_before_advancing
task = TaskInstance.objects.select_related("workflow").get(pk=int(sys.argv[1]))
tasks.task_complete(task=task, actor=Actor(user=task.assigned_to), output={})
"""


def test_a_process_killed_after_the_commit_loses_nothing_and_recovery_advances_once(tenant, team):
    ticket = started(two_step(tenant.company), submitter(tenant.company, "Sam"))
    task_id = ticket.workflow.current_task_id
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ticketflower.settings_test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", CRASHING_PROCESS, str(task_id)],
        cwd=Path(settings.BASE_DIR),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.strip() == "committed", process.stderr.read()
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()

    task = TaskInstance.objects.get(pk=task_id)
    assert (task.status, task.advanced_at) == (TaskStatus.COMPLETED, None)  # committed, never advanced
    assert not TaskInstance.objects.filter(came_from=task).exists()

    report = recover_workflows(grace=timedelta(0))
    again = recover_workflows(grace=timedelta(0))

    assert report.advanced == [task_id] and again.advanced == []
    task.refresh_from_db()
    assert task.advanced_at is not None
    assert TaskInstance.objects.filter(came_from=task).count() == 1


def test_uploads_of_one_name_at_once_get_distinct_versions(tenant):
    """Four people attach "quote.pdf" to one ticket at the same moment: versions 1–4, none lost or refused."""
    ticket = running_ticket(tenant.company)
    admins = [worker(tenant.company, name, extra=(SystemRole.TICKET_ADMIN,)) for name in ("Ann", "Bob", "Cy", "Di")]
    results = together(4, lambda index: attach(ticket, admins[index], pdf("quote.pdf", PDF_BYTES + bytes([index]))))
    assert not [result for result in results if isinstance(result, Exception)], results
    versions = FileUpload.objects.filter(ticket=ticket, filename="quote.pdf").values_list("version", flat=True)
    assert sorted(versions) == [1, 2, 3, 4]
