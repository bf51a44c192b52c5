"""Shape problems of bundle documents, found by the bundle's JSON Schema and said in our words.

The schema (`workflow_design.bundle_schema`) is the only shape check: this module
turns each jsonschema error into a Problem with the document path and a sentence
naming the definition it is about, tasks and arrows by their titles ("Task “Get a
quote”: type 'EMAIL' is not one of FORM, SYNC_ACTION, ASYNC_ACTION.").
"""

from __future__ import annotations

import json
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from workflow_design.bundle_schema import bundle_schema
from workflow_design.limits import MAX_PRIORITY
from workflow_design.problems import Problem, join, quote, type_name
from workflow_design.validation.names import arrow_name, task_name

# The list a definition sits in, and how messages name one of them (with and without its key).
_KINDS = {
    "workflows": ("Workflow", "The workflow"),
    "tasks": ("Task", "The task"),
    "transitions": (None, "The arrow"),
    "ticket_definitions": ("Ticket type", "The ticket type"),
    "company_roles": (None, "The company role"),
    "ext_ref": (None, "The reference"),
}
# A definition validated on its own (`definition=`) is named as if it sat in this list.
_DEFINITION_LISTS = {
    "workflow": "workflows",
    "task": "tasks",
    "transition": "transitions",
    "ticket_definition": "ticket_definitions",
    "company_role": "company_roles",
}
_KEY_RULE = "use 1–80 lower-case letters, digits, '-' or '_', starting with a letter or digit"
_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "object": "an object",
    "array": "a list",
    "boolean": "true or false",
    "null": "null",
}


def shape_problems(doc: Any, *, definition: str | None = None, path: str = "") -> list[Problem]:
    """Problems of `doc` against the whole bundle schema, or one of its $defs (`definition`)."""
    schema = bundle_schema()
    if definition is not None:
        schema = {"$defs": schema["$defs"], "$ref": f"#/$defs/{definition}"}
    root_list = _DEFINITION_LISTS.get(definition or "")
    errors = Draft202012Validator(schema).iter_errors(doc)
    problems = []
    for error in sorted(errors, key=lambda e: [str(part) for part in e.absolute_path]):
        problems += _Translation(error, doc, path, root_list).problems()
    return problems


def _expected(types: Any) -> str:
    types = types if isinstance(types, list) else [types]
    return " or ".join(_TYPE_WORDS.get(name, name) for name in types)


class _Translation:
    """One jsonschema error, said as our problems."""

    def __init__(self, error: ValidationError, root: Any, base: str, root_list: str | None) -> None:
        self.error, self.root, self.root_list = error, root, root_list
        self.parts = list(error.absolute_path)
        self.path = base
        for part in self.parts:
            self.path = join(self.path, part)
        # The failing value's own name when it is a key of an object ('timeout_seconds').
        self.field = self.parts[-1] if self.parts and isinstance(self.parts[-1], str) else None

    def _list_of(self, parts: list) -> str | None:
        """The list a definition at `parts` sits in ("tasks"), or None."""
        if parts and isinstance(parts[-1], int) and len(parts) > 1:
            return str(parts[-2])
        return self.root_list if not parts else None

    def _object_at(self, parts: list) -> Any:
        node = self.root
        for part in parts:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def owner(self, parts: list) -> str:
        """How to name the definition at `parts`: "Task 'quote'", "The arrow", "The bundle"."""
        kind = self._list_of(parts)
        if kind not in _KINDS:
            return "The bundle" if not parts else f"'{parts[-1]}'"
        with_key, plain = _KINDS[kind]
        obj = self._object_at(parts)
        if kind == "tasks":
            return task_name(obj)
        if kind == "transitions" and len(parts) >= 2:
            workflow = self._object_at(parts[:-2])
            tasks = workflow.get("tasks") if isinstance(workflow, dict) else None
            task_docs = {
                task["key"]: task
                for task in (tasks if isinstance(tasks, list) else [])
                if isinstance(task, dict) and isinstance(task.get("key"), str)
            }
            return arrow_name(obj, task_docs)
        key = obj.get("key") if isinstance(obj, dict) else None
        return f"{with_key} {quote(key)}" if with_key and isinstance(key, str) else plain

    def what(self) -> str:
        """How to name the object the error is about, in the middle of a sentence: "a task"."""
        if not self.parts and self.root_list is None:
            return "the bundle"
        title = self.error.schema.get("title") if isinstance(self.error.schema, dict) else None
        return title or "an object"

    def problems(self) -> list[Problem]:
        error, value = self.error, self.error.instance
        kind, expected = error.validator, error.validator_value
        if kind == "required":
            return [
                Problem(join(self.path, key), f"Required key '{key}' is missing from {self.what()}.")
                for key in expected
                if isinstance(value, dict) and key not in value
            ]
        if kind == "additionalProperties":
            known = error.schema.get("properties", {})
            allowed = ", ".join(sorted(known))
            return [
                Problem(join(self.path, str(key)), f"Unknown key {quote(key)} in {self.what()}; allowed: {allowed}.")
                for key in value
                if key not in known
            ]
        return [Problem(self.path, self.message(kind, expected, value))]

    def message(self, kind: str, expected: Any, value: Any) -> str:
        field, owner = self.field, self.owner(self.parts[:-1])
        if kind == "type":
            if field is None:  # a list entry or the document itself
                return f"{self.owner(self.parts)} must be {_expected(expected)}, not {type_name(value)}."
            return f"'{field}' must be {_expected(expected)}, not {type_name(value)}."
        if kind == "const":
            return f"'{field}' must be {json.dumps(expected)}."
        if kind == "enum" and field == "type":
            return f"{owner}: type {quote(value)} is not one of {', '.join(expected)}."
        if kind == "enum":
            return f"{owner}: '{field}' must be one of {', '.join(map(str, expected))}, not {quote(value)}."
        if kind == "pattern":
            return self.pattern_message(owner, value)
        if kind == "anyOf":
            return f"{owner}: its '{field}' must be a task key or null, not {quote(value)}."
        if kind == "maxLength":
            what = "the title" if field == "title" else f"'{field}'"
            return f"{owner}: {what} is longer than {expected} characters."
        if kind == "minLength":
            return f"{owner}: '{field}' cannot be empty."
        if kind in ("minimum", "maximum") and field == "priority":
            return f"{owner}: its priority must be between ±{MAX_PRIORITY:,}, not {value:,}."
        if kind in ("minimum", "maximum"):
            low, high = self.error.schema.get("minimum"), self.error.schema.get("maximum")
            if low is not None and high is not None:
                return f"{owner}: {field} must be between {low} and {high}, not {value}."
            return f"{owner}: {field} must be {'at least' if kind == 'minimum' else 'at most'} {expected}."
        if kind == "uniqueItems":
            return f"{owner}: {field} lists the same item more than once."
        return f"{owner}: {self.error.message}"

    def pattern_message(self, owner: str, value: Any) -> str:
        if self.field == "name":
            return f"Company role name {quote(value)} cannot be empty or start or end with spaces."
        if self.field == "title":
            return f"{owner} needs a title."
        if self.field == "assignment":
            return (
                f"{owner}: assignment {quote(value)} is not one of least_loaded, pool, requester or same_as:<task key>."
            )
        if self.field == "workflow_key":
            return f"{owner}: workflow key {quote(value)} is not valid: {_KEY_RULE}."
        kind = _KINDS.get(self._list_of(self.parts[:-1]) or "", ("The", ""))[0] or "The"
        return f"{kind} key {quote(value)} is not valid: {_KEY_RULE}."
