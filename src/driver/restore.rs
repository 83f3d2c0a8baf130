//! Rebuilding a run from the checkpoint store alone — after a reload, a crash, or when a finished
//! run is controlled again — never from what a screen shows.

use std::collections::HashMap;

use futures::future::LocalBoxFuture;

use crate::engine::{Run, TaskState};
use crate::plan::TaskId;
use crate::store::record::WorkflowRecord;
use crate::store::{CheckpointStore, StoreError};

/// A stored workflow with everything needed to go on with it.
#[derive(Debug, Clone)]
pub struct StoredWorkflow {
    /// The workflow record.
    pub record: WorkflowRecord,
    /// Every readable task state.
    pub states: HashMap<TaskId, TaskState>,
    /// One message per unreadable task record (those tasks run again).
    pub problems: Vec<String>,
}

impl StoredWorkflow {
    /// Tasks already in a terminal state.
    pub fn done(&self) -> usize {
        self.states.values().filter(|s| s.status.is_terminal()).count()
    }

    /// The run as it was stored: task states, re-plan history, a re-plan still waiting for
    /// approval; a paused or cancelled run comes back so.
    pub fn run(&self) -> Run {
        let record = &self.record;
        let mut run = Run::restore(&record.goal, record.plan.clone(), record.config.clone(), &self.states);
        run.set_replan_history(record.replans.clone());
        if let Some(proposal) = &record.pending_replan {
            run.restore_pending_replan(proposal.clone());
        }
        run.restore_status(record.status);
        run
    }
}

/// Loads workflow `id` with its task states (`None` if it is not stored). One boxed future for every
/// caller, so the load is compiled once (it keeps the Wasm bundle smaller).
pub fn load_workflow<'a>(
    store: &'a dyn CheckpointStore,
    id: &'a str,
) -> LocalBoxFuture<'a, Result<Option<StoredWorkflow>, StoreError>> {
    Box::pin(async move {
        let Some(record) = store.workflow(id).await? else { return Ok(None) };
        let (tasks, problems) = store.tasks(&record.id).await?;
        let states = tasks.into_iter().map(|t| (t.task_id, t.state)).collect();
        Ok(Some(StoredWorkflow { record, states, problems }))
    })
}
