//! Incremental Server-Sent Events parsing (the `text/event-stream` format of streamed LLM answers).
//!
//! Follows the WHATWG event-stream rules: lines end with `\r\n`, `\n` or `\r` (also when the pair is
//! split across chunks), `:` starts a comment, `data:` lines accumulate with `\n` between them, a
//! blank line dispatches the event, and an event without `data` is dropped. `id` and `retry` are
//! ignored. Unlike a browser, [`SseParser::finish`] delivers a last event that lacks its closing
//! blank line, and [`SseParser::is_clean`] reports that the stream was cut mid-event.

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// The `event:` name, if the event had a non-empty one.
    pub event: Option<String>,
    /// The `data:` lines, joined with `\n`.
    pub data: String,
}

/// Incremental parser: feed it text chunks as they arrive.
#[derive(Debug, Default)]
pub struct SseParser {
    /// The current, not yet terminated line.
    line: String,
    /// The last chunk ended with `\r`, so a `\n` starting the next one belongs to that line break.
    after_cr: bool,
    /// Some text has been received (a byte-order mark is only stripped at the very start).
    started: bool,
    /// `event:` name of the event being built.
    event: Option<String>,
    /// `data:` of the event being built.
    data: String,
    /// Whether the event being built has had a `data:` line (an empty one counts).
    has_data: bool,
    /// [`SseParser::finish`] found the stream cut mid-line or mid-event.
    truncated: bool,
}

impl SseParser {
    /// A parser at the start of a stream.
    pub fn new() -> Self {
        SseParser::default()
    }

    /// Parses the next chunk of the stream and returns the events it completed.
    pub fn push(&mut self, chunk: &str) -> Vec<SseEvent> {
        let mut events = Vec::new();
        let mut rest = chunk;
        if !rest.is_empty() && !self.started {
            self.started = true;
            rest = rest.strip_prefix('\u{feff}').unwrap_or(rest);
        }
        if self.after_cr && !rest.is_empty() {
            self.after_cr = false;
            rest = rest.strip_prefix('\n').unwrap_or(rest);
        }
        while let Some(pos) = rest.find(['\r', '\n']) {
            self.line.push_str(&rest[..pos]);
            let line = std::mem::take(&mut self.line);
            self.process_line(&line, &mut events);
            let was_cr = rest.as_bytes()[pos] == b'\r';
            rest = &rest[pos + 1..];
            if was_cr {
                if rest.is_empty() {
                    self.after_cr = true;
                } else {
                    rest = rest.strip_prefix('\n').unwrap_or(rest);
                }
            }
        }
        self.line.push_str(rest);
        events
    }

    /// Ends the stream: delivers an event still being built (its closing blank line missing) and
    /// records whether the stream ended cleanly, between events (see [`SseParser::is_clean`]).
    pub fn finish(&mut self) -> Vec<SseEvent> {
        let mut events = Vec::new();
        self.truncated = self.mid_event();
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.process_line(&line, &mut events);
        }
        self.dispatch(&mut events);
        self.after_cr = false;
        events
    }

    /// True while the stream sits between events (nothing partial buffered); after
    /// [`SseParser::finish`], whether the stream ended there rather than mid-line or mid-event.
    pub fn is_clean(&self) -> bool {
        !self.truncated && !self.mid_event()
    }

    /// Whether a partial line or the fields of an undispatched event are buffered.
    fn mid_event(&self) -> bool {
        !self.line.is_empty() || self.has_data || self.event.is_some()
    }

    /// Applies one complete line (without its terminator).
    fn process_line(&mut self, line: &str, events: &mut Vec<SseEvent>) {
        if line.is_empty() {
            self.dispatch(events);
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "event" => self.event = (!value.is_empty()).then(|| value.to_string()),
            _ => {}
        }
    }

    /// Emits the event being built, if it has data, and starts a new one.
    fn dispatch(&mut self, events: &mut Vec<SseEvent>) {
        let event = self.event.take();
        if std::mem::take(&mut self.has_data) {
            events.push(SseEvent { event, data: std::mem::take(&mut self.data) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(event: Option<&str>, data: &str) -> SseEvent {
        SseEvent { event: event.map(str::to_string), data: data.to_string() }
    }

    fn parse_all(chunks: &[&str]) -> (Vec<SseEvent>, bool) {
        let mut parser = SseParser::new();
        let mut events: Vec<SseEvent> = chunks.iter().flat_map(|c| parser.push(c)).collect();
        events.extend(parser.finish());
        (events, parser.is_clean())
    }

    #[test]
    fn parses_events_names_multiline_data_and_comments() {
        let stream = ": keep-alive\n\nevent: message_start\ndata: {\"a\":1}\n\ndata: one\ndata:two\ndata:  three\n\n\
                      event: ping\n\ndata\n\nid: 7\nretry: 10\ndata: x\n\n";
        let (events, clean) = parse_all(&[stream]);
        assert_eq!(
            events,
            vec![ev(Some("message_start"), "{\"a\":1}"), ev(None, "one\ntwo\n three"), ev(None, ""), ev(None, "x")]
        );
        assert!(clean);
    }

    #[test]
    fn any_split_into_chunks_gives_the_same_events() {
        let stream = "\u{feff}event: delta\r\ndata: héllo\r\ndata: wörld\r\n\r\ndata: [DONE]\r\r: bye\n\n";
        let (whole, clean) = parse_all(&[stream]);
        assert_eq!(whole, vec![ev(Some("delta"), "héllo\nwörld"), ev(None, "[DONE]")]);
        assert!(clean);
        let boundaries: Vec<usize> = (0..=stream.len()).filter(|&i| stream.is_char_boundary(i)).collect();
        for &a in &boundaries {
            for &b in boundaries.iter().filter(|&&b| b >= a) {
                let (events, clean) = parse_all(&[&stream[..a], &stream[a..b], "", &stream[b..]]);
                assert_eq!(events, whole, "split at {a} and {b}");
                assert!(clean);
            }
        }
    }

    #[test]
    fn lone_cr_and_lf_end_lines() {
        let (events, _) = parse_all(&["data: a\rdata: b\n\rdata: c\r\n\n"]);
        assert_eq!(events, vec![ev(None, "a\nb"), ev(None, "c")]);
    }

    #[test]
    fn finish_flushes_a_trailing_event_and_reports_truncation() {
        let mut parser = SseParser::new();
        assert!(parser.push("data: {\"x\":").is_empty());
        assert!(!parser.is_clean());
        assert_eq!(parser.finish(), vec![ev(None, "{\"x\":")]);
        assert!(!parser.is_clean());

        let (events, clean) = parse_all(&["event: done\ndata: ok\n"]);
        assert_eq!(events, vec![ev(Some("done"), "ok")]);
        assert!(!clean, "the closing blank line is missing");

        let (events, clean) = parse_all(&["data: ok\n\n: trailing comment\n"]);
        assert_eq!(events, vec![ev(None, "ok")]);
        assert!(clean);

        let (events, clean) = parse_all(&["event: lonely\n"]);
        assert!(events.is_empty(), "an event without data is dropped");
        assert!(!clean);

        let (events, clean) = parse_all(&[]);
        assert!(events.is_empty() && clean);
    }

    #[test]
    fn byte_order_mark_is_stripped_only_at_the_start() {
        let (events, _) = parse_all(&["", "\u{feff}data: a\n\n\u{feff}data: b\n\n"]);
        assert_eq!(events, vec![ev(None, "a")], "a BOM later on starts an unknown field");
    }
}
