#!/usr/bin/env bash
# End-to-end wall time of the command line on the corpus pair: process start, dictionary
# load, reconcile, writing the merged text and the report. Builds the release binary first.
#
#   bash bench/corpus_pair.sh            # 10 timed runs (after one untimed warm-up)
#   RUNS=30 bash bench/corpus_pair.sh    # more runs
#   NO_HYPERFINE=1 bash bench/corpus_pair.sh   # use the bash loop even if hyperfine exists
#
# Works from any directory; outputs go to a temporary directory that is removed afterwards.
set -euo pipefail

RUNS="${RUNS:-10}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

WITNESS_A="corpus/000_753cd868c64d84a9.txt"
WITNESS_B="corpus/001_f3f1b0a1aca9ea80.txt"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/reconcile"

cargo build --release --quiet

OUT="$(mktemp -d "${TMPDIR:-/tmp}/reconcile-bench.XXXXXX")"
trap 'rm -rf -- "$OUT"' EXIT
CMD=("$BIN" "$WITNESS_A" "$WITNESS_B" -o "$OUT/clean.txt" --report "$OUT/report.json")

cpu_model() {
    local model
    model="$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)"
    if [[ -z "$model" ]] && command -v lscpu >/dev/null; then
        model="$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)"
    fi
    echo "${model:-unknown}"
}

echo "machine: nproc $(nproc), CPU $(cpu_model)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) (1, 5, 15 min; other work on the machine skews wall times)"
echo "binary:  $BIN"
echo "command: reconcile $WITNESS_A $WITNESS_B -o \$TMP/clean.txt --report \$TMP/report.json"

# Untimed warm-up: page cache, and shows what the run does.
"${CMD[@]}" 2>"$OUT/summary.txt"
sed 's/^/  | /' "$OUT/summary.txt"

if command -v hyperfine >/dev/null && [[ -z "${NO_HYPERFINE:-}" ]]; then
    # One shell-free command line for hyperfine.
    printf -v line '%q ' "${CMD[@]}"
    hyperfine --shell=none --runs "$RUNS" --warmup 1 --style basic \
        --export-json "$OUT/hyperfine.json" "$line" >&2
    # hyperfine writes pretty JSON: one time per line inside "times": [ ... ].
    awk -v runs="$RUNS" '
        /"times": \[/ { inside = 1; next }
        inside && /\]/ { inside = 0 }
        inside { gsub(/[[:space:],]/, ""); n++; printf "run %2d: %.1f ms\n", n, $0 * 1000 }
        /"median":/ { sub(/.*"median":[[:space:]]*/, ""); sub(/,.*/, ""); median = $0 * 1000 }
        END { printf "median wall time over %d runs: %.1f ms (hyperfine)\n", runs, median }
    ' "$OUT/hyperfine.json"
    exit 0
fi

times=()
for ((i = 1; i <= RUNS; i++)); do
    start="$(date +%s.%N)"
    "${CMD[@]}" 2>/dev/null
    end="$(date +%s.%N)"
    ms="$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", (e - s) * 1000 }')"
    times+=("$ms")
    printf 'run %2d: %s ms\n' "$i" "$ms"
done

printf '%s\n' "${times[@]}" | sort -n | awk -v runs="$RUNS" '
    { t[NR] = $1 }
    END {
        median = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
        printf "median wall time over %d runs: %.1f ms (min %.1f, max %.1f; bash loop, date +%%s.%%N)\n", runs, median, t[1], t[NR]
    }'
