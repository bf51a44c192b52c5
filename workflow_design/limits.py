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
# Tables (array-of-object fields): every cell is a form input, and Django refuses a post of more than
# 1,000 inputs (DATA_UPLOAD_MAX_NUMBER_FIELDS), so a full table (100 rows of 8 columns) stays below it.
MAX_TABLE_ROWS = 100
MAX_TABLE_COLUMNS = 8
# A `pattern` is a designer's regular expression run on people's text: kept short.
MAX_PATTERN_LENGTH = 300
MAX_DECIMAL_PLACES = 6
