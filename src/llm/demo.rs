//! The built-in Demo provider's logic: plans shaped like a template and simulated, seeded execution.
//! Pure; the browser adapter only adds the sleep.

use serde::{Deserialize, Serialize};

use super::template::Template;
use crate::engine::rng::{hash_str, SplitMix64};
use crate::engine::{ReplanRequest, TaskError, TaskRequest};
use crate::plan::critical_path::critical_path;
use crate::plan::task_type::TaskType;
use crate::plan::{Plan, Task};

/// Settings of the Demo provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoConfig {
    /// Seed for plan variation, latencies and failures.
    pub seed: u64,
    /// Chance that one attempt fails with a retryable error, in `[0, 1]`.
    pub failure_rate: f64,
    /// Mean simulated latency of a task attempt, in milliseconds.
    pub latency_ms: u32,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig { seed: 42, failure_rate: 0.1, latency_ms: 900 }
    }
}

/// One task of a template blueprint: `(name, description, dependency keys)`.
type Step = (String, String, Vec<String>);

/// Builds a plan of 5–12 tasks with parallel branches for `goal`, shaped like `template`.
pub fn demo_plan(goal: &str, template: Template, seed: u64) -> Plan {
    let mut rng = SplitMix64::new(seed ^ hash_str(goal));
    let steps = match template {
        Template::ResearchReport => research_steps(goal, &mut rng),
        Template::CodeReview => code_review_steps(goal, &mut rng),
        Template::DataPipeline => data_pipeline_steps(goal, &mut rng),
    };
    let keys: Vec<String> = steps.iter().map(|(name, _, _)| name.clone()).collect();
    let id_of = |name: &str| {
        format!("T{}", keys.iter().position(|k| k == name).expect("blueprint refers to its own steps") + 1)
    };
    let tasks = steps
        .iter()
        .enumerate()
        .map(|(i, (name, description, deps))| Task {
            id: format!("T{}", i + 1),
            name: name.clone(),
            description: description.clone(),
            depends_on: deps.iter().map(|d| id_of(d)).collect(),
            can_parallelize: true,
            kind: Some(kind_for(name).key().to_string()),
            parent: None,
            model: None,
        })
        .collect();
    let mut plan = Plan { tasks, critical_path: Vec::new() };
    plan.critical_path = critical_path(&plan);
    plan
}

/// The task type a demo step gets from the verb its name starts with (it selects the step's tools).
fn kind_for(name: &str) -> TaskType {
    let verb = name.split_whitespace().next().unwrap_or_default();
    match verb {
        "Research" | "Scope" => TaskType::Research,
        "Identify" | "Assess" | "Consolidate" | "Profile" | "Map" => TaskType::Analysis,
        "Review" => TaskType::Review,
        "Draft" | "Write" => TaskType::Writing,
        _ => TaskType::Data,
    }
}

/// The Demo provider's answer to a plan request: the plan as a fenced JSON block inside prose,
/// the way chat models usually answer (so the tolerant parser is exercised on every demo run).
pub fn demo_plan_answer(goal: &str, template: Template, seed: u64) -> String {
    let plan = demo_plan(goal, template, seed);
    format!(
        "Here is a plan for \"{goal}\" ({}).\n\n```json\n{}\n```\n\nEach task lists what it depends on.",
        template.label(),
        plan.to_json_pretty()
    )
}

/// The Demo provider's re-plan: the remaining tasks again under fresh ids (`T4` becomes `T4-r1`),
/// marked revised, with dependencies on remaining tasks remapped and on completed ones kept.
pub fn demo_replan(request: &ReplanRequest) -> Plan {
    let suffix = format!("-r{}", request.number);
    let renamed = |id: &str| {
        let base = id.split("-r").next().unwrap_or(id);
        format!("{base}{suffix}")
    };
    let remaining: Vec<&str> = request.remaining.iter().map(|t| t.id.as_str()).collect();
    let tasks = request
        .remaining
        .iter()
        .map(|t| Task {
            id: renamed(&t.id),
            name: format!("{} (revised)", t.name.trim_end_matches(" (revised)")),
            description: format!("{} Avoid what failed before: {}", t.description, request.failure),
            depends_on: t
                .depends_on
                .iter()
                .map(|d| if remaining.contains(&d.as_str()) { renamed(d) } else { d.clone() })
                .collect(),
            can_parallelize: t.can_parallelize,
            kind: t.kind.clone(),
            parent: t.parent.as_ref().map(|p| if remaining.contains(&p.as_str()) { renamed(p) } else { p.clone() }),
            model: t.model.clone(),
        })
        .collect();
    Plan { tasks, critical_path: Vec::new() }
}

/// The Demo provider's decomposition of one task into three subtasks: two parallel parts and a
/// check that needs both. Ids are `<task>.1` … `<task>.3`.
pub fn demo_subtasks(task: &Task) -> Plan {
    let id = |n: u32| format!("{}.{n}", task.id);
    let tasks = vec![
        Task::new(&id(1), &format!("Gather inputs: {}", task.name), &[]),
        Task::new(&id(2), &format!("Draft: {}", task.name), &[]),
        Task::new(&id(3), &format!("Check and merge: {}", task.name), &[&id(1), &id(2)]),
    ]
    .into_iter()
    .map(|t| Task { description: format!("Part of \"{}\": {}", task.name, task.description), ..t })
    .collect();
    Plan { tasks, critical_path: Vec::new() }
}

/// How one simulated attempt goes: its latency in milliseconds and its outcome. Deterministic in
/// `(config.seed, task id, attempt)`.
pub fn demo_outcome(config: &DemoConfig, request: &TaskRequest) -> (u32, Result<String, TaskError>) {
    let mut rng =
        SplitMix64::new(config.seed ^ hash_str(&request.task_id) ^ (request.attempt as u64).wrapping_mul(0x9E37_79B9));
    let latency = (config.latency_ms as f64 * (0.4 + 1.2 * rng.next_f64())) as u32;
    if rng.next_f64() < config.failure_rate.clamp(0.0, 1.0) {
        let message = format!("Demo: simulated HTTP 503 (attempt {}, seed {})", request.attempt, config.seed);
        return (latency, Err(TaskError::retryable(message)));
    }
    (latency, Ok(demo_result(request)))
}

/// The simulated output of a task: names what it built on, so data flow is visible in the inspector.
fn demo_result(request: &TaskRequest) -> String {
    let inputs = if request.dependency_results.is_empty() {
        "no earlier results".to_string()
    } else {
        request.dependency_results.iter().map(|d| format!("{} ({})", d.id, d.name)).collect::<Vec<_>>().join(", ")
    };
    format!(
        "[Demo result] {name}: done for the goal \"{goal}\", building on {inputs}. {description}",
        name = request.name,
        goal = request.goal,
        description = request.description
    )
}

fn pick<'a>(rng: &mut SplitMix64, pool: &[&'a str], count: usize) -> Vec<&'a str> {
    let mut pool: Vec<&str> = pool.to_vec();
    let mut out = Vec::new();
    while out.len() < count && !pool.is_empty() {
        let k = (rng.next_u64() % pool.len() as u64) as usize;
        out.push(pool.remove(k));
    }
    out
}

fn count(rng: &mut SplitMix64, low: usize, high: usize) -> usize {
    low + (rng.next_u64() % (high - low + 1) as u64) as usize
}

fn step(name: &str, description: String, deps: &[String]) -> Step {
    (name.to_string(), description, deps.to_vec())
}

fn research_steps(goal: &str, rng: &mut SplitMix64) -> Vec<Step> {
    let n = count(rng, 2, 4);
    let aspects = pick(
        rng,
        &[
            "background and history",
            "current state of the art",
            "key players",
            "costs and economics",
            "risks and open problems",
        ],
        n,
    );
    let scope = "Scope the question".to_string();
    let mut steps =
        vec![step(&scope, format!("Define what \"{goal}\" must answer, for whom, and what is out of scope."), &[])];
    let mut research = Vec::new();
    for aspect in aspects {
        let name = format!("Research {aspect}");
        steps.push(step(
            &name,
            format!("Collect sources and facts on the {aspect} relevant to: {goal}."),
            std::slice::from_ref(&scope),
        ));
        research.push(name);
    }
    let themes = "Identify key themes".to_string();
    let evidence = "Assess evidence quality".to_string();
    steps.push(step(
        &themes,
        "Group the research findings into the themes that answer the question.".into(),
        &research,
    ));
    steps.push(step(
        &evidence,
        "Rate the sources found for reliability and note conflicting evidence.".into(),
        &research,
    ));
    let draft = "Draft the report".to_string();
    steps.push(step(&draft, format!("Write a structured report on: {goal}."), &[themes, evidence]));
    steps.push(step(
        "Review and finalize",
        "Check the draft against the scope, fix gaps and write the summary.".into(),
        &[draft],
    ));
    steps
}

fn code_review_steps(goal: &str, rng: &mut SplitMix64) -> Vec<Step> {
    let n = count(rng, 3, 5);
    let areas =
        pick(rng, &["correctness", "security", "performance", "tests and coverage", "style and documentation"], n);
    let map = "Map the change set".to_string();
    let mut steps = vec![step(&map, format!("List the files and behaviours touched by: {goal}."), &[])];
    let mut reviews = Vec::new();
    for area in areas {
        let name = format!("Review {area}");
        steps.push(step(
            &name,
            format!("Review the change for {area}; cite file and line for each finding."),
            std::slice::from_ref(&map),
        ));
        reviews.push(name);
    }
    let consolidate = "Consolidate findings".to_string();
    steps.push(step(&consolidate, "Merge duplicate findings and rank them by severity.".into(), &reviews));
    steps.push(step(
        "Write the review",
        format!("Write the review comment for: {goal}, with a verdict."),
        &[consolidate],
    ));
    steps
}

fn data_pipeline_steps(goal: &str, rng: &mut SplitMix64) -> Vec<Step> {
    let n = count(rng, 2, 3);
    let sources =
        pick(rng, &["the orders database", "the web analytics export", "the CRM API", "the product catalogue"], n);
    let schema = "Define schema and sources".to_string();
    let mut steps = vec![step(&schema, format!("Define the target schema and the sources needed for: {goal}."), &[])];
    let mut extracts = Vec::new();
    for source in sources {
        let name = format!("Extract from {source}");
        steps.push(step(
            &name,
            format!("Extract the raw records from {source} incrementally."),
            std::slice::from_ref(&schema),
        ));
        extracts.push(name);
    }
    let clean = "Clean and normalize".to_string();
    let profile = "Profile data quality".to_string();
    steps.push(step(&clean, "Deduplicate, normalise types and units, handle missing values.".into(), &extracts));
    steps.push(step(&profile, "Measure null rates, ranges and referential integrity per source.".into(), &extracts));
    let transform = "Transform and join".to_string();
    steps.push(step(&transform, "Join the cleaned sources into the target schema.".into(), &[clean, profile.clone()]));
    let load = "Load into the warehouse".to_string();
    steps.push(step(
        &load,
        "Load the transformed tables and verify row counts.".into(),
        std::slice::from_ref(&transform),
    ));
    steps.push(step(
        "Write the data quality report",
        "Summarise the quality profile and the load results.".into(),
        &[transform, profile],
    ));
    steps.push(step("Schedule and monitor", format!("Schedule the pipeline and add alerts for: {goal}."), &[load]));
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::parse::parse_plan;
    use crate::plan::validate::{has_errors, validate};

    #[test]
    fn every_template_gives_a_valid_plan_of_5_to_12_tasks_with_parallel_branches() {
        for template in Template::ALL {
            for seed in 0..30 {
                let plan = demo_plan("Compare three vector databases", template, seed);
                assert!((5..=12).contains(&plan.tasks.len()), "{template:?} gave {} tasks", plan.tasks.len());
                assert!(!has_errors(&validate(&plan)), "{template:?} seed {seed}: {:?}", validate(&plan));
                let widest = plan.tasks.iter().filter(|t| t.depends_on == plan.tasks[1].depends_on).count();
                assert!(widest >= 2, "{template:?} has no parallel branch");
                assert!(validate(&plan).is_empty(), "no warnings either: {:?}", validate(&plan));
            }
        }
    }

    #[test]
    fn demo_replan_renames_remaining_work_and_keeps_links_to_completed_tasks() {
        let request = ReplanRequest {
            goal: "g".into(),
            number: 2,
            completed: vec![],
            remaining: vec![Task::new("T2", "b", &["T1"]), Task::new("T3-r1", "c (revised)", &["T2"])],
            failure: "T2: boom".into(),
        };
        let plan = demo_replan(&request);
        assert_eq!(plan.tasks[0].id, "T2-r2");
        assert_eq!(plan.tasks[0].depends_on, vec!["T1"]);
        assert_eq!(plan.tasks[1].id, "T3-r2");
        assert_eq!(plan.tasks[1].depends_on, vec!["T2-r2"]);
        assert_eq!(plan.tasks[1].name, "c (revised)");
    }

    #[test]
    fn demo_subtasks_are_three_with_a_joining_check() {
        let plan = demo_subtasks(&Task::new("T4", "Analyse", &[]));
        let ids: Vec<&str> = plan.tasks.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, vec!["T4.1", "T4.2", "T4.3"]);
        assert_eq!(plan.tasks[2].depends_on, vec!["T4.1", "T4.2"]);
        assert!(validate(&plan).is_empty());
    }

    #[test]
    fn demo_tasks_are_typed_by_their_verb() {
        let plan = demo_plan("Write a briefing on batteries", Template::ResearchReport, 1);
        assert_eq!(plan.tasks[0].kind.as_deref(), Some("research"));
        assert!(plan.tasks.iter().any(|t| t.kind.as_deref() == Some("analysis")));
        assert!(plan.tasks.iter().any(|t| t.kind.as_deref() == Some("writing")));
    }

    #[test]
    fn the_answer_parses_back_to_the_same_plan() {
        let answer = demo_plan_answer("Review PR 12", Template::CodeReview, 7);
        assert!(answer.starts_with("Here is a plan"));
        assert_eq!(parse_plan(&answer).unwrap(), demo_plan("Review PR 12", Template::CodeReview, 7));
    }

    #[test]
    fn outcomes_are_deterministic_and_fail_at_about_the_configured_rate() {
        let config = DemoConfig { seed: 5, failure_rate: 0.3, latency_ms: 100 };
        let mut failures = 0;
        for i in 0..1000 {
            let request = TaskRequest {
                model: None,
                goal: "g".into(),
                task_id: format!("T{i}"),
                name: "n".into(),
                description: "d".into(),
                kind: None,
                dependency_results: vec![],
                attempt: 1,
                timeout_ms: 1000,
            };
            let (latency, outcome) = demo_outcome(&config, &request);
            assert_eq!((latency, outcome.clone()), demo_outcome(&config, &request));
            assert!((40..=160).contains(&latency));
            failures += outcome.is_err() as u32;
        }
        assert!((240..=360).contains(&failures), "{failures} failures of 1000");
    }
}
