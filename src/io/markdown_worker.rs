//! The page's Markdown renderer: the Markdown worker (`crates/markdown/src/main.rs`, built by Trunk
//! as `data-type="worker"`), reached through `planwright_worker_link`, parses the text off the main
//! thread and answers the tree as JSON. If the worker cannot be loaded every request fails (the views
//! keep the raw text).

use futures::future::{FutureExt, LocalBoxFuture};

use super::markdown_renderer::{check_size, MarkdownError, MarkdownRenderer};
use planwright_markdown::{decode_tree, Node};
use planwright_worker_link::page::ask;

/// The worker's loader script, beside the page (Trunk names it after the binary, without a hash).
const WORKER_URL: &str = "markdown_worker_loader.js";

/// Renders through the shared Markdown worker.
pub struct WorkerMarkdown;

impl MarkdownRenderer for WorkerMarkdown {
    fn render(&self, text: &str) -> LocalBoxFuture<'static, Result<Vec<Node>, MarkdownError>> {
        let asked = check_size(text).map(|()| ask(WORKER_URL, text.to_string()));
        async move {
            let json = asked?.await.map_err(MarkdownError::Unavailable)?;
            decode_tree(&json).map_err(|e| MarkdownError::BadAnswer(e.to_string()))
        }
        .boxed_local()
    }
}
