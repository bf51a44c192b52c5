"""Settings for the test suite: the production settings plus the overrides tests need.

pytest uses this module (pyproject.toml); ticketflower/settings.py never asks
whether it runs under a test runner. Every difference from production is here.
"""

import os

# settings.py refuses to start without a SECRET_KEY when DEBUG is off, as production must.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")

from ticketflower.settings import *  # noqa: F403
from ticketflower.settings import STORAGES

SECRET_KEY = "test-only-secret-key-not-used-anywhere-else-0123456789"
DEBUG = False
# The test client and the live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# No collectstatic before tests; ticketflower/tests/test_static_files.py builds the manifest.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Fast hashing keeps factories cheap.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Off as in production; a test that calls a local action endpoint asks for the
# `allow_private_action_targets` fixture.
ACTIONS_ALLOW_PRIVATE_TARGETS = False
# A public-looking address, so the reference processes load without private targets;
# a test that really calls the demo actions points this at its live server.
DEMO_ACTION_BASE_URL = "https://actions.demo.example"
