#!/usr/bin/env bash
# The path users take, measured as whole `kohonen` commands: every figure of the performance
# targets in docs/performance.md, each workload's runs alternated so that ratios are taken side by
# side in one sitting.
#
#   bench/measure-user-path.sh [PYTHON_ORIGINALS_DIR] [ROUNDS]      (from the repository root)
#
# PYTHON_ORIGINALS_DIR: a folder with the Python originals' measuring scripts (seed1_numpy.py and
#   its data, see their README); without it the Python column is skipped.
# ROUNDS: runs per workload (default 5); medians are printed.
# BASELINE=path/to/another/kohonen: also time that build, alternating with this one (A/B).
# WORK=dir: where the generated data sets are kept between runs (default /tmp/kohonen-bench).
#
# Needs: .NET 10 SDK; /usr/bin/python3 with numpy (the data); hyperfine (apt-get install -y
# hyperfine) for the whole-process start-up rows; wrk for /predict-batch (bench/load/run.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
originals="${1:-}"
rounds="${2:-5}"
work="${WORK:-/tmp/kohonen-bench}"
mkdir -p "$work"
py=/usr/bin/python3

dotnet build src/Kohonen.Cli -c Release -v q -nologo >/dev/null
ours=src/Kohonen.Cli/bin/Release/net10.0/kohonen
# The same tool published for this machine's runtime, precompiled (ReadyToRun).
dotnet publish src/Kohonen.Cli -c Release -r linux-x64 --self-contained false -v q -nologo -o "$work/r2r" >/dev/null
r2r="$work/r2r/kohonen"
# ours: the portable build (dotnet build); r2r: the tool as `dotnet tool install` gives it on
# linux-x64 (ReadyToRun); baseline: another build to compare with.
builds=(ours r2r)
[[ -n "${BASELINE:-}" ]] && builds+=(baseline)
binary() { case "$1" in ours) echo "$ours" ;; baseline) echo "$BASELINE" ;; r2r) echo "$r2r" ;; esac; }

# ---- Data (float32 .npy, seeded): uniform 1,000 x 3; Gaussian mixtures for the wide workloads ----
$py - "$work" <<'EOF'
import os, sys, numpy as np
work = sys.argv[1]
def mixture(path, rows, dim, clusters, seed, scale=1.0):
    if os.path.exists(path): return
    r = np.random.default_rng(seed)
    centres = r.normal(0, 4 * scale, (clusters, dim))
    x = centres[r.integers(0, clusters, rows)] + r.normal(0, scale, (rows, dim))
    np.save(path, x.astype(np.float32))
p = os.path.join(work, "u1000_3.npy")
if not os.path.exists(p): np.save(p, np.random.default_rng(1).random((1000, 3), dtype=np.float32))
mixture(os.path.join(work, "g60k_784.npy"), 60_000, 784, 10, 2)
mixture(os.path.join(work, "g100k_64.npy"), 100_000, 64, 10, 3)
mixture(os.path.join(work, "g16k_300.npy"), 16_000, 300, 20, 4)
p = os.path.join(work, "digits.npy")
if not os.path.exists(p):
    try:
        from sklearn.datasets import load_digits
        np.save(p, load_digits().data.astype(np.float32))
    except ImportError:  # a stand-in of the same shape and range
        r = np.random.default_rng(5)
        np.save(p, np.clip(np.rint(r.normal(8, 4, (10, 64))[r.integers(0, 10, 1797)] + r.normal(0, 2, (1797, 64))), 0, 16).astype(np.float32))
EOF

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
seconds() { $py -c "import json,sys; print(json.load(sys.stdin)['train_seconds'])"; }

# One training's train_seconds: build, then the train arguments.
# Each build keeps a JIT profile of its own (one build cannot use another's), and the --no-plots
# runs one apart from the default runs', as a user repeating either command would have.
jit() { echo "KOHONEN_JIT_CACHE=$work/jit-$1${JIT_VARIANT:-}"; }
train() { local b; b="$(binary "$1")"; env "$(jit "$1")" "$b" train "${@:2}" --json --out "$work/out.som" -q | seconds; }

# Alternates the builds over ROUNDS rounds; prints "label build median" for each.
workload() {
  local label="$1"; shift
  declare -A times=()
  for _ in $(seq 1 "$rounds"); do
    for b in "${builds[@]}"; do times[$b]+="$(train "$b" "$@") "; done
  done
  for b in "${builds[@]}"; do printf '%-44s %-9s %s s\n' "$label" "$b" "$(tr ' ' '\n' <<<"${times[$b]}" | grep . | median)"; done
}

echo "## train_seconds, median of $rounds (builds alternated: ${builds[*]})"
u="$work/u1000_3.npy"
# The default path (history for the curve, pictures, recording) against --no-plots, alternated.
declare -A curve=()
for _ in $(seq 1 "$rounds"); do
  for b in "${builds[@]}"; do
    curve[$b.default]+="$(train "$b" --data "$u" --width 50 --height 50 --iterations 100 --seed 1 --store "$work/store-$b") "
    curve[$b.noplots]+="$(JIT_VARIANT=-noplots train "$b" --data "$u" --width 50 --height 50 --iterations 100 --seed 1 --no-plots --no-track) "
  done
done
for b in "${builds[@]}"; do
  d=$(tr ' ' '\n' <<<"${curve[$b.default]}" | grep . | median); n=$(tr ' ' '\n' <<<"${curve[$b.noplots]}" | grep . | median)
  printf '%-44s %-9s %s s (--no-plots %s s, ratio %s)\n' "1,000x3 50x50 100 it, default" "$b" "$d" "$n" "$($py -c "print(round($d/$n, 3))")"
done
if [[ -n "$originals" && -f "$originals/seed1_numpy.py" ]]; then
  p=$($py "$originals/seed1_numpy.py" --workload seed1 --data seed1_1000x3 --grid 50 50 --iterations 100 | $py -c "import json,sys; print(json.load(sys.stdin)['seconds'])")
  printf '%-44s %-9s %s s\n' "1,000x3 50x50 100 it, seed1_numpy.py" python "$p"
fi

workload "online 60,000x784 30x30 one pass" --data "$work/g60k_784.npy" --width 30 --height 30 --iterations 1 --seed 1 --no-plots --no-track
workload "batch digits 1,797x64 20x20 50 epochs" --data "$work/digits.npy" --width 20 --height 20 --epochs 50 --seed 1 --no-plots --no-track
workload "batch 100,000x64 40x40 10 epochs" --data "$work/g100k_64.npy" --width 40 --height 40 --epochs 10 --seed 1 --no-plots --no-track
workload "batch 16,000x300 25x15 100 epochs" --data "$work/g16k_300.npy" --width 25 --height 15 --epochs 100 --seed 1 --no-plots --no-track

echo
echo "## Whole processes (hyperfine, median of $rounds): ${builds[*]}"
if command -v hyperfine >/dev/null; then
  "$ours" train --data "$u" --width 10 --height 10 --iterations 10 --seed 1 --no-track --no-plots --out "$work/info.som" -q >/dev/null
  for b in "${builds[@]}"; do
    k="env $(jit "$b") $(binary "$b")"
    hyperfine -N -w 1 -r "$rounds" --export-json "$work/h.json" \
      -n "$b --version" "$k --version" \
      -n "$b info" "$k info --model $work/info.som" \
      -n "$b train 1,000x3 10x10 100 it" "$k train --data $u --width 10 --height 10 --iterations 100 --seed 1 --store $work/store-h-$b --out $work/h.som -q" >/dev/null
    $py -c "
import json,sys
for r in json.load(open('$work/h.json'))['results']: print('%-44s %.3f s' % (r['command'], r['median']))"
  done
else
  echo "(hyperfine is not installed: apt-get install -y hyperfine)"
fi

echo
echo "## /predict-batch (1,000 vectors a request, 50x50x3 map): bench/load/run.sh"
if command -v wrk >/dev/null; then bench/load/run.sh 10; else echo "(wrk is not installed)"; fi
