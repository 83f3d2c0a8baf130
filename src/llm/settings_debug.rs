//! `Debug` for provider settings that never prints a secret: the API key shows as `"…"`, and so does
//! the value of every extra header (their names stay, for debugging).

use std::fmt;

use super::settings::ProviderSettings;

/// What a secret prints as: `"…"` when there is one, `""` when there is none.
fn redacted(secret: &str) -> &'static str {
    if secret.is_empty() {
        ""
    } else {
        "…"
    }
}

/// Extra header lines with their values redacted (a line without a name is redacted whole).
struct RedactedHeaders<'a>(&'a str);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines = self.0.lines().filter(|line| !line.trim().is_empty()).map(|line| match line.split_once(':') {
            Some((name, value)) if !name.trim().is_empty() => format!("{}: {}", name.trim(), redacted(value.trim())),
            _ => redacted(line).to_string(),
        });
        f.debug_list().entries(lines).finish()
    }
}

impl fmt::Debug for ProviderSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Destructured, so a new field does not compile until it is printed here (or redacted).
        let ProviderSettings {
            kind,
            base_url,
            model,
            type_models,
            api_key,
            remember_key,
            needs_key,
            schema_style,
            extra_headers,
            read_timeout_secs,
            stream,
            structured,
            price_table,
            user_tools,
            tool_hosts,
            tool_any_host,
            mcp_servers,
            prompts,
            demo,
        } = self;
        f.debug_struct("ProviderSettings")
            .field("kind", kind)
            .field("base_url", base_url)
            .field("model", model)
            .field("type_models", type_models)
            .field("api_key", &redacted(api_key))
            .field("remember_key", remember_key)
            .field("needs_key", needs_key)
            .field("schema_style", schema_style)
            .field("extra_headers", &RedactedHeaders(extra_headers))
            .field("read_timeout_secs", read_timeout_secs)
            .field("stream", stream)
            .field("structured", structured)
            .field("price_table", price_table)
            .field("user_tools", user_tools)
            .field("tool_hosts", tool_hosts)
            .field("tool_any_host", tool_any_host)
            .field("mcp_servers", mcp_servers)
            .field("prompts", prompts)
            .field("demo", demo)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key_or_header_values() {
        let settings = ProviderSettings {
            model: "gpt-4o-mini".into(),
            api_key: "sk-secret-123".into(),
            extra_headers: "X-Api-Token: tok-secret-456\nHTTP-Referer:https://me.example\nbare-secret-789".into(),
            ..ProviderSettings::default()
        };
        for text in [format!("{settings:?}"), format!("{settings:#?}")] {
            for secret in ["sk-secret", "tok-secret", "me.example", "bare-secret"] {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
            assert!(text.contains("gpt-4o-mini"), "{text}");
        }
        let text = format!("{settings:?}");
        assert!(text.contains(r#"api_key: "…""#), "{text}");
        assert!(text.contains(r#"extra_headers: ["X-Api-Token: …", "HTTP-Referer: …", "…"]"#), "{text}");
    }

    #[test]
    fn debug_says_when_there_is_no_key() {
        let text = format!("{:?}", ProviderSettings::default());
        assert!(text.contains(r#"api_key: """#) && text.contains("extra_headers: []"), "{text}");
    }
}
