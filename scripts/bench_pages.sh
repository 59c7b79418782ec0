#!/usr/bin/env bash
# Signed-in pages at deadline-day size, beside a bare axum hello-world in the same run:
# the applicant's dashboard, and the busiest 职改办's queue (a filtered 50-row page).
#   scripts/bench_pages.sh [dossiers] [sqlite|postgres]      (default: 1000000 sqlite)
# Seeds demo data and `seed-applications --count N`, starts the release server, signs in
# with scripts/sign_in.py and runs `wrk -t2 -c64 -d10s` against each page.
# The demo 职改办 account is moved to the office holding the most dossiers, so the queue
# measured is the busiest one. Needs wrk (Debian: wrk) and, for postgres, 127.0.0.1:5432.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-1000000}
BACKEND=${2:-sqlite}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
# The same build as bench_surge.sh, so the two scripts share one set of artifacts.
cargo build --release -p zhicheng -p zc-loadtest --bins --example hello_axum
BIN="$CARGO_TARGET_DIR/release"
DIR=$(mktemp -d)
export ZC_DATA_DIR="$DIR" ZC_LOG_LEVEL=warn ZC_BIND=127.0.0.1:8180
PG="postgres://postgres@127.0.0.1:5432"
if [ "$BACKEND" = postgres ]; then
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS zc_bench_pages" -c "CREATE DATABASE zc_bench_pages"
  export ZC_DATABASE_URL="$PG/zc_bench_pages"
  SQL() { psql "$ZC_DATABASE_URL" -qtAc "$1"; }
else
  SQL() { python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); r=c.execute(sys.argv[2]).fetchall(); c.commit(); print("\n".join("|".join(map(str,x)) for x in r))' "$DIR/zhicheng.db" "$1"; }
fi
"$BIN/zhicheng" demo > "$DIR/demo.txt"
PASSWORD=$(grep -o '密码均为 [^，]*' "$DIR/demo.txt" | cut -d' ' -f2)
SECRET=$(awk '$1=="zhigaiban" && length($2)==32 {print $2}' "$DIR/demo.txt")
start=$(date +%s)
"$BIN/zhicheng" seed-applications --count "$COUNT"
echo "seeded $COUNT dossiers in $(( $(date +%s) - start )) s"
BUSIEST=$(SQL "SELECT scope_id FROM queue_tally WHERE scope_kind = 'office' GROUP BY scope_id ORDER BY SUM(n) DESC LIMIT 1")
SQL "UPDATE account SET org_id = $BUSIEST WHERE login_name = 'zhigaiban'" > /dev/null
SERIES=$(SQL "SELECT series_id FROM queue_tally WHERE scope_kind = 'office' AND scope_id = $BUSIEST AND status = 'office_pending' GROUP BY series_id ORDER BY SUM(n) DESC LIMIT 1")
"$BIN/zhicheng" > "$DIR/server.log" 2>&1 &
SERVER=$!
"$BIN/examples/hello_axum" 127.0.0.1:8190 > /dev/null 2>&1 &
HELLO=$!
trap 'kill $SERVER $HELLO 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:8180/healthz > /dev/null && break; sleep 0.2; done
BASE=http://127.0.0.1:8180
APPLICANT=$(scripts/sign_in.py $BASE 450103198806121237 "$PASSWORD")
OFFICE=$(scripts/sign_in.py $BASE zhigaiban "$PASSWORD" "$SECRET")
QUEUE="/office/applications?status=office_pending&series=$SERIES&per_page=50"
echo "busiest office #$BUSIEST: $(SQL "SELECT SUM(n) FROM queue_tally WHERE scope_kind = 'office' AND scope_id = $BUSIEST") dossiers; page $QUEUE"
measure() { # name, url, cookie
  local out; out=$(wrk -t2 -c64 -d10s --latency ${3:+-H "Cookie: $3"} "$2")
  printf '%-28s %10s %8s %8s %8s %s\n' "$1" \
    "$(awk '/Requests\/sec/ {print $2}' <<< "$out")" \
    "$(awk '$1=="50%" {print $2}' <<< "$out")" "$(awk '$1=="90%" {print $2}' <<< "$out")" \
    "$(awk '$1=="99%" {print $2}' <<< "$out")" "$(grep -o 'Non-2xx.*' <<< "$out" || true)"
}
printf '%-28s %10s %8s %8s %8s\n' page req/s p50 p90 p99
measure "hello_axum /" http://127.0.0.1:8190/
measure "/ (anonymous home)" $BASE/
measure "/my (dashboard)" $BASE/my "$APPLICANT"
measure "/my/applications" $BASE/my/applications "$APPLICANT"
measure "busiest queue, 50 rows" "$BASE$QUEUE" "$OFFICE"
measure "  the same, next page" "$BASE$(curl -s -H "Cookie: $OFFICE" "$BASE$QUEUE" | grep -o 'href="[^"]*after=[^"]*"' | head -1 | sed 's/href="//; s/"$//; s/&amp;/\&/g')" "$OFFICE"
echo "server RSS after the run: $(( $(awk '/VmRSS/ {print $2}' /proc/$SERVER/status) / 1024 )) MiB"
