//! Tolerant parsing of the plan an LLM answers with.
//!
//! LLMs wrap JSON in code fences, add prose around it, return a bare array of tasks, nest the plan
//! under a key such as `"plan"`, write numeric ids or a single dependency as a plain string. All of
//! that is accepted; anything else yields a [`ParseError`] that says what is wrong and where.

use std::fmt;
use std::ops::Range;

use serde_json::{Map, Value};

use super::model::{Plan, Task, TaskId};

/// Why an answer could not be turned into a [`Plan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The answer is empty or only whitespace.
    Empty,
    /// The answer contains no `{…}` or `[…]` at all; `excerpt` is how the answer starts.
    NoJson {
        /// The first few characters of the answer, on one line.
        excerpt: String,
    },
    /// The JSON is malformed. `line` and `column` (1-based, column in characters) are positions in
    /// the whole answer, not just in the JSON part.
    Syntax {
        /// Line of the error in the answer.
        line: usize,
        /// Column of the error in the answer.
        column: usize,
        /// What the JSON parser expected or found, e.g. ``expected `,` or `}` ``.
        message: String,
    },
    /// The JSON is well-formed but is not a plan; the message names the offending task or field.
    Structure(String),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Empty => write!(f, "the answer is empty: expected a plan in JSON"),
            ParseError::NoJson { excerpt } => {
                write!(f, "no JSON object found in the answer (it starts with: '{excerpt}')")
            }
            ParseError::Syntax { line, column, message } => {
                write!(f, "invalid JSON at line {line}, column {column}: {message}")
            }
            ParseError::Structure(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ParseError {}

/// Characters of the answer quoted by [`ParseError::NoJson`].
const EXCERPT_CHARS: usize = 40;
/// How deep [`plan_from_json`] looks for a plan nested inside wrapper objects.
pub(crate) const MAX_WRAPPER_DEPTH: usize = 4;
/// Candidate JSON snippets tried per scan, which bounds the work on pathological answers.
const MAX_ATTEMPTS: usize = 1024;

/// Parses an LLM answer into a plan.
///
/// Code-fenced blocks (```` ``` ````, ```` ```json ````, `~~~`) are tried first, then the whole
/// answer. Within each, the first balanced `{…}` or `[…]` that parses as JSON and maps to a plan
/// wins (see [`plan_from_json`]); a snippet lying inside a larger, malformed JSON text is not
/// accepted. When nothing fits, the error of the longest candidate is returned, since that is most
/// likely the intended plan.
pub fn parse_plan(text: &str) -> Result<Plan, ParseError> {
    find_in_answer(text, plan_from_json)
}

/// The first JSON object or array in `text`, found as [`parse_plan`] finds a plan (fenced blocks
/// first, then the whole text) but accepting any object or array.
pub(crate) fn first_json_value(text: &str) -> Result<Value, ParseError> {
    find_in_answer(text, Ok)
}

/// The first candidate of `text` that `accept` maps successfully: fenced blocks first, then the
/// whole text; otherwise the error of the longest candidate of the whole text.
fn find_in_answer<T>(text: &str, accept: impl Fn(Value) -> Result<T, ParseError>) -> Result<T, ParseError> {
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    for range in fenced_blocks(text) {
        if let Ok(found) = scan(text, range, &accept) {
            return Ok(found);
        }
    }
    match scan(text, 0..text.len(), &accept) {
        Ok(found) => Ok(found),
        Err(Some(error)) => Err(error),
        Err(None) => Err(ParseError::NoJson { excerpt: excerpt(text) }),
    }
}

/// Maps parsed JSON to a plan.
///
/// Accepts an object with a `tasks` array (and optional `critical_path`), a bare array of tasks,
/// or an object wrapping either (e.g. `{"plan": {"tasks": […]}}` or `{"plan": […]}`). Ids may be
/// strings or numbers (surrounding whitespace is trimmed); `depends_on` (alias `dependencies`,
/// `deps`) may be an array or one string (split on commas); `name` may be given as `title`;
/// `critical_path` may also be one string such as `"T1 -> T2"`. Unknown fields are ignored.
pub fn plan_from_json(value: Value) -> Result<Plan, ParseError> {
    let (object, tasks) = match &value {
        Value::Array(items) => (None, items),
        Value::Object(map) => match find_plan(map, 0) {
            Some((object, Value::Array(items))) => (object, items),
            Some((_, other)) => {
                return Err(ParseError::Structure(format!(
                    "`tasks` must be an array of tasks, but it is {}",
                    describe(other)
                )))
            }
            None => return Err(no_tasks_error(map)),
        },
        other => {
            return Err(ParseError::Structure(format!(
                "expected a plan (a JSON object with a `tasks` array, or an array of tasks) but \
                 found {}",
                describe(other)
            )))
        }
    };
    let tasks =
        tasks.iter().enumerate().map(|(i, item)| task_from_value(i + 1, item)).collect::<Result<Vec<_>, _>>()?;
    let critical_path = match object.and_then(|o| field(o, &["critical_path", "criticalPath"])) {
        Some((_, value)) => critical_path_from_json(value)?,
        None => Vec::new(),
    };
    Ok(Plan { tasks, critical_path })
}

/// Parses the candidates in `range` of `text`: the first one `accept` maps, or the error of the
/// longest candidate (`None` when there was no candidate at all).
fn scan<T>(
    text: &str,
    range: Range<usize>,
    accept: &impl Fn(Value) -> Result<T, ParseError>,
) -> Result<T, Option<ParseError>> {
    let bytes = text.as_bytes();
    // (start, end) of closed candidates that are not valid JSON.
    let mut broken: Vec<(usize, usize)> = Vec::new();
    let mut best: Option<(usize, ParseError)> = None;
    let mut record = |len: usize, error: ParseError| {
        if best.as_ref().is_none_or(|(best_len, _)| len > *best_len) {
            best = Some((len, error));
        }
    };
    let mut pos = range.start;
    for _ in 0..MAX_ATTEMPTS {
        let Some(start) = (pos..range.end).find(|&i| matches!(bytes[i], b'{' | b'[')) else {
            break;
        };
        let (end, closed) = candidate_end(bytes, start, range.end);
        let snippet = &text[start..end];
        match serde_json::from_str::<Value>(snippet) {
            Ok(value) => {
                if !broken.iter().any(|&(s, e)| s < start && e >= end) {
                    match accept(value) {
                        Ok(found) => return Ok(found),
                        Err(error) => record(end - start, error),
                    }
                }
                pos = end;
            }
            Err(error) => {
                if closed {
                    broken.push((start, end));
                }
                record(end - start, syntax_error(text, start, &error));
                pos = start + 1;
            }
        }
    }
    Err(best.map(|(_, error)| error))
}

/// End (exclusive) of the JSON-looking text starting with the bracket at `start`, balancing
/// brackets outside strings, and whether it closed properly. An unclosed candidate runs to `limit`;
/// a mismatched closing bracket ends it (the JSON parser then reports the problem).
fn candidate_end(bytes: &[u8], start: usize, limit: usize) -> (usize, bool) {
    let mut expected: Vec<u8> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate().take(limit).skip(start) {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' => expected.push(b'}'),
            b'[' => expected.push(b']'),
            b'}' | b']' => {
                if expected.pop() != Some(b) {
                    return (i + 1, false);
                }
                if expected.is_empty() {
                    return (i + 1, true);
                }
            }
            _ => {}
        }
    }
    (limit, false)
}

/// Byte ranges of the contents of the code-fenced blocks of `text`, in order. A fence is a line
/// starting (after indentation) with three or more backticks or tildes; it is closed by a line
/// starting with at least as many of the same character, or by the end of the text.
fn fenced_blocks(text: &str) -> Vec<Range<usize>> {
    let mut blocks = Vec::new();
    let mut open: Option<(u8, usize, usize)> = None; // (fence char, fence length, content start)
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let fence_char = trimmed.bytes().next().filter(|&c| c == b'`' || c == b'~');
        let fence_len = fence_char.map_or(0, |c| trimmed.bytes().take_while(|&b| b == c).count());
        match (open, fence_char) {
            (None, Some(c)) if fence_len >= 3 => open = Some((c, fence_len, line_start + line.len())),
            (Some((c, len, content)), Some(f)) if f == c && fence_len >= len => {
                blocks.push(content..line_start);
                open = None;
            }
            _ => {}
        }
        line_start += line.len();
    }
    if let Some((_, _, content)) = open {
        blocks.push(content..text.len());
    }
    blocks
}

/// A serde_json error in the snippet starting at byte `start`, positioned in the whole `text`.
fn syntax_error(text: &str, start: usize, error: &serde_json::Error) -> ParseError {
    let full = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    // serde_json's column is the byte count from the line start up to and including the offending
    // byte; turn it into an absolute byte index just past that byte.
    let snippet = &text[start..];
    let line_offset = snippet
        .match_indices('\n')
        .nth(error.line().saturating_sub(2))
        .filter(|_| error.line() > 1)
        .map_or(0, |(i, _)| i + 1);
    let mut index = (start + line_offset + error.column()).min(text.len());
    while !text.is_char_boundary(index) {
        index += 1;
    }
    let before = &text[..index];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    ParseError::Syntax {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count().max(1),
        message,
    }
}

/// The start of `text` on one line, for error messages.
fn excerpt(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = flat.chars().take(EXCERPT_CHARS).collect();
    if flat.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}

/// The object holding a plan (`None` for a task array wrapped as `{"plan": […]}`) and its `tasks`.
type FoundPlan<'a> = (Option<&'a Map<String, Value>>, &'a Value);

/// The plan in `map` or in the objects nested in it (depth first, in key order, up to
/// [`MAX_WRAPPER_DEPTH`]): an object with a `tasks` key, else an object whose only field is an
/// array.
fn find_plan(map: &Map<String, Value>, depth: usize) -> Option<FoundPlan<'_>> {
    if let Some(tasks) = map.get("tasks") {
        return Some((Some(map), tasks));
    }
    if depth < MAX_WRAPPER_DEPTH {
        for value in map.values() {
            if let Value::Object(inner) = value {
                if let Some(found) = find_plan(inner, depth + 1) {
                    return Some(found);
                }
            }
        }
    }
    match map.values().next() {
        Some(tasks @ Value::Array(_)) if map.len() == 1 => Some((None, tasks)),
        _ => None,
    }
}

/// The error for an object in which [`find_plan`] found no plan.
fn no_tasks_error(map: &Map<String, Value>) -> ParseError {
    if map.is_empty() {
        return ParseError::Structure("the JSON object is empty: expected a `tasks` array".to_string());
    }
    let keys: Vec<String> = map.keys().map(|k| format!("`{k}`")).collect();
    ParseError::Structure(format!("the JSON object has no `tasks` array (its keys are {})", keys.join(", ")))
}

/// Maps the `number`-th (1-based) element of `tasks` to a task.
pub(crate) fn task_from_value(number: usize, item: &Value) -> Result<Task, ParseError> {
    let Value::Object(object) = item else {
        return Err(ParseError::Structure(format!(
            "task #{number} must be a JSON object with `id` and `name`, but it is {}",
            describe(item)
        )));
    };
    let id = field(object, &["id"]).map(|(_, v)| v);
    let name = field(object, &["name", "title"]).map(|(_, v)| v);
    let label = task_label(number, id.and_then(id_text).as_deref(), name.and_then(Value::as_str));
    let (id, name) = match (id, name) {
        (Some(id), Some(name)) => (id, name),
        (None, None) => return Err(ParseError::Structure(format!("{label} is missing fields `id` and `name`"))),
        (None, Some(_)) => return Err(ParseError::Structure(format!("{label} is missing field `id`"))),
        (Some(_), None) => return Err(ParseError::Structure(format!("{label} is missing field `name`"))),
    };
    let wrong = |field: &str, expected: &str, found: &Value| {
        ParseError::Structure(format!("field `{field}` of {label} must be {expected}, but it is {}", describe(found)))
    };
    let id = id_text(id).ok_or_else(|| wrong("id", "a string or a number", id))?;
    let name = match name {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => return Err(wrong("name", "a string", other)),
    };
    let description = match field(object, &["description"]) {
        None => String::new(),
        Some((_, Value::String(s))) => s.clone(),
        Some((key, other)) => return Err(wrong(key, "a string", other)),
    };
    let depends_on = match field(object, &["depends_on", "dependsOn", "dependencies", "deps"]) {
        None => Vec::new(),
        Some((_, Value::String(s))) => split_ids(s, &[","]),
        Some((_, Value::Number(n))) => vec![n.to_string()],
        Some((key, Value::Array(items))) => {
            let mut ids = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match id_text(item) {
                    Some(dep) if dep.is_empty() => {}
                    Some(dep) => ids.push(dep),
                    None => {
                        return Err(ParseError::Structure(format!(
                            "entry #{} of `{key}` of {label} must be a task id (a string or a number), but it is {}",
                            i + 1,
                            describe(item)
                        )));
                    }
                }
            }
            ids
        }
        Some((key, other)) => return Err(wrong(key, "an array of task ids", other)),
    };
    let can_parallelize = match field(object, &["can_parallelize", "canParallelize"]) {
        None => true,
        Some((_, Value::Bool(b))) => *b,
        Some((_, Value::String(s))) if s.trim().eq_ignore_ascii_case("true") => true,
        Some((_, Value::String(s))) if s.trim().eq_ignore_ascii_case("false") => false,
        Some((key, other)) => return Err(wrong(key, "true or false", other)),
    };
    let kind = match field(object, &["type", "kind"]) {
        None => None,
        Some((_, Value::String(s))) => Some(s.clone()),
        Some((key, other)) => return Err(wrong(key, "a string", other)),
    };
    let parent = match field(object, &["parent"]) {
        None => None,
        Some((key, value)) => Some(id_text(value).ok_or_else(|| wrong(key, "a task id", value))?),
    };
    Ok(Task { id, name, description, depends_on, can_parallelize, kind, parent })
}

/// Maps the `critical_path` value: an array of ids or one string like `"T1 -> T2 -> T3"`.
fn critical_path_from_json(value: &Value) -> Result<Vec<TaskId>, ParseError> {
    match value {
        Value::String(s) => Ok(split_ids(s, &["->", "→", ","])),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                id_text(item).ok_or_else(|| {
                    ParseError::Structure(format!(
                        "entry #{} of `critical_path` must be a task id (a string or a number), but it is {}",
                        i + 1,
                        describe(item)
                    ))
                })
            })
            .collect(),
        other => Err(ParseError::Structure(format!(
            "`critical_path` must be an array of task ids, but it is {}",
            describe(other)
        ))),
    }
}

/// The first of `names` present in `object` with a non-null value, with that value.
fn field<'a>(object: &'a Map<String, Value>, names: &[&'static str]) -> Option<(&'static str, &'a Value)> {
    names.iter().find_map(|&name| object.get(name).filter(|v| !v.is_null()).map(|v| (name, v)))
}

/// A task id from a string (trimmed) or a number.
fn id_text(value: &Value) -> Option<TaskId> {
    match value {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The non-empty, trimmed pieces of `text` between any of `separators`.
fn split_ids(text: &str, separators: &[&str]) -> Vec<TaskId> {
    let mut pieces = vec![text];
    for separator in separators {
        pieces = pieces.into_iter().flat_map(|p| p.split(separator)).collect();
    }
    pieces.into_iter().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string).collect()
}

/// `task #2 (id "T2")`, `task #2 (name "Write")` or `task #2`, for error messages.
fn task_label(number: usize, id: Option<&str>, name: Option<&str>) -> String {
    match (id, name) {
        (Some(id), _) => format!("task #{number} (id {id:?})"),
        (None, Some(name)) => format!("task #{number} (name {name:?})"),
        (None, None) => format!("task #{number}"),
    }
}

/// `a string`, `an object`… for error messages.
pub(crate) fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(plan: &Plan) -> Vec<&str> {
        plan.tasks.iter().map(|t| t.id.as_str()).collect()
    }

    fn err(text: &str) -> String {
        parse_plan(text).expect_err("should fail").to_string()
    }

    #[test]
    fn parses_plain_json() {
        let plan = parse_plan(
            r#"{"tasks": [{"id": "T1", "name": "a", "description": "d", "type": "research"},
                          {"id": "T2", "name": "b", "depends_on": ["T1"], "can_parallelize": false,
                           "parent": "T1"}],
                "critical_path": ["T1", "T2"]}"#,
        )
        .unwrap();
        assert_eq!(ids(&plan), ["T1", "T2"]);
        assert_eq!(plan.tasks[0].kind.as_deref(), Some("research"));
        assert_eq!(plan.tasks[0].description, "d");
        assert!(plan.tasks[0].can_parallelize);
        assert!(!plan.tasks[1].can_parallelize);
        assert_eq!(plan.tasks[1].depends_on, ["T1"]);
        assert_eq!(plan.tasks[1].parent.as_deref(), Some("T1"));
        assert_eq!(plan.critical_path, ["T1", "T2"]);
    }

    #[test]
    fn accepts_fences_and_prose() {
        for text in [
            "Sure, here is the plan:\n```json\n{\"tasks\": [{\"id\": \"T1\", \"name\": \"a\"}]}\n```\nHope it helps!",
            "```\n[{\"id\": \"T1\", \"name\": \"a\"}]\n```",
            "~~~json\n{\"tasks\": [{\"id\": \"T1\", \"name\": \"a\"}]}\n~~~",
            "Plan (see {notes}) below: {\"tasks\": [{\"id\": \"T1\", \"name\": \"a\"}]} -- done.",
            "```json\n{\"tasks\": [{\"id\": \"T1\", \"name\": \"a\"}]}", // unclosed fence
        ] {
            let plan = parse_plan(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(ids(&plan), ["T1"], "{text:?}");
        }
    }

    #[test]
    fn prefers_fenced_block() {
        let text = "Example: {\"tasks\": [{\"id\": \"X\", \"name\": \"x\"}]}\n```json\n\
                    {\"tasks\": [{\"id\": \"T1\", \"name\": \"a\"}]}\n```";
        assert_eq!(ids(&parse_plan(text).unwrap()), ["T1"]);
    }

    #[test]
    fn accepts_wrappers_numeric_ids_and_loose_fields() {
        let plan = parse_plan(
            r#"{"result": {"plan": {"tasks": [
                {"id": 1, "title": "a", "depends_on": null},
                {"id": " 2 ", "name": "b", "depends_on": "1", "can_parallelize": "False"},
                {"id": 3, "name": 7, "dependencies": [1, "2", ""]},
                {"id": 4, "name": "d", "depends_on": "1, 3"}],
              "critical_path": "1 -> 3 → 4"}}}"#,
        )
        .unwrap();
        assert_eq!(ids(&plan), ["1", "2", "3", "4"]);
        assert_eq!(plan.tasks[0].name, "a");
        assert!(plan.tasks[0].depends_on.is_empty());
        assert_eq!(plan.tasks[1].depends_on, ["1"]);
        assert!(!plan.tasks[1].can_parallelize);
        assert_eq!(plan.tasks[2].name, "7");
        assert_eq!(plan.tasks[2].depends_on, ["1", "2"]);
        assert_eq!(plan.tasks[3].depends_on, ["1", "3"]);
        assert_eq!(plan.critical_path, ["1", "3", "4"]);

        let plan = parse_plan(r#"{"plan": [{"id": "A", "name": "a"}]}"#).unwrap();
        assert_eq!(ids(&plan), ["A"]);
    }

    #[test]
    fn empty_and_no_json() {
        assert_eq!(parse_plan("  \n "), Err(ParseError::Empty));
        assert_eq!(
            err("Sure, here is the plan you asked for, with all the steps laid out nicely."),
            "no JSON object found in the answer (it starts with: \
             'Sure, here is the plan you asked for, wi…')"
        );
        assert_eq!(err("nope"), "no JSON object found in the answer (it starts with: 'nope')");
    }

    #[test]
    fn syntax_errors_point_into_the_whole_answer() {
        let text = "Here you go:\n```json\n{\"tasks\": [\n  {\"id\": \"T1\" \"name\": \"a\"}\n]}\n```";
        match parse_plan(text) {
            Err(ParseError::Syntax { line, column, message }) => {
                assert_eq!((line, column), (4, 15), "{message}");
                assert_eq!(message, "expected `,` or `}`");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(err("{\"tasks\": [}"), "invalid JSON at line 1, column 12: expected value");
        // Truncated answer: the error is at the end, not about some inner fragment.
        let truncated = "{\"tasks\": [{\"id\": \"T1\", \"name\": \"a\"}, {\"id\": \"T2\"";
        assert!(
            err(truncated).starts_with("invalid JSON at line 1, column 49: EOF while parsing"),
            "{}",
            err(truncated)
        );
        // Columns count characters, not bytes.
        match parse_plan("é {\"a\" 1}") {
            Err(ParseError::Syntax { line: 1, column, .. }) => assert_eq!(column, 8),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn fragment_of_broken_json_is_not_accepted() {
        // The inner array of tasks is valid, but the whole object is not: report the real error.
        let text = r#"{"tasks": [{"id": "T1", "name": "a"}], "critical_path": [T1]}"#;
        assert!(err(text).starts_with("invalid JSON at line 1, column 58"), "{}", err(text));
    }

    #[test]
    fn structure_errors_name_the_task_and_field() {
        assert_eq!(err(r#"{"tasks": "T1, T2"}"#), "`tasks` must be an array of tasks, but it is a string");
        assert_eq!(
            err(r#"{"steps": [], "notes": "x"}"#),
            "the JSON object has no `tasks` array (its keys are `notes`, `steps`)"
        );
        assert_eq!(err("{}"), "the JSON object is empty: expected a `tasks` array");
        assert_eq!(err(r#"{"plan": {"tasks": {"T1": {}}}}"#), "`tasks` must be an array of tasks, but it is an object");
        assert_eq!(err(r#"[{"id": "T1", "name": "a"}, {"id": "T2"}]"#), "task #2 (id \"T2\") is missing field `name`");
        assert_eq!(err(r#"[{"name": "write"}]"#), "task #1 (name \"write\") is missing field `id`");
        assert_eq!(err(r#"[{"description": "x"}]"#), "task #1 is missing fields `id` and `name`");
        assert_eq!(err(r#"["T1"]"#), "task #1 must be a JSON object with `id` and `name`, but it is a string");
        assert_eq!(
            err(r#"[{"id": "T1", "name": "a", "depends_on": [{"id": "T0"}]}]"#),
            "entry #1 of `depends_on` of task #1 (id \"T1\") must be a task id (a string or a number), but it is an \
             object"
        );
        assert_eq!(
            err(r#"[{"id": "T1", "name": "a", "can_parallelize": 1}]"#),
            "field `can_parallelize` of task #1 (id \"T1\") must be true or false, but it is a number"
        );
        assert_eq!(
            err(r#"[{"id": true, "name": "a"}]"#),
            "field `id` of task #1 (name \"a\") must be a string or a number, but it is a boolean"
        );
        assert_eq!(
            err(r#"{"tasks": [], "critical_path": [["T1"]]}"#),
            "entry #1 of `critical_path` must be a task id (a string or a number), but it is an array"
        );
        assert_eq!(err("[1, 2]"), "task #1 must be a JSON object with `id` and `name`, but it is a number");
    }

    #[test]
    fn pathological_inputs_do_not_panic() {
        for text in [
            "{".repeat(10_000),
            "[".repeat(300) + &"]".repeat(300),
            "\"{\\".to_string(),
            "```".to_string(),
            "~~~\n~~~".to_string(),
            "{\"tasks\": [\"é".to_string(),
            "]}{[".to_string(),
        ] {
            assert!(parse_plan(&text).is_err());
        }
    }

    #[test]
    fn first_json_value_accepts_any_object_or_array() {
        let text = "Result:\n```json\n{\"a\": [1, 2]}\n```\nand {\"b\": 1}";
        assert_eq!(first_json_value(text).unwrap(), serde_json::json!({"a": [1, 2]}));
        assert_eq!(first_json_value("see [1, {\"x\": 2}] here").unwrap(), serde_json::json!([1, {"x": 2}]));
        assert_eq!(first_json_value("  "), Err(ParseError::Empty));
        assert!(matches!(first_json_value("no json"), Err(ParseError::NoJson { .. })));
        assert!(matches!(first_json_value("{\"a\": }"), Err(ParseError::Syntax { .. })));
    }
}
