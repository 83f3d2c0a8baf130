//! The run state machine: events in, commands out. No I/O, no clock, no awaiting.
//!
//! Bookkeeping is incremental: each task keeps a count of unmet gates (dependencies not done, ids not
//! arrived yet, a parent not opened yet) and ready tasks wait in a priority queue, so a start or a
//! finish costs O(its edges + log n).

use std::collections::{HashMap, HashSet, VecDeque};

use super::backoff::retry_delay_ms;
use super::config::RunConfig;
use super::event::{Command, DependencyResult, Event, RunStatus, TaskError, TaskRequest, Timer};
use super::readiness::may_start;
use super::ready_queue::ReadyQueue;
use super::replan::{ReplanProposal, ReplanRecord};
use super::rng::SplitMix64;
use super::state::{TaskState, TaskStatus};
use super::topology::Topology;
use crate::plan::critical_path::remaining_path_lengths;
use crate::plan::graph::PlanGraph;
use crate::plan::validate::{has_errors, validate};
use crate::plan::{Plan, Task, TaskId};

/// Length of the requests-per-minute window.
const RATE_WINDOW_MS: f64 = 60_000.0;

/// One execution of a plan.
///
/// Feed it [`Event`]s with the driver's current time; perform the returned [`Command`]s in order
/// (a `Checkpoint` must be durable before any later `Dispatch`).
#[derive(Debug, Clone)]
pub struct Run {
    pub(super) goal: String,
    pub(super) topo: Topology,
    pub(super) config: RunConfig,
    pub(super) states: Vec<TaskState>,
    /// Gates of each task still closed: dependencies not done (or not arrived) plus a parent not opened.
    pub(super) unmet: Vec<usize>,
    /// Whether a composite task has been opened (its subtasks may start).
    pub(super) opened: Vec<bool>,
    /// Subtasks of each task not done yet.
    pub(super) open_children: Vec<usize>,
    priority: Vec<u64>,
    ready: ReadyQueue,
    /// Leaf tasks in flight.
    pub(super) running: usize,
    /// Tasks in a terminal state.
    pub(super) terminal: usize,
    pub(super) status: RunStatus,
    pub(super) rng: SplitMix64,
    /// True while a streamed plan is still arriving.
    pub(super) streaming: bool,
    pub(super) consecutive_failures: u32,
    pub(super) recent_failures: Vec<String>,
    pub(super) replans: Vec<ReplanRecord>,
    pub(super) replans_requested: u32,
    pub(super) awaiting_replan: bool,
    /// A merged re-plan waiting for the user's decision, with the ids it keeps.
    pub(super) pending_replan: Option<(ReplanProposal, HashSet<TaskId>)>,
    pub(super) replan_limit_reported: bool,
    dispatch_times: VecDeque<f64>,
    rate_timer_pending: bool,
    pub(super) provider_paused: bool,
    /// When the provider-wide back-off ends (driver time, ms).
    pub(super) provider_paused_until: f64,
    /// Tasks whose state a rebuild changed without a checkpoint (a restored running task is pending
    /// again; a restored dependent of a failed task is blocked); the next event checkpoints them.
    pub(super) unsaved: Vec<usize>,
    /// Why the provider cannot take requests, while it cannot (nothing new starts meanwhile).
    pub(super) provider_unavailable: Option<String>,
}

impl Run {
    /// A fresh run of `plan` (which should have passed validation without errors).
    pub fn new(goal: &str, plan: Plan, config: RunConfig) -> Self {
        Self::build(goal, plan, config, &HashMap::new())
    }

    /// A run rebuilt from checkpointed task states. Completed, skipped, failed and blocked tasks keep
    /// their state; a task that was running is marked interrupted and runs again; backoff timers
    /// (which do not survive a reload) are treated as over.
    /// The converted states are checkpointed on [`Event::Start`], so the store no longer says
    /// "running" for work that stopped.
    pub fn restore(goal: &str, plan: Plan, config: RunConfig, saved: &HashMap<TaskId, TaskState>) -> Self {
        let interrupted: HashSet<&TaskId> =
            saved.iter().filter(|(_, s)| s.status == TaskStatus::Running).map(|(id, _)| id).collect();
        let saved: HashMap<TaskId, TaskState> = saved
            .iter()
            .map(|(id, state)| {
                let mut state = state.clone();
                if state.status == TaskStatus::Running {
                    state.status = TaskStatus::Pending;
                    state.interrupted = true;
                }
                state.retry_wait = false;
                (id.clone(), state)
            })
            .collect();
        let mut run = Self::build(goal, plan, config, &saved);
        run.unsaved.extend((0..run.topo.len()).filter(|&i| interrupted.contains(run.topo.id(i))));
        run.fail_parents_of_failed_subtasks();
        run
    }

    /// Brings back a restored run's paused or cancelled status, or its finished status when every
    /// task is terminal (its record already holds it, so no command follows); other statuses are
    /// reached by events.
    pub fn restore_status(&mut self, status: RunStatus) {
        let finished = status == RunStatus::Finished && self.terminal == self.states.len() && self.running == 0;
        if matches!(status, RunStatus::Paused | RunStatus::Cancelled) || finished {
            self.status = status;
        }
    }

    /// A crash between a subtask's failure and its parent's leaves the parent open although it can
    /// never finish: fail it now, as the failure would have.
    fn fail_parents_of_failed_subtasks(&mut self) {
        let mut out = Vec::new();
        for p in 0..self.topo.len() {
            if !self.topo.is_composite(p) || self.states[p].status.is_terminal() {
                continue;
            }
            let failed = self.topo.children[p].iter().copied().find(|&c| self.states[c].status == TaskStatus::Failed);
            if let Some(c) = failed {
                let message =
                    format!("subtask {} failed: {}", self.topo.id(c), self.states[c].error.clone().unwrap_or_default());
                let at = self.states[c].finished_at_ms.unwrap_or_default();
                self.fail_task(p, message, at, &mut out);
            }
        }
        // Those parents (and any ancestor their failure failed) had been opened, as a subtask ran:
        // their other subtasks may still run, as `build` reopens such parents.
        for p in 0..self.topo.len() {
            if self.topo.is_composite(p) && !self.opened[p] && self.states[p].status.lets_subtasks_start() {
                self.open_gates(p);
            }
        }
        for command in out {
            if let Command::Checkpoint { task, .. } = command {
                self.unsaved.extend(self.topo.index_of(&task));
            }
        }
    }

    /// A run whose plan is still streaming in: feed [`Event::TaskArrived`] per task, then
    /// [`Event::PlanComplete`]. Tasks start as soon as they and their dependencies are known and done.
    pub fn streaming(goal: &str, config: RunConfig) -> Self {
        let mut run = Self::empty(goal, config);
        run.streaming = true;
        run
    }

    fn empty(goal: &str, config: RunConfig) -> Self {
        let rng = SplitMix64::new(config.seed);
        Run {
            goal: goal.to_string(),
            topo: Topology::default(),
            config,
            states: Vec::new(),
            unmet: Vec::new(),
            opened: Vec::new(),
            open_children: Vec::new(),
            priority: Vec::new(),
            ready: ReadyQueue::default(),
            running: 0,
            terminal: 0,
            status: RunStatus::Idle,
            rng,
            streaming: false,
            consecutive_failures: 0,
            recent_failures: Vec::new(),
            replans: Vec::new(),
            replans_requested: 0,
            awaiting_replan: false,
            pending_replan: None,
            replan_limit_reported: false,
            dispatch_times: VecDeque::new(),
            rate_timer_pending: false,
            provider_paused: false,
            provider_paused_until: 0.0,
            provider_unavailable: None,
            unsaved: Vec::new(),
        }
    }

    /// Builds a run of `plan` with the given task states (missing ones are pending). Running states
    /// are kept as running (the re-planner relies on it; `restore` converts them first). A task with
    /// subtasks that had been opened (running, or already failed or done) is opened again as it is
    /// added: after a reload, subtasks still pending under a parent that another subtask failed can
    /// run, and so can a failed subtask the user retries.
    pub(super) fn build(goal: &str, plan: Plan, config: RunConfig, saved: &HashMap<TaskId, TaskState>) -> Self {
        let mut run = Self::empty(goal, config);
        let mut changed = Vec::new();
        let parents: HashSet<&TaskId> = plan.tasks.iter().filter_map(|t| t.parent.as_ref()).collect();
        for task in &plan.tasks {
            let state = saved.get(&task.id).cloned().unwrap_or_default();
            let reopen = parents.contains(&task.id) && state.status.lets_subtasks_start();
            if let Some(i) = run.add_task(task.clone(), state, &mut changed).filter(|_| reopen) {
                run.open_gates(i);
            }
        }
        run.unsaved = changed;
        for i in 0..run.topo.len() {
            if run.states[i].status == TaskStatus::Running && !run.topo.is_composite(i) {
                run.running += 1;
            }
        }
        run.refresh_priorities();
        run
    }

    /// The run's goal.
    pub fn goal(&self) -> &str {
        &self.goal
    }

    /// The plan as it stands (including streamed, expanded and re-planned tasks).
    pub fn plan(&self) -> Plan {
        Plan { tasks: self.topo.tasks.clone(), critical_path: Vec::new() }
    }

    /// Overall status.
    pub fn status(&self) -> RunStatus {
        self.status
    }

    /// The configuration in force.
    pub fn config(&self) -> &RunConfig {
        &self.config
    }

    /// Task ids and states in plan order.
    pub fn task_states(&self) -> impl Iterator<Item = (&TaskId, &TaskState)> {
        self.topo.tasks.iter().map(|t| &t.id).zip(&self.states)
    }

    /// State of the task `id`.
    pub fn state(&self, id: &str) -> Option<&TaskState> {
        self.topo.index_of(id).map(|i| &self.states[i])
    }

    /// Number of leaf tasks in flight.
    pub fn running_count(&self) -> usize {
        self.running
    }

    /// Every re-plan so far, in order.
    pub fn replans(&self) -> &[ReplanRecord] {
        &self.replans
    }

    /// True while a re-plan answer is awaited (nothing new starts meanwhile).
    pub fn awaiting_replan(&self) -> bool {
        self.awaiting_replan
    }

    /// The re-plan waiting for the user's approval, if any.
    pub fn pending_replan(&self) -> Option<&ReplanProposal> {
        self.pending_replan.as_ref().map(|(proposal, _)| proposal)
    }

    /// Why the provider cannot take requests, while [`Event::ProviderUnavailable`] holds (nothing new
    /// starts meanwhile).
    pub fn provider_unavailable(&self) -> Option<&str> {
        self.provider_unavailable.as_deref()
    }

    /// Handles one event at driver time `now_ms` and returns the commands to perform, in order.
    pub fn handle(&mut self, event: Event, now_ms: f64) -> Vec<Command> {
        let mut out = Vec::new();
        match event {
            Event::Start => {
                if self.status == RunStatus::Idle {
                    self.set_status(RunStatus::Running, &mut out);
                }
            }
            Event::TaskSucceeded { task, attempt, output } => {
                if let Some(i) = self.current_attempt(&task, attempt) {
                    self.running -= 1;
                    self.consecutive_failures = 0;
                    self.complete(i, output, now_ms, &mut out);
                }
            }
            Event::TaskFailed { task, attempt, error } => {
                if let Some(i) = self.current_attempt(&task, attempt) {
                    self.fail_attempt(i, error, now_ms, &mut out);
                }
            }
            Event::UsageReported { task, usage } => {
                if let Some(i) = self.topo.index_of(&task) {
                    self.states[i].usage.add(&usage);
                    // A running task is checkpointed with its outcome, which follows; the usage of
                    // an attempt that ended otherwise (aborted, superseded) is checkpointed now.
                    if self.states[i].status != TaskStatus::Running {
                        self.checkpoint(i, &mut out);
                    }
                }
            }
            Event::TimerFired(timer) => self.timer_fired(timer, now_ms, &mut out),
            Event::TaskArrived(task) => self.task_arrived(task, &mut out),
            Event::PlanComplete => self.plan_complete(&mut out),
            Event::Pause => self.pause(&mut out),
            Event::Resume => self.resume(&mut out),
            Event::Cancel => self.cancel(&mut out),
            Event::Retry(id) => self.retry(&id, &mut out),
            Event::Skip(id) => self.skip(&id, now_ms, &mut out),
            Event::Expand { task, subtasks } => self.expand(&task, subtasks, &mut out),
            Event::ReplanReady(plan) => self.apply_replan(plan, &mut out),
            Event::ReplanFailed(reason) => self.replan_failed(reason, &mut out),
            Event::ReplanDecision { approve } => self.decide_replan(approve, &mut out),
            Event::ProviderUnavailable { reason } => self.provider_unavailable = Some(reason),
            Event::ProviderAvailable => self.provider_unavailable = None,
        }
        self.maybe_request_replan(&mut out);
        self.dispatch_ready(now_ms, &mut out);
        self.finish_if_done(&mut out);
        for i in std::mem::take(&mut self.unsaved) {
            self.checkpoint(i, &mut out);
        }
        out
    }

    fn timer_fired(&mut self, timer: Timer, now_ms: f64, out: &mut Vec<Command>) {
        match timer {
            Timer::Timeout { task, attempt } => {
                if let Some(i) = self.current_attempt(&task, attempt) {
                    out.push(Command::Abort { task: task.clone(), attempt });
                    let secs = self.config.timeout_ms as f64 / 1000.0;
                    self.fail_attempt(i, TaskError::retryable(format!("timed out after {secs} s")), now_ms, out);
                }
            }
            Timer::Retry { task } => {
                if let Some(i) = self.topo.index_of(&task) {
                    self.states[i].retry_wait = false;
                    self.enqueue_if_ready(i);
                }
            }
            Timer::RateLimit => self.rate_timer_pending = false,
            // Only the timer of the longest wait ends the back-off.
            Timer::ProviderBackoff => self.provider_paused &= now_ms < self.provider_paused_until,
        }
    }

    fn task_arrived(&mut self, task: Task, out: &mut Vec<Command>) {
        if !self.streaming {
            out.push(Command::Refused(format!("task {} arrived after the plan was complete", task.id)));
            return;
        }
        let mut changed = Vec::new();
        if let Some(i) = self.add_task(task, TaskState::default(), &mut changed) {
            self.priority.push(0);
            self.enqueue_if_ready(i);
        }
        for i in changed {
            self.checkpoint(i, out);
        }
    }

    fn plan_complete(&mut self, out: &mut Vec<Command>) {
        if !self.streaming {
            return;
        }
        self.streaming = false;
        let plan = self.plan();
        let issues = validate(&plan);
        if has_errors(&issues) {
            out.push(Command::PlanInvalid(issues));
            self.set_status(RunStatus::Halted, out);
            return;
        }
        self.refresh_priorities();
        out.push(Command::PlanChanged(plan));
    }

    /// Adds a task with `state`, wiring its gates. Tasks whose state changed as a consequence
    /// (blocked by an already failed dependency) are appended to `changed`.
    pub(super) fn add_task(&mut self, task: Task, state: TaskState, changed: &mut Vec<usize>) -> Option<usize> {
        let added = self.topo.add(task);
        let i = added.index?;
        if state.status.is_terminal() {
            self.terminal += 1;
        }
        self.states.push(state);
        self.opened.push(false);
        self.open_children.push(0);
        let unknown = self.topo.unknown_dep_count(i);
        let undone = self.topo.deps[i].iter().filter(|&&d| !self.states[d].status.is_done()).count();
        let parent_gate =
            usize::from(self.topo.tasks[i].parent.is_some() && self.topo.parent[i].is_none_or(|p| !self.opened[p]));
        self.unmet.push(unknown + undone + parent_gate);
        for &w in &added.resolved_dependents {
            if self.states[i].status.is_done() {
                self.unmet[w] -= 1;
                self.enqueue_if_ready(w);
            }
        }
        for &c in &added.resolved_children {
            if !self.states[c].status.is_done() {
                self.open_children[i] += 1;
            }
        }
        if let Some(p) = self.topo.parent[i] {
            if !self.states[i].status.is_done() {
                self.open_children[p] += 1;
            }
            let parent_started_alone = self.states[p].status != TaskStatus::Pending && !self.opened[p];
            if parent_started_alone && self.states[i].status == TaskStatus::Pending {
                let parent_id = self.topo.id(p).clone();
                self.block(i, &parent_id, "it had already started as a single task", changed);
            }
        }
        // A dependency that already failed (or is blocked) blocks the newcomer at once.
        let failed_dep = self.topo.deps[i]
            .iter()
            .copied()
            .find(|&d| matches!(self.states[d].status, TaskStatus::Failed | TaskStatus::Blocked));
        if let (Some(d), TaskStatus::Pending) = (failed_dep, self.states[i].status) {
            let origin = self.states[d].blocked_by.clone().unwrap_or_else(|| self.topo.id(d).clone());
            let reason = self.states[d].error.clone().unwrap_or_default();
            self.block(i, &origin, &reason, changed);
        }
        // Tasks that waited for this id inherit its failure.
        let failed_or_blocked = matches!(self.states[i].status, TaskStatus::Failed | TaskStatus::Blocked);
        if failed_or_blocked && !added.resolved_dependents.is_empty() {
            self.block_from(i, changed);
        }
        Some(i)
    }

    /// Recomputes critical-path priorities (longest remaining chain, unit weights) and the ready queue.
    pub(super) fn refresh_priorities(&mut self) {
        let graph = PlanGraph::new(&self.plan());
        let weights = vec![1.0; graph.len()];
        self.priority = remaining_path_lengths(&graph, &weights).iter().map(|&l| (l * 1000.0) as u64).collect();
        self.ready = ReadyQueue::default();
        for i in 0..self.topo.len() {
            self.enqueue_if_ready(i);
        }
    }

    /// Index of `task` if it is running `attempt` right now (stale reports are ignored).
    fn current_attempt(&self, task: &str, attempt: u32) -> Option<usize> {
        let i = self.topo.index_of(task)?;
        let s = &self.states[i];
        (s.status == TaskStatus::Running && s.attempts == attempt && !self.topo.is_composite(i)).then_some(i)
    }

    /// Whether task `i` may start now ([`may_start`] with the run's gate count).
    pub(super) fn can_start(&self, i: usize) -> bool {
        may_start(&self.states[i], self.unmet[i] == 0)
    }

    pub(super) fn enqueue_if_ready(&mut self, i: usize) {
        if self.can_start(i) {
            self.ready.push(i, self.priority.get(i).copied().unwrap_or(0));
        }
    }

    pub(super) fn set_status(&mut self, status: RunStatus, out: &mut Vec<Command>) {
        if self.status != status {
            self.status = status;
            out.push(Command::RunStatusChanged(status));
        }
    }

    /// Sets task `i`'s status, keeping the terminal count right.
    pub(super) fn set_task_status(&mut self, i: usize, status: TaskStatus) {
        let before = self.states[i].status.is_terminal();
        self.states[i].status = status;
        match (before, status.is_terminal()) {
            (false, true) => self.terminal += 1,
            (true, false) => self.terminal -= 1,
            _ => {}
        }
    }

    pub(super) fn checkpoint(&self, i: usize, out: &mut Vec<Command>) {
        out.push(Command::Checkpoint { task: self.topo.id(i).clone(), state: self.states[i].clone() });
    }

    fn dispatch_ready(&mut self, now_ms: f64, out: &mut Vec<Command>) {
        let provider_waits = self.provider_paused || self.provider_unavailable.is_some();
        if self.status != RunStatus::Running || self.awaiting_replan || provider_waits {
            return;
        }
        while self.running < self.config.max_parallel.max(1) {
            if !self.rate_allows(now_ms, out) {
                break;
            }
            let Some(i) = self.ready.pop() else { break };
            if !self.can_start(i) {
                continue; // stale queue entry
            }
            if self.topo.is_composite(i) {
                self.open(i, now_ms, out);
                continue;
            }
            let state = &mut self.states[i];
            state.status = TaskStatus::Running;
            state.attempts += 1;
            state.started_at_ms = Some(now_ms);
            let attempt = state.attempts;
            self.running += 1;
            if self.config.requests_per_minute.is_some() {
                self.dispatch_times.push_back(now_ms);
            }
            self.checkpoint(i, out);
            out.push(Command::Dispatch(self.request(i, attempt)));
            out.push(Command::StartTimer {
                timer: Timer::Timeout { task: self.topo.id(i).clone(), attempt },
                after_ms: self.config.timeout_ms,
            });
        }
    }

    /// Whether the requests-per-minute cap lets another request start now; if not, makes sure a
    /// timer will wake the run when the window has room.
    fn rate_allows(&mut self, now_ms: f64, out: &mut Vec<Command>) -> bool {
        let Some(cap) = self.config.requests_per_minute else { return true };
        while self.dispatch_times.front().is_some_and(|&t| t <= now_ms - RATE_WINDOW_MS) {
            self.dispatch_times.pop_front();
        }
        if self.dispatch_times.len() < cap.max(1) as usize {
            return true;
        }
        if !self.rate_timer_pending {
            self.rate_timer_pending = true;
            let oldest = self.dispatch_times.front().copied().unwrap_or(now_ms);
            let after_ms = (oldest + RATE_WINDOW_MS - now_ms).max(1.0).ceil() as u64;
            out.push(Command::StartTimer { timer: Timer::RateLimit, after_ms });
        }
        false
    }

    /// Opens composite `i`: it counts as running and its subtasks may start.
    fn open(&mut self, i: usize, now_ms: f64, out: &mut Vec<Command>) {
        self.set_task_status(i, TaskStatus::Running);
        self.states[i].started_at_ms = Some(now_ms);
        self.checkpoint(i, out);
        self.open_gates(i);
        if self.open_children[i] == 0 {
            self.complete_composite(i, now_ms, out);
        }
    }

    fn open_gates(&mut self, i: usize) {
        self.opened[i] = true;
        for k in 0..self.topo.children[i].len() {
            let c = self.topo.children[i][k];
            self.unmet[c] -= 1;
            self.enqueue_if_ready(c);
        }
    }

    fn request(&self, i: usize, attempt: u32) -> TaskRequest {
        let task = &self.topo.tasks[i];
        // A subtask also sees what its ancestors depended on.
        let mut sources = self.topo.deps[i].clone();
        let mut ancestor = self.topo.parent[i];
        while let Some(p) = ancestor {
            sources.extend(&self.topo.deps[p]);
            ancestor = self.topo.parent[p];
        }
        let dependency_results = sources
            .into_iter()
            .map(|d| DependencyResult {
                id: self.topo.id(d).clone(),
                name: self.topo.tasks[d].name.clone(),
                result: self.states[d].result.clone().unwrap_or_default(),
            })
            .collect();
        TaskRequest {
            goal: self.goal.clone(),
            task_id: task.id.clone(),
            name: task.name.clone(),
            description: task.description.clone(),
            kind: task.kind.clone(),
            model: task.model.clone(),
            dependency_results,
            attempt,
            timeout_ms: self.config.timeout_ms,
        }
    }

    /// Marks `i` completed with `output` and releases whatever waited for it.
    pub(super) fn complete(&mut self, i: usize, output: String, now_ms: f64, out: &mut Vec<Command>) {
        self.set_task_status(i, TaskStatus::Completed);
        let state = &mut self.states[i];
        state.result = Some(output);
        state.error = None;
        state.finished_at_ms = Some(now_ms);
        self.checkpoint(i, out);
        self.release(i, now_ms, out);
    }

    /// `i` is done: its dependents lose a gate and its parent loses an open subtask.
    pub(super) fn release(&mut self, i: usize, now_ms: f64, out: &mut Vec<Command>) {
        for k in 0..self.topo.dependents[i].len() {
            let d = self.topo.dependents[i][k];
            self.unmet[d] -= 1;
            self.enqueue_if_ready(d);
        }
        if let Some(p) = self.topo.parent[i] {
            self.open_children[p] -= 1;
            if self.open_children[p] == 0 && self.opened[p] && self.states[p].status == TaskStatus::Running {
                self.complete_composite(p, now_ms, out);
            }
        }
    }

    fn complete_composite(&mut self, p: usize, now_ms: f64, out: &mut Vec<Command>) {
        let summary = self.topo.children[p]
            .iter()
            .map(|&c| {
                format!(
                    "{} ({}): {}",
                    self.topo.id(c),
                    self.topo.tasks[c].name,
                    self.states[c].result.clone().unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("\n\n");
        self.complete(p, summary, now_ms, out);
    }

    /// An attempt of `i` failed: it is tried again after a backoff while attempts remain, else it
    /// fails. An HTTP 429 that says when to come back costs time instead of an attempt, while the
    /// task's summed waits stay within `rate_limit_wait_budget_ms`.
    fn fail_attempt(&mut self, i: usize, error: TaskError, now_ms: f64, out: &mut Vec<Command>) {
        self.running -= 1;
        let state = &mut self.states[i];
        let told_wait = error.retry_after_ms.filter(|_| error.rate_limited);
        let budget = self.config.rate_limit_wait_budget_ms;
        let free_wait = told_wait.filter(|&w| state.rate_limit_wait_ms.saturating_add(w) <= budget);
        if let Some(wait) = free_wait {
            state.attempt_base += 1;
            state.rate_limit_waits += 1;
            state.rate_limit_wait_ms += wait;
        }
        let used = state.attempts_spent();
        let delay = retry_delay_ms(&self.config, used + 1, error.retry_after_ms, &mut self.rng);
        // A later 429 that asks for a longer wait extends the provider-wide back-off.
        if error.rate_limited && (!self.provider_paused || now_ms + delay as f64 > self.provider_paused_until) {
            self.provider_paused = true;
            self.provider_paused_until = self.provider_paused_until.max(now_ms + delay as f64);
            out.push(Command::StartTimer { timer: Timer::ProviderBackoff, after_ms: delay });
        }
        self.states[i].error = Some(error.message.clone());
        self.states[i].interrupted = false;
        if (error.retryable || free_wait.is_some()) && used < self.config.max_attempts {
            self.states[i].status = TaskStatus::Pending;
            self.states[i].retry_wait = true;
            self.checkpoint(i, out);
            out.push(Command::StartTimer { timer: Timer::Retry { task: self.topo.id(i).clone() }, after_ms: delay });
            return;
        }
        self.consecutive_failures += 1;
        self.recent_failures.push(format!("{} ({}): {}", self.topo.id(i), self.topo.tasks[i].name, error.message));
        self.fail_task(i, error.message, now_ms, out);
    }

    /// Marks `i` failed, blocks its dependents, and fails its parent (a parent fails as its subtasks do).
    fn fail_task(&mut self, i: usize, message: String, now_ms: f64, out: &mut Vec<Command>) {
        self.set_task_status(i, TaskStatus::Failed);
        self.states[i].error = Some(message.clone());
        self.states[i].finished_at_ms = Some(now_ms);
        self.checkpoint(i, out);
        let mut changed = Vec::new();
        self.block_from(i, &mut changed);
        for c in changed {
            self.states[c].finished_at_ms = Some(now_ms);
            self.checkpoint(c, out);
        }
        if let Some(p) = self.topo.parent[i] {
            if !self.states[p].status.is_terminal() {
                let id = self.topo.id(i).clone();
                self.fail_task(p, format!("subtask {id} failed: {message}"), now_ms, out);
            }
        }
    }

    /// Blocks every pending task downstream of failed or blocked task `root`: its dependents, their
    /// dependents, and the subtasks of any composite blocked on the way. Changed tasks go to `changed`.
    pub(super) fn block_from(&mut self, root: usize, changed: &mut Vec<usize>) {
        let origin = self.states[root].blocked_by.clone().unwrap_or_else(|| self.topo.id(root).clone());
        let reason = match &self.states[root].blocked_by {
            Some(_) => self.states[root].error.clone().unwrap_or_default(),
            None => {
                format!("blocked by {origin}, which failed: {}", self.states[root].error.clone().unwrap_or_default())
            }
        };
        let mut queue = VecDeque::from([root]);
        while let Some(v) = queue.pop_front() {
            let mut next: Vec<usize> = self.topo.dependents[v].clone();
            if v != root {
                next.extend(&self.topo.children[v]);
            }
            for w in next {
                if self.states[w].status == TaskStatus::Pending {
                    self.set_task_status(w, TaskStatus::Blocked);
                    self.states[w].blocked_by = Some(origin.clone());
                    self.states[w].error = Some(reason.clone());
                    changed.push(w);
                    queue.push_back(w);
                }
            }
        }
    }

    /// Blocks the single task `i` because of `origin` and everything downstream of it.
    fn block(&mut self, i: usize, origin: &TaskId, reason: &str, changed: &mut Vec<usize>) {
        self.set_task_status(i, TaskStatus::Blocked);
        self.states[i].blocked_by = Some(origin.clone());
        self.states[i].error = Some(if reason.starts_with("blocked by") {
            reason.to_string()
        } else {
            format!("blocked by {origin}, which failed: {reason}")
        });
        changed.push(i);
        self.block_from(i, changed);
    }

    fn finish_if_done(&mut self, out: &mut Vec<Command>) {
        let active = matches!(self.status, RunStatus::Running | RunStatus::Paused);
        if active && !self.streaming && !self.awaiting_replan && self.terminal == self.states.len() && self.running == 0
        {
            self.set_status(RunStatus::Finished, out);
        }
    }
}
