#!/usr/bin/env bash
# `make bench`, over HTTP: this newsroom under gunicorn (2 sync workers, PostgreSQL, N releases)
# measured with wrk, uncached and from the page cache (Redis), beside the Wagtail peer when its
# benchmark is found next to the checkout (../shared/bench/wagtail_peer), in the same run.
#
# Knobs: N (1000 releases), PORT (8071), WORKERS (2), WRK_DURATION (10s), WRK_CONNECTIONS (8),
# WRK_THREADS (2), WARMUP (3s), PEER (auto|0), BENCH_DATABASE (newsroom_bench; dropped and made
# anew), PGHOST/PGPORT/PGUSER (127.0.0.1/5432/postgres), REDIS_URL (redis://127.0.0.1:6379/14).
set -euo pipefail
cd "$(dirname "$0")/.."

N="${N:-1000}"
PORT="${PORT:-8071}"
WORKERS="${WORKERS:-2}"
WRK_DURATION="${WRK_DURATION:-10s}"
WRK_CONNECTIONS="${WRK_CONNECTIONS:-8}"
WRK_THREADS="${WRK_THREADS:-2}"
WARMUP="${WARMUP:-3s}"
PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
BENCH_DATABASE="${BENCH_DATABASE:-newsroom_bench}"
BENCH_REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/14}"
PEER_DIR="../shared/bench/wagtail_peer"
RUN_DIR="$(mktemp -d)"
BIN=.venv/bin
log() { echo "# $*" >&2; }

command -v wrk >/dev/null || { log "installing wrk"; apt-get install -y -qq wrk >/dev/null; }

export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$BENCH_DATABASE"
export DATA_DIR="$RUN_DIR" MEDIA_ROOT="$RUN_DIR/media" DEBUG="" CONN_MAX_AGE=600
export SECRET_KEY="bench-only-$(head -c 24 /dev/urandom | base64)" ALLOWED_HOSTS=127.0.0.1
export HTTPS=0 LOG_LEVEL=WARNING

log "scratch database $BENCH_DATABASE with $N releases"
psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -q -c "DROP DATABASE IF EXISTS $BENCH_DATABASE" \
  -c "CREATE DATABASE $BENCH_DATABASE" >/dev/null
$BIN/python manage.py migrate -v0
$BIN/python manage.py collectstatic --noinput -v0
$BIN/python manage.py seed_bench --releases "$N" 2>/dev/null | tail -1 >&2
mapfile -t TARGETS < <($BIN/python manage.py bench_urls)

GUNICORN_PID=""
stop_gunicorn() {
  if [ -n "$GUNICORN_PID" ]; then
    kill -TERM "$GUNICORN_PID" 2>/dev/null || true
    wait "$GUNICORN_PID" 2>/dev/null || true
  fi
  GUNICORN_PID=""
}
trap 'stop_gunicorn; rm -rf "$RUN_DIR"' EXIT

start_gunicorn() {
  $BIN/gunicorn newsroom.wsgi --workers "$WORKERS" --worker-class sync \
    --bind "127.0.0.1:$PORT" --log-level warning --error-logfile "$RUN_DIR/gunicorn.log" &
  GUNICORN_PID=$!
  for _ in $(seq 1 100); do
    curl -fso /dev/null "http://127.0.0.1:$PORT/" && return 0
    sleep 0.2
  done
  tail -20 "$RUN_DIR/gunicorn.log" >&2
  exit 1
}

measure() {  # label name url
  local raw="$RUN_DIR/wrk.txt" rps p50 p99 errors
  wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WARMUP" "$3" >/dev/null 2>&1 || true
  wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WRK_DURATION" --latency "$3" >"$raw" 2>&1
  rps=$(awk '/Requests\/sec/ {print $2}' "$raw")
  p50=$(awk '$1 == "50%" {print $2}' "$raw")
  p99=$(awk '$1 == "99%" {print $2}' "$raw")
  errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/[^0-9 ]/, " "); n += $1 + $2 + $3 + $4} END {print n + 0}' "$raw")
  echo "$1 $2 req/s=$rps p50=$p50 p99=$p99 errors=$errors"
}

for mode in uncached cached; do
  if [ "$mode" = uncached ]; then
    export PAGE_CACHE=0
    unset REDIS_URL
  else
    export PAGE_CACHE=1 REDIS_URL="$BENCH_REDIS_URL"
    redis-cli -u "$REDIS_URL" flushdb >/dev/null 2>&1 || log "Redis not reachable: cached figures are without Redis"
  fi
  log "gunicorn ($WORKERS sync workers), $mode"
  start_gunicorn
  for target in "${TARGETS[@]}"; do
    measure "newsroom-$mode" "${target%% *}" "http://127.0.0.1:$PORT${target#* }"
  done
  stop_gunicorn
done | tee "$RUN_DIR/ours.txt"

if [ "${PEER:-auto}" != 0 ] && [ -f "$PEER_DIR/run.sh" ]; then
  log "the Wagtail peer, same machine, same wrk settings"
  WRK_DURATION="$WRK_DURATION" WRK_CONNECTIONS="$WRK_CONNECTIONS" WRK_THREADS="$WRK_THREADS" \
    WARMUP="$WARMUP" bash "$PEER_DIR/run.sh" 2>/dev/null | grep '^peer' | tee "$RUN_DIR/peer.txt"
  echo
  printf "%-10s %12s %14s %8s %14s %8s\n" page wagtail uncached ratio cached ratio
  for target in "${TARGETS[@]}"; do
    name="${target%% *}"
    peer=$(awk -v n="$name" '$3 == n {sub("req/s=", "", $4); print $4}' "$RUN_DIR/peer.txt")
    unc=$(awk -v n="$name" '$1 == "newsroom-uncached" && $2 == n {sub("req/s=", "", $3); print $3}' "$RUN_DIR/ours.txt")
    cac=$(awk -v n="$name" '$1 == "newsroom-cached" && $2 == n {sub("req/s=", "", $3); print $3}' "$RUN_DIR/ours.txt")
    awk -v n="$name" -v p="$peer" -v u="$unc" -v c="$cac" 'BEGIN {
      printf "%-10s %12.0f %14.0f %7.2fx %14.0f %7.2fx\n", n, p, u, (p ? u / p : 0), c, (p ? c / p : 0) }'
  done
fi
