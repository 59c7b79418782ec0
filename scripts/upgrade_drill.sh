#!/usr/bin/env bash
# Zero-downtime upgrade drill (README "Upgrading without downtime"): the previous release
# serves on PostgreSQL with demo data; the next release's migrations are applied while it
# runs; the previous server must go on answering (pages that read the database, a refused
# sign-in that writes) and the next server then serves beside it on the same database.
#   scripts/upgrade_drill.sh [PREVIOUS_REV]
# PREVIOUS_REV defaults to the commit before the newest migration was added, so the drill
# always crosses a schema change. Both releases build in the one target folder (the
# dependencies are shared; only the workspace crates build twice).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
NEWEST=$(git log --diff-filter=A --format=%H -1 -- crates/db/migrations/postgres)
PREV=${1:-$NEWEST~1}
PG_PORT=${CI_PG_PORT:-5432}
DB="zc_upgrade_$$"
URL="postgres://postgres@127.0.0.1:$PG_PORT/$DB"
WORK=$(mktemp -d)
OLD=""; NEW=""
cleanup() {
  for p in $OLD $NEW; do kill "$p" 2>/dev/null || true; done
  git -C "$ROOT" worktree remove --force "$WORK/prev" 2>/dev/null || true
  psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  rm -rf "$WORK" "$ROOT/target/upgrade-prev"
}
trap cleanup EXIT
step() { printf '==> %s\n' "$1"; }
fail() { echo "FAILED: $1" >&2; for f in "$WORK"/*.log; do echo "--- $f"; tail -20 "$f"; done >&2; exit 1; }

step "building the previous release ($(git rev-parse --short "$PREV")) and this one ($(git rev-parse --short HEAD))"
git worktree add -q --detach "$WORK/prev" "$PREV"
# The previous release builds in a target folder of its own: cargo names a workspace
# crate's artifacts the same whichever checkout it comes from, so one folder would mix
# the two releases. The dependencies' artifacts are hard-linked in (cargo finds them
# fresh and leaves them be); the workspace's own crates are left out and build afresh.
PREV_TARGET="$ROOT/target/upgrade-prev"
rm -rf "$PREV_TARGET"
mkdir -p "$PREV_TARGET/debug"
if [ -d "$ROOT/target/debug/deps" ]; then
  for d in deps build .fingerprint; do cp -al "$ROOT/target/debug/$d" "$PREV_TARGET/debug/"; done
  find "$PREV_TARGET/debug/deps" "$PREV_TARGET/debug/build" "$PREV_TARGET/debug/.fingerprint" \
    -maxdepth 1 \( -name 'zc_*' -o -name 'zc-*' -o -name 'libzc_*' -o -name 'zhicheng*' \
    -o -name 'libzhicheng*' \) -exec rm -rf {} +
fi
CARGO_TARGET_DIR="$PREV_TARGET" cargo build -q --locked -p zhicheng --bin zhicheng \
  --manifest-path "$WORK/prev/Cargo.toml"
cp "$PREV_TARGET/debug/zhicheng" "$WORK/zhicheng-prev"
cargo build -q --locked -p zhicheng --bin zhicheng
cp "$ROOT/target/debug/zhicheng" "$WORK/zhicheng-next"

export ZC_DATABASE_URL="$URL" ZC_DATA_DIR="$WORK/data" ZC_LOG_LEVEL=warn
psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE $DB"

# A free port for each server.
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return 0; sleep 0.2; done; return 1; }

# What a running server must still do: read the database and write to it.
answers() {
  local base="http://127.0.0.1:$1" jar="$WORK/jar.$1"
  # Pages go to a file before they are searched: `curl | grep -q` fails under pipefail
  # whenever grep stops reading before curl has written the whole page.
  local page="$WORK/page.$1"
  curl -sf "$base/readyz" >/dev/null || return 1
  curl -sf -o "$page" "$base/" && grep -q '通知公告' "$page" || return 1
  curl -sf "$base/publicity" >/dev/null || return 1
  # A refused sign-in reads the account and records the failure.
  local token
  curl -sf -c "$jar" -o "$page" "$base/login" || return 1
  token=$(sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' "$page" | head -1)
  [ -n "$token" ] || return 1
  curl -s -b "$jar" -c "$jar" -o "$WORK/login.html" \
    --data-urlencode "_csrf=$token" --data-urlencode "login_name=danwei" \
    --data-urlencode "password=not-the-password" "$base/login" || return 1
  grep -q '账号或密码错误' "$WORK/login.html"
}

step "the previous release: demo data and a running server"
"$WORK/zhicheng-prev" demo > "$WORK/demo.log" 2>&1 || fail "previous demo"
OLD_PORT=$(port)
ZC_BIND="127.0.0.1:$OLD_PORT" "$WORK/zhicheng-prev" serve > "$WORK/old.log" 2>&1 &
OLD=$!
wait_up "$OLD_PORT" || fail "the previous server did not start"
answers "$OLD_PORT" || fail "the previous server does not answer before the upgrade"

# The newest migration version in each release, to see that the drill crosses it.
newest() { ls "$1/crates/db/migrations/postgres" | sed -n 's/^\([0-9]*\)_.*/\1/p' | sort -n | tail -1 | sed 's/^0*//'; }
applied() { psql -tAq -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$DB" -c 'SELECT MAX(version) FROM _sqlx_migrations'; }
[ "$(applied)" = "$(newest "$WORK/prev")" ] || fail "the previous release left version $(applied)"
[ "$(newest "$WORK/prev")" != "$(newest "$ROOT")" ] || fail "no migration between the two releases"

step "applying this release's migrations while the previous server runs"
"$WORK/zhicheng-next" migrate > "$WORK/migrate.log" 2>&1 || fail "migrate"
[ "$(applied)" = "$(newest "$ROOT")" ] || fail "this release's migrations did not run ($(applied))"
answers "$OLD_PORT" || fail "the previous server stopped answering after the migration"

step "this release beside the previous one on the same database"
NEW_PORT=$(port)
ZC_BIND="127.0.0.1:$NEW_PORT" "$WORK/zhicheng-next" serve > "$WORK/new.log" 2>&1 &
NEW=$!
wait_up "$NEW_PORT" || fail "this release did not start"
answers "$NEW_PORT" || fail "this release does not answer"
answers "$OLD_PORT" || fail "the previous server stopped answering beside this release"
echo "upgrade drill passed: $(git rev-parse --short "$PREV") kept serving across this release's migrations"
