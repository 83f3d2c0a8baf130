//! Turns a byte stream that arrives in arbitrary chunks into UTF-8 text as soon as it is complete.

/// A streaming UTF-8 decoder: [`Utf8Decoder::push`] returns the text its bytes complete at once,
/// invalid bytes become U+FFFD at once (one per maximal invalid sequence, as
/// [`String::from_utf8_lossy`] and the browser's `TextDecoder` do), and only a character split
/// across chunks waits for its remaining bytes.
#[derive(Debug, Default)]
pub struct Utf8Decoder {
    /// The start of a character whose remaining bytes have not arrived yet (at most 3 bytes).
    pending: Vec<u8>,
}

impl Utf8Decoder {
    /// A decoder with nothing pending.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the next `bytes` and returns the text now complete (empty if none is).
    pub fn push(&mut self, bytes: &[u8]) -> String {
        self.pending.extend_from_slice(bytes);
        let mut text = String::with_capacity(self.pending.len());
        let mut rest: &[u8] = &self.pending;
        loop {
            match std::str::from_utf8(rest) {
                Ok(valid) => {
                    text.push_str(valid);
                    rest = &[];
                    break;
                }
                Err(error) => {
                    let (valid, after) = rest.split_at(error.valid_up_to());
                    // The prefix is valid UTF-8 by `valid_up_to`'s contract.
                    text.push_str(std::str::from_utf8(valid).unwrap_or_default());
                    match error.error_len() {
                        Some(invalid) => {
                            text.push(char::REPLACEMENT_CHARACTER);
                            rest = &after[invalid..];
                        }
                        // A character cut off by the end of the input: wait for the next chunk.
                        None => {
                            rest = after;
                            break;
                        }
                    }
                }
            }
        }
        let waiting = rest.len();
        self.pending.drain(..self.pending.len() - waiting);
        text
    }

    /// Ends the stream: a character still incomplete becomes one U+FFFD.
    pub fn finish(self) -> String {
        String::from_utf8_lossy(&self.pending).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `chunks` in order, returning what each push gave and what `finish` gave.
    fn decode(chunks: &[&[u8]]) -> (Vec<String>, String) {
        let mut decoder = Utf8Decoder::new();
        let pushed = chunks.iter().map(|chunk| decoder.push(chunk)).collect();
        (pushed, decoder.finish())
    }

    #[test]
    fn an_invalid_byte_mid_stream_is_replaced_at_once_and_the_text_after_it_flows() {
        let (pushed, rest) = decode(&[b"data: a\xFFb", b"c"]);
        assert_eq!(pushed, ["data: a\u{FFFD}b", "c"]);
        assert_eq!(rest, "");
    }

    #[test]
    fn an_invalid_byte_at_the_end_of_a_chunk_does_not_hold_back_the_next_chunks() {
        let (pushed, rest) = decode(&[b"a\xFF", b"b", b"\xC3\x28x"]);
        assert_eq!(pushed, ["a\u{FFFD}", "b", "\u{FFFD}(x"]);
        assert_eq!(rest, "");
    }

    #[test]
    fn a_character_split_across_chunks_waits_for_its_last_byte() {
        // "€" is E2 82 AC; "😀" is F0 9F 98 80.
        let (pushed, rest) = decode(&[b"price \xE2", b"\x82", b"\xAC 5 \xF0\x9F", b"\x98\x80!"]);
        assert_eq!(pushed, ["price ", "", "€ 5 ", "😀!"]);
        assert_eq!(rest, "");
    }

    #[test]
    fn a_character_cut_off_by_the_end_of_the_stream_becomes_one_replacement_character() {
        let (pushed, rest) = decode(&[b"ok \xF0\x9F\x98"]);
        assert_eq!(pushed, ["ok "]);
        assert_eq!(rest, "\u{FFFD}");
    }

    #[test]
    fn a_truncated_sequence_followed_by_more_text_is_replaced_once_and_the_text_kept() {
        // E2 82 starts a 3-byte character, but "x" is not a continuation byte.
        let (pushed, rest) = decode(&[b"\xE2\x82", b"x"]);
        assert_eq!(pushed, ["", "\u{FFFD}x"]);
        assert_eq!(rest, "");
    }

    #[test]
    fn any_chunking_gives_the_same_text_as_decoding_the_whole_body_at_once() {
        let body: &[u8] = b"a\xE2\x82\xACb\xFF\xFEc\xF0\x9F\x98\x80d\xED\xA0\x80e\xC0\xAFf\xF4\x90\x80\x80g\xE2\x82";
        let whole = String::from_utf8_lossy(body);
        for size in 1..=body.len() {
            let chunks: Vec<&[u8]> = body.chunks(size).collect();
            let (pushed, rest) = decode(&chunks);
            assert_eq!(pushed.concat() + &rest, whole, "chunks of {size} bytes");
        }
    }

    #[test]
    fn nothing_pushed_gives_nothing() {
        assert_eq!(decode(&[]), (vec![], String::new()));
        assert_eq!(decode(&[b""]), (vec![String::new()], String::new()));
    }
}
