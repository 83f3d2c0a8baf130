//! Markdown (CommonMark + tables + strikethrough) read into a small neutral tree that the page turns
//! into DOM nodes. Nothing in the text is ever interpreted as HTML: raw HTML becomes text, links are
//! kept only for `http:` and `https:`, and images are never loaded (their alt text and URL are shown).

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag as MdTag, TagEnd};

/// Deepest nesting of elements kept; deeper structure is flattened into its parent, so a hostile
/// answer (`>>>>>>…`) cannot build a tree too deep to draw or to drop.
pub const MAX_DEPTH: usize = 48;

/// What an element is; each kind is drawn as one fixed HTML element ([`Tag::html_name`]).
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// ordered list keeps its first number.
    pub fn attributes(&self) -> Vec<(&'static str, String)> {
        match self {
            Tag::Link(href) => {
                vec![("href", href.clone()), ("target", "_blank".into()), ("rel", "noopener noreferrer".into())]
            }
            Tag::List(Some(start)) if *start != 1 => vec![("start", start.to_string())],
            _ => Vec::new(),
        }
    }
}

/// A piece of the rendered tree: text (always drawn as a text node) or an element.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// An open element while reading: its tag (`None` for a group whose children go to its parent),
/// its children so far, and for an image the URL whose alt text is being read.
struct Frame {
    tag: Option<Tag>,
    children: Vec<Node>,
    image: Option<String>,
}

impl Frame {
    fn new(tag: Option<Tag>) -> Self {
        Frame { tag, children: Vec::new(), image: None }
    }
}

/// Reads `text` as Markdown (CommonMark, tables, strikethrough) into the tree the page draws.
pub fn to_tree(text: &str) -> Vec<Node> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut stack = vec![Frame::new(None)];
    let mut in_head = false;
    for event in Parser::new_ext(text, options) {
        match event {
            Event::Start(tag) => {
                let head = matches!(tag, MdTag::TableHead);
                in_head |= head;
                let image = match &tag {
                    MdTag::Image { dest_url, .. } => Some(dest_url.to_string()),
                    _ => None,
                };
                if matches!(tag, MdTag::TableRow) && !in_head && stack.last().is_some_and(|f| f.tag == Some(Tag::Table))
                {
                    // Body rows follow the head directly; they go into one body.
                    stack.push(Frame::new(Some(Tag::TableBody)));
                }
                let tag = start_tag(tag, in_head).filter(|_| stack.len() <= MAX_DEPTH);
                stack.push(Frame { image, ..Frame::new(tag) });
                if head {
                    // The head's cells come without a row of their own.
                    stack.push(Frame::new(Some(Tag::TableRow)));
                }
            }
            Event::End(end) => {
                let closes = match end {
                    TagEnd::TableHead => {
                        in_head = false;
                        2
                    }
                    TagEnd::Table if stack.last().is_some_and(|f| f.tag == Some(Tag::TableBody)) => 2,
                    _ => 1,
                };
                for _ in 0..closes {
                    close(&mut stack);
                }
            }
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => push_text(&mut stack, &text),
            Event::Code(code) => push(&mut stack, Node::Element(Tag::Code, vec![Node::Text(code.to_string())])),
            Event::InlineMath(text) | Event::DisplayMath(text) | Event::FootnoteReference(text) => {
                push_text(&mut stack, &text)
            }
            Event::SoftBreak => push_text(&mut stack, "\n"),
            Event::HardBreak => push(&mut stack, Node::Element(Tag::LineBreak, Vec::new())),
            Event::Rule => push(&mut stack, Node::Element(Tag::Rule, Vec::new())),
            Event::TaskListMarker(done) => push_text(&mut stack, if done { "[x] " } else { "[ ] " }),
        }
    }
    while stack.len() > 1 {
        close(&mut stack);
    }
    stack.pop().map(|f| f.children).unwrap_or_default()
}

/// The tree's kind for a start tag; `None` for what is drawn as its content alone.
fn start_tag(tag: MdTag<'_>, in_head: bool) -> Option<Tag> {
    Some(match tag {
        MdTag::Paragraph => Tag::Paragraph,
        MdTag::Heading { level, .. } => Tag::Heading(level as u8),
        MdTag::BlockQuote(_) => Tag::BlockQuote,
        MdTag::CodeBlock(CodeBlockKind::Fenced(_) | CodeBlockKind::Indented) | MdTag::HtmlBlock => Tag::CodeBlock,
        MdTag::List(start) => Tag::List(start),
        MdTag::Item => Tag::Item,
        MdTag::Table(_) => Tag::Table,
        MdTag::TableHead => Tag::TableHead,
        MdTag::TableRow => Tag::TableRow,
        MdTag::TableCell if in_head => Tag::HeaderCell,
        MdTag::TableCell => Tag::Cell,
        MdTag::Emphasis => Tag::Emphasis,
        MdTag::Strong => Tag::Strong,
        MdTag::Strikethrough => Tag::Strikethrough,
        MdTag::Link { dest_url, .. } if is_safe_link(&dest_url) => Tag::Link(dest_url.to_string()),
        _ => return None,
    })
}

/// Closes the innermost open element into its parent.
fn close(stack: &mut Vec<Frame>) {
    if stack.len() < 2 {
        return;
    }
    let Some(frame) = stack.pop() else { return };
    match (frame.tag, frame.image) {
        (_, Some(url)) => {
            let alt = frame.children.iter().map(text_of).collect::<String>();
            push_text(stack, &format!("[image: {alt}] "));
            if is_safe_link(&url) {
                push(stack, Node::Element(Tag::Link(url.clone()), vec![Node::Text(url)]));
            } else {
                push_text(stack, &url);
            }
        }
        (Some(tag), _) => push(stack, Node::Element(tag, frame.children)),
        (None, _) => {
            for child in frame.children {
                match child {
                    Node::Text(text) => push_text(stack, &text),
                    element => push(stack, element),
                }
            }
        }
    }
}

/// The text inside a node.
fn text_of(node: &Node) -> String {
    match node {
        Node::Text(text) => text.clone(),
        Node::Element(_, children) => children.iter().map(text_of).collect(),
    }
}

fn push(stack: &mut [Frame], node: Node) {
    if let Some(frame) = stack.last_mut() {
        frame.children.push(node);
    }
}

/// Adds text to the innermost element, joined to text just before it.
fn push_text(stack: &mut [Frame], text: &str) {
    let Some(frame) = stack.last_mut() else { return };
    match frame.children.last_mut() {
        Some(Node::Text(last)) => last.push_str(text),
        _ => frame.children.push(Node::Text(text.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree as compact HTML-like text, for short assertions.
    fn show(nodes: &[Node]) -> String {
        nodes
            .iter()
            .map(|node| match node {
                Node::Text(text) => format!("{text:?}"),
                Node::Element(tag, children) => {
                    let attrs: String = tag.attributes().iter().map(|(k, v)| format!(" {k}={v:?}")).collect();
                    format!("<{}{attrs}>{}</>", tag.html_name(), show(children))
                }
            })
            .collect()
    }

    #[test]
    fn headings_emphasis_lists_and_code() {
        let tree =
            to_tree("# Title\n\nSome *em* and **strong** `code`.\n\n3. a\n4. b\n\n- x\n\n```rust\nfn f() {}\n```\n");
        assert_eq!(
            show(&tree),
            r#"<h1>"Title"</><p>"Some "<em>"em"</>" and "<strong>"strong"</>" "<code>"code"</>"."</><ol start="3"><li>"a"</><li>"b"</></><ul><li>"x"</></><pre>"fn f() {}\n"</>"#
        );
    }

    #[test]
    fn tables_have_a_head_row_of_header_cells_and_a_body() {
        let tree = to_tree("| a | b |\n|---|:-:|\n| 1 | 2 |\n| 3 | ~~4~~ |\n");
        assert_eq!(
            show(&tree),
            r#"<table><thead><tr><th>"a"</><th>"b"</></></><tbody><tr><td>"1"</><td>"2"</></><tr><td>"3"</><td><del>"4"</></></></></>"#
        );
    }

    #[test]
    fn raw_html_is_text_never_an_element() {
        let tree = to_tree("<script>alert(1)</script>\n\nHi <img src=x onerror=alert(1)> there\n");
        assert_eq!(
            show(&tree),
            r#"<pre>"<script>alert(1)</script>\n"</><p>"Hi <img src=x onerror=alert(1)> there"</>"#
        );
    }

    #[test]
    fn only_http_and_https_links_are_links_and_they_open_safely() {
        let tree =
            to_tree("[ok](https://example.com/a) [js](javascript:alert(1)) [data](data:text/html,x) [up](HTTP://X)");
        assert_eq!(
            show(&tree),
            r#"<p><a href="https://example.com/a" target="_blank" rel="noopener noreferrer">"ok"</>" js data "<a href="HTTP://X" target="_blank" rel="noopener noreferrer">"up"</></>"#
        );
        assert!(!is_safe_link(" javascript:alert(1)") && !is_safe_link("//evil.example") && !is_safe_link("http"));
    }

    #[test]
    fn images_are_never_loaded_their_alt_and_url_are_shown() {
        let tree = to_tree("![a chart](https://example.com/c.png) ![bad](javascript:x)");
        assert_eq!(
            show(&tree),
            r#"<p>"[image: a chart] "<a href="https://example.com/c.png" target="_blank" rel="noopener noreferrer">"https://example.com/c.png"</>" [image: bad] javascript:x"</>"#
        );
    }

    #[test]
    fn deep_nesting_is_flattened_past_the_limit() {
        let tree = to_tree(&format!("{}deep", ">".repeat(10_000)));
        fn depth(nodes: &[Node]) -> usize {
            nodes.iter().map(|n| if let Node::Element(_, c) = n { 1 + depth(c) } else { 0 }).max().unwrap_or(0)
        }
        assert!(depth(&tree) <= MAX_DEPTH + 1, "{}", depth(&tree));
        assert_eq!(tree.iter().map(text_of).collect::<String>(), "deep");
    }

    #[test]
    fn breaks_rules_and_plain_text() {
        assert_eq!(show(&to_tree("a  \nb\nc\n\n---\n")), r#"<p>"a"<br></>"b\nc"</><hr></>"#);
        assert!(to_tree("").is_empty());
    }
}
