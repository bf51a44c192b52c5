"""Definition bundles (`ticketflower/v1`): read, check and write the documents.

A bundle is one JSON document holding company roles, workflows and ticket types
(docs/bundle-format.md describes every key; `bundle_schema.json` is its JSON
Schema). `parse_bundle` reads bytes, `validate_bundle` finds every problem by
path, `export_bundle` writes what a company has. Importing (writing to the
database) is `workflow_design.services.imports`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import timezone

from users.models import Company, CompanyRole
from workflow_design.bundle_schema import BUNDLE_FORMAT
from workflow_design.definition_fields import COMPANY_ROLE_FIELDS
from workflow_design.documents import ticket_type_to_doc, workflow_to_doc
from workflow_design.jsontext import MAX_DEPTH, json_depth, parse_json_text, unstorable_text_problems
from workflow_design.models import DefinitionStatus, TicketDefinition, WorkflowDefinition
from workflow_design.problems import Problem, join
from workflow_design.validation import (
    shape_problems,
    ticket_type_rule_problems,
    workflow_rule_problems,
    workflow_ticket_type_docs,
)

REFERENCE_BUNDLES_DIR = Path(__file__).with_name("reference_bundles")
# Reference bundles name the demo action endpoint by this placeholder; loading them puts in
# the address of the server they run on (settings.DEMO_ACTION_BASE_URL).
DEMO_ACTION_BASE_PLACEHOLDER = "${DEMO_ACTION_BASE_URL}"


class BundleInvalid(Exception):
    """The bundle cannot be imported; `problems` says every reason, by path."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        first = str(problems[0]) if problems else ""
        more = f" (and {count - 1} more problem{'s' * (count > 2)})" if count > 1 else ""
        super().__init__(first + more)


# --- Read ---------------------------------------------------------------------------------


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def too_large_problem(size: int | None = None) -> Problem:
    limit = settings.BUNDLE_MAX_BYTES
    if size is None:
        return Problem("", f"The bundle is larger than {_megabytes(limit)}, the most a bundle may be.")
    return Problem("", f"The file is {_megabytes(size)}; bundles may be at most {_megabytes(limit)}.")


def read_limited(stream: IO[bytes]) -> bytes:
    """At most BUNDLE_MAX_BYTES of a stream: never more is read (`/dev/zero` ends here)."""
    limit = settings.BUNDLE_MAX_BYTES
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise BundleInvalid([too_large_problem()])
    return data


def parse_bundle(raw: bytes | str) -> dict:
    """Bytes (or text) of an uploaded file -> the bundle document. Raises BundleInvalid.

    Checks size, encoding, JSON syntax, the top-level object and the format; the
    content is checked by `validate_bundle`.
    """
    data = raw.encode("utf-8", errors="surrogatepass") if isinstance(raw, str) else bytes(raw)
    if len(data) > settings.BUNDLE_MAX_BYTES:
        raise BundleInvalid([too_large_problem(len(data))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BundleInvalid(
            [Problem("", f"The file is not UTF-8 text (invalid byte at position {error.start}).")]
        ) from None
    try:
        doc = parse_json_text(text, check_text=False)
    except ValueError as error:
        raise BundleInvalid([Problem("", f"The file {error}")]) from None
    if not isinstance(doc, dict):
        raise BundleInvalid([Problem("", "A bundle must be a JSON object ({…}) at the top level.")])
    if "format" not in doc:
        raise BundleInvalid([Problem("format", f'The bundle has no "format"; expected "{BUNDLE_FORMAT}".')])
    if doc["format"] != BUNDLE_FORMAT:
        shown = json.dumps(doc["format"])[:60]
        raise BundleInvalid([Problem("format", f'Format {shown} is not supported; expected "{BUNDLE_FORMAT}".')])
    return doc


# --- Check --------------------------------------------------------------------------------


def _list(doc: dict, key: str) -> list:
    value = doc.get(key, [])
    return value if isinstance(value, list) else []


def _duplicates(items: list, attribute: str, path: str, what: str, *, fold: bool = False) -> list[Problem]:
    seen, problems = set(), []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get(attribute), str):
            continue
        value = item[attribute].casefold() if fold else item[attribute]
        if value in seen:
            problems.append(
                Problem(join(join(path, index), attribute), f"{what} {item[attribute]!r} appears twice in the bundle.")
            )
        seen.add(value)
    return problems


def bundle_role_names(doc: dict, company: Company) -> set[str]:
    """The company's roles and the bundle's: what tasks and ticket types may name."""
    names = set(CompanyRole.objects.for_company(company).values_list("name", flat=True))
    roles = _list(doc, "company_roles")
    return names | {role["name"] for role in roles if isinstance(role, dict) and isinstance(role.get("name"), str)}


def _rule_problems(doc: dict, company: Company) -> list[Problem]:
    workflows = _list(doc, "workflows")
    tickets = _list(doc, "ticket_definitions")
    problems = _duplicates(_list(doc, "company_roles"), "name", "company_roles", "Company role", fold=True)
    problems += _duplicates(workflows, "key", "workflows", "Workflow key")
    problems += _duplicates(tickets, "key", "ticket_definitions", "Ticket type key")
    role_names = bundle_role_names(doc, company)
    bundle_tickets = [ticket for ticket in tickets if isinstance(ticket, dict)]
    bundle_ticket_keys = {ticket["key"] for ticket in bundle_tickets if isinstance(ticket.get("key"), str)}
    bundle_workflow_keys: set[str] = set()
    for index, workflow in enumerate(workflows):
        key = workflow.get("key") if isinstance(workflow, dict) else None
        ticket_types = None
        if isinstance(key, str):
            bundle_workflow_keys.add(key)
            # The bundle's ticket types for this workflow and the stored ones it leaves as they are.
            ticket_types = [ticket for ticket in bundle_tickets if ticket.get("workflow_key") == key]
            ticket_types += workflow_ticket_type_docs(company, key, exclude=bundle_ticket_keys)
        problems += workflow_rule_problems(
            workflow, path=join("workflows", index), company_role_names=role_names, ticket_types=ticket_types
        )
    # A bundle's workflow checks the ticket fields it reads at its rules (above); a ticket type
    # for a workflow published here and not in the bundle checks them against that workflow.
    published_docs = {
        published.key: workflow_to_doc(published)
        for published in WorkflowDefinition.objects.for_company(company).published()
        if published.key not in bundle_workflow_keys
    }
    for index, ticket in enumerate(tickets):
        problems += ticket_type_rule_problems(
            ticket,
            path=join("ticket_definitions", index),
            workflow_keys=bundle_workflow_keys | set(published_docs),
            company_role_names=role_names,
            workflow_docs=published_docs,
        )
    return problems


def validate_bundle(doc: Any, *, company: Company) -> list[Problem]:
    """Every problem of a bundle for `company`, by JSON path. Never raises on bad input."""
    if not isinstance(doc, dict):
        return [Problem("", "A bundle must be a JSON object ({…}) at the top level.")]
    if json_depth(doc) > MAX_DEPTH:
        return [Problem("", f"The bundle is nested more than {MAX_DEPTH} levels deep.")]
    problems = unstorable_text_problems(doc)
    if problems:
        return problems  # such text cannot be stored; nothing else is worth saying yet
    # The rules skip values of the wrong shape, so each problem is said once.
    return shape_problems(doc) + _rule_problems(doc, company)


# --- Write --------------------------------------------------------------------------------


def exported_workflow_version(company: Company, key: str) -> WorkflowDefinition | None:
    """The published version of a workflow family, or its newest version if none is published."""
    family = WorkflowDefinition.objects.for_company(company).filter(key=key)
    return family.filter(status=DefinitionStatus.PUBLISHED).first() or family.order_by("-version").first()


def export_bundle(company: Company, *, workflow: WorkflowDefinition | None = None) -> dict:
    """The company's live definitions as a bundle document.

    Whole company: the published version of every workflow key, the published
    ticket types and every company role. With `workflow`: that version (draft or
    published), the published ticket types using its key, and the roles they
    reference. Drafts are work in progress: import publishes what it reads, so
    exporting unfinished ticket types would make the bundle fail or publish them elsewhere.
    """
    if workflow is not None and workflow.company_id != company.pk:
        raise ValueError("The workflow belongs to another company.")
    ticket_types = TicketDefinition.objects.for_company(company).filter(status=DefinitionStatus.PUBLISHED)
    roles: Iterable[CompanyRole] | None
    if workflow is None:
        workflows = list(WorkflowDefinition.objects.for_company(company).published().order_by("key"))
        roles = CompanyRole.objects.for_company(company)
    else:
        workflows = [workflow]
        ticket_types = ticket_types.filter(workflow_key=workflow.key)
        roles = None
    workflow_docs = [workflow_to_doc(item) for item in workflows]
    ticket_docs = [ticket_type_to_doc(item) for item in ticket_types.order_by("key")]
    if roles is None:
        used = {task["assignee_role"] for doc in workflow_docs for task in doc["tasks"]}
        used |= {name for doc in ticket_docs for name in doc["allowed_roles"]}
        roles = CompanyRole.objects.for_company(company).filter(name__in=used - {None})
    return {
        "format": BUNDLE_FORMAT,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "company_roles": [COMPANY_ROLE_FIELDS.to_doc(role) for role in sorted(roles, key=str)],
        "workflows": workflow_docs,
        "ticket_definitions": ticket_docs,
    }


def dump_bundle(doc: dict) -> str:
    """The text form of a bundle: indented UTF-8 JSON with a final newline."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def reference_bundle_paths() -> list[Path]:
    """The reference process bundles shipped with the app, in name order."""
    return sorted(REFERENCE_BUNDLES_DIR.glob("*.json"))


def reference_bundle_bytes(path: Path) -> bytes:
    """A reference bundle as it is imported: its demo actions call this server."""
    base = json.dumps(settings.DEMO_ACTION_BASE_URL.rstrip("/"))[1:-1]  # as JSON string content
    return path.read_text(encoding="utf-8").replace(DEMO_ACTION_BASE_PLACEHOLDER, base).encode("utf-8")


def reference_bundle(name: str) -> dict:
    """The reference bundle `name` ("procurement"), parsed, with this server's demo action address."""
    return parse_bundle(reference_bundle_bytes(REFERENCE_BUNDLES_DIR / f"{name}.json"))


def uses_demo_actions(path: Path) -> bool:
    return DEMO_ACTION_BASE_PLACEHOLDER in path.read_text(encoding="utf-8")
