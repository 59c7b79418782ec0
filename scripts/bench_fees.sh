#!/usr/bin/env bash
# 缴费高峰: 费用管理 and 缴费管理 over many orders, and trade notifies (RSA2 verified) posted
# by 64 senders at once, on SQLite and then on PostgreSQL.
# Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust) for the second half.
#   scripts/bench_fees.sh [orders] [people] [seconds] [notifies]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/bench}"
cargo build --release -p zhicheng --bin zhicheng --example bench_fees
BIN="$CARGO_TARGET_DIR/release"
PG="postgres://postgres@127.0.0.1:5432"
export ZC_LOG_LEVEL=error
ORDERS="${1:-100000}" PEOPLE="${2:-64}" SECONDS_EACH="${3:-10}" NOTIFIES="${4:-5000}"
run() { # name, database url (empty = SQLite in the data dir)
  local name=$1 url=$2 dir
  dir=$(mktemp -d)
  if [ -n "$url" ]; then
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS zc_bench_fees" -c "CREATE DATABASE zc_bench_fees"
    export ZC_DATABASE_URL="$url"
  else
    unset ZC_DATABASE_URL
  fi
  export ZC_DATA_DIR="$dir"
  echo "== $name"
  "$BIN/zhicheng" seed-applications --count "$ORDERS" --status awaiting_fee >/dev/null
  "$BIN/examples/bench_fees" "$PEOPLE" "$SECONDS_EACH" "$NOTIFIES"
  rm -rf "$dir"
}
run SQLite ""
run PostgreSQL "$PG/zc_bench_fees"
