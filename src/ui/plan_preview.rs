//! An untrusted plan (share link, import) before the user keeps it, and the confirmation before an
//! imported plan first runs against a real provider.

use leptos::prelude::*;

use crate::app::preview::{confirm_imported_run, discard_preview, keep_preview, PREVIEW_DRAW_TASKS};
use crate::app::state::AppState;

/// The preview panel: source, size, the tools each task would get, Keep and Discard.
#[component]
pub fn PlanPreviewPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let preview = move || {
        state.preview.get().map(|p| {
            let count = p.plan.tasks.len();
            let dependencies: usize = p.plan.tasks.iter().map(|t| t.depends_on.len()).sum();
            let tools = match p.tools {
                None => view! { <p class="hint" data-testid="preview-tools-pending">"Looking up the tools…"</p> }.into_any(),
                Some(Err(why)) => view! { <p class="warning" data-testid="preview-tools">{format!("The tools cannot be listed: {why}")}</p> }.into_any(),
                Some(Ok(tools)) if tools.is_empty() => {
                    view! { <p class="hint" data-testid="preview-tools">"No task gets a tool."</p> }.into_any()
                }
                Some(Ok(tools)) => {
                    let shown = tools.len().min(50);
                    let more = tools.len() - shown;
                    view! {
                        <ul data-testid="preview-tools">
                            {tools.into_iter().take(shown).map(|(id, names)| view! { <li>{format!("{id}: {}", names.join(", "))}</li> }).collect_view()}
                            {(more > 0).then(|| view! { <li>{format!("… and {more} more tasks with tools")}</li> })}
                        </ul>
                    }
                    .into_any()
                }
            };
            let too_large = (count > PREVIEW_DRAW_TASKS)
                .then(|| view! { <p class="hint">"Too large to draw in a preview; it is drawn once kept."</p> });
            view! {
                <section class="panel proposal" data-testid="plan-preview" role="dialog" aria-labelledby="preview-title">
                    <h2 id="preview-title">{format!("Preview of a plan from {}", p.source)}</h2>
                    <p data-testid="preview-summary">{format!("{count} tasks, {dependencies} dependencies. Nothing is saved or run until you keep it.")}</p>
                    {too_large}
                    <h3 class="subhead">"Tools the tasks would get"</h3>
                    {tools}
                    <div class="row">
                        <button class="primary" data-testid="preview-keep" on:click=move |_| keep_preview(state)>"Keep this plan"</button>
                        <button data-testid="preview-discard" on:click=move |_| discard_preview(state)>"Discard"</button>
                    </div>
                </section>
            }
        })
    };
    let confirm = move || {
        state.confirming_run.get().then(|| {
            let target = state.settings.with(|s| format!("{} at {}", s.model, s.base_url));
            view! {
                <section class="panel proposal" data-testid="confirm-imported-run" role="dialog" aria-labelledby="confirm-title">
                    <h2 id="confirm-title">"Run an imported plan?"</h2>
                    <p>{format!("This plan came from outside. Its task descriptions go to {target} with your key, and tasks may call their tools.")}</p>
                    <div class="row">
                        <button class="primary" data-testid="confirm-run" on:click=move |_| confirm_imported_run(state)>"Run it"</button>
                        <button data-testid="cancel-run" on:click=move |_| state.confirming_run.set(false)>"Not now"</button>
                    </div>
                </section>
            }
        })
    };
    view! { {preview} {confirm} }
}
