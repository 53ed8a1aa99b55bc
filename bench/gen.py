#!/usr/bin/env python3
"""Make noisy witnesses of a synthetic document, for benchmarks.

The clean text starts with a corpus document (Chinese: corpus/000, English: corpus/002) and
goes on with sentences of words drawn by frequency from the embedded word lists
(data/zh_word_freq.txt, data/en_word_freq.txt), so that a long document does not repeat
itself the way tiling one short text would. Each witness then gets its own transcription
noise: character substitutions, deletions and insertions (about 2% of characters in all),
full-width/half-width punctuation swaps, and its own layout (one paragraph per line,
hard-wrapped lines, blank-line separated paragraphs).

This stands in for `reconcile simulate`, which is being written elsewhere.

usage: gen.py --lang zh|en --chars N --witnesses K --seed S --out DIR
writes DIR/truth.txt and DIR/w0.txt .. DIR/w{K-1}.txt

With --docs D it writes an archive for `reconcile batch` instead: DIR/docNNNNN/w*.txt for D
documents (their clean texts drawn from the word lists only, all different), their clean
texts under DIR.truth/, and DIR.jsonl, the same documents with inline texts for
`reconcile batch --jsonl -`.
"""
import argparse
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def word_list(path, limit):
    words, weights = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) != 2:
                continue
            w, n = parts
            words.append(w)
            weights.append(float(n))
    order = sorted(range(len(words)), key=lambda i: -weights[i])[:limit]
    return [words[i] for i in order], [weights[i] for i in order]


_WORDS = {}


def clean_text(lang, chars, rng, seeded=True):
    if lang == "zh":
        seed_doc = os.path.join(ROOT, "corpus", "000_753cd868c64d84a9.txt")
        if "zh" not in _WORDS:
            ws, _ = word_list(os.path.join(ROOT, "data", "zh_word_freq.txt"), 60000)
            _WORDS["zh"] = [w for w in ws if all("\u4e00" <= c <= "\u9fff" for c in w)]
        words = _WORDS["zh"]
    else:
        seed_doc = os.path.join(ROOT, "corpus", "002_009d9037f2d6c0d2.txt")
        if "en" not in _WORDS:
            _WORDS["en"], _ = word_list(os.path.join(ROOT, "data", "en_word_freq.txt"), 30000)
        words = _WORDS["en"]
    seed = []
    if seeded:
        with open(seed_doc, encoding="utf-8") as f:
            seed = [p.strip() for p in f.read().split("\n") if p.strip()]
    paragraphs, total = [], 0
    for p in seed:
        if total >= chars:
            break
        paragraphs.append(p)
        total += len(p) + 1
    # Zipf-like weights by rank keep common words common without the extreme head.
    cum, acc = [], 0.0
    for i in range(len(words)):
        acc += 1.0 / (i + 10)
        cum.append(acc)
    while total < chars:
        sentences = []
        for _ in range(rng.randint(2, 7)):
            n = rng.randint(6, 24)
            ws = rng.choices(words, cum_weights=cum, k=n)
            if lang == "zh":
                s = ""
                for i, w in enumerate(ws):
                    s += w
                    if i + 1 < n and rng.random() < 0.12:
                        s += rng.choice("，，，、；：")
                s += rng.choice("。。。！？")
            else:
                s = ""
                for i, w in enumerate(ws):
                    s += w if i else w.capitalize()
                    if i + 1 < n:
                        s += ", " if rng.random() < 0.08 else " "
                s += rng.choice("...?!;")
            sentences.append(s)
        p = ("" if lang == "zh" else " ").join(sentences)
        paragraphs.append(p)
        total += len(p) + 1
    text = "\n".join(paragraphs)
    return text[:chars] if len(text) > chars else text


FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
HALF = {v: k for k, v in FULL.items()}


def noisy(text, lang, rng, rate):
    alphabet = (
        [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
        if lang == "zh"
        else list("abcdefghijklmnopqrstuvwxyz")
    )
    out = []
    r = rng.random
    for ch in text:
        if ch == "\n":
            out.append(ch)
            continue
        x = r()
        if x < rate * 0.5:
            out.append(rng.choice(alphabet))  # substitution
        elif x < rate * 0.75:
            pass  # deletion
        elif x < rate:
            out.append(ch)
            out.append(rng.choice(alphabet))  # insertion
        elif x < rate * 1.5 and ch in FULL:
            out.append(FULL[ch])
        elif x < rate * 1.5 and ch in HALF:
            out.append(HALF[ch])
        else:
            out.append(ch)
    return "".join(out)


def width(ch):
    return 2 if "\u2e80" <= ch <= "\uffef" else 1


def hard_wrap(text, columns, blank_between):
    """Wrap every paragraph at `columns` (wide characters count two), indenting its first
    line. Chinese wraps anywhere; English wraps between words."""
    lines = []
    for p in text.split("\n"):
        if any("\u4e00" <= c <= "\u9fff" for c in p[:4]):
            line, w = "", 0
            for ch in "\u3000\u3000" + p:
                line += ch
                w += width(ch)
                if w >= columns:
                    lines.append(line)
                    line, w = "", 0
            if line:
                lines.append(line)
        else:
            line = " "
            for word in p.split(" "):
                if len(line) + 1 + len(word) > columns and line.strip():
                    lines.append(line)
                    line = word
                else:
                    line = line + " " + word if line.strip() else line + " " + word
            if line.strip():
                lines.append(line)
    sep = "\n\n" if blank_between else "\n"
    return sep.join(lines) + "\n"


def layout(text, k, lang):
    style = k % 3
    if style == 0:
        return text + "\n"
    if style == 1:
        return hard_wrap(text, 40 if lang == "zh" else 72, lang == "zh")
    return "\n\n".join(text.split("\n")) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lang", choices=["zh", "en"], required=True)
    ap.add_argument("--chars", type=int, required=True)
    ap.add_argument("--witnesses", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rate", type=float, default=0.02)
    ap.add_argument("--out", required=True)
    ap.add_argument("--docs", type=int, default=0)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    if a.docs:
        import json

        out = a.out.rstrip("/")
        os.makedirs(out + ".truth", exist_ok=True)
        with open(out + ".jsonl", "w", encoding="utf-8") as manifest:
            for d in range(a.docs):
                doc = os.path.join(out, f"doc{d:05}")
                os.makedirs(doc, exist_ok=True)
                text = clean_text(a.lang, a.chars, rng, seeded=False)
                with open(os.path.join(out + ".truth", f"doc{d:05}.txt"), "w", encoding="utf-8") as f:
                    f.write(text + "\n")
                texts = []
                for k in range(a.witnesses):
                    w = layout(noisy(text, a.lang, rng, a.rate), k, a.lang)
                    texts.append(w)
                    with open(os.path.join(doc, f"w{k}.txt"), "w", encoding="utf-8") as f:
                        f.write(w)
                manifest.write(json.dumps({"id": f"doc{d:05}", "texts": texts}, ensure_ascii=False) + "\n")
        return
    os.makedirs(a.out, exist_ok=True)
    text = clean_text(a.lang, a.chars, rng)
    with open(os.path.join(a.out, "truth.txt"), "w", encoding="utf-8") as f:
        f.write(text + "\n")
    for k in range(a.witnesses):
        w = layout(noisy(text, a.lang, rng, a.rate), k, a.lang)
        with open(os.path.join(a.out, f"w{k}.txt"), "w", encoding="utf-8") as f:
            f.write(w)


if __name__ == "__main__":
    main()
