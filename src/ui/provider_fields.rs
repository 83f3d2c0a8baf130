//! Provider choice, endpoint presets, credentials, extra headers and "Test connection".

use leptos::prelude::*;

use super::advanced_settings::AdvancedSettings;
use super::key_host_confirm::KeyHostConfirm;
use super::proxy_offer::ProxyOffer;
use crate::app::actions::test_connection;
use crate::app::credentials::{change_base_url, enter_api_key, enter_extra_headers};
use crate::app::settings_storage::set_remember_key;
use crate::app::state::AppState;
use crate::decimal::shortest;
use crate::llm::presets::{preset, PRESETS};
use crate::llm::settings::ProviderKind;

/// A labelled text input showing one string field of the provider settings (`get`) and handing
/// what the user enters to `set`.
#[component]
fn TextField(
    id: &'static str,
    test_id: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "")] placeholder: &'static str,
    get: fn(&crate::llm::settings::ProviderSettings) -> String,
    set: fn(AppState, String),
) -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <label for=id>{label}</label>
        <input
            id=id
            data-testid=test_id
            type=kind
            autocomplete="off"
            placeholder=placeholder
            prop:value=move || state.settings.with(get)
            on:change=move |ev| set(state, event_target_value(&ev))
        />
    }
}

/// Provider fields of the settings panel.
#[component]
pub fn ProviderFields() -> impl IntoView {
    let state = expect_context::<AppState>();
    let kind = move || state.settings.with(|s| s.kind);
    let is_endpoint = move || kind() != ProviderKind::Demo;
    let apply_preset = move |ev: leptos::ev::Event| {
        if let Some(p) = preset(&event_target_value(&ev)) {
            change_base_url(state, p.base_url.to_string());
            state.settings.update(|s| {
                s.kind = p.kind;
                s.model = p.model.to_string();
                s.needs_key = p.needs_key;
                s.schema_style = p.schema_style;
            });
            state.info(format!("{}: {}", p.label, p.note));
        }
    };
    view! {
        <label for="provider">"Provider"</label>
        <select
            id="provider"
            data-testid="provider-select"
            prop:value=move || kind().key()
            on:change=move |ev| state.settings.update(|s| s.kind = ProviderKind::from_key(&event_target_value(&ev)))
        >
            <option value="demo">"Demo (in this tab, no network)"</option>
            <option value="openai">"OpenAI-compatible (OpenAI, Ollama, llama.cpp, vLLM, LM Studio, OpenRouter)"</option>
            <option value="anthropic">"Anthropic Messages"</option>
        </select>
        <div class="endpoint-fields" class:hidden=move || !is_endpoint()>
            <label for="preset">"Preset"</label>
            <select id="preset" data-testid="preset-select" on:change=apply_preset>
                <option value="">"Choose a preset to fill in the fields…"</option>
                {PRESETS.iter().map(|p| view! { <option value=p.key>{p.label}</option> }).collect_view()}
            </select>
            <TextField id="base-url" test_id="base-url-input" label="Base URL" kind="url"
                placeholder="http://localhost:11434/v1" get=|s| s.base_url.clone() set=change_base_url/>
            <ProxyOffer/>
            <TextField id="model" test_id="model-input" label="Model" placeholder="gpt-4o-mini, llama3.2, …"
                get=|s| s.model.clone() set=|state, v| state.settings.update(|s| s.model = v)/>
            <TextField id="api-key" test_id="api-key-input" label="API key" kind="password"
                placeholder="kept in this tab's memory only" get=|s| s.api_key.clone() set=enter_api_key/>
            <KeyHostConfirm/>
            <label class="checkbox">
                <input type="checkbox" data-testid="remember-key-input"
                    prop:checked=move || state.settings.with(|s| s.remember_key)
                    on:change=move |ev| set_remember_key(&state, event_target_checked(&ev))/>
                "Remember the key and extra headers on this device"
            </label>
            <p class="warning" class:hidden=move || !state.settings.with(|s| s.remember_key)>
                "The key and extra headers are stored unencrypted in this browser's localStorage; any script on this origin can read them."
            </p>
            <label for="extra-headers">"Extra headers (one `Name: value` per line)"</label>
            <textarea id="extra-headers" data-testid="extra-headers-input" rows="2"
                prop:value=move || state.settings.with(|s| s.extra_headers.clone())
                on:change=move |ev| enter_extra_headers(state, event_target_value(&ev))></textarea>
            <div class="row">
                <button data-testid="test-connection-button" on:click=move |_| test_connection(state)>"Test connection"</button>
            </div>
            <AdvancedSettings/>
        </div>
        <div class="demo-fields" class:hidden=is_endpoint>
            <label for="demo-seed">"Demo seed"</label>
            <input
                id="demo-seed"
                type="number"
                min="0"
                prop:value=move || state.settings.with(|s| s.demo.seed.to_string())
                on:change=move |ev| {
                    if let Ok(seed) = event_target_value(&ev).parse() {
                        state.settings.update(|s| s.demo.seed = seed)
                    }
                }
            />
            <label for="demo-failure">"Demo failure rate per attempt (0–1)"</label>
            <input
                id="demo-failure"
                type="number"
                min="0"
                max="1"
                step="0.05"
                prop:value=move || state.settings.with(|s| shortest(s.demo.failure_rate))
                on:change=move |ev| {
                    if let Some(rate) = crate::decimal::parse_decimal(&event_target_value(&ev)) {
                        state.settings.update(|s| s.demo.failure_rate = rate.clamp(0.0, 1.0))
                    }
                }
            />
        </div>
    }
}
