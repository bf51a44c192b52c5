#!/usr/bin/env bash
# Serve TicketFlower on http://127.0.0.1:$PORT (default 8000) with its django-q2 worker.
# Ctrl-C reaches both (same process group); the trap makes sure the worker
# is gone when the web server stops for any other reason.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-8000}"

.venv/bin/python manage.py qcluster &
worker=$!
trap 'kill -TERM "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM

echo "TicketFlower: http://127.0.0.1:${port}  (background worker pid $worker; Ctrl-C stops both)"
.venv/bin/python manage.py runserver "127.0.0.1:${port}"
