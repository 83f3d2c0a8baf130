//! One task box of the graph: status colour and caption, keyboard moves, and the port a dependency
//! is dragged from while the plan is editable.

use std::hash::{DefaultHasher, Hash, Hasher};

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::graph_status::shown_state;
use super::reactive::memo;
use crate::app::editing::delete_task;
use crate::app::state::AppState;
use crate::decimal::shortest;
use crate::engine::caption::caption;
use crate::engine::{is_ready_in_plan, TaskStatus};
use crate::layout::{Direction, NodeBox};
use crate::plan::{Task, TaskId};

/// Characters of a name on one line of a box (two lines; longer names end with an ellipsis and show in
/// full in the tooltip and the inspector).
const LINE_CHARS: usize = 18;
/// The same beside the fold button.
const LINE_CHARS_BESIDE_FOLD: usize = 12;

/// `name` on at most two lines of about `width` characters, broken between words where possible.
fn name_lines(name: &str, width: usize) -> (String, String) {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= width {
        return (name.to_string(), String::new());
    }
    let cut = chars[..=width].iter().rposition(|c| c.is_whitespace()).filter(|&k| k > 0).unwrap_or(width);
    let first: String = chars[..cut].iter().collect();
    let rest: Vec<char> = chars[cut..].iter().copied().skip_while(|c| c.is_whitespace()).collect();
    let second = if rest.len() <= LINE_CHARS {
        rest.into_iter().collect()
    } else {
        format!("{}…", rest[..LINE_CHARS - 1].iter().collect::<String>())
    };
    (first, second)
}

/// What one box draws, apart from its task's state (which the box follows by itself).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeItem {
    /// Where the box is.
    pub node: NodeBox,
    /// The task drawn.
    pub task: Task,
    /// How many subtasks the task has (a fold button when above 0).
    pub subtasks: usize,
    /// Whether those subtasks are hidden.
    pub collapsed: bool,
    /// On the computed critical path.
    pub critical: bool,
    /// With a validation error (cycle, missing or self dependency).
    pub invalid: bool,
}

impl NodeItem {
    /// The key of the box in the keyed list: its task id and a digest of what it draws, so a box is
    /// redrawn only when something it shows (other than its state) changed.
    pub fn key(&self) -> (TaskId, u64) {
        let mut h = DefaultHasher::new();
        let n = &self.node;
        (n.index, n.x.to_bits(), n.y.to_bits(), n.width.to_bits(), n.height.to_bits()).hash(&mut h);
        let t = &self.task;
        (&t.name, &t.description, &t.depends_on, &t.parent).hash(&mut h);
        (self.subtasks, self.collapsed, self.critical, self.invalid).hash(&mut h);
        (t.id.clone(), h.finish())
    }
}

/// Calls the element's `focus()` (SVG elements have it too).
pub fn focus(element: &web_sys::Element) {
    if let Ok(f) = js_sys::Reflect::get(element, &"focus".into()) {
        if let Some(f) = f.dyn_ref::<js_sys::Function>() {
            let _ = f.call0(element);
        }
    }
}

/// What the boxes share: the selection, whether the plan can be edited, the page clock, the box to
/// focus once it is drawn, and what arrow keys and dependency drags do.
#[derive(Clone)]
pub struct Shared {
    /// Tells a box whether it is the selected task (one box is notified when the selection moves).
    pub selection: Selector<Option<TaskId>>,
    /// No task is selected (then the first box is the one in the Tab order).
    pub nothing_selected: Memo<bool>,
    /// The plan can be edited (boxes have a port to drag dependencies from).
    pub editable: Memo<bool>,
    /// The page clock (elapsed time of running tasks).
    pub now: RwSignal<f64>,
    /// A task the keyboard moved to before its box was drawn: the box takes the focus when it is.
    pub focus_request: StoredValue<Option<TaskId>>,
    /// Called with an arrow key's direction.
    pub on_move: Callback<(String, Direction)>,
    /// Called when a dependency drag starts on a box's port.
    pub on_port: Callback<(String, leptos::ev::PointerEvent)>,
}

/// A task's box for `item`, with what the boxes `shared`. The (elapsed time of running tasks); `on_move` is called with an
/// arrow key's direction; `on_port` when a dependency drag starts here. Few signals are watched per box,
/// so a status change touches one box.
#[component]
pub fn GraphNode(item: NodeItem, shared: Shared) -> impl IntoView {
    let Shared { selection, nothing_selected, editable, now, focus_request, on_move, on_port } = shared;
    let state = expect_context::<AppState>();
    let NodeItem { node, task, subtasks, collapsed, critical, invalid } = item;
    let id = task.id.clone();
    let snapshot = shown_state(&state, &id);
    // Readiness is the engine's answer, from the states of this task, its dependencies and its parent.
    let ready = memo({
        let (task, snapshot) = (task.clone(), snapshot.clone());
        move |_| {
            let status = |other: &TaskId| shown_state(&state, other).with(|o| o.status);
            let parent = task.parent.as_ref().map(status);
            snapshot.with(|s| is_ready_in_plan(s, task.depends_on.iter().map(status), parent))
        }
    });
    let status_of = memo({
        let snapshot = snapshot.clone();
        move |_| snapshot.with(|s| s.status)
    });
    let status = move || status_of.get().as_str();
    let caption_id = id.clone();
    // Only a running task's caption follows the clock.
    let line = move || {
        snapshot.with(|s| {
            let t = if s.status == TaskStatus::Running { now.get() } else { now.get_untracked() };
            caption(&caption_id, s, ready.get(), t)
        })
    };
    let title = format!("{} — {}\n{}", task.id, task.name, task.description);
    let (first_line, second_line) =
        name_lines(&task.name, if subtasks > 0 { LINE_CHARS_BESIDE_FOLD } else { LINE_CHARS });
    let (id_click, id_key, id_port, id_differs) = (id.clone(), id.clone(), id.clone(), id.clone());
    let mut marked = String::new();
    if critical {
        marked.push_str(" critical");
    }
    if invalid {
        marked.push_str(" invalid");
    }
    let aria_name = format!("{} {}", task.id, task.name);
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        if key == "Enter" || key == " " {
            ev.prevent_default();
            state.selected.set(Some(id_key.clone()));
        } else if let Some(direction) = Direction::from_key(&key) {
            ev.prevent_default();
            on_move.run((id_key.clone(), direction));
        } else if (key == "Delete" || key == "Backspace") && editable.get_untracked() {
            ev.prevent_default();
            delete_task(state, &id_key);
        }
    };
    let port = move || {
        let id_port = id_port.clone();
        editable.get().then(|| {
            view! {
                <circle class="port" data-testid="node-port" cx=shortest(node.width) cy=shortest(node.height / 2.0) r="7"
                    on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                        ev.stop_propagation();
                        ev.prevent_default();
                        on_port.run((id_port.clone(), ev));
                    }>
                    <title>"Drag to another task to make it depend on this one"</title>
                </circle>
            }
        })
    };
    let fold_id = id.clone();
    let (selected_id, is_first) = (Some(id.clone()), node.index == 0);
    let selected = memo(move |_| selection.selected(&selected_id));
    let is_selected = move || selected.get();
    let fold = (subtasks > 0).then(|| {
        let label = if collapsed {
            format!("Show the {subtasks} subtasks of {fold_id}")
        } else {
            format!("Hide the {subtasks} subtasks of {fold_id}")
        };
        let toggle = move || state.toggle_collapsed(&fold_id);
        let toggle_key = toggle.clone();
        view! {
            <g class="fold" data-testid="fold" role="button" tabindex="0" aria-label=label.clone()
                aria-expanded=(!collapsed).to_string()
                transform=format!("translate({},4)", shortest(node.width - 44.0))
                on:click=move |ev: leptos::ev::MouseEvent| { ev.stop_propagation(); toggle(); }
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "Enter" || ev.key() == " " {
                        ev.prevent_default();
                        ev.stop_propagation();
                        toggle_key();
                    }
                }>
                <title>{label.clone()}</title>
                <rect width="40" height="18" rx="9"></rect>
                <text x="20" y="13">{if collapsed { format!("+{subtasks}") } else { "−".to_string() }}</text>
            </g>
        }
    });
    let element = NodeRef::<leptos::svg::G>::new();
    let focus_id = id.clone();
    element.on_load(move |el| {
        if focus_request.try_with_value(|r| r.as_deref() == Some(focus_id.as_str())) == Some(true) {
            focus_request.set_value(None);
            focus(&el);
        }
    });
    view! {
        <g
            node_ref=element
            class=move || {
                format!("task-node status-{}{marked}{}", status(), if ready.get() { " ready" } else { "" })
            }
            data-testid="task-node"
            data-task-id=id.clone()
            data-status=status
            data-differs=move || state.task_differs(&id_differs).then_some("true")
            transform=format!("translate({},{})", shortest(node.x), shortest(node.y))
            data-selected=move || is_selected().then_some("true")
            // One box is in the Tab order (the selected one, else the first); arrows move between them.
            tabindex=move || if is_selected() || (is_first && nothing_selected.get()) { "0" } else { "-1" }
            role="button"
            aria-label=move || format!("{aria_name}: {}", status())
            on:click=move |_| state.selected.set(Some(id_click.clone()))
            on:keydown=on_keydown
        >
            <title>{title}</title>
            <rect width=shortest(node.width) height=shortest(node.height) rx="8"></rect>
            <text class="node-name" x="10" y="20">{first_line}</text>
            {(!second_line.is_empty()).then(|| view! { <text class="node-name" x="10" y="36">{second_line}</text> })}
            <text class="node-status" x="10" y=shortest(node.height - 10.0)>{line}</text>
            {fold}
            {port}
        </g>
    }
}
