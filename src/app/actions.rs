//! What the buttons do: plan, import, run, resume. Components call these; none of this lives in `view!`.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::editing::forget_edits;
use super::plan_text::read_plan;
use super::preview::{preview_plan, run_needs_confirmation};
use super::settings_storage::save_settings;
use super::share::{plan_from_fragment, shared_fragment};
use super::state::{AppState, Phase};
use crate::decimal::fixed;
use crate::driver::broadcast::{Broadcaster, Change, TabMessage};
use crate::driver::restore::{load_workflow, StoredWorkflow};
use crate::driver::run_loop::{Driver, DriverHooks, DriverPorts};
use crate::driver::tab_lock::{acquire, lock_name, Acquired, TabLock};
use crate::engine::{Event, Run, RunStatus};
use crate::io::browser_runtime::BrowserRuntime;
use crate::io::egress_gate::EgressDecision;
use crate::llm::egress::Egress;
use crate::llm::provider::Provider;
use crate::plan::edit::with_subtasks;
use crate::plan::validate::{has_errors, validate};
use crate::plan::Plan;
use crate::store::indexed_db::Store;
use crate::store::record::WorkflowRecord;
use crate::store::CheckpointStore;

/// The page's clock.
fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The provider the current settings describe; its tool calls ask the page's prompt about unknown
/// hosts and use the running workflow's allowlist.
fn provider(state: &AppState) -> Rc<dyn Provider> {
    let settings = state.settings.get_untracked();
    let egress = Egress {
        gate: Some(Rc::new(state.egress)),
        hosts: state.allowed_hosts.get_value(),
        page_origin: web_sys::window().and_then(|w| w.location().origin().ok()),
    };
    state.env.with_value(|env| env.providers.connect(settings, egress))
}

/// Answers the tool-call question `id` shown in the prompt panel.
pub fn answer_egress(state: AppState, id: u64, decision: EgressDecision) {
    state.egress.answer(id, decision);
}

/// Hands the running driver a provider made from the current settings (called when they change):
/// a run that waited for the API key goes on once it is entered.
pub fn settings_changed(state: AppState) {
    if let Some(Some(driver)) = state.driver.try_get_value() {
        driver.set_provider(provider(&state));
    }
}

/// Saves the provider settings and says whether requests can be made with them (else shows why).
fn settings_usable(state: &AppState) -> bool {
    if let Some(problem) = state.settings.get_untracked().problem() {
        state.error(format!("Provider settings: {problem}."));
        return false;
    }
    save_settings(state);
    true
}

/// Asks the provider for a plan for the current goal and shows it (or a clear error, keeping the
/// plan already shown).
pub fn request_plan(state: AppState) {
    let goal = state.goal.get_untracked().trim().to_string();
    if goal.is_empty() {
        state.error("Type a goal first, e.g. \"Write a briefing on solid-state batteries\".");
        return;
    }
    if !settings_usable(&state) {
        return;
    }
    if state.stream_dispatch.get_untracked() {
        plan_and_run_streamed(state, goal);
        return;
    }
    let previous = state.phase.get_untracked();
    state.preview.set(None);
    state.phase.set(Phase::Planning);
    state.notice.set(None);
    let provider = provider(&state);
    let template = state.template.get_untracked();
    // Tasks appear on the graph as they stream in; the plan shown before comes back on failure.
    let shown_before = state.plan.get_untracked();
    let issues_before = state.issues.get_untracked();
    state.issues.set(Vec::new());
    state.plan.set(Some(Plan::default()));
    spawn_local(async move {
        let answer = provider
            .plan(&goal, template, &mut |task| {
                let _ = state.plan.try_update(|p| p.get_or_insert_with(Plan::default).tasks.push(task));
            })
            .await;
        if state.phase.try_get_untracked() != Some(Phase::Planning) {
            return; // unmounted or superseded
        }
        match answer {
            Ok(answer) => {
                show_plan(state, &goal, answer.plan);
                if state.notice.get_untracked().is_none() {
                    state.info(plan_summary(answer.repairs, &answer.usage));
                }
            }
            Err(error) => {
                state.plan.set(shown_before);
                state.issues.set(issues_before);
                state.phase.set(previous);
                state.error(format!("Planning failed: {}", error.message));
            }
        }
    });
}

/// One line on how a plan was obtained: repair round and usage.
fn plan_summary(repairs: u32, usage: &crate::engine::TaskUsage) -> String {
    let mut text = String::from("Plan ready");
    if repairs > 0 {
        text.push_str(&format!(" after {repairs} repair round (the first answer was not a valid plan)"));
    }
    if usage.calls > 0 {
        let estimate = if usage.estimated { " (estimated)" } else { "" };
        text.push_str(&format!(
            ": {} calls, {} prompt + {} completion tokens{estimate}",
            usage.calls, usage.prompt_tokens, usage.completion_tokens
        ));
        if let Some(cost) = usage.cost_usd {
            text.push_str(&format!(", ${}", fixed(cost, 4)));
        }
    }
    text.push('.');
    text
}

/// Checks the provider settings against the endpoint and says what it found.
pub fn test_connection(state: AppState) {
    save_settings(&state);
    let provider = provider(&state);
    state.info("Testing the connection…");
    spawn_local(async move {
        match provider.test_connection().await {
            Ok(message) => state.info(message),
            Err(error) => state.error(format!("Connection test failed: {}", error.message)),
        }
    });
}

/// Streams the plan and runs each task as soon as it and its dependencies are known and done; the
/// whole plan is validated when it is complete (an invalid one stops new starts).
fn plan_and_run_streamed(state: AppState, goal: String) {
    stop_driver(&state);
    state.notice.set(None);
    state.issues.set(Vec::new());
    state.tasks.clear();
    state.replans.set(Vec::new());
    state.selected.set(None);
    state.plan_goal.set(goal.clone());
    state.plan.set(Some(Plan::default()));
    let record = new_workflow(&goal, Plan::default(), &state);
    state.workflow_id.set(Some(record.id.clone()));
    let run = Run::streaming(&goal, record.config.clone());
    let provider = provider(&state);
    let template = state.template.get_untracked();
    spawn_local(async move {
        drive(state, run, record).await;
        let Some(Some(driver)) = state.driver.try_get_value() else { return };
        let outcome = provider
            .plan(&goal, template, &mut |task| {
                let _ = state.plan.try_update(|p| p.get_or_insert_with(Plan::default).tasks.push(task.clone()));
                driver.send(Event::TaskArrived(task));
            })
            .await;
        if let Err(e) = outcome {
            state.error(format!("Planning failed while streaming: {}", e.message));
        }
        driver.send(Event::PlanComplete);
    });
}

/// Asks the provider to decompose task `id` into subtasks. Before a run the plan is edited; during
/// a run the engine expands the (still pending) task.
pub fn expand_task(state: AppState, id: String) {
    let (Some(plan), goal) = (state.plan.get_untracked(), state.plan_goal.get_untracked()) else { return };
    let Some(task) = plan.task(&id).cloned() else { return };
    state.expanding.set(Some(id.clone()));
    let provider = provider(&state);
    spawn_local(async move {
        let answer = provider.expand(&goal, &task).await;
        let _ = state.expanding.try_set(None);
        let subtasks = match answer {
            Ok(answer) => answer.tasks,
            Err(error) => return state.error(format!("Expanding {id} failed: {}", error.message)),
        };
        let Some(has_driver) = state.driver.try_with_value(Option::is_some) else { return };
        let running = has_driver && state.run_status.try_get_untracked() != Some(RunStatus::Idle);
        if running {
            control(state, Event::Expand { task: id, subtasks });
            return;
        }
        match with_subtasks(&plan, &id, subtasks) {
            Ok(expanded) => {
                let goal = state.plan_goal.get_untracked();
                show_plan(state, &goal, expanded);
                state.info(format!("{id} was expanded into subtasks; only subtasks execute."));
            }
            Err(error) => state.error(error.to_string()),
        }
    });
}

/// Parses the import box as a plan and shows it as a preview; a bad plan gets a clear message and
/// changes nothing.
pub fn import_plan(state: AppState) {
    let text = state.import_text.get_untracked();
    spawn_local(async move {
        match read_plan(state, text).await {
            Ok(plan) => preview_plan(state, "imported JSON", plan),
            Err(e) => state.error(format!("Import failed: {e}")),
        }
    });
}

/// Makes `plan` the current plan: validates it, resets task states, and saves it as a new workflow.
pub(super) fn show_plan(state: AppState, goal: &str, plan: Plan) {
    stop_driver(&state);
    let issues = validate(&plan);
    let blocked = has_errors(&issues);
    state.issues.set(issues);
    state.tasks.clear();
    state.replans.set(Vec::new());
    state.run_status.set(RunStatus::Idle);
    state.selected.set(None);
    forget_edits(&state);
    state.plan_goal.set(goal.to_string());
    state.plan.set(Some(plan.clone()));
    state.phase.set(Phase::Ready);
    state.preview.set(None);
    if blocked {
        state.workflow_id.set(None);
        state.error("The plan has errors (listed below) and cannot run until they are fixed.");
        return;
    }
    let record = new_workflow(goal, plan, &state);
    state.workflow_id.set(Some(record.id.clone()));
    save_workflow(state, record);
}

/// A fresh workflow id made at `now` (ms since the epoch).
pub(super) fn new_workflow_id(now: f64) -> String {
    format!("wf-{}-{:06}", now as u64, (js_sys::Math::random() * 1e6) as u64)
}

/// A new, never-run workflow record for `plan` with the current run settings.
pub(super) fn new_workflow(goal: &str, plan: Plan, state: &AppState) -> WorkflowRecord {
    let now = now_ms();
    WorkflowRecord::new(&new_workflow_id(now), goal, plan, state.run_config.get_untracked(), now)
}

/// Saves `record` in the background; a failure is shown.
pub(super) fn save_workflow(state: AppState, record: WorkflowRecord) {
    let Some(store) = state.store.get_value() else { return };
    spawn_local(async move {
        if let Err(e) = store.put_workflow(&record).await {
            state.error(e.to_string());
        }
    });
}

/// Starts executing the current plan.
pub fn start_run(state: AppState) {
    if state.preview.with_untracked(Option::is_some) {
        state.error("Keep or discard the previewed plan first.");
        return;
    }
    if run_needs_confirmation(&state) {
        state.confirming_run.set(true);
        return;
    }
    let Some(plan) = state.plan.get_untracked() else {
        state.error("Make or import a plan first.");
        return;
    };
    if has_errors(&state.issues.get_untracked()) {
        state.error("The plan has errors (listed below); fix them before running.");
        return;
    }
    if !settings_usable(&state) {
        return;
    }
    let goal = state.plan_goal.get_untracked();
    let mut record = new_workflow(&goal, plan.clone(), &state);
    // A plan that never ran keeps its workflow; running it again starts a new one.
    if let (Some(id), RunStatus::Idle) = (state.workflow_id.get_untracked(), state.run_status.get_untracked()) {
        record.id = id;
    }
    state.workflow_id.set(Some(record.id.clone()));
    state.notice.set(None);
    state.replans.set(Vec::new());
    let run = Run::new(&goal, plan, record.config.clone());
    spawn_local(async move {
        drive(state, run, record).await;
    });
}

/// Sends a user action (pause, resume, cancel, retry, skip) to the run. After a reload of a finished
/// run there is no driver yet: the run is rebuilt from the store first (never from the screen).
pub fn control(state: AppState, event: Event) {
    if state.read_only.get_untracked().is_some() {
        state.error("Another tab runs this workflow: take over first.");
        return;
    }
    if let Some(driver) = state.driver.get_value() {
        driver.send(event);
        return;
    }
    let (Some(store), Some(id)) = (state.store.get_value(), state.workflow_id.get_untracked()) else {
        state.error("There is no run to control yet: press Run first.");
        return;
    };
    spawn_local(async move {
        match load_workflow(&store, &id).await {
            Ok(Some(stored)) => {
                let run = stored.run();
                if let Some(driver) = drive(state, run, stored.record).await {
                    driver.send(event);
                }
            }
            Ok(None) => state.error("There is no run to control yet: press Run first."),
            Err(e) => state.error(e.to_string()),
        }
    });
}

/// Answers the re-plan waiting for approval: apply it, or go on with the plan as it is.
pub fn decide_replan(state: AppState, approve: bool) {
    if state.proposal.get_untracked().is_none() {
        return;
    }
    // If no driver runs yet, `control` rebuilds the run from the store, proposal included.
    control(state, Event::ReplanDecision { approve });
    state.proposal.set(None);
}

/// Takes the workflow's tab lock, then hands `run` to a driver (returned, and kept in the state).
async fn drive(state: AppState, run: Run, record: WorkflowRecord) -> Option<Driver> {
    let lock = match acquire(&lock_name(&record.id), false).await {
        Acquired::Held(lock) => lock,
        Acquired::HeldByAnotherTab => {
            state.error("Another tab runs this workflow: take over there, or wait for it to finish.");
            return None;
        }
        Acquired::Unguarded { lock, reason } => {
            state.info(reason);
            lock
        }
    };
    start_driver(state, run, record, lock)
}

/// Resumes a saved workflow only if no other tab executes it; otherwise shows it read-only.
fn drive_if_free(state: AppState, run: Run, record: WorkflowRecord) {
    mirror(&state, &run);
    spawn_local(async move {
        match acquire(&lock_name(&record.id), false).await {
            Acquired::Held(lock) => {
                start_driver(state, run, record, lock);
            }
            Acquired::HeldByAnotherTab => {
                let _ = state.read_only.try_set(Some(record.id.clone()));
                state.info(
                    "This workflow is running in another tab: shown here live and read-only. Take over to run it here.",
                );
            }
            Acquired::Unguarded { lock, reason } => {
                state.info(reason);
                start_driver(state, run, record, lock);
            }
        }
    });
}

/// Waits until the other tab lets go of the shown workflow, then resumes it here from the store.
pub fn take_over(state: AppState) {
    let Some(id) = state.read_only.get_untracked() else { return };
    state.info("Waiting for the other tab to let go of this workflow…");
    spawn_local(async move {
        let lock = match acquire(&lock_name(&id), true).await {
            Acquired::Held(lock) | Acquired::Unguarded { lock, .. } => lock,
            Acquired::HeldByAnotherTab => return,
        };
        let Some(store) = state.store.try_get_value().flatten() else { return };
        match load_workflow(&store, &id).await {
            Ok(Some(stored)) => {
                let _ = state.read_only.try_set(None);
                let run = stored.run();
                state.info("This tab runs the workflow now.");
                start_driver(state, run, stored.record, lock);
            }
            Ok(None) => state.error("The workflow is gone from storage."),
            Err(e) => state.error(e.to_string()),
        }
    });
}

/// Applies a change another tab made to the workflow this tab shows read-only.
pub fn apply_remote(state: AppState, message: TabMessage) {
    if state.read_only.try_get_untracked().flatten().as_deref() != Some(message.workflow_id.as_str()) {
        return;
    }
    match message.change {
        Change::Task(id, task_state) => {
            state.tasks.set(id, task_state);
        }
        Change::Status(status) => {
            let _ = state.run_status.try_set(status);
        }
        Change::Plan(plan) => {
            let _ = state.issues.try_set(validate(&plan));
            let _ = state.plan.try_set(Some(plan));
        }
    }
}

/// Starts a driver for `run` (this tab holding the workflow's `lock`); from then on the page
/// follows the driver's reports, one changed task at a time, and tells other tabs the same.
fn start_driver(state: AppState, run: Run, record: WorkflowRecord, lock: TabLock) -> Option<Driver> {
    stop_driver(&state);
    // The workflow's allowlist, shared by every provider this driver is given.
    state.allowed_hosts.set_value(Rc::new(RefCell::new(record.allowed_hosts.clone())));
    mirror(&state, &run);
    // A restored run may bring back a re-plan that still waits for approval.
    state.proposal.set(run.pending_replan().cloned());
    state.phase.set(Phase::Running);
    let broadcaster = Rc::new(Broadcaster::open());
    let workflow_id = record.id.clone();
    let post = move |change: Change| {
        if let Some(b) = broadcaster.as_ref() {
            b.post(&TabMessage { workflow_id: workflow_id.clone(), change });
        }
    };
    let (post_task, post_status, post_plan) = (post.clone(), post.clone(), post);
    let hooks = DriverHooks {
        on_task: Box::new(move |id, task_state| {
            state.tasks.set(id.clone(), task_state.clone());
            show_deferred_plan(&state, task_state);
            post_task(Change::Task(id.clone(), task_state.clone()));
        }),
        on_status: Box::new(move |status| {
            let _ = state.run_status.try_set(status);
            let _ = state.phase.try_set(phase_of(status));
            post_status(Change::Status(status));
        }),
        on_plan: Box::new(move |plan: &Plan| {
            let _ = state.issues.try_set(validate(plan));
            let _ = state.plan.try_set(Some(plan.clone()));
            post_plan(Change::Plan(plan.clone()));
        }),
        on_error: Box::new(move |message| state.error(message)),
        on_waiting: Box::new(move |reason| {
            if let Some(reason) = &reason {
                state.error(format!("The run waits: {reason}."));
            } else if state.notice.get_untracked().is_some_and(|n| n.text.starts_with("The run waits")) {
                state.info("The API key is in: the run goes on.");
            }
            let _ = state.waiting.try_set(reason);
        }),
        on_delta: Box::new(move |task, attempt, text| {
            let _ = state.live_output.try_update(|live| {
                let entry = live.entry(task.to_string()).or_insert((attempt, String::new()));
                if entry.0 != attempt {
                    *entry = (attempt, String::new());
                }
                entry.1.push_str(text);
            });
        }),
        on_proposal: Box::new(move |proposal| {
            state.info(format!("Re-plan #{} is ready: review it and apply or reject it.", proposal.number));
            let _ = state.proposal.try_set(Some(proposal));
        }),
        on_replan: Box::new(move |record| {
            let text = if record.accepted {
                format!("Re-plan #{} after failures: {}.", record.number, record.note)
            } else {
                format!("Re-plan #{}: {}.", record.number, record.note)
            };
            state.info(text);
            state.replans.update(|r| r.push(record));
        }),
    };
    let ports = DriverPorts {
        provider: provider(&state),
        store: state.store.get_value().map(|s| Rc::new(s) as Rc<dyn CheckpointStore>),
        runtime: Rc::new(BrowserRuntime),
    };
    let driver = Driver::start(run, record, ports, hooks);
    // `try_set_value` hands the value back when the page is gone: then the driver stops at once.
    if state.driver.try_set_value(Some(driver.clone())).is_some() || state.lock.try_set_value(Some(lock)).is_some() {
        driver.stop();
        return None;
    }
    Some(driver)
}

/// The page phase for a run status.
fn phase_of(status: RunStatus) -> Phase {
    match status {
        RunStatus::Finished | RunStatus::Halted => Phase::Finished,
        _ => Phase::Running,
    }
}

/// Copies a whole run's task states and status into the signals once (when a driver starts or a
/// finished run is shown); afterwards the driver's reports keep them up to date.
fn mirror(state: &AppState, run: &Run) {
    state.tasks.sync(run.task_states());
    let _ = state.run_status.try_set(run.status());
    let _ = state.phase.try_set(phase_of(run.status()));
}

/// Stops the current driver, if any (on a new plan or on unmount).
pub fn stop_driver(state: &AppState) {
    let _ = state.proposal.try_set(None);
    let _ = state.waiting.try_set(None);
    if let Some(Some(driver)) = state.driver.try_get_value() {
        driver.stop();
        state.driver.set_value(None);
    }
    // The lock goes after the driver has stopped: another tab may take the workflow now.
    let _ = state.lock.try_set_value(None);
}

/// Opens the checkpoint store and brings back the last workflow: its plan, every task's state, and
/// — when it was running — the run itself.
pub fn restore_on_load(state: AppState) {
    let db_name = state.env.with_value(|env| env.db_name.clone());
    spawn_local(async move {
        let store = match Store::open(&db_name).await {
            Ok(store) => store,
            Err(e) => {
                state.error(e.to_string());
                state.phase.set(Phase::Ready);
                open_shared_plan(state);
                return;
            }
        };
        if state.store.try_set_value(Some(store.clone())).is_some() {
            return; // unmounted meanwhile
        }
        if open_shared_plan(state) {
            return;
        }
        match load_current(&store, || prepare_workers(&state)).await {
            Ok(Some(stored)) => resume(state, stored),
            Ok(None) => state.phase.set(Phase::Ready),
            Err(e) => {
                state.error(e.to_string());
                state.phase.set(Phase::Ready);
            }
        }
    });
}

/// Imports the plan of a share link the page was opened with (in a task of its own: the browser
/// inflates it); true if there was one.
fn open_shared_plan(state: AppState) -> bool {
    let Some(fragment) = shared_fragment() else { return false };
    prepare_workers(&state);
    spawn_local(async move {
        match plan_from_fragment(state, &fragment).await {
            Ok(plan) => preview_plan(state, "a share link", plan),
            Err(error) => {
                state.phase.set(Phase::Ready);
                state.error(format!("The share link could not be opened: {error}"));
            }
        }
    });
    true
}

/// Shows saved workflow `id` as after a reload: its plan and task states, resuming it if it was running.
pub async fn open_saved(state: AppState, store: &Store, id: &str) {
    match load_workflow(store, id).await {
        Ok(Some(stored)) => {
            let _ = state.read_only.try_set(None);
            let _ = state.phase.try_set(Phase::Loading);
            resume(state, stored);
        }
        Ok(None) => state.error("That workflow is no longer stored."),
        Err(e) => state.error(e.to_string()),
    }
}

/// The workflow the page showed last, if any, read from `store`; `found` runs as soon as there is
/// one, before its records are read.
async fn load_current(store: &Store, found: impl FnOnce()) -> Result<Option<StoredWorkflow>, crate::store::StoreError> {
    let Some(record) = store.current_workflow().await? else { return Ok(None) };
    found();
    load_workflow(store, &record.id).await
}

/// Has the compute and provider workers start loading, since a plan is on its way (a goal or a
/// plan typed, a workflow resumed on a reload, a share link): they load meanwhile, and the plan
/// need not wait.
pub fn prepare_workers(state: &AppState) {
    state.env.with_value(|env| {
        env.compute.prepare();
        env.providers.prepare();
    });
}

/// Plans larger than this are drawn once a resumed run has sent its first request again (or after
/// [`DEFERRED_DRAW_MAX_MS`]), so drawing a big graph does not hold up the run.
const DEFERRED_DRAW_TASKS: usize = 200;
/// Longest wait before a large plan is drawn anyway, in milliseconds.
const DEFERRED_DRAW_MAX_MS: f64 = 2_000.0;

/// Shows `plan` and its validation: at once, or for a large plan of a run that resumes, as soon as
/// the run has sent a request again (see [`show_deferred_plan`]) or after [`DEFERRED_DRAW_MAX_MS`].
fn show_plan_soon(state: AppState, plan: Plan, resuming: bool) {
    if !resuming || plan.tasks.len() <= DEFERRED_DRAW_TASKS {
        return show_plan_now(&state, plan);
    }
    state.deferred_plan.set_value(Some(plan));
    spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(DEFERRED_DRAW_MAX_MS as u32).await;
        if let Some(Some(plan)) = state.deferred_plan.try_update_value(Option::take) {
            show_plan_now(&state, plan);
        }
    });
}

/// Draws a deferred plan once a task of the resumed run is running again.
fn show_deferred_plan(state: &AppState, task_state: &crate::engine::TaskState) {
    if task_state.status == crate::engine::TaskStatus::Running {
        if let Some(Some(plan)) = state.deferred_plan.try_update_value(Option::take) {
            show_plan_now(state, plan);
        }
    }
}

fn show_plan_now(state: &AppState, plan: Plan) {
    let _ = state.issues.try_set(validate(&plan));
    let _ = state.plan.try_set(Some(plan));
}

fn resume(state: AppState, stored: StoredWorkflow) {
    if state.phase.try_get_untracked() != Some(Phase::Loading) {
        return; // the user already started something else
    }
    let run = stored.run();
    let done = stored.done();
    let StoredWorkflow { record, problems, .. } = stored;
    state.goal.set(record.goal.clone());
    state.plan_goal.set(record.goal.clone());
    show_plan_soon(state, record.plan.clone(), record.status == RunStatus::Running);
    state.workflow_id.set(Some(record.id.clone()));
    state.run_config.set(record.config.clone());
    if !problems.is_empty() {
        state.error(format!("Some saved task states were unreadable and will run again: {}", problems.join("; ")));
    }
    state.replans.set(record.replans.clone());
    let total = record.plan.tasks.len();
    match record.status {
        RunStatus::Running => {
            if problems.is_empty() {
                state.info(format!(
                    "Resumed the run of \"{}\": {done} of {total} tasks were already done.",
                    record.goal
                ));
            }
            state.phase.set(Phase::Running);
            drive_if_free(state, run, record);
        }
        RunStatus::Paused | RunStatus::Cancelled => {
            state.info(format!(
                "The run of \"{}\" is paused ({done} of {total} done): press Resume to go on.",
                record.goal
            ));
            state.phase.set(Phase::Running);
            drive_if_free(state, run, record);
        }
        RunStatus::Finished | RunStatus::Halted => {
            mirror(&state, &run);
            state.run_status.set(record.status);
            state.phase.set(Phase::Finished);
        }
        RunStatus::Idle => {
            mirror(&state, &run);
            state.run_status.set(RunStatus::Idle);
            state.phase.set(Phase::Ready);
        }
    }
}
