//! Forking a stopped run at one task: a new run that keeps every result the change cannot reach and
//! runs again only the task and what depends on it. Pure; the parent run is only read.
//!
//! The forked task may get a new description and type, or a pinned output (typed by hand: the task
//! is then completed with it and sends no request). A task is re-run when it is the forked task, a
//! transitive dependent of a re-run task, a subtask of one, or the parent of one (a parent's result
//! summarises its subtasks). Every other task keeps its state when it had finished (completed,
//! skipped, failed or blocked, with results and usage); one that had not finished (a cancelled run)
//! starts afresh.

use std::collections::{HashMap, VecDeque};

use super::run::Run;
use super::state::{TaskState, TaskStatus};
use crate::plan::{Plan, TaskId};

/// What the user asks of a fork.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForkSpec {
    /// The task to fork at.
    pub task: TaskId,
    /// Its description (the prompt's instructions) in the fork.
    pub description: String,
    /// Its type in the fork (selects its tools).
    pub kind: Option<String>,
    /// Its own model in the fork (`None`: its type's model, else the provider's).
    pub model: Option<String>,
    /// A result typed by hand: the task is completed with it and sends no request.
    pub pinned_output: Option<String>,
}

/// A fork ready to start.
#[derive(Debug, Clone)]
pub struct Fork {
    /// The new run (nothing started yet): kept tasks done, the others pending.
    pub run: Run,
    /// Its plan (the parent's, with the forked task edited).
    pub plan: Plan,
    /// The states the fork starts from: the kept tasks and a pinned task (save them before starting).
    pub seeded: Vec<(TaskId, TaskState)>,
    /// Tasks that run again, in plan order (a pinned task is not among them).
    pub rerun: Vec<TaskId>,
}

impl Run {
    /// A fork of this run at `spec.task` (at driver time `now_ms`), or why there can be none — the
    /// same words as [`TaskActions::why_not`](super::TaskActions).
    pub fn fork(&self, spec: &ForkSpec, now_ms: f64) -> Result<Fork, String> {
        let Some(at) = self.topo.index_of(&spec.task) else { return Err(format!("there is no task {}", spec.task)) };
        if let Some(why) = self.task_actions(&spec.task).and_then(|a| a.why_not.fork) {
            return Err(why);
        }
        let affected = self.affected_by(at);
        let mut plan = self.plan();
        plan.tasks[at].description.clone_from(&spec.description);
        plan.tasks[at].kind.clone_from(&spec.kind);
        plan.tasks[at].model.clone_from(&spec.model);
        let mut seeded = Vec::new();
        let mut rerun = Vec::new();
        for (i, task) in self.topo.tasks.iter().enumerate() {
            if i == at && spec.pinned_output.is_some() {
                let pinned = TaskState {
                    status: TaskStatus::Completed,
                    result: spec.pinned_output.clone(),
                    finished_at_ms: Some(now_ms),
                    ..TaskState::default()
                };
                seeded.push((task.id.clone(), pinned));
            } else if affected[i] {
                rerun.push(task.id.clone());
            } else if self.states[i].status.is_terminal() {
                seeded.push((task.id.clone(), self.states[i].clone()));
            }
        }
        let states: HashMap<TaskId, TaskState> = seeded.iter().cloned().collect();
        let run = Run::restore(&self.goal, plan.clone(), self.config.clone(), &states);
        Ok(Fork { run, plan, seeded, rerun })
    }

    /// Which tasks a change to task `at` reaches: itself, its transitive dependents, the subtasks
    /// of those, and the parents of any of them (which then reach their own dependents).
    fn affected_by(&self, at: usize) -> Vec<bool> {
        let n = self.topo.len();
        // `whole[i]`: i re-runs with its subtasks; `summary[i]`: i only re-summarises its subtasks.
        let (mut whole, mut summary) = (vec![false; n], vec![false; n]);
        let mut queue = VecDeque::from([(at, true)]);
        while let Some((i, all)) = queue.pop_front() {
            let seen = if all { &mut whole[i] } else { &mut summary[i] };
            if std::mem::replace(seen, true) {
                continue;
            }
            queue.extend(self.topo.dependents[i].iter().map(|&d| (d, true)));
            if all {
                queue.extend(self.topo.children[i].iter().map(|&c| (c, true)));
            }
            queue.extend(self.topo.parent[i].map(|p| (p, false)));
        }
        whole.iter().zip(&summary).map(|(a, b)| *a || *b).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Command, Event, RunConfig, RunStatus, TaskError};
    use crate::plan::Task;

    /// T1 → (T2, T3) → T4, T5 alone; T3 failed (T4 blocked), the others completed.
    fn failed_run() -> Run {
        let mut plan = crate::plan::test_plans::diamond();
        plan.tasks.push(Task::new("T5", "e", &[]));
        let mut run = Run::new("g", plan, RunConfig { max_attempts: 1, ..RunConfig::default() });
        run.handle(Event::Start, 0.0);
        for (task, now) in [("T1", 1.0), ("T5", 2.0), ("T2", 3.0)] {
            run.handle(Event::UsageReported { task: task.into(), usage: usage(7) }, now);
            run.handle(Event::TaskSucceeded { task: task.into(), attempt: 1, output: format!("out {task}") }, now);
        }
        let error = TaskError::permanent("HTTP 400");
        run.handle(Event::TaskFailed { task: "T3".into(), attempt: 1, error }, 4.0);
        assert_eq!(run.status(), RunStatus::Finished);
        run
    }

    fn usage(tokens: u64) -> crate::engine::TaskUsage {
        crate::engine::TaskUsage { calls: 1, prompt_tokens: tokens, ..Default::default() }
    }

    fn spec(run: &Run, task: &str) -> ForkSpec {
        let t = run.plan().task(task).cloned().unwrap();
        ForkSpec { task: t.id, description: t.description, kind: t.kind, model: t.model, pinned_output: None }
    }

    fn dispatched(commands: &[Command]) -> Vec<&str> {
        commands
            .iter()
            .filter_map(|c| match c {
                Command::Dispatch(r) => Some(r.task_id.as_str()),
                _ => None,
            })
            .collect()
    }

    fn ids(list: &[(TaskId, TaskState)]) -> Vec<&str> {
        list.iter().map(|(id, _)| id.as_str()).collect()
    }

    #[test]
    fn a_fork_from_a_failed_task_reruns_it_and_its_dependents_and_keeps_the_rest() {
        let parent = failed_run();
        let before: Vec<(TaskId, TaskState)> = parent.task_states().map(|(i, s)| (i.clone(), s.clone())).collect();
        let plan_before = parent.plan();
        let mut edited = spec(&parent, "T3");
        edited.description = "Analyse B, carefully".into();
        edited.kind = Some("analysis".into());
        edited.model = Some("strong-model".into());
        let mut fork = parent.fork(&edited, 10.0).unwrap();
        assert_eq!(fork.rerun, ["T3", "T4"]);
        assert_eq!(ids(&fork.seeded), ["T1", "T2", "T5"]);
        for (id, state) in &fork.seeded {
            assert_eq!(Some(state), parent.state(id), "{id} is kept with its result and usage");
        }
        assert_eq!(fork.run.state("T2").unwrap().usage.prompt_tokens, 7);
        assert_eq!(fork.run.state("T3").unwrap(), &TaskState::default());
        assert_eq!(fork.run.state("T4").unwrap(), &TaskState::default());
        let t3 = fork.plan.task("T3").unwrap();
        assert_eq!((t3.description.as_str(), t3.kind.as_deref()), ("Analyse B, carefully", Some("analysis")));
        assert_eq!(t3.model.as_deref(), Some("strong-model"), "the fork gives the task its own model");
        assert_eq!(parent.plan().task("T3").unwrap().model, None, "the parent's task keeps its model");
        let after: Vec<(TaskId, TaskState)> = parent.task_states().map(|(i, s)| (i.clone(), s.clone())).collect();
        assert_eq!(before, after, "the parent run is untouched");
        assert_eq!(parent.plan(), plan_before);

        let commands = fork.run.handle(Event::Start, 11.0);
        assert_eq!(dispatched(&commands), ["T3"], "only the forked task starts; kept ones send nothing");
        let request = commands.iter().find_map(|c| if let Command::Dispatch(r) = c { Some(r) } else { None }).unwrap();
        assert_eq!(request.description, "Analyse B, carefully");
        assert_eq!(request.model.as_deref(), Some("strong-model"), "the re-run asks with the forked model");
        assert_eq!(request.dependency_results[0].result, "out T1", "a re-run task sees the kept results");
        let done = fork.run.handle(Event::TaskSucceeded { task: "T3".into(), attempt: 1, output: "new".into() }, 12.0);
        assert_eq!(dispatched(&done), ["T4"]);
    }

    #[test]
    fn a_pinned_output_completes_the_task_without_a_request() {
        let parent = failed_run();
        let pinned = ForkSpec { pinned_output: Some("typed by hand".into()), ..spec(&parent, "T3") };
        let mut fork = parent.fork(&pinned, 10.0).unwrap();
        assert_eq!(fork.rerun, ["T4"]);
        assert_eq!(ids(&fork.seeded), ["T1", "T2", "T3", "T5"]);
        let t3 = fork.run.state("T3").unwrap();
        assert_eq!((t3.status, t3.result.as_deref(), t3.attempts), (TaskStatus::Completed, Some("typed by hand"), 0));
        let commands = fork.run.handle(Event::Start, 11.0);
        assert_eq!(dispatched(&commands), ["T4"]);
        let request = commands.iter().find_map(|c| if let Command::Dispatch(r) = c { Some(r) } else { None }).unwrap();
        assert!(request.dependency_results.iter().any(|d| d.id == "T3" && d.result == "typed by hand"));
    }

    #[test]
    fn a_fork_is_refused_while_the_run_is_running_and_at_a_task_with_subtasks() {
        let mut running =
            Run::new("g", Plan { tasks: vec![Task::new("T1", "a", &[])], critical_path: vec![] }, RunConfig::default());
        running.handle(Event::Start, 0.0);
        let why = running.fork(&spec(&running, "T1"), 1.0).unwrap_err();
        assert_eq!(why, running.task_actions("T1").unwrap().why_not.fork.unwrap());
        assert!(why.contains("this one is running"), "{why}");
        let parent = failed_run();
        assert_eq!(
            parent.fork(&ForkSpec { task: "T9".into(), ..spec(&parent, "T1") }, 1.0).unwrap_err(),
            "there is no task T9"
        );
    }

    #[test]
    fn a_subtask_fork_reruns_its_parent_and_the_parents_dependents_but_not_its_siblings() {
        let plan = Plan {
            tasks: vec![
                Task::new("P", "p", &[]),
                Task::subtask("P1", "P", &[]),
                Task::subtask("P2", "P", &["P1"]),
                Task::subtask("P3", "P", &[]),
                Task::new("Q", "q", &["P"]),
                Task::new("R", "r", &[]),
            ],
            critical_path: vec![],
        };
        let mut run = Run::new("g", plan, RunConfig::default());
        let mut commands = run.handle(Event::Start, 0.0);
        // Complete whatever is dispatched until the run finishes.
        loop {
            let started: Vec<String> = dispatched(&commands).iter().map(|t| t.to_string()).collect();
            if started.is_empty() {
                break;
            }
            commands = started
                .into_iter()
                .flat_map(|t| run.handle(Event::TaskSucceeded { task: t.clone(), attempt: 1, output: t }, 1.0))
                .collect();
        }
        assert_eq!(run.status(), RunStatus::Finished);
        let mut fork = run.fork(&spec(&run, "P1"), 2.0).unwrap();
        assert_eq!(fork.rerun, ["P", "P1", "P2", "Q"]);
        assert_eq!(ids(&fork.seeded), ["P3", "R"]);
        let commands = fork.run.handle(Event::Start, 3.0);
        assert_eq!(dispatched(&commands), ["P1"], "the parent reopens and only the forked subtask starts");
    }
}
