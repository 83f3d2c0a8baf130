//! Saving a fork of a stored run as a new workflow: the parent is rebuilt from the store alone,
//! the engine builds the fork ([`Run::fork`](crate::engine::Run::fork)), and the fork's kept task
//! states are written under the new id before its workflow record. The parent's records are only
//! read.

use super::restore::StoredWorkflow;
use crate::engine::{Fork, ForkSpec, RunStatus};
use crate::store::record::{EventRecord, ForkOrigin, TaskRecord, WorkflowRecord, SCHEMA_VERSION};
use crate::store::{CheckpointStore, StoreError};

/// Why a fork could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ForkError {
    /// The engine refused it (e.g. the run is still running).
    #[error("This run cannot be forked here: {0}.")]
    Refused(String),
    /// A write failed; the parent is unchanged and the fork may be incomplete.
    #[error("The fork could not be saved: {0}")]
    Store(#[from] StoreError),
}

/// Makes and saves a fork of `parent` at `spec.task` as workflow `id` at `now_ms`. The fork's
/// record says it runs (so a reload resumes it with its kept results) and names its parent and
/// the task it was forked at. Returns the fork (its run ready to start) and its record.
pub async fn save_fork(
    store: &dyn CheckpointStore,
    parent: &StoredWorkflow,
    spec: &ForkSpec,
    id: String,
    now_ms: f64,
) -> Result<(Fork, WorkflowRecord), ForkError> {
    let mut fork = parent.run().fork(spec, now_ms).map_err(ForkError::Refused)?;
    fork.plan.critical_path.clone_from(&parent.record.plan.critical_path);
    for (k, (task_id, state)) in fork.seeded.iter().enumerate() {
        let record = TaskRecord { workflow_id: id.clone(), task_id: task_id.clone(), state: state.clone() };
        let event = EventRecord::of(&id, task_id, state, now_ms + k as f64 * 0.001);
        store.checkpoint(&record, &event).await?;
    }
    let record = WorkflowRecord {
        id,
        schema_version: SCHEMA_VERSION,
        goal: parent.record.goal.clone(),
        plan: fork.plan.clone(),
        config: parent.record.config.clone(),
        status: RunStatus::Running,
        created_ms: now_ms,
        updated_ms: now_ms,
        replans: Vec::new(),
        pending_replan: None,
        allowed_hosts: parent.record.allowed_hosts.clone(),
        forked_from: Some(ForkOrigin { workflow_id: parent.record.id.clone(), task_id: spec.task.clone() }),
    };
    store.put_workflow(&record).await?;
    Ok((fork, record))
}

#[cfg(test)]
mod tests {
    use futures::FutureExt;

    use super::*;
    use crate::driver::restore::load_workflow;
    use crate::engine::{Command, Event, Run, RunConfig, TaskError, TaskStatus};
    use crate::plan::Plan;
    use crate::store::MemoryStore;

    /// Every record of workflow `id` as JSON text.
    fn records_of(store: &MemoryStore, id: &str) -> String {
        async {
            let workflow = store.workflow(id).await.unwrap();
            let tasks = store.tasks(id).await.unwrap().0;
            let events = store.events(id).await.unwrap();
            serde_json::json!([workflow, tasks, events]).to_string()
        }
        .now_or_never()
        .unwrap()
    }

    /// A finished diamond run T1 → (T2, T3) → T4 whose T3 failed, stored as workflow `wf-parent`.
    fn stored_parent(store: &MemoryStore) -> StoredWorkflow {
        let plan =
            Plan { critical_path: vec!["T1".into(), "T2".into(), "T4".into()], ..crate::plan::test_plans::diamond() };
        let config = RunConfig { max_attempts: 1, ..RunConfig::default() };
        let mut run = Run::new("g", plan.clone(), config.clone());
        let mut commands = run.handle(Event::Start, 1.0);
        for (task, now) in [("T1", 2.0), ("T2", 3.0)] {
            commands
                .extend(run.handle(Event::TaskSucceeded { task: task.into(), attempt: 1, output: task.into() }, now));
        }
        let error = TaskError::permanent("HTTP 400");
        commands.extend(run.handle(Event::TaskFailed { task: "T3".into(), attempt: 1, error }, 4.0));
        async {
            for (k, command) in commands.into_iter().enumerate() {
                if let Command::Checkpoint { task, state } = command {
                    let record = TaskRecord { workflow_id: "wf-parent".into(), task_id: task.clone(), state };
                    let event = EventRecord::of("wf-parent", &task, &record.state, k as f64);
                    store.checkpoint(&record, &event).await.unwrap();
                }
            }
            let record = WorkflowRecord {
                id: "wf-parent".into(),
                schema_version: SCHEMA_VERSION,
                goal: "g".into(),
                plan,
                config,
                status: RunStatus::Finished,
                created_ms: 0.0,
                updated_ms: 5.0,
                replans: Vec::new(),
                pending_replan: None,
                allowed_hosts: Vec::new(),
                forked_from: None,
            };
            store.put_workflow(&record).await.unwrap();
            load_workflow(store, "wf-parent").await.unwrap().unwrap()
        }
        .now_or_never()
        .unwrap()
    }

    #[test]
    fn a_saved_fork_names_its_parent_keeps_results_and_leaves_the_parent_records_as_they_were() {
        let store = MemoryStore::new();
        let parent = stored_parent(&store);
        let before = records_of(&store, "wf-parent");
        let spec =
            ForkSpec { task: "T3".into(), description: "again".into(), kind: None, model: None, pinned_output: None };
        let (fork, record) =
            save_fork(&store, &parent, &spec, "wf-fork".into(), 100.0).now_or_never().unwrap().unwrap();
        assert_eq!(records_of(&store, "wf-parent"), before, "the parent's records are unchanged");
        assert_eq!(fork.rerun, ["T3", "T4"]);
        assert_eq!(record.forked_from, Some(ForkOrigin { workflow_id: "wf-parent".into(), task_id: "T3".into() }));
        assert_eq!(record.plan.critical_path, ["T1", "T2", "T4"]);
        // A reload brings the fork back from the store alone, with its kept results.
        let stored = load_workflow(&store, "wf-fork").now_or_never().unwrap().unwrap().unwrap();
        assert_eq!(stored.record, record);
        let t2 = &stored.states["T2"];
        assert_eq!((t2.status, t2.result.as_deref()), (TaskStatus::Completed, Some("T2")));
        assert!(!stored.states.contains_key("T3") && !stored.states.contains_key("T4"));
        let events = store.events("wf-fork").now_or_never().unwrap().unwrap();
        assert_eq!(events.iter().map(|e| e.task_id.as_str()).collect::<Vec<_>>(), ["T1", "T2"]);
    }

    #[test]
    fn a_running_parent_is_not_forked_and_nothing_is_written() {
        let store = MemoryStore::new();
        let mut parent = stored_parent(&store);
        parent.record.status = RunStatus::Running;
        parent.states.get_mut("T3").unwrap().status = TaskStatus::Running;
        let writes = store.write_count();
        let spec =
            ForkSpec { task: "T3".into(), description: String::new(), kind: None, model: None, pinned_output: None };
        let error = save_fork(&store, &parent, &spec, "wf-fork".into(), 100.0).now_or_never().unwrap().unwrap_err();
        assert!(error.to_string().contains("once it has stopped"), "{error}");
        assert_eq!(store.write_count(), writes);
    }
}
