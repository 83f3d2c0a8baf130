//! Answers of a chosen size that are hard on a plan parser. Shared by the linear-time test
//! (`tests/parse_linear.rs`) and the benchmark (`examples/parse_bench.rs`).

/// A kind of answer, built at about `n` bytes (never more) by `build`.
pub struct Shape {
    /// Short name, printed by the benchmark.
    pub name: &'static str,
    /// Builds an answer of at most `n` bytes, close to `n`.
    pub build: fn(n: usize) -> String,
}

/// Every shape, in the order the benchmark prints them.
pub const SHAPES: &[Shape] = &[
    Shape { name: "unclosed_fences", build: unclosed_fences },
    Shape { name: "open_brackets", build: open_brackets },
    Shape { name: "closed_brackets", build: closed_brackets },
    Shape { name: "open_objects", build: open_objects },
    Shape { name: "closed_objects", build: closed_objects },
    Shape { name: "valid_plan", build: valid_plan },
    Shape { name: "stray_braces", build: stray_braces },
    Shape { name: "quote_tricks", build: quote_tricks },
];

/// `unit` repeated as often as fits in `n` bytes.
fn repeat(unit: &str, n: usize) -> String {
    unit.repeat(n / unit.len())
}

/// The share-link attack: code fences around an unclosed `{`, over and over.
fn unclosed_fences(n: usize) -> String {
    repeat("```\n{\n```\n", n)
}

/// `[[[[…`, never closed.
fn open_brackets(n: usize) -> String {
    "[".repeat(n)
}

/// `[[[[…]]]]`.
fn closed_brackets(n: usize) -> String {
    "[".repeat(n / 2) + &"]".repeat(n / 2)
}

/// `{"a":{"a":…`, never closed.
fn open_objects(n: usize) -> String {
    repeat("{\"a\":", n)
}

/// `{"a":{"a":…1}}…}`.
fn closed_objects(n: usize) -> String {
    let depth = n.saturating_sub(1) / 6;
    "{\"a\":".repeat(depth) + "1" + &"}".repeat(depth)
}

/// A valid plan: a chain of tasks with names and descriptions (under the task limit up to 1 MB).
fn valid_plan(n: usize) -> String {
    let mut text = String::from("{\"tasks\": [\n");
    let close = "\n], \"critical_path\": [\"T1\"]}";
    for i in 1.. {
        let depends = if i == 1 { String::new() } else { format!("\"T{}\"", i - 1) };
        let task = format!(
            "{}  {{\"id\": \"T{i}\", \"name\": \"Step {i}\", \"description\": \"Do step {i} of the work and note \
             what was found.\", \"depends_on\": [{depends}]}}",
            if i == 1 { "" } else { ",\n" }
        );
        if text.len() + task.len() + close.len() > n {
            break;
        }
        text.push_str(&task);
    }
    text + close
}

/// Prose full of stray brackets (closed, unclosed, broken JSON), with a plan at the end.
fn stray_braces(n: usize) -> String {
    let plan = "\n{\"tasks\": [{\"id\": \"T1\", \"name\": \"Wrap up\"}]}\n";
    let unit = "Step {n}: see [1] and {\"k\": } or { maybe [x, y] later, then {\"a\": [1, 2} again.\n";
    repeat(unit, n - plan.len()) + plan
}

/// `["[\""["[\""…`: each bracket lies inside a string as the one before it reads the text, which
/// defeats the bracket matcher's memory.
fn quote_tricks(n: usize) -> String {
    "[".to_string() + &repeat("\"[\\\"\"", n - 1)
}
