#!/usr/bin/env python3
"""Turn HTML documentation pages into plain running prose, one paragraph per line.

Usage: extract.py zh|en OUT.txt PAGE.html|BOOK_DIR... [--max N] [--exclude PAGE.html]

A BOOK_DIR (DocBook/publican HTML) is read in reading order, from index.html
along the rel="next" links. With --max, paragraphs are taken in order while
the output stays within N characters.

Every block element (p, div, li, dd, h1-h6, ...) closes a paragraph. Code
listings, command screens, tables, navigation, tables of contents, indexes
and footnotes are skipped whole; a paragraph with inline code (a command,
file name, key, e-mail address...) is dropped whole rather than left with a
hole. A paragraph is kept only if it reads as running prose in the given
language (see keep()), and only its first occurrence. The wording of kept
paragraphs is not changed: only the HTML source's whitespace is normalised
and footnote markers are removed.
"""
import argparse
import html.parser
import os
import re

BLOCK = {"p", "div", "li", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6",
         "blockquote", "ul", "ol", "dl", "tr", "td", "th", "br", "title",
         "section", "article", "body", "figure", "figcaption", "caption"}
SKIP_TAGS = {"pre", "table", "script", "style", "head", "nav", "math", "svg",
             "sup"}  # sup: footnote markers
# inline markup of commands, file names, keys, e-mail addresses...: a paragraph
# containing any is dropped whole, so that no kept sentence has a hole or code in it
DIRTY_TAGS = {"code", "kbd", "samp", "tt", "var"}
DIRTY_CLASSES = {"command", "filename", "literal", "computeroutput", "varname",
                 "email", "citerefentry", "keycap", "guibutton", "guimenu",
                 "guisubmenu", "guimenuitem", "option", "function",
                 "replaceable", "userinput", "systemitem", "parameter", "manpage"}
# class names (publican/docbook/sphinx) whose subtree is not prose
SKIP_CLASSES = {"screen", "programlisting", "literallayout", "synopsis",
                "cmdsynopsis", "docnav", "toc", "index", "titlepage",
                "footnotes", "highlight", "example", "informalexample",
                "table", "informaltable", "revhistory", "legalnotice",
                "author", "authorgroup", "navheader", "navfooter", "banner",
                "figure", "mediaobject", "indexterm", "refsynopsisdiv",
                "sidebar-title", "footnote", "footnote-reference", "headerlink",
                "sphinxsidebar", "related", "footer"}
VOID = {"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr"}
CJK = r"\u3400-\u9fff\uf900-\ufaff"
PUNCT = "，。、；：？！“”‘’（）《》【】—…·「」『』"


class Extractor(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []      # (tag, skipping) for open elements
        self.buf = []
        self.paras = []
        self.dirty = False   # current paragraph had inline code

    def skipping(self):
        return bool(self.stack) and self.stack[-1][1]

    def flush(self):
        text = "".join(self.buf)
        if text.strip() and not self.dirty:
            self.paras.append(text)
        self.buf = []
        self.dirty = False

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        skip = self.skipping() or tag in SKIP_TAGS or bool(classes & SKIP_CLASSES) \
            or dict(attrs).get("id", "") in {"banner", "title"}
        if tag in BLOCK and not self.skipping():
            self.flush()
        if not self.skipping() and (tag == "sup" or "footnote-reference" in classes
                                       or (tag == "a" and "footnote" in classes)):
            # a footnote marker goes, and so does the space the source put before it
            while self.buf and not self.buf[-1].strip():
                self.buf.pop()
            if self.buf:
                self.buf[-1] = self.buf[-1].rstrip()
        if not skip and (tag in DIRTY_TAGS or classes & DIRTY_CLASSES):
            self.dirty = skip = True
        if tag not in VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        # pop to the matching open tag (tolerates sloppy HTML)
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                was_skipping = self.stack[i][1]
                del self.stack[i:]
                if tag in BLOCK and not was_skipping:
                    self.flush()
                break

    def handle_data(self, data):
        if not self.skipping():
            self.buf.append(data)


def normalise(text):
    # a line break of the HTML source between two CJK characters/punctuation is no space
    text = re.sub(rf"(?<=[{CJK}{PUNCT}])\s*\n\s*(?=[{CJK}{PUNCT}])", "", text)
    return re.sub(r"\s+", " ", text).strip()


def keep(p, lang):
    if lang == "zh":
        cjk = len(re.findall(f"[{CJK}]", p))
        nonspace = len(re.sub(r"\s", "", p))
        latin = len(re.findall(r"[A-Za-z0-9_/$=<>{}\\|.-]", p))
        return cjk >= 30 and cjk / nonspace >= 0.6 and latin / nonspace < 0.2 \
            and p[-1] in "。！？”）…；："
    letters = len(re.findall(r"[A-Za-z]", p))
    codey = len(re.findall(r"[/$=<>{}\\|_#*@~`^\[\]]", p))
    return len(p) >= 100 and letters / len(p) >= 0.7 and codey <= 2 \
        and p[-1] in ".!?:;\"')”’"


def paragraphs(path, lang):
    ex = Extractor()
    with open(path, encoding="utf-8") as f:
        ex.feed(f.read())
    ex.close()
    ex.flush()
    return [p for p in map(normalise, ex.paras) if keep(p, lang)]


def reading_order(folder):
    """Pages of a DocBook/publican HTML book, from index.html along rel="next" links."""
    pages, name = [], "index.html"
    while name and name not in pages:
        pages.append(name)
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            m = re.search(r'<link rel="next" href="([^"#]+)', f.read())
        name = m.group(1) if m else None
    return [os.path.join(folder, p) for p in pages]


def write_paragraphs(paras, out, max_chars=None):
    """Write paragraphs to OUT, blank-line separated, each only at its first occurrence
    (repeated boilerplate), stopping before the text passes max_chars characters."""
    kept, seen, total = [], set(), 0
    for p in paras:
        if p in seen:
            continue
        seen.add(p)
        total += len(p) + 2
        if max_chars is not None and total > max_chars:
            break
        kept.append(p)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n\n".join(kept) + "\n")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("lang", choices=["zh", "en"])
    ap.add_argument("out")
    ap.add_argument("inputs", nargs="+", help="HTML pages, or a book folder (read in order)")
    ap.add_argument("--max", type=int, help="stop before the text passes N characters")
    ap.add_argument("--exclude", action="append", default=[], help="skip pages with this name")
    a = ap.parse_args()
    files = [p for i in a.inputs for p in (reading_order(i) if os.path.isdir(i) else [i])
             if os.path.basename(p) not in a.exclude]
    write_paragraphs((p for path in files for p in paragraphs(path, a.lang)), a.out, a.max)
