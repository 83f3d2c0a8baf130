//! Advanced provider settings: streaming and structured-output switches, the price table, user
//! tools, the hosts tool calls may reach, and the prompts (viewable, editable, resettable).

use futures::future::{ready, FutureExt, LocalBoxFuture};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::state::AppState;
use crate::llm::prompt::PromptSet;
use crate::llm::settings::ProviderSettings;

/// How a [`CheckedText`]'s text is checked.
#[derive(Clone, Copy)]
enum Check {
    /// In the page, by this function.
    Here(fn(&ProviderSettings) -> Result<(), String>),
    /// As user tools, by the provider worker (where the tools are).
    UserTools,
}

impl Check {
    /// Checks `candidate` settings: `Ok` or what is wrong.
    fn run(self, state: AppState, candidate: &ProviderSettings) -> LocalBoxFuture<'static, Result<(), String>> {
        match self {
            Check::Here(check) => ready(check(candidate)).boxed_local(),
            Check::UserTools => {
                let names = state.env.with_value(|env| env.providers.tool_names(candidate, Vec::new()));
                async move { names.await.map(|_| ()) }.boxed_local()
            }
        }
    }
}

/// A settings text area whose text is checked on change; a bad edit is kept in the box and
/// explained, and the previous valid value stays in force.
#[component]
fn CheckedText(
    test_id: &'static str,
    label: &'static str,
    rows: u32,
    get: fn(&ProviderSettings) -> String,
    set: fn(&mut ProviderSettings, String),
    check: Check,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let problem = RwSignal::new(None::<String>);
    let on_change = move |ev: leptos::ev::Event| {
        let mut candidate = state.settings.get_untracked();
        set(&mut candidate, event_target_value(&ev));
        let checked = check.run(state, &candidate);
        spawn_local(async move {
            match checked.await {
                Ok(()) => {
                    problem.set(None);
                    state.settings.set(candidate);
                }
                Err(message) => problem.set(Some(message)),
            }
        });
    };
    view! {
        <label>{label}</label>
        <textarea data-testid=test_id rows=rows spellcheck="false" prop:value=move || state.settings.with(get) on:change=on_change></textarea>
        {move || problem.get().map(|p| view! { <p class="warning" role="alert">{p}</p> })}
    }
}

/// The "Advanced" section of the settings panel.
#[component]
pub fn AdvancedSettings() -> impl IntoView {
    let state = expect_context::<AppState>();
    let reset_prompts = move |_| {
        state.settings.update(|s| s.prompts = PromptSet::default());
        state.info("Prompts reset to the built-in set.");
    };
    view! {
        <details class="advanced">
            <summary>"Advanced: streaming, prices, tools, prompts"</summary>
            <label class="checkbox">
                <input type="checkbox" data-testid="stream-input" prop:checked=move || state.settings.with(|s| s.stream)
                    on:change=move |ev| state.settings.update(|s| s.stream = event_target_checked(&ev))/>
                "Stream answers (SSE); falls back to plain answers"
            </label>
            <label class="checkbox">
                <input type="checkbox" data-testid="structured-input" prop:checked=move || state.settings.with(|s| s.structured)
                    on:change=move |ev| state.settings.update(|s| s.structured = event_target_checked(&ev))/>
                "Ask for plans with a JSON Schema (structured output)"
            </label>
            <label for="read-timeout">"Read timeout: a streamed answer that sends nothing for this many seconds is cut and retried (apart from the task timeout)"</label>
            <input id="read-timeout" data-testid="read-timeout-input" type="number" min="1" max="3600"
                prop:value=move || state.settings.with(|s| s.read_timeout_secs.to_string())
                on:change=move |ev| {
                    let secs = event_target_value(&ev).trim().parse::<u32>().map_or(60, |n| n.clamp(1, 3600));
                    state.settings.update(|s| s.read_timeout_secs = secs);
                }/>
            <CheckedText test_id="price-table-input" label="Prices (model, $ per million input tokens, $ per million output tokens)" rows=5
                get=|s| s.price_table.clone() set=|s, v| s.price_table = v check=Check::Here(|s| s.prices().map(|_| ()).map_err(|e| e.to_string()))/>
            <CheckedText test_id="user-tools-input" label="User HTTP tools (JSON list: name, description, parameters, kind, for_types)" rows=4
                get=|s| s.user_tools.clone() set=|s, v| s.user_tools = v check=Check::UserTools/>
            <label for="tool-hosts">"Hosts tool calls may reach without asking, one per line (loopback and private addresses only when listed here)"</label>
            <textarea id="tool-hosts" data-testid="tool-hosts-input" rows=3 spellcheck="false"
                prop:value=move || state.settings.with(|s| s.tool_hosts.clone())
                on:change=move |ev| state.settings.update(|s| s.tool_hosts = event_target_value(&ev))></textarea>
            <label class="checkbox">
                <input type="checkbox" data-testid="tool-any-host-input" prop:checked=move || state.settings.with(|s| s.tool_any_host)
                    on:change=move |ev| state.settings.update(|s| s.tool_any_host = event_target_checked(&ev))/>
                "Allow tool calls to any host (not recommended: a fetched page can make the model send your goal and results anywhere)"
            </label>
            <p class="hint">{move || state.settings.with(|s| format!("Prompt set: {}", s.prompts.version))}</p>
            <CheckedText test_id="planner-prompt-input" label="Planner system prompt (plans, expansions, re-plans)" rows=6
                get=|s| s.prompts.planner.clone()
                set=|s, v| { s.prompts.planner = v; s.prompts.version = "custom".into(); }
                check=Check::Here(|s| if s.prompts.planner.trim().is_empty() { Err("the planner prompt cannot be empty".into()) } else { Ok(()) })/>
            <CheckedText test_id="worker-prompt-input" label="Worker system prompt (task execution)" rows=3
                get=|s| s.prompts.worker.clone()
                set=|s, v| { s.prompts.worker = v; s.prompts.version = "custom".into(); }
                check=Check::Here(|s| if s.prompts.worker.trim().is_empty() { Err("the worker prompt cannot be empty".into()) } else { Ok(()) })/>
            <label for="dependency-budget">"Characters of dependency results per task"</label>
            <input id="dependency-budget" type="number" min="200" max="200000"
                prop:value=move || state.settings.with(|s| s.prompts.dependency_budget.to_string())
                on:change=move |ev| {
                    if let Ok(n) = event_target_value(&ev).trim().parse::<usize>() {
                        state.settings.update(|s| s.prompts.dependency_budget = n.clamp(200, 200_000));
                    }
                }/>
            <div class="row"><button on:click=reset_prompts>"Reset prompts"</button></div>
        </details>
    }
}
