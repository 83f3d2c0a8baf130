//! Native tests that an HTTP 429 which says when to come back costs time, not an attempt, within
//! the task's wait budget, on the simulated clock.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::HashMap;

use common::{dispatched, ok, plan};
use planwright::engine::simulator::{SimOutcome, Simulator};
use planwright::engine::{Command, Event, Run, RunConfig, RunStatus, TaskError, TaskState, TaskStatus, Timer};

fn rate_limited(retry_after_ms: Option<u64>) -> SimOutcome {
    let error =
        TaskError { message: "HTTP 429: slow down".into(), retryable: true, retry_after_ms, rate_limited: true };
    SimOutcome { duration_ms: 1.0, result: Err(error) }
}

fn config() -> RunConfig {
    RunConfig { replan_after_failures: 0, backoff_base_ms: 100, ..RunConfig::default() }
}

/// Attempt numbers of `id`'s dispatches, in order.
fn dispatch_numbers(commands: &[Command], id: &str) -> Vec<u32> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Dispatch(r) if r.task_id == id => Some(r.attempt),
            _ => None,
        })
        .collect()
}

#[test]
fn three_429s_with_retry_after_then_success_complete_the_task_without_spending_attempts() {
    let mut sim = Simulator::new(Run::new("g", plan(&[("A", &[]), ("B", &["A"])]), config()));
    let mut calls = 0;
    sim.run_to_end(|r| {
        calls += 1;
        if r.task_id == "A" && calls <= 3 {
            rate_limited(Some(20_000))
        } else {
            ok(1.0)
        }
    });
    let a = sim.run.state("A").unwrap();
    assert_eq!(a.status, TaskStatus::Completed);
    assert_eq!((a.attempts, a.attempts_spent(), a.rate_limit_waits, a.rate_limit_wait_ms), (4, 1, 3, 60_000));
    assert_eq!(sim.run.state("B").unwrap().status, TaskStatus::Completed, "its dependent is not blocked");
    assert_eq!(dispatch_numbers(&sim.commands, "A"), vec![1, 2, 3, 4], "each dispatch keeps its own number");
    // The provider backed off as told each time, and A came back no sooner.
    let backoffs = sim
        .commands
        .iter()
        .filter(|c| matches!(c, Command::StartTimer { timer: Timer::ProviderBackoff, after_ms } if *after_ms >= 20_000))
        .count();
    assert_eq!(backoffs, 3);
    assert!(a.started_at_ms.unwrap() >= 60_000.0);
    // The waited time is checkpointed with the task.
    let saved = sim.commands.iter().rev().find_map(|c| match c {
        Command::Checkpoint { task, state } if task == "A" => Some(state.clone()),
        _ => None,
    });
    assert_eq!(saved.map(|s| (s.rate_limit_waits, s.rate_limit_wait_ms)), Some((3, 60_000)));
}

#[test]
fn past_the_wait_budget_a_429_costs_an_attempt_and_the_task_fails_like_before() {
    // 25 s of waits fit a 60 s budget twice; from the third 429 on, each one costs an attempt.
    let budget = RunConfig { rate_limit_wait_budget_ms: 60_000, ..config() };
    let mut sim = Simulator::new(Run::new("g", plan(&[("A", &[]), ("B", &["A"])]), budget));
    sim.run_to_end(|_| rate_limited(Some(25_000)));
    let a = sim.run.state("A").unwrap();
    assert_eq!(a.status, TaskStatus::Failed);
    assert_eq!((a.attempts, a.attempts_spent(), a.rate_limit_waits, a.rate_limit_wait_ms), (5, 3, 2, 50_000));
    assert_eq!(sim.run.state("B").unwrap().status, TaskStatus::Blocked);
    assert_eq!(sim.run.status(), RunStatus::Finished);

    // With no budget at all, three 429s fail the task with the default 3 attempts, as before.
    let mut sim =
        Simulator::new(Run::new("g", plan(&[("A", &[])]), RunConfig { rate_limit_wait_budget_ms: 0, ..config() }));
    sim.run_to_end(|_| rate_limited(Some(25_000)));
    let a = sim.run.state("A").unwrap();
    assert_eq!((a.status, a.attempts, a.rate_limit_waits), (TaskStatus::Failed, 3, 0));
}

#[test]
fn a_429_without_retry_after_spends_attempts_with_exponential_backoff() {
    let mut sim = Simulator::new(Run::new("g", plan(&[("A", &[])]), config()));
    sim.run_to_end(|_| rate_limited(None));
    let a = sim.run.state("A").unwrap();
    assert_eq!((a.status, a.attempts, a.attempts_spent(), a.rate_limit_waits), (TaskStatus::Failed, 3, 3, 0));
    let retry_delays: Vec<u64> = sim
        .commands
        .iter()
        .filter_map(|c| match c {
            Command::StartTimer { timer: Timer::Retry { .. }, after_ms } => Some(*after_ms),
            _ => None,
        })
        .collect();
    assert_eq!(retry_delays.len(), 2);
    assert!(retry_delays[0] <= 100 && retry_delays[1] <= 200, "{retry_delays:?}");
}

#[test]
fn waits_recorded_before_a_reload_still_count_against_the_budget() {
    let saved: HashMap<String, TaskState> = [(
        "A".to_string(),
        TaskState {
            attempts: 2,
            rate_limit_waits: 2,
            rate_limit_wait_ms: 590_000,
            attempt_base: 2,
            ..TaskState::default()
        },
    )]
    .into_iter()
    .collect();
    let mut run = Run::restore("g", plan(&[("A", &[])]), config(), &saved);
    assert_eq!(dispatched(&run.handle(Event::Start, 0.0)), vec!["A"]);
    let error =
        TaskError { message: "HTTP 429".into(), retryable: true, retry_after_ms: Some(20_000), rate_limited: true };
    run.handle(Event::TaskFailed { task: "A".into(), attempt: 3, error }, 1.0);
    let a = run.state("A").unwrap();
    assert_eq!(
        (a.attempts_spent(), a.rate_limit_waits, a.rate_limit_wait_ms),
        (1, 2, 590_000),
        "over budget: an attempt"
    );
    assert_eq!(a.status, TaskStatus::Pending);
    // A late answer to the rate-limited dispatch is stale: only the next dispatch's number counts.
    assert!(run.handle(Event::TaskSucceeded { task: "A".into(), attempt: 3, output: "late".into() }, 2.0).is_empty());
}
