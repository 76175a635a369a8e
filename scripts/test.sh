#!/usr/bin/env bash
# Run the whole suite on SQLite and on PostgreSQL. Under CI=true nothing may
# be skipped: a missing database server or browser fails the run.
#
# The two passes run side by side: each is one process on one core for most of
# its length, and this machine (like CI's) has two. The PostgreSQL pass writes
# to test-artifacts/postgresql.log (follow it with `tail -f`) and is printed
# once the SQLite pass ends. PARALLEL=0 runs them one after the other.
set -uo pipefail
BIN=.venv/bin
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/test}
PARALLEL=${PARALLEL:-1}
PYTEST_ARGS=(-q -p no:cacheprovider --durations=25)
mkdir -p test-artifacts
status=0

pg_up() { $BIN/python - "$PG_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
except Exception as error:
    print(error); sys.exit(1)
PY
}
if ! pg_up >/dev/null 2>&1 && [ "${CI:-}" = "true" ] && command -v pg_ctlcluster >/dev/null; then
  echo "Starting the local PostgreSQL cluster…"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  sleep 2
fi

# The pure tests (engines, normalisation, knowledge: marked `pure` in tests/conftest.py)
# run in the SQLite pass only; the PostgreSQL pass repeats what touches the database.
pg_pass() { DATABASE_URL=$PG_URL $BIN/pytest "${PYTEST_ARGS[@]}" -m "not pure"; }
pg_pid=""
pg_log=test-artifacts/postgresql.log
if pg_up >/dev/null 2>&1; then
  if [ "$PARALLEL" = "1" ]; then
    echo "== Tests on PostgreSQL ($PG_URL), without the pure tests: started beside the SQLite pass, output in $pg_log"
    pg_pass >"$pg_log" 2>&1 &
    pg_pid=$!
  fi
else
  pg_error=$(pg_up)
  echo "SKIPPED: the PostgreSQL suite, because no server answers at $PG_URL ($pg_error)."
  if [ "${CI:-}" = "true" ]; then echo "CI=true: PostgreSQL tests may not be skipped." >&2; status=1; fi
fi

echo "== Tests on SQLite (and the pure tests, once)"
DATABASE_URL=sqlite:// $BIN/pytest "${PYTEST_ARGS[@]}" || status=1

if [ -n "$pg_pid" ]; then
  echo "== Waiting for the PostgreSQL pass…"
  wait "$pg_pid" || status=1
  echo "== Tests on PostgreSQL ($PG_URL), without the pure tests"
  cat "$pg_log"
elif [ "$PARALLEL" != "1" ] && pg_up >/dev/null 2>&1; then
  echo "== Tests on PostgreSQL ($PG_URL), without the pure tests"
  pg_pass || status=1
fi
exit $status
