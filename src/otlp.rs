//! A run as an OpenTelemetry trace: the OTLP/JSON encoding of an `ExportTraceServiceRequest`, built
//! from the run's checkpoint records alone, for any OTLP trace viewer or collector.
//!
//! Spans: one root span for the run; one per task attempt (parent: the run), rebuilt from the
//! event log; one per attempt's LLM conversation and one per tool call (parent: the attempt), from
//! the call log. GenAI semantic-convention attributes name the operation, model, provider and
//! tokens. The call log records each tool call's duration, not its start, so tool spans are laid
//! end to end from their conversation's start. Ids are hashes of the workflow, task and attempt, so
//! one run always exports the same ids. No prompt or response text is exported.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::engine::rng::hash_str;
use crate::engine::TaskStatus;
use crate::llm::tools::{ToolAccess, ToolCallLog};
use crate::store::record::{CallRecord, EventRecord, TaskRecord, WorkflowRecord};
use crate::store::{CheckpointStore, StoreError};

/// Span kind `INTERNAL` of the OTLP enum.
const KIND_INTERNAL: u8 = 1;
/// Span kind `CLIENT`: a request to another service.
const KIND_CLIENT: u8 = 3;
/// Status code `OK`.
const STATUS_OK: u8 = 1;
/// Status code `ERROR`.
const STATUS_ERROR: u8 = 2;

/// What a run's trace is made of: its checkpoint records.
pub struct RunRecords<'a> {
    /// The workflow (goal, plan, status, times).
    pub workflow: &'a WorkflowRecord,
    /// Its task records.
    pub tasks: &'a [TaskRecord],
    /// Its event log.
    pub events: &'a [EventRecord],
    /// Its call log.
    pub calls: &'a [CallRecord],
}

/// One attempt of a task, as the event log tells it.
#[derive(Debug, Clone, PartialEq)]
struct Attempt {
    task_id: String,
    number: u32,
    start_ms: f64,
    end_ms: Option<f64>,
    /// The status the task moved to when the attempt ended.
    ended_as: Option<String>,
}

/// The attempts in `events`: a `running` event opens one; the task's next event with another
/// status closes it (a new `running` of another attempt number closes it too).
fn attempts(events: &[EventRecord]) -> Vec<Attempt> {
    let mut order: Vec<&EventRecord> = events.iter().collect();
    crate::sort::sort_by(&mut order, |a, b| a.at_ms.total_cmp(&b.at_ms));
    let mut found: Vec<Attempt> = Vec::new();
    for event in order {
        let open = found.iter().rposition(|a| a.task_id == event.task_id && a.end_ms.is_none());
        let running = event.status == TaskStatus::Running.as_str();
        match open {
            Some(i) if running && found[i].number == event.attempt => {}
            Some(i) => {
                found[i].end_ms = Some(event.at_ms);
                found[i].ended_as = Some(event.status.clone());
            }
            None => {}
        }
        if running && open.is_none_or(|i| found[i].number != event.attempt) {
            found.push(Attempt {
                task_id: event.task_id.clone(),
                number: event.attempt,
                start_ms: event.at_ms,
                end_ms: None,
                ended_as: None,
            });
        }
    }
    found
}

/// Why a run's trace could not be exported.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum TraceExportError {
    /// A record could not be read.
    #[error("the trace could not be exported: {0}")]
    Store(#[from] StoreError),
    /// No workflow of that id is stored.
    #[error("the trace could not be exported: workflow {0} is not saved")]
    NoWorkflow(String),
}

/// A run's checkpoint records, owned: what the page sends the compute worker to export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceRecords {
    /// The workflow.
    pub workflow: WorkflowRecord,
    /// Its task records.
    pub tasks: Vec<TaskRecord>,
    /// Its event log.
    pub events: Vec<EventRecord>,
    /// Its call log.
    pub calls: Vec<CallRecord>,
}

impl TraceRecords {
    /// The records of workflow `workflow_id`, read from `store`.
    pub async fn read(store: &dyn CheckpointStore, workflow_id: &str) -> Result<Self, TraceExportError> {
        let workflow =
            store.workflow(workflow_id).await?.ok_or_else(|| TraceExportError::NoWorkflow(workflow_id.to_string()))?;
        let (tasks, _) = store.tasks(workflow_id).await?;
        let events = store.events(workflow_id).await?;
        let calls = store.calls(workflow_id).await?;
        Ok(TraceRecords { workflow, tasks, events, calls })
    }

    /// The run as OTLP/JSON text (see [`export`]).
    pub fn export(&self) -> String {
        export(&RunRecords { workflow: &self.workflow, tasks: &self.tasks, events: &self.events, calls: &self.calls })
    }
}

/// The trace of workflow `workflow_id`, read from `store`, as OTLP/JSON text (what the **Trace**
/// button downloads; the page has its compute worker write it).
pub async fn export_from_store(store: &dyn CheckpointStore, workflow_id: &str) -> Result<String, TraceExportError> {
    Ok(TraceRecords::read(store, workflow_id).await?.export())
}

/// The run as OTLP/JSON text (`{"resourceSpans":[…]}`).
pub fn export(run: &RunRecords<'_>) -> String {
    let workflow = run.workflow;
    let trace_id =
        format!("{:016x}{:016x}", nonzero(hash_str(&workflow.id)), hash_str(&format!("{}\u{0}trace", workflow.id)));
    let span_id = |parts: &str| format!("{:016x}", nonzero(hash_str(&format!("{}\u{0}{parts}", workflow.id))));
    let root_id = span_id("run");
    let state_of = |id: &str| run.tasks.iter().find(|t| t.task_id == id).map(|t| &t.state);
    let task_of = |id: &str| workflow.plan.task(id);
    let mut spans: Vec<SpanData> = Vec::new();
    let mut span = |id: String,
                    parent: &str,
                    name: String,
                    kind: u8,
                    start_ms: f64,
                    end_ms: f64,
                    attributes: Vec<KeyValue>,
                    status: Status| {
        let parent = parent.to_string();
        spans.push(SpanData { id, parent, name, kind, start_ms, end_ms: end_ms.max(start_ms), attributes, status });
    };

    let mut attempts = attempts(run.events);
    // A task that started but left no event (an unreadable log) still gets its last attempt.
    for record in run.tasks {
        let state = &record.state;
        if let (Some(start_ms), false) = (state.started_at_ms, attempts.iter().any(|a| a.task_id == record.task_id)) {
            let ended = state.status != TaskStatus::Running;
            attempts.push(Attempt {
                task_id: record.task_id.clone(),
                number: state.attempts,
                start_ms,
                end_ms: if ended { state.finished_at_ms.or(Some(start_ms)) } else { None },
                ended_as: ended.then(|| state.status.as_str().to_string()),
            });
        }
    }
    for attempt in &attempts {
        let task = task_of(&attempt.task_id);
        let state = state_of(&attempt.task_id);
        let last_attempt = state.is_some_and(|s| s.attempts == attempt.number);
        let status = match attempt.ended_as.as_deref() {
            None => Status::default(),
            Some("completed") => OK,
            Some("failed") => {
                error(state.and_then(|s| s.error.as_deref()).filter(|_| last_attempt).unwrap_or("the attempt failed"))
            }
            Some("running") => error("interrupted: the page stopped during the attempt, which ran again"),
            Some(after) => error(&format!("the attempt ended without a result (the task became {after})")),
        };
        let mut attributes = vec![
            string("planwright.task.id", &attempt.task_id),
            string("planwright.task.name", task.map_or("", |t| t.name.as_str())),
            int("planwright.attempt", u64::from(attempt.number)),
        ];
        if let Some(kind) = task.and_then(|t| t.kind.as_deref()) {
            attributes.push(string("planwright.task.type", kind));
        }
        let end_ms = attempt.end_ms.unwrap_or(workflow.updated_ms);
        let id = span_id(&format!("attempt\u{0}{}\u{0}{}", attempt.task_id, attempt.number));
        span(
            id,
            &root_id,
            format!("task {} attempt {}", attempt.task_id, attempt.number),
            KIND_INTERNAL,
            attempt.start_ms,
            end_ms,
            attributes,
            status,
        );
    }

    for (index, call) in run.calls.iter().enumerate() {
        let attempt = attempts.iter().find(|a| a.task_id == call.task_id && a.number == call.attempt);
        let parent = match attempt {
            Some(a) => span_id(&format!("attempt\u{0}{}\u{0}{}", a.task_id, a.number)),
            None => root_id.clone(),
        };
        let usage = call.usage.clone().unwrap_or_default();
        let start_ms = attempt.map_or(call.at_ms - usage.latency_ms, |a| a.start_ms);
        let model = usage.model.as_deref().unwrap_or("unknown");
        let provider = usage.provider.as_deref().unwrap_or("unknown");
        let mut attributes = vec![
            string("gen_ai.operation.name", "chat"),
            string("gen_ai.request.model", model),
            string("gen_ai.provider.name", provider),
            string("gen_ai.system", provider),
            int("gen_ai.usage.input_tokens", usage.prompt_tokens),
            int("gen_ai.usage.output_tokens", usage.completion_tokens),
            int("planwright.llm.calls", u64::from(usage.calls)),
            boolean("planwright.usage.estimated", usage.estimated),
            string("planwright.task.id", &call.task_id),
        ];
        if let Some(cost) = usage.cost_usd {
            attributes.push(KeyValue { key: "planwright.cost_usd", value: AnyValue::Double(cost) });
        }
        let status = match call.response.strip_prefix("error: ") {
            Some(message) => error(message),
            None => OK,
        };
        let id = span_id(&format!("call\u{0}{index}"));
        span(id, &parent, format!("chat {model}"), KIND_CLIENT, start_ms, call.at_ms, attributes, status);
        let mut cursor = start_ms;
        for (number, tool) in call.tool_calls.iter().enumerate() {
            let (attributes, status, kind) = tool_attributes(tool);
            let id = span_id(&format!("tool\u{0}{index}\u{0}{number}"));
            span(
                id,
                &parent,
                format!("execute_tool {}", tool.tool),
                kind,
                cursor,
                cursor + tool.ms,
                attributes,
                status,
            );
            cursor += tool.ms;
        }
    }

    let failed = run.tasks.iter().filter(|t| t.state.status == TaskStatus::Failed).count();
    let all_done = !run.tasks.is_empty() && run.tasks.iter().all(|t| t.state.status.is_done());
    let status = if failed > 0 {
        error(&format!("{failed} task(s) failed"))
    } else if all_done {
        OK
    } else {
        Status::default()
    };
    let attributes = vec![
        string("planwright.workflow.id", &workflow.id),
        string("planwright.goal", &workflow.goal),
        string("planwright.run.status", workflow.status.as_str()),
        int("planwright.tasks", workflow.plan.tasks.len() as u64),
    ];
    // The run spans its attempts; one that never started is a point at its creation.
    let first_ms = spans.iter().map(|s| s.start_ms).reduce(f64::min).unwrap_or(workflow.created_ms);
    let last_ms = spans.iter().map(|s| s.end_ms).fold(first_ms, f64::max);
    let root = SpanData {
        id: root_id,
        parent: String::new(),
        name: "run".into(),
        kind: KIND_INTERNAL,
        start_ms: first_ms,
        end_ms: last_ms,
        attributes,
        status,
    };
    // The root first, as viewers list spans in order.
    let spans: Vec<SpanJson<'_>> = std::iter::once(root).chain(spans).map(|s| s.encoded(&trace_id)).collect();
    let request = ExportRequest {
        resource_spans: [ResourceSpans {
            resource: Resource { attributes: vec![string("service.name", "planwright")] },
            scope_spans: [ScopeSpans {
                scope: Scope { name: "planwright", version: env!("CARGO_PKG_VERSION") },
                spans,
            }],
        }],
    };
    serde_json::to_string(&request).expect("a trace always serialises")
}

/// One span before encoding; times in ms since the epoch.
struct SpanData {
    id: String,
    /// Empty for the root.
    parent: String,
    name: String,
    kind: u8,
    start_ms: f64,
    end_ms: f64,
    attributes: Vec<KeyValue>,
    status: Status,
}

impl SpanData {
    /// The span as OTLP/JSON writes it.
    fn encoded(self, trace_id: &str) -> SpanJson<'_> {
        SpanJson {
            trace_id,
            span_id: self.id,
            parent_span_id: self.parent,
            name: self.name,
            kind: self.kind,
            start_time_unix_nano: nanos(self.start_ms),
            end_time_unix_nano: nanos(self.end_ms),
            attributes: self.attributes,
            status: self.status,
        }
    }
}

/// `ExportTraceServiceRequest` in OTLP/JSON: one resource, one scope.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExportRequest<'a> {
    resource_spans: [ResourceSpans<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResourceSpans<'a> {
    resource: Resource,
    scope_spans: [ScopeSpans<'a>; 1],
}

#[derive(Serialize)]
struct Resource {
    attributes: Vec<KeyValue>,
}

#[derive(Serialize)]
struct ScopeSpans<'a> {
    scope: Scope,
    spans: Vec<SpanJson<'a>>,
}

#[derive(Serialize)]
struct Scope {
    name: &'static str,
    version: &'static str,
}

/// A span in OTLP/JSON: hex ids, times as decimal strings, the kind as its enum number.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SpanJson<'a> {
    trace_id: &'a str,
    span_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    parent_span_id: String,
    name: String,
    kind: u8,
    start_time_unix_nano: String,
    end_time_unix_nano: String,
    attributes: Vec<KeyValue>,
    status: Status,
}

/// A span's status: `code` 0 (unset) is left out, as OTLP/JSON leaves out defaults.
#[derive(Serialize, Default)]
struct Status {
    #[serde(skip_serializing_if = "is_unset")]
    code: u8,
    #[serde(skip_serializing_if = "String::is_empty")]
    message: String,
}

/// Status `OK`.
const OK: Status = Status { code: STATUS_OK, message: String::new() };

fn is_unset(code: &u8) -> bool {
    *code == 0
}

/// An attribute.
#[derive(Serialize)]
struct KeyValue {
    key: &'static str,
    value: AnyValue,
}

/// An attribute's value, tagged by its type (`{"stringValue": …}`); 64-bit integers are decimal
/// strings in OTLP/JSON.
#[derive(Serialize)]
enum AnyValue {
    #[serde(rename = "stringValue")]
    String(String),
    #[serde(rename = "intValue")]
    Int(String),
    #[serde(rename = "doubleValue")]
    Double(f64),
    #[serde(rename = "boolValue")]
    Bool(bool),
}

/// A tool call's attributes, status and span kind (an HTTP request is a client call).
fn tool_attributes(tool: &ToolCallLog) -> (Vec<KeyValue>, Status, u8) {
    let mut attributes = vec![
        string("gen_ai.operation.name", "execute_tool"),
        string("gen_ai.tool.name", &tool.tool),
        string("planwright.tool.access", tool.access.label()),
        int("planwright.tool.bytes", tool.bytes),
    ];
    if !tool.url.is_empty() {
        attributes.push(string("http.request.method", &tool.method));
        attributes.push(string("url.full", &tool.url));
    }
    if let Some(code) = tool.status {
        attributes.push(int("http.response.status_code", u64::from(code)));
    }
    let status = match (tool.access, tool.status) {
        (ToolAccess::Denied | ToolAccess::Refused, _) => error(&format!("tool call {}", tool.access.label())),
        (_, Some(code)) if code >= 400 => error(&format!("HTTP {code}")),
        _ => OK,
    };
    let kind = if tool.url.is_empty() { KIND_INTERNAL } else { KIND_CLIENT };
    (attributes, status, kind)
}

/// A hash that is never zero (an all-zero id is invalid in OTLP).
fn nonzero(hash: u64) -> u64 {
    hash.max(1)
}

/// Milliseconds since the epoch as decimal nanoseconds.
fn nanos(ms: f64) -> String {
    let ms = ms.max(0.0);
    ((ms.trunc() as u64) * 1_000_000 + (ms.fract() * 1_000_000.0).round() as u64).to_string()
}

fn error(message: &str) -> Status {
    Status { code: STATUS_ERROR, message: message.to_string() }
}

fn string(key: &'static str, value: &str) -> KeyValue {
    KeyValue { key, value: AnyValue::String(value.to_string()) }
}

/// An integer attribute: OTLP/JSON writes 64-bit integers as decimal strings.
fn int(key: &'static str, value: u64) -> KeyValue {
    KeyValue { key, value: AnyValue::Int(value.to_string()) }
}

fn boolean(key: &'static str, value: bool) -> KeyValue {
    KeyValue { key, value: AnyValue::Bool(value) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(task: &str, status: &str, attempt: u32, at_ms: f64) -> EventRecord {
        EventRecord {
            workflow_id: "w".into(),
            task_id: task.into(),
            status: status.into(),
            attempt,
            at_ms,
            state: None,
        }
    }

    #[test]
    fn attempts_are_rebuilt_from_the_event_log_retries_and_interruptions_included() {
        let events = [
            event("T1", "running", 1, 10.0),
            event("T2", "running", 1, 5.0),
            event("T2", "running", 1, 6.0), // a second checkpoint of the same attempt
            event("T1", "pending", 1, 20.0),
            event("T2", "running", 2, 15.0), // re-run after a reload
            event("T2", "failed", 2, 25.0),
            event("T1", "running", 2, 30.0),
            event("T1", "completed", 2, 40.0),
            event("T3", "running", 1, 50.0),
        ];
        let row = |task: &str, number, start_ms, end_ms: Option<f64>, ended_as: Option<&str>| Attempt {
            task_id: task.into(),
            number,
            start_ms,
            end_ms,
            ended_as: ended_as.map(str::to_string),
        };
        assert_eq!(
            attempts(&events),
            [
                row("T2", 1, 5.0, Some(15.0), Some("running")),
                row("T1", 1, 10.0, Some(20.0), Some("pending")),
                row("T2", 2, 15.0, Some(25.0), Some("failed")),
                row("T1", 2, 30.0, Some(40.0), Some("completed")),
                row("T3", 1, 50.0, None, None),
            ]
        );
    }

    #[test]
    fn times_are_decimal_nanoseconds_and_ids_never_zero() {
        assert_eq!(nanos(1_767_225_600_123.5), "1767225600123500000");
        assert_eq!(nanos(-3.0), "0");
        assert_eq!(nonzero(0), 1);
    }
}
