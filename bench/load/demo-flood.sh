#!/usr/bin/env bash
# Predictions' latency while the keyless /kohonen route is flooded: wrk on POST /predict-bmu
# (16 connections) while 40 clients (threads of one Python process) ask GET /kohonen?input_size=1000&width=200&height=1&iterations=10000
# over and over (waiting the second Retry-After asks for after a 503). Prints wrk's latency distribution and how the demo requests were answered.
#
#   bench/load/demo-flood.sh [DURATION_SECONDS]      (from the repository root; default 15 s)
#
# Needs wrk (apt-get install -y wrk), curl and python3 (its standard library only).
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-15}"
work="$(mktemp -d)"
port=18090
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }
dotnet build src/Kohonen.Cli -c Release -v q -nologo >/dev/null
kohonen=(dotnet src/Kohonen.Cli/bin/Release/net10.0/kohonen.dll)

SOM_SAMPLES=2000 SOM_INPUT_DIM=3 "${kohonen[@]}" train --width 50 --height 50 --iterations 20 --seed 1 \
  --store "$work/store" --no-plots -q > /dev/null
KOHONEN_DATA="$work/store" "${kohonen[@]}" serve --urls "http://127.0.0.1:$port" > "$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" > /dev/null && break; sleep 0.2; done

# 40 clients flooding the demo until the measurement ends, as threads of one Python process (40
# curl processes a second would themselves load the two cores the measurement shares); each answer's
# status is counted.
python3 - "$port" "$((duration + 2))" > "$work/demo.txt" <<'PY' &
import http.client, sys, threading, time, collections
port, seconds = int(sys.argv[1]), float(sys.argv[2])
end = time.monotonic() + seconds
counts = collections.Counter()
def client():
    while time.monotonic() < end:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            c.request("GET", "/kohonen?input_size=1000&width=200&height=1&iterations=10000")
            r = c.getresponse(); r.read(); c.close()
            counts[r.status] += 1
            # A 503 carries Retry-After: 1, which a well-behaved client honours.
            if r.status == 503:
                time.sleep(1)
        except OSError as e:
            counts[type(e).__name__] += 1
            time.sleep(1)
threads = [threading.Thread(target=client, daemon=True) for _ in range(40)]
for t in threads: t.start()
time.sleep(seconds)
for status, n in sorted(counts.items(), key=str):
    print(f"  {status}: {n}")
PY
pids+=($!)
flood=$!
sleep 1

wrk -t 2 -c 16 -d "${duration}s" --latency -s bench/load/predict-bmu.lua "http://127.0.0.1:$port/predict-bmu"
echo
wait "$flood" 2>/dev/null || true
echo "GET /kohonen answers during the run (status: count; answers still training when it ended are not counted):"
cat "$work/demo.txt"
