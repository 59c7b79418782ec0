#!/usr/bin/env bash
# The fresh-machine drill for .ci/run: an empty Debian root (debootstrap, minbase: no C
# compiler, no pkg-config, no PostgreSQL, no browser) gets a clean clone of this
# repository; .ci/setup installs and configures everything there (with the network),
# then .ci/run runs with no network at all, in a namespace of its own where the host's
# PostgreSQL cannot be reached, so the tests can only pass against the cluster the setup
# created. The machine's own Rust toolchain and its CA bundle are lent to the root, as a
# new machine of this kind has them.
#   sudo scripts/fresh_machine_ci.sh [root-dir]        (default: /tmp/zc-fresh; needs root)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
ROOT=${1:-/tmp/zc-fresh}
PORT=5433   # beside a PostgreSQL the host may run on 5432
if [ ! -x "$ROOT/bin/bash" ]; then
  command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap
  debootstrap --variant=minbase bookworm "$ROOT" http://deb.debian.org/debian
fi
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
[ -f /etc/apt/sources.list.d/debian.sources ] && cp /etc/apt/sources.list.d/debian.sources "$ROOT/etc/apt/sources.list.d/"
mkdir -p "$ROOT/etc/ssl/certs" "$ROOT/root/.rustup" "$ROOT/root/.cargo" "$ROOT/src"
cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/"
mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
mountpoint -q "$ROOT/sys" || mount -t sysfs sys "$ROOT/sys"
mountpoint -q "$ROOT/dev" || { mount --rbind /dev "$ROOT/dev"; mount --make-rslave "$ROOT/dev"; }
mountpoint -q "$ROOT/root/.rustup" || mount --bind "${RUSTUP_HOME:-$HOME/.rustup}" "$ROOT/root/.rustup"
mountpoint -q "$ROOT/root/.cargo" || mount --bind "${CARGO_HOME:-$HOME/.cargo}" "$ROOT/root/.cargo"
rm -rf "$ROOT/src/zhicheng"
git clone -q "$REPO" "$ROOT/src/zhicheng"
in_root() {
  chroot "$ROOT" env -i HOME=/root PATH=/root/.cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    CI_PG_PORT=$PORT SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    CURL_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt "$@"
}
# A cluster left running by an earlier drill (in a namespace now unreachable) is stopped.
in_root bash -c 'for v in $(ls /etc/postgresql 2>/dev/null); do pg_ctlcluster --skip-systemctl-redirect $v main stop 2>/dev/null || true; done'
# With the network: packages, the PostgreSQL cluster, cargo-deny, every crate.
in_root bash -c "cd /src/zhicheng && .ci/setup && pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main stop"
# Without it, alone: the whole CI run.
unshare -n bash -c "ip link set lo up; $(declare -f in_root); ROOT=$ROOT PORT=$PORT; \
  in_root env CARGO_NET_OFFLINE=true bash -c 'cd /src/zhicheng && time .ci/run; rc=\$?; \
    pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main stop; exit \$rc'"
