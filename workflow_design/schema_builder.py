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
    "integer": ("Whole number", "integer", None),
    "number": ("Number", "number", None),
    "boolean": ("Yes / no", "boolean", None),
}
FIELD_TYPE_CHOICES = [(code, label) for code, (label, _, _) in FIELD_TYPES.items()]
TEXT_TYPES = {"text", "textarea", "email"}
NUMBER_TYPES = {"integer", "number"}
# Keys a property may carry and still be edited as a row.
_ROW_KEYS = {"type", "title", "description", "format", "enum", "minimum", "maximum", "minLength", "maxLength"}
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
    # Value bounds for integer/number fields, length bounds for text fields.
    minimum: int | float | None = None
    maximum: int | float | None = None
    help_text: str = ""


def _number(value: int | float | None, type_code: str) -> int | float | None:
    if value is None:
        return None
    if type_code != "number" or float(value).is_integer():
        return int(value)
    return float(value)


def row_to_property(row: FieldRow) -> dict[str, Any]:
    label, json_type, json_format = FIELD_TYPES[row.type]
    prop: dict[str, Any] = {"type": json_type, "title": row.label or row.name}
    if row.help_text:
        prop["description"] = row.help_text
    if json_format:
        prop["format"] = json_format
    if row.type == "choice":
        prop["enum"] = list(row.choices)
    if row.type in NUMBER_TYPES:
        if row.minimum is not None:
            prop["minimum"] = _number(row.minimum, row.type)
        if row.maximum is not None:
            prop["maximum"] = _number(row.maximum, row.type)
    elif row.type in TEXT_TYPES:
        if row.minimum is not None:
            prop["minLength"] = int(row.minimum)
        if row.maximum is not None:
            prop["maxLength"] = int(row.maximum)
    return prop


def rows_to_schema(rows: list[FieldRow]) -> dict[str, Any]:
    """The JSON Schema object for `rows`, in their order."""
    schema: dict[str, Any] = {"type": "object", "properties": {row.name: row_to_property(row) for row in rows}}
    required = [row.name for row in rows if row.required]
    if required:
        schema["required"] = required
    if rows:
        schema["x-order"] = [row.name for row in rows]
    return schema


def property_type(prop: dict[str, Any]) -> str:
    """The row type code of one schema property (UnsupportedSchema if none fits)."""
    json_type, json_format = prop.get("type"), prop.get("format")
    if "enum" in prop:
        if json_type not in (None, "string") or not all(isinstance(value, str) for value in prop["enum"]):
            raise UnsupportedSchema("Only text choices can be edited as rows.")
        return "choice"
    for code, (_, row_json_type, row_format) in FIELD_TYPES.items():
        if code != "choice" and json_type == row_json_type and json_format == row_format:
            return code
    raise UnsupportedSchema(f"A field of type {json_type!r} (format {json_format!r}) cannot be edited as a row.")


def schema_to_rows(schema: dict[str, Any] | None) -> list[FieldRow]:
    """Rows for a schema `rows_to_schema` could have made; UnsupportedSchema otherwise."""
    if not schema:
        return []
    if not isinstance(schema, dict) or schema.get("type") != "object" or set(schema) - _OBJECT_KEYS:
        raise UnsupportedSchema("Only a flat object schema can be edited as rows.")
    properties = schema.get("properties") or {}
    if not isinstance(properties, dict):
        raise UnsupportedSchema("`properties` must be an object.")
    order = [name for name in schema.get("x-order") or [] if name in properties]
    order += [name for name in properties if name not in order]
    required = set(schema.get("required") or [])
    rows = []
    for name in order:
        prop = properties[name]
        if not isinstance(prop, dict) or set(prop) - _ROW_KEYS or not FIELD_NAME_PATTERN.match(name):
            raise UnsupportedSchema(f"The field {name!r} uses settings the row editor cannot show.")
        type_code = property_type(prop)
        if type_code in NUMBER_TYPES:
            minimum, maximum = prop.get("minimum"), prop.get("maximum")
        else:
            minimum, maximum = prop.get("minLength"), prop.get("maxLength")
            if type_code not in TEXT_TYPES and (minimum is not None or maximum is not None):
                raise UnsupportedSchema(f"The field {name!r} has length limits its type cannot show.")
        if type_code not in NUMBER_TYPES and ("minimum" in prop or "maximum" in prop):
            raise UnsupportedSchema(f"The field {name!r} has number limits its type cannot show.")
        rows.append(
            FieldRow(
                name=name,
                label=prop.get("title", ""),
                type=type_code,
                required=name in required,
                choices=list(prop.get("enum", [])),
                minimum=minimum,
                maximum=maximum,
                help_text=prop.get("description", ""),
            )
        )
    return rows


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
