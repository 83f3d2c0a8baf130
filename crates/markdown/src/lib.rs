//! Markdown (CommonMark + tables + strikethrough) read into a small neutral tree that the page turns
//! into DOM nodes. Nothing in the text is ever interpreted as HTML: raw HTML becomes text, links are
//! kept only for `http:` and `https:`, and images are never loaded (their alt text and URL are shown).
//!
//! The page itself never parses Markdown: [`to_tree`] (feature `parse`, on by default) runs in the
//! Markdown worker (`src/main.rs`, built by Trunk as a Web Worker), which answers the tree as JSON
//! ([`encode_tree`]); the page depends on this crate without `parse`, reads the tree back with
//! [`decode_tree`], and so neither compiles nor links pulldown-cmark and its tables.

use serde::{Deserialize, Serialize};

#[cfg(feature = "parse")]
mod parse;
#[cfg(feature = "parse")]
pub use parse::{to_tree, MAX_DEPTH};

/// What an element is; each kind is drawn as one fixed HTML element ([`Tag::html_name`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tag {
    /// A paragraph.
    Paragraph,
    /// A heading of level 1–6.
    Heading(u8),
    /// A block quote.
    BlockQuote,
    /// A code block (or a raw HTML block, shown as text).
    CodeBlock,
    /// A list: ordered from `Some(start)`, bulleted for `None`.
    List(Option<u64>),
    /// A list item.
    Item,
    /// A table.
    Table,
    /// The table's head.
    TableHead,
    /// The table's body.
    TableBody,
    /// A table row.
    TableRow,
    /// A cell of the head row.
    HeaderCell,
    /// A cell of a body row.
    Cell,
    /// Emphasis.
    Emphasis,
    /// Strong emphasis.
    Strong,
    /// Struck-through text.
    Strikethrough,
    /// Inline code.
    Code,
    /// A link to an `http:` or `https:` URL (others are not links).
    Link(String),
    /// A hard line break.
    LineBreak,
    /// A thematic break.
    Rule,
}

impl Tag {
    /// The HTML element this kind is drawn as.
    pub fn html_name(&self) -> &'static str {
        match self {
            Tag::Paragraph => "p",
            Tag::Heading(level) => ["h1", "h2", "h3", "h4", "h5", "h6"][usize::from(level.clamp(&1, &6) - 1)],
            Tag::BlockQuote => "blockquote",
            Tag::CodeBlock => "pre",
            Tag::List(Some(_)) => "ol",
            Tag::List(None) => "ul",
            Tag::Item => "li",
            Tag::Table => "table",
            Tag::TableHead => "thead",
            Tag::TableBody => "tbody",
            Tag::TableRow => "tr",
            Tag::HeaderCell => "th",
            Tag::Cell => "td",
            Tag::Emphasis => "em",
            Tag::Strong => "strong",
            Tag::Strikethrough => "del",
            Tag::Code => "code",
            Tag::Link(_) => "a",
            Tag::LineBreak => "br",
            Tag::Rule => "hr",
        }
    }

    /// The element's attributes: a link opens in a new tab without access to this page; an
    /// ordered list keeps its first number. A link's URL is checked again here, where the page
    /// draws it, so a tree from anywhere (the worker's message) cannot carry a `javascript:` link.
    pub fn attributes(&self) -> Vec<(&'static str, String)> {
        match self {
            Tag::Link(href) if is_safe_link(href) => {
                vec![("href", href.clone()), ("target", "_blank".into()), ("rel", "noopener noreferrer".into())]
            }
            Tag::List(Some(start)) if *start != 1 => vec![("start", start.to_string())],
            _ => Vec::new(),
        }
    }
}

/// A piece of the rendered tree: text (always drawn as a text node) or an element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Node {
    /// Plain text.
    Text(String),
    /// An element and its children.
    Element(Tag, Vec<Node>),
}

/// Whether `url` may become a link: `http:` or `https:` only.
pub fn is_safe_link(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The tree as the worker sends it to the page (JSON).
pub fn encode_tree(nodes: &[Node]) -> String {
    serde_json::to_string(nodes).unwrap_or_else(|_| "[]".into())
}

/// The tree the worker sent ([`encode_tree`]).
pub fn decode_tree(json: &str) -> Result<Vec<Node>, serde_json::Error> {
    serde_json::from_str(json)
}
