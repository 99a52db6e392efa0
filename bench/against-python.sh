#!/usr/bin/env bash
# The headline ratio: the Python original's algorithm (seed1_numpy.py) against the default
# `kohonen train` on the same work (1,000 x 3 uniform rows, 50x50, 100 iterations: history for the
# curve, pictures, recording), its runs interleaved with ours so that both see the same machine.
#
#   bench/against-python.sh PYTHON_ORIGINALS_DIR [PYTHON_RUNS] [RUNS_PER_PYTHON_RUN]   (from the repository root)
#
# PYTHON_ORIGINALS_DIR: the folder with seed1_numpy.py and its data (see its README).
# PYTHON_RUNS: runs of the Python script (default 3); after each, RUNS_PER_PYTHON_RUN (default 5)
#   trainings of every build, alternated. Prints each build's median train_seconds, its fastest, and
#   the Python median over them.
# BASELINE=path/to/another/kohonen: also time that build. Builds timed: the portable build (dotnet
#   build), the ReadyToRun one (what `dotnet tool install` gives on linux-x64) and the baseline; each
#   keeps a JIT profile of its own, as a user repeating the command would have.
# WORK=dir: where data, builds and profiles are kept (default /tmp/kohonen-bench).
#
# Needs: .NET 10 SDK; /usr/bin/python3 with numpy.
set -euo pipefail
cd "$(dirname "$0")/.."
originals="${1:?the folder with seed1_numpy.py}"
python_runs="${2:-3}"
each="${3:-5}"
work="${WORK:-/tmp/kohonen-bench}"
py=/usr/bin/python3
mkdir -p "$work"

dotnet build src/Kohonen.Cli -c Release -v q -nologo >/dev/null
dotnet publish src/Kohonen.Cli -c Release -r linux-x64 --self-contained false -v q -nologo -o "$work/r2r" >/dev/null
builds=(portable installed)
[[ -n "${BASELINE:-}" ]] && builds+=(baseline)
binary() { case "$1" in portable) echo src/Kohonen.Cli/bin/Release/net10.0/kohonen ;; installed) echo "$work/r2r/kohonen" ;; baseline) echo "$BASELINE" ;; esac; }

$py -c "import numpy as np, os; p=os.path.join('$work','u1000_3.npy'); os.path.exists(p) or np.save(p, np.random.default_rng(1).random((1000, 3), dtype=np.float32))"
train() {
  KOHONEN_JIT_CACHE="$work/jit-python-$1" "$(binary "$1")" train --data "$work/u1000_3.npy" --width 50 --height 50 --iterations 100 --seed 1 \
    --store "$work/store-python-$1" --json --out "$work/python-$1.som" -q | $py -c "import json,sys; print(json.load(sys.stdin)['train_seconds'])"
}

times="$work/against-python.txt"
: > "$times"
for _ in $(seq 1 "$python_runs"); do
  echo "python $($py "$originals/seed1_numpy.py" --workload seed1 --data seed1_1000x3 --grid 50 50 --iterations 100 | $py -c "import json,sys; print(json.load(sys.stdin)['seconds'])")" >> "$times"
  for _ in $(seq 1 "$each"); do
    for b in "${builds[@]}"; do echo "$b $(train "$b")" >> "$times"; done
  done
done

$py - "$times" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    build, seconds = line.split()
    runs.setdefault(build, []).append(float(seconds))
pythons = runs.pop("python")
python = statistics.median(pythons)
print(f"seed1_numpy.py, median of {len(pythons)}: {python:.2f} s ({min(pythons):.2f}-{max(pythons):.2f} s)")
for build, seconds in runs.items():
    median = statistics.median(seconds)
    print(f"{build:<10} median {median:.3f} s ({python / median:.0f}x), fastest {min(seconds):.3f} s ({python / min(seconds):.0f}x), {len(seconds)} runs")
EOF
