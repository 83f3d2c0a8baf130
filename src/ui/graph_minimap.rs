//! An overview of a large graph: every task as a small box coloured by status and the visible area as
//! a frame; click or drag in it to move the view there. Drawn on a canvas, so 1,000 tasks cost one
//! redraw per change rather than 1,000 watchers.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::state::AppState;
use crate::engine::TaskStatus;
use crate::layout::Geometry;

/// Most width and height of the minimap in CSS pixels.
const MAX_WIDTH: f64 = 200.0;
const MAX_HEIGHT: f64 = 140.0;

/// The visible part of the graph: scroll offsets and the scroll box's size, in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Viewport {
    /// Horizontal scroll offset.
    pub left: f64,
    /// Vertical scroll offset.
    pub top: f64,
    /// Visible width.
    pub width: f64,
    /// Visible height.
    pub height: f64,
}

/// The page's colour (a CSS custom property of the root element) for a task status.
fn status_colour(style: &web_sys::CssStyleDeclaration, status: TaskStatus) -> String {
    let variable = match status {
        TaskStatus::Running => "--running-stroke",
        TaskStatus::Completed => "--completed-stroke",
        TaskStatus::Failed => "--failed-stroke",
        TaskStatus::Blocked | TaskStatus::Skipped => "--blocked-stroke",
        TaskStatus::Pending => "--pending-stroke",
    };
    style.get_property_value(variable).unwrap_or_default().trim().to_string()
}

/// The minimap of `geometry` (drawn at `zoom`, seen through `viewport`); `on_jump` gets the graph
/// point (in layout units) the user picked.
#[component]
pub fn GraphMinimap(
    geometry: Geometry,
    zoom: RwSignal<f64>,
    viewport: RwSignal<Viewport>,
    on_jump: Callback<(f64, f64)>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let scale = (MAX_WIDTH / geometry.width).min(MAX_HEIGHT / geometry.height);
    let (width, height) = (geometry.width * scale, geometry.height * scale);
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let boxes: Vec<(String, f64, f64, f64, f64)> = geometry
        .nodes
        .iter()
        .map(|n| (n.id.clone(), n.x * scale, n.y * scale, (n.width * scale).max(1.0), (n.height * scale).max(1.0)))
        .collect();
    Effect::new(move |_| {
        let (v, z) = (viewport.get(), zoom.get());
        let Some(canvas) = canvas.get() else { return };
        let Some(context) = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
        else {
            return;
        };
        let Some(style) = web_sys::window().and_then(|w| w.get_computed_style(&canvas).ok().flatten()) else {
            return;
        };
        context.clear_rect(0.0, 0.0, width, height);
        state.tasks.with(|tasks| {
            for (id, x, y, w, h) in &boxes {
                let status = tasks.get(id).map_or(TaskStatus::Pending, |s| s.status);
                context.set_fill_style_str(&status_colour(&style, status));
                context.fill_rect(*x, *y, *w, *h);
            }
        });
        context.set_stroke_style_str(&style.get_property_value("--focus").unwrap_or_default());
        context.set_line_width(1.5);
        let (x, y) = (v.left / z * scale, v.top / z * scale);
        context.stroke_rect(
            x,
            y,
            (v.width / z * scale).min(width - x).max(2.0),
            (v.height / z * scale).min(height - y).max(2.0),
        );
    });
    let dragging = StoredValue::new(false);
    let jump = move |ev: &leptos::ev::PointerEvent| {
        let Some(target) = ev.current_target() else { return };
        let rect = target.unchecked_ref::<web_sys::Element>().get_bounding_client_rect();
        let x = (f64::from(ev.client_x()) - rect.left()) / scale;
        let y = (f64::from(ev.client_y()) - rect.top()) / scale;
        on_jump.run((x, y));
    };
    view! {
        <canvas class="minimap" data-testid="minimap" node_ref=canvas width=width height=height
            role="img" aria-label="Overview of the whole graph; click to move the view"
            on:pointerdown=move |ev| { dragging.set_value(true); jump(&ev); }
            on:pointermove=move |ev| if dragging.get_value() { jump(&ev) }
            on:pointerup=move |_| dragging.set_value(false)
            on:pointerleave=move |_| dragging.set_value(false)>
        </canvas>
    }
}
