//! What can go wrong with a tool: a call whose arguments do not fit, a request that cannot be made,
//! a local tool that fails, a user tool whose name is refused. Each message is what the model (or
//! the settings panel) reads.

use std::fmt;

use thiserror::Error;

use super::calculate::{KNOWN_NAMES, MAX_CHARS, MAX_DEPTH};
use super::registry::MAX_NAME_LEN;
use crate::io::transport::TransportError;
use crate::plan::parse::ParseError;

/// Why a tool call gave no result, or why a user tool is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ToolError {
    /// The arguments of a call are not JSON.
    #[error("tool `{tool}`: the arguments are not valid JSON ({detail})")]
    ArgumentsNotJson {
        /// The tool called.
        tool: String,
        /// The JSON parser's report.
        detail: String,
    },
    /// The arguments of a call are JSON, but not an object.
    #[error("tool `{tool}`: the arguments must be a JSON object, not {found}")]
    ArgumentsNotObject {
        /// The tool called.
        tool: String,
        /// What they are instead (`an array`, `a string`, …).
        found: &'static str,
    },
    /// A string argument is missing (or null).
    #[error("tool `{tool}`: missing argument `{name}` (a string)")]
    MissingArgument {
        /// The tool called.
        tool: String,
        /// The argument's name.
        name: String,
    },
    /// An argument that must be a string is an object, an array or null.
    #[error("tool `{tool}`: argument `{name}` must be a string, not {found}")]
    ArgumentNotString {
        /// The tool called.
        tool: String,
        /// The argument's name.
        name: String,
        /// What it is instead (`an object`, `an array`, …).
        found: &'static str,
    },
    /// A local tool was asked for an HTTP request.
    #[error("tool `{tool}` runs locally, not over HTTP")]
    NotHttp {
        /// The tool.
        tool: String,
    },
    /// A user tool names an HTTP method other than GET, POST, PUT, PATCH or DELETE.
    #[error("tool `{tool}`: unsupported HTTP method `{method}` (use GET, POST, PUT, PATCH or DELETE)")]
    UnsupportedMethod {
        /// The tool.
        tool: String,
        /// The method as written (trimmed, upper-case).
        method: String,
    },
    /// A user tool's URL template opens a `{` placeholder and never closes it.
    #[error("tool `{tool}`: the URL template has a `{{` without a `}}`")]
    UnclosedPlaceholder {
        /// The tool.
        tool: String,
    },
    /// A user tool's URL template has a placeholder in its scheme, host or port.
    #[error(
        "tool `{tool}`: the URL template `{template}` has a placeholder before its path: placeholders may fill only \
         the path and query, never the scheme, host or port"
    )]
    PlaceholderBeforePath {
        /// The tool.
        tool: String,
        /// The template as written.
        template: String,
    },
    /// The call lacks the argument a URL placeholder needs.
    #[error("tool `{tool}`: missing argument `{name}` for the URL placeholder `{{{name}}}`")]
    MissingPlaceholderArgument {
        /// The tool called.
        tool: String,
        /// The placeholder's (and argument's) name.
        name: String,
    },
    /// The URL to fetch is not an http:// or https:// URL.
    #[error("tool `{tool}`: only http:// and https:// URLs can be fetched, not `{url}`")]
    NotHttpUrl {
        /// The tool called.
        tool: String,
        /// The URL.
        url: String,
    },
    /// The URL to fetch has no host.
    #[error("tool `{tool}`: the URL `{url}` has no host")]
    UrlWithoutHost {
        /// The tool called.
        tool: String,
        /// The URL.
        url: String,
    },
    /// The URL to fetch contains whitespace or control characters.
    #[error("tool `{tool}`: the URL `{url}` contains whitespace or control characters")]
    UrlWithWhitespace {
        /// The tool called.
        tool: String,
        /// The URL.
        url: String,
    },
    /// The `calculate` tool could not evaluate the expression.
    #[error("tool `{tool}`: {error}")]
    Calculate {
        /// The tool called.
        tool: String,
        /// Why the expression has no value.
        error: CalcError,
    },
    /// The `extract_json` tool found no value at the path.
    #[error("tool `{tool}`: {error}")]
    Extract {
        /// The tool called.
        tool: String,
        /// Why nothing was extracted.
        error: ExtractError,
    },
    /// The model called a tool that the task was not given.
    #[error("there is no tool named {name}")]
    UnknownTool {
        /// The name the model used.
        name: String,
    },
    /// The user denied an HTTP tool's request.
    #[error("the user denied the request to {host}")]
    Denied {
        /// The host the request would have gone to.
        host: String,
    },
    /// The egress policy refused an HTTP tool's request; nothing was sent.
    #[error("the request to {url} was refused: {reason}")]
    Refused {
        /// The URL.
        url: String,
        /// Why.
        reason: super::Refusal,
    },
    /// An HTTP tool's request got no answer.
    #[error("could not reach {url} ({error})")]
    Unreachable {
        /// The URL requested.
        url: String,
        /// Why there was no answer.
        error: TransportError,
    },
    /// An HTTP tool's response broke off while it was read.
    #[error("the response from {url} broke off ({error})")]
    ResponseBroken {
        /// The URL requested.
        url: String,
        /// How the body broke off.
        error: TransportError,
    },
    /// An HTTP tool's request was answered with an error status.
    #[error("HTTP {status}: {body}")]
    HttpStatus {
        /// The status code.
        status: u16,
        /// The response body (cut to what the model is shown).
        body: String,
    },
    /// An MCP tool's call got no result from its server.
    #[error("tool `{tool}`: {error}")]
    Mcp {
        /// The tool called.
        tool: String,
        /// What went wrong.
        error: crate::llm::mcp::McpError,
    },
    /// An MCP tool ran and reported an error (`isError: true`).
    #[error("tool `{tool}` reported an error: {text}")]
    McpToolFailed {
        /// The tool called.
        tool: String,
        /// The error text the server gave.
        text: String,
    },
    /// A user tool has an empty name.
    #[error("a user tool has an empty name: use 1 to {MAX_NAME_LEN} letters, digits, `_` or `-`")]
    EmptyName,
    /// A user tool's name contains a character other than an ASCII letter, digit, `_` or `-`.
    #[error("the tool name `{name}` contains {character:?}: use only letters, digits, `_` or `-`")]
    NameCharacter {
        /// The name.
        name: String,
        /// The first character that is not allowed.
        character: char,
    },
    /// A user tool's name is longer than the providers accept.
    #[error("the tool name `{name}` is {length} characters long: use at most {MAX_NAME_LEN}")]
    NameTooLong {
        /// The name.
        name: String,
        /// Its length in characters.
        length: usize,
    },
    /// A user tool's name is already taken by a built-in or an earlier user tool.
    #[error("a tool named `{name}` already exists: give the user tool another name")]
    NameTaken {
        /// The name.
        name: String,
    },
}

/// Why the `calculate` tool's expression has no value. Positions are 1-based character positions.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CalcError {
    /// The expression is longer than the evaluator reads.
    #[error("the expression is too long ({length} characters; at most {MAX_CHARS})")]
    TooLong {
        /// Its length in characters.
        length: usize,
    },
    /// The expression is empty or only whitespace.
    #[error("the expression is empty")]
    Empty,
    /// A character that is not part of the grammar.
    #[error("unexpected character {character:?} at position {position}")]
    UnexpectedCharacter {
        /// The character.
        character: char,
        /// Where it is.
        position: usize,
    },
    /// A number literal too large for a finite value.
    #[error("the number `{text}` at position {position} is too large")]
    NumberTooLarge {
        /// The literal as written.
        text: String,
        /// Where it starts.
        position: usize,
    },
    /// The expression ends where more was needed.
    #[error("unexpected end of the expression")]
    UnexpectedEnd,
    /// A token where it does not fit.
    #[error("unexpected {found} at position {position}")]
    Unexpected {
        /// The token.
        found: CalcToken,
        /// Where it starts.
        position: usize,
    },
    /// A token where a closing parenthesis (or another symbol) was needed.
    #[error("unexpected {found} at position {position} (expected '{expected}')")]
    Expected {
        /// The symbol needed.
        expected: char,
        /// The token found instead.
        found: CalcToken,
        /// Where it starts.
        position: usize,
    },
    /// The expression ends where a closing parenthesis (or another symbol) was needed.
    #[error("expected '{expected}' but the expression ended")]
    ExpectedButEnded {
        /// The symbol needed.
        expected: char,
    },
    /// Parentheses, calls, signs and powers nest deeper than the evaluator goes.
    #[error("the expression is nested too deeply at position {position} (at most {MAX_DEPTH} levels)")]
    TooDeep {
        /// Where the level that is too deep opens.
        position: usize,
    },
    /// A division by zero.
    #[error("division by zero at position {position}")]
    DivisionByZero {
        /// Where the `/` is.
        position: usize,
    },
    /// A remainder of a division by zero.
    #[error("modulo by zero at position {position}")]
    ModuloByZero {
        /// Where the `%` is.
        position: usize,
    },
    /// A name that is neither a constant nor a function.
    #[error("unknown name `{name}` at position {position} (known: {KNOWN_NAMES})")]
    UnknownName {
        /// The name as written.
        name: String,
        /// Where it starts.
        position: usize,
    },
    /// A function name not followed by `(`.
    #[error("`{name}` is a function: write {name}(…) (at position {position})")]
    NotCalled {
        /// The function (lower-case).
        name: String,
        /// Where its name starts.
        position: usize,
    },
    /// A function called with the wrong number of arguments.
    #[error("`{name}` takes {expected} argument{} but got {got} (at position {position})", plural(*.expected))]
    ArgumentCount {
        /// The function (lower-case).
        name: String,
        /// How many arguments it takes.
        expected: usize,
        /// How many it was given.
        got: usize,
        /// Where its name starts.
        position: usize,
    },
    /// A function whose argument is outside its domain: `sqrt` of a negative number, `ln` or
    /// `log10` of a number that is not positive.
    #[error("{function} of {} ({argument}) at position {position}", domain(.function))]
    OutsideDomain {
        /// The function (`sqrt`, `ln` or `log10`).
        function: String,
        /// The argument, as the message shows it.
        argument: String,
        /// Where the function's name starts.
        position: usize,
    },
    /// An operation whose result is infinite or not a number.
    #[error("'{operator}' at position {position} gives a result that is not a finite real number")]
    NotFinite {
        /// The operator (`+`, `-`, `*`, `/`, `%` or `^`).
        operator: char,
        /// Where it is.
        position: usize,
    },
}

/// A token of an expression, as a [`CalcError`] names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalcToken {
    /// An operator, parenthesis or comma.
    Symbol(char),
    /// A number literal, as written.
    Number(String),
    /// A constant or function name, as written.
    Name(String),
}

impl fmt::Display for CalcToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalcToken::Symbol(c) => write!(f, "'{c}'"),
            CalcToken::Number(text) => write!(f, "number `{text}`"),
            CalcToken::Name(text) => write!(f, "name `{text}`"),
        }
    }
}

/// `s` unless `count` is 1.
fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// What the argument of `function` must not be, for [`CalcError::OutsideDomain`].
fn domain(function: &str) -> &'static str {
    if function == "sqrt" {
        "a negative number"
    } else {
        "a number that is not positive"
    }
}

/// Why the `extract_json` tool found no value. `at` fields are the path walked so far, empty at the
/// top level.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ExtractError {
    /// The text is empty or only whitespace.
    #[error("the text is empty: expected JSON")]
    EmptyText,
    /// The text holds no `{…}` or `[…]`.
    #[error("the text contains no JSON object or array")]
    NoJson,
    /// The JSON in the text does not parse.
    #[error("the text contains no valid JSON: {0}")]
    InvalidJson(ParseError),
    /// An object lacks the key the path names.
    #[error("no key `{key}` at {} ({})", place(.at), listed(.keys, *.more_keys))]
    MissingKey {
        /// The key.
        key: String,
        /// Where the object is.
        at: String,
        /// The object's first keys (at most 20).
        keys: Vec<String>,
        /// Whether the object has more keys than `keys`.
        more_keys: bool,
    },
    /// An array is shorter than the index the path names.
    #[error("index [{index}] is out of range at {} (the array has {length} element{})", place(.at), plural(*.length))]
    IndexOutOfRange {
        /// The index.
        index: usize,
        /// Where the array is.
        at: String,
        /// The array's length.
        length: usize,
    },
    /// The path names a key of something that is not an object.
    #[error("cannot take key `{key}` at {}: it is {found}, not an object", place(.at))]
    NotAnObject {
        /// The key.
        key: String,
        /// Where the value is.
        at: String,
        /// What it is (`a number`, `an array`, …).
        found: &'static str,
    },
    /// The path names an index of something that is not an array.
    #[error("cannot take index [{index}] at {}: it is {found}, not an array", place(.at))]
    NotAnArray {
        /// The index.
        index: usize,
        /// Where the value is.
        at: String,
        /// What it is (`a number`, `an object`, …).
        found: &'static str,
    },
    /// The path has a `[` without its `]`.
    #[error("invalid path `{path}`: a `[` is not closed")]
    UnclosedBracket {
        /// The path (trimmed).
        path: String,
    },
    /// The path has brackets around something that is not an index.
    #[error("invalid path `{path}`: `[{inside}]` is not an array index (use a number such as [0])")]
    NotAnIndex {
        /// The path (trimmed).
        path: String,
        /// What the brackets hold.
        inside: String,
    },
    /// The path has an empty key (`a..b`, `a.`).
    #[error("invalid path `{path}`: empty key at character {character}")]
    EmptyKey {
        /// The path (trimmed).
        path: String,
        /// The 1-based character position where the key should be.
        character: usize,
    },
    /// The path has a `]` inside a key.
    #[error("invalid path `{path}`: unexpected `]` in key `{key}`")]
    BracketInKey {
        /// The path (trimmed).
        path: String,
        /// The key.
        key: String,
    },
    /// The path has something other than `.` or `[` after a `]`.
    #[error("invalid path `{path}`: expected `.` or `[` before {character:?}")]
    MissingSeparator {
        /// The path (trimmed).
        path: String,
        /// The character found.
        character: char,
    },
}

/// Where a path segment is, for a message: `the top level`, or the path walked so far in backticks.
fn place(at: &str) -> String {
    if at.is_empty() {
        "the top level".to_string()
    } else {
        format!("`{at}`")
    }
}

/// The listed keys of an object for [`ExtractError::MissingKey`].
fn listed(keys: &[String], more: bool) -> String {
    if keys.is_empty() {
        return "it is empty".to_string();
    }
    let mut quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    if more {
        quoted.push("…".to_string());
    }
    format!("its keys are {}", quoted.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_errors_name_the_tool_and_what_failed() {
        let cases = [
            (
                ToolError::ArgumentsNotObject { tool: "calc".into(), found: "an array" },
                "tool `calc`: the arguments must be a JSON object, not an array",
            ),
            (
                ToolError::MissingPlaceholderArgument { tool: "api".into(), name: "id".into() },
                "tool `api`: missing argument `id` for the URL placeholder `{id}`",
            ),
            (ToolError::UnclosedPlaceholder { tool: "api".into() }, "tool `api`: the URL template has a `{` without a `}`"),
            (
                ToolError::Calculate { tool: "calculate".into(), error: CalcError::DivisionByZero { position: 2 } },
                "tool `calculate`: division by zero at position 2",
            ),
            (
                ToolError::Unreachable {
                    url: "https://x.example".into(),
                    error: TransportError::Network("connection refused".into()),
                },
                "could not reach https://x.example (network error or CORS block: connection refused)",
            ),
            (
                ToolError::ResponseBroken { url: "https://x.example".into(), error: TransportError::Aborted },
                "the response from https://x.example broke off (aborted)",
            ),
            (ToolError::HttpStatus { status: 404, body: "not found".into() }, "HTTP 404: not found"),
            (ToolError::UnknownTool { name: "shell".into() }, "there is no tool named shell"),
            (ToolError::EmptyName, "a user tool has an empty name: use 1 to 64 letters, digits, `_` or `-`"),
            (
                ToolError::NameTooLong { name: "x".repeat(65), length: 65 },
                "the tool name `xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx` is 65 characters long: use \
                 at most 64",
            ),
        ];
        for (error, message) in cases {
            assert_eq!(error.to_string(), message, "{error:?}");
        }
    }

    #[test]
    fn calc_errors_name_the_token_and_its_position() {
        let cases = [
            (CalcError::Unexpected { found: CalcToken::Symbol(')'), position: 8 }, "unexpected ')' at position 8"),
            (
                CalcError::Expected { expected: ')', found: CalcToken::Number("2".into()), position: 7 },
                "unexpected number `2` at position 7 (expected ')')",
            ),
            (
                CalcError::Unexpected { found: CalcToken::Name("pi".into()), position: 3 },
                "unexpected name `pi` at position 3",
            ),
            (
                CalcError::ArgumentCount { name: "abs".into(), expected: 1, got: 2, position: 1 },
                "`abs` takes 1 argument but got 2 (at position 1)",
            ),
            (
                CalcError::ArgumentCount { name: "min".into(), expected: 2, got: 1, position: 1 },
                "`min` takes 2 arguments but got 1 (at position 1)",
            ),
            (
                CalcError::OutsideDomain { function: "sqrt".into(), argument: "-4".into(), position: 1 },
                "sqrt of a negative number (-4) at position 1",
            ),
            (
                CalcError::OutsideDomain { function: "log10".into(), argument: "0".into(), position: 5 },
                "log10 of a number that is not positive (0) at position 5",
            ),
        ];
        for (error, message) in cases {
            assert_eq!(error.to_string(), message, "{error:?}");
        }
    }

    #[test]
    fn extract_errors_say_where_the_path_stopped() {
        let missing = |keys: &[&str], more| ExtractError::MissingKey {
            key: "x".into(),
            at: String::new(),
            keys: keys.iter().map(|k| k.to_string()).collect(),
            more_keys: more,
        };
        assert_eq!(missing(&[], false).to_string(), "no key `x` at the top level (it is empty)");
        assert_eq!(missing(&["a", "b"], true).to_string(), "no key `x` at the top level (its keys are `a`, `b`, …)");
        assert_eq!(
            ExtractError::IndexOutOfRange { index: 1, at: "a.b".into(), length: 1 }.to_string(),
            "index [1] is out of range at `a.b` (the array has 1 element)"
        );
        assert_eq!(
            ExtractError::InvalidJson(ParseError::Structure("bad".into())).to_string(),
            "the text contains no valid JSON: bad"
        );
    }
}
