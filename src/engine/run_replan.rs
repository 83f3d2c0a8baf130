//! The run's side of re-planning: when to ask, and how an answer replaces the remaining work.

use std::collections::{HashMap, HashSet};

use super::event::Command;
use super::replan::{merge, summarize, CompletedTask, ReplanProposal, ReplanRecord, ReplanRequest};
use super::run::Run;
use super::state::{TaskState, TaskStatus};
use crate::plan::validate::{has_errors, validate, Severity};
use crate::plan::{Plan, TaskId};

impl Run {
    /// Brings back the re-plan history of a restored run, so the cap still counts earlier re-plans.
    pub fn set_replan_history(&mut self, records: Vec<ReplanRecord>) {
        self.replans_requested = records.iter().map(|r| r.number).max().unwrap_or(0);
        self.replan_limit_reported = records.iter().any(|r| !r.accepted && r.note.starts_with("re-plan limit"));
        self.replans = records;
    }

    /// After `replan_after_failures` consecutive task failures, asks for a revised plan of the
    /// remaining work (at most `max_replans` times; then says so once).
    pub(super) fn maybe_request_replan(&mut self, out: &mut Vec<Command>) {
        let threshold = self.config.replan_after_failures;
        if threshold == 0 || self.consecutive_failures < threshold || self.awaiting_replan || self.streaming {
            return;
        }
        if self.replans_requested >= self.config.max_replans {
            if !self.replan_limit_reported {
                self.replan_limit_reported = true;
                let record = ReplanRecord {
                    number: self.replans_requested,
                    trigger: self.recent_failures.join("; "),
                    accepted: false,
                    removed: Vec::new(),
                    added: Vec::new(),
                    note: format!(
                        "re-plan limit of {} reached: failures are reported as they are",
                        self.config.max_replans
                    ),
                };
                self.replans.push(record.clone());
                out.push(Command::ReplanRecorded(record));
            }
            return;
        }
        self.replans_requested += 1;
        self.awaiting_replan = true;
        self.consecutive_failures = 0;
        let completed = (0..self.topo.len())
            .filter(|&i| self.states[i].status == TaskStatus::Completed)
            .map(|i| CompletedTask {
                id: self.topo.id(i).clone(),
                name: self.topo.tasks[i].name.clone(),
                summary: summarize(self.states[i].result.as_deref().unwrap_or_default()),
            })
            .collect();
        let remaining = (0..self.topo.len())
            .filter(|&i| {
                matches!(self.states[i].status, TaskStatus::Pending | TaskStatus::Failed | TaskStatus::Blocked)
            })
            .map(|i| self.topo.tasks[i].clone())
            .collect();
        out.push(Command::RequestReplan(ReplanRequest {
            goal: self.goal.clone(),
            number: self.replans_requested,
            completed,
            remaining,
            failure: self.recent_failures.join("; "),
        }));
    }

    /// Merges a re-plan answer: done and running tasks stay exactly as they are; the remaining work is
    /// replaced by the answer's tasks (any that repeat a kept id are dropped). With
    /// `approve_replans` the merge is proposed to the user first.
    pub(super) fn apply_replan(&mut self, answer: Plan, out: &mut Vec<Command>) {
        if !self.awaiting_replan || self.pending_replan.is_some() {
            out.push(Command::Refused("a re-plan arrived that was not asked for".into()));
            return;
        }
        let trigger = self.recent_failures.join("; ");
        let number = self.replans_requested;
        let kept = self.kept_tasks();
        let old = self.plan();
        let (merged, removed, added) = merge(&old, &kept, &answer);
        let issues = validate(&merged);
        if has_errors(&issues) {
            let errors: Vec<String> =
                issues.into_iter().filter(|x| x.severity == Severity::Error).map(|x| x.message).collect();
            let note = format!("the revised plan was refused: {}", errors.join("; "));
            self.awaiting_replan = false;
            self.recent_failures.clear();
            self.record_replan(
                ReplanRecord { number, trigger, accepted: false, removed: vec![], added: vec![], note },
                out,
            );
            return;
        }
        let proposal = ReplanProposal { number, trigger, removed, added, plan: merged };
        if self.config.approve_replans {
            out.push(Command::ReplanProposed(proposal.clone()));
            self.pending_replan = Some((proposal, kept));
        } else {
            self.commit_replan(proposal, &kept, out);
        }
    }

    /// Brings back a re-plan that was waiting for the user's approval when the run was saved: the
    /// restored run again starts nothing new until [`Event::ReplanDecision`](super::Event::ReplanDecision).
    pub fn restore_pending_replan(&mut self, proposal: ReplanProposal) {
        self.replans_requested = self.replans_requested.max(proposal.number);
        self.awaiting_replan = true;
        self.pending_replan = Some((proposal, self.kept_tasks()));
    }

    /// Tasks a re-plan keeps as they are: the done and running ones, with their parents.
    fn kept_tasks(&self) -> HashSet<TaskId> {
        let mut kept = HashSet::new();
        for i in 0..self.topo.len() {
            if self.states[i].status.is_done() || self.states[i].status == TaskStatus::Running {
                let mut ancestor = Some(i);
                while let Some(a) = ancestor {
                    kept.insert(self.topo.id(a).clone());
                    ancestor = self.topo.parent[a];
                }
            }
        }
        kept
    }

    /// The user's answer to a proposed re-plan: apply it, or go on with the plan as it is.
    pub(super) fn decide_replan(&mut self, approve: bool, out: &mut Vec<Command>) {
        let Some((proposal, kept)) = self.pending_replan.take() else {
            out.push(Command::Refused("there is no re-plan waiting for approval".into()));
            return;
        };
        if approve {
            self.commit_replan(proposal, &kept, out);
            return;
        }
        self.awaiting_replan = false;
        self.recent_failures.clear();
        let ReplanProposal { number, trigger, .. } = proposal;
        let note = "rejected by the user: the run goes on with the plan it had".to_string();
        self.record_replan(
            ReplanRecord { number, trigger, accepted: false, removed: vec![], added: vec![], note },
            out,
        );
    }

    /// Replaces the remaining work with the proposal's plan and records the re-plan.
    fn commit_replan(&mut self, proposal: ReplanProposal, kept: &HashSet<TaskId>, out: &mut Vec<Command>) {
        let ReplanProposal { number, trigger, removed, added, plan: merged } = proposal;
        self.awaiting_replan = false;
        self.recent_failures.clear();
        let saved: HashMap<TaskId, TaskState> =
            kept.iter().filter_map(|id| self.state(id).map(|s| (id.clone(), s.clone()))).collect();
        let mut rebuilt = Run::build(&self.goal, merged.clone(), self.config.clone(), &saved);
        rebuilt.status = self.status;
        rebuilt.rng = self.rng.clone();
        rebuilt.replans = std::mem::take(&mut self.replans);
        rebuilt.replans_requested = self.replans_requested;
        rebuilt.provider_paused = self.provider_paused;
        rebuilt.provider_unavailable = self.provider_unavailable.take();
        *self = rebuilt;
        out.push(Command::PlanChanged(merged));
        for i in 0..self.topo.len() {
            if !kept.contains(self.topo.id(i)) {
                self.checkpoint(i, out);
            }
        }
        let note = format!("{} task(s) removed, {} added", removed.len(), added.len());
        self.record_replan(ReplanRecord { number, trigger, accepted: true, removed, added, note }, out);
    }

    /// Re-planning failed: the run goes on with the plan it has.
    pub(super) fn replan_failed(&mut self, reason: String, out: &mut Vec<Command>) {
        if !self.awaiting_replan {
            return;
        }
        self.awaiting_replan = false;
        let trigger = std::mem::take(&mut self.recent_failures).join("; ");
        let number = self.replans_requested;
        let note = format!("re-planning failed: {reason}");
        self.record_replan(
            ReplanRecord { number, trigger, accepted: false, removed: vec![], added: vec![], note },
            out,
        );
    }

    fn record_replan(&mut self, record: ReplanRecord, out: &mut Vec<Command>) {
        self.replans.push(record.clone());
        out.push(Command::ReplanRecorded(record));
    }
}
