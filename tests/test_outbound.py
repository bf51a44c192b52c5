"""The outbound URL rule: design-time checks, connect-time resolution, link checks.

No network: DNS is a fake `socket.getaddrinfo`.
"""

from __future__ import annotations

import ast
import ipaddress
import socket
from pathlib import Path

import pytest

from ticketflower import outbound
from ticketflower.outbound import (
    ActionTarget,
    TargetRefused,
    check_action_url,
    check_link_url,
    is_public_address,
    resolve_public_addresses,
)

ONLY_PUBLIC = "actions may only call public addresses."
BOTH = pytest.mark.parametrize("allow_private", [False, True])


def refusal(url: str, *, allow_private: bool) -> str:
    with pytest.raises(TargetRefused) as caught:
        check_action_url(url, allow_private=allow_private)
    return str(caught.value)


# --- Rules that hold whatever allow_private says --------------------------------


@BOTH
@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/file",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "gopher://example.com:70/_SET%20x",
        "data:text/plain,hello",
        "dict://example.com:11211/stat",
        "ws://example.com/socket",
        "mailto:ops@example.com",
        "//example.com/no-scheme",
        "example.com/no-scheme",
        "",
    ],
)
def test_only_http_and_https_can_be_called(url, allow_private):
    assert refusal(url, allow_private=allow_private) == "Only http and https URLs can be called."


@BOTH
@pytest.mark.parametrize(
    "url",
    [
        "http://user:pw@127.0.0.1@evil.example/",
        "http://user:pw@api.example.com/",
        "https://token@api.example.com/",
        "http://api.example.com@127.0.0.1/",
        "http://:@api.example.com/",
        "http://@api.example.com/",
    ],
)
def test_user_info_is_refused(url, allow_private):
    assert refusal(url, allow_private=allow_private) == "The URL must not contain a user name or password."


@BOTH
@pytest.mark.parametrize(
    "url",
    [
        "http://evil.example\\@127.0.0.1/",  # urllib3 and browsers end the host at '\', urllib.parse does not
        "http:\\\\127.0.0.1\\",
        " http://127.0.0.1/",
        "http://127.0.0.1/ ",
        "http://127.0.\t0.1/",  # urlsplit silently drops tabs and newlines
        "http://127.0.0.1\n.evil.example/",
        "http://api.example.com\x00.evil/",
        "http://api.example.com\u200b/",  # zero-width space
        "http://api\u00a0example.com/",  # no-break space
        "http://api.example.com\u202e/",  # right-to-left override
    ],
)
def test_whitespace_control_characters_and_backslashes_are_refused(url, allow_private):
    assert (
        refusal(url, allow_private=allow_private)
        == "The URL must not contain spaces, backslashes or control characters."
    )


@BOTH
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.%31/",  # percent-encoded hosts: some clients decode them, some do not
        "http://%6c%6f%63%61%6c%68%6f%73%74/",
        "http://[::1]x/",  # urlsplit ignores what follows ']'
        "http://[v1.fe]/",
        "http://[fe80::1%25eth0]/",
        "http://api.example.com:80:80/",
        "http://a..b/",
        "http://.example.com/",
        "http://" + "a" * 64 + ".example.com/",
        "http://999.1.1.1/",
        "http://1.2.3.4.5/",
        "http://08.0.0.1/",
        "http://api.example.0x/",
        "http://under$score.example.com/",
    ],
)
def test_malformed_hosts_are_refused(url, allow_private):
    assert refusal(url, allow_private=allow_private) == "The host name is not valid."


@BOTH
@pytest.mark.parametrize(
    "url", ["http://[::1/", "http://[127.0.0.1]/", "http://[]/", "http://a\uff20b.example/", "http://x\uff0fy.example/"]
)
def test_urls_python_cannot_split_are_refused(url, allow_private):
    assert refusal(url, allow_private=allow_private) == "This is not a valid URL."


@BOTH
@pytest.mark.parametrize("url", ["http://", "https:///path", "http://:8080/", "http:api.example.com", "https:/x"])
def test_a_host_is_required(url, allow_private):
    assert refusal(url, allow_private=allow_private) == "The URL needs a host name, like https://api.example.com/."


@BOTH
@pytest.mark.parametrize(
    "url",
    [
        "http://api.example.com:0/",
        "http://api.example.com:65536/",
        "http://api.example.com:99999/",
        "http://api.example.com:123456/",
        "http://api.example.com:-1/",
        "http://api.example.com:+80/",
        "http://api.example.com:\uff18\uff10/",  # fullwidth digits: str.isdigit() says yes
        "http://api.example.com:http/",
    ],
)
def test_port_must_be_1_to_65535(url, allow_private):
    assert refusal(url, allow_private=allow_private) == "The port must be a number from 1 to 65535."


@BOTH
def test_url_is_at_most_500_characters(allow_private):
    base = "https://api.example.com/"
    assert check_action_url(base + "x" * (500 - len(base)), allow_private=allow_private).host == "api.example.com"
    too_long = base + "x" * (501 - len(base))
    assert refusal(too_long, allow_private=allow_private) == "The URL is longer than 500 characters."


# --- Private targets --------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
        ("http://127.0.0.1:8000/hook", "127.0.0.1 is a loopback address"),
        ("http://127.0.0.1./", "127.0.0.1 is a loopback address"),
        ("http://127.255.255.254/", "127.255.255.254 is a loopback address"),
        ("http://0x7f000001/", "0x7f000001 (127.0.0.1) is a loopback address"),
        ("http://0X7F000001/", "0x7f000001 (127.0.0.1) is a loopback address"),
        ("http://2130706433/", "2130706433 (127.0.0.1) is a loopback address"),
        ("http://0177.0.0.1/", "0177.0.0.1 (127.0.0.1) is a loopback address"),
        ("http://0x7f.0.0.1/", "0x7f.0.0.1 (127.0.0.1) is a loopback address"),
        ("http://0x7f000001./", "0x7f000001 (127.0.0.1) is a loopback address"),
        ("http://127.0.0.1:0080/", "127.0.0.1 is a loopback address"),
        ("http://127.1/", "127.1 (127.0.0.1) is a loopback address"),
        ("http://\uff11\uff12\uff17\u3002\uff10\u3002\uff10\u3002\uff11/", "127.0.0.1 is a loopback address"),
        ("http://[::1]/", "::1 is a loopback address"),
        ("http://[0:0:0:0:0:0:0:1]:8080/", "0:0:0:0:0:0:0:1 is a loopback address"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1 is a loopback address (127.0.0.1) in IPv6 form"),
        ("http://[::ffff:7f00:1]/", "::ffff:7f00:1 is a loopback address (127.0.0.1) in IPv6 form"),
        ("http://[::ffff:a9fe:a9fe]/", "::ffff:a9fe:a9fe is a link-local address (169.254.169.254) in IPv6 form"),
        ("http://[::127.0.0.1]/", "::127.0.0.1 is a reserved address"),  # IPv4-compatible, deprecated
        ("http://[2002:7f00:1::]/", "2002:7f00:1:: is a loopback address (127.0.0.1) in IPv6 form"),  # 6to4
        ("http://[2002:c0a8:101::1]/", "2002:c0a8:101::1 is a private address (192.168.1.1) in IPv6 form"),
        # Teredo, client 10.0.0.1 (stored inverted)
        ("http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/", "a private address (10.0.0.1) in IPv6 form"),
        ("http://[64:ff9b::a9fe:a9fe]/", "64:ff9b::a9fe:a9fe is a link-local address (169.254.169.254) in IPv6 form"),
        ("http://[64:ff9b:1::1]/", "64:ff9b:1::1 is a reserved address"),  # local-use NAT64
        ("http://0.0.0.0/", "0.0.0.0 is an unspecified address"),
        ("http://0/", "0 (0.0.0.0) is an unspecified address"),
        ("http://[::]/", ":: is an unspecified address"),
        ("http://10.0.0.5/", "10.0.0.5 is a private address"),
        ("http://172.16.0.1/", "172.16.0.1 is a private address"),
        ("http://172.31.255.255/", "172.31.255.255 is a private address"),
        ("http://192.168.1.1/", "192.168.1.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://0xa9fea9fe/", "0xa9fea9fe (169.254.169.254) is a link-local address"),
        ("http://100.64.0.1/", "100.64.0.1 is not a public address"),  # carrier-grade NAT
        ("http://198.18.0.1/", "198.18.0.1 is a private address"),
        ("http://224.0.0.1/", "224.0.0.1 is a multicast address"),
        ("http://240.0.0.1/", "240.0.0.1 is a reserved address"),
        ("http://255.255.255.255/", "255.255.255.255 is a reserved address"),
        ("http://[fc00::1]/", "fc00::1 is a private address"),
        ("http://[fd12:3456:789a::1]/", "fd12:3456:789a::1 is a private address"),
        ("http://[fe80::1]/", "fe80::1 is a link-local address"),
        ("http://[fec0::1]/", "fec0::1 is a site-local address"),
        ("http://[ff02::1]/", "ff02::1 is a multicast address"),
        ("http://[2001:db8::1]/", "2001:db8::1 is a private address"),
    ],
)
def test_private_address_literals_are_refused_unless_allowed(url, sentence):
    assert refusal(url, allow_private=False).endswith(f"{sentence}; {ONLY_PUBLIC}")
    assert isinstance(check_action_url(url, allow_private=True), ActionTarget)


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        ("http://localhost/", "localhost is a local network name"),
        ("http://LOCALHOST:8000/", "localhost is a local network name"),
        ("http://localhost./", "localhost is a local network name"),
        ("http://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54/", "localhost is a local network name"),
        ("http://\u24dbocalhost/", "localhost is a local network name"),  # circled l: IDNA maps it to l
        ("http://metadata.google.internal\u3002/", "metadata.google.internal is a local network name"),
        ("http://api.localhost/", "api.localhost is a local network name"),
        ("http://metadata.google.internal/computeMetadata/v1/", "metadata.google.internal is a local network name"),
        ("http://metadata.google.internal./", "metadata.google.internal is a local network name"),
        ("http://billing.corp.internal/", "billing.corp.internal is a local network name"),
        ("http://printer.local/", "printer.local is a local network name"),
        ("http://db.localdomain/", "db.localdomain is a local network name"),
        ("http://localhost.localdomain/", "localhost.localdomain is a local network name"),
        ("http://nas.home.arpa/", "nas.home.arpa is a local network name"),
        ("http://router.lan/", "router.lan is a local network name"),
        ("http://wiki.intranet/", "wiki.intranet is a local network name"),
        ("http://metadata/", "metadata is not a full host name (it has no domain)"),
        ("http://wiki:8080/", "wiki is not a full host name (it has no domain)"),
        ("http://intranet/", "intranet is a local network name"),
        ("http://com./", "com is not a full host name (it has no domain)"),
    ],
)
def test_internal_host_names_are_refused_unless_allowed(url, sentence):
    assert refusal(url, allow_private=False) == f"{sentence}; {ONLY_PUBLIC}"
    assert isinstance(check_action_url(url, allow_private=True), ActionTarget)


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("http://127.0.0.1:8000/hook", ActionTarget("http", "127.0.0.1", 8000)),
        ("http://localhost:8000/", ActionTarget("http", "localhost", 8000)),
        ("http://[::1]:8000/", ActionTarget("http", "::1", 8000)),
        ("https://10.0.0.5/", ActionTarget("https", "10.0.0.5", 443)),
        ("http://0x7f000001/", ActionTarget("http", "0x7f000001", 80)),
    ],
)
def test_allow_private_accepts_local_targets(url, target):
    assert check_action_url(url, allow_private=True) == target


@BOTH
@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("https://api.example.com/x", ActionTarget("https", "api.example.com", 443)),
        ("http://93.184.216.34:8080/path", ActionTarget("http", "93.184.216.34", 8080)),
        ("https://[2606:4700::1111]/", ActionTarget("https", "2606:4700::1111", 443)),
        ("HTTPS://API.Example.COM:8443/Hook?x=1#top", ActionTarget("https", "api.example.com", 8443)),
        ("https://api.example.com./", ActionTarget("https", "api.example.com", 443)),
        ("https://api.example.com:/", ActionTarget("https", "api.example.com", 443)),
        ("http://hooks.example.com:65535/", ActionTarget("http", "hooks.example.com", 65535)),
        ("https://b\u00fccher.example/", ActionTarget("https", "xn--bcher-kva.example", 443)),
        ("https://my_service.example.com/", ActionTarget("https", "my_service.example.com", 443)),
        ("https://api.example.com/a@b?c=d@e", ActionTarget("https", "api.example.com", 443)),
        ("https://[::ffff:93.184.216.34]/", ActionTarget("https", "::ffff:5db8:d822", 443)),
        ("https://[2002:5db8:d822::1]/", ActionTarget("https", "2002:5db8:d822::1", 443)),  # 6to4 of a public one
        # Looks local, resolves wherever DNS says: connect time checks the answer.
        ("https://127.0.0.1.nip.io/", ActionTarget("https", "127.0.0.1.nip.io", 443)),
    ],
)
def test_public_urls_are_accepted(url, target, allow_private):
    assert check_action_url(url, allow_private=allow_private) == target


# --- The address rule -------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("8.8.8.8", True),
        ("2606:4700::1111", True),
        ("::ffff:8.8.8.8", True),
        ("2002:5db8:d822::1", True),
        ("64:ff9b::808:808", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("100.127.255.255", False),
        ("169.254.169.254", False),
        ("224.0.0.251", False),
        ("0.0.0.0", False),
        ("::", False),
        ("::1", False),
        ("::ffff:10.0.0.1", False),
        ("::8.8.8.8", False),
        ("2002:a00:1::", False),
        ("64:ff9b::a00:1", False),
        ("64:ff9b:1::808:808", False),
        ("192.0.0.8", False),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo
        ("fe80::1%eth0", False),
        ("fec0::1", False),
        ("ff0e::1", False),
        ("fd00::1", False),
    ],
)
def test_is_public_address(address, public):
    assert is_public_address(ipaddress.ip_address(address)) is public


# --- Connect time -----------------------------------------------------------------


def v4(address: str, port: int = 443):
    return (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))


def v6(address: str, port: int = 443):
    return (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port, 0, 0))


@pytest.fixture
def dns(monkeypatch):
    """`dns.answer = [...]` (or an exception) is what the next lookup returns; `dns.asked` records lookups."""

    class FakeDns:
        answer: list | Exception = []
        asked: list = []

        def getaddrinfo(self, host, port, *args, **kwargs):
            self.asked.append((host, port))
            if isinstance(self.answer, Exception):
                raise self.answer
            return self.answer

    fake = FakeDns()
    monkeypatch.setattr(outbound.socket, "getaddrinfo", fake.getaddrinfo)
    return fake


def test_all_public_answers_are_returned_in_order_without_duplicates(dns):
    dns.answer = [v6("2606:4700::1111"), v4("93.184.216.34"), v4("93.184.216.34")]
    addresses = resolve_public_addresses("api.example.com", 443, allow_private=False)
    assert addresses == [(socket.AF_INET6, ("2606:4700::1111", 443, 0, 0)), (socket.AF_INET, ("93.184.216.34", 443))]
    assert dns.asked == [("api.example.com", 443)]


@pytest.mark.parametrize(
    ("private", "sentence"),
    [
        (v4("10.0.0.5"), "10.0.0.5, a private address"),
        (v4("127.0.0.1"), "127.0.0.1, a loopback address"),
        (v4("169.254.169.254"), "169.254.169.254, a link-local address"),
        (v6("::1"), "::1, a loopback address"),
        (v6("::ffff:127.0.0.1"), "::ffff:7f00:1, a loopback address (127.0.0.1) in IPv6 form"),
        (v6("fe80::1%eth0"), "fe80::1%eth0, a link-local address"),
    ],
)
def test_one_private_answer_among_public_ones_refuses_the_host(dns, private, sentence):
    dns.answer = [v4("93.184.216.34"), private, v6("2606:4700::1111")]
    with pytest.raises(TargetRefused) as caught:
        resolve_public_addresses("api.example.com", 443, allow_private=False)
    assert str(caught.value) == f"api.example.com resolves to {sentence}; {ONLY_PUBLIC}"


def test_a_name_that_looks_public_but_resolves_to_loopback_is_refused_at_connect_time(dns):
    target = check_action_url("https://127.0.0.1.nip.io/hook", allow_private=False)
    dns.answer = [v4("127.0.0.1")]
    with pytest.raises(TargetRefused, match="resolves to 127.0.0.1, a loopback address"):
        resolve_public_addresses(target.host, target.port, allow_private=False)


def test_allow_private_returns_private_answers(dns):
    dns.answer = [v4("127.0.0.1", 8000), v6("::1", 8000)]
    assert resolve_public_addresses("localhost", 8000, allow_private=True) == [
        (socket.AF_INET, ("127.0.0.1", 8000)),
        (socket.AF_INET6, ("::1", 8000, 0, 0)),
    ]


@BOTH
@pytest.mark.parametrize(
    "failure",
    [socket.gaierror(socket.EAI_NONAME, "Name or service not known"), UnicodeError("label empty or too long"), []],
)
def test_a_host_that_does_not_resolve_is_refused(dns, failure, allow_private):
    dns.answer = failure
    with pytest.raises(TargetRefused) as caught:
        resolve_public_addresses("nowhere.example", 443, allow_private=allow_private)
    assert str(caught.value) == "The host nowhere.example could not be found."


# --- Links ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://docs.example.com/guide#setup",
        "HTTP://DOCS.EXAMPLE.COM/",
        "http://intranet/wiki/Onboarding",
        "http://10.0.0.5/policy.pdf",
        "http://localhost:8000/docs/",
        "https://[2606:4700::1111]/",
    ],
)
def test_http_links_are_accepted_even_to_private_hosts(url):
    check_link_url(url)


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        ("javascript:alert(1)", "A link must start with http:// or https://."),
        ("JavaScript:alert(1)", "A link must start with http:// or https://."),
        ("JAVASCRIPT://example.com/%0aalert(1)", "A link must start with http:// or https://."),
        ("data:text/html,<script>alert(1)</script>", "A link must start with http:// or https://."),
        ("vbscript:msgbox(1)", "A link must start with http:// or https://."),
        ("file:///etc/passwd", "A link must start with http:// or https://."),
        ("//evil.example/path", "A link must start with http:// or https://."),
        ("/relative/path", "A link must start with http:// or https://."),
        ("evil.example", "A link must start with http:// or https://."),
        ("", "A link must start with http:// or https://."),
        (" JavaScript:alert(1)", "The link must not contain spaces, backslashes or control characters."),
        ("java\tscript:alert(1)", "The link must not contain spaces, backslashes or control characters."),
        ("\x01javascript:alert(1)", "The link must not contain spaces, backslashes or control characters."),
        ("javascript\n:alert(1)", "The link must not contain spaces, backslashes or control characters."),
        ("https:\\\\evil.example", "The link must not contain spaces, backslashes or control characters."),
        ("https://bank.example@evil.example/", "A link must not contain a user name or password."),
        ("https:evil.example", "The link needs a host name, like https://docs.example.com/."),
        ("https:///evil.example", "The link needs a host name, like https://docs.example.com/."),
        ("https://[::1/", "This is not a valid link."),
    ],
)
def test_links_other_than_http_are_refused(url, sentence):
    with pytest.raises(TargetRefused) as caught:
        check_link_url(url)
    assert str(caught.value) == sentence


# --- The module stays shared ----------------------------------------------------


def test_outbound_imports_no_app():
    tree = ast.parse(Path(outbound.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name.split(".")[0] for name in imported} & {"users", "workflow_design", "workflow_ops"}
