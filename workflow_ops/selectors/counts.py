"""Counts that stop at COUNT_CAP: a badge or a hint needs no more ("99+"), and counting thousands
of rows on every page would cost more than the page itself."""

from __future__ import annotations

from django.db.models import QuerySet

COUNT_CAP = 100


def capped_count(rows: QuerySet) -> int:
    """How many rows, counting no further than COUNT_CAP: only the matching ids, unordered."""
    return rows.order_by().values("pk")[:COUNT_CAP].count()


def label(count: int) -> str:
    return f"{COUNT_CAP - 1}+" if count >= COUNT_CAP else str(count)
