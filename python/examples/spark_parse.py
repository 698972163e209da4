"""Parse a folder of notices on Apache Spark with the fengong package.

    python python/examples/spark_parse.py INPUT_DIR OUTPUT_DIR [--master URL]
    spark-submit --master yarn python/examples/spark_parse.py hdfs:///notices hdfs:///fengong

Reads every notice under INPUT_DIR (recursively, the extensions fengong reads)
with Spark's ``binaryFile`` source, parses them inside ``mapInPandas`` with one
``fengong.Parser`` per Python worker process (built on its first batch and
reused by every later task of that worker, never one per row), and writes
three Parquet tables — ``OUTPUT_DIR/items``, ``OUTPUT_DIR/units``,
``OUTPUT_DIR/targets`` — with the columns of the CLI's CSV outputs, plus
``year`` (the issuing year: the year of the document number 〔2022〕, else of
the date), by which they are partitioned. Files that fail are listed in
``OUTPUT_DIR/errors`` (Parquet: ``path``, ``error``) and the job goes on.

The master is ``local[2]`` unless ``--master`` is given or the script runs
under ``spark-submit``, whose ``--master`` then applies: the same script runs
unchanged on a cluster, where every executor needs the ``fengong`` wheel
installed (or shipped with ``--archives`` of a virtualenv).
"""

from __future__ import annotations

import argparse
import json
import os
import posixpath
import sys
import time
from typing import Iterator, Optional
from urllib.parse import urlparse

import fengong

OPEN_COST = "spark.sql.files.openCostInBytes"

# The parser of this Python worker process (one per worker, reused across tasks).
_PARSER: Optional[fengong.Parser] = None


def executor_parser() -> fengong.Parser:
    global _PARSER
    if _PARSER is None:
        _PARSER = fengong.Parser()
    return _PARSER


def issue_year(notice: dict) -> Optional[int]:
    """The year the notice was issued: its document number's, else its date's."""
    meta = notice.get("meta", {})
    number = meta.get("doc_number")
    if number and number.get("year"):
        return int(number["year"])
    date = meta.get("date") or ""
    return int(date[:4]) if date[:4].isdigit() else None


def file_name(url: str) -> str:
    return posixpath.basename(urlparse(url).path)


def parse_batches(batches: Iterator) -> Iterator:
    """binaryFile rows (path, content) → one row per file: the notice's JSON or the error."""
    import pandas as pd

    parser = executor_parser()
    for batch in batches:
        files = [(file_name(p), c) for p, c in zip(batch["path"], batch["content"])]
        # Spark runs one task per core: one Rust thread per task.
        results = parser.parse_many_bytes(files, jobs=1, errors="return")
        years, notices, errors = [], [], []
        for r in results:
            if isinstance(r, fengong.Error):
                years.append(None)
                notices.append(None)
                errors.append(str(r))
            else:
                years.append(issue_year(r))
                notices.append(json.dumps(r, ensure_ascii=False))
                errors.append(None)
        yield pd.DataFrame(
            {
                "path": batch["path"],
                "year": pd.array(years, dtype="Int32"),
                "notice": notices,
                "error": errors,
            }
        )


def table_schema(table: str) -> str:
    """Spark DDL of one table: the CSV columns (text, or the numbers frames() types) and year."""
    df = getattr(fengong.frames([]), table)
    types = {"int64": "bigint", "float64": "double"}
    cols = [f"`{c}` {types.get(str(t), 'string')}" for c, t in df.dtypes.items()]
    return ", ".join(cols + ["`year` int"])


def table_rows(table: str):
    """Notices (year, JSON) → the rows of one table, tagged with the year."""

    def rows(batches: Iterator) -> Iterator:
        import pandas as pd

        for batch in batches:
            for year, group in batch.groupby(batch["year"].fillna(-1), sort=False):
                df = getattr(fengong.frames(list(group["notice"])), table)
                df["year"] = pd.array([None if year == -1 else int(year)] * len(df), dtype="Int32")
                yield df

    return rows


def master_to_use(requested: Optional[str]) -> Optional[str]:
    """``--master``, else none under spark-submit (its own --master applies), else local[2]."""
    if requested:
        return requested
    if os.environ.get("PYSPARK_GATEWAY_PORT"):  # started by spark-submit
        return None
    return "local[2]"


def main(argv: Optional[list] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input_dir", help="folder of notices (any URL Spark reads: file:, hdfs:, s3a: …)")
    ap.add_argument("output_dir", help="where items/, units/, targets/ and errors/ are written")
    ap.add_argument("--master", help="Spark master URL (default local[2], or spark-submit's)")
    args = ap.parse_args(argv)

    from pyspark.sql import SparkSession
    from pyspark import StorageLevel
    import pyspark.sql.functions as F

    builder = SparkSession.builder.appName("fengong-parse")
    master = master_to_use(args.master)
    if master:
        builder = builder.master(master)
    if master and master.startswith("local"):
        # Local workers run this interpreter (its virtualenv has fengong), not
        # the first python3 on PATH; on a cluster spark.pyspark.python applies.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    if not spark.sparkContext.getConf().contains(OPEN_COST):
        # Spark splits input as if opening a file cost reading 4 MB: right for
        # big data files, but notices are tens of kilobytes, and that estimate
        # would spread a few MB of them over one task per ~30 files (most of
        # the time then goes to scheduling tasks and writing tiny Parquet files).
        spark.conf.set(OPEN_COST, str(64 * 1024))
    started = time.monotonic()

    exts = fengong.supported_extensions()
    glob = "*.{" + ",".join(exts + [e.upper() for e in exts]) + "}"
    files = (
        spark.read.format("binaryFile")
        .option("recursiveFileLookup", "true")
        .option("pathGlobFilter", glob)
        .load(args.input_dir)
        .select("path", "content")
    )
    parsed = files.mapInPandas(
        parse_batches, "path string, year int, notice string, error string"
    ).persist(StorageLevel.MEMORY_AND_DISK)

    ok = parsed.where(F.col("error").isNull()).select("year", "notice")
    out = args.output_dir.rstrip("/")
    counts = {}
    for table in ("items", "units", "targets"):
        rows = ok.mapInPandas(table_rows(table), table_schema(table))
        rows.write.mode("overwrite").partitionBy("year").parquet(f"{out}/{table}")
        counts[table] = spark.read.parquet(f"{out}/{table}").count()
    errors = parsed.where(F.col("error").isNotNull()).select("path", "error")
    errors.write.mode("overwrite").parquet(f"{out}/errors")

    notices = ok.count()
    failed = errors.count()
    seconds = time.monotonic() - started
    print(
        json.dumps(
            {
                "notices": notices,
                "failed": failed,
                **counts,
                "seconds": round(seconds, 2),
                "notices_per_second": round(notices / seconds, 1) if seconds else None,
            }
        )
    )
    parsed.unpersist()
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
