//! Deterministic simulation of whole runs, as FoundationDB and TigerBeetle test their cores: a
//! seeded schedule generates a plan, runs it through the real driver and HTTP provider over a
//! simulated transport that injects faults, crashes the "tab" at random points (also between a
//! store write and its acknowledgement), rebuilds the run from the in-memory store alone, and
//! checks the invariants after every schedule. One seed reproduces one schedule exactly.

pub mod attempt_checks;
pub mod fault_server;
pub mod plan_gen;
pub mod schedule;
pub mod sim_store;

pub use schedule::{run_schedule, ScheduleReport};
