//! Finding the JSON value an answer holds among prose and code fences, in time linear in the
//! length of the answer whatever its shape.
//!
//! Candidates are the `{` and `[` of the answer (see [`scan`]). The bracket matcher ([`Brackets`])
//! and the JSON parser read each byte a bounded number of times however many candidates there are,
//! nesting is limited by the JSON parser (127 levels) or kept on the heap, and the line and column
//! of a syntax error are worked out once, for the error that is returned.

use std::ops::Range;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::error::Category;
use serde_json::Value;

use super::parse::ParseError;

/// Characters of the answer quoted by [`ParseError::NoJson`].
const EXCERPT_CHARS: usize = 40;

/// The first candidate of `text` that `accept` maps successfully: fenced blocks first, then the
/// whole text; otherwise the error of the longest candidate of the whole text.
pub(crate) fn find_in_answer<T>(text: &str, accept: impl Fn(Value) -> Result<T, ParseError>) -> Result<T, ParseError> {
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    // `scan` is not generic (one copy in the .wasm): the value `accept` makes waits in `found`.
    let mut found = None;
    let mut keep = |value: Value| accept(value).map(|value| found = Some(value));
    let mut outcome = Err(None);
    for range in fenced_blocks(text) {
        if scan(text, range, &mut keep).is_ok() {
            outcome = Ok(());
            break;
        }
    }
    if outcome.is_err() {
        outcome = scan(text, 0..text.len(), &mut keep);
    }
    match (outcome, found) {
        (Ok(()), Some(found)) => Ok(found),
        (Err(Some(failure)), _) => Err(failure.into_error(text)),
        _ => Err(ParseError::NoJson { excerpt: excerpt(text) }),
    }
}

/// Why the longest candidate failed, kept cheap until it is shown.
#[derive(Debug)]
enum Failure {
    /// It is JSON, but `accept` refused it.
    Refused(ParseError),
    /// The JSON parser stopped with `error`; `reach` is the byte just past the offending one.
    Syntax { reach: usize, error: serde_json::Error },
}

impl Failure {
    /// The error to show; a syntax error gets its line and column in `text` here, once.
    fn into_error(self, text: &str) -> ParseError {
        match self {
            Failure::Refused(error) => error,
            Failure::Syntax { reach, error } => {
                let full = error.to_string();
                let suffix = format!(" at line {} column {}", error.line(), error.column());
                let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
                let before = &text[..reach];
                let line_start = before.rfind('\n').map_or(0, |i| i + 1);
                ParseError::Syntax {
                    line: before.bytes().filter(|&b| b == b'\n').count() + 1,
                    column: before[line_start..].chars().count().max(1),
                    message,
                }
            }
        }
    }
}

/// Parses the candidates in `range` of `text`: the first one `accept` maps, or the failure of the
/// longest candidate (`None` when there was no candidate at all).
///
/// A candidate is a `{` or `[` and runs to where its brackets balance, to a closing bracket that
/// does not match, or to the end of the range ([`Brackets`] works that out). The JSON parser reads
/// it as far as it can. If it is a JSON value, `accept` decides, and the next candidate comes after
/// it. If not, and its brackets balance, it is a broken JSON text and nothing inside it is accepted:
/// the next candidate comes after it. Otherwise (prose with a stray bracket, or an answer cut off)
/// the next candidate is its next bracket; but the brackets that were still open where its JSON went
/// wrong are passed over, since they would go wrong at the same byte (or, when it went too deep,
/// deeper) and are shorter.
///
/// A candidate known not to close that is not longer than the longest failure so far is skipped
/// unread: it is no JSON value, and its error would not be shown.
///
/// So the JSON parser reads a byte for a few candidates at most. While a candidate is valid JSON,
/// the brackets in it are passed over, jumped over inside a complete value (read once more), or
/// inside its strings; a candidate starting in one of those strings reads the text the other way
/// round (its strings are the first one's structure), so no third candidate reads there. The
/// bracket matcher reads a byte about as often as the JSON parser, plus at most [`READ_BUDGET`]
/// times overall.
fn scan(
    text: &str,
    range: Range<usize>,
    accept: &mut dyn FnMut(Value) -> Result<(), ParseError>,
) -> Result<(), Option<Failure>> {
    let bytes = text.as_bytes();
    let mut brackets = Brackets::new(&range);
    // The failure of the longest candidate so far, with its length.
    let mut best: Option<(usize, Failure)> = None;
    let longest = |best: &Option<(usize, Failure)>| best.as_ref().map_or(0, |(len, _)| *len);
    let mut pos = range.start;
    while let Some(start) = bytes[pos..range.end].iter().position(|&b| matches!(b, b'{' | b'[')).map(|i| pos + i) {
        pos = start + 1;
        let known = brackets.get(start);
        if brackets.passed_over(start) {
            // Its JSON is broken; if its brackets balance, nothing inside it is accepted either.
            if let Some(span) = known.filter(|span| span.closed) {
                pos = span.end;
            }
            continue;
        }
        if known.is_some_and(|span| !span.closed && span.end - start <= longest(&best)) {
            continue;
        }
        // Checked first without building it, which is much faster on text that is not JSON.
        let mut values = serde_json::Deserializer::from_str(&text[start..range.end]).into_iter::<Checked>();
        let Some(checked) = values.next() else { break };
        let parsed = checked
            .map(|Checked| start + values.byte_offset())
            .and_then(|end| serde_json::from_str::<Value>(&text[start..end]).map(|value| (value, end)));
        let error = match parsed {
            Ok((value, end)) => {
                match accept(value) {
                    Ok(()) => return Ok(()),
                    Err(error) if end - start > longest(&best) => best = Some((end - start, Failure::Refused(error))),
                    Err(_) => {}
                }
                pos = end;
                continue;
            }
            Err(error) => error,
        };
        // The JSON went wrong at the byte before `reach` (or the text ended there).
        let reach = error_reach(text, start, range.end, &error);
        let wrong_at = if error.classify() == Category::Eof { reach } else { reach - 1 };
        let span = known.or_else(|| brackets.read(bytes, start, range.end, reach));
        let len = span.map_or(range.end, |span| span.end) - start;
        if len > longest(&best) {
            best = Some((len, Failure::Syntax { reach, error }));
        }
        match span {
            Some(span) if span.closed => pos = span.end,
            _ => pos = brackets.pass_over_open(bytes, start, wrong_at),
        }
    }
    Err(best.map(|(_, failure)| failure))
}

/// A JSON value read and thrown away. The JSON parser reads it exactly as it reads a [`Value`] (same
/// errors at the same bytes, same nesting limit) but allocates nothing.
struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Checked)
    }
}

impl<'de> Visitor<'de> for Checked {
    type Value = Checked;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_unit<E>(self) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Checked, A::Error> {
        while items.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Checked, A::Error> {
        while entries.next_entry::<Checked, Checked>()?.is_some() {}
        Ok(Checked)
    }
}

/// The byte just past the one where the JSON parser, reading `text[start..limit]`, stopped with
/// `error` (whose line and column count from `start`).
fn error_reach(text: &str, start: usize, limit: usize, error: &serde_json::Error) -> usize {
    // serde_json's column is the byte count from the line start up to and including the offending
    // byte.
    let line_offset = match error.line() {
        0 | 1 => 0,
        line => text[start..limit].match_indices('\n').nth(line - 2).map_or(0, |(i, _)| i + 1),
    };
    let mut reach = (start + line_offset + error.column()).min(limit);
    while !text.is_char_boundary(reach) {
        reach += 1;
    }
    reach
}

/// How many times the length of its range the bracket matcher of one scan may read beyond what the
/// JSON parser read. Ordinary text needs at most one such pass; only text crafted against
/// [`Brackets`]'s memory needs more. When the budget is spent, a candidate that has not closed by
/// the time its JSON went wrong counts as never closing.
const READ_BUDGET: usize = 4;

/// Where a candidate ends, as the bracket matcher reads it.
#[derive(Debug, Clone, Copy)]
struct Span {
    /// Byte offset just past its closing bracket, past the mismatched bracket that ended it, or the
    /// end of the range when it never closed.
    end: usize,
    /// Whether it ended with its own closing bracket.
    closed: bool,
}

/// The bracket matcher of one scan, and what it remembers of each bracket.
///
/// Reading from a candidate's bracket, it balances brackets outside strings until the candidate
/// ends, and records the span of every bracket it passes outside a string: that bracket reads the
/// text after it exactly as the candidate does, so its span comes for free and the text is not read
/// again for it.
#[derive(Debug)]
struct Brackets {
    /// Offset of the scan's range in the text.
    base: usize,
    /// Length of the range.
    len: usize,
    /// Per byte of the range (allocated on the first record), for a bracket there: the end of its
    /// span times four (`0`: not read yet), plus two when [`Brackets::passed_over`], plus one when
    /// it closed.
    codes: Vec<usize>,
    /// Bytes the matcher may still read beyond what the JSON parser read.
    budget: usize,
}

impl Brackets {
    /// A matcher for `range`, with nothing read yet.
    fn new(range: &Range<usize>) -> Self {
        Brackets { base: range.start, len: range.len(), codes: Vec::new(), budget: READ_BUDGET * range.len() }
    }

    fn code(&self, at: usize) -> usize {
        self.codes.get(at - self.base).copied().unwrap_or(0)
    }

    fn code_mut(&mut self, at: usize) -> &mut usize {
        if self.codes.is_empty() {
            self.codes = vec![0; self.len];
        }
        &mut self.codes[at - self.base]
    }

    /// The span of the bracket at `at`, if a read has passed it outside a string.
    fn get(&self, at: usize) -> Option<Span> {
        let code = self.code(at);
        (code >= 4).then_some(Span { end: code >> 2, closed: code & 1 == 1 })
    }

    fn set(&mut self, at: usize, span: Span) {
        let code = self.code_mut(at);
        *code = span.end << 2 | (*code & 2) | span.closed as usize;
    }

    /// Whether the bracket at `at` is passed over: it was open where the JSON of an enclosing
    /// candidate went wrong, so it would go wrong at the same byte.
    fn passed_over(&self, at: usize) -> bool {
        self.code(at) & 2 != 0
    }

    /// Reads from the bracket at `start` (up to `limit`, the end of the range) until it ends, and
    /// returns its span. With the budget spent, the read stops at `cut`, where the JSON parser
    /// stopped: then the span is `None` unless the candidate closed by then.
    fn read(&mut self, bytes: &[u8], start: usize, limit: usize, cut: usize) -> Option<Span> {
        let stop = limit.min(start + self.budget.max(cut - start));
        // Offsets of the brackets still open.
        let mut open: Vec<usize> = Vec::new();
        let mut strings = Strings::default();
        let mut i = start;
        let end = loop {
            if i == stop {
                break (stop == limit).then_some(limit);
            }
            let b = bytes[i];
            i += 1;
            match b {
                _ if strings.inside(b) => {}
                b'{' | b'[' => open.push(i - 1),
                b'}' | b']' => match open.last() {
                    Some(&at) if bytes[at] == if b == b'}' { b'{' } else { b'[' } => {
                        open.pop();
                        self.set(at, Span { end: i, closed: true });
                        if open.is_empty() {
                            break Some(i);
                        }
                    }
                    _ => break Some(i),
                },
                _ => {}
            }
        };
        self.budget = self.budget.saturating_sub(i.saturating_sub(cut));
        if let Some(end) = end {
            for at in open {
                self.set(at, Span { end, closed: false });
            }
        }
        self.get(start)
    }

    /// Passes over the brackets of the candidate at `start` that are open at `wrong_at`, where its
    /// JSON went wrong: those outside its strings whose values have not closed before. (It has been
    /// read, so their spans are known unless the budget ran out, when they are open too.) Returns
    /// where the next candidate may be: the first bracket in between that is not simply passed over
    /// (one inside a string, a complete value, or an open one whose brackets balance later, which
    /// the scan jumps over), else `wrong_at`.
    fn pass_over_open(&mut self, bytes: &[u8], start: usize, wrong_at: usize) -> usize {
        let mut strings = Strings::default();
        let mut next = None;
        let mut i = start + 1;
        while i < wrong_at {
            let b = bytes[i];
            let in_string = strings.inside(b);
            if matches!(b, b'{' | b'[') {
                match self.get(i) {
                    _ if in_string => _ = next.get_or_insert(i),
                    Some(span) if span.closed && span.end <= wrong_at => {
                        next.get_or_insert(i);
                        i = span.end;
                        continue;
                    }
                    // Everything after it is inside it.
                    Some(span) if span.closed => {
                        *self.code_mut(i) |= 2;
                        return *next.get_or_insert(i);
                    }
                    _ if next.is_some() => *self.code_mut(i) |= 2,
                    _ => {}
                }
            }
            i += 1;
        }
        next.unwrap_or(wrong_at)
    }
}

/// Whether a reader going through JSON text byte by byte is inside a string.
#[derive(Debug, Default)]
struct Strings {
    /// Inside a string.
    open: bool,
    /// Just after a backslash inside a string.
    escaped: bool,
}

impl Strings {
    /// Takes the next byte; true when it belongs to a string, its quotes included.
    fn inside(&mut self, b: u8) -> bool {
        if self.open {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.open = false;
            }
            true
        } else {
            self.open = b == b'"';
            self.open
        }
    }
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

/// The start of `text` on one line, for error messages.
fn excerpt(text: &str) -> String {
    let mut out = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        for c in (!out.is_empty()).then_some(' ').into_iter().chain(word.chars()) {
            if chars == EXCERPT_CHARS {
                out.push('…');
                return out;
            }
            out.push(c);
            chars += 1;
        }
    }
    out
}
