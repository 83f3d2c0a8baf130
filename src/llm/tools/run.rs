//! Running the tools that need no network: `calculate` and `extract_json`.

use serde_json::Value;

use super::args::{describe, parse_arguments, string_arg};
use super::error::ToolError;
use super::{calculate, extract_json, ToolDef, ToolKind};

/// Runs `def` locally with the model's `arguments_json`: `Some` with the result as text for
/// [`ToolKind::Calculate`] and [`ToolKind::ExtractJson`], `None` for the HTTP and MCP tools (the
/// provider performs those, see [`super::http_call_for`]). Arguments that are not a JSON object or
/// lack a field give `Some(Err(…))` with a message for the model.
///
/// A `calculate` result is the number in plain decimal; an `extract_json` result is the string
/// itself when the value is a string, else compact JSON. `extract_json` also accepts `text` given
/// as a JSON object or array instead of a string.
pub fn run_local_tool(def: &ToolDef, arguments_json: &str) -> Option<Result<String, ToolError>> {
    match def.kind {
        ToolKind::Calculate => Some(run_calculate(def, arguments_json)),
        ToolKind::ExtractJson => Some(run_extract(def, arguments_json)),
        ToolKind::HttpGet | ToolKind::UserHttp { .. } | ToolKind::Mcp { .. } => None,
    }
}

fn run_calculate(def: &ToolDef, arguments_json: &str) -> Result<String, ToolError> {
    let args = parse_arguments(&def.name, arguments_json)?;
    let expression = string_arg(&def.name, &args, "expression")?;
    let value = calculate(&expression).map_err(|error| ToolError::Calculate { tool: def.name.clone(), error })?;
    // Avoid printing "-0".
    Ok(if value == 0.0 { 0.0 } else { value }.to_string())
}

fn run_extract(def: &ToolDef, arguments_json: &str) -> Result<String, ToolError> {
    let args = parse_arguments(&def.name, arguments_json)?;
    let text = match args.get("text") {
        Some(Value::String(text)) => text.clone(),
        Some(json @ (Value::Object(_) | Value::Array(_))) => json.to_string(),
        None | Some(Value::Null) => {
            return Err(ToolError::MissingArgument { tool: def.name.clone(), name: "text".to_string() })
        }
        Some(other) => {
            return Err(ToolError::ArgumentNotString {
                tool: def.name.clone(),
                name: "text".to_string(),
                found: describe(other),
            })
        }
    };
    let path = string_arg(&def.name, &args, "path")?;
    match extract_json(&text, &path).map_err(|error| ToolError::Extract { tool: def.name.clone(), error })? {
        Value::String(s) => Ok(s),
        other => Ok(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{builtin_tools, CalcError, ExtractError, CALCULATE, EXTRACT_JSON, HTTP_GET};
    use super::*;

    fn tool(name: &str) -> ToolDef {
        builtin_tools().into_iter().find(|t| t.name == name).unwrap()
    }

    /// The result of running `def`, errors as their messages.
    fn run(def: &ToolDef, arguments_json: &str) -> Option<Result<String, String>> {
        run_local_tool(def, arguments_json).map(|r| r.map_err(|e| e.to_string()))
    }

    #[test]
    fn calculate_runs_locally() {
        let calc = tool(CALCULATE);
        assert_eq!(run(&calc, r#"{"expression": "(2 + 3) * 4"}"#), Some(Ok("20".to_string())));
        assert_eq!(run(&calc, r#"{"expression": "1 / 4"}"#), Some(Ok("0.25".to_string())));
        assert_eq!(run(&calc, r#"{"expression": "-0 * 1"}"#), Some(Ok("0".to_string())));
        assert_eq!(run(&calc, r#"{"expression": 7}"#), Some(Ok("7".to_string())));
        assert_eq!(
            run(&calc, r#"{"expression": "1/0"}"#),
            Some(Err("tool `calculate`: division by zero at position 2".to_string()))
        );
        assert_eq!(
            run(&calc, "{}"),
            Some(Err("tool `calculate`: missing argument `expression` (a string)".to_string()))
        );
        let Some(Err(err)) = run(&calc, "expression: 1+1") else { panic!("should fail") };
        assert!(err.starts_with("tool `calculate`: the arguments are not valid JSON"), "{err}");
    }

    #[test]
    fn extract_json_runs_locally() {
        let extract = tool(EXTRACT_JSON);
        let args =
            serde_json::json!({"text": "Answer: {\"a\": {\"b\": [\"x\", {\"c\": 2}]}}", "path": "a.b"}).to_string();
        assert_eq!(run(&extract, &args), Some(Ok(r#"["x",{"c":2}]"#.to_string())));
        let args = serde_json::json!({"text": {"a": ["hello"]}, "path": "a[0]"}).to_string();
        assert_eq!(run(&extract, &args), Some(Ok("hello".to_string())));
        let args = serde_json::json!({"text": "{\"a\": 1}", "path": "b"}).to_string();
        assert_eq!(
            run(&extract, &args),
            Some(Err("tool `extract_json`: no key `b` at the top level (its keys are `a`)".to_string()))
        );
        assert_eq!(
            run(&extract, r#"{"path": "a"}"#),
            Some(Err("tool `extract_json`: missing argument `text` (a string)".to_string()))
        );
        assert_eq!(
            run(&extract, r#"{"text": 5, "path": "a"}"#),
            Some(Err("tool `extract_json`: argument `text` must be a string, not a number".to_string()))
        );
        assert_eq!(
            run(&extract, r#"{"text": "{}"}"#),
            Some(Err("tool `extract_json`: missing argument `path` (a string)".to_string()))
        );
    }

    #[test]
    fn failures_of_the_local_tools_are_typed() {
        assert_eq!(
            run_local_tool(&tool(CALCULATE), r#"{"expression": "1/0"}"#),
            Some(Err(ToolError::Calculate {
                tool: CALCULATE.into(),
                error: CalcError::DivisionByZero { position: 2 }
            }))
        );
        assert_eq!(
            run_local_tool(&tool(EXTRACT_JSON), r#"{"text": "[1]", "path": "[3]"}"#),
            Some(Err(ToolError::Extract {
                tool: EXTRACT_JSON.into(),
                error: ExtractError::IndexOutOfRange { index: 3, at: String::new(), length: 1 }
            }))
        );
        assert_eq!(
            run_local_tool(&tool(EXTRACT_JSON), r#"{"text": true, "path": ""}"#),
            Some(Err(ToolError::ArgumentNotString {
                tool: EXTRACT_JSON.into(),
                name: "text".into(),
                found: "a boolean"
            }))
        );
    }

    #[test]
    fn http_tools_are_left_to_the_browser() {
        assert_eq!(run_local_tool(&tool(HTTP_GET), r#"{"url": "https://example.com"}"#), None);
        let user = ToolDef {
            kind: ToolKind::UserHttp { url: "https://x.example".to_string(), method: "GET".to_string() },
            ..tool(HTTP_GET)
        };
        assert_eq!(run_local_tool(&user, "not even json"), None);
    }
}
