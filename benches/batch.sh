#!/usr/bin/env bash
# Whole-process timing of the release CLI (see benches/README.md).
#
#   benches/batch.sh            # build, generate the batch into /tmp, measure
#   N=5000 benches/batch.sh     # a bigger batch
#
# 1. Start-up: one notice (the seed) through `fengong parse`, start-up and
#    the jieba dictionary included; a one-line notice that needs no jieba
#    for comparison. hyperfine if installed (`apt-get install -y hyperfine`),
#    else a loop timed with `date +%s%N`.
# 2. A generated batch of N notices (default 2000): the corpus and the seed
#    replicated with their digits rotated and some unit names varied, so no
#    two files are identical. Written to $WORK (default /tmp/fengong-bench),
#    never into the repository.
# 3. Throughput of `parse DIR --out-dir OUT` and `parse DIR --format jsonl`
#    with --jobs 1 and --jobs 2: seconds, MB/s, notices/s, and the speed-up.
# 4. Peak memory (`/usr/bin/time -v`, Maximum resident set size) for batches
#    of 500, 1000 and 2000 notices: it should stay flat.
set -euo pipefail

cd "$(dirname "$0")/.."
N=${N:-2000}
WORK=${WORK:-/tmp/fengong-bench}
RUNS=${RUNS:-3}
BIN=target/release/fengong
SEED=seeds/000_7c5878c3eb2a3600.txt

cargo build --release --quiet
mkdir -p "$WORK"

now_ns() { date +%s%N; }

echo "== start-up (one notice, jieba included)"
printf '一、总体要求\n' >"$WORK/tiny.txt"
if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 3 --runs 30 \
        "$BIN parse $SEED" \
        "$BIN parse $WORK/tiny.txt" \
        "$BIN --version"
else
    for f in "$SEED" "$WORK/tiny.txt"; do
        best=
        for _ in $(seq 20); do
            t0=$(now_ns)
            "$BIN" parse "$f" >/dev/null
            t=$((($(now_ns) - t0) / 1000))
            if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
        done
        echo "$f: best of 20 runs $((best / 1000)).$(((best % 1000) / 100)) ms"
    done
fi

# Generate N notices into $1 (one folder, files n00000.txt …).
generate() {
    local n=$1 dir=$2
    if [ -d "$dir" ] && [ "$(ls "$dir" | wc -l)" -eq "$n" ]; then return; fi
    rm -rf "$dir"
    mkdir -p "$dir"
    local sources=("$SEED" corpus/*.txt)
    local digits=0123456789
    local k=0
    while [ "$k" -lt "$n" ]; do
        local src=${sources[$((k % ${#sources[@]}))]}
        local r=$(((k / ${#sources[@]}) % 10))
        local rot=${digits:$r}${digits:0:$r}
        local unit
        case $((k % 3)) in
            0) unit='s/注册处/注册处/' ;;
            1) unit='s/处；/科；/g; s/局/厅/2' ;;
            2) unit='s/市场监管局/市场监督管理局/g' ;;
        esac
        sed -e "y/$digits/$rot/" -e "$unit" -e "1s/\$/（第${k}批）/" "$src" \
            >"$dir/$(printf 'n%05d.txt' "$k")"
        k=$((k + 1))
    done
}

BATCH=$WORK/batch$N
echo
echo "== generating $N notices into $BATCH"
generate "$N" "$BATCH"
BYTES=$(cat "$BATCH"/*.txt | wc -c)
echo "$N notices, $BYTES bytes ($(awk "BEGIN{printf \"%.1f\", $BYTES/1e6}") MB)"

# Best wall time (seconds) of $RUNS runs of a command.
best_of() {
    local best=
    for _ in $(seq "$RUNS"); do
        rm -rf "$WORK/out"
        local t0
        t0=$(now_ns)
        "$@" >/dev/null
        local t=$(($(now_ns) - t0))
        if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
    done
    awk "BEGIN{printf \"%.3f\", $best/1e9}"
}

report() {
    local what=$1 secs=$2
    awk -v w="$what" -v s="$secs" -v b="$BYTES" -v n="$N" \
        'BEGIN{printf "%-28s %7.3f s  %6.1f MB/s  %7.0f notices/s\n", w, s, b/1e6/s, n/s}'
}

echo
echo "== throughput (best of $RUNS)"
declare -A T
for jobs in 1 2; do
    T[dir$jobs]=$(best_of "$BIN" parse "$BATCH" --out-dir "$WORK/out" --jobs "$jobs" -q)
    report "--out-dir, --jobs $jobs" "${T[dir$jobs]}"
    T[jsonl$jobs]=$(best_of "$BIN" parse "$BATCH" --format jsonl --jobs "$jobs" -q)
    report "--format jsonl, --jobs $jobs" "${T[jsonl$jobs]}"
done
awk -v a="${T[dir1]}" -v b="${T[dir2]}" -v c="${T[jsonl1]}" -v d="${T[jsonl2]}" \
    'BEGIN{printf "speed-up --jobs 1 -> 2: %.2fx (--out-dir), %.2fx (jsonl)\n", a/b, c/d}'

echo
echo "== peak memory (Maximum resident set size), --format jsonl and --out-dir, --jobs 2"
if [ -x /usr/bin/time ]; then
    for n in 500 1000 2000; do
        dir=$WORK/batch$n
        if [ "$n" != "$N" ]; then generate "$n" "$dir"; fi
        rss() {
            /usr/bin/time -v "$@" 2>&1 >/dev/null |
                awk -F': ' '/Maximum resident set size/{printf "%.1f MB", $2/1024}'
        }
        rm -rf "$WORK/out"
        echo "$n notices: jsonl $(rss "$BIN" parse "$dir" --format jsonl --jobs 2 -q)," \
            "out-dir $(rss "$BIN" parse "$dir" --out-dir "$WORK/out" --jobs 2 -q)"
    done
else
    echo "/usr/bin/time not found (apt-get install -y time)"
fi
rm -rf "$WORK/out"
