//! The question a tool call puts to the user before reaching a host that is not allowed yet:
//! the task, the tool, the method and the full URL, with Allow once, Allow this host and Deny.

use leptos::prelude::*;

use crate::app::actions::answer_egress;
use crate::app::state::AppState;
use crate::io::egress_gate::EgressDecision;

/// The prompt panel (shown only while a task's tool call waits; other tasks go on).
#[component]
pub fn EgressPrompt() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let (id, q) = state.egress.pending.with(|pending| pending.first().cloned())?;
        let waiting = state.egress.pending.with(Vec::len);
        let more =
            (waiting > 1).then(|| view! { <p class="hint">{format!("{} more requests wait.", waiting - 1)}</p> });
        Some(view! {
            <section class="panel proposal" data-testid="egress-prompt" role="dialog" aria-labelledby="egress-title">
                <h2 id="egress-title">{format!("Task {} wants to reach {}", q.task_id, q.host)}</h2>
                <p>"Tool " <code data-testid="egress-tool">{q.tool.clone()}</code> " sends "
                    <code data-testid="egress-method">{q.method.clone()}</code></p>
                <pre class="result-text" data-testid="egress-url">{q.url.clone()}</pre>
                <p class="hint">"A URL can carry your goal and earlier results to whoever runs that host. Only this task waits."</p>
                <div class="row">
                    <button data-testid="egress-allow-once" on:click=move |_| answer_egress(state, id, EgressDecision::AllowOnce)>
                        "Allow once"
                    </button>
                    <button data-testid="egress-allow-host" on:click=move |_| answer_egress(state, id, EgressDecision::AllowHost)>
                        "Allow this host for the workflow"
                    </button>
                    <button class="primary" data-testid="egress-deny" on:click=move |_| answer_egress(state, id, EgressDecision::Deny)>
                        "Deny"
                    </button>
                </div>
                {more}
            </section>
        })
    }
}
