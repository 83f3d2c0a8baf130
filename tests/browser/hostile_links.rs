//! Share links built to hang the tab: each opens to a preview or a clear message within 2 s, and the
//! page answers input right after.

use planwright::app::share::fragment_for_text;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::call_log::CallLog;
use crate::dom::*;

/// `n` tasks as JSON, each depending on the ids `deps(i)` returns.
fn plan_json(n: usize, deps: impl Fn(usize) -> Vec<usize>) -> String {
    let tasks: Vec<String> = (0..n)
        .map(|i| {
            let deps: Vec<String> = deps(i).into_iter().map(|d| format!("\"T{d}\"")).collect();
            format!(r#"{{"id":"T{i}","name":"Step {i}","depends_on":[{}]}}"#, deps.join(","))
        })
        .collect();
    format!(r#"{{"tasks":[{}]}}"#, tasks.join(","))
}

/// Every hostile shape: (name, text carried by the link).
fn shapes() -> Vec<(&'static str, String)> {
    vec![
        ("unterminated fences", "```\n{\n```\n".repeat(40_000)),
        ("nested brackets", "[".repeat(200_000)),
        // A decompression bomb: 64 MiB of spaces in a link of about 90 KB; inflating stops at 1 MiB.
        ("decompression bomb", " ".repeat(64 << 20)),
        ("chain with a hub", plan_json(1_000, |i| if i < 2 { (0..i).collect() } else { vec![0, i - 1] })),
        (
            "fan-out with one fan-in",
            plan_json(3_002, |i| match i {
                0 => vec![],
                3_001 => (1..3_001).collect(),
                _ => vec![0],
            }),
        ),
        ("5,000-task chain", plan_json(5_000, |i| if i == 0 { vec![] } else { vec![i - 1] })),
        (
            "10,000-task layered DAG",
            plan_json(10_000, |i| if i < 100 { vec![] } else { vec![i - 100, i - 100 + (i % 7)] }),
        ),
    ]
}

#[wasm_bindgen_test]
async fn every_hostile_link_opens_to_a_preview_or_a_message_within_two_seconds() {
    for (name, text) in shapes() {
        let fragment = fragment_for_text(&text).await.unwrap();
        drop(text);
        web_sys::window().unwrap().location().set_hash(&fragment).unwrap();
        let started = js_sys::Date::now();
        let app = mount_app(&unique_db("hostile"), CallLog::default(), demo_settings(10, 0.0));
        wait_until(name, 2_000.0, || {
            find(&app.root, "[data-testid='plan-preview']").is_some()
                || text_of(&app.root, "notice").contains("could not be opened")
        })
        .await;
        let shown = js_sys::Date::now() - started;
        if name == "decompression bomb" {
            let notice = text_of(&app.root, "notice");
            assert!(notice.contains("over 1 MiB once unpacked"), "{notice}");
        }
        type_into(&app.root, "goal-input", "still answering");
        let typed = js_sys::Date::now();
        wait_until("the typed goal", 500.0, || {
            js_sys::Reflect::get(&find(&app.root, "[data-testid='goal-input']").unwrap(), &"value".into())
                .unwrap()
                .as_string()
                .as_deref()
                == Some("still answering")
        })
        .await;
        let answered = js_sys::Date::now() - typed;
        assert!(shown + answered < 2_000.0, "{name}: shown after {shown} ms, answered {answered} ms later");
        web_sys::console::log_1(&format!("{name}: shown after {shown:.0} ms").into());
    }
}
