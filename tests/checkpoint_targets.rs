//! scripts/check-checkpoint-targets, which makes scripts/bench-checkpoint fail when the checkpoint
//! benchmark misses a target (write median < 5 ms, resume < 300 ms).
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

/// Runs the check on `line`: its exit code and what it printed on stderr.
fn check(line: &str) -> (i32, String) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/check-checkpoint-targets");
    let output = Command::new("bash").arg(script).arg(line).output().expect("run bash");
    (output.status.code().expect("an exit code"), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn a_result_within_both_targets_passes_silently() {
    assert_eq!(check("checkpoint: write_median_ms=2.34 write_p99_ms=13.46 resume_ms_1000=155"), (0, String::new()));
    assert_eq!(check("checkpoint: write_median_ms=4.99 write_p99_ms=40.00 resume_ms_1000=299").0, 0);
}

#[test]
fn a_slow_median_write_fails_and_says_which_target() {
    let (code, stderr) = check("checkpoint: write_median_ms=5.00 write_p99_ms=13.46 resume_ms_1000=155");
    assert_eq!(code, 1);
    assert_eq!(stderr, "target missed: write_median_ms=5.00, the target is < 5\n");
}

#[test]
fn a_slow_resume_fails_and_says_which_target() {
    let (code, stderr) = check("checkpoint: write_median_ms=2.34 write_p99_ms=13.46 resume_ms_1000=300");
    assert_eq!(code, 1);
    assert_eq!(stderr, "target missed: resume_ms_1000=300, the target is < 300\n");
}

#[test]
fn both_targets_missed_are_both_reported() {
    let (code, stderr) = check("checkpoint: write_median_ms=12.5 write_p99_ms=90.1 resume_ms_1000=1200");
    assert_eq!(code, 1);
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
}

#[test]
fn a_line_that_is_not_a_result_fails() {
    for line in [
        "",
        "writes: 2000 checkpoints in 5000 ms",
        "checkpoint: write_median_ms=NaN write_p99_ms=1 resume_ms_1000=1",
        "checkpoint: write_p99_ms=1.00",
    ] {
        assert_eq!(check(line).0, 2, "{line:?}");
    }
}
