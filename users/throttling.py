"""How django-axes identifies a login attempt: which account, and from which address.

Both functions are named in settings (`AXES_USERNAME_CALLABLE`,
`AXES_CLIENT_IP_CALLABLE`); axes calls them for every attempt it records or checks.
"""

from __future__ import annotations

import ipaddress

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


def client_ip_address(request: HttpRequest) -> str | None:
    """The client's address, trusting exactly `settings.TRUSTED_PROXY_COUNT` proxies.

    With no proxy (0) it is the socket's peer, REMOTE_ADDR, and X-Forwarded-For is
    ignored: the client writes that header. Behind N proxies each one appends the
    address it received the request from, so the N-th entry from the right is what
    the outermost trusted proxy saw; everything left of it is the client's to forge
    (django-ipware's default takes the left-most entry). When the header is shorter
    than that or the entry is not an IP address, fall back to REMOTE_ADDR.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    proxy_count = settings.TRUSTED_PROXY_COUNT
    if proxy_count <= 0:
        return remote_addr
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(entries) < proxy_count:
        return remote_addr
    try:
        return str(ipaddress.ip_address(entries[-proxy_count]))
    except ValueError:
        return remote_addr
