#!/usr/bin/env bash
# 报送高峰: 64 applicants press 同意并报送 at the same instant, five rounds, with the default
# pool (16 connections), on SQLite and then on PostgreSQL.
# Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust) for the second half.
#   scripts/bench_submit.sh [people] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/bench}"
cargo build --release -p zhicheng --example bench_submit
BIN="$CARGO_TARGET_DIR/release/examples/bench_submit"
PG="postgres://postgres@127.0.0.1:5432"
export ZC_LOG_LEVEL=error
dir=$(mktemp -d)
echo "== SQLite"
ZC_DATA_DIR="$dir" "$BIN" "${1:-64}" "${2:-5}"
rm -rf "$dir"
echo "== PostgreSQL"
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS zc_bench_submit" -c "CREATE DATABASE zc_bench_submit"
dir=$(mktemp -d)
ZC_DATA_DIR="$dir" ZC_DATABASE_URL="$PG/zc_bench_submit" "$BIN" "${1:-64}" "${2:-5}"
rm -rf "$dir"
