//! The *Result* view: the run's deliverable (the final tasks' outputs, see [`crate::report`]) rendered
//! as Markdown and downloadable as a `.md` file; beside it, the run's trace as an OTLP file.

use leptos::prelude::*;

use super::markdown_view::MarkdownView;
use super::reactive::memo;
use crate::app::download::download;
use crate::app::state::AppState;
use crate::app::trace_export::export_trace;
use crate::report::assemble;

/// Once a task has started: a **Result** button that opens the assembled deliverable, and **Trace
/// (OTLP)**, which downloads the run as an OpenTelemetry trace.
#[component]
pub fn ReportView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let open = RwSignal::new(false);
    let started = memo(move |_| state.tasks.with(|tasks| tasks.values().any(|t| t.started_at_ms.is_some())));
    // Assembled only while the view is open: a closed view costs nothing per task update.
    let document = memo(move |_| {
        if !open.get() {
            return None;
        }
        let goal = state.plan_goal.get();
        state.plan.with(|plan| {
            let plan = plan.as_ref()?;
            Some(state.tasks.with(|tasks| assemble(&goal, plan, |id| tasks.get(id))))
        })
    });
    let save = move |_| {
        let Some(text) = document.get_untracked() else { return };
        let name = state.workflow_id.get_untracked().unwrap_or_else(|| "planwright-result".into());
        if let Err(e) = download(&format!("{name}.md"), "text/markdown", &text) {
            state.error(e.to_string());
        }
    };
    move || {
        started.get().then(|| {
            view! {
                <div class="panel report">
                    <div class="row">
                        <button data-testid="report-button" aria-expanded=move || open.get().to_string()
                            on:click=move |_| open.update(|o| *o = !*o)
                            title="The outputs of the plan's final tasks as one document">"Result"</button>
                        {move || open.get().then(|| view! {
                            <button data-testid="report-download" on:click=save>"Download .md"</button>
                        })}
                        <button data-testid="export-otlp" on:click=move |_| export_trace(state)
                            title="The run as an OpenTelemetry trace (OTLP/JSON) for a trace viewer">"Trace (OTLP)"</button>
                    </div>
                    {move || open.get().then(|| view! {
                        <div data-testid="report-view">
                            {move || document.get().map(|text| view! { <MarkdownView text=text testid="report-markdown"/> })}
                        </div>
                    })}
                </div>
            }
        })
    }
}
