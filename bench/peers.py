#!/usr/bin/env python3
"""Run one alternative tool on witness files, the way a user would, and print its timings.

usage: peers.py TOOL OUT WITNESS WITNESS [WITNESS...]

TOOL is one of difflib, dmp, edlib, collatex, abpoa. The tool's result goes to OUT (so the
work cannot be optimised away); one JSON line goes to standard output:
{"tool": ..., "work_seconds": ..., "note": ...}. work_seconds excludes interpreter start-up,
imports and reading the files.

* difflib, dmp (diff-match-patch), edlib: pairwise alignment of every other witness against
  the first (what a user merging witnesses with a diff library does). diff-match-patch runs
  with Diff_Timeout = 0 (no time limit: with its default 1 s it returns a coarse partial diff).
  edlib runs global alignment with the path (task="path"); edlib accepts at most 256 distinct
  symbols, so Chinese texts are aligned as UTF-8 bytes.
* collatex: CollateX (Python package) collation of all witnesses into an alignment table;
  English is tokenised into words by CollateX itself, Chinese into characters (CollateX's
  tokenizer splits on whitespace, which Chinese does not have).
* abpoa: partial-order alignment consensus of all witnesses with pyabpoa. abPOA only knows
  biological alphabets, so every character is mapped to one of its 20 amino-acid letters by
  a fixed hash: the work is that of aligning sequences of the same length, not a usable
  consensus of the text.
"""
import json
import sys
import time


def main():
    tool, out_path, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    texts = [open(p, encoding="utf-8").read() for p in paths]
    note = ""
    if tool == "difflib":
        import difflib

        start = time.perf_counter()
        result = [
            difflib.SequenceMatcher(None, texts[0], t).get_opcodes() for t in texts[1:]
        ]
    elif tool == "dmp":
        from diff_match_patch import diff_match_patch

        dmp = diff_match_patch()
        dmp.Diff_Timeout = 0
        start = time.perf_counter()
        result = [dmp.diff_main(texts[0], t) for t in texts[1:]]
    elif tool == "edlib":
        import edlib

        distinct = len(set("".join(texts)))
        if distinct > 256:
            seqs = [t.encode("utf-8") for t in texts]
            note = f"{distinct} distinct characters > 256: aligned as UTF-8 bytes"
        else:
            seqs = texts
        start = time.perf_counter()
        result = [
            edlib.align(s, seqs[0], mode="NW", task="path")["cigar"] for s in seqs[1:]
        ]
    elif tool == "collatex":
        import collatex

        chinese = sum(1 for c in texts[0] if "\u4e00" <= c <= "\u9fff") > len(texts[0]) / 4
        start = time.perf_counter()
        if chinese:
            data = {
                "witnesses": [
                    {"id": f"w{i}", "tokens": [{"t": c} for c in t if not c.isspace()]}
                    for i, t in enumerate(texts)
                ]
            }
            collation = collatex.Collation.create_from_dict(data)
            note = "character tokens"
        else:
            collation = collatex.Collation()
            for i, t in enumerate(texts):
                collation.add_plain_witness(f"w{i}", t)
            note = "word tokens"
        result = collatex.collate(collation, output="json", segmentation=False)
    elif tool == "abpoa":
        import pyabpoa

        letters = "ACDEFGHIKLMNPQRSTVWY"
        seqs = ["".join(letters[ord(c) * 2654435761 % 2**32 % 20] for c in t) for t in texts]
        start = time.perf_counter()
        aligner = pyabpoa.msa_aligner(is_aa=True)
        res = aligner.msa(seqs, out_cons=True, out_msa=False)
        result = res.cons_seq
        note = "characters hashed onto abPOA's 20-letter alphabet"
    else:
        sys.exit(f"unknown tool {tool}")
    work = time.perf_counter() - start
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(str(result)[:1000000])
    print(json.dumps({"tool": tool, "work_seconds": round(work, 3), "note": note}))


if __name__ == "__main__":
    main()
