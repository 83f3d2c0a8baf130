//! Two runs side by side, one row per task: status, attempts, result (a line diff), tokens, cost
//! and latency; the tasks whose outcome differs are marked here and on the graph.

use leptos::prelude::*;

use crate::app::compare::close_comparison;
use crate::app::state::AppState;
use crate::engine::compare::{tokens, TaskComparison};
use crate::engine::TaskState;
use crate::line_diff::DiffLine;

/// `left → right` for one measure, or the single value when both runs agree.
fn pair(row: &TaskComparison, measure: impl Fn(&TaskState) -> String) -> String {
    let (left, right) = (measure(&row.left), measure(&row.right));
    if left == right {
        left
    } else {
        format!("{left} → {right}")
    }
}

fn cost(state: &TaskState) -> String {
    state.usage.cost_usd.map_or_else(|| "—".into(), |c| format!("${c:.4}"))
}

/// The comparison panel (shown while a comparison is open).
#[component]
pub fn RunComparison() -> impl IntoView {
    let state = expect_context::<AppState>();
    // Showing another workflow closes the comparison.
    Effect::new(move |_| {
        let shown = state.workflow_id.get();
        let stale = state
            .comparison
            .with_untracked(|c| c.as_ref().is_some_and(|c| shown.as_deref() != Some(c.right_id.as_str())));
        if stale {
            state.comparison.set(None);
        }
    });
    move || {
        state.comparison.get().map(|shown| {
            let rows = shown
                .comparison
                .rows
                .iter()
                .map(|row| {
                    let diff = row
                        .result_diff()
                        .into_iter()
                        .map(|line| match line {
                            DiffLine::Same(l) => view! { <div class="same">{format!("  {l}")}</div> },
                            DiffLine::Removed(l) => view! { <div class="removed">{format!("- {l}")}</div> },
                            DiffLine::Added(l) => view! { <div class="added">{format!("+ {l}")}</div> },
                        })
                        .collect_view();
                    let differs = row.differs();
                    view! {
                        <tr data-testid="compare-row" data-task-id=row.id.clone() data-differs=differs.to_string()
                            class:differs=differs>
                            <td>{format!("{} — {}", row.id, row.name)}</td>
                            <td>{pair(row, |s| s.status.as_str().to_string())}</td>
                            <td>{pair(row, |s| s.attempts.to_string())}</td>
                            <td><pre class="diff">{diff}</pre></td>
                            <td>{pair(row, |s| tokens(s).to_string())}</td>
                            <td>{pair(row, cost)}</td>
                            <td>{pair(row, |s| format!("{:.0} ms", s.usage.latency_ms))}</td>
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
