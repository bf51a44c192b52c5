"""Settings: secure in production whatever runs them, and tests say what they change."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings

# Imports the real settings module in a fresh interpreter and reports what it decided.
# A developer's .env (`make run` writes one with DEBUG on) is not read: this is about
# the defaults in the code.
PROBE = """
import json
import environ
environ.Env.read_env = classmethod(lambda cls, *args, **kwargs: None)
import ticketflower.settings as s
print(json.dumps({name: getattr(s, name, "<unset>") for name in NAMES}, default=str))
"""
NAMES = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "ACTIONS_ALLOW_PRIVATE_TARGETS",
    "STORAGES",
    "PASSWORD_HASHERS",
    "TESTING",
]


def production_settings(**extra_env: str) -> dict:
    # A clean environment: pytest itself sets PYTEST_VERSION, which must change nothing.
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DEBUG": "false",
        "SECRET_KEY": "a-production-like-secret-key-of-fifty-characters-or-more",
        "ALLOWED_HOSTS": "tickets.example.com",
        **extra_env,
    }
    probe = f"NAMES = {NAMES!r}\n{PROBE}"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_defaults_are_secure():
    production = production_settings()

    assert production["DEBUG"] is False
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SECURE_HSTS_SECONDS"] > 0
    # Preloading commits a customer's whole domain to the browsers' list: opt-in only.
    assert production["SECURE_HSTS_PRELOAD"] is False
    assert production["ACTIONS_ALLOW_PRIVATE_TARGETS"] is False
    assert production["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert production["PASSWORD_HASHERS"] == "<unset>"  # Django's default hashers, not the tests' fast one
    assert production["TESTING"] == "<unset>"


def test_pytest_in_the_environment_changes_no_setting():
    assert production_settings(PYTEST_VERSION="9.0.0") == production_settings()


def test_the_suite_keeps_private_action_targets_off_unless_a_test_opts_in():
    assert settings.ACTIONS_ALLOW_PRIVATE_TARGETS is False


def test_a_test_opts_in_to_private_action_targets(allow_private_action_targets):
    assert settings.ACTIONS_ALLOW_PRIVATE_TARGETS is True
