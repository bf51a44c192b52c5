"""One ticket's run through its workflow, as the engine would have left it.

A run walks the published plan the way the engine does: each task's input from its
input transform, an answer that fits its form, the first arrow whose condition holds
(`engine.routing.choose_arrow`), until an arrow ends the workflow. Then people and
times are put on the steps: who the assignment modes give each step to (least loaded,
pool, requester, same_as, back to whoever did a looped step), when each was assigned,
drafted, completed and advanced — all inside the window between the ticket's
submission and now.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from users.models import User
from workflow_design.jsonlogic import RuleError, apply_transform
from workflow_design.models import SAME_AS_PREFIX, Assignment
from workflow_design.plans import TaskPlan
from workflow_ops.engine.errors import EngineError
from workflow_ops.engine.manager import IMPLICIT_OUTCOME
from workflow_ops.engine.routing import choose_arrow
from workflow_ops.models import TaskStatus
from workflow_ops.volume.staff import Process, Staff
from workflow_ops.volume.values import form_values, ticket_title

MIN_STEPS, MAX_STEPS = 2, 8
FINISHED, CANCELLED, OPEN = "finished", "cancelled", "open"
ATTEMPTS = 40
CANCEL_REASONS = (
    "No longer needed.",
    "Filed twice by mistake.",
    "The customer withdrew the request.",
    "Solved another way.",
    "Budget was cut this quarter.",
    "Wrong ticket type; filed again.",
)


@dataclass
class Step:
    task: TaskPlan
    input_data: dict[str, Any]
    output: dict[str, Any]  # the answer (completed), a draft (in progress), or nothing
    status: str = TaskStatus.COMPLETED
    created_status: str = TaskStatus.ASSIGNED
    assignee: User | None = None
    reason: str = ""  # why it is with whom it is now
    created_reason: str = ""  # why, when the engine created it (before a claim or an admin's assignment)
    pool: bool = False
    claimed: bool = False  # taken from the pool (a history row of its own)
    assigned_by_admin: bool = False
    drafted: bool = False
    created_at: datetime | None = None
    assigned_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    advanced_at: datetime | None = None
    cancelled_at: datetime | None = None

    @property
    def completer(self) -> User | None:
        return self.assignee if self.status == TaskStatus.COMPLETED else None


@dataclass
class Run:
    process: Process
    kind: str
    requester: User
    priority: int
    created_at: datetime
    data: dict[str, Any]
    title: str
    steps: list[Step] = field(default_factory=list)
    outcome: str = ""
    cancel_reason: str = ""
    workflow_data: dict[str, Any] = field(default_factory=dict)
    started_at: datetime | None = None  # the workflow's start, just after the submission
    closed_at: datetime | None = None

    @property
    def last_change(self) -> datetime:
        moments = [self.created_at, self.closed_at]
        for step in self.steps:
            moments += [step.created_at, step.assigned_at, step.started_at, step.completed_at, step.advanced_at]
        return max(moment for moment in moments if moment is not None)


def _input(task: TaskPlan, data: dict[str, Any]) -> dict[str, Any]:
    try:
        return apply_transform(task.input_transform, data)
    except RuleError:
        return {}


def _walk(process: Process, ticket: dict[str, Any], rng: random.Random, when: datetime) -> tuple[list[Step], str]:
    """Steps from the start until an arrow ends the workflow ("" when it did not end within MAX_STEPS)."""
    plan = process.plan
    data: dict[str, Any] = {"ticket": ticket, "tasks": {}}
    task = plan.start_task
    steps: list[Step] = []
    while True:
        step = Step(task, _input(task, data), form_values(task.output_schema, rng, when=when, optional=0.6))
        steps.append(step)
        data["tasks"][task.key] = step.output
        arrow = choose_arrow(plan, task.id, data)  # EngineError: no arrow holds for this answer
        if arrow is None or arrow.to_task_id is None:
            return steps, arrow.label if arrow is not None else IMPLICIT_OUTCOME
        if len(steps) == MAX_STEPS:
            return steps, ""
        task = plan.tasks[arrow.to_task_id]


def _path(process: Process, kind: str, ticket: dict, rng: random.Random, when: datetime) -> tuple[list[Step], str]:
    """A walk that fits `kind`: finished within 2–8 steps, or cut at a person step 2–8 (open, cancelled)."""
    longest: list[Step] = []
    for _ in range(ATTEMPTS):
        try:
            steps, outcome = _walk(process, ticket, rng, when)
        except EngineError:
            continue  # an answer no arrow takes (a gap in the conditions): answer again
        if kind == FINISHED and outcome and MIN_STEPS <= len(steps) <= MAX_STEPS:
            return steps, outcome
        if kind != FINISHED:
            cuts = [n for n in range(MIN_STEPS, len(steps) + 1) if not steps[n - 1].task.is_action]
            if cuts:
                return steps[: rng.choice(cuts)], ""
        longest = max(longest, steps, key=len)
    if not longest:
        raise EngineError(f"No answers found that move “{process.plan.title}” on.")
    return longest[: max(1, min(len(longest), MAX_STEPS))], ""  # a process that cannot do better


class People:
    """Who the engine's assignment modes give each step to."""

    def __init__(self, staff: Staff, rng: random.Random) -> None:
        self.staff, self.rng = staff, rng

    def candidates(self, task: TaskPlan) -> list[User]:
        return self.staff.eligible.get(task.assignee_role_id, [])

    def assign(self, step: Step, earlier: list[Step], requester: User) -> None:
        task, mode = step.task, step.task.assignment or Assignment.LEAST_LOADED
        if mode == Assignment.REQUESTER:
            step.assignee, step.reason = requester, "The requester does this step."
            return
        if mode.startswith(SAME_AS_PREFIX):
            key = mode.removeprefix(SAME_AS_PREFIX)
            done = next((item for item in reversed(earlier) if item.task.key == key and item.completer), None)
            if done is None:
                step.reason = f"Goes to whoever did step “{key}”, which nobody has completed."
            elif not done.completer.is_active:
                step.reason = (
                    f"Goes to {done.completer.first_name}, who did “{done.task.title}”, but is no longer available."
                )
            else:
                step.assignee = done.completer
                step.reason = f"{step.assignee.first_name} did “{done.task.title}”, so this step is theirs too."
            return
        candidates = self.candidates(task)
        if mode == Assignment.POOL:
            step.pool = True
            count = len(candidates)
            step.reason = f"Waiting in the pool for any of {count} eligible worker{'s' * (count != 1)} to claim it."
            return
        before = next((item for item in reversed(earlier) if item.task.key == task.key and item.assignee), None)
        if before is not None and before.assignee in candidates:
            step.assignee, step.reason = (
                before.assignee,
                f"Back to {before.assignee.first_name}, who did this step before.",
            )
            return
        if not candidates:
            step.reason = "Nobody is an active task worker holding its role; ticket admins were told."
            return
        step.assignee = self.rng.choice(candidates)
        load = self.rng.randint(0, 6)
        step.reason = f"{load} open task{'s' * (load != 1)}, fewest among {len(candidates)} eligible workers."


def _hours(rng: random.Random, median: float, spread: float = 1.1) -> float:
    return rng.lognormvariate(0, spread) * median * 3600


def run_build(
    *, process: Process, kind: str, created_at: datetime, now: datetime, staff: Staff, rng: random.Random
) -> Run:
    """One ticket of `process` submitted at `created_at`, finished, cancelled or still open (`kind`) at `now`."""
    schema = process.ticket_type.fields_schema
    data = form_values(schema, rng, when=created_at)
    priority = rng.choices((1, 2, 3, 4), weights=(20, 50, 22, 8))[0]
    run = Run(
        process=process,
        kind=kind,
        requester=rng.choice(staff.requesters),
        priority=priority,
        created_at=created_at,
        data=data,
        title=ticket_title(process.ticket_type.title, schema, data),
    )
    steps, run.outcome = _path(process, kind, data, rng, created_at)
    if kind == FINISHED and not run.outcome:
        kind = run.kind = OPEN  # the process cannot finish within MAX_STEPS: leave it running
    last = steps[-1]
    if kind != FINISHED:
        last.output = {}
        last.status = TaskStatus.CANCELLED if kind == CANCELLED else TaskStatus.ASSIGNED
    _people(run, steps, staff, rng)
    _times(run, steps, now, rng)
    run.steps = steps
    completed = [step for step in steps if step.status == TaskStatus.COMPLETED]
    run.workflow_data = {"ticket": data, "tasks": {step.task.key: step.output for step in completed}}
    if kind == CANCELLED:
        run.outcome, run.cancel_reason = "Cancelled", rng.choice(CANCEL_REASONS)
    return run


def _people(run: Run, steps: list[Step], staff: Staff, rng: random.Random) -> None:
    people = People(staff, rng)
    last = steps[-1]
    left = _done_by_someone_who_left(run, steps, staff, rng)
    for index, step in enumerate(steps):
        if step.task.is_action:
            step.created_status = TaskStatus.QUEUED
            step.status = TaskStatus.QUEUED if step.status == TaskStatus.ASSIGNED else step.status
            continue
        people.assign(step, steps[:index], run.requester)
        step.created_reason = step.reason
        if step.task.key == left:
            _given_to_a_leaver(step, steps[:index], people, staff, rng)
        step.created_status = TaskStatus.ASSIGNED if step.assignee and not step.claimed else TaskStatus.UNASSIGNED
        is_open = step is last and run.kind == OPEN
        if step.assignee is None and step.pool and not (is_open and rng.random() < 0.55):
            candidates = people.candidates(step.task)
            if candidates:
                step.assignee, step.claimed = rng.choice(candidates), True
                step.reason = f"Claimed from the pool by {step.assignee}."
        if step.assignee is None and not is_open and step.status != TaskStatus.CANCELLED:
            # Nobody could take it (the engine told the ticket admins): the admin assigned it.
            candidates = people.candidates(step.task) or staff.workers
            step.assignee, step.assigned_by_admin = rng.choice(candidates), True
            step.reason = f"Assigned by {staff.admin}."
        if is_open:
            if step.assignee is None:
                step.status = TaskStatus.UNASSIGNED
            elif rng.random() < 0.35:
                step.status, step.drafted = TaskStatus.IN_PROGRESS, True
                answer = form_values(step.task.output_schema, rng, when=run.created_at, optional=0.5)
                step.output = dict(list(answer.items())[: max(1, len(answer) // 2)])
        elif step.status == TaskStatus.COMPLETED:
            step.drafted = rng.random() < 0.3


def _given_to_a_leaver(step: Step, earlier: list[Step], people: People, staff: Staff, rng: random.Random) -> None:
    """The step went to a worker who has left since (while they were still here)."""
    before = next((item for item in reversed(earlier) if item.task.key == step.task.key), None)
    step.assignee = before.assignee if before is not None else rng.choice(staff.former)
    if step.pool:
        step.claimed, step.reason = True, f"Claimed from the pool by {step.assignee}."
    elif before is not None:
        step.reason = step.created_reason = f"Back to {step.assignee.first_name}, who did this step before."
    else:
        load, count = rng.randint(0, 4), len(people.candidates(step.task)) + 1
        step.reason = step.created_reason = (
            f"{load} open task{'s' * (load != 1)}, fewest among {count} eligible workers."
        )


def _done_by_someone_who_left(run: Run, steps: list[Step], staff: Staff, rng: random.Random) -> str | None:
    """For some open tickets waiting at a `same_as:<key>` step: the key of the step a former worker did,
    so that the waiting step goes to nobody ("… but is no longer available"), as the engine leaves it."""
    mode = steps[-1].task.assignment or ""
    if run.kind != OPEN or not mode.startswith(SAME_AS_PREFIX) or not staff.former or rng.random() >= 0.35:
        return None
    key = mode.removeprefix(SAME_AS_PREFIX)
    earlier = [step for step in steps[:-1] if step.task.key == key]
    if not earlier or earlier[0].task.is_action:
        return None
    if (earlier[0].task.assignment or "").startswith((SAME_AS_PREFIX, Assignment.REQUESTER)):
        return None
    return key


def _times(run: Run, steps: list[Step], now: datetime, rng: random.Random) -> None:
    """Durations drawn per step, scaled so that everything fits between the submission and now.

    A waiting step has waited for a drawn time (mostly hours, some days; a few have waited since
    the step before it); the steps before it fill the rest of the ticket's life.
    """
    spans = []  # (wait before assignment, work until completion or cancellation), in seconds
    for step in steps:
        wait = _hours(rng, 0.7) if (step.claimed or step.assigned_by_admin) else 0.0
        work = 0.0 if step.task.is_action else _hours(rng, 30.0 if step.status == TaskStatus.CANCELLED else 5.0, 1.2)
        spans.append((wait, min(work, 20 * 86400)))
    limit = now - timedelta(minutes=rng.randint(1, 50))
    room = max((limit - run.created_at).total_seconds() - 5.0 * len(steps), 60.0)
    waited = 0.0
    if run.kind == OPEN:
        spans[-1] = (0.0, 0.0)
        draw = rng.random()
        waited = _hours(rng, 8.0, 1.0) if draw < 0.55 else rng.uniform(86400, 10 * 86400) if draw < 0.85 else room
        waited = min(waited, room * (0.95 if len(steps) > 1 else 1.0))
    scalable = sum(wait + work for wait, work in spans)
    factor = 1.0 if scalable <= 0 else (room - waited) / scalable
    if run.kind != OPEN or waited >= room * 0.95:
        factor = min(factor, 1.0)  # closed (and long-stalled) tickets keep their drawn pace, or faster
    moment = run.created_at + timedelta(seconds=rng.uniform(0.05, 0.3))
    run.started_at = moment
    for step, (wait, work) in zip(steps, spans, strict=True):
        step.created_at = moment
        if step.task.is_action:
            if step.status == TaskStatus.COMPLETED:
                step.completed_at = moment + timedelta(seconds=rng.uniform(0.3, 4.0))
        elif step is steps[-1] and run.kind == OPEN:
            age = max((limit - moment).total_seconds(), 1.0)
            if step.assignee is not None:
                step.assigned_at = moment + timedelta(seconds=age * rng.uniform(0.0, 0.3) if step.claimed else 0.0)
            if step.drafted:
                step.started_at = step.assigned_at + (limit - step.assigned_at) * rng.uniform(0.2, 0.9)
        else:
            if step.assignee is not None:
                step.assigned_at = moment + timedelta(seconds=wait * factor)
            ready = step.assigned_at or moment
            end = ready + timedelta(seconds=work * factor)
            if step.drafted:
                step.started_at = ready + (end - ready) * rng.uniform(0.1, 0.7)
            if step.status == TaskStatus.COMPLETED:
                step.completed_at = end
            else:  # cancelled
                run.closed_at = step.cancelled_at = end
        if step.completed_at is not None:
            step.advanced_at = step.completed_at + timedelta(seconds=rng.uniform(0.02, 0.8))
            moment = step.advanced_at + timedelta(milliseconds=rng.randint(1, 30))
    if run.kind == FINISHED:
        run.closed_at = steps[-1].advanced_at + timedelta(milliseconds=rng.randint(1, 20))
