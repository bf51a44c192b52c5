"""What the services share: their exceptions and the check of data against a fields schema."""

from __future__ import annotations

from typing import Any

from workflow_design.validation.fields_schema import FieldsDataValidator


class NotAllowed(Exception):
    """The person may not do this (or no longer: someone else was quicker); the message says why."""


class InvalidData(Exception):
    """Submitted data does not fit the form; `errors` maps each field ("" for the whole form) to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{field or 'form'}: {' '.join(messages)}" for field, messages in errors.items()))


def schema_errors(schema: dict[str, Any] | None, data: Any) -> dict[str, list[str]]:
    """Every way `data` breaks `schema`, by field, in words: the last word on what a form accepts.

    A cell of a table is reported on its table, naming the row and column ("Row 2, Meters: …").
    """
    if not schema:
        return {}
    errors: dict[str, list[str]] = {}
    for error in FieldsDataValidator(schema).iter_errors(data):
        path = list(error.absolute_path)
        if error.validator == "required":
            missing = next((name for name in error.validator_value if name not in (error.instance or {})), "")
            if not path:
                errors.setdefault(missing, []).append("This field is required.")
                continue
            title = ((error.schema.get("properties") or {}).get(missing) or {}).get("title") or missing
            field, message = str(path[0]), f"{title} is required."
        else:
            field = str(path[0]) if path else ""
            message = _sentence(error, error.schema.get("title") or (str(path[-1]) if path else ""))
        if len(path) >= 2 and isinstance(path[1], int):
            field_schema = (schema.get("properties") or {}).get(field) or {}
            if (field_schema.get("items") or {}).get("type") == "object":
                column = f", {error.schema.get('title') or path[2]}" if len(path) > 2 else ""
                message = f"Row {path[1] + 1}{column}: {message}"
        errors.setdefault(field, []).append(message)
    return errors


def _sentence(error: Any, title: str) -> str:
    kind, expected = error.validator, error.validator_value
    if kind == "enum":
        return f"Choose one of: {', '.join(map(str, expected))}."
    if kind == "type":
        return f"{title or 'This value'} must be {expected}."
    if kind in ("minimum", "maximum"):
        return f"Must be {'at least' if kind == 'minimum' else 'at most'} {expected}."
    if kind in ("exclusiveMinimum", "exclusiveMaximum"):
        return f"Must be {'more' if kind == 'exclusiveMinimum' else 'less'} than {expected}."
    if kind in ("minLength", "maxLength"):
        return f"Use {'at least' if kind == 'minLength' else 'at most'} {expected} characters."
    if kind == "pattern":
        # Never the regular expression itself: the designer's message, or a plain one.
        return error.schema.get("x-pattern-message") or "This is not in the expected format."
    if kind == "x-decimal-places":
        return f"Use at most {expected} decimal places."
    if kind in ("minItems", "maxItems"):
        table = (error.schema.get("items") or {}).get("type") == "object"
        what = ("row" if table else "choice") + ("" if expected == 1 else "s")
        return f"{'Add at least' if kind == 'minItems' else 'Use at most'} {expected} {what}."
    if kind == "uniqueItems":
        return "Choose each choice only once."
    if kind == "additionalProperties":
        return "The form holds a field it does not know."
    return error.message
