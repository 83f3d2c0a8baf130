//! Native tests that the engine's answers about a task (what it allows, whether it is ready) agree
//! with what `Run::handle` does, and that a page without a run gets the same answers from the plan.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::HashMap;

use common::{dispatched, ok, plan};
use planwright::engine::simulator::Simulator;
use planwright::engine::{
    is_ready_in_plan, task_actions_in_plan, Command, Event, Run, RunConfig, RunStatus, TaskError, TaskStatus, Timer,
};
use planwright::plan::validate::{has_errors, validate, MAX_DEPTH};
use planwright::plan::{Plan, Task};
use proptest::prelude::*;

fn config() -> RunConfig {
    RunConfig { max_parallel: 2, max_attempts: 2, replan_after_failures: 0, ..RunConfig::default() }
}

fn refusal(out: &[Command]) -> Option<&str> {
    out.iter().find_map(|c| match c {
        Command::Refused(m) => Some(m.as_str()),
        _ => None,
    })
}

/// A valid plan with a hierarchy up to [`MAX_DEPTH`] levels: each task may be a subtask of an earlier
/// task and depends on some of its earlier siblings.
fn hierarchical_plan() -> impl Strategy<Value = Plan> {
    proptest::collection::vec((any::<u32>(), any::<u32>()), 2..12).prop_map(|choices| {
        let mut tasks: Vec<Task> = Vec::new();
        let mut parents: Vec<Option<usize>> = Vec::new();
        let mut depths: Vec<usize> = Vec::new();
        for (i, (p, d)) in choices.into_iter().enumerate() {
            let parent = (i > 0 && p % 3 != 0).then(|| (p / 3) as usize % i).filter(|&j| depths[j] < MAX_DEPTH);
            let siblings: Vec<usize> = (0..i).filter(|&j| parents[j] == parent).collect();
            let deps: Vec<String> = siblings
                .iter()
                .enumerate()
                .filter(|(k, _)| d >> (k % 32) & 1 == 1)
                .map(|(_, &j)| format!("T{j}"))
                .collect();
            let refs: Vec<&str> = deps.iter().map(String::as_str).collect();
            tasks.push(Task { parent: parent.map(|j| format!("T{j}")), ..Task::new(&format!("T{i}"), "t", &refs) });
            depths.push(parent.map_or(1, |j| depths[j] + 1));
            parents.push(parent);
        }
        Plan { tasks, critical_path: vec![] }
    })
}

/// Checks every task of `run`: the plan-side answers equal the run's, and `handle` accepts exactly
/// the retries, skips and expansions the answers allow, refusing the others with the same reason.
fn check_agreement(run: &Run, step: usize) -> Result<(), TestCaseError> {
    let plan = run.plan();
    let status_of = |id: &str| run.state(id).map_or(TaskStatus::Pending, |s| s.status);
    for task in &plan.tasks {
        let id = task.id.as_str();
        let state = run.state(id).unwrap();
        let actions = run.task_actions(id).unwrap();
        let in_plan = task_actions_in_plan(&plan, run.status(), id, state, status_of).unwrap();
        prop_assert_eq!(&actions, &in_plan, "task {} of {:?}", id, plan);
        let dependencies = task.depends_on.iter().map(|d| status_of(d));
        let parent = task.parent.as_deref().map(status_of);
        prop_assert_eq!(run.is_ready(id), is_ready_in_plan(state, dependencies, parent), "readiness of {}", id);
        let subtasks = vec![Task::new(&format!("{id}-x{step}"), "x", &[])];
        for (event, allowed, why_not) in [
            (Event::Retry(id.into()), actions.retry, &actions.why_not.retry),
            (Event::Skip(id.into()), actions.skip, &actions.why_not.skip),
            (Event::Expand { task: id.into(), subtasks }, actions.expand, &actions.why_not.expand),
        ] {
            let mut probe = run.clone();
            let out = probe.handle(event.clone(), step as f64 + 0.5);
            prop_assert_eq!(refusal(&out), why_not.as_deref(), "{:?} (allowed: {}) gave {:?}", event, allowed, out);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Through random runs (successes, failures, 429s, timers, user actions, reloads), what the engine says a
    /// task allows is what it accepts, and a page that only has the plan gets the same answers.
    #[test]
    fn allowed_actions_are_accepted_and_refused_ones_refused(
        plan in hierarchical_plan(),
        steps in proptest::collection::vec((0u8..13, any::<usize>()), 0..40),
    ) {
        prop_assume!(!has_errors(&validate(&plan)));
        let mut run = Run::new("g", plan, config());
        let mut timers: Vec<Timer> = Vec::new();
        check_agreement(&run, 0)?;
        let mut out = run.handle(Event::Start, 0.0);
        for (step, (action, pick)) in steps.into_iter().enumerate() {
            let step = step + 1;
            timers.extend(out.iter().filter_map(|c| match c {
                Command::StartTimer { timer, .. } => Some(timer.clone()),
                _ => None,
            }));
            check_agreement(&run, step)?;
            let ids: Vec<String> = run.plan().tasks.iter().map(|t| t.id.clone()).collect();
            let running: Vec<(String, u32)> = run
                .task_states()
                .filter(|(id, s)| s.status == TaskStatus::Running && !run.plan().tasks.iter().any(|t| t.parent.as_ref() == Some(*id)))
                .map(|(id, s)| (id.clone(), s.attempts))
                .collect();
            let some_id = ids[pick % ids.len()].clone();
            let now = step as f64;
            let event = match action {
                0..=2 | 11 if !running.is_empty() => {
                    let (task, attempt) = running[pick % running.len()].clone();
                    let rate_limited =
                        TaskError { retry_after_ms: Some(1_000), rate_limited: true, ..TaskError::retryable("HTTP 429") };
                    match action {
                        0 => Event::TaskSucceeded { task, attempt, output: "done".into() },
                        1 => Event::TaskFailed { task, attempt, error: TaskError::permanent("boom") },
                        2 => Event::TaskFailed { task, attempt, error: TaskError::retryable("HTTP 503") },
                        _ => Event::TaskFailed { task, attempt, error: rate_limited },
                    }
                }
                3 if !timers.is_empty() => Event::TimerFired(timers.remove(pick % timers.len())),
                4 => Event::Retry(some_id),
                5 => Event::Skip(some_id),
                6 => Event::Expand { task: some_id.clone(), subtasks: vec![Task::new(&format!("{some_id}-e{step}"), "e", &[])] },
                7 => Event::Pause,
                8 => Event::Resume,
                9 => Event::Cancel,
                10 => {
                    // A reload: the run comes back from its checkpoints (timers do not survive it).
                    let saved: HashMap<String, _> = run.task_states().map(|(id, s)| (id.clone(), s.clone())).collect();
                    run = Run::restore("g", run.plan(), config(), &saved);
                    timers.clear();
                    check_agreement(&run, step)?;
                    Event::Start
                }
                _ => Event::Start,
            };
            out = run.handle(event, now);
        }
        check_agreement(&run, usize::MAX / 2)?;
    }
}

#[test]
fn subtasks_still_pending_under_a_parent_a_sibling_failed_run_after_a_reload() {
    let p = Plan {
        tasks: vec![Task::new("P", "p", &[]), Task::subtask("P1", "P", &[]), Task::subtask("P2", "P", &[])],
        critical_path: vec![],
    };
    let mut run = Run::new("g", p, RunConfig { max_parallel: 1, max_attempts: 1, ..config() });
    assert_eq!(dispatched(&run.handle(Event::Start, 0.0)), vec!["P1"]);
    run.handle(Event::Pause, 0.5);
    run.handle(Event::TaskFailed { task: "P1".into(), attempt: 1, error: TaskError::permanent("boom") }, 1.0);
    assert_eq!(run.state("P").unwrap().status, TaskStatus::Failed);
    assert!(run.is_ready("P2"), "a sibling is not a dependent: it still runs");

    let saved: HashMap<String, _> = run.task_states().map(|(id, s)| (id.clone(), s.clone())).collect();
    let restored = Run::restore("g", run.plan(), config(), &saved);
    assert!(restored.is_ready("P2"), "the reload keeps the failed parent open");
    let mut sim = Simulator::new(restored);
    sim.run_to_end(|_| ok(1.0));
    assert_eq!(dispatched(&sim.commands), vec!["P2"]);
    assert_eq!(sim.run.state("P2").unwrap().status, TaskStatus::Completed);
    assert_eq!(sim.run.status(), RunStatus::Finished, "the restored run ends instead of waiting forever");
}

#[test]
fn a_failed_subtask_retried_after_a_reload_runs() {
    let p = Plan { tasks: vec![Task::new("P", "p", &[]), Task::subtask("P1", "P", &[])], critical_path: vec![] };
    let mut run = Run::new("g", p, RunConfig { max_attempts: 1, ..config() });
    run.handle(Event::Start, 0.0);
    run.handle(Event::TaskFailed { task: "P1".into(), attempt: 1, error: TaskError::permanent("boom") }, 1.0);
    assert_eq!((run.state("P").unwrap().status, run.status()), (TaskStatus::Failed, RunStatus::Finished));

    let saved: HashMap<String, _> = run.task_states().map(|(id, s)| (id.clone(), s.clone())).collect();
    let mut restored = Run::restore("g", run.plan(), config(), &saved);
    restored.handle(Event::Start, 2.0);
    let out = restored.handle(Event::Retry("P1".into()), 3.0);
    assert_eq!(dispatched(&out), vec!["P1"], "{out:?}");
    restored.handle(Event::TaskSucceeded { task: "P1".into(), attempt: 2, output: "x".into() }, 4.0);
    assert_eq!(restored.state("P").unwrap().status, TaskStatus::Completed);
}

#[test]
fn before_a_run_exists_the_plan_answers_what_each_task_allows() {
    let p = Plan {
        tasks: vec![Task::new("A", "a", &[]), Task::new("P", "p", &["A"]), Task::subtask("P1", "P", &[])],
        critical_path: vec![],
    };
    let pending = Default::default();
    let answer = |id: &str| task_actions_in_plan(&p, RunStatus::Idle, id, &pending, |_| TaskStatus::Pending).unwrap();
    let (a, parent, leaf) = (answer("A"), answer("P"), answer("P1"));
    assert!(a.edit && a.skip && a.expand && !a.retry);
    assert!(parent.edit && !parent.skip && parent.expand, "a parent is skipped through its subtasks");
    assert_eq!(parent.why_not.skip.as_deref(), Some("P has unfinished subtasks: skip those instead"));
    assert!(leaf.skip && leaf.edit);
    assert!(is_ready_in_plan(&pending, [], None));
    assert!(!is_ready_in_plan(&pending, [TaskStatus::Pending], None), "P waits for A");
    assert!(!is_ready_in_plan(&pending, [], Some(TaskStatus::Pending)), "P1 waits for P to open");
    // The same plan as a run, before it starts, answers the same.
    let run = Run::new("g", p.clone(), config());
    for id in ["A", "P", "P1"] {
        assert_eq!(run.task_actions(id).unwrap(), answer(id), "{id}");
    }
    assert!(run.task_actions("Z").is_none() && !run.is_ready("Z"));
}

#[test]
fn a_run_refuses_with_the_reason_its_answer_gives() {
    let mut run = Run::new("g", plan(&[("A", &[]), ("B", &["A"])]), config());
    run.handle(Event::Start, 0.0);
    assert!(!run.is_ready("A") && !run.is_ready("B"), "A runs, B waits for it");
    let answer = run.task_actions("A").unwrap();
    assert!(!answer.retry && answer.skip && !answer.expand && !answer.edit);
    let out = run.handle(Event::Expand { task: "A".into(), subtasks: vec![Task::new("A1", "a1", &[])] }, 1.0);
    assert_eq!(refusal(&out), answer.why_not.expand.as_deref());
    run.handle(Event::TaskSucceeded { task: "A".into(), attempt: 1, output: "a".into() }, 2.0);
    let b = run.task_actions("B").unwrap();
    assert!(b.skip && !b.retry && !b.edit, "B is running now");
}
