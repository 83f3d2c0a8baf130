//! The plan drawn as an SVG DAG with live task status.

use std::collections::HashSet;

use leptos::prelude::*;

use crate::app::state::AppState;
use crate::engine::TaskStatus;
use crate::layout::{layout, Geometry, LayoutOptions};
use crate::plan::critical_path::critical_path;

/// Longest label that fits a box; longer names are cut with an ellipsis (the full name is in the tooltip).
const MAX_LABEL_CHARS: usize = 24;

fn short_label(name: &str) -> String {
    if name.chars().count() <= MAX_LABEL_CHARS {
        name.to_string()
    } else {
        format!("{}…", name.chars().take(MAX_LABEL_CHARS - 1).collect::<String>())
    }
}

/// The dependency graph. Click or press Enter on a node to inspect it.
#[component]
pub fn PlanGraph() -> impl IntoView {
    let state = expect_context::<AppState>();
    let geometry = Memo::new(move |_| state.plan.with(|p| p.as_ref().map(|p| layout(p, &LayoutOptions::default()))));
    // Critical path computed by Planwright (not the one the plan claims).
    let critical = Memo::new(move |_| state.plan.with(|p| p.as_ref().map(critical_path).unwrap_or_default()));
    let critical_edges = Memo::new(move |_| {
        critical.with(|path| path.windows(2).map(|w| (w[0].clone(), w[1].clone())).collect::<HashSet<_>>())
    });

    let status_of =
        move |id: &str| state.tasks.with(|tasks| tasks.get(id).map(|s| s.status).unwrap_or(TaskStatus::Pending));

    let draw = move |g: Geometry| {
        let plan = state.plan.get_untracked().unwrap_or_default();
        let id_at = |index: usize| plan.tasks.get(index).map(|t| t.id.clone()).unwrap_or_default();
        let edges = g
            .edges
            .iter()
            .map(|e| {
                let key = (id_at(e.from), id_at(e.to));
                let is_critical = move || critical_edges.with(|c| c.contains(&key));
                view! {
                    <path class="edge" class:critical=is_critical d=e.d.clone() marker-end="url(#arrow)"></path>
                }
            })
            .collect_view();
        let nodes = g
            .nodes
            .iter()
            .map(|n| {
                let task =
                    plan.tasks.get(n.index).cloned().unwrap_or_else(|| crate::plan::Task::new(&n.id, &n.id, &[]));
                let id = task.id.clone();
                let (id_status, id_select, id_key, id_crit, id_sel, id_title) =
                    (id.clone(), id.clone(), id.clone(), id.clone(), id.clone(), id.clone());
                let status = Memo::new(move |_| status_of(&id_status).as_str());
                let label = short_label(&task.name);
                let title = format!("{} — {}\n{}", task.id, task.name, task.description);
                view! {
                    <g
                        class=move || format!("task-node status-{}", status.get())
                        class:critical=move || critical.with(|c| c.contains(&id_crit))
                        class:selected=move || state.selected.with(|s| s.as_deref() == Some(id_sel.as_str()))
                        data-testid="task-node"
                        data-task-id=id_title.clone()
                        data-status=move || status.get()
                        transform=format!("translate({},{})", n.x, n.y)
                        tabindex="0"
                        role="button"
                        aria-label=move || format!("{} {}: {}", id_title, task.name, status.get())
                        on:click=move |_| state.selected.set(Some(id_select.clone()))
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            if ev.key() == "Enter" || ev.key() == " " {
                                ev.prevent_default();
                                state.selected.set(Some(id_key.clone()));
                            }
                        }
                    >
                        <title>{title}</title>
                        <rect width=n.width height=n.height rx="8"></rect>
                        <text class="node-name" x="10" y="24">{label}</text>
                        <text class="node-status" x="10" y="44">{move || format!("{} · {}", id, status.get())}</text>
                    </g>
                }
            })
            .collect_view();
        view! {
            <svg
                class="plan-graph"
                data-testid="plan-graph"
                width=g.width
                height=g.height
                viewBox=format!("0 0 {} {}", g.width, g.height)
                role="group"
                aria-label="Plan dependency graph"
            >
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z"></path>
                    </marker>
                </defs>
                <g class="edges">{edges}</g>
                <g class="nodes">{nodes}</g>
            </svg>
        }
    };

    view! {
        <div class="panel graph-panel">
            {move || match geometry.get() {
                Some(g) => draw(g).into_any(),
                None => view! {
                    <p class="empty-graph">"Type a goal and press Plan (or pick a template) to see the plan as a graph."</p>
                }.into_any(),
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::short_label;

    #[test]
    fn long_labels_are_cut_with_an_ellipsis() {
        assert_eq!(short_label("Short"), "Short");
        let cut = short_label("Research the current state of the art in batteries");
        assert_eq!(cut.chars().count(), 24);
        assert!(cut.ends_with('…'));
    }
}
