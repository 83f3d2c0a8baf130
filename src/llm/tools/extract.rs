//! The `extract_json` tool: pick a value out of JSON embedded in text.

use serde_json::Value;

use super::args::describe;
use super::error::ExtractError;
use crate::plan::parse::{first_json_value, ParseError};

/// Most object keys listed when a key is missing.
const MAX_LISTED_KEYS: usize = 20;

/// The value at `path` in the JSON found in `text`.
///
/// `text` may be bare JSON (any value) or contain a JSON object or array among prose or inside a
/// code fence (fenced blocks win). `path` is a sequence of `.key` and `[index]` segments such as
/// `a.b[0].c` (the leading dot is optional, a leading `$` is allowed); an empty path selects the
/// whole JSON. Errors say which segment is missing and where, e.g. "no key `b` at `a`".
pub fn extract_json(text: &str, path: &str) -> Result<Value, ExtractError> {
    let segments = parse_path(path)?;
    let mut value = match serde_json::from_str::<Value>(text.trim()) {
        Ok(value) => value,
        Err(_) => first_json_value(text).map_err(|e| match e {
            ParseError::Empty => ExtractError::EmptyText,
            ParseError::NoJson { .. } => ExtractError::NoJson,
            other => ExtractError::InvalidJson(other),
        })?,
    };
    let mut at = String::new();
    for segment in segments {
        value = match (&segment, value) {
            (Segment::Key(key), Value::Object(mut map)) => map.remove(key).ok_or_else(|| ExtractError::MissingKey {
                key: key.clone(),
                at: at.clone(),
                keys: map.keys().take(MAX_LISTED_KEYS).cloned().collect(),
                more_keys: map.len() > MAX_LISTED_KEYS,
            })?,
            (Segment::Index(index), Value::Array(mut items)) => {
                if *index >= items.len() {
                    return Err(ExtractError::IndexOutOfRange { index: *index, at, length: items.len() });
                }
                items.swap_remove(*index)
            }
            (Segment::Key(key), other) => {
                return Err(ExtractError::NotAnObject { key: key.clone(), at, found: describe(&other) })
            }
            (Segment::Index(index), other) => {
                return Err(ExtractError::NotAnArray { index: *index, at, found: describe(&other) })
            }
        };
        match segment {
            Segment::Key(key) if at.is_empty() => at = key,
            Segment::Key(key) => at = format!("{at}.{key}"),
            Segment::Index(index) => at = format!("{at}[{index}]"),
        }
    }
    Ok(value)
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// `.key`: a field of an object.
    Key(String),
    /// `[index]`: an element of an array.
    Index(usize),
}

/// Splits a path such as `a.b[0].c` into segments.
fn parse_path(path: &str) -> Result<Vec<Segment>, ExtractError> {
    let trimmed = path.trim();
    let rest = trimmed.strip_prefix('$').unwrap_or(trimmed);
    let chars: Vec<char> = rest.chars().collect();
    let written = || trimmed.to_string();
    let mut segments = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '[' => {
                let close = chars[i..]
                    .iter()
                    .position(|&c| c == ']')
                    .map(|p| i + p)
                    .ok_or_else(|| ExtractError::UnclosedBracket { path: written() })?;
                let inside: String = chars[i + 1..close].iter().collect();
                let index = inside
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| ExtractError::NotAnIndex { path: written(), inside: inside.clone() })?;
                segments.push(Segment::Index(index));
                i = close + 1;
            }
            c if c == '.' || i == 0 => {
                let start = if c == '.' { i + 1 } else { i };
                let end = chars[start..].iter().position(|&c| c == '.' || c == '[').map_or(chars.len(), |p| start + p);
                let key: String = chars[start..end].iter().collect();
                if key.is_empty() {
                    return Err(ExtractError::EmptyKey { path: written(), character: start + 1 });
                }
                if key.contains(']') {
                    return Err(ExtractError::BracketInKey { path: written(), key });
                }
                segments.push(Segment::Key(key));
                i = end;
            }
            // Only reachable right after a `]`.
            c => return Err(ExtractError::MissingSeparator { path: written(), character: c }),
        }
    }
    Ok(segments)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const DOC: &str = r#"{"a": {"b": [{"c": 1}, {"c": "two"}], "n": null}, "list": [10, 20]}"#;

    #[test]
    fn paths_select_values() {
        assert_eq!(extract_json(DOC, "a.b[1].c").unwrap(), json!("two"));
        assert_eq!(extract_json(DOC, ".a.b[0]").unwrap(), json!({"c": 1}));
        assert_eq!(extract_json(DOC, "$.list[1]").unwrap(), json!(20));
        assert_eq!(extract_json(DOC, "a.n").unwrap(), Value::Null);
        assert_eq!(extract_json(DOC, "").unwrap(), serde_json::from_str::<Value>(DOC).unwrap());
        assert_eq!(extract_json("[[1, [2, 3]]]", "[0][1][ 1 ]").unwrap(), json!(3));
        assert_eq!(extract_json(r#"{"content-type": "x"}"#, "content-type").unwrap(), json!("x"));
        assert_eq!(extract_json(" 42 ", "").unwrap(), json!(42));
    }

    #[test]
    fn json_is_found_in_prose_and_fences() {
        let text = "Here you go:\n```json\n{\"price\": {\"usd\": 3.5}}\n```\nThanks!";
        assert_eq!(extract_json(text, "price.usd").unwrap(), json!(3.5));
        assert_eq!(extract_json("The list is [1, 2, 3].", "[2]").unwrap(), json!(3));
        assert_eq!(extract_json("", "a").unwrap_err().to_string(), "the text is empty: expected JSON");
        assert_eq!(
            extract_json("no json here", "a").unwrap_err().to_string(),
            "the text contains no JSON object or array"
        );
        let err = extract_json("result: {\"a\": }", "a").unwrap_err().to_string();
        assert!(err.starts_with("the text contains no valid JSON: invalid JSON at line 1"), "{err}");
    }

    #[test]
    fn missing_segments_are_explained() {
        assert_eq!(extract_json(DOC, "a.x").unwrap_err().to_string(), "no key `x` at `a` (its keys are `b`, `n`)");
        assert_eq!(
            extract_json(DOC, "zz").unwrap_err().to_string(),
            "no key `zz` at the top level (its keys are `a`, `list`)"
        );
        assert_eq!(extract_json("{}", "k").unwrap_err().to_string(), "no key `k` at the top level (it is empty)");
        assert_eq!(
            extract_json(DOC, "a.b[2]").unwrap_err().to_string(),
            "index [2] is out of range at `a.b` (the array has 2 elements)"
        );
        assert_eq!(
            extract_json(DOC, "a.b[0].c.d").unwrap_err().to_string(),
            "cannot take key `d` at `a.b[0].c`: it is a number, not an object"
        );
        assert_eq!(
            extract_json(DOC, "a[0]").unwrap_err().to_string(),
            "cannot take index [0] at `a`: it is an object, not an array"
        );
        let many: serde_json::Map<String, Value> = (0..25).map(|i| (format!("k{i:02}"), json!(i))).collect();
        let err = extract_json(&Value::Object(many).to_string(), "x").unwrap_err().to_string();
        assert!(err.ends_with("`k19`, …)"), "{err}");
    }

    #[test]
    fn errors_are_typed() {
        assert_eq!(
            extract_json(DOC, "a.b[5]"),
            Err(ExtractError::IndexOutOfRange { index: 5, at: "a.b".into(), length: 2 })
        );
        assert_eq!(
            extract_json(DOC, "list.x"),
            Err(ExtractError::NotAnObject { key: "x".into(), at: "list".into(), found: "an array" })
        );
        assert_eq!(
            extract_json(DOC, "$.a[oops]"),
            Err(ExtractError::NotAnIndex { path: "$.a[oops]".into(), inside: "oops".into() })
        );
        assert!(matches!(extract_json("x: {\"a\": }", ""), Err(ExtractError::InvalidJson(ParseError::Syntax { .. }))));
    }

    #[test]
    fn bad_paths_are_explained() {
        assert_eq!(extract_json(DOC, "a..b").unwrap_err().to_string(), "invalid path `a..b`: empty key at character 3");
        assert_eq!(extract_json(DOC, "a[").unwrap_err().to_string(), "invalid path `a[`: a `[` is not closed");
        assert_eq!(
            extract_json(DOC, "a[x]").unwrap_err().to_string(),
            "invalid path `a[x]`: `[x]` is not an array index (use a number such as [0])"
        );
        assert_eq!(
            extract_json(DOC, "list[0]x").unwrap_err().to_string(),
            "invalid path `list[0]x`: expected `.` or `[` before 'x'"
        );
        assert_eq!(extract_json(DOC, "a]").unwrap_err().to_string(), "invalid path `a]`: unexpected `]` in key `a]`");
        assert_eq!(extract_json(DOC, "a.").unwrap_err().to_string(), "invalid path `a.`: empty key at character 3");
    }
}
