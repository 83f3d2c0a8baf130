//! The run's task graph, built incrementally: tasks can arrive one by one (streamed plans,
//! expansions, re-plans) and dependencies on ids not seen yet wait for them.

use std::collections::HashMap;

use crate::plan::{Task, TaskId};

/// Tasks by arrival index with dependency, dependent, parent and child links.
#[derive(Debug, Clone, Default)]
pub struct Topology {
    /// Tasks by index, as they arrived.
    pub tasks: Vec<Task>,
    index: HashMap<TaskId, usize>,
    /// `deps[i]`: known tasks `i` depends on.
    pub deps: Vec<Vec<usize>>,
    /// `dependents[i]`: known tasks that depend on `i`.
    pub dependents: Vec<Vec<usize>>,
    /// `parent[i]`: the task `i` is a subtask of.
    pub parent: Vec<Option<usize>>,
    /// `children[i]`: subtasks of `i`.
    pub children: Vec<Vec<usize>>,
    /// Tasks waiting for a dependency id that has not arrived, by that id.
    unknown_deps: HashMap<TaskId, Vec<usize>>,
    /// Tasks waiting for a parent id that has not arrived, by that id.
    unknown_parents: HashMap<TaskId, Vec<usize>>,
}

/// What adding a task linked up.
#[derive(Debug, Default)]
pub struct Added {
    /// Index of the new task (`None` when its id was already taken and it was ignored).
    pub index: Option<usize>,
    /// Tasks that had been waiting for this id as a dependency.
    pub resolved_dependents: Vec<usize>,
    /// Tasks that had been waiting for this id as their parent.
    pub resolved_children: Vec<usize>,
}

impl Topology {
    /// Number of tasks.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// True when there are no tasks.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Index of the task `id`.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Id of task `i`.
    pub fn id(&self, i: usize) -> &TaskId {
        &self.tasks[i].id
    }

    /// True when `i` has subtasks (it is never executed itself).
    pub fn is_composite(&self, i: usize) -> bool {
        !self.children[i].is_empty()
    }

    /// Hierarchy depth of `i` (a top-level task has depth 1).
    pub fn depth(&self, i: usize) -> usize {
        let mut depth = 1;
        let mut current = self.parent[i];
        while let Some(p) = current {
            depth += 1;
            current = self.parent[p];
            if depth > self.len() {
                break; // parent loop: validation reports it
            }
        }
        depth
    }

    /// Number of dependency ids of `i` that have not arrived yet.
    pub fn unknown_dep_count(&self, i: usize) -> usize {
        let task = &self.tasks[i];
        let mut unknown: Vec<&TaskId> =
            task.depends_on.iter().filter(|d| *d != &task.id && !self.index.contains_key(*d)).collect();
        crate::sort::sort(&mut unknown);
        unknown.dedup();
        unknown.len()
    }

    /// Ids some task depends on that never arrived.
    pub fn missing_ids(&self) -> Vec<TaskId> {
        let mut ids: Vec<TaskId> = self.unknown_deps.keys().chain(self.unknown_parents.keys()).cloned().collect();
        crate::sort::sort(&mut ids);
        ids.dedup();
        ids
    }

    /// Adds `task`, linking it to known tasks and resolving tasks that waited for its id.
    /// Self-dependencies and repeated dependency ids are ignored; a duplicate id is ignored whole.
    pub fn add(&mut self, task: Task) -> Added {
        if self.index.contains_key(&task.id) {
            return Added::default();
        }
        let i = self.tasks.len();
        self.index.insert(task.id.clone(), i);
        self.deps.push(Vec::new());
        self.dependents.push(Vec::new());
        self.parent.push(None);
        self.children.push(Vec::new());
        let mut seen = Vec::new();
        for dep in &task.depends_on {
            if dep == &task.id || seen.contains(dep) {
                continue;
            }
            seen.push(dep.clone());
            match self.index.get(dep) {
                Some(&j) => self.link(j, i),
                None => self.unknown_deps.entry(dep.clone()).or_default().push(i),
            }
        }
        if let Some(parent) = &task.parent {
            match self.index.get(parent) {
                Some(&p) if p != i => self.adopt(p, i),
                Some(_) => {}
                None => self.unknown_parents.entry(parent.clone()).or_default().push(i),
            }
        }
        let resolved_dependents = self.unknown_deps.remove(&task.id).unwrap_or_default();
        for &w in &resolved_dependents {
            self.link(i, w);
        }
        let resolved_children = self.unknown_parents.remove(&task.id).unwrap_or_default();
        for &c in &resolved_children {
            self.adopt(i, c);
        }
        self.tasks.push(task);
        Added { index: Some(i), resolved_dependents, resolved_children }
    }

    fn link(&mut self, dependency: usize, dependent: usize) {
        self.deps[dependent].push(dependency);
        self.dependents[dependency].push(dependent);
    }

    fn adopt(&mut self, parent: usize, child: usize) {
        self.parent[child] = Some(parent);
        self.children[parent].push(child);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn child(id: &str, parent: &str) -> Task {
        Task { parent: Some(parent.into()), ..Task::new(id, id, &[]) }
    }

    #[test]
    fn links_known_ids_and_resolves_late_ones() {
        let mut t = Topology::default();
        let b = t.add(Task::new("B", "b", &["A", "A", "B"])).index.unwrap();
        assert_eq!(t.unknown_dep_count(b), 1);
        assert_eq!(t.missing_ids(), vec!["A".to_string()]);
        let added = t.add(Task::new("A", "a", &[]));
        let a = added.index.unwrap();
        assert_eq!(added.resolved_dependents, vec![b]);
        assert_eq!((t.deps[b].clone(), t.dependents[a].clone()), (vec![a], vec![b]));
        assert!(t.missing_ids().is_empty());
        assert!(t.add(Task::new("A", "again", &[])).index.is_none());
    }

    #[test]
    fn tracks_hierarchy_and_depth() {
        let mut t = Topology::default();
        let c = t.add(child("C", "P")).index.unwrap();
        let p = t.add(child("P", "R")).index.unwrap();
        let r = t.add(Task::new("R", "r", &[])).index.unwrap();
        assert!(t.is_composite(p) && t.is_composite(r) && !t.is_composite(c));
        assert_eq!((t.depth(r), t.depth(p), t.depth(c)), (1, 2, 3));
    }
}
