#!/usr/bin/env python3
"""Build data/zh_homophones.txt: common Chinese characters grouped by toneless pinyin.

Inputs (neither derived from corpus/):
  * data/zh_word_freq.txt (jieba dictionary, MIT) ranks characters by frequency: a
    character's weight is the summed frequency of the dictionary words containing it;
  * pypinyin 0.55.0 `pypinyin/pinyin_dict.json` (MIT, mozillazg) gives each character's
    readings; the first (most common) reading is used, tones stripped, ü written v.

Usage: python3 data/tools/make_zh_homophones.py PINYIN_DICT_JSON > data/zh_homophones.txt
"""
import json
import sys
import unicodedata
from collections import defaultdict

TOP = 4000  # common characters considered

def toneless(p):
    p = p.replace("ü", "v")
    d = unicodedata.normalize("NFD", p)
    return "".join(c for c in d if not unicodedata.combining(c)).replace("u\u0308", "v")

def main():
    weight = defaultdict(float)
    with open("data/zh_word_freq.txt", encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) != 2:
                continue
            for ch in parts[0]:
                if "\u4e00" <= ch <= "\u9fff":
                    weight[ch] += float(parts[1])
    common = sorted(weight, key=lambda c: (-weight[c], c))[:TOP]
    readings = json.load(open(sys.argv[1], encoding="utf-8"))
    groups = defaultdict(list)
    for ch in common:
        r = readings.get(str(ord(ch)))
        if not r:
            continue
        groups[toneless(r.split(",")[0])].append(ch)
    print("# toneless pinyin <TAB> characters, most frequent first; see data/README.md")
    for py in sorted(groups):
        if len(groups[py]) >= 2:
            print(py + "\t" + "".join(groups[py]))

main()
