"""The one definition validator: forms, the editor, publishing and the bundle importer use it.

Everything here works on plain JSON-like documents (the `ticketflower/v1`
bundle shapes, see docs/bundle-format.md) and never raises on bad input: each
finding is a `Problem` naming where it is (`path`) and what is wrong (`message`,
a plain sentence). Stored definitions are validated by turning them into the
same documents (`bundles.workflow_to_doc`), so a rule exists exactly once.

JsonLogic variables. Rules read `{"var": "a.b"}` names that must be known:
- `ticket.<field>` — a field of the ticket. A workflow alone does not know which
  ticket types will use it, so inside a workflow any `ticket.<field>` is accepted
  (the `ticket.*` wildcard); each ticket definition is then checked to have every
  ticket field its workflow reads.
- `tasks.<task key>.<field>` — an output field of a task of the same workflow
  (its output schema's properties, plus an action's output transform keys).
- `response.*` and `input.*` (output transforms only) — the action's JSON reply
  and the input that was sent. Replies are free-form, so these are wildcards.
A variable set entry ending in `.*` is a wildcard: `ticket.*` accepts
`ticket.amount` and `ticket.customer.name` but not plain `ticket`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from json_logic import ALL_OPERATIONS
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

if TYPE_CHECKING:
    from workflow_design.models import TicketDefinition, WorkflowDefinition


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition, located by a JSON-path-like `path`."""

    path: str
    message: str
    task_key: str | None = None
    transition_id: int | None = None


# --- Paths and small helpers -------------------------------------------------------

# \Z, not $: Python's $ also matches before a final newline ("it-support\n").
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}\Z")
FIELD_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}\Z")
TASK_TYPES = ("FORM", "SYNC_ACTION", "ASYNC_ACTION")
ACTION_TASK_TYPES = ("SYNC_ACTION", "ASYNC_ACTION")
MAX_TIMEOUT_SECONDS = 60
MAX_DURATION = timedelta(days=365)
MAX_PRIORITY = 1_000_000


def join(path: str, key: str | int) -> str:
    """`join("a", "b") == "a.b"`, `join("a", 2) == "a[2]"`, `join("", "b") == "b"`."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (_is_int(value) or isinstance(value, float)) and not (isinstance(value, float) and not math.isfinite(value))


def _quote(value: Any) -> str:
    """A short, safe rendering of a user value for messages."""
    try:
        text = value if isinstance(value, str) else json.dumps(value, default=str)
    except (ValueError, RecursionError):
        text = "…"
    return repr(text[:60] + "…" if len(text) > 60 else text)


# Expected types of document keys: a name used in messages and a check.
_TYPES: dict[str, tuple[str, Any]] = {
    "string": ("a string", lambda v: isinstance(v, str)),
    "string|null": ("a string or null", lambda v: v is None or isinstance(v, str)),
    "integer": ("an integer", _is_int),
    "integer|null": ("an integer or null", lambda v: v is None or _is_int(v)),
    "object": ("an object", lambda v: isinstance(v, dict)),
    "object|null": ("an object or null", lambda v: v is None or isinstance(v, dict)),
    "list": ("a list", lambda v: isinstance(v, list)),
    "any": ("anything", lambda v: True),
}


def _check_shape(doc: Any, path: str, spec: Mapping[str, tuple[str, bool]], *, what: str) -> tuple[list[Problem], bool]:
    """Unknown keys, missing required keys and wrong types of `doc` against `spec`.

    `spec` maps key -> (type name in `_TYPES`, required). Returns the problems and
    whether `doc` is an object at all (callers stop when it is not).
    """
    if not isinstance(doc, dict):
        return [Problem(path, f"{what[:1].upper()}{what[1:]} must be an object, not {_type_name(doc)}.")], False
    problems = []
    for key in doc:
        if key not in spec:
            allowed = ", ".join(sorted(spec))
            problems.append(Problem(join(path, str(key)), f"Unknown key {_quote(key)} in {what}; allowed: {allowed}."))
    for key, (type_name, required) in spec.items():
        if key not in doc:
            if required:
                problems.append(Problem(join(path, key), f"Required key '{key}' is missing from {what}."))
            continue
        label, check = _TYPES[type_name]
        if not check(doc[key]):
            problems.append(Problem(join(path, key), f"'{key}' must be {label}, not {_type_name(doc[key])}."))
    return problems, True


def _typed(doc: dict, key: str, type_name: str, default: Any = None) -> Any:
    """`doc[key]` if present and of the right type, else `default` (its problem is already reported)."""
    value = doc.get(key, default)
    return value if _TYPES[type_name][1](value) else default


def _check_key(value: Any, path: str, what: str) -> list[Problem]:
    if isinstance(value, str) and not KEY_PATTERN.match(value):
        return [
            Problem(
                path,
                f"{what} key {_quote(value)} is not valid: use 1–80 lower-case letters, digits, '-' or '_', "
                "starting with a letter or digit.",
            )
        ]
    return []


def _check_title(value: Any, path: str, what: str, *, max_length: int = 255) -> list[Problem]:
    if isinstance(value, str):
        if not value.strip():
            return [Problem(path, f"{what} needs a title.")]
        if len(value) > max_length:
            return [Problem(path, f"{what}: the title is longer than {max_length} characters.")]
    return []


def _check_ext_ref(value: Any, path: str) -> list[Problem]:
    """`ext_ref`: links to outside documents, `[{"label", "description", "uri"}]`."""
    if not isinstance(value, list):
        return []
    spec = {"label": ("string", True), "description": ("string", False), "uri": ("string", True)}
    problems = []
    for index, item in enumerate(value):
        found, _ = _check_shape(item, join(path, index), spec, what="a reference")
        problems += found
    return problems


# --- Durations (ISO 8601) -----------------------------------------------------------

_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?\Z"
)


def parse_iso_duration(value: str) -> timedelta:
    """A strict ISO 8601 duration: `PT6H`, `P1D`, `P1DT12H`, `P2W`, `PT90M`.

    Years and months are refused (their length varies). Raises ValueError.
    """
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match or value in ("P", "PT") or value.endswith("T"):
        raise ValueError(f"{value!r} is not an ISO 8601 duration like 'PT6H' or 'P1D'.")
    parts = {name: int(number) for name, number in match.groupdict().items() if number is not None}
    try:
        return timedelta(**parts)
    except OverflowError as error:
        raise ValueError(f"{value!r} is too long a duration.") from error


def format_iso_duration(value: timedelta) -> str:
    """The shortest ISO 8601 form: `timedelta(hours=6)` -> `PT6H`, `timedelta(days=1)` -> `P1D`."""
    total = int(value.total_seconds())
    if total < 0:
        raise ValueError("Durations cannot be negative.")
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    text = "P" + (f"{days}D" if days else "")
    clock = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (f"{seconds}S" if seconds else "")
    if clock:
        text += "T" + clock
    return text if text != "P" else "PT0S"


# --- Fields schemas (the JSON Schema subset) ------------------------------------------

FIELD_TYPES = ("string", "integer", "number", "boolean")
STRING_FORMATS = ("textarea", "email", "date", "file")
_COMMON_FIELD_KEYWORDS = {"type", "title", "description", "default"}
FIELD_KEYWORDS = {
    "string": _COMMON_FIELD_KEYWORDS | {"format", "enum", "minLength", "maxLength"},
    "integer": _COMMON_FIELD_KEYWORDS | {"minimum", "maximum"},
    "number": _COMMON_FIELD_KEYWORDS | {"minimum", "maximum"},
    "boolean": _COMMON_FIELD_KEYWORDS,
}
SCHEMA_KEYWORDS = {"type", "properties", "required", "x-order", "title", "description"}
_VALUE_CHECKS = {
    "string": lambda v: isinstance(v, str),
    "integer": _is_int,
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
}


def schema_field_names(schema: Any) -> list[str]:
    """The field names of a (possibly invalid) fields schema, in declaration order."""
    if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
        return [name for name in schema["properties"] if isinstance(name, str)]
    return []


def validate_fields_schema(schema: dict, path: str = "") -> list[Problem]:
    """Check a fields schema against the supported JSON Schema subset (see module docs)."""
    if not isinstance(schema, dict):
        return [Problem(path, f"The schema must be an object, not {_type_name(schema)}.")]
    if not schema:
        return []
    problems = []
    for keyword in schema:
        if keyword not in SCHEMA_KEYWORDS:
            problems.append(
                Problem(
                    join(path, str(keyword)),
                    f"Schema keyword {_quote(keyword)} is not supported; use type, properties, required and x-order.",
                )
            )
    if schema.get("type") != "object":
        problems.append(Problem(join(path, "type"), 'A fields schema must have "type": "object".'))
    for keyword in ("title", "description"):
        if keyword in schema and not isinstance(schema[keyword], str):
            problems.append(Problem(join(path, keyword), f"The schema's {keyword} must be a string."))
    properties = schema.get("properties", {})
    if not isinstance(properties, dict):
        problems.append(Problem(join(path, "properties"), "'properties' must be an object mapping field names."))
        properties = {}
    for name, field in properties.items():
        problems += _validate_field(name, field, join(join(path, "properties"), str(name)))
    for keyword in ("required", "x-order"):
        problems += _validate_name_list(schema, keyword, properties, path)
    if not problems:
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as error:
            where = join(path, ".".join(str(part) for part in error.path)) if error.path else path
            problems.append(Problem(where, f"Not a valid JSON Schema: {error.message}"))
    return problems


def _validate_name_list(schema: dict, keyword: str, properties: dict, path: str) -> list[Problem]:
    if keyword not in schema:
        return []
    names = schema[keyword]
    where = join(path, keyword)
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        return [Problem(where, f"'{keyword}' must be a list of field names.")]
    problems = []
    for index, name in enumerate(names):
        if name not in properties:
            problems.append(
                Problem(join(where, index), f"'{keyword}' names field {_quote(name)}, which does not exist.")
            )
    if len(set(names)) != len(names):
        problems.append(Problem(where, f"'{keyword}' lists a field more than once."))
    return problems


def _validate_field(name: Any, field: Any, path: str) -> list[Problem]:
    label = f"Field {_quote(name)}"
    problems = []
    if not isinstance(name, str) or not FIELD_NAME_PATTERN.match(name):
        problems.append(
            Problem(
                path,
                f"{label}: the name must start with a lower-case letter and use only lower-case letters, "
                "digits and '_' (at most 63 characters).",
            )
        )
    if not isinstance(field, dict):
        return [*problems, Problem(path, f"{label} must be an object, not {_type_name(field)}.")]
    field_type = field.get("type")
    if "type" not in field:
        return [*problems, Problem(join(path, "type"), f"{label} needs a type: string, integer, number or boolean.")]
    if field_type not in FIELD_TYPES:
        shown = _quote(field_type)
        return [
            *problems,
            Problem(
                join(path, "type"),
                f"{label}: type {shown} is not supported; use string, integer, number or boolean.",
            ),
        ]
    for keyword in field:
        if keyword not in FIELD_KEYWORDS[field_type]:
            allowed = ", ".join(sorted(FIELD_KEYWORDS[field_type] - {"type"}))
            problems.append(
                Problem(
                    join(path, str(keyword)),
                    f"{label}: keyword {_quote(keyword)} is not supported for a {field_type} field; use {allowed}.",
                )
            )
    for keyword in ("title", "description"):
        if keyword in field and not isinstance(field[keyword], str):
            problems.append(Problem(join(path, keyword), f"{label}: {keyword} must be a string."))
    if field_type == "string":
        problems += _validate_string_field(label, field, path)
    elif field_type in ("integer", "number"):
        problems += _validate_bounds(label, field, path, "minimum", "maximum", _is_number, "numbers")
    if "default" in field:
        default = field["default"]
        if not _VALUE_CHECKS[field_type](default):
            problems.append(
                Problem(
                    join(path, "default"),
                    f"{label}: the default must be of type {field_type}, not {_type_name(default)}.",
                )
            )
        elif isinstance(field.get("enum"), list) and default not in field["enum"]:
            problems.append(Problem(join(path, "default"), f"{label}: the default must be one of the choices."))
    return problems


def _validate_string_field(label: str, field: dict, path: str) -> list[Problem]:
    problems = []
    if "format" in field and field["format"] not in STRING_FORMATS:
        problems.append(
            Problem(
                join(path, "format"),
                f"{label}: format {_quote(field['format'])} is not supported; use textarea, email, date or file.",
            )
        )
    if "enum" in field:
        choices = field["enum"]
        if not isinstance(choices, list) or not choices or not all(isinstance(c, str) for c in choices):
            problems.append(
                Problem(join(path, "enum"), f"{label}: the choices (enum) must be a non-empty list of strings.")
            )
        elif len(set(choices)) != len(choices):
            problems.append(Problem(join(path, "enum"), f"{label}: the choices (enum) must not repeat."))
    non_negative_int = lambda v: _is_int(v) and v >= 0  # noqa: E731
    problems += _validate_bounds(label, field, path, "minLength", "maxLength", non_negative_int, "whole numbers ≥ 0")
    return problems


def _validate_bounds(label: str, field: dict, path: str, low: str, high: str, check, kind: str) -> list[Problem]:
    problems = []
    for keyword in (low, high):
        if keyword in field and not check(field[keyword]):
            problems.append(Problem(join(path, keyword), f"{label}: {keyword} must be {kind}."))
    if not problems and low in field and high in field and field[low] > field[high]:
        problems.append(Problem(join(path, low), f"{label}: {low} is greater than {high}."))
    return problems


# --- JsonLogic ---------------------------------------------------------------------

# The installed maykin-json-logic-py is the authority on which operators run.
JSONLOGIC_OPERATORS = frozenset(ALL_OPERATIONS)
# Scoped operators evaluate their second argument against each item: {"map": [array, logic]}.
_SCOPED_VARIABLES = {"map": None, "reduce": {"current.*", "current", "accumulator.*", "accumulator"}}


def variable_is_known(name: str, variables: Iterable[str]) -> bool:
    """Exact names, or `prefix.*` wildcards matching `prefix.<anything>`."""
    for known in variables:
        if name == known or (known.endswith(".*") and name.startswith(known[:-1]) and len(name) > len(known) - 1):
            return True
    return False


def known_variables(
    *,
    ticket_fields: Iterable[str] | None = None,
    task_outputs: Mapping[str, Iterable[str]] | None = None,
    for_output_transform: bool = False,
) -> set[str]:
    """The `var` names a rule may read.

    `ticket_fields=None` means "unknown ticket type": `ticket.*` is accepted.
    `task_outputs` maps task key -> its output field names.
    """
    variables = {"ticket.*"} if ticket_fields is None else {f"ticket.{name}" for name in ticket_fields}
    for task_key, fields in (task_outputs or {}).items():
        variables |= {f"tasks.{task_key}.{name}" for name in fields}
    if for_output_transform:
        variables |= {"response.*", "response", "input.*", "input"}
    return variables


def _json_problem(value: Any, path: str) -> Problem | None:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return Problem(path, "The rule must be plain JSON (objects, lists, strings, numbers, true/false, null).")
    except RecursionError:
        return Problem(path, "The rule is nested too deeply.")
    return None


def validate_jsonlogic(rule: Any, *, variables: set[str], path: str) -> list[Problem]:
    """Check that `rule` is JsonLogic the engine can run and reads only known variables."""
    problem = _json_problem(rule, path)
    if problem:
        return [problem]
    problems: list[Problem] = []
    _walk_logic(rule, variables, path, problems, depth=0)
    return problems


def jsonlogic_variables(rule: Any) -> set[str]:
    """Every literal `var` name a rule reads (outside map/reduce scopes)."""
    found: set[str] = set()

    def walk(node: Any, scoped: bool, depth: int = 0) -> None:
        if depth > 100:
            return
        if isinstance(node, list):
            for item in node:
                walk(item, scoped, depth + 1)
        elif isinstance(node, dict) and len(node) == 1:
            operator, args = next(iter(node.items()))
            args = args if isinstance(args, list) else [args]
            if operator == "var" and args and isinstance(args[0], str) and not scoped:
                found.add(args[0])
            for index, arg in enumerate(args):
                walk(arg, scoped or (operator in _SCOPED_VARIABLES and index == 1), depth + 1)

    walk(rule, False)
    return found


def _walk_logic(node: Any, variables: set[str] | None, path: str, problems: list[Problem], depth: int) -> None:
    """`variables=None` inside a `map` scope: the item is free-form, any name goes."""
    if depth > 50:
        problems.append(Problem(path, "The rule is nested too deeply."))
        return
    if isinstance(node, list):
        for index, item in enumerate(node):
            _walk_logic(item, variables, join(path, index), problems, depth + 1)
        return
    if not isinstance(node, dict):
        return  # a literal
    if len(node) != 1:
        problems.append(
            Problem(path, f"A JsonLogic rule has exactly one operator, but this object has {len(node)} keys.")
        )
        return
    operator, raw_args = next(iter(node.items()))
    where = join(path, operator)
    if operator not in JSONLOGIC_OPERATORS:
        problems.append(Problem(where, f"Unknown JsonLogic operator {_quote(operator)}."))
        return
    args = raw_args if isinstance(raw_args, list) else [raw_args]

    def arg_path(index: int) -> str:
        return join(where, index) if isinstance(raw_args, list) else where

    if operator == "var":
        if not args or len(args) > 2:
            problems.append(Problem(where, '"var" takes a variable name and an optional default.'))
            return
        _check_variable(args[0], variables, arg_path(0), problems)
        if len(args) == 2:
            _walk_logic(args[1], variables, arg_path(1), problems, depth + 1)
        return
    if operator == "missing":
        for index, arg in enumerate(args):
            if isinstance(arg, str):
                _check_variable(arg, variables, arg_path(index), problems)
            else:
                _walk_logic(arg, variables, arg_path(index), problems, depth + 1)
        return
    if operator == "missing_some":
        if len(args) != 2 or not _is_int(args[0]) or not isinstance(args[1], list):
            problems.append(Problem(where, '"missing_some" takes [how many, [variable names]].'))
            return
        for index, name in enumerate(args[1]):
            _check_variable(name, variables, join(arg_path(1), index), problems)
        return
    if operator in _SCOPED_VARIABLES:
        if len(args) < 2:
            problems.append(
                Problem(where, f'"{operator}" takes [array, rule{", initial value" * (operator == "reduce")}].')
            )
            return
        scope = _SCOPED_VARIABLES[operator]
        for index, arg in enumerate(args):
            inner = scope if index == 1 else variables
            _walk_logic(arg, inner, arg_path(index), problems, depth + 1)
        return
    for index, arg in enumerate(args):
        _walk_logic(arg, variables, arg_path(index), problems, depth + 1)


def _check_variable(name: Any, variables: set[str] | None, path: str, problems: list[Problem]) -> None:
    if not isinstance(name, str):
        problems.append(Problem(path, f"A variable name must be a literal string, not {_type_name(name)}."))
        return
    if variables is None:
        return
    if not variable_is_known(name, variables):
        if not name:
            problems.append(Problem(path, 'The empty variable ("var": "") reads all data; name a variable instead.'))
            return
        hint = ", ".join(sorted(variables)[:12]) or "none"
        problems.append(Problem(path, f"Unknown variable {_quote(name)}; known: {hint}."))


def validate_transform(transform: Any, *, variables: set[str], path: str, what: str, schema: Any) -> list[Problem]:
    """A transform maps output field -> JsonLogic rule."""
    if transform is None:
        return []
    if not isinstance(transform, dict):
        return [Problem(path, f"{what} must be an object mapping field names to JsonLogic rules.")]
    declared = schema_field_names(schema)
    problems = []
    for name, rule in transform.items():
        where = join(path, str(name))
        if not isinstance(name, str) or not FIELD_NAME_PATTERN.match(name):
            problems.append(Problem(where, f"{what}: {_quote(name)} is not a valid field name."))
        elif declared and name not in declared:
            problems.append(Problem(where, f"{what}: field {_quote(name)} is not in the matching schema."))
        problems += validate_jsonlogic(rule, variables=variables, path=where)
    return problems


# --- Workflow documents --------------------------------------------------------------

WORKFLOW_SPEC = {
    "key": ("string", True),
    "title": ("string", True),
    "description": ("string", False),
    "ext_ref": ("list", False),
    "tasks": ("list", True),
    "transitions": ("list", True),
}
TASK_SPEC = {
    "key": ("string", True),
    "title": ("string", True),
    "description": ("string", False),
    "ext_ref": ("list", False),
    "type": ("string", True),
    "input_schema": ("object", False),
    "output_schema": ("object", False),
    "input_transform": ("object|null", False),
    "output_transform": ("object|null", False),
    "action_url": ("string|null", False),
    "timeout_seconds": ("integer|null", False),
    "assignee_role": ("string|null", False),
    "remind_after": ("string|null", False),
    "escalate_after": ("string|null", False),
}
TRANSITION_SPEC = {
    "from": ("string|null", True),
    "to": ("string|null", True),
    "condition": ("any", False),
    "priority": ("integer", False),
    "label": ("string", False),
}
TICKET_DEFINITION_SPEC = {
    "key": ("string", True),
    "title": ("string", True),
    "description": ("string", False),
    "ext_ref": ("list", False),
    "fields_schema": ("object", False),
    "workflow_key": ("string", True),
    "allowed_roles": ("list", False),
}


def _fold(names: Iterable[str]) -> set[str]:
    return {name.casefold() for name in names if isinstance(name, str)}


def task_output_fields(task: dict) -> list[str]:
    """What a task adds under `tasks.<key>`: its output schema's fields and output transform keys."""
    fields = schema_field_names(task.get("output_schema"))
    transform = task.get("output_transform")
    if isinstance(transform, dict):
        fields += [name for name in transform if isinstance(name, str) and name not in fields]
    return fields


def validate_workflow_doc(doc: dict, *, path: str, company_role_names: set[str]) -> list[Problem]:
    """Shape, tasks, rules and graph of one workflow document."""
    problems, is_object = _check_shape(doc, path, WORKFLOW_SPEC, what="a workflow")
    if not is_object:
        return problems
    problems += _check_key(_typed(doc, "key", "string"), join(path, "key"), "Workflow")
    problems += _check_title(_typed(doc, "title", "string"), join(path, "title"), "The workflow")
    problems += _check_ext_ref(doc.get("ext_ref"), join(path, "ext_ref"))
    tasks = _typed(doc, "tasks", "list", [])
    transitions = _typed(doc, "transitions", "list", [])

    # Task keys first: every rule below refers to tasks by key.
    task_docs: dict[str, dict] = {}
    for index, task in enumerate(tasks):
        if not isinstance(task, dict) or not isinstance(task.get("key"), str):
            continue
        if task["key"] in task_docs:
            problems.append(
                Problem(
                    join(join(path, "tasks"), index),
                    f"Task key {_quote(task['key'])} is used twice; keys must be unique.",
                )
            )
        else:
            task_docs[task["key"]] = task
    outputs = {key: task_output_fields(task) for key, task in task_docs.items()}
    variables = known_variables(task_outputs=outputs)
    roles = _fold(company_role_names)
    for index, task in enumerate(tasks):
        problems += _validate_task(task, join(join(path, "tasks"), index), variables=variables, roles=roles)
    for index, transition in enumerate(transitions):
        problems += _validate_transition(transition, join(join(path, "transitions"), index), task_docs, variables)
    problems += _graph_problems(tasks, transitions, task_docs, path)
    return problems


def _validate_task(task: Any, path: str, *, variables: set[str], roles: set[str]) -> list[Problem]:
    problems, is_object = _check_shape(task, path, TASK_SPEC, what="a task")
    if not is_object:
        return problems
    key = _typed(task, "key", "string")
    name = f"Task {_quote(key)}" if key else "The task"
    problems += _check_key(key, join(path, "key"), "Task")
    problems += _check_title(_typed(task, "title", "string"), join(path, "title"), name)
    problems += _check_ext_ref(task.get("ext_ref"), join(path, "ext_ref"))
    task_type = _typed(task, "type", "string")
    if task_type is not None and task_type not in TASK_TYPES:
        problems.append(
            Problem(
                join(path, "type"), f"{name}: type {_quote(task_type)} is not one of FORM, SYNC_ACTION, ASYNC_ACTION."
            )
        )
    for schema_key in ("input_schema", "output_schema"):
        schema = _typed(task, schema_key, "object")
        if schema is not None:
            problems += validate_fields_schema(schema, join(path, schema_key))
    problems += validate_transform(
        task.get("input_transform"),
        variables=variables,
        path=join(path, "input_transform"),
        what=f"{name}: the input transform",
        schema=task.get("input_schema"),
    )
    action_url = _typed(task, "action_url", "string|null")
    timeout = _typed(task, "timeout_seconds", "integer|null")
    output_transform = _typed(task, "output_transform", "object|null")
    if task_type in ACTION_TASK_TYPES:
        problems += _validate_action(name, action_url, timeout, task, path)
        problems += validate_transform(
            output_transform,
            variables=variables | known_variables(task_outputs={}, for_output_transform=True),
            path=join(path, "output_transform"),
            what=f"{name}: the output transform",
            schema=task.get("output_schema"),
        )
    elif task_type == "FORM":
        for setting, value in (
            ("action_url", action_url),
            ("timeout_seconds", timeout),
            ("output_transform", output_transform),
        ):
            if value not in (None, ""):
                problems.append(
                    Problem(join(path, setting), f"{name} is a FORM task; remove {setting} (only actions have it).")
                )
    role = _typed(task, "assignee_role", "string|null")
    if role is not None and role.casefold() not in roles:
        problems.append(
            Problem(
                join(path, "assignee_role"),
                f"{name}: company role {_quote(role)} does not exist in this company or in the bundle's company_roles.",
            )
        )
    problems += _validate_durations(name, task, path)
    return problems


def _validate_action(name: str, action_url: str | None, timeout: int | None, task: dict, path: str) -> list[Problem]:
    problems = []
    if not action_url:
        if "action_url" not in task or task["action_url"] in (None, ""):
            problems.append(Problem(join(path, "action_url"), f"{name} is an action; it needs an http(s) action_url."))
    else:
        parts = urlsplit(action_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(action_url) > 500:
            problems.append(
                Problem(join(path, "action_url"), f"{name}: action_url {_quote(action_url)} must be an http(s) URL.")
            )
    if timeout is None:
        if task.get("timeout_seconds") is None:
            problems.append(
                Problem(join(path, "timeout_seconds"), f"{name} is an action; set timeout_seconds (1 to 60).")
            )
    elif not 1 <= timeout <= MAX_TIMEOUT_SECONDS:
        problems.append(
            Problem(
                join(path, "timeout_seconds"),
                f"{name}: timeout_seconds must be between 1 and {MAX_TIMEOUT_SECONDS}, not {timeout}.",
            )
        )
    return problems


def _validate_durations(name: str, task: dict, path: str) -> list[Problem]:
    problems = []
    parsed: dict[str, timedelta] = {}
    for setting in ("remind_after", "escalate_after"):
        value = _typed(task, setting, "string|null")
        if value is None:
            continue
        try:
            parsed[setting] = parse_iso_duration(value)
        except ValueError:
            problems.append(
                Problem(
                    join(path, setting),
                    f"{name}: {setting} {_quote(value)} is not an ISO 8601 duration such as 'PT6H' or 'P1D' "
                    "(days, hours, minutes, seconds).",
                )
            )
            continue
        if parsed[setting] <= timedelta(0):
            problems.append(Problem(join(path, setting), f"{name}: {setting} must be longer than zero."))
        elif parsed[setting] > MAX_DURATION:
            problems.append(Problem(join(path, setting), f"{name}: {setting} must be at most 365 days (P365D)."))
    if "remind_after" in parsed and "escalate_after" in parsed and parsed["escalate_after"] < parsed["remind_after"]:
        problems.append(
            Problem(join(path, "escalate_after"), f"{name}: escalate_after must not be shorter than remind_after.")
        )
    return problems


def _validate_transition(transition: Any, path: str, task_docs: dict[str, dict], variables: set[str]) -> list[Problem]:
    problems, is_object = _check_shape(transition, path, TRANSITION_SPEC, what="a transition")
    if not is_object:
        return problems
    for end in ("from", "to"):
        key = _typed(transition, end, "string|null")
        if key is not None and key not in task_docs:
            problems.append(
                Problem(join(path, end), f"The transition's '{end}' names task {_quote(key)}, which does not exist.")
            )
    priority = _typed(transition, "priority", "integer")
    if priority is not None and not -MAX_PRIORITY <= priority <= MAX_PRIORITY:
        problems.append(
            Problem(join(path, "priority"), f"The transition's priority must be between ±{MAX_PRIORITY:,}.")
        )
    label = _typed(transition, "label", "string")
    if label is not None and len(label) > 100:
        problems.append(Problem(join(path, "label"), "The transition's label is longer than 100 characters."))
    condition = transition.get("condition")
    if condition is not None:
        if transition.get("from", "") is None:
            problems.append(Problem(join(path, "condition"), "The start transition cannot have a condition."))
        else:
            problems += validate_jsonlogic(condition, variables=variables, path=join(path, "condition"))
    return problems


def _graph_problems(tasks: list, transitions: list, task_docs: dict[str, dict], path: str) -> list[Problem]:
    """Exactly one start, everything reachable, everything reachable can finish."""
    if not tasks:
        return [Problem(join(path, "tasks"), "The workflow has no tasks; add at least one.")]

    def is_ref(value: Any) -> bool:
        return value is None or (isinstance(value, str) and value in task_docs)

    arrows = [
        (t["from"], t["to"], index)
        for index, t in enumerate(transitions)
        if isinstance(t, dict) and "from" in t and "to" in t and is_ref(t["from"]) and is_ref(t["to"])
    ]
    problems = []
    starts = [(to, index) for source, to, index in arrows if source is None]
    if not starts:
        return [Problem(join(path, "transitions"), 'The workflow has no start: add one transition with "from": null.')]
    for _, index in starts[1:]:
        problems.append(
            Problem(
                join(join(path, "transitions"), index), "The workflow has more than one start transition; keep one."
            )
        )
    first, first_index = starts[0]
    if first is None:
        problems.append(
            Problem(join(join(path, "transitions"), first_index), "The start transition must lead to a task.")
        )
        return problems

    # The engine tries a task's arrows by priority (then order) and takes the first whose
    # condition holds, so an arrow after one without a condition is never taken.
    def order(arrow: tuple) -> tuple:
        priority = transitions[arrow[2]].get("priority", 0)
        return (priority if isinstance(priority, int) and not isinstance(priority, bool) else 0, arrow[2])

    outgoing: dict[str, list[str | None]] = {key: [] for key in task_docs}
    always_from: dict[str, int] = {}
    for source, target, index in sorted((arrow for arrow in arrows if arrow[0] is not None), key=order):
        if source in always_from:
            problems.append(
                Problem(
                    join(join(path, "transitions"), index),
                    f"This arrow from {_quote(source)} is never taken: transition {always_from[source]} "
                    "before it has no condition and always wins. Give that one a condition or this one "
                    "a lower priority.",
                )
            )
            continue
        outgoing[source].append(target)
        if not transitions[index].get("condition"):
            always_from[source] = index
    reachable, queue = {first}, [first]
    while queue:
        for target in outgoing[queue.pop()]:
            if target is not None and target not in reachable:
                reachable.add(target)
                queue.append(target)
    for index, task in enumerate(tasks):
        key = task.get("key") if isinstance(task, dict) else None
        if isinstance(key, str) and key in task_docs and key not in reachable and task_docs[key] is task:
            problems.append(
                Problem(join(join(path, "tasks"), index), f"Task {_quote(key)} cannot be reached from the start.")
            )
    # A task finishes if it has no way onward, an arrow to the end, or an arrow to a task that finishes.
    finishes = {key for key, targets in outgoing.items() if not targets or None in targets}
    changed = True
    while changed:
        changed = False
        for key, targets in outgoing.items():
            if key not in finishes and any(target in finishes for target in targets):
                finishes.add(key)
                changed = True
    stuck = [key for key in task_docs if key in reachable and key not in finishes]
    if stuck:
        names = ", ".join(repr(key) for key in stuck)
        problems.append(
            Problem(
                join(path, "transitions"),
                f'Tasks {names} loop with no way to finish; add a transition to the end ("to": null) '
                "or to a task that finishes.",
            )
        )
    return problems


# --- Ticket definition documents ------------------------------------------------------


def validate_ticket_definition_doc(
    doc: dict,
    *,
    path: str,
    workflow_keys: set[str],
    company_role_names: set[str],
    workflow_docs: dict | None = None,
) -> list[Problem]:
    """Shape, fields schema, workflow and roles of one ticket definition document.

    With `workflow_docs` (key -> workflow document), the ticket fields its workflow
    reads (`ticket.<field>`) must exist in `fields_schema`.
    """
    problems, is_object = _check_shape(doc, path, TICKET_DEFINITION_SPEC, what="a ticket definition")
    if not is_object:
        return problems
    key = _typed(doc, "key", "string")
    name = f"Ticket type {_quote(key)}" if key else "The ticket type"
    problems += _check_key(key, join(path, "key"), "Ticket type")
    problems += _check_title(_typed(doc, "title", "string"), join(path, "title"), name)
    problems += _check_ext_ref(doc.get("ext_ref"), join(path, "ext_ref"))
    schema = _typed(doc, "fields_schema", "object", {})
    schema_problems = validate_fields_schema(schema, join(path, "fields_schema"))
    problems += schema_problems
    workflow_key = _typed(doc, "workflow_key", "string")
    if workflow_key is not None and workflow_key not in workflow_keys:
        problems.append(
            Problem(
                join(path, "workflow_key"),
                f"{name}: workflow {_quote(workflow_key)} is neither in the bundle nor published in this company.",
            )
        )
    roles = _fold(company_role_names)
    allowed = _typed(doc, "allowed_roles", "list", [])
    for index, role in enumerate(allowed):
        where = join(join(path, "allowed_roles"), index)
        if not isinstance(role, str):
            problems.append(Problem(where, f"{name}: allowed_roles must hold role names, not {_type_name(role)}."))
        elif role.casefold() not in roles:
            problems.append(
                Problem(
                    where,
                    f"{name}: company role {_quote(role)} does not exist in this company or in the bundle's "
                    "company_roles.",
                )
            )
    if len(_fold(allowed)) != len([role for role in allowed if isinstance(role, str)]):
        problems.append(Problem(join(path, "allowed_roles"), f"{name}: allowed_roles lists a role more than once."))
    workflow_doc = (workflow_docs or {}).get(workflow_key) if workflow_key else None
    if isinstance(workflow_doc, dict) and not schema_problems:
        fields = set(schema_field_names(schema))
        missing = sorted({var.split(".")[1] for var in _workflow_ticket_variables(workflow_doc)} - fields - {""})
        if missing:
            listed = ", ".join(repr(field) for field in missing)
            problems.append(
                Problem(
                    join(path, "fields_schema"),
                    f"{name}: its workflow {_quote(workflow_key)} reads ticket field(s) {listed}, "
                    "which this ticket type does not have.",
                )
            )
    return problems


def _workflow_ticket_variables(workflow_doc: dict) -> set[str]:
    """`ticket.<field>` names read by a workflow's conditions and transforms."""
    rules: list[Any] = []
    for transition in workflow_doc.get("transitions") or []:
        if isinstance(transition, dict):
            rules.append(transition.get("condition"))
    for task in workflow_doc.get("tasks") or []:
        if isinstance(task, dict):
            for key in ("input_transform", "output_transform"):
                if isinstance(task.get(key), dict):
                    rules += list(task[key].values())
    names = set()
    for rule in rules:
        names |= {name for name in jsonlogic_variables(rule) if name.startswith("ticket.")}
    return names


# --- Stored definitions ------------------------------------------------------------------

_TASK_PATH = re.compile(r"^tasks\[(\d+)\]")
_TRANSITION_PATH = re.compile(r"^transitions\[(\d+)\]")


def company_role_names(company) -> set[str]:
    from users.models import CompanyRole

    return set(CompanyRole.objects.for_company(company).values_list("name", flat=True))


def workflow_problems(workflow: WorkflowDefinition) -> list[Problem]:
    """Problems of a stored workflow version, located for the editor.

    Task problems have paths `tasks.<key>...` and `task_key`; transition problems
    keep `transitions[i]...` (i in the editor's order) and carry `transition_id`.
    """
    from workflow_design.bundles import workflow_doc_with_ids

    doc, task_keys, transition_ids = workflow_doc_with_ids(workflow)
    problems = []
    for problem in validate_workflow_doc(doc, path="", company_role_names=company_role_names(workflow.company)):
        if match := _TASK_PATH.match(problem.path):
            key = task_keys[int(match.group(1))]
            problem = Problem(f"tasks.{key}{problem.path[match.end() :]}", problem.message, task_key=key)
        elif match := _TRANSITION_PATH.match(problem.path):
            problem = Problem(problem.path, problem.message, transition_id=transition_ids[int(match.group(1))])
        problems.append(problem)
    return problems


def ticket_definition_problems(
    ticket_definition: TicketDefinition, *, workflow: WorkflowDefinition | None = None
) -> list[Problem]:
    """Problems of a stored ticket definition; its workflow must have a published version.

    `workflow`: check against this version instead (one about to be published).
    """
    from workflow_design.bundles import ticket_definition_to_doc, workflow_to_doc
    from workflow_design.models import WorkflowDefinition

    company = ticket_definition.company
    doc = ticket_definition_to_doc(ticket_definition)
    published = workflow or (
        WorkflowDefinition.objects.for_company(company).published().filter(key=ticket_definition.workflow_key).first()
    )
    workflow_docs = {published.key: workflow_to_doc(published)} if published else {}
    problems = validate_ticket_definition_doc(
        doc,
        path="",
        workflow_keys={ticket_definition.workflow_key},
        company_role_names=company_role_names(company),
        workflow_docs=workflow_docs,
    )
    if published is None:
        problems.append(
            Problem(
                "workflow_key",
                f"Workflow {_quote(ticket_definition.workflow_key)} has no published version in this company; "
                "publish it first.",
            )
        )
    return problems
