//! Plans from outside — a share link, pasted or imported JSON — are untrusted: they are shown as a
//! preview (drawn, validated, with where they came from and the tools each task would get) and
//! nothing is saved or run until the user keeps them; the first run of a kept plan against a real
//! provider asks once more.

use leptos::prelude::*;

use super::actions::{show_plan, start_run, stop_driver};
use super::state::{AppState, Phase};
use super::tool_names::look_up_tools;
use crate::llm::settings::ProviderKind;
use crate::plan::validate::validate;
use crate::plan::{Plan, TaskId};

/// Largest plan drawn in a preview; a larger one is summarised (it is drawn once kept).
pub const PREVIEW_DRAW_TASKS: usize = 500;

/// Each task with a type and the tools it would get, in plan order.
pub type TaskTools = Vec<(TaskId, Vec<String>)>;

/// A plan waiting for the user to keep or discard it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanPreview {
    /// Where it came from ("a share link", "imported JSON").
    pub source: &'static str,
    /// The plan.
    pub plan: Plan,
    /// Each task with a type and the tools it would get, in plan order (`None` while the provider
    /// worker, which holds the tools, is asked; `Err` if the user tools are broken).
    pub tools: Option<Result<TaskTools, String>>,
}

/// Shows `plan` from `source` as a preview: validated and drawn (unless very large), not saved.
pub fn preview_plan(state: AppState, source: &'static str, plan: Plan) {
    stop_driver(&state);
    look_up_tools(state, &plan);
    state.issues.set(validate(&plan));
    state.tasks.clear();
    state.selected.set(None);
    state.workflow_id.set(None);
    state.run_status.set(crate::engine::RunStatus::Idle);
    state.plan.set((plan.tasks.len() <= PREVIEW_DRAW_TASKS).then(|| plan.clone()));
    state.phase.set(Phase::Ready);
    state.preview.set(Some(PlanPreview { source, plan, tools: None }));
    state.info(format!("A plan from {source} is shown as a preview: nothing is saved or run until you keep it."));
}

/// Keeps the previewed plan: it becomes the current plan and is saved; its first run against a real
/// provider asks for confirmation.
pub fn keep_preview(state: AppState) {
    let Some(preview) = state.preview.get_untracked() else { return };
    state.preview.set(None);
    let goal = match state.goal.get_untracked().trim() {
        "" => format!("Plan from {}", preview.source),
        goal => goal.to_string(),
    };
    state.goal.set(goal.clone());
    state.unconfirmed_import.set(true);
    show_plan(state, &goal, preview.plan);
}

/// Discards the previewed plan: the page is as before it was opened, minus the old plan.
pub fn discard_preview(state: AppState) {
    if state.preview.get_untracked().is_none() {
        return;
    }
    state.preview.set(None);
    state.plan.set(None);
    state.issues.set(Vec::new());
    state.info("The previewed plan was discarded.");
}

/// Whether pressing Run must first ask: a kept plan from outside, about to run on a real provider.
pub fn run_needs_confirmation(state: &AppState) -> bool {
    state.unconfirmed_import.get_untracked() && state.settings.with_untracked(|s| s.kind != ProviderKind::Demo)
}

/// The user confirmed the first run of an imported plan against the configured provider.
pub fn confirm_imported_run(state: AppState) {
    state.unconfirmed_import.set(false);
    state.confirming_run.set(false);
    start_run(state);
}
