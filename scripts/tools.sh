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

ensure_rust_src() {
  if ! rustup component list --installed | grep -q '^rust-src'; then
    log "adding the rust-src component (the release bundle rebuilds the standard library for size)"
    # Bounded, so a machine that cannot reach rustup's server falls back instead of waiting.
    timeout 300 rustup component add rust-src
  fi
}

# Exports the release bundle's size settings into this shell: the standard library rebuilt with the
# app's size profile (`build-std`) and panics compiled to bare traps (`-Cpanic=immediate-abort`, so
# a release panic shows no message; debug builds and the tests keep them). Both are unstable flags:
# RUSTC_BOOTSTRAP=1 unlocks them on the stable compiler, for the release bundle only. They save about
# 28 KB of the gzipped .wasm, which brings it under the 350 KB budget.
export_small_bundle_flags() {
  export RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort
  export RUSTFLAGS="--cfg erase_components -Zunstable-options -Cpanic=immediate-abort"
}

# Builds the release bundle into dist/ with the size settings; if this toolchain refuses them (say a
# later stable changed the unstable flags, or rust-src cannot be added), logs that and builds with the
# plain stable settings instead. Sets BUNDLE_FLAGS to "small" or "plain" accordingly.
build_release_bundle() {
  if ensure_rust_src && (export_small_bundle_flags && trunk build --release "$@"); then
    BUNDLE_FLAGS=small
  else
    log "the size-optimised release build failed (above); building with the plain stable settings"
    trunk build --release "$@"
    BUNDLE_FLAGS=plain
  fi
}
