//! Markdown drawn as DOM nodes: the tree of [`crate::markdown::to_tree`] becomes elements of its
//! fixed kinds and text nodes — never parsed HTML.

use leptos::prelude::*;

use crate::markdown::{to_tree, Node};

/// `text` rendered as Markdown in a `<div class="markdown">` marked `data-testid={testid}`; the
/// nodes are built with the element, so the rendering is there as soon as it is mounted.
#[component]
pub fn MarkdownView(
    /// The Markdown text.
    #[prop(into)]
    text: String,
    /// The `data-testid` of the rendered block.
    testid: &'static str,
) -> impl IntoView {
    let tree = to_tree(&text);
    view! { <div class="markdown" data-testid=testid use:append=tree></div> }
}

/// Appends `nodes` to `parent`: text as text nodes, elements by their tag's fixed name and attributes.
fn append(parent: web_sys::Element, nodes: Vec<Node>) {
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
                append(element, children);
            }
        }
    }
}
