//! scripts/proxies-meta, the step of the post_build hook that `scripts/serve --proxy` turns on: it
//! writes the proxies list into the built page as `<meta name="planwright-proxies">` (read by the
//! page, see `llm::served_proxies`) and refuses a list that could break out of the attribute. (The
//! proxy's end-to-end check, tests/e2e/proxy.cjs, serves the real page through the real proxy.)
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use planwright::llm::served_proxies::{parse_proxies, ServedProxy};

/// A staging folder of its own holding `index.html` and the proxies list `list`.
fn staging(name: &str, list: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("planwright-proxies-meta-{}-{name}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("index.html"), "<html><head>\n<title>t</title>\n</head><body></body></html>\n").unwrap();
    fs::write(dir.join("list.json"), list).unwrap();
    dir
}

fn run_step(dir: &Path) -> bool {
    Command::new("sh")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/proxies-meta"))
        .arg(dir.join("list.json"))
        .env("TRUNK_STAGING_DIR", dir)
        .status()
        .expect("sh runs")
        .success()
}

#[test]
fn the_list_lands_in_the_page_as_the_page_reads_it() {
    let list = r#"[{"path":"/proxy/0/","backend":"http://localhost:11434"},{"path":"/proxy/1/","backend":"https://x.test/api"}]"#;
    let dir = staging("ok", &format!("{list}\n"));
    assert!(run_step(&dir));
    let page = fs::read_to_string(dir.join("index.html")).unwrap();
    let tag = format!("<meta name=\"planwright-proxies\" content='{list}' /></head>");
    assert!(page.contains(&tag), "{page}");
    let content = page.split("content='").nth(1).unwrap().split('\'').next().unwrap();
    assert_eq!(
        parse_proxies(content),
        [
            ServedProxy { path: "/proxy/0/".into(), backend: "http://localhost:11434".into() },
            ServedProxy { path: "/proxy/1/".into(), backend: "https://x.test/api".into() },
        ]
    );
}

#[test]
fn a_list_that_could_leave_the_attribute_is_refused() {
    for (name, list) in [("quote", r#"[{"backend":"http://a'b"}]"#), ("tag", r#"[{"backend":"http://a></head>"}]"#)] {
        let dir = staging(name, list);
        assert!(!run_step(&dir), "{name}");
        assert!(!fs::read_to_string(dir.join("index.html")).unwrap().contains("planwright-proxies"), "{name}");
    }
}
