#!/usr/bin/env python3
"""Benchmark `reconcile` against the tools a user would pick instead, on the same inputs.

    python3 bench/bench.py [--sizes 10000,100000,1000000] [--timeout 120] [--out FILE]

Builds the release binary, generates inputs with bench/gen.py (Chinese and English, 10 k,
100 k and 1 M characters per witness, two and three witnesses), and times on each:

* floor: `cat` of the witnesses into `wc -m` (reading the bytes once);
* reconcile: the merged text and the JSON report (median of three runs);
* difflib, diff-match-patch, edlib, CollateX, abPOA (bench/peers.py), installed into a
  throw-away virtual environment under /tmp, each run once with a timeout and an 8 GiB
  address-space cap. A tool that timed out on an input is not run on larger ones.

Then a batch of 1,000 documents of 10 k characters x 3 witnesses, through `reconcile batch`
(directory mode) and `reconcile batch --jsonl -` (streaming).

Prints Markdown: the machine, then a table of wall time, peak memory (max RSS) and the ratio
of each tool's time to reconcile's, then the scaling and batch figures. --out also writes it
to a file.
"""
import argparse
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = ["difflib", "dmp", "edlib", "collatex", "abpoa"]
PEER_NAMES = {
    "difflib": "Python difflib",
    "dmp": "diff-match-patch",
    "edlib": "edlib (alignment only)",
    "collatex": "CollateX",
    "abpoa": "abPOA",
}
PIP_PACKAGES = ["edlib", "diff-match-patch", "collatex", "python-Levenshtein", "pyabpoa"]
MEMORY_CAP = 8 << 30


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def cap_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def timed(cmd, timeout, stdin=None, cap=False):
    """Run cmd under /usr/bin/time -v. Returns (status, wall seconds, max RSS MB, stdout)."""
    full = ["/usr/bin/time", "-v"] + cmd
    start = time.perf_counter()
    # A session of its own, so that a timeout kills the tool and not only /usr/bin/time.
    proc = subprocess.Popen(
        full,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=cap_memory if cap else None,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return "timeout", None, None, ""
    wall = time.perf_counter() - start
    p = subprocess.CompletedProcess(full, proc.returncode, stdout, stderr)
    err = p.stderr.decode("utf-8", "replace")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    rss = int(m.group(1)) / 1024 if m else None
    if p.returncode != 0:
        last = [
            l
            for l in err.splitlines()
            if l.strip() and not l.startswith("\t") and not l.startswith("Command ")
        ]
        why = last[-1][:120] if last else f"exit {p.returncode}"
        m = re.search(r"posix_memalign fail! Size: (\d+)", err)
        if m:
            why = f"cannot allocate {int(m.group(1)) / 2**30:.0f} GiB"
        elif "MemoryError" in err or "std::bad_alloc" in err or "Cannot allocate" in err:
            why = "out of memory (8 GiB cap)"
        return f"failed: {why}", wall, rss, p.stdout.decode("utf-8", "replace")
    return "ok", wall, rss, p.stdout.decode("utf-8", "replace")


def machine():
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB memory; {platform.system()} "
        f"{platform.release()}; {rustc}; Python {platform.python_version()}"
    )


def setup_venv(path):
    log(f"peers: virtual environment {path}")
    if os.path.exists(path):
        shutil.rmtree(path)
    sh([sys.executable, "-m", "venv", path])
    py = os.path.join(path, "bin", "python")
    installed = {}
    for pkg in PIP_PACKAGES:
        p = subprocess.run(
            [py, "-m", "pip", "install", "-q", pkg], capture_output=True, text=True
        )
        installed[pkg] = p.returncode == 0
        if p.returncode != 0:
            log(f"peers: cannot install {pkg}: {p.stderr.strip().splitlines()[-1:]}")
    versions = subprocess.run(
        [py, "-m", "pip", "list", "--format=json"], capture_output=True, text=True
    ).stdout
    versions = {d["name"].lower(): d["version"] for d in json.loads(versions or "[]")}
    return py, installed, versions


def fmt_time(t):
    if t is None:
        return "–"
    return f"{t:.2f} s" if t < 10 else f"{t:.0f} s"


def fmt_mem(m):
    return "–" if m is None else f"{m:.0f} MB"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--work", default="/tmp/reconcile-bench")
    ap.add_argument("--batch-docs", type=int, default=1000)
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--out")
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    os.makedirs(a.work, exist_ok=True)

    log("building reconcile (release)")
    sh(["cargo", "build", "--release", "--quiet"], cwd=ROOT)
    binary = os.path.join(ROOT, "target", "release", "reconcile")
    py, installed, versions = (None, {}, {})
    if not a.no_peers:
        py, installed, versions = setup_venv(os.path.join("/tmp", "reconcile-bench-venv"))

    load_start = os.getloadavg()
    started = time.time()
    rows = []  # (lang, size, k, tool, status, wall, rss, work, note)
    reconcile_wall = {}
    timed_out = set()  # (tool, lang): timed out at a smaller input
    for size in sizes:
        for lang in ["zh", "en"]:
            d = os.path.join(a.work, f"{lang}-{size}")
            if not os.path.exists(os.path.join(d, "w2.txt")):
                log(f"generating {d}")
                sh([sys.executable, os.path.join(ROOT, "bench", "gen.py"), "--lang", lang,
                    "--chars", str(size), "--witnesses", "3", "--seed", "1", "--out", d])
            for k in [2, 3]:
                ws = [os.path.join(d, f"w{i}.txt") for i in range(k)]
                chars = [len(open(w, encoding="utf-8").read()) for w in ws]
                key = (lang, size, k)
                log(f"{key}: floor")
                floor = []
                for _ in range(3):
                    st, wall, rss, _ = timed(["sh", "-c", 'cat "$@" | wc -m', "sh"] + ws, a.timeout)
                    floor.append((wall, rss))
                wall, rss = sorted(floor)[1]
                rows.append((lang, size, k, "floor (cat, wc -m)", "ok", wall, rss, None, ""))
                log(f"{key}: reconcile")
                runs = []
                for _ in range(3):
                    st, wall, rss, _ = timed(
                        [binary] + ws + ["-o", os.path.join(a.work, "out.txt"),
                                         "--report", os.path.join(a.work, "out.json")],
                        a.timeout,
                    )
                    if st != "ok":
                        raise SystemExit(f"reconcile failed on {key}: {st}")
                    runs.append((wall, rss))
                wall = statistics.median(r[0] for r in runs)
                rss = max(r[1] for r in runs)
                reconcile_wall[key] = wall
                rows.append((lang, size, k, "reconcile", "ok", wall, rss, None,
                             f"witnesses of {'/'.join(str(c) for c in chars)} characters"))
                if a.no_peers:
                    continue
                for tool in PEERS:
                    needed = {"difflib": None, "dmp": "diff-match-patch", "edlib": "edlib",
                              "collatex": "collatex", "abpoa": "pyabpoa"}[tool]
                    if needed and not installed.get(needed):
                        rows.append((lang, size, k, tool, "not installed", None, None, None, ""))
                        continue
                    if (tool, lang) in timed_out:
                        rows.append((lang, size, k, tool, "skipped (timed out on a smaller input)",
                                     None, None, None, ""))
                        continue
                    log(f"{key}: {tool}")
                    st, wall, rss, out = timed(
                        [py, os.path.join(ROOT, "bench", "peers.py"), tool,
                         os.path.join(a.work, "peer.out")] + ws,
                        a.timeout, cap=True,
                    )
                    work, note = None, ""
                    if st == "ok":
                        info = json.loads(out.strip().splitlines()[-1])
                        work, note = info["work_seconds"], info["note"]
                    elif st == "timeout":
                        timed_out.add((tool, lang))
                        st = f"timeout (> {a.timeout:.0f} s)"
                    rows.append((lang, size, k, tool, st, wall, rss, work, note))

    load_before_batch = os.getloadavg()
    batch = run_batch(binary, a) if a.batch_docs else None
    load = (load_start, load_before_batch, os.getloadavg(), time.time() - started)
    text = report(rows, reconcile_wall, batch, versions, a, sizes, load)
    print(text)
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            f.write(text)


def run_batch(binary, a):
    d = os.path.join(a.work, f"batch-{a.batch_docs}")
    if not os.path.exists(d + ".jsonl"):
        log(f"generating {d}")
        sh([sys.executable, os.path.join(ROOT, "bench", "gen.py"), "--lang", "zh", "--chars",
            "10000", "--witnesses", "3", "--seed", "5", "--docs", str(a.batch_docs), "--out", d])
    out = os.path.join(a.work, "batch-out")
    shutil.rmtree(out, ignore_errors=True)
    log("batch: directory mode")
    st, wall, rss, _ = timed([binary, "batch", d, "-o", out, "--report-dir", out + "-reports"],
                             1800)
    lines = [json.loads(l) for l in open(os.path.join(out, "summary.jsonl"))]
    ok = sum(1 for l in lines if l["status"] == "ok")
    log("batch: skip pass")
    st2, wall2, _, _ = timed([binary, "batch", d, "-o", out, "--report-dir", out + "-reports"],
                             1800)
    log("batch: streaming mode")
    with open(d + ".jsonl", "rb") as f:
        st3, wall3, rss3, stream_out = timed([binary, "batch", "--jsonl", "-"], 1800, stdin=f)
    stream_ok = sum(1 for l in stream_out.splitlines() if '"status":"ok"' in l[:200])
    return {
        "docs": a.batch_docs, "status": st, "wall": wall, "rss": rss, "ok": ok,
        "rerun_wall": wall2, "stream_status": st3, "stream_wall": wall3, "stream_rss": rss3,
        "stream_ok": stream_ok,
    }


def report(rows, reconcile_wall, batch, versions, a, sizes, load):
    out = []
    out.append(f"Machine: {machine()}")
    out.append("")
    out.append(
        f"Run of {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {load[3] / 60:.0f} min. "
        f"Load average (1 min) of the machine, which other jobs share: {load[0][0]:.1f} at the "
        f"start, {load[1][0]:.1f} before the batch, {load[2][0]:.1f} at the end."
    )
    out.append("")
    if versions:
        vs = ", ".join(
            f"{p} {versions.get(p.lower(), '?')}"
            for p in ["edlib", "diff-match-patch", "collatex", "pyabpoa"]
        )
        out.append(f"Peers (throw-away virtual environment): {vs}; difflib from Python "
                   f"{platform.python_version()}. Timeout {a.timeout:.0f} s, 8 GiB address-space cap.")
        out.append("")
    out.append("| input | witnesses | tool | wall | peak memory | × reconcile | tool's own work | notes |")
    out.append("|---|---|---|---|---|---|---|---|")
    for lang, size, k, tool, st, wall, rss, work, note in rows:
        name = PEER_NAMES.get(tool, tool)
        base = reconcile_wall[(lang, size, k)]
        if st == "ok":
            ratio = "1" if tool == "reconcile" else f"{wall / base:.2f}"
            if tool == "edlib" and work is not None:
                ratio += f" (alignment alone: {work / base:.2f})"
            cells = [fmt_time(wall), fmt_mem(rss), ratio, fmt_time(work)]
        else:
            cells = [st, "–", "–", "–"]
        label = {"zh": "Chinese", "en": "English"}[lang]
        out.append(f"| {label} {size // 1000} k | {k} | {name} | " + " | ".join(cells) +
                   f" | {note} |")
    out.append("")
    out.append("Scaling of reconcile (median wall time, 10x more characters):")
    out.append("")
    for lang in ["zh", "en"]:
        for k in [2, 3]:
            steps = []
            for small, big in zip(sizes, sizes[1:]):
                t0, t1 = reconcile_wall.get((lang, small, k)), reconcile_wall.get((lang, big, k))
                if t0 and t1:
                    steps.append(f"{small // 1000} k → {big // 1000} k: {t1 / t0:.1f}×")
            out.append(f"- {lang}, {k} witnesses: " + "; ".join(steps))
    if batch:
        out.append("")
        out.append(
            f"Batch of {batch['docs']} documents (Chinese, 10 k characters × 3 witnesses): "
            f"directory mode {fmt_time(batch['wall'])} wall, peak {fmt_mem(batch['rss'])}, "
            f"{batch['ok']} ok (text and report per document, summary.jsonl); "
            f"re-run with everything up to date {fmt_time(batch['rerun_wall'])}; "
            f"streaming mode (`--jsonl -`) {fmt_time(batch['stream_wall'])} wall, peak "
            f"{fmt_mem(batch['stream_rss'])}, {batch['stream_ok']} ok."
        )
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
