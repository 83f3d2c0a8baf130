//! One task box of the graph: status colour and caption, keyboard moves, and the port a dependency
//! is dragged from while the plan is editable.

use std::collections::HashSet;

use leptos::prelude::*;

use crate::app::editing::delete_task;
use crate::app::state::AppState;
use crate::engine::caption::caption;
use crate::engine::{is_ready_in_plan, TaskStatus};
use crate::layout::{Direction, NodeBox};
use crate::plan::{Task, TaskId};

/// Longest label that fits a box; longer names are cut with an ellipsis (the full name is in the tooltip).
const MAX_LABEL_CHARS: usize = 24;

fn short_label(name: &str) -> String {
    if name.chars().count() <= MAX_LABEL_CHARS {
        name.to_string()
    } else {
        format!("{}…", name.chars().take(MAX_LABEL_CHARS - 1).collect::<String>())
    }
}

/// Sets of task ids the graph marks (read once: the graph is redrawn when the plan changes).
#[derive(Clone, Copy)]
pub struct Marks {
    /// Tasks on the computed critical path.
    pub critical: Memo<HashSet<TaskId>>,
    /// Tasks with a validation error (cycle, missing or self dependency).
    pub invalid: Memo<HashSet<TaskId>>,
}

/// A task's box at `node`, for `task`. `now` is the page clock (elapsed time of running tasks);
/// `on_move` is called with an arrow key's direction; `on_port` when a dependency drag starts here
/// (`editable`: the box has a port). A task with `subtasks` has a button that collapses them. Few signals are watched per box, so 1,000 boxes mount quickly;
/// the selection is marked by the graph, not by each box.
#[component]
pub fn GraphNode(
    node: NodeBox,
    task: Task,
    marks: Marks,
    editable: bool,
    subtasks: usize,
    now: RwSignal<f64>,
    on_move: Callback<(String, Direction)>,
    on_port: Callback<(String, leptos::ev::PointerEvent)>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let id = task.id.clone();
    let snapshot = state.tasks.cell(&id);
    // Readiness is the engine's answer, from the states of this task, its dependencies and its parent.
    let ready = Memo::new({
        let (task, snapshot) = (task.clone(), snapshot.clone());
        move |_| {
            let status = |other: &TaskId| state.tasks.cell(other).with(|o| o.status);
            let parent = task.parent.as_ref().map(status);
            snapshot.with(|s| is_ready_in_plan(s, task.depends_on.iter().map(status), parent))
        }
    });
    let status_of = Memo::new({
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
    let label = short_label(&task.name);
    let (id_click, id_key, id_port, id_differs) = (id.clone(), id.clone(), id.clone(), id.clone());
    let mut marked = String::new();
    if marks.critical.with_untracked(|c| c.contains(&id)) {
        marked.push_str(" critical");
    }
    if marks.invalid.with_untracked(|b| b.contains(&id)) {
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
        } else if (key == "Delete" || key == "Backspace") && editable {
            ev.prevent_default();
            delete_task(state, &id_key);
        }
    };
    let port = editable.then(|| {
        view! {
            <circle class="port" data-testid="node-port" cx=node.width cy=node.height / 2.0 r="7"
                on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                    ev.stop_propagation();
                    ev.prevent_default();
                    on_port.run((id_port.clone(), ev));
                }>
                <title>"Drag to another task to make it depend on this one"</title>
            </circle>
        }
    });
    let fold_id = id.clone();
    let fold = (subtasks > 0).then(|| {
        let collapsed = state.collapsed.with_untracked(|c| c.contains(&fold_id));
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
                transform=format!("translate({},4)", node.width - 44.0)
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
    view! {
        <g
            class=move || {
                format!("task-node status-{}{marked}{}", status(), if ready.get() { " ready" } else { "" })
            }
            data-testid="task-node"
            data-task-id=id.clone()
            data-status=status
            data-differs=move || state.task_differs(&id_differs).then_some("true")
            transform=format!("translate({},{})", node.x, node.y)
            // One box is in the Tab order (the selected one, else the first); arrows move between them.
            tabindex=if node.index == 0 { "0" } else { "-1" }
            role="button"
            aria-label=move || format!("{aria_name}: {}", status())
            on:click=move |_| state.selected.set(Some(id_click.clone()))
            on:keydown=on_keydown
        >
            <title>{title}</title>
            <rect width=node.width height=node.height rx="8"></rect>
            <text class="node-name" x="10" y="24">{label}</text>
            <text class="node-status" x="10" y="44">{line}</text>
            {fold}
            {port}
        </g>
    }
}
