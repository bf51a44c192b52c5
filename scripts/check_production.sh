#!/usr/bin/env bash
# Production smoke test: with production settings (DEBUG off, a random secret, the
# manifest static storage), build the static files, migrate a throwaway SQLite
# database, serve the app with gunicorn on a free local port and require that
# /login/ and the stylesheet it links answer 200 with nothing wrong in the log.
# Plain HTTP (SECURE_SSL_REDIRECT=false) because there is no TLS proxy here.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

workdir="$(mktemp -d "${TMPDIR:-/tmp}/ticketflower-production.XXXXXX")"
log="$workdir/gunicorn.log"
gunicorn_pid=""
stop_gunicorn() {
  if [ -n "$gunicorn_pid" ]; then
    kill -TERM "$gunicorn_pid" 2>/dev/null || true
    wait "$gunicorn_pid" 2>/dev/null || true
    gunicorn_pid=""
  fi
}
trap 'stop_gunicorn; rm -rf "$workdir"' EXIT
fail() {
  echo "check_production: $*" >&2
  echo "--- gunicorn log" >&2
  cat "$log" >&2 2>/dev/null || true
  exit 1
}

export DJANGO_SETTINGS_MODULE=ticketflower.settings
export DEBUG=false
SECRET_KEY="$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=false
export DATABASE_URL="sqlite:///$workdir/db.sqlite3"
export STATIC_ROOT="$workdir/static"

$PY manage.py migrate --noinput --verbosity 0
$PY manage.py collectstatic --noinput --verbosity 0

port="$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
# Recent gunicorn (27 here) opens a control socket at one fixed path in $HOME; two
# runs at once (CI jobs, several checkouts) would fight over it.
options=(--bind "127.0.0.1:$port" --workers 1 --timeout 20)
if .venv/bin/gunicorn --help | grep -q -- --no-control-socket; then
  options+=(--no-control-socket)
fi
.venv/bin/gunicorn ticketflower.wsgi "${options[@]}" >"$log" 2>&1 &
gunicorn_pid=$!

# Wait (at most 20 s) until gunicorn answers at all.
status=000
for _ in $(seq 1 40); do
  kill -0 "$gunicorn_pid" 2>/dev/null || fail "gunicorn exited before serving"
  status="$(curl -s -o "$workdir/login.html" -w '%{http_code}' --max-time 10 "$base/login/" || true)"
  [ "$status" != 000 ] && break
  sleep 0.5
done
[ "$status" = 200 ] || fail "GET /login/ answered $status, expected 200"

# The page links the stylesheet by its hashed manifest name, and whitenoise serves it.
css="$(grep -o '/static/[^"]*\.css' "$workdir/login.html" | head -n 1 || true)"
[[ "$css" =~ \.[0-9a-f]{12}\.css$ ]] || fail "no hashed stylesheet linked from /login/ (found '${css}')"
status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$base$css")"
[ "$status" = 200 ] || fail "GET $css answered $status, expected 200"

stop_gunicorn
if grep -Eiq 'error|traceback' "$log"; then
  fail "the gunicorn log reports an error"
fi
echo "check_production: /login/ and $css served by gunicorn with production settings"
