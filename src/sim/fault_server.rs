//! A simulated OpenAI-compatible server behind the scripted transport: it answers plan, re-plan
//! and task requests, and injects the faults real servers produce — latency, 429 with and without
//! `Retry-After`, 5xx, 401, stalls past the timeout, streams that stop early, malformed chunks and
//! dropped connections — at a rate drawn per schedule. It also checks what only a server can see:
//! every request carries the key, and plan-shaped requests honour `Retry-After`.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::{json, Value};

use crate::engine::rng::SplitMix64;
use crate::io::runtime::Runtime;
use crate::io::scripted_transport::{BodyStep, ScriptedAnswer};
use crate::io::transport::HttpRequest;
use crate::plan::Plan;

/// What the server injected and what it saw wrong.
#[derive(Debug, Default)]
pub struct ServerLog {
    /// Faults injected.
    pub faults: u64,
    /// Requests answered.
    pub requests: u64,
    /// Invariant violations only the server can see.
    pub violations: Vec<String>,
    /// Re-plan requests answered.
    pub replan_requests: u64,
    /// Earliest virtual time at which the next plan-shaped request may come (after a timed 429).
    plan_not_before: f64,
}

/// The simulated server.
#[derive(Clone)]
pub struct FaultServer {
    state: Rc<RefCell<(SplitMix64, ServerLog)>>,
    runtime: Rc<dyn Runtime>,
    plan: Rc<Plan>,
    api_key: Rc<str>,
    /// Chance that a request meets a fault.
    fault_rate: f64,
    /// The task timeout of the run, so a stall can outlast it.
    timeout_ms: u64,
}

/// The kinds of request the server tells apart.
enum Asked {
    Plan,
    Replan(Value),
    Task,
}

impl FaultServer {
    /// A server for `plan`, expecting `api_key`, injecting faults at `fault_rate`.
    pub fn new(
        seed: u64,
        runtime: Rc<dyn Runtime>,
        plan: Plan,
        api_key: &str,
        fault_rate: f64,
        timeout_ms: u64,
    ) -> Self {
        FaultServer {
            state: Rc::new(RefCell::new((SplitMix64::new(seed), ServerLog::default()))),
            runtime,
            plan: Rc::new(plan),
            api_key: api_key.into(),
            fault_rate,
            timeout_ms,
        }
    }

    /// Reads the log through `f`.
    pub fn with_log<R>(&self, f: impl FnOnce(&ServerLog) -> R) -> R {
        f(&self.state.borrow().1)
    }

    /// Forgets the `Retry-After` a crashed tab was told (a reload does not remember back-offs).
    pub fn forget_backoff(&self) {
        self.state.borrow_mut().1.plan_not_before = 0.0;
    }

    /// The answer to `request`.
    pub fn answer(&self, request: &HttpRequest) -> ScriptedAnswer {
        let now = self.runtime.now_ms();
        let mut state = self.state.borrow_mut();
        let (rng, log) = &mut *state;
        log.requests += 1;
        if request.header_value("authorization") != Some(&format!("Bearer {}", self.api_key)) {
            log.violations.push(format!("a request to {} was sent without the API key", request.url));
            return ScriptedAnswer::text(401, &[], r#"{"error":{"message":"missing key"}}"#);
        }
        let body: Value = request.body.as_deref().and_then(|b| serde_json::from_str(b).ok()).unwrap_or_default();
        let asked = classify(&body);
        if !matches!(asked, Asked::Task) {
            if now < log.plan_not_before {
                log.violations.push(format!(
                    "a plan-shaped request came {:.0} ms before its Retry-After was over",
                    log.plan_not_before - now
                ));
            }
            if let Asked::Replan(_) = asked {
                log.replan_requests += 1;
            }
        }
        let latency = 5 + rng.next_below(200);
        if rng.next_f64() < self.fault_rate {
            log.faults += 1;
            let (answer, retry_after_ms) = self.fault(rng, latency);
            if let (false, Some(wait)) = (matches!(asked, Asked::Task), retry_after_ms) {
                log.plan_not_before = log.plan_not_before.max(now + latency as f64 + wait as f64);
            }
            return answer;
        }
        let content = match asked {
            Asked::Plan => serde_json::to_string(&*self.plan).expect("a plan serialises"),
            Asked::Replan(remaining) => json!({ "tasks": remaining }).to_string(),
            Asked::Task => format!("result {}", rng.next_u64() % 1_000_000),
        };
        success(rng, latency, &content)
    }

    /// A fault, and the `Retry-After` it carries in milliseconds (if any).
    fn fault(&self, rng: &mut SplitMix64, latency: u64) -> (ScriptedAnswer, Option<u64>) {
        let response = |status: u16, headers: Vec<(String, String)>, body: Vec<BodyStep>| ScriptedAnswer::Response {
            after_ms: latency,
            status,
            headers,
            body,
        };
        let sse = || vec![("content-type".to_string(), "text/event-stream".to_string())];
        let chunk = |text: &str| BodyStep::Bytes(sse_chunk(text, false).into_bytes());
        match rng.next_below(9) {
            0 => {
                let wait = 500 + rng.next_below(2_500);
                let secs = wait as f64 / 1000.0;
                let headers = vec![("retry-after".to_string(), format!("{secs}"))];
                (response(429, headers, vec![BodyStep::Bytes(b"{\"error\":\"slow down\"}".to_vec())]), Some(wait))
            }
            1 => (response(429, vec![], vec![BodyStep::Bytes(b"rate limited".to_vec())]), None),
            2 => (response(if rng.next_below(2) == 0 { 500 } else { 503 }, vec![], vec![]), None),
            3 => (ScriptedAnswer::Unreachable { after_ms: latency }, None),
            4 => (response(200, sse(), vec![chunk("partial"), BodyStep::Pause(self.timeout_ms * 3)]), None),
            5 => (response(200, sse(), vec![chunk("the stream stops before its end")]), None),
            6 => (response(200, sse(), vec![BodyStep::Bytes(b"data: {not json\n\n".to_vec())]), None),
            7 => (response(200, sse(), vec![chunk("cut"), BodyStep::Drop]), None),
            _ => {
                (response(401, vec![], vec![BodyStep::Bytes(b"{\"error\":{\"message\":\"bad key\"}}".to_vec())]), None)
            }
        }
    }
}

/// Tells plan, re-plan and task requests apart by their prompts.
fn classify(body: &Value) -> Asked {
    let system = body.pointer("/messages/0/content").and_then(Value::as_str).unwrap_or_default();
    let user = body.pointer("/messages/1/content").and_then(Value::as_str).unwrap_or_default();
    if system.starts_with("You are one worker") {
        return Asked::Task;
    }
    if user.contains("Some tasks failed") {
        let remaining = user
            .split_once("including the failed and blocked tasks:\n")
            .and_then(|(_, rest)| rest.split_once("\n\nRevise"))
            .and_then(|(json, _)| serde_json::from_str(json).ok())
            .unwrap_or(Value::Array(Vec::new()));
        return Asked::Replan(remaining);
    }
    Asked::Plan
}

/// One SSE event of a Chat Completions stream carrying `text`.
fn sse_chunk(text: &str, last: bool) -> String {
    let finish = if last { json!("stop") } else { Value::Null };
    let mut chunk = json!({ "choices": [{ "index": 0, "delta": { "content": text }, "finish_reason": finish }] });
    if last {
        chunk["usage"] = json!({ "prompt_tokens": 12, "completion_tokens": 7 });
    }
    format!("data: {chunk}\n\n")
}

/// A complete answer with `content`: streamed in a few pieces, or (sometimes) as one JSON body.
fn success(rng: &mut SplitMix64, latency: u64, content: &str) -> ScriptedAnswer {
    if rng.next_below(5) == 0 {
        let body = json!({
            "choices": [{ "index": 0, "message": { "role": "assistant", "content": content }, "finish_reason": "stop" }],
            "usage": { "prompt_tokens": 12, "completion_tokens": 7 }
        });
        return ScriptedAnswer::text(200, &[("content-type", "application/json")], &body.to_string());
    }
    let chars: Vec<char> = content.chars().collect();
    let pieces = 1 + rng.next_below(4) as usize;
    let size = chars.len().div_ceil(pieces).max(1);
    let mut body = Vec::new();
    for piece in chars.chunks(size) {
        body.push(BodyStep::Bytes(sse_chunk(&piece.iter().collect::<String>(), false).into_bytes()));
        body.push(BodyStep::Pause(rng.next_below(30)));
    }
    body.push(BodyStep::Bytes(sse_chunk("", true).into_bytes()));
    body.push(BodyStep::Bytes(b"data: [DONE]\n\n".to_vec()));
    ScriptedAnswer::Response {
        after_ms: latency,
        status: 200,
        headers: vec![("content-type".to_string(), "text/event-stream".to_string())],
        body,
    }
}
