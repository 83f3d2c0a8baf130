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

/// One content part: its text, or a summary of what it is.
fn describe_part(part: &Value) -> String {
    let field = |name: &str| part[name].as_str().unwrap_or("");
    let size = |name: &str| part[name].as_str().map_or(0, str::len);
    match field("type") {
        "text" => field("text").to_string(),
        kind @ ("image" | "audio") => {
            format!("[{kind} content: {}, {} bytes of base64, not shown]", field("mimeType"), size("data"))
        }
        "resource" => {
            let resource = &part["resource"];
            let uri = resource["uri"].as_str().unwrap_or("");
            match resource["text"].as_str() {
                Some(text) => format!("[resource {uri}]\n{text}"),
                None => format!("[binary resource {uri}, not shown]"),
            }
        }
        "resource_link" => format!("[resource link: {} {}]", field("uri"), field("name")).trim_end().to_string(),
        other => format!("[{other} content, not shown]"),
    }
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
            {"type": "resource", "resource": {"uri": "file:///b.bin", "blob": "AA"}},
            {"type": "resource_link", "uri": "file:///c", "name": "c"},
            {"type": "hologram"}
        ]});
        assert_eq!(
            tool_output(&result),
            ToolOutput {
                text:
                    "42\n[image content: image/png, 4 bytes of base64, not shown]\n[audio content: audio/wav, 2 bytes \
                       of base64, not shown]\n[resource file:///a.txt]\nhello\n[binary resource file:///b.bin, not \
                       shown]\n[resource link: file:///c c]\n[hologram content, not shown]"
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
