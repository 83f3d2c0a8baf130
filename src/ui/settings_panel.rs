//! Provider and run settings.

use leptos::prelude::*;

use crate::app::state::AppState;
use crate::llm::settings::ProviderKind;

/// Provider choice (Demo or OpenAI-compatible), endpoint fields and the concurrency limit.
#[component]
pub fn SettingsPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let is_endpoint = move || state.settings.with(|s| s.kind == ProviderKind::OpenAiCompatible);
    view! {
        <details class="panel settings" open=true>
            <summary>"Provider & run settings"</summary>
            <label for="provider">"Provider"</label>
            <select
                id="provider"
                data-testid="provider-select"
                prop:value=move || state.settings.with(|s| s.kind.key())
                on:change=move |ev| state.settings.update(|s| s.kind = ProviderKind::from_key(&event_target_value(&ev)))
            >
                <option value="demo">"Demo (in-page, no network)"</option>
                <option value="openai">"OpenAI-compatible (OpenAI, Ollama, llama.cpp, vLLM, LM Studio, OpenRouter)"</option>
            </select>
            <div class="endpoint-fields" class:hidden=move || !is_endpoint()>
                <label for="base-url">"Base URL"</label>
                <input
                    id="base-url"
                    data-testid="base-url-input"
                    type="url"
                    placeholder="http://localhost:11434/v1"
                    prop:value=move || state.settings.with(|s| s.base_url.clone())
                    on:change=move |ev| state.settings.update(|s| s.base_url = event_target_value(&ev))
                />
                <label for="model">"Model"</label>
                <input
                    id="model"
                    data-testid="model-input"
                    placeholder="gpt-4o-mini, llama3.2, …"
                    prop:value=move || state.settings.with(|s| s.model.clone())
                    on:change=move |ev| state.settings.update(|s| s.model = event_target_value(&ev))
                />
                <label for="api-key">"API key"</label>
                <input
                    id="api-key"
                    data-testid="api-key-input"
                    type="password"
                    autocomplete="off"
                    placeholder="kept in this tab's memory only"
                    prop:value=move || state.settings.with(|s| s.api_key.clone())
                    on:change=move |ev| state.settings.update(|s| s.api_key = event_target_value(&ev))
                />
            </div>
            <div class="demo-fields" class:hidden=is_endpoint>
                <label for="demo-seed">"Demo seed"</label>
                <input
                    id="demo-seed"
                    type="number"
                    min="0"
                    prop:value=move || state.settings.with(|s| s.demo.seed.to_string())
                    on:change=move |ev| {
                        if let Ok(seed) = event_target_value(&ev).parse() { state.settings.update(|s| s.demo.seed = seed) }
                    }
                />
                <label for="demo-failure">"Demo failure rate per attempt (0–1)"</label>
                <input
                    id="demo-failure"
                    type="number"
                    min="0"
                    max="1"
                    step="0.05"
                    prop:value=move || state.settings.with(|s| s.demo.failure_rate.to_string())
                    on:change=move |ev| {
                        if let Ok(rate) = event_target_value(&ev).parse::<f64>() {
                            state.settings.update(|s| s.demo.failure_rate = rate.clamp(0.0, 1.0))
                        }
                    }
                />
            </div>
            <label for="concurrency">"Tasks at once"</label>
            <input
                id="concurrency"
                data-testid="concurrency-input"
                type="number"
                min="1"
                max="32"
                prop:value=move || state.run_config.with(|c| c.max_parallel.to_string())
                on:change=move |ev| {
                    if let Ok(n) = event_target_value(&ev).parse::<usize>() {
                        state.run_config.update(|c| c.max_parallel = n.clamp(1, 32))
                    }
                }
            />
        </details>
    }
}
