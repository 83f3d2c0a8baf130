//! The tools live in the provider worker (`llm::source::ProviderSource::tool_names`): what the page
//! shows of them — the tools each task of a preview would get, the selected task's tools — it asks
//! for, and shows when the worker answers.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::AppState;
use crate::plan::{Plan, TaskId};

/// Asks the provider worker which tools each typed task of `plan` would get, and shows them in its
/// preview (if it is still shown).
pub fn look_up_tools(state: AppState, plan: &Plan) {
    let typed: Vec<(TaskId, String)> =
        plan.tasks.iter().filter_map(|t| Some((t.id.clone(), t.kind.clone()?))).collect();
    let kinds: Vec<String> = typed.iter().map(|(_, kind)| kind.clone()).collect();
    let names = state.env.with_value(|env| state.settings.with_untracked(|s| env.providers.tool_names(s, kinds)));
    let plan = plan.clone();
    spawn_local(async move {
        let tools = names.await.map(|names| {
            let offered = typed.into_iter().zip(names).map(|((id, _), names)| (id, names));
            offered.filter(|(_, names)| !names.is_empty()).collect()
        });
        let _ = state.preview.try_update(|preview| match preview {
            Some(preview) if preview.plan == plan => preview.tools = Some(tools),
            _ => {}
        });
    });
}

/// The names of the tools a task of type `kind` gets, as the provider worker (which holds the
/// tools) lists them: `…` until it answers.
pub fn tools_line(state: AppState, kind: Option<&str>) -> RwSignal<String> {
    let line = RwSignal::new("…".to_string());
    let Some(kind) = kind.map(str::to_string) else {
        line.set("none".into());
        return line;
    };
    let names = state.env.with_value(|env| state.settings.with_untracked(|s| env.providers.tool_names(s, vec![kind])));
    spawn_local(async move {
        let text = match names.await {
            Ok(mut names) => match names.pop().unwrap_or_default() {
                names if names.is_empty() => "none".to_string(),
                names => names.join(", "),
            },
            Err(why) => format!("cannot be listed: {why}"),
        };
        let _ = line.try_set(text);
    });
    line
}
