"""Small helpers for the sentences pages say."""

from __future__ import annotations


def and_list(items: list[str]) -> str:
    """ "a", "a and b", "a, b, and c" (the last comma keeps items that hold an "and" apart)."""
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]
