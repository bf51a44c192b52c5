"""How django-axes identifies a login attempt: which account, and from which address.

Both functions are named in settings (`AXES_USERNAME_CALLABLE`, and below
`AXES_CLIENT_IP_CALLABLE`); axes calls them for every attempt it records or checks.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def normalised_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The posted email, stripped and lower-cased.

    Login is case-insensitive (`UserManager.get_by_natural_key` matches
    `email__iexact`), so every spelling of an address is the same account and must
    count against the same failure record; otherwise each spelling buys another
    round of guesses and the right password under a new spelling gets past a lock.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    # Axes passes the credentials given to authenticate(), or none when it reads the request.
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get(field)
    if not isinstance(username, str):
        return username
    return username.strip().lower()
