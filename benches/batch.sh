#!/usr/bin/env bash
# Whole-process timing of the release CLI (see benches/README.md).
#
#   benches/batch.sh            # build, generate the batch into /tmp, measure
#   N=5000 benches/batch.sh     # a bigger batch
#   RUNS=9 benches/batch.sh     # more runs per figure (medians)
#   BIN=/tmp/old-fengong NOBUILD=1 ONLY=jobs benches/batch.sh   # another binary, speed-up only
#   ONLY=python benches/batch.sh  # only the comparison with the Python script (5.)
#
# 1. Start-up: one notice (the seed) through `fengong parse`, start-up and
#    the jieba dictionary included; a one-line notice that needs no jieba
#    for comparison. hyperfine if installed (`apt-get install -y hyperfine`),
#    else a loop timed with `date +%s%N`.
# 2. A generated batch of N notices (default 2000): the corpus and the seed
#    replicated with their digits rotated and some unit names varied, so no
#    two files are identical. Written to $WORK (default /tmp/fengong-bench),
#    never into the repository.
# 3. Throughput in every output mode — a JSON array, JSON Lines and CSV to
#    standard output, and `--out-dir` — with --jobs 1 and --jobs 2: the
#    median of $RUNS runs (runs of the two job counts interleaved, so that
#    load from other processes hits both alike), MB/s, notices/s, and the
#    speed-up per mode (the goal is >= 1.85x on two cores), next to what
#    two cores give here without coordination: the batch's two halves
#    through two separate `--jobs 1` processes at once.
# 4. Peak memory (`/usr/bin/time -v`, Maximum resident set size) for batches
#    of 500 and 5000 notices: it should stay flat (within 10 %).
# 5. The same 400-notice batch through fengong and through the simple
#    Python jieba + regex script a user would write (benches/python_baseline.py,
#    in a virtualenv at $PY_VENV with jieba installed on first use): wall
#    time of each after one warm-up run, median of $PY_RUNS (default 5),
#    and the ratio (the goal is >= 30x).
set -euo pipefail

cd "$(dirname "$0")/.."
N=${N:-2000}
WORK=${WORK:-/tmp/fengong-bench}
RUNS=${RUNS:-5}
BIN=${BIN:-target/release/fengong}
ONLY=${ONLY:-all}
SEED=seeds/000_7c5878c3eb2a3600.txt

if [ -z "${NOBUILD:-}" ]; then cargo build --release --quiet; fi
mkdir -p "$WORK"

now_ns() { date +%s%N; }

if [ "$ONLY" = all ]; then
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

# Wall time (seconds) of one run of a command.
once() {
    rm -rf "$WORK/out"
    local t0
    t0=$(now_ns)
    "$@" >/dev/null
    awk "BEGIN{printf \"%.3f\", ($(now_ns) - $t0)/1e9}"
}

median() { sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# 5. fengong against the Python script, on one generated batch, in this run.
if [ "$ONLY" = python ]; then
    PY_N=${PY_N:-400}
    PY_VENV=${PY_VENV:-$HOME/.cache/fengong-bench-venv}
    [ -x "$PY_VENV/bin/python" ] || python3 -m venv "$PY_VENV"
    "$PY_VENV/bin/python" -c 'import jieba' 2>/dev/null ||
        "$PY_VENV/bin/python" -m pip install -q --disable-pip-version-check jieba
    dir=$WORK/batch$PY_N
    generate "$PY_N" "$dir"
    bytes=$(cat "$dir"/*.txt | wc -c)
    echo "== $PY_N notices ($bytes bytes): fengong against benches/python_baseline.py (one warm-up run each, median of ${PY_RUNS:=5})"
    if command -v hyperfine >/dev/null; then
        hyperfine -N --warmup 1 --runs "$PY_RUNS" --export-json "$WORK/python.json" \
            "$BIN parse $dir --format jsonl -q" \
            "$PY_VENV/bin/python benches/python_baseline.py $dir" >/dev/null
        tf=$(grep -o '"median": *[0-9.e-]*' "$WORK/python.json" | sed -n 1p | grep -o '[0-9.e-]*$')
        tp=$(grep -o '"median": *[0-9.e-]*' "$WORK/python.json" | sed -n 2p | grep -o '[0-9.e-]*$')
    else
        # Without hyperfine: the same, timed with `date`. The first run of
        # fengong after the Python script (which fills memory with its
        # dictionary) is slow on some machines, hence the warm-up runs.
        : >"$WORK/tf"
        : >"$WORK/tp"
        "$BIN" parse "$dir" --format jsonl -q >/dev/null
        "$PY_VENV/bin/python" benches/python_baseline.py "$dir" >/dev/null
        for _ in $(seq "$PY_RUNS"); do
            "$BIN" parse "$dir" --format jsonl -q >/dev/null
            once "$BIN" parse "$dir" --format jsonl -q >>"$WORK/tf"
            echo >>"$WORK/tf"
            once "$PY_VENV/bin/python" benches/python_baseline.py "$dir" >>"$WORK/tp"
            echo >>"$WORK/tp"
        done
        tf=$(median <"$WORK/tf")
        tp=$(median <"$WORK/tp")
    fi
    awk -v f="$tf" -v p="$tp" -v n="$PY_N" \
        'BEGIN{printf "fengong %.3f s (%.0f notices/s), Python %.3f s (%.0f notices/s): fengong %.1fx faster\n", f, n/f, p, n/p, p/f}'
    exit 0
fi

BATCH=$WORK/batch$N
echo
echo "== generating $N notices into $BATCH"
generate "$N" "$BATCH"
BYTES=$(cat "$BATCH"/*.txt | wc -c)
echo "$N notices, $BYTES bytes ($(awk "BEGIN{printf \"%.1f\", $BYTES/1e6}") MB)"


report() {
    local what=$1 secs=$2
    awk -v w="$what" -v s="$secs" -v b="$BYTES" -v n="$N" \
        'BEGIN{printf "%-30s %7.3f s  %6.1f MB/s  %7.0f notices/s\n", w, s, b/1e6/s, n/s}'
}

mode_args() {
    case $1 in
        json) echo "--format json" ;;
        jsonl) echo "--format jsonl" ;;
        csv) echo "--format csv" ;;
        out-dir) echo "--out-dir $WORK/out" ;;
    esac
}

# A reference for --jobs 2 measured on this machine in the same run: the
# same batch split in two halves (every other file, hard links), each half
# through its own `--jobs 1` process, both at once. The two processes share
# no lock, queue or writer, so their speed-up over one `--jobs 1` run is
# what two cores give this workload here (caches, memory bandwidth, the
# hypervisor's share) without any coordination; --jobs 2 is judged against
# it as well as against 2.0. (It can beat it: its two workers share one
# copy of the dictionaries and tables in the caches.)
rm -rf "$WORK/half-a" "$WORK/half-b"
mkdir -p "$WORK/half-a" "$WORK/half-b"
k=0
for f in "$BATCH"/*.txt; do
    if [ $((k % 2)) -eq 0 ]; then ln -f "$f" "$WORK/half-a/"; else ln -f "$f" "$WORK/half-b/"; fi
    k=$((k + 1))
done

# Both halves at once, each through `--jobs 1`, in the given mode.
halves() {
    local mode=$1
    rm -rf "$WORK/out-a" "$WORK/out-b"
    # shellcheck disable=SC2046
    "$BIN" parse "$WORK/half-a" $(mode_args "$mode" | sed "s#$WORK/out#$WORK/out-a#") --jobs 1 -q &
    # shellcheck disable=SC2046
    "$BIN" parse "$WORK/half-b" $(mode_args "$mode" | sed "s#$WORK/out#$WORK/out-b#") --jobs 1 -q
    wait
}

echo
echo "== throughput and --jobs speed-up (median of $RUNS runs; jobs 1, jobs 2 and two halves interleaved)"
for mode in json jsonl csv out-dir; do
    : >"$WORK/t1"
    : >"$WORK/t2"
    : >"$WORK/th"
    for _ in $(seq "$RUNS"); do
        for jobs in 1 2; do
            # shellcheck disable=SC2046
            once "$BIN" parse "$BATCH" $(mode_args "$mode") --jobs "$jobs" -q >>"$WORK/t$jobs"
            echo >>"$WORK/t$jobs"
        done
        once halves "$mode" >>"$WORK/th"
        echo >>"$WORK/th"
    done
    t1=$(median <"$WORK/t1")
    t2=$(median <"$WORK/t2")
    th=$(median <"$WORK/th")
    report "$mode, --jobs 1" "$t1"
    report "$mode, --jobs 2" "$t2"
    report "$mode, two halves at once" "$th"
    awk -v a="$t1" -v b="$t2" -v h="$th" -v m="$mode" -v r1="$(tr '\n' ' ' <"$WORK/t1")" \
        -v r2="$(tr '\n' ' ' <"$WORK/t2")" -v rh="$(tr '\n' ' ' <"$WORK/th")" \
        'BEGIN{printf "speed-up %-8s %.2fx; two processes on the halves %.2fx; --jobs 2 at %.0f%% of that\n   (runs, jobs 1: %s| jobs 2: %s| halves: %s)\n", m, a/b, a/h, 100*h/b, r1, r2, rh}'
done
[ "$ONLY" = all ] || exit 0

echo
echo "== peak memory (Maximum resident set size), --format jsonl, json and --out-dir, --jobs 2"
if [ -x /usr/bin/time ]; then
    for n in 500 5000; do
        dir=$WORK/batch$n
        if [ "$n" != "$N" ]; then generate "$n" "$dir"; fi
        rss() {
            /usr/bin/time -v "$@" 2>&1 >/dev/null |
                awk -F': ' '/Maximum resident set size/{printf "%.1f MB", $2/1024}'
        }
        rm -rf "$WORK/out"
        echo "$n notices: jsonl $(rss "$BIN" parse "$dir" --format jsonl --jobs 2 -q)," \
            "json array $(rss "$BIN" parse "$dir" --format json --jobs 2 -q)," \
            "out-dir $(rss "$BIN" parse "$dir" --out-dir "$WORK/out" --jobs 2 -q)"
    done
else
    echo "/usr/bin/time not found (apt-get install -y time)"
fi
rm -rf "$WORK/out"
