#!/usr/bin/env bash
# Reproduces every figure in docs/benchmarks.md (model language and threat engine).
# usage: bench/run.sh [--no-pytm]      results: bench/out/results.md
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"
pytm=1
[ "${1:-}" = "--no-pytm" ] && pytm=0

cargo build --release -q -p palisade-cli
cargo build --release -q -p palisade-report --example phases
bin=target/release/palisade
{
  echo "## Machine"
  echo
  echo "- $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "- $(free -g | awk '/Mem:/ {print $2}') GiB memory; $(uname -sr); $(rustc --version)"
  echo "- load average when the runs started: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "## palisade on generated models (bench/gen_model.py: N components, 4N flows)"
  echo
  echo "check: load and validate. summary: load, facts, rules, risk, plan, a one-screen report (\`analyze --format summary\`, the CI gate's command). json: all of that and the full JSON report written to a file."
  echo
  echo "| components | flows | file size | check: s | check: MiB | summary: s | summary: MiB | json: s | json: MiB | JSON MB | findings |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
} > "$out/results.md"

measure() { # prints "seconds rss_kb" of the fastest of 5 runs (wall time, peak RSS)
  best=""
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" > "$out/stdout.txt" 2> /dev/null || true
    read -r s k <<< "$(tail -n 1 "$out/time.txt")"
    if [ -z "$best" ] || awk "BEGIN{exit !($s < ${best% *})}"; then best="$s $k"; fi
  done
  echo "$best"
}

for n in 1000 10000 50000; do
  f="$out/model-$n.yaml"
  python3 bench/gen_model.py "$n" $((4 * n)) > "$f"
  read -r cs ck <<< "$(measure "$bin" check "$f")"
  read -r ss sk <<< "$(measure "$bin" analyze --format summary "$f")"
  read -r as ak <<< "$(measure "$bin" analyze --format json "$f")"
  mb=$(( $(stat -c %s "$out/stdout.txt") / 1000000 ))
  findings=$(python3 -c "import json; print(json.load(open('$out/stdout.txt'))['summary']['findings'])")
  size=$(du -h "$f" | cut -f1)
  echo "| $n | $((4 * n)) | $size | $cs | $((ck / 1024)) | $ss | $((sk / 1024)) | $as | $((ak / 1024)) | $mb | $findings |" >> "$out/results.md"
done

# Stages of analyze --format json: the fastest of 5 runs of the phases example, per stage.
for n in 1000 10000 50000; do
  {
    echo
    echo "## Stages on $n components (phases example: fastest of 5 runs per stage; heap in use after it, peak RSS so far)"
    echo
    echo "| stage | ms | heap MiB | peak RSS MiB |"
    echo "|---|---|---|---|"
  } >> "$out/results.md"
  for _ in 1 2 3 4 5; do
    target/release/examples/phases "$out/model-$n.yaml" 2>&1 >/dev/null
  done | awk '
    { ms = $2; if (!($1 in best) || ms < best[$1]) best[$1] = ms; heap[$1] = $9; rss[$1] = $6
      if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
    END { for (i = 1; i <= k; i++) { s = order[i]; printf "| %s | %.0f | %s | %s |\n", s, best[s], heap[s], rss[s] } }' \
    >> "$out/results.md"
done

# Linearity without the machine's caches in the way: instructions the graph analysis executes.
if command -v valgrind > /dev/null; then
  {
    echo
    echo "## Instructions of the graph analysis (callgrind, palisade_analysis::analyze_with only)"
    echo
    echo "| components | instructions |"
    echo "|---|---|"
  } >> "$out/results.md"
  for n in 10000 50000; do
    valgrind --tool=callgrind --callgrind-out-file="$out/callgrind-$n.out" \
      --toggle-collect='palisade_analysis::analyze_with*' "$bin" analyze --facts "$out/model-$n.yaml" \
      > /dev/null 2>&1
    echo "| $n | $(awk '/^summary:/ {print $2}' "$out/callgrind-$n.out") |" >> "$out/results.md"
  done
fi

{
  echo
  echo "## Findings per example (palisade analyze)"
  echo
  echo "| example | components | findings | attack paths | findings per component |"
  echo "|---|---|---|---|---|"
} >> "$out/results.md"
for f in examples/*.yaml; do
  "$bin" analyze --format json "$f" > "$out/ex.json"
  python3 - "$f" "$out/ex.json" >> "$out/results.md" <<'PY'
import json, sys
v = json.load(open(sys.argv[2])); s = v["summary"]
per = ", ".join(f"{k} {n}" for k, n in sorted(s["by_component"].items(), key=lambda x: (-x[1], x[0])))
print(f"| {sys.argv[1]} | {s['components']} | {s['findings']} | {s['attack_paths']} | {per or '—'} |")
PY
done

if [ "$pytm" = 1 ]; then
  python3 -c "import pytm" 2>/dev/null || pip install -q pytm
  {
    echo
    echo "## pytm $(pip show pytm 2>/dev/null | awk '/^Version/ {print $2}') on the equivalent support RAG assistant (bench/pytm/support_rag.py)"
    echo
  } >> "$out/results.md"
  python3 bench/pytm/support_rag.py --json "$out/pytm-rag.json" > /dev/null
  "$bin" analyze --format json examples/support-rag-assistant.yaml > "$out/palisade-rag.json"
  python3 - "$out/pytm-rag.json" "$out/palisade-rag.json" >> "$out/results.md" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["findings"]; q = json.load(open(sys.argv[2]))
llm = [f for f in p if f["threat_id"].startswith("LLM")]
flows = {}
for f in p:
    flows.setdefault(f["target"], set()).add(f["threat_id"])
print("| tool | findings | AI-specific findings | mapped to ATLAS | attack paths |")
print("|---|---|---|---|---|")
print(f"| pytm | {len(p)} | {len(llm)} | 0 | 0 |")
ai = [f for f in q["findings"] if f["category"] != "classic"]
atlas = [f for f in q["findings"] if f["mappings"]["atlas"]]
print(f"| palisade | {len(q['findings'])} | {len(ai)} | {len(atlas)} | {len(q['attack_paths'])} |")
PY
  {
    echo
    echo "## pytm on the generated shapes (bench/pytm/scale.py; tm.resolve())"
    echo
    echo "| elements | flows | wall s | peak RSS MiB |"
    echo "|---|---|---|---|"
  } >> "$out/results.md"
  for n in 1000 10000; do
    read -r s k <<< "$( /usr/bin/time -f "%e %M" python3 bench/pytm/scale.py "$n" $((4 * n)) 2>&1 >/dev/null | tail -1 )"
    echo "| $n | $((4 * n)) | $s | $((k / 1024)) |" >> "$out/results.md"
  done
fi
cat "$out/results.md"
