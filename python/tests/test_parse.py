"""The dicts of the package are exactly the CLI's JSON; errors are exceptions."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

import fengong
from conftest import CORPUS, REPO, SEED

FORMATS = sorted((REPO / "fixtures" / "formats").glob("seed.*"))


def test_seed_has_41_items():
    assert len(fengong.parse_path(str(SEED))["items"]) == 41


def test_corpus_is_present():
    assert len(CORPUS) >= 20


@pytest.mark.parametrize("path", [SEED, *CORPUS], ids=lambda p: p.name)
def test_parse_path_equals_cli_json(path, cli_json):
    assert fengong.parse_path(path) == cli_json(path)


@pytest.mark.parametrize("path", FORMATS, ids=lambda p: p.name)
def test_every_input_format_equals_cli_json(path, cli_json):
    assert fengong.parse_path(path) == cli_json(path)


def test_json_dumps_round_trip_is_the_cli_text(cli):
    n = fengong.parse_path(SEED)
    text = json.dumps(n, ensure_ascii=False, indent=2) + "\n"
    assert text == cli("parse", "--quiet", SEED)


def test_parse_bytes_and_text_agree_with_parse_path():
    data = SEED.read_bytes()
    by_path = fengong.parse_path(SEED)
    assert fengong.parse_bytes(data, SEED.name) == by_path
    from_text = fengong.parse_text(data.decode("utf-8"))
    assert from_text["items"] == by_path["items"]
    assert from_text["format"] == "text" and "source" not in from_text


@pytest.mark.parametrize("jobs", [None, 1, 2])
def test_parse_many_keeps_input_order(jobs):
    paths = [SEED, *CORPUS]
    many = fengong.parse_many(paths, jobs=jobs)
    assert [n["source"] for n in many] == [p.name for p in paths]
    assert many == [fengong.parse_path(p) for p in paths]


def test_parse_many_from_python_threads():
    # The GIL is released while Rust parses: threads run side by side and agree.
    out = {}

    def work(k):
        out[k] = fengong.parse_many(CORPUS[k::2])

    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(n["source"] for k in out for n in out[k]) == sorted(p.name for p in CORPUS)


def test_user_alias_table(tmp_path):
    table = tmp_path / "aliases.csv"
    table.write_text("alias,canonical\n省局注册处,湖北省市场监督管理局登记注册处\n", encoding="utf-8")
    n = fengong.parse_path(SEED, aliases=table)
    canon = {u["canonical"] for it in n["items"] for u in it["lead_units"]}
    assert "湖北省市场监督管理局登记注册处" in canon
    bad = tmp_path / "bad.csv"
    bad.write_text("only-one-column\n\"unterminated", encoding="utf-8")
    with pytest.raises(fengong.ParseError):
        fengong.Parser(aliases=[bad, table]).parse_path(SEED)


# --- errors ---------------------------------------------------------------


def test_damaged_docx_raises_parse_error_naming_the_file():
    with pytest.raises(fengong.ParseError) as e:
        fengong.parse_bytes(b"PK\x03\x04 not really a zip", "broken.docx")
    assert e.value.path == "broken.docx"
    assert str(e.value).startswith("broken.docx: ") and "docx" in e.value.reason


def test_legacy_doc_raises_unsupported_format():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024
    with pytest.raises(fengong.UnsupportedFormat) as e:
        fengong.parse_bytes(ole, "old.doc")
    assert "docx" in e.value.reason  # says what to do


def test_size_limit_raises_limit_exceeded():
    with pytest.raises(fengong.LimitExceeded):
        fengong.Parser(max_bytes=100).parse_path(SEED)
    with pytest.raises(fengong.LimitExceeded):
        fengong.Parser(max_bytes=100).parse_bytes(SEED.read_bytes(), SEED.name)


def test_missing_file_raises_parse_error(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(fengong.ParseError) as e:
        fengong.parse_path(missing)
    assert e.value.path == str(missing)


def test_empty_file_raises_parse_error(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n")
    with pytest.raises(fengong.ParseError, match="empty"):
        fengong.parse_path(empty)


def test_parse_many_reports_bad_files_in_place(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 damaged")
    with pytest.raises(fengong.ParseError) as e:
        fengong.parse_many([SEED, bad])
    assert e.value.path == str(bad)
    out = fengong.parse_many([SEED, bad, CORPUS[0]], errors="return")
    assert out[0]["source"] == SEED.name and out[2]["source"] == CORPUS[0].name
    assert isinstance(out[1], fengong.ParseError)
    with pytest.raises(ValueError):
        fengong.parse_many([SEED], errors="ignore")


def test_exceptions_pickle():
    import pickle

    e = pickle.loads(pickle.dumps(fengong.LimitExceeded("a.txt", "too big")))
    assert type(e) is fengong.LimitExceeded and str(e) == "a.txt: too big"


def test_malformed_inputs_leave_the_interpreter_alive(tmp_path):
    # Every hostile input in a fresh interpreter: exceptions, no crash.
    script = """
import sys, fengong
inputs = [(b"PK\\x03\\x04" + bytes(range(256)) * 40, "z.xlsx"), (b"%PDF-1.7\\n" + b"\\xff" * 5000, "x.pdf"),
          (b"\\x00\\x01\\x02" * 9000, "bin.txt"), (b"<html><body>" + b"<div>" * 20000, "deep.html"),
          (("（" * 50000 + "一、").encode(), "brackets.txt"), (b"\\xd0\\xcf\\x11\\xe0" * 100, "x.xls")]
for data, name in inputs:
    try:
        fengong.parse_bytes(data, name)
    except fengong.Error as e:
        assert e.path == name, e
print("alive")
"""
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=600)
    assert p.returncode == 0, p.stderr.decode("utf-8", "replace")
    assert p.stdout.strip() == b"alive"


# --- diff and tasks ---------------------------------------------------------


def test_diff_equals_cli(cli):
    rev = REPO / "fixtures" / "diff" / "seed_rev.txt"
    expected = json.loads(cli("diff", SEED, rev, "--format", "json", ok_codes=(0, 1)))
    assert fengong.diff(SEED, rev) == expected
    assert fengong.diff(fengong.parse_path(SEED), fengong.parse_path(rev)) == expected


def test_tasks_equals_cli(cli):
    notices = [fengong.parse_path(SEED)]
    expected = json.loads(cli("tasks", SEED, "--unit", "注册处", "--format", "json"))
    assert fengong.tasks(notices, "注册处") == expected
    every = json.loads(cli("tasks", SEED, "--all-units", "--format", "json"))
    assert fengong.tasks(notices) == every


def test_tasks_unknown_unit_raises_unit_not_found():
    with pytest.raises(fengong.UnitNotFound) as e:
        fengong.tasks([fengong.parse_path(SEED)], "火星探测办公室")
    assert isinstance(e.value, LookupError)


def test_not_a_notice_raises_parse_error():
    with pytest.raises(fengong.ParseError):
        fengong.tasks([{"items": "not a list"}], "注册处")


# --- stubs -------------------------------------------------------------------


def test_stubs_cover_the_native_module():
    stub = (REPO / "python" / "fengong" / "_fengong.pyi").read_text(encoding="utf-8")
    public = [n for n in dir(fengong._fengong) if not n.startswith("_")]
    assert public
    for name in public:
        assert f"def {name}(" in stub or f"class {name}" in stub, name
