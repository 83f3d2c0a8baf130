//! docs/TOOLCHAIN.md is the repository's own toolchain notes: every version `scripts/tools.sh` pins is
//! in it, the scripts and the README point to it, and nothing points to notes outside the repository.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::Path;

fn read(path: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The `NAME="value"` assignments of `scripts/tools.sh` whose name ends in `_VERSION`.
fn pinned_versions(tools: &str) -> Vec<(String, String)> {
    tools
        .lines()
        .filter_map(|line| line.split_once('='))
        .filter(|(name, _)| name.ends_with("_VERSION") && !name.contains(' '))
        .map(|(name, value)| (name.to_string(), value.trim_matches('"').to_string()))
        .collect()
}

#[test]
fn every_version_pinned_in_tools_sh_is_in_the_toolchain_doc() {
    let doc = read("docs/TOOLCHAIN.md");
    let pinned = pinned_versions(&read("scripts/tools.sh"));
    assert!(pinned.len() >= 5, "tools.sh pins wasm-bindgen, trunk, wasm-pack, binaryen, playwright: {pinned:?}");
    for (name, version) in pinned {
        assert!(doc.contains(&version), "docs/TOOLCHAIN.md does not mention {name} {version}");
    }
}

#[test]
fn the_scripts_and_the_readme_point_to_the_doc_and_not_outside_the_repository() {
    for path in ["scripts/tools.sh", "README.md"] {
        let text = read(path);
        assert!(text.contains("docs/TOOLCHAIN.md"), "{path} does not point to docs/TOOLCHAIN.md");
    }
    for path in ["scripts/tools.sh", "scripts/test", "scripts/serve", "scripts/bench-checkpoint", "README.md"] {
        assert!(!read(path).contains("../shared"), "{path} points to notes outside the repository");
    }
}
