//! Markdown drawn as DOM nodes: the text is shown raw in a `<pre>` at once, then replaced by the
//! tree the app's renderer answers (the Markdown worker: [`crate::io::markdown_worker`]) — elements
//! of fixed kinds and text nodes, never parsed HTML. If no tree comes, the raw text stays.

use std::rc::Rc;

use leptos::prelude::*;

use crate::app::state::AppState;
use crate::io::markdown_renderer::MarkdownRenderer;
use planwright_markdown::Node;

/// `text` rendered as Markdown in a `<div class="markdown">` marked `data-testid={testid}`; it gets
/// `data-rendered` once the rendering replaced the raw text.
#[component]
pub fn MarkdownView(
    /// The Markdown text.
    #[prop(into)]
    text: String,
    /// The `data-testid` of the rendered block.
    testid: &'static str,
) -> impl IntoView {
    let renderer = use_context::<AppState>().map(|state| state.env.with_value(|env| env.markdown.clone()));
    view! { <div class="markdown" data-testid=testid use:render=(text, renderer)></div> }
}

/// Shows `text` raw in `parent`, and asks `renderer` for its tree to draw instead.
fn render(parent: web_sys::Element, (text, renderer): (String, Option<Rc<dyn MarkdownRenderer>>)) {
    let Some(document) = parent.owner_document() else { return };
    if let Ok(raw) = document.create_element("pre") {
        raw.set_class_name("result-text");
        raw.set_text_content(Some(&text));
        let _ = parent.append_with_node_1(&raw);
    }
    let Some(renderer) = renderer else { return };
    let tree = renderer.render(&text);
    leptos::task::spawn_local(async move {
        if let Ok(nodes) = tree.await {
            parent.set_text_content(None);
            append(&parent, nodes);
            let _ = parent.set_attribute("data-rendered", "");
        }
    });
}

/// Appends `nodes` to `parent`: text as text nodes, elements by their tag's fixed name and attributes.
fn append(parent: &web_sys::Element, nodes: Vec<Node>) {
    let Some(document) = parent.owner_document() else { return };
    for node in nodes {
        match node {
            Node::Text(text) => {
                let _ = parent.append_with_str_1(&text);
            }
            Node::Element(tag, children) => {
                let Ok(element) = document.create_element(tag.html_name()) else { continue };
                for (name, value) in tag.attributes() {
                    let _ = element.set_attribute(name, &value);
                }
                let _ = parent.append_with_node_1(&element);
                append(&element, children);
            }
        }
    }
}
