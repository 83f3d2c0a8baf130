//! Turning a result's Markdown into the tree the page draws. The page's renderer is the Markdown
//! worker ([`super::markdown_worker::WorkerMarkdown`]): parsing runs off the main thread and
//! pulldown-cmark stays out of the page's Wasm. The browser tests' renderer parses in place
//! (`tests/browser/dom.rs`), with the parser this crate does not link (crates/markdown, `parse`).

use futures::future::LocalBoxFuture;
use planwright_markdown::Node;
use thiserror::Error;

/// The longest text (in bytes) sent to be rendered; a longer one is shown as raw text only.
pub const MAX_MARKDOWN_BYTES: usize = 256 * 1024;

/// Why a text was not rendered (it is then shown as raw text).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MarkdownError {
    /// The text is over [`MAX_MARKDOWN_BYTES`].
    #[error("the text is {0} bytes, over the {MAX_MARKDOWN_BYTES} rendered as Markdown")]
    TooLong(usize),
    /// The worker could not be started or stopped working.
    #[error("the Markdown worker is unavailable: {0}")]
    Unavailable(String),
    /// The worker's answer is not a tree.
    #[error("the Markdown worker's answer could not be read: {0}")]
    BadAnswer(String),
}

/// Renders Markdown text into the tree the page draws.
pub trait MarkdownRenderer {
    /// The tree of `text`, or why there is none.
    fn render(&self, text: &str) -> LocalBoxFuture<'static, Result<Vec<Node>, MarkdownError>>;
}

/// `Ok` when `text` is short enough to be rendered.
pub fn check_size(text: &str) -> Result<(), MarkdownError> {
    if text.len() > MAX_MARKDOWN_BYTES {
        return Err(MarkdownError::TooLong(text.len()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_over_the_cap_is_not_rendered() {
        assert_eq!(check_size(&"a".repeat(MAX_MARKDOWN_BYTES)), Ok(()));
        assert_eq!(
            check_size(&"a".repeat(MAX_MARKDOWN_BYTES + 1)),
            Err(MarkdownError::TooLong(MAX_MARKDOWN_BYTES + 1))
        );
    }
}
