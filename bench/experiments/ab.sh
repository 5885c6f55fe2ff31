#!/usr/bin/env bash
# A/B of one experiment patch against this tree: ROUNDS interleaved pairs of a warm
# `pytest --goimage` on the benchmark's example copy, each side's wall time and medians.
#
#   bench/experiments/ab.sh 8 bench/experiments/2-nothing-published.patch
#
# Run `bench/run.py --only warm` once before: it makes the example copy and the virtualenv used
# here and fills the build cache. The patch is applied to a worktree of HEAD (removed at the
# end) and switched on by the GOIMAGE_EXP_* variable it reads; the other side runs this tree.
set -euo pipefail
ROUNDS="$1"
PATCH="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_DIR="${TMPDIR:-/tmp}/pytest-goimage-bench"
PYTHON="${TMPDIR:-/tmp}/pytest-goimage-bench-venv/bin/python"
SWITCH="$(grep -o 'GOIMAGE_EXP_[A-Z_]*' "$PATCH" | head -n1)"
TREE="$(mktemp -d)/tree"
git -C "$ROOT" worktree add -q --detach "$TREE" HEAD
cleanup() {
    git -C "$ROOT" worktree remove --force "$TREE"
    if [ "$SWITCH" = GOIMAGE_EXP_KEPT_NETWORKS ]; then docker network rm expnet0 expnet1 >/dev/null; fi
}
trap cleanup EXIT
git -C "$TREE" apply "$PATCH"
if [ "$SWITCH" = GOIMAGE_EXP_KEPT_NETWORKS ]; then
    docker network create expnet0 >/dev/null
    docker network create expnet1 >/dev/null
fi
cd "$BENCH_DIR/example_project"
unset PYTHONDONTWRITEBYTECODE
run() {  # run SIDE: one warm `pytest --goimage` of that side
    if [ "$1" = main ]; then tree="$ROOT"; env=(); else tree="$TREE"; env=("$SWITCH=1"); fi
    env "${env[@]}" PYTHONPATH="$tree" "$PYTHON" -m pytest --goimage -q -p no:cacheprovider . \
        >/dev/null 2>&1 || { echo "$1 run failed" >&2; exit 1; }
}
run main  # unmeasured: each tree's bytecode cache written once
run patched
for r in $(seq 1 "$ROUNDS"); do
    if [ $((r % 2)) -eq 1 ]; then order="main patched"; else order="patched main"; fi
    for side in $order; do
        start=$(date +%s%N)
        run "$side"
        echo "$side $(( ($(date +%s%N) - start) / 1000000 ))"
    done
done | tee /dev/stderr | python3 -c '
import statistics, sys
runs = {}
for line in sys.stdin:
    side, ms = line.split()
    runs.setdefault(side, []).append(int(ms) / 1000)
for side, s in runs.items():
    print(f"{side:8s} median {statistics.median(s):.3f} s  min {min(s):.3f}  max {max(s):.3f}  n={len(s)}")
'
