#!/usr/bin/env bash
# Compares `analyze --format json` of another revision with the work tree, back to back on the
# same machine and load (runs alternate): wall time and peak RSS (fastest of 5; one run each at
# 50k), per-stage times (phases example, fastest of 3) and callgrind instruction counts on the
# 1k model.
# usage: bench/compare.sh REV      (e.g. 18184fb)      results: bench/out/compare.md
# Needs valgrind; builds REV in a temporary directory (a release build: several minutes; set
# COMPARE_TARGET to a cargo target directory to keep and reuse that build).
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: bench/compare.sh REV}
out=bench/out
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git archive "$rev" | tar -x -C "$tmp"
# The phases example lives in palisade-report since 9e9eb45; older revisions had it in
# palisade-threats: copy the current one in when REV has none (it only uses public APIs there).
if [ ! -f "$tmp/crates/palisade-report/examples/phases.rs" ]; then
  mkdir -p "$tmp/crates/palisade-report/examples"
  cp crates/palisade-report/examples/phases.rs "$tmp/crates/palisade-report/examples/"
fi
target=${COMPARE_TARGET:-$tmp/target}
(cd "$tmp" && CARGO_TARGET_DIR="$target" cargo build --release -q -p palisade-cli \
  && CARGO_TARGET_DIR="$target" cargo build --release -q -p palisade-report --example phases)
cargo build --release -q -p palisade-cli
cargo build --release -q -p palisade-report --example phases
before=$target/release
after=target/release
for n in 1000 10000 50000; do
  [ -f "$out/model-$n.yaml" ] || python3 bench/gen_model.py "$n" $((4 * n)) > "$out/model-$n.yaml"
done

once() { # binary, model: "seconds KiB" of one run
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$1" analyze --format json "$2" > /dev/null 2>&1 || true
  cat "$out/time.txt"
}
faster() { # "s k" "s k": the faster of the two
  if [ -z "$1" ] || awk "BEGIN{exit !(${2% *} < ${1% *})}"; then echo "$2"; else echo "$1"; fi
}
pair() { # runs, model: "| before | after |" cells, the fastest of each, runs alternating
  local b="" a=""
  for _ in $(seq "$1"); do
    b=$(faster "$b" "$(once "$before/palisade" "$2")")
    a=$(faster "$a" "$(once "$after/palisade" "$2")")
  done
  echo "${b% *} s, $(( ${b#* } / 1024 )) MiB | ${a% *} s, $(( ${a#* } / 1024 )) MiB"
}
stages() { # model: "stage before after" lines, fastest of 3 alternating runs of each
  for _ in 1 2 3; do
    "$before/examples/phases" "$1" 2>&1 >/dev/null | sed 's/^/b /'
    "$after/examples/phases" "$1" 2>&1 >/dev/null | sed 's/^/a /'
  done | awk '{ k = $1 " " $2; if (!(k in m) || $3 < m[k]) m[k] = $3
                if (!($2 in s)) { s[$2] = 1; o[++n] = $2 } }
              END { for (i = 1; i <= n; i++) printf "| %s | %.0f | %.0f |\n", o[i], m["b " o[i]], m["a " o[i]] }'
}
instructions() { # binary: callgrind's instruction count on the 1k model, in G
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" analyze --format json \
    "$out/model-1000.yaml" 2>&1 >/dev/null | awk '/refs:/ { gsub(",", "", $4); printf "%.2f G", $4 / 1e9 }'
}

{
  echo "# $rev against the work tree ($(git rev-parse --short HEAD))"
  echo
  echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| | $rev | work tree |"
  echo "|---|---|---|"
  for n in 1000 10000; do
    echo "| analyze --format json, $n components | $(pair 5 "$out/model-$n.yaml") |"
  done
  echo "| analyze --format json, 50000 components (one run) | $(pair 1 "$out/model-50000.yaml") |"
  echo "| instructions, analyze --format json on 1k (callgrind) | $(instructions "$before/palisade") | $(instructions "$after/palisade") |"
  echo
  echo "Stages on 10000 components (ms, fastest of 3 runs, alternating):"
  echo
  echo "| stage | $rev | work tree |"
  echo "|---|---|---|"
  stages "$out/model-10000.yaml"
  echo
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/compare.md"
cat "$out/compare.md"
