//! The plan as drawn when some expanded tasks are collapsed: their subtasks are hidden and the
//! dependencies that touched them are drawn on the collapsed task instead.

use std::collections::{HashMap, HashSet};

use super::model::{Plan, TaskId};

/// Ids of the subtasks of `id` at every depth: its children in plan order, then theirs, and so on
/// (linear time: a task with 10,000 subtasks is fine).
pub fn descendants(plan: &Plan, id: &str) -> Vec<TaskId> {
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for task in &plan.tasks {
        if let Some(parent) = task.parent.as_deref() {
            children.entry(parent).or_default().push(&task.id);
        }
    }
    // Breadth first: `id`, then every task found, in the order found.
    let mut seen: HashSet<&str> = HashSet::from([id]);
    let mut queue = vec![id];
    let mut k = 0;
    while k < queue.len() {
        for &child in children.get(queue[k]).into_iter().flatten() {
            if seen.insert(child) {
                queue.push(child);
            }
        }
        k += 1;
    }
    queue[1..].iter().map(|id| id.to_string()).collect()
}

/// `plan` without the subtasks of the tasks in `collapsed` (at any depth). A dependency on a hidden
/// task becomes a dependency on its collapsed ancestor; dependencies of hidden tasks are dropped
/// (the collapsed parent's own dependencies stand for them); self-dependencies and repeats go.
pub fn collapsed_view(plan: &Plan, collapsed: &HashSet<TaskId>) -> Plan {
    let mut shown_as: HashMap<TaskId, TaskId> = HashMap::new();
    for id in collapsed {
        if plan.task(id).is_none() || shown_as.contains_key(id) {
            continue;
        }
        for hidden in descendants(plan, id) {
            shown_as.insert(hidden, id.clone());
        }
    }
    // A collapsed task inside another collapsed one is itself hidden: follow the chain to the top.
    let visible = |id: &TaskId| {
        let mut current = id.clone();
        let mut steps = 0;
        while let Some(up) = shown_as.get(&current) {
            current = up.clone();
            steps += 1;
            if steps > plan.tasks.len() {
                break;
            }
        }
        current
    };
    let mut view = plan.clone();
    view.tasks.retain(|t| !shown_as.contains_key(&t.id));
    for task in &mut view.tasks {
        let mut deps: Vec<TaskId> = Vec::new();
        for dep in task.depends_on.iter().map(&visible) {
            if dep != task.id && !deps.contains(&dep) {
                deps.push(dep);
            }
        }
        task.depends_on = deps;
    }
    view.critical_path.retain(|c| !shown_as.contains_key(c));
    view
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::plan::model::Task;

    /// A plan where B has subtasks B.1 and B.2, and B.2 has B.2.1 (also used by the cluster tests).
    pub(crate) fn sample() -> Plan {
        Plan {
            tasks: vec![
                Task::new("A", "a", &[]),
                Task::new("B", "b", &["A"]),
                Task::subtask("B.1", "B", &["A"]),
                Task::subtask("B.2", "B", &["B.1"]),
                Task::subtask("B.2.1", "B.2", &[]),
                Task::new("C", "c", &["B.2", "B.2.1", "B"]),
            ],
            critical_path: vec!["A".into(), "B.1".into(), "C".into()],
        }
    }

    #[test]
    fn descendants_are_found_at_every_depth() {
        assert_eq!(descendants(&sample(), "B"), ["B.1", "B.2", "B.2.1"]);
        assert!(descendants(&sample(), "A").is_empty());
    }

    #[test]
    fn descendants_of_a_loop_of_parents_and_of_a_wide_parent_end() {
        // A loop of parents (an invalid plan) ends; repeats are listed once.
        let looped = Plan {
            tasks: vec![Task::subtask("X", "Y", &[]), Task::subtask("Y", "X", &[]), Task::subtask("Y", "X", &[])],
            critical_path: Vec::new(),
        };
        assert_eq!(descendants(&looped, "X"), ["Y"]);
        // 20,000 subtasks in two levels, in plan order level by level.
        let mut wide = Plan { tasks: vec![Task::new("P", "P", &[])], critical_path: Vec::new() };
        for i in 0..10_000 {
            wide.tasks.push(Task::subtask(&format!("c{i}"), "P", &[]));
            wide.tasks.push(Task::subtask(&format!("g{i}"), &format!("c{i}"), &[]));
        }
        let found = descendants(&wide, "P");
        assert_eq!(found.len(), 20_000);
        assert_eq!((found[0].as_str(), found[9_999].as_str(), found[10_000].as_str()), ("c0", "c9999", "g0"));
    }

    #[test]
    fn collapsing_hides_subtasks_and_moves_their_edges_to_the_parent() {
        let view = collapsed_view(&sample(), &HashSet::from(["B".to_string()]));
        let ids: Vec<&str> = view.tasks.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["A", "B", "C"]);
        assert_eq!(view.task("C").unwrap().depends_on, ["B"], "three edges into B's cluster become one");
        assert_eq!(view.critical_path, ["A", "C"]);
        assert!(crate::plan::validate::validate(&view)
            .iter()
            .all(|i| i.severity != crate::plan::validate::Severity::Error));
    }

    #[test]
    fn a_collapsed_task_inside_another_collapsed_one_is_hidden_too() {
        let inner = collapsed_view(&sample(), &HashSet::from(["B.2".to_string()]));
        assert!(inner.task("B.2.1").is_none() && inner.task("B.1").is_some());
        assert_eq!(inner.task("C").unwrap().depends_on, ["B.2", "B"]);
        let both = collapsed_view(&sample(), &HashSet::from(["B.2".to_string(), "B".to_string()]));
        assert_eq!(both.tasks.len(), 3);
        assert_eq!(both.task("C").unwrap().depends_on, ["B"]);
        assert_eq!(collapsed_view(&sample(), &HashSet::new()), sample());
    }
}
