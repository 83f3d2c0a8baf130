//! Plan validation: structural errors that make a plan unexecutable, and warnings about plans that
//! are hard to follow.

use std::collections::{HashMap, HashSet, VecDeque};

use serde::{Deserialize, Serialize};

use super::graph::PlanGraph;
use super::limits::check_plan;
use super::model::{Plan, TaskId};

/// Most tasks that may be ready at the start (tasks with no dependencies) before a warning.
pub const MAX_PARALLEL_START: usize = 10;
/// Deepest allowed task hierarchy; a task without a parent is at depth 1.
pub const MAX_DEPTH: usize = 4;

/// How serious an [`Issue`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Severity {
    /// The plan cannot be executed as is.
    Error,
    /// The plan can run but is questionable.
    Warning,
}

/// What kind of problem an [`Issue`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IssueKind {
    /// The plan has no tasks (error).
    EmptyPlan,
    /// Several tasks share an id (error).
    DuplicateId,
    /// A task depends on an id that no task has (error).
    MissingDependency,
    /// A task depends on itself (error).
    SelfDependency,
    /// Tasks depend on each other in a loop (error).
    Cycle,
    /// The task hierarchy is deeper than [`MAX_DEPTH`], or parents form a loop (error).
    TooDeep,
    /// A task's `parent` is not in the plan (error).
    UnknownParent,
    /// More than [`MAX_PARALLEL_START`] tasks have no dependencies (warning).
    TooManyRoots,
    /// The stated critical path is not a dependency chain of the plan (warning).
    CriticalPathMismatch,
    /// A task has an empty (or blank) id (error).
    EmptyId,
    /// The plan has more tasks or dependencies than Planwright runs (see
    /// [`limits`](super::limits)); it is not checked further (error).
    TooLarge,
}

/// One problem found in a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// Error or warning.
    pub severity: Severity,
    /// The kind of problem.
    pub kind: IssueKind,
    /// A sentence for the user saying what is wrong.
    pub message: String,
    /// The ids the issue is about, the task to fix first. For [`IssueKind::Cycle`] this is the
    /// cycle in order, each task depending on the one before it and the first on the last (the
    /// first id is not repeated at the end, unlike in the message). For a parent loop it is the
    /// loop, each task the parent of the next; for [`IssueKind::TooDeep`] the chain from the
    /// top-level ancestor down to the task. Ids that are referenced but missing from the plan are
    /// included too (e.g. `[task, missing dependency]`).
    pub tasks: Vec<TaskId>,
}

impl Issue {
    fn error(kind: IssueKind, message: String, tasks: Vec<TaskId>) -> Self {
        Issue { severity: Severity::Error, kind, message, tasks }
    }

    fn warning(kind: IssueKind, message: String, tasks: Vec<TaskId>) -> Self {
        Issue { severity: Severity::Warning, kind, message, tasks }
    }
}

/// Every problem in `plan`: errors first by kind (ids and dependencies, cycles, hierarchy), then
/// warnings. An empty result means the plan is fine. A plan over the size limits gets that one
/// error only. Takes time linear in the size of the plan.
pub fn validate(plan: &Plan) -> Vec<Issue> {
    if plan.tasks.is_empty() {
        return vec![Issue::error(IssueKind::EmptyPlan, "the plan has no tasks".to_string(), Vec::new())];
    }
    if let Err(error) = check_plan(plan) {
        return vec![Issue::error(IssueKind::TooLarge, error.to_string(), Vec::new())];
    }
    let graph = PlanGraph::new(plan);
    let mut issues = Vec::new();
    check_ids_and_dependencies(plan, &graph, &mut issues);
    check_cycles(&graph, &mut issues);
    check_hierarchy(plan, &graph, &mut issues);
    check_roots(&graph, &mut issues);
    check_critical_path(plan, &graph, &mut issues);
    issues
}

/// True when any issue is an error.
pub fn has_errors(issues: &[Issue]) -> bool {
    issues.iter().any(|i| i.severity == Severity::Error)
}

/// Empty and duplicate ids, self-dependencies and dependencies on missing tasks.
fn check_ids_and_dependencies(plan: &Plan, graph: &PlanGraph, issues: &mut Vec<Issue>) {
    let mut positions: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, task) in plan.tasks.iter().enumerate() {
        if task.id.trim().is_empty() {
            issues.push(Issue::error(
                IssueKind::EmptyId,
                format!("task #{} ({:?}) has an empty id", i + 1, task.name),
                vec![task.id.clone()],
            ));
        } else {
            positions.entry(&task.id).or_default().push(i + 1);
        }
    }
    for (i, task) in plan.tasks.iter().enumerate() {
        if let Some(numbers) = positions.get(task.id.as_str()).filter(|n| n.len() > 1 && n[0] == i + 1) {
            let numbers: Vec<String> = numbers.iter().map(|n| format!("#{n}")).collect();
            issues.push(Issue::error(
                IssueKind::DuplicateId,
                format!("id {} is used by {} tasks ({})", task.id, numbers.len(), numbers.join(", ")),
                vec![task.id.clone()],
            ));
        }
    }
    for task in &plan.tasks {
        let mut seen: HashSet<&str> = HashSet::new();
        for dep in &task.depends_on {
            if !seen.insert(dep) {
                continue;
            }
            if *dep == task.id {
                issues.push(Issue::error(
                    IssueKind::SelfDependency,
                    format!("{} depends on itself", task.id),
                    vec![task.id.clone()],
                ));
            } else if graph.index_of(dep).is_none() {
                issues.push(Issue::error(
                    IssueKind::MissingDependency,
                    format!("{} depends on {dep}, which is not in the plan", task.id),
                    vec![task.id.clone(), dep.clone()],
                ));
            }
        }
    }
}

/// One [`IssueKind::Cycle`] per strongly connected component with more than one task.
fn check_cycles(graph: &PlanGraph, issues: &mut Vec<Issue>) {
    for component in strongly_connected_components(graph) {
        if component.len() < 2 {
            continue;
        }
        let cycle = cycle_in_component(graph, &component);
        let mut names: Vec<&str> = cycle.iter().map(|&i| graph.ids[i].as_str()).collect();
        names.push(names[0]);
        issues.push(Issue::error(
            IssueKind::Cycle,
            format!(
                "cycle: {} (each task depends on the one before it, so none of them can start)",
                names.join(" -> ")
            ),
            cycle.iter().map(|&i| graph.ids[i].clone()).collect(),
        ));
    }
}

/// Tarjan's algorithm, iterative (no recursion, so huge plans cannot overflow the stack). Edges go
/// from a task to its dependents. Each component is sorted by plan order; components come in no
/// particular order but deterministically.
fn strongly_connected_components(graph: &PlanGraph) -> Vec<Vec<usize>> {
    let n = graph.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut next_index = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // (node, position of the next dependent to visit)
        let mut work = vec![(root, 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut next)) = work.last_mut() {
            if let Some(&w) = graph.dependents[v].get(*next) {
                *next += 1;
                if index[w] == usize::MAX {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                crate::sort::sort(&mut component);
                components.push(component);
            }
        }
    }
    components
}

/// A shortest cycle through the earliest task of `component` (a strongly connected component with
/// at least two tasks), following dependents: each task in the result depends on the previous one,
/// and the first on the last. Takes time in the size of the component and its edges (not of the
/// plan: a plan may have thousands of components).
fn cycle_in_component(graph: &PlanGraph, component: &[usize]) -> Vec<usize> {
    let start = component[0];
    let in_component: HashSet<usize> = component.iter().copied().collect();
    // The task each one was first reached from.
    let mut previous: HashMap<usize, usize> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in &graph.dependents[v] {
            if w == start {
                let mut cycle = vec![v];
                let mut at = v;
                while at != start {
                    at = previous[&at];
                    cycle.push(at);
                }
                cycle.reverse();
                return cycle;
            }
            if in_component.contains(&w) && !previous.contains_key(&w) {
                previous.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    // Unreachable for a true component; fall back to the component itself.
    component.to_vec()
}

/// Unknown parents, parent loops and hierarchies deeper than [`MAX_DEPTH`].
fn check_hierarchy(plan: &Plan, graph: &PlanGraph, issues: &mut Vec<Issue>) {
    /// Depth of a task: not computed yet, on the current walk, known, or above/in a parent loop.
    #[derive(Clone, Copy, PartialEq)]
    enum Depth {
        Unknown,
        Walking,
        Known(usize),
        Looping,
    }
    let n = graph.len();
    // Parent index per distinct task (first occurrence of each id); unknown parents end the chain.
    let mut parent: Vec<Option<usize>> = vec![None; n];
    let mut seen = vec![false; n];
    for task in &plan.tasks {
        // Later tasks with a duplicate id are not in the graph; only their unknown parents count.
        let first = graph.index_of(&task.id).filter(|&i| !std::mem::replace(&mut seen[i], true));
        let Some(p) = &task.parent else { continue };
        match graph.index_of(p) {
            None => issues.push(Issue::error(
                IssueKind::UnknownParent,
                format!("the parent of {} is {p}, which is not in the plan", task.id),
                vec![task.id.clone(), p.clone()],
            )),
            Some(pi) => {
                if let Some(i) = first {
                    parent[i] = Some(pi);
                }
            }
        }
    }
    let mut depth = vec![Depth::Unknown; n];
    for start in 0..n {
        let mut walk = Vec::new();
        let mut at = start;
        // Walk up until a task whose depth is settled, a top-level task, or a loop.
        let base = loop {
            match depth[at] {
                Depth::Known(d) => break Some(d),
                Depth::Looping => break None,
                Depth::Walking => {
                    let from = walk.iter().position(|&w| w == at).unwrap_or(0);
                    let mut loop_tasks: Vec<usize> = walk[from..].to_vec();
                    loop_tasks.reverse(); // each task the parent of the next
                    let earliest = (0..loop_tasks.len()).min_by_key(|&k| loop_tasks[k]).unwrap_or(0);
                    loop_tasks.rotate_left(earliest);
                    let names: Vec<&str> = loop_tasks.iter().map(|&i| graph.ids[i].as_str()).collect();
                    let message = if names.len() == 1 {
                        format!("{} is its own parent", names[0])
                    } else {
                        format!(
                            "the parents form a loop: {} -> {} (each task is the parent of the next)",
                            names.join(" -> "),
                            names[0]
                        )
                    };
                    issues.push(Issue::error(
                        IssueKind::TooDeep,
                        message,
                        loop_tasks.iter().map(|&i| graph.ids[i].clone()).collect(),
                    ));
                    break None;
                }
                Depth::Unknown => {
                    depth[at] = Depth::Walking;
                    walk.push(at);
                    match parent[at] {
                        Some(p) => at = p,
                        None => break Some(0),
                    }
                }
            }
        };
        // Settle the walk from the top down.
        for (k, &task) in walk.iter().rev().enumerate() {
            depth[task] = match base {
                Some(d) => Depth::Known(d + k + 1),
                None => Depth::Looping,
            };
            if depth[task] == Depth::Known(MAX_DEPTH + 1) {
                let mut chain = vec![task];
                let mut up = task;
                while let Some(p) = parent[up] {
                    chain.push(p);
                    up = p;
                }
                chain.reverse();
                let names: Vec<&str> = chain.iter().map(|&i| graph.ids[i].as_str()).collect();
                issues.push(Issue::error(
                    IssueKind::TooDeep,
                    format!(
                        "{} is nested {} levels deep ({}); at most {MAX_DEPTH} levels are allowed",
                        graph.ids[task],
                        MAX_DEPTH + 1,
                        names.join(" > ")
                    ),
                    chain.iter().map(|&i| graph.ids[i].clone()).collect(),
                ));
            }
        }
    }
}

/// Warns when more than [`MAX_PARALLEL_START`] tasks have no dependencies (dependencies on
/// missing tasks and on themselves do not count, as in [`PlanGraph`]).
fn check_roots(graph: &PlanGraph, issues: &mut Vec<Issue>) {
    let roots: Vec<TaskId> =
        (0..graph.len()).filter(|&i| graph.deps[i].is_empty()).map(|i| graph.ids[i].clone()).collect();
    if roots.len() > MAX_PARALLEL_START {
        issues.push(Issue::warning(
            IssueKind::TooManyRoots,
            format!(
                "{} tasks have no dependencies and would all start at once (more than {MAX_PARALLEL_START}); \
                 consider grouping them or ordering them with dependencies",
                roots.len()
            ),
            roots,
        ));
    }
}

/// Warns about unknown ids and broken links in the plan's stated critical path.
fn check_critical_path(plan: &Plan, graph: &PlanGraph, issues: &mut Vec<Issue>) {
    let path = &plan.critical_path;
    for id in path {
        if graph.index_of(id).is_none() {
            issues.push(Issue::warning(
                IssueKind::CriticalPathMismatch,
                format!("the critical path mentions {id}, which is not in the plan"),
                vec![id.clone()],
            ));
        }
    }
    // (dependency, task) pairs: a lookup per link, however long the path.
    let links: HashSet<(usize, usize)> = if path.len() < 2 {
        HashSet::new()
    } else {
        graph.deps.iter().enumerate().flat_map(|(task, deps)| deps.iter().map(move |&dep| (dep, task))).collect()
    };
    for pair in path.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if let (Some(ai), Some(bi)) = (graph.index_of(a), graph.index_of(b)) {
            if !links.contains(&(ai, bi)) {
                issues.push(Issue::warning(
                    IssueKind::CriticalPathMismatch,
                    format!("the critical path link {a} -> {b} is broken: {b} does not depend on {a}"),
                    vec![a.clone(), b.clone()],
                ));
            }
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::plan::critical_path::critical_path;
    use crate::plan::limits::{MAX_DEPENDENCIES, MAX_TASKS};
    use crate::plan::parse::parse_plan;
    use crate::plan::Task;
    use proptest::prelude::*;
    use proptest::sample::Index;

    fn plan(tasks: Vec<Task>) -> Plan {
        Plan { tasks, critical_path: vec![] }
    }

    fn child(id: &str, parent: &str) -> Task {
        Task { parent: Some(parent.to_string()), ..Task::new(id, id, &[]) }
    }

    fn kinds(issues: &[Issue]) -> Vec<IssueKind> {
        issues.iter().map(|i| i.kind).collect()
    }

    /// Checks that `cycle` is a real dependency cycle of `plan`: each task depends on the previous
    /// one and the first on the last, with no task repeated.
    fn assert_real_cycle(plan: &Plan, cycle: &[TaskId]) {
        assert!(cycle.len() >= 2, "{cycle:?}");
        for (k, id) in cycle.iter().enumerate() {
            assert!(!cycle[..k].contains(id), "repeated {id} in {cycle:?}");
            let previous = &cycle[(k + cycle.len() - 1) % cycle.len()];
            let task = plan.task(id).expect("cycle task in plan");
            assert!(task.depends_on.contains(previous), "{id} does not depend on {previous} in {cycle:?}");
        }
    }

    #[test]
    fn valid_plan_has_no_issues() {
        let mut p = plan(vec![
            Task::new("T1", "a", &[]),
            Task::new("T2", "b", &["T1"]),
            child("T3", "T2"),
            Task::new("T4", "d", &["T2", "T3"]),
        ]);
        p.critical_path = vec!["T1".into(), "T2".into(), "T4".into()];
        assert_eq!(validate(&p), vec![]);
    }

    #[test]
    fn empty_plan() {
        let issues = validate(&Plan::default());
        assert_eq!(kinds(&issues), [IssueKind::EmptyPlan]);
        assert!(has_errors(&issues));
    }

    #[test]
    fn ids_and_dependencies() {
        let issues = validate(&plan(vec![
            Task::new("T1", "a", &[]),
            Task::new("T1", "again", &[]),
            Task::new(" ", "blank", &[]),
            Task::new("T3", "c", &["T9", "T3", "T9", "T1"]),
            Task::new("T1", "third", &[]),
        ]));
        let messages: Vec<&str> = issues.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "task #3 (\"blank\") has an empty id",
                "id T1 is used by 3 tasks (#1, #2, #5)",
                "T3 depends on T9, which is not in the plan",
                "T3 depends on itself",
            ]
        );
        assert_eq!(
            kinds(&issues),
            [IssueKind::EmptyId, IssueKind::DuplicateId, IssueKind::MissingDependency, IssueKind::SelfDependency]
        );
        assert_eq!(issues[2].tasks, ["T3", "T9"]);
        assert!(issues.iter().all(|i| i.severity == Severity::Error));
    }

    #[test]
    fn reports_each_cycle_once() {
        let p = plan(vec![
            Task::new("T1", "a", &["T3"]),
            Task::new("T2", "b", &["T1"]),
            Task::new("T3", "c", &["T2", "T1"]),
            Task::new("T4", "d", &["T3"]),
            Task::new("T5", "e", &["T6"]),
            Task::new("T6", "f", &["T5"]),
        ]);
        let issues = validate(&p);
        let cycles: Vec<&Issue> = issues.iter().filter(|i| i.kind == IssueKind::Cycle).collect();
        assert_eq!(cycles.len(), 2, "{issues:?}");
        let mut messages: Vec<&str> = cycles.iter().map(|i| i.message.split(" (").next().unwrap()).collect();
        messages.sort();
        // The shortest cycle through the earliest task.
        assert_eq!(messages, ["cycle: T1 -> T3 -> T1", "cycle: T5 -> T6 -> T5"]);
        for cycle in cycles {
            assert_real_cycle(&p, &cycle.tasks);
        }
    }

    #[test]
    fn long_cycle_does_not_overflow() {
        let n = MAX_TASKS;
        let tasks = (0..n).map(|i| Task::new(&format!("T{i}"), "t", &[&format!("T{}", (i + n - 1) % n)])).collect();
        let p = plan(tasks);
        let issues = validate(&p);
        assert_eq!(kinds(&issues), [IssueKind::Cycle]);
        assert_eq!(issues[0].tasks.len(), n);
        assert_eq!(issues[0].tasks[0], "T0");
    }

    #[test]
    fn each_of_many_small_cycles_is_reported() {
        let tasks = (0..MAX_TASKS / 2)
            .flat_map(|i| {
                [
                    Task::new(&format!("A{i}"), "a", &[&format!("B{i}")]),
                    Task::new(&format!("B{i}"), "b", &[&format!("A{i}")]),
                ]
            })
            .collect();
        let issues = validate(&plan(tasks));
        assert_eq!(issues.len(), MAX_TASKS / 2);
        assert!(issues.iter().all(|issue| issue.kind == IssueKind::Cycle && issue.tasks.len() == 2));
    }

    #[test]
    fn plans_over_the_limits_get_that_error_only() {
        let chain = |n: usize| -> Vec<Task> {
            (0..n).map(|i| Task::new(&format!("T{i}"), "t", &[&format!("T{}", i.saturating_sub(1))])).collect()
        };
        let issues = validate(&plan(chain(MAX_TASKS + 1)));
        assert_eq!(kinds(&issues), [IssueKind::TooLarge]);
        assert_eq!(issues[0].message, "This plan has 10,001 tasks; Planwright runs at most 10,000.");
        assert!(has_errors(&issues));
        let mut tasks = chain(MAX_TASKS);
        tasks[1].depends_on = vec!["T0".to_string(); MAX_DEPENDENCIES - MAX_TASKS + 2];
        let issues = validate(&plan(tasks));
        assert_eq!(kinds(&issues), [IssueKind::TooLarge]);
        assert_eq!(issues[0].message, "This plan has 100,001 dependencies; Planwright runs at most 100,000.");
    }

    #[test]
    fn hierarchy_depth_and_parents() {
        let issues = validate(&plan(vec![
            Task::new("A", "a", &[]),
            child("B", "A"),
            child("C", "B"),
            child("D", "C"),
            child("E", "D"),
            child("F", "E"),
            child("G", "Z"),
        ]));
        assert_eq!(kinds(&issues), [IssueKind::UnknownParent, IssueKind::TooDeep]);
        assert_eq!(issues[0].message, "the parent of G is Z, which is not in the plan");
        assert_eq!(issues[1].message, "E is nested 5 levels deep (A > B > C > D > E); at most 4 levels are allowed");
        assert_eq!(issues[1].tasks, ["A", "B", "C", "D", "E"]);

        let four = validate(&plan(vec![Task::new("A", "a", &[]), child("B", "A"), child("C", "B"), child("D", "C")]));
        assert_eq!(four, vec![]);
    }

    #[test]
    fn parent_loops_terminate() {
        let issues =
            validate(&plan(vec![child("A", "C"), child("B", "A"), child("C", "B"), child("D", "C"), child("S", "S")]));
        let messages: Vec<&str> = issues.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(
            messages,
            ["the parents form a loop: A -> B -> C -> A (each task is the parent of the next)", "S is its own parent"]
        );
        assert_eq!(issues[0].tasks, ["A", "B", "C"]);
        assert!(issues.iter().all(|i| i.kind == IssueKind::TooDeep));
    }

    #[test]
    fn too_many_roots_is_a_warning() {
        let tasks = |n: usize| (0..n).map(|i| Task::new(&format!("T{i}"), "t", &[])).collect::<Vec<_>>();
        assert_eq!(validate(&plan(tasks(MAX_PARALLEL_START))), vec![]);
        let issues = validate(&plan(tasks(MAX_PARALLEL_START + 1)));
        assert_eq!(kinds(&issues), [IssueKind::TooManyRoots]);
        assert_eq!(issues[0].severity, Severity::Warning);
        assert_eq!(issues[0].tasks.len(), MAX_PARALLEL_START + 1);
        assert!(issues[0].message.starts_with("11 tasks have no dependencies"));
        assert!(!has_errors(&issues));
    }

    #[test]
    fn critical_path_mismatch() {
        let mut p = plan(vec![Task::new("T1", "a", &[]), Task::new("T2", "b", &["T1"]), Task::new("T3", "c", &["T1"])]);
        p.critical_path = vec!["T1".into(), "T2".into(), "T3".into(), "T9".into()];
        let issues = validate(&p);
        let messages: Vec<&str> = issues.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "the critical path mentions T9, which is not in the plan",
                "the critical path link T2 -> T3 is broken: T3 does not depend on T2",
            ]
        );
        assert!(issues.iter().all(|i| i.kind == IssueKind::CriticalPathMismatch && i.severity == Severity::Warning));
    }

    #[test]
    fn issues_serialize() {
        let issue = Issue::error(IssueKind::Cycle, "cycle: A -> B -> A".into(), vec!["A".into(), "B".into()]);
        let json = serde_json::to_string(&issue).unwrap();
        assert_eq!(serde_json::from_str::<Issue>(&json).unwrap(), issue);
    }

    /// A random acyclic plan `T0..Tn`: dependencies point only to lower indices, parents too (and
    /// never deeper than [`MAX_DEPTH`]); the stated critical path is the computed one.
    fn acyclic_plan() -> impl Strategy<Value = Plan> {
        let task = (
            prop::collection::vec(any::<Index>(), 0..4),
            prop::option::weighted(0.3, any::<Index>()),
            "[ -~]{0,12}",
            "\\PC{0,20}",
            any::<bool>(),
            prop::option::of("[a-z]{0,8}"),
        );
        prop::collection::vec(task, 1..30).prop_map(|specs| {
            let mut depth = Vec::new();
            let mut tasks: Vec<Task> = Vec::new();
            for (i, (deps, parent, name, description, can_parallelize, kind)) in specs.into_iter().enumerate() {
                let mut task = Task::new(&format!("T{i}"), &name, &[]);
                task.description = description;
                task.can_parallelize = can_parallelize;
                task.kind = kind;
                if i > 0 {
                    task.depends_on = deps.iter().map(|d| format!("T{}", d.index(i))).collect();
                }
                let parent = parent.map(|p| p.index(i.max(1))).filter(|&p| p < i && depth[p] < MAX_DEPTH);
                depth.push(parent.map_or(1, |p| depth[p] + 1));
                task.parent = parent.map(|p| format!("T{p}"));
                tasks.push(task);
            }
            let mut p = Plan { tasks, critical_path: vec![] };
            p.critical_path = critical_path(&p);
            p
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn acyclic_plans_have_no_errors(p in acyclic_plan()) {
            let issues = validate(&p);
            prop_assert!(!has_errors(&issues), "{:?}", issues);
            prop_assert!(issues.iter().all(|i| i.kind == IssueKind::TooManyRoots), "{:?}", issues);
        }

        #[test]
        fn injected_cycle_is_reported(p in acyclic_plan(), a in any::<Index>(), b in any::<Index>()) {
            prop_assume!(p.tasks.len() >= 2);
            let mut p = p;
            let n = p.tasks.len();
            let (a, b) = (a.index(n), b.index(n));
            let (low, high) = if a == b { (0, n - 1) } else { (a.min(b), a.max(b)) };
            // Make sure `high` is reachable from `low`, then close the loop.
            let (low_id, high_id) = (format!("T{low}"), format!("T{high}"));
            if !p.tasks[high].depends_on.contains(&low_id) && a % 2 == 0 {
                p.tasks[high].depends_on.push(low_id.clone());
            }
            let graph = PlanGraph::new(&p);
            let reachable = graph.transitive_dependents(low).contains(&high);
            if !reachable {
                p.tasks[high].depends_on.push(low_id);
            }
            p.tasks[low].depends_on.push(high_id);

            let issues = validate(&p);
            let cycles: Vec<&Issue> = issues.iter().filter(|i| i.kind == IssueKind::Cycle).collect();
            prop_assert_eq!(cycles.len(), 1, "{:?}", issues);
            prop_assert!(issues.iter().filter(|i| i.severity == Severity::Error).all(|i| i.kind == IssueKind::Cycle));
            assert_real_cycle(&p, &cycles[0].tasks);
            let mut shown: Vec<&str> = cycles[0].tasks.iter().map(String::as_str).collect();
            shown.push(&cycles[0].tasks[0]);
            let expected = format!("cycle: {} (", shown.join(" -> "));
            prop_assert!(cycles[0].message.starts_with(&expected), "{}", cycles[0].message);
            prop_assert!(critical_path(&p).is_empty());
        }

        #[test]
        fn parse_round_trips(p in acyclic_plan(), prose in "[A-Za-z ,.:!']{0,40}", fence in 0..4usize) {
            let json = serde_json::to_string(&p).unwrap();
            let text = match fence {
                0 => json,
                1 => format!("{prose}\n```json\n{json}\n```\n{prose}"),
                2 => format!("{prose}\n~~~\n{}\n~~~", serde_json::to_string_pretty(&p).unwrap()),
                _ => format!("{prose} {json} {prose}"),
            };
            prop_assert_eq!(parse_plan(&text), Ok(p));
        }
    }
}
