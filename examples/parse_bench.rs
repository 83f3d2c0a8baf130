//! Parser benchmark: `cargo run --release --example parse_bench`.
//!
//! Times [`parse_plan`] on every shape of `tests/parse_shapes` (answers that used to make parsing
//! quadratic, a large valid plan, prose full of stray brackets) at 100 KB, 1 MB and 4 MB, and the
//! streaming parser ([`PlanStream`], fed 4 KB chunks, then finished) on the same inputs. Inputs over
//! the 1 MiB limit on plan text are timed with [`parse_plan_unbounded`], which skips that check, so
//! the 4 MB column shows the parser itself rather than the refusal (the stream stops reading at the
//! limit, so its 4 MB column is the refusal). Times are the fastest of [`RUNS`] runs.
//!
//! The last line is `parse: worst_ms_1mb=<ms> worst_shape=<name>`; the benchmark exits with an
//! error when any 1 MB input takes more than [`LIMIT_MS_1MB`] milliseconds.

#[path = "../tests/parse_shapes/mod.rs"]
mod parse_shapes;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use parse_shapes::SHAPES;
use planwright::plan::limits::MAX_PLAN_TEXT_BYTES;
use planwright::plan::parse::{parse_plan, parse_plan_unbounded, ParseError};
use planwright::plan::stream::PlanStream;
use planwright::plan::Plan;

/// Input sizes in bytes.
const SIZES: [usize; 3] = [100_000, 1_000_000, 4_000_000];
/// The size whose times are checked.
const CHECKED: usize = 1_000_000;
/// Most milliseconds a 1 MB input may take.
const LIMIT_MS_1MB: f64 = 100.0;
/// Timed runs per input; the fastest counts.
const RUNS: usize = 5;
/// Bytes per chunk fed to the streaming parser.
const CHUNK: usize = 4_096;

/// Fastest of [`RUNS`] calls of `parse`, with the outcome of the last.
fn time(parse: impl Fn() -> Result<Plan, ParseError>) -> (Duration, Result<Plan, ParseError>) {
    let mut best = Duration::MAX;
    let mut outcome = Err(ParseError::Empty);
    for _ in 0..RUNS {
        let started = Instant::now();
        outcome = std::hint::black_box(parse());
        best = best.min(started.elapsed());
    }
    (best, outcome)
}

/// The whole `text` through a [`PlanStream`], in [`CHUNK`]-byte pieces, then finished.
fn stream(text: &str) -> Result<Plan, ParseError> {
    let mut stream = PlanStream::new();
    let mut rest = text;
    while !rest.is_empty() {
        let mut cut = rest.len().min(CHUNK);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        let _ = stream.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    stream.finish()
}

/// How an outcome is printed: the number of tasks, or the start of the error.
fn outcome(result: &Result<Plan, ParseError>) -> String {
    match result {
        Ok(plan) => format!("{} tasks", plan.tasks.len()),
        Err(error) => error.to_string().chars().take(60).collect(),
    }
}

fn main() -> ExitCode {
    println!("{:24}  {:>17}  {:>17}  {:>17}  outcome at 1 MB", "shape (best of 5)", "100 KB", "1 MB", "4 MB");
    let mut worst = (0.0, String::new());
    for shape in SHAPES {
        for streamed in [false, true] {
            let name = if streamed { format!("stream/{}", shape.name) } else { shape.name.to_string() };
            let mut line = format!("{name:24}");
            let mut checked = String::new();
            for size in SIZES {
                let text = (shape.build)(size);
                let (took, result) = match (streamed, text.len() > MAX_PLAN_TEXT_BYTES) {
                    (true, _) => time(|| stream(&text)),
                    (false, false) => time(|| parse_plan(&text)),
                    (false, true) => time(|| parse_plan_unbounded(&text)),
                };
                let ms = took.as_secs_f64() * 1e3;
                line += &format!("  {ms:>14.2} ms");
                if size == CHECKED {
                    checked = outcome(&result);
                    if ms > worst.0 {
                        worst = (ms, name.clone());
                    }
                }
            }
            println!("{line}  {checked}");
        }
    }
    println!("parse: worst_ms_1mb={:.2} worst_shape={}", worst.0, worst.1);
    if worst.0 > LIMIT_MS_1MB {
        eprintln!("{} took {:.2} ms at 1 MB, over the {LIMIT_MS_1MB} ms target", worst.1, worst.0);
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
