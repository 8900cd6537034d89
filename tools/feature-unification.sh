#!/usr/bin/env bash
# Fails when a crate shared by the core's test build and the desktop build is asked for other
# features in one than in the other. Cargo then compiles it (and everything above it: typst,
# tantivy) a second time, about ten minutes of CI on two cores. The fix is named in the output:
# ask for the missing features in the root Cargo.toml's feature-unification block (target side:
# [dependencies]; proc-macro side: [build-dependencies]) or in src-tauri/Cargo.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
tree() {
  cargo tree --locked -p "$1" -e "$2" -f '{p} [{f}]' --prefix none --no-dedupe |
    sed 's/ (\*)$//' | grep ' \[' | sort -u
}
core="$(tree hublot normal,build,dev)"
desk="$(tree hublot-desktop normal,build,dev)"
# A variant (name + feature set) of the core's build that the desktop build does not have, for a
# crate both builds compile, is compiled twice.
bad="$(awk -F' \\[' '
  NR == FNR { desk[$0] = 1; name[$1] = 1; next }
  ($1 in name) && !($0 in desk) { print "  core build: " $0 }
' <(echo "$desk") <(echo "$core"))"
if [ -n "$bad" ]; then
  echo "feature-unification: these crates get other features in the desktop build:" >&2
  echo "$bad" >&2
  awk -F' \\[' 'NR == FNR { n[$1] = 1; next } ($1 in n) { print "  desktop:    " $0 }' \
    <(echo "$bad" | sed 's/^  core build: //') <(echo "$desk") >&2
  exit 1
fi
echo "feature-unification: the core's tests and the desktop app share every common crate's build"
