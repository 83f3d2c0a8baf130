//! Provider-neutral results of one LLM call: the answer text, requested tool calls and token usage.

use serde::{Deserialize, Serialize};

use super::sse::SseEvent;
use crate::engine::TaskError;

/// What one chat call produced.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChatOutcome {
    /// The answer text (for a forced `submit_plan` tool call: the JSON of its input).
    pub text: String,
    /// Tools the model asked to call, in order.
    pub tool_calls: Vec<ToolCall>,
    /// Token usage, when the provider reported it.
    pub usage: Option<Usage>,
}

/// One tool call requested by the model.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ToolCall {
    /// Provider-assigned call id; the tool result must quote it.
    pub id: String,
    /// Tool name.
    pub name: String,
    /// Arguments as a JSON text (possibly malformed: it comes from the model).
    pub arguments: String,
}

/// Tokens one call used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Usage {
    /// Prompt (input) tokens.
    pub prompt_tokens: u64,
    /// Completion (output) tokens.
    pub completion_tokens: u64,
    /// True when the counts are estimated from text length rather than reported.
    pub estimated: bool,
}

impl Usage {
    /// An estimate from the prompt and completion texts (see [`estimate_tokens`]).
    pub fn estimate(prompt: &str, completion: &str) -> Usage {
        Usage {
            prompt_tokens: estimate_tokens(prompt),
            completion_tokens: estimate_tokens(completion),
            estimated: true,
        }
    }
}

/// A rough token count: one token per four characters, rounded up.
pub fn estimate_tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4)
}

/// Turns one provider's streamed (SSE) answer into text deltas and, at the end, the outcome.
pub trait StreamDecoder {
    /// Takes one event; returns the answer text it adds, if any.
    fn push_event(&mut self, event: &SseEvent) -> Result<Option<String>, TaskError>;

    /// Ends the stream: the whole outcome, or why the stream was not a complete answer.
    fn finish(self: Box<Self>) -> Result<ChatOutcome, TaskError>;
}

/// Runs a whole SSE body through the parser and `decoder`: the deltas, then the outcome (or the
/// first error). For the decoders' tests.
#[cfg(test)]
pub(crate) fn decode_sse(
    body: &str,
    mut decoder: Box<dyn StreamDecoder>,
) -> (Vec<String>, Result<ChatOutcome, TaskError>) {
    let mut parser = super::sse::SseParser::new();
    let mut events = parser.push(body);
    events.extend(parser.finish());
    let mut deltas = Vec::new();
    for event in &events {
        match decoder.push_event(event) {
            Ok(Some(delta)) => deltas.push(delta),
            Ok(None) => {}
            Err(error) => return (deltas, Err(error)),
        }
    }
    (deltas, decoder.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_a_token_per_four_characters() {
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("abc"), 1);
        assert_eq!(estimate_tokens("abcd"), 1);
        assert_eq!(estimate_tokens("abcde"), 2);
        assert_eq!(estimate_tokens("éééé"), 1, "characters, not bytes");
        assert_eq!(Usage::estimate("12345678", "1"), Usage { prompt_tokens: 2, completion_tokens: 1, estimated: true });
    }

    #[test]
    fn outcome_round_trips_through_json() {
        let outcome = ChatOutcome {
            text: "hi".into(),
            tool_calls: vec![ToolCall { id: "c1".into(), name: "search".into(), arguments: "{}".into() }],
            usage: Some(Usage { prompt_tokens: 3, completion_tokens: 4, estimated: false }),
        };
        let json = serde_json::to_string(&outcome).unwrap();
        assert_eq!(serde_json::from_str::<ChatOutcome>(&json).unwrap(), outcome);
    }
}
