//! A task's result: rendered as Markdown, or as the raw text the model sent (a toggle switches).

use leptos::prelude::*;

use super::markdown_view::MarkdownView;

/// The result `text` (`data-testid="inspector-result"`) with a toggle between its Markdown
/// rendering and the raw text.
#[component]
pub fn ResultText(
    /// The result as the model sent it.
    text: String,
) -> impl IntoView {
    let raw = RwSignal::new(false);
    view! {
        <label class="raw-toggle">
            <input type="checkbox" data-testid="result-raw-toggle" prop:checked=raw
                on:change=move |ev| raw.set(event_target_checked(&ev))/>
            " Raw text"
        </label>
        <div class="result" data-testid="inspector-result">
            {move || if raw.get() {
                view! { <pre class="result-text" data-testid="result-raw">{text.clone()}</pre> }.into_any()
            } else {
                view! { <MarkdownView text=text.clone() testid="result-markdown"/> }.into_any()
            }}
        </div>
    }
}
