//! Task results rendered as Markdown (hostile HTML stays text, unsafe links are not links, tables
//! are tables) and the Result view assembling the final tasks' outputs in plan order.

use crate::call_log::CallLog;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::dom::*;

/// T1's description (which the Demo echoes into its result) holds a table, raw HTML and links;
/// T3 and T2 depend on T1 and nothing depends on them, listed in that order.
const MARKDOWN_PLAN: &str = r#"{"tasks":[
 {"id":"T1","name":"Scope","depends_on":[],"description":"\n\n| col | val |\n|---|---|\n| x | 1 |\n\n<img src=x onerror=alert(1)> and <script>alert(1)</script>\n\n[bad](javascript:alert(1)) [good](https://example.com/)"},
 {"id":"T3","name":"Summary","depends_on":["T1"]},
 {"id":"T2","name":"Appendix","depends_on":["T1"]}]}"#;

async fn run_markdown_plan(db: &str) -> Mounted {
    let app = mount_app(&unique_db(db), CallLog::default(), demo_settings(10, 0.0));
    import(&app.root, MARKDOWN_PLAN, 3).await;
    click(&app.root, "run-button");
    wait_until("every task completed", 15_000.0, || node_statuses(&app.root).iter().all(|(_, s)| s == "completed"))
        .await;
    app
}

#[wasm_bindgen_test]
async fn a_result_renders_as_markdown_with_raw_html_as_text_and_only_safe_links() {
    let app = run_markdown_plan("markdown").await;
    select_task(&app.root, "T1").await;
    wait_until("the rendered result", 2_000.0, || find(&app.root, "[data-testid='result-markdown'] table").is_some())
        .await;
    let rendered = find(&app.root, "[data-testid='result-markdown']").unwrap();
    let inside = |selector: &str| rendered.query_selector_all(selector).unwrap().length();
    assert_eq!((inside("img"), inside("script"), inside("iframe")), (0, 0, 0), "{}", rendered.inner_html());
    let text = rendered.text_content().unwrap_or_default();
    assert!(text.contains("<img src=x onerror=alert(1)>") && text.contains("<script>alert(1)</script>"), "{text}");
    assert_eq!(inside("th"), 2);
    assert_eq!(
        find(&app.root, "[data-testid='result-markdown'] td").and_then(|c| c.text_content()).as_deref(),
        Some("x")
    );
    let links = rendered.query_selector_all("a").unwrap();
    assert_eq!(links.length(), 1, "only the https link is a link: {}", rendered.inner_html());
    let link: web_sys::Element = wasm_bindgen::JsCast::unchecked_into(links.item(0).unwrap());
    assert_eq!(link.get_attribute("href").as_deref(), Some("https://example.com/"));
    assert_eq!(link.get_attribute("target").as_deref(), Some("_blank"));
    assert_eq!(link.get_attribute("rel").as_deref(), Some("noopener noreferrer"));
    assert!(text.contains("bad"), "the javascript: link's text stays: {text}");

    click(&app.root, "result-raw-toggle");
    wait_until("the raw text", 2_000.0, || text_of(&app.root, "result-raw").contains("| col | val |")).await;
    assert!(find(&app.root, "[data-testid='result-markdown']").is_none());
}

#[wasm_bindgen_test]
async fn the_result_view_holds_the_final_tasks_outputs_in_plan_order() {
    let app = run_markdown_plan("report").await;
    click(&app.root, "report-button");
    wait_until("the report", 2_000.0, || find(&app.root, "[data-testid='report-view'] h2").is_some()).await;
    let headings: Vec<String> = find_all(&app.root, "[data-testid='report-markdown'] h2")
        .into_iter()
        .filter_map(|h| h.text_content())
        .collect();
    assert_eq!(headings, ["T3 — Summary", "T2 — Appendix"]);
    let text = text_of(&app.root, "report-view");
    let summary = text.find("[Demo result] Summary").expect("T3's output");
    let appendix = text.find("[Demo result] Appendix").expect("T2's output");
    assert!(summary < appendix, "{text}");
    assert!(!text.contains("[Demo result] Scope"), "T1 is not a final task: {text}");
    click(&app.root, "report-download");
    assert!(find(&app.root, ".notice-error").is_none());
}
