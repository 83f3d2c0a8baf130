//! Tolerant parsing of the plan an LLM answers with.
//!
//! LLMs wrap JSON in code fences, add prose around it, return a bare array of tasks, nest the plan
//! under a key such as `"plan"`, write numeric ids or a single dependency as a plain string. All of
//! that is accepted; anything else yields a [`ParseError`] that says what is wrong and where.
//!
//! Finding the JSON in the answer (module `find_json`) takes time linear in its length, whatever
//! its shape.

use serde_json::{Map, Value};
use thiserror::Error;

use super::find_json::find_in_answer;
use super::limits::{check_plan, check_text_len, LimitError};
use super::model::{Plan, Task, TaskId};

/// Why an answer could not be turned into a [`Plan`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    /// The answer is empty or only whitespace.
    #[error("the answer is empty: expected a plan in JSON")]
    Empty,
    /// The answer contains no `{…}` or `[…]` at all; `excerpt` is how the answer starts.
    #[error("no JSON object found in the answer (it starts with: '{excerpt}')")]
    NoJson {
        /// The first few characters of the answer, on one line.
        excerpt: String,
    },
    /// The JSON is malformed. `line` and `column` (1-based, column in characters) are positions in
    /// the whole answer, not just in the JSON part.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Syntax {
        /// Line of the error in the answer.
        line: usize,
        /// Column of the error in the answer.
        column: usize,
        /// What the JSON parser expected or found, e.g. ``expected `,` or `}` ``.
        message: String,
    },
    /// The JSON is well-formed but is not a plan; the message names the offending task or field.
    #[error("{0}")]
    Structure(String),
    /// The answer or the plan in it is bigger than Planwright handles.
    #[error(transparent)]
    TooLarge(#[from] LimitError),
}

/// How deep [`plan_from_json`] looks for a plan nested inside wrapper objects.
pub(crate) const MAX_WRAPPER_DEPTH: usize = 4;

/// Parses an LLM answer into a plan.
///
/// Code-fenced blocks (```` ``` ````, ```` ```json ````, `~~~`) are tried first, then the whole
/// answer. Within each, the first `{…}` or `[…]` that parses as JSON and maps to a plan wins (see
/// [`plan_from_json`]); a snippet lying inside a larger, malformed JSON text whose brackets balance
/// is not accepted. When nothing fits, the error of the longest candidate is returned, since that
/// is most likely the intended plan. Answers longer than
/// [`MAX_PLAN_TEXT_BYTES`](super::limits::MAX_PLAN_TEXT_BYTES) and plans over the task or
/// dependency limits are refused with a [`ParseError::TooLarge`].
pub fn parse_plan(text: &str) -> Result<Plan, ParseError> {
    check_text_len(text.len() as u64)?;
    parse_plan_unbounded(text)
}

/// [`parse_plan`] without the [`MAX_PLAN_TEXT_BYTES`](super::limits::MAX_PLAN_TEXT_BYTES) limit on
/// the text (the task and dependency limits still hold): for text whose size is bounded otherwise,
/// or to measure the parser.
pub fn parse_plan_unbounded(text: &str) -> Result<Plan, ParseError> {
    find_in_answer(text, plan_from_json)
}

/// The first JSON object or array in `text`, found as [`parse_plan`] finds a plan (fenced blocks
/// first, then the whole text) but accepting any object or array.
pub(crate) fn first_json_value(text: &str) -> Result<Value, ParseError> {
    find_in_answer(text, Ok)
}

/// Maps parsed JSON to a plan.
///
/// Accepts an object with a `tasks` array (and optional `critical_path`), a bare array of tasks,
/// or an object wrapping either (e.g. `{"plan": {"tasks": […]}}` or `{"plan": […]}`). Ids may be
/// strings or numbers (surrounding whitespace is trimmed); `depends_on` (alias `dependencies`,
/// `deps`) may be an array or one string (split on commas); `name` may be given as `title`;
/// `critical_path` may also be one string such as `"T1 -> T2"`. Unknown fields are ignored. Plans
/// over [`MAX_TASKS`](super::limits::MAX_TASKS) tasks or
/// [`MAX_DEPENDENCIES`](super::limits::MAX_DEPENDENCIES) dependencies are refused.
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
    let plan = Plan { tasks, critical_path };
    check_plan(&plan)?;
    Ok(plan)
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
    // A task's model is the user's choice (and their cost): a plan from outside never sets it.
    Ok(Task { id, name, description, depends_on, can_parallelize, kind, parent, model: None })
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
    use crate::plan::limits::{MAX_DEPENDENCIES, MAX_PLAN_TEXT_BYTES, MAX_TASKS};

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
    fn syntax_errors_point_into_the_whole_answer_after_much_junk() {
        // Thousands of candidates before the plan; the error shown is the plan's (the longest
        // candidate), where it is.
        let junk = "```\n{x}\n```\nSee {notes} and [draft] {}.\n".repeat(3_000);
        let text = format!("{junk}Plan:\n{{\"tasks\": [\n  {{\"id\": \"T1\",\n   \"name\": \"a\" \"x\"}}\n]}}\n");
        match parse_plan(&text) {
            Err(ParseError::Syntax { line, column, message }) => {
                assert_eq!((line, column, message.as_str()), (12_004, 16, "expected `,` or `}`"));
            }
            other => panic!("unexpected {other:?}"),
        }
        // Thousands of stray brackets before a plan do not hide it.
        let text = format!("{}{{\"tasks\": [{{\"id\": \"T1\", \"name\": \"a\"}}]}}", "a {b} [c {d: ".repeat(5_000));
        assert_eq!(ids(&parse_plan(&text).unwrap()), ["T1"]);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "{\"a\":".repeat(150_000);
        for (text, column) in [
            ("[".repeat(1 << 20), 128),
            ("[".repeat(500_000) + &"]".repeat(500_000), 128),
            (deep.clone(), 636),
            (deep.clone() + "1" + &"}".repeat(150_000), 636),
        ] {
            assert_eq!(err(&text), format!("invalid JSON at line 1, column {column}: recursion limit exceeded"));
        }
        // A plan nested as deep as the JSON parser goes (127 levels) is found.
        let text = "[".repeat(124) + r#"{"tasks": [{"id": "T1", "name": "a"}]}"# + &"]".repeat(124);
        assert_eq!(first_json_value(&text).unwrap(), serde_json::from_str::<Value>(&text).unwrap());
    }

    #[test]
    fn answers_and_plans_over_the_limits_are_refused() {
        let plan = |tasks: usize, deps: usize| {
            let tasks: Vec<String> = (0..tasks)
                .map(|i| {
                    let deps = if i == 1 { vec!["\"T0\""; deps].join(",") } else { String::new() };
                    format!(r#"{{"id": "T{i}", "name": "t", "depends_on": [{deps}]}}"#)
                })
                .collect();
            format!("{{\"tasks\": [{}]}}", tasks.join(","))
        };
        assert_eq!(parse_plan(&plan(MAX_TASKS, MAX_DEPENDENCIES)).unwrap().tasks.len(), MAX_TASKS);
        assert_eq!(err(&plan(12_345, 0)), "This plan has 12,345 tasks; Planwright runs at most 10,000.");
        assert_eq!(
            err(&plan(2, MAX_DEPENDENCIES + 1)),
            "This plan has 100,001 dependencies; Planwright runs at most 100,000."
        );
        let long = format!("{}{}", " ".repeat(MAX_PLAN_TEXT_BYTES), plan(1, 0));
        assert_eq!(err(&long), "This plan text is 1,048,632 bytes; Planwright reads at most 1,048,576 bytes (1 MiB).");
        assert_eq!(ids(&parse_plan_unbounded(&long).unwrap()), ["T0"]);
    }

    #[test]
    fn a_plan_from_outside_never_sets_a_tasks_model_but_a_checkpoint_keeps_it() {
        let plan = parse_plan(r#"{"tasks":[{"id":"T1","name":"a","model":"very-expensive"}]}"#).unwrap();
        assert_eq!(plan.tasks[0].model, None);
        let chosen = Plan { tasks: vec![Task { model: Some("cheap".into()), ..plan.tasks[0].clone() }], ..plan };
        let stored: Plan = serde_json::from_str(&serde_json::to_string(&chosen).unwrap()).unwrap();
        assert_eq!(stored.tasks[0].model.as_deref(), Some("cheap"));
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
