//! The graph's toolbar: zoom, fit, export, and — while the plan is editable — add task, undo, redo.

use leptos::prelude::*;

use crate::app::editing::{add_task, can_edit, redo, undo};
use crate::app::share::{download_png, download_svg};
use crate::app::state::AppState;
use crate::decimal::fixed;

/// Toolbar of the graph panel; `zoom` is the graph's zoom factor and `fit` fits it to the panel.
/// `whole` is set while the whole graph is drawn for an export (a large graph draws only what is near
/// the view): the file gets every task, wherever the view is.
#[component]
pub fn GraphToolbar(
    zoom: RwSignal<f64>,
    zoom_by: Callback<f64>,
    fit: Callback<()>,
    whole: RwSignal<bool>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let editing = move || can_edit(&state);
    let export = move |save: fn(AppState)| {
        whole.set(true);
        // The whole drawing is in the page by the next frame; the export reads it at once.
        request_animation_frame(move || {
            if whole.try_set(false).is_none() {
                save(state);
            }
        });
    };
    view! {
        <div class="graph-toolbar" role="toolbar" aria-label="Graph view">
            <button data-testid="zoom-in" aria-label="Zoom in" title="Zoom in (Ctrl+wheel)" on:click=move |_| zoom_by.run(1.25)>"+"</button>
            <button data-testid="zoom-out" aria-label="Zoom out" title="Zoom out (Ctrl+wheel)" on:click=move |_| zoom_by.run(0.8)>"−"</button>
            <button data-testid="zoom-fit" title="Fit the graph to the panel" on:click=move |_| fit.run(())>"Fit"</button>
            <button data-testid="zoom-reset" title="Actual size" on:click=move |_| zoom_by.run(1.0 / zoom.get_untracked())>"100%"</button>
            <button data-testid="export-svg" on:click=move |_| export(download_svg) title="Download the graph as an SVG file">"SVG"</button>
            <button data-testid="export-png" on:click=move |_| export(download_png) title="Download the graph as a PNG image">"PNG"</button>
            {move || editing().then(|| view! {
                <span class="toolbar-group" role="group" aria-label="Edit the plan">
                    <button data-testid="add-task" on:click=move |_| add_task(state) title="Add a task (then edit it in the inspector)">"+ Task"</button>
                    <button data-testid="undo" disabled=move || state.undo_depth.get().0 == 0 on:click=move |_| undo(state)
                        title="Undo the last edit (Ctrl+Z)">"Undo"</button>
                    <button data-testid="redo" disabled=move || state.undo_depth.get().1 == 0 on:click=move |_| redo(state)
                        title="Redo (Ctrl+Shift+Z or Ctrl+Y)">"Redo"</button>
                </span>
            })}
            <span class="hint">{move || {
                let edit_hint = if editing() { " · drag from a box's right dot to add a dependency" } else { "" };
                format!("{}% · drag to pan · arrows move between tasks{edit_hint}", fixed(zoom.get() * 100.0, 0))
            }}</span>
        </div>
    }
}
