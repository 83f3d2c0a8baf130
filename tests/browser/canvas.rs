//! The canvas: a small plan opens whole and legible; a large one draws only what is near the view,
//! brings a task it moves to into view, gives way to a far-out view when zoomed far out, and a status
//! change redraws no box.

use crate::call_log::CallLog;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::dom::*;

/// Eight tasks in five columns, with names longer than a line.
const EIGHT_TASKS: &str = r#"{"tasks":[
{"id":"T1","name":"Collect sources on the history of tea","depends_on":[]},
{"id":"T2","name":"Chinese origins and legends","depends_on":["T1"]},
{"id":"T3","name":"Trade routes to Europe","depends_on":["T1"]},
{"id":"T4","name":"Tea in Japan","depends_on":["T1"]},
{"id":"T5","name":"The British tea trade and the Opium Wars","depends_on":["T2","T3"]},
{"id":"T6","name":"Tea plantations in India","depends_on":["T3"]},
{"id":"T7","name":"Compare the traditions","depends_on":["T4","T5"]},
{"id":"T8","name":"Write the final report","depends_on":["T6","T7"]}]}"#;

/// Smallest text on screen that counts as legible, in CSS pixels.
const LEGIBLE_PX: f64 = 10.0;

/// A plan of `n` tasks in rows of ten, each depending on the task above it.
fn grid_plan(n: usize) -> String {
    let tasks: Vec<String> = (0..n)
        .map(|i| {
            let dep = if i >= 10 { format!("\"G{}\"", i - 10) } else { String::new() };
            format!("{{\"id\":\"G{i}\",\"name\":\"Grid step {i}\",\"depends_on\":[{dep}]}}")
        })
        .collect();
    format!("{{\"tasks\":[{}]}}", tasks.join(","))
}

/// Imports a plan too large for the preview to draw, and keeps it.
async fn import_large(app: &Mounted, json: &str) {
    wait_until("the app to load", 5_000.0, || find(&app.root, "[data-testid='import-button']").is_some()).await;
    type_into(&app.root, "import-input", json);
    click(&app.root, "import-button");
    keep_preview(&app.root).await;
    wait_until("the graph", 5_000.0, || !node_statuses(&app.root).is_empty()).await;
}

/// On-screen pixels per layout unit of the drawing.
fn scale(app: &Mounted) -> f64 {
    let svg = find(&app.root, "[data-testid='plan-graph']").unwrap();
    let width: f64 = svg.get_attribute("width").unwrap().parse().unwrap();
    let view_box: Vec<f64> =
        svg.get_attribute("viewBox").unwrap().split_whitespace().map(|v| v.parse().unwrap()).collect();
    width / view_box[2]
}

/// Computed font size of the first element matching `selector`, in layout units.
fn font_size(app: &Mounted, selector: &str) -> f64 {
    let el = find(&app.root, selector).expect(selector);
    let style = web_sys::window().unwrap().get_computed_style(&el).unwrap().unwrap();
    style.get_property_value("font-size").unwrap().trim_end_matches("px").parse().unwrap()
}

#[wasm_bindgen_test]
async fn an_eight_task_plan_opens_whole_in_the_panel_with_legible_text() {
    let app = mount_app(&unique_db("canvas-fit"), CallLog::default(), demo_settings(10, 0.0));
    // Laid out as in a wide desktop window, whatever the size of the test browser's.
    app.root.style().set_property("width", "1600px").unwrap();
    import(&app.root, EIGHT_TASKS, 8).await;
    let scroll = find(&app.root, ".graph-scroll").unwrap();
    let inside = || {
        let panel = scroll.get_bounding_client_rect();
        let (left, top) =
            (panel.left() + f64::from(scroll.client_left()), panel.top() + f64::from(scroll.client_top()));
        let (right, bottom) = (left + f64::from(scroll.client_width()), top + f64::from(scroll.client_height()));
        find_all(&app.root, "[data-testid='task-node']").iter().all(|node| {
            let r = node.get_bounding_client_rect();
            r.left() >= left - 1.0 && r.top() >= top - 1.0 && r.right() <= right + 1.0 && r.bottom() <= bottom + 1.0
        })
    };
    wait_until("every box inside the visible panel", 2_000.0, inside).await;
    let z = scale(&app);
    for selector in [".node-name", ".node-status"] {
        let px = font_size(&app, selector) * z;
        assert!(px >= LEGIBLE_PX, "{selector} is {px:.1} px on screen at zoom {z:.2}");
    }
    let svg_height = find(&app.root, "[data-testid='plan-graph']").unwrap().get_bounding_client_rect().height();
    assert!(
        f64::from(scroll.client_height()) <= svg_height.max(120.0) + 24.0,
        "the panel is as tall as the plan ({} px for a {svg_height:.0} px drawing)",
        scroll.client_height()
    );
    // A long name wraps onto a second line between words, and shows whole in the tooltip.
    let t5 = find(&app.root, "[data-task-id='T5']").unwrap();
    let lines: Vec<String> =
        find_all(&t5.clone().unchecked_into(), ".node-name").iter().filter_map(|t| t.text_content()).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines.join(" ").starts_with("The British tea trade and the"), "{lines:?}");
    assert!(t5.query_selector("title").unwrap().unwrap().text_content().unwrap().contains("the Opium Wars"));
}

#[wasm_bindgen_test]
async fn a_large_plan_draws_what_is_near_the_view_moves_tasks_into_view_and_zooms_far_out() {
    let app = mount_app(&unique_db("canvas-large"), CallLog::default(), demo_settings(10, 0.0));
    import_large(&app, &grid_plan(1_000)).await;
    let svg = find(&app.root, "[data-testid='plan-graph']").unwrap();
    assert_eq!(svg.get_attribute("data-drawn").as_deref(), Some("near"));
    let drawn = node_statuses(&app.root).len();
    assert!(drawn < 400, "only the boxes near the view are in the page: {drawn} of 1,000");
    let scroll = find(&app.root, ".graph-scroll").unwrap();
    // Arrows move to tasks beyond the drawn part: each is scrolled into view, drawn and focused.
    let active = || {
        web_sys::window().unwrap().document().unwrap().active_element().and_then(|e| e.get_attribute("data-task-id"))
    };
    assert!(find(&app.root, "[data-task-id='G0']").is_some(), "the first task is drawn");
    for step in 1..=60 {
        let here = active().unwrap_or_else(|| "G0".into());
        let script = format!(
            "document.querySelector('[data-task-id=\"{here}\"]').dispatchEvent(new KeyboardEvent('keydown', {{key: 'ArrowRight', bubbles: true}}))"
        );
        js_sys::eval(&script).unwrap();
        let what = format!("the task right of {here} focused (step {step})");
        wait_until(&what, 5_000.0, || active().is_some_and(|a| a != here)).await;
        if step == 60 {
            let id = active().unwrap();
            let node = find(&app.root, &format!("[data-task-id='{id}']")).unwrap().get_bounding_client_rect();
            let view = scroll.get_bounding_client_rect();
            assert!(node.right() <= view.right() + 1.0 && node.left() >= view.left() - 1.0, "{id} is in view");
        }
    }
    assert!(scroll.scroll_left() > 0, "the view followed the keyboard");
    // Zoomed far out, one canvas draws the graph instead of its boxes.
    for _ in 0..12 {
        click(&app.root, "zoom-out");
    }
    wait_until("the far-out view", 3_000.0, || find(&app.root, "[data-testid='graph-lod']").is_some()).await;
    assert!(node_statuses(&app.root).is_empty(), "no box is in the page far out");
    // A click on it zooms in there.
    let lod: web_sys::HtmlElement = find(&app.root, "[data-testid='graph-lod']").unwrap().unchecked_into();
    lod.click();
    wait_until("boxes again", 3_000.0, || !node_statuses(&app.root).is_empty()).await;
}

#[wasm_bindgen_test]
async fn a_status_change_redraws_no_box() {
    let app = mount_app(&unique_db("canvas-status"), CallLog::default(), demo_settings(10, 0.0));
    import(&app.root, &grid_plan(40), 40).await;
    js_sys::eval(
        "window.__boxesRedrawn = 0; new MutationObserver((m) => { window.__boxesRedrawn += m.length; })\
         .observe(document.querySelector('svg.plan-graph g.nodes'), {childList: true});",
    )
    .unwrap();
    click(&app.root, "run-button");
    wait_until("the run to finish", 20_000.0, || text_of(&app.root, "run-status") == "finished").await;
    assert!(node_statuses(&app.root).iter().all(|(_, s)| s == "completed"));
    let redrawn = js_sys::eval("window.__boxesRedrawn").unwrap().as_f64().unwrap();
    assert_eq!(redrawn, 0.0, "boxes were added or removed while only statuses changed");
}

#[wasm_bindgen_test]
async fn without_the_compute_worker_a_plan_is_drawn_in_plain_columns_and_the_page_says_why() {
    // The page's layouter, whose worker files the test server does not have.
    let app = mount_env(planwright::app::state::AppEnv {
        compute: std::rc::Rc::new(planwright::io::compute_worker::WorkerCompute),
        ..demo_env("no-compute-worker")
    });
    // A plan typed into the import box is read by the worker too: the page says why it cannot be,
    // and the text stays.
    wait_until("the app to load", 5_000.0, || find(&app.root, "[data-testid='import-button']").is_some()).await;
    type_into(&app.root, "import-input", EIGHT_TASKS);
    click(&app.root, "import-button");
    wait_until("the import refused", 5_000.0, || text_of(&app.root, "notice").contains("Import failed")).await;
    assert!(text_of(&app.root, "notice").contains("compute worker is unavailable"), "{}", text_of(&app.root, "notice"));
    let import: web_sys::HtmlTextAreaElement =
        find(&app.root, "[data-testid='import-input']").unwrap().unchecked_into();
    assert_eq!(import.value(), EIGHT_TASKS);
    // A plan from the provider is drawn in plain columns, and the page says why.
    plan_goal(&app.root, "Research heat pumps").await;
    wait_until("the notice", 5_000.0, || text_of(&app.root, "notice").contains("plain columns")).await;
    assert!(text_of(&app.root, "notice").contains("compute worker is unavailable"), "{}", text_of(&app.root, "notice"));
    let boxes: Vec<web_sys::DomRect> = node_statuses(&app.root)
        .iter()
        .map(|(id, _)| find(&app.root, &format!("[data-task-id='{id}']")).unwrap().get_bounding_client_rect())
        .collect();
    assert!(boxes.len() >= 5, "{} boxes", boxes.len());
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let apart =
                a.right() <= b.left() || b.right() <= a.left() || a.bottom() <= b.top() || b.bottom() <= a.top();
            assert!(apart, "two boxes overlap");
        }
    }
    let columns: std::collections::BTreeSet<i64> = boxes.iter().map(|b| b.left().round() as i64).collect();
    assert!(columns.len() >= 3, "in columns: {columns:?}");
    // The plan is usable: a task can be selected and inspected.
    select_task(&app.root, "T1").await;
    assert_eq!(text_of(&app.root, "inspector-status"), "pending");
}

/// A compute whose answers wait until released, keeping every request it was given.
#[derive(Clone, Default)]
struct HeldCompute(std::rc::Rc<std::cell::RefCell<HeldRequests>>);

type ComputeAnswerResult = Result<planwright::compute_request::ComputeAnswer, planwright::io::compute::ComputeError>;

#[derive(Default)]
struct HeldRequests {
    asked: usize,
    waiting: Vec<(planwright::compute_request::ComputeRequest, futures::channel::oneshot::Sender<ComputeAnswerResult>)>,
}

impl planwright::io::compute::Compute for HeldCompute {
    fn run(
        &self,
        request: planwright::compute_request::ComputeRequest,
    ) -> futures::future::LocalBoxFuture<'static, ComputeAnswerResult> {
        let (reply, answer) = futures::channel::oneshot::channel();
        let mut held = self.0.borrow_mut();
        held.asked += 1;
        held.waiting.push((request, reply));
        Box::pin(async move { answer.await.unwrap() })
    }
}

impl HeldCompute {
    /// Answers every held request, in order.
    fn release(&self) {
        let waiting: Vec<_> = self.0.borrow_mut().waiting.drain(..).collect();
        for (request, reply) in waiting {
            let _ = reply.send(Ok(request.answer()));
        }
    }

    fn asked(&self) -> usize {
        self.0.borrow().asked
    }

    fn waiting(&self) -> usize {
        self.0.borrow().waiting.len()
    }
}

#[wasm_bindgen_test]
async fn changes_made_while_a_drawing_is_made_are_drawn_together_next() {
    let compute = HeldCompute::default();
    let app = mount_env(planwright::app::state::AppEnv {
        compute: std::rc::Rc::new(compute.clone()),
        ..demo_env("held-compute")
    });
    wait_until("the app to load", 5_000.0, || {
        find(&app.root, "[data-testid='plan-button']").is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    type_into(&app.root, "import-input", EIGHT_TASKS);
    click(&app.root, "import-button");
    // The plan is read first (by the compute worker too), then drawn.
    wait_until("the plan read", 5_000.0, || compute.waiting() == 1).await;
    compute.release();
    // A drawing asked for is drawn once answered.
    wait_until("the preview's drawing asked for", 5_000.0, || compute.waiting() == 1).await;
    assert!(node_statuses(&app.root).is_empty(), "nothing is drawn before the answer");
    compute.release();
    wait_until("the preview drawn", 5_000.0, || node_statuses(&app.root).len() == 8).await;
    keep_preview(&app.root).await;
    compute.release();
    wait_until("the kept plan drawn", 5_000.0, || node_statuses(&app.root).len() == 8 && compute.waiting() == 0).await;
    let asked = compute.asked();
    // Three tasks added while the first addition's drawing is being made: one more drawing, not three.
    click(&app.root, "add-task");
    wait_until("a drawing asked for", 2_000.0, || compute.waiting() == 1).await;
    click(&app.root, "add-task");
    click(&app.root, "add-task");
    gloo_timers::future::TimeoutFuture::new(50).await;
    assert_eq!((compute.asked(), compute.waiting()), (asked + 1, 1), "one drawing at a time");
    compute.release();
    // The first addition is drawn; the next drawing, of all three, is asked for at once.
    wait_until("the first addition drawn", 2_000.0, || node_statuses(&app.root).len() == 9).await;
    wait_until("the next drawing asked for", 2_000.0, || compute.waiting() == 1).await;
    compute.release();
    wait_until("all three additions drawn", 2_000.0, || node_statuses(&app.root).len() == 11).await;
    gloo_timers::future::TimeoutFuture::new(50).await;
    assert_eq!(compute.asked(), asked + 2, "the three changes took two drawings");
}
