#!/usr/bin/env bash
# End-to-end tests of the web UI and the HTTP API, in headless Chromium (Debian's
# /usr/bin/chromium, driven by playwright-core), against `hublot serve` with the full corpus
# of ../shared/corpus imported; then the same UI in the real desktop window (the release Tauri
# app under Xvfb, driven by tauri-driver + WebKitWebDriver). Exits non-zero on any failure.
#
#   tests/e2e/run.sh            # build the UI and the binaries, import, test
#   HUBLOT_E2E_DATA_DIR=DIR …   # reuse a data dir already imported (skips the import)
#
# Needs: node 20+ and npm, chromium, the Tauri build libraries, xvfb and webkit2gtk-driver
# (Debian packages: .ci/run installs them), tauri-driver (cargo install tauri-driver --locked),
# a Rust toolchain.
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
# `hublot serve`, built as the tests build it: the dev-dependencies unify other features into
# tantivy and typst, so a plain `cargo build --bin hublot` after `cargo test` would compile
# them again (about ten minutes on two cores); a test build leaves the same binary in
# target/release.
cargo test --release --locked --no-run --test bundled

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

echo "== e2e: tests in Chromium (node --test)"
cd tests/e2e
node --test --test-concurrency=1 ./*.test.mjs
cd "$REPO"

echo "== e2e: build the desktop app (release; the UI built above is embedded)"
cargo build --release --locked -p hublot-desktop
export HUBLOT_APP="$CARGO_TARGET_DIR/release/hublot-app"
for tool in xvfb-run tauri-driver; do
  if ! command -v "$tool" >/dev/null; then
    echo "e2e: $tool is missing (xvfb-run: apt-get install -y xvfb; tauri-driver: cargo install tauri-driver --locked)" >&2
    exit 1
  fi
done

echo "== e2e: the real window under Xvfb, through tauri-driver"
cd tests/e2e
xvfb-run -a -s "-screen 0 1440x960x24" node --test --test-concurrency=1 desktop/*.test.mjs
