//! Native tests that a run whose provider cannot take requests (no API key yet) waits without a
//! pause, and starts what is ready once the provider is available.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::HashMap;

use common::{dispatched, ok, plan};
use planwright::engine::simulator::Simulator;
use planwright::engine::{Command, Event, Run, RunConfig, RunStatus, TaskError, TaskState, TaskStatus, Timer};
use planwright::plan::{Plan, Task};

const NO_KEY: &str = "OpenAI needs an API key";

fn config() -> RunConfig {
    RunConfig { max_parallel: 2, replan_after_failures: 0, ..RunConfig::default() }
}

fn unavailable() -> Event {
    Event::ProviderUnavailable { reason: NO_KEY.into() }
}

fn status_changes(out: &[Command]) -> Vec<RunStatus> {
    out.iter()
        .filter_map(|c| match c {
            Command::RunStatusChanged(s) => Some(*s),
            _ => None,
        })
        .collect()
}

#[test]
fn a_restored_run_without_a_provider_starts_nothing_until_the_provider_is_available() {
    let p = plan(&[("A", &[]), ("B", &[]), ("C", &[]), ("D", &[]), ("E", &["A"])]);
    let done =
        TaskState { status: TaskStatus::Completed, attempts: 1, result: Some("a".into()), ..TaskState::default() };
    let saved: HashMap<String, TaskState> = [("A".to_string(), done)].into_iter().collect();
    let mut run = Run::restore("g", p.clone(), config(), &saved);
    assert_eq!(run.provider_unavailable(), None, "a reload does not remember it: the page says it again");

    assert!(run.handle(unavailable(), 0.0).is_empty());
    assert_eq!(run.provider_unavailable(), Some(NO_KEY));
    let out = run.handle(Event::Start, 1.0);
    assert!(dispatched(&out).is_empty(), "{out:?}");
    assert_eq!(run.status(), RunStatus::Running, "waiting for the provider is not a pause");

    let out = run.handle(Event::ProviderAvailable, 2.0);
    assert_eq!(dispatched(&out), vec!["B", "C"], "up to the concurrency limit: {out:?}");
    assert!(status_changes(&out).is_empty());
    assert_eq!(run.provider_unavailable(), None);

    // The same on the simulated clock, to the end: nothing runs before the provider is available.
    let mut sim = Simulator::new(Run::restore("g", p, config(), &saved));
    sim.run.handle(unavailable(), 0.0);
    sim.schedule_event(50.0, Event::ProviderAvailable);
    sim.run_to_end(|_| ok(1.0));
    assert_eq!(sim.run.status(), RunStatus::Finished);
    assert_eq!(dispatched(&sim.commands).len(), 4, "B, C, D and E; A was done");
    assert_eq!(sim.max_in_flight, 2);
    let first_start = sim.run.task_states().filter_map(|(_, s)| s.started_at_ms).fold(f64::INFINITY, f64::min);
    assert_eq!(first_start, 50.0);
}

#[test]
fn running_tasks_finish_while_the_provider_is_unavailable_and_nothing_new_starts() {
    let mut run = Run::new("g", plan(&[("A", &[]), ("B", &["A"]), ("C", &[])]), config());
    assert_eq!(dispatched(&run.handle(Event::Start, 0.0)), vec!["A", "C"]);
    let out = run.handle(unavailable(), 1.0);
    assert!(out.is_empty(), "running requests are not aborted: {out:?}");
    let out = run.handle(Event::TaskSucceeded { task: "A".into(), attempt: 1, output: "a".into() }, 2.0);
    assert!(dispatched(&out).is_empty(), "B is ready but waits: {out:?}");
    assert!(run.is_ready("B"));
    // A failed attempt's retry timer and a provider back-off ending do not start anything either.
    let limited =
        TaskError { retry_after_ms: Some(1_000), rate_limited: true, ..TaskError::retryable("HTTP 429: slow down") };
    run.handle(Event::TaskFailed { task: "C".into(), attempt: 1, error: limited }, 3.0);
    for timer in [Timer::ProviderBackoff, Timer::Retry { task: "C".into() }] {
        assert!(dispatched(&run.handle(Event::TimerFired(timer), 1_004.0)).is_empty());
    }
    assert_eq!(run.status(), RunStatus::Running);
    assert_eq!(dispatched(&run.handle(Event::ProviderAvailable, 1_005.0)), vec!["B", "C"]);
}

#[test]
fn pause_and_resume_leave_the_provider_unavailable_and_availability_does_not_resume_a_paused_run() {
    let mut run = Run::new("g", plan(&[("A", &[]), ("B", &[])]), config());
    run.handle(unavailable(), 0.0);
    run.handle(Event::Start, 0.0);
    run.handle(Event::Pause, 1.0);
    let out = run.handle(Event::Resume, 2.0);
    assert_eq!(status_changes(&out), vec![RunStatus::Running]);
    assert!(dispatched(&out).is_empty(), "resuming does not make the provider available");
    assert_eq!(run.provider_unavailable(), Some(NO_KEY));

    run.handle(Event::Pause, 3.0);
    let out = run.handle(Event::ProviderAvailable, 4.0);
    assert!(dispatched(&out).is_empty() && status_changes(&out).is_empty(), "{out:?}");
    assert_eq!(run.status(), RunStatus::Paused, "the user's pause stands");
    assert_eq!(dispatched(&run.handle(Event::Resume, 5.0)), vec!["A", "B"]);
}

#[test]
fn an_applied_replan_keeps_the_provider_unavailable() {
    let p = plan(&[("A", &[]), ("B", &["A"]), ("C", &["A"])]);
    let config = RunConfig { replan_after_failures: 1, max_attempts: 1, max_parallel: 1, ..RunConfig::default() };
    let mut run = Run::new("g", p, config);
    run.handle(Event::Start, 0.0);
    run.handle(Event::TaskSucceeded { task: "A".into(), attempt: 1, output: "a".into() }, 1.0);
    let out = run.handle(Event::TaskFailed { task: "B".into(), attempt: 1, error: TaskError::permanent("boom") }, 2.0);
    assert!(out.iter().any(|c| matches!(c, Command::RequestReplan(_))), "{out:?}");
    run.handle(unavailable(), 3.0);
    let answer = Plan { tasks: vec![Task::new("D", "instead of B and C", &["A"])], critical_path: vec![] };
    let out = run.handle(Event::ReplanReady(answer), 4.0);
    assert!(out.iter().any(|c| matches!(c, Command::PlanChanged(_))), "{out:?}");
    assert!(dispatched(&out).is_empty(), "{out:?}");
    assert_eq!(run.provider_unavailable(), Some(NO_KEY));
    assert_eq!(dispatched(&run.handle(Event::ProviderAvailable, 5.0)), vec!["D"]);
}
