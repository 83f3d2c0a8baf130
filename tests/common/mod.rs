//! Helpers shared by the native engine tests.

use planwright::engine::simulator::SimOutcome;
use planwright::engine::Command;
use planwright::plan::{Plan, Task};

/// A plan from `(id, dependencies)` pairs; each task is named after its id.
pub fn plan(tasks: &[(&str, &[&str])]) -> Plan {
    Plan { tasks: tasks.iter().map(|(id, deps)| Task::new(id, id, deps)).collect(), critical_path: vec![] }
}

/// An attempt that succeeds with an empty result after `ms` virtual milliseconds.
pub fn ok(ms: f64) -> SimOutcome {
    SimOutcome { duration_ms: ms, result: Ok(String::new()) }
}

/// Ids of the dispatched tasks, in order.
pub fn dispatched(commands: &[Command]) -> Vec<String> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Dispatch(r) => Some(r.task_id.clone()),
            _ => None,
        })
        .collect()
}
