//! A re-plan waiting for approval: what it removes and adds, with Apply and Reject.

use leptos::prelude::*;

use crate::app::actions::decide_replan;
use crate::app::state::AppState;
use crate::plan::Plan;

/// `id — name` for each of `ids`, names looked up in `plan`.
fn described(plan: Option<&Plan>, ids: &[String]) -> Vec<String> {
    ids.iter()
        .map(|id| match plan.and_then(|p| p.task(id)) {
            Some(task) => format!("{id} — {}", task.name),
            None => id.clone(),
        })
        .collect()
}

/// The approval panel (shown only while a re-plan waits; nothing new starts meanwhile).
#[component]
pub fn ReplanApproval() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state.proposal.get().map(|p| {
            let removed = state.plan.with(|old| described(old.as_ref(), &p.removed));
            let added = described(Some(&p.plan), &p.added);
            let list = |items: Vec<String>, test_id: &'static str| {
                if items.is_empty() {
                    view! { <p class="hint" data-testid=test_id>"none"</p> }.into_any()
                } else {
                    view! { <ul data-testid=test_id>{items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul> }
                        .into_any()
                }
            };
            view! {
                <section class="panel proposal" data-testid="replan-proposal" role="dialog" aria-labelledby="proposal-title">
                    <h2 id="proposal-title">{format!("Re-plan #{} waits for your approval", p.number)}</h2>
                    <p class="replan-trigger">{format!("after: {}", p.trigger)}</p>
                    <h3 class="subhead">"Removes"</h3>
                    {list(removed, "proposal-removed")}
                    <h3 class="subhead">"Adds"</h3>
                    {list(added, "proposal-added")}
                    <p class="hint">"Completed and running tasks are kept either way. Nothing new starts until you decide."</p>
                    <div class="row">
                        <button class="primary" data-testid="approve-replan" on:click=move |_| decide_replan(state, true)>
                            "Apply re-plan"
                        </button>
                        <button data-testid="reject-replan" on:click=move |_| decide_replan(state, false)>
                            "Reject, keep the plan"
                        </button>
                    </div>
                </section>
            }
        })
    }
}
