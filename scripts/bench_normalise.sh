#!/usr/bin/env bash
# Normalising a 12-megapixel phone JPEG: zhicheng (criterion) beside Pillow, one core.
set -euo pipefail
cd "$(dirname "$0")/.."
export ZC_BENCH_JPEG="${ZC_BENCH_JPEG:-/tmp/zc-bench-12mp.jpg}"
taskset -c 0 cargo bench -p zc-storage --bench normalise -- --noplot
python3 -m venv /tmp/zc-pillow-venv >/dev/null
/tmp/zc-pillow-venv/bin/pip install --quiet pillow
taskset -c 0 /tmp/zc-pillow-venv/bin/python scripts/pillow_normalise.py "$ZC_BENCH_JPEG"
