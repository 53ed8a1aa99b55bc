#!/usr/bin/env python3
"""Cross-check `reconcile eval` CER/WER against jiwer and rapidfuzz (pip install jiwer rapidfuzz).

Usage: python3 bench/xcheck_cer.py TRUTH OTHER [TRUTH OTHER ...]
The texts are normalised here as documented in docs/evaluation.md (NFKC, whitespace rule),
then compared character by character (equal to grapheme clusters for texts without
combining sequences)."""
import sys, json, re, subprocess, unicodedata
import jiwer
from rapidfuzz.distance import Levenshtein
BIN = 'target/release/reconcile'  # run from the repository root
def wide(c):
    o = ord(c)
    return any(a <= o <= b for a, b in [(0x1100,0x115F),(0x2E80,0x303E),(0x3041,0x33FF),(0x3400,0x4DBF),(0x4E00,0x9FFF),(0xA000,0xA4CF),(0xAC00,0xD7A3),(0xF900,0xFAFF),(0xFE10,0xFE19),(0xFE30,0xFE6F),(0xFF00,0xFF60),(0xFFE0,0xFFE6),(0x20000,0x3FFFD)])
def norm(t):
    t = unicodedata.normalize('NFKC', t)
    out = []
    for m in re.finditer(r'\s+|\S', t):
        out.append(m.group())
    res = []
    for i, tok in enumerate(out):
        if tok.isspace():
            prev = res[-1] if res else None
            nxt = next((x for x in out[i+1:] if not x.isspace()), None)
            if prev and nxt and not wide(prev[-1]) and not wide(nxt[0]):
                res.append(' ')
        else:
            res.append(tok)
    return ''.join(res)
rows = []
for truth, other in zip(sys.argv[1::2], sys.argv[2::2]):
    t, o = norm(open(truth).read()), norm(open(other).read())
    ours = json.loads(subprocess.run([BIN, 'eval', '--truth', truth, other, '--json'], capture_output=True, text=True).stdout)
    rf = Levenshtein.distance(t, o)
    jw = jiwer.cer(t, o)
    line = f"{other.split('/')[-2]}/{other.split('/')[-1]}: ours {ours['char_edits']} edits / {ours['truth_clusters']} (CER {ours['cer']:.5f}); rapidfuzz {rf} / {len(t)}; jiwer CER {jw:.5f}"
    if ours.get('wer') is not None:
        line += f"; WER ours {ours['wer']:.5f} jiwer {jiwer.wer(t, o):.5f}"
    print(line)
