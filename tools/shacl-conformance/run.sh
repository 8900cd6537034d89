#!/bin/sh
# Compares `hublot validate --json --shapes …` with pySHACL (pinned, in a venv under
# $HOME/.cache) on the HDH shapes over generated variants of a valid record: see conformance.py.
# Usage: tools/shacl-conformance/run.sh [HUBLOT_BIN] [SHAPES]
# Exit status: 0 when both engines give the same results on every file.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=${1:-${CARGO_TARGET_DIR:-$repo/target}/release/hublot}
shapes=${2:-$repo/../shared/corpus/healthdcat-ap/hdh-shacl-shapes.ttl}
venv=${HUBLOT_PYSHACL_VENV:-$HOME/.cache/hublot-pyshacl}
pin="pyshacl==0.40.1"
if ! "$venv/bin/python" -c 'import pyshacl, sys; sys.exit(pyshacl.__version__ != "0.40.1")' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "$pin"
fi
[ -x "$bin" ] || { echo "shacl-conformance: $bin: no hublot binary (cargo test --release --no-run builds it)" >&2; exit 2; }
exec "$venv/bin/python" "$here/conformance.py" --hublot "$bin" --shapes "$shapes"
