//! Markdown drawn as DOM nodes: the tree of [`crate::markdown::to_tree`] becomes elements of its
//! fixed kinds and text nodes — never parsed HTML.

use leptos::html::Div;
use leptos::prelude::*;

use crate::markdown::{to_tree, Node};

/// `text` rendered as Markdown in a `<div class="markdown">` marked `data-testid={testid}`.
#[component]
pub fn MarkdownView(
    /// The Markdown text.
    #[prop(into)]
    text: String,
    /// The `data-testid` of the rendered block.
    testid: &'static str,
) -> impl IntoView {
    let holder = NodeRef::<Div>::new();
    let tree = to_tree(&text);
    Effect::new(move |_| {
        if let Some(div) = holder.get() {
            div.set_text_content(None);
            append(&div, &tree);
        }
    });
    view! { <div class="markdown" data-testid=testid node_ref=holder></div> }
}

/// Appends `nodes` to `parent`: text as text nodes, elements by their tag's fixed name and attributes.
fn append(parent: &web_sys::Element, nodes: &[Node]) {
    let Some(document) = parent.owner_document() else { return };
    for node in nodes {
        match node {
            Node::Text(text) => {
                let _ = parent.append_with_str_1(text);
            }
            Node::Element(tag, children) => {
                let Ok(element) = document.create_element(tag.html_name()) else { continue };
                for (name, value) in tag.attributes() {
                    let _ = element.set_attribute(name, &value);
                }
                append(&element, children);
                let _ = parent.append_with_node_1(&element);
            }
        }
    }
}
