#!/usr/bin/env bash
# `make bench`, the mail part: a pitch to 5,000 journalists and an alert round to 50,000
# subscribers through a local SMTP server, sent by two real `run_worker` processes on a scratch
# PostgreSQL database (outreach/management/commands/bench_mail.py). Without PostgreSQL, one
# worker on a throw-away SQLite file.
#
# Knobs: JOURNALISTS (5000), SUBSCRIBERS (50000), BENCH_MAIL_DATABASE (newsroom_bench_mail;
# dropped and made anew), PGHOST/PGPORT/PGUSER (127.0.0.1/5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."

PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
DATABASE="${BENCH_MAIL_DATABASE:-newsroom_bench_mail}"
RUN_DIR="$(mktemp -d)"
trap 'rm -rf "$RUN_DIR"' EXIT
export DATA_DIR="$RUN_DIR" MEDIA_ROOT="$RUN_DIR/media" DEBUG="" HTTPS=0 LOG_LEVEL=WARNING
export SECRET_KEY="bench-only-$(head -c 24 /dev/urandom | base64)"
export DJANGO_SETTINGS_MODULE=newsroom.settings
if pg_isready -h "$PGHOST" -p "$PGPORT" -q 2>/dev/null; then
  psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -q -c "DROP DATABASE IF EXISTS $DATABASE" \
    -c "CREATE DATABASE $DATABASE" >/dev/null
  export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DATABASE"
else
  echo "# PostgreSQL not reachable: one worker on SQLite" >&2
  unset DATABASE_URL
fi
.venv/bin/python manage.py bench_mail \
  --journalists "${JOURNALISTS:-5000}" --subscribers "${SUBSCRIBERS:-50000}"
