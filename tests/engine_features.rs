//! Native tests of hierarchy, user controls, rate limits, re-planning and streamed dispatch, on the
//! simulated clock.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::HashSet;

use common::{dispatched, ok, plan};
use planwright::engine::simulator::{SimOutcome, Simulator};
use planwright::engine::{Command, Event, Run, RunConfig, RunStatus, TaskError, TaskStatus, Timer};
use planwright::plan::{Plan, Task};
use proptest::prelude::*;

fn fail() -> SimOutcome {
    SimOutcome { duration_ms: 1.0, result: Err(TaskError::permanent("boom")) }
}

fn status(run: &Run, id: &str) -> TaskStatus {
    run.state(id).unwrap().status
}

fn no_replan() -> RunConfig {
    RunConfig { replan_after_failures: 0, ..RunConfig::default() }
}

#[test]
fn only_leaves_execute_and_a_parent_completes_with_its_subtree() {
    // P has subtasks P1 -> P2; D depends on P and must wait for the whole subtree.
    let p = Plan {
        tasks: vec![
            Task::new("A", "a", &[]),
            Task::new("P", "p", &["A"]),
            Task::subtask("P1", "P", &[]),
            Task::subtask("P2", "P", &["P1"]),
            Task::new("D", "d", &["P"]),
        ],
        critical_path: vec![],
    };
    let mut sim = Simulator::new(Run::new("g", p, no_replan()));
    sim.run_to_end(|_| ok(1.0));
    assert_eq!(dispatched(&sim.commands), vec!["A", "P1", "P2", "D"], "P itself never executes");
    assert_eq!(status(&sim.run, "P"), TaskStatus::Completed);
    assert!(sim.run.state("P").unwrap().finished_at_ms.unwrap() <= sim.run.state("D").unwrap().started_at_ms.unwrap());
    // A subtask sees the results its parent depended on.
    let p1 = sim.commands.iter().find_map(|c| match c {
        Command::Dispatch(r) if r.task_id == "P1" => Some(r.dependency_results.clone()),
        _ => None,
    });
    assert_eq!(p1.unwrap()[0].id, "A");
}

#[test]
fn a_failed_subtask_fails_its_parent_and_blocks_the_parents_dependents() {
    let p = Plan {
        tasks: vec![
            Task::new("P", "p", &[]),
            Task::subtask("P1", "P", &[]),
            Task::subtask("P2", "P", &[]),
            Task::new("D", "d", &["P"]),
            Task::new("X", "x", &[]),
        ],
        critical_path: vec![],
    };
    let mut sim = Simulator::new(Run::new("g", p, no_replan()));
    sim.run_to_end(|r| if r.task_id == "P1" { fail() } else { ok(2.0) });
    assert_eq!(status(&sim.run, "P1"), TaskStatus::Failed);
    assert_eq!(status(&sim.run, "P"), TaskStatus::Failed);
    assert!(sim.run.state("P").unwrap().error.as_deref().unwrap().starts_with("subtask P1 failed"));
    assert_eq!(status(&sim.run, "P2"), TaskStatus::Completed, "a sibling is not a dependent");
    assert_eq!(status(&sim.run, "D"), TaskStatus::Blocked);
    assert_eq!(status(&sim.run, "X"), TaskStatus::Completed);
    assert_eq!(sim.run.status(), RunStatus::Finished);
}

#[test]
fn expansion_adds_subtasks_and_refuses_a_fifth_level() {
    let mut run = Run::new("g", plan(&[("A", &[])]), no_replan());
    let out = run.handle(
        Event::Expand { task: "A".into(), subtasks: vec![Task::new("A1", "a1", &[]), Task::new("A2", "a2", &["A1"])] },
        0.0,
    );
    assert!(out.iter().any(|c| matches!(c, Command::PlanChanged(p) if p.tasks.len() == 3)));
    for (parent, child) in [("A1", "A11"), ("A11", "A111")] {
        let out = run.handle(Event::Expand { task: parent.into(), subtasks: vec![Task::new(child, child, &[])] }, 0.0);
        assert!(!out.iter().any(|c| matches!(c, Command::Refused(_))), "{out:?}");
    }
    let out = run.handle(Event::Expand { task: "A111".into(), subtasks: vec![Task::new("A1111", "x", &[])] }, 0.0);
    assert!(
        out.iter().any(|c| matches!(c, Command::Refused(m) if m.contains("5 levels") && m.contains("at most 4"))),
        "{out:?}"
    );
    let out = run.handle(Event::Expand { task: "A2".into(), subtasks: vec![Task::new("C", "c", &["C"])] }, 0.0);
    assert!(
        out.iter()
            .any(|c| matches!(c, Command::Refused(m) if m.contains("depends on itself") || m.contains("refused"))),
        "{out:?}"
    );
    let mut sim = Simulator::new(run);
    sim.run_to_end(|_| ok(1.0));
    let ran: HashSet<String> = dispatched(&sim.commands).into_iter().collect();
    assert_eq!(ran, ["A111", "A2"].iter().map(|s| s.to_string()).collect(), "only leaves run");
    assert!(sim.run.task_states().all(|(_, s)| s.status == TaskStatus::Completed));
}

#[test]
fn an_expansion_of_a_started_task_is_refused() {
    let mut run = Run::new("g", plan(&[("A", &[])]), no_replan());
    run.handle(Event::Start, 0.0);
    let out = run.handle(Event::Expand { task: "A".into(), subtasks: vec![Task::new("A1", "a1", &[])] }, 0.0);
    assert!(out.iter().any(|c| matches!(c, Command::Refused(m) if m.contains("only a pending task can be expanded"))));
}

#[test]
fn pause_lets_running_tasks_finish_and_resume_continues() {
    let mut run =
        Run::new("g", plan(&[("A", &[]), ("B", &[]), ("C", &[])]), RunConfig { max_parallel: 1, ..no_replan() });
    let started = dispatched(&run.handle(Event::Start, 0.0));
    assert_eq!(started, vec!["A"]);
    run.handle(Event::Pause, 1.0);
    let out = run.handle(Event::TaskSucceeded { task: "A".into(), attempt: 1, output: "a".into() }, 2.0);
    assert!(dispatched(&out).is_empty(), "nothing new starts while paused");
    assert_eq!(status(&run, "A"), TaskStatus::Completed);
    let out = run.handle(Event::Resume, 3.0);
    assert_eq!(dispatched(&out), vec!["B"]);
}

#[test]
fn cancel_aborts_running_requests_and_resume_reruns_them() {
    let mut run = Run::new("g", plan(&[("A", &[]), ("B", &[])]), no_replan());
    run.handle(Event::Start, 0.0);
    let out = run.handle(Event::Cancel, 1.0);
    let aborted: Vec<_> = out.iter().filter(|c| matches!(c, Command::Abort { .. })).collect();
    assert_eq!(aborted.len(), 2);
    assert_eq!(run.status(), RunStatus::Cancelled);
    assert_eq!(status(&run, "A"), TaskStatus::Pending);
    // A late answer of the aborted attempt is ignored.
    assert!(run.handle(Event::TaskSucceeded { task: "A".into(), attempt: 1, output: "late".into() }, 2.0).is_empty());
    let out = run.handle(Event::Resume, 3.0);
    assert_eq!(dispatched(&out), vec!["A", "B"]);
    assert_eq!(run.state("A").unwrap().attempts, 2);
}

#[test]
fn retrying_a_failed_task_unblocks_its_dependents() {
    let mut sim = Simulator::new(Run::new("g", plan(&[("A", &[]), ("B", &["A"]), ("C", &["B"])]), no_replan()));
    let mut calls = 0;
    sim.run_to_end(|_| {
        calls += 1;
        fail()
    });
    assert_eq!(status(&sim.run, "C"), TaskStatus::Blocked);
    sim.finished_at_ms = None;
    sim.schedule_event(sim.now_ms + 1.0, Event::Retry("A".into()));
    sim.run_to_end(|_| ok(1.0));
    assert!(sim.run.task_states().all(|(_, s)| s.status == TaskStatus::Completed));
    assert_eq!(sim.run.state("A").unwrap().attempts, 2);
    let out = sim.run.handle(Event::Retry("B".into()), 0.0);
    assert!(out.iter().any(|c| matches!(c, Command::Refused(m) if m.contains("only a failed task"))));
}

#[test]
fn skipping_a_failed_task_lets_dependents_run_with_an_empty_result() {
    let mut sim = Simulator::new(Run::new("g", plan(&[("A", &[]), ("B", &["A"]), ("C", &[])]), no_replan()));
    sim.run_to_end(|r| if r.task_id == "A" { fail() } else { ok(1.0) });
    assert_eq!(status(&sim.run, "B"), TaskStatus::Blocked);
    sim.finished_at_ms = None;
    sim.schedule_event(sim.now_ms + 1.0, Event::Skip("A".into()));
    sim.run_to_end(|_| ok(1.0));
    assert_eq!(status(&sim.run, "A"), TaskStatus::Skipped);
    assert_eq!(status(&sim.run, "B"), TaskStatus::Completed);
    let b = sim.commands.iter().rev().find_map(|c| match c {
        Command::Dispatch(r) if r.task_id == "B" => Some(r.dependency_results[0].result.clone()),
        _ => None,
    });
    assert_eq!(b.as_deref(), Some(""));
    assert_eq!(sim.run.status(), RunStatus::Finished);
}

#[test]
fn requests_per_minute_cap_spaces_dispatches() {
    let p = plan(&[("A", &[]), ("B", &[]), ("C", &[]), ("D", &[])]);
    let mut sim =
        Simulator::new(Run::new("g", p, RunConfig { max_parallel: 4, requests_per_minute: Some(2), ..no_replan() }));
    sim.run_to_end(|_| ok(10.0));
    let starts: Vec<f64> =
        ["A", "B", "C", "D"].iter().map(|id| sim.run.state(id).unwrap().started_at_ms.unwrap()).collect();
    let mut sorted = starts.clone();
    sorted.sort_by(f64::total_cmp);
    for window in sorted.windows(3) {
        assert!(window[2] - window[0] >= 60_000.0, "3 starts within a minute: {starts:?}");
    }
}

#[test]
fn http_429_backs_off_the_whole_provider() {
    let p = plan(&[("A", &[]), ("B", &[])]);
    let mut run = Run::new("g", p, RunConfig { max_parallel: 1, ..no_replan() });
    run.handle(Event::Start, 0.0);
    let limited =
        TaskError { message: "HTTP 429".into(), retryable: true, retry_after_ms: Some(5_000), rate_limited: true };
    let out = run.handle(Event::TaskFailed { task: "A".into(), attempt: 1, error: limited }, 10.0);
    assert!(out.contains(&Command::StartTimer { timer: Timer::ProviderBackoff, after_ms: 5_000 }), "{out:?}");
    assert!(dispatched(&out).is_empty(), "B waits too: the provider backs off, not only A");
    let out = run.handle(Event::TimerFired(Timer::ProviderBackoff), 5_010.0);
    assert_eq!(dispatched(&out), vec!["B"]);
}

#[test]
fn replanning_is_capped_and_never_repeats_completed_work() {
    // A completes; everything else always fails. The re-planner answers with the remaining work
    // renamed, and also tries to sneak A back in.
    let p = plan(&[("A", &[]), ("B", &["A"]), ("C", &["A"])]);
    let config = RunConfig { replan_after_failures: 2, max_replans: 3, backoff_base_ms: 1, ..RunConfig::default() };
    let mut sim = Simulator::new(Run::new("g", p, config));
    sim.replanner = Some(Box::new(|request| {
        assert!(request.completed.iter().any(|c| c.id == "A"));
        assert!(request.remaining.iter().all(|t| t.id != "A"));
        let mut tasks: Vec<Task> =
            request.remaining.iter().map(|t| Task::new(&format!("{}{}", t.id, request.number), "x", &["A"])).collect();
        tasks.push(Task::new("A", "redo A", &[]));
        Some(Plan { tasks, critical_path: vec![] })
    }));
    sim.run_to_end(|r| if r.task_id == "A" { ok(1.0) } else { fail() });
    let replans = sim.run.replans();
    assert_eq!(replans.iter().filter(|r| r.accepted).count(), 3, "{replans:?}");
    assert!(replans.last().unwrap().note.contains("limit"));
    assert_eq!(dispatched(&sim.commands).iter().filter(|id| *id == "A").count(), 1, "A never runs again");
    assert_eq!(sim.run.state("A").unwrap().result.as_deref(), Some(""));
    assert_eq!(sim.run.status(), RunStatus::Finished);
    assert!(replans[0].removed.is_empty() || replans[0].removed.contains(&"B".to_string()));
    assert!(replans[0].added.contains(&"B1".to_string()));
}

/// A run where A completes and B, C fail, with `approve_replans` on: returns it waiting for the decision
/// on the first re-plan (which replaces B and C with D), and the commands of the event that proposed it.
fn run_waiting_for_approval() -> (Run, Vec<Command>) {
    let p = plan(&[("A", &[]), ("B", &["A"]), ("C", &["A"]), ("E", &["A"])]);
    let config = RunConfig {
        replan_after_failures: 2,
        max_attempts: 1,
        max_parallel: 1,
        approve_replans: true,
        ..RunConfig::default()
    };
    let mut run = Run::new("g", p, config);
    run.handle(Event::Start, 0.0);
    run.handle(Event::TaskSucceeded { task: "A".into(), attempt: 1, output: "a".into() }, 1.0);
    run.handle(Event::TaskFailed { task: "B".into(), attempt: 1, error: TaskError::permanent("boom") }, 2.0);
    let out = run.handle(Event::TaskFailed { task: "C".into(), attempt: 1, error: TaskError::permanent("boom") }, 3.0);
    assert!(out.iter().any(|c| matches!(c, Command::RequestReplan(_))), "{out:?}");
    let answer = Plan { tasks: vec![Task::new("D", "instead of B and C", &["A"])], critical_path: vec![] };
    let out = run.handle(Event::ReplanReady(answer), 4.0);
    (run, out)
}

#[test]
fn a_replan_waits_for_approval_and_nothing_new_starts_meanwhile() {
    let (mut run, out) = run_waiting_for_approval();
    let proposal = out
        .iter()
        .find_map(|c| match c {
            Command::ReplanProposed(p) => Some(p.clone()),
            _ => None,
        })
        .expect("a proposal");
    assert_eq!(proposal.added, vec!["D".to_string()]);
    assert!(proposal.removed.contains(&"B".to_string()) && proposal.removed.contains(&"E".to_string()), "{proposal:?}");
    assert!(dispatched(&out).is_empty(), "nothing starts before the decision: {out:?}");
    assert!(!out.iter().any(|c| matches!(c, Command::PlanChanged(_))), "the plan is unchanged until approved");
    assert_eq!(run.pending_replan(), Some(&proposal));
    assert!(run.state("D").is_none());

    let out = run.handle(Event::ReplanDecision { approve: true }, 5.0);
    assert!(out.iter().any(|c| matches!(c, Command::PlanChanged(_))));
    assert_eq!(dispatched(&out), vec!["D"]);
    assert_eq!(status(&run, "A"), TaskStatus::Completed, "completed work is kept");
    assert!(run.replans()[0].accepted);
    assert!(run.pending_replan().is_none());
}

#[test]
fn a_rejected_replan_keeps_the_plan_and_the_run_goes_on() {
    let (mut run, _) = run_waiting_for_approval();
    let out = run.handle(Event::ReplanDecision { approve: false }, 5.0);
    assert!(!out.iter().any(|c| matches!(c, Command::PlanChanged(_))));
    assert_eq!(dispatched(&out), vec!["E"], "the old plan's remaining task runs");
    let record = &run.replans()[0];
    assert!(!record.accepted && record.note.contains("rejected"), "{record:?}");
    assert!(run.state("D").is_none());
    let out = run.handle(Event::ReplanDecision { approve: true }, 6.0);
    assert!(matches!(out.as_slice(), [Command::Refused(_), ..]), "no second decision: {out:?}");
}

#[test]
fn a_replan_waiting_for_approval_survives_a_restore() {
    let (run, _) = run_waiting_for_approval();
    let proposal = run.pending_replan().cloned().expect("a proposal");
    let plan = run.plan();
    let saved = plan.tasks.iter().map(|t| (t.id.clone(), run.state(&t.id).unwrap().clone())).collect();
    let config = RunConfig { approve_replans: true, replan_after_failures: 2, max_attempts: 1, ..RunConfig::default() };
    let mut restored = Run::restore("g", plan, config, &saved);
    restored.restore_pending_replan(proposal.clone());
    assert_eq!(restored.pending_replan(), Some(&proposal));
    let out = restored.handle(Event::Start, 10.0);
    assert!(dispatched(&out).is_empty(), "E must not start before the decision: {out:?}");

    let out = restored.handle(Event::ReplanDecision { approve: true }, 11.0);
    assert!(out.iter().any(|c| matches!(c, Command::PlanChanged(_))));
    assert_eq!(dispatched(&out), vec!["D"]);
    assert_eq!(status(&restored, "A"), TaskStatus::Completed, "completed work is kept");
    assert_eq!(restored.replans()[0].number, proposal.number);
    assert!(restored.state("E").is_none(), "the approved plan replaced the remaining work");
}

#[test]
fn streamed_tasks_start_once_their_dependencies_are_known_and_done() {
    let mut run = Run::streaming("g", no_replan());
    run.handle(Event::Start, 0.0);
    // B arrives first and references A, not seen yet: it must wait.
    let out = run.handle(Event::TaskArrived(Task::new("B", "b", &["A"])), 1.0);
    assert!(dispatched(&out).is_empty());
    let out = run.handle(Event::TaskArrived(Task::new("A", "a", &[])), 2.0);
    assert_eq!(dispatched(&out), vec!["A"]);
    let out = run.handle(Event::TaskSucceeded { task: "A".into(), attempt: 1, output: "a".into() }, 3.0);
    assert_eq!(dispatched(&out), vec!["B"]);
    run.handle(Event::TaskSucceeded { task: "B".into(), attempt: 1, output: "b".into() }, 4.0);
    assert_eq!(run.status(), RunStatus::Running, "not finished while the plan is still streaming");
    let out = run.handle(Event::PlanComplete, 5.0);
    assert!(out.iter().any(|c| matches!(c, Command::PlanChanged(_))));
    assert_eq!(run.status(), RunStatus::Finished);
}

#[test]
fn a_streamed_plan_that_turns_out_cyclic_or_incomplete_halts() {
    for tasks in [
        vec![Task::new("A", "a", &["B"]), Task::new("B", "b", &["A"]), Task::new("C", "c", &[])],
        vec![Task::new("A", "a", &["Z"])],
    ] {
        let mut run = Run::streaming("g", no_replan());
        run.handle(Event::Start, 0.0);
        for t in tasks {
            run.handle(Event::TaskArrived(t), 1.0);
        }
        let out = run.handle(Event::PlanComplete, 2.0);
        assert!(out.iter().any(|c| matches!(c, Command::PlanInvalid(issues) if !issues.is_empty())), "{out:?}");
        assert_eq!(run.status(), RunStatus::Halted);
    }
}

proptest! {
    /// However the tasks of a random DAG arrive, no task starts before all its dependencies completed.
    #[test]
    fn streamed_dispatch_never_starts_a_task_before_its_dependencies(
        n in 1usize..25,
        edges in proptest::collection::vec((0usize..25, 0usize..25), 0..60),
        order_seed in any::<u64>(),
    ) {
        let mut deps: Vec<Vec<String>> = vec![Vec::new(); n];
        for (a, b) in edges {
            let (a, b) = (a % n, b % n);
            if a < b && !deps[b].contains(&format!("T{a}")) { deps[b].push(format!("T{a}")); }
        }
        let mut order: Vec<usize> = (0..n).collect();
        let mut s = order_seed;
        for i in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            order.swap(i, (s >> 33) as usize % (i + 1));
        }
        let mut sim = Simulator::new(Run::streaming("g", RunConfig { max_parallel: 3, ..no_replan() }));
        for (k, &i) in order.iter().enumerate() {
            let refs: Vec<&str> = deps[i].iter().map(String::as_str).collect();
            sim.schedule_event(k as f64 * 3.0, Event::TaskArrived(Task::new(&format!("T{i}"), "t", &refs)));
        }
        sim.schedule_event(n as f64 * 3.0, Event::PlanComplete);
        sim.run_to_end(|r| ok(1.0 + (r.task_id.len() % 3) as f64));
        prop_assert_eq!(sim.run.status(), RunStatus::Finished);
        for (i, task_deps) in deps.iter().enumerate() {
            let started = sim.run.state(&format!("T{i}")).unwrap().started_at_ms.unwrap();
            for d in task_deps {
                let finished = sim.run.state(d).unwrap().finished_at_ms.unwrap();
                prop_assert!(finished <= started, "T{} started at {} before {} finished at {}", i, started, d, finished);
            }
        }
    }
}

#[test]
fn usage_reports_accumulate_over_attempts_and_reach_the_checkpoint() {
    use planwright::engine::TaskUsage;
    let mut run = Run::new("g", plan(&[("A", &[])]), no_replan());
    run.handle(Event::Start, 0.0);
    let used = TaskUsage {
        calls: 1,
        prompt_tokens: 100,
        completion_tokens: 20,
        estimated: false,
        latency_ms: 5.0,
        cost_usd: Some(0.01),
        ..TaskUsage::default()
    };
    run.handle(Event::UsageReported { task: "A".into(), usage: used.clone() }, 1.0);
    run.handle(Event::UsageReported { task: "A".into(), usage: used }, 2.0);
    let out = run.handle(Event::TaskSucceeded { task: "A".into(), attempt: 1, output: "a".into() }, 3.0);
    let saved = out.iter().find_map(|c| match c {
        Command::Checkpoint { state, .. } => Some(state.usage.clone()),
        _ => None,
    });
    let saved = saved.unwrap();
    assert_eq!((saved.calls, saved.prompt_tokens, saved.completion_tokens), (2, 200, 40));
    assert!((saved.cost_usd.unwrap() - 0.02).abs() < 1e-12);
}
