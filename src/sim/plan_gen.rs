//! Seeded plans of varied shapes and sizes for the simulation.

use crate::engine::rng::SplitMix64;
use crate::plan::{Plan, Task};

/// The shapes the generator draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Each task depends on the one before.
    Chain,
    /// One root, many independent tasks, one task depending on them all.
    FanOutFanIn,
    /// Layers where each task depends on a few tasks of earlier layers.
    Layered,
    /// Independent tasks.
    Wide,
    /// A task with subtasks (one level of hierarchy) among ordinary tasks.
    Nested,
}

const SHAPES: [Shape; 5] = [Shape::Chain, Shape::FanOutFanIn, Shape::Layered, Shape::Wide, Shape::Nested];

fn task(id: String, depends_on: Vec<String>) -> Task {
    Task {
        name: format!("Step {id}"),
        description: format!("Do step {id}."),
        id,
        depends_on,
        can_parallelize: true,
        kind: None,
        parent: None,
        model: None,
    }
}

/// A valid plan of 1 to `max_tasks` tasks in a shape drawn by `rng`.
pub fn generate_plan(rng: &mut SplitMix64, max_tasks: usize) -> (Shape, Plan) {
    let shape = SHAPES[rng.next_below(SHAPES.len() as u64) as usize];
    let n = 1 + rng.next_below(max_tasks.max(1) as u64) as usize;
    let id = |i: usize| format!("T{}", i + 1);
    let tasks: Vec<Task> = match shape {
        Shape::Chain => (0..n).map(|i| task(id(i), if i == 0 { vec![] } else { vec![id(i - 1)] })).collect(),
        Shape::Wide => (0..n).map(|i| task(id(i), vec![])).collect(),
        Shape::FanOutFanIn => {
            let mut tasks = vec![task(id(0), vec![])];
            let middle = n.saturating_sub(2).max(1);
            tasks.extend((1..=middle).map(|i| task(id(i), vec![id(0)])));
            tasks.push(task(id(middle + 1), (1..=middle).map(id).collect()));
            tasks
        }
        Shape::Layered => (0..n)
            .map(|i| {
                let deps = if i < 2 {
                    vec![]
                } else {
                    let count = 1 + rng.next_below(3) as usize;
                    let mut deps: Vec<String> = (0..count).map(|_| id(rng.next_below(i as u64) as usize)).collect();
                    deps.sort();
                    deps.dedup();
                    deps
                };
                task(id(i), deps)
            })
            .collect(),
        Shape::Nested => {
            let children = 2 + rng.next_below(3) as usize;
            let mut tasks = vec![task(id(0), vec![]), task(id(1), vec![id(0)])];
            for c in 0..children {
                let mut sub = task(format!("T2.{}", c + 1), if c == 0 { vec![] } else { vec![format!("T2.{c}")] });
                sub.parent = Some(id(1));
                tasks.push(sub);
            }
            tasks.push(task(id(2), vec![id(1)]));
            tasks
        }
    };
    (shape, Plan { tasks, critical_path: Vec::new() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::validate::{has_errors, validate};

    #[test]
    fn every_generated_plan_is_valid() {
        let mut rng = SplitMix64::new(11);
        for _ in 0..500 {
            let (shape, plan) = generate_plan(&mut rng, 40);
            let issues = validate(&plan);
            assert!(!has_errors(&issues), "{shape:?}: {issues:?}");
        }
    }
}
