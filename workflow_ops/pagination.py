"""Pagination for queues of a company's real size (100,000 tickets and more).

Counting every matching row to draw a pager costs milliseconds by itself at that
volume, and nobody pages to page 4,000. `CappedPaginator` counts at most `cap`
rows ("1,000+" beyond) and finds out whether there is a next page by reading one
row more than a page; the first pages of any filter stay as cheap as the rows
they show.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class CappedPaginator(Paginator):
    cap = 1000
    # Page numbers stop here: an offset past this is no page anyone reads, and a hand-typed
    # ?page=99999999999999999999 must not overflow the database's OFFSET.
    last_page = 100_000

    def __init__(self, object_list: Any, per_page: int, *, counted: QuerySet | None = None, **kwargs: Any) -> None:
        """`counted`: the same rows as a queryset that joins nothing a row shows (values() of related
        fields keep their joins, even in a count), when `object_list` is not one."""
        super().__init__(object_list, per_page, **kwargs)
        self.counted = self.object_list if counted is None else counted

    @cached_property
    def count(self) -> int:
        """How many rows match, counting no further than `cap` (+1, to know there are more)."""
        # Just the matching ids, unordered: no sort, no annotations the rows need (a "stopped" subquery…).
        return self.counted.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def count_label(self) -> str:
        return f"{self.cap:,}+" if self.capped else f"{self.count:,}"

    def validate_number(self, number: Any) -> int:
        # Past the cap the page count is unknown: a page exists if it has rows (checked in page()).
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        return min(max(number, 1), self.last_page)

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        page = CappedPage(rows[: self.per_page], number, self)
        page.more = len(rows) > self.per_page
        return page


class CappedPage(Page):
    more = False

    def has_next(self) -> bool:
        return self.more

    def has_other_pages(self) -> bool:
        return self.has_previous() or self.has_next()

    def end_index(self) -> int:
        # Past the cap the count is not the number of rows: count what this page holds.
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0
