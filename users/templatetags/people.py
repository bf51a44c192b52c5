"""How pages name a person: their full name, else their email; nothing for nobody."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email
