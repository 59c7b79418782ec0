#!/usr/bin/env bash
# The restore drill: a deadline-day database (demo data plus N submitted dossiers) is
# backed up while the platform serves and restored into an empty folder, where the audit
# chain and the counts are checked; prints the size and each step's time.
#   scripts/restore_drill.sh [dossiers]        (default: 1000000)
# SQLite only (PostgreSQL: pg_dump / pg_basebackup, see README).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-1000000}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo build --release -p zhicheng --bin zhicheng
BIN="$CARGO_TARGET_DIR/release/zhicheng"
DIR=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$DIR"' EXIT
export ZC_LOG_LEVEL=warn
ZC_DATA_DIR="$DIR/data" "$BIN" demo > /dev/null
echo "seeding $COUNT dossiers…"
ZC_DATA_DIR="$DIR/data" "$BIN" seed-applications --count "$COUNT" | tail -1
echo "database: $(du -h "$DIR/data/zhicheng.db" | cut -f1)"
# Backed up while serving, as on a working day.
ZC_DATA_DIR="$DIR/data" ZC_BIND=127.0.0.1:0 "$BIN" serve > /dev/null 2>&1 &
SERVER=$!
sleep 1
t0=$(date +%s.%N)
ZC_DATA_DIR="$DIR/data" "$BIN" backup "$DIR/backup"
t1=$(date +%s.%N)
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
ZC_DATA_DIR="$DIR/restored" "$BIN" restore "$DIR/backup"
t2=$(date +%s.%N)
printf 'backup: %.1f s, restore (copy, migrate, audit chain, counts): %.1f s\n' \
  "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)"
