"""Parse a folder of notices on Apache Spark with the fengong CLI alone (no wheel).

    python python/examples/spark_pipe.py INPUT_DIR OUTPUT_DIR [--fengong PATH] [--master URL]

For clusters where the Python package cannot be installed: the driver lists
the notices, and each partition's file names go through ``RDD.pipe`` to the
``fengong`` binary on the executor, which reads them from standard input
(``fengong parse --files-from - --format jsonl``) and writes one JSON line
per notice. The lines are saved as text in ``OUTPUT_DIR/notices`` (one JSON
notice per line, ``spark.read.json`` reads them back). The binary must be on
every executor (``--fengong``, or shipped with ``spark-submit --files``) and
the files readable there under the same path (a shared or mounted file
system). A file that fails is reported on the executor's standard error; the
others are kept.

With a ``fengong`` that predates ``--files-from``, the file names go through
``xargs`` instead.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time
from typing import Optional
from urllib.parse import urlparse

# The extensions the CLI's folder walk reads (fengong.supported_extensions(),
# written out because this route runs without the package; a test keeps them equal).
EXTENSIONS = ("txt", "text", "htm", "html", "shtml", "xhtml", "docx", "xlsx", "xlsm", "xls", "ods", "pdf")


def pipe_command(fengong: str) -> str:
    """The shell command each partition's file names are piped to."""
    help_text = subprocess.run(
        [fengong, "parse", "--help"], capture_output=True, text=True
    ).stdout
    exe = shlex.quote(fengong)
    if "--files-from" in help_text:
        parse = f"{exe} parse --quiet --format jsonl --files-from -"
    else:
        parse = f"xargs -r -d '\\n' {exe} parse --quiet --format jsonl"
    # Exit code 1 means some files failed (reported on stderr): keep the rest.
    return f"sh -c {shlex.quote(parse + '; test $? -le 1')}"


def main(argv: Optional[list] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input_dir", help="folder of notices, on a file system every executor sees")
    ap.add_argument("output_dir", help="where notices/ (JSON Lines) is written")
    ap.add_argument("--fengong", default="fengong", help="the fengong binary (default: on PATH)")
    ap.add_argument("--master", help="Spark master URL (default local[2], or spark-submit's)")
    args = ap.parse_args(argv)

    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("fengong-pipe")
    if args.master:
        builder = builder.master(args.master)
    elif not os.environ.get("PYSPARK_GATEWAY_PORT"):  # not under spark-submit
        builder = builder.master("local[2]")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    started = time.monotonic()

    # binaryFile lists the files; selecting only the path never reads their content.
    listed = (
        spark.read.format("binaryFile")
        .option("recursiveFileLookup", "true")
        .option("pathGlobFilter", "*.{" + ",".join(EXTENSIONS + tuple(e.upper() for e in EXTENSIONS)) + "}")
        .load(args.input_dir)
        .select("path")
    )
    paths = listed.rdd.map(lambda row: urlparse(row.path).path)
    lines = paths.pipe(pipe_command(args.fengong)).filter(lambda line: line.strip())
    out = args.output_dir.rstrip("/") + "/notices"
    lines.saveAsTextFile(out)
    notices = spark.sparkContext.textFile(out).count()
    seconds = time.monotonic() - started
    print(f'{{"notices": {notices}, "seconds": {seconds:.2f}}}')
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
