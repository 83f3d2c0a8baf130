//! The built-in tools every registry starts with.

use serde_json::Value;

use super::{ToolDef, ToolKind};

/// Name of the built-in HTTP GET tool.
pub const HTTP_GET: &str = "http_get";
/// Name of the built-in JSON extraction tool.
pub const EXTRACT_JSON: &str = "extract_json";
/// Name of the built-in calculator tool.
pub const CALCULATE: &str = "calculate";

/// The built-in tools: `http_get` (`{url}`), `extract_json` (`{text, path}`) and `calculate`
/// (`{expression}`).
pub fn builtin_tools() -> Vec<ToolDef> {
    vec![
        ToolDef {
            name: HTTP_GET.to_string(),
            description: "Fetch a web page or API response with HTTP GET and return its body as text.".to_string(),
            parameters: object_schema(
                r#"{"url": {"type": "string", "description": "Absolute http:// or https:// URL to fetch."}}"#,
                &["url"],
            ),
            kind: ToolKind::HttpGet,
            for_types: Vec::new(),
        },
        ToolDef {
            name: EXTRACT_JSON.to_string(),
            description: "Find the JSON in a text (prose and code fences are skipped) and return the value at a \
                          path such as `a.b[0].c` (an empty path returns the whole JSON)."
                .to_string(),
            parameters: object_schema(
                r#"{"text": {"type": "string", "description": "Text containing JSON."},
                    "path": {"type": "string", "description": "Path of `.key` and `[index]` segments, e.g. `a.b[0].c`."}}"#,
                &["text", "path"],
            ),
            kind: ToolKind::ExtractJson,
            for_types: Vec::new(),
        },
        ToolDef {
            name: CALCULATE.to_string(),
            description: "Evaluate an arithmetic expression exactly: + - * / % ^, parentheses, pi, e, sqrt, abs, \
                          ln, log10, min(a, b), max(a, b), round."
                .to_string(),
            parameters: object_schema(
                r#"{"expression": {"type": "string", "description": "The expression, e.g. `(2 + 3) * sqrt(16) / 4`."}}"#,
                &["expression"],
            ),
            kind: ToolKind::Calculate,
            for_types: Vec::new(),
        },
    ]
}

/// The JSON Schema of an arguments object with the given `properties` (JSON text), all `required`
/// and nothing else allowed. Parsed from text: the same schema built with `json!` compiles to
/// several KB of Wasm.
fn object_schema(properties: &str, required: &[&str]) -> Value {
    let properties: Value = serde_json::from_str(properties).expect("the built-in schemas are valid JSON");
    let mut schema = serde_json::Map::new();
    schema.insert("type".into(), "object".into());
    schema.insert("properties".into(), properties);
    schema.insert("required".into(), required.iter().map(|r| Value::from(*r)).collect());
    schema.insert("additionalProperties".into(), false.into());
    Value::Object(schema)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn builtins_have_names_kinds_and_required_parameters() {
        let tools = builtin_tools();
        let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, [HTTP_GET, EXTRACT_JSON, CALCULATE]);
        assert_eq!(tools[0].kind, ToolKind::HttpGet);
        assert_eq!(tools[1].kind, ToolKind::ExtractJson);
        assert_eq!(tools[2].kind, ToolKind::Calculate);
        assert_eq!(tools[0].parameters["required"], json!(["url"]));
        assert_eq!(tools[1].parameters["required"], json!(["text", "path"]));
        assert_eq!(tools[2].parameters["required"], json!(["expression"]));
        assert!(tools.iter().all(|t| !t.description.is_empty() && t.for_types.is_empty()));
        for tool in &tools {
            let schema = &tool.parameters;
            assert_eq!((&schema["type"], &schema["additionalProperties"]), (&json!("object"), &json!(false)));
            let properties: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
            let mut required: Vec<&str> =
                schema["required"].as_array().unwrap().iter().filter_map(|r| r.as_str()).collect();
            required.sort_unstable(); // the properties map lists its keys sorted
            assert_eq!(properties, required, "{}", tool.name);
            assert!(schema["properties"].as_object().unwrap().values().all(|p| p["type"] == "string"));
        }
    }
}
