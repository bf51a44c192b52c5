"""Fast inserts of many rows into one table: PostgreSQL COPY, or executemany on SQLite.

Measured on PostgreSQL 15 (2 cores, shared with other jobs): `bulk_create` of a 5,000-ticket
batch (≈ 80,000 rows over four tables) took about 32 s, most of it building model instances,
quoting every value client-side into UNNEST arrays and the server parsing them back; writing
the same batch as plain tuples through COPY took 9 s. Rows are tuples in the order of
`Table.fields`; primary keys are handed out up front (`Table.ids`) so that rows can name each
other before they are written (foreign keys are checked at commit).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED


class UnfilledColumns(Exception):
    """The model has a required column the volume does not write (a field added since)."""


class Table:
    """The columns of `model` the volume writes; every required column must be among them."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        self.model = model
        self.name = model._meta.db_table
        self.fields = list(fields)
        self.columns = [model._meta.get_field(name).column for name in self.fields]
        unfilled = [
            field.name
            for field in model._meta.concrete_fields
            if field.name not in self.fields
            and not field.primary_key
            and not field.null
            and field.db_default is NOT_PROVIDED
        ]
        if unfilled:
            raise UnfilledColumns(
                f"{model.__name__} has required fields seed_volume does not fill: {', '.join(unfilled)}. "
                "Add them to workflow_ops/volume/build.py."
            )

    def ids(self, count: int) -> list[int]:
        """`count` new primary keys, taken from the table's sequence (PostgreSQL) or after the highest
        one (SQLite, whose write transaction keeps everyone else out). Inside atomic."""
        pk = self.model._meta.pk.column
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [self.name, pk, count],
                )
                return [row[0] for row in cursor.fetchall()]
            cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{self.name}"')
            (top,) = cursor.fetchone()
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [self.name])
            row = cursor.fetchone()
            start = max(top, row[0] if row else 0) + 1
            return list(range(start, start + count))

    def insert(self, rows: Iterable[tuple[Any, ...]]) -> None:
        columns = ", ".join(f'"{column}"' for column in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f'COPY "{self.name}" ({columns}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            marks = ", ".join(["%s"] * len(self.columns))
            cursor.executemany(f'INSERT INTO "{self.name}" ({columns}) VALUES ({marks})', list(rows))


def analyze(tables: Iterable[Table]) -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load, so pages measured right after are
    planned for the rows that are there (autovacuum would get to it, minutes later)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'ANALYZE "{table.name}"')


def as_json(value: Any) -> str:
    """A JSONField value as the column stores it."""
    return json.dumps(value, ensure_ascii=False)


def time_adapter() -> Callable[[Any], Any]:
    """How this database takes a DateTimeField value (SQLite: naive UTC text; PostgreSQL: as it is).
    Looked up once: `connection.ops` goes through a thread-local on every access."""
    return connection.ops.adapt_datetimefield_value
