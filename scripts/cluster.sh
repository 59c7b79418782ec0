#!/usr/bin/env bash
# Two zhicheng servers behind nginx on one PostgreSQL and one S3 bucket, as a province runs
# them (README "Several servers on one PostgreSQL"), and the checks that prove it:
#   1. a person signed in through nginx keeps their session whichever server answers;
#   2. a picture uploaded through the proxy opens from either server directly;
#   3. login-failure counters and the per-address captcha hold across both servers;
#   4. jobs queued on the shared database each run once, on either server's worker;
#   5. per-address request limits count one address's requests to both servers together;
#   6. killing one server with SIGKILL mid-load fails no GET (nginx retries idempotent
#      requests on the other server) and loses no acknowledged POST (sign-ins: each one
#      answered still holds afterwards; its config never retries a POST).
#   scripts/cluster.sh            build, start, check, stop
#   KEEP=1 scripts/cluster.sh     leave the cluster running afterwards (Ctrl-C stops it)
# Needs nginx (Debian's), PostgreSQL on CI_PG_PORT, python3; starts moto's S3 server when
# none answers on CI_S3_PORT (from target/moto, which .ci/setup installs).
set -euo pipefail
cd "$(dirname "$0")/.."
PG_PORT=${CI_PG_PORT:-5432}
S3_PORT=${CI_S3_PORT:-9317}
DB="zc_cluster_$$"
BUCKET="zc-cluster-$$"
WORK=$(mktemp -d)
chmod 755 "$WORK"
PIDS=()
cleanup() {
  [ -f "$WORK/nginx/nginx.pid" ] && kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
step() { printf '==> %s\n' "$1"; }
fail() {
  echo "FAILED: $1" >&2
  for f in "$WORK"/*.log "$WORK"/nginx/error.log; do [ -f "$f" ] && { echo "--- $f"; tail -15 "$f"; }; done >&2
  exit 1
}
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 100); do curl -sf "$1/healthz" >/dev/null && return 0; sleep 0.2; done; return 1; }
sql() { psql -tAq -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$DB" -c "$1"; }

command -v nginx >/dev/null || fail "nginx is not installed (apt-get install nginx)"
step "object storage: moto's S3 server on port $S3_PORT, bucket $BUCKET"
if ! curl -sf "http://127.0.0.1:$S3_PORT/" >/dev/null; then
  MOTO=target/moto/bin/moto_server
  [ -x "$MOTO" ] || MOTO=$(command -v moto_server) || fail "no moto_server (python3 -m venv target/moto && target/moto/bin/pip install 'moto[server]')"
  "$MOTO" -H 127.0.0.1 -p "$S3_PORT" > "$WORK/moto.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$S3_PORT/" >/dev/null && break; sleep 0.2; done
fi
curl -sf -X PUT "http://127.0.0.1:$S3_PORT/$BUCKET" >/dev/null || fail "creating the bucket"

step "building zhicheng"
cargo build -q --locked -p zhicheng --bin zhicheng
cp target/debug/zhicheng "$WORK/zhicheng"

psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE $DB"
export ZC_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/$DB" ZC_KEYS_DIR="$WORK/keys" \
  ZC_S3_BUCKET="$BUCKET" ZC_S3_ENDPOINT="http://127.0.0.1:$S3_PORT" ZC_S3_ALLOW_HTTP=true \
  ZC_S3_ACCESS_KEY_ID=testing ZC_S3_SECRET_ACCESS_KEY=testing \
  ZC_TRUSTED_PROXIES=127.0.0.1/32 ZC_LOG_LEVEL=warn
ZC_DATA_DIR="$WORK/a" "$WORK/zhicheng" demo > "$WORK/demo.log" 2>&1 || fail "demo data"
PASSWORD=$(cat "$WORK/keys/demo-password")
# 200 more applicants, one for each sign-in of the kill check (an account's tries are
# counted, so sign-ins of one account at once would meet its captcha).
echo "$PASSWORD" | ZC_DATA_DIR="$WORK/a" "$WORK/zhicheng" seed-applicants --count 200 \
  > "$WORK/seed.log" 2>&1 || fail "seeding applicants"

step "two servers with the same keys, each with its own data folder"
PA=$(port); PB=$(port); PN=$(port)
start() { # name port
  ZC_DATA_DIR="$WORK/$1" ZC_BIND="127.0.0.1:$2" "$WORK/zhicheng" serve > "$WORK/$1.log" 2>&1 &
  PIDS+=($!)
  eval "PID_$1=$!"
  # The check kills server b on purpose; no "Killed" job report for it.
  disown "$!"
}
start a "$PA"; start b "$PB"
wait_up "http://127.0.0.1:$PA" || fail "server a did not start"
wait_up "http://127.0.0.1:$PB" || fail "server b did not start"

step "nginx on $PN balancing between $PA and $PB"
mkdir -p "$WORK/nginx"
cat > "$WORK/nginx/nginx.conf" <<EOF
user root;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  upstream zhicheng {
    server 127.0.0.1:$PA max_fails=1 fail_timeout=10s;
    server 127.0.0.1:$PB max_fails=1 fail_timeout=10s;
  }
  server {
    listen 127.0.0.1:$PN;
    client_max_body_size 20m;
    location / {
      proxy_pass http://zhicheng;
      proxy_set_header Host \$http_host;
      proxy_set_header X-Real-IP \$remote_addr;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      # A request that failed on one server is tried on the other only if it is
      # idempotent: nginx leaves POST alone unless told 'non_idempotent', which we never do.
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 2;
      add_header X-Upstream \$upstream_addr always;
    }
  }
}
EOF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" || fail "nginx did not start"
N="http://127.0.0.1:$PN"
wait_up "$N" || fail "nginx does not answer"
python3 scripts/cluster_check.py --proxy "$N" --a "http://127.0.0.1:$PA" --b "http://127.0.0.1:$PB" \
  --password "$PASSWORD" --db "$ZC_DATABASE_URL" --kill-b "$PID_b" --work "$WORK" \
  ${KEEP:+--keep}
