#!/usr/bin/env bash
# README command 2: install everything the tests need, then run the whole suite twice, at the same time:
# on SQLite and on a real PostgreSQL started here from Debian's packages.
# Extra arguments go to pytest (e.g. -k economies). Exits non-zero on any failure.
source "$(dirname "$0")/bootstrap.sh" test
cd "$ROOT"
# PostgreSQL for the second run; Java for the PySpark survey backend; Debian's chromium for browser tests,
# with Noto fonts so Arabic and Chinese render in the screenshots (the test checks which font drew them);
# wrk for bench/site (not run here); Pango for WeasyPrint's report PDFs and poppler-utils (pdftotext, pdftoppm)
# to read them back in the report tests.
apt_install postgresql postgresql-contrib openjdk-17-jre-headless chromium fonts-noto-core fonts-noto-cjk wrk redis-server libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils

export WSIS_SHARED_DATA="${WSIS_SHARED_DATA:-$(cd "$ROOT/.." && pwd)/shared/data}"
WORK="$(mktemp -d /tmp/wsis-test.XXXXXX)"
chmod 755 "$WORK"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
PGROOT="$WORK/pg"   # owned by postgres: it holds the cluster, its socket and its log
PGDATA="$PGROOT/data"
PGPORT="${WSIS_TEST_PGPORT:-55432}"

stop_pg() { [ -f "$PGDATA/postmaster.pid" ] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true; }
cleanup() { stop_pg; rm -rf "$WORK"; }
trap cleanup EXIT

failed=()
step() { local name="$1"; shift; echo "== $name"; if "$@"; then echo "-- $name: ok"; else echo "-- $name: FAILED"; failed+=("$name"); fi; }

step "ruff" ruff check src tests bench
step "import contracts" lint-imports
step "mypy (engine and reference)" mypy

# PostgreSQL for the second run: a private cluster as the postgres user (it refuses to run as root),
# loopback only.
mkdir -p "$PGROOT" && chown postgres: "$PGROOT"
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGROOT/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGROOT -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
runuser -u postgres -- "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres wsis

# The two runs at once: most tests keep one core busy, and the two share nothing (each its own data
# folder and database; servers, Redis and browsers of the tests take free ports). SQLite gets a fresh data
# folder, so nothing from a developer's own database leaks in. The SQLite run prints as it goes; the
# PostgreSQL run's output follows when it ends.
env WSIS_DATA_DIR="$WORK/data-pg" WSIS_DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/wsis" \
  pytest "$@" >"$WORK/postgresql.log" 2>&1 &
pg_run=$!
step "tests on SQLite" env -u WSIS_DATABASE_URL WSIS_DATA_DIR="$WORK/data-sqlite" pytest "$@"
echo "== tests on PostgreSQL"
if wait "$pg_run"; then pg_ok=1; else pg_ok=0; fi
cat "$WORK/postgresql.log"
if [ "$pg_ok" = 1 ]; then echo "-- tests on PostgreSQL: ok"; else echo "-- tests on PostgreSQL: FAILED"; failed+=("tests on PostgreSQL"); fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"; exit 1
fi
echo "all checks passed on SQLite and PostgreSQL"
