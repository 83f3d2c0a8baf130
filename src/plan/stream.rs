//! Incremental parsing of a plan that arrives in chunks, e.g. a streamed LLM answer.
//!
//! [`PlanStream`] scans each new byte once with a small JSON state machine and hands out every task
//! as soon as its object has closed inside the plan's `tasks` array, so the engine can start it while
//! the rest of the plan is still arriving. The state machine checks the JSON grammar loosely, so
//! prose before the plan (`Plan {see below}:`, a ```` ```json ```` fence) is dropped at its first
//! character that cannot be JSON. The plan may be an object with a `tasks` array, nested in wrapper
//! objects (`{"plan": {"tasks": […]}}`, as deep as [`parse_plan`] looks), or a bare array of tasks.
//! Each task gets the same field tolerance as [`parse_plan`]; invalid ones are skipped.
//!
//! Once a task has been handed out, the stream sticks to that JSON value: a later plan in the answer
//! is ignored. So for an answer with two plans, or a plan inside a JSON value that is not a plan
//! (such as `[{"tasks": […]}]`), [`PlanStream::finish`] may disagree with what was handed out; for
//! ordinary answers the tasks handed out are exactly those of the final plan, in order.
//!
//! Each byte is scanned once, in constant time (a task's JSON is parsed once more when it closes),
//! and nesting is tracked on a heap stack, so any answer streams in linear time without deep
//! recursion. Bytes past [`MAX_PLAN_TEXT_BYTES`] are kept but not scanned, and no more than
//! [`MAX_TASKS`] tasks are handed out: [`PlanStream::finish`] refuses such answers anyway.

use serde_json::Value;

use super::limits::{MAX_PLAN_TEXT_BYTES, MAX_TASKS};
use super::model::{Plan, Task};
use super::parse::{parse_plan, task_from_value, ParseError, MAX_WRAPPER_DEPTH};

/// Incremental parser for a plan that arrives in chunks.
#[derive(Debug, Default)]
pub struct PlanStream {
    /// Everything received so far.
    text: String,
    /// Tasks handed out so far.
    emitted: usize,
    /// The JSON value being scanned, if any.
    candidate: Option<Candidate>,
}

impl PlanStream {
    /// An empty stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds one chunk (it may split the text anywhere); returns the tasks whose JSON objects completed
    /// with this chunk, in order.
    pub fn push(&mut self, chunk: &str) -> Vec<Task> {
        let from = self.text.len();
        self.text.push_str(chunk);
        let mut tasks = Vec::new();
        for i in from..self.text.len().min(MAX_PLAN_TEXT_BYTES) {
            if self.emitted == MAX_TASKS {
                break;
            }
            self.scan(i, &mut tasks);
        }
        tasks
    }

    /// All text received so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Number of tasks emitted so far.
    pub fn emitted(&self) -> usize {
        self.emitted
    }

    /// Ends the stream: parses the whole text with [`parse_plan`] and returns the final plan (or the
    /// error saying what is wrong with it).
    pub fn finish(&self) -> Result<Plan, ParseError> {
        parse_plan(&self.text)
    }

    /// Scans byte `i` of the text, pushing a task to `tasks` if one completes there.
    fn scan(&mut self, i: usize, tasks: &mut Vec<Task>) {
        let event = self.candidate.as_mut().and_then(|candidate| candidate.step(&self.text, i));
        match event {
            Some(Event::TaskClosed { start, number }) => {
                let task = serde_json::from_str::<Value>(&self.text[start..=i])
                    .ok()
                    .and_then(|value| task_from_value(number, &value).ok());
                if let Some(task) = task {
                    self.emitted += 1;
                    tasks.push(task);
                }
            }
            Some(Event::Closed) => self.candidate = None,
            Some(Event::Other) => {}
            None => {
                // No candidate, or this byte shows that it is not JSON after all (`{see below}`): the
                // byte may open the next candidate, unless tasks were handed out already.
                self.candidate = None;
                if self.emitted == 0 && matches!(self.text.as_bytes()[i], b'{' | b'[') {
                    let mut candidate = Candidate::default();
                    candidate.step(&self.text, i);
                    self.candidate = Some(candidate);
                }
            }
        }
    }
}

/// What a byte did to a [`Candidate`] that accepted it.
#[derive(Debug, PartialEq, Eq)]
enum Event {
    /// A task object that started at byte `start` closed; it is element `number` (1-based) of the
    /// tasks array.
    TaskClosed { start: usize, number: usize },
    /// The whole candidate closed.
    Closed,
    /// Anything else.
    Other,
}

/// What may come next outside strings and literals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Expect {
    /// A value (after `:`, after `,` in an array, or the candidate's opening bracket).
    #[default]
    Value,
    /// A value or `]`, just after `[`.
    ValueOrEnd,
    /// A key or `}`, just after `{`.
    KeyOrEnd,
    /// A key, after `,` in an object.
    Key,
    /// The `:` after a key.
    Colon,
    /// `,` or the closing bracket, after a value.
    CommaOrEnd,
}

/// The string or literal being read.
#[derive(Debug, Default)]
enum Token {
    /// None: between tokens.
    #[default]
    None,
    /// A string; `key_start` is the byte offset of its opening quote when it is an object key.
    String { key_start: Option<usize>, escaped: bool },
    /// `true`, `false`, `null` or a number, starting at byte `start`.
    Literal { start: usize },
}

/// An open JSON container.
#[derive(Debug)]
enum Frame {
    /// An array.
    Array,
    /// An object; `may_hold_plan` when it is the root or a wrapper object [`parse_plan`] would search
    /// for a plan, `at_tasks_key` when its latest key is `tasks`.
    Object { may_hold_plan: bool, at_tasks_key: bool },
}

/// A JSON value being scanned, from its opening bracket on.
#[derive(Debug, Default)]
struct Candidate {
    /// Open containers, outermost first.
    stack: Vec<Frame>,
    /// What may come next outside a token.
    expect: Expect,
    /// The token being read.
    token: Token,
    /// Index in `stack` of the plan's tasks array, while it is open.
    tasks_array: Option<usize>,
    /// Whether a tasks array was found; only the first one counts.
    found_tasks: bool,
    /// Elements of the tasks array started so far.
    elements: usize,
    /// Byte offset of the `{` of the task object being read.
    task_start: Option<usize>,
}

impl Candidate {
    /// Scans byte `i` of `text`; `None` when it cannot continue the JSON value.
    fn step(&mut self, text: &str, i: usize) -> Option<Event> {
        let byte = text.as_bytes()[i];
        match &mut self.token {
            Token::String { escaped: escaped @ true, .. } => *escaped = false,
            Token::String { escaped, .. } if byte == b'\\' => *escaped = true,
            Token::String { key_start, .. } if byte == b'"' => {
                if let Some(start) = *key_start {
                    if let Some(Frame::Object { at_tasks_key, .. }) = self.stack.last_mut() {
                        *at_tasks_key = is_tasks_key(&text[start..=i]);
                    }
                    self.expect = Expect::Colon;
                } else {
                    self.expect = Expect::CommaOrEnd;
                }
                self.token = Token::None;
            }
            Token::String { .. } if byte < 0x20 => return None,
            Token::String { .. } => {}
            Token::Literal { .. } if is_literal_byte(byte) => {}
            Token::Literal { start } => {
                if !is_literal(&text[*start..i]) {
                    return None;
                }
                self.token = Token::None;
                self.expect = Expect::CommaOrEnd;
                return self.structural(byte, i);
            }
            Token::None => return self.structural(byte, i),
        }
        Some(Event::Other)
    }

    /// Scans byte `i`, which is `byte`, outside any token.
    fn structural(&mut self, byte: u8, i: usize) -> Option<Event> {
        let at_value = matches!(self.expect, Expect::Value | Expect::ValueOrEnd);
        match byte {
            b' ' | b'\t' | b'\n' | b'\r' => {}
            b'"' if matches!(self.expect, Expect::Key | Expect::KeyOrEnd) => {
                self.token = Token::String { key_start: Some(i), escaped: false };
            }
            b'"' if at_value => {
                self.start_value();
                self.token = Token::String { key_start: None, escaped: false };
            }
            b'-' | b'0'..=b'9' | b't' | b'f' | b'n' if at_value => {
                self.start_value();
                self.token = Token::Literal { start: i };
            }
            b':' if self.expect == Expect::Colon => self.expect = Expect::Value,
            b',' if self.expect == Expect::CommaOrEnd => {
                self.expect = match self.stack.last() {
                    Some(Frame::Object { .. }) => Expect::Key,
                    _ => Expect::Value,
                };
            }
            b'{' | b'[' if at_value => self.open(byte, i),
            b'}' | b']' => return self.close(byte),
            _ => return None,
        }
        Some(Event::Other)
    }

    /// Counts a value starting directly in the tasks array.
    fn start_value(&mut self) {
        if self.tasks_array.is_some_and(|index| index + 1 == self.stack.len()) {
            self.elements += 1;
        }
    }

    /// Opens an object or array with `byte` at offset `i`.
    fn open(&mut self, byte: u8, i: usize) {
        self.start_value();
        let index = self.stack.len();
        if byte == b'{' {
            if self.tasks_array.is_some_and(|tasks| tasks + 1 == index) {
                self.task_start = Some(i);
            }
            let may_hold_plan = match self.stack.last() {
                None => true,
                Some(Frame::Object { may_hold_plan, .. }) => *may_hold_plan && index <= MAX_WRAPPER_DEPTH,
                Some(Frame::Array) => false,
            };
            self.stack.push(Frame::Object { may_hold_plan, at_tasks_key: false });
            self.expect = Expect::KeyOrEnd;
        } else {
            let is_tasks = match self.stack.last() {
                None => true,
                Some(Frame::Object { may_hold_plan, at_tasks_key }) => *may_hold_plan && *at_tasks_key,
                Some(Frame::Array) => false,
            };
            if is_tasks && !self.found_tasks {
                self.found_tasks = true;
                self.tasks_array = Some(index);
            }
            self.stack.push(Frame::Array);
            self.expect = Expect::ValueOrEnd;
        }
    }

    /// Closes the innermost container with `byte` (`}` or `]`); `None` if that does not fit.
    fn close(&mut self, byte: u8) -> Option<Event> {
        let fits = match self.stack.last()? {
            Frame::Object { .. } => byte == b'}' && matches!(self.expect, Expect::KeyOrEnd | Expect::CommaOrEnd),
            Frame::Array => byte == b']' && matches!(self.expect, Expect::ValueOrEnd | Expect::CommaOrEnd),
        };
        if !fits {
            return None;
        }
        self.stack.pop();
        self.expect = Expect::CommaOrEnd;
        let index = self.stack.len();
        if index == 0 {
            return Some(Event::Closed);
        }
        if self.tasks_array == Some(index) {
            self.tasks_array = None;
        } else if self.tasks_array.is_some_and(|tasks| tasks + 1 == index) {
            if let Some(start) = self.task_start.take() {
                return Some(Event::TaskClosed { start, number: self.elements });
            }
        }
        Some(Event::Other)
    }
}

/// Whether `quoted`, a JSON string with its quotes, is `"tasks"` (possibly written with escapes).
fn is_tasks_key(quoted: &str) -> bool {
    quoted == "\"tasks\""
        || (quoted.contains('\\') && serde_json::from_str::<String>(quoted).is_ok_and(|key| key == "tasks"))
}

/// Whether `byte` may be part of a literal (`true`, `false`, `null` or a number).
fn is_literal_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'+' | b'-')
}

/// Whether `token` is `true`, `false`, `null` or looks like a number (checked loosely: the final
/// parse has the last word).
fn is_literal(token: &str) -> bool {
    matches!(token, "true" | "false" | "null")
        || (token.starts_with(|c: char| c == '-' || c.is_ascii_digit())
            && token.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-')))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pushes `chunks` into a new stream; returns it with the tasks emitted and, for each, the index
    /// of the chunk that emitted it.
    pub(super) fn feed<'a>(chunks: impl IntoIterator<Item = &'a str>) -> (PlanStream, Vec<Task>, Vec<usize>) {
        let mut stream = PlanStream::new();
        let (mut tasks, mut at) = (Vec::new(), Vec::new());
        for (index, chunk) in chunks.into_iter().enumerate() {
            let new = stream.push(chunk);
            at.extend(new.iter().map(|_| index));
            tasks.extend(new);
        }
        assert_eq!(stream.emitted(), tasks.len());
        (stream, tasks, at)
    }

    /// The text split into one chunk per character.
    fn chars(text: &str) -> impl Iterator<Item = &str> {
        text.char_indices().map(|(i, c)| &text[i..i + c.len_utf8()])
    }

    fn ids(tasks: &[Task]) -> Vec<&str> {
        tasks.iter().map(|t| t.id.as_str()).collect()
    }

    /// Feeds `text` one character at a time; checks that the tasks emitted are those of the final plan.
    fn agrees(text: &str) -> Vec<Task> {
        let (stream, tasks, _) = feed(chars(text));
        assert_eq!(stream.text(), text);
        assert_eq!(tasks, stream.finish().unwrap_or_else(|e| panic!("{text:?}: {e}")).tasks, "{text:?}");
        tasks
    }

    #[test]
    fn emits_each_task_as_its_object_closes() {
        let text = r#"{"tasks":[{"id":"T1","name":"a"},{"id":"T2","name":"b","depends_on":["T1"]}],"critical_path":["T1","T2"]}"#;
        let first_end = text.find("},").unwrap();
        let mut stream = PlanStream::new();
        assert!(stream.push(&text[..first_end]).is_empty());
        assert_eq!(stream.push("}"), [Task::new("T1", "a", &[])]);
        let second_end = text.find("}]").unwrap();
        assert!(stream.push(&text[first_end + 1..second_end]).is_empty());
        assert_eq!(stream.push(&text[second_end..second_end + 1]), [Task::new("T2", "b", &["T1"])]);
        // critical_path comes after the tasks: nothing more to emit, but finish() has it.
        assert!(stream.push(&text[second_end + 1..]).is_empty());
        assert_eq!(stream.emitted(), 2);
        assert_eq!(stream.text(), text);
        assert_eq!(stream.finish().unwrap().critical_path, ["T1", "T2"]);
    }

    #[test]
    fn strings_may_hold_brackets_braces_and_escaped_quotes() {
        let tasks = agrees(
            r#"{"tasks": [{"id": "T1", "name": "a } ] { [ \" }", "description": "ends with a backslash \\"},
                          {"id": "T2", "name": "\\\"{", "description": "[{\"id\": \"X\", \"name\": \"x\"}]"}]}"#,
        );
        assert_eq!(ids(&tasks), ["T1", "T2"]);
        assert_eq!(tasks[0].name, "a } ] { [ \" }");
        assert_eq!(tasks[1].name, "\\\"{");
    }

    #[test]
    fn tasks_only_counts_as_a_key_of_the_plan() {
        let tasks = agrees(
            r#"{"summary": "tasks", "note": "\"tasks\": [{\"id\": \"X\", \"name\": \"x\"}]", "list": ["tasks"],
                "plan": {"tasks": [{"id": "T1", "name": "tasks", "description": "tasks",
                                    "meta": {"tasks": [{"id": "Y", "name": "y"}]}}]}}"#,
        );
        assert_eq!(ids(&tasks), ["T1"]);
        // A key written with an escape is still `tasks`.
        assert_eq!(ids(&agrees(r#"{"task\u0073": [{"id": "T1", "name": "a"}]}"#)), ["T1"]);
        // Deeper than parse_plan looks: neither finds the plan.
        let deep = r#"{"a": {"b": {"c": {"d": {"e": {"tasks": [{"id": "T1", "name": "a"}]}}}}}}"#;
        let (stream, tasks, _) = feed(chars(deep));
        assert!(tasks.is_empty());
        assert!(stream.finish().is_err());
    }

    #[test]
    fn cut_off_mid_task() {
        let (stream, tasks, _) = feed(chars(r#"{"tasks": [{"id": "T1", "name": "a"}, {"id": "T2", "na"#));
        assert_eq!(ids(&tasks), ["T1"]);
        let error = stream.finish().unwrap_err().to_string();
        assert!(error.starts_with("invalid JSON at line 1, column 54: EOF while parsing"), "{error}");
    }

    #[test]
    fn prose_around_the_json_is_ignored() {
        for text in [
            "Plan {see below} and [draft], then {\n```json\n{\"tasks\": [{\"id\": \"T1\", \"name\": \"a\"}]}\n```\nOk {\"x\"}.",
            "Here it is [\n```json\n[{\"id\": \"T1\", \"name\": \"a\"}]\n```",
            "Known issues: [none, {\"tasks\": [{\"id\": \"T1\", \"name\": \"a\"}]}",
            "Here (with {braces} and [1, 2]) is it: {\"tasks\": [{\"id\": \"T1\", \"name\": \"a\"}]} [{\"id\": 2}]",
        ] {
            assert_eq!(ids(&agrees(text)), ["T1"], "{text:?}");
        }
    }

    #[test]
    fn accepts_the_field_tolerance_of_parse_plan() {
        let tasks = agrees(
            r#"[{"id": 1, "title": "a", "depends_on": null},
                {"id": " 2 ", "name": "b", "dependencies": "1", "can_parallelize": "False", "type": "code"},
                {"id": 3, "name": 7, "deps": [1, "2", ""], "parent": 1, "x": [true, null, -1.5e3, {}]}]"#,
        );
        assert_eq!(ids(&tasks), ["1", "2", "3"]);
        assert_eq!(tasks[1].depends_on, ["1"]);
        assert!(!tasks[1].can_parallelize);
        assert_eq!(tasks[2].depends_on, ["1", "2"]);
        assert_eq!(ids(&agrees(r#"{"result": {"plan": {"tasks": [{"id": "T1", "name": "a"}]}}}"#)), ["T1"]);
    }

    #[test]
    fn invalid_tasks_are_skipped() {
        let (stream, tasks, _) = feed(chars(r#"{"tasks": [{"id": "T1"}, "T2", {"id": "T3", "name": "c"}]}"#));
        assert_eq!(ids(&tasks), ["T3"]);
        assert_eq!(stream.finish().unwrap_err().to_string(), "task #1 (id \"T1\") is missing field `name`");
    }

    #[test]
    fn sticks_to_the_first_plan_with_tasks() {
        let text = r#"{"tasks": []} {"tasks": [{"id": "A", "name": "a"}]} {"tasks": [{"id": "B", "name": "b"}]}"#;
        let (stream, tasks, _) = feed(chars(text));
        assert_eq!(ids(&tasks), ["A"]);
        // parse_plan takes the first plan, with no tasks.
        assert!(stream.finish().unwrap().tasks.is_empty());
    }

    #[test]
    fn stops_at_the_limits() {
        // No more than MAX_TASKS tasks are handed out, and finish says why the plan is refused.
        let tasks: Vec<String> = (0..=MAX_TASKS).map(|i| format!("{{\"id\": \"T{i}\", \"name\": \"t\"}}")).collect();
        let text = format!("{{\"tasks\": [{}]}}", tasks.join(","));
        let (stream, tasks, _) = feed(text.as_bytes().chunks(4096).map(|chunk| std::str::from_utf8(chunk).unwrap()));
        assert_eq!(tasks.len(), MAX_TASKS);
        assert_eq!(
            stream.finish().unwrap_err().to_string(),
            "This plan has 10,001 tasks; Planwright runs at most 10,000."
        );
        // Text past MAX_PLAN_TEXT_BYTES is kept but not scanned.
        let padding = " ".repeat(MAX_PLAN_TEXT_BYTES);
        let (stream, tasks, _) = feed([padding.as_str(), r#"[{"id": "T1", "name": "a"}]"#]);
        assert!(tasks.is_empty());
        assert_eq!(stream.text().len(), MAX_PLAN_TEXT_BYTES + 27);
        assert_eq!(
            stream.finish().unwrap_err().to_string(),
            "This plan text is 1,048,603 bytes; Planwright reads at most 1,048,576 bytes (1 MiB)."
        );
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use proptest::prelude::*;
    use proptest::sample::Index;
    use serde::Serialize;

    use super::tests::feed;
    use super::*;

    /// Strings with JSON-significant characters, and ones that mention `tasks`.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "[a-zA-Z0-9 {}\\[\\]\"\\\\:,é✓\n\t]{0,12}",
            1 => Just("tasks".to_string()),
            1 => Just(r#""tasks": [{"id": "X", "name": "x"}]"#.to_string()),
        ]
    }

    fn task() -> impl Strategy<Value = Task> {
        let strings = (text(), text(), text(), prop::collection::vec(text(), 0..3));
        let rest = (any::<bool>(), prop::option::of(text()), prop::option::of(text()));
        (strings, rest).prop_map(|((id, name, description, depends_on), (can_parallelize, kind, parent))| Task {
            id,
            name,
            description,
            depends_on,
            can_parallelize,
            kind,
            parent,
            model: None,
        })
    }

    fn plan() -> impl Strategy<Value = Plan> {
        (prop::collection::vec(task(), 0..6), prop::collection::vec(text(), 0..4))
            .prop_map(|(tasks, critical_path)| Plan { tasks, critical_path })
    }

    fn json<T: Serialize>(value: &T, pretty: bool) -> String {
        if pretty {
            serde_json::to_string_pretty(value).unwrap()
        } else {
            serde_json::to_string(value).unwrap()
        }
    }

    /// How the plan is written out.
    #[derive(Debug, Clone, Copy)]
    enum Shape {
        /// `{"tasks": […], "critical_path": […]}`
        Plain,
        /// `{"critical_path": […], "tasks": […]}`
        PathFirst,
        /// `[…]`
        Bare,
        /// `{"plan": {"tasks": […], "critical_path": […]}}`
        Wrapped,
    }

    /// The answer for `plan`, with the byte offset of each task's closing `}`.
    fn render(plan: &Plan, shape: Shape, pretty: bool, prose: (&str, &str)) -> (String, Vec<usize>) {
        let separator = if pretty { ",\n" } else { "," };
        let path = format!("\"critical_path\": {}", json(&plan.critical_path, pretty));
        let (open, close) = match shape {
            Shape::Plain => ("{\"tasks\": [".to_string(), format!("]{separator}{path}}}")),
            Shape::PathFirst => (format!("{{{path}{separator}\"tasks\": ["), "]}".to_string()),
            Shape::Bare => ("[".to_string(), "]".to_string()),
            Shape::Wrapped => ("{\"plan\": {\"tasks\": [".to_string(), format!("]{separator}{path}}}}}")),
        };
        let mut text = format!("{}{open}", prose.0);
        let mut ends = Vec::new();
        for (i, task) in plan.tasks.iter().enumerate() {
            if i > 0 {
                text.push_str(separator);
            }
            text.push_str(&json(task, pretty));
            ends.push(text.len() - 1);
        }
        text.push_str(&close);
        text.push_str(prose.1);
        (text, ends)
    }

    /// `text` cut at the character boundaries `cuts` picks (possibly giving empty chunks).
    fn split<'a>(text: &'a str, cuts: &[Index]) -> Vec<&'a str> {
        let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let mut cuts: Vec<usize> = cuts.iter().map(|cut| *cut.get(&boundaries)).collect();
        cuts.sort_unstable();
        let mut chunks = Vec::new();
        let mut start = 0;
        for cut in cuts.into_iter().chain([text.len()]) {
            chunks.push(&text[start..cut]);
            start = cut;
        }
        chunks
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn chunked_stream_emits_the_final_tasks_as_they_close(
            plan in plan(),
            shape in prop_oneof![Just(Shape::Plain), Just(Shape::PathFirst), Just(Shape::Bare), Just(Shape::Wrapped)],
            pretty in any::<bool>(),
            goal in "[a-z {}\\[\\]\"]{0,20}",
            style in 0..3u8,
            cuts in prop::collection::vec(any::<Index>(), 0..16),
        ) {
            let before = format!("Here is a plan for \"{goal}\" ({} tasks).\n\n```json\n", plan.tasks.len());
            let prose = match style {
                0 => ("", ""),
                1 => (before.as_str(), "\n```\n\nEach task lists what it depends on."),
                _ => ("Plan (see {notes} and [draft]) follows: ", " Let me know {if} you need changes."),
            };
            let (text, ends) = render(&plan, shape, pretty, prose);
            let chunks = split(&text, &cuts);
            let (stream, tasks, at) = feed(chunks.iter().copied());
            prop_assert_eq!(stream.text(), text.as_str());
            let expected = stream.finish().map_err(|e| TestCaseError::fail(format!("{e}")))?.tasks;
            prop_assert_eq!(&tasks, &expected);
            // Each task is emitted by the chunk holding its closing brace: not before, not later.
            let mut start = 0;
            let ranges: Vec<_> = chunks.iter().map(|chunk| {
                start += chunk.len();
                start - chunk.len()..start
            }).collect();
            let closing_chunks: Vec<usize> =
                ends.iter().map(|end| ranges.iter().position(|range| range.contains(end)).unwrap()).collect();
            prop_assert_eq!(at, closing_chunks);
        }

        #[test]
        fn serde_pretty_answer_streams_its_tasks(plan in plan(), cuts in prop::collection::vec(any::<Index>(), 0..16)) {
            let text = format!("Sure!\n```json\n{}\n```\nDone.", plan.to_json_pretty());
            let (stream, tasks, _) = feed(split(&text, &cuts));
            let expected = stream.finish().map_err(|e| TestCaseError::fail(format!("{e}")))?.tasks;
            prop_assert_eq!(tasks, expected);
        }
    }
}
