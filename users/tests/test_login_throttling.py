"""Login throttling (django-axes): every spelling of an email counts against one account,
and behind a proxy the client is the address the outermost trusted proxy saw."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from users.tests.factories import TEST_PASSWORD, UserFactory
from users.throttling import client_ip_address, normalised_username

WRONG_PASSWORD = "not-the-password"
OFFICE = "203.0.113.5"
HOME = "198.51.100.7"
PROXY = "10.0.0.1"


@pytest.fixture(autouse=True)
def _five_failures_lock(settings):
    settings.AXES_FAILURE_LIMIT = 5


def log_in(client: Client, email: str, password: str, **meta: str):
    meta.setdefault("REMOTE_ADDR", OFFICE)
    return client.post(reverse("login"), {"username": email, "password": password}, **meta)


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_failures_in_any_letter_case_lock_the_one_account():
    UserFactory(email="supervisor@example.test")
    client = Client()
    spellings = [
        "SUPERVISOR@example.test",
        "Supervisor@Example.Test",
        "supervisor@EXAMPLE.TEST",
        "sUpErViSoR@example.test",
        "supervisor@example.test",
    ]
    statuses = [log_in(client, spelling, WRONG_PASSWORD).status_code for spelling in spellings]
    assert statuses == [200, 200, 200, 200, 429]  # the form again four times; the fifth failure locks

    locked = log_in(client, "SuperVisor@example.TEST", TEST_PASSWORD)

    assert locked.status_code == 429
    assert b"Too many failed log-in attempts" in locked.content
    assert not is_logged_in(client)


@pytest.mark.django_db
def test_a_locked_account_does_not_lock_another_account_on_the_same_address():
    UserFactory(email="supervisor@example.test")
    colleague = UserFactory(email="colleague@example.test")
    for _ in range(5):
        log_in(Client(), "Supervisor@example.test", WRONG_PASSWORD)
    assert log_in(Client(), "supervisor@example.test", TEST_PASSWORD).status_code == 429

    client = Client()
    response = log_in(client, colleague.email, TEST_PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_throttled_username_is_the_stripped_lower_case_email(rf):
    request = rf.post("/login/", {"username": "  Supervisor@Example.TEST "})
    assert normalised_username(request, None) == "supervisor@example.test"
    assert normalised_username(request, {"username": "Dana@X.test"}) == "dana@x.test"
    assert normalised_username(request, {"username": None}) is None


@pytest.mark.parametrize(
    ("proxy_count", "remote_addr", "forwarded_for", "expected"),
    [
        # No proxy: the header is whatever the client wrote; only the socket counts.
        (0, OFFICE, HOME, OFFICE),
        (0, OFFICE, None, OFFICE),
        # One proxy: it appends the address it saw; anything left of that is the client's.
        (1, PROXY, OFFICE, OFFICE),
        (1, PROXY, f"6.6.6.6, {OFFICE}", OFFICE),
        (1, PROXY, f"{HOME},{OFFICE}", OFFICE),
        (1, PROXY, "2001:db8::7", "2001:db8::7"),
        # Two proxies: the outer one's view is second from the right.
        (2, PROXY, f"6.6.6.6, {OFFICE}, 10.0.0.2", OFFICE),
        # Fewer entries than proxies, no header, or an entry that is not an address: the socket.
        (2, PROXY, OFFICE, PROXY),
        (1, PROXY, None, PROXY),
        (1, PROXY, "", PROXY),
        (1, PROXY, f"{OFFICE}, not-an-address", PROXY),
        (1, PROXY, f"{OFFICE}:443", PROXY),
        (1, PROXY, f"{OFFICE}, ", PROXY),
    ],
)
def test_client_address_comes_from_the_trusted_end_of_x_forwarded_for(
    rf, settings, proxy_count, remote_addr, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxy_count
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for

    assert client_ip_address(rf.post("/login/", **meta)) == expected


@pytest.mark.django_db
def test_without_a_proxy_a_forged_header_neither_escapes_nor_moves_the_lock(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    UserFactory(email="supervisor@example.test")
    client = Client()
    for n in range(5):
        log_in(client, "supervisor@example.test", WRONG_PASSWORD, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}
    locked = log_in(client, "supervisor@example.test", TEST_PASSWORD, HTTP_X_FORWARDED_FOR=HOME)
    assert locked.status_code == 429


@pytest.mark.django_db
def test_behind_one_proxy_each_client_is_throttled_by_its_own_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(email="supervisor@example.test")
    for _ in range(5):
        log_in(Client(), "supervisor@example.test", WRONG_PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OFFICE)
    assert (
        log_in(
            Client(), "supervisor@example.test", TEST_PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OFFICE
        ).status_code
        == 429
    )

    client = Client()
    response = log_in(client, "supervisor@example.test", TEST_PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=HOME)

    assert response.status_code == 302
    assert is_logged_in(client)


@pytest.mark.django_db
def test_forging_the_left_most_entry_neither_escapes_the_lock_nor_locks_out_someone_else(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(email="supervisor@example.test")
    attacker = Client()
    # The attacker at OFFICE claims to be the supervisor's home address, and a new one each try.
    for forged in [HOME, "6.6.6.6", HOME, "192.0.2.1", HOME]:
        log_in(
            attacker,
            "supervisor@example.test",
            WRONG_PASSWORD,
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"{forged}, {OFFICE}",
        )

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}
    again = log_in(
        attacker,
        "supervisor@example.test",
        TEST_PASSWORD,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"192.0.2.9, {OFFICE}",
    )
    assert again.status_code == 429

    supervisor = Client()
    response = log_in(
        supervisor, "supervisor@example.test", TEST_PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=HOME
    )
    assert response.status_code == 302
    assert is_logged_in(supervisor)
