//! One simulated schedule: plan, run, faults, crashes and restarts from the store, then the
//! invariants. Everything is derived from the seed, so a failing seed is a one-line reproduction.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use futures::FutureExt;

use super::attempt_checks::{AttemptChecks, Observations};
use super::fault_server::FaultServer;
use super::plan_gen::generate_plan;
use super::sim_store::SimStore;
use crate::driver::restore::load_workflow;
use crate::driver::run_loop::{Driver, DriverHooks, DriverPorts};
use crate::engine::rng::SplitMix64;
use crate::engine::{Event, Run, RunConfig, RunStatus, TaskState, TaskStatus};
use crate::io::runtime::Runtime;
use crate::io::scripted_transport::ScriptedTransport;
use crate::io::sim_runtime::SimRuntime;
use crate::llm::http_provider::HttpProvider;
use crate::llm::provider::Provider;
use crate::llm::settings::{ProviderKind, ProviderSettings};
use crate::plan::validate::{has_errors, validate};
use crate::plan::TaskId;
use crate::store::record::WorkflowRecord;
use crate::store::{CheckpointStore, MemoryStore};

/// Virtual time after which an unfinished schedule is a violation (6 hours).
const VIRTUAL_LIMIT_MS: u64 = 6 * 3_600_000;
/// Largest generated plan.
const MAX_TASKS: usize = 40;
/// Chance per step that the tab crashes (besides crashes around store writes).
const CRASH_PER_STEP: f64 = 0.0015;
const WORKFLOW_ID: &str = "wf-sim";

/// What one schedule did and found.
#[derive(Debug, Clone, Default)]
pub struct ScheduleReport {
    /// The seed that reproduces it.
    pub seed: u64,
    /// Invariant violations (empty when all held).
    pub violations: Vec<String>,
    /// Crashes (tab losses) simulated.
    pub crashes: u32,
    /// Faults the server injected.
    pub faults: u64,
    /// Tasks in the final plan.
    pub tasks: usize,
}

/// What the user does during the schedule.
#[derive(Debug, Clone, Copy, PartialEq)]
enum UserAction {
    Nothing,
    /// Pause at the first time, resume at the second (virtual ms from the start of an incarnation).
    PauseThenResume(u64, u64),
    /// Cancel at this time.
    Cancel(u64),
}

fn settings(api_key: &str, structured: bool) -> ProviderSettings {
    ProviderSettings {
        kind: ProviderKind::OpenAiCompatible,
        base_url: "http://llm.sim.invalid/v1".into(),
        model: "sim-model".into(),
        api_key: api_key.into(),
        needs_key: true,
        stream: true,
        structured,
        ..ProviderSettings::default()
    }
}

/// Runs the schedule of `seed` and checks every invariant.
pub fn run_schedule(seed: u64) -> ScheduleReport {
    let mut rng = SplitMix64::new(seed);
    let runtime = SimRuntime::new(rng.next_u64());
    let rt: Rc<dyn Runtime> = Rc::new(runtime.clone());
    let (_, generated) = generate_plan(&mut rng, MAX_TASKS);
    let fault_rate = [0.0, 0.05, 0.15, 0.35][rng.next_below(4) as usize];
    let api_key = format!("sk-sim-SECRET-{seed:x}");
    let config = RunConfig {
        max_parallel: 1 + rng.next_below(4) as usize,
        max_attempts: 2 + rng.next_below(3) as u32,
        timeout_ms: 5_000,
        backoff_base_ms: 100,
        backoff_max_ms: 2_000,
        seed,
        replan_after_failures: rng.next_below(3) as u32,
        max_replans: rng.next_below(3) as u32,
        ..RunConfig::default()
    };
    let server =
        FaultServer::new(rng.next_u64(), rt.clone(), generated.clone(), &api_key, fault_rate, config.timeout_ms);
    let answering = server.clone();
    let transport = Rc::new(ScriptedTransport::new(rt.clone(), move |r| answering.answer(r)));
    let with_key = settings(&api_key, rng.next_below(2) == 0);
    let http = |settings: ProviderSettings| -> Rc<dyn Provider> {
        Rc::new(HttpProvider::new(settings, transport.clone(), rt.clone()))
    };
    let mut report = ScheduleReport { seed, ..ScheduleReport::default() };

    // A third of the schedules plan through the provider (retries, repair) instead of starting
    // from the generated plan.
    let mut plan = generated;
    if rng.next_below(3) == 0 {
        let answer = Rc::new(RefCell::new(None));
        let (provider, slot) = (http(with_key.clone()), answer.clone());
        runtime.spawn(Box::pin(async move {
            let result = provider.plan("Simulated goal", None, &mut |_| {}).await;
            *slot.borrow_mut() = Some(result);
        }));
        runtime.run_until_idle(VIRTUAL_LIMIT_MS);
        let answered = answer.borrow_mut().take();
        match answered {
            Some(Ok(answer)) if !has_errors(&validate(&answer.plan)) => plan = answer.plan,
            Some(_) => {}
            None => report.violations.push("planning never finished".into()),
        }
    }

    let memory = MemoryStore::new();
    let max_crashes = rng.next_below(4) as u32;
    let store = SimStore::new(memory.clone(), rng.next_u64(), if max_crashes > 0 { 0.01 } else { 0.0 });
    let record = WorkflowRecord::new(WORKFLOW_ID, "Simulated goal", plan.clone(), config.clone(), rt.now_ms());
    let _ = memory.put_workflow(&record).now_or_never();
    let action = match rng.next_below(10) {
        0 | 1 => UserAction::PauseThenResume(rng.next_below(3_000), 500 + rng.next_below(3_000)),
        2 => UserAction::Cancel(rng.next_below(4_000)),
        _ => UserAction::Nothing,
    };

    let seen = Rc::new(RefCell::new(Observations::default()));
    let mut completed_ever: BTreeSet<TaskId> = BTreeSet::new();
    let mut first = true;
    let (driver, mirror) = loop {
        // After a crash the tab may come back without the key (not remembered): the run must wait
        // until the user enters it, sending nothing meanwhile.
        let keyless = !first && rng.next_below(3) == 0;
        let incarnation_settings = if keyless { settings("", with_key.structured) } else { with_key.clone() };
        let observed = |settings: ProviderSettings| -> Rc<dyn Provider> {
            AttemptChecks::watch(
                http(settings),
                rt.clone(),
                memory.clone(),
                WORKFLOW_ID,
                config.max_parallel,
                seen.clone(),
            )
        };
        let (run, workflow) = if first {
            (Run::new(&record.goal, plan.clone(), config.clone()), record.clone())
        } else {
            match load_workflow(&memory, WORKFLOW_ID).now_or_never() {
                Some(Ok(Some(stored))) => (stored.run(), stored.record),
                other => {
                    report.violations.push(format!("the run could not be restored from the store: {other:?}"));
                    return finish(report, &server, &store, &seen);
                }
            }
        };
        first = false;
        let mirror: Rc<RefCell<BTreeMap<TaskId, TaskState>>> =
            Rc::new(RefCell::new(run.task_states().map(|(id, s)| (id.clone(), s.clone())).collect()));
        let page = mirror.clone();
        let hooks = DriverHooks {
            on_task: Box::new(move |id, state| {
                page.borrow_mut().insert(id.clone(), state.clone());
            }),
            ..DriverHooks::default()
        };
        let ports = DriverPorts {
            provider: observed(incarnation_settings),
            store: Some(Rc::new(store.clone()) as Rc<dyn CheckpointStore>),
            runtime: rt.clone(),
        };
        let driver = Driver::start(run, workflow, ports, hooks);
        if keyless {
            let (later, provider, rt2) = (driver.clone(), observed(with_key.clone()), rt.clone());
            let delay = 1_000 + rng.next_below(20_000);
            runtime.spawn(Box::pin(async move {
                rt2.sleep(delay).await;
                later.set_provider(provider);
            }));
        }
        schedule_user_action(&runtime, &driver, action, &seen);

        let mut crashed = false;
        while runtime.step() {
            let crash_now = store.take_crash_request() || rng.next_f64() < CRASH_PER_STEP;
            if crash_now && report.crashes < max_crashes {
                crashed = true;
                break;
            }
            if runtime.elapsed_ms() > VIRTUAL_LIMIT_MS {
                break;
            }
        }
        if !crashed {
            break (driver, mirror);
        }
        report.crashes += 1;
        if report.crashes >= max_crashes {
            store.stop_crashing();
        }
        driver.stop();
        runtime.crash();
        server.forget_backoff();
        let saved_status = memory.workflow(WORKFLOW_ID).now_or_never().and_then(Result::ok).flatten().map(|w| w.status);
        seen.borrow_mut().crashed(saved_status == Some(RunStatus::Cancelled));
        if let Some(Ok((tasks, _))) = memory.tasks(WORKFLOW_ID).now_or_never() {
            completed_ever
                .extend(tasks.into_iter().filter(|t| t.state.status == TaskStatus::Completed).map(|t| t.task_id));
        }
    };

    driver.with_run(|run| check_final(&mut report, run, &memory, &mirror, &completed_ever, action, &config, &api_key));
    finish(report, &server, &store, &seen)
}

/// Schedules the user's pause/resume or cancel on the runtime.
fn schedule_user_action(runtime: &SimRuntime, driver: &Driver, action: UserAction, seen: &Rc<RefCell<Observations>>) {
    let (driver, rt, seen) = (driver.clone(), runtime.clone(), seen.clone());
    match action {
        UserAction::Nothing => {}
        UserAction::PauseThenResume(pause, resume) => runtime.spawn(Box::pin(async move {
            rt.sleep(pause).await;
            driver.send(Event::Pause);
            rt.sleep(resume).await;
            driver.send(Event::Resume);
        })),
        UserAction::Cancel(at) => runtime.spawn(Box::pin(async move {
            rt.sleep(at).await;
            seen.borrow_mut().cancelled(rt.now_ms());
            driver.send(Event::Cancel);
        })),
    }
}

#[allow(clippy::too_many_arguments)]
fn check_final(
    report: &mut ScheduleReport,
    run: &Run,
    memory: &MemoryStore,
    mirror: &Rc<RefCell<BTreeMap<TaskId, TaskState>>>,
    completed_ever: &BTreeSet<TaskId>,
    action: UserAction,
    config: &RunConfig,
    api_key: &str,
) {
    let v = &mut report.violations;
    report.tasks = run.task_states().count();
    let cancelled = matches!(action, UserAction::Cancel(_));
    match run.status() {
        RunStatus::Finished => {
            if let Some((id, state)) = run.task_states().find(|(_, s)| !s.status.is_terminal()) {
                v.push(format!("the run finished with {id} still {}", state.status.as_str()));
            }
        }
        RunStatus::Cancelled | RunStatus::Paused if cancelled => {}
        status => {
            let open: Vec<String> = run
                .task_states()
                .filter(|(_, s)| !s.status.is_terminal())
                .map(|(id, s)| format!("{id}:{}", s.status.as_str()))
                .collect();
            v.push(format!(
                "the run ended {} without being asked to (open: {}; awaiting re-plan: {}; provider: {:?})",
                status.as_str(),
                open.join(" "),
                run.awaiting_replan(),
                run.provider_unavailable()
            ));
        }
    }
    let stored: BTreeMap<TaskId, TaskState> = memory
        .tasks(WORKFLOW_ID)
        .now_or_never()
        .and_then(Result::ok)
        .map(|(tasks, _)| tasks.into_iter().map(|t| (t.task_id, t.state)).collect())
        .unwrap_or_default();
    let page = mirror.borrow();
    for (id, state) in run.task_states() {
        for (place, copy) in [("store", stored.get(id)), ("page", page.get(id))] {
            let same = copy.is_some_and(|c| c.status == state.status && c.result == state.result);
            let never_written = state.status == TaskStatus::Pending && copy.is_none();
            if !(same || never_written) {
                v.push(format!(
                    "the {place} holds {id} as {:?}, the engine as {} with {:?}",
                    copy.map(|c| (c.status.as_str(), c.result.clone())),
                    state.status.as_str(),
                    state.result
                ));
            }
        }
    }
    for id in completed_ever {
        if run.state(id).map(|s| s.status) != Some(TaskStatus::Completed) {
            v.push(format!("{id} was completed before a crash and is not completed at the end"));
        }
    }
    let applied = run.replans().iter().filter(|r| r.accepted).count();
    if applied > config.max_replans as usize {
        v.push(format!("{applied} re-plans applied, more than the cap of {}", config.max_replans));
    }
    if memory.all_text().iter().any(|text| text.contains(api_key)) {
        v.push("the API key reached the store".into());
    }
}

fn finish(
    mut report: ScheduleReport,
    server: &FaultServer,
    store: &SimStore,
    seen: &Rc<RefCell<Observations>>,
) -> ScheduleReport {
    report.faults = server.with_log(|log| log.faults);
    report.violations.extend(server.with_log(|log| log.violations.clone()));
    report.violations.extend(store.violations());
    report.violations.extend(seen.borrow().violations.iter().cloned());
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_schedule() {
        let (a, b) = (run_schedule(42), run_schedule(42));
        assert_eq!((a.crashes, a.faults, a.tasks, a.violations), (b.crashes, b.faults, b.tasks, b.violations));
    }

    #[test]
    fn two_hundred_schedules_hold_every_invariant() {
        let mut crashes = 0;
        let mut faults = 0;
        for seed in 0..200 {
            let report = run_schedule(seed);
            assert!(report.violations.is_empty(), "seed {seed}: {:?}", report.violations);
            crashes += report.crashes;
            faults += report.faults;
        }
        assert!(crashes > 20 && faults > 100, "the schedules must exercise faults ({faults}) and crashes ({crashes})");
    }
}
