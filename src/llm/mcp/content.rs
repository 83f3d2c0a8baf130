//! A `tools/call` result as the text the model reads: text parts as they are, other parts
//! summarised in one line each, the structured content when there is nothing else.

use serde_json::Value;

/// What a `tools/call` gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolOutput {
    /// The result as text.
    pub text: String,
    /// The server flagged the result as an error (`isError: true`): the text says what went wrong.
    pub is_error: bool,
}

/// The text of a `tools/call` `result`.
pub fn tool_output(result: &Value) -> ToolOutput {
    let parts: Vec<String> = result["content"].as_array().into_iter().flatten().map(describe_part).collect();
    let text = if parts.is_empty() {
        match result.get("structuredContent") {
            Some(structured) => structured.to_string(),
            None => String::new(),
        }
    } else {
        parts.join("\n")
    };
    ToolOutput { text, is_error: result["isError"].as_bool().unwrap_or(false) }
}

/// One content part: its text (a text resource's too), or one line saying what it is.
fn describe_part(part: &Value) -> String {
    let resource = &part["resource"];
    if let Some(text) = part["text"].as_str().or(resource["text"].as_str()) {
        return text.to_string();
    }
    let field = |name: &str| part[name].as_str().or(resource[name].as_str());
    let about: Vec<&str> = ["mimeType", "uri", "name"].into_iter().filter_map(field).collect();
    format!("[{} content, not shown: {}]", field("type").unwrap_or("unknown"), about.join(" "))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn text_parts_join_and_others_are_summarised() {
        let result = json!({"content": [
            {"type": "text", "text": "42"},
            {"type": "image", "mimeType": "image/png", "data": "AAAA"},
            {"type": "audio", "mimeType": "audio/wav", "data": "AA"},
            {"type": "resource", "resource": {"uri": "file:///a.txt", "text": "hello"}},
            {"type": "resource", "resource": {"uri": "file:///b.bin", "mimeType": "application/zip", "blob": "AA"}},
            {"type": "resource_link", "uri": "file:///c", "name": "c"},
            {"type": "hologram"}
        ]});
        assert_eq!(
            tool_output(&result),
            ToolOutput {
                text: "42\n[image content, not shown: image/png]\n[audio content, not shown: audio/wav]\nhello\n\
                       [resource content, not shown: application/zip file:///b.bin]\n[resource_link content, not \
                       shown: file:///c c]\n[hologram content, not shown: ]"
                    .to_string(),
                is_error: false
            }
        );
    }

    #[test]
    fn errors_and_structured_content_are_kept() {
        let failed = tool_output(&json!({"content": [{"type": "text", "text": "no entry"}], "isError": true}));
        assert_eq!(failed, ToolOutput { text: "no entry".into(), is_error: true });
        let structured = tool_output(&json!({"content": [], "structuredContent": {"sum": 3}}));
        assert_eq!(structured.text, r#"{"sum":3}"#);
        assert_eq!(tool_output(&json!({})).text, "");
    }
}
