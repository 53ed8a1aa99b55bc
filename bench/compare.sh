#!/usr/bin/env bash
# Check that a changed build produces byte-identical output and report to a reference build
# on the corpus pair and on generated inputs.
# usage: bench/compare.sh REFERENCE_BINARY NEW_BINARY [WORKDIR]
set -euo pipefail
ref=$1 new=$2 work=${3:-/tmp/reconcile-compare}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work"
cases=("$root/corpus/000_753cd868c64d84a9.txt $root/corpus/001_f3f1b0a1aca9ea80.txt")
for spec in zh:10000:3 en:10000:3 zh:100000:2 en:100000:3 zh:1000000:2 en:1000000:3; do
  IFS=: read -r lang chars k <<<"$spec"
  dir="$work/gen-$lang-$chars"
  [ -f "$dir/w2.txt" ] || python3 "$root/bench/gen.py" --lang "$lang" --chars "$chars" --witnesses 3 --seed 7 --out "$dir"
  cases+=("$(ls "$dir"/w*.txt | head -n "$k" | tr '\n' ' ')")
done
status=0
for c in "${cases[@]}"; do
  # shellcheck disable=SC2086
  "$ref" $c -o "$work/ref.txt" --report "$work/ref.json" 2>/dev/null
  # shellcheck disable=SC2086
  "$new" $c -o "$work/new.txt" --report "$work/new.json" 2>/dev/null
  if cmp -s "$work/ref.txt" "$work/new.txt" && cmp -s "$work/ref.json" "$work/new.json"; then
    echo "same      $c"
  else
    echo "DIFFERENT $c"; status=1
  fi
done
exit $status
