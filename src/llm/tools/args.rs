//! Reading the JSON arguments the model passes to a tool.

use serde_json::{Map, Value};

use super::error::ToolError;
pub(super) use crate::plan::parse::describe;

/// The arguments object of a call to `tool`. Blank arguments count as `{}`; a JSON string that
/// itself holds an object (double-encoded arguments) is unwrapped.
pub(crate) fn parse_arguments(tool: &str, arguments_json: &str) -> Result<Map<String, Value>, ToolError> {
    if arguments_json.trim().is_empty() {
        return Ok(Map::new());
    }
    let value: Value = serde_json::from_str(arguments_json)
        .map_err(|e| ToolError::ArgumentsNotJson { tool: tool.to_string(), detail: e.to_string() })?;
    let value = match value {
        Value::String(inner) => serde_json::from_str(&inner).unwrap_or(Value::String(inner)),
        other => other,
    };
    match value {
        Value::Object(map) => Ok(map),
        other => Err(ToolError::ArgumentsNotObject { tool: tool.to_string(), found: describe(&other) }),
    }
}

/// The string argument `name`; numbers and booleans are accepted as their text.
pub(super) fn string_arg(tool: &str, args: &Map<String, Value>, name: &str) -> Result<String, ToolError> {
    match args.get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(v @ (Value::Number(_) | Value::Bool(_))) => Ok(v.to_string()),
        None | Some(Value::Null) => Err(ToolError::MissingArgument { tool: tool.to_string(), name: name.to_string() }),
        Some(other) => {
            Err(ToolError::ArgumentNotString { tool: tool.to_string(), name: name.to_string(), found: describe(other) })
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parses_objects_blank_and_double_encoded_arguments() {
        assert_eq!(parse_arguments("t", r#"{"a": 1}"#).unwrap()["a"], json!(1));
        assert!(parse_arguments("t", "  ").unwrap().is_empty());
        assert_eq!(parse_arguments("t", r#""{\"a\": 2}""#).unwrap()["a"], json!(2));
    }

    #[test]
    fn bad_arguments_say_why() {
        let err = parse_arguments("calc", "{oops").unwrap_err();
        assert!(matches!(&err, ToolError::ArgumentsNotJson { tool, .. } if tool == "calc"), "{err:?}");
        assert!(err.to_string().starts_with("tool `calc`: the arguments are not valid JSON"), "{err}");
        assert_eq!(
            parse_arguments("calc", "[1]").unwrap_err().to_string(),
            "tool `calc`: the arguments must be a JSON object, not an array"
        );
        assert_eq!(
            parse_arguments("calc", r#""hi""#).unwrap_err(),
            ToolError::ArgumentsNotObject { tool: "calc".into(), found: "a string" }
        );
    }

    #[test]
    fn string_arguments_are_tolerant_but_checked() {
        let args = parse_arguments("t", r#"{"s": "x", "n": 2.5, "b": true, "o": {}, "z": null}"#).unwrap();
        assert_eq!(string_arg("t", &args, "s").unwrap(), "x");
        assert_eq!(string_arg("t", &args, "n").unwrap(), "2.5");
        assert_eq!(string_arg("t", &args, "b").unwrap(), "true");
        assert_eq!(
            string_arg("t", &args, "o").unwrap_err().to_string(),
            "tool `t`: argument `o` must be a string, not an object"
        );
        assert_eq!(string_arg("t", &args, "z").unwrap_err().to_string(), "tool `t`: missing argument `z` (a string)");
        assert_eq!(
            string_arg("t", &args, "m").unwrap_err(),
            ToolError::MissingArgument { tool: "t".into(), name: "m".into() }
        );
    }
}
