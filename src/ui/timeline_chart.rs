//! The run as a Gantt chart: one bar per task, one lane per concurrency slot, coloured by outcome.

use leptos::prelude::*;

use crate::app::state::AppState;
use crate::decimal::{fixed, shortest};
use crate::engine::timeline::timeline;

/// Drawing width of the chart in SVG units (it scales to the panel).
const WIDTH: f64 = 1000.0;
/// Height of one lane.
const LANE: f64 = 22.0;
/// Above this many tasks the chart is drawn only when asked, so it never slows a large run down.
const AUTO_DRAW_TASKS: usize = 300;

/// The timeline panel (hidden until a task has started).
#[component]
pub fn TimelineChart() -> impl IntoView {
    let state = expect_context::<AppState>();
    let now = RwSignal::new(js_sys::Date::now());
    if let Ok(handle) =
        set_interval_with_handle(move || now.set(js_sys::Date::now()), std::time::Duration::from_millis(500))
    {
        on_cleanup(move || handle.clear());
    }
    let show_large = RwSignal::new(false);
    let chart = move || {
        let planned = state.plan.with(|p| p.as_ref().map_or(0, |p| p.tasks.len()));
        let large = planned.max(state.tasks.with(|t| t.len())) > AUTO_DRAW_TASKS;
        if large && !show_large.get() {
            return Some(
                view! {
                    <section class="panel timeline" aria-label="Run timeline">
                        <button on:click=move |_| show_large.set(true)>"Show the timeline"</button>
                    </section>
                }
                .into_any(),
            );
        }
        // A past moment is drawn at its own time.
        let at = state.travel.shown_time().unwrap_or_else(|| now.get());
        let t = state.tasks.with(|tasks| timeline(tasks.iter(), at));
        if t.bars.is_empty() {
            return None;
        }
        let span = (t.end_ms - t.start_ms).max(1.0);
        let height = t.lanes as f64 * LANE + 4.0;
        let names = state.plan.with(|p| p.clone().unwrap_or_default());
        let bars = t
            .bars
            .iter()
            .map(|b| {
                let x = (b.start_ms - t.start_ms) / span * WIDTH;
                let w = ((b.end_ms - b.start_ms) / span * WIDTH).max(2.0);
                let name = names.task(&b.task_id).map(|t| t.name.clone()).unwrap_or_default();
                let title = format!(
                    "{} {} · {} · {} s · {} attempt(s)",
                    b.task_id,
                    name,
                    b.status.as_str(),
                    fixed((b.end_ms - b.start_ms) / 1000.0, 1),
                    b.attempts
                );
                view! {
                    <g class=format!("bar status-{}", b.status.as_str()) data-testid="timeline-bar">
                        <title>{title}</title>
                        <rect x=shortest(x) y=shortest(b.lane as f64 * LANE + 2.0) width=shortest(w)
                            height=shortest(LANE - 4.0) rx="3"></rect>
                        <text x=shortest(x + 4.0) y=shortest(b.lane as f64 * LANE + 15.0)>{b.task_id.clone()}</text>
                    </g>
                }
            })
            .collect_view();
        Some(
            view! {
                <section class="panel timeline" aria-label="Run timeline">
                    <h2>{format!("Timeline · {} lane(s) · {} s", t.lanes, fixed(span / 1000.0, 1))}</h2>
                    <svg class="timeline-chart" data-testid="timeline" viewBox=format!("0 0 {} {}", shortest(WIDTH), shortest(height))
                        width="100%">
                        {bars}
                    </svg>
                </section>
            }
            .into_any(),
        )
    };
    move || chart()
}
