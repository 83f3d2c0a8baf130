//! The plan drawn as an SVG DAG with live task status: zoom (buttons, Ctrl+wheel or pinch), pan (drag
//! or scroll), fit, keyboard moves between tasks, a minimap for large plans, subtasks drawn as labelled
//! clusters that collapse, and — before the run — dependencies added by dragging from box to box.

use std::collections::HashSet;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::graph_minimap::{GraphMinimap, Viewport};
use super::graph_node::{GraphNode, Marks};
use super::graph_toolbar::GraphToolbar;
use crate::app::editing::{add_dependency, can_edit, redo, undo};
use crate::app::state::AppState;
use crate::layout::{clusters, layout, neighbour, Direction, Geometry, LayoutOptions};
use crate::plan::collapse::{collapsed_view, descendants};
use crate::plan::critical_path::critical_path;
use crate::plan::validate::{Issue, IssueKind};
use crate::plan::TaskId;

/// Zoom limits.
const ZOOM_MIN: f64 = 0.2;
/// "Fit" never shrinks below this, so labels stay readable; larger plans scroll (or zoom out).
const FIT_MIN: f64 = 0.55;
const ZOOM_MAX: f64 = 3.0;
/// Plans with at least this many tasks get a minimap.
const MINIMAP_TASKS: usize = 25;

/// Dependency edges `(dependency, dependent)` that close a cycle, from the validation issues.
fn cycle_edges(issues: &[Issue]) -> HashSet<(TaskId, TaskId)> {
    let mut edges = HashSet::new();
    for issue in issues.iter().filter(|i| i.kind == IssueKind::Cycle && !i.tasks.is_empty()) {
        let path = &issue.tasks;
        for k in 0..path.len() {
            edges.insert((path[k].clone(), path[(k + 1) % path.len()].clone()));
        }
    }
    edges
}

/// A dependency being dragged: from task `from`'s port at (`x0`, `y0`) to the pointer at (`x`, `y`),
/// in layout units.
#[derive(Debug, Clone, PartialEq)]
struct Connecting {
    from: TaskId,
    x0: f64,
    y0: f64,
    x: f64,
    y: f64,
}

/// The task box under a pointer event, if any.
fn task_under(ev: &leptos::ev::PointerEvent) -> Option<TaskId> {
    let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    target.closest(".task-node").ok().flatten()?.get_attribute("data-task-id")
}

/// The box of task `id` under `root`.
fn node_element(root: &web_sys::Element, id: &str) -> Option<web_sys::Element> {
    root.query_selector(&format!("[data-task-id=\"{}\"]", id.replace('\\', "\\\\").replace('"', "\\\""))).ok().flatten()
}

/// Calls the element's `focus()` (SVG elements have it too).
fn focus(element: &web_sys::Element) {
    if let Ok(f) = js_sys::Reflect::get(element, &"focus".into()) {
        if let Some(f) = f.dyn_ref::<js_sys::Function>() {
            let _ = f.call0(element);
        }
    }
}

/// The dependency graph. Click or press Enter on a node to inspect it.
#[component]
pub fn PlanGraph() -> impl IntoView {
    let state = expect_context::<AppState>();
    // The plan as drawn: the subtasks of collapsed tasks hidden.
    let shown = Memo::new(move |_| {
        state.collapsed.with(|collapsed| state.plan.with(|p| p.as_ref().map(|p| collapsed_view(p, collapsed))))
    });
    let geometry = Memo::new(move |_| shown.with(|p| p.as_ref().map(|p| layout(p, &LayoutOptions::default()))));
    // Critical path computed by Planwright (not the one the plan claims).
    let critical_ids = Memo::new(move |_| state.plan.with(|p| p.as_ref().map(critical_path).unwrap_or_default()));
    let critical = Memo::new(move |_| critical_ids.with(|path| path.iter().cloned().collect::<HashSet<_>>()));
    let critical_edges = Memo::new(move |_| {
        critical_ids.with(|path| path.windows(2).map(|w| (w[0].clone(), w[1].clone())).collect::<HashSet<_>>())
    });
    let bad_edges = Memo::new(move |_| state.issues.with(|issues| cycle_edges(issues)));
    let invalid = Memo::new(move |_| {
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
    let marks = Marks { critical, invalid };
    // A clock for the elapsed time of running tasks.
    let now = RwSignal::new(js_sys::Date::now());
    if let Ok(handle) =
        set_interval_with_handle(move || now.set(js_sys::Date::now()), std::time::Duration::from_millis(500))
    {
        on_cleanup(move || handle.clear());
    }
    let zoom = RwSignal::new(1.0_f64);
    let viewport = RwSignal::new(Viewport::default());
    let container = NodeRef::<leptos::html::Div>::new();
    let measure = move || {
        if let Some(el) = container.get_untracked() {
            viewport.set(Viewport {
                left: el.scroll_left() as f64,
                top: el.scroll_top() as f64,
                width: el.client_width() as f64,
                height: el.client_height() as f64,
            });
        }
    };
    let fit = Callback::new(move |()| {
        if let (Some(el), Some(g)) = (container.get_untracked(), geometry.get_untracked()) {
            let width = el.client_width() as f64 - 8.0;
            let height = (el.client_height() as f64 - 8.0).max(240.0);
            zoom.set((width / g.width).min(height / g.height).clamp(FIT_MIN, 1.0));
        }
        measure();
    });
    // Fit a new plan to the panel.
    Effect::new(move |_| {
        geometry.track();
        fit.run(());
    });
    let zoom_by = Callback::new(move |factor: f64| {
        zoom.update(|z| *z = (*z * factor).clamp(ZOOM_MIN, ZOOM_MAX));
        measure();
    });
    let on_wheel = move |ev: leptos::ev::WheelEvent| {
        if ev.ctrl_key() {
            ev.prevent_default();
            zoom_by.run(if ev.delta_y() < 0.0 { 1.1 } else { 1.0 / 1.1 });
        }
    };
    // Undo and redo from the keyboard, unless a text field has focus (it has its own undo).
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let in_field = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if in_field || !(ev.ctrl_key() || ev.meta_key()) || !can_edit(&state) {
            return;
        }
        match ev.key().to_ascii_lowercase().as_str() {
            "z" if ev.shift_key() => redo(state),
            "z" => undo(state),
            "y" => redo(state),
            _ => return,
        }
        ev.prevent_default();
    });
    on_cleanup(move || keys.remove());

    // Layout units of a pointer position.
    let graph_point = move |ev: &leptos::ev::PointerEvent| {
        let svg = container.get_untracked()?.query_selector("svg.plan-graph").ok().flatten()?;
        let rect = svg.get_bounding_client_rect();
        let z = zoom.get_untracked();
        Some(((f64::from(ev.client_x()) - rect.left()) / z, (f64::from(ev.client_y()) - rect.top()) / z))
    };
    let connecting = RwSignal::new(None::<Connecting>);
    let on_port = Callback::new(move |(from, ev): (TaskId, leptos::ev::PointerEvent)| {
        let start = geometry.with_untracked(|g| {
            g.as_ref()?.nodes.iter().find(|n| n.id == from).map(|n| (n.x + n.width, n.y + n.height / 2.0))
        });
        if let (Some((x0, y0)), Some((x, y))) = (start, graph_point(&ev)) {
            connecting.set(Some(Connecting { from, x0, y0, x, y }));
        }
    });
    let on_move = Callback::new(move |(from, direction): (TaskId, Direction)| {
        let target = geometry.with_untracked(|g| {
            let nodes = &g.as_ref()?.nodes;
            let here = nodes.iter().position(|n| n.id == from)?;
            neighbour(nodes, here, direction).map(|k| nodes[k].id.clone())
        });
        let Some(id) = target else { return };
        let element = container.get_untracked().and_then(|c| node_element(&c, &id));
        if let Some(element) = element {
            focus(&element);
            state.selected.set(Some(id));
        }
    });
    // The selected task's box is marked here, watched once instead of by every box; it also becomes
    // the box the Tab key reaches.
    Effect::new(move |previous: Option<Option<TaskId>>| {
        state.plan.track();
        let selected = state.selected.get();
        if let Some(root) = container.get() {
            if let Some(el) = previous.flatten().and_then(|id| node_element(&root, &id)) {
                let _ = el.remove_attribute("data-selected");
                let _ = el.set_attribute("tabindex", "-1");
            }
            if let Some(el) = selected.as_deref().and_then(|id| node_element(&root, id)) {
                if let Ok(Some(first)) = root.query_selector(".task-node[tabindex='0']") {
                    let _ = first.set_attribute("tabindex", "-1");
                }
                let _ = el.set_attribute("data-selected", "true");
                let _ = el.set_attribute("tabindex", "0");
            }
            if let (Ok(None), Ok(Some(first))) =
                (root.query_selector(".task-node[tabindex='0']"), root.query_selector(".task-node"))
            {
                let _ = first.set_attribute("tabindex", "0");
            }
        }
        selected
    });
    let on_jump = Callback::new(move |(x, y): (f64, f64)| {
        if let Some(el) = container.get_untracked() {
            let z = zoom.get_untracked();
            el.set_scroll_left((x * z - el.client_width() as f64 / 2.0) as i32);
            el.set_scroll_top((y * z - el.client_height() as f64 / 2.0) as i32);
            measure();
        }
    });

    let drag = StoredValue::new(None::<(i32, i32, i32, i32)>);
    let on_pointer_down = move |ev: leptos::ev::PointerEvent| {
        if task_under(&ev).is_some() {
            return;
        }
        if let Some(el) = container.get_untracked() {
            drag.set_value(Some((ev.client_x(), ev.client_y(), el.scroll_left(), el.scroll_top())));
        }
    };
    let on_pointer_move = move |ev: leptos::ev::PointerEvent| {
        if connecting.with_untracked(Option::is_some) {
            if let Some((x, y)) = graph_point(&ev) {
                connecting.update(|c| {
                    if let Some(c) = c {
                        (c.x, c.y) = (x, y);
                    }
                });
            }
        } else if let (Some((x, y, left, top)), Some(el)) = (drag.get_value(), container.get_untracked()) {
            el.set_scroll_left(left - (ev.client_x() - x));
            el.set_scroll_top(top - (ev.client_y() - y));
        }
    };
    let on_pointer_up = move |ev: leptos::ev::PointerEvent| {
        drag.set_value(None);
        if let Some(c) = connecting.get_untracked() {
            connecting.set(None);
            match task_under(&ev) {
                Some(to) if to != c.from => add_dependency(state, &to, &c.from),
                _ => {}
            }
        }
    };
    let end_drag = move |_| {
        drag.set_value(None);
        connecting.set(None);
    };

    let draw = move |g: Geometry, editable: bool| {
        let plan = shown.get_untracked().unwrap_or_default();
        let clusters = clusters(&plan, &g.nodes, &LayoutOptions::default())
            .into_iter()
            .map(|c| {
                let (x, y, _, _) = c.bands[0];
                let label = plan.task(&c.parent).map(|t| format!("{} — {}", t.id, t.name)).unwrap_or_default();
                let bands = c
                    .bands
                    .iter()
                    .map(|&(x, y, w, h)| view! { <rect x=x y=y width=w height=h rx="10"></rect> })
                    .collect_view();
                view! {
                    <g class=format!("cluster nesting-{}", c.height.min(3)) data-testid="cluster" data-parent=c.parent.clone()>
                        {bands}
                        <text class="cluster-label" x=x + 10.0 y=y + 15.0>{label}</text>
                    </g>
                }
            })
            .collect_view();
        let id_at = |index: usize| plan.tasks.get(index).map(|t| t.id.clone()).unwrap_or_default();
        // The marks follow the plan, and the drawing is redone whenever the plan changes: they are
        // read once here instead of being watched by every edge.
        let (critical_edges, bad_edges) = (critical_edges.get_untracked(), bad_edges.get_untracked());
        let edges = g
            .edges
            .iter()
            .map(|e| {
                let key = (id_at(e.from), id_at(e.to));
                let is_bad = bad_edges.contains(&key);
                view! {
                    <path class="edge" class:critical=critical_edges.contains(&key) class:invalid=is_bad d=e.d.clone()
                        marker-end=if is_bad { "url(#arrow-bad)" } else { "url(#arrow)" }></path>
                }
            })
            .collect_view();
        let nodes = g
            .nodes
            .iter()
            .map(|n| {
                let task =
                    plan.tasks.get(n.index).cloned().unwrap_or_else(|| crate::plan::Task::new(&n.id, &n.id, &[]));
                let fold = state.plan.with_untracked(|p| p.as_ref().map_or(0, |p| descendants(p, &task.id).len()));
                view! { <GraphNode node=n.clone() task=task marks=marks editable=editable subtasks=fold now=now on_move=on_move on_port=on_port/> }
            })
            .collect_view();
        let line = move || {
            connecting.get().map(|c| {
                view! { <line class="connect-line" data-testid="connect-line" x1=c.x0 y1=c.y0 x2=c.x y2=c.y></line> }
            })
        };
        let (width, height) = (g.width, g.height);
        view! {
            <svg
                class="plan-graph"
                data-testid="plan-graph"
                width=move || width * zoom.get()
                height=move || height * zoom.get()
                viewBox=format!("0 0 {width} {height}")
                role="group"
                aria-label="Plan dependency graph: Tab to a task, arrows to move, Enter to inspect"
            >
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z"></path>
                    </marker>
                    <marker id="arrow-bad" class="bad" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z"></path>
                    </marker>
                </defs>
                <g class="clusters">{clusters}</g>
                <g class="edges">{edges}</g>
                <g class="nodes">{nodes}</g>
                {line}
            </svg>
        }
    };

    view! {
        <div class="panel graph-panel">
            {move || geometry.with(Option::is_some).then(|| view! { <GraphToolbar zoom=zoom zoom_by=zoom_by fit=fit/> })}
            <div class="graph-scroll" node_ref=container on:wheel=on_wheel on:pointerdown=on_pointer_down
                on:pointermove=on_pointer_move on:pointerup=on_pointer_up on:pointerleave=end_drag
                on:scroll=move |_| measure()>
                {move || {
                    // Redrawn when the plan changes, even if its layout does not (a renamed task).
                    state.plan.track();
                    let editable = can_edit(&state);
                    match geometry.get() {
                        Some(g) => draw(g, editable).into_any(),
                        None => view! {
                            <p class="empty-graph">"Type a goal and press Plan (or pick a template) to see the plan as a graph."</p>
                        }.into_any(),
                    }
                }}
            </div>
            {move || {
                geometry.get().filter(|g| g.nodes.len() >= MINIMAP_TASKS)
                    .map(|g| view! { <GraphMinimap geometry=g zoom=zoom viewport=viewport on_jump=on_jump/> })
            }}
        </div>
    }
}
