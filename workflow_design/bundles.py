"""Definition bundles (`ticketflower/v1`): export, parse, validate, import.

A bundle is one JSON document holding company roles, workflows and ticket
definitions (docs/bundle-format.md describes every key; `bundle_schema.json` is
its JSON Schema). Import validates the whole document first and writes nothing
unless it is entirely valid; then it writes everything in one transaction.
Export -> import into another company reproduces the same definitions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from users.models import Company, CompanyRole, User
from users.services import Actor, company_role_create
from workflow_design.models import DefinitionStatus, TicketDefinition, WorkflowDefinition
from workflow_design.services import (
    InvalidDefinition,
    published_ticket_type_problems,
    ticket_definition_upsert,
    workflow_import_version,
)
from workflow_design.validation import (
    Problem,
    format_iso_duration,
    join,
    parse_iso_duration,
    validate_ticket_definition_doc,
    validate_workflow_doc,
)

BUNDLE_FORMAT = "ticketflower/v1"
BUNDLE_SCHEMA_PATH = Path(__file__).with_name("bundle_schema.json")
REFERENCE_BUNDLES_DIR = Path(__file__).with_name("bundles")
# Deeper documents are refused before validation (no real bundle comes close).
MAX_DEPTH = 64


class BundleInvalid(Exception):
    """The bundle cannot be imported; `problems` says every reason, by path."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        first = problems[0] if problems else None
        summary = f"{first.path}: {first.message}" if first and first.path else (first.message if first else "")
        more = f" (and {count - 1} more problem{'s' * (count > 2)})" if count > 1 else ""
        super().__init__(summary + more)


@cache
def bundle_schema() -> dict:
    return json.loads(BUNDLE_SCHEMA_PATH.read_text(encoding="utf-8"))


# --- Export ------------------------------------------------------------------------


def _with_ext_ref(doc: dict, ext_ref: Any) -> dict:
    if ext_ref:
        doc["ext_ref"] = ext_ref
    return doc


def workflow_doc_with_ids(workflow: WorkflowDefinition) -> tuple[dict, list[str], list[int]]:
    """The workflow's document, plus the task keys and transition ids in document order."""
    tasks = list(workflow.tasks.select_related("assignee_role").order_by("position", "id"))
    transitions = list(workflow.transitions.select_related("from_task", "to_task").order_by("priority", "id"))
    task_docs = []
    for task in tasks:
        task_docs.append(
            _with_ext_ref(
                {
                    "key": task.key,
                    "title": task.title,
                    "description": task.description,
                    "type": task.task_type,
                    "input_schema": task.input_schema if task.input_schema is not None else {},
                    "output_schema": task.output_schema if task.output_schema is not None else {},
                    "input_transform": task.input_transform,
                    "output_transform": task.output_transform,
                    "action_url": task.action_url or None,
                    "timeout_seconds": task.timeout_seconds,
                    "assignee_role": task.assignee_role.name if task.assignee_role else None,
                    "remind_after": format_iso_duration(task.remind_after) if task.remind_after else None,
                    "escalate_after": format_iso_duration(task.escalate_after) if task.escalate_after else None,
                },
                task.ext_ref,
            )
        )
    transition_docs = [
        {
            "from": transition.from_task.key if transition.from_task else None,
            "to": transition.to_task.key if transition.to_task else None,
            "condition": transition.condition,
            "priority": transition.priority,
            "label": transition.label,
        }
        for transition in transitions
    ]
    doc = {"key": workflow.key, "title": workflow.title, "description": workflow.description}
    _with_ext_ref(doc, workflow.ext_ref)
    doc.update(tasks=task_docs, transitions=transition_docs)
    return doc, [task.key for task in tasks], [transition.pk for transition in transitions]


def workflow_to_doc(workflow: WorkflowDefinition) -> dict:
    """One workflow version as a bundle document (tasks by position, transitions by priority)."""
    return workflow_doc_with_ids(workflow)[0]


def ticket_definition_to_doc(td: TicketDefinition) -> dict:
    roles = sorted(td.allowed_roles.values_list("name", flat=True)) if td.pk else []
    doc = {"key": td.key, "title": td.title, "description": td.description}
    _with_ext_ref(doc, td.ext_ref)
    doc.update(fields_schema=td.fields_schema or {}, workflow_key=td.workflow_key, allowed_roles=roles)
    return doc


def exported_workflow_version(company: Company, key: str) -> WorkflowDefinition | None:
    """The published version of a workflow family, or its newest version if none is published."""
    family = WorkflowDefinition.objects.for_company(company).filter(key=key)
    return family.filter(status=DefinitionStatus.PUBLISHED).first() or family.order_by("-version").first()


def export_bundle(company: Company, *, workflow: WorkflowDefinition | None = None) -> dict:
    """The company's live definitions as a bundle document.

    Whole company: the published version of every workflow key, the published
    ticket definitions and every company role. With `workflow`: that version
    (draft or published), the published ticket definitions using its key, and
    the roles they reference. Drafts are work in progress: import publishes what
    it reads, so exporting unfinished ticket types would make the bundle fail or
    publish them elsewhere.
    """
    if workflow is not None and workflow.company_id != company.pk:
        raise ValueError("The workflow belongs to another company.")
    ticket_definitions = TicketDefinition.objects.for_company(company).filter(status=DefinitionStatus.PUBLISHED)
    if workflow is None:
        workflows = list(WorkflowDefinition.objects.for_company(company).published().order_by("key"))
        roles = list(CompanyRole.objects.for_company(company))
    else:
        workflows = [workflow]
        ticket_definitions = ticket_definitions.filter(workflow_key=workflow.key)
        roles = None
    workflow_docs = [workflow_to_doc(item) for item in workflows if item is not None]
    ticket_docs = [ticket_definition_to_doc(item) for item in ticket_definitions.order_by("key")]
    if roles is None:
        used = {task["assignee_role"] for doc in workflow_docs for task in doc["tasks"]}
        used |= {name for doc in ticket_docs for name in doc["allowed_roles"]}
        roles = list(CompanyRole.objects.for_company(company).filter(name__in=used - {None}))
    return {
        "format": BUNDLE_FORMAT,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "company_roles": [{"name": role.name, "description": role.description} for role in sorted(roles, key=str)],
        "workflows": workflow_docs,
        "ticket_definitions": ticket_docs,
    }


def dump_bundle(doc: dict) -> str:
    """The text form of a bundle: indented UTF-8 JSON with a final newline."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# --- Parse -------------------------------------------------------------------------


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    doc = {}
    for key, value in pairs:
        if key in doc:
            raise ValueError(f"the key {key!r} appears twice in one object")
        doc[key] = value
    return doc


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _depth(doc: Any) -> int:
    deepest, stack = 0, [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return deepest


def parse_json_text(text: str, *, check_text: bool = True) -> Any:
    """JSON typed by a person (a bundle, a raw schema, a rule) -> the value. Never crashes.

    Raises ValueError whose message completes "The text …" / "The file …": bad syntax
    (with line and column), duplicate keys, NaN/Infinity, nesting deeper than
    MAX_DEPTH, numbers too long to read, and (with check_text) text a database
    cannot store. Bundles leave that last check to validate_bundle, which names each path.
    """
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise ValueError(f"is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.") from None
    except RecursionError:
        raise ValueError(f"is nested more than {MAX_DEPTH} levels deep.") from None
    except ValueError as error:  # duplicate keys, NaN, numbers over Python's digit limit
        raise ValueError(f"is not valid JSON: {error}.") from None
    if _depth(value) > MAX_DEPTH:
        raise ValueError(f"is nested more than {MAX_DEPTH} levels deep.")
    if check_text and _text_problems(value):
        raise ValueError("contains a NUL character or an invalid \\u escape, which cannot be stored.")
    return value


def parse_bundle(raw: bytes | str) -> dict:
    """Bytes (or text) of an uploaded file -> the bundle document. Raises BundleInvalid.

    Checks size, encoding, JSON syntax, the top-level object and the format; the
    content is checked by `validate_bundle`.
    """
    data = raw.encode("utf-8", errors="surrogatepass") if isinstance(raw, str) else bytes(raw)
    limit = settings.BUNDLE_MAX_BYTES
    if len(data) > limit:
        raise BundleInvalid(
            [Problem("", f"The file is {_megabytes(len(data))}; bundles may be at most {_megabytes(limit)}.")]
        )
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


# --- Validate ----------------------------------------------------------------------


def _error_path(error: ValidationError) -> str:
    path = ""
    for part in error.absolute_path:
        path = join(path, part)
    return path


def _schema_problems(doc: dict) -> list[Problem]:
    """Shape problems from bundle_schema.json, as path + sentence."""
    problems = []
    validator = Draft202012Validator(bundle_schema())
    for error in validator.iter_errors(doc):
        path = _error_path(error)
        name = _name(list(error.absolute_path))
        kind, expected, value = error.validator, error.validator_value, error.instance
        if kind == "required":
            for key in expected:
                if isinstance(value, dict) and key not in value:
                    problems.append(Problem(join(path, key), f"Required key '{key}' is missing."))
        elif kind == "additionalProperties":
            allowed = sorted(error.schema.get("properties", {}))
            for key in value:
                if key not in allowed:
                    problems.append(
                        Problem(join(path, str(key)), f"Unknown key {key!r}; allowed here: {', '.join(allowed)}.")
                    )
        elif kind == "type":
            wanted = " or ".join(expected) if isinstance(expected, list) else expected
            problems.append(Problem(path, f"{name} must be of type {wanted}, not {_json_type(value)}."))
        elif kind == "const":
            problems.append(Problem(path, f"{name} must be {json.dumps(expected)}."))
        elif kind == "enum":
            problems.append(Problem(path, f"{name} must be one of {', '.join(map(str, expected))}."))
        elif kind == "pattern" and path.endswith(".name"):
            problems.append(Problem(path, f"Company role name {value!r} cannot start or end with spaces."))
        elif kind == "pattern":
            problems.append(
                Problem(
                    path,
                    f"{name}: {value!r} is not a valid key; use 1–80 lower-case letters, digits, '-' or '_', "
                    "starting with a letter or digit.",
                )
            )
        elif kind == "anyOf":
            problems.append(Problem(path, f"{name} must be a task key or null."))
        elif kind in ("minLength", "maxLength", "minimum", "maximum"):
            problems.append(Problem(path, f"{name} is {_bound_words(kind)} {expected}."))
        elif kind == "uniqueItems":
            problems.append(Problem(path, f"{name} lists the same item more than once."))
        else:
            problems.append(Problem(path, f"{name}: {error.message}"))
    return problems


def _name(parts: list) -> str:
    """How a message names the value at a path: 'title', or entry 2 of 'tasks'."""
    if not parts:
        return "The bundle"
    if isinstance(parts[-1], int):
        return f"Entry {parts[-1]} of {parts[-2]!r}" if len(parts) > 1 else f"Entry {parts[-1]}"
    return repr(parts[-1])


def _json_type(value: Any) -> str:
    for python_type, name in ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string")):
        if isinstance(value, python_type):
            return name
    return {dict: "object", list: "array", type(None): "null"}.get(type(value), type(value).__name__)


def _bound_words(kind: str) -> str:
    return {
        "minLength": "shorter than the minimum length",
        "maxLength": "longer than the maximum length",
        "minimum": "below the minimum",
        "maximum": "above the maximum",
    }[kind]


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


def _semantic_problems(doc: dict, company: Company) -> list[Problem]:
    roles = _list(doc, "company_roles")
    workflows = _list(doc, "workflows")
    tickets = _list(doc, "ticket_definitions")
    problems = _duplicates(roles, "name", "company_roles", "Company role", fold=True)
    problems += _duplicates(workflows, "key", "workflows", "Workflow key")
    problems += _duplicates(tickets, "key", "ticket_definitions", "Ticket type key")
    role_names = set(CompanyRole.objects.for_company(company).values_list("name", flat=True))
    role_names |= {role["name"] for role in roles if isinstance(role, dict) and isinstance(role.get("name"), str)}
    workflow_docs: dict[str, dict] = {}
    for index, workflow in enumerate(workflows):
        problems += validate_workflow_doc(workflow, path=join("workflows", index), company_role_names=role_names)
        if isinstance(workflow, dict) and isinstance(workflow.get("key"), str):
            workflow_docs.setdefault(workflow["key"], workflow)
    for published in WorkflowDefinition.objects.for_company(company).published():
        if published.key not in workflow_docs:
            workflow_docs[published.key] = workflow_to_doc(published)
    for index, ticket in enumerate(tickets):
        problems += validate_ticket_definition_doc(
            ticket,
            path=join("ticket_definitions", index),
            workflow_keys=set(workflow_docs),
            company_role_names=role_names,
            workflow_docs=workflow_docs,
        )
    return problems


def _text_problems(doc: Any) -> list[Problem]:
    """Text a database cannot store: NUL characters and lone surrogates (from JSON escapes)."""
    problems, stack = [], [("", doc)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if _unstorable(key):
                    problems.append(Problem(path, "A key contains a NUL character or an invalid \\u escape."))
                stack.append((join(path, key), value))
        elif isinstance(node, list):
            stack.extend((join(path, index), value) for index, value in enumerate(node))
        elif isinstance(node, str) and _unstorable(node):
            problems.append(Problem(path, "The text contains a NUL character or an invalid \\u escape."))
    return sorted(problems, key=lambda problem: problem.path)


def _unstorable(text: Any) -> bool:
    if not isinstance(text, str):
        return False
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def validate_bundle(doc: Any, *, company: Company) -> list[Problem]:
    """Every problem of a bundle for `company`, by JSON path. Never raises on bad input."""
    if not isinstance(doc, dict):
        return [Problem("", "A bundle must be a JSON object ({…}) at the top level.")]
    if _depth(doc) > MAX_DEPTH:
        return [Problem("", f"The bundle is nested more than {MAX_DEPTH} levels deep.")]
    problems = _text_problems(doc)
    if problems:
        return problems  # such text cannot be stored; nothing else is worth saying yet
    problems = _schema_problems(doc)
    problems += _semantic_problems(doc, company)
    # The schema and the semantic checks both see shape errors: keep the first word on each path.
    seen, unique = set(), []
    for problem in problems:
        if problem.path not in seen:
            seen.add(problem.path)
            unique.append(problem)
    return unique


# --- Import ------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import wrote."""

    created_roles: list[str] = field(default_factory=list)
    workflows: dict[str, int] = field(default_factory=dict)  # key -> the new published version
    created_ticket_definitions: list[str] = field(default_factory=list)
    updated_ticket_definitions: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line, e.g. "2 company roles created, workflow procurement v3, 1 ticket type created"."""
        parts = []
        if self.created_roles:
            parts.append(f"{len(self.created_roles)} company role{'s' * (len(self.created_roles) != 1)} created")
        parts += [f"workflow {key} v{version}" for key, version in self.workflows.items()]
        created, updated = self.created_ticket_definitions, self.updated_ticket_definitions
        ticket_counts = {"created": len(created), "updated": len(updated)}
        for verb, count in ticket_counts.items():
            if count:
                parts.append(f"{count} ticket type{'s' * (count != 1)} {verb}")
        return ", ".join(parts) or "nothing to import"

    def summary_lines(self) -> list[str]:
        lines = [f"Company role created: {name}" for name in self.created_roles]
        lines += [f"Workflow {key}: published version {version}" for key, version in self.workflows.items()]
        lines += [f"Ticket type created: {key}" for key in self.created_ticket_definitions]
        lines += [f"Ticket type updated: {key}" for key in self.updated_ticket_definitions]
        return lines


def _task_values(task: dict, roles: dict[str, CompanyRole]) -> dict:
    role = task.get("assignee_role")
    return {
        "key": task["key"],
        "title": task["title"],
        "description": task.get("description", ""),
        "task_type": task["type"],
        "input_schema": task.get("input_schema") or {},
        "output_schema": task.get("output_schema") or {},
        "input_transform": task.get("input_transform"),
        "output_transform": task.get("output_transform"),
        "action_url": task.get("action_url") or "",
        "timeout_seconds": task.get("timeout_seconds"),
        "assignee_role": roles[role.casefold()] if role else None,
        "remind_after": parse_iso_duration(task["remind_after"]) if task.get("remind_after") else None,
        "escalate_after": parse_iso_duration(task["escalate_after"]) if task.get("escalate_after") else None,
        "ext_ref": task.get("ext_ref") or [],
    }


def import_bundle(*, company: Company, user: User | None, doc: dict) -> ImportResult:
    """Validate `doc` fully, then write it for `company` in one transaction.

    Raises BundleInvalid (and writes nothing) on any problem. Each workflow
    becomes a new published version of its key (the previous one is retired, a
    pending draft of that key is discarded); ticket definitions are created or
    updated by key and published.
    """
    problems = validate_bundle(doc, company=company)
    if problems:
        raise BundleInvalid(problems)
    result = ImportResult()
    actor = Actor(user=user) if user is not None else None
    try:
        return _import_validated(company=company, user=user, actor=actor, doc=doc, result=result)
    except (IntegrityError, DataError) as error:
        # Validation mirrors the database's rules; should they still disagree (e.g. Unicode
        # case folding of role names), the transaction is rolled back and the user told.
        raise BundleInvalid(
            [Problem("", f"The bundle conflicts with what is stored, so nothing was imported ({error}).")]
        ) from error


def _import_validated(*, company: Company, user: User | None, actor, doc: dict, result: ImportResult) -> ImportResult:
    with transaction.atomic():
        roles = {role.name.casefold(): role for role in CompanyRole.objects.for_company(company)}
        for role_doc in doc.get("company_roles", []):
            if role_doc["name"].casefold() not in roles:
                role = company_role_create(
                    company=company, actor=actor, name=role_doc["name"], description=role_doc.get("description", "")
                )
                roles[role.name.casefold()] = role
                result.created_roles.append(role.name)
        for index, workflow_doc in enumerate(doc.get("workflows", [])):
            try:
                workflow = workflow_import_version(
                    company=company,
                    user=user,
                    key=workflow_doc["key"],
                    title=workflow_doc["title"],
                    description=workflow_doc.get("description", ""),
                    ext_ref=workflow_doc.get("ext_ref") or [],
                    tasks=[_task_values(task, roles) for task in workflow_doc["tasks"]],
                    transitions=[
                        {
                            "from_key": item["from"],
                            "to_key": item["to"],
                            "condition": item.get("condition"),
                            "priority": item.get("priority", 0),
                            "label": item.get("label", ""),
                        }
                        for item in workflow_doc["transitions"]
                    ],
                )
            except InvalidDefinition as error:
                # Validation above agrees with the publishing check; this is a safety net.
                raise BundleInvalid(
                    [Problem(join(join("workflows", index), p.path), p.message) for p in error.problems]
                ) from error
            result.workflows[workflow.key] = workflow.version
        for index, ticket_doc in enumerate(doc.get("ticket_definitions", [])):
            try:
                ticket_definition, created = ticket_definition_upsert(
                    company=company,
                    user=user,
                    key=ticket_doc["key"],
                    title=ticket_doc["title"],
                    workflow_key=ticket_doc["workflow_key"],
                    description=ticket_doc.get("description", ""),
                    fields_schema=ticket_doc.get("fields_schema") or {},
                    allowed_roles=[roles[name.casefold()] for name in ticket_doc.get("allowed_roles", [])],
                    ext_ref=ticket_doc.get("ext_ref") or [],
                )
            except InvalidDefinition as error:
                raise BundleInvalid(
                    [Problem(join(join("ticket_definitions", index), p.path), p.message) for p in error.problems]
                ) from error
            target = result.created_ticket_definitions if created else result.updated_ticket_definitions
            target.append(ticket_definition.key)
        # Ticket types already published, but not in this bundle, must still fit the new versions.
        problems = [
            problem
            for key in result.workflows
            for problem in published_ticket_type_problems(
                workflow=WorkflowDefinition.objects.for_company(company).published().get(key=key)
            )
        ]
        if problems:
            raise BundleInvalid(problems)
    return result


# --- Comparing bundles with what is stored -----------------------------------------------


def normalize_workflow_doc(doc: dict) -> dict:
    """A valid workflow document in the form export produces (defaults filled, canonical durations)."""
    tasks = []
    for task in doc["tasks"]:
        durations = {
            name: format_iso_duration(parse_iso_duration(task[name])) if task.get(name) else None
            for name in ("remind_after", "escalate_after")
        }
        tasks.append(
            _with_ext_ref(
                {
                    "key": task["key"],
                    "title": task["title"],
                    "description": task.get("description", ""),
                    "type": task["type"],
                    "input_schema": task.get("input_schema") or {},
                    "output_schema": task.get("output_schema") or {},
                    "input_transform": task.get("input_transform"),
                    "output_transform": task.get("output_transform"),
                    "action_url": task.get("action_url") or None,
                    "timeout_seconds": task.get("timeout_seconds"),
                    "assignee_role": task.get("assignee_role"),
                    **durations,
                },
                task.get("ext_ref"),
            )
        )
    transitions = [
        {
            "from": item["from"],
            "to": item["to"],
            "condition": item.get("condition"),
            "priority": item.get("priority", 0),
            "label": item.get("label", ""),
        }
        for item in doc["transitions"]
    ]
    # Export lists transitions by priority, then in the order they were created (= document order).
    transitions.sort(key=lambda item: item["priority"])
    normal = {"key": doc["key"], "title": doc["title"], "description": doc.get("description", "")}
    _with_ext_ref(normal, doc.get("ext_ref"))
    normal.update(tasks=tasks, transitions=transitions)
    return normal


def normalize_ticket_definition_doc(doc: dict) -> dict:
    normal = {"key": doc["key"], "title": doc["title"], "description": doc.get("description", "")}
    _with_ext_ref(normal, doc.get("ext_ref"))
    normal.update(
        fields_schema=doc.get("fields_schema") or {},
        workflow_key=doc["workflow_key"],
        allowed_roles=sorted(doc.get("allowed_roles", [])),
    )
    return normal


def bundle_is_current(*, company: Company, doc: dict) -> bool:
    """Whether every workflow and ticket definition of a valid bundle is already published unchanged."""
    for workflow_doc in doc.get("workflows", []):
        published = WorkflowDefinition.objects.for_company(company).published().filter(key=workflow_doc["key"]).first()
        if published is None or workflow_to_doc(published) != normalize_workflow_doc(workflow_doc):
            return False
    for ticket_doc in doc.get("ticket_definitions", []):
        stored = TicketDefinition.objects.for_company(company).filter(key=ticket_doc["key"]).first()
        if stored is None or stored.status != DefinitionStatus.PUBLISHED:
            return False
        if ticket_definition_to_doc(stored) != normalize_ticket_definition_doc(ticket_doc):
            return False
    return True


def reference_bundle_paths() -> list[Path]:
    """The reference process bundles shipped with the app, in name order."""
    return sorted(REFERENCE_BUNDLES_DIR.glob("*.json"))
