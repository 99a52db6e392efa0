#!/usr/bin/env bash
# Runs every reproducer of the hostile-input audit against a freshly built `kohonen` and prints, for
# each, what was tried, the exit code or HTTP status and the first line of the answer, then a verdict:
#   ok   the documented answer (exit code or status, a clear message, no stack trace, nothing leaked)
#   BAD  anything else (the reason follows)
# Each reproducer runs in its own temporary folder; the service listens on a free 127.0.0.1 port.
# Needs bash, curl, python3 (to forge model files and edit a store) and mkfifo; no network, no Docker.
# The full-disk and read-only cases mount a small tmpfs and are skipped when that is not allowed.
#
#   tests/hostile/reproduce.sh [--no-build]        (from anywhere; ends with "N ok, N BAD")
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

if [[ "${1:-}" != "--no-build" ]]; then
  dotnet build src/Kohonen.Cli -c Release -v q -nologo > /dev/null || { echo "the build failed"; exit 1; }
fi
dll="$root/src/Kohonen.Cli/bin/Release/net10.0/kohonen.dll"
[[ -f "$dll" ]] || { echo "no $dll: build src/Kohonen.Cli -c Release first"; exit 1; }
for tool in curl python3 mkfifo; do command -v "$tool" > /dev/null || { echo "$tool is needed"; exit 1; }; done

base=$(mktemp -d "${TMPDIR:-/tmp}/kohonen-reproduce-XXXXXX")
servers=() mounts=()
cleanup() {
  for p in "${servers[@]}"; do kill "$p" 2> /dev/null; done
  for m in "${mounts[@]}"; do umount "$m" 2> /dev/null; done
  rm -rf "$base"
}
trap cleanup EXIT

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
# Nothing from the caller's environment may steer the tool.
unset KOHONEN_DATA KOHONEN_API_KEY KOHONEN_TRAIN_DATA_DIR SOM_RUN_ID SOM_RUN_ID_FILE MLFLOW_TRACKING_URI SOM_VERBOSE
K() { dotnet "$dll" "$@"; }
CANARY='CANARY-9f3a-do-not-leak'
ok=0 bad=0 wrap=()

# A fresh folder for one reproducer; prints its path.
scratch() { local d; d=$(mktemp -d "$base/$1-XXXX"); printf '%s' "$d"; }

verdict() {  # verdict OK|BAD "why"
  if [[ "$1" == OK ]]; then ok=$((ok + 1)); echo "    ok"; else bad=$((bad + 1)); echo "    BAD: $2"; fi
}

# Checks text for what must never appear: a stack trace, an unexpected exception, leaked content.
leaks() {
  local text=$1
  if grep -qE '^\s+at [A-Za-z_.]+\(|   at |unexpected [A-Za-z]+Exception' <<< "$text"; then echo "a stack trace or an unexpected exception"; return; fi
  if grep -qE "root:x:0:0|$CANARY" <<< "$text"; then echo "file content leaked"; return; fi
  if grep -qP '[\x00-\x08\x0b-\x1f\x7f]' <<< "$text"; then echo "a control character printed raw"; return; fi
}

# cli "what" EXPECTED_EXIT [VAR=value ...] -- args...  (run in $here; first line of stderr, else stdout)
cli() {
  local what=$1 expected=$2; shift 2
  local vars=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do vars+=("$1"); shift; done
  shift
  local started=$SECONDS
  (cd "$here" && env "${vars[@]}" timeout 120 "${wrap[@]}" dotnet "$dll" "$@" > "$here/.out" 2> "$here/.err" < /dev/null)
  local code=$?
  local took=$((SECONDS - started))
  local first
  first=$(head -n 1 "$here/.err")
  [[ -z "$first" ]] && first="(stdout) $(head -n 1 "$here/.out")"
  printf '  %s\n    exit %s in %s s: %s\n' "$what" "$code" "$took" "${first:0:400}"
  local problem
  problem=$(leaks "$(cat "$here/.err" "$here/.out")")
  if ! [[ "$code" =~ ^($expected)$ ]]; then verdict BAD "expected exit $expected"
  elif [[ -n "$problem" ]]; then verdict BAD "$problem"
  elif [[ "$code" == 2 ]] && ! grep -q '^error: ' "$here/.err"; then verdict BAD "no 'error:' line"
  else verdict OK; fi
  last_code=$code
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# serve [VAR=value ...]: starts `kohonen serve` in $here on a free port; sets $url and $server.
serve() {
  local port; port=$(free_port)
  url="http://127.0.0.1:$port"
  (cd "$here" && exec env "$@" dotnet "$dll" serve --urls "$url" > "$here/serve.log" 2>&1) &
  server=$!
  servers+=("$server")
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "$url/health" && return 0
    kill -0 "$server" 2> /dev/null || { echo "  (serve exited: $(head -n 1 "$here/serve.log"))"; return 1; }
    sleep 0.2
  done
  echo "  (serve did not answer in 60 s)"; return 1
}

# Waits until /health says the model is served (200).
healthy() {
  for _ in $(seq 1 150); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$url/health") == 200 ]] && return 0
    sleep 0.2
  done
  echo "  (/health did not answer 200 in 30 s)"
}

stop() { kill "$server" 2> /dev/null; wait "$server" 2> /dev/null; }

# http "what" EXPECTED_STATUS METHOD PATH [BODY] [curl args...]: status, media type and detail.
http() {
  local what=$1 expected=$2 method=$3 path=$4 body=${5:-}; shift 5 2> /dev/null || shift $#
  local args=(-s -o "$here/.body" -D "$here/.headers" -w '%{http_code} %{time_total}' -X "$method" --max-time 60 "$@")
  [[ -n "$body" ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  local answer; answer=$(curl "${args[@]}" "$url$path")
  local status=${answer%% *} took=${answer#* }
  local type; type=$(grep -i '^content-type:' "$here/.headers" | head -n 1 | tr -d '\r' | cut -d' ' -f2- | cut -d';' -f1)
  local detail; detail=$(python3 - "$here/.body" << 'EOF'
import json, sys
raw = open(sys.argv[1], 'rb').read()
try:
    doc = json.loads(raw)
    if isinstance(doc, dict):
        print(doc.get('detail') or doc.get('problem') or doc.get('status') or json.dumps(doc)[:200])
    else:
        print(json.dumps(doc)[:200])
except Exception:
    print(('(' + str(len(raw)) + ' bytes) ' + raw[:120].decode('utf-8', 'replace')).replace('\n', ' '))
EOF
)
  printf '  %s\n    %s %s -> %s %s in %s s: %s\n' "$what" "$method" "${path:0:90}" "$status" "${type:-(no body)}" "$took" "${detail:0:400}"
  local problem; problem=$(leaks "$(cat "$here/.body")")
  if ! [[ "$status" =~ ^($expected)$ ]]; then verdict BAD "expected $expected"
  elif [[ -n "$problem" ]]; then verdict BAD "$problem"
  elif [[ "$status" -ge 400 && "$type" != application/problem+json && ! ( "$path" == /health && "$type" == application/json ) ]]; then
    verdict BAD "not problem+json"  # /health answers its own health document, with the reason in "problem"
  elif [[ "$status" -ge 400 && -z "$detail" ]]; then verdict BAD "no detail"
  else verdict OK; fi
  last_status=$status
}

header() { grep -i "^$1:" "$here/.headers" | head -n 1 | tr -d '\r'; }

section() { printf '\n== %s\n' "$*"; }

# Shared inputs: three-column data, a model trained on it (min-max scaled), a store with one run.
here=$(scratch shared)
shared=$here
python3 - "$shared/d.csv" << 'EOF'
import random, sys
r = random.Random(1)
with open(sys.argv[1], 'w') as f:
    f.write('r,g,b\n')
    for _ in range(200):
        f.write('%.3f,%.3f,%.3f\n' % (r.random(), r.random(), r.random()))
EOF
K train --data "$shared/d.csv" --out "$shared/m.som" --scale minmax --width 4 --height 3 --iterations 300 --seed 1 --no-track --no-plots --quiet > /dev/null 2>&1 \
  && K train --data "$shared/d.csv" --store "$shared/store" --width 4 --height 3 --iterations 300 --seed 1 --no-plots --quiet > /dev/null 2>&1 \
  || { echo "the shared model could not be trained"; exit 1; }
run_id=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select run_id from runs').fetchone()[0])" "$shared/store/kohonen.db")
key=reproduce-key

# forge IN OUT CHANGE: rewrites a model file's header with a Python expression on h (the header) and
# m (its metadata), then seals it again with correct checksums (a forgery, not an accident).
forge() {
  python3 - "$@" << 'EOF'
import hashlib, json, struct, sys
src, dst, change = sys.argv[1], sys.argv[2], sys.argv[3]
raw = open(src, 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
h = json.loads(raw[8:8 + n]); data = bytearray(raw[8 + n:])
m = h['__metadata__']
exec(change)
m['data_sha256'] = hashlib.sha256(data).hexdigest()
if 'metadata_sha256' in m:
    sha = hashlib.sha256()
    for k in sorted(k for k in m if k != 'metadata_sha256'):
        v = m[k]
        sha.update(k.encode() + b'\0' + (v if isinstance(v, str) else json.dumps(v)).encode('utf-8', 'surrogateescape') + b'\0')
    m['metadata_sha256'] = sha.hexdigest()
text = json.dumps(h, separators=(',', ':'), ensure_ascii=False).encode('utf-8', 'surrogateescape')
text += b' ' * (-len(text) % 8)
open(dst, 'wb').write(struct.pack('<Q', len(text)) + text + bytes(data))
EOF
}

npy() {  # npy OUT DICT PAYLOAD_PYTHON_EXPR
  python3 - "$@" << 'EOF'
import struct, sys
out, d, payload = sys.argv[1], sys.argv[2], eval(sys.argv[3], {'struct': struct})
header = d + ' ' * (-(10 + len(d) + 1) % 64) + '\n'
open(out, 'wb').write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(header)) + header.encode('latin1') + payload)
EOF
}

# --------------------------------------------------------------------------------------------------
section "1. File disclosure through symbolic links (POST /train data_file)"
here=$(scratch r1)
mkdir -p "$here/train" "$here/outside"
cp "$shared/d.csv" "$here/train/good.csv"
printf 'a,b\n%s,1\n' "$CANARY" > "$here/outside/.bashrc"
printf '%s\n' "$CANARY" > "$here/outside/secret.csv"
ln -s /etc "$here/train/etcdir"
ln -s /etc/passwd "$here/train/passwd.csv"
ln -s "$here/outside/secret.csv" "$here/train/secret.csv"
ln -s "$here/outside" "$here/train/rootdir"
if serve KOHONEN_DATA="$here/store" KOHONEN_API_KEY=$key KOHONEN_TRAIN_DATA_DIR="$here/train"; then
  for f in etcdir/passwd passwd.csv secret.csv rootdir/.bashrc ../outside/secret.csv /etc/passwd '..%2Foutside%2Fsecret.csv' 'etcdir/../../outside/secret.csv'; do
    http "data_file \"$f\"" 400 POST /train "{\"data_file\":\"$f\",\"iterations\":10}" -H "X-Api-Key: $key"
  done
  http "data_file \"good.csv\" (a regular file inside the folder)" 202 POST /train '{"data_file":"good.csv","iterations":10,"width":3,"height":3}' -H "X-Api-Key: $key"
  stop
fi

# --------------------------------------------------------------------------------------------------
section "2. Misconfiguration leaks (SOM_RUN_ID_FILE)"
here=$(scratch r2)
cli "SOM_RUN_ID_FILE=/etc/passwd kohonen predict" 2 SOM_RUN_ID_FILE=/etc/passwd KOHONEN_DATA="$shared/store" -- predict --data "$shared/d.csv"
cli "SOM_RUN_ID_FILE=/dev/zero kohonen predict" 2 SOM_RUN_ID_FILE=/dev/zero KOHONEN_DATA="$shared/store" -- predict --data "$shared/d.csv"
printf 'root:x:0:0:root:/root:/bin/bash\n%s\n' "$CANARY" > "$here/secret"
cli "SOM_RUN_ID_FILE=<a two-line secret> kohonen predict" 2 SOM_RUN_ID_FILE="$here/secret" KOHONEN_DATA="$shared/store" -- predict --data "$shared/d.csv"
cp -r "$shared/store" "$here/store"
if serve KOHONEN_DATA="$here/store" SOM_RUN_ID_FILE=/etc/passwd; then
  http "SOM_RUN_ID_FILE=/etc/passwd: the public /health" 503 GET /health
  stop
else
  cli "SOM_RUN_ID_FILE=/etc/passwd kohonen serve" 2 SOM_RUN_ID_FILE=/etc/passwd KOHONEN_DATA="$here/store" -- serve --urls "http://127.0.0.1:$(free_port)"
fi

# --------------------------------------------------------------------------------------------------
section "3. Denial of service without a key (GET /kohonen flood, long feature names)"
here=$(scratch r3)
cp -r "$shared/store" "$here/store"
if serve KOHONEN_DATA="$here/store" KOHONEN_API_KEY=$key; then
  healthy
  flood=()
  for i in $(seq 1 40); do
    curl -s -o /dev/null -D "$here/demo-$i.headers" -w '%{http_code} %{time_total}\n' --max-time 120 "$url/kohonen?input_size=1000&width=200&height=1&iterations=10000" > "$here/demo-$i.txt" &
    flood+=($!)
  done
  sleep 0.5
  for i in $(seq 1 40); do
    curl -s -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/json' --data-binary '{"data":[0.1,0.2,0.3]}' "$url/predict-bmu" >> "$here/predict.txt"
  done
  wait "${flood[@]}"
  summary=$(cat "$here"/demo-*.txt | awk '{n[$1]++; if ($2 > m) m = $2} END {for (s in n) printf "%s×%s ", n[s], s; printf "(slowest %.2f s)", m}')
  slowest=$(sort -n "$here/predict.txt" | tail -n 1)
  p99=$(sort -n "$here/predict.txt" | awk '{a[NR]=$1} END {print a[int(NR*0.99 + 0.999)]}')
  echo "  40 concurrent GET /kohonen?input_size=1000&width=200&height=1&iterations=10000"
  echo "    answers: $summary; 40 POST /predict-bmu meanwhile (one at a time, curl): slowest ${slowest} s, p99 ${p99} s"
  if grep -qvE '^(200|503) ' "$here"/demo-*.txt; then verdict BAD "a /kohonen answer other than 200 or 503"
  elif ! grep -q '^503 ' "$here"/demo-*.txt; then verdict BAD "the queue took all 40"
  elif awk -v s="$slowest" 'BEGIN {exit !(s > 1.0)}'; then verdict BAD "a prediction took over 1 s"
  else verdict OK; fi
  busy=$(grep -l '^HTTP/1.1 503' "$here"/demo-*.headers | wc -l); told=$(grep -li '^retry-after: 1' "$here"/demo-*.headers | wc -l)
  echo "  every 503 of the flood says when to come back"
  echo "    $busy answers 503, $told of them with Retry-After: 1"
  [[ "$busy" == "$told" ]] && verdict OK || verdict BAD "a 503 without Retry-After"
  long=$(printf 'n%.0s' $(seq 1 40000))
  http "POST /train with a 40,000-character feature name" 400 POST /train "{\"data\":[[1,2],[3,4]],\"feature_names\":[\"a\",\"$long\"]}" -H "X-Api-Key: $key"
  stop
fi

# --------------------------------------------------------------------------------------------------
section "4. Large finite values"
here=$(scratch r4)
cp -r "$shared/store" "$here/store"
printf '0.1,0.2,0.3\n1e20,0.5,0.6\n' > "$here/big.csv"
cli "kohonen train --data big.csv (1e20 in row 1)" 2 -- train --data big.csv --out big.som --no-track --no-plots --quiet
cli "kohonen train --data big.csv --scale minmax (the same file, scaled)" 0 -- train --data big.csv --out big.som --scale minmax --width 3 --height 3 --no-track --no-plots --quiet
cli "kohonen predict --model m.som --data big.csv" 2 -- predict --model "$shared/m.som" --data big.csv
printf 'r,g,b\n0,3e38,0\n' > "$here/far.csv"
cli "kohonen predict --model m.som --data far.csv (3e38)" 2 -- predict --model "$shared/m.som" --data far.csv
forge "$shared/m.som" "$here/factor.som" "import struct; o = h['scaler.factor']['data_offsets'][0]; data[o:o+4] = struct.pack('<f', 3e38)"
cli "a model with a scaler factor of 3e38 (checksums resealed): kohonen predict" 2 -- predict --model factor.som --data "$shared/d.csv"
if serve KOHONEN_DATA="$here/store"; then
  healthy
  http "POST /predict-bmu {\"data\":[2e19,0,0]}" 400 POST /predict-bmu '{"data":[2e19,0,0]}'
  http "POST /predict-batch with 2e19" 400 POST /predict-batch '{"data":[[0,0,0],[2e19,0,0]]}'
  http "POST /predict-bmu {\"data\":[1e39,0,0]} (beyond float)" 400 POST /predict-bmu '{"data":[1e39,0,0]}'
  stop
fi

# --------------------------------------------------------------------------------------------------
section "5. A first CSV row with a bad or empty cell"
here=$(scratch r5)
printf '0.1,,0.3\n0.4,0.5,0.6\n0.7,0.8,0.9\n' > "$here/a.csv"
cli "kohonen predict --model m.som --data a.csv (3 rows, the first with an empty cell)" 0 -- predict --model "$shared/m.som" --data a.csv
rows=$(grep -cvE '^[a-z_]+(,[a-z_]+)*$' "$here/.out")
echo "    $rows result rows for 3 data rows"
[[ "$rows" == 3 ]] && verdict OK || verdict BAD "$rows results for 3 rows"
printf '0.1,x,0.3\n0.4,0.5,0.6\n0.7,0.8,0.9\n' > "$here/b.csv"
cli "kohonen predict --model m.som --data b.csv (the first row has a cell 'x')" 2 -- predict --model "$shared/m.som" --data b.csv

# --------------------------------------------------------------------------------------------------
section "6. POST /train: null rows, a FIFO as data_file, a data_file too large"
here=$(scratch r6)
mkdir -p "$here/train"
mkfifo "$here/train/pipe.csv"
yes '0.1,0.2,0.3' | head -n 17000000 > "$here/train/huge.csv"   # 51,000,000 values, 204 MB
if serve KOHONEN_DATA="$here/store" KOHONEN_API_KEY=$key KOHONEN_TRAIN_DATA_DIR="$here/train"; then
  http 'POST /train {"data":[null]}' 400 POST /train '{"data":[null]}' -H "X-Api-Key: $key"
  http 'POST /train {"data":[[1,2],null]}' 400 POST /train '{"data":[[1,2],null]}' -H "X-Api-Key: $key"
  http 'data_file: a FIFO' 400 POST /train '{"data_file":"pipe.csv"}' -H "X-Api-Key: $key"
  http 'data_file: 204 MB, 51,000,000 values (the limit is 50,000,000)' 400 POST /train '{"data_file":"huge.csv"}' -H "X-Api-Key: $key"
  started=$(date +%s.%N); stop; took=$(python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$started" "$(date +%s.%N)")
  echo "  the service stops after the FIFO request (SIGTERM)"
  echo "    stopped in $took s"
  awk -v t="$took" 'BEGIN {exit !(t < 10)}' && verdict OK || verdict BAD "took $took s to stop"
fi
rm -f "$here/train/huge.csv"

# --------------------------------------------------------------------------------------------------
section "7. Model files"
here=$(scratch r7)
forge "$shared/m.som" "$here/overflow.som" "h['extra'] = {'dtype': 'F32', 'shape': [2147483647, 3, 715827883], 'data_offsets': [0, 0]}"
cli "an extra tensor of shape [2147483647,3,715827883]: kohonen info" 2 -- info --model overflow.som
{ printf 'JUNKJUNK'; } > "$here/junk.som"; truncate -s 1536M "$here/junk.som"
cli "a 1.5 GB junk file: kohonen info" 2 -- info --model junk.som
cli "kohonen info --model /dev/zero" 2 -- info --model /dev/zero
mkfifo "$here/pipe.som"
cli "kohonen info --model pipe.som (a FIFO)" 2 -- info --model pipe.som
forge "$shared/m.som" "$here/utf8.som" "m['library'] = m['library'] + '\udcc3('"
cli "invalid UTF-8 in a metadata string (checksums resealed): kohonen info" 2 -- info --model utf8.som
python3 - "$shared/m.som" "$here/flipped-key.som" << 'EOF'
import sys
raw = bytearray(open(sys.argv[1], 'rb').read())
at = raw.index(b'"feature_names"') + 1
raw[at] ^= 0x01                      # "feature_names" -> "geature_names"
open(sys.argv[2], 'wb').write(raw)
EOF
cli "a flipped bit in the feature_names key: kohonen info" 2 -- info --model flipped-key.som
python3 - "$shared/m.som" "$here/duplicate.som" << 'EOF'
import struct, sys
raw = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
text = raw[8:8 + n].rstrip(b' ').replace(b'"__metadata__":{', b'"__metadata__":{"width":"1",', 1)
text += b' ' * (-len(text) % 8)
open(sys.argv[2], 'wb').write(struct.pack('<Q', len(text)) + text + raw[8 + n:])
EOF
cli "a duplicate metadata key: kohonen info" 2 -- info --model duplicate.som
forge "$shared/m.som" "$here/bell.som" "m['feature_names'] = '[\"r\", \"g\\\\u0007\\\\u001b[31m\", \"b\"]'"
cli "control characters in a feature name (resealed): kohonen info" 2 -- info --model bell.som

# --------------------------------------------------------------------------------------------------
section "8. A damaged model.som in the store, through the service"
here=$(scratch r8)
cp -r "$shared/store" "$here/store"
K train --data "$shared/d.csv" --store "$here/store" --width 3 --height 3 --iterations 50 --seed 2 --no-plots --quiet > /dev/null 2>&1
K train --data "$shared/d.csv" --store "$here/store" --width 3 --height 3 --iterations 50 --seed 3 --no-plots --quiet > /dev/null 2>&1
mapfile -t others < <(python3 -c "import sqlite3,sys; [print(r[0]) for r in sqlite3.connect(sys.argv[1]).execute('select run_id from runs where run_id != ? order by start_time', (sys.argv[2],))]" "$here/store/kohonen.db" "$run_id")
flipped=${others[0]} overflowed=${others[1]}
model_of() { find "$here/store" -path "*$1*" -name model.som | head -n 1; }
python3 -c "import sys; p = sys.argv[1]; b = bytearray(open(p, 'rb').read()); b[len(b) // 2] ^= 0x10; open(p, 'wb').write(b)" "$(model_of "$flipped")"
forge "$(model_of "$overflowed")" "$(model_of "$overflowed")" "h['extra'] = {'dtype': 'F32', 'shape': [2147483647, 3, 715827883], 'data_offsets': [0, 0]}"
if serve KOHONEN_DATA="$here/store" KOHONEN_API_KEY=$key SOM_RUN_ID="$run_id"; then
  healthy
  http "activate a run whose model.som has a flipped bit" 409 POST "/models/$flipped/activate" "" -H "X-Api-Key: $key"
  http "its rgb.png" 409 GET "/maps/$flipped/rgb.png"
  http "activate a run whose model.som has a tensor of overflowing size" 409 POST "/models/$overflowed/activate" "" -H "X-Api-Key: $key"
  http "its planes.png" 409 GET "/maps/$overflowed/planes.png"
  http "/health still serves the good run" 200 GET /health
  stop
fi

# --------------------------------------------------------------------------------------------------
section "9. .npy and very wide CSV files"
here=$(scratch r9)
npy "$here/huge-shape.npy" "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999, 3), }" "b''"
cli "a shape of (99999999999999999999, 3)" 2 -- predict --model "$shared/m.som" --data huge-shape.npy
npy "$here/hidden.npy" "{'descr': '<f4', 'note': \"'shape': (1, 3)\", 'fortran_order': False, 'shape': (2, 3), }" "struct.pack('<6f', .1, .2, .3, .4, .5, .6)"
cli "a 'shape' inside another header string (real shape (2, 3)): kohonen predict" 0 -- predict --model "$shared/m.som" --data hidden.npy
rows=$(grep -cE '^[0-9]' "$here/.out")
echo "    $rows result rows for the 2 rows of the file"
[[ "$rows" == 2 ]] && verdict OK || verdict BAD "$rows results for 2 rows"
npy "$here/inf.npy" "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" "struct.pack('<6f', .1, .2, .3, .4, float('inf'), .6)"
cli "an infinite value in a .npy file" 2 -- predict --model "$shared/m.som" --data inf.npy
npy "$here/nan.npy" "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" "struct.pack('<6f', .1, .2, .3, .4, float('nan'), .6)"
cli "a NaN value in a .npy file with --missing error (docs: refused)" 2 -- predict --model "$shared/m.som" --data nan.npy --missing error
npy "$here/big-double.npy" "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 3), }" "struct.pack('<3d', 0, 1e300, 0)"
cli "a float64 of 1e300" 2 -- predict --model "$shared/m.som" --data big-double.npy
python3 -c "import sys; open(sys.argv[1], 'w').write(','.join(['0.5'] * 2500000) + '\n')" "$here/wide.csv"
[[ -x /usr/bin/time ]] && wrap=(/usr/bin/time -f 'peak memory %M KB')
cli "one 10 MB CSV line of 2,500,000 columns" 2 -- predict --model "$shared/m.som" --data wide.csv
[[ ${#wrap[@]} -gt 0 ]] && echo "    $(tail -n 1 "$here/.err")"
wrap=()

# --------------------------------------------------------------------------------------------------
section "10 and 11. kill -9 during training; temporary files left behind"
here=$(scratch r10)
cp "$shared/d.csv" "$here/d.csv"
(cd "$here" && exec dotnet "$dll" train --data d.csv --store store --out m.som --width 60 --height 60 --iterations 2000000 --no-plots --quiet > /dev/null 2>&1) &
victim=$!
for _ in $(seq 1 300); do
  [[ -f "$here/store/kohonen.db" ]] && [[ $(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"select count(*) from runs where status='RUNNING'\").fetchone()[0])" "$here/store/kohonen.db" 2> /dev/null) == 1 ]] && break
  sleep 0.2
done
sleep 1
kill -9 "$victim"; wait "$victim" 2> /dev/null
echo "  a training killed with SIGKILL while it trains"
# A training killed after its model and final metrics were written: a finished run set back to RUNNING,
# owned by a process that is gone.
K train --data "$shared/d.csv" --store "$here/store" --width 3 --height 3 --iterations 50 --seed 2 --run-name after-the-end --no-plots --quiet > /dev/null 2>&1
gone=$(sh -c 'echo $$')
python3 - "$here/store/kohonen.db" "$gone" << 'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("update runs set status = 'RUNNING', end_time = null where name = 'after-the-end'")
db.execute("update tags set value = ? where key = 'kohonen.owner_pid' and run_id = (select run_id from runs where name = 'after-the-end')", (sys.argv[2],))
db.commit()
EOF
touch "$here/m.som.tmp-$gone-6ddbb406caff"
artifacts=$(dirname "$(find "$here/store" -name model.som | head -n 1)")
touch "$artifacts/model.som.tmp-$gone-0123abcd"
touch -d '2 hours ago' "$here/m18.som.tmp-6ddbb406caff"
cli "kohonen runs list (after the kill)" 0 -- runs list --store store
grep -E 'RUNNING' "$here/.out" | sed 's/^/    | /'
grep -q 'RUNNING (dead)' "$here/.out" && verdict OK || verdict BAD "no run shown as dead"
cli "kohonen runs gc --outputs . (marks the dead runs, deletes the temporary files)" 0 -- runs gc --store store --outputs .
sed 's/^/    | /' "$here/.out" | head -n 8
cli "kohonen runs list (after gc)" 0 -- runs list --store store
left=$(find "$here" -name '*.tmp-*' | wc -l)
echo "    RUNNING runs left: $(grep -c RUNNING "$here/.out"); after-the-end: $(grep after-the-end "$here/.out" | grep -oE 'FINISHED|FAILED|RUNNING[^ ]*' | head -n 1); temporary files left: $left"
if grep -q RUNNING "$here/.out" || [[ "$left" != 0 ]] || ! grep after-the-end "$here/.out" | grep -q FINISHED; then verdict BAD "a run still RUNNING, a killed finished run not FINISHED, or a temporary file left"; else verdict OK; fi

# --------------------------------------------------------------------------------------------------
section "12. Store failures: a full disk, a read-only store, damaged databases, an unknown status"
here=$(scratch r12)
if mkdir -p "$here/disk" && mount -t tmpfs -o size=2m tmpfs "$here/disk" 2> /dev/null; then
  mounts+=("$here/disk")
  cp -r "$shared/store" "$here/disk/store"
  dd if=/dev/zero of="$here/disk/filler" bs=64k > /dev/null 2>&1
  cli "a full disk: kohonen runs list" '0|1' -- runs list --store disk/store
  cli "a full disk: kohonen train" 1 -- train --data "$shared/d.csv" --store disk/store --width 3 --height 3 --iterations 20 --no-plots --quiet
  rm -f "$here/disk/filler"
  mount -o remount,ro "$here/disk"
  cli "a read-only store: kohonen runs list" '0|1' -- runs list --store disk/store
  cli "a read-only store: kohonen train" 1 -- train --data "$shared/d.csv" --store disk/store --width 3 --height 3 --iterations 20 --no-plots --quiet
else
  echo "  a full disk and a read-only store: skipped (mounting a tmpfs is not allowed here)"
fi
damage() {  # damage NAME PYTHON: a copy of the shared store whose kohonen.db the code changes (p: its path)
  cp -r "$shared/store" "$here/$1"; rm -f "$here/$1"/kohonen.db-*
  python3 -c "p = '$here/$1/kohonen.db'; b = bytearray(open(p, 'rb').read()); $2"
}
damage header "b[0:100] = b'\\x5a' * 100; open(p, 'wb').write(b)"
damage pages "b[100:2100] = b'\\xff' * 2000; open(p, 'wb').write(b)"
damage second-page "b[4096:6096] = bytes(range(250)) * 8; open(p, 'wb').write(b)"
damage truncated "open(p, 'wb').write(b[:len(b) // 3])"
damage junk "open(p, 'wb').write(b'x' * 8192)"
for kind in header pages second-page truncated junk; do
  cli "a damaged database ($kind): kohonen runs list" 1 -- runs list --store "$kind"
done
cp -r "$shared/store" "$here/weird"
python3 -c "import sqlite3,sys; d = sqlite3.connect(sys.argv[1]); d.execute(\"update runs set status = 'WEIRD'\"); d.commit()" "$here/weird/kohonen.db"
cli "a run with the status WEIRD: kohonen runs list" 1 -- runs list --store weird
if serve KOHONEN_DATA="$here/junk"; then
  http "kohonen serve on a database that is not one: /health" 503 GET /health
  http "... /models" 503 GET /models
  stop
fi
if serve KOHONEN_DATA="$here/weird"; then
  http "kohonen serve on a store with a WEIRD status: /health" 503 GET /health
  http "... /models (lists FINISHED runs only: the WEIRD one is not read)" '200|503' GET /models
  stop
fi

# --------------------------------------------------------------------------------------------------
section "13. Settings and the host"
here=$(scratch r13)
for name in KOHONEN_DATA SOM_RUN_ID_FILE KOHONEN_TRAIN_DATA_DIR; do
  printf '{"%s": "a\\u0000b"}' "$name" > "$here/appsettings.json"
  cli "a NUL in $name (appsettings.json): kohonen runs list" 2 -- runs list
done
rm -f "$here/appsettings.json"
cli "a NUL in SOM_RUN_ID_FILE (the environment)" 2 SOM_RUN_ID_FILE=$'x\x01y' -- runs list --store "$shared/store"
mkfifo "$here/.env"
cli "a .env that is a FIFO: kohonen runs list" 2 -- runs list --store "$shared/store"
rm -f "$here/.env"
cli "KOHONEN_MAX_BODY_BYTES=2147483646: kohonen serve" 2 KOHONEN_MAX_BODY_BYTES=2147483646 -- serve --urls "http://127.0.0.1:$(free_port)"
python3 -c 'import socket, time, sys; s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(120)' > "$here/port" &
holder=$!; servers+=("$holder")
for _ in $(seq 1 50); do [[ -s "$here/port" ]] && break; sleep 0.1; done
cli "kohonen serve on a port in use" 1 KOHONEN_DATA="$here/store" -- serve --urls "http://127.0.0.1:$(cat "$here/port")"
echo "    ($(wc -l < "$here/.err") line(s) on stderr)"
kill "$holder" 2> /dev/null
cli "kohonen serve --urls http://127.0.0.1:99999" 2 -- serve --urls http://127.0.0.1:99999
cli "KOHONEN_TRAIN_DATA_DIR=/nonexistent: kohonen serve" 2 KOHONEN_TRAIN_DATA_DIR=/nonexistent -- serve --urls "http://127.0.0.1:$(free_port)"
cli "KOHONEN_DATA=/nonexistent/deep/dir: kohonen runs list" 2 KOHONEN_DATA="$here/nonexistent/deep/dir" -- runs list
[[ -e "$here/nonexistent" ]] && verdict BAD "the folder tree was created" || { echo "    (no folder created)"; }
cp -r "$shared/store" "$here/store"
if serve KOHONEN_DATA="$here/store" KOHONEN_RATE_LIMIT=1; then
  healthy
  codes=$(for i in $(seq 1 10); do curl -s -o /dev/null -w '%{http_code} ' "$url/health"; done)
  echo "  KOHONEN_RATE_LIMIT=1: 10 × GET /health at once"
  echo "    $codes"
  [[ "$codes" == "$(printf '200 %.0s' $(seq 1 10))" ]] && verdict OK || verdict BAD "/health was limited"
  curl -s -o /dev/null "$url/model-info"
  http "KOHONEN_RATE_LIMIT=1: a second /model-info" 429 GET /model-info
  echo "    $(header Retry-After)"
  stop
fi

# --------------------------------------------------------------------------------------------------
section "14. Every error of the service is problem+json with a detail"
here=$(scratch r14)
cp -r "$shared/store" "$here/store"
mkdir -p "$here/train"; cp "$shared/d.csv" "$here/train/d.csv"
if serve KOHONEN_DATA="$here/store" KOHONEN_API_KEY=$key KOHONEN_MAX_TRAININGS=1; then
  healthy
  for q in "/models?max_results=abc" "/models?max_results=99999999999" "/kohonen?width=abc" "/kohonen?height=1.5" \
           "/kohonen?seed=2147483648" "/kohonen?iterations=-1" "/weights/a/b" "/weights/99999999999/0" \
           "/no/such/route" "/openapi/v2.json" "/maps/$run_id/rgb.PNG" "/maps/$run_id/RGB.png" "/runs/not-a-run" "/runs/not-a-run/events"; do
    expected=400
    case "$q" in /weights/*|/no/*|/openapi/*|/maps/*|/runs/*) expected=404 ;; esac
    http "GET $q" "$expected" GET "$q"
  done
  http "DELETE /health (a method the route does not allow)" 405 DELETE /health
  http "GET /train" 405 GET /train
  http "PUT /predict-bmu" 405 PUT /predict-bmu '{}'
  http "POST /predict-bmu, a body that is not JSON" 400 POST /predict-bmu '{"data":'
  http "POST /predict-bmu as text/plain" 415 POST /predict-bmu "" -H 'Content-Type: text/plain' --data-binary '{"data":[1,2,3]}'
  http "POST /train without the key" 401 POST /train '{"data":[[1,2]]}'
  big='{"data":[[0.1,0.2,0.3]'"$(printf ',[0.1,0.2,0.3]%.0s' $(seq 1 400))"'],"width":100,"height":100,"iterations":100000}'
  http "POST /train (a long training)" 202 POST /train "$big" -H "X-Api-Key: $key"
  http "POST /train while it runs (KOHONEN_MAX_TRAININGS=1)" 429 POST /train '{"data":[[1,2],[3,4]]}' -H "X-Api-Key: $key"
  echo "    $(header Retry-After)"
  [[ -n "$(header Retry-After)" ]] && verdict OK || verdict BAD "no Retry-After"
  printf 'GARBAGE\r\n\r\n' > "$here/raw"
  answer=$(timeout 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/${url##*:}; cat '$here/raw' >&3; head -c 300 <&3" 2> /dev/null | tr -d '\r' | head -n 1)
  echo "  a malformed request line (Kestrel refuses it before the service sees it; documented: no body)"
  echo "    $answer"
  [[ "$answer" == "HTTP/1.1 400 Bad Request" ]] && verdict OK || verdict BAD "unexpected answer"
  stop
fi

printf '\n%s ok, %s BAD\n' "$ok" "$bad"
[[ "$bad" -eq 0 ]]
