"""The Spark recipes (python/examples) in local[2] on the corpus: their
Parquet tables and JSON Lines hold the same rows as the CLI's outputs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter

import pytest

import fengong
from conftest import CORPUS, REPO, csv_rows

EXAMPLES = REPO / "python" / "examples"


def _require(condition: bool, why: str) -> None:
    # CI sets FENGONG_REQUIRE_SPARK=1: there a missing JRE or pyspark fails.
    if not condition:
        if os.environ.get("FENGONG_REQUIRE_SPARK"):
            pytest.fail(why)
        pytest.skip(why)


@pytest.fixture(scope="module")
def spark_ready():
    _require(shutil.which("java") is not None, "Spark needs a Java runtime (java not found)")
    try:
        import pyspark  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError as e:
        _require(False, f"the Spark tests need pyspark and pyarrow: {e}")


def run_example(script: str, *args: object) -> dict:
    p = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *map(str, args)],
        capture_output=True,
        cwd=REPO,
        timeout=1200,
    )
    assert p.returncode == 0, p.stderr.decode("utf-8", "replace")[-4000:]
    return json.loads(p.stdout.decode().strip().splitlines()[-1])


def test_spark_parse_tables_hold_the_cli_csv_rows(spark_ready, cli, tmp_path):
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    # The corpus plus a damaged file: listed in errors/, the job goes on.
    src = tmp_path / "in"
    shutil.copytree(REPO / "corpus", src)
    (src / "sub").mkdir()
    (src / "sub" / "broken.docx").write_bytes(b"PK\x03\x04 damaged")
    out = tmp_path / "out"
    summary = run_example("spark_parse.py", src, out, "--master", "local[2]")
    assert summary["notices"] == len(CORPUS) and summary["failed"] == 1
    errors = pq.read_table(out / "errors").to_pylist()
    assert len(errors) == 1 and errors[0]["error"].startswith("broken.docx: damaged docx")

    keys = {
        "items": ("source", "path", "level", "heading"),
        "units": ("source", "path", "role", "name", "canonical", "kind"),
        "targets": ("source", "path", "raw", "unit", "comparator"),
    }
    for table, fmt in (("items", "csv"), ("units", "units-csv"), ("targets", "targets-csv")):
        expected = csv_rows(cli("parse", "--quiet", "--format", fmt, REPO / "corpus"))
        got = ds.dataset(out / table, format="parquet", partitioning="hive").to_table()
        assert got.num_rows == len(expected) == summary[table], table
        # The same rows, not only as many: the columns of the CSV, row for row.
        assert set(expected[0]) <= set(got.column_names)
        rows = got.to_pylist()
        assert Counter(tuple(str(r[k]) for k in keys[table]) for r in rows) == Counter(
            tuple(r[k] for k in keys[table]) for r in expected
        ), table
    # Partitioned by the issuing year of the notice.
    years = {
        n["source"]: n["meta"].get("doc_number", {}).get("year")
        for n in fengong.parse_many(CORPUS)
    }
    items = ds.dataset(out / "items", format="parquet", partitioning="hive").to_table().to_pylist()
    for r in items:
        if years[r["source"]] is not None:
            assert r["year"] == years[r["source"]], r["source"]
    assert any((out / "items").glob("year=20*"))


def test_spark_pipe_route_gives_the_cli_jsonl(spark_ready, cli, tmp_path):
    summary = run_example(
        "spark_pipe.py", REPO / "corpus", tmp_path / "out", "--fengong", cli.binary
    )
    assert summary["notices"] == len(CORPUS)
    lines = []
    for part in sorted((tmp_path / "out" / "notices").glob("part-*")):
        lines += [json.loads(x) for x in part.read_text(encoding="utf-8").splitlines() if x]
    expected = [json.loads(x) for x in cli("parse", "--quiet", "--format", "jsonl", REPO / "corpus").splitlines()]
    key = lambda n: n["source"]  # noqa: E731
    assert sorted(lines, key=key) == sorted(expected, key=key)


def test_pipe_route_reads_the_extensions_of_the_package():
    sys.path.insert(0, str(EXAMPLES))
    try:
        import spark_pipe
    finally:
        sys.path.remove(str(EXAMPLES))
    assert list(spark_pipe.EXTENSIONS) == fengong.supported_extensions()
