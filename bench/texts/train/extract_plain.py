#!/usr/bin/env python3
"""Turn the two plain-text books of the wordcloud package's examples into running prose,
one paragraph per line (the same paragraph test as extract.py).

Usage: extract_plain.py alice|calltoarms SOURCE.txt OUT.txt [--max N]

alice:      examples/alice.txt (Project Gutenberg eBook #11): the Gutenberg header and
            footer are cut; paragraphs are the blank-line separated blocks.
calltoarms: examples/wc_cn/CalltoArms.txt (Lu Xun, 呐喊, scraped from an e-book site):
            the site's section markers and <br/> tags and the publisher's editorial notes
            (注释, with their ⑴ markers) are removed; a paragraph is a line.
Paragraphs with private-use characters are dropped. The wording is not changed.
"""
import argparse
import re

from extract import keep, write_paragraphs

NOTE_MARKS = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇①②③④⑤⑥⑦⑧⑨⑩"


def alice(raw):
    text = raw.replace("\r\n", "\n").lstrip("\ufeff")
    text = text.split("*** START OF THIS PROJECT GUTENBERG EBOOK")[1].split("\n", 1)[1]
    text = text.split("End of Project Gutenberg")[0]
    for block in re.split(r"\n\s*\n", text):
        yield re.sub(r"\s+", " ", block).strip()


def calltoarms(raw):
    text = raw.replace("\r\n", "\n").replace("\ufeff", "")
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"[ \t\u3000]*\n+[ \t]*_分节阅读_\d+[ \t]*\n+[ \t]*", "", text)
    text = re.sub(r"_分节阅读_\d+", "", text)
    text = re.sub(r"<\s*br\s*/?>", "\n", text)
    in_notes = False
    for line in (l.strip().strip("\u3000").strip() for l in text.split("\n")):
        if re.fullmatch(r"-{5,}", line):  # the rule that ends a story's notes
            in_notes = False
            continue
        if re.match(r"□? ?注释|⑴本篇", line):
            in_notes = True
        if in_notes:
            continue
        yield re.sub(r"\s+", " ", re.sub(f"[{NOTE_MARKS}]", "", line)).strip()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("book", choices=["alice", "calltoarms"])
    ap.add_argument("source")
    ap.add_argument("out")
    ap.add_argument("--max", type=int, help="stop before the text passes N characters")
    a = ap.parse_args()
    lang = "en" if a.book == "alice" else "zh"
    with open(a.source, encoding="utf-8") as f:
        raw = f.read()
    paras = (alice if a.book == "alice" else calltoarms)(raw)
    prose = (p for p in paras if p and not re.search("[\ue000-\uf8ff]", p) and keep(p, lang))
    write_paragraphs(prose, a.out, a.max)
