//! Pure steps of multi-turn calls: checking a plan answer and asking once for a repair, and
//! appending tool calls and their results to a conversation.

use serde_json::json;
use thiserror::Error;

use super::chat::ToolCall;
use super::prompt::ChatMessage;
use super::tools::ToolError;
use crate::plan::parse::{parse_plan, ParseError};
use crate::plan::validate::{validate, Issue, Severity};
use crate::plan::Plan;

/// Why an answer gives no plan that can run.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanAnswerError {
    /// The answer holds no readable plan.
    #[error(transparent)]
    Unreadable(#[from] ParseError),
    /// The plan reads but does not validate; the message lists the errors, separated by `; `.
    #[error("{}", .issues.iter().map(|i| i.message.as_str()).collect::<Vec<_>>().join("; "))]
    Invalid {
        /// The plan as read.
        plan: Plan,
        /// Its validation errors (never empty; warnings are left out).
        issues: Vec<Issue>,
    },
}

/// The plan in `answer`, or why it cannot run: it is unreadable, or it has validation errors.
pub fn check_plan_answer(answer: &str) -> Result<Plan, PlanAnswerError> {
    let plan = parse_plan(answer)?;
    let issues: Vec<Issue> = validate(&plan).into_iter().filter(|i| i.severity == Severity::Error).collect();
    if issues.is_empty() {
        Ok(plan)
    } else {
        Err(PlanAnswerError::Invalid { plan, issues })
    }
}

/// The conversation for the one repair round: the original request, the faulty answer, and what
/// was wrong with it.
pub fn repair_messages(request: &[ChatMessage], answer: &str, problem: &str) -> Vec<ChatMessage> {
    let mut messages = request.to_vec();
    messages.push(ChatMessage::text("assistant", answer));
    messages.push(ChatMessage::text(
        "user",
        format!(
            "That plan cannot be used: {problem}. Answer again with the corrected plan, as JSON only, in the same shape."
        ),
    ));
    messages
}

/// Appends the assistant turn that asked for `calls` to `messages`.
pub fn push_tool_calls(messages: &mut Vec<ChatMessage>, text: &str, calls: &[ToolCall]) {
    let calls_json: Vec<serde_json::Value> = calls
        .iter()
        .map(|c| json!({ "id": c.id, "type": "function", "function": { "name": c.name, "arguments": c.arguments } }))
        .collect();
    let mut message = ChatMessage::text("assistant", text);
    message.tool_calls = Some(serde_json::Value::Array(calls_json));
    messages.push(message);
}

/// Appends the result of tool call `id` (errors are reported to the model as text, so it can adapt).
pub fn push_tool_result(messages: &mut Vec<ChatMessage>, id: &str, result: Result<String, ToolError>) {
    let content = match result {
        Ok(text) => text,
        Err(error) => format!("error: {error}"),
    };
    let mut message = ChatMessage::text("tool", content);
    message.tool_call_id = Some(id.to_string());
    messages.push(message);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::validate::IssueKind;

    #[test]
    fn a_plan_answer_is_checked_for_parse_and_validation_errors() {
        let ok = r#"{"tasks":[{"id":"T1","name":"a","depends_on":[]}]}"#;
        assert_eq!(check_plan_answer(ok).unwrap().tasks.len(), 1);
        let cyclic =
            r#"{"tasks":[{"id":"T1","name":"a","depends_on":["T2"]},{"id":"T2","name":"b","depends_on":["T1"]}]}"#;
        let error = check_plan_answer(cyclic).unwrap_err();
        assert!(error.to_string().contains("T1 -> T2 -> T1"), "{error}");
        let PlanAnswerError::Invalid { plan, issues } = error else { panic!("readable but invalid: {error:?}") };
        assert_eq!(plan.tasks.len(), 2, "the plan as read comes with its issues");
        assert_eq!(issues.iter().map(|i| i.kind).collect::<Vec<_>>(), [IssueKind::Cycle]);
        let error = check_plan_answer("no plan here").unwrap_err();
        assert!(matches!(error, PlanAnswerError::Unreadable(ParseError::NoJson { .. })), "{error:?}");
        assert_eq!(error.to_string(), "no JSON object found in the answer (it starts with: 'no plan here')");
    }

    #[test]
    fn an_invalid_plan_lists_every_error_and_no_warning() {
        let tasks: Vec<String> = (1..=12).map(|n| format!(r#"{{"id":"T{n}","name":"t","depends_on":[]}}"#)).collect();
        let answer = format!(
            r#"{{"tasks":[{},{{"id":"A","name":"a","depends_on":["A"]}},{{"id":"B","name":"b","depends_on":["Z"]}}]}}"#,
            tasks.join(",")
        );
        let error = check_plan_answer(&answer).unwrap_err();
        let PlanAnswerError::Invalid { plan, issues } = &error else { panic!("{error:?}") };
        assert!(validate(plan).iter().any(|i| i.kind == IssueKind::TooManyRoots), "the plan has a warning");
        assert!(issues.len() >= 2 && issues.iter().all(|i| i.severity == Severity::Error), "{issues:?}");
        let joined: Vec<&str> = issues.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(error.to_string(), joined.join("; "));
    }

    #[test]
    fn the_repair_round_quotes_the_answer_and_the_problem() {
        let request = vec![ChatMessage::text("system", "rules"), ChatMessage::text("user", "Goal: x")];
        let messages = repair_messages(&request, "{bad}", "cycle: T1 -> T1");
        assert_eq!(messages.len(), 4);
        assert_eq!((messages[2].role.as_str(), messages[2].content.as_str()), ("assistant", "{bad}"));
        assert!(messages[3].content.contains("cycle: T1 -> T1"));
    }

    #[test]
    fn tool_turns_carry_call_ids() {
        let mut messages = Vec::new();
        let call =
            ToolCall { id: "call_1".into(), name: "calculate".into(), arguments: r#"{"expression":"6*7"}"#.into() };
        push_tool_calls(&mut messages, "", std::slice::from_ref(&call));
        push_tool_result(&mut messages, "call_1", Ok("42".into()));
        push_tool_result(&mut messages, "call_2", Err(ToolError::UnknownTool { name: "shell".into() }));
        assert_eq!(messages[0].tool_calls.as_ref().unwrap()[0]["function"]["name"], "calculate");
        assert_eq!((messages[1].role.as_str(), messages[1].tool_call_id.as_deref()), ("tool", Some("call_1")));
        assert_eq!(messages[2].content, "error: there is no tool named shell");
    }
}
