//! Editing the plan before it runs: every edit is validated at once, saved with the workflow, and can
//! be undone and redone.

use leptos::prelude::*;

use super::actions::{new_workflow, save_workflow};
use super::state::{AppState, Phase};
use crate::engine::RunStatus;
use crate::plan::edit::EditError;
use crate::plan::editor::{with_dependency, with_field, with_new_task, without_dependency, without_task, TaskField};
use crate::plan::validate::{has_errors, validate};
use crate::plan::Plan;

/// True while the shown plan may be edited: it has not started running and this tab owns it (tracked).
pub fn can_edit(state: &AppState) -> bool {
    state.plan.with(Option::is_some)
        && state.phase.get() == Phase::Ready
        && state.run_status.get() == RunStatus::Idle
        && state.read_only.with(Option::is_none)
}

/// Forgets the undo history (a new plan is shown).
pub fn forget_edits(state: &AppState) {
    state.undo.update_value(|h| h.clear());
    let _ = state.undo_depth.try_set((0, 0));
}

/// Applies `edit` to the shown plan and says whether it changed; a refused edit is explained and
/// changes nothing.
fn edit(state: AppState, edit: impl FnOnce(&Plan) -> Result<Plan, EditError>) -> bool {
    if !can_edit(&state) {
        state.error("The plan can only be edited before it runs.");
        return false;
    }
    let Some(before) = state.plan.get_untracked() else { return false };
    match edit(&before) {
        Ok(after) if after == before => false,
        Ok(after) => {
            state.undo.update_value(|h| h.record(before));
            show_edited(state, after);
            true
        }
        Err(error) => {
            state.error(format!("Edit refused: {error}."));
            false
        }
    }
}

/// Shows an edited plan with its issues and saves it with the workflow (a plan with errors is saved
/// too, so a reload keeps the edit; it cannot run until fixed).
fn show_edited(state: AppState, plan: Plan) {
    let issues = validate(&plan);
    let blocked = has_errors(&issues);
    state.issues.set(issues);
    state.plan.set(Some(plan.clone()));
    state.undo_depth.set(state.undo.with_value(|h| h.depth()));
    if state.selected.get_untracked().is_some_and(|id| plan.task(&id).is_none()) {
        state.selected.set(None);
    }
    if !blocked && state.notice.with_untracked(|n| n.as_ref().is_some_and(|n| n.is_error)) {
        state.notice.set(None);
    }
    if blocked && state.workflow_id.get_untracked().is_none() {
        return; // nothing saved yet: a plan that cannot run gets a workflow once it is fixed
    }
    let mut record = new_workflow(&state.plan_goal.get_untracked(), plan, &state);
    match state.workflow_id.get_untracked() {
        Some(id) => record.id = id,
        None => state.workflow_id.set(Some(record.id.clone())),
    }
    save_workflow(state, record);
}

/// Adds a task with no dependencies and selects it.
pub fn add_task(state: AppState) {
    let mut added = None;
    let applied = edit(state, |plan| {
        let (edited, id) = with_new_task(plan, "New task");
        added = Some(id);
        Ok(edited)
    });
    if applied {
        state.selected.set(added);
    }
}

/// Deletes task `id` with its subtasks and every dependency on them.
pub fn delete_task(state: AppState, id: &str) {
    edit(state, |plan| without_task(plan, id));
}

/// Makes task `task` depend on `dependency`.
pub fn add_dependency(state: AppState, task: &str, dependency: &str) {
    edit(state, |plan| with_dependency(plan, task, dependency));
}

/// Removes the dependency of `task` on `dependency`.
pub fn remove_dependency(state: AppState, task: &str, dependency: &str) {
    edit(state, |plan| without_dependency(plan, task, dependency));
}

/// Changes one field of task `id`.
pub fn set_field(state: AppState, id: &str, field: TaskField) {
    edit(state, |plan| with_field(plan, id, field));
}

/// Undoes the last edit.
pub fn undo(state: AppState) {
    step(state, true);
}

/// Redoes the last undone edit.
pub fn redo(state: AppState) {
    step(state, false);
}

fn step(state: AppState, back: bool) {
    if !can_edit(&state) {
        return;
    }
    let Some(current) = state.plan.get_untracked() else { return };
    let target = state.undo.try_update_value(|h| if back { h.undo(current) } else { h.redo(current) }).flatten();
    if let Some(plan) = target {
        show_edited(state, plan);
    }
}
