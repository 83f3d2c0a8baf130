//! The page's Markdown renderer: one Web Worker, shared by every view and started on the first
//! render, parses the text (`crates/markdown/src/main.rs`, built by Trunk as `data-type="worker"`).
//! Requests carry an id and answers are matched to them by it; requests made before the worker has
//! said it is ready wait in a queue. If the worker cannot be loaded every request fails (the views
//! keep the raw text).

use std::cell::RefCell;
use std::collections::HashMap;

use futures::channel::oneshot;
use futures::future::{FutureExt, LocalBoxFuture};
use js_sys::Array;
use wasm_bindgen::prelude::*;

use super::markdown_renderer::{check_size, MarkdownError, MarkdownRenderer};
use planwright_markdown::{decode_tree, Node};

/// The worker's loader script, beside the page (Trunk names it after the binary, without a hash).
const WORKER_URL: &str = "markdown_worker_loader.js";

/// What the worker posts once it listens for requests.
const READY: &str = "ready";

type Answer = Result<Vec<Node>, MarkdownError>;

/// Renders through the shared Markdown worker.
pub struct WorkerMarkdown;

impl MarkdownRenderer for WorkerMarkdown {
    fn render(&self, text: &str) -> LocalBoxFuture<'static, Answer> {
        let (reply, answer) = oneshot::channel();
        let sent = check_size(text).and_then(|()| LINK.with(|link| send(&mut link.borrow_mut(), text, reply)));
        async move {
            sent?;
            answer.await.unwrap_or_else(|_| Err(MarkdownError::Unavailable("no answer".into())))
        }
        .boxed_local()
    }
}

/// The worker's state, as the page sees it.
enum Link {
    /// Not started yet.
    Idle,
    /// Started: requests waiting for the worker to be ready, and those sent but not answered.
    Running {
        worker: web_sys::Worker,
        ready: bool,
        queued: Vec<(u32, String)>,
        pending: HashMap<u32, oneshot::Sender<Answer>>,
        next_id: u32,
    },
    /// Could not be loaded, or failed: why.
    Failed(String),
}

thread_local! {
    static LINK: RefCell<Link> = const { RefCell::new(Link::Idle) };
}

/// Sends `text` to the worker (starting it first if need be); the answer goes to `reply`.
fn send(link: &mut Link, text: &str, reply: oneshot::Sender<Answer>) -> Result<(), MarkdownError> {
    if matches!(link, Link::Idle) {
        *link = start().unwrap_or_else(Link::Failed);
    }
    match link {
        Link::Idle => Err(MarkdownError::Unavailable("not started".into())),
        Link::Failed(why) => Err(MarkdownError::Unavailable(why.clone())),
        Link::Running { worker, ready, queued, pending, next_id } => {
            let id = *next_id;
            *next_id = next_id.wrapping_add(1);
            pending.insert(id, reply);
            if *ready {
                post(worker, id, text);
            } else {
                queued.push((id, text.to_string()));
            }
            Ok(())
        }
    }
}

/// Starts the worker and listens to its messages and errors (for as long as the page lives).
fn start() -> Result<Link, String> {
    let worker = web_sys::Worker::new(WORKER_URL).map_err(|e| format!("{e:?}"))?;
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|event: web_sys::MessageEvent| {
        LINK.with(|link| receive(&mut link.borrow_mut(), event.data()))
    });
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(|event: web_sys::Event| {
        event.prevent_default();
        LINK.with(|link| fail(&mut link.borrow_mut(), "the worker could not be loaded or crashed"))
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_message.forget();
    on_error.forget();
    Ok(Link::Running { worker, ready: false, queued: Vec::new(), pending: HashMap::new(), next_id: 0 })
}

/// A request to the worker: `[id, text]`.
fn post(worker: &web_sys::Worker, id: u32, text: &str) {
    let _ = worker.post_message(&Array::of2(&id.into(), &text.into()));
}

/// Handles a message of the worker: [`READY`] sends the queued requests; `[id, json]` answers one.
fn receive(link: &mut Link, data: JsValue) {
    let Link::Running { worker, ready, queued, pending, .. } = link else { return };
    if data.as_string().as_deref() == Some(READY) {
        *ready = true;
        for (id, text) in queued.drain(..) {
            post(worker, id, &text);
        }
        return;
    }
    let answer = Array::from(&data);
    let Some(id) = answer.get(0).as_f64().map(|id| id as u32) else { return };
    let Some(reply) = pending.remove(&id) else { return };
    let tree = match answer.get(1).as_string() {
        Some(json) => decode_tree(&json).map_err(|e| MarkdownError::BadAnswer(e.to_string())),
        None => Err(MarkdownError::BadAnswer("not text".into())),
    };
    let _ = reply.send(tree);
}

/// Marks the worker failed and fails every request still waiting.
fn fail(link: &mut Link, why: &str) {
    if let Link::Running { worker, pending, .. } = link {
        worker.terminate();
        for (_, reply) in pending.drain() {
            let _ = reply.send(Err(MarkdownError::Unavailable(why.into())));
        }
    }
    *link = Link::Failed(why.into());
}
