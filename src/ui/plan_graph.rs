//! The plan drawn as an SVG DAG with live task status, zoom (buttons, Ctrl+wheel or pinch), pan
//! (drag or scroll) and fit-to-view.

use std::collections::HashSet;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::share::download_svg;
use crate::app::state::AppState;
use crate::engine::caption::caption;
use crate::engine::TaskStatus;
use crate::layout::{layout, Geometry, LayoutOptions};
use crate::plan::critical_path::critical_path;
use crate::plan::validate::IssueKind;
use crate::plan::TaskId;

/// Longest label that fits a box; longer names are cut with an ellipsis (the full name is in the tooltip).
const MAX_LABEL_CHARS: usize = 24;
/// Zoom limits.
const ZOOM_MIN: f64 = 0.2;
/// "Fit" never shrinks below this, so labels stay readable; larger plans scroll (or zoom out).
const FIT_MIN: f64 = 0.55;
const ZOOM_MAX: f64 = 3.0;

fn short_label(name: &str) -> String {
    if name.chars().count() <= MAX_LABEL_CHARS {
        name.to_string()
    } else {
        format!("{}…", name.chars().take(MAX_LABEL_CHARS - 1).collect::<String>())
    }
}

/// Dependency edges `(dependency, dependent)` that close a cycle, from the validation issues.
fn cycle_edges(issues: &[crate::plan::validate::Issue]) -> HashSet<(TaskId, TaskId)> {
    let mut edges = HashSet::new();
    for issue in issues.iter().filter(|i| i.kind == IssueKind::Cycle && !i.tasks.is_empty()) {
        let path = &issue.tasks;
        for k in 0..path.len() {
            edges.insert((path[k].clone(), path[(k + 1) % path.len()].clone()));
        }
    }
    edges
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
    let bad_edges = Memo::new(move |_| state.issues.with(|issues| cycle_edges(issues)));
    let bad_nodes = Memo::new(move |_| {
        state.issues.with(|issues| {
            issues
                .iter()
                .filter(|i| {
                    matches!(i.kind, IssueKind::MissingDependency | IssueKind::SelfDependency | IssueKind::Cycle)
                })
                .filter_map(|i| i.tasks.first().cloned())
                .collect::<HashSet<_>>()
        })
    });
    // A clock for the elapsed time of running tasks.
    let now = RwSignal::new(js_sys::Date::now());
    if let Ok(handle) =
        set_interval_with_handle(move || now.set(js_sys::Date::now()), std::time::Duration::from_millis(500))
    {
        on_cleanup(move || handle.clear());
    }
    let zoom = RwSignal::new(1.0_f64);
    let container = NodeRef::<leptos::html::Div>::new();
    let fit = move || {
        if let (Some(el), Some(g)) = (container.get_untracked(), geometry.get_untracked()) {
            let width = el.client_width() as f64 - 8.0;
            let height = (el.client_height() as f64 - 8.0).max(240.0);
            zoom.set((width / g.width).min(height / g.height).clamp(FIT_MIN, 1.0));
        }
    };
    // Fit a new plan to the panel.
    Effect::new(move |_| {
        geometry.track();
        fit();
    });
    let zoom_by = move |factor: f64| zoom.update(|z| *z = (*z * factor).clamp(ZOOM_MIN, ZOOM_MAX));
    let on_wheel = move |ev: leptos::ev::WheelEvent| {
        if ev.ctrl_key() {
            ev.prevent_default();
            zoom_by(if ev.delta_y() < 0.0 { 1.1 } else { 1.0 / 1.1 });
        }
    };
    let drag = StoredValue::new(None::<(i32, i32, i32, i32)>);
    let on_pointer_down = move |ev: leptos::ev::PointerEvent| {
        let on_node = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest(".task-node").ok().flatten())
            .is_some();
        if let (false, Some(el)) = (on_node, container.get_untracked()) {
            drag.set_value(Some((ev.client_x(), ev.client_y(), el.scroll_left(), el.scroll_top())));
        }
    };
    let on_pointer_move = move |ev: leptos::ev::PointerEvent| {
        if let (Some((x, y, left, top)), Some(el)) = (drag.get_value(), container.get_untracked()) {
            el.set_scroll_left(left - (ev.client_x() - x));
            el.set_scroll_top(top - (ev.client_y() - y));
        }
    };
    let end_drag = move |_| drag.set_value(None);

    let draw = move |g: Geometry| {
        let plan = state.plan.get_untracked().unwrap_or_default();
        let id_at = |index: usize| plan.tasks.get(index).map(|t| t.id.clone()).unwrap_or_default();
        let edges = g
            .edges
            .iter()
            .map(|e| {
                let key = (id_at(e.from), id_at(e.to));
                let bad_key = key.clone();
                let is_critical = move || critical_edges.with(|c| c.contains(&key));
                let is_bad = Memo::new(move |_| bad_edges.with(|c| c.contains(&bad_key)));
                view! {
                    <path class="edge" class:critical=is_critical class:invalid=is_bad d=e.d.clone()
                        marker-end=move || if is_bad.get() { "url(#arrow-bad)" } else { "url(#arrow)" }></path>
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
                let deps = task.depends_on.clone();
                let (id_status, id_select, id_key, id_crit, id_sel, id_title, id_bad) =
                    (id.clone(), id.clone(), id.clone(), id.clone(), id.clone(), id.clone(), id.clone());
                let snapshot = state.tasks.cell(&id_status);
                let dep_cells: Vec<_> = deps.iter().map(|d| state.tasks.cell(d)).collect();
                let ready = Memo::new(move |_| dep_cells.iter().all(|c| c.with(|s| s.status.is_done())));
                let snap_line = snapshot.clone();
                let status_of = Memo::new(move |_| snapshot.with(|s| s.status));
                let status = move || status_of.get().as_str();
                let label = short_label(&task.name);
                let title = format!("{} — {}\n{}", task.id, task.name, task.description);
                // Only a running task's caption follows the clock.
                let line = move || {
                    snap_line.with(|s| {
                        let t = if s.status == TaskStatus::Running { now.get() } else { now.get_untracked() };
                        caption(&id, s, ready.get(), t)
                    })
                };
                view! {
                    <g
                        class=move || format!("task-node status-{}", status())
                        class:ready=move || ready.get() && status_of.get() == TaskStatus::Pending
                        class:critical=move || critical.with(|c| c.contains(&id_crit))
                        class:invalid=move || bad_nodes.with(|b| b.contains(&id_bad))
                        class:selected=move || state.selected.with(|s| s.as_deref() == Some(id_sel.as_str()))
                        data-testid="task-node"
                        data-task-id=id_title.clone()
                        data-status=status
                        transform=format!("translate({},{})", n.x, n.y)
                        tabindex="0"
                        role="button"
                        aria-label=move || format!("{} {}: {}", id_title, task.name, status())
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
                        <text class="node-status" x="10" y="44">{line}</text>
                    </g>
                }
            })
            .collect_view();
        view! {
            <svg
                class="plan-graph"
                data-testid="plan-graph"
                width=move || g.width * zoom.get()
                height=move || g.height * zoom.get()
                viewBox=format!("0 0 {} {}", g.width, g.height)
                role="group"
                aria-label="Plan dependency graph"
            >
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z"></path>
                    </marker>
                    <marker id="arrow-bad" class="bad" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse">
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
            <div class="graph-toolbar" role="toolbar" aria-label="Graph view">
                <button data-testid="zoom-in" aria-label="Zoom in" on:click=move |_| zoom_by(1.25)>"+"</button>
                <button data-testid="zoom-out" aria-label="Zoom out" on:click=move |_| zoom_by(0.8)>"−"</button>
                <button data-testid="zoom-fit" on:click=move |_| fit()>"Fit"</button>
                <button data-testid="zoom-reset" on:click=move |_| zoom.set(1.0)>"100%"</button>
                <button data-testid="export-svg" on:click=move |_| download_svg(state) title="Download the graph as an SVG file">"SVG"</button>
                <span class="hint">{move || format!("{:.0}% · drag to pan · Ctrl+wheel to zoom", zoom.get() * 100.0)}</span>
            </div>
            <div class="graph-scroll" node_ref=container on:wheel=on_wheel on:pointerdown=on_pointer_down
                on:pointermove=on_pointer_move on:pointerup=end_drag on:pointerleave=end_drag>
                {move || match geometry.get() {
                    Some(g) => draw(g).into_any(),
                    None => view! {
                        <p class="empty-graph">"Type a goal and press Plan (or pick a template) to see the plan as a graph."</p>
                    }.into_any(),
                }}
            </div>
        </div>
    }
}
