"""ISO 8601 durations as definitions store them (`PT6H`, `P1D`), and as people read them ("6 hours")."""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?\Z"
)
_HOUR, _DAY = 3600, 86400


def parse_iso_duration(value: str) -> timedelta:
    """A strict ISO 8601 duration: `PT6H`, `P1D`, `P1DT12H`, `P2W`, `PT90M`.

    Years and months are refused (their length varies). Raises ValueError.
    """
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match or value in ("P", "PT") or value.endswith("T"):
        raise ValueError(f"{value!r} is not an ISO 8601 duration like 'PT6H' or 'P1D'.")
    parts = {name: int(number) for name, number in match.groupdict().items() if number is not None}
    try:
        return timedelta(**parts)
    except OverflowError as error:
        raise ValueError(f"{value!r} is too long a duration.") from error


def format_iso_duration(value: timedelta) -> str:
    """The shortest ISO 8601 form: `timedelta(hours=6)` -> `PT6H`, `timedelta(days=1)` -> `P1D`."""
    total = int(value.total_seconds())
    if total < 0:
        raise ValueError("Durations cannot be negative.")
    days, rest = divmod(total, _DAY)
    hours, rest = divmod(rest, _HOUR)
    minutes, seconds = divmod(rest, 60)
    text = "P" + (f"{days}D" if days else "")
    clock = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (f"{seconds}S" if seconds else "")
    if clock:
        text += "T" + clock
    return text if text != "P" else "PT0S"


def duration_label(value: timedelta | None) -> str:
    """ "6 hours", "1 day", "36 hours", "" for none."""
    if value is None:
        return ""
    seconds = int(value.total_seconds())
    if seconds % _DAY == 0:
        days = seconds // _DAY
        return f"{days} day{'s' if days != 1 else ''}"
    if seconds % _HOUR == 0:
        hours = seconds // _HOUR
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = seconds // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
