"""Fields schemas: the JSON Schema subset TicketFlower renders as forms (docs/bundle-format.md).

Ticket types (`fields_schema`) and tasks (`input_schema`, `output_schema`) describe
their fields with a flat object schema whose properties are text, numbers,
yes/no, choices, multi-choice lists (an array of enum strings) and tables (an
array of objects with scalar columns). Anything outside the subset is a problem,
named by path.

`FieldsDataValidator` checks data against such a schema: draft 2020-12 plus our
one extension keyword, `x-decimal-places`, so the forms and the services agree.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import SchemaError, ValidationError

from workflow_design.limits import (
    FIELD_NAME_PATTERN,
    MAX_DECIMAL_PLACES,
    MAX_PATTERN_LENGTH,
    MAX_TABLE_COLUMNS,
    MAX_TABLE_ROWS,
)
from workflow_design.problems import Problem, is_int, is_number, join, quote, type_name

FIELD_TYPES = ("string", "integer", "number", "boolean", "array")
COLUMN_TYPES = ("string", "integer", "number", "boolean")
STRING_FORMATS = ("textarea", "email", "date", "file")
COLUMN_FORMATS = ("email", "date")
_COMMON_FIELD_KEYWORDS = {"type", "title", "description", "default"}
_NUMBER_KEYWORDS = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
FIELD_KEYWORDS = {
    "string": _COMMON_FIELD_KEYWORDS | {"format", "enum", "minLength", "maxLength", "pattern", "x-pattern-message"},
    "integer": _COMMON_FIELD_KEYWORDS | _NUMBER_KEYWORDS,
    "number": _COMMON_FIELD_KEYWORDS | _NUMBER_KEYWORDS | {"x-decimal-places"},
    "boolean": _COMMON_FIELD_KEYWORDS,
    "array": {"type", "title", "description", "items", "minItems", "maxItems", "uniqueItems"},
}
# A table's columns are scalar fields without a default.
COLUMN_KEYWORDS = {kind: FIELD_KEYWORDS[kind] - {"default"} for kind in COLUMN_TYPES}
TABLE_ITEMS_KEYWORDS = {"type", "properties", "required", "x-order"}
CHOICE_ITEMS_KEYWORDS = {"type", "enum"}
SCHEMA_KEYWORDS = {"type", "properties", "required", "x-order", "title", "description"}
MAX_PATTERN_MESSAGE_LENGTH = 200
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
        problems += _validate_field(name, field, join(join(path, "properties"), str(name)), f"Field {quote(name)}")
    for keyword in ("required", "x-order"):
        problems += _validate_name_list(schema, keyword, properties, path, "field")
    if not problems:
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as error:
            where = join(path, ".".join(str(part) for part in error.path)) if error.path else path
            problems.append(Problem(where, f"Not a valid JSON Schema: {error.message}"))
    return problems


def _validate_name_list(schema: dict, keyword: str, properties: dict, path: str, noun: str) -> list[Problem]:
    if keyword not in schema:
        return []
    names = schema[keyword]
    where = join(path, keyword)
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        return [Problem(where, f"'{keyword}' must be a list of {noun} names.")]
    problems = []
    for index, name in enumerate(names):
        if name not in properties:
            problems.append(
                Problem(join(where, index), f"'{keyword}' names {noun} {quote(name)}, which does not exist.")
            )
    if len(set(names)) != len(names):
        problems.append(Problem(where, f"'{keyword}' lists a {noun} more than once."))
    return problems


def _validate_field(name: Any, field: Any, path: str, label: str, *, column: bool = False) -> list[Problem]:
    """One field (or, with `column`, one column of a table), `label` naming it in messages."""
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
    types = COLUMN_TYPES if column else FIELD_TYPES
    spelled = "string, integer, number or boolean" if column else "string, integer, number, boolean or array"
    field_type = field.get("type")
    if "type" not in field:
        return [*problems, Problem(join(path, "type"), f"{label} needs a type: {spelled}.")]
    if field_type not in types:
        where = " in a table" if column else ""
        return [
            *problems,
            Problem(
                join(path, "type"),
                f"{label}: type {quote(field_type)} is not supported{where}; use {spelled}.",
            ),
        ]
    allowed_keywords = COLUMN_KEYWORDS[field_type] if column else FIELD_KEYWORDS[field_type]
    for keyword in field:
        if keyword not in allowed_keywords:
            allowed = ", ".join(sorted(allowed_keywords - {"type"}))
            kind = f"{field_type} column" if column else f"{field_type} field"
            problems.append(
                Problem(
                    join(path, str(keyword)),
                    f"{label}: keyword {quote(keyword)} is not supported for a {kind}; use {allowed}.",
                )
            )
    for keyword in ("title", "description"):
        if keyword in field and not isinstance(field[keyword], str):
            problems.append(Problem(join(path, keyword), f"{label}: {keyword} must be a string."))
    if field_type == "string":
        problems += _validate_string_field(label, field, path, COLUMN_FORMATS if column else STRING_FORMATS)
    elif field_type in ("integer", "number"):
        problems += _validate_number_field(label, field, path)
    elif field_type == "array":
        problems += _validate_array_field(label, field, path)
    if "default" in field and field_type in _VALUE_CHECKS and not column:
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


def _validate_choices(label: str, field: dict, path: str) -> list[Problem]:
    choices = field["enum"]
    if not isinstance(choices, list) or not choices or not all(isinstance(c, str) for c in choices):
        return [Problem(join(path, "enum"), f"{label}: the choices (enum) must be a non-empty list of strings.")]
    if len(set(choices)) != len(choices):
        return [Problem(join(path, "enum"), f"{label}: the choices (enum) must not repeat.")]
    return []


def _validate_string_field(label: str, field: dict, path: str, formats: tuple[str, ...]) -> list[Problem]:
    problems = []
    if "format" in field and field["format"] not in formats:
        where = " in a table column" if formats == COLUMN_FORMATS else ""
        problems.append(
            Problem(
                join(path, "format"),
                f"{label}: format {quote(field['format'])} is not supported{where}; use {', '.join(formats[:-1])} "
                f"or {formats[-1]}.",
            )
        )
    if "enum" in field:
        problems += _validate_choices(label, field, path)
    non_negative_int = lambda v: is_int(v) and v >= 0  # noqa: E731
    problems += _validate_bounds(label, field, path, "minLength", "maxLength", non_negative_int, "whole numbers ≥ 0")
    problems += _validate_pattern(label, field, path)
    return problems


def _validate_pattern(label: str, field: dict, path: str) -> list[Problem]:
    problems = []
    if "pattern" in field:
        pattern = field["pattern"]
        where = join(path, "pattern")
        if not isinstance(pattern, str) or not pattern:
            problems.append(Problem(where, f"{label}: pattern must be a regular expression, as text."))
        elif len(pattern) > MAX_PATTERN_LENGTH:
            problems.append(Problem(where, f"{label}: pattern is longer than {MAX_PATTERN_LENGTH} characters."))
        else:
            try:
                re.compile(pattern)
            except re.error as error:
                problems.append(Problem(where, f"{label}: pattern is not a valid regular expression ({error})."))
    if "x-pattern-message" in field:
        message = field["x-pattern-message"]
        where = join(path, "x-pattern-message")
        if "pattern" not in field:
            problems.append(Problem(where, f"{label}: x-pattern-message only goes with a pattern."))
        elif not isinstance(message, str) or not message.strip() or len(message) > MAX_PATTERN_MESSAGE_LENGTH:
            problems.append(
                Problem(
                    where,
                    f"{label}: x-pattern-message must be text of 1 to {MAX_PATTERN_MESSAGE_LENGTH} characters.",
                )
            )
    return problems


def _validate_number_field(label: str, field: dict, path: str) -> list[Problem]:
    problems = []
    for keyword in sorted(_NUMBER_KEYWORDS):
        if keyword in field and not is_number(field[keyword]):
            problems.append(Problem(join(path, keyword), f"{label}: {keyword} must be a number."))
    if "x-decimal-places" in field:
        places = field["x-decimal-places"]
        if not is_int(places) or not 0 <= places <= MAX_DECIMAL_PLACES:
            problems.append(
                Problem(
                    join(path, "x-decimal-places"),
                    f"{label}: x-decimal-places must be a whole number from 0 to {MAX_DECIMAL_PLACES}.",
                )
            )
    if problems:
        return problems
    # Each lower bound against each upper bound: some number must fit between them.
    for low in ("minimum", "exclusiveMinimum"):
        for high in ("maximum", "exclusiveMaximum"):
            if low not in field or high not in field:
                continue
            if low == "minimum" and high == "maximum":
                if field[low] > field[high]:
                    problems.append(Problem(join(path, low), f"{label}: {low} is greater than {high}."))
            elif field[low] >= field[high]:
                problems.append(
                    Problem(
                        join(path, low),
                        f"{label}: no number fits between {low} {field[low]} and {high} {field[high]}.",
                    )
                )
    return problems


def _validate_bounds(label: str, field: dict, path: str, low: str, high: str, check, kind: str) -> list[Problem]:
    problems = []
    for keyword in (low, high):
        if keyword in field and not check(field[keyword]):
            problems.append(Problem(join(path, keyword), f"{label}: {keyword} must be {kind}."))
    if not problems and low in field and high in field and field[low] > field[high]:
        problems.append(Problem(join(path, low), f"{label}: {low} is greater than {high}."))
    return problems


def _validate_array_field(label: str, field: dict, path: str) -> list[Problem]:
    """A multi-choice field (items: a string enum, uniqueItems) or a table (items: an object of columns)."""
    where = join(path, "items")
    shapes = (
        'a table has "items": {"type": "object", "properties": {columns}}; a multi-choice field has '
        '"items": {"type": "string", "enum": [choices]} and "uniqueItems": true'
    )
    if "items" not in field:
        return [Problem(where, f"{label}: a list field needs items: {shapes}.")]
    items = field["items"]
    if not isinstance(items, dict):
        return [Problem(where, f"{label}: items must be an object, not {type_name(items)}: {shapes}.")]
    rows_limit = lambda v: is_int(v) and 0 <= v <= MAX_TABLE_ROWS  # noqa: E731
    problems = _validate_bounds(
        label, field, path, "minItems", "maxItems", rows_limit, f"whole numbers from 0 to {MAX_TABLE_ROWS}"
    )
    if items.get("type") == "object":
        if "uniqueItems" in field:
            problems.append(
                Problem(join(path, "uniqueItems"), f"{label}: uniqueItems is only for multi-choice fields.")
            )
        return problems + _validate_table_items(label, items, where)
    if items.get("type") == "string":
        if field.get("uniqueItems") is not True:
            problems.append(
                Problem(
                    join(path, "uniqueItems"),
                    f'{label}: a multi-choice field needs "uniqueItems": true (each choice at most once).',
                )
            )
        problems += _validate_choice_items(label, items, where)
        choices = items.get("enum")
        minimum = field.get("minItems")
        if not problems and is_int(minimum) and isinstance(choices, list) and minimum > len(choices):
            problems.append(
                Problem(join(path, "minItems"), f"{label}: minItems is more than the {len(choices)} choices.")
            )
        return problems
    return [*problems, Problem(join(where, "type"), f"{label}: {shapes}.")]


def _validate_choice_items(label: str, items: dict, path: str) -> list[Problem]:
    problems = [
        Problem(
            join(path, str(keyword)),
            f"{label}: keyword {quote(keyword)} is not supported in a multi-choice field's items; use type and enum.",
        )
        for keyword in items
        if keyword not in CHOICE_ITEMS_KEYWORDS
    ]
    if "enum" not in items:
        return [*problems, Problem(join(path, "enum"), f"{label}: a multi-choice field needs its choices (enum).")]
    return problems + _validate_choices(label, items, path)


def _validate_table_items(label: str, items: dict, path: str) -> list[Problem]:
    problems = [
        Problem(
            join(path, str(keyword)),
            f"{label}: keyword {quote(keyword)} is not supported in a table's items; "
            "use type, properties, required and x-order.",
        )
        for keyword in items
        if keyword not in TABLE_ITEMS_KEYWORDS
    ]
    columns = items.get("properties")
    where = join(path, "properties")
    if not isinstance(columns, dict) or not columns:
        return [*problems, Problem(where, f"{label}: a table needs its columns: properties, an object of fields.")]
    if len(columns) > MAX_TABLE_COLUMNS:
        problems.append(Problem(where, f"{label}: a table has at most {MAX_TABLE_COLUMNS} columns."))
    for name, column in columns.items():
        problems += _validate_field(name, column, join(where, str(name)), f"{label}, column {quote(name)}", column=True)
    for keyword in ("required", "x-order"):
        problems += _validate_name_list(items, keyword, columns, path, "column")
    return problems


# --- Data ----------------------------------------------------------------------------------


def decimal_places(number: int | float | Decimal) -> int:
    """How many digits a number has after the decimal point, as written (19.90 -> 1, 20 -> 0)."""
    if isinstance(number, int):
        return 0
    exponent = Decimal(str(number)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _decimal_places_keyword(validator: Any, places: Any, instance: Any, schema: dict) -> Any:
    if validator.is_type(instance, "number") and is_int(places) and decimal_places(instance) > places:
        yield ValidationError(f"{instance} has more than {places} decimal places.")


# Draft 2020-12 with `x-decimal-places` (JSON Schema's `multipleOf: 0.01` fails 19.99 in floating point).
FieldsDataValidator = validators.extend(Draft202012Validator, {"x-decimal-places": _decimal_places_keyword})
