//! Parsing time grows linearly with the answer, on the shapes that used to make it quadratic (code
//! fences around unclosed braces, deep brackets) and on a large plan and prose full of brackets.
//! Times are the CPU time of the test's thread, which a busy machine does not inflate.
#![cfg(all(unix, not(target_arch = "wasm32")))]

mod parse_shapes;

use std::time::{Duration, Instant};

use parse_shapes::SHAPES;
use planwright::plan::parse::parse_plan;

/// Size of the smaller input; the larger one is [`FACTOR`] times bigger.
const SMALL: usize = 40_000;
/// How much bigger the larger input is.
const FACTOR: u32 = 10;
/// Most the larger input may take, as a multiple of the smaller one's time.
const MAX_RATIO: f64 = 15.0;
/// Timed rounds per shape, at least: the fastest counts.
const MIN_ROUNDS: usize = 3;
/// More rounds are timed while a shape has taken less wall-clock time than this (fast builds get
/// many rounds, which makes the fastest one steadier).
const MIN_TIME: Duration = Duration::from_millis(250);
/// Per-parse times of the smaller input below this count as this, so timer resolution cannot fail
/// the test.
const FLOOR: Duration = Duration::from_micros(100);

/// CPU time used by this thread so far.
fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid `timespec` for `clock_gettime` to fill in.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "clock_gettime failed");
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// CPU time per parse of parsing `text` `times` times in a row.
fn time_per_parse(text: &str, times: u32) -> Duration {
    let started = thread_cpu_time();
    for _ in 0..times {
        let _ = std::hint::black_box(parse_plan(std::hint::black_box(text)));
    }
    (thread_cpu_time() - started) / times
}

/// Each round times [`FACTOR`] parses of the smaller input and one of the larger, so that both
/// timings last about as long and happen close together (caches and memory behave alike). The
/// fastest of each counts.
#[test]
fn parsing_time_is_linear_in_the_answer() {
    let mut report = Vec::new();
    let mut slow = false;
    for shape in SHAPES {
        let (small, large) = ((shape.build)(SMALL), (shape.build)(FACTOR as usize * SMALL));
        let (mut t_small, mut t_large) = (Duration::MAX, Duration::MAX);
        let started = Instant::now();
        for round in 0.. {
            if round >= MIN_ROUNDS && started.elapsed() >= MIN_TIME {
                break;
            }
            t_small = t_small.min(time_per_parse(&small, FACTOR));
            t_large = t_large.min(time_per_parse(&large, 1));
        }
        let ratio = t_large.as_secs_f64() / t_small.max(FLOOR).as_secs_f64();
        slow |= ratio > MAX_RATIO;
        report.push(format!(
            "{:16} {t_small:>9.2?} at {} bytes, {t_large:>9.2?} at {} bytes: x{ratio:.1}",
            shape.name,
            small.len(),
            large.len()
        ));
    }
    let report = report.join("\n");
    println!("{report}");
    assert!(!slow, "{FACTOR} times the input took over {MAX_RATIO} times as long:\n{report}");
}
