//! Hand edits of a plan before it runs: add and delete tasks, add and delete dependencies, change a
//! task's name, description or type. Each returns the edited plan or an [`EditError`] saying why the
//! edit makes no sense; an edit may leave the plan invalid (a cycle, say): validation then lists the
//! issue.

use super::collapse::descendants;
use super::edit::EditError;
use super::model::{Plan, Task, TaskId};

fn known(plan: &Plan, id: &str) -> Result<(), EditError> {
    plan.task(id).map(|_| ()).ok_or_else(|| EditError::UnknownTask { id: id.to_string() })
}

/// The first id `T<n>` (n = 1, 2, …) that `plan` does not use.
pub fn fresh_id(plan: &Plan) -> TaskId {
    (1..).map(|n| format!("T{n}")).find(|id| plan.task(id).is_none()).unwrap_or_default()
}

/// `plan` with a new task named `name` and no dependencies at the end; also returns its id.
pub fn with_new_task(plan: &Plan, name: &str) -> (Plan, TaskId) {
    let id = fresh_id(plan);
    let mut edited = plan.clone();
    edited.tasks.push(Task::new(&id, name, &[]));
    (edited, id)
}

/// `plan` without task `id` and its subtasks; dependencies on them and their place on the stated
/// critical path go too.
pub fn without_task(plan: &Plan, id: &str) -> Result<Plan, EditError> {
    known(plan, id)?;
    let mut gone = descendants(plan, id);
    gone.push(id.to_string());
    let mut edited = plan.clone();
    edited.tasks.retain(|t| !gone.contains(&t.id));
    for task in &mut edited.tasks {
        task.depends_on.retain(|d| !gone.contains(d));
    }
    edited.critical_path.retain(|c| !gone.contains(c));
    Ok(edited)
}

/// `plan` where task `task` also depends on `dependency`.
pub fn with_dependency(plan: &Plan, task: &str, dependency: &str) -> Result<Plan, EditError> {
    known(plan, task)?;
    known(plan, dependency)?;
    if task == dependency {
        return Err(EditError::SelfDependency { task: task.to_string() });
    }
    let mut edited = plan.clone();
    let target = edited.tasks.iter_mut().find(|t| t.id == task).expect("checked above");
    if target.depends_on.iter().any(|d| d == dependency) {
        return Err(EditError::AlreadyDependent { task: task.to_string(), dependency: dependency.to_string() });
    }
    target.depends_on.push(dependency.to_string());
    Ok(edited)
}

/// `plan` where task `task` no longer depends on `dependency`.
pub fn without_dependency(plan: &Plan, task: &str, dependency: &str) -> Result<Plan, EditError> {
    known(plan, task)?;
    let mut edited = plan.clone();
    let target = edited.tasks.iter_mut().find(|t| t.id == task).expect("checked above");
    let before = target.depends_on.len();
    target.depends_on.retain(|d| d != dependency);
    if target.depends_on.len() == before {
        return Err(EditError::NotDependent { task: task.to_string(), dependency: dependency.to_string() });
    }
    Ok(edited)
}

/// What a user can change about one task in the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskField {
    /// The short name (must not be blank).
    Name(String),
    /// The description sent to the LLM.
    Description(String),
    /// The task type (`None`: untyped), which selects its tools.
    Kind(Option<String>),
    /// The task's own model (`None`: its type's model or the provider's).
    Model(Option<String>),
}

/// `plan` with one field of task `id` changed.
pub fn with_field(plan: &Plan, id: &str, field: TaskField) -> Result<Plan, EditError> {
    known(plan, id)?;
    let mut edited = plan.clone();
    let task = edited.tasks.iter_mut().find(|t| t.id == id).expect("checked above");
    match field {
        TaskField::Name(name) if name.trim().is_empty() => return Err(EditError::BlankName { task: id.to_string() }),
        TaskField::Name(name) => task.name = name.trim().to_string(),
        TaskField::Description(text) => task.description = text,
        TaskField::Kind(kind) => task.kind = kind.filter(|k| !k.trim().is_empty()),
        TaskField::Model(model) => task.model = model.map(|m| m.trim().to_string()).filter(|m| !m.is_empty()),
    }
    Ok(edited)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::validate::{validate, IssueKind};

    fn sample() -> Plan {
        let mut plan = Plan {
            tasks: vec![Task::new("T1", "a", &[]), Task::new("T2", "b", &["T1"]), Task::new("T3", "c", &["T1", "T2"])],
            critical_path: vec!["T1".into(), "T2".into(), "T3".into()],
        };
        plan.tasks.push(Task { parent: Some("T2".into()), ..Task::new("T2.1", "sub", &[]) });
        plan.tasks.push(Task { parent: Some("T2.1".into()), ..Task::new("T2.1.1", "subsub", &["T1"]) });
        plan
    }

    #[test]
    fn a_new_task_gets_the_first_free_id() {
        let (plan, id) = with_new_task(&sample(), "New task");
        assert_eq!(id, "T4");
        assert_eq!(plan.tasks.last().unwrap().name, "New task");
        let gap = Plan { tasks: vec![Task::new("T2", "b", &[])], critical_path: vec![] };
        assert_eq!(fresh_id(&gap), "T1");
    }

    #[test]
    fn deleting_a_task_removes_its_subtasks_and_every_reference() {
        let plan = without_task(&sample(), "T2").unwrap();
        let ids: Vec<&str> = plan.tasks.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["T1", "T3"]);
        assert_eq!(plan.task("T3").unwrap().depends_on, ["T1"]);
        assert_eq!(plan.critical_path, ["T1", "T3"]);
        assert!(validate(&plan).is_empty(), "{:?}", validate(&plan));
        assert!(without_task(&plan, "T9").unwrap_err().to_string().contains("no task T9"));
    }

    #[test]
    fn dependencies_are_added_and_removed_and_a_cycle_is_left_to_validation() {
        let plan = with_dependency(&sample(), "T1", "T3").unwrap();
        assert!(validate(&plan).iter().any(|i| i.kind == IssueKind::Cycle));
        let back = without_dependency(&plan, "T1", "T3").unwrap();
        assert_eq!(back, sample());
        assert!(with_dependency(&sample(), "T2", "T2").unwrap_err().to_string().contains("itself"));
        assert!(with_dependency(&sample(), "T2", "T1").unwrap_err().to_string().contains("already"));
        assert!(with_dependency(&sample(), "T2", "T7").unwrap_err().to_string().contains("no task T7"));
        assert!(without_dependency(&sample(), "T1", "T2").unwrap_err().to_string().contains("does not depend"));
    }

    #[test]
    fn refusals_are_typed_and_say_why() {
        let cases = [
            (without_task(&sample(), "T9"), EditError::UnknownTask { id: "T9".into() }, "there is no task T9"),
            (
                with_dependency(&sample(), "T2", "T2"),
                EditError::SelfDependency { task: "T2".into() },
                "T2 cannot depend on itself",
            ),
            (
                with_dependency(&sample(), "T3", "T1"),
                EditError::AlreadyDependent { task: "T3".into(), dependency: "T1".into() },
                "T3 already depends on T1",
            ),
            (
                without_dependency(&sample(), "T2", "T3"),
                EditError::NotDependent { task: "T2".into(), dependency: "T3".into() },
                "T2 does not depend on T3",
            ),
            (
                with_field(&sample(), "T2.1", TaskField::Name("\t".into())),
                EditError::BlankName { task: "T2.1".into() },
                "T2.1 needs a name",
            ),
        ];
        for (result, error, message) in cases {
            assert_eq!(result.as_ref(), Err(&error));
            assert_eq!(error.to_string(), message);
        }
    }

    #[test]
    fn fields_change_and_a_blank_name_is_refused() {
        let plan = with_field(&sample(), "T1", TaskField::Name("  Scope  ".into())).unwrap();
        assert_eq!(plan.task("T1").unwrap().name, "Scope");
        let plan = with_field(&plan, "T1", TaskField::Description("why".into())).unwrap();
        assert_eq!(plan.task("T1").unwrap().description, "why");
        let plan = with_field(&plan, "T1", TaskField::Kind(Some("code".into()))).unwrap();
        assert_eq!(plan.task("T1").unwrap().kind.as_deref(), Some("code"));
        let plan = with_field(&plan, "T1", TaskField::Kind(Some(" ".into()))).unwrap();
        assert_eq!(plan.task("T1").unwrap().kind, None);
        assert!(with_field(&plan, "T1", TaskField::Name(" ".into())).unwrap_err().to_string().contains("needs a name"));
    }
}
