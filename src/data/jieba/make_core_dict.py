#!/usr/bin/env python3
"""Build `core_dict.txt`, the trimmed jieba dictionary fengong loads at start-up.

Source: `dict.txt` of jieba-rs 0.11.0 (MIT; the same word list as Python jieba's
default dictionary). Kept: every word with frequency >= MIN_FREQ, and every place
name (`ns`), organisation name (`nt`) and abbreviation (`j`, e.g. 环评) whatever
its frequency, since place and
organisation names decide unit prefixes. Frequencies and tags are kept as they
are. The dropped words' frequencies are given to one padding entry (U+E000, a
private-use character no notice contains), so the total frequency, and with it
every kept word's probability and every segmentation cost, is that of the full
dictionary.

Usage: python3 make_core_dict.py PATH/TO/jieba-rs-0.11.0/src/data/dict.txt > core_dict.txt
"""
import sys

MIN_FREQ = int(sys.argv[2]) if len(sys.argv) > 2 else 100
KEEP_TAGS = {"ns", "nt", "j"}

dropped = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        parts = line.split()
        if len(parts) < 2:
            continue
        freq = int(parts[1])
        tag = parts[2] if len(parts) > 2 else ""
        if freq >= MIN_FREQ or tag in KEEP_TAGS:
            sys.stdout.write(line if line.endswith("\n") else line + "\n")
        else:
            dropped += freq
sys.stdout.write("\ue000 %d x\n" % dropped)
