"""Names and limits every layer agrees on: models (constraints), validation, forms and bundles."""

from __future__ import annotations

import re
from datetime import timedelta

# \Z, not $: Python's $ also matches before a final newline ("it-support\n").
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}\Z")
# The same rule for JSON Schema (ECMA-262 has no \Z; "not followed by anything" is portable).
KEY_JSON_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,79}(?![\s\S])"
FIELD_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}\Z")

MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS = 1, 60
MAX_DURATION = timedelta(days=365)
MAX_PRIORITY = 1_000_000
MAX_ACTION_URL_LENGTH = 500
MAX_ARROW_LABEL_LENGTH = 100
