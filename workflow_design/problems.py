"""`Problem`: one thing wrong with a definition, and the small helpers every rule uses to say so.

A problem names where it is (`path`, JSON-path-like: `workflows[0].tasks[2].title`)
and what is wrong (`message`, a plain sentence). Nothing here touches the database,
so bundles, the validator and the forms can all build problems.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition, located by `path`.

    Problems of stored workflows also carry the task key or arrow id they belong to,
    so the editor can show each one beside its task or arrow.
    """

    path: str
    message: str
    task_key: str | None = None
    transition_id: int | None = None

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def join(path: str, key: str | int) -> str:
    """`join("a", "b") == "a.b"`, `join("a", 2) == "a[2]"`, `join("", "b") == "b"`."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def type_name(value: Any) -> str:
    """How a message names the type of a user's value: "a string", "null", "a list"."""
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


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return is_int(value) or (isinstance(value, float) and math.isfinite(value))


def quote(value: Any) -> str:
    """A short, safe rendering of a user's value for messages."""
    try:
        text = value if isinstance(value, str) else json.dumps(value, default=str)
    except (ValueError, RecursionError):
        text = "…"
    return repr(text[:60] + "…" if len(text) > 60 else text)
