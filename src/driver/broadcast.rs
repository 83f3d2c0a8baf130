//! Live updates between tabs (BroadcastChannel): the executing tab posts every change, read-only
//! tabs showing the same workflow apply them.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent};

use crate::engine::{RunStatus, TaskState};
use crate::plan::{Plan, TaskId};

const CHANNEL: &str = "planwright";

/// What changed in a workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Change {
    /// A task's state.
    Task(TaskId, TaskState),
    /// The run's status.
    Status(RunStatus),
    /// The plan (streamed, expanded or re-planned).
    Plan(Plan),
}

/// One message on the channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TabMessage {
    /// The workflow it concerns.
    pub workflow_id: String,
    /// What changed.
    pub change: Change,
}

/// The sending side.
pub struct Broadcaster(BroadcastChannel);

impl Broadcaster {
    /// Opens the channel (None where the browser has no BroadcastChannel).
    pub fn open() -> Option<Broadcaster> {
        BroadcastChannel::new(CHANNEL).ok().map(Broadcaster)
    }

    /// Posts `message` to the other tabs (and other app instances in this tab).
    pub fn post(&self, message: &TabMessage) {
        if let Ok(json) = serde_json::to_string(message) {
            let _ = self.0.post_message(&JsValue::from_str(&json));
        }
    }
}

impl Drop for Broadcaster {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// A subscription; dropping it stops the delivery.
pub struct Listener {
    channel: BroadcastChannel,
    _callback: Closure<dyn FnMut(MessageEvent)>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}

/// Calls `on_message` for every message another sender posts.
pub fn listen(mut on_message: impl FnMut(TabMessage) + 'static) -> Option<Listener> {
    let channel = BroadcastChannel::new(CHANNEL).ok()?;
    let callback = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        if let Some(message) = event.data().as_string().and_then(|json| serde_json::from_str(&json).ok()) {
            on_message(message);
        }
    });
    channel.set_onmessage(Some(callback.as_ref().unchecked_ref()));
    Some(Listener { channel, _callback: callback })
}
