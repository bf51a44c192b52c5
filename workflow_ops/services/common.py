"""What the services share: their exceptions and the check of data against a fields schema."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator


class NotAllowed(Exception):
    """The person may not do this (or no longer: someone else was quicker); the message says why."""


class InvalidData(Exception):
    """Submitted data does not fit the form; `errors` maps each field ("" for the whole form) to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{field or 'form'}: {' '.join(messages)}" for field, messages in errors.items()))


def schema_errors(schema: dict[str, Any] | None, data: Any) -> dict[str, list[str]]:
    """Every way `data` breaks `schema`, by field, in words: the last word on what a form accepts."""
    if not schema:
        return {}
    errors: dict[str, list[str]] = {}
    for error in Draft202012Validator(schema).iter_errors(data):
        if error.validator == "required":
            field = next((name for name in error.validator_value if name not in (error.instance or {})), "")
            message = "This field is required."
        else:
            field = str(error.absolute_path[0]) if error.absolute_path else ""
            title = ((schema.get("properties") or {}).get(field) or {}).get("title") or field
            message = _sentence(error, title)
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
    if kind in ("minLength", "maxLength"):
        return f"Use {'at least' if kind == 'minLength' else 'at most'} {expected} characters."
    if kind == "additionalProperties":
        return "The form holds a field it does not know."
    return error.message
