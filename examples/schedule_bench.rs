//! Scheduling benchmark: `cargo run --release --example schedule_bench`.
//!
//! On a seeded, simulated clock it compares the engine's makespan with the lower bound
//! `max(longest duration-weighted path, total work / max_parallel)` on random layered DAGs, against
//! a re-implementation of the reference design's batch-and-gather loop; it also times the engine's
//! own CPU cost per task, and the time to first dispatch when the plan is executed while it streams
//! in versus after it has fully arrived.

use std::f64::consts::TAU;
use std::time::Instant;

use planwright::engine::rng::SplitMix64;
use planwright::engine::simulator::{SimOutcome, Simulator};
use planwright::engine::{Event, Run, RunConfig, TaskStatus};
use planwright::plan::critical_path::critical_path;
use planwright::plan::{Plan, Task};

/// Base seed of every random draw in the benchmark.
const SEED: u64 = 0x5C4E_D01E;
/// Plan sizes (task counts) of the table's rows.
const SIZES: [usize; 3] = [20, 200, 2_000];
/// Concurrency limits of the table's columns.
const MAX_PARALLEL: [usize; 3] = [3, 8, 16];
/// Random DAGs per (size, max_parallel) cell.
const DAGS_PER_CELL: usize = 50;
/// Median task duration in milliseconds (the lognormal's `exp(mu)`).
const MEDIAN_DURATION_MS: f64 = 1_000.0;
/// Per-attempt timeout: a day, so no simulated task ever times out.
const TIMEOUT_MS: u64 = 86_400_000;
/// Tasks in the CPU-cost plan.
const CPU_TASKS: usize = 10_000;
/// Concurrency limit of the CPU-cost run.
const CPU_MAX_PARALLEL: usize = 8;
/// Timed repetitions of the CPU-cost run (the median is reported).
const CPU_REPEATS: usize = 5;
/// Assumed LLM output rate while the plan streams, in tokens per second.
const TOKENS_PER_S: f64 = 60.0;
/// Assumed characters per token of pretty-printed plan JSON.
const CHARS_PER_TOKEN: f64 = 4.0;
/// Assumed time to first token of the planning call, in milliseconds.
const TTFT_MS: f64 = 500.0;
/// The run's goal (sent with every request).
const GOAL: &str = "Prepare a go/no-go recommendation for launching the product in a new market";

/// Verbs of generated task names.
const VERBS: [&str; 10] =
    ["Survey", "Compare", "Draft", "Summarise", "Benchmark", "Audit", "Outline", "Validate", "Estimate", "Collect"];
/// Objects of generated task names.
const OBJECTS: [&str; 10] = [
    "vendor pricing pages",
    "API rate limits",
    "onboarding flow",
    "test coverage report",
    "market size figures",
    "competitor feature lists",
    "latency measurements",
    "migration risks",
    "licence terms",
    "user interview notes",
];
/// Topics of generated task descriptions.
const TOPICS: [&str; 6] = [
    "the EU launch",
    "the Q3 roadmap",
    "the mobile client",
    "the billing service",
    "the data pipeline",
    "pilot customers",
];

/// Shape parameters of one random layered DAG.
struct Shape {
    /// Each layer's width is drawn uniformly from `1..=max_width`.
    max_width: usize,
    /// Each task after the first layer depends on `1..=max_deps` tasks (before deduplication).
    max_deps: usize,
    /// Probability that a dependency reaches further back than the previous layer.
    p_skip: f64,
    /// Sigma of the lognormal durations; `None` makes every duration zero.
    sigma: Option<f64>,
}

impl Shape {
    /// A random shape for a DAG of `n` tasks: width, density and duration spread all vary.
    fn random(n: usize, rng: &mut SplitMix64) -> Self {
        let widest = ((n as f64).sqrt() * 1.5).round().max(2.0) as usize;
        Shape {
            max_width: uniform(rng, 2, widest),
            max_deps: uniform(rng, 1, 4),
            p_skip: 0.1 + 0.2 * rng.next_f64(),
            sigma: Some(0.5 + 0.5 * rng.next_f64()),
        }
    }
}

/// A generated DAG: the plan the engine runs plus the index view the other simulations use.
struct Dag {
    /// The plan, tasks in topological (layer) order, ids `T1..Tn`.
    plan: Plan,
    /// `deps[i]`: indices task `i` depends on, all smaller than `i`.
    deps: Vec<Vec<usize>>,
    /// Simulated duration of each task in milliseconds.
    durations: Vec<f64>,
}

/// Uniform integer in `lo..=hi`.
fn uniform(rng: &mut SplitMix64, lo: usize, hi: usize) -> usize {
    lo + (rng.next_u64() % (hi - lo + 1) as u64) as usize
}

/// A standard normal draw (Box–Muller).
fn standard_normal(rng: &mut SplitMix64) -> f64 {
    let u1 = 1.0 - rng.next_f64(); // (0, 1]: the logarithm stays finite
    let u2 = rng.next_f64();
    (-2.0 * u1.ln()).sqrt() * (TAU * u2).cos()
}

/// Id of the task at index `i`.
fn task_id(i: usize) -> String {
    format!("T{}", i + 1)
}

/// Index of the task with id `id` (inverse of [`task_id`]).
fn task_index(id: &str) -> usize {
    id[1..].parse::<usize>().expect("benchmark ids are T<number>") - 1
}

/// A random layered DAG of `n` tasks with realistic names and ~80-character descriptions.
fn layered_dag(n: usize, shape: &Shape, rng: &mut SplitMix64) -> Dag {
    let mut layer_start = Vec::new(); // index of each layer's first task
    let mut deps: Vec<Vec<usize>> = Vec::with_capacity(n);
    while deps.len() < n {
        let start = deps.len();
        let width = uniform(rng, 1, shape.max_width).min(n - start);
        let prev = layer_start.last().copied();
        layer_start.push(start);
        for _ in 0..width {
            let mut mine = Vec::new();
            if let Some(prev) = prev {
                for _ in 0..uniform(rng, 1, shape.max_deps) {
                    let d = if prev > 0 && rng.next_f64() < shape.p_skip {
                        uniform(rng, 0, prev - 1) // some earlier layer
                    } else {
                        uniform(rng, prev, start - 1) // the previous layer
                    };
                    if !mine.contains(&d) {
                        mine.push(d);
                    }
                }
                mine.sort_unstable();
            }
            deps.push(mine);
        }
    }
    let durations = (0..n)
        .map(|_| match shape.sigma {
            Some(sigma) => MEDIAN_DURATION_MS * (sigma * standard_normal(rng)).exp(),
            None => 0.0,
        })
        .collect();
    let tasks = deps
        .iter()
        .enumerate()
        .map(|(i, mine)| {
            let dep_ids: Vec<String> = mine.iter().map(|&d| task_id(d)).collect();
            let dep_refs: Vec<&str> = dep_ids.iter().map(String::as_str).collect();
            let verb = VERBS[uniform(rng, 0, VERBS.len() - 1)];
            let object = OBJECTS[uniform(rng, 0, OBJECTS.len() - 1)];
            let topic = TOPICS[uniform(rng, 0, TOPICS.len() - 1)];
            let mut task = Task::new(&task_id(i), &format!("{verb} {object}"), &dep_refs);
            task.description = format!("{verb} the {object} for {topic} and list sources plus open questions.");
            task
        })
        .collect();
    let mut plan = Plan { tasks, critical_path: Vec::new() };
    plan.critical_path = critical_path(&plan);
    Dag { plan, deps, durations }
}

/// `max(longest duration-weighted path, total work / max_parallel)`.
fn lower_bound(dag: &Dag, max_parallel: usize) -> f64 {
    let mut finish = vec![0.0_f64; dag.durations.len()];
    for i in 0..finish.len() {
        finish[i] = dag.durations[i] + dag.deps[i].iter().map(|&d| finish[d]).fold(0.0, f64::max);
    }
    let longest_path = finish.iter().copied().fold(0.0, f64::max);
    let total: f64 = dag.durations.iter().sum();
    longest_path.max(total / max_parallel as f64)
}

/// The engine's settings for a benchmark run.
fn config(max_parallel: usize) -> RunConfig {
    RunConfig { max_parallel, timeout_ms: TIMEOUT_MS, ..RunConfig::default() }
}

/// Every attempt succeeds after the task's simulated duration.
fn outcome(dag: &Dag) -> impl FnMut(&planwright::engine::TaskRequest) -> SimOutcome + '_ {
    |req| SimOutcome { duration_ms: dag.durations[task_index(&req.task_id)], result: Ok(String::new()) }
}

/// A simulator for the engine running the whole (already arrived) plan of `dag`.
fn engine_sim(dag: &Dag, max_parallel: usize) -> Simulator {
    Simulator::new(Run::new(GOAL, dag.plan.clone(), config(max_parallel)))
}

/// The engine's makespan on `dag` in virtual milliseconds.
fn engine_makespan(dag: &Dag, max_parallel: usize) -> f64 {
    let mut sim = engine_sim(dag, max_parallel);
    sim.run_to_end(outcome(dag));
    sim.finished_at_ms.expect("the run finishes")
}

/// The reference design's loop, re-implemented faithfully:
/// `while unfinished: ready = [t for t in tasks if not started and all deps done]` (an O(n) scan
/// per round), then `await gather(*ready[:max_parallel])` — the next batch starts only when the
/// whole batch has finished. Returns the makespan in virtual milliseconds.
fn batch_and_gather(deps: &[Vec<usize>], durations: &[f64], max_parallel: usize) -> f64 {
    let n = deps.len();
    let mut started = vec![false; n];
    let mut done = vec![false; n];
    let mut unfinished = n;
    let mut now_ms = 0.0;
    while unfinished > 0 {
        let ready: Vec<usize> = (0..n).filter(|&i| !started[i] && deps[i].iter().all(|&d| done[d])).collect();
        let batch = &ready[..ready.len().min(max_parallel)];
        assert!(!batch.is_empty(), "benchmark DAGs are acyclic");
        for &i in batch {
            started[i] = true;
        }
        now_ms += batch.iter().map(|&i| durations[i]).fold(0.0, f64::max);
        for &i in batch {
            done[i] = true;
        }
        unfinished -= batch.len();
    }
    now_ms
}

/// Byte offsets just past each task object's closing brace in the plan JSON, in plan order.
fn task_end_offsets(json: &str) -> Vec<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut ends = Vec::new();
    for (at, c) in json.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' => {
                // `{"tasks": [ {task} ] }`: a task object closes from depth 3.
                if c == '}' && depth == 3 {
                    ends.push(at + 1);
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    ends
}

/// Virtual time at which the first `chars` characters of the plan have streamed in.
fn streamed_at_ms(chars: usize) -> f64 {
    TTFT_MS + chars as f64 / (TOKENS_PER_S * CHARS_PER_TOKEN) * 1000.0
}

/// Time to first dispatch and to the end of the run, in ms from the planning request.
struct StreamTimes {
    /// Length of the pretty-printed plan JSON in characters.
    json_chars: f64,
    /// Streaming: first dispatch while the plan is still arriving.
    first_stream_ms: f64,
    /// Plan-then-run: first dispatch once the whole plan has arrived.
    first_batch_ms: f64,
    /// Streaming: the run's end.
    end_stream_ms: f64,
    /// Plan-then-run: the run's end.
    end_batch_ms: f64,
}

/// Runs `dag` on a streaming run fed each task when its closing brace arrives, and compares it
/// with plan-then-run (`makespan` is the engine's makespan on the fully arrived plan).
fn stream_times(dag: &Dag, max_parallel: usize, makespan: f64) -> StreamTimes {
    let json = dag.plan.to_json_pretty();
    let ends = task_end_offsets(&json);
    assert_eq!(ends.len(), dag.plan.tasks.len(), "one closing brace per task");
    let complete_ms = streamed_at_ms(json.len());
    let mut sim = Simulator::new(Run::streaming(GOAL, config(max_parallel)));
    for (task, &end) in dag.plan.tasks.iter().zip(&ends) {
        sim.schedule_event(streamed_at_ms(end), Event::TaskArrived(task.clone()));
    }
    sim.schedule_event(complete_ms, Event::PlanComplete);
    sim.run_to_end(outcome(dag));
    let states: Vec<_> = sim.run.task_states().map(|(_, s)| s.clone()).collect();
    assert_eq!(states.len(), dag.plan.tasks.len(), "every streamed task is in the run");
    assert!(states.iter().all(|s| s.status == TaskStatus::Completed), "every streamed task completes");
    let first_stream_ms = states.iter().filter_map(|s| s.started_at_ms).fold(f64::INFINITY, f64::min);
    StreamTimes {
        json_chars: json.len() as f64,
        first_stream_ms,
        first_batch_ms: complete_ms,
        end_stream_ms: sim.finished_at_ms.expect("the streaming run finishes"),
        end_batch_ms: complete_ms + makespan,
    }
}

/// Median of `values` (mean of the middle two for an even count).
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    }
}

/// `ok` or `MISS`, for the targets line.
fn verdict(met: bool) -> &'static str {
    if met {
        "ok"
    } else {
        "MISS"
    }
}

/// Engine wall-clock microseconds per task for `run_to_end` on `dag` (median of the repeats), and
/// the same for the reference loop.
fn cpu_cost_us(dag: &Dag) -> (f64, f64) {
    let n = dag.plan.tasks.len() as f64;
    let engine: Vec<f64> = (0..CPU_REPEATS)
        .map(|_| {
            let mut sim = engine_sim(dag, CPU_MAX_PARALLEL);
            let started = Instant::now();
            sim.run_to_end(outcome(dag));
            let elapsed = started.elapsed();
            assert!(sim.finished_at_ms.is_some(), "the CPU-cost run finishes");
            elapsed.as_secs_f64() * 1e6 / n
        })
        .collect();
    let reference: Vec<f64> = (0..CPU_REPEATS)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(batch_and_gather(&dag.deps, &dag.durations, CPU_MAX_PARALLEL));
            started.elapsed().as_secs_f64() * 1e6 / n
        })
        .collect();
    (median(&engine), median(&reference))
}

fn main() {
    let wall = Instant::now();
    println!("schedule_bench: seed {SEED:#x}, {DAGS_PER_CELL} random layered DAGs per cell,");
    println!(
        "  lognormal durations (median {MEDIAN_DURATION_MS} ms, sigma 0.5-1.0 per DAG), ratio = makespan / lower bound"
    );
    println!();
    println!(
        "{:>6} {:>12} {:>5} {:>14} {:>12} {:>13} {:>11}",
        "tasks", "max_parallel", "dags", "engine_median", "engine_p90", "batch_median", "batch/eng"
    );
    let (mut all_engine, mut all_batch, mut worst_cell) = (Vec::new(), Vec::new(), 0.0_f64);
    let mut streams = Vec::new();
    for &n in &SIZES {
        for &max_parallel in &MAX_PARALLEL {
            let (mut engine, mut batch) = (Vec::new(), Vec::new());
            for k in 0..DAGS_PER_CELL {
                let mut rng = SplitMix64::new(SEED ^ ((n as u64) << 32) ^ ((max_parallel as u64) << 16) ^ k as u64);
                let shape = Shape::random(n, &mut rng);
                let dag = layered_dag(n, &shape, &mut rng);
                let bound = lower_bound(&dag, max_parallel);
                let makespan = engine_makespan(&dag, max_parallel);
                engine.push(makespan / bound);
                batch.push(batch_and_gather(&dag.deps, &dag.durations, max_parallel) / bound);
                if n == SIZES[0] {
                    streams.push(stream_times(&dag, max_parallel, makespan));
                }
            }
            let (engine_median, batch_median) = (median(&engine), median(&batch));
            let mut sorted = engine.clone();
            sorted.sort_by(f64::total_cmp);
            let p90 = sorted[(sorted.len() * 9).div_ceil(10) - 1];
            println!(
                "{n:>6} {max_parallel:>12} {:>5} {engine_median:>14.3} {p90:>12.3} {batch_median:>13.3} {:>11.2}",
                engine.len(),
                batch_median / engine_median
            );
            worst_cell = worst_cell.max(engine_median);
            all_engine.extend(engine);
            all_batch.extend(batch);
        }
    }
    let (median_ratio, batch_median_ratio) = (median(&all_engine), median(&all_batch));
    let speedup = batch_median_ratio / median_ratio;
    println!("all cells: engine median {median_ratio:.3}, batch median {batch_median_ratio:.3}, worst cell median {worst_cell:.3}");
    println!();

    let mut rng = SplitMix64::new(SEED ^ 0x00C0_FFEE);
    let cpu_shape = Shape { max_width: 100, max_deps: 3, p_skip: 0.2, sigma: None };
    let cpu_dag = layered_dag(CPU_TASKS, &cpu_shape, &mut rng);
    let edges: usize = cpu_dag.deps.iter().map(Vec::len).sum();
    let (us_per_task, reference_us) = cpu_cost_us(&cpu_dag);
    println!(
        "CPU cost: {CPU_TASKS} zero-duration tasks, {:.2} deps/task, max_parallel {CPU_MAX_PARALLEL}, median of {CPU_REPEATS} runs of run_to_end:",
        edges as f64 / CPU_TASKS as f64
    );
    println!("  engine {us_per_task:.2} us/task; reference batch loop (O(n) scan per round) {reference_us:.2} us/task");
    println!();

    let pick = |f: fn(&StreamTimes) -> f64| median(&streams.iter().map(f).collect::<Vec<_>>());
    let (first_stream, first_batch) = (pick(|s| s.first_stream_ms), pick(|s| s.first_batch_ms));
    let (end_stream, end_batch) = (pick(|s| s.end_stream_ms), pick(|s| s.end_batch_ms));
    let json_chars = pick(|s| s.json_chars);
    println!(
        "streaming (assumed): {TOKENS_PER_S} tokens/s x {CHARS_PER_TOKEN} chars/token = {:.0} chars/s, TTFT {TTFT_MS} ms;",
        TOKENS_PER_S * CHARS_PER_TOKEN
    );
    println!(
        "  {}-task plans, median over {} runs, pretty JSON median {json_chars:.0} chars:",
        SIZES[0],
        streams.len()
    );
    println!("  first dispatch: streamed {first_stream:.0} ms, plan-then-run {first_batch:.0} ms");
    println!("  run finished:   streamed {end_stream:.0} ms, plan-then-run {end_batch:.0} ms");
    println!();
    println!(
        "targets: median_ratio<=1.03 {}, every cell median<=1.10 {}, speedup>=1.50 {}, us_per_task<20 {} (wall {:.1} s)",
        verdict(median_ratio <= 1.03),
        verdict(worst_cell <= 1.10),
        verdict(speedup >= 1.50),
        verdict(us_per_task < 20.0),
        wall.elapsed().as_secs_f64()
    );
    println!(
        "schedule: median_ratio={median_ratio:.3} batch_median_ratio={batch_median_ratio:.3} speedup={speedup:.2} us_per_task={us_per_task:.2} first_task_stream_ms={first_stream:.0} first_task_batch_ms={first_batch:.0}"
    );
}
