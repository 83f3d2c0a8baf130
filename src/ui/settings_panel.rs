//! Provider and run settings.

use leptos::prelude::*;

use super::mcp_settings::McpSettings;
use super::provider_fields::ProviderFields;
use super::type_models::TypeModels;
use crate::app::state::AppState;
use crate::engine::RunConfig;

/// Provider settings, MCP servers, then run settings (concurrency, attempts, timeouts, 429 wait budget, rate cap,
/// re-planning).
#[component]
pub fn SettingsPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <details class="panel settings" open=true>
            <summary>"Provider & run settings"</summary>
            <ProviderFields/>
            <McpSettings/>
            <h3 class="subhead">"Run"</h3>
            <div class="grid-2">
                <NumberField id="concurrency" test_id="concurrency-input" label="Tasks at once" min=1 max=32
                    get=|c| c.max_parallel as u64
                    set=|c, n| c.max_parallel = n as usize/>
                <NumberField id="attempts" test_id="attempts-input" label="Attempts per task" min=1 max=10
                    get=|c| c.max_attempts as u64
                    set=|c, n| c.max_attempts = n as u32/>
                <NumberField id="timeout" test_id="timeout-input" label="Timeout per attempt (s)" min=1 max=3600
                    get=|c| c.timeout_ms / 1000
                    set=|c, n| c.timeout_ms = n * 1000/>
                <NumberField id="rate-limit-wait" test_id="rate-limit-wait-input" label="HTTP 429 waits per task before they cost attempts (s)" min=0 max=86400
                    get=|c| c.rate_limit_wait_budget_ms / 1000
                    set=|c, n| c.rate_limit_wait_budget_ms = n * 1000/>
                <NumberField id="rpm" test_id="rpm-input" label="Requests per minute (0 = no cap)" min=0 max=10000
                    get=|c| c.requests_per_minute.unwrap_or(0) as u64
                    set=|c, n| c.requests_per_minute = (n > 0).then_some(n as u32)/>
                <NumberField id="replan-after" test_id="replan-after-input" label="Re-plan after N failures (0 = never)" min=0 max=20
                    get=|c| c.replan_after_failures as u64
                    set=|c, n| c.replan_after_failures = n as u32/>
                <NumberField id="max-replans" test_id="max-replans-input" label="Most re-plans per run" min=0 max=10
                    get=|c| c.max_replans as u64
                    set=|c, n| c.max_replans = n as u32/>
            </div>
            <label class="checkbox">
                <input type="checkbox" data-testid="approve-replans-input"
                    prop:checked=move || state.run_config.with(|c| c.approve_replans)
                    on:change=move |ev| state.run_config.update(|c| c.approve_replans = event_target_checked(&ev))/>
                "Ask before applying a re-plan (off: apply it at once)"
            </label>
            <label class="checkbox">
                <input type="checkbox" data-testid="stream-dispatch-input"
                    prop:checked=move || state.stream_dispatch.get()
                    on:change=move |ev| state.stream_dispatch.set(event_target_checked(&ev))/>
                "Start tasks while the plan streams in (no review before running)"
            </label>
            <TypeModels/>
        </details>
    }
}

/// A labelled whole-number input for one run setting (`get` reads it, `set` writes it), clamped to
/// `[min, max]`; out-of-range or non-numeric input is corrected on change, never silently lost.
#[component]
fn NumberField(
    id: &'static str,
    test_id: &'static str,
    label: &'static str,
    min: u64,
    max: u64,
    get: fn(&RunConfig) -> u64,
    set: fn(&mut RunConfig, u64),
) -> impl IntoView {
    // Plain function pointers: one compiled field for every setting.
    let config = expect_context::<AppState>().run_config;
    let get = move || config.with(get);
    let set = move |n| config.update(|c| set(c, n));
    view! {
        <div>
            <label for=id>{label}</label>
            <input
                id=id
                data-testid=test_id
                type="number"
                min=min
                max=max
                prop:value=move || get().to_string()
                on:change=move |ev| {
                    let n = event_target_value(&ev).trim().parse::<u64>().unwrap_or_else(|_| get()).clamp(min, max);
                    set(n);
                    // Show the corrected value even when the signal did not change.
                    if let Some(input) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok()) {
                        input.set_value(&n.to_string());
                    }
                }
            />
        </div>
    }
}
