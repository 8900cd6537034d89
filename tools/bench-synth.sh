#!/usr/bin/env bash
# Generation throughput of `hublot synth` against tsfaker (the Python generator the public
# synthetic SNDS was made with) on the same schemas and row counts, in the same run, and the
# coherence figures of `hublot synth --check` on our output and on the corpus's synthetic-snds.
#
#   tools/bench-synth.sh [PERSONS]      (default 86000: about 1 M rows over the 13 core tables)
#
# Needs python3 (a venv with tsfaker is made in the work dir, or TSFAKER_VENV reused) and the
# corpus (HUBLOT_CORPUS, default ../shared/corpus). Prints a summary; the work dir is kept
# (its path is printed) and removed with the next run's `rm -rf` of your choosing.
set -euo pipefail
PERSONS=${1:-86000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=${HUBLOT_CORPUS:-$ROOT/../shared/corpus}
[ -d "$CORPUS/synthetic-snds/schemas" ] || { echo "no corpus at $CORPUS (set HUBLOT_CORPUS)" >&2; exit 1; }
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
if [ -z "${HUBLOT_BIN:-}" ]; then
  (cd "$ROOT" && cargo build --release --locked --bin hublot >&2)
fi
HB=${HUBLOT_BIN:-$CARGO_TARGET_DIR/release/hublot}
W=$(mktemp -d /tmp/bench-synth.XXXX)
export HUBLOT_DATA_DIR=$W/data
"$HB" stats >/dev/null   # installs the bundled catalogue (13 tables) outside the timing

t0=$(date +%s.%N)
"$HB" synth --persons "$PERSONS" --seed 1 --out "$W/ours" --json >"$W/ours.json"
t1=$(date +%s.%N)

VENV=${TSFAKER_VENV:-$W/venv}
if [ ! -x "$VENV/bin/tsfaker" ]; then
  python3 -m venv "$VENV" >&2
  # tsfaker 0.14 uses numpy.math (gone in numpy 2) and the pandas of its time.
  "$VENV/bin/pip" install -q tsfaker "numpy<2" "pandas<2.3" >&2
fi
TSF_VERSION=$("$VENV/bin/pip" show tsfaker | awk '/^Version/ {print $2}')

python3 - "$W" "$VENV/bin/tsfaker" "$t0" "$t1" "$TSF_VERSION" <<'PY'
import json, subprocess, sys, time, os, glob
w, tsf, t0, t1, version = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
m = json.load(open(f"{w}/ours.json"))
ours_s = t1 - t0
import shutil
# tsfaker's output in the same layout (our schemas and code lists beside), so that the checker
# measures it too.
shutil.copytree(f"{w}/ours/nomenclatures", f"{w}/tsfaker/nomenclatures")
start = time.time()
rows = 0
for t in m["tables"]:
    schema = glob.glob(f"{w}/ours/schemas/*/{t['name']}.json")[0]
    n = max(t["rows"], 1)
    dest = os.path.join(w, "tsfaker", os.path.relpath(schema, f"{w}/ours"))
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    d = json.load(open(schema))
    if not d.get("foreignKeys"):
        d.pop("foreignKeys", None)   # (generator version 1 wrote an empty list)
    json.dump(d, open(dest, "w"))
    subprocess.run([tsf, dest, "-n", str(n), "-o", dest[:-5] + ".csv",
                    "--ignore-foreign-keys", "--overwrite", "--logging-level", "ERROR"],
                   check=True, stdout=subprocess.DEVNULL)
    rows += n
tsf_s = time.time() - start
print(f"persons {m['persons']}, rows {m['total_rows']} in {len(m['tables'])} tables")
print(f"hublot synth : {ours_s:8.2f} s  {m['total_rows']/ours_s:12,.0f} rows/s (coherent world, code lists, streamed)")
print(f"tsfaker {version}: {tsf_s:8.2f} s  {rows/tsf_s:12,.0f} rows/s (same schemas and row counts, --ignore-foreign-keys)")
print(f"ratio {tsf_s/ours_s:.1f}x")
json.dump({"persons": m["persons"], "rows": m["total_rows"], "ours_s": ours_s, "tsfaker_s": tsf_s,
           "tsfaker_rows": rows, "tsfaker_version": version}, open(f"{w}/bench.json", "w"), indent=1)
PY

"$HB" synth --check "$W/ours"
"$HB" synth --check "$W/tsfaker"
"$HB" synth --check "$CORPUS/synthetic-snds"
echo "work dir: $W"
