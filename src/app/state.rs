//! The UI's reactive state: every signal the components read or write lives in [`AppState`].

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use leptos::prelude::*;

use super::compare::ShownComparison;
use super::egress_prompts::PageGate;
use super::task_board::TaskBoard;
use super::time_travel::TimeTravel;
use crate::driver::run_loop::Driver;
use crate::driver::tab_lock::TabLock;
use crate::engine::{Progress, ReplanProposal, ReplanRecord, RunConfig, RunStatus};
use crate::io::compute::Compute;
use crate::io::compute_worker::WorkerCompute;
use crate::io::markdown_renderer::MarkdownRenderer;
use crate::io::markdown_worker::WorkerMarkdown;
use crate::io::provider_worker::worker_providers;
use crate::llm::credential_scope::HeldCredentials;
use crate::llm::egress::HostAllowlist;
use crate::llm::settings::ProviderSettings;
use crate::llm::source::ProviderSource;
use crate::llm::template::Template;
use crate::plan::undo::UndoHistory;
use crate::plan::validate::Issue;
use crate::plan::{Plan, TaskId};
use crate::store::indexed_db::Store;
use crate::store::record::ForkOrigin;

/// Plan edits that can be undone.
const UNDO_STEPS: usize = 100;

/// What the page is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Loading a saved workflow from IndexedDB.
    Loading,
    /// Nothing planned yet, or a plan shown and not started.
    Ready,
    /// Waiting for the provider's plan.
    Planning,
    /// A run is in progress.
    Running,
    /// The run ended.
    Finished,
}

/// One workflow in the history sidebar.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryItem {
    /// Workflow id.
    pub id: String,
    /// Its goal.
    pub goal: String,
    /// Run status at the last write.
    pub status: RunStatus,
    /// Task counts by status.
    pub progress: Progress,
    /// Last update, ms since the epoch.
    pub updated_ms: f64,
    /// For a fork: its parent run and the task it was forked at.
    pub forked_from: Option<ForkOrigin>,
}

/// A message banner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// True for errors, false for information.
    pub is_error: bool,
    /// The text shown.
    pub text: String,
}

/// Where the app keeps its data and what it talks to (tests substitute their own).
#[derive(Clone)]
pub struct AppEnv {
    /// IndexedDB database name.
    pub db_name: String,
    /// Makes providers from settings and lists MCP servers' tools (the page: the provider worker).
    pub providers: Rc<dyn ProviderSource>,
    /// localStorage key for non-secret settings (None: do not persist settings).
    pub settings_key: Option<String>,
    /// Provider settings to start with instead of the defaults.
    pub initial_settings: Option<ProviderSettings>,
    /// Run settings to start with instead of the defaults.
    pub initial_run_config: Option<RunConfig>,
    /// Renders results as Markdown (the page: the Markdown worker).
    pub markdown: Rc<dyn MarkdownRenderer>,
    /// Does pure work: drawing plans, exporting traces (the page: the compute worker).
    pub compute: Rc<dyn Compute>,
}

impl Default for AppEnv {
    fn default() -> Self {
        AppEnv {
            db_name: "planwright".into(),
            providers: worker_providers(),
            settings_key: Some("planwright.settings".into()),
            initial_settings: None,
            initial_run_config: None,
            markdown: Rc::new(WorkerMarkdown),
            compute: Rc::new(WorkerCompute),
        }
    }
}

/// All reactive state of one mounted app.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The goal text.
    pub goal: RwSignal<String>,
    /// Picked template (`None`: detect from the goal).
    pub template: RwSignal<Option<Template>>,
    /// Provider settings (the API key stays in memory).
    pub settings: RwSignal<ProviderSettings>,
    /// Credentials held back because the base URL moved to another server (the page asks).
    pub held_credentials: RwSignal<Option<HeldCredentials>>,
    /// Run settings.
    pub run_config: RwSignal<RunConfig>,
    /// The current plan.
    pub plan: RwSignal<Option<Plan>>,
    /// Edits of the shown plan that can be undone and redone.
    pub undo: StoredValue<UndoHistory<Plan>, LocalStorage>,
    /// How many edits can be undone and redone.
    pub undo_depth: RwSignal<(usize, usize)>,
    /// Validation issues of the current plan.
    pub issues: RwSignal<Vec<Issue>>,
    /// Id of the workflow the current plan belongs to.
    pub workflow_id: RwSignal<Option<String>>,
    /// Goal the current plan was made for.
    pub plan_goal: RwSignal<String>,
    /// Task states of the current run as shown (live, or a past moment while time-travelling).
    pub tasks: TaskBoard,
    /// The time-travel scrubber over the shown run's recorded changes.
    pub travel: TimeTravel,
    /// Two runs compared side by side (the right one is shown).
    pub comparison: RwSignal<Option<ShownComparison>>,
    /// Run status.
    pub run_status: RwSignal<RunStatus>,
    /// Re-plans of the current run.
    pub replans: RwSignal<Vec<ReplanRecord>>,
    /// A re-plan waiting for the user's approval.
    pub proposal: RwSignal<Option<ReplanProposal>>,
    /// Page phase.
    pub phase: RwSignal<Phase>,
    /// Banner message.
    pub notice: RwSignal<Option<Notice>>,
    /// Expanded tasks whose subtasks are hidden on the graph.
    pub collapsed: RwSignal<HashSet<TaskId>>,
    /// Selected task (inspector).
    pub selected: RwSignal<Option<TaskId>>,
    /// A plan from a share link or an import, shown but not kept yet.
    pub preview: RwSignal<Option<super::preview::PlanPreview>>,
    /// The current plan came from outside and has not run against a real provider yet.
    pub unconfirmed_import: RwSignal<bool>,
    /// The page asks whether to run an imported plan against the configured provider.
    pub confirming_run: RwSignal<bool>,
    /// Text of the import box.
    pub import_text: RwSignal<String>,
    /// Start tasks while the plan is still streaming in (skips the look before running).
    pub stream_dispatch: RwSignal<bool>,
    /// Text streamed so far per task, with the attempt it belongs to (live view; not persisted).
    pub live_output: RwSignal<HashMap<TaskId, (u32, String)>>,
    /// Recorded LLM calls of the selected task (prompt and raw response), oldest first.
    pub selected_calls: RwSignal<Vec<crate::store::record::CallRecord>>,
    /// Saved workflows, newest first.
    pub history: RwSignal<Vec<HistoryItem>>,
    /// Counts history refresh requests, so a burst of them runs once.
    pub history_generation: StoredValue<u64>,
    /// Finished workflows older than this many days are deleted (0: keep all).
    pub retention_days: RwSignal<u32>,
    /// Set while another tab executes the shown workflow: this tab shows it live, read-only.
    pub read_only: RwSignal<Option<String>>,
    /// Task being expanded (waiting for the provider's subtasks).
    pub expanding: RwSignal<Option<TaskId>>,
    /// The running driver, if any.
    pub driver: StoredValue<Option<Driver>, LocalStorage>,
    /// The tab lock on the workflow the driver runs (released when it stops).
    pub lock: StoredValue<Option<TabLock>, LocalStorage>,
    /// Why the run waits for the provider (e.g. the API key is missing after a reload), if it does.
    pub waiting: RwSignal<Option<String>>,
    /// A large resumed plan drawn once its run has sent a request again.
    pub deferred_plan: StoredValue<Option<Plan>, LocalStorage>,
    /// Tool-call requests waiting for the user's answer.
    pub egress: PageGate,
    /// The running workflow's allowlist of hosts, shared with its providers.
    pub allowed_hosts: StoredValue<HostAllowlist, LocalStorage>,
    /// The checkpoint store, once opened (None if IndexedDB is unavailable).
    pub store: StoredValue<Option<Store>, LocalStorage>,
    /// Environment (database name, providers).
    pub env: StoredValue<AppEnv, LocalStorage>,
}

impl AppState {
    /// Fresh state for `env`.
    pub fn new(env: AppEnv) -> Self {
        AppState {
            goal: RwSignal::new(String::new()),
            template: RwSignal::new(None),
            settings: RwSignal::new(env.initial_settings.clone().unwrap_or_default()),
            held_credentials: RwSignal::new(None),
            // The page asks before applying a re-plan unless the user turns that off.
            run_config: RwSignal::new(
                env.initial_run_config.clone().unwrap_or(RunConfig { approve_replans: true, ..RunConfig::default() }),
            ),
            plan: RwSignal::new(None),
            issues: RwSignal::new(Vec::new()),
            undo: StoredValue::new_local(UndoHistory::new(UNDO_STEPS)),
            undo_depth: RwSignal::new((0, 0)),
            workflow_id: RwSignal::new(None),
            plan_goal: RwSignal::new(String::new()),
            tasks: TaskBoard::default(),
            travel: TimeTravel::default(),
            comparison: RwSignal::new(None),
            run_status: RwSignal::new(RunStatus::Idle),
            replans: RwSignal::new(Vec::new()),
            proposal: RwSignal::new(None),
            phase: RwSignal::new(Phase::Loading),
            notice: RwSignal::new(None),
            selected: RwSignal::new(None),
            collapsed: RwSignal::new(HashSet::new()),
            import_text: RwSignal::new(String::new()),
            preview: RwSignal::new(None),
            unconfirmed_import: RwSignal::new(false),
            confirming_run: RwSignal::new(false),
            stream_dispatch: RwSignal::new(false),
            expanding: RwSignal::new(None),
            read_only: RwSignal::new(None),
            history: RwSignal::new(Vec::new()),
            history_generation: StoredValue::new(0),
            selected_calls: RwSignal::new(Vec::new()),
            retention_days: RwSignal::new(30),
            live_output: RwSignal::new(HashMap::new()),
            driver: StoredValue::new_local(None),
            lock: StoredValue::new_local(None),
            waiting: RwSignal::new(None),
            deferred_plan: StoredValue::new_local(None),
            egress: PageGate::new(),
            allowed_hosts: StoredValue::new_local(HostAllowlist::default()),
            store: StoredValue::new_local(None),
            env: StoredValue::new_local(env),
        }
    }

    /// Hides the subtasks of task `id` on the graph, or shows them again.
    pub fn toggle_collapsed(&self, id: &str) {
        self.collapsed.update(|c| {
            if !c.remove(id) {
                c.insert(id.to_string());
            }
        });
    }

    /// True when a comparison of the shown run is open and task `id` differs between its two runs
    /// (the graph marks it).
    pub fn task_differs(&self, id: &str) -> bool {
        let shown = self.workflow_id.with(|w| w.clone());
        self.comparison.with(|c| {
            c.as_ref().is_some_and(|c| shown.as_ref() == Some(&c.right_id) && c.comparison.differing.contains(id))
        })
    }

    /// Shows an error banner.
    pub fn error(&self, text: impl Into<String>) {
        let _ = self.notice.try_set(Some(Notice { is_error: true, text: text.into() }));
    }

    /// Shows an information banner.
    pub fn info(&self, text: impl Into<String>) {
        let _ = self.notice.try_set(Some(Notice { is_error: false, text: text.into() }));
    }
}
