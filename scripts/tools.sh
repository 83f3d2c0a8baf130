# shellcheck shell=bash
# Idempotent installers for Planwright's toolchain. Sourced by scripts/serve and scripts/test.
# Versions are pinned; docs/TOOLCHAIN.md says which work together and why each flag is what it is.
# Nothing here downloads a prebuilt binary: cargo builds from crates.io source, npm fetches
# binaryen (whose wasm-opt is a JS/Wasm package), apt installs Debian packages.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WASM_BINDGEN_VERSION="0.2.130"
TRUNK_VERSION="0.21.14"
WASM_PACK_VERSION="0.15.1"
BINARYEN_VERSION="132"
PLAYWRIGHT_VERSION="1.65.1"

export PATH="$HOME/.cargo/bin:$ROOT/.tools/node_modules/.bin:$PATH"

log() { printf '\033[1;34m[planwright]\033[0m %s\n' "$*" >&2; }

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_wasm_bindgen() {
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (from source, ~2 min)"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

ensure_trunk() {
  if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION"; then
    log "installing trunk $TRUNK_VERSION (from source, ~6 min)"
    cargo install trunk --version "$TRUNK_VERSION" --locked --force
  fi
}

ensure_wasm_pack() {
  if ! wasm-pack --version 2>/dev/null | grep -q " $WASM_PACK_VERSION"; then
    log "installing wasm-pack $WASM_PACK_VERSION (from source, ~2 min)"
    cargo install wasm-pack --version "$WASM_PACK_VERSION" --force
  fi
}

ensure_wasm_opt() {
  if ! "$ROOT/.tools/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
    log "installing binaryen $BINARYEN_VERSION (wasm-opt) from npm into .tools/"
    npm install --prefix "$ROOT/.tools" --no-audit --no-fund "binaryen@$BINARYEN_VERSION"
  fi
}

ensure_playwright() {
  if [ ! -d "$ROOT/.tools/node_modules/playwright-core" ]; then
    log "installing playwright-core (driver only; it uses Debian's chromium) from npm into .tools/"
    npm install --prefix "$ROOT/.tools" --no-audit --no-fund "playwright-core@$PLAYWRIGHT_VERSION"
  fi
}

ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    log "installing Debian chromium and chromium-driver"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver
  fi
}

ensure_brotli() {
  if ! command -v brotli >/dev/null; then
    log "installing Debian's brotli (the bundle budget is measured as served: brotli)"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq brotli
  fi
}

# The release .wasm's budget, measured as a static host serves it: brotli -q 11 (README, "Bundle
# size"). The check fails above it, in every mode.
BUNDLE_BUDGET_BROTLI=350000

# Builds the release bundle into dist/ with the stable compiler's stable flags only (release
# profile in Cargo.toml, Leptos' erase_components cfg in .cargo/config.toml, wasm-opt as
# index.html asks).
build_release_bundle() {
  trunk build --release "$@"
}

# The served sizes of a .wasm: "raw=… brotli=… gzip=…".
wasm_sizes() {
  echo "raw=$(stat -c %s "$1") brotli=$(brotli -c -q 11 "$1" | wc -c) gzip=$(gzip -9 -c "$1" | wc -c)"
}

# Prints the served sizes of the page's release .wasm (brotli, with gzip beside it), reports how far
# it is over the brotli budget and fails above the ceiling; prints the workers' .wasm beside it (each
# loaded when first needed, so outside the budget). Trunk names the page's .wasm
# planwright-<hash>_bg.wasm and a worker's <binary>_bg.wasm (no hash).
check_bundle_budget() {
  ensure_brotli
  local wasm worker br
  wasm="$(ls "$ROOT"/dist/planwright-*_bg.wasm)"
  if [ "$(echo "$wasm" | wc -l)" -ne 1 ]; then
    echo "dist/ must hold one planwright-*_bg.wasm: $(ls "$ROOT"/dist/*.wasm)" >&2
    return 1
  fi
  br=$(brotli -c -q 11 "$wasm" | wc -c)
  log "bundle: $(basename "$wasm") $(wasm_sizes "$wasm") bytes (budget: $BUNDLE_BUDGET_BROTLI brotli)"
  for worker in "compute_worker:loaded once a goal or plan is typed, or a plan drawn" \
    "provider_worker:loaded once a goal or plan is typed, or a provider is needed" \
    "markdown_worker:loaded on the first result shown"; do
    if [ ! -f "$ROOT/dist/${worker%%:*}_bg.wasm" ]; then
      echo "dist/ must hold ${worker%%:*}_bg.wasm: $(ls "$ROOT"/dist/*.wasm)" >&2
      return 1
    fi
    log "worker: ${worker%%:*}_bg.wasm $(wasm_sizes "$ROOT/dist/${worker%%:*}_bg.wasm") bytes (${worker#*:})"
  done
  if [ "$br" -gt "$BUNDLE_BUDGET_BROTLI" ]; then
    echo "OVER BUDGET: the .wasm is $br bytes brotli, $((br - BUNDLE_BUDGET_BROTLI)) over its budget of $BUNDLE_BUDGET_BROTLI (README, Bundle size)" >&2
    return 1
  fi
  log "within budget: $((BUNDLE_BUDGET_BROTLI - br)) bytes brotli to spare"
}
