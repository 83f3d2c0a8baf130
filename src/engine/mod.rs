//! The execution engine: a pure state machine (events in, commands out) that schedules a plan's
//! tasks with a concurrency limit, critical-path priority, retries, timeouts and failure isolation.

pub mod backoff;
pub mod config;
pub mod event;
pub mod progress;
pub mod ready_queue;
pub mod rng;
pub mod run;
pub mod simulator;
pub mod state;

pub use config::RunConfig;
pub use progress::Progress;
pub use event::{Command, DependencyResult, Event, RunStatus, TaskError, TaskRequest, Timer};
pub use run::Run;
pub use state::{TaskState, TaskStatus};
