//! The Markdown worker: Trunk builds it as a Web Worker (`data-type="worker"` in index.html) so the
//! page's Wasm holds no Markdown parser and a huge or hostile answer is parsed off the main thread.
//! It answers each request, a text, with its tree as JSON ([`planwright_markdown`]), over
//! `planwright_worker_link` (whose page end is what the app's src/io/markdown_worker.rs calls). It
//! depends on this crate and the worker link only, so it carries nothing of the app.

#[cfg(target_arch = "wasm32")]
fn main() {
    use planwright_markdown::{encode_tree, to_tree};
    planwright_worker_link::worker::serve(|text| encode_tree(&to_tree(text)));
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the Markdown worker runs in the browser (Trunk builds it with the page)");
}
