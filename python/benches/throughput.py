"""Throughput of the Python package against the CLI, and of the Spark recipe
(the figures of benches/README.md, "Python and Spark").

    benches/batch.sh                         # builds the release CLI, generates /tmp/fengong-bench/batch2000
    pip install './python[spark]'            # the release wheel
    python python/benches/throughput.py /tmp/fengong-bench/batch2000 [--runs 3] [--no-spark]

Times, best of --runs each, on the same notices:
  * `fengong parse DIR --format jsonl --jobs J` (release CLI, output to /dev/null),
  * `fengong.parse_many(paths, jobs=J)` (dicts, as a user gets them),
  * `Parser._native.parse_many` (JSON text only: the cost of the dicts is the difference),
and then the Spark recipe (`spark_parse.py`, local[2]) once, with its notices/s.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import fengong

REPO = Path(__file__).resolve().parents[2]


def best(runs: int, f) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("batch", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cli", default=str(REPO / "target" / "release" / "fengong"))
    ap.add_argument("--no-spark", action="store_true")
    args = ap.parse_args()

    exts = set(fengong.supported_extensions())
    paths = sorted(str(p) for p in args.batch.rglob("*") if p.suffix[1:].lower() in exts)
    n = len(paths)
    mb = sum(Path(p).stat().st_size for p in paths) / 1e6
    print(f"{n} notices, {mb:.1f} MB")
    parser = fengong.Parser()
    parser.parse_path(paths[0])  # builds the jieba dictionary once, as the CLI's start-up does

    for jobs in (1, 2):
        cli = best(
            args.runs,
            lambda: subprocess.run(
                [args.cli, "parse", "--quiet", "--format", "jsonl", "--jobs", str(jobs), str(args.batch)],
                stdout=subprocess.DEVNULL,
                check=True,
            ),
        )
        dicts = best(args.runs, lambda: parser.parse_many(paths, jobs=jobs))
        text = best(args.runs, lambda: parser._native.parse_many(paths, jobs))
        print(
            f"jobs={jobs}: CLI jsonl {cli:.2f} s ({n / cli:.0f}/s) | parse_many dicts {dicts:.2f} s "
            f"({n / dicts:.0f}/s, {100 * (dicts / cli - 1):+.1f} % vs CLI) | JSON text only "
            f"{text:.2f} s ({100 * (text / cli - 1):+.1f} %)"
        )

    if not args.no_spark:
        with tempfile.TemporaryDirectory() as out:
            p = subprocess.run(
                [sys.executable, str(REPO / "python" / "examples" / "spark_parse.py"), str(args.batch), out],
                capture_output=True,
                check=True,
            )
            summary = json.loads(p.stdout.decode().strip().splitlines()[-1])
            print("spark local[2]:", json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
