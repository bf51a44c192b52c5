"""`Problem`: one thing wrong with a definition, and the small helpers every rule uses to say so.

A problem names where it is (`path`, JSON-path-like: `workflows[0].tasks[2].title`)
and what is wrong (`message`, a plain sentence). Its `severity` says whether it
blocks: an error stops publishing and importing; a warning (a lint finding, such
as a task where a ticket can stop) is shown but blocks nothing. Nothing here
touches the database, so bundles, the validator and the forms can all build problems.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

ERROR, WARNING = "error", "warning"
Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition, located by `path`.

    Problems of stored workflows also carry the task key or arrow id they belong to,
    so the editor can show each one beside its task or arrow. A `"warning"` does not
    block publishing or importing; an `"error"` (the default) does.
    """

    path: str
    message: str
    task_key: str | None = None
    transition_id: int | None = None
    severity: Severity = ERROR

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def is_warning(self) -> bool:
        return self.severity == WARNING


def errors_of(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that block publishing and importing."""
    return [problem for problem in problems if problem.is_error]


def warnings_of(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that are said but block nothing."""
    return [problem for problem in problems if problem.is_warning]


def under(owner: str, problem: Problem) -> Problem:
    """`problem` said of `owner`: "Task “Quote”: field 'x' …" (path and placement kept)."""
    message = problem.message
    if message[:1].isupper() and not message[1:2].isupper():
        message = message[:1].lower() + message[1:]
    return replace(problem, message=f"{owner}: {message}")


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
