//! scripts/csp-hash, the Trunk hook that allows the page's inline scripts by hash: it hashes the
//! exact text of every inline script (not scripts with a `src`), writes the hashes over the marker
//! in the Content-Security-Policy, and fails when the marker is missing. (The served-page checks in
//! tests/e2e run the real page under the real policy.)
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh copy of `html` in a file of its own.
fn page(name: &str, html: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("planwright-csp-hash-{}-{name}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join("index.html");
    fs::write(&path, html).unwrap();
    path
}

fn run_hook(path: &Path) -> bool {
    Command::new("sh")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/csp-hash"))
        .arg(path)
        .status()
        .expect("sh runs")
        .success()
}

#[test]
fn every_inline_script_is_hashed_into_the_policy_and_nothing_else() {
    let html = concat!(
        "<html><head>\n",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'self' {{inline-script-hashes}}\">\n",
        "<script src=\"/banner.js\" integrity=\"sha384-x\"></script>\n",
        "<script type=\"module\" nonce=\"n\">\nimport init from '/a.js';\nawait init();\n</script>\n",
        "</head><body><script data-src=\"x\">window.x = \"<b>\";</script></body></html>\n",
    );
    let path = page("ok", html);
    assert!(run_hook(&path));
    let out = fs::read_to_string(&path).unwrap();
    // Computed apart from the script (Python's hashlib) over the exact text between the tags.
    let policy = "script-src 'self' 'sha256-CEXM1Pa85sAih8uNnJxCnrtBHZribfS/gSf1cthcCSU=' \
                  'sha256-5THFyRVYh8652ysd/jBrYEluLfs356ftiYpaht2istQ='\"";
    assert!(out.contains(policy), "{out}");
    assert_eq!(out.replace(policy, ""), html.replace("script-src 'self' {{inline-script-hashes}}\"", ""));
    fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn a_page_without_the_marker_fails_the_build_and_is_left_alone() {
    let html = "<html><head><script>alert(1)</script></head></html>\n";
    let path = page("no-marker", html);
    assert!(!run_hook(&path));
    assert_eq!(fs::read_to_string(&path).unwrap(), html);
    fs::remove_dir_all(path.parent().unwrap()).unwrap();
}
