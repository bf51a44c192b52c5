"""Which outside URLs TicketFlower may call (HTTP actions) or show (links).

One rule for design time (workflow editor, bundle import, publishing) and for
connect time (the HTTP action runner). Design time checks the URL only, with no
DNS lookup: DNS answers change, so connect time checks again.

How the action runner must use this module (DESIGN.md rule 9, STYLE.md 17):

1. ``target = check_action_url(url, allow_private=settings.ACTIONS_ALLOW_PRIVATE_TARGETS)``
   again before every call: the stored URL may predate a tightened rule.
2. ``addresses = resolve_public_addresses(target.host, target.port, allow_private=...)``.
3. Open the socket to one of exactly these addresses; never hand the host name to
   a library that resolves it again (that second lookup is the DNS-rebinding
   hole). Send ``Host: <host[:port] from the URL>`` and use ``target.host`` as TLS
   SNI and for certificate checks. Ignore environment proxies.
4. Follow no redirects, or put every ``Location`` through steps 1-3 again (with
   a small hop limit).
5. Cap time (connect and total, ``timeout_seconds``) and the response size (read
   at most a fixed number of bytes; more is an error).

Parsing is deliberately strict so that this module, urllib.parse, urllib3 and
browsers cannot disagree about the host: whitespace, control characters and
backslashes are refused outright, as are user info and percent-encoded hosts.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import unicodedata
from typing import NamedTuple
from urllib.parse import SplitResult, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_ACTION_URL_LENGTH = 500
ONLY_PUBLIC = "actions may only call public addresses."
# Names that public DNS never delegates, so no public service can live there
# (RFC 6761 localhost, RFC 6762 .local and its appendix G, RFC 8375 home.arpa,
# ICANN's .internal).
LOCAL_NAME_SUFFIXES = ("localhost", "localdomain", "local", "internal", "home.arpa", "lan", "home", "corp", "intranet")

_AUTHORITY = re.compile(r"(?:\[(?P<ipv6>[^\]]*)\]|(?P<name>[^:\[\]]*))(?::(?P<port>[^:]*))?\Z")
_LABEL = re.compile(r"[a-z0-9_-]{1,63}\Z")
# A last label that inet_aton (and so getaddrinfo) reads as a number makes the host an IPv4 literal.
_NUMERIC_LABEL = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)\Z")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052: the last 32 bits are the IPv4 address
# Not globally reachable, though ipaddress (3.11) may call them global: IETF protocol
# assignments, deprecated IPv4-compatible IPv6 (also :: and ::1), local-use NAT64, site-local.
_NOT_PUBLIC = tuple(map(ipaddress.ip_network, ("192.0.0.0/24", "::/96", "64:ff9b:1::/48", "fec0::/10")))


class TargetRefused(ValueError):
    """A URL TicketFlower will not call or show; the message is a plain sentence for a designer."""


class ActionTarget(NamedTuple):
    """Where an accepted action URL points: lowercase scheme, ASCII host (IDNA, no brackets), port."""

    scheme: str
    host: str
    port: int


def is_public_address(ip: IPAddress) -> bool:
    """True if ``ip`` is globally routable, and so is any IPv4 address embedded in it."""
    if any(ip in network for network in _NOT_PUBLIC):
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped or ip in _NAT64:  # the packet ends up at the IPv4 address inside
            return is_public_address(_embedded_ipv4(ip)[0])
        if not all(is_public_address(v4) for v4 in _embedded_ipv4(ip)):  # 6to4, Teredo
            return False
    # is_global alone misses multicast and the ranges above.
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses a packet to ``ip`` may end up at: IPv4-mapped, 6to4, Teredo, NAT64."""
    found = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [v4 for v4 in found if v4 is not None]


def check_action_url(url: str, *, allow_private: bool) -> ActionTarget:
    """Refuse (TargetRefused) an action URL that may not be called; no DNS lookup.

    http(s) only, a host, no user info, port 1-65535, at most 500 characters. Unless
    ``allow_private``, IP literals in any spelling getaddrinfo accepts must be public
    addresses and host names must not be local ones (``localhost``, ``*.internal``,
    a name without a dot...).
    """
    if len(url) > MAX_ACTION_URL_LENGTH:
        raise TargetRefused(f"The URL is longer than {MAX_ACTION_URL_LENGTH} characters.")
    parts = _split(url, "URL")
    if parts.scheme not in ("http", "https"):
        raise TargetRefused("Only http and https URLs can be called.")
    if "@" in parts.netloc:
        raise TargetRefused("The URL must not contain a user name or password.")
    authority = _AUTHORITY.match(parts.netloc)
    if authority and authority["name"] == "":
        raise TargetRefused("The URL needs a host name, like https://api.example.com/.")
    if not authority:
        raise TargetRefused("The host name is not valid.")
    port_text = authority["port"]
    if port_text and not (re.fullmatch(r"[0-9]{1,5}", port_text) and 1 <= int(port_text) <= 65535):
        raise TargetRefused("The port must be a number from 1 to 65535.")
    port = int(port_text) if port_text else {"http": 80, "https": 443}[parts.scheme]
    host, ip = _host_and_address(authority["ipv6"], authority["name"])
    if not allow_private:
        _refuse_private(authority["ipv6"] or host, ip)
    return ActionTarget(parts.scheme, host, port)


def resolve_public_addresses(host: str, port: int, *, allow_private: bool) -> list[tuple[socket.AddressFamily, tuple]]:
    """Resolve ``host`` for a TCP connection; refuse it if any address is not public.

    Returns ``[(family, sockaddr), ...]`` in resolver order, to connect to exactly
    these. ``host`` is ``ActionTarget.host`` (no brackets). One private address among
    public ones refuses the whole name: a client could pick either.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as error:
        raise TargetRefused(f"The host {host} could not be found.") from error
    addresses: list[tuple[socket.AddressFamily, tuple]] = []
    for family, _type, _proto, _canonname, sockaddr in infos:
        ip = ipaddress.ip_address(sockaddr[0])
        if not allow_private and not is_public_address(ip):
            raise TargetRefused(f"{host} resolves to {ip}, {_address_kind(ip)}; {ONLY_PUBLIC}")
        if (family, sockaddr) not in addresses:
            addresses.append((family, sockaddr))
    if not addresses:
        raise TargetRefused(f"The host {host} could not be found.")
    return addresses


def check_link_url(url: str) -> None:
    """Refuse (TargetRefused) a link to an outside document that is not a plain http(s) URL.

    Private addresses are fine: the user's browser follows links, not our server.
    """
    parts = _split(url, "link")
    if parts.scheme not in ("http", "https"):
        raise TargetRefused("A link must start with http:// or https://.")
    if "@" in parts.netloc:
        raise TargetRefused("A link must not contain a user name or password.")
    if not parts.hostname:
        raise TargetRefused("The link needs a host name, like https://docs.example.com/.")


def _refuse_private(shown: str, ip: IPAddress | None) -> None:
    """The design-time half of the public-only rule, for a host as written (IP literal or name)."""
    if ip is not None and not is_public_address(ip):
        if isinstance(ip, ipaddress.IPv4Address) and shown != str(ip):
            shown = f"{shown} ({ip})"  # 0x7f000001 (127.0.0.1)
        raise TargetRefused(f"{shown} is {_address_kind(ip)}; {ONLY_PUBLIC}")
    if ip is None and any(shown == name or shown.endswith(f".{name}") for name in LOCAL_NAME_SUFFIXES):
        raise TargetRefused(f"{shown} is a local network name; {ONLY_PUBLIC}")
    if ip is None and "." not in shown:
        raise TargetRefused(f"{shown} is not a full host name (it has no domain); {ONLY_PUBLIC}")


def _split(url: str, noun: str) -> SplitResult:
    """urlsplit, after refusing what parsers disagree on (they strip or reinterpret these)."""
    if any(ch == "\\" or ch.isspace() or unicodedata.category(ch).startswith("C") for ch in url):
        raise TargetRefused(f"The {noun} must not contain spaces, backslashes or control characters.")
    try:
        return urlsplit(url)
    except ValueError as error:  # unbalanced brackets, netloc that NFKC turns into '@', '/'...
        raise TargetRefused(f"This is not a valid {noun}.") from error


def _host_and_address(ipv6: str | None, name: str) -> tuple[str, IPAddress | None]:
    """The host as a resolver sees it (IDNA, lowercase, no trailing dot), and its address if a literal."""
    invalid = TargetRefused("The host name is not valid.")
    if ipv6 is not None:
        try:
            ip = ipaddress.IPv6Address(ipv6)
        except ValueError:
            raise invalid from None
        if ip.scope_id:
            raise invalid
        return str(ip), ip
    try:  # what getaddrinfo does to a non-ASCII name: fullwidth digits become ASCII ones
        host = name.encode("idna").decode("ascii").lower().removesuffix(".")
    except UnicodeError:
        raise invalid from None
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise invalid
    if not _NUMERIC_LABEL.match(labels[-1]):
        return host, None
    try:  # 127.1, 0x7f000001, 2130706433, 0177.0.0.1 all mean 127.0.0.1 to getaddrinfo
        return host, ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        raise invalid from None


_ADDRESS_KINDS = ("loopback", "unspecified", "link_local", "multicast", "reserved", "private", "site_local")


def _address_kind(ip: IPAddress) -> str:
    """'a loopback address', ... for a refused ``ip``, naming the IPv4 address inside it if that is why."""
    if isinstance(ip, ipaddress.IPv6Address):
        for v4 in _embedded_ipv4(ip):
            if not is_public_address(v4):
                return f"{_address_kind(v4)} ({v4}) in IPv6 form"
    kind = next((kind.replace("_", "-") for kind in _ADDRESS_KINDS if getattr(ip, f"is_{kind}", False)), None)
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} address" if kind else "not a public address"
