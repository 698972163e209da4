#!/usr/bin/env bash
# Load check of `fengong serve` (see benches/README.md): N concurrent
# uploads of the seed to POST /api/parse over loopback, all at once.
#
#   benches/serve_load.sh                 # build the release binary, 200 uploads
#   N=500 benches/serve_load.sh           # more
#   BIN=target/debug/fengong NOBUILD=1 benches/serve_load.sh
#
# Prints the number of uploads, how many did not answer 200 with the 41
# items of the seed, the wall time, and the latency of one upload (curl's
# time_total: connect, send, parse, answer) at p50, p90, p99 and max.
# Needs curl. Writes only to a temporary folder.
set -euo pipefail

cd "$(dirname "$0")/.."
N=${N:-200}
BIN=${BIN:-target/release/fengong}
SEED=seeds/000_7c5878c3eb2a3600.txt

if [ -z "${NOBUILD:-}" ]; then cargo build --release --quiet; fi
command -v curl >/dev/null || { echo "serve_load: needs curl" >&2; exit 2; }

WORK=$(mktemp -d)
"$BIN" serve --port 0 2>"$WORK/server.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do
  grep -q 'listening on' "$WORK/server.log" && break
  sleep 0.1
done
URL=$(grep -o 'http://[^ ]*' "$WORK/server.log" | head -1)
[ -n "$URL" ] || { cat "$WORK/server.log" >&2; exit 1; }

# One upload: "status items seconds".
upload() {
  local out="$WORK/r$1.json"
  local line
  line=$(curl -s -o "$out" -w '%{http_code} %{time_total}' -F "file=@$SEED" "${URL}api/parse" || echo "000 0")
  local items
  items=$(grep -c '"path": \[' "$out" 2>/dev/null || true)
  echo "${line%% *} $items ${line##* }"
}
export -f upload
export WORK URL SEED

start=$(date +%s%N)
seq "$N" | xargs -P "$N" -I{} bash -c 'upload {}' > "$WORK/results"
end=$(date +%s%N)

total=$(wc -l < "$WORK/results")
bad=$(awk '$1 != 200 || $2 != 41' "$WORK/results" | wc -l)
awk '{ print $3 }' "$WORK/results" | sort -g > "$WORK/times"
pick() { sed -n "$(( ($1 * total + 99) / 100 ))p" "$WORK/times"; }
ms() { awk -v s="$1" 'BEGIN { printf "%.0f", s * 1000 }'; }
awk -v n="$total" -v ns=$((end - start)) 'BEGIN { printf "uploads %d, wall %.2f s, %.0f uploads/s\n", n, ns / 1e9, n / (ns / 1e9) }'
echo "errors $bad"
echo "latency p50 $(ms "$(pick 50)") ms, p90 $(ms "$(pick 90)") ms, p99 $(ms "$(pick 99)") ms, max $(ms "$(tail -1 "$WORK/times")") ms"
[ "$total" -eq "$N" ] && [ "$bad" -eq 0 ]
