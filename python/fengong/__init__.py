"""fengong (分工): turn Chinese government task-division notices (分工方案) into
structured data — numbered items, their lead and responsible units, numeric
targets — with the Rust core of the ``fengong`` command-line tool.

Every notice is a dict that is exactly the JSON of ``fengong parse --format
json``: the same field names, and a round trip through ``json.dumps`` gives
the CLI's output back.

>>> import fengong
>>> n = fengong.parse_text("一、主要指标\\n1.全省市场主体数量达到 850 万户。（牵头单位：省局注册处）\\n")
>>> n["items"][1]["path"], n["items"][1]["targets"][0]["value"]
(['一', '1'], 850)
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Sequence, Union

from . import _fengong
from ._errors import Error, LimitExceeded, ParseError, UnitNotFound, UnsupportedFormat

__version__: str = _fengong.__version__

__all__ = [
    "Error",
    "Frames",
    "LimitExceeded",
    "ParseError",
    "Parser",
    "UnitNotFound",
    "UnsupportedFormat",
    "diff",
    "frames",
    "parse_bytes",
    "parse_many",
    "parse_path",
    "parse_text",
    "supported_extensions",
    "tasks",
]

#: A path given as ``str`` or ``os.PathLike``.
PathLike = Union[str, "os.PathLike[str]"]
#: A notice: the dict of ``fengong parse --format json``.
Notice = Dict[str, Any]
#: Extra alias tables: one path or several (CSV/TSV or XLSX/ODS: alias, canonical, optional kind).
Aliases = Union[None, PathLike, Sequence[PathLike]]


def _alias_paths(aliases: Aliases) -> Optional[List[str]]:
    if aliases is None:
        return None
    if isinstance(aliases, (str, os.PathLike)):
        return [os.fspath(aliases)]
    return [os.fspath(a) for a in aliases]


class Parser:
    """A parser with its alias tables (built-in plus ``aliases``) and size
    limit (``max_bytes``, default 64 MiB) loaded once. The module-level
    functions use a default one; make your own to add alias tables, or to
    keep one per worker process (as the Spark recipe does)."""

    def __init__(self, aliases: Aliases = None, max_bytes: Optional[int] = None) -> None:
        self._native = _fengong.Parser(_alias_paths(aliases), max_bytes)

    def parse_text(self, text: str) -> Notice:
        """Parse a notice given as text."""
        return json.loads(self._native.parse_text(text))

    def parse_bytes(self, data: bytes, filename: str) -> Notice:
        """Parse the bytes of a file named ``filename`` (any supported format:
        TXT, DOCX, XLSX/XLS/ODS, HTML, PDF, or fengong's own JSON)."""
        return json.loads(self._native.parse_bytes(bytes(data), filename))

    def parse_path(self, path: PathLike) -> Notice:
        """Read and parse a file."""
        return json.loads(self._native.parse_path(os.fspath(path)))

    def parse_many(
        self,
        paths: Iterable[PathLike],
        jobs: Optional[int] = None,
        errors: str = "raise",
    ) -> List[Any]:
        """Parse many files in parallel on Rust threads (``jobs`` of them,
        default one per core), with the GIL released; the notices come back
        in input order. A file that fails raises its exception once every
        file is parsed (``errors="raise"``), or stands in the list as its
        exception instance (``errors="return"``)."""
        return _collect(
            self._native.parse_many([os.fspath(p) for p in paths], jobs), errors
        )

    def parse_many_bytes(
        self,
        files: Iterable[tuple],
        jobs: Optional[int] = None,
        errors: str = "raise",
    ) -> List[Any]:
        """:meth:`parse_many` over ``(filename, bytes)`` pairs."""
        files = [(str(name), bytes(data)) for name, data in files]
        return _collect(self._native.parse_many_bytes(files, jobs), errors)

    def tasks(self, notices: Iterable[Notice], unit: Optional[str] = None) -> Any:
        """The items one unit leads or shares across ``notices``, found by any
        of its names (as ``fengong tasks --unit UNIT --format json``); with
        ``unit=None``, the ledger of every unit (``--all-units``). Raises
        :class:`UnitNotFound` when no unit matches."""
        return json.loads(self._native.tasks(_notices_json(notices), unit))


def _collect(results: List[Any], errors: str) -> List[Any]:
    if errors not in ("raise", "return"):
        raise ValueError(f"errors must be 'raise' or 'return', not {errors!r}")
    out: List[Any] = []
    first: Optional[BaseException] = None
    for r in results:
        if isinstance(r, str):
            out.append(json.loads(r))
        else:
            first = first or r
            out.append(r)
    if first is not None and errors == "raise":
        raise first
    return out


def _notices_json(notices: Iterable[Union[Notice, str]]) -> str:
    if isinstance(notices, dict):
        notices = [notices]
    parts = [n if isinstance(n, str) else json.dumps(n, ensure_ascii=False) for n in notices]
    return "[" + ",".join(parts) + "]"


_default: Optional[Parser] = None


def _parser(aliases: Aliases = None) -> Parser:
    global _default
    if aliases is not None:
        return Parser(aliases)
    if _default is None:
        _default = Parser()
    return _default


def parse_text(text: str, aliases: Aliases = None) -> Notice:
    """Parse a notice given as text."""
    return _parser(aliases).parse_text(text)


def parse_bytes(data: bytes, filename: str, aliases: Aliases = None) -> Notice:
    """Parse the bytes of a file named ``filename`` (any supported format:
    TXT, DOCX, XLSX/XLS/ODS, HTML, PDF, or fengong's own JSON)."""
    return _parser(aliases).parse_bytes(data, filename)


def parse_path(path: PathLike, aliases: Aliases = None) -> Notice:
    """Read and parse a file."""
    return _parser(aliases).parse_path(path)


def parse_many(
    paths: Iterable[PathLike],
    jobs: Optional[int] = None,
    aliases: Aliases = None,
    errors: str = "raise",
) -> List[Any]:
    """Parse many files in parallel on Rust threads (``jobs`` of them,
    default one per core), with the GIL released; the notices come back in
    input order. A file that fails raises its exception once every file is
    parsed (``errors="raise"``), or stands in the list as its exception
    instance (``errors="return"``)."""
    return _parser(aliases).parse_many(paths, jobs, errors)


def diff(old: Union[Notice, PathLike], new: Union[Notice, PathLike]) -> Dict[str, Any]:
    """Compare two revisions of a notice (dicts, or paths to parse) as
    ``fengong diff OLD NEW --format json`` does: items aligned by content,
    then every change and a per-unit impact summary."""
    old_n = old if isinstance(old, dict) else parse_path(old)
    new_n = new if isinstance(new, dict) else parse_path(new)
    return json.loads(
        _fengong.diff_json(
            json.dumps(old_n, ensure_ascii=False), json.dumps(new_n, ensure_ascii=False)
        )
    )


def tasks(
    notices: Iterable[Notice], unit: Optional[str] = None, aliases: Aliases = None
) -> Any:
    """The items one unit leads or shares across ``notices``, found by any of
    its names (as ``fengong tasks --unit UNIT --format json``); with
    ``unit=None``, the ledger of every unit (``--all-units``). Raises
    :class:`UnitNotFound` when no unit matches."""
    return _parser(aliases).tasks(notices, unit)


class Frames(NamedTuple):
    """The three tables of :func:`frames`."""

    #: One row per item (the columns of ``--format csv``).
    items: Any
    #: One row per item × role × unit (``--format units-csv``).
    units: Any
    #: One row per target (``--format targets-csv``).
    targets: Any


# Columns that hold numbers; every other column is text, as in the CSV.
_INTEGER_COLUMNS = ("level",)
_FLOAT_COLUMNS = ("value", "max")


def frames(notices: Iterable[Union[Notice, str]], backend: str = "pandas") -> Frames:
    """Three DataFrames — items, units, targets — with the same columns as
    the CLI's CSV outputs (``--format csv``, ``units-csv``, ``targets-csv``):
    pandas by default, Polars with ``backend="polars"``. Text columns are
    strings (empty where the CSV cell is empty), ``level`` is an integer,
    ``value`` and ``max`` are floats (missing ``max`` is null). ``notices``
    are dicts from the ``parse_*`` functions (or their JSON text)."""
    texts = _fengong.frames_csv(_notices_json(notices))
    if backend == "pandas":
        return Frames(*(_pandas_frame(t) for t in texts))
    if backend == "polars":
        return Frames(*(_polars_frame(t) for t in texts))
    raise ValueError(f"backend must be 'pandas' or 'polars', not {backend!r}")


def _pandas_frame(csv_text: str) -> Any:
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("fengong.frames needs pandas: pip install 'fengong[pandas]'") from e
    import io

    df = pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)
    for c in _INTEGER_COLUMNS:
        if c in df.columns:
            df[c] = df[c].astype("int64")
    for c in _FLOAT_COLUMNS:
        if c in df.columns:
            df[c] = pd.to_numeric(df[c].replace("", None), errors="raise").astype("float64")
    return df


def _polars_frame(csv_text: str) -> Any:
    try:
        import polars as pl
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("backend='polars' needs polars: pip install 'fengong[polars]'") from e

    # Every column as text, empty cells as "" (as in the CSV), then the numbers.
    df = pl.read_csv(csv_text.encode("utf-8"), infer_schema=False)
    df = df.with_columns(pl.all().fill_null(""))
    casts = [pl.col(c).cast(pl.Int64) for c in _INTEGER_COLUMNS if c in df.columns]
    casts += [
        pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).cast(pl.Float64).alias(c)
        for c in _FLOAT_COLUMNS
        if c in df.columns
    ]
    return df.with_columns(casts) if casts else df


def supported_extensions() -> List[str]:
    """File extensions the parser reads (those a folder walk of the CLI picks up)."""
    return list(_fengong.supported_extensions())
