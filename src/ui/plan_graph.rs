//! The plan drawn as an SVG DAG with live task status: zoom (buttons, Ctrl+wheel or pinch), pan (drag
//! or scroll), fit, keyboard moves between tasks, a minimap for large plans, subtasks drawn as labelled
//! clusters that collapse, and — before the run — dependencies added by dragging from box to box.
//!
//! Large plans stay smooth: beyond [`ALL_IN_DOM`] tasks only the boxes and edges near the visible part
//! are in the page (keyed lists, so scrolling adds and removes a few), and zoomed far out a canvas
//! ([`GraphLod`]) replaces them. Each box follows its own task's state, so a status change touches one
//! box; the drawing is redone (keeping the places of the boxes already drawn) only when the plan or the
//! folded clusters change. A plan opens fitted to the panel at a legible size, or at the legible size
//! showing its start.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use futures::FutureExt;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::graph_lod::GraphLod;
use super::graph_minimap::{GraphMinimap, Viewport};
use super::graph_node::{focus, GraphNode, NodeItem, Shared};
use super::graph_toolbar::GraphToolbar;
use super::reactive::{effect, memo};
use crate::app::editing::{add_dependency, can_edit, redo, undo};
use crate::app::state::AppState;
use crate::compute_request::{ComputeAnswer, ComputeRequest};
use crate::decimal::shortest;
use crate::io::compute::ComputeError;
use crate::layout::{
    box_area, boxes_in, clusters, drawn_area, edges_in, fit_zoom, neighbour, plain, Area, Direction, Geometry,
    LayoutOptions, LayoutRequest,
};
use crate::plan::collapse::collapsed_view;
use crate::plan::critical_path::critical_path;
use crate::plan::validate::{Issue, IssueKind};
use crate::plan::{Plan, TaskId};

/// Sizes of the drawing: compact boxes whose names wrap onto two lines.
pub const DRAWING: LayoutOptions =
    LayoutOptions { node_width: 160.0, node_height: 64.0, layer_gap: 44.0, node_gap: 16.0, margin: 12.0 };
/// Smallest zoom at which the boxes' text stays legible (13 px names, 12 px captions: 11 and 10 px on
/// screen). A plan opens at least this large.
pub const LEGIBLE_ZOOM: f64 = 0.85;
/// Zoom limits.
const ZOOM_MIN: f64 = 0.04;
const ZOOM_MAX: f64 = 3.0;
/// Below this zoom a large plan is drawn by the far-out view.
const FAR_ZOOM: f64 = 0.5;
/// Plans with at most this many tasks keep every box in the page (and are never drawn far out).
pub const ALL_IN_DOM: usize = 400;
/// Beyond the visible part, this share of its size is drawn on every side (scrolling shows no gaps).
const DRAWN_MARGIN: f64 = 0.4;
/// The drawn area moves in steps of this many layout units.
const DRAWN_GRID: f64 = 200.0;
/// Plans with at least this many tasks get a minimap.
const MINIMAP_TASKS: usize = 25;
/// Highest share of the window the graph's scroll box takes (as in the style sheet: `62vh`).
const PANEL_HEIGHT_SHARE: f64 = 0.62;

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

/// How many subtasks (at any depth) each task has.
fn subtask_counts(plan: &Plan) -> HashMap<TaskId, usize> {
    let parent: HashMap<&str, &str> =
        plan.tasks.iter().filter_map(|t| t.parent.as_deref().map(|p| (t.id.as_str(), p))).collect();
    let mut counts: HashMap<TaskId, usize> = HashMap::new();
    for task in &plan.tasks {
        let mut at = task.id.as_str();
        // A chain of parents is at most as long as the plan (a loop of parents stops there).
        for _ in 0..plan.tasks.len() {
            let Some(&up) = parent.get(at) else { break };
            if up == task.id {
                break;
            }
            *counts.entry(up.to_string()).or_default() += 1;
            at = up;
        }
    }
    counts
}

/// The drawing of the shown plan, and whether it was made afresh (a new plan, fitted to the panel when
/// it appears) or from the previous drawing (boxes already drawn keep their places).
#[derive(Debug, Clone, PartialEq)]
struct Drawing {
    geometry: Arc<Geometry>,
    plan: Arc<Plan>,
    workflow: Option<String>,
    fresh: bool,
}

/// Whether `plan` continues the drawing `previous` (at least half of either's tasks are in both).
fn continues(previous: &Geometry, plan: &Plan) -> bool {
    let drawn: HashSet<&str> = previous.nodes.iter().map(|n| n.id.as_str()).collect();
    let shared = plan.tasks.iter().filter(|t| drawn.contains(t.id.as_str())).count();
    shared > 0 && (2 * shared >= drawn.len() || 2 * shared >= plan.tasks.len())
}

/// Whether two plans have the same tasks with the same dependencies and parents, in the same order
/// (then they are drawn alike).
fn same_shape(a: &Plan, b: &Plan) -> bool {
    a.tasks.len() == b.tasks.len()
        && a.tasks
            .iter()
            .zip(&b.tasks)
            .all(|(x, y)| x.id == y.id && x.depends_on == y.depends_on && x.parent == y.parent)
}

/// An edge as drawn: its end tasks (plan indices), its curve and its marks. It is its own key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct EdgeItem {
    from: usize,
    to: usize,
    d: String,
    critical: bool,
    bad: bool,
}

/// A subtask cluster as drawn: its parent, label, nesting and bands.
#[derive(Debug, Clone, PartialEq)]
struct ClusterItem {
    parent: TaskId,
    label: String,
    nesting: usize,
    bands: Vec<(f64, f64, f64, f64)>,
}

/// The dependency graph. Click or press Enter on a node to inspect it.
#[component]
pub fn PlanGraph() -> impl IntoView {
    let state = expect_context::<AppState>();
    // The plan as drawn: the subtasks of collapsed tasks hidden.
    let shown = memo(move |_| {
        state
            .collapsed
            .with(|collapsed| state.plan.with(|p| p.as_ref().map(|p| Arc::new(collapsed_view(p, collapsed)))))
    });
    // Redrawn when the plan (or the folding) changes, never on a status change; a plan that continues
    // the previous drawing (streaming in, edited, re-planned, folded) keeps its boxes' places. The
    // app's compute draws it (the page's: the compute worker, off the main thread), one drawing at a
    // time: its answer is shown (a drawing of the plan as it was asked, consistent in itself), and a
    // plan that changed meanwhile is drawn next, from it — changes that come faster than drawings
    // are drawn together, never queued.
    let drawing = RwSignal::new(None::<Drawing>);
    let generation = StoredValue::new(0_u64);
    let in_flight = StoredValue::new(false);
    let draw_again = Trigger::new();
    let compute = state.env.with_value(|env| env.compute.clone());
    effect(move |_| {
        draw_again.track();
        let workflow = state.workflow_id.get();
        let plan = shown.get();
        generation.update_value(|g| *g += 1);
        let Some(plan) = plan else { return drawing.set(None) };
        let before = drawing.get_untracked().filter(|d| d.workflow == workflow && continues(&d.geometry, &plan));
        let request = match &before {
            // Only names or other words changed: the drawing stays as it is.
            Some(d) if same_shape(&d.plan, &plan) => {
                let geometry = d.geometry.clone();
                return drawing.set(Some(Drawing { geometry, plan, workflow, fresh: false }));
            }
            Some(d) => LayoutRequest::continuing(&d.geometry, &plan, &DRAWING),
            None => LayoutRequest::fresh(&plan, &DRAWING),
        };
        if in_flight.get_value() {
            return; // drawn once the drawing being made is in
        }
        in_flight.set_value(true);
        let (ours, large) = (generation.get_value(), plan.tasks.len() > ALL_IN_DOM);
        // Without the worker the plan is drawn plainly, in columns, and the page says why.
        let show = move |drawn: Result<ComputeAnswer, ComputeError>| {
            if in_flight.try_set_value(false).is_some() {
                return; // the graph is gone
            }
            let still_shown = state.workflow_id.try_get_untracked().flatten() == workflow
                && shown.try_with_untracked(Option::is_some) == Some(true);
            if still_shown {
                let geometry = drawn.and_then(|answer| match answer {
                    ComputeAnswer::Layout(geometry) => Ok(geometry),
                    _ => Err(ComputeError::BadAnswer("not a drawing".into())),
                });
                let geometry = geometry.unwrap_or_else(|e| {
                    state.error(format!("The plan is drawn in plain columns: {e} (reload the page to retry)."));
                    plain(&plan, &DRAWING)
                });
                drawing.set(Some(Drawing { geometry: Arc::new(geometry), plan, workflow, fresh: before.is_none() }));
            }
            if generation.get_value() != ours {
                draw_again.notify(); // the plan changed meanwhile
            }
        };
        // The worker answers in a task of its own. A compute that answers at once (the tests' in-place
        // one) shows a small plan before the effect ends, and a large one in a task of its own too,
        // after the page has answered what set it.
        let mut drawn = compute.run(ComputeRequest::Layout(request));
        match (&mut drawn).now_or_never() {
            Some(answer) if !large => show(answer),
            answer => leptos::task::spawn_local(async move {
                let answer = match answer {
                    Some(answer) => {
                        gloo_timers::future::TimeoutFuture::new(0).await;
                        answer
                    }
                    None => drawn.await,
                };
                show(answer)
            }),
        }
    });
    let geometry = memo(move |_| drawing.with(|d| d.as_ref().map(|d| d.geometry.clone())));
    let large = memo(move |_| geometry.with(|g| g.as_ref().is_some_and(|g| g.nodes.len() > ALL_IN_DOM)));
    // Critical path computed by Planwright (not the one the plan claims).
    let critical_ids = memo(move |_| state.plan.with(|p| p.as_ref().map(critical_path).unwrap_or_default()));
    let critical = memo(move |_| critical_ids.with(|path| path.iter().cloned().collect::<HashSet<_>>()));
    let critical_edges = memo(move |_| {
        critical_ids.with(|path| path.windows(2).map(|w| (w[0].clone(), w[1].clone())).collect::<HashSet<_>>())
    });
    let bad_edges = memo(move |_| state.issues.with(|issues| cycle_edges(issues)));
    let invalid = memo(move |_| {
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
    let subtasks = memo(move |_| state.plan.with(|p| p.as_ref().map(subtask_counts).unwrap_or_default()));
    let selection = Selector::new(move || state.selected.get());
    let nothing_selected = memo(move |_| state.selected.with(Option::is_none));
    // A clock for the elapsed time of running tasks.
    let now = RwSignal::new(js_sys::Date::now());
    if let Ok(handle) =
        set_interval_with_handle(move || now.set(js_sys::Date::now()), std::time::Duration::from_millis(500))
    {
        on_cleanup(move || handle.clear());
    }
    let zoom = RwSignal::new(1.0_f64);
    let viewport = RwSignal::new(Viewport::default());
    // Set while the whole graph is drawn for an export.
    let whole = RwSignal::new(false);
    let far = memo(move |_| large.get() && !whole.get() && zoom.get() < FAR_ZOOM);
    // The part of the drawing put in the page (None: all of it).
    let drawn = memo(move |_| {
        if !large.get() || whole.get() {
            return None;
        }
        let (v, z) = (viewport.get(), zoom.get());
        let seen = Area { x: v.left / z, y: v.top / z, width: v.width / z, height: v.height / z };
        Some(drawn_area(seen, DRAWN_MARGIN, DRAWN_GRID))
    });
    let container = NodeRef::<leptos::html::Div>::new();
    // Whether the graph is still mounted (a frame callback may come after it is gone).
    let alive = move || zoom.try_get_untracked().is_some();
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
    // Centres the view on a graph point (layout units).
    let on_jump = Callback::new(move |(x, y): (f64, f64)| {
        if let Some(el) = container.get_untracked() {
            let z = zoom.get_untracked();
            el.set_scroll_left((x * z - el.client_width() as f64 / 2.0) as i32);
            el.set_scroll_top((y * z - el.client_height() as f64 / 2.0) as i32);
            measure();
        }
    });
    // Sets the zoom, then (once the drawing has its new size) centres the view on `centre`.
    let zoom_around = move |z: f64, centre: (f64, f64)| {
        zoom.set(z.clamp(ZOOM_MIN, ZOOM_MAX));
        request_animation_frame(move || {
            if alive() {
                on_jump.run(centre);
            }
        });
    };
    let view_centre = move || {
        let v = viewport.get_untracked();
        let z = zoom.get_untracked();
        ((v.left + v.width / 2.0) / z, (v.top + v.height / 2.0) / z)
    };
    let fit = Callback::new(move |()| {
        let (Some(el), Some(g)) = (container.get_untracked(), geometry.get_untracked()) else { return };
        let window_height =
            web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()).unwrap_or(800.0);
        let panel = (el.client_width() as f64 - 8.0, (window_height * PANEL_HEIGHT_SHARE - 8.0).max(160.0));
        let (z, fits) = fit_zoom(panel, (g.width, g.height), LEGIBLE_ZOOM);
        zoom.set(z);
        // Too large to show whole at a legible size: show its start (the top of the first column).
        let start =
            if fits { 0.0 } else { g.nodes.iter().filter(|n| n.layer == 0).map(|n| n.y).fold(f64::INFINITY, f64::min) };
        request_animation_frame(move || {
            if !alive() {
                return;
            }
            if let Some(el) = container.get_untracked() {
                el.set_scroll_left(0);
                el.set_scroll_top(if start.is_finite() { ((start - DRAWING.margin) * z).max(0.0) as i32 } else { 0 });
            }
            measure();
        });
        measure();
    });
    // Fit a new plan to the panel (not one that continues the drawing: its boxes stay where they are).
    effect(move |_| {
        if drawing.with(|d| d.as_ref().is_some_and(|d| d.fresh)) {
            fit.run(());
        }
    });
    let zoom_by = Callback::new(move |factor: f64| zoom_around(zoom.get_untracked() * factor, view_centre()));
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
    let focus_request = StoredValue::new(None::<TaskId>);
    let on_port = Callback::new(move |(from, ev): (TaskId, leptos::ev::PointerEvent)| {
        let start = geometry.with_untracked(|g| {
            g.as_ref()?.nodes.iter().find(|n| n.id == from).map(|n| (n.x + n.width, n.y + n.height / 2.0))
        });
        if let (Some((x0, y0)), Some((x, y))) = (start, graph_point(&ev)) {
            connecting.set(Some(Connecting { from, x0, y0, x, y }));
        }
    });
    // The selected task is scrolled into view (and so drawn), at a legible size if the view was far out.
    effect(move |_| {
        let Some(id) = state.selected.get() else { return };
        let Some(target) = geometry.with_untracked(|g| g.as_ref()?.nodes.iter().find(|n| n.id == id).map(box_area))
        else {
            return;
        };
        let centre = (target.x + target.width / 2.0, target.y + target.height / 2.0);
        if far.get_untracked() {
            return zoom_around(LEGIBLE_ZOOM.max(1.0), centre);
        }
        // The view as it is now (a scroll may not have been reported yet).
        measure();
        let (v, z) = (viewport.get_untracked(), zoom.get_untracked());
        let seen = Area { x: v.left / z, y: v.top / z, width: v.width / z, height: v.height / z };
        if v.width > 0.0 && !seen.holds(&target) {
            on_jump.run(centre);
        }
    });
    let on_move = Callback::new(move |(from, direction): (TaskId, Direction)| {
        let target = geometry.with_untracked(|g| {
            let nodes = &g.as_ref()?.nodes;
            let here = nodes.iter().position(|n| n.id == from)?;
            neighbour(nodes, here, direction).map(|k| nodes[k].id.clone())
        });
        let Some(id) = target else { return };
        // Focused now if drawn, else when it is drawn (once scrolled into view).
        match container.get_untracked().and_then(|c| node_element(&c, &id)) {
            Some(element) => focus(&element),
            None => focus_request.set_value(Some(id.clone())),
        }
        state.selected.set(Some(id.clone()));
        // Once the view has moved, the box has the focus unless something else took it meanwhile.
        request_animation_frame(move || {
            if !alive() || focus_request.with_value(|r| r.as_deref() != Some(id.as_str())) {
                return;
            }
            if let Some(element) = container.get_untracked().and_then(|c| node_element(&c, &id)) {
                focus_request.set_value(None);
                focus(&element);
            }
        });
    });
    let editable = memo(move |_| can_edit(&state));
    let shared = Shared { selection, nothing_selected, editable, now, focus_request, on_move, on_port };
    let on_pick = Callback::new(move |point: (f64, f64)| zoom_around(1.0, point));

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

    // What is drawn: the boxes, edges and clusters in the drawn area (all of them for a small plan),
    // nothing of them when the far-out view draws the graph.
    let node_items = memo(move |_| {
        if far.get() {
            return Vec::new();
        }
        let area = drawn.get();
        drawing.with(|d| {
            let Some(Drawing { geometry: g, plan, .. }) = d else { return Vec::new() };
            let picked = area.map_or_else(|| (0..g.nodes.len()).collect(), |a| boxes_in(&g.nodes, &a));
            {
                let (critical, invalid) = (critical.read(), invalid.read());
                let (subtasks, collapsed) = (subtasks.read(), state.collapsed.read());
                picked
                    .into_iter()
                    .map(|k| {
                        let node = g.nodes[k].clone();
                        let task = plan
                            .tasks
                            .get(node.index)
                            .cloned()
                            .unwrap_or_else(|| crate::plan::Task::new(&node.id, &node.id, &[]));
                        NodeItem {
                            subtasks: subtasks.get(&node.id).copied().unwrap_or(0),
                            collapsed: collapsed.contains(&node.id),
                            critical: critical.contains(&node.id),
                            invalid: invalid.contains(&node.id),
                            node,
                            task,
                        }
                    })
                    .collect()
            }
        })
    });
    // Every edge and cluster with its marks, once per drawing; the drawn area then picks among them.
    let all_edges = memo(move |_| {
        geometry.with(|g| {
            let Some(g) = g else { return Arc::new(Vec::new()) };
            let ids: HashMap<usize, &str> = g.nodes.iter().map(|n| (n.index, n.id.as_str())).collect();
            let (critical_edges, bad_edges) = (critical_edges.read(), bad_edges.read());
            let items = g
                .edges
                .iter()
                .map(|e| {
                    let id = |index: usize| ids.get(&index).copied().unwrap_or_default().to_string();
                    let key = (id(e.from), id(e.to));
                    EdgeItem {
                        from: e.from,
                        to: e.to,
                        d: e.d.clone(),
                        critical: critical_edges.contains(&key),
                        bad: bad_edges.contains(&key),
                    }
                })
                .collect();
            Arc::new(items)
        })
    });
    let all_clusters = memo(move |_| {
        drawing.with(|d| {
            let Some(Drawing { geometry: g, plan, .. }) = d else { return Arc::new(Vec::new()) };
            let items = clusters(plan, &g.nodes, &DRAWING)
                .into_iter()
                .map(|c| ClusterItem {
                    label: plan.task(&c.parent).map(|t| format!("{} — {}", t.id, t.name)).unwrap_or_default(),
                    nesting: c.height.min(3),
                    bands: c.bands,
                    parent: c.parent,
                })
                .collect();
            Arc::new(items)
        })
    });
    let edge_items = memo(move |_| {
        if far.get() {
            return Vec::new();
        }
        let area = drawn.get();
        let all = all_edges.get();
        match area {
            None => all.to_vec(),
            Some(a) => geometry.with(|g| {
                g.as_ref()
                    .map_or_else(Vec::new, |g| edges_in(&g.edges, &a).into_iter().map(|k| all[k].clone()).collect())
            }),
        }
    });
    let cluster_items = memo(move |_| {
        if far.get() {
            return Vec::new();
        }
        let area = drawn.get();
        all_clusters.with(|all| {
            all.iter()
                .filter(|c| {
                    area.is_none_or(|a| {
                        c.bands.iter().any(|&(x, y, width, height)| a.meets(&Area { x, y, width, height }))
                    })
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let has_drawing = memo(move |_| geometry.with(Option::is_some));
    let size = move || geometry.with(|g| g.as_ref().map_or((0.0, 0.0), |g| (g.width, g.height)));
    let line = move || {
        connecting.get().map(|c| {
            view! { <line class="connect-line" data-testid="connect-line" x1=shortest(c.x0) y1=shortest(c.y0) x2=shortest(c.x) y2=shortest(c.y)></line> }
        })
    };
    let lod = move || {
        far.get()
            .then(|| geometry.get())
            .flatten()
            .map(|g| view! { <GraphLod geometry=g zoom=zoom viewport=viewport on_pick=on_pick/> })
    };
    let svg = move || {
        view! {
            <svg
                class="plan-graph"
                data-testid="plan-graph"
                data-drawn=move || if far.get() { "far" } else if drawn.with(Option::is_some) { "near" } else { "all" }
                width=move || shortest(size().0 * zoom.get())
                height=move || shortest(size().1 * zoom.get())
                viewBox=move || { let (w, h) = size(); format!("0 0 {} {}", shortest(w), shortest(h)) }
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
                // Few and rarely changed: redrawn together when the set near the view changes.
                <g class="clusters">
                    {move || cluster_items.get().into_iter().map(|c| view! {
                        <g class=format!("cluster nesting-{}", c.nesting) data-testid="cluster" data-parent=c.parent.clone()>
                            {c.bands.iter().map(|&(x, y, w, h)| view! { <rect x=shortest(x) y=shortest(y) width=shortest(w) height=shortest(h) rx="10"></rect> }).collect_view()}
                            <text class="cluster-label" x=shortest(c.bands[0].0 + 10.0) y=shortest(c.bands[0].1 + 15.0)>{c.label.clone()}</text>
                        </g>
                    }).collect_view()}
                </g>
                <g class="edges">
                    <For each=move || edge_items.get() key=EdgeItem::clone let:e>
                        <path class="edge" class:critical=e.critical class:invalid=e.bad d=e.d.clone()
                            marker-end=if e.bad { "url(#arrow-bad)" } else { "url(#arrow)" }></path>
                    </For>
                </g>
                <g class="nodes">
                    <For each=move || node_items.get() key=NodeItem::key let:item>
                        <GraphNode item=item shared=shared.clone()/>
                    </For>
                </g>
                {line}
            </svg>
            {lod}
        }
    };

    view! {
        <div class="panel graph-panel">
            {move || has_drawing.get().then(|| view! { <GraphToolbar zoom=zoom zoom_by=zoom_by fit=fit whole=whole/> })}
            <div class="graph-scroll" node_ref=container on:wheel=on_wheel on:pointerdown=on_pointer_down
                on:pointermove=on_pointer_move on:pointerup=on_pointer_up on:pointerleave=end_drag
                on:scroll=move |_| measure()>
                {move || if has_drawing.get() {
                    svg.clone()().into_any()
                } else {
                    view! {
                        <p class="empty-graph">"Type a goal and press Plan (or pick a template) to see the plan as a graph."</p>
                    }.into_any()
                }}
            </div>
            {move || {
                geometry.get().filter(|g| g.nodes.len() >= MINIMAP_TASKS)
                    .map(|g| view! { <GraphMinimap geometry=g zoom=zoom viewport=viewport on_jump=on_jump/> })
            }}
        </div>
    }
}
