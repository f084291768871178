#!/usr/bin/env bash
# Reproduces every figure in docs/benchmarks.md (artifact scanner section): generates the fixtures, times palisade and
# the peer scanners (picklescan, modelscan, fickling from PyPI) on them, and hashes a directory.
# Usage: bench/scan/run.sh [FIXTURE_DIR]   (PEERS_VENV=dir reuses an existing virtualenv)
set -euo pipefail
cd "$(dirname "$0")/../.."
FIX=$(realpath -m "${1:-target/scan-bench}")
RUNS=${RUNS:-3}
M="python3 $PWD/bench/scan/measure.py"

echo "## machine"; nproc; grep -m1 'model name' /proc/cpuinfo || true; free -g | head -2
[ -f "$FIX/op_heavy.pkl" ] || python3 bench/scan/make_fixtures.py "$FIX"
[ -f "$FIX/multi_1g.pkl" ] || for i in $(seq 25); do cat "$FIX/op_heavy.pkl"; done > "$FIX/multi_1g.pkl"
cat "$FIX"/*.pkl > /dev/null; cat "$FIX/torch_zip.pt" "$FIX"/manifest_dir/* > /dev/null  # page cache

cargo build --release --locked -p palisade-cli >/dev/null 2>&1
B=$PWD/target/release/palisade
python3 -c "import pickletools,sys; print('op_heavy opcodes:', sum(1 for _ in pickletools.genops(open(sys.argv[1],'rb').read())))" "$FIX/op_heavy.pkl"

echo "## palisade (scan, no hashing)"
for f in op_heavy.pkl byte_heavy.pkl torch_zip.pt malicious.pkl sparse_10g.pkl multi_1g.pkl; do
  $M "palisade $f" "$RUNS" -- $B scan --no-hash -q "$FIX/$f"
done
echo "## palisade (scan with SHA-256 of each file)"
for f in op_heavy.pkl torch_zip.pt; do
  $M "palisade --hash $f" "$RUNS" -- $B scan -q "$FIX/$f"
done
$B scan --no-hash --format json "$FIX/torch_zip.pt" | python3 -c "import json,sys; f=json.load(sys.stdin)['files'][0]; print('torch_zip bytes_inspected:', f['bytes_inspected'], 'of', f['size'])"

echo "## palisade manifest (SHA-256 + BLAKE3, 1 GiB in 4 files)"
$M "palisade manifest create" "$RUNS" -- $B manifest create -q -o /dev/null "$FIX/manifest_dir"

VENV=${PEERS_VENV:-target/peers}
if [ ! -x "$VENV/bin/picklescan" ]; then
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q picklescan modelscan fickling typing_extensions
fi
VENV=$(cd "$VENV" && pwd)
echo "## peers ($("$VENV/bin/pip" list 2>/dev/null | grep -iE '^(picklescan|modelscan|fickling) ' | tr -s ' ' | paste -sd, -))"
for f in op_heavy.pkl byte_heavy.pkl torch_zip.pt malicious.pkl; do
  $M "picklescan $f" 1 -- "$VENV/bin/picklescan" -p "$FIX/$f"
  $M "modelscan $f" 1 -- "$VENV/bin/modelscan" -p "$FIX/$f"
done
for f in op_heavy.pkl byte_heavy.pkl malicious.pkl; do
  # fickling writes safety_results.json into the working directory
  (cd "$FIX" && $M "fickling $f" 1 -- "$VENV/bin/fickling" --check-safety "$FIX/$f")
done

echo "## detection differential (exit codes; 1 = caught, 0 = passed as clean, other = not scanned/error)"
EV="$FIX/evasions"
python3 bench/scan/make_evasions.py "$EV"
printf '%-26s %10s %10s %10s %10s\n' sample palisade picklescan modelscan fickling
for f in renamed.pt memo_desync.pkl numpy_build_gadget.pkl legacy_4th_pickle.bin bytes_operand.pkl resolve_name.pkl duplicate_member.pt dir; do
  us=$($B scan -q --no-hash "$EV/$f" >/dev/null 2>&1; echo $?)
  ps=$("$VENV/bin/picklescan" -p "$EV/$f" >/dev/null 2>&1; echo $?)
  ms=$("$VENV/bin/modelscan" -p "$EV/$f" >/dev/null 2>&1; echo $?)
  fk=$( (cd "$EV" && "$VENV/bin/fickling" --check-safety "$EV/$f") >/dev/null 2>&1; echo $?)
  printf '%-26s %10s %10s %10s %10s\n' "$f" "$us" "$ps" "$ms" "$fk"
done
