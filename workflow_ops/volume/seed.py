"""The volume's mix and schedule, and its batches: `volume_seed` is what `manage.py seed_volume` runs."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from users.models import Company
from workflow_design.demo import BundleLoad
from workflow_ops.models import Comment
from workflow_ops.volume.build import TABLES, Batch
from workflow_ops.volume.runs import CANCELLED, FINISHED, OPEN, run_build
from workflow_ops.volume.staff import volume_company, volume_processes, volume_staff
from workflow_ops.volume.tables import Table, analyze, time_adapter

OPEN_SHARE = 0.12  # still running, at a task that waits for someone
CANCELLED_SHARE = 0.06  # the rest finished, with an outcome of their workflow
COMMENTED_SHARE = 1 / 3
HISTORY = timedelta(days=730)
# Most open tickets are recent: this share of them falls in the newest RECENT_SHARE of tickets.
OPEN_RECENT, RECENT_SHARE = 0.85, 0.15


@dataclass
class VolumeReport:
    company: Company
    loads: list[BundleLoad] = field(default_factory=list)
    tickets: int = 0
    first_number: int = 0
    last_number: int = 0
    kinds: dict[str, int] = field(default_factory=lambda: {OPEN: 0, FINISHED: 0, CANCELLED: 0})
    tasks: int = 0
    history: int = 0
    comments: int = 0
    seconds: float = 0.0


def schedule(count: int, *, now: datetime, rng: random.Random) -> list[tuple[datetime, str]]:
    """When each ticket was submitted (oldest first, over the last two years) and how it stands now."""
    moments = sorted(now - HISTORY + (HISTORY - timedelta(hours=2)) * rng.random() for _ in range(count))
    open_count, cancelled_count = round(count * OPEN_SHARE), round(count * CANCELLED_SHARE)
    recent_from = count - max(1, round(count * RECENT_SHARE))
    recent, older = range(recent_from, count), range(recent_from)
    from_recent = min(len(recent), round(open_count * OPEN_RECENT))
    opened = set(rng.sample(recent, from_recent))
    opened |= set(rng.sample(older, min(len(older), open_count - from_recent)))
    rest = [index for index in range(count) if index not in opened]
    cancelled = set(rng.sample(rest, min(len(rest), cancelled_count)))
    kinds = [OPEN if n in opened else CANCELLED if n in cancelled else FINISHED for n in range(count)]
    return list(zip(moments, kinds, strict=True))


COMMENTS = Table(Comment, ["company", "ticket", "author", "body", "internal", "impersonating", "created_at"])
REQUESTER_SAYS = [
    "Any news on this? It is holding up my week.",
    "Adding a detail: it started after Monday's update.",
    "Thanks, that works for me.",
    "Could we speed this up? The customer is asking.",
    "I have attached what I could find; ask if you need more.",
]
WORKER_SAYS = [
    "On it; I will update this ticket by tomorrow.",
    "Waiting for the supplier to confirm the price.",
    "Done on our side; please check and tell us.",
    "Can you confirm the quantity before I order?",
]
NOTES = [
    "Second request this month from this team.",
    "Vendor is slow to answer; try the other one next time.",
    "Checked the budget line: there is room for it.",
]


def volume_comments_add(*, batch: Batch, rng: random.Random) -> int:
    """Comments on about a third of the batch's tickets (COMMENTED_SHARE): one to three each, by the
    requester (public) and the workers on the ticket (public, or internal notes), dated within the
    ticket's life. Returns how many were written."""
    at = time_adapter()
    rows = []
    for run, ticket_id in zip(batch.runs, batch.ticket_ids, strict=True):
        if rng.random() >= COMMENTED_SHARE:
            continue
        workers = [step.assignee for step in run.steps if step.assignee is not None] or [batch.admin]
        start, end = run.created_at, run.last_change
        moments = sorted(start + (end - start) * rng.random() for _ in range(rng.randint(1, 3)))
        for moment in moments:
            if rng.random() < 0.5:
                author, body, internal = run.requester, rng.choice(REQUESTER_SAYS), False
            else:
                internal = rng.random() < 0.3
                author, body = rng.choice(workers), rng.choice(NOTES if internal else WORKER_SAYS)
            rows.append((batch.company.pk, ticket_id, author.pk, body, internal, False, at(moment)))
    with transaction.atomic():
        COMMENTS.insert(rows)
    return len(rows)


def volume_seed(
    *,
    company_name: str,
    tickets: int,
    batch_size: int = 5000,
    seed: int | None = None,
    progress: Callable[[VolumeReport], None] | None = None,
) -> VolumeReport:
    """Build `tickets` tickets in the company named `company_name` (created with its people and the
    reference processes when missing). The same `seed` gives the same tickets (relative to now).

    `progress(report)` is called once the company is ready and after each batch (its transaction).
    """
    began = time.perf_counter()
    rng = random.Random(seed)
    company, loads = volume_company(company_name)
    processes = volume_processes(company)
    staff = volume_staff(company, processes)
    report = VolumeReport(company=company, loads=loads)
    if progress is not None:
        progress(report)  # set up, nothing built yet
    now = timezone.now()
    planned = schedule(tickets, now=now, rng=rng)
    for start in range(0, tickets, batch_size):
        runs = [
            run_build(process=rng.choice(processes), kind=kind, created_at=moment, now=now, staff=staff, rng=rng)
            for moment, kind in planned[start : start + batch_size]
        ]
        batch = Batch(company, runs, admin=staff.admin)
        batch.write()
        report.comments += volume_comments_add(batch=batch, rng=rng)
        report.first_number = report.first_number or batch.numbers[0]
        report.last_number = batch.numbers[-1]
        report.tickets += len(runs)
        report.tasks += batch.task_count
        report.history += batch.history_count
        for run in runs:
            report.kinds[run.kind] += 1
        report.seconds = time.perf_counter() - began
        if progress is not None:
            progress(report)
    analyze([*TABLES, COMMENTS])
    report.seconds = time.perf_counter() - began
    return report
