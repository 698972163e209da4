#!/usr/bin/env python3
"""The simple Python script a user would write instead of fengong.

Issue #11 compares fengong's batch speed with "the simple Python jieba +
regex script a user would write". This is that script, written the way
such a script usually is: read each notice, split it into numbered items
with a regular expression, take the lead and responsible units from the
`（牵头单位：…；责任单位：…）` clause, find the numbers with their units and
comparators, segment each item with jieba (the default dictionary, as the
user would) to name what a number measures, and write one JSON line per
notice. It does far less than fengong (no repair of PDF text, no header,
no aliases, no spans), so the comparison is generous to Python.

    python3 benches/python_baseline.py FOLDER > out.jsonl

Needs `pip install jieba`. Used by `benches/vs_python.sh`.
"""

import json
import os
import re
import sys

import jieba
import jieba.posseg as pseg

ITEM = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d+[.．、]|[（(]\d+[)）])",
    re.M,
)
CLAUSE = re.compile(r"[（(]([^（）()]*(?:牵头|责任|配合)[^（）()]*)[)）]")
ROLE = re.compile(r"(牵头单位|责任单位|配合单位|牵头|责任)[:：]?\s*([^；;]+)")
TARGET = re.compile(
    r"(达到|超过|不低于|不少于|不超过|低于|控制在|提高到|降至)?\s*"
    r"(\d+(?:\.\d+)?)\s*(%|‰|万户|万元|亿元|万人|个|家|户|批次/千人|件|项|人)?\s*(以上|以下|左右)?"
)


def units(clause):
    out = {"lead": [], "responsible": []}
    for role, names in ROLE.findall(clause):
        key = "lead" if role.startswith("牵头") else "responsible"
        out[key] += [n.strip() for n in re.split(r"[、，,]", names) if n.strip()]
    return out


def targets(text):
    found = []
    for m in TARGET.finditer(text):
        if not (m.group(1) or m.group(3) or m.group(4)):
            continue
        before = text[max(0, m.start() - 12) : m.start()]
        words = [w for w, flag in pseg.cut(before) if flag.startswith("n")]
        found.append(
            {
                "value": float(m.group(2)),
                "unit": m.group(3) or "",
                "comparator": m.group(1) or m.group(4) or "",
                "metric": "".join(words[-2:]),
            }
        )
    return found


def parse(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    starts = [m.start() for m in ITEM.finditer(text)] + [len(text)]
    items = []
    for a, b in zip(starts, starts[1:]):
        body = text[a:b].strip()
        clause = " ".join(CLAUSE.findall(body))
        items.append(
            {
                "text": body,
                "words": jieba.lcut(body),
                "units": units(clause),
                "targets": targets(body),
            }
        )
    return {"file": path, "items": items}


def main():
    jieba.setLogLevel(60)
    folder = sys.argv[1]
    out = sys.stdout
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            out.write(json.dumps(parse(path), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
