//! The execution engine: a pure state machine (events in, commands out) that schedules a plan's
//! tasks with a concurrency limit, critical-path priority, retries, timeouts, failure isolation,
//! hierarchy, user controls, bounded re-planning and streamed dispatch.

pub mod backoff;
pub mod caption;
pub mod compare;
pub mod config;
pub mod event;
pub mod fork;
pub mod progress;
pub mod readiness;
pub mod ready_queue;
pub mod replan;
pub mod rng;
pub mod run;
mod run_controls;
mod run_replan;
pub mod simulator;
pub mod state;
pub mod task_actions;
pub mod timeline;
pub mod topology;

pub use config::RunConfig;
pub use event::{Command, DependencyResult, Event, RunStatus, TaskError, TaskRequest, Timer};
pub use fork::{Fork, ForkSpec};
pub use progress::{eta_ms, Progress, RunTotals};
pub use readiness::is_ready_in_plan;
pub use replan::{ReplanProposal, ReplanRecord, ReplanRequest};
pub use run::Run;
pub use state::{TaskState, TaskStatus, TaskUsage};
pub use task_actions::{task_actions_in_plan, TaskActions, TaskFacts, WhyNot};
