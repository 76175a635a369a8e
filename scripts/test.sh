#!/usr/bin/env bash
# Run the whole suite on SQLite, then on PostgreSQL. Under CI=true nothing may
# be skipped: a missing database server or browser fails the run.
set -uo pipefail
BIN=.venv/bin
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/test}
mkdir -p test-artifacts
status=0

# The pure tests (engines, normalisation, knowledge: marked `pure` in tests/conftest.py)
# run in the first pass only; the PostgreSQL pass repeats what touches the database.
echo "== Tests on SQLite (and the pure tests, once)"
DATABASE_URL=sqlite:// $BIN/pytest -q -p no:cacheprovider || status=1

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
if pg_up >/dev/null 2>&1; then
  echo "== Tests on PostgreSQL ($PG_URL), without the pure tests"
  DATABASE_URL=$PG_URL $BIN/pytest -q -p no:cacheprovider -m "not pure" || status=1
else
  echo "SKIPPED: the PostgreSQL suite, because no server answers at $PG_URL."
  if [ "${CI:-}" = "true" ]; then echo "CI=true: PostgreSQL tests may not be skipped." >&2; status=1; fi
fi
exit $status
