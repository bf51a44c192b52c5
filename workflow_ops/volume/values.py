"""Plausible values for a JSON Schema form: ticket fields and task answers that read like real work.

A value is chosen by the field's type and format, its enum, and hints in its name
("amount", "customer_name", "po_number"); text fields draw on word lists large enough
that searching finds some tickets and not others. Everything comes from the `random.Random`
passed in, so one seed gives the same values.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from workflow_ops.volume.words import (
    ADJECTIVES,
    COMPANY_KINDS,
    COMPANY_WORDS,
    DEVICES,
    FIRST_NAMES,
    JOBS,
    LAST_NAMES,
    OBJECTS,
    OPENERS,
    PRODUCTS,
    SEASONS,
    SUBJECTS,
    SYMPTOMS,
    TAILS,
    VERBS,
)

_NAME_HINTS = ("approver", "contact_name", "person", "owner_name")
_COMPANY_HINTS = ("customer", "company", "vendor", "supplier", "client")
_CODE_HINTS = ("number", "reference", "sku", "code", "_id")
_MONEY_HINTS = ("amount", "budget", "total", "price", "cost")


def person_name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def company_name(rng: random.Random) -> str:
    return f"{rng.choice(COMPANY_WORDS).replace('-', ' ')} {rng.choice(COMPANY_KINDS)}"


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(OPENERS)} {rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}."


def paragraph(rng: random.Random) -> str:
    parts = [sentence(rng) for _ in range(rng.randint(1, 2))]
    if rng.random() < 0.6:
        parts.append(rng.choice(TAILS))
    return " ".join(parts)


def _code(name: str, rng: random.Random) -> str:
    """ "PO-48213" for po_number, "INV-…" for invoice_number."""
    prefix = name.replace("-", "_").split("_")[0][:3].upper() or "REF"
    return f"{prefix}-{rng.randint(1000, 99999)}"


def _text(name: str, rng: random.Random) -> str:
    """A short text chosen by what the field's name says it holds."""
    if name in ("summary", "subject", "title"):
        return f"{rng.choice(DEVICES).capitalize()} {rng.choice(SYMPTOMS)}"
    if name in ("item", "what"):
        return f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(PRODUCTS)}"
    if name.startswith("job"):
        return f"{rng.choice(SEASONS)} {rng.choice(JOBS)}"
    if any(hint in name for hint in _NAME_HINTS) or name == "name":
        return " ".join(person_name(rng))
    if any(hint in name for hint in _COMPANY_HINTS):
        return company_name(rng)
    if any(hint in name for hint in _CODE_HINTS):
        return _code(name, rng)
    return " ".join(rng.choice(OBJECTS).split()[:4]).capitalize()


def _weighted_enum(options: list[Any], rng: random.Random) -> Any:
    """The first option is the usual answer ("approved"), later ones ever rarer."""
    return rng.choices(options, weights=[1 / (index + 1) for index in range(len(options))])[0]


def _number(name: str, spec: dict[str, Any], rng: random.Random, *, integer: bool) -> int | float:
    low = spec.get("minimum", 0 if integer or any(hint in name for hint in _MONEY_HINTS) else None)
    high = spec.get("maximum")
    if "quantity" in name:
        value: float = min(int(rng.paretovariate(1.3)), 500)
    elif "minutes" in name:
        value = rng.choice((5, 10, 15, 20, 30, 45, 60, 90, 120, 240))
    elif "days" in name:
        value = rng.randint(1, 30)
    elif "version" in name:
        value = rng.choices((1, 2, 3), weights=(6, 3, 1))[0]
    elif any(hint in name for hint in _MONEY_HINTS):
        value = round(rng.lognormvariate(5.5, 1.1), 2)
    else:
        value = rng.randint(1, 100)
    if low is not None:
        value = max(value, low)
    if high is not None:
        value = min(value, high)
    return int(value) if integer else float(value)


def field_value(name: str, spec: dict[str, Any], rng: random.Random, *, when: datetime) -> Any:
    """A plausible value for one property of a JSON Schema object (`when`: the day it is written)."""
    if "enum" in spec and spec["enum"]:
        return _weighted_enum(list(spec["enum"]), rng)
    kind = spec.get("type")
    if kind == "boolean":
        return rng.random() < 0.8
    if kind in ("integer", "number"):
        return _number(name, spec, rng, integer=kind == "integer")
    if kind != "string":
        return None
    form = spec.get("format")
    if form == "email":
        first, last = person_name(rng)
        return f"{first}.{last}@{rng.choice(COMPANY_WORDS)}.example".lower()
    if form == "date":
        return (when + timedelta(days=rng.randint(-3, 60))).date().isoformat()
    if form in ("date-time", "datetime"):
        return (when + timedelta(hours=rng.randint(1, 240))).isoformat(timespec="minutes")
    if form == "file":
        return f"{name.replace('_', '-')}-{rng.randint(100, 9999)}.pdf"
    text = paragraph(rng) if form == "textarea" else _text(name, rng)
    min_length = spec.get("minLength", 0)
    if len(text) < min_length:
        text = (text + " " + paragraph(rng))[: max(min_length, len(text))]
    max_length = spec.get("maxLength")
    return text[:max_length] if max_length else text


def form_values(
    schema: dict[str, Any] | None, rng: random.Random, *, when: datetime, optional: float = 0.7
) -> dict[str, Any]:
    """Values for a form: every required field, each optional one with probability `optional`."""
    properties = (schema or {}).get("properties") or {}
    required = set((schema or {}).get("required") or ())
    values = {}
    for name, spec in properties.items():
        if name not in required and rng.random() >= optional:
            continue
        value = field_value(name, spec if isinstance(spec, dict) else {}, rng, when=when)
        if value is not None:
            values[name] = value
    return values


def ticket_title(type_title: str, schema: dict[str, Any] | None, data: dict[str, Any]) -> str:
    """The title a person would type: the summary itself, or the type and its first short text."""
    properties = (schema or {}).get("properties") or {}
    order = (schema or {}).get("x-order") or list(properties)
    for name in ("summary", "subject", "title"):
        if isinstance(data.get(name), str):
            return data[name][:200]
    for name in order:
        spec = properties.get(name) or {}
        value = data.get(name)
        if isinstance(value, str) and spec.get("format") not in ("email", "date", "file", "textarea"):
            return f"{type_title}: {value}"[:200]
    return type_title[:200]
