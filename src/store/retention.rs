//! Which finished workflows a retention setting deletes.

use super::record::WorkflowRecord;
use crate::engine::RunStatus;

/// Milliseconds in a day.
const DAY_MS: f64 = 86_400_000.0;

/// Ids of finished workflows last updated more than `days` days before `now_ms` (unfinished ones
/// are never deleted by retention; `days == 0` keeps everything).
pub fn expired(workflows: &[WorkflowRecord], now_ms: f64, days: u32) -> Vec<String> {
    if days == 0 {
        return Vec::new();
    }
    let cutoff = now_ms - days as f64 * DAY_MS;
    workflows
        .iter()
        .filter(|w| matches!(w.status, RunStatus::Finished | RunStatus::Halted) && w.updated_ms < cutoff)
        .map(|w| w.id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RunConfig;
    use crate::plan::Plan;

    fn workflow(id: &str, status: RunStatus, updated_days_ago: f64) -> WorkflowRecord {
        WorkflowRecord {
            id: id.into(),
            schema_version: 2,
            goal: "g".into(),
            plan: Plan::default(),
            config: RunConfig::default(),
            status,
            created_ms: 0.0,
            updated_ms: 100.0 * DAY_MS - updated_days_ago * DAY_MS,
            replans: vec![],
            pending_replan: None,
            allowed_hosts: Vec::new(),
            forked_from: None,
        }
    }

    #[test]
    fn only_old_finished_workflows_expire() {
        let all = [
            workflow("old-done", RunStatus::Finished, 40.0),
            workflow("new-done", RunStatus::Finished, 2.0),
            workflow("old-running", RunStatus::Running, 40.0),
            workflow("old-paused", RunStatus::Paused, 40.0),
        ];
        assert_eq!(expired(&all, 100.0 * DAY_MS, 30), vec!["old-done"]);
        assert!(expired(&all, 100.0 * DAY_MS, 0).is_empty());
    }
}
