#!/usr/bin/env bash
# The cluster's per-epoch overhead against one machine (not a timed test): 100,000 × 64 rows on a
# 40×40 map, the batch map on one machine, then across one and two `kohonen worker` processes on this
# same machine, all with the same threads. Needs redis-server and python3; prints one JSON line per
# training and the sha256 of every model (they must all be equal).
#   bench/cluster/run.sh [ROWS] [EPOCHS]
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-100000} epochs=${2:-5} threads=${THREADS:-1}
work=$(mktemp -d)
trap 'kill $(cat "$work"/*.pid 2> /dev/null) 2> /dev/null; rm -rf "$work"' EXIT
dotnet build src/Kohonen.Cli -c Release > "$work/build.log"
kohonen=src/Kohonen.Cli/bin/Release/net10.0/kohonen

python3 - "$work/rows.npy" "$rows" <<'PY'
import random, struct, sys
path, rows, cols = sys.argv[1], int(sys.argv[2]), 64
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (rows, cols)
header += ' ' * (64 - ((10 + len(header) + 1) % 64)) + '\n'
random.seed(1)
with open(path, 'wb') as f:
    f.write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(header)) + header.encode())
    for _ in range(rows):
        f.write(struct.pack('<64f', *[random.gauss(0, 1) for _ in range(cols)]))
PY

port=$(shuf -i 20000-60000 -n 1)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --dir "$work" --pidfile "$work/redis.pid" > /dev/null
sleep 0.5
cluster="redis://127.0.0.1:$port"
common=(--data "$work/rows.npy" --epochs "$epochs" --width 40 --height 40 --seed 1 --threads "$threads" --no-track --no-plots --json)

"$kohonen" train "${common[@]}" --out "$work/one.som" > "$work/one.json"
echo "{\"workers\": 0, \"train_seconds\": $(python3 -c "import json;print(json.load(open('$work/one.json'))['train_seconds'])")}"
for workers in 1 2; do
  for i in $(seq "$workers"); do
    [ -f "$work/w$i.pid" ] && continue
    "$kohonen" worker --cluster "$cluster" --threads "$threads" 2> "$work/w$i.log" & echo $! > "$work/w$i.pid"
  done
  until [ "$(grep -l joined "$work"/w*.log 2> /dev/null | wc -l)" -ge "$workers" ]; do sleep 1; done
  "$kohonen" train --cluster "$cluster" --partitions "$workers" "${common[@]}" --out "$work/cluster$workers.som" > "$work/cluster$workers.json"
  python3 - "$work/cluster$workers.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); c = d['cluster']; e = c['epochs'][1:] or c['epochs']
mean = lambda k: sum(x[k] for x in e) / len(e)
print(json.dumps({'workers': c['workers'], 'partitions': c['partitions'], 'train_seconds': d['train_seconds'], 'bytes_per_epoch': c['bytes_per_epoch'],
                  'compute': round(mean('compute_seconds'), 4), 'transfer': round(mean('transfer_seconds'), 4), 'reduce': round(mean('reduce_seconds'), 4)}))
PY
done
sha256sum "$work"/*.som | sed "s|$work/||"
