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
NGINX_PID=""
trap 'stop_gunicorn; [ -z "$NGINX_PID" ] || kill "$NGINX_PID" 2>/dev/null || true; rm -rf "$RUN_DIR"' EXIT

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

# A reader's browser, so that counting (stats/) counts every request as a reader's: wrk sends no
# User-Agent of its own, which would be taken for a bot and not counted.
AGENT="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"

measure() {  # label name url
  local raw="$RUN_DIR/wrk.txt" rps p50 p99 errors
  wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WARMUP" -H "User-Agent: $AGENT" "$3" >/dev/null 2>&1 || true
  wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WRK_DURATION" --latency -H "User-Agent: $AGENT" "$3" >"$raw" 2>&1 || true
  rps=$(awk '/Requests\/sec/ {print $2}' "$raw")
  p50=$(awk '$1 == "50%" {print $2}' "$raw")
  p99=$(awk '$1 == "99%" {print $2}' "$raw")
  errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/[^0-9 ]/, " "); n += $1 + $2 + $3 + $4} END {print n + 0}' "$raw")
  echo "$1 $2 req/s=$rps p50=$p50 p99=$p99 errors=$errors"
}

# Each mode with counting readers on (as in production), and again without (COUNTING=both, the
# default): what counting costs, in the same run.
MODES="uncached cached"
[ "${COUNTING:-both}" = both ] && MODES="uncached cached uncached-nocount cached-nocount"
for mode in $MODES; do
  if [ "${mode%-nocount}" != "$mode" ]; then export COUNT_READERS=0; else export COUNT_READERS=1; fi
  if [ "${mode%-nocount}" = uncached ]; then
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
  # The floor: robots.txt, a view with no query and no template, through the same gunicorn
  # and middleware. No page can be served faster than this.
  [ "$mode" = uncached ] && measure "newsroom-$mode" floor "http://127.0.0.1:$PORT/robots.txt"
  stop_gunicorn
done | tee "$RUN_DIR/ours.txt"
export COUNT_READERS=1
awk '$1 ~ /^newsroom-/ {sub("req/s=", "", $3); r[$1 " " $2] = $3}
     END {for (k in r) { split(k, a, " "); m = a[1]; n = a[2];
            if (m !~ /-nocount$/ && ((m "-nocount" " " n) in r) && r[m "-nocount" " " n] > 0)
              printf "# counting readers, %s %s: %.0f req/s with, %.0f without (%+.1f%%)\n",
                     substr(m, 10), n, r[k], r[m "-nocount" " " n], 100 * (r[k] / r[m "-nocount" " " n] - 1) }}' "$RUN_DIR/ours.txt"

# Behind nginx with deploy/nginx.conf (TLS, proxy_cache): cached pages through the proxy beside
# the same bytes served by the same nginx as plain files.
if command -v nginx >/dev/null && [ "${NGINX:-auto}" != 0 ]; then
  export PAGE_CACHE=1 REDIS_URL="$BENCH_REDIS_URL"
  start_gunicorn
  NG="$RUN_DIR/nginx" STATIC_ROOT_DIR="$RUN_DIR/static"
  mkdir -p "$NG/logs" "$NG/cache" "$STATIC_ROOT_DIR/bench"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -keyout "$NG/key.pem" -out "$NG/cert.pem" >/dev/null 2>&1
  sed -e "s|/var/cache/nginx/newsroom|$NG/cache|" \
      -e "s|server 127.0.0.1:8000;|server 127.0.0.1:$PORT;|" \
      -e "s|listen 80;|listen 127.0.0.1:$((PORT + 2));|" -e "s|listen \[::\]:80;||" \
      -e "s|listen 443 ssl http2;|listen 127.0.0.1:$((PORT + 1)) ssl;|" -e "s|listen \[::\]:443 ssl http2;||" \
      -e "s|/etc/letsencrypt/live/presse.example.dk/fullchain.pem|$NG/cert.pem|" \
      -e "s|/etc/letsencrypt/live/presse.example.dk/privkey.pem|$NG/key.pem|" \
      -e "s|/srv/newsroom/var/static/|$STATIC_ROOT_DIR/|" -e "s|/srv/newsroom/var/media/|$RUN_DIR/media/|" \
      deploy/nginx.conf > "$NG/site.conf"
  cat > "$NG/nginx.conf" <<NGINX
worker_processes 2;
daemon off;
pid $NG/nginx.pid;
error_log $NG/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  include /etc/nginx/mime.types;
  client_body_temp_path $NG/cache/body; proxy_temp_path $NG/cache/proxy;
  fastcgi_temp_path $NG/cache/fastcgi; uwsgi_temp_path $NG/cache/uwsgi; scgi_temp_path $NG/cache/scgi;
  include $NG/site.conf;
}
NGINX
  # nginx's workers run as nobody: they read the files and write the cache in here.
  chmod 755 "$RUN_DIR" && chmod -R a+rX "$RUN_DIR/static" && chmod -R a+rwX "$NG/cache"
  nginx -p "$NG" -c "$NG/nginx.conf" & NGINX_PID=$!
  https="https://127.0.0.1:$((PORT + 1))"
  for _ in $(seq 1 50); do curl -fsko /dev/null "$https/" && break; sleep 0.2; done
  for target in "${TARGETS[@]}"; do
    name="${target%% *}" path="${target#* }"
    curl -sk "$https$path" -o "$STATIC_ROOT_DIR/bench/$name.html"  # the very bytes, as a file
    measure "nginx-proxy-cache" "$name" "$https$path"
    measure "nginx-static-file" "$name" "$https/static/bench/$name.html"
  done | tee "$RUN_DIR/nginx.txt"
  kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null || true
  NGINX_PID=""
  stop_gunicorn
  awk '$1 == "nginx-proxy-cache" {sub("req/s=", "", $3); p[$2] = $3}
       $1 == "nginx-static-file" {sub("req/s=", "", $3); f[$2] = $3}
       END {for (n in p) printf "# nginx %s: proxy cache %.0f req/s, static file %.0f req/s, %.2fx slower\n", n, p[n], f[n], (p[n] ? f[n] / p[n] : 0)}' "$RUN_DIR/nginx.txt"
fi

if [ "${PEER:-auto}" != 0 ] && [ -f "$PEER_DIR/run.sh" ]; then
  log "the Wagtail peer, same machine, same wrk settings"
  WRK_DURATION="$WRK_DURATION" WRK_CONNECTIONS="$WRK_CONNECTIONS" WRK_THREADS="$WRK_THREADS" \
    WARMUP="$WARMUP" bash "$PEER_DIR/run.sh" 2>/dev/null | grep '^peer' | tee "$RUN_DIR/peer.txt"
  echo
  printf "%-10s %12s %14s %8s %14s %8s\n" page wagtail uncached ratio cached ratio
  for target in "${TARGETS[@]}"; do
    name="${target%% *}"
    # The same work on both sides: our RSS is full text, so beside the peer's full-text feed.
    peer_name="$name"; [ "$name" = rss ] && peer_name=rss_full
    peer=$(awk -v n="$peer_name" '$3 == n {sub("req/s=", "", $4); print $4}' "$RUN_DIR/peer.txt")
    unc=$(awk -v n="$name" '$1 == "newsroom-uncached" && $2 == n {sub("req/s=", "", $3); print $3}' "$RUN_DIR/ours.txt")
    cac=$(awk -v n="$name" '$1 == "newsroom-cached" && $2 == n {sub("req/s=", "", $3); print $3}' "$RUN_DIR/ours.txt")
    awk -v n="$name" -v p="$peer" -v u="$unc" -v c="$cac" 'BEGIN {
      printf "%-10s %12.0f %14.0f %7.2fx %14.0f %7.2fx\n", n, p, u, (p ? u / p : 0), c, (p ? c / p : 0) }'
  done
  floor=$(awk '$1 == "newsroom-uncached" && $2 == "floor" {sub("req/s=", "", $3); print $3}' "$RUN_DIR/ours.txt")
  awk -v f="$floor" 'BEGIN { printf "%-10s %12s %14.0f   (robots.txt: no query, no template, same stack)\n", "floor", "", f }'
  for target in "${TARGETS[@]}"; do
    name="${target%% *}"
    peer=$(awk -v n="$name" '$3 == n {sub("req/s=", "", $4); print $4}' "$RUN_DIR/peer.txt")
    awk -v n="$name" -v p="$peer" -v f="$floor" 'BEGIN {
      printf "# %s: 3x the peer is %.0f req/s, %.0f%% of the floor\n", n, 3 * p, (f ? 300 * p / f : 0) }'
  done
fi

# The embargo-lift rush: 210 connections on the index, the feed and the release itself across the
# second an embargoed release goes public, through the page cache (Redis). After the second
# every answer must show it (the release page answers 404 before it).
export PAGE_CACHE=1 REDIS_URL="$BENCH_REDIS_URL"
start_gunicorn
read -r PUBLISH_AT RUSH_SLUG < <($BIN/python manage.py shell -c "
import datetime
from django.contrib.auth.models import User
from django.utils import timezone
from newsroom import services
from newsroom.models import PressRelease
user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser('bench', 'bench@example.org', None)
at = (timezone.now() + datetime.timedelta(seconds=12)).replace(microsecond=0)
release = PressRelease.objects.create(title='Embargoløft i benchmark', lead='Rushmarkoer.', body='<p>Rushmarkoer.</p>')
services.release_publish(release=release, user=user, publish_at=at, embargo=True)
print(int(at.timestamp()), release.slug)
" 2>/dev/null | tail -1)
MARKER="Embargol" # ASCII prefix of the title (the body is HTML-escaped UTF-8)
RUSHES=()
for path in / "/feeds/rss/" "/pressemeddelelser/$RUSH_SLUG/"; do
  (
    PUBLISH_AT="$PUBLISH_AT" MARKER="$MARKER" wrk -t1 -c70 -d25s -s bench/rush.lua \
      "http://127.0.0.1:$PORT$path" 2>&1 | grep -E "^RUSH|Requests/sec" | tr '\n' ' ' |
      sed "s|^|rush $path |"
    echo
  ) &
  RUSHES+=($!)
done
wait "${RUSHES[@]}"  # the rushes only: gunicorn runs in the background too
stop_gunicorn
