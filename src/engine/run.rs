//! The run state machine: events in, commands out. No I/O, no clock, no awaiting.

use std::collections::HashMap;

use super::backoff::retry_delay_ms;
use super::config::RunConfig;
use super::event::{Command, DependencyResult, Event, RunStatus, TaskError, TaskRequest, Timer};
use super::ready_queue::ReadyQueue;
use super::rng::SplitMix64;
use super::state::{TaskState, TaskStatus};
use crate::plan::critical_path::remaining_path_lengths;
use crate::plan::graph::PlanGraph;
use crate::plan::{Plan, TaskId};

/// One execution of a validated plan.
///
/// Feed it [`Event`]s with the driver's current time; perform the returned [`Command`]s in order
/// (a `Checkpoint` must be durable before any later `Dispatch`).
#[derive(Debug, Clone)]
pub struct Run {
    goal: String,
    plan: Plan,
    graph: PlanGraph,
    config: RunConfig,
    states: Vec<TaskState>,
    /// Dependencies of each task not yet completed.
    unmet: Vec<usize>,
    priority: Vec<u64>,
    ready: ReadyQueue,
    running: usize,
    /// Tasks in a terminal state (completed, failed, blocked).
    terminal: usize,
    status: RunStatus,
    rng: SplitMix64,
}

impl Run {
    /// A fresh run of `plan` (which must have passed validation without errors).
    pub fn new(goal: &str, plan: Plan, config: RunConfig) -> Self {
        Self::restore(goal, plan, config, &HashMap::new())
    }

    /// A run rebuilt from checkpointed task states. Completed, failed and blocked tasks keep their
    /// state; a task that was running is marked interrupted and will run again.
    pub fn restore(goal: &str, plan: Plan, config: RunConfig, saved: &HashMap<TaskId, TaskState>) -> Self {
        let graph = PlanGraph::new(&plan);
        let n = graph.len();
        let weights = vec![1.0; n];
        let priority = remaining_path_lengths(&graph, &weights).iter().map(|&l| (l * 1000.0) as u64).collect();
        let mut states: Vec<TaskState> =
            graph.ids.iter().map(|id| saved.get(id).cloned().unwrap_or_default()).collect();
        for state in &mut states {
            if state.status == TaskStatus::Running {
                state.status = TaskStatus::Pending;
                state.interrupted = true;
            }
            // Timers do not survive a reload: a task waiting for its backoff retries at once.
            state.retry_wait = false;
        }
        let unmet = (0..n)
            .map(|i| graph.deps[i].iter().filter(|&&d| states[d].status != TaskStatus::Completed).count())
            .collect();
        let terminal = states.iter().filter(|s| s.status.is_terminal()).count();
        let rng = SplitMix64::new(config.seed);
        let mut run = Run {
            goal: goal.to_string(),
            plan,
            graph,
            config,
            states,
            unmet,
            priority,
            ready: ReadyQueue::default(),
            running: 0,
            terminal,
            status: RunStatus::Idle,
            rng,
        };
        for i in 0..n {
            if run.is_ready(i) {
                run.ready.push(i, run.priority[i]);
            }
        }
        run
    }

    /// The run's goal.
    pub fn goal(&self) -> &str {
        &self.goal
    }

    /// The plan being executed.
    pub fn plan(&self) -> &Plan {
        &self.plan
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
        self.graph.ids.iter().zip(&self.states)
    }

    /// State of the task `id`.
    pub fn state(&self, id: &str) -> Option<&TaskState> {
        self.graph.index_of(id).map(|i| &self.states[i])
    }

    /// Number of tasks in flight.
    pub fn running_count(&self) -> usize {
        self.running
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
                    self.complete(i, output, now_ms, &mut out);
                }
            }
            Event::TaskFailed { task, attempt, error } => {
                if let Some(i) = self.current_attempt(&task, attempt) {
                    self.fail_attempt(i, error, now_ms, &mut out);
                }
            }
            Event::TimerFired(Timer::Timeout { task, attempt }) => {
                if let Some(i) = self.current_attempt(&task, attempt) {
                    out.push(Command::Abort { task: task.clone(), attempt });
                    let secs = self.config.timeout_ms as f64 / 1000.0;
                    self.fail_attempt(i, TaskError::retryable(format!("timed out after {secs} s")), now_ms, &mut out);
                }
            }
            Event::TimerFired(Timer::Retry { task }) => {
                if let Some(i) = self.graph.index_of(&task) {
                    self.states[i].retry_wait = false;
                    if self.is_ready(i) {
                        self.ready.push(i, self.priority[i]);
                    }
                }
            }
        }
        self.dispatch_ready(now_ms, &mut out);
        self.finish_if_done(&mut out);
        out
    }

    /// Index of `task` if it is running `attempt` right now (stale reports are ignored).
    fn current_attempt(&self, task: &str, attempt: u32) -> Option<usize> {
        let i = self.graph.index_of(task)?;
        let s = &self.states[i];
        (s.status == TaskStatus::Running && s.attempts == attempt).then_some(i)
    }

    fn is_ready(&self, i: usize) -> bool {
        let s = &self.states[i];
        s.status == TaskStatus::Pending && self.unmet[i] == 0 && !self.waiting_for_retry(i)
    }

    /// A pending task that has failed an attempt waits for its retry timer.
    fn waiting_for_retry(&self, i: usize) -> bool {
        self.states[i].retry_wait
    }

    fn set_status(&mut self, status: RunStatus, out: &mut Vec<Command>) {
        if self.status != status {
            self.status = status;
            out.push(Command::RunStatusChanged(status));
        }
    }

    fn checkpoint(&self, i: usize, out: &mut Vec<Command>) {
        out.push(Command::Checkpoint { task: self.graph.ids[i].clone(), state: self.states[i].clone() });
    }

    fn dispatch_ready(&mut self, now_ms: f64, out: &mut Vec<Command>) {
        if self.status != RunStatus::Running {
            return;
        }
        while self.running < self.config.max_parallel.max(1) {
            let Some(i) = self.ready.pop() else { break };
            if !self.is_ready(i) {
                continue; // stale queue entry
            }
            let state = &mut self.states[i];
            state.status = TaskStatus::Running;
            state.attempts += 1;
            state.started_at_ms = Some(now_ms);
            state.retry_wait = false;
            let attempt = state.attempts;
            self.running += 1;
            self.checkpoint(i, out);
            out.push(Command::Dispatch(self.request(i, attempt)));
            out.push(Command::StartTimer {
                timer: Timer::Timeout { task: self.graph.ids[i].clone(), attempt },
                after_ms: self.config.timeout_ms,
            });
        }
    }

    fn request(&self, i: usize, attempt: u32) -> TaskRequest {
        let task = self.plan.task(&self.graph.ids[i]).expect("graph ids come from the plan");
        let dependency_results = self.graph.deps[i]
            .iter()
            .map(|&d| DependencyResult {
                id: self.graph.ids[d].clone(),
                name: self.plan.task(&self.graph.ids[d]).map(|t| t.name.clone()).unwrap_or_default(),
                result: self.states[d].result.clone().unwrap_or_default(),
            })
            .collect();
        TaskRequest {
            goal: self.goal.clone(),
            task_id: task.id.clone(),
            name: task.name.clone(),
            description: task.description.clone(),
            dependency_results,
            attempt,
            timeout_ms: self.config.timeout_ms,
        }
    }

    fn complete(&mut self, i: usize, output: String, now_ms: f64, out: &mut Vec<Command>) {
        self.running -= 1;
        let state = &mut self.states[i];
        state.status = TaskStatus::Completed;
        state.result = Some(output);
        state.error = None;
        state.finished_at_ms = Some(now_ms);
        self.terminal += 1;
        self.checkpoint(i, out);
        for k in 0..self.graph.dependents[i].len() {
            let d = self.graph.dependents[i][k];
            self.unmet[d] -= 1;
            if self.is_ready(d) {
                self.ready.push(d, self.priority[d]);
            }
        }
    }

    fn fail_attempt(&mut self, i: usize, error: TaskError, now_ms: f64, out: &mut Vec<Command>) {
        self.running -= 1;
        let attempts = self.states[i].attempts;
        let state = &mut self.states[i];
        state.error = Some(error.message.clone());
        state.interrupted = false;
        if error.retryable && attempts < self.config.max_attempts {
            state.status = TaskStatus::Pending;
            state.retry_wait = true;
            self.checkpoint(i, out);
            let after_ms = retry_delay_ms(&self.config, attempts + 1, error.retry_after_ms, &mut self.rng);
            out.push(Command::StartTimer { timer: Timer::Retry { task: self.graph.ids[i].clone() }, after_ms });
            return;
        }
        state.status = TaskStatus::Failed;
        state.finished_at_ms = Some(now_ms);
        self.terminal += 1;
        self.checkpoint(i, out);
        self.block_dependents(i, now_ms, out);
    }

    /// Marks every transitive dependent of failed task `i` blocked, recording the chain.
    fn block_dependents(&mut self, i: usize, now_ms: f64, out: &mut Vec<Command>) {
        let failed_id = self.graph.ids[i].clone();
        let reason = self.states[i].error.clone().unwrap_or_default();
        for d in self.graph.transitive_dependents(i) {
            if self.states[d].status == TaskStatus::Pending {
                let state = &mut self.states[d];
                state.status = TaskStatus::Blocked;
                state.blocked_by = Some(failed_id.clone());
                state.error = Some(format!("blocked by {failed_id}, which failed: {reason}"));
                state.finished_at_ms = Some(now_ms);
                self.terminal += 1;
                self.checkpoint(d, out);
            }
        }
    }

    fn finish_if_done(&mut self, out: &mut Vec<Command>) {
        if self.status == RunStatus::Running && self.terminal == self.states.len() {
            self.set_status(RunStatus::Finished, out);
        }
    }
}
