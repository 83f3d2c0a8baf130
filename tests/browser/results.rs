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

/// A renderer that answers only when the test says so: the requests it holds, answered by `release`.
#[derive(Clone, Default)]
struct HeldMarkdown(std::rc::Rc<std::cell::RefCell<Vec<(String, futures::channel::oneshot::Sender<Answer>)>>>);

type Answer = Result<Vec<planwright_markdown::Node>, planwright::io::markdown_renderer::MarkdownError>;

impl planwright::io::markdown_renderer::MarkdownRenderer for HeldMarkdown {
    fn render(&self, text: &str) -> futures::future::LocalBoxFuture<'static, Answer> {
        let (reply, answer) = futures::channel::oneshot::channel();
        self.0.borrow_mut().push((text.to_string(), reply));
        Box::pin(async move { answer.await.unwrap() })
    }
}

impl HeldMarkdown {
    /// Answers every held request with its text's tree.
    fn release(&self) {
        for (text, reply) in self.0.borrow_mut().drain(..) {
            let _ = reply.send(Ok(planwright_markdown::to_tree(&text)));
        }
    }
}

/// Runs [`MARKDOWN_PLAN`] with `markdown` as the app's renderer and shows T1's result.
async fn show_t1_with(
    db: &str,
    markdown: std::rc::Rc<dyn planwright::io::markdown_renderer::MarkdownRenderer>,
) -> Mounted {
    let app = mount_env(planwright::app::state::AppEnv { markdown, ..demo_env(db) });
    import(&app.root, MARKDOWN_PLAN, 3).await;
    click(&app.root, "run-button");
    wait_until("every task completed", 15_000.0, || node_statuses(&app.root).iter().all(|(_, s)| s == "completed"))
        .await;
    select_task(&app.root, "T1").await;
    app
}

#[wasm_bindgen_test]
async fn a_result_shows_its_raw_text_in_a_pre_until_the_renderer_answers() {
    let held = HeldMarkdown::default();
    let app = show_t1_with("held-markdown", std::rc::Rc::new(held.clone())).await;
    let block = find(&app.root, "[data-testid='result-markdown']").unwrap();
    let raw = find(&app.root, "[data-testid='result-markdown'] > pre").expect("the raw text while waiting");
    assert!(raw.text_content().unwrap().contains("| col | val |\n|---|---|"));
    assert!(find(&app.root, "[data-testid='result-markdown'] img").is_none(), "{}", block.inner_html());
    assert!(!block.has_attribute("data-rendered"));
    held.release();
    wait_until("the rendering", 2_000.0, || {
        find(&app.root, "[data-testid='result-markdown'][data-rendered] table").is_some()
    })
    .await;
    assert!(find(&app.root, "[data-testid='result-markdown'] > pre").is_none(), "the raw text was replaced");
}

#[wasm_bindgen_test]
async fn without_the_markdown_worker_a_result_stays_raw_text_and_the_renderer_says_why() {
    use planwright::io::markdown_renderer::{MarkdownError, MarkdownRenderer};
    use planwright::io::markdown_worker::WorkerMarkdown;
    // The test page has no Trunk build beside it: the worker's loader is not there.
    let app = show_t1_with("no-worker", std::rc::Rc::new(WorkerMarkdown)).await;
    let answer = WorkerMarkdown.render("*hi*").await;
    assert!(matches!(answer, Err(MarkdownError::Unavailable(_))), "{answer:?}");
    let block = find(&app.root, "[data-testid='result-markdown']").unwrap();
    assert!(!block.has_attribute("data-rendered") && block.query_selector("table").unwrap().is_none());
    assert!(text_of(&app.root, "result-markdown").contains("<img src=x onerror=alert(1)>"));
    assert!(block.query_selector("img").unwrap().is_none());
    let too_long = "a".repeat(planwright::io::markdown_renderer::MAX_MARKDOWN_BYTES + 1);
    assert!(matches!(WorkerMarkdown.render(&too_long).await, Err(MarkdownError::TooLong(_))));
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
}

/// Clicks `test_id` with `URL.createObjectURL` captured, and returns the text of the Blob the click
/// offered as a download.
async fn downloaded_text(root: &web_sys::HtmlElement, test_id: &str) -> String {
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;
    let url_class = js_sys::Reflect::get(&js_sys::global(), &"URL".into()).unwrap();
    let original = js_sys::Reflect::get(&url_class, &"createObjectURL".into()).unwrap();
    let captured: Rc<RefCell<Option<web_sys::Blob>>> = Rc::default();
    let sink = captured.clone();
    let capture = Closure::<dyn FnMut(web_sys::Blob) -> String>::new(move |blob| {
        *sink.borrow_mut() = Some(blob);
        "data:,".to_string()
    });
    js_sys::Reflect::set(&url_class, &"createObjectURL".into(), capture.as_ref()).unwrap();
    click(root, test_id);
    wait_until("the download", 5_000.0, || captured.borrow().is_some()).await;
    js_sys::Reflect::set(&url_class, &"createObjectURL".into(), &original).unwrap();
    let blob = captured.borrow_mut().take().unwrap();
    wasm_bindgen_futures::JsFuture::from(blob.text()).await.unwrap().as_string().unwrap()
}

#[wasm_bindgen_test]
async fn the_trace_button_downloads_the_run_as_otlp_json() {
    let app = run_markdown_plan("otlp").await;
    let text = downloaded_text(&app.root, "export-otlp").await;
    let trace: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let spans = trace["resourceSpans"][0]["scopeSpans"][0]["spans"].as_array().expect("spans").clone();
    // The run, an attempt and an LLM call per task.
    assert_eq!(spans.len(), 7, "{text}");
    assert_eq!(spans[0]["name"], "run");
    let root_id = spans[0]["spanId"].as_str().unwrap().to_string();
    assert_eq!(root_id.len(), 16);
    assert_eq!(spans[0]["traceId"].as_str().unwrap().len(), 32);
    let attempts: Vec<&serde_json::Value> =
        spans.iter().filter(|s| s["name"].as_str().unwrap().starts_with("task ")).collect();
    assert_eq!(attempts.len(), 3);
    assert!(attempts.iter().all(|s| s["parentSpanId"] == root_id.as_str() && s["status"]["code"] == 1));
    let chat = spans.iter().find(|s| s["name"] == "chat demo").expect("an LLM span");
    assert!(chat["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["key"] == "gen_ai.provider.name" && a["value"]["stringValue"] == "planwright.demo"));
    assert!(chat["startTimeUnixNano"].as_str().unwrap().parse::<u64>().unwrap() > 1_600_000_000_000_000_000);

    click(&app.root, "report-button");
    wait_until("the report's download button", 2_000.0, || {
        find(&app.root, "[data-testid='report-download']").is_some()
    })
    .await;
    let report = downloaded_text(&app.root, "report-download").await;
    let (summary, appendix) = (report.find("## T3 — Summary").unwrap(), report.find("## T2 — Appendix").unwrap());
    assert!(report.starts_with("# ") && summary < appendix, "{report}");
}
