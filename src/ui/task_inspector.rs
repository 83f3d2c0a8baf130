//! Details of the selected task: description, dependencies, status, attempts, error, result.

use leptos::prelude::*;

use super::reactive::effect;
use super::result_text::ResultText;
use crate::app::actions::{control, expand_task};
use crate::app::editing::{add_dependency, can_edit, delete_task, remove_dependency, set_field};
use crate::app::history::load_calls;
use crate::app::state::AppState;
use crate::app::tool_names::tools_line;
use crate::decimal::fixed;
use crate::engine::caption::attempts_line;
use crate::engine::{task_actions_in_plan, Event, TaskStatus, WhyNot};
use crate::plan::editor::TaskField;
use crate::plan::task_type::TaskType;
use crate::ui::fork_form::ForkForm;

/// The inspector panel for the selected task.
#[component]
pub fn TaskInspector() -> impl IntoView {
    let state = expect_context::<AppState>();
    // Reload the selected task's recorded calls when it is selected or its state changes.
    effect(move |_| {
        if let Some(id) = state.selected.get() {
            state.tasks.cell(&id).with(|s| (s.status, s.attempts));
            load_calls(state, id);
        }
    });
    let calls = move || {
        let selected = state.selected.get()?;
        state.selected_calls.get().into_iter().rev().find(|c| c.task_id == selected).map(|call| {
            let trimmed = if call.trimmed { " (long texts trimmed)" } else { "" };
            view! {
                <details class="calls" data-testid="inspector-calls">
                    <summary>{format!("Last LLM call: attempt {}{trimmed}", call.attempt)}</summary>
                    <h3>"Prompt sent"</h3>
                    <pre class="result-text" data-testid="inspector-prompt">{call.prompt.clone()}</pre>
                    <h3>"Raw response"</h3>
                    <pre class="result-text" data-testid="inspector-response">{call.response.clone()}</pre>
                </details>
                <table class="tool-calls" data-testid="tool-calls">
                    <caption>{format!("Tool calls of attempt {}", call.attempt)}</caption>
                    <tr><th>"Tool"</th><th>"Request"</th><th>"Access"</th><th>"Status"</th><th>"Bytes"</th><th>"ms"</th></tr>
                    {call.tool_calls.iter().map(|t| view! {
                        <tr data-testid="tool-call-row">
                            <td>{t.tool.clone()}</td>
                            <td class="url">{format!("{} {}", t.method, t.url)}</td>
                            <td data-testid="tool-call-access">{t.access.label()}</td>
                            <td>{t.status.map_or_else(|| "—".to_string(), |s| s.to_string())}</td>
                            <td>{t.bytes}</td>
                            <td>{fixed(t.ms, 0)}</td>
                        </tr>
                    }).collect_view()}
                </table>
            }
        })
    };
    let details = move || {
        let id = state.selected.get()?;
        let task = state.plan.with(|p| p.as_ref().and_then(|p| p.task(&id).cloned()))?;
        let task_state = state.tasks.cell(&id).get();
        // What the task allows is the engine's answer, from the plan and the task states on the page.
        let actions = state.plan.with(|p| {
            let status_of = |t: &str| state.tasks.cell(t).with(|s| s.status);
            task_actions_in_plan(p.as_ref()?, state.run_status.get(), &id, &task_state, status_of)
        })?;
        let editable = can_edit(&state) && actions.edit;
        let deps = task
            .depends_on
            .iter()
            .map(|d| {
                let (target, dep, owner) = (d.clone(), d.clone(), task.id.clone());
                let remove = editable.then(|| view! {
                    <button class="icon-button" data-testid="remove-dependency" data-dependency=dep.clone()
                        aria-label=format!("Remove the dependency on {dep}")
                        on:click=move |_| remove_dependency(state, &owner, &dep)>"×"</button>
                });
                view! {
                    <span class="dependency">
                        <button class="link" on:click=move |_| state.selected.set(Some(target.clone()))>{d.clone()}</button>
                        {remove}
                    </span>
                }
            })
            .collect_view();
        let add_dependency_select = editable.then(|| {
            let owner = task.id.clone();
            let candidates: Vec<(String, String)> = state.plan.with_untracked(|p| {
                p.as_ref()
                    .map(|p| {
                        p.tasks
                            .iter()
                            .filter(|t| t.id != task.id && !task.depends_on.contains(&t.id))
                            .map(|t| (t.id.clone(), format!("{} — {}", t.id, t.name)))
                            .collect()
                    })
                    .unwrap_or_default()
            });
            view! {
                <select data-testid="add-dependency" aria-label="Add a dependency"
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        if !value.is_empty() {
                            add_dependency(state, &owner, &value);
                        }
                    }>
                    <option value="" selected=true>"+ add dependency…"</option>
                    {candidates.into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
                </select>
            }
        });
        let usage = &task_state.usage;
        let usage_line = (usage.calls > 0).then(|| {
            let mut text = format!(
                "{} prompt + {} completion tokens{} in {} call(s), {} ms",
                usage.prompt_tokens,
                usage.completion_tokens,
                if usage.estimated { " (estimated)" } else { "" },
                usage.calls,
                fixed(usage.latency_ms, 0)
            );
            if let Some(cost) = usage.cost_usd {
                text.push_str(&format!(", ${}", fixed(cost, 4)));
            }
            view! { <dt>"Usage"</dt><dd data-testid="inspector-usage">{text}</dd> }
        });
        let tools = tools_line(state, task.kind.as_deref());
        let type_id = task.id.clone();
        let current_type = task.kind.clone().unwrap_or_default();
        let type_select = view! {
            <select data-testid="inspector-type" disabled=!editable aria-label="Task type"
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    set_field(state, &type_id, TaskField::Kind((!value.is_empty()).then_some(value)));
                }>
                {std::iter::once("").chain(TaskType::ALL.map(TaskType::key)).map(|k| {
                    let label = if k.is_empty() { "untyped" } else { k };
                    view! { <option value=k selected=current_type == k>{label}</option> }
                }).collect_view()}
            </select>
        };
        let live_id = id.clone();
        let live_cell = state.tasks.cell(&id);
        let live = move || {
            let running = live_cell.with(|s| s.status) == TaskStatus::Running;
            let text = state.live_output.with(|l| l.get(&live_id).map(|(_, text)| text.clone())).unwrap_or_default();
            (running && !text.is_empty()).then(|| {
                view! { <h3>"Streaming…"</h3><pre class="result-text live" data-testid="inspector-live">{text}</pre> }
            })
        };
        let attempts = attempts_line(&task_state);
        let (retry_id, skip_id, expand_id) = (task.id.clone(), task.id.clone(), task.id.clone());
        let can_expand = actions.expand && state.expanding.with(Option::is_none);
        // A refused button says why; an allowed one what it does.
        let WhyNot { retry: why_not_retry, skip: why_not_skip, expand: why_not_expand, fork: why_not_fork, .. } =
            actions.why_not;
        let past = state.travel.position.get();
        let frozen = past.is_some();
        let why_not_fork =
            if frozen { Some("a past moment is only shown: go back to live".into()) } else { why_not_fork };
        let retry_title = why_not_retry
            .unwrap_or_else(|| "Run this failed task again; the tasks it blocked return to pending".into());
        let skip_title = why_not_skip.unwrap_or_else(|| "Mark done with an empty result so dependents run".into());
        let expand_title = why_not_expand
            .unwrap_or_else(|| "Ask the provider to split this task into subtasks (at most 4 levels)".into());
        let parent = task.parent.clone().map(|p| {
            let target = p.clone();
            view! { <dt>"Subtask of"</dt><dd><button class="link" on:click=move |_| state.selected.set(Some(target.clone()))>{p}</button></dd> }
        });
        let (name_id, description_id, delete_id, model_id) =
            (task.id.clone(), task.id.clone(), task.id.clone(), task.id.clone());
        // The model this task will use (its own, its type's or the provider's), or the one it used.
        let model_planned =
            state.settings.with(|s| s.model_for(task.model.as_deref(), task.kind.as_deref()).to_string());
        let model_line = task_state.usage.model.clone().unwrap_or(model_planned.clone());
        let editor = editable.then(|| view! {
            <div class="task-editor" data-testid="task-editor">
                <label for="edit-name">"Name"</label>
                <input id="edit-name" data-testid="edit-name" prop:value=task.name.clone()
                    on:change=move |ev| set_field(state, &name_id, TaskField::Name(event_target_value(&ev)))/>
                <label for="edit-description">"Description"</label>
                <textarea id="edit-description" data-testid="edit-description" rows="3" prop:value=task.description.clone()
                    on:change=move |ev| set_field(state, &description_id, TaskField::Description(event_target_value(&ev)))></textarea>
                <label for="edit-model">"Model"</label>
                <input id="edit-model" data-testid="edit-model" placeholder=model_planned prop:value=task.model.clone().unwrap_or_default()
                    title="This task's own model; blank: its type's model or the provider's"
                    on:change=move |ev| set_field(state, &model_id, TaskField::Model(Some(event_target_value(&ev))))/>
                <button data-testid="delete-task" class="danger" on:click=move |_| delete_task(state, &delete_id)
                    title="Delete this task, its subtasks and every dependency on them (Delete key on the node)">"Delete task"</button>
            </div>
        });
        Some(view! {
            <h2>{format!("{} — {}", task.id, task.name)}</h2>
            {editor}
            // A past moment is only looked at: acting on it would act on the live run.
            {past.map(|k| view! {
                <p class="hint" data-testid="inspector-past">{format!("As it stood after change {k}: go back to live to act on it.")}</p>
            })}
            <div class="row">
                <button data-testid="retry-button" disabled=!actions.retry || frozen on:click=move |_| control(state, Event::Retry(retry_id.clone()))
                    title=retry_title>"Retry"</button>
                <button data-testid="skip-button" disabled=!actions.skip || frozen on:click=move |_| control(state, Event::Skip(skip_id.clone()))
                    title=skip_title>"Skip"</button>
                <button data-testid="expand-button" disabled=!can_expand || frozen on:click=move |_| expand_task(state, expand_id.clone())
                    title=expand_title>
                    {move || if state.expanding.get().is_some() { "Expanding…" } else { "Expand" }}
                </button>
                <ForkForm task=task.clone() refused=why_not_fork/>
            </div>
            // While editing, the description is in its text box above.
            {(!editable).then(|| view! { <p class="description">{task.description.clone()}</p> })}
            <dl>
                <dt>"Status"</dt><dd data-testid="inspector-status">{task_state.status.as_str()}</dd>
                <dt>"Type"</dt><dd>{type_select}</dd>
                <dt>"Tools"</dt><dd data-testid="inspector-tools">{move || tools.get()}</dd>
                <dt>"Model"</dt><dd data-testid="inspector-model">{model_line}</dd>
                <dt>"Depends on"</dt><dd data-testid="inspector-dependencies">{deps}{add_dependency_select}</dd>
                {parent}
                <dt>"Attempts"</dt><dd data-testid="inspector-attempts">{attempts}</dd>
                {usage_line}
            </dl>
            {live}
            {task_state.error.map(|e| view! { <h3>"Error"</h3><pre class="error-text">{e}</pre> })}
            {task_state.result.map(|r| view! { <h3>"Result"</h3><ResultText text=r/> })}
        })
    };
    view! {
        <aside class="panel inspector" aria-live="polite">
            {move || details().map(|v| v.into_any()).unwrap_or_else(|| view! {
                <p class="hint">"Select a task in the graph (click, or Tab then Enter) to see its details and result."</p>
            }.into_any())}
            {calls}
        </aside>
    }
}
