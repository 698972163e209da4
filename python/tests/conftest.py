"""Shared fixtures: the repository's notices and the `fengong` CLI to compare against."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_7c5878c3eb2a3600.txt"
CORPUS = sorted((REPO / "corpus").glob("*.txt"))


def _cli_binary() -> Path:
    """The CLI: $FENGONG_BIN, else target/debug/fengong (built when missing)."""
    if os.environ.get("FENGONG_BIN"):
        return Path(os.environ["FENGONG_BIN"])
    subprocess.run(
        ["cargo", "build", "--quiet", "--bin", "fengong"], cwd=REPO, check=True
    )
    return REPO / "target" / "debug" / "fengong"


@pytest.fixture(scope="session")
def cli():
    """Run `fengong ARGS…` and return its standard output as text (exit 0 required)."""
    binary = _cli_binary()

    def run(*args: object, ok_codes=(0,)) -> str:
        p = subprocess.run(
            [str(binary), *map(str, args)], capture_output=True, cwd=REPO
        )
        assert p.returncode in ok_codes, p.stderr.decode("utf-8", "replace")
        return p.stdout.decode("utf-8")

    run.binary = binary
    return run


@pytest.fixture(scope="session")
def cli_json(cli):
    """The CLI's JSON of one file, as Python data."""
    return lambda path: json.loads(cli("parse", "--quiet", path))


def csv_rows(text: str) -> list[dict]:
    """Rows of a CSV written by the CLI (BOM tolerated)."""
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
