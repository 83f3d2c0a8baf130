//! Checkpoint benchmark in headless Chromium (run with `scripts/bench-checkpoint`).
//!
//! Prints, last, exactly one line:
//! `checkpoint: write_median_ms=<a> write_p99_ms=<b> resume_ms_1000=<c>`
//!
//! * `a`, `b`: median and 99th percentile of [`Store::checkpoint`] (task record + event-log entry in
//!   one read-write transaction) over every task state write of a 1,000-task demo run. The run is a
//!   real [`Run`] (40 layers × 25 tasks, 2 dependencies each, the UI's default concurrency of 3) whose
//!   commands are performed in order like the app's driver does: each checkpoint awaited before the
//!   next command, the workflow saved on status changes, one call record per attempt. Attempts answer
//!   at once with the Demo provider's result text, so only storage time is measured.
//! * `c`: from just before mounting the app to the resumed run's first provider call (its first
//!   dispatch), with a 1,000-task workflow in the database whose first 500 tasks are completed
//!   (each with a ~500-character result). Median of 5 fresh databases.
//!
//! Writes are timed with `performance.now()`. For `c`, the app's call log stamps each call with
//! `Date.now()` as the provider starts it; `c` is that stamp minus `Date.now()` just before mounting
//! (1 ms resolution). Each repetition also prints when a 1 ms poll first saw the call: later than the
//! dispatch when the page is busy right after it (drawing the deferred 1,000-node graph).
#![cfg(target_arch = "wasm32")]

#[path = "../support/call_log.rs"]
mod call_log;

use std::collections::{HashMap, VecDeque};

use call_log::CallLog;
use leptos::prelude::*;
use planwright::app::state::AppEnv;
use planwright::engine::{Command, Event, Run, RunConfig, RunStatus, TaskRequest, TaskState, TaskStatus, TaskUsage};
use planwright::layout::{layout, LayoutOptions};
use planwright::llm::demo::{demo_outcome, DemoConfig};
use planwright::llm::settings::ProviderSettings;
use planwright::plan::critical_path::critical_path;
use planwright::plan::validate::validate;
use planwright::plan::{Plan, Task};
use planwright::store::indexed_db::Store;
use planwright::store::record::{CallRecord, EventRecord, TaskRecord, WorkflowRecord, SCHEMA_VERSION};
use planwright::ui::app::App;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen]
extern "C" {
    /// `performance.now()`: milliseconds, sub-millisecond resolution (coarsened by the browser).
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn perf_now() -> f64;
}

const LAYERS: usize = 40;
const WIDTH: usize = 25;
const TASKS: usize = LAYERS * WIDTH;
const RESUME_REPEATS: usize = 5;
const GOAL: &str = "Compile a market report on solid-state batteries: suppliers, costs, patents and outlook";

fn task_id(layer: usize, k: usize) -> String {
    format!("L{layer:02}T{k:02}")
}

/// A 1,000-task layered plan: every task after the first layer depends on two of the previous layer.
fn layered_plan() -> Plan {
    let mut tasks = Vec::with_capacity(TASKS);
    for layer in 0..LAYERS {
        for k in 0..WIDTH {
            let deps: Vec<String> =
                if layer == 0 { Vec::new() } else { vec![task_id(layer - 1, k), task_id(layer - 1, (k + 1) % WIDTH)] };
            let id = task_id(layer, k);
            tasks.push(Task {
                name: format!("Step {k} of stage {layer}"),
                description: format!(
                    "Stage {layer}, step {k}: gather the inputs of the previous stage, check them against the \
                     sources, summarise what changed and list open questions for the next stage."
                ),
                depends_on: deps,
                ..Task::new(&id, "", &[])
            });
        }
    }
    Plan { tasks, critical_path: Vec::new() }
}

fn workflow(id: &str, status: RunStatus) -> WorkflowRecord {
    let now = js_sys::Date::now();
    WorkflowRecord {
        id: id.to_string(),
        schema_version: SCHEMA_VERSION,
        goal: GOAL.to_string(),
        plan: layered_plan(),
        config: RunConfig::default(),
        status,
        created_ms: now,
        updated_ms: now,
        replans: Vec::new(),
        pending_replan: None,
        allowed_hosts: Vec::new(),
        forked_from: None,
    }
}

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}-{}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e9) as u64)
}

/// Writes one checkpoint exactly as the driver does (event stamped with `Date.now()`).
async fn checkpoint(store: &Store, workflow_id: &str, task: String, state: TaskState) -> f64 {
    let event = EventRecord::of(workflow_id, &task, &state, js_sys::Date::now());
    let record = TaskRecord { workflow_id: workflow_id.to_string(), task_id: task, state };
    let start = perf_now();
    store.checkpoint(&record, &event).await.expect("checkpoint write");
    perf_now() - start
}

/// Nearest-rank percentile of sorted `values`.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// Runs the 1,000-task plan to the end with instant demo answers and returns each checkpoint's time.
async fn timed_run_writes() -> Vec<f64> {
    let store = Store::open(&unique("bench-writes")).await.expect("open IndexedDB");
    let mut record = workflow(&unique("wf-bench"), RunStatus::Idle);
    store.put_workflow(&record).await.expect("save workflow");
    let mut run = Run::new(GOAL, record.plan.clone(), record.config.clone());
    let demo = DemoConfig { seed: 7, failure_rate: 0.0, latency_ms: 0 };
    let mut in_flight: VecDeque<TaskRequest> = VecDeque::new();
    let mut next = Some(Event::Start);
    let mut writes = Vec::with_capacity(2 * TASKS);
    while let Some(event) = next.take() {
        for command in run.handle(event, js_sys::Date::now()) {
            match command {
                Command::Checkpoint { task, state } => writes.push(checkpoint(&store, &record.id, task, state).await),
                Command::Dispatch(request) => in_flight.push_back(request),
                Command::RunStatusChanged(status) => {
                    record.status = status;
                    record.updated_ms = js_sys::Date::now();
                    store.put_workflow(&record).await.expect("save workflow");
                }
                _ => {}
            }
        }
        // The oldest attempt answers now; like the driver, its call record is written first.
        if let Some(request) = in_flight.pop_front() {
            let (_, outcome) = demo_outcome(&demo, &request);
            let output = outcome.expect("demo answers never fail at failure_rate 0");
            let prompt = format!("{} {}", request.name, request.description);
            let call = CallRecord::capped(
                &record.id,
                &request.task_id,
                request.attempt,
                js_sys::Date::now(),
                &prompt,
                &output,
            );
            store.put_call(&call).await.expect("save call");
            next = Some(Event::TaskSucceeded { task: request.task_id, attempt: request.attempt, output });
        }
    }
    assert_eq!(run.status(), RunStatus::Finished, "the benchmark run must finish");
    let completed = run.task_states().filter(|(_, s)| s.status == TaskStatus::Completed).count();
    assert_eq!(completed, TASKS);
    writes
}

/// A ~500-character result for task `id`.
fn result_text(id: &str) -> String {
    let mut text = format!("[Result of {id}] ");
    while text.len() < 500 {
        text.push_str("Findings summarised with sources, costs and open questions for the next stage. ");
    }
    text.truncate(500);
    text
}

/// A fresh database holding a running 1,000-task workflow whose first 500 tasks are completed, written
/// through the same calls as a real run (a running and a completed checkpoint per task).
async fn seed_half_done(db: &str) {
    let store = Store::open(db).await.expect("open IndexedDB");
    let record = workflow(&unique("wf-resume"), RunStatus::Running);
    store.put_workflow(&record).await.expect("save workflow");
    for task in record.plan.tasks.iter().take(TASKS / 2) {
        let started = js_sys::Date::now();
        let running = TaskState {
            status: TaskStatus::Running,
            attempts: 1,
            started_at_ms: Some(started),
            ..TaskState::default()
        };
        checkpoint(&store, &record.id, task.id.clone(), running.clone()).await;
        let completed = TaskState {
            status: TaskStatus::Completed,
            result: Some(result_text(&task.id)),
            finished_at_ms: Some(js_sys::Date::now()),
            usage: TaskUsage { calls: 1, prompt_tokens: 400, completion_tokens: 120, ..TaskUsage::default() },
            ..running
        };
        checkpoint(&store, &record.id, task.id.clone(), completed).await;
    }
}

/// A mounted app; dropping it unmounts the app (as in the browser tests' `dom.rs`).
struct Mounted {
    _handle: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
    root: HtmlElement,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

fn mount(db_name: &str, calls: CallLog) -> Mounted {
    let settings = ProviderSettings {
        demo: DemoConfig { seed: 7, failure_rate: 0.0, latency_ms: 1_000 },
        ..ProviderSettings::default()
    };
    let env = AppEnv {
        db_name: db_name.to_string(),
        providers: calls.providers(),
        settings_key: None,
        initial_settings: Some(settings),
        initial_run_config: Some(RunConfig::default()),
        markdown: std::rc::Rc::new(planwright::io::markdown_worker::WorkerMarkdown),
        compute: std::rc::Rc::new(planwright::io::compute::InPlaceCompute),
    };
    let document = web_sys::window().unwrap().document().unwrap();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let handle = leptos::mount::mount_to(root.clone(), move || view! { <App env=env/> }.into_any());
    Mounted { _handle: handle, root }
}

/// One resume measurement.
struct Resume {
    /// From just before mounting to the start of the first provider call.
    first_call_ms: f64,
    /// From just before mounting to the poll that first saw that call.
    seen_ms: f64,
    /// Time spent in the synchronous `mount_to`.
    mount_ms: f64,
    /// Polls made and the largest gap between two polls.
    polls: usize,
    max_gap_ms: f64,
}

async fn timed_resume(db: &str) -> Resume {
    let calls = CallLog::default();
    let start_epoch = js_sys::Date::now();
    let start = perf_now();
    let app = mount(db, calls.clone());
    let mounted = perf_now();
    let mut last_empty = mounted;
    let mut polls = 0;
    let mut max_gap: f64 = 0.0;
    let seen = loop {
        gloo_timers::future::TimeoutFuture::new(1).await;
        let now = perf_now();
        polls += 1;
        max_gap = max_gap.max(now - last_empty);
        if !calls.calls().is_empty() {
            break now;
        }
        last_empty = now;
        assert!(now - start < 30_000.0, "the resumed run made no provider call within 30 s");
    };
    drop(app);
    let first_call = calls.first_started_ms().expect("a call was seen");
    Resume {
        first_call_ms: first_call - start_epoch,
        seen_ms: seen - start,
        mount_ms: mounted - start,
        polls,
        max_gap_ms: max_gap,
    }
}

/// Polls with `TimeoutFuture(1)` on an idle page and returns the median gap between polls.
async fn idle_poll_gap_ms() -> f64 {
    let mut gaps = Vec::new();
    let mut last = perf_now();
    for _ in 0..50 {
        gloo_timers::future::TimeoutFuture::new(1).await;
        let now = perf_now();
        gaps.push(now - last);
        last = now;
    }
    median(&gaps)
}

/// Times the pure and storage steps of the app's resume path on their own (not part of `c`): loading
/// the workflow and its task records, rebuilding the run, and what the page computes from the plan.
async fn resume_breakdown(db: &str) -> String {
    let t0 = perf_now();
    let store = Store::open(db).await.expect("open IndexedDB");
    let t1 = perf_now();
    let record = store.current_workflow().await.expect("read workflow").expect("a current workflow");
    let t2 = perf_now();
    let (tasks, problems) = store.tasks(&record.id).await.expect("read tasks");
    assert!(problems.is_empty());
    let saved: HashMap<String, TaskState> = tasks.into_iter().map(|t| (t.task_id, t.state)).collect();
    let t3 = perf_now();
    let run = Run::restore(&record.goal, record.plan.clone(), record.config.clone(), &saved);
    let t4 = perf_now();
    let issues = validate(&record.plan);
    let t5 = perf_now();
    let geometry = layout(&record.plan, &LayoutOptions::default());
    let t6 = perf_now();
    let path = critical_path(&record.plan);
    let t7 = perf_now();
    let mut write = workflow(&record.id, RunStatus::Running);
    write.updated_ms = js_sys::Date::now();
    store.put_workflow(&write).await.expect("save workflow");
    let t8 = perf_now();
    assert_eq!(run.task_states().filter(|(_, s)| s.status == TaskStatus::Completed).count(), TASKS / 2);
    format!(
        "open {:.1}, read workflow {:.1}, read {} task records {:.1}, Run::restore {:.1}, validate {:.1} \
         ({} issues), layout {:.1} ({} nodes), critical_path {:.1} ({} tasks), put_workflow {:.1} ms",
        t1 - t0,
        t2 - t1,
        saved.len(),
        t3 - t2,
        t4 - t3,
        t5 - t4,
        issues.len(),
        t6 - t5,
        geometry.nodes.len(),
        t7 - t6,
        path.len(),
        t8 - t7
    )
}

#[wasm_bindgen_test]
async fn checkpoint_benchmark() {
    // (a, b) Task state writes during a 1,000-task run.
    let started = perf_now();
    let mut writes = timed_run_writes().await;
    let run_ms = perf_now() - started;
    writes.sort_by(f64::total_cmp);
    let write_median = percentile(&writes, 50.0);
    let write_p99 = percentile(&writes, 99.0);
    console_log!(
        "writes: {} checkpoints in {:.0} ms; min={:.2} median={:.2} p90={:.2} p99={:.2} max={:.2} ms",
        writes.len(),
        run_ms,
        writes[0],
        write_median,
        percentile(&writes, 90.0),
        write_p99,
        writes[writes.len() - 1]
    );

    // (c) Mount to the resumed run's first dispatch.
    console_log!("resume: idle poll gap (TimeoutFuture(1)) median {:.2} ms", idle_poll_gap_ms().await);
    let mut resumes = Vec::new();
    for repeat in 1..=RESUME_REPEATS {
        let db = unique("bench-resume");
        seed_half_done(&db).await;
        let r = timed_resume(&db).await;
        console_log!(
            "resume #{repeat}: first call started at {:.0} ms, seen by a poll at {:.1} ms; mount_to {:.1} ms; \
             {} polls, largest poll gap {:.1} ms",
            r.first_call_ms,
            r.seen_ms,
            r.mount_ms,
            r.polls,
            r.max_gap_ms
        );
        resumes.push(r.first_call_ms);
        // Let the unmounted app's pending callbacks run out before the next repetition.
        gloo_timers::future::TimeoutFuture::new(50).await;
    }
    let resume = median(&resumes);
    let db = unique("bench-breakdown");
    seed_half_done(&db).await;
    console_log!("resume breakdown (measured apart): {}", resume_breakdown(&db).await);
    console_log!(
        "checkpoint: write_median_ms={write_median:.2} write_p99_ms={write_p99:.2} resume_ms_1000={resume:.0}"
    );
}
