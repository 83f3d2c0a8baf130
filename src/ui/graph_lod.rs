//! The far-out view of a large graph: when its boxes would be too small to read, one canvas covering
//! the visible part draws every box there as a plain rectangle coloured by status, and the edges as
//! thin lines, instead of thousands of SVG nodes. Redrawn at most once a frame; a click zooms in there.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::graph_minimap::{status_colours, Viewport};
use super::graph_status::with_shown_states;
use super::reactive::effect;
use crate::app::state::AppState;
use crate::decimal::shortest;
use crate::engine::TaskStatus;
use crate::layout::{box_area, edge_area, Area, Geometry};

/// The far-out view of `geometry` drawn at `zoom` through `viewport` (CSS pixels); `on_pick` gets the
/// graph point (layout units) that was clicked.
#[component]
pub fn GraphLod(
    geometry: Arc<Geometry>,
    zoom: RwSignal<f64>,
    viewport: RwSignal<Viewport>,
    on_pick: Callback<(f64, f64)>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let scheduled = StoredValue::new(false);
    let paint = {
        let geometry = geometry.clone();
        move || {
            if scheduled.try_update_value(|s| *s = false).is_none() {
                return; // unmounted
            }
            let Some(canvas) = canvas.get_untracked() else { return };
            let (v, z) = (viewport.get_untracked(), zoom.get_untracked());
            draw(&canvas, &geometry, &state, v, z);
        }
    };
    // Any change of the view, the zoom or a state asks for one redraw in the next frame.
    effect(move |_| {
        viewport.track();
        zoom.track();
        with_shown_states(&state, |_| ());
        if !scheduled.get_value() {
            scheduled.set_value(true);
            request_animation_frame(paint.clone());
        }
    });
    let style = move || {
        let v = viewport.get();
        format!(
            "left:{}px;top:{}px;width:{}px;height:{}px",
            shortest(v.left),
            shortest(v.top),
            shortest(v.width),
            shortest(v.height)
        )
    };
    let pick = move |ev: leptos::ev::MouseEvent| {
        let (v, z) = (viewport.get_untracked(), zoom.get_untracked());
        on_pick.run(((v.left + f64::from(ev.offset_x())) / z, (v.top + f64::from(ev.offset_y())) / z));
    };
    view! {
        <canvas class="graph-lod" data-testid="graph-lod" node_ref=canvas style=style on:click=pick
            role="img" aria-label="The graph zoomed far out: click to zoom in there"></canvas>
    }
}

/// Draws the part of `geometry` seen through `v` at zoom `z` on `canvas`.
fn draw(canvas: &web_sys::HtmlCanvasElement, geometry: &Geometry, state: &AppState, v: Viewport, z: f64) {
    let (width, height) = (v.width.max(1.0) as u32, v.height.max(1.0) as u32);
    if canvas.width() != width || canvas.height() != height {
        canvas.set_width(width);
        canvas.set_height(height);
    }
    let Some(context) =
        canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let Some(style) = web_sys::window().and_then(|w| w.get_computed_style(canvas).ok().flatten()) else { return };
    context.clear_rect(0.0, 0.0, v.width, v.height);
    let seen = Area { x: v.left / z, y: v.top / z, width: v.width / z, height: v.height / z };
    context.set_stroke_style_str(&style.get_property_value("--pending-stroke").unwrap_or_default());
    context.set_line_width(1.0);
    context.begin_path();
    for edge in geometry.edges.iter().filter(|e| seen.meets(&edge_area(e))) {
        for (k, &(x, y)) in edge.points.iter().enumerate() {
            let (px, py) = (x * z - v.left, y * z - v.top);
            if k == 0 {
                context.move_to(px, py);
            } else {
                context.line_to(px, py);
            }
        }
    }
    context.stroke();
    let colours = status_colours(&style);
    let mut by_status: [Vec<(f64, f64, f64, f64)>; 5] = Default::default();
    untrack(|| {
        with_shown_states(state, |states| {
            for node in geometry.nodes.iter().filter(|n| seen.meets(&box_area(n))) {
                let status = states.get(&node.id).map_or(TaskStatus::Pending, |s| s.status);
                by_status[colour_slot(status)].push((
                    node.x * z - v.left,
                    node.y * z - v.top,
                    (node.width * z).max(1.0),
                    (node.height * z).max(1.0),
                ));
            }
        })
    });
    for (colour, boxes) in colours.iter().zip(&by_status) {
        context.set_fill_style_str(colour);
        for &(x, y, w, h) in boxes {
            context.fill_rect(x, y, w, h);
        }
    }
}

/// Which of [`status_colours`] a status is drawn in.
pub fn colour_slot(status: TaskStatus) -> usize {
    match status {
        TaskStatus::Pending => 0,
        TaskStatus::Running => 1,
        TaskStatus::Completed => 2,
        TaskStatus::Failed => 3,
        TaskStatus::Blocked | TaskStatus::Skipped => 4,
    }
}
