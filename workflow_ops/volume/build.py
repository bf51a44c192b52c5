"""Write a batch of runs: tickets, workflows, tasks and their history, in one transaction.

Rows are what the engine and services would have written — the same statuses and
notes, `advanced_at` on every task the workflow moved past, `current_task` on running
workflows, due/reminder/escalation times from the engine's own `apply_choice` — with
the times of the run rather than the time of writing. Ticket numbers continue the
company's TicketCounter, which the batch's transaction locks and moves on, so tickets
filed meanwhile get numbers after the batch.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from django.db import transaction

from users.models import Company, User
from workflow_ops.engine.assignment import Choice, apply_choice, assignment_note
from workflow_ops.models import (
    StatusChange,
    Subject,
    TaskInstance,
    TaskStatus,
    TicketCounter,
    TicketInstance,
    TicketStatus,
    WorkflowInstance,
    WorkflowStatus,
)
from workflow_ops.models.tickets import search_text_of
from workflow_ops.volume.runs import CANCELLED, FINISHED, Run, Step
from workflow_ops.volume.tables import Table, as_json, time_adapter

TICKETS = Table(
    TicketInstance,
    [
        "id",
        "company",
        "number",
        "title",
        "ticket_type",
        "ticket_type_version",
        "fields_schema",
        "workflow_definition",
        "data",
        "priority",
        "requester",
        "submitted_by",
        "status",
        "outcome",
        "cancel_reason",
        "search_text",
        "created_at",
        "updated_at",
        "closed_at",
    ],
)
WORKFLOWS = Table(
    WorkflowInstance,
    ["id", "company", "ticket", "definition", "status", "current_task", "workflow_data"]
    + ["created_at", "updated_at", "completed_at"],
)
ASSIGNMENT = ["assigned_to", "assignment_reason", "assigned_at", "due_at", "next_remind_at", "escalate_at"]
TASKS = Table(
    TaskInstance,
    ["id", "company", "workflow", "ticket", "definition", "came_from", "status", "input_data", "output_data"]
    + ASSIGNMENT
    + ["started_at", "completed_at", "completed_by", "advanced_at", "last_reminded_at", "reminder_count"]
    + ["callback_token", "created_at", "updated_at"],
)
STATUS_CHANGES = Table(
    StatusChange,
    ["company", "ticket", "subject", "object_id", "from_status", "to_status", "actor", "impersonating"]
    + ["on_behalf_of", "note", "created_at"],
)
TABLES = (TICKETS, WORKFLOWS, TASKS, STATUS_CHANGES)


def _name(user: User) -> str:
    return str(user)


def _summary(output: dict) -> str:
    """ ": approved", as task_complete notes a decision (the first short text answer)."""
    for value in output.values():
        if isinstance(value, str) and 0 < len(value) <= 40:
            return f": {value}"
    return "."


def _pk(user: User | None) -> int | None:
    return user.pk if user is not None else None


class Batch:
    """The rows of one batch of runs."""

    def __init__(self, company: Company, runs: list[Run], *, admin: User) -> None:
        self.company, self.runs, self.admin = company, runs, admin
        self.numbers: list[int] = []
        self.ticket_ids: list[int] = []
        self.task_count = 0
        self.history_count = 0
        self.at = time_adapter()

    def write(self) -> None:
        """Insert everything in one transaction; the company's ticket counter is locked meanwhile."""
        with transaction.atomic():
            TicketCounter.objects.get_or_create(company=self.company)
            counter = TicketCounter.objects.select_for_update().get(pk=self.company.pk)
            first = counter.last_number + 1
            self.numbers = list(range(first, first + len(self.runs)))
            self.ticket_ids = TICKETS.ids(len(self.runs))
            workflow_ids = WORKFLOWS.ids(len(self.runs))
            task_ids = iter(TASKS.ids(sum(len(run.steps) for run in self.runs)))
            tickets, workflows, tasks, history = [], [], [], []
            for run, number, ticket_id, workflow_id in zip(
                self.runs, self.numbers, self.ticket_ids, workflow_ids, strict=True
            ):
                chain = [next(task_ids) for _ in run.steps]
                tickets.append(self._ticket(run, ticket_id, number))
                workflows.append(self._workflow(run, workflow_id, ticket_id, chain))
                came_from = None
                for step, task_id in zip(run.steps, chain, strict=True):
                    tasks.append(self._task(step, task_id, workflow_id, ticket_id, came_from))
                    came_from = task_id
                history += self._history(run, ticket_id, workflow_id, chain)
            TICKETS.insert(tickets)
            WORKFLOWS.insert(workflows)
            TASKS.insert(tasks)
            STATUS_CHANGES.insert(history)
            counter.last_number = self.numbers[-1]
            counter.save(update_fields=["last_number"])
        self.task_count, self.history_count = len(tasks), len(history)

    def _ticket(self, run: Run, ticket_id: int, number: int) -> tuple:
        at, ticket_type = self.at, run.process.ticket_type
        status = {FINISHED: TicketStatus.FINISHED, CANCELLED: TicketStatus.CANCELLED}.get(run.kind, TicketStatus.OPEN)
        return (
            ticket_id,
            self.company.pk,
            number,
            run.title,
            ticket_type.pk,
            ticket_type.version,
            run.process.fields_schema_json,
            run.process.plan.id,
            as_json(run.data),
            run.priority,
            run.requester.pk,
            run.requester.pk,
            status,
            run.outcome,
            run.cancel_reason,
            search_text_of(run.title, run.data),
            at(run.created_at),
            at(run.last_change),
            at(run.closed_at),
        )

    def _workflow(self, run: Run, workflow_id: int, ticket_id: int, chain: list[int]) -> tuple:
        at = self.at
        status = {FINISHED: WorkflowStatus.COMPLETED, CANCELLED: WorkflowStatus.CANCELLED}.get(
            run.kind, WorkflowStatus.RUNNING
        )
        current = chain[-1] if status == WorkflowStatus.RUNNING else None
        return (
            workflow_id,
            self.company.pk,
            ticket_id,
            run.process.plan.id,
            status,
            current,
            as_json(run.workflow_data),
            at(run.started_at),
            at(run.last_change),
            at(run.closed_at),
        )

    def _task(self, step: Step, task_id: int, workflow_id: int, ticket_id: int, came_from: int | None) -> tuple:
        at = self.at
        assignment = SimpleNamespace(assigned_to=None, assignment_reason="", assigned_at=None)
        assignment.due_at = assignment.next_remind_at = assignment.escalate_at = None
        if not step.task.is_action:
            # The engine's own arithmetic: due, reminder and escalation times from the assignment.
            apply_choice(assignment, Choice(step.assignee, step.reason), step.task, now=step.assigned_at)
        moments = (step.created_at, step.assigned_at, step.started_at, step.completed_at, step.cancelled_at)
        changed = max(moment for moment in moments if moment is not None)
        return (
            task_id,
            self.company.pk,
            workflow_id,
            ticket_id,
            step.task.id,
            came_from,
            step.status,
            as_json(step.input_data),
            as_json(step.output),
            _pk(assignment.assigned_to),
            assignment.assignment_reason,
            at(assignment.assigned_at),
            at(assignment.due_at),
            at(assignment.next_remind_at),
            at(assignment.escalate_at),
            at(step.started_at),
            at(step.completed_at or step.cancelled_at),  # a cancelled task is finished then (the archive)
            _pk(step.completer),
            at(step.advanced_at),
            None,
            0,
            None,
            at(step.created_at),
            at(changed),  # advancing saves advanced_at alone: updated_at is the last status change
        )

    def _history(self, run: Run, ticket_id: int, workflow_id: int, chain: list[int]) -> list[tuple]:
        rows: list[tuple] = []
        stamp = self.at

        def add(subject: str, object_id: int, before: str, after: str, at: datetime, note: str, actor=None) -> None:
            row = (self.company.pk, ticket_id, subject, object_id, before, after, _pk(actor), False, None)
            rows.append((*row, note[:500], stamp(at)))

        plan = run.process.plan
        add(Subject.TICKET, ticket_id, "", TicketStatus.OPEN, run.created_at, "Submitted.", run.requester)
        started = f"Started “{plan.title}” (version {plan.version})."
        add(Subject.WORKFLOW, workflow_id, "", WorkflowStatus.RUNNING, run.started_at, started)
        for step, task_id in zip(run.steps, chain, strict=True):
            self._step_history(run, step, task_id, add)
        if run.kind == FINISHED:
            end, outcome = run.closed_at, run.outcome
            add(
                Subject.WORKFLOW,
                workflow_id,
                WorkflowStatus.RUNNING,
                WorkflowStatus.COMPLETED,
                end,
                f"Ended: {outcome}",
            )
            add(Subject.TICKET, ticket_id, TicketStatus.OPEN, TicketStatus.FINISHED, end, f"Finished: {outcome}")
        elif run.kind == CANCELLED:
            note = f"Cancelled: {run.cancel_reason}"
            add(
                Subject.WORKFLOW,
                workflow_id,
                WorkflowStatus.RUNNING,
                WorkflowStatus.CANCELLED,
                run.closed_at,
                note,
                run.requester,
            )
            add(
                Subject.TICKET, ticket_id, TicketStatus.OPEN, TicketStatus.CANCELLED, run.closed_at, note, run.requester
            )
        return rows

    def _step_history(self, run: Run, step: Step, task_id: int, add) -> None:
        if step.task.is_action:
            add(Subject.TASK, task_id, "", TaskStatus.QUEUED, step.created_at, "Queued for the action runner.")
            if step.status == TaskStatus.COMPLETED:
                done = "Completed by the action."
                add(Subject.TASK, task_id, TaskStatus.QUEUED, step.status, step.completed_at, done)
            return
        first = step.assignee if step.created_status == TaskStatus.ASSIGNED else None
        created = assignment_note(Choice(first, step.created_reason, step.pool))
        add(Subject.TASK, task_id, "", step.created_status, step.created_at, created)
        state = step.created_status
        if step.created_status == TaskStatus.UNASSIGNED and step.assignee is not None:
            who = _name(step.assignee)
            if step.claimed:
                add(
                    Subject.TASK,
                    task_id,
                    state,
                    TaskStatus.ASSIGNED,
                    step.assigned_at,
                    f"Claimed by {who} from the pool.",
                    step.assignee,
                )
            else:
                note = f"Assigned to {who} by {_name(self.admin)}."
                add(Subject.TASK, task_id, state, TaskStatus.ASSIGNED, step.assigned_at, note, self.admin)
            state = TaskStatus.ASSIGNED
        if step.started_at is not None:
            add(
                Subject.TASK,
                task_id,
                state,
                TaskStatus.IN_PROGRESS,
                step.started_at,
                "Started: draft saved.",
                step.assignee,
            )
            state = TaskStatus.IN_PROGRESS
        if step.status == TaskStatus.COMPLETED:
            note = f"Completed by {_name(step.assignee)}{_summary(step.output)}"
            add(Subject.TASK, task_id, state, step.status, step.completed_at, note, step.assignee)
        elif step.status == TaskStatus.CANCELLED:
            add(
                Subject.TASK,
                task_id,
                state,
                step.status,
                run.closed_at,
                f"Cancelled: {run.cancel_reason}",
                run.requester,
            )
