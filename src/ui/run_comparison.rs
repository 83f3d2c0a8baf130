//! Two runs side by side, one row per task: status, attempts, result (a line diff), tokens, cost
//! and latency; the tasks whose outcome differs are marked here and on the graph.

use leptos::prelude::*;

use crate::app::compare::close_comparison;
use crate::app::state::AppState;
use crate::decimal::fixed;
use crate::engine::compare::{tokens, TaskComparison};
use crate::engine::TaskState;
use crate::line_diff::DiffLine;

/// `left → right` for one measure, or the single value when both runs agree.
fn pair(row: &TaskComparison, measure: fn(&TaskState) -> String) -> String {
    let (left, right) = (measure(&row.left), measure(&row.right));
    if left == right {
        left
    } else {
        format!("{left} → {right}")
    }
}

fn status(state: &TaskState) -> String {
    state.status.as_str().to_string()
}

fn attempts(state: &TaskState) -> String {
    state.attempts.to_string()
}

fn token_count(state: &TaskState) -> String {
    tokens(state).to_string()
}

fn latency(state: &TaskState) -> String {
    format!("{} ms", fixed(state.usage.latency_ms, 0))
}

fn cost(state: &TaskState) -> String {
    state.usage.cost_usd.map_or_else(|| "—".into(), |c| format!("${}", fixed(c, 4)))
}

/// The comparison panel (shown while a comparison is open).
#[component]
pub fn RunComparison() -> impl IntoView {
    let state = expect_context::<AppState>();
    // Shown while its right run is the one on the graph.
    move || {
        let shown =
            state.comparison.get().filter(|c| state.workflow_id.with(|w| w.as_deref() == Some(c.right_id.as_str())));
        shown.map(|shown| {
            let rows = shown
                .comparison
                .rows
                .iter()
                .map(|row| {
                    let diff = row
                        .result_diff()
                        .into_iter()
                        .map(|line| {
                            let (class, text) = match line {
                                DiffLine::Same(l) => ("same", format!("  {l}")),
                                DiffLine::Removed(l) => ("removed", format!("- {l}")),
                                DiffLine::Added(l) => ("added", format!("+ {l}")),
                            };
                            view! { <div class=class>{text}</div> }
                        })
                        .collect_view();
                    let differs = row.differs();
                    view! {
                        <tr data-testid="compare-row" data-task-id=row.id.clone() data-differs=differs.to_string()
                            class:differs=differs>
                            <td>{format!("{} — {}", row.id, row.name)}</td>
                            <td>{pair(row, status)}</td>
                            <td>{pair(row, attempts)}</td>
                            <td><pre class="diff">{diff}</pre></td>
                            <td>{pair(row, token_count)}</td>
                            <td>{pair(row, cost)}</td>
                            <td>{pair(row, latency)}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <section class="panel comparison" data-testid="comparison" aria-label="Run comparison">
                    <h2>{format!("{} → {} · {} task(s) differ", shown.left_id, shown.right_id, shown.comparison.differing.len())}</h2>
                    <button data-testid="compare-close" on:click=move |_| close_comparison(state)>"Close"</button>
                    <table class="compare-table">
                        <tr><th>"Task"</th><th>"Status"</th><th>"Attempts"</th><th>"Result (− first run, + second)"</th>
                            <th>"Tokens"</th><th>"Cost"</th><th>"Latency"</th></tr>
                        {rows}
                    </table>
                </section>
            }
        })
    }
}
