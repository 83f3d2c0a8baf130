//! Native tests of the run state machine on the simulated clock.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::{HashMap, HashSet};

use common::{dispatched, ok, plan};
use planwright::engine::simulator::{SimOutcome, Simulator};
use planwright::engine::{Command, Event, Run, RunConfig, RunStatus, TaskError, TaskState, TaskStatus, Timer};
use planwright::plan::{Plan, Task};
use proptest::prelude::*;

fn status(sim: &Simulator, id: &str) -> TaskStatus {
    sim.run.state(id).unwrap().status
}

#[test]
fn respects_concurrency_limit_and_dependencies() {
    let p = plan(&[("A", &[]), ("B", &[]), ("C", &[]), ("D", &[]), ("E", &["A", "B"]), ("F", &["E", "C"])]);
    let config = RunConfig { max_parallel: 2, ..RunConfig::default() };
    let mut sim = Simulator::new(Run::new("g", p, config));
    let mut completed: HashSet<String> = HashSet::new();
    let deps: HashMap<&str, Vec<&str>> = [("E", vec!["A", "B"]), ("F", vec!["E", "C"])].into_iter().collect();
    sim.run_to_end(|r| {
        for d in deps.get(r.task_id.as_str()).into_iter().flatten() {
            assert!(completed.contains(*d) || r.dependency_results.iter().any(|x| x.id == *d));
        }
        completed.insert(r.task_id.clone());
        ok(10.0)
    });
    assert_eq!(sim.max_in_flight, 2);
    assert_eq!(sim.run.status(), RunStatus::Finished);
    assert!(sim.run.task_states().all(|(_, s)| s.status == TaskStatus::Completed));
    // F receives the results of exactly its dependencies.
    let f = sim.commands.iter().find_map(|c| match c {
        Command::Dispatch(r) if r.task_id == "F" => Some(r.clone()),
        _ => None,
    });
    let ids: Vec<String> = f.unwrap().dependency_results.into_iter().map(|d| d.id).collect();
    assert_eq!(ids, vec!["E", "C"]);
}

#[test]
fn longest_remaining_path_runs_first() {
    // Z has no dependents; A heads a chain A -> B -> C. With one slot A must go first, then B;
    // C and Z then tie (remaining path 1) and plan order puts Z first.
    let p = plan(&[("Z", &[]), ("A", &[]), ("B", &["A"]), ("C", &["B"])]);
    let mut sim = Simulator::new(Run::new("g", p, RunConfig { max_parallel: 1, ..RunConfig::default() }));
    sim.run_to_end(|_| ok(1.0));
    assert_eq!(dispatched(&sim.commands), vec!["A", "B", "Z", "C"]);
}

#[test]
fn a_slot_is_refilled_the_moment_it_frees() {
    // Sliding window: B (short) frees its slot at t=1 and C starts then, while A still runs.
    let p = plan(&[("A", &[]), ("B", &[]), ("C", &[])]);
    let mut sim = Simulator::new(Run::new("g", p, RunConfig { max_parallel: 2, ..RunConfig::default() }));
    sim.run_to_end(|r| ok(if r.task_id == "A" { 10.0 } else { 1.0 }));
    let c = sim.run.state("C").unwrap();
    assert_eq!(c.started_at_ms, Some(1.0));
    assert_eq!(sim.finished_at_ms, Some(10.0));
}

#[test]
fn failure_blocks_only_transitive_dependents() {
    let p = plan(&[("A", &[]), ("B", &["A"]), ("C", &["B"]), ("D", &[]), ("E", &["D"])]);
    let mut sim = Simulator::new(Run::new("g", p, RunConfig::default()));
    sim.run_to_end(|r| {
        if r.task_id == "A" {
            SimOutcome { duration_ms: 5.0, result: Err(TaskError::permanent("HTTP 404: no such model")) }
        } else {
            ok(5.0)
        }
    });
    assert_eq!(status(&sim, "A"), TaskStatus::Failed);
    assert_eq!(status(&sim, "B"), TaskStatus::Blocked);
    assert_eq!(status(&sim, "C"), TaskStatus::Blocked);
    assert_eq!(status(&sim, "D"), TaskStatus::Completed);
    assert_eq!(status(&sim, "E"), TaskStatus::Completed);
    let c = sim.run.state("C").unwrap();
    assert_eq!(c.blocked_by.as_deref(), Some("A"));
    assert_eq!(c.error.as_deref(), Some("blocked by A, which failed: HTTP 404: no such model"));
    assert_eq!(sim.run.state("A").unwrap().attempts, 1, "a permanent error is not retried");
    assert_eq!(sim.run.status(), RunStatus::Finished);
}

#[test]
fn retryable_failures_retry_after_backoff_then_succeed() {
    let p = plan(&[("A", &[])]);
    let config = RunConfig { backoff_base_ms: 100, ..RunConfig::default() };
    let mut sim = Simulator::new(Run::new("g", p, config));
    let mut calls = 0;
    sim.run_to_end(|_| {
        calls += 1;
        if calls < 3 {
            SimOutcome { duration_ms: 1.0, result: Err(TaskError::retryable("HTTP 503")) }
        } else {
            ok(1.0)
        }
    });
    let a = sim.run.state("A").unwrap();
    assert_eq!((a.status, a.attempts), (TaskStatus::Completed, 3));
    let retry_delays: Vec<u64> = sim
        .commands
        .iter()
        .filter_map(|c| match c {
            Command::StartTimer { timer: Timer::Retry { .. }, after_ms } => Some(*after_ms),
            _ => None,
        })
        .collect();
    assert_eq!(retry_delays.len(), 2);
    assert!(retry_delays[0] <= 100 && retry_delays[1] <= 200);
}

#[test]
fn attempts_are_capped_and_retry_after_is_honoured() {
    let p = plan(&[("A", &[])]);
    let mut sim = Simulator::new(Run::new("g", p, RunConfig { max_attempts: 2, ..RunConfig::default() }));
    sim.run_to_end(|_| SimOutcome {
        duration_ms: 1.0,
        result: Err(TaskError {
            message: "HTTP 503".into(),
            retryable: true,
            retry_after_ms: Some(7_000),
            rate_limited: false,
        }),
    });
    let a = sim.run.state("A").unwrap();
    assert_eq!((a.status, a.attempts), (TaskStatus::Failed, 2));
    // The second attempt started no earlier than Retry-After.
    assert!(a.started_at_ms.unwrap() >= 7_001.0);
}

#[test]
fn timeout_aborts_the_attempt_and_retries() {
    let p = plan(&[("A", &[])]);
    let config = RunConfig { timeout_ms: 50, backoff_base_ms: 10, ..RunConfig::default() };
    let mut sim = Simulator::new(Run::new("g", p, config));
    let mut first = true;
    sim.run_to_end(|_| {
        let d = if first { 1_000.0 } else { 5.0 };
        first = false;
        ok(d)
    });
    assert!(sim.commands.contains(&Command::Abort { task: "A".into(), attempt: 1 }));
    let a = sim.run.state("A").unwrap();
    assert_eq!((a.status, a.attempts), (TaskStatus::Completed, 2));
    assert!(sim.finished_at_ms.unwrap() < 1_000.0, "the stale report of attempt 1 is not awaited");
}

#[test]
fn every_dispatch_is_preceded_by_its_running_checkpoint() {
    let p = plan(&[("A", &[]), ("B", &["A"]), ("C", &["A"])]);
    let mut sim = Simulator::new(Run::new("g", p, RunConfig::default()));
    sim.run_to_end(|_| ok(3.0));
    for (k, c) in sim.commands.iter().enumerate() {
        if let Command::Dispatch(r) = c {
            let before = &sim.commands[k - 1];
            assert!(
                matches!(before, Command::Checkpoint { task, state } if *task == r.task_id && state.status == TaskStatus::Running && state.attempts == r.attempt),
                "dispatch of {} not preceded by its checkpoint",
                r.task_id
            );
        }
    }
}

#[test]
fn restore_never_reruns_completed_tasks_and_reruns_interrupted_ones() {
    let p = plan(&[("A", &[]), ("B", &["A"]), ("C", &["A"]), ("D", &["B", "C"])]);
    let done = |r: &str| TaskState {
        status: TaskStatus::Completed,
        attempts: 1,
        result: Some(r.into()),
        ..TaskState::default()
    };
    let saved: HashMap<String, TaskState> = [
        ("A".to_string(), done("a-result")),
        ("B".to_string(), done("b-result")),
        ("C".to_string(), TaskState { status: TaskStatus::Running, attempts: 1, ..TaskState::default() }),
    ]
    .into_iter()
    .collect();
    let run = Run::restore("g", p, RunConfig::default(), &saved);
    assert!(run.state("C").unwrap().interrupted);
    let mut sim = Simulator::new(run);
    sim.run_to_end(|_| ok(2.0));
    assert_eq!(dispatched(&sim.commands), vec!["C", "D"]);
    assert_eq!(sim.run.state("A").unwrap().result.as_deref(), Some("a-result"));
    assert_eq!(sim.run.state("C").unwrap().attempts, 2);
    let d = sim.commands.iter().find_map(|c| match c {
        Command::Dispatch(r) if r.task_id == "D" => Some(r.dependency_results.clone()),
        _ => None,
    });
    assert_eq!(d.unwrap()[0].result, "b-result");
}

#[test]
fn reports_for_unknown_or_stale_attempts_are_ignored() {
    let p = plan(&[("A", &[])]);
    let mut run = Run::new("g", p, RunConfig::default());
    run.handle(Event::Start, 0.0);
    let stale = run.handle(Event::TaskSucceeded { task: "A".into(), attempt: 9, output: "x".into() }, 1.0);
    assert!(stale.is_empty());
    let unknown = run.handle(Event::TaskFailed { task: "Q".into(), attempt: 1, error: TaskError::permanent("x") }, 1.0);
    assert!(unknown.is_empty());
    assert_eq!(run.state("A").unwrap().status, TaskStatus::Running);
}

/// A random DAG: task i may depend on any earlier task.
fn random_dag() -> impl Strategy<Value = (Plan, Vec<bool>)> {
    (1usize..40).prop_flat_map(|n| {
        let edges = proptest::collection::vec(proptest::collection::vec(any::<bool>(), n), n);
        let fails = proptest::collection::vec(proptest::bool::weighted(0.15), n);
        (edges, fails).prop_map(move |(m, fails)| {
            let tasks = (0..n)
                .map(|i| {
                    let deps: Vec<String> =
                        (0..i).filter(|&j| m[i][j] && (i - j) < 6).map(|j| format!("T{j}")).collect();
                    let refs: Vec<&str> = deps.iter().map(String::as_str).collect();
                    Task::new(&format!("T{i}"), "t", &refs)
                })
                .collect();
            (Plan { tasks, critical_path: vec![] }, fails)
        })
    })
}

proptest! {
    #[test]
    fn every_task_ends_terminal_and_blocked_iff_an_ancestor_failed((p, fails) in random_dag(), parallel in 1usize..6) {
        let deps: Vec<Vec<usize>> = p.tasks.iter().map(|t| t.depends_on.iter().map(|d| d[1..].parse().unwrap()).collect()).collect();
        let config = RunConfig { max_parallel: parallel, ..RunConfig::default() };
        let mut sim = Simulator::new(Run::new("g", p.clone(), config));
        sim.run_to_end(|r| {
            let i: usize = r.task_id[1..].parse().unwrap();
            let result = if fails[i] { Err(TaskError::permanent("boom")) } else { Ok(String::new()) };
            SimOutcome { duration_ms: 1.0 + (i % 7) as f64, result }
        });
        prop_assert!(sim.max_in_flight <= parallel);
        prop_assert_eq!(sim.run.status(), RunStatus::Finished);
        // An ancestor failed <=> blocked, computed independently in plan order.
        let mut has_failed_ancestor = vec![false; p.tasks.len()];
        for i in 0..p.tasks.len() {
            has_failed_ancestor[i] = deps[i].iter().any(|&j| has_failed_ancestor[j] || fails[j]);
            let s = sim.run.state(&format!("T{i}")).unwrap().status;
            let expected = if has_failed_ancestor[i] { TaskStatus::Blocked } else if fails[i] { TaskStatus::Failed } else { TaskStatus::Completed };
            prop_assert_eq!(s, expected);
        }
    }
}
