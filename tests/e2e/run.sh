#!/usr/bin/env bash
# End-to-end tests of the web UI and the HTTP API, in headless Chromium (Debian's
# /usr/bin/chromium, driven by playwright-core), against `hublot serve` with the full corpus
# of ../shared/corpus imported. Exits non-zero on any failure.
#
#   tests/e2e/run.sh            # build the UI and the binaries, import, test
#   HUBLOT_E2E_DATA_DIR=DIR …   # reuse a data dir already imported (skips the import)
#
# Needs: node 20+ and npm, chromium (apt-get install -y chromium), a Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO="$PWD"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/hublot-target}"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

if [ ! -d ../shared/corpus ]; then
  echo "e2e: ../shared/corpus is missing; these tests need the full corpus" >&2
  exit 1
fi
if [ ! -x "$CHROMIUM" ]; then
  echo "e2e: $CHROMIUM is missing: apt-get update && apt-get install -y chromium" >&2
  exit 1
fi

echo "== e2e: build the UI"
npm --prefix ui ci --no-audit --no-fund
npm --prefix ui run build

echo "== e2e: build the binaries (release)"
cargo build --release --locked --bin hublot   # `hublot serve`

echo "== e2e: install the test driver (playwright-core, no browser download)"
npm --prefix tests/e2e ci --no-audit --no-fund

if [ -z "${HUBLOT_E2E_DATA_DIR:-}" ]; then
  HUBLOT_E2E_DATA_DIR="$(mktemp -d -t hublot-e2e-data-XXXXXX)"
  trap 'rm -rf "$HUBLOT_E2E_DATA_DIR"' EXIT
  echo "== e2e: import the full corpus (and a booby-trapped doc tree) into $HUBLOT_E2E_DATA_DIR"
  node --input-type=module -e "
    import { importCorpus } from '$REPO/tests/e2e/harness.mjs';
    importCorpus(process.argv[1]);
  " "$HUBLOT_E2E_DATA_DIR"
fi
export HUBLOT_E2E_DATA_DIR CHROMIUM

echo "== e2e: tests (node --test)"
cd tests/e2e
node --test --test-concurrency=1 ./*.test.mjs
