//! A deterministic single-threaded runtime on virtual time, for native tests and the simulation:
//! spawned work runs in an order chosen by a seeded generator, time only moves when nothing is
//! ready (straight to the next timer), and a crash drops every spawned future and timer at once —
//! as a closed tab loses everything but its storage.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use futures::future::LocalBoxFuture;

use super::runtime::Runtime;
use crate::engine::rng::SplitMix64;

/// Virtual time at which a simulation starts (2026-01-01 in ms since the epoch).
pub const SIM_EPOCH_MS: f64 = 1_767_225_600_000.0;

struct Timer {
    deadline: u64,
    seq: u64,
    waker: Waker,
}

impl PartialEq for Timer {
    fn eq(&self, other: &Self) -> bool {
        (self.deadline, self.seq) == (other.deadline, other.seq)
    }
}
impl Eq for Timer {}
impl PartialOrd for Timer {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Timer {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.deadline, self.seq).cmp(&(other.deadline, other.seq))
    }
}

struct State {
    /// Virtual milliseconds since [`SIM_EPOCH_MS`].
    now: u64,
    tasks: Vec<Option<LocalBoxFuture<'static, ()>>>,
    /// Generation of each task slot, so a waker of a finished task cannot wake its successor.
    generations: Vec<u64>,
    free: Vec<usize>,
    timers: BinaryHeap<Reverse<Timer>>,
    seq: u64,
    rng: SplitMix64,
}

/// Woken task slots (with their generation), shared with the wakers.
type WakeQueue = Arc<Mutex<VecDeque<(usize, u64)>>>;

struct TaskWaker {
    slot: usize,
    generation: u64,
    queue: WakeQueue,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.queue.lock().expect("wake queue").push_back((self.slot, self.generation));
    }
}

/// The simulated runtime. Clones share the same world.
#[derive(Clone)]
pub struct SimRuntime {
    state: Rc<RefCell<State>>,
    woken: WakeQueue,
}

impl SimRuntime {
    /// A fresh world at [`SIM_EPOCH_MS`] whose scheduling order follows `seed`.
    pub fn new(seed: u64) -> Self {
        SimRuntime {
            state: Rc::new(RefCell::new(State {
                now: 0,
                tasks: Vec::new(),
                generations: Vec::new(),
                free: Vec::new(),
                timers: BinaryHeap::new(),
                seq: 0,
                rng: SplitMix64::new(seed),
            })),
            woken: Arc::default(),
        }
    }

    /// Virtual milliseconds since the start.
    pub fn elapsed_ms(&self) -> u64 {
        self.state.borrow().now
    }

    /// Number of spawned futures not finished.
    pub fn live_tasks(&self) -> usize {
        self.state.borrow().tasks.iter().filter(|t| t.is_some()).count()
    }

    /// Does one thing: polls one woken task (picked by the seeded generator), or, when none is
    /// woken, moves time to the next timer and wakes it. False when nothing is left to do.
    pub fn step(&self) -> bool {
        let next = {
            let mut queue = self.woken.lock().expect("wake queue");
            if queue.is_empty() {
                None
            } else {
                let pick = self.state.borrow_mut().rng.next_below(queue.len() as u64) as usize;
                queue.remove(pick)
            }
        };
        match next {
            Some((slot, generation)) => {
                self.poll_slot(slot, generation);
                true
            }
            None => self.fire_next_timer(),
        }
    }

    /// Steps until nothing is left to do or `limit_ms` of virtual time have passed since the start.
    pub fn run_until_idle(&self, limit_ms: u64) {
        while self.elapsed_ms() <= limit_ms && self.step() {}
    }

    /// Drops every spawned future and timer: what a closed tab loses.
    pub fn crash(&self) {
        let dropped = {
            let mut state = self.state.borrow_mut();
            state.timers.clear();
            state.free = (0..state.tasks.len()).collect();
            for generation in state.generations.iter_mut() {
                *generation += 1;
            }
            std::mem::take(&mut state.tasks)
        };
        self.woken.lock().expect("wake queue").clear();
        drop(dropped);
        let mut state = self.state.borrow_mut();
        let slots = state.generations.len();
        state.tasks = (0..slots).map(|_| None).collect();
    }

    fn poll_slot(&self, slot: usize, generation: u64) {
        let future = {
            let mut state = self.state.borrow_mut();
            if state.generations.get(slot) != Some(&generation) {
                return;
            }
            state.tasks.get_mut(slot).and_then(Option::take)
        };
        let Some(mut future) = future else { return };
        let waker = Waker::from(Arc::new(TaskWaker { slot, generation, queue: self.woken.clone() }));
        let mut cx = Context::from_waker(&waker);
        let done = future.as_mut().poll(&mut cx).is_ready();
        let mut state = self.state.borrow_mut();
        if state.generations[slot] != generation {
            return; // crashed while polling: the future is dropped below, outside the borrow
        }
        if done {
            state.generations[slot] += 1;
            state.free.push(slot);
        } else {
            state.tasks[slot] = Some(future);
        }
    }

    fn fire_next_timer(&self) -> bool {
        let mut state = self.state.borrow_mut();
        let Some(Reverse(first)) = state.timers.pop() else { return false };
        state.now = state.now.max(first.deadline);
        let mut due = vec![first.waker];
        while state.timers.peek().is_some_and(|Reverse(t)| t.deadline <= state.now) {
            due.push(state.timers.pop().expect("peeked").0.waker);
        }
        drop(state);
        due.into_iter().for_each(Waker::wake);
        true
    }
}

impl Runtime for SimRuntime {
    fn now_ms(&self) -> f64 {
        SIM_EPOCH_MS + self.state.borrow().now as f64
    }

    fn sleep(&self, ms: u64) -> LocalBoxFuture<'static, ()> {
        let deadline = self.state.borrow().now.saturating_add(ms);
        Box::pin(Sleep { state: self.state.clone(), deadline })
    }

    fn spawn(&self, work: LocalBoxFuture<'static, ()>) {
        let (slot, generation) = {
            let mut state = self.state.borrow_mut();
            let slot = match state.free.pop() {
                Some(slot) => {
                    state.tasks[slot] = Some(work);
                    slot
                }
                None => {
                    state.tasks.push(Some(work));
                    state.generations.push(0);
                    state.tasks.len() - 1
                }
            };
            (slot, state.generations[slot])
        };
        self.woken.lock().expect("wake queue").push_back((slot, generation));
    }
}

struct Sleep {
    state: Rc<RefCell<State>>,
    deadline: u64,
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.state.borrow_mut();
        if state.now >= self.deadline {
            return Poll::Ready(());
        }
        let seq = state.seq;
        state.seq += 1;
        state.timers.push(Reverse(Timer { deadline: self.deadline, seq, waker: cx.waker().clone() }));
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn sleeps_end_in_deadline_order_on_virtual_time() {
        let runtime = SimRuntime::new(1);
        let order = Rc::new(RefCell::new(Vec::new()));
        for ms in [300u64, 100, 200] {
            let (rt, order) = (runtime.clone(), order.clone());
            runtime.spawn(Box::pin(async move {
                rt.sleep(ms).await;
                order.borrow_mut().push((ms, rt.elapsed_ms()));
            }));
        }
        runtime.run_until_idle(u64::MAX);
        assert_eq!(*order.borrow(), [(100, 100), (200, 200), (300, 300)]);
    }

    #[test]
    fn a_crash_drops_every_future() {
        let runtime = SimRuntime::new(2);
        let finished = Rc::new(Cell::new(false));
        let (rt, f) = (runtime.clone(), finished.clone());
        runtime.spawn(Box::pin(async move {
            rt.sleep(50).await;
            f.set(true);
        }));
        runtime.step();
        assert_eq!(runtime.live_tasks(), 1);
        runtime.crash();
        runtime.run_until_idle(u64::MAX);
        assert!(!finished.get());
        assert_eq!(runtime.live_tasks(), 0);
    }
}
