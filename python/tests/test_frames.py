"""fengong.frames: the CLI's CSV outputs as DataFrames."""

from __future__ import annotations

import math

import pytest

import fengong
from conftest import CORPUS, SEED, csv_rows

pd = pytest.importorskip("pandas")

TABLES = {"items": "csv", "units": "units-csv", "targets": "targets-csv"}


@pytest.fixture(scope="module")
def notices():
    return fengong.parse_many([SEED, *CORPUS])


@pytest.fixture(scope="module")
def cli_tables(cli):
    return {
        name: csv_rows(cli("parse", "--quiet", "--format", fmt, SEED, *CORPUS))
        for name, fmt in TABLES.items()
    }


def same_cell(frame_value, csv_value: str) -> bool:
    if isinstance(frame_value, float):
        return (math.isnan(frame_value) and csv_value == "") or frame_value == float(csv_value)
    return str(frame_value) == csv_value


@pytest.mark.parametrize("table", TABLES)
def test_pandas_frames_hold_the_cli_csv(table, notices, cli_tables):
    df = getattr(fengong.frames(notices), table)
    rows = cli_tables[table]
    assert rows, "the corpus has rows in every table"
    assert list(df.columns) == list(rows[0].keys())
    assert len(df) == len(rows)
    for record, row in zip(df.to_dict("records"), rows):
        for col, value in row.items():
            assert same_cell(record[col], value), (table, col, record[col], value)


def test_column_types(notices):
    f = fengong.frames(notices)
    assert str(f.items["level"].dtype) == "int64"
    assert str(f.targets["value"].dtype) == "float64"
    assert f.targets["max"].isna().any() and not f.targets["value"].isna().any()
    assert (f.items["deadline"] == "").any()  # empty cells are "", as in the CSV


def test_frames_of_nothing_keep_the_columns():
    f = fengong.frames([])
    assert len(f.items) == 0 and "heading" in f.items.columns
    assert "comparator" in f.targets.columns


def test_polars_frames_match_pandas(notices):
    pl = pytest.importorskip("polars")
    fp = fengong.frames(notices, backend="polars")
    fd = fengong.frames(notices)
    for name in TABLES:
        p, d = getattr(fp, name), getattr(fd, name)
        assert isinstance(p, pl.DataFrame)
        assert p.columns == list(d.columns)
        assert p.height == len(d)
        assert p.to_dicts() == [
            {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
            for r in d.to_dict("records")
        ]


def test_unknown_backend():
    with pytest.raises(ValueError):
        fengong.frames([], backend="arrow")
