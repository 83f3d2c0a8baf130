//! User controls of a run: pause, resume, cancel, retry a failed task, skip a task, expand a task.

use super::event::{Command, RunStatus};
use super::run::Run;
use super::state::TaskStatus;
use super::task_actions::{expand_refusal, retry_refusal, skip_refusal};
use crate::plan::edit::with_subtasks;
use crate::plan::Task;

impl Run {
    /// Pauses a running run, or a run not started yet (so a restored paused run stays paused).
    pub(super) fn pause(&mut self, out: &mut Vec<Command>) {
        if matches!(self.status, RunStatus::Running | RunStatus::Idle) {
            self.set_status(RunStatus::Paused, out);
        }
    }

    pub(super) fn resume(&mut self, out: &mut Vec<Command>) {
        if matches!(self.status, RunStatus::Paused | RunStatus::Cancelled) {
            self.set_status(RunStatus::Running, out);
        }
    }

    /// Aborts every request in flight; the aborted tasks return to pending (and run again on resume
    /// without the aborted attempt counting against their budget).
    pub(super) fn cancel(&mut self, out: &mut Vec<Command>) {
        if !matches!(self.status, RunStatus::Running | RunStatus::Paused) {
            return;
        }
        for i in 0..self.topo.len() {
            if self.states[i].status == TaskStatus::Running && !self.topo.is_composite(i) {
                let state = &mut self.states[i];
                out.push(Command::Abort { task: self.topo.id(i).clone(), attempt: state.attempts });
                state.status = TaskStatus::Pending;
                state.attempt_base += 1;
                state.interrupted = true;
                state.error = Some("cancelled by the user".into());
                self.running -= 1;
                self.checkpoint(i, out);
                self.enqueue_if_ready(i);
            }
        }
        self.set_status(RunStatus::Cancelled, out);
    }

    /// Runs failed task `id` again with a fresh attempt budget; what it blocked returns to pending.
    pub(super) fn retry(&mut self, id: &str, out: &mut Vec<Command>) {
        let Some(i) = self.topo.index_of(id) else {
            out.push(Command::Refused(format!("there is no task {id}")));
            return;
        };
        if let Some(reason) = retry_refusal(id, self.states[i].status, self.topo.children[i].len()) {
            out.push(Command::Refused(reason));
            return;
        }
        self.set_task_status(i, TaskStatus::Pending);
        let state = &mut self.states[i];
        state.attempt_base = state.attempts;
        state.error = None;
        state.finished_at_ms = None;
        state.retry_wait = false;
        self.checkpoint(i, out);
        // Parents that failed because of this subtask are open again.
        let mut ancestor = self.topo.parent[i];
        while let Some(p) = ancestor {
            if self.states[p].status == TaskStatus::Failed {
                self.set_task_status(p, TaskStatus::Running);
                self.states[p].error = None;
                self.states[p].finished_at_ms = None;
                self.checkpoint(p, out);
                self.unblock_downstream(p, out);
            }
            ancestor = self.topo.parent[p];
        }
        self.unblock_downstream(i, out);
        self.consecutive_failures = 0;
        self.enqueue_if_ready(i);
        if self.status == RunStatus::Finished {
            self.set_status(RunStatus::Running, out);
        }
    }

    /// Marks `id` done with an empty result (aborting it if running) so its dependents can run.
    pub(super) fn skip(&mut self, id: &str, now_ms: f64, out: &mut Vec<Command>) {
        let Some(i) = self.topo.index_of(id) else {
            out.push(Command::Refused(format!("there is no task {id}")));
            return;
        };
        if let Some(reason) = skip_refusal(id, self.states[i].status, self.open_children[i]) {
            out.push(Command::Refused(reason));
            return;
        }
        let status = self.states[i].status;
        if status == TaskStatus::Running {
            out.push(Command::Abort { task: id.to_string(), attempt: self.states[i].attempts });
            self.running -= 1;
        }
        self.set_task_status(i, TaskStatus::Skipped);
        let state = &mut self.states[i];
        state.result = Some(String::new());
        state.error = None;
        state.blocked_by = None;
        state.retry_wait = false;
        state.finished_at_ms = Some(now_ms);
        self.checkpoint(i, out);
        if matches!(status, TaskStatus::Failed | TaskStatus::Blocked) {
            self.unblock_downstream(i, out);
        }
        self.release(i, now_ms, out);
        if self.status == RunStatus::Finished {
            self.set_status(RunStatus::Running, out);
        }
    }

    /// Returns every task blocked downstream of `i` to pending, then blocks again whatever another
    /// failure still blocks.
    fn unblock_downstream(&mut self, i: usize, out: &mut Vec<Command>) {
        let mut freed = Vec::new();
        let mut stack = vec![i];
        while let Some(v) = stack.pop() {
            let mut next = self.topo.dependents[v].clone();
            if v != i {
                next.extend(&self.topo.children[v]);
            }
            for w in next {
                if self.states[w].status == TaskStatus::Blocked {
                    self.set_task_status(w, TaskStatus::Pending);
                    self.states[w].blocked_by = None;
                    self.states[w].error = None;
                    self.states[w].finished_at_ms = None;
                    freed.push(w);
                    stack.push(w);
                }
            }
        }
        let mut reblocked = Vec::new();
        for f in 0..self.topo.len() {
            if self.states[f].status == TaskStatus::Failed && !self.topo.is_composite(f) {
                self.block_from(f, &mut reblocked);
            }
        }
        for w in freed {
            self.checkpoint(w, out);
            self.enqueue_if_ready(w);
        }
        for w in reblocked {
            self.checkpoint(w, out);
        }
    }

    /// Splits pending task `id` into `subtasks` (their parent is set to `id`); refused when the task
    /// allows no expansion ([`expand_refusal`]) or when [`with_subtasks`] refuses the result.
    pub(super) fn expand(&mut self, id: &str, subtasks: Vec<Task>, out: &mut Vec<Command>) {
        let Some(i) = self.topo.index_of(id) else {
            out.push(Command::Refused(format!("there is no task {id}")));
            return;
        };
        if let Some(reason) = expand_refusal(id, self.states[i].status, self.topo.depth(i)) {
            out.push(Command::Refused(reason));
            return;
        }
        let expanded = match with_subtasks(&self.plan(), id, subtasks) {
            Ok(plan) => plan,
            Err(error) => {
                out.push(Command::Refused(error.to_string()));
                return;
            }
        };
        let subtasks: Vec<Task> = expanded.tasks[self.topo.len()..].to_vec();
        let mut changed = Vec::new();
        for task in subtasks {
            self.add_task(task, Default::default(), &mut changed);
        }
        for c in changed {
            self.checkpoint(c, out);
        }
        self.refresh_priorities();
        out.push(Command::PlanChanged(self.plan()));
    }
}
