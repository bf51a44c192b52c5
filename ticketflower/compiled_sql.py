"""SQL the ORM compiles once per process for a query that runs on every page with new values.

Building and compiling a handful of querysets costs milliseconds of Python, more than
running them. `CompiledQuery` compiles its querysets once, from stand-in values
(numbers and times nobody uses), and then runs the same SQL with each call's values
in their places. The SQL stays Django's own; only the parameters change.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection

# itertools.count, not a generator: two threads compiling at once must not share a running generator.
_stand_ins = itertools.count(1)
FIRST_TIME = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)


def _stand_in(value: Any) -> Any:
    if isinstance(value, datetime):
        return FIRST_TIME + timedelta(seconds=next(_stand_ins))
    if isinstance(value, int) and not isinstance(value, bool):
        return -7_340_000 - next(_stand_ins)
    raise TypeError(f"No stand-in for {type(value).__name__}: pass numbers or times.")


@dataclass(frozen=True)
class _Slot:
    name: str
    adapted: bool  # the backend writes times as text (SQLite): write the real value the same way


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[_Slot | None, ...]


class CompiledQuery:
    """`build(**values)` returns (sql, params) from querysets; compiled once per database vendor."""

    def __init__(self, build: Callable[..., tuple[str, list[Any]]]) -> None:
        self.build = build
        self.compiled: dict[tuple[str, frozenset[str]], _Compiled] = {}

    def sql_with_params(self, **values: Any) -> tuple[str, list[Any]]:
        key = (connection.vendor, frozenset(values))
        compiled = self.compiled.get(key)
        if compiled is None:
            compiled = self.compiled[key] = self._compile(values)
        params = []
        for param, slot in zip(compiled.params, compiled.slots, strict=True):
            if slot is None:
                params.append(param)
            else:
                value = values[slot.name]
                params.append(connection.ops.adapt_datetimefield_value(value) if slot.adapted else value)
        return compiled.sql, params

    def _compile(self, values: dict[str, Any]) -> _Compiled:
        stand_ins = {name: _stand_in(value) for name, value in values.items()}
        forms = {}
        for name, stand_in in stand_ins.items():
            forms[stand_in] = _Slot(name, adapted=False)
            if isinstance(stand_in, datetime):
                forms[connection.ops.adapt_datetimefield_value(stand_in)] = _Slot(name, adapted=True)
        sql, params = self.build(**stand_ins)
        slots = tuple(forms.get(param) if _hashable(param) else None for param in params)
        found = {slot.name for slot in slots if slot is not None}
        if found != set(values):
            # A value the querysets transform (or leave out) cannot be put back: refuse rather than guess.
            raise ValueError(f"Values not found as parameters of the compiled SQL: {sorted(set(values) - found)}")
        return _Compiled(sql, tuple(params), slots)


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
