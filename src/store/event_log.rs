//! A workflow's recorded event log read back as time travel: the task states as they stood after
//! any entry of the log. Pure; scrubbing reads the log and never writes.
//!
//! Each entry holds the task's state after the change (without its result: a completed task's
//! result is final and comes from its task record). Looking up position `k` costs one binary search
//! per task over that task's own entries, so scrubbing a long log is cheap without snapshots.

use std::collections::HashMap;

use super::record::EventRecord;
use crate::engine::{TaskState, TaskStatus};
use crate::plan::TaskId;

/// A recorded event log, ready to be shown at any position.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventLog {
    /// Task and state after each entry, oldest first.
    entries: Vec<(TaskId, TaskState)>,
    /// Time of each entry, ms since the epoch.
    times: Vec<f64>,
    /// Per task, the indices of its entries, ascending.
    by_task: HashMap<TaskId, Vec<usize>>,
    /// Final results of the tasks that ended done (completed or skipped).
    results: HashMap<TaskId, String>,
}

impl EventLog {
    /// The log of `events` (oldest first) of a workflow whose task records hold `final_states`.
    /// Entries written before the log kept whole states are rebuilt from their status and attempt.
    pub fn new(events: &[EventRecord], final_states: &HashMap<TaskId, TaskState>) -> Self {
        let mut log = EventLog::default();
        for event in events {
            let state = match &event.state {
                Some(state) => TaskState { result: None, ..state.clone() },
                None => log.rebuilt(event),
            };
            log.by_task.entry(event.task_id.clone()).or_default().push(log.entries.len());
            log.entries.push((event.task_id.clone(), state));
            log.times.push(event.at_ms);
        }
        for (id, state) in final_states {
            if let (true, Some(result)) = (state.status.is_done(), &state.result) {
                log.results.insert(id.clone(), result.clone());
            }
        }
        log
    }

    /// The state an old entry (status and attempt only) describes, from the task's previous entry.
    fn rebuilt(&self, event: &EventRecord) -> TaskState {
        let previous = self.by_task.get(&event.task_id).and_then(|v| v.last()).map(|&i| self.entries[i].1.clone());
        let mut state = previous.unwrap_or_default();
        state.status = status_named(&event.status);
        state.attempts = event.attempt;
        if state.status == TaskStatus::Running {
            state.started_at_ms = Some(event.at_ms);
        }
        state.finished_at_ms = state.status.is_terminal().then_some(event.at_ms);
        state
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// When entry `k` (1-based: the `k`-th change) was recorded; `None` for 0 or past the end.
    pub fn time_of(&self, k: usize) -> Option<f64> {
        k.checked_sub(1).and_then(|i| self.times.get(i).copied())
    }

    /// The task and status the `k`-th change (1-based) gave, for a caption.
    pub fn change(&self, k: usize) -> Option<(&TaskId, TaskStatus)> {
        let (id, state) = self.entries.get(k.checked_sub(1)?)?;
        Some((id, state.status))
    }

    /// Every task that had changed by position `k` with its state then (the first `k` entries
    /// applied; tasks without an entry yet are pending). Done tasks carry their final result.
    pub fn states_after(&self, k: usize) -> Vec<(TaskId, TaskState)> {
        self.by_task
            .iter()
            .filter_map(|(id, indices)| {
                let before = indices.partition_point(|&i| i < k);
                let i = *indices.get(before.checked_sub(1)?)?;
                let mut state = self.entries[i].1.clone();
                if state.status.is_done() {
                    state.result = self.results.get(id).cloned();
                }
                Some((id.clone(), state))
            })
            .collect()
    }
}

/// The status a log entry names (`pending` for a name this version does not know).
fn status_named(name: &str) -> TaskStatus {
    [TaskStatus::Running, TaskStatus::Completed, TaskStatus::Failed, TaskStatus::Blocked, TaskStatus::Skipped]
        .into_iter()
        .find(|s| s.as_str() == name)
        .unwrap_or(TaskStatus::Pending)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Command, Event, Run, RunConfig};

    /// A run's log, its final task states, and every task's status after each entry.
    type Recorded = (Vec<EventRecord>, HashMap<TaskId, TaskState>, Vec<HashMap<TaskId, TaskStatus>>);

    /// Runs a diamond T1 → (T2, T3) → T4 where T3 fails, logging every checkpoint as the driver does.
    fn recorded_run() -> Recorded {
        let plan = crate::plan::test_plans::diamond();
        let config = RunConfig { max_attempts: 1, ..RunConfig::default() };
        let mut run = Run::new("g", plan, config);
        let (mut events, mut seen) = (Vec::new(), Vec::new());
        let mut live: HashMap<TaskId, TaskStatus> = HashMap::new();
        let mut feed = |run: &mut Run, event: Event, now: f64| {
            for command in run.handle(event, now) {
                if let Command::Checkpoint { task, state } = command {
                    live.insert(task.clone(), state.status);
                    events.push(EventRecord::of("w", &task, &state, now));
                    seen.push(live.clone());
                }
            }
        };
        feed(&mut run, Event::Start, 1.0);
        let ok = |task: &str| Event::TaskSucceeded { task: task.into(), attempt: 1, output: format!("out {task}") };
        feed(&mut run, ok("T1"), 2.0);
        feed(&mut run, ok("T2"), 3.0);
        let error = crate::engine::TaskError::permanent("HTTP 400");
        feed(&mut run, Event::TaskFailed { task: "T3".into(), attempt: 1, error }, 4.0);
        let finals = run.task_states().map(|(id, s)| (id.clone(), s.clone())).collect();
        (events, finals, seen)
    }

    fn statuses(log: &EventLog, k: usize) -> HashMap<TaskId, TaskStatus> {
        log.states_after(k).into_iter().map(|(id, s)| (id, s.status)).collect()
    }

    #[test]
    fn every_position_shows_exactly_the_statuses_recorded_then() {
        let (events, finals, seen) = recorded_run();
        let log = EventLog::new(&events, &finals);
        assert_eq!(log.len(), seen.len());
        assert!(statuses(&log, 0).is_empty(), "before the first entry every task is pending");
        for (k, expected) in seen.iter().enumerate() {
            assert_eq!(&statuses(&log, k + 1), expected, "after entry {}", k + 1);
        }
        let end: HashMap<TaskId, TaskStatus> = finals.iter().map(|(id, s)| (id.clone(), s.status)).collect();
        assert_eq!(statuses(&log, log.len()), end, "the end is the run as it finished");
        assert_eq!(log.states_after(log.len() + 10).len(), 4);
    }

    #[test]
    fn a_position_carries_the_whole_state_then_and_final_results_of_done_tasks() {
        let (events, finals, _) = recorded_run();
        let log = EventLog::new(&events, &finals);
        let k = (1..=log.len()).find(|&k| log.change(k) == Some((&"T2".to_string(), TaskStatus::Running))).unwrap();
        let at: HashMap<TaskId, TaskState> = log.states_after(k).into_iter().collect();
        assert_eq!(at["T1"].result.as_deref(), Some("out T1"));
        assert_eq!((at["T2"].status, at["T2"].attempts, at["T2"].result.as_ref()), (TaskStatus::Running, 1, None));
        assert_eq!(at["T2"].started_at_ms, Some(2.0));
        assert_eq!(log.time_of(k), Some(2.0));
        assert_eq!((log.time_of(0), log.time_of(log.len() + 1)), (None, None));
        let end: HashMap<TaskId, TaskState> = log.states_after(log.len()).into_iter().collect();
        assert_eq!(end["T3"].error.as_deref(), Some("HTTP 400"));
        assert_eq!(end, finals, "the last position is exactly the stored states");
    }

    #[test]
    fn entries_written_before_whole_states_were_logged_are_rebuilt_from_status_and_attempt() {
        let (events, finals, seen) = recorded_run();
        let old: Vec<EventRecord> = events.into_iter().map(|e| EventRecord { state: None, ..e }).collect();
        let log = EventLog::new(&old, &finals);
        for (k, expected) in seen.iter().enumerate() {
            assert_eq!(&statuses(&log, k + 1), expected);
        }
        let end: HashMap<TaskId, TaskState> = log.states_after(log.len()).into_iter().collect();
        assert_eq!((end["T1"].started_at_ms, end["T1"].finished_at_ms), (Some(1.0), Some(2.0)));
        assert_eq!(end["T4"].result, None);
        assert_eq!(end["T2"].result.as_deref(), Some("out T2"));
    }
}
