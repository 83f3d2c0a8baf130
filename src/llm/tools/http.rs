//! Turning a call of an HTTP tool into the request the browser adapter sends.

use serde_json::{Map, Value};

use super::args::{parse_arguments, string_arg};
use super::error::ToolError;
use super::{ToolDef, ToolKind};

/// The HTTP methods a user tool may use.
const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// An HTTP request to perform for a tool call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpToolCall {
    /// Upper-case HTTP method.
    pub method: String,
    /// Absolute http(s) URL.
    pub url: String,
    /// JSON body, for POST, PUT and PATCH.
    pub body: Option<String>,
}

/// The request for a call of the HTTP tool `def` with the model's `arguments_json`.
///
/// `http_get` gives `GET {url}` (only http and https URLs). A user tool's URL template has its
/// `{param}` placeholders replaced by the URL-encoded arguments; the remaining arguments become a
/// JSON object body for POST, PUT and PATCH, or query parameters for GET and DELETE. Local tools
/// and bad arguments give an error.
pub fn http_call_for(def: &ToolDef, arguments_json: &str) -> Result<HttpToolCall, ToolError> {
    match &def.kind {
        ToolKind::HttpGet => {
            let args = parse_arguments(&def.name, arguments_json)?;
            let url = string_arg(&def.name, &args, "url")?.trim().to_string();
            check_http_url(&def.name, &url)?;
            Ok(HttpToolCall { method: "GET".to_string(), url, body: None })
        }
        ToolKind::UserHttp { url, method } => {
            let method = method.trim().to_ascii_uppercase();
            if !METHODS.contains(&method.as_str()) {
                return Err(ToolError::UnsupportedMethod { tool: def.name.clone(), method });
            }
            let mut args = parse_arguments(&def.name, arguments_json)?;
            let mut url = fill_template(&def.name, url.trim(), &mut args)?;
            check_http_url(&def.name, &url)?;
            let body = if matches!(method.as_str(), "POST" | "PUT" | "PATCH") {
                Some(Value::Object(args).to_string())
            } else {
                append_query(&mut url, &args);
                None
            };
            Ok(HttpToolCall { method, url, body })
        }
        ToolKind::Calculate | ToolKind::ExtractJson | ToolKind::Mcp { .. } => {
            Err(ToolError::NotHttp { tool: def.name.clone() })
        }
    }
}

/// `template` with each `{name}` replaced by the URL-encoded argument `name`, which is removed
/// from `args`. The scheme, host and port are fixed: a placeholder before the path starts (the
/// first `/`, `?` or `#` after `scheme://`) is refused, so the model cannot choose where the
/// request goes.
fn fill_template(tool: &str, template: &str, args: &mut Map<String, Value>) -> Result<String, ToolError> {
    if template.find('{').is_some_and(|open| open < path_start(template)) {
        return Err(ToolError::PlaceholderBeforePath { tool: tool.to_string(), template: template.to_string() });
    }
    let mut out = String::with_capacity(template.len());
    let mut used = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| ToolError::UnclosedPlaceholder { tool: tool.to_string() })?;
        let name = &after[..close];
        match args.get(name) {
            Some(Value::String(text)) => out.push_str(&encode(text)),
            Some(value) if !value.is_null() => out.push_str(&encode(&value.to_string())),
            _ => return Err(ToolError::MissingPlaceholderArgument { tool: tool.to_string(), name: name.to_string() }),
        }
        used.push(name.to_string());
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    for name in used {
        args.remove(&name);
    }
    Ok(out)
}

/// Byte index where the path (or query, or fragment) of `url` starts: the first `/`, `?` or `#`
/// (or `\\`, which browsers read as `/`) after `scheme://`; the end of `url` when it has none or
/// has no `scheme://`.
fn path_start(url: &str) -> usize {
    let Some(scheme_end) = url.find("://").map(|at| at + 3) else { return url.len() };
    url[scheme_end..].find(['/', '?', '#', '\\']).map_or(url.len(), |at| scheme_end + at)
}

/// Appends `args` to `url` as query parameters (before any `#fragment`).
fn append_query(url: &mut String, args: &Map<String, Value>) {
    let pairs: Vec<String> = args
        .iter()
        .filter(|(_, value)| !value.is_null())
        .map(|(key, value)| {
            let text = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            format!("{}={}", encode(key), encode(&text))
        })
        .collect();
    if pairs.is_empty() {
        return;
    }
    let fragment = url.find('#').map(|at| url.split_off(at)).unwrap_or_default();
    url.push(if url.contains('?') { '&' } else { '?' });
    url.push_str(&pairs.join("&"));
    url.push_str(&fragment);
}

/// Percent-encodes everything but the RFC 3986 unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Checks that `url` is an absolute http or https URL with a host and no whitespace.
fn check_http_url(tool: &str, url: &str) -> Result<(), ToolError> {
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")) else {
        return Err(ToolError::NotHttpUrl { tool: tool.to_string(), url: url.to_string() });
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() {
        return Err(ToolError::UrlWithoutHost { tool: tool.to_string(), url: url.to_string() });
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ToolError::UrlWithWhitespace { tool: tool.to_string(), url: url.to_string() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{builtin_tools, HTTP_GET};
    use super::*;

    fn user(url: &str, method: &str) -> ToolDef {
        ToolDef {
            name: "api".to_string(),
            description: "user api".to_string(),
            parameters: json!({"type": "object"}),
            kind: ToolKind::UserHttp { url: url.to_string(), method: method.to_string() },
            for_types: Vec::new(),
        }
    }

    #[test]
    fn http_get_fetches_http_urls_only() {
        let get = builtin_tools().into_iter().find(|t| t.name == HTTP_GET).unwrap();
        assert_eq!(
            http_call_for(&get, r#"{"url": " https://example.com/a?b=1 "}"#).unwrap(),
            HttpToolCall { method: "GET".to_string(), url: "https://example.com/a?b=1".to_string(), body: None }
        );
        assert_eq!(http_call_for(&get, r#"{"url": "HTTP://x.io"}"#).unwrap().url, "HTTP://x.io");
        assert_eq!(
            http_call_for(&get, r#"{"url": "file:///etc/passwd"}"#).unwrap_err().to_string(),
            "tool `http_get`: only http:// and https:// URLs can be fetched, not `file:///etc/passwd`"
        );
        assert_eq!(
            http_call_for(&get, r#"{"url": "https:///x"}"#).unwrap_err().to_string(),
            "tool `http_get`: the URL `https:///x` has no host"
        );
        assert_eq!(
            http_call_for(&get, r#"{"url": "https://a b"}"#).unwrap_err().to_string(),
            "tool `http_get`: the URL `https://a b` contains whitespace or control characters"
        );
        assert_eq!(
            http_call_for(&get, "{}").unwrap_err().to_string(),
            "tool `http_get`: missing argument `url` (a string)"
        );
        assert!(http_call_for(&get, "nope").unwrap_err().to_string().contains("not valid JSON"));
    }

    #[test]
    fn user_get_fills_placeholders_and_query() {
        let tool = user("https://api.example/v1/{city}/weather?units=metric#top", "get");
        let call = http_call_for(&tool, r#"{"city": "São Paulo/SP", "days": 3, "lang": "pt br", "x": null}"#).unwrap();
        assert_eq!(call.method, "GET");
        assert_eq!(
            call.url,
            "https://api.example/v1/S%C3%A3o%20Paulo%2FSP/weather?units=metric&days=3&lang=pt%20br#top"
        );
        assert_eq!(call.body, None);
        let call = http_call_for(&user("https://api.example/{id}/{id}", "DELETE"), r#"{"id": 7}"#).unwrap();
        assert_eq!((call.method.as_str(), call.url.as_str(), call.body), ("DELETE", "https://api.example/7/7", None));
    }

    #[test]
    fn user_post_sends_remaining_arguments_as_body() {
        let tool = user("https://api.example/items/{id}", "POST");
        let call = http_call_for(&tool, r#"{"id": "a b", "name": "x", "tags": [1]}"#).unwrap();
        assert_eq!(call.url, "https://api.example/items/a%20b");
        assert_eq!(serde_json::from_str::<Value>(&call.body.unwrap()).unwrap(), json!({"name": "x", "tags": [1]}));
        let call = http_call_for(&user("https://api.example/items", " put "), "{}").unwrap();
        assert_eq!((call.method.as_str(), call.body.as_deref()), ("PUT", Some("{}")));
    }

    #[test]
    fn user_tool_errors_are_clear() {
        assert_eq!(
            http_call_for(&user("https://api.example/{id}", "POST"), "{}").unwrap_err().to_string(),
            "tool `api`: missing argument `id` for the URL placeholder `{id}`"
        );
        assert_eq!(
            http_call_for(&user("https://api.example/{id", "GET"), r#"{"id": 1}"#).unwrap_err().to_string(),
            "tool `api`: the URL template has a `{` without a `}`"
        );
        assert_eq!(
            http_call_for(&user("https://api.example", "TRACE"), "{}").unwrap_err().to_string(),
            "tool `api`: unsupported HTTP method `TRACE` (use GET, POST, PUT, PATCH or DELETE)"
        );
        assert_eq!(
            http_call_for(&user("{base}/x", "GET"), r#"{"base": "https://evil.example"}"#).unwrap_err().to_string(),
            "tool `api`: the URL template `{base}/x` has a placeholder before its path: placeholders may fill \
             only the path and query, never the scheme, host or port"
        );
        let calc = builtin_tools().into_iter().find(|t| t.kind == ToolKind::Calculate).unwrap();
        assert_eq!(http_call_for(&calc, "{}").unwrap_err().to_string(), "tool `calculate` runs locally, not over HTTP");
    }

    #[test]
    fn placeholders_cannot_choose_the_host() {
        let refused =
            |template: &str| http_call_for(&user(template, "GET"), r#"{"p": "@evil.example", "host": "evil.example"}"#);
        for template in [
            "https://api.x.com{p}",
            "https://{host}/x",
            "https://api.x.com:{p}/x",
            "https://{p}@api.x.com/x",
            "https://api.x.com{p}/x",
            "{host}",
            "http{p}://api.x.com/",
        ] {
            assert_eq!(
                refused(template),
                Err(ToolError::PlaceholderBeforePath { tool: "api".into(), template: template.into() }),
                "{template}"
            );
        }
        // Path segments and query values are fine, and a value cannot leave its segment.
        let call = http_call_for(
            &user("https://api.x.com/{p}?q={host}", "GET"),
            r#"{"p": "../@evil.example/a?b", "host": "x&y=1"}"#,
        )
        .unwrap();
        assert_eq!(call.url, "https://api.x.com/..%2F%40evil.example%2Fa%3Fb?q=x%26y%3D1");
        assert_eq!(
            http_call_for(&user("https://api.x.com?q={p}", "GET"), r#"{"p": "1"}"#).unwrap().url,
            "https://api.x.com?q=1"
        );
    }

    #[test]
    fn errors_are_typed() {
        let get = builtin_tools().into_iter().find(|t| t.name == HTTP_GET).unwrap();
        assert_eq!(
            http_call_for(&get, r#"{"url": "ftp://x"}"#),
            Err(ToolError::NotHttpUrl { tool: HTTP_GET.into(), url: "ftp://x".into() })
        );
        assert_eq!(
            http_call_for(&user("https://api.example", " trace "), "{}"),
            Err(ToolError::UnsupportedMethod { tool: "api".into(), method: "TRACE".into() })
        );
        assert_eq!(
            http_call_for(&user("https://api.example/{id}", "GET"), "{}"),
            Err(ToolError::MissingPlaceholderArgument { tool: "api".into(), name: "id".into() })
        );
    }
}
