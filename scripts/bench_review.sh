#!/usr/bin/env bash
# Review queues and the 花名册 export at deadline-day size, on SQLite and on PostgreSQL.
#   queue:  20,000 applications spread over the demo units, committees and statuses;
#           filtered queue pages timed for each demo desk (200 requests each, after 20 warm-up).
#   export: 20,000 applications of one unit in one status, all 12 columns, full numbers.
# Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust) for the second half.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/bench}"
cargo build --release -p zhicheng --bin zhicheng --example bench_review
BIN="$CARGO_TARGET_DIR/release"
PG="postgres://postgres@127.0.0.1:5432"
run() { # name, database url (empty = SQLite in the data dir)
  local name=$1 url=$2 dir
  for shape in queue export; do
    dir=$(mktemp -d)
    if [ -n "$url" ]; then
      psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS zc_bench_$shape" -c "CREATE DATABASE zc_bench_$shape"
      export ZC_DATABASE_URL="$PG/zc_bench_$shape"
    else
      unset ZC_DATABASE_URL
    fi
    export ZC_DATA_DIR="$dir" ZC_LOG_LEVEL=warn
    echo "== $name: $shape"
    if [ "$shape" = queue ]; then
      "$BIN/zhicheng" seed-applications --count 20000 >/dev/null
      "$BIN/examples/bench_review" queue
    else
      "$BIN/zhicheng" seed-applications --count 20000 --status unit_pending --one-unit >/dev/null
      "$BIN/examples/bench_review" export unit_pending
    fi
    rm -rf "$dir"
  done
}
run SQLite ""
run PostgreSQL "$PG"
