//! The page's end: one worker per script, started on its first request or message (or by
//! [`start_worker`]) and kept for as long as the page lives. Requests and messages sent before the
//! worker has said it is ready wait in a queue. If a worker cannot be loaded, or crashes, every
//! request to it fails with the reason, and so does its listener ([`listen`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::oneshot;
use futures::future::{FutureExt, LocalBoxFuture};
use js_sys::Array;
use wasm_bindgen::prelude::*;

use super::READY;

/// A worker's answer, or why there is none.
type Answer = Result<String, String>;

/// Hears what a worker posts on its own, or why it failed.
type Listener = Rc<dyn Fn(Answer)>;

/// Sends `text` to the worker whose loader script is `url` (beside the page), starting it first if
/// need be; resolves to the worker's answer, or why there is none.
pub fn ask(url: &'static str, text: String) -> LocalBoxFuture<'static, Answer> {
    let (reply, answer) = oneshot::channel();
    let sent = LINKS.with(|links| send(link_to(&mut links.borrow_mut(), url), text, reply));
    async move {
        sent?;
        answer.await.unwrap_or_else(|_| Err("no answer".into()))
    }
    .boxed_local()
}

/// Posts `text` to the worker whose loader script is `url` (starting it first if need be), expecting
/// no answer: what the worker posts on its own goes to the listener of `url` ([`listen`]).
pub fn tell(url: &'static str, text: String) {
    let failed = LINKS.with(|links| match link_to(&mut links.borrow_mut(), url) {
        Link::Failed(why) => Some(why.clone()),
        Link::Running { worker, ready: true, .. } => {
            post(worker, None, &text);
            None
        }
        Link::Running { queued, .. } => {
            queued.push((None, text));
            None
        }
    });
    if let Some(why) = failed {
        hear(url, Err(why));
    }
}

/// Hands what the worker `url` posts on its own (not answers to [`ask`]) to `listener`, and why it
/// failed if it could not be loaded or crashed. Registering does not start the worker.
pub fn listen(url: &'static str, listener: Listener) {
    LISTENERS.with(|listeners| listeners.borrow_mut().insert(url, listener));
}

/// Hands `message` to the listener of worker `url`, if it has one (no link is borrowed meanwhile:
/// the listener may send).
fn hear(url: &'static str, message: Answer) {
    if let Some(listener) = LISTENERS.with(|listeners| listeners.borrow().get(url).cloned()) {
        listener(message);
    }
}

/// Starts the worker whose loader script is `url`, unless it has been started already.
pub fn start_worker(url: &'static str) {
    LINKS.with(|links| {
        link_to(&mut links.borrow_mut(), url);
    })
}

/// The link to the worker `url` in `links`, the worker started first if it has not been.
fn link_to<'a>(links: &'a mut HashMap<&'static str, Link>, url: &'static str) -> &'a mut Link {
    links.entry(url).or_insert_with(|| start(url).unwrap_or_else(Link::Failed))
}

/// A worker's state, as the page sees it.
enum Link {
    /// Started: requests waiting for the worker to be ready, and those sent but not answered.
    Running {
        worker: web_sys::Worker,
        ready: bool,
        /// Requests (with their ids) and messages (without) waiting for the worker to be ready.
        queued: Vec<(Option<u32>, String)>,
        pending: HashMap<u32, oneshot::Sender<Answer>>,
        next_id: u32,
    },
    /// Could not be loaded, or failed: why.
    Failed(String),
}

thread_local! {
    static LINKS: RefCell<HashMap<&'static str, Link>> = RefCell::new(HashMap::new());
    static LISTENERS: RefCell<HashMap<&'static str, Listener>> = RefCell::new(HashMap::new());
}

/// Sends `text` over `link` (whose worker has been started); the answer goes to `reply`.
fn send(link: &mut Link, text: String, reply: oneshot::Sender<Answer>) -> Result<(), String> {
    match link {
        Link::Failed(why) => Err(why.clone()),
        Link::Running { worker, ready, queued, pending, next_id } => {
            let id = *next_id;
            *next_id = next_id.wrapping_add(1);
            pending.insert(id, reply);
            if *ready {
                post(worker, Some(id), &text);
            } else {
                queued.push((Some(id), text));
            }
            Ok(())
        }
    }
}

/// Starts the worker `url` and listens to its messages and errors (for as long as the page lives).
fn start(url: &'static str) -> Result<Link, String> {
    let worker = web_sys::Worker::new(url).map_err(|e| format!("{e:?}"))?;
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        if let Some(Some(told)) = with_link(url, |link| receive(link, event.data())) {
            hear(url, Ok(told));
        }
    });
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        event.prevent_default();
        let why = "the worker could not be loaded or crashed";
        with_link(url, |link| fail(link, why));
        hear(url, Err(why.into()));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_message.forget();
    on_error.forget();
    Ok(Link::Running { worker, ready: false, queued: Vec::new(), pending: HashMap::new(), next_id: 0 })
}

/// Runs `f` on the link of worker `url`, if it has one.
fn with_link<T>(url: &'static str, f: impl FnOnce(&mut Link) -> T) -> Option<T> {
    LINKS.with(|links| links.borrow_mut().get_mut(url).map(f))
}

/// A request to the worker, `[id, text]`, or a message, `[text]`.
fn post(worker: &web_sys::Worker, id: Option<u32>, text: &str) {
    let sent = match id {
        Some(id) => Array::of2(&id.into(), &text.into()),
        None => Array::of1(&text.into()),
    };
    let _ = worker.post_message(&sent);
}

/// Handles a message of the worker: [`READY`] sends the queued requests; `[id, text]` answers one;
/// `[text]`, posted by the worker on its own, is returned for the listener.
fn receive(link: &mut Link, data: JsValue) -> Option<String> {
    let Link::Running { worker, ready, queued, pending, .. } = link else { return None };
    if data.as_string().as_deref() == Some(READY) {
        *ready = true;
        for (id, text) in queued.drain(..) {
            post(worker, id, &text);
        }
        return None;
    }
    let answer = Array::from(&data);
    if answer.length() == 1 {
        return answer.get(0).as_string();
    }
    let id = answer.get(0).as_f64()? as u32;
    let reply = pending.remove(&id)?;
    let _ = reply.send(answer.get(1).as_string().ok_or_else(|| "the answer is not text".to_string()));
    None
}

/// Marks the worker failed and fails every request still waiting.
fn fail(link: &mut Link, why: &str) {
    if let Link::Running { worker, pending, .. } = link {
        worker.terminate();
        for (_, reply) in pending.drain() {
            let _ = reply.send(Err(why.into()));
        }
    }
    *link = Link::Failed(why.into());
}
