//! An overview of a large graph: every task as a small box coloured by status and the visible area as
//! a frame; click or drag in it to move the view there. Drawn on a canvas, so 1,000 tasks cost one
//! redraw per change rather than 1,000 watchers.

use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::graph_lod::colour_slot;
use super::graph_status::with_shown_states;
use super::reactive::effect;
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

/// The page's colours (CSS custom properties of the root element) of the task statuses, in the order of
/// [`colour_slot`]: pending, running, completed, failed, blocked or skipped.
pub fn status_colours(style: &web_sys::CssStyleDeclaration) -> [String; 5] {
    ["--pending-stroke", "--running-stroke", "--completed-stroke", "--failed-stroke", "--blocked-stroke"]
        .map(|variable| style.get_property_value(variable).unwrap_or_default().trim().to_string())
}

/// The 2D context of `canvas`.
fn context_2d(canvas: &web_sys::HtmlCanvasElement) -> Option<web_sys::CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten()?.dyn_into().ok()
}

/// The computed style of `element` (where the theme's colours are read).
fn computed_style(element: &web_sys::Element) -> Option<web_sys::CssStyleDeclaration> {
    web_sys::window()?.get_computed_style(element).ok().flatten()
}

/// The minimap of `geometry` (drawn at `zoom`, seen through `viewport`); `on_jump` gets the graph
/// point (in layout units) the user picked.
#[component]
pub fn GraphMinimap(
    geometry: Arc<Geometry>,
    zoom: RwSignal<f64>,
    viewport: RwSignal<Viewport>,
    on_jump: Callback<(f64, f64)>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let scale = (MAX_WIDTH / geometry.width).min(MAX_HEIGHT / geometry.height);
    let (width, height) = (geometry.width * scale, geometry.height * scale);
    // Two layers: the boxes (redrawn where a state changed) and the frame of the view (redrawn as it moves).
    let boxes_canvas = NodeRef::<leptos::html::Canvas>::new();
    let frame_canvas = NodeRef::<leptos::html::Canvas>::new();
    let boxes: Rc<Vec<(String, f64, f64, f64, f64)>> = Rc::new(
        geometry
            .nodes
            .iter()
            .map(|n| (n.id.clone(), n.x * scale, n.y * scale, (n.width * scale).max(1.0), (n.height * scale).max(1.0)))
            .collect(),
    );
    // The colour slot each box was last painted in (none yet: paint them all).
    let painted = StoredValue::new_local(Vec::<u8>::new());
    let boxes_scheduled = StoredValue::new(false);
    let paint_boxes = move || {
        if boxes_scheduled.try_update_value(|s| *s = false).is_none() {
            return; // unmounted
        }
        let Some(canvas) = boxes_canvas.get_untracked() else { return };
        let (Some(context), Some(style)) = (context_2d(&canvas), computed_style(&canvas)) else { return };
        let colours = status_colours(&style);
        let slots: Vec<u8> = untrack(|| {
            with_shown_states(&state, |tasks| {
                boxes
                    .iter()
                    .map(|(id, ..)| colour_slot(tasks.get(id).map_or(TaskStatus::Pending, |s| s.status)) as u8)
                    .collect()
            })
        });
        painted.update_value(|before| {
            let all = before.len() != slots.len();
            for (slot, colour) in colours.iter().enumerate() {
                context.set_fill_style_str(colour);
                for (k, (_, x, y, w, h)) in boxes.iter().enumerate() {
                    if usize::from(slots[k]) == slot && (all || before[k] != slots[k]) {
                        context.fill_rect(*x, *y, *w, *h);
                    }
                }
            }
            *before = slots;
        });
    };
    let frame_scheduled = StoredValue::new(false);
    let paint_frame = move || {
        if frame_scheduled.try_update_value(|s| *s = false).is_none() {
            return; // unmounted
        }
        let (v, z) = (viewport.get_untracked(), zoom.get_untracked());
        let Some(canvas) = frame_canvas.get_untracked() else { return };
        let (Some(context), Some(style)) = (context_2d(&canvas), computed_style(&canvas)) else { return };
        context.clear_rect(0.0, 0.0, width, height);
        context.set_stroke_style_str(&style.get_property_value("--focus").unwrap_or_default());
        context.set_line_width(1.5);
        let (x, y) = (v.left / z * scale, v.top / z * scale);
        context.stroke_rect(
            x,
            y,
            (v.width / z * scale).min(width - x).max(2.0),
            (v.height / z * scale).min(height - y).max(2.0),
        );
    };
    // Each change asks for one redraw of its layer in the next frame.
    effect(move |_| {
        boxes_canvas.track();
        with_shown_states(&state, |_| ());
        if !boxes_scheduled.get_value() {
            boxes_scheduled.set_value(true);
            request_animation_frame(paint_boxes.clone());
        }
    });
    effect(move |_| {
        viewport.track();
        zoom.track();
        frame_canvas.track();
        if !frame_scheduled.get_value() {
            frame_scheduled.set_value(true);
            request_animation_frame(paint_frame);
        }
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
        <div class="minimap" role="img" aria-label="Overview of the whole graph; click to move the view"
            on:pointerdown=move |ev| { dragging.set_value(true); jump(&ev); }
            on:pointermove=move |ev| if dragging.get_value() { jump(&ev) }
            on:pointerup=move |_| dragging.set_value(false)
            on:pointerleave=move |_| dragging.set_value(false)>
            // A canvas's size is whole pixels (the browser reads `123.4` as 123 too).
            <canvas data-testid="minimap" node_ref=boxes_canvas width=width as u32 height=height as u32></canvas>
            <canvas class="minimap-frame" node_ref=frame_canvas width=width as u32 height=height as u32></canvas>
        </div>
    }
}
