"""How pages say when something happened: "just now", "4 hours ago", "in 2 days"."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil

register = template.Library()


class _Count:
    """ "1 hour", "4 hours": Django's wording without a translation lookup per call (the product is in
    English, and a queue page says how long ago fifty times)."""

    def __init__(self, unit: str) -> None:
        self.unit = unit

    def __mod__(self, values: dict) -> str:
        count = values["num"]
        return f"{count} {self.unit}" if count == 1 else f"{count} {self.unit}s"


UNITS = {unit: _Count(unit) for unit in ("year", "month", "week", "day", "hour", "minute")}


@register.filter
def ago(value: datetime | None) -> str:
    """ "just now" for the last minute (never "0 minutes ago"), else "4 hours ago"."""
    if not value:
        return ""
    if timezone.now() - value < timedelta(minutes=1):
        return "just now"
    return f"{timesince(value, depth=1, time_strings=UNITS)} ago"


@register.filter
def due(value: datetime | None) -> str:
    """ "in 3 hours", or "2 days overdue"."""
    if not value:
        return ""
    now = timezone.now()
    if value >= now:
        return f"in {timeuntil(value, now, depth=1, time_strings=UNITS)}"
    return f"{timesince(value, now, depth=1, time_strings=UNITS)} overdue"
