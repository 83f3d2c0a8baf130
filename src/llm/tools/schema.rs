//! Tool definitions in the request formats of the OpenAI and Anthropic APIs.

use serde_json::{json, Value};

use super::ToolDef;

/// The `tools` array of an OpenAI Chat Completions request:
/// `{"type": "function", "function": {name, description, parameters}}` per tool.
pub fn openai_tools(defs: &[&ToolDef]) -> Vec<Value> {
    defs.iter()
        .map(|d| {
            json!({
                "type": "function",
                "function": {"name": d.name, "description": d.description, "parameters": d.parameters}
            })
        })
        .collect()
}

/// The `tools` array of an Anthropic Messages request: `{name, description, input_schema}` per tool.
pub fn anthropic_tools(defs: &[&ToolDef]) -> Vec<Value> {
    defs.iter().map(|d| json!({"name": d.name, "description": d.description, "input_schema": d.parameters})).collect()
}

#[cfg(test)]
mod tests {
    use super::super::builtin_tools;
    use super::*;

    #[test]
    fn formats_match_the_provider_apis() {
        let tools = builtin_tools();
        let defs: Vec<&ToolDef> = tools.iter().collect();
        let openai = openai_tools(&defs[2..]);
        assert_eq!(
            openai,
            [json!({"type": "function", "function": {
                "name": "calculate", "description": tools[2].description, "parameters": tools[2].parameters
            }})]
        );
        let anthropic = anthropic_tools(&defs);
        assert_eq!(anthropic.len(), 3);
        assert_eq!(
            anthropic[0],
            json!({"name": "http_get", "description": tools[0].description, "input_schema": tools[0].parameters})
        );
        assert!(openai_tools(&[]).is_empty());
    }
}
