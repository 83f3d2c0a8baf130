//! Helpers to mount the app and drive it through the DOM like a user.

use crate::call_log::CallLog;
use futures::future::LocalBoxFuture;
use leptos::prelude::*;
use planwright::app::state::AppEnv;
use planwright::engine::RunConfig;
use planwright::io::markdown_renderer::{check_size, MarkdownError, MarkdownRenderer};
use planwright::llm::demo::DemoConfig;
use planwright::llm::settings::ProviderSettings;
use planwright::ui::app::App;
use planwright_markdown::{to_tree, Node};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// The browser tests' Markdown renderer: parses in place (the page's worker is built by Trunk, not
/// by wasm-pack), with the same size cap as the page.
pub struct InProcessMarkdown;

impl MarkdownRenderer for InProcessMarkdown {
    fn render(&self, text: &str) -> LocalBoxFuture<'static, Result<Vec<Node>, MarkdownError>> {
        Box::pin(std::future::ready(check_size(text).map(|()| to_tree(text))))
    }
}

/// A mounted app; dropping it unmounts the app.
pub struct Mounted {
    _handle: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
    pub root: HtmlElement,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

/// A fresh database name, so tests never share state.
pub fn unique_db(prefix: &str) -> String {
    format!("{prefix}-{}-{}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e9) as u64)
}

/// Demo settings for tests: fast and, unless asked, never failing.
pub fn demo_settings(latency_ms: u32, failure_rate: f64) -> ProviderSettings {
    ProviderSettings { demo: DemoConfig { seed: 7, failure_rate, latency_ms }, ..ProviderSettings::default() }
}

/// Run settings for tests: quick retries, no re-planning.
pub fn quick_config() -> RunConfig {
    RunConfig { backoff_base_ms: 20, backoff_max_ms: 100, replan_after_failures: 0, ..RunConfig::default() }
}

/// Mounts a fresh app on `db_name`, logging provider calls to `calls`.
pub fn mount_app(db_name: &str, calls: CallLog, settings: ProviderSettings) -> Mounted {
    mount_app_with(db_name, calls, settings, quick_config())
}

/// Mounts a fresh app with explicit run settings.
pub fn mount_app_with(db_name: &str, calls: CallLog, settings: ProviderSettings, config: RunConfig) -> Mounted {
    mount_env(AppEnv {
        db_name: db_name.to_string(),
        providers: calls.providers(),
        settings_key: None,
        initial_settings: Some(settings),
        initial_run_config: Some(config),
        markdown: std::rc::Rc::new(crate::dom::InProcessMarkdown),
        compute: std::rc::Rc::new(planwright::io::compute::InPlaceCompute),
    })
}

/// The environment of a fresh app on a new database named after `db`: the Demo provider (10 ms, no
/// failures), quick run settings, Markdown and pure work done in place. Tests change what they test.
pub fn demo_env(db: &str) -> AppEnv {
    AppEnv {
        db_name: unique_db(db),
        providers: CallLog::default().providers(),
        settings_key: None,
        initial_settings: Some(demo_settings(10, 0.0)),
        initial_run_config: Some(quick_config()),
        markdown: std::rc::Rc::new(InProcessMarkdown),
        compute: std::rc::Rc::new(planwright::io::compute::InPlaceCompute),
    }
}

/// Mounts a fresh app with a whole environment.
pub fn mount_env(env: AppEnv) -> Mounted {
    let document = web_sys::window().unwrap().document().unwrap();
    // The page's stylesheet, as the served page has it (scrolling, hidden panels).
    if document.get_element_by_id("planwright-style").is_none() {
        let style = document.create_element("style").unwrap();
        style.set_id("planwright-style");
        style.set_text_content(Some(include_str!("../../style/main.css")));
        document.head().unwrap().append_child(&style).unwrap();
    }
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let handle = leptos::mount::mount_to(root.clone(), move || view! { <App env=env/> }.into_any());
    Mounted { _handle: handle, root }
}

/// The first element under `root` matching `selector`.
pub fn find(root: &HtmlElement, selector: &str) -> Option<Element> {
    root.query_selector(selector).unwrap()
}

/// Every element under `root` matching `selector`.
pub fn find_all(root: &HtmlElement, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into::<Element>().ok()).collect()
}

/// Clicks the element with `data-testid` = `test_id`.
pub fn click(root: &HtmlElement, test_id: &str) {
    let el: HtmlElement = find(root, &format!("[data-testid='{test_id}']")).expect(test_id).unchecked_into();
    el.click();
}

/// Types `value` into the input or textarea with `data-testid` = `test_id` (fires `input`).
pub fn type_into(root: &HtmlElement, test_id: &str, value: &str) {
    let el = find(root, &format!("[data-testid='{test_id}']")).expect(test_id);
    js_sys::Reflect::set(&el, &"value".into(), &value.into()).unwrap();
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    el.dispatch_event(&event).unwrap();
}

/// `(task id, status)` of every graph node.
pub fn node_statuses(root: &HtmlElement) -> Vec<(String, String)> {
    find_all(root, "[data-testid='task-node']")
        .into_iter()
        .map(|n| {
            (n.get_attribute("data-task-id").unwrap_or_default(), n.get_attribute("data-status").unwrap_or_default())
        })
        .collect()
}

/// Waits (polling every 20 ms) until `condition` holds; panics with `what` after `timeout_ms`.
pub async fn wait_until(what: &str, timeout_ms: f64, mut condition: impl FnMut() -> bool) {
    let start = js_sys::Date::now();
    loop {
        leptos::task::tick().await;
        if condition() {
            return;
        }
        if js_sys::Date::now() - start > timeout_ms {
            panic!("timed out after {timeout_ms} ms waiting for: {what}");
        }
        gloo_timers::future::TimeoutFuture::new(20).await;
    }
}

/// Imports `json` through the import box and waits for `count` graph nodes.
pub async fn import(root: &HtmlElement, json: &str, count: usize) {
    wait_until("the app to load", 5_000.0, || {
        find(root, "[data-testid='plan-button']").is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    type_into(root, "import-input", json);
    click(root, "import-button");
    wait_until("the imported graph", 5_000.0, || node_statuses(root).len() == count).await;
    keep_preview(root).await;
}

/// Keeps the previewed plan (an import or a share link) and waits until it is the current plan.
pub async fn keep_preview(root: &HtmlElement) {
    wait_until("the preview", 5_000.0, || find(root, "[data-testid='preview-keep']").is_some()).await;
    click(root, "preview-keep");
    wait_until("the kept plan", 5_000.0, || find(root, "[data-testid='plan-preview']").is_none()).await;
}

/// Text content of the element with `data-testid` = `test_id` (empty when absent).
pub fn text_of(root: &HtmlElement, test_id: &str) -> String {
    find(root, &format!("[data-testid='{test_id}']")).and_then(|e| e.text_content()).unwrap_or_default()
}

/// Types a goal, presses Plan and waits for the graph.
pub async fn plan_goal(root: &HtmlElement, goal: &str) {
    wait_until("the plan button to be enabled", 5_000.0, || {
        find(root, "[data-testid='plan-button']").is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    type_into(root, "goal-input", goal);
    click(root, "plan-button");
    // Tasks appear while the plan streams in; the plan is complete when it can be run.
    wait_until("the complete plan", 10_000.0, || {
        find(root, "[data-testid='run-button']").is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
}

/// Sets the value of the first element matching `selector` and fires `change` (selects, edited fields).
pub fn change_value(root: &HtmlElement, selector: &str, value: &str) {
    let el = find(root, selector).expect(selector);
    js_sys::Reflect::set(&el, &"value".into(), &value.into()).unwrap();
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    el.dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap()).unwrap();
}

/// Selects task `id` by clicking its graph node and waits for the inspector to show it.
pub async fn select_task(root: &HtmlElement, id: &str) {
    let node = find(root, &format!("[data-task-id='{id}']")).expect(id);
    node.dispatch_event(&web_sys::Event::new("click").unwrap()).unwrap();
    wait_until("the inspector to show the task", 2_000.0, || {
        find(root, ".inspector h2").and_then(|h| h.text_content()).is_some_and(|t| t.starts_with(&format!("{id} ")))
    })
    .await;
}

/// Dependencies listed by the inspector for the selected task, in order.
pub fn inspector_dependencies(root: &HtmlElement) -> Vec<String> {
    find_all(root, "[data-testid='inspector-dependencies'] .dependency .link")
        .into_iter()
        .filter_map(|e| e.text_content())
        .collect()
}
