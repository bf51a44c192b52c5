"""Building blocks for engine tests: a company with workers and roles, published processes, tickets."""

from __future__ import annotations

import copy
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from users.models import Company, CompanyRole, User
from users.roles import SystemRole
from users.services import Actor
from users.tests.factories import UserFactory
from workflow_design.bundles import reference_bundle
from workflow_design.models import TicketDefinition
from workflow_design.services import bundle_import
from workflow_ops.engine.errors import EngineError
from workflow_ops.engine.manager import start_workflow
from workflow_ops.engine.steps import advance_step, record_failure
from workflow_ops.services.attachments import attachments_add
from workflow_ops.services.tickets import ticket_submit

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def worker(company: Company, first_name: str, *roles: CompanyRole, extra: tuple = ()) -> User:
    user = UserFactory(company=company, first_name=first_name, roles=[SystemRole.TASK_WORKER, *extra])
    user.company_roles.set(roles)
    return user


def submitter(company: Company, first_name: str, *roles: CompanyRole) -> User:
    user = UserFactory(company=company, first_name=first_name, roles=[SystemRole.USER])
    user.company_roles.set(roles)
    return user


def load(company: Company, name: str, **changes: Any) -> TicketDefinition:
    """Import reference process `name` (optionally changed by `changes(doc)`) and return its ticket type."""
    doc = copy.deepcopy(reference_bundle(name))
    if "edit" in changes:
        changes["edit"](doc)
    bundle_import(company=company, actor=None, doc=doc)
    return TicketDefinition.objects.for_company(company).get(key=doc["ticket_definitions"][0]["key"])


def simple_process(company: Company, *, tasks: list[dict], transitions: list[dict], fields: dict | None = None):
    """Import a one-workflow bundle built from task and arrow documents; returns its ticket type."""
    doc = {
        "format": "ticketflower/v1",
        "workflows": [{"key": "flow", "title": "Flow", "tasks": tasks, "transitions": transitions}],
        "ticket_definitions": [
            {
                "key": "request",
                "title": "Request",
                "workflow_key": "flow",
                "fields_schema": fields or {"type": "object", "properties": {}},
            }
        ],
    }
    roles = {task["assignee_role"] for task in tasks if task.get("assignee_role")}
    doc["company_roles"] = [{"name": name} for name in sorted(roles)]
    bundle_import(company=company, actor=None, doc=doc)
    return TicketDefinition.objects.for_company(company).get(key="request")


def form_task(key: str, fields: dict[str, dict] | None = None, **extra: Any) -> dict:
    properties = fields or {}
    return {
        "key": key,
        "title": key.replace("-", " ").capitalize(),
        "type": "FORM",
        "output_schema": {"type": "object", "properties": properties, "required": list(properties)},
        **extra,
    }


def submit(ticket_type: TicketDefinition, requester: User, data: dict | None = None, **extra: Any):
    return ticket_submit(
        company=ticket_type.company,
        actor=Actor(user=requester),
        ticket_type=ticket_type,
        title=extra.pop("title", "Please help"),
        data=data or {},
        **extra,
    )


def running_ticket(company: Company):
    """A submitted ticket whose workflow has started: its first task waits for a worker (returns the ticket)."""
    person = worker(company, "Wendy")
    ticket_type = simple_process(
        company,
        tasks=[form_task("check", {"ok": {"type": "boolean"}})],
        transitions=[{"from": None, "to": "check"}, {"from": "check", "to": None, "label": "Checked"}],
    )
    ticket = submit(ticket_type, person)
    start_workflow(ticket.pk)  # what on_commit does after a real request
    ticket.refresh_from_db()
    return ticket


def stopped_ticket(company: Company):
    """A ticket with an open workflow error on its first task (returns the error)."""
    ticket = running_ticket(company)
    return record_failure(advance_step(ticket.workflow.current_task_id), EngineError("No arrow matched."))


def pdf(name: str = "quote.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    """A small file as a browser uploads it (the declared type is the browser's word, never trusted)."""
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def attach(ticket, user: User, *files: SimpleUploadedFile):
    """Attach files to a ticket on its page, as `user`; returns the uploads."""
    return attachments_add(ticket=ticket, actor=Actor(user=user), files=list(files or [pdf()]))
