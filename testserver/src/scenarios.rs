//! What to answer: scenario selection by model name, the answer texts, and per-request counters.
//!
//! Both wire protocols reduce a request to a [`Conversation`], ask [`decide`] for an [`Outcome`],
//! and render it in their own format.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{json, Value};

/// Name of the tool the `tools` scenario calls.
pub const TOOL_NAME: &str = "calculate";

/// Arguments of that call, as a JSON string.
pub const TOOL_ARGUMENTS: &str = r#"{"expression":"6*7"}"#;

/// One message of a conversation, reduced to its role and text. Tool results have role `tool`.
pub struct Turn {
    /// `user`, `assistant` or `tool`.
    pub role: String,
    /// All text of the message.
    pub text: String,
}

/// A request reduced to what the scenarios look at, whatever the protocol.
pub struct Conversation {
    /// The `model` field: selects the scenario.
    pub model: String,
    /// All system text (OpenAI `system`/`developer` messages, or Anthropic's top-level `system`).
    pub system: String,
    /// The other messages, in order.
    pub turns: Vec<Turn>,
    /// Whether the request offers tools.
    pub has_tools: bool,
    /// Whether the request asks for structured output (checked by `json-schema-check`).
    pub structured: bool,
}

impl Conversation {
    /// Stable key of the messages: "once" scenarios count per distinct conversation.
    fn key(&self) -> u64 {
        let mut hash = Fnv::new();
        hash.write(self.system.as_bytes());
        for turn in &self.turns {
            hash.write(&[0]);
            hash.write(turn.role.as_bytes());
            hash.write(&[0]);
            hash.write(turn.text.as_bytes());
        }
        hash.0
    }

    /// Prompt tokens: all message characters / 4, rounded up.
    pub fn prompt_tokens(&self) -> u64 {
        let chars = self.system.chars().count() + self.turns.iter().map(|t| t.text.chars().count()).sum::<usize>();
        tokens(chars)
    }

    /// Whether this asks for a plan (the planner's system prompt).
    fn is_plan_request(&self) -> bool {
        self.system.contains("planning engine")
    }

    /// Whether this is a repair round: a user message follows an earlier assistant answer.
    fn is_repair_round(&self) -> bool {
        self.turns
            .iter()
            .position(|t| t.role == "assistant")
            .is_some_and(|first| self.turns[first..].iter().any(|t| t.role == "user"))
    }

    /// Text of the last tool result, if any.
    fn last_tool_result(&self) -> Option<&str> {
        self.turns.iter().rev().find(|t| t.role == "tool").map(|t| t.text.as_str())
    }

    /// The task id of a task request (`Your task (T3): …` in the last user message that has one).
    fn task_id(&self) -> Option<&str> {
        self.turns.iter().rev().filter(|t| t.role == "user").find_map(|t| {
            let rest = &t.text[t.text.find("Your task (")? + "Your task (".len()..];
            Some(&rest[..rest.find(')')?])
        })
    }

    /// The normal answer: a valid plan for plan requests, else `Result of <task id> from testserver`.
    fn normal_answer(&self) -> String {
        if self.is_plan_request() {
            return plan(false).to_string();
        }
        match self.task_id() {
            Some(id) => format!("Result of {id} from testserver"),
            None => "Hello from testserver".to_string(),
        }
    }
}

/// Output tokens for an answer of `chars` characters: / 4, rounded up.
pub fn tokens(chars: usize) -> u64 {
    chars.div_ceil(4) as u64
}

/// What the server answers, before protocol formatting.
pub enum Outcome {
    /// An error status with a protocol-style error body; `retry_after` in seconds.
    Fail { status: u16, message: String, retry_after: Option<u32> },
    /// Status 200 with an HTML body.
    NotJson,
    /// An answer without content (streams: no content events at all).
    Empty,
    /// A normal answer; `usage` says whether token counts are reported.
    Answer { text: String, usage: bool },
    /// The answer, cut off mid-body.
    Truncated { text: String },
    /// A call of tool `name` with `arguments` (a JSON object as a string).
    ToolCall {
        /// The tool called.
        name: String,
        /// Its arguments.
        arguments: String,
    },
}

/// The scenario's decision: wait `delay` before the first byte, then answer `outcome`.
pub struct Decision {
    /// Wait before answering.
    pub delay: Duration,
    /// What to answer.
    pub outcome: Outcome,
}

/// Decides the answer to `conversation` from its model name, and counts it.
pub fn decide(conversation: &Conversation, counters: &Counters) -> Decision {
    let model = conversation.model.as_str();
    let earlier = counters.attempt(model, conversation.key());
    let answer = || Outcome::Answer { text: conversation.normal_answer(), usage: true };
    let fail = |status: u16, retry_after: Option<u32>| Outcome::Fail {
        status,
        message: format!("testserver scenario {model}: HTTP {status}"),
        retry_after,
    };
    let outcome = match model {
        "no-usage" => Outcome::Answer { text: conversation.normal_answer(), usage: false },
        "error-400" => fail(400, None),
        "error-401" => fail(401, None),
        "error-403" => fail(403, None),
        "error-404" => fail(404, None),
        "error-500" => fail(500, None),
        "error-503" => fail(503, None),
        "once-500" if earlier == 0 => fail(500, None),
        "once-429" if earlier == 0 => fail(429, Some(1)),
        "always-429" => fail(429, Some(1)),
        "bad-json" => Outcome::NotJson,
        "empty-stream" => Outcome::Empty,
        "truncated-stream" => Outcome::Truncated { text: conversation.normal_answer() },
        "invalid-plan-then-fixed"
            if conversation.is_plan_request() && earlier == 0 && !conversation.is_repair_round() =>
        {
            Outcome::Answer { text: plan(true).to_string(), usage: true }
        }
        "tools" => match conversation.last_tool_result() {
            Some(result) => Outcome::Answer { text: format!("Tool said: {result}"), usage: true },
            None if conversation.has_tools => {
                Outcome::ToolCall { name: TOOL_NAME.into(), arguments: TOOL_ARGUMENTS.into() }
            }
            None => answer(),
        },
        fetch if fetch.starts_with("fetch-") => match conversation.last_tool_result() {
            Some(result) => Outcome::Answer { text: format!("Tool said: {result}"), usage: true },
            None if conversation.has_tools => {
                let url = crate::routing::percent_decode(&fetch["fetch-".len()..]);
                Outcome::ToolCall { name: "http_get".into(), arguments: json!({ "url": url }).to_string() }
            }
            None => answer(),
        },
        call if call.starts_with("call-") => match conversation.last_tool_result() {
            Some(result) => Outcome::Answer { text: format!("Tool said: {result}"), usage: true },
            None if conversation.has_tools => {
                let (name, arguments) = call["call-".len()..].split_once('.').unwrap_or((&call["call-".len()..], ""));
                let arguments = crate::routing::percent_decode(arguments);
                Outcome::ToolCall {
                    name: name.to_string(),
                    arguments: if arguments.is_empty() { "{}".into() } else { arguments },
                }
            }
            None => answer(),
        },
        failing
            if failing.strip_prefix("fail-").is_some_and(|rest| rest.split('-').next() == conversation.task_id()) =>
        {
            fail(400, None)
        }
        "json-schema-check" if !conversation.structured => Outcome::Fail {
            status: 400,
            message: "testserver scenario json-schema-check: structured output (json_schema) is required".into(),
            retry_after: None,
        },
        _ => answer(),
    };
    let delay =
        model.strip_prefix("slow-").and_then(|ms| ms.parse().ok()).map_or(Duration::ZERO, Duration::from_millis);
    Decision { delay, outcome }
}

/// The four-task diamond plan; `cyclic` makes T1 and T2 depend on each other.
fn plan(cyclic: bool) -> Value {
    let task = |id: &str, name: &str, description: &str, depends_on: &[&str]| json!({"id": id, "name": name, "description": description, "depends_on": depends_on, "can_parallelize": true});
    json!({
        "tasks": [
            task("T1", "Collect inputs", "Gather the material the goal needs.", if cyclic { &["T2"] } else { &[] }),
            task("T2", "Analyse A", "Analyse the first aspect of the inputs.", &["T1"]),
            task("T3", "Analyse B", "Analyse the second aspect of the inputs.", &["T1"]),
            task("T4", "Report", "Combine both analyses into the final report.", &["T2", "T3"]),
        ],
        "critical_path": ["T1", "T2", "T4"],
    })
}

/// All text of a message content: a string, or the `text` of its parts (recursing into `content`).
pub fn text_of(content: &Value) -> String {
    match content {
        Value::String(text) => text.clone(),
        Value::Array(parts) => parts.iter().map(text_of).collect(),
        Value::Object(part) => match (part.get("text"), part.get("content")) {
            (Some(Value::String(text)), _) => text.clone(),
            (_, Some(inner)) => text_of(inner),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

/// Request counters: per model (for `/__calls`) and per (model, conversation key) (for "once" scenarios).
#[derive(Default)]
pub struct Counters(Mutex<Counts>);

#[derive(Default)]
struct Counts {
    per_model: HashMap<String, u64>,
    per_key: HashMap<(String, u64), u64>,
    leaks: u64,
}

impl Counters {
    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Counts one request for `model`.
    pub fn seen(&self, model: &str) {
        *self.counts().per_model.entry(model.to_string()).or_default() += 1;
    }

    /// Requests seen for `model`.
    pub fn calls(&self, model: &str) -> u64 {
        self.counts().per_model.get(model).copied().unwrap_or(0)
    }

    /// Counts one request to `/__leak`.
    pub fn leak(&self) {
        self.counts().leaks += 1;
    }

    /// Requests to `/__leak` so far.
    pub fn leaks(&self) -> u64 {
        self.counts().leaks
    }

    /// Counts one scenario decision for (`model`, `key`); returns how many came before it.
    fn attempt(&self, model: &str, key: u64) -> u64 {
        let mut counts = self.counts();
        let count = counts.per_key.entry((model.to_string(), key)).or_default();
        *count += 1;
        *count - 1
    }

    /// Forgets everything.
    pub fn reset(&self) {
        *self.counts() = Counts::default();
    }
}

/// 64-bit FNV-1a: stable across runs and platforms, unlike `DefaultHasher`.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conversation(model: &str, system: &str, turns: &[(&str, &str)]) -> Conversation {
        Conversation {
            model: model.into(),
            system: system.into(),
            turns: turns.iter().map(|(role, text)| Turn { role: (*role).into(), text: (*text).into() }).collect(),
            has_tools: false,
            structured: false,
        }
    }

    fn text(decision: Decision) -> String {
        match decision.outcome {
            Outcome::Answer { text, .. } => text,
            _ => panic!("expected an answer"),
        }
    }

    #[test]
    fn task_answers_name_the_task() {
        let c = conversation("ok", "worker", &[("user", "Overall goal: g\n\nYour task (T3): Draft\nDraft it")]);
        assert_eq!(text(decide(&c, &Counters::default())), "Result of T3 from testserver");
    }

    #[test]
    fn a_fail_model_fails_only_its_task() {
        let task = |id: &str| format!("Overall goal: g\n\nYour task ({id}): Draft");
        let counters = Counters::default();
        let t3 = conversation("fail-T3-run1", "worker", &[("user", &task("T3"))]);
        assert!(matches!(decide(&t3, &counters).outcome, Outcome::Fail { status: 400, .. }));
        let t2 = conversation("fail-T3-run1", "worker", &[("user", &task("T2"))]);
        assert_eq!(text(decide(&t2, &counters)), "Result of T2 from testserver");
        let plan = conversation("fail-T3", "You are a planning engine.", &[("user", "Goal: x")]);
        assert!(matches!(decide(&plan, &counters).outcome, Outcome::Answer { .. }));
        let other = conversation("ok", "worker", &[("user", "hi")]);
        assert_eq!(text(decide(&other, &counters)), "Hello from testserver");
    }

    #[test]
    fn invalid_plan_is_fixed_in_the_repair_round() {
        let counters = Counters::default();
        let first = conversation("invalid-plan-then-fixed", "You are a planning engine.", &[("user", "Goal: x")]);
        let cyclic: Value = serde_json::from_str(&text(decide(&first, &counters))).unwrap();
        assert_eq!(cyclic["tasks"][0]["depends_on"], json!(["T2"]));
        let repair = conversation(
            "invalid-plan-then-fixed",
            "You are a planning engine.",
            &[("user", "Goal: x"), ("assistant", "{…}"), ("user", "That plan has an error: cycle")],
        );
        let fixed: Value = serde_json::from_str(&text(decide(&repair, &counters))).unwrap();
        assert_eq!(fixed["tasks"][0]["depends_on"], json!([]));
    }

    #[test]
    fn slow_models_wait_and_counts_are_per_conversation() {
        let counters = Counters::default();
        assert_eq!(decide(&conversation("slow-250", "", &[]), &counters).delay, Duration::from_millis(250));
        let a = conversation("once-500", "", &[("user", "a")]);
        let b = conversation("once-500", "", &[("user", "b")]);
        assert!(matches!(decide(&a, &counters).outcome, Outcome::Fail { status: 500, .. }));
        assert!(matches!(decide(&b, &counters).outcome, Outcome::Fail { status: 500, .. }));
        assert!(matches!(decide(&a, &counters).outcome, Outcome::Answer { .. }));
        assert_eq!(tokens(9), 3);
    }

    #[test]
    fn call_models_call_the_named_tool_then_repeat_its_result() {
        let counters = Counters::default();
        let mut first = conversation("call-srv__add.%7B%22a%22%3A2%7D", "", &[("user", "t")]);
        first.has_tools = true;
        match decide(&first, &counters).outcome {
            Outcome::ToolCall { name, arguments } => {
                assert_eq!((name.as_str(), arguments.as_str()), ("srv__add", r#"{"a":2}"#))
            }
            _ => panic!("expected a tool call"),
        }
        let mut bare = conversation("call-srv__list", "", &[("user", "t")]);
        bare.has_tools = true;
        assert!(matches!(decide(&bare, &counters).outcome, Outcome::ToolCall { arguments, .. } if arguments == "{}"));
        let mut done = conversation("call-srv__add", "", &[("user", "t"), ("tool", "42")]);
        done.has_tools = true;
        assert_eq!(text(decide(&done, &counters)), "Tool said: 42");
    }
}
