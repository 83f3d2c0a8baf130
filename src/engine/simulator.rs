//! A simulated driver on a virtual clock, for native tests and benchmarks.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashSet};

use super::event::{Command, Event, RunStatus, TaskError, TaskRequest, Timer};
use super::replan::ReplanRequest;
use super::run::Run;
use crate::plan::Plan;

/// What a simulated attempt does: how long it takes and how it ends.
pub struct SimOutcome {
    /// Virtual milliseconds until the attempt reports back.
    pub duration_ms: f64,
    /// Its result.
    pub result: Result<String, TaskError>,
}

/// Virtual time with a total order, so it can key a heap.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Time(f64);
impl Eq for Time {}
impl PartialOrd for Time {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Time {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

enum Pending {
    Report { task: String, attempt: u32, result: Result<String, TaskError> },
    Timer(Timer),
    External(Event),
}

/// Answers a re-plan request in simulation: `Some(plan)` to apply, `None` to fail it.
pub type Replanner = Box<dyn FnMut(&ReplanRequest) -> Option<Plan>>;

/// Drives a [`Run`] to the end on a virtual clock, performing its commands instantly.
pub struct Simulator {
    /// The run being driven.
    pub run: Run,
    /// Virtual time in milliseconds.
    pub now_ms: f64,
    /// Every command the run emitted, in order.
    pub commands: Vec<Command>,
    /// Most tasks in flight at any moment.
    pub max_in_flight: usize,
    /// Virtual time at which the run finished, if it did.
    pub finished_at_ms: Option<f64>,
    /// Answers re-plan requests (without one, every request fails).
    pub replanner: Option<Replanner>,
    queue: BinaryHeap<Reverse<(Time, u64, usize)>>,
    pending: Vec<Option<Pending>>,
    aborted: HashSet<(String, u32)>,
    seq: u64,
}

impl Simulator {
    /// A simulator around `run`, at virtual time 0.
    pub fn new(run: Run) -> Self {
        Simulator {
            run,
            now_ms: 0.0,
            commands: Vec::new(),
            max_in_flight: 0,
            finished_at_ms: None,
            replanner: None,
            queue: BinaryHeap::new(),
            pending: Vec::new(),
            aborted: HashSet::new(),
            seq: 0,
        }
    }

    /// Starts the run and processes events until it finishes or nothing is left to happen.
    /// `outcome` decides each dispatched attempt.
    pub fn run_to_end(&mut self, mut outcome: impl FnMut(&TaskRequest) -> SimOutcome) {
        self.feed(Event::Start, &mut outcome);
        while self.finished_at_ms.is_none() {
            let Some(Reverse((Time(at), _, slot))) = self.queue.pop() else { break };
            self.now_ms = at;
            let event = match self.pending[slot].take().expect("each slot fires once") {
                Pending::Report { task, attempt, result } => {
                    if self.aborted.contains(&(task.clone(), attempt)) {
                        continue;
                    }
                    match result {
                        Ok(output) => Event::TaskSucceeded { task, attempt, output },
                        Err(error) => Event::TaskFailed { task, attempt, error },
                    }
                }
                Pending::Timer(timer) => Event::TimerFired(timer),
                Pending::External(event) => event,
            };
            self.feed(event, &mut outcome);
        }
    }

    /// Feeds one event now and performs the resulting commands.
    pub fn feed(&mut self, event: Event, outcome: &mut impl FnMut(&TaskRequest) -> SimOutcome) {
        let commands = self.run.handle(event, self.now_ms);
        for command in &commands {
            match command {
                Command::Dispatch(request) => {
                    let SimOutcome { duration_ms, result } = outcome(request);
                    let report = Pending::Report { task: request.task_id.clone(), attempt: request.attempt, result };
                    self.schedule(self.now_ms + duration_ms, report);
                }
                Command::StartTimer { timer, after_ms } => {
                    self.schedule(self.now_ms + *after_ms as f64, Pending::Timer(timer.clone()));
                }
                Command::Abort { task, attempt } => {
                    self.aborted.insert((task.clone(), *attempt));
                }
                Command::RunStatusChanged(RunStatus::Finished) => self.finished_at_ms = Some(self.now_ms),
                Command::RequestReplan(request) => {
                    let answer = self.replanner.as_mut().and_then(|r| r(request));
                    let event = match answer {
                        Some(plan) => Event::ReplanReady(plan),
                        None => Event::ReplanFailed("no re-planner in this simulation".into()),
                    };
                    self.schedule(self.now_ms, Pending::External(event));
                }
                Command::RunStatusChanged(_)
                | Command::Checkpoint { .. }
                | Command::PlanChanged(_)
                | Command::ReplanRecorded(_)
                | Command::ReplanProposed(_)
                | Command::PlanInvalid(_)
                | Command::Refused(_) => {}
            }
        }
        self.max_in_flight = self.max_in_flight.max(self.run.running_count());
        self.commands.extend(commands);
    }

    /// Injects `event` at virtual time `at_ms` (e.g. a streamed task arriving, or a user action).
    pub fn schedule_event(&mut self, at_ms: f64, event: Event) {
        self.schedule(at_ms, Pending::External(event));
    }

    fn schedule(&mut self, at: f64, pending: Pending) {
        self.pending.push(Some(pending));
        self.seq += 1;
        self.queue.push(Reverse((Time(at), self.seq, self.pending.len() - 1)));
    }
}
