"""The engine benchmark behind `manage.py bench`: completions per second, queries per completion.

A completion is one FORM task completed through the service and advanced to the
next task (or the end), with its history rows, assignment and notification — what
a worker's click costs. Tickets run through a three-task workflow, first in this
process, then split over four OS processes. Run it against a scratch database.
"""

from __future__ import annotations

import multiprocessing
import statistics
import time
from dataclasses import dataclass

from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from users.models import Company, CompanyRole, User
from users.roles import SystemRole
from users.services import Actor, system_role_groups
from workflow_design.models import TicketDefinition
from workflow_design.services import bundle_import
from workflow_ops.engine.manager import start_workflow
from workflow_ops.models import TaskInstance, TaskStatus, TicketInstance
from workflow_ops.services.tasks import task_complete
from workflow_ops.services.tickets import ticket_submit

WORKERS = 20
STEPS = ("receive", "handle", "close")


@dataclass
class BenchCompany:
    company: Company
    ticket_type: TicketDefinition
    requester: User


def bench_company(label: str) -> BenchCompany:
    """A new company with 20 workers and a published three-task process."""
    company = Company.objects.create(name=f"Benchmark {label} {timezone.now():%Y-%m-%d %H:%M:%S.%f}")
    role = CompanyRole.objects.create(company=company, name="Staff")
    groups = system_role_groups([SystemRole.TASK_WORKER])
    for index in range(WORKERS):
        user = User.objects.create_user(
            email=f"worker{index}.{company.pk}@bench.example", password=None, first_name=f"W{index}", company=company
        )
        user.groups.set(groups)
        user.company_roles.set([role])
    requester = User.objects.create_user(
        email=f"asker.{company.pk}@bench.example", password=None, first_name="Asker", company=company
    )
    requester.groups.set(system_role_groups([SystemRole.USER]))
    tasks = [
        {
            "key": key,
            "title": key.capitalize(),
            "type": "FORM",
            "assignee_role": "Staff",
            "remind_after": "PT6H",
            "escalate_after": "P1D",
            "output_schema": {"type": "object", "properties": {"note": {"type": "string"}}},
        }
        for key in STEPS
    ]
    arrows = [{"from": None, "to": STEPS[0]}, {"from": STEPS[0], "to": STEPS[1]}, {"from": STEPS[1], "to": STEPS[2]}]
    arrows.append({"from": STEPS[2], "to": None, "label": "Done"})
    doc = {
        "format": "ticketflower/v1",
        "workflows": [{"key": "bench", "title": "Bench", "tasks": tasks, "transitions": arrows}],
        "ticket_definitions": [{"key": "bench", "title": "Bench request", "workflow_key": "bench"}],
    }
    bundle_import(company=company, actor=None, doc=doc)
    ticket_type = TicketDefinition.objects.get(company=company, key="bench")
    return BenchCompany(company, ticket_type, requester)


def submit_tickets(setup: BenchCompany, count: int) -> list[int]:
    ids = []
    for index in range(count):
        ticket = ticket_submit(
            company=setup.company,
            actor=Actor(user=setup.requester),
            ticket_type=setup.ticket_type,
            title=f"Bench ticket {index}",
            data={},
        )
        start_workflow(ticket.pk)  # idempotent: on_commit already ran it outside a transaction
        ids.append(ticket.pk)
    return ids


def assigned_task(ticket_id: int) -> TaskInstance | None:
    """The ticket's task waiting for its assignee (what the worker's page loads)."""
    tasks = TaskInstance.objects.select_related("workflow", "assigned_to")
    return tasks.filter(ticket_id=ticket_id, status=TaskStatus.ASSIGNED).order_by().first()


def work_tickets(ticket_ids: list[int]) -> int:
    """Complete every task of these tickets, one at a time, as their assignees would. Returns completions."""
    done = 0
    for ticket_id in ticket_ids:
        while (task := assigned_task(ticket_id)) is not None:
            task_complete(task=task, actor=Actor(user=task.assigned_to), output={"note": "ok"})
            done += 1
    return done


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def queries_per_completion(ticket_ids: list[int]) -> tuple[float, float]:
    """(queries, round trips) of complete + advance; queries leave out BEGIN/COMMIT/SAVEPOINT.

    The lookup that finds the task (the worker's page) is not counted.
    """
    counts, trips = [], []
    for ticket_id in ticket_ids:
        task = assigned_task(ticket_id)
        with CaptureQueriesContext(connection) as queries:
            task_complete(task=task, actor=Actor(user=task.assigned_to), output={"note": "ok"})
        statements = [query["sql"] for query in queries.captured_queries]
        trips.append(len(statements))
        counts.append(sum(1 for sql in statements if not sql.startswith(TRANSACTION_CONTROL)))
    return statistics.mean(counts), statistics.mean(trips)


def _child(ticket_ids: list[int], start, results) -> None:
    connections.close_all()  # never share the parent's sockets
    start.wait()
    results.put(work_tickets(ticket_ids))
    connections.close_all()


def run_in_processes(ticket_ids: list[int], processes: int) -> tuple[int, float]:
    """Work the tickets split over OS processes; returns (completions, seconds)."""
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start, results = context.Event(), context.Queue()
    parts = [ticket_ids[index::processes] for index in range(processes)]
    children = [context.Process(target=_child, args=(part, start, results)) for part in parts]
    for child in children:
        child.start()
    began = time.perf_counter()
    start.set()
    done = sum(results.get(timeout=3600) for _ in children)
    for child in children:
        child.join()
    return done, time.perf_counter() - began


def engine_benchmark(*, tickets: int, process_counts: tuple[int, ...] = (1, 4)) -> dict:
    """{"workers_1": {...}, "workers_4": {...}} for `tickets` tickets per run (3 completions each)."""
    report = {}
    for processes in process_counts:
        setup = bench_company(f"{processes} worker{'s' * (processes > 1)}")
        ids = submit_tickets(setup, tickets + 5)
        sample, ids = ids[:5], ids[5:]
        per_completion, round_trips = queries_per_completion(sample)
        if processes == 1:
            began = time.perf_counter()
            done = work_tickets(ids)
            seconds = time.perf_counter() - began
        else:
            done, seconds = run_in_processes(ids, processes)
        finished = TicketInstance.objects.filter(pk__in=ids, status="finished").count()
        report[f"workers_{processes}"] = {
            "completions_per_s": round(done / seconds, 1),
            "queries_per_completion": round(per_completion, 1),
            "round_trips_per_completion": round(round_trips, 1),
            "completions": done,
            "seconds": round(seconds, 2),
            "tickets_finished": finished,
        }
    return report
