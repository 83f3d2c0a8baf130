//! Deterministic simulation of whole runs (see `src/sim`): seeded plans and fault schedules run
//! through the real driver and provider, with crashes and restarts from the store, checking the
//! invariants after each one.
//!
//! `cargo run --release --example simulate -- --schedules N [--seed S] [--verbose]`
//! Last line: `simulate: schedules=N violations=V crashes=C faults=F seconds=T`. A violation
//! prints its seed and the command that reproduces it. Exits non-zero on any violation.

use std::time::Instant;

use planwright::sim::{run_schedule, ScheduleReport};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).map(String::as_str);
    let schedules: u64 = value("--schedules").and_then(|v| v.parse().ok()).unwrap_or(1_000);
    let first: u64 = value("--seed").and_then(|v| v.parse().ok()).unwrap_or(0);
    let verbose = args.iter().any(|a| a == "--verbose");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(schedules.max(1) as usize);
    let started = Instant::now();
    let reports: Vec<ScheduleReport> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads as u64)
            .map(|worker| {
                scope.spawn(move || {
                    (0..schedules)
                        .filter(|i| i % threads as u64 == worker)
                        .map(|i| run_schedule(first + i))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("a worker panicked")).collect()
    });
    let seconds = started.elapsed().as_secs_f64();
    let mut violations = 0;
    for report in &reports {
        if verbose {
            eprintln!(
                "seed {}: tasks={} crashes={} faults={} violations={}",
                report.seed,
                report.tasks,
                report.crashes,
                report.faults,
                report.violations.len()
            );
        }
        if !report.violations.is_empty() {
            violations += report.violations.len();
            eprintln!("seed {} violated:", report.seed);
            for violation in &report.violations {
                eprintln!("  - {violation}");
            }
            eprintln!("  reproduce: cargo run --release --example simulate -- --schedules 1 --seed {}", report.seed);
        }
    }
    let crashes: u64 = reports.iter().map(|r| u64::from(r.crashes)).sum();
    let faults: u64 = reports.iter().map(|r| r.faults).sum();
    println!(
        "simulate: schedules={} violations={violations} crashes={crashes} faults={faults} seconds={seconds:.1}",
        reports.len()
    );
    if violations > 0 {
        std::process::exit(1);
    }
}
