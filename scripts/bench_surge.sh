#!/usr/bin/env bash
# The deadline peak on one node, driven by the goose harness (crates/loadtest):
# applicants create, fill, upload, submit and withdraw; reviewers work their queues, 退回
# and 批量办理; the public checks certificates and reads 公示. The Guangxi peak hour is
# about 400 requests/s; the run holds MULTIPLE × 400 req/s for MINUTES.
#   scripts/bench_surge.sh [multiple] [minutes] [sqlite|postgres]     (default: 1 10 sqlite)
# Environment: DOSSIERS (default 100000) seeded first, so queues are deadline-day size;
# USERS (default 100), WEIGHTS (applicants:public:reviewers, default 4:15:1), PAUSE_MS
# (between a person's steps, default 0-100) and STRAIGHT=1 (applicants only create, fill,
# upload and submit) shape the load;
# KILL_AT=seconds kills the server with SIGKILL that far into the run and starts it again
# at once; afterwards every submission the server acknowledged must be in the database.
# Prints the goose figures, the server's peak RSS and the checks; needs wrk for the
# hello_axum reference and, for postgres, 127.0.0.1:5432.
set -euo pipefail
cd "$(dirname "$0")/.."
MULTIPLE=${1:-1}
MINUTES=${2:-10}
BACKEND=${3:-sqlite}
DOSSIERS=${DOSSIERS:-100000}
# goose's throttle lets through about nine tenths of its figure; ask for a tenth more so
# the rate offered is the multiple of the peak (the report shows the rate achieved).
RATE=$(python3 -c "print(round(440 * $MULTIPLE))")
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo build --release -p zhicheng -p zc-loadtest --bins --example hello_axum
BIN="$CARGO_TARGET_DIR/release"
DIR=$(mktemp -d)
export ZC_DATA_DIR="$DIR" ZC_LOG_LEVEL=warn ZC_BIND=127.0.0.1:8180 ZC_TRUSTED_PROXIES=127.0.0.1
PG="postgres://postgres@127.0.0.1:5432"
if [ "$BACKEND" = postgres ]; then
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS zc_bench_surge" -c "CREATE DATABASE zc_bench_surge"
  export ZC_DATABASE_URL="$PG/zc_bench_surge"
  SQL() { psql "$ZC_DATABASE_URL" -qtAc "$1"; }
else
  SQL() { python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print("\n".join("|".join(map(str,x)) for x in c.execute(sys.argv[2]).fetchall()))' "$DIR/zhicheng.db" "$1"; }
fi
"$BIN/zhicheng" demo > "$DIR/demo.txt"
PASSWORD=$(grep -o '密码均为 [^，]*' "$DIR/demo.txt" | cut -d' ' -f2)
secret() { awk -v l="$1" '$1==l && length($2)==32 {print $2}' "$DIR/demo.txt"; }
"$BIN/zhicheng" seed-applications --count "$DOSSIERS"
echo "$PASSWORD" | "$BIN/zhicheng" seed-applicants --count 50000 --first 5000000 2>/dev/null

serve() {
  "$BIN/zhicheng" >> "$DIR/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 200); do curl -sf http://127.0.0.1:8180/healthz > /dev/null && return; sleep 0.1; done
  echo "server did not start"; exit 1
}
serve
"$BIN/examples/hello_axum" 127.0.0.1:8190 > /dev/null 2>&1 &
HELLO=$!
trap 'kill $SERVER $HELLO 2>/dev/null || true; rm -rf "$DIR"' EXIT
sleep 0.5
HELLO_RPS=$(wrk -t2 -c64 -d5s http://127.0.0.1:8190/ | awk '/Requests\/sec/ {print $2}')
kill $HELLO

# Five reviewers, one per account (a 动态口令 counts once per step): one user in twenty
# by default (WEIGHTS=applicants:public:reviewers); USERS raises the load that can be offered.
STAFF="danwei:$(secret danwei):/unit/applications?status=unit_pending"
STAFF+=",shenhe:$(secret shenhe):/unit/applications?status=unit_pending"
STAFF+=",zhuguan:$(secret zhuguan):/office/applications?status=department_pending"
STAFF+=",zhigaiban:$(secret zhigaiban):/office/applications?status=office_pending"
STAFF+=",nanning:$(secret nanning):/office/applications?status=office_pending"
# Resident memory every two seconds, at its highest: all of it, and the part that is the
# process's own (anonymous) memory rather than the database file mapped in (mmap_size).
watch_rss() {
  local all=0 anon=0 a b
  while sleep 2; do
    a=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER/status" 2>/dev/null || echo 0)
    b=$(awk '/RssAnon/ {print $2}' "/proc/$SERVER/status" 2>/dev/null || echo 0)
    [ "${a:-0}" -gt "$all" ] && all=$a
    [ "${b:-0}" -gt "$anon" ] && anon=$b
    echo "$all $anon" > "$DIR/rss"
  done
}
watch_rss &
WATCH=$!
LOADTEST_PASSWORD="$PASSWORD" LOADTEST_FIRST=5000000 LOADTEST_STAFF="$STAFF" \
LOADTEST_ACKS="$DIR/acks.txt" LOADTEST_PAUSE_MS=${PAUSE_MS:-0-100} LOADTEST_WEIGHTS=${WEIGHTS:-4:15:1} \
LOADTEST_STRAIGHT=${STRAIGHT:-} \
  "$BIN/zc-loadtest" --host http://127.0.0.1:8180 --users "${USERS:-100}" --increase-rate 25 \
  --run-time "${MINUTES}m" --throttle-requests "$RATE" --quiet --no-print-metrics \
  --report-file "$DIR/report.json" --report-file "$DIR/report.md" > "$DIR/goose.log" 2>&1 &
LOAD=$!
if [ -n "${KILL_AT:-}" ]; then
  sleep "$KILL_AT"
  kill -9 "$SERVER"
  echo "killed the server (SIGKILL) ${KILL_AT} s into the run; starting it again"
  serve
fi
wait $LOAD || true
kill $WATCH 2>/dev/null || true

if [ ! -s "$DIR/report.md" ]; then echo "the load test wrote no report:"; tail -20 "$DIR/goose.log"; exit 1; fi
sed -n '/## Request Metrics/,/## Transaction Metrics/p' "$DIR/report.md"
cp "$DIR/report.md" "${REPORT:-/tmp/zc-surge-report.md}"
echo "(the whole goose report: ${REPORT:-/tmp/zc-surge-report.md})"
echo "hello_axum in the same run: $HELLO_RPS req/s"
read -r ALL ANON < "$DIR/rss" || true
echo "server peak RSS: $(( ${ALL:-0} / 1024 )) MiB, of which its own (anonymous) memory: $(( ${ANON:-0} / 1024 )) MiB"
SUBMITTED=$(awk '$1=="submitted" {print $2}' "$DIR/acks.txt" 2>/dev/null | sort -u)
WITHDRAWN=$(awk '$1=="withdrawn" {print $2}' "$DIR/acks.txt" 2>/dev/null | sort -u)
KEPT=$(comm -23 <(echo "$SUBMITTED") <(echo "$WITHDRAWN") | grep -c . || true)
echo "acknowledged submissions: $(echo "$SUBMITTED" | grep -c . || true), withdrawn after: $(echo "$WITHDRAWN" | grep -c . || true)"
if [ "$KEPT" -gt 0 ]; then
  IDS=$(comm -23 <(echo "$SUBMITTED") <(echo "$WITHDRAWN") | paste -sd, -)
  LOST=$(SQL "SELECT COUNT(*) FROM application WHERE id IN ($IDS) AND status IN ('draft', 'deleted')")
  echo "acknowledged and not withdrawn: $KEPT; found still a draft (lost): $LOST"
fi
if [ "$BACKEND" = sqlite ]; then echo "integrity_check: $(SQL 'PRAGMA integrity_check')"; fi
kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true
"$BIN/zhicheng" admin verify-audit | tail -1
