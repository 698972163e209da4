#!/usr/bin/env bash
# Fuzz every reader and `diff` for a bounded time each.
#
#   benches/fuzz.sh [SECONDS_PER_TARGET]        (default 60)
#   FUZZ_TARGETS="text pdf" benches/fuzz.sh 30  (a subset)
#   FUZZ_SEED=1 benches/fuzz.sh 10              (libFuzzer's random seed; 0 = pick one)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain
# (`cargo +nightly`); without nightly, RUSTC_BOOTSTRAP=1 lets the stable
# compiler take cargo-fuzz's flags. The corpus of each target starts from
# fixtures/fuzz/TARGET/ (committed seeds and past crashes) and the format
# fixtures; libFuzzer grows it in fuzz/corpus/TARGET/ (not committed).
# A crash lands in fuzz/artifacts/TARGET/: copy it into fixtures/fuzz/TARGET/
# so that tests/fuzz_regressions.rs keeps it fixed. Prints one line per
# target (executions, new crashes) and exits 1 when a target crashed.
#
# Built without a sanitizer (safe Rust; ~2× faster), optimised, with debug
# assertions and overflow checks. The build goes to FENGONG_FUZZ_TARGET_DIR
# (default fuzz/target) so repeated runs reuse it. libFuzzer limits: 2 GB
# RSS, 1 GB for a single allocation, 20 s per input — an input that needs
# more is a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
targets=${FUZZ_TARGETS:-"text docx sheet html pdf workbook diff parse_bytes"}
export CARGO_TARGET_DIR=${FENGONG_FUZZ_TARGET_DIR:-$PWD/fuzz/target}

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is not installed: cargo install cargo-fuzz" >&2
  exit 2
fi
if cargo +nightly --version >/dev/null 2>&1; then
  fuzz=(cargo +nightly fuzz)
else
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo fuzz)
fi

# Seeds: committed ones, plus the format fixtures under their reader. The
# spreadsheet and parse_bytes targets read a first byte that picks the format
# (sheet: 0 XLSX, 1 XLS, 2 ODS; parse_bytes: an index into its file names).
seed() { # target file [prefix-byte-in-octal]
  local dir=fuzz/corpus/$1 name
  name=$(basename "$2")
  if [ -n "${3:-}" ]; then
    { printf "\\$3"; cat "$2"; } >"$dir/fixture-$3-$name"
  else
    cp "$2" "$dir/fixture-$name"
  fi
}
for t in $targets; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  if [ -d "fixtures/fuzz/$t" ]; then
    cp fixtures/fuzz/"$t"/* "fuzz/corpus/$t/" 2>/dev/null || true
  fi
  case $t in
    docx) seed docx fixtures/formats/seed.docx ;;
    html) seed html fixtures/formats/seed.html ;;
    pdf) seed pdf fixtures/formats/seed.pdf ;;
    sheet)
      seed sheet fixtures/formats/seed.xlsx 000
      seed sheet fixtures/formats/seed.xls 001
      seed sheet fixtures/formats/seed.ods 002 ;;
    text) head -c 8192 seeds/000_7c5878c3eb2a3600.txt >fuzz/corpus/text/seed-head.txt ;;
    parse_bytes)
      # NAMES in fuzz_targets/parse_bytes.rs: txt docx xlsx pdf html json xls ods
      { printf '\000'; head -c 8192 seeds/000_7c5878c3eb2a3600.txt; } >fuzz/corpus/parse_bytes/seed-txt
      seed parse_bytes fixtures/formats/seed.docx 001
      seed parse_bytes fixtures/formats/seed.xlsx 002
      seed parse_bytes fixtures/formats/seed.html 004 ;;
  esac
done

echo "building the fuzz targets (first build: several minutes)…" >&2
start=$(date +%s)
(cd fuzz && "${fuzz[@]}" build -s none)
echo "built in $(($(date +%s) - start)) s" >&2

status=0
for t in $targets; do
  before=$(find "fuzz/artifacts/$t" -type f | sort)
  log=fuzz/artifacts/$t.log
  (cd fuzz && "${fuzz[@]}" run -s none "$t" -- \
    -max_total_time="$secs" -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    -timeout=20 -max_len=262144 -print_final_stats=1 -seed="${FUZZ_SEED:-0}") >"$log" 2>&1 || true
  new=$(comm -13 <(echo "$before") <(find "fuzz/artifacts/$t" -type f | sort) | sed '/^$/d')
  crashes=$(printf '%s' "$new" | grep -c . || true)
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  printf '%-12s %9s executions in %s s, %d new crashes\n' "$t" "${execs:-?}" "$secs" "$crashes"
  if [ "$crashes" -gt 0 ] || [ -z "$execs" ]; then
    status=1
    printf '%s\n' "$new" | sed '/^$/d; s/^/  crash: /'
    grep -m3 -E 'panicked|ERROR|SUMMARY' "$log" | sed 's/^/  /' || true
  fi
done
exit $status
