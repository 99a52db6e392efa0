#!/usr/bin/env bash
# Load test: `kohonen serve` beside the Python original's stand-in (FastAPI + numpy,
# given as PEER_SCRIPT), on this machine, with wrk. Both serve a 50×50 map of 3 features.
#
#   bench/load/run.sh [DURATION_SECONDS]         (from the repository root; default 10 s per run)
#
# Needs: wrk, and for the peer Debian's python3-fastapi, python3-uvicorn and python3-numpy
#   apt-get install -y wrk python3-fastapi python3-uvicorn python3-numpy
# PEER_SCRIPT is the path of the peer's server script (arguments: port width height dim); without it
# only our service is measured. Prints a Markdown table (requests/s, latency percentiles, vectors/s).
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-10}"
here="bench/load"
work="$(mktemp -d)"
ours_port=18080
peer_port=18001
peer_script="${PEER_SCRIPT:-}"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }
dotnet build src/Kohonen.Cli -c Release -v q -nologo >/dev/null
kohonen=(dotnet src/Kohonen.Cli/bin/Release/net10.0/kohonen.dll)

# A 50×50 map of 3 features, recorded in a store of its own.
SOM_SAMPLES=2000 SOM_INPUT_DIM=3 "${kohonen[@]}" train --width 50 --height 50 --iterations 20 --seed 1 \
  --store "$work/store" --no-plots -q > /dev/null
KOHONEN_DATA="$work/store" "${kohonen[@]}" serve --urls "http://127.0.0.1:$ours_port" > "$work/ours.log" 2>&1 &
pids+=($!)

peer=0
if [[ -f "$peer_script" ]] && /usr/bin/python3 -c "import fastapi, uvicorn, numpy" 2>/dev/null; then
  /usr/bin/python3 "$peer_script" "$peer_port" 50 50 3 > "$work/peer.log" 2>&1 &
  pids+=($!)
  peer=1
else
  echo "(the Python peer is not measured: $peer_script or its packages are missing)" >&2
fi

wait_for() { for _ in $(seq 1 150); do curl -sf "$1" >/dev/null && return 0; sleep 0.2; done; echo "no answer from $1" >&2; exit 1; }
wait_for "http://127.0.0.1:$ours_port/health"
[[ $peer == 1 ]] && wait_for "http://127.0.0.1:$peer_port/health"

# One wrk run; prints "rps p50 p90 p99 errors" (latencies in ms).
measure() {
  local url="$1" script="$2" connections="$3"
  wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$here/$script" "$url" > "$work/wrk.txt" 2>&1 || true
  awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ { rps=$2 }
    /^ +50%/ { p50=ms($2) } /^ +90%/ { p90=ms($2) } /^ +99%/ { p99=ms($2) }
    /Non-2xx/ { errors=$NF } /Socket errors/ { errors=errors"+socket" }
    END { printf "%s %.2f %.2f %.2f %s\n", rps, p50, p90, p99, (errors==""?0:errors) }' "$work/wrk.txt"
}

# Warm both up (JIT, numpy), then measure.
measure "http://127.0.0.1:$ours_port/predict-bmu" predict-bmu.lua 16 > /dev/null
measure "http://127.0.0.1:$ours_port/predict-batch" predict-batch.lua 4 > /dev/null
measure "http://127.0.0.1:$ours_port/predict-batch" predict-batch-npy.lua 4 > /dev/null
[[ $peer == 1 ]] && measure "http://127.0.0.1:$peer_port/predict-bmu" predict-bmu.lua 16 > /dev/null

echo "| route | server | connections | requests/s | vectors/s | p50 ms | p90 ms | p99 ms | non-2xx |"
echo "|---|---|---|---|---|---|---|---|---|"
row() {
  local route="$1" name="$2" port="$3" script="$4" connections="$5" per="$6"
  read -r rps p50 p90 p99 errors < <(measure "http://127.0.0.1:$port/$route" "$script" "$connections")
  printf "| /%s | %s | %s | %.0f | %.0f | %s | %s | %s | %s |\n" "$route" "$name" "$connections" "$rps" "$(echo "$rps * $per" | bc -l)" "$p50" "$p90" "$p99" "$errors"
}
row predict-bmu "kohonen serve" $ours_port predict-bmu.lua 16 1
[[ $peer == 1 ]] && row predict-bmu "FastAPI + numpy" $peer_port predict-bmu.lua 16 1
row predict-batch "kohonen serve" $ours_port predict-batch.lua 4 1000
[[ $peer == 1 ]] && row predict-batch "FastAPI + numpy" $peer_port predict-batch.lua 4 1000
row predict-batch "kohonen serve, .npy in and out" $ours_port predict-batch-npy.lua 4 1000
exit 0
