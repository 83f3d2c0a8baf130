//! Gantt data for a run: one bar per task that started, packed into concurrency lanes.

use super::state::{TaskState, TaskStatus};

/// One task's span on the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The task's id.
    pub task_id: String,
    /// Row the bar is drawn in; bars in one lane never overlap.
    pub lane: usize,
    /// When the task's current or last attempt started (ms on the driver's clock).
    pub start_ms: f64,
    /// When the task finished; `now_ms` while it runs; the start when its end is unknown.
    pub end_ms: f64,
    /// The task's status.
    pub status: TaskStatus,
    /// Attempts started so far.
    pub attempts: u32,
}

/// The bars of a run and the extent they cover.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Timeline {
    /// Bars ordered by start, then task id.
    pub bars: Vec<Bar>,
    /// Number of lanes: the most bars open at once.
    pub lanes: usize,
    /// Earliest bar start (0 without bars).
    pub start_ms: f64,
    /// Latest bar end (0 without bars).
    pub end_ms: f64,
}

/// The timeline of `states` (task id and state, e.g. from [`Run::task_states`](super::Run::task_states))
/// at time `now_ms`.
///
/// Tasks that never started are left out. A running task's bar ends at `now_ms`; a task that is
/// not running and has no finish time (waiting for a retry) gets a bar that ends where it starts.
/// Bars are given lanes greedily in order of start (then task id): each takes the lowest lane whose
/// last bar ended at or before its start, so the lane count is the largest number of bars open at
/// any bar's start, i.e. the maximum concurrency observed.
pub fn timeline<'a>(states: impl IntoIterator<Item = (&'a String, &'a TaskState)>, now_ms: f64) -> Timeline {
    let mut bars: Vec<Bar> = states
        .into_iter()
        .filter_map(|(id, state)| {
            let start_ms = state.started_at_ms?;
            let end_ms = match state.status {
                TaskStatus::Running => now_ms,
                _ => state.finished_at_ms.unwrap_or(start_ms),
            };
            Some(Bar {
                task_id: id.clone(),
                lane: 0,
                start_ms,
                end_ms: end_ms.max(start_ms),
                status: state.status,
                attempts: state.attempts,
            })
        })
        .collect();
    crate::sort::sort_by(&mut bars, |a, b| a.start_ms.total_cmp(&b.start_ms).then_with(|| a.task_id.cmp(&b.task_id)));
    let mut lane_ends: Vec<f64> = Vec::new();
    for bar in &mut bars {
        bar.lane = match lane_ends.iter().position(|&end| end <= bar.start_ms) {
            Some(lane) => lane,
            None => {
                lane_ends.push(bar.end_ms);
                lane_ends.len() - 1
            }
        };
        lane_ends[bar.lane] = bar.end_ms;
    }
    let start_ms = bars.iter().map(|b| b.start_ms).reduce(f64::min).unwrap_or(0.0);
    let end_ms = bars.iter().map(|b| b.end_ms).reduce(f64::max).unwrap_or(0.0);
    Timeline { bars, lanes: lane_ends.len(), start_ms, end_ms }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(status: TaskStatus, start: Option<f64>, end: Option<f64>) -> TaskState {
        TaskState { status, attempts: 1, started_at_ms: start, finished_at_ms: end, ..TaskState::default() }
    }

    fn run(states: &[(&str, TaskState)], now_ms: f64) -> Timeline {
        let owned: Vec<(String, TaskState)> = states.iter().map(|(id, s)| (id.to_string(), s.clone())).collect();
        timeline(owned.iter().map(|(id, s)| (id, s)), now_ms)
    }

    fn lanes(t: &Timeline) -> Vec<(&str, usize)> {
        t.bars.iter().map(|b| (b.task_id.as_str(), b.lane)).collect()
    }

    #[test]
    fn empty_input_gives_an_empty_timeline() {
        assert_eq!(run(&[], 5.0), Timeline::default());
        let never_started =
            [("T1", state(TaskStatus::Pending, None, None)), ("T2", state(TaskStatus::Blocked, None, None))];
        assert_eq!(run(&never_started, 5.0), Timeline::default());
    }

    #[test]
    fn lanes_are_reused_and_running_bars_end_now() {
        let t = run(
            &[
                ("T3", state(TaskStatus::Completed, Some(0.0), Some(40.0))),
                ("T1", state(TaskStatus::Completed, Some(0.0), Some(10.0))),
                ("T2", state(TaskStatus::Failed, Some(10.0), Some(20.0))),
                ("T4", state(TaskStatus::Running, Some(15.0), None)),
                ("T5", state(TaskStatus::Skipped, None, Some(30.0))),
                ("T6", state(TaskStatus::Pending, None, None)),
            ],
            50.0,
        );
        assert_eq!(lanes(&t), [("T1", 0), ("T3", 1), ("T2", 0), ("T4", 2)]);
        assert_eq!((t.lanes, t.start_ms, t.end_ms), (3, 0.0, 50.0));
        let running = &t.bars[3];
        assert_eq!((running.start_ms, running.end_ms, running.status), (15.0, 50.0, TaskStatus::Running));
    }

    #[test]
    fn a_task_waiting_for_a_retry_keeps_its_start_and_attempts() {
        let mut waiting = state(TaskStatus::Pending, Some(5.0), None);
        waiting.attempts = 2;
        let t = run(&[("T1", waiting)], 100.0);
        assert_eq!((t.bars[0].start_ms, t.bars[0].end_ms, t.bars[0].attempts), (5.0, 5.0, 2));
        assert_eq!(t.lanes, 1);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Up to 30 tasks, each never started, running, or finished after a duration (possibly 0).
    fn states() -> impl Strategy<Value = Vec<(String, TaskState)>> {
        prop::collection::vec((0u8..3, 0u32..100, 0u32..50), 0..30).prop_map(|specs| {
            specs
                .into_iter()
                .enumerate()
                .map(|(i, (kind, start, duration))| {
                    let start = Some(start as f64);
                    let (status, end) = match kind {
                        0 => (TaskStatus::Pending, None),
                        1 => (TaskStatus::Running, None),
                        _ => (TaskStatus::Completed, start.map(|s| s + duration as f64)),
                    };
                    let started = if kind == 0 { None } else { start };
                    let state =
                        TaskState { status, started_at_ms: started, finished_at_ms: end, ..TaskState::default() };
                    (format!("T{i}"), state)
                })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn lanes_never_overlap_and_match_the_peak_concurrency(states in states(), now in 100u32..200) {
            let now = now as f64;
            let t = timeline(states.iter().map(|(id, s)| (id, s)), now);
            let started: Vec<&(String, TaskState)> = states.iter().filter(|(_, s)| s.started_at_ms.is_some()).collect();
            prop_assert_eq!(t.bars.len(), started.len());
            for (i, a) in t.bars.iter().enumerate() {
                if a.status == TaskStatus::Running {
                    prop_assert_eq!(a.end_ms, now);
                }
                prop_assert!(a.lane < t.lanes && a.start_ms <= a.end_ms);
                for b in &t.bars[i + 1..] {
                    prop_assert!((a.start_ms, &a.task_id) < (b.start_ms, &b.task_id));
                    if a.lane == b.lane {
                        prop_assert!(a.end_ms <= b.start_ms, "{a:?} overlaps {b:?}");
                    }
                }
            }
            // Bars open when each bar starts (itself included): earlier bars ending after its start.
            let peak = (0..t.bars.len())
                .map(|i| 1 + t.bars[..i].iter().filter(|a| a.end_ms > t.bars[i].start_ms).count())
                .max()
                .unwrap_or(0);
            prop_assert_eq!(t.lanes, peak);
        }
    }
}
