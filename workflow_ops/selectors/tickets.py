"""Reads for tickets: who sees which, and a ticket's page (current step, tasks, timeline in sentences).

Inside a company a ticket is seen by its requester and submitter, the workers who
hold or held a task on it, and ticket admins. Requesters see the data, the steps,
who has them and when; task answers and error details are for staff (ticket
admins and workers on the ticket).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from users.models import Company, User
from users.roles import PERM_MANAGE_TICKETS
from workflow_design.schema_builder import ordered_field_names
from workflow_ops.models import (
    Comment,
    ErrorStatus,
    FileUpload,
    StatusChange,
    Subject,
    TaskInstance,
    TaskStatus,
    TicketInstance,
    WorkflowError,
    upload_id_from_ref,
)
from workflow_ops.selectors.conversation import AttachmentGroup, attachment_groups, visible_comments, visible_uploads


def visible_tickets(company: Company, user: User) -> QuerySet[TicketInstance]:
    """The company's tickets this user may see."""
    tickets = TicketInstance.objects.for_company(company)
    if user.has_perm(PERM_MANAGE_TICKETS):
        return tickets
    worked_on = TaskInstance.objects.filter(ticket=OuterRef("pk")).filter(Q(assigned_to=user) | Q(completed_by=user))
    return tickets.filter(Q(requester=user) | Q(submitted_by=user) | Exists(worked_on))


def is_staff_on(ticket: TicketInstance, user: User, tasks: list[TaskInstance]) -> bool:
    """Ticket admins and the workers on the ticket see answers and error details."""
    if user.has_perm(PERM_MANAGE_TICKETS):
        return True
    return any(user.pk in (task.assigned_to_id, task.completed_by_id) for task in tasks)


def may_see_ticket(ticket: TicketInstance, user: User) -> bool:
    """`visible_tickets` for one ticket, and only inside the user's own company (staff impersonating excepted)."""
    if not (user.is_superuser or user.company_id == ticket.company_id):
        return False
    return visible_tickets(ticket.company, user).filter(pk=ticket.pk).exists()


def is_staff_on_ticket(ticket: TicketInstance, user: User) -> bool:
    """`is_staff_on` when the ticket's tasks are not at hand: one query at most."""
    if user.has_perm(PERM_MANAGE_TICKETS):
        return True
    return TaskInstance.objects.filter(ticket=ticket).filter(Q(assigned_to=user) | Q(completed_by=user)).exists()


def downloadable_uploads(company: Company, user: User) -> QuerySet[FileUpload]:
    """Files this user may download: on tickets they may see; a task answer's files for staff on its ticket only."""
    uploads = FileUpload.objects.for_company(company).filter(ticket__in=visible_tickets(company, user))
    if user.has_perm(PERM_MANAGE_TICKETS):
        return uploads
    worked_on = TaskInstance.objects.filter(ticket=OuterRef("ticket")).filter(
        Q(assigned_to=user) | Q(completed_by=user)
    )
    return uploads.filter(Q(task__isnull=True) | Exists(worked_on))


def with_open_errors(tickets: QuerySet[TicketInstance]) -> QuerySet[TicketInstance]:
    """Annotate `stopped`: the ticket has an unresolved workflow error (a derived state, not a status)."""
    open_error = WorkflowError.objects.filter(ticket=OuterRef("pk")).exclude(status=ErrorStatus.RESOLVED)
    return tickets.annotate(stopped=Exists(open_error))


def my_tickets(company: Company, user: User) -> QuerySet[TicketInstance]:
    """Tickets the user asked for or filed, newest first, with their current step and assignee."""
    tickets = TicketInstance.objects.for_company(company).filter(Q(requester=user) | Q(submitted_by=user))
    return with_open_errors(tickets).select_related(
        "ticket_type", "requester", "workflow__current_task__definition", "workflow__current_task__assigned_to"
    )


@dataclass
class TimelineEntry:
    when: datetime
    text: str
    actor: User | None
    subject: str
    to_status: str
    waiting: bool = False  # an assignment nobody has answered yet


@dataclass
class TicketPage:
    ticket: TicketInstance
    tasks: list[TaskInstance]
    current: TaskInstance | None
    timeline: list[TimelineEntry]
    open_errors: list[WorkflowError]
    staff: bool
    data_rows: list[tuple[str, Any]] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    attachments: list[AttachmentGroup] = field(default_factory=list)

    @property
    def stopped(self) -> bool:
        return bool(self.open_errors)


@dataclass
class TableValue:
    """A table field's answer, ready to show: column titles and, per row, a cell per column (None if empty)."""

    columns: list[str]
    rows: list[list[Any]]
    kind: str = "table"


@dataclass
class ListValue:
    """A multi-choice answer: the ticked choices."""

    items: list[Any]
    kind: str = "list"


def display_value(prop: Any, value: Any) -> Any:
    """A stored value as the data table shows it: a table as TableValue, a list of plain values as ListValue,
    other objects and lists as JSON text, the rest as is."""
    items = prop.get("items") if isinstance(prop, dict) else None
    if isinstance(value, list) and isinstance(items, dict) and isinstance(items.get("properties"), dict):
        columns = ordered_field_names(items)
        known = set(columns)
        # Cells the schema does not name (an older version's column) still show, after the known ones.
        columns += [key for row in value if isinstance(row, dict) for key in row if key not in known]
        columns = list(dict.fromkeys(columns))
        titles = [(items["properties"].get(name) or {}).get("title") or name for name in columns]
        rows = [[row.get(name) for name in columns] if isinstance(row, dict) else [row] for row in value]
        return TableValue(columns=titles, rows=rows)
    if isinstance(value, list) and all(not isinstance(item, (dict, list)) for item in value):
        return ListValue(items=value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)  # free-form data (an action's reply): as JSON text
    return value


# What a `file` field shows when its upload is not one this person may open.
UNAVAILABLE_FILE = "A file (not available to you)"


def data_rows(
    schema: dict[str, Any] | None, data: dict[str, Any], uploads: dict[int, FileUpload] | None = None
) -> list[tuple[str, Any]]:
    """(label, value) for each field of a schema, in form order; values not in the schema last.

    A table shows as a TableValue, a multi-choice answer as a ListValue (workflow_ops/includes/data_table.html);
    with `uploads` (by id), a `file` field's answer ("upload:42") becomes its FileUpload: a download link.
    """
    properties = (schema or {}).get("properties") or {}
    rows = [
        (properties[name].get("title") or name, _shown(properties[name], data.get(name), uploads))
        for name in ordered_field_names(schema)
        if name in data
    ]
    rows += [(name, display_value(None, value)) for name, value in data.items() if name not in properties]
    return rows


def _shown(prop: dict[str, Any], value: Any, uploads: dict[int, FileUpload] | None) -> Any:
    upload_id = upload_id_from_ref(value) if prop.get("format") == "file" else None
    if upload_id is None or uploads is None:
        return display_value(prop, value)
    return uploads.get(upload_id, UNAVAILABLE_FILE)


def ticket_page(ticket: TicketInstance, user: User) -> TicketPage:
    """Everything the ticket page shows, in a fixed number of queries."""
    tasks = list(
        TaskInstance.objects.filter(ticket=ticket)
        .select_related("definition", "assigned_to", "completed_by")
        .order_by("created_at", "id")
    )
    staff = is_staff_on(ticket, user, tasks)
    errors = list(WorkflowError.objects.filter(ticket=ticket).exclude(status=ErrorStatus.RESOLVED))
    changes = list(StatusChange.objects.filter(ticket=ticket).select_related("actor").order_by("created_at", "id"))
    workflow = getattr(ticket, "workflow", None)
    current = next((task for task in tasks if workflow and task.pk == workflow.current_task_id), None)
    uploads = visible_uploads(ticket, staff=staff)
    return TicketPage(
        ticket=ticket,
        tasks=tasks,
        current=current,
        timeline=timeline(changes, tasks, staff=staff),
        open_errors=errors,
        staff=staff,
        data_rows=data_rows(ticket.fields_schema, ticket.data, {upload.pk: upload for upload in uploads}),
        comments=visible_comments(ticket, staff=staff),
        attachments=attachment_groups(uploads),
    )


def timeline(changes: list[StatusChange], tasks: list[TaskInstance], *, staff: bool) -> list[TimelineEntry]:
    """The history as sentences, oldest first; answers and error details for staff only."""
    by_id = {task.pk: task for task in tasks}
    latest_for_task: dict[int, int] = {}
    for index, change in enumerate(changes):
        if change.subject == Subject.TASK:
            latest_for_task[change.object_id] = index
    entries = []
    for index, change in enumerate(changes):
        if change.subject == Subject.WORKFLOW and change.from_status:
            continue  # the workflow ending says what the ticket's own row says next
        text = change.note or f"{change.get_subject_display()} is now {change.to_status}."
        waiting = False
        if change.subject == Subject.TASK and change.object_id in by_id:
            task = by_id[change.object_id]
            title = task.definition.title
            if change.to_status == TaskStatus.COMPLETED and not staff:
                who = str(change.actor) if change.actor else "the action"
                text = f"Completed by {who}."
            text = f"“{title}”: {text}"
            waiting = (
                latest_for_task.get(task.pk) == index
                and change.to_status == TaskStatus.ASSIGNED
                and task.status == TaskStatus.ASSIGNED
            )
        elif change.subject == Subject.ERROR and not staff:
            text = (
                "The ticket stopped at a problem; a ticket admin has been told."
                if change.to_status == ErrorStatus.NEW
                else "The problem was dealt with."
            )
        entries.append(
            TimelineEntry(
                when=change.created_at,
                text=text,
                actor=change.actor,
                subject=change.subject,
                to_status=change.to_status,
                waiting=waiting,
            )
        )
    return entries
