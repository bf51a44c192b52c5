"""Login throttling (django-axes): every spelling of an email counts against one account."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from users.tests.factories import TEST_PASSWORD, UserFactory
from users.throttling import normalised_username

WRONG_PASSWORD = "not-the-password"
OFFICE = "203.0.113.5"


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
