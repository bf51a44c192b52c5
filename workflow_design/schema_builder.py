"""Pure translations between what designers click and what definitions store.

- Form fields: a list of `FieldRow` ↔ the JSON Schema subset TicketFlower renders
  as forms (`rows_to_schema`, `schema_to_rows`; they round-trip).
- Conditions: "field, operator, value" ↔ a JsonLogic rule
  (`condition_to_jsonlogic`, `jsonlogic_to_condition`); anything more complex is
  shown and edited as raw JsonLogic.
- Transforms: "target field ← variable" rows ↔ `{target: {"var": path}}`
  (`transform_from_mapping_rows`, `mapping_rows_from_transform`); anything more
  complex is edited as raw JsonLogic too.

No database access here, so the ticket-type pages, the workflow editor and the
diagram can all use the same functions.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from workflow_design.limits import FIELD_NAME_PATTERN

# type code -> (label, JSON Schema "type", JSON Schema "format")
FIELD_TYPES: dict[str, tuple[str, str, str | None]] = {
    "text": ("Short text", "string", None),
    "textarea": ("Long text", "string", "textarea"),
    "email": ("Email", "string", "email"),
    "date": ("Date", "string", "date"),
    "file": ("File upload", "string", "file"),
    "choice": ("Choice", "string", None),
    "multichoice": ("Checkboxes", "array", None),
    "integer": ("Whole number", "integer", None),
    "number": ("Number", "number", None),
    "boolean": ("Yes / no", "boolean", None),
    "table": ("Table", "array", None),
}
FIELD_TYPE_CHOICES = [(code, label) for code, (label, _, _) in FIELD_TYPES.items()]
# What a table's column may be (docs/bundle-format.md: scalar columns, no long text or files).
COLUMN_TYPES = ("text", "email", "date", "choice", "integer", "number", "boolean")
COLUMN_TYPE_CHOICES = [(code, FIELD_TYPES[code][0]) for code in COLUMN_TYPES]
TEXT_TYPES = {"text", "textarea", "email"}
NUMBER_TYPES = {"integer", "number"}
# Types whose min/max count items: rows of a table, ticked choices of a multi-choice field.
LIST_TYPES = {"multichoice", "table"}
CHOICE_TYPES = {"choice", "multichoice"}
_BASE_KEYS = {"type", "title", "description"}
_TEXT_KEYS = {"minLength", "maxLength", "pattern", "x-pattern-message"}
# Keys a property of each row type may carry and still be edited as a row.
_ROW_KEYS: dict[str, set[str]] = {
    "text": _BASE_KEYS | _TEXT_KEYS,
    "textarea": _BASE_KEYS | _TEXT_KEYS | {"format"},
    "email": _BASE_KEYS | _TEXT_KEYS | {"format"},
    "date": _BASE_KEYS | {"format"},
    "file": _BASE_KEYS | {"format"},
    "choice": _BASE_KEYS | {"enum"},
    "multichoice": _BASE_KEYS | {"items", "uniqueItems", "minItems", "maxItems"},
    "integer": _BASE_KEYS | {"minimum", "maximum"},
    "number": _BASE_KEYS | {"minimum", "maximum", "x-decimal-places"},
    "boolean": _BASE_KEYS,
    "table": _BASE_KEYS | {"items", "minItems", "maxItems"},
}
# The column editor shows less: no help text and no pattern.
_COLUMN_ROW_KEYS = {code: _ROW_KEYS[code] - {"description", "pattern", "x-pattern-message"} for code in COLUMN_TYPES}
_BOUND_KEYS = {"number": ("minimum", "maximum"), "text": ("minLength", "maxLength"), "list": ("minItems", "maxItems")}
_OBJECT_KEYS = {"type", "properties", "required", "x-order"}


class UnsupportedSchema(ValueError):
    """The schema uses JSON Schema features the row editor cannot show; edit it raw."""


@dataclass
class FieldRow:
    name: str
    label: str = ""
    type: str = "text"
    required: bool = False
    choices: list[str] = field(default_factory=list)
    # Value bounds for integer/number fields, length bounds for text fields, rows of a table,
    # ticked choices of a multi-choice field.
    minimum: int | float | None = None
    maximum: int | float | None = None
    help_text: str = ""
    # Text: a regular expression the answer must match, and what people are told when it does not.
    pattern: str = ""
    pattern_message: str = ""
    # Number: at most this many digits after the decimal point (x-decimal-places).
    decimal_places: int | None = None
    # Table: its columns (rows of the column types, without columns of their own).
    columns: list[FieldRow] = field(default_factory=list)


def _number(value: int | float | None, type_code: str) -> int | float | None:
    if value is None:
        return None
    if type_code != "number" or float(value).is_integer():
        return int(value)
    return float(value)


def _bound_keys(type_code: str) -> tuple[str, str] | None:
    if type_code in NUMBER_TYPES:
        return _BOUND_KEYS["number"]
    if type_code in TEXT_TYPES:
        return _BOUND_KEYS["text"]
    if type_code in LIST_TYPES:
        return _BOUND_KEYS["list"]
    return None


def row_to_property(row: FieldRow) -> dict[str, Any]:
    label, json_type, json_format = FIELD_TYPES[row.type]
    prop: dict[str, Any] = {"type": json_type, "title": row.label or row.name}
    if row.help_text:
        prop["description"] = row.help_text
    if json_format:
        prop["format"] = json_format
    if row.type == "choice":
        prop["enum"] = list(row.choices)
    elif row.type == "multichoice":
        prop["items"] = {"type": "string", "enum": list(row.choices)}
        prop["uniqueItems"] = True
    elif row.type == "table":
        prop["items"] = _object_schema(row.columns)
    bounds = _bound_keys(row.type)
    if bounds:
        for key, value in zip(bounds, (row.minimum, row.maximum), strict=True):
            if value is not None:
                prop[key] = _number(value, row.type)
    if row.type in TEXT_TYPES and row.pattern:
        prop["pattern"] = row.pattern
        if row.pattern_message:
            prop["x-pattern-message"] = row.pattern_message
    if row.type == "number" and row.decimal_places is not None:
        prop["x-decimal-places"] = int(row.decimal_places)
    return prop


def _object_schema(rows: list[FieldRow]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": {row.name: row_to_property(row) for row in rows}}
    required = [row.name for row in rows if row.required]
    if required:
        schema["required"] = required
    if rows:
        schema["x-order"] = [row.name for row in rows]
    return schema


def rows_to_schema(rows: list[FieldRow]) -> dict[str, Any]:
    """The JSON Schema object for `rows`, in their order."""
    return _object_schema(rows)


def property_type(prop: dict[str, Any]) -> str:
    """The row type code of one schema property (UnsupportedSchema if none fits)."""
    json_type, json_format = prop.get("type"), prop.get("format")
    if json_type == "array":
        items = prop.get("items")
        if isinstance(items, dict) and items.get("type") == "object":
            return "table"
        choices = items.get("enum") if isinstance(items, dict) else None
        text_choices = isinstance(choices, list) and all(isinstance(value, str) for value in choices)
        if isinstance(items, dict) and items.get("type") == "string" and text_choices:
            return "multichoice"
        raise UnsupportedSchema("Only tables and lists of text choices can be edited as rows.")
    if "enum" in prop:
        if json_type not in (None, "string") or not all(isinstance(value, str) for value in prop["enum"]):
            raise UnsupportedSchema("Only text choices can be edited as rows.")
        return "choice"
    for code, (_, row_json_type, row_format) in FIELD_TYPES.items():
        if code != "choice" and json_type == row_json_type and json_format == row_format:
            return code
    raise UnsupportedSchema(f"A field of type {json_type!r} (format {json_format!r}) cannot be edited as a row.")


def _object_rows(schema: Any, *, columns: bool) -> list[FieldRow]:
    if not isinstance(schema, dict) or schema.get("type") != "object" or set(schema) - _OBJECT_KEYS:
        raise UnsupportedSchema("Only a flat object schema can be edited as rows.")
    properties = schema.get("properties") or {}
    if not isinstance(properties, dict):
        raise UnsupportedSchema("`properties` must be an object.")
    order = [name for name in schema.get("x-order") or [] if name in properties]
    order += [name for name in properties if name not in order]
    required = set(schema.get("required") or [])
    return [_property_row(name, properties[name], name in required, column=columns) for name in order]


def _property_row(name: str, prop: Any, required: bool, *, column: bool) -> FieldRow:
    cannot = UnsupportedSchema(f"The field {name!r} uses settings the row editor cannot show.")
    if not isinstance(prop, dict) or not FIELD_NAME_PATTERN.match(name):
        raise cannot
    type_code = property_type(prop)
    allowed = _COLUMN_ROW_KEYS.get(type_code) if column else _ROW_KEYS[type_code]
    if allowed is None or set(prop) - allowed:
        raise cannot
    minimum = maximum = None
    bounds = _bound_keys(type_code)
    if bounds:
        minimum, maximum = prop.get(bounds[0]), prop.get(bounds[1])
    row = FieldRow(
        name=name,
        label=prop.get("title", ""),
        type=type_code,
        required=required,
        choices=list(prop.get("enum", [])),
        minimum=minimum,
        maximum=maximum,
        help_text=prop.get("description", ""),
        pattern=prop.get("pattern", ""),
        pattern_message=prop.get("x-pattern-message", ""),
        decimal_places=prop.get("x-decimal-places"),
    )
    if type_code == "multichoice":
        if set(prop["items"]) != {"type", "enum"} or prop.get("uniqueItems") is not True:
            raise cannot
        row.choices = list(prop["items"]["enum"])
    elif type_code == "table":
        row.columns = _object_rows(prop["items"], columns=True)
    return row


def schema_to_rows(schema: dict[str, Any] | None) -> list[FieldRow]:
    """Rows for a schema `rows_to_schema` could have made; UnsupportedSchema otherwise."""
    if not schema:
        return []
    return _object_rows(schema, columns=False)


def schema_field_types(schema: dict[str, Any] | None) -> dict[str, str]:
    """{field name: row type code} for the fields of a schema ("" where no row type fits)."""
    types = {}
    for name, prop in ((schema or {}).get("properties") or {}).items():
        try:
            types[name] = property_type(prop) if isinstance(prop, dict) else ""
        except UnsupportedSchema:
            types[name] = ""
    return types


# --- Conditions --------------------------------------------------------------------

CONDITION_OPERATORS: dict[str, str] = {
    "equals": "equals",
    "not_equals": "not equals",
    "greater_than": "greater than",
    "less_than": "less than",
    "at_least": "at least",
    "at_most": "at most",
    "is_one_of": "is one of",
    "is_true": "is true",
    "is_false": "is false",
    "is_empty": "is empty",
    "is_not_empty": "is not empty",
}
# Operators that compare with a value the designer types.
VALUE_OPERATORS = {"equals", "not_equals", "greater_than", "less_than", "at_least", "at_most", "is_one_of"}
_COMPARISONS = {
    "equals": "==",
    "not_equals": "!=",
    "greater_than": ">",
    "less_than": "<",
    "at_least": ">=",
    "at_most": "<=",
}
_COMPARISON_OPERATORS = {symbol: name for name, symbol in _COMPARISONS.items()}


def coerce_value(value: Any, field_type: str | None) -> Any:
    """A typed value for `field_type` from what the designer typed (ValueError if it does not fit)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if field_type == "integer":
        return int(text)
    if field_type == "number":
        number = float(text)
        if not math.isfinite(number):  # "nan", "inf", "1e400": not JSON
            raise ValueError(f"{value!r} is not a finite number.")
        return int(number) if number.is_integer() else number
    if field_type == "boolean":
        lowered = text.lower()
        if lowered in ("true", "yes", "1"):
            return True
        if lowered in ("false", "no", "0"):
            return False
        raise ValueError(f"{value!r} is not yes or no.")
    return text


def condition_to_jsonlogic(
    field_var: str, operator: str, value: Any = None, *, field_type: str | None = None
) -> dict[str, Any]:
    """JsonLogic for "<field_var> <operator> <value>", the value coerced by `field_type`.

    For "is one of" the value is a list or comma-separated text.
    """
    var = {"var": field_var}
    if operator in _COMPARISONS:
        return {_COMPARISONS[operator]: [var, coerce_value(value, field_type)]}
    if operator == "is_one_of":
        items = value if isinstance(value, list) else [item for item in str(value or "").split(",") if item.strip()]
        return {"in": [var, [coerce_value(item, field_type) for item in items]]}
    if operator == "is_true":
        return {"==": [var, True]}
    if operator == "is_false":
        return {"==": [var, False]}
    if operator == "is_empty":
        return {"!": [var]}
    if operator == "is_not_empty":
        return {"!!": [var]}
    raise ValueError(f"Unknown operator {operator!r}.")


def _var_name(term: Any) -> str | None:
    if isinstance(term, dict) and set(term) == {"var"}:
        name = term["var"]
        if isinstance(name, list) and len(name) == 1:
            name = name[0]
        if isinstance(name, str) and name:
            return name
    return None


def jsonlogic_to_condition(rule: Any) -> tuple[str, str, Any] | None:
    """(var, operator, value) for a rule the builder can show; None if it is too complex."""
    if not isinstance(rule, dict) or len(rule) != 1:
        return None
    ((symbol, args),) = rule.items()
    if symbol in ("!", "!!"):
        args = args if isinstance(args, list) else [args]
        var = _var_name(args[0]) if len(args) == 1 else None
        return (var, "is_empty" if symbol == "!" else "is_not_empty", None) if var else None
    if not isinstance(args, list) or len(args) != 2:
        return None
    var, value = _var_name(args[0]), args[1]
    if var is None or isinstance(value, dict):
        return None
    if symbol == "==" and isinstance(value, bool):
        return var, "is_true" if value else "is_false", None
    if symbol in _COMPARISON_OPERATORS and not isinstance(value, list):
        return var, _COMPARISON_OPERATORS[symbol], value
    if symbol == "in" and isinstance(value, list) and not any(isinstance(item, (dict, list)) for item in value):
        return var, "is_one_of", value
    return None


def display_variable(var: str) -> str:
    """`tasks.approval.decision` reads as `approval.decision`."""
    return var.removeprefix("tasks.")


def _display_value(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(_display_value(item) for item in value)
    return json.dumps(value)


# Strict comparisons read like the builder's: to a person, `=== true` is "is true".
_STRICT_AS_LOOSE = {"===": "==", "!==": "!="}


def condition_text(rule: Any, *, own_task: str | None = None) -> str:
    """A sentence for a condition: "approval.decision equals 'declined'", "always", or compact JsonLogic.

    `own_task` is the key of the task the arrow leaves (the diagram): its own fields read by name alone,
    "decision equals 'declined'".
    """
    if rule is None:  # only a missing condition means "always"; `false` is a condition too
        return "always"
    shown = rule
    if isinstance(rule, dict) and len(rule) == 1 and next(iter(rule)) in _STRICT_AS_LOOSE:
        ((symbol, args),) = rule.items()
        shown = {_STRICT_AS_LOOSE[symbol]: args}
    parsed = jsonlogic_to_condition(shown)
    if parsed is None:
        return json.dumps(rule, separators=(",", ":"), ensure_ascii=False)
    var, operator, value = parsed
    if own_task and var.startswith(f"tasks.{own_task}."):
        var = var.removeprefix(f"tasks.{own_task}.")
    text = f"{display_variable(var)} {CONDITION_OPERATORS[operator]}"
    if operator in VALUE_OPERATORS:
        text += f" {_display_value(value)}"
    return text


# --- Transforms (mappings) ------------------------------------------------------------


def mapping_rows_from_transform(transform: Any) -> list[tuple[str, str]] | None:
    """(target, variable) pairs when every rule is a plain `{"var": "<path>"}` copy; None otherwise.

    A default (`{"var": [path, default]}`), any operator, or a target that is not a
    field name makes the transform too complex for rows: it is edited as raw JsonLogic.
    """
    if transform is None or transform == {}:
        return []
    if not isinstance(transform, dict):
        return None
    rows = []
    for target, rule in transform.items():
        if not isinstance(target, str) or not FIELD_NAME_PATTERN.match(target):
            return None
        if not isinstance(rule, dict) or set(rule) != {"var"} or not isinstance(rule["var"], str) or not rule["var"]:
            return None
        rows.append((target, rule["var"]))
    return rows


def transform_from_mapping_rows(rows: list[tuple[str, str]]) -> dict[str, Any] | None:
    """`{target: {"var": variable}}` in row order; None for no rows (the task has no transform)."""
    return {target: {"var": variable} for target, variable in rows} or None


def ordered_field_names(schema: dict[str, Any] | None) -> list[str]:
    """A fields schema's field names in form order: `x-order` first, then the rest as declared."""
    properties = (schema or {}).get("properties") or {}
    if not isinstance(properties, dict):
        return []
    order = [name for name in (schema or {}).get("x-order") or [] if name in properties]
    return order + [name for name in properties if name not in order]
