//! An overview of a large graph: every task as a small coloured box and the visible area as a frame;
//! click or drag in it to move the view there.

use leptos::prelude::*;

use crate::app::state::AppState;
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
    let boxes = geometry
        .nodes
        .iter()
        .map(|n| {
            let cell = state.tasks.cell(&n.id);
            view! {
                <rect class=move || format!("mini-node status-{}", cell.with(|s| s.status.as_str()))
                    x=n.x * scale y=n.y * scale width=(n.width * scale).max(1.0) height=(n.height * scale).max(1.0)></rect>
            }
        })
        .collect_view();
    let frame = move || {
        let (v, z) = (viewport.get(), zoom.get());
        let x = v.left / z * scale;
        let y = v.top / z * scale;
        (x, y, (v.width / z * scale).min(width - x), (v.height / z * scale).min(height - y))
    };
    let dragging = StoredValue::new(false);
    let jump = move |ev: &leptos::ev::PointerEvent| {
        let Some(target) = ev.current_target() else { return };
        let rect = wasm_bindgen::JsCast::unchecked_ref::<web_sys::Element>(&target).get_bounding_client_rect();
        let x = (f64::from(ev.client_x()) - rect.left()) / scale;
        let y = (f64::from(ev.client_y()) - rect.top()) / scale;
        on_jump.run((x, y));
    };
    view! {
        <svg class="minimap" data-testid="minimap" width=width height=height viewBox=format!("0 0 {width} {height}")
            role="img" aria-label="Overview of the whole graph; click to move the view"
            on:pointerdown=move |ev| { dragging.set_value(true); jump(&ev); }
            on:pointermove=move |ev| if dragging.get_value() { jump(&ev) }
            on:pointerup=move |_| dragging.set_value(false)
            on:pointerleave=move |_| dragging.set_value(false)>
            {boxes}
            <rect class="mini-frame" data-testid="minimap-frame" x=move || frame().0 y=move || frame().1
                width=move || frame().2.max(2.0) height=move || frame().3.max(2.0)></rect>
        </svg>
    }
}
