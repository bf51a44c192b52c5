"""Fields schemas: the JSON Schema subset TicketFlower renders as forms (docs/bundle-format.md).

Ticket types (`fields_schema`) and tasks (`input_schema`, `output_schema`) describe
their fields with a flat object schema whose properties are text, numbers,
yes/no and choices. Anything outside the subset is a problem, named by path.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from workflow_design.limits import FIELD_NAME_PATTERN
from workflow_design.problems import Problem, is_int, is_number, join, quote, type_name

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
    "integer": is_int,
    "number": is_number,
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
        return [Problem(path, f"The schema must be an object, not {type_name(schema)}.")]
    if not schema:
        return []
    problems = []
    for keyword in schema:
        if keyword not in SCHEMA_KEYWORDS:
            problems.append(
                Problem(
                    join(path, str(keyword)),
                    f"Schema keyword {quote(keyword)} is not supported; use type, properties, required and x-order.",
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
                Problem(join(where, index), f"'{keyword}' names field {quote(name)}, which does not exist.")
            )
    if len(set(names)) != len(names):
        problems.append(Problem(where, f"'{keyword}' lists a field more than once."))
    return problems


def _validate_field(name: Any, field: Any, path: str) -> list[Problem]:
    label = f"Field {quote(name)}"
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
        return [*problems, Problem(path, f"{label} must be an object, not {type_name(field)}.")]
    field_type = field.get("type")
    if "type" not in field:
        return [*problems, Problem(join(path, "type"), f"{label} needs a type: string, integer, number or boolean.")]
    if field_type not in FIELD_TYPES:
        shown = quote(field_type)
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
                    f"{label}: keyword {quote(keyword)} is not supported for a {field_type} field; use {allowed}.",
                )
            )
    for keyword in ("title", "description"):
        if keyword in field and not isinstance(field[keyword], str):
            problems.append(Problem(join(path, keyword), f"{label}: {keyword} must be a string."))
    if field_type == "string":
        problems += _validate_string_field(label, field, path)
    elif field_type in ("integer", "number"):
        problems += _validate_bounds(label, field, path, "minimum", "maximum", is_number, "numbers")
    if "default" in field:
        default = field["default"]
        if not _VALUE_CHECKS[field_type](default):
            problems.append(
                Problem(
                    join(path, "default"),
                    f"{label}: the default must be of type {field_type}, not {type_name(default)}.",
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
                f"{label}: format {quote(field['format'])} is not supported; use textarea, email, date or file.",
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
    non_negative_int = lambda v: is_int(v) and v >= 0  # noqa: E731
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
