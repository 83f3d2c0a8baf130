//! Share links: a whole plan carried, compressed, in a URL fragment (`#plan=v1.…`).
//!
//! The fragment never reaches a server. What it carries is only the [`Plan`] (tasks and critical
//! path): the plan type has no field for an API key, provider settings or run results, so a share
//! link can never leak them.
//!
//! Format `v1`: `base64url(compress(compact JSON))`, without padding. The compressor is a small
//! LZ77 (hash chains over a 32 KiB window, one-step lazy matching) whose literals and matches are
//! coded with an adaptive binary range coder, as LZMA does; it is written here so the Wasm bundle
//! carries no compression crate. Decoding validates everything and never panics on bad input.

use thiserror::Error;

use super::limits::{check_text_len, LimitError};
use super::model::Plan;
use super::parse::{parse_plan, ParseError};

/// What a share fragment starts with (after `#`).
const PREFIX: &str = "plan=";
/// The format version that follows [`PREFIX`].
const VERSION: &str = "v1.";

/// Why a share link gave no plan.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ShareError {
    /// The text carries no plan at all.
    #[error("not a Planwright plan link")]
    NotALink,
    /// The link was truncated or altered; the reason says how it shows.
    #[error("the link is damaged ({0})")]
    Damaged(String),
    /// The plan would decompress to more than
    /// [`MAX_PLAN_TEXT_BYTES`](super::limits::MAX_PLAN_TEXT_BYTES); nothing was decompressed.
    #[error(transparent)]
    TooLarge(#[from] LimitError),
    /// The plan inside does not parse.
    #[error(transparent)]
    Plan(#[from] ParseError),
}

/// The fragment (without `#`) of a link that carries `plan`: `plan=v1.` followed by the compressed
/// compact JSON in base64url. Only the plan travels: [`Plan`] has no field for an API key.
pub fn encode_plan(plan: &Plan) -> String {
    encode_text(&serde_json::to_string(plan).expect("a plan always serialises"))
}

/// The fragment (without `#`) of a link that carries `text` as the plan's JSON, whatever it holds:
/// [`decode_fragment`] parses it like an LLM's answer.
pub fn encode_text(text: &str) -> String {
    format!("{PREFIX}{VERSION}{}", base64url_encode(&compress(text.as_bytes())))
}

/// The plan in a share-link fragment made by [`encode_plan`], with or without the leading `#`
/// (other `&`-separated parameters are ignored). Errors say whether the text is not a plan link at
/// all, the link is damaged (truncated or altered), its plan is too large (checked before anything
/// is decompressed), or the plan inside does not parse.
pub fn decode_fragment(fragment: &str) -> Result<Plan, ShareError> {
    let fragment = fragment.trim();
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let payload = fragment.split('&').find_map(|part| part.strip_prefix(PREFIX)).ok_or(ShareError::NotALink)?;
    let Some(data) = payload.strip_prefix(VERSION) else {
        let version: String = payload.split('.').next().unwrap_or_default().chars().take(12).collect();
        return Err(ShareError::Damaged(format!("unknown format '{version}'")));
    };
    let bytes = decompress(&base64url_decode(data).map_err(ShareError::Damaged)?)?;
    let json = String::from_utf8(bytes).map_err(|_| ShareError::Damaged("not UTF-8 text".into()))?;
    Ok(parse_plan(&json)?)
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// RFC 4648 base64url without padding.
fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = chunk.iter().enumerate().fold(0u32, |acc, (i, &b)| acc | (b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(BASE64URL[(group >> (18 - 6 * i)) as usize & 63] as char);
        }
    }
    out
}

/// Inverse of [`base64url_encode`]; strict: no padding, no other characters, unused bits zero.
fn base64url_decode(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for (c, chunk) in text.as_bytes().chunks(4).enumerate() {
        let mut group = 0u32;
        for (i, &byte) in chunk.iter().enumerate() {
            let Some(value) = BASE64URL.iter().position(|&a| a == byte) else {
                // The first byte outside the alphabet starts a character (non-ASCII lead bytes fail first).
                let bad = text[4 * c + i..].chars().next().unwrap_or_default();
                return Err(format!("unexpected character {bad:?}"));
            };
            group |= (value as u32) << (18 - 6 * i);
        }
        let bytes = group.to_be_bytes();
        let Some((used, unused)) = chunk.len().checked_sub(1).filter(|&n| n > 0).map(|n| bytes[1..].split_at(n)) else {
            return Err("truncated data".into());
        };
        if unused.iter().any(|&b| b != 0) {
            return Err("truncated data".into());
        }
        out.extend_from_slice(used);
    }
    Ok(out)
}

/// Shortest match the compressor emits.
const MIN_MATCH: usize = 3;
/// Longest match the compressor emits.
const MAX_MATCH: usize = 258;
/// Back-references reach at most this far (exclusive).
const WINDOW: usize = 1 << 15;
/// Hash-chain candidates examined per position.
const MAX_CHAIN: usize = 128;
/// Minimum-length matches farther than this cost more than three literals and are not used.
const FAR_MIN_MATCH: usize = 1 << 11;
/// Top bits of the previous byte that select the literal coder's context (1 tested best on plans).
const LITERAL_CONTEXT_BITS: u32 = 1;

/// Compressed form of `data`: its length as a LEB128 varint, then the range-coded token stream.
fn compress(data: &[u8]) -> Vec<u8> {
    let mut header = Vec::new();
    let mut n = data.len();
    while n >= 0x80 {
        header.push(n as u8 | 0x80);
        n >>= 7;
    }
    header.push(n as u8);
    let mut coder = Encoder::new(header);
    let mut model = Model::new();
    let mut finder = MatchFinder::new(data);
    let mut pos = 0;
    let mut found = finder.find(pos);
    while pos < data.len() {
        finder.insert(pos);
        if let Some((len, dist)) = found {
            let next = finder.find(pos + 1);
            if next.is_none_or(|(next_len, _)| next_len <= len) {
                model.encode_match(&mut coder, len, dist);
                (pos + 1..pos + len).for_each(|p| finder.insert(p));
                pos += len;
                found = finder.find(pos);
                continue;
            }
            found = next;
        } else {
            found = finder.find(pos + 1);
        }
        model.encode_literal(&mut coder, data[pos], pos.checked_sub(1).map_or(0, |p| data[p]));
        pos += 1;
    }
    coder.finish()
}

/// Inverse of [`compress`]. Rejects truncated or altered input, and input that would decompress to
/// more than [`MAX_PLAN_TEXT_BYTES`](super::limits::MAX_PLAN_TEXT_BYTES) (from its header, before
/// decompressing anything).
fn decompress(input: &[u8]) -> Result<Vec<u8>, ShareError> {
    let damaged = |reason: &str| ShareError::Damaged(reason.to_string());
    let mut n = 0u64;
    let mut read = 0;
    loop {
        let &byte = input.get(read).ok_or_else(|| damaged("truncated data"))?;
        n |= u64::from(byte & 0x7f) << (7 * read);
        read += 1;
        if byte < 0x80 {
            break;
        }
        if read == 9 {
            return Err(damaged("invalid data")); // beyond 63 bits
        }
    }
    check_text_len(n)?;
    decode(&input[read..], n as usize).map_err(damaged)
}

/// The `n` bytes the range-coded token stream `input` holds.
fn decode(input: &[u8], n: usize) -> Result<Vec<u8>, &'static str> {
    let mut coder = Decoder::new(input)?;
    let mut model = Model::new();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        if model.decode_is_match(&mut coder)? {
            let (len, dist) = model.decode_match(&mut coder)?;
            if dist > out.len() || len > n - out.len() {
                return Err("invalid back-reference");
            }
            for _ in 0..len {
                out.push(out[out.len() - dist]);
            }
        } else {
            out.push(model.decode_literal(&mut coder, out.last().copied().unwrap_or(0))?);
        }
    }
    coder.finish()?;
    Ok(out)
}

/// Finds earlier occurrences of the bytes at a position through hash chains of 3-byte prefixes.
struct MatchFinder<'a> {
    data: &'a [u8],
    /// Latest position per hash, plus one (0: none).
    head: Vec<u32>,
    /// Previous position with the same hash, plus one, indexed by position modulo [`WINDOW`].
    prev: Vec<u32>,
}

impl<'a> MatchFinder<'a> {
    const HASH_BITS: u32 = 15;

    fn new(data: &'a [u8]) -> Self {
        MatchFinder { data, head: vec![0; 1 << Self::HASH_BITS], prev: vec![0; WINDOW] }
    }

    fn hash(&self, pos: usize) -> usize {
        let d = self.data;
        let key = (d[pos] as u32) << 16 | (d[pos + 1] as u32) << 8 | d[pos + 2] as u32;
        (key.wrapping_mul(0x9E37_79B1) >> (32 - Self::HASH_BITS)) as usize
    }

    /// Adds `pos` to its chain (positions must be inserted in increasing order).
    fn insert(&mut self, pos: usize) {
        if pos + MIN_MATCH <= self.data.len() {
            let h = self.hash(pos);
            self.prev[pos % WINDOW] = self.head[h];
            self.head[h] = pos as u32 + 1;
        }
    }

    /// The longest worthwhile match `(length, distance)` for `pos` among inserted positions.
    fn find(&self, pos: usize) -> Option<(usize, usize)> {
        if pos + MIN_MATCH > self.data.len() {
            return None;
        }
        let limit = (self.data.len() - pos).min(MAX_MATCH);
        let mut best: Option<(usize, usize)> = None;
        let mut candidate = self.head[self.hash(pos)] as usize;
        for _ in 0..MAX_CHAIN {
            let Some(start) = candidate.checked_sub(1).filter(|&s| s < pos && pos - s < WINDOW) else { break };
            let len = self.data[start..].iter().zip(&self.data[pos..pos + limit]).take_while(|(a, b)| a == b).count();
            let dist = pos - start;
            if len > best.map_or(MIN_MATCH - 1, |(l, _)| l) && (len > MIN_MATCH || dist <= FAR_MIN_MATCH) {
                best = Some((len, dist));
                if len == limit {
                    break;
                }
            }
            let next = self.prev[start % WINDOW] as usize;
            if next >= candidate {
                break;
            }
            candidate = next;
        }
        best
    }
}

/// Adaptive probabilities of every decision the token stream makes.
struct Model {
    /// Whether the next token is a match, by whether the previous one was.
    is_match: [u16; 2],
    /// Whether the previous token was a match.
    after_match: bool,
    /// Bit trees for literal bytes, by the top bits of the previous byte.
    literals: Vec<[u16; 0x100]>,
    /// Match lengths minus [`MIN_MATCH`].
    lengths: Gamma<9>,
    /// Match distances minus one.
    distances: Gamma<15>,
}

impl Model {
    fn new() -> Self {
        Model {
            is_match: [HALF; 2],
            after_match: false,
            literals: vec![[HALF; 0x100]; 1 << LITERAL_CONTEXT_BITS],
            lengths: Gamma::new(),
            distances: Gamma::new(),
        }
    }

    /// The bit tree that codes a literal following `previous`.
    fn literal_tree(&mut self, previous: u8) -> &mut [u16; 0x100] {
        &mut self.literals[(previous >> (8 - LITERAL_CONTEXT_BITS)) as usize]
    }

    fn encode_literal(&mut self, coder: &mut Encoder, byte: u8, previous: u8) {
        coder.bit(&mut self.is_match[self.after_match as usize], false);
        let tree = self.literal_tree(previous);
        let mut node = 1usize;
        for i in (0..8).rev() {
            let bit = byte >> i & 1 == 1;
            coder.bit(&mut tree[node], bit);
            node = node << 1 | bit as usize;
        }
        self.after_match = false;
    }

    fn encode_match(&mut self, coder: &mut Encoder, len: usize, dist: usize) {
        coder.bit(&mut self.is_match[self.after_match as usize], true);
        self.lengths.encode(coder, (len - MIN_MATCH) as u32);
        self.distances.encode(coder, (dist - 1) as u32);
        self.after_match = true;
    }

    /// Whether the next token is a match (else a literal).
    fn decode_is_match(&mut self, coder: &mut Decoder) -> Result<bool, &'static str> {
        coder.bit(&mut self.is_match[self.after_match as usize])
    }

    fn decode_literal(&mut self, coder: &mut Decoder, previous: u8) -> Result<u8, &'static str> {
        let tree = self.literal_tree(previous);
        let mut node = 1usize;
        while node < 0x100 {
            node = node << 1 | coder.bit(&mut tree[node])? as usize;
        }
        self.after_match = false;
        Ok(node as u8)
    }

    /// A match's `(length, distance)`.
    fn decode_match(&mut self, coder: &mut Decoder) -> Result<(usize, usize), &'static str> {
        let len = self.lengths.decode(coder)? as usize + MIN_MATCH;
        let dist = self.distances.decode(coder)? as usize + 1;
        self.after_match = true;
        Ok((len, dist))
    }
}

/// Adaptive Elias-gamma code for values below `2^BITS - 1`: the bit length of `value + 1` in
/// unary, then its bits below the leading one, each with its own probability.
struct Gamma<const BITS: usize> {
    unary: [u16; BITS],
    mantissa: [[u16; BITS]; BITS],
}

impl<const BITS: usize> Gamma<BITS> {
    fn new() -> Self {
        Gamma { unary: [HALF; BITS], mantissa: [[HALF; BITS]; BITS] }
    }

    fn encode(&mut self, coder: &mut Encoder, value: u32) {
        let x = value + 1;
        let k = (31 - x.leading_zeros()) as usize;
        for i in 0..k {
            coder.bit(&mut self.unary[i], true);
        }
        if k + 1 < BITS {
            coder.bit(&mut self.unary[k], false);
        }
        for i in (0..k).rev() {
            coder.bit(&mut self.mantissa[k][i], x >> i & 1 == 1);
        }
    }

    fn decode(&mut self, coder: &mut Decoder) -> Result<u32, &'static str> {
        let mut k = 0;
        while k + 1 < BITS && coder.bit(&mut self.unary[k])? {
            k += 1;
        }
        let mut x = 1u32;
        for i in (0..k).rev() {
            x = x << 1 | coder.bit(&mut self.mantissa[k][i])? as u32;
        }
        Ok(x - 1)
    }
}

/// Probabilities are of a 0 bit, in units of `2^-PROB_BITS`.
const PROB_BITS: u32 = 11;
/// Even odds.
const HALF: u16 = 1 << (PROB_BITS - 1);
/// Adaptation speed: each bit moves its probability by `1/2^MOVE_BITS` of the way.
const MOVE_BITS: u32 = 4;
/// The range is renormalised when it falls below this.
const TOP: u32 = 1 << 24;

/// LZMA-style binary range encoder.
struct Encoder {
    low: u64,
    range: u32,
    cache: u8,
    cache_size: usize,
    out: Vec<u8>,
}

impl Encoder {
    /// An encoder appending to `out`.
    fn new(out: Vec<u8>) -> Self {
        Encoder { low: 0, range: u32::MAX, cache: 0, cache_size: 1, out }
    }

    fn bit(&mut self, prob: &mut u16, bit: bool) {
        let bound = (self.range >> PROB_BITS) * *prob as u32;
        if bit {
            self.low += bound as u64;
            self.range -= bound;
            *prob -= *prob >> MOVE_BITS;
        } else {
            self.range = bound;
            *prob += ((1 << PROB_BITS) - *prob) >> MOVE_BITS;
        }
        while self.range < TOP {
            self.range <<= 8;
            self.shift_low();
        }
    }

    fn shift_low(&mut self) {
        if (self.low as u32) < 0xFF00_0000 || self.low >> 32 != 0 {
            let carry = (self.low >> 32) as u8;
            let mut byte = self.cache;
            for _ in 0..self.cache_size {
                self.out.push(byte.wrapping_add(carry));
                byte = 0xFF;
            }
            self.cache_size = 0;
            self.cache = (self.low >> 24) as u8;
        }
        self.cache_size += 1;
        self.low = (self.low & 0x00FF_FFFF) << 8;
    }

    fn finish(mut self) -> Vec<u8> {
        for _ in 0..5 {
            self.shift_low();
        }
        self.out
    }
}

/// Decoder matching [`Encoder`]; fails instead of reading past the end.
struct Decoder<'a> {
    input: &'a [u8],
    range: u32,
    code: u32,
}

impl<'a> Decoder<'a> {
    fn new(input: &'a [u8]) -> Result<Self, &'static str> {
        let mut decoder = Decoder { input, range: u32::MAX, code: 0 };
        if decoder.next()? != 0 {
            return Err("invalid data");
        }
        for _ in 0..4 {
            decoder.code = decoder.code << 8 | decoder.next()? as u32;
        }
        if decoder.code == u32::MAX {
            return Err("invalid data");
        }
        Ok(decoder)
    }

    fn next(&mut self) -> Result<u8, &'static str> {
        let (&byte, rest) = self.input.split_first().ok_or("truncated data")?;
        self.input = rest;
        Ok(byte)
    }

    fn bit(&mut self, prob: &mut u16) -> Result<bool, &'static str> {
        let bound = (self.range >> PROB_BITS) * *prob as u32;
        let bit = self.code >= bound;
        if bit {
            self.code -= bound;
            self.range -= bound;
            *prob -= *prob >> MOVE_BITS;
        } else {
            self.range = bound;
            *prob += ((1 << PROB_BITS) - *prob) >> MOVE_BITS;
        }
        while self.range < TOP {
            self.range <<= 8;
            self.code = self.code << 8 | self.next()? as u32;
        }
        Ok(bit)
    }

    /// Checks that the whole input was used.
    fn finish(self) -> Result<(), &'static str> {
        if self.input.is_empty() {
            Ok(())
        } else {
            Err("unexpected data after the plan")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::demo::{demo_plan, demo_subtasks};
    use crate::llm::template::Template;
    use crate::plan::limits::MAX_PLAN_TEXT_BYTES;
    use crate::plan::Task;

    fn ratio(plan: &Plan) -> f64 {
        let json = serde_json::to_string(plan).unwrap();
        json.len() as f64 / compress(json.as_bytes()).len() as f64
    }

    /// 30 tasks whose descriptions repeat the same phrasing, as generated plans tend to.
    fn repetitive_plan() -> Plan {
        let tasks = (1..=30)
            .map(|i| {
                let deps: Vec<String> = (i.max(3) - 2..i).map(|d| format!("T{d}")).collect();
                let deps: Vec<&str> = deps.iter().map(String::as_str).collect();
                Task {
                    description: format!(
                        "Collect the sources for section {i} of the report, summarise the key findings and \
                         note any conflicting evidence so that the next step can build on them."
                    ),
                    kind: Some(["research", "analysis", "writing"][i % 3].to_string()),
                    ..Task::new(&format!("T{i}"), &format!("Research section {i}"), &deps)
                }
            })
            .collect();
        Plan { tasks, critical_path: (1..=30).map(|i| format!("T{i}")).collect() }
    }

    #[test]
    fn base64url_matches_known_vectors() {
        let vectors: [(&[u8], &str); 9] = [
            (b"", ""),
            (b"f", "Zg"),
            (b"fo", "Zm8"),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg"),
            (b"fooba", "Zm9vYmE"),
            (b"foobar", "Zm9vYmFy"),
            (&[0xfb, 0xff], "-_8"),
            (&[0x00, 0x10, 0x83, 0x10, 0x51, 0x87, 0x20, 0x92, 0x8b, 0x30, 0xd3, 0x8f], "ABCDEFGHIJKLMNOP"),
        ];
        for (bytes, text) in vectors {
            assert_eq!(base64url_encode(bytes), text);
            assert_eq!(base64url_decode(text).unwrap(), bytes);
        }
    }

    #[test]
    fn base64url_rejects_what_it_never_produces() {
        assert_eq!(base64url_decode("Zm9v+g").unwrap_err(), "unexpected character '+'");
        assert_eq!(base64url_decode("Zm9vYg==").unwrap_err(), "unexpected character '='");
        assert_eq!(base64url_decode("Zm9é").unwrap_err(), "unexpected character 'é'");
        assert_eq!(base64url_decode("Zm9vY").unwrap_err(), "truncated data");
        assert_eq!(base64url_decode("Zh").unwrap_err(), "truncated data"); // unused bits set
    }

    #[test]
    fn demo_plans_survive_a_link_and_compress_well() {
        for template in Template::ALL {
            for seed in 0..8 {
                let plan = demo_plan("Compare heat pumps and gas boilers for an old house", template, seed);
                let fragment = encode_plan(&plan);
                assert!(fragment.starts_with("plan=v1."));
                assert_eq!(decode_fragment(&format!("#{fragment}")).unwrap(), plan);
                assert!(ratio(&plan) >= 2.5, "{template:?} seed {seed}: ratio {:.2}", ratio(&plan));
            }
            let plan = demo_plan("Ship the Q3 data warehouse migration", template, 7);
            let json = serde_json::to_string(&plan).unwrap();
            println!(
                "{template:?}: {} bytes of JSON -> {} compressed ({:.2}x), fragment {} chars",
                json.len(),
                compress(json.as_bytes()).len(),
                ratio(&plan),
                encode_plan(&plan).len()
            );
        }
    }

    #[test]
    fn a_large_repetitive_plan_compresses_well() {
        let plan = repetitive_plan();
        let json = serde_json::to_string(&plan).unwrap();
        println!(
            "30 tasks: {} bytes of JSON -> {:.2}x, fragment {} chars",
            json.len(),
            ratio(&plan),
            encode_plan(&plan).len()
        );
        assert!(ratio(&plan) >= 2.5);
        assert_eq!(decode_fragment(&encode_plan(&plan)).unwrap(), plan);
    }

    #[test]
    fn subtasks_parents_and_other_parameters_round_trip() {
        let mut plan = demo_plan("Review the login change", Template::CodeReview, 3);
        let expanded = demo_subtasks(&plan.tasks[1]);
        let parent = plan.tasks[1].id.clone();
        plan.tasks.extend(expanded.tasks.into_iter().map(|t| Task { parent: Some(parent.clone()), ..t }));
        let fragment = format!("  #view=graph&{}&x=1\n", encode_plan(&plan));
        assert_eq!(decode_fragment(&fragment).unwrap(), plan);
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let error = |text: &str| decode_fragment(text).unwrap_err().to_string();
        for text in ["", "#", "#view=graph", "https://example.com/", "#plans=v1.AAAA"] {
            assert_eq!(error(text), "not a Planwright plan link");
        }
        assert_eq!(error("#plan=v2.AAAA"), "the link is damaged (unknown format 'v2')");
        assert_eq!(error("#plan="), "the link is damaged (unknown format '')");
        let fragment = encode_plan(&repetitive_plan());
        let truncated = &fragment[..fragment.len() - 8];
        assert_eq!(error(truncated), "the link is damaged (truncated data)");
        assert_eq!(error(&format!("{fragment}%20")), "the link is damaged (unexpected character '%')");
        let json_error = |json: &str| {
            let fragment = format!("plan=v1.{}", base64url_encode(&compress(json.as_bytes())));
            (error(&fragment), parse_plan(json).unwrap_err().to_string())
        };
        let (got, expected) = json_error(r#"{"tasks": [{"id": "T1", "depends_on": ["T9"]}"#);
        assert_eq!(got, expected);
        let (got, expected) = json_error("no plan here");
        assert_eq!(got, expected);
        let fragment = format!("plan=v1.{}", base64url_encode(&compress(&[0xff, 0xfe])));
        assert_eq!(error(&fragment), "the link is damaged (not UTF-8 text)");
    }

    #[test]
    fn links_to_plans_over_the_limit_are_refused_before_decompressing() {
        // The size header of a link (LEB128), with no data after it.
        let header = |mut n: usize| {
            let mut header = Vec::new();
            while n >= 0x80 {
                header.push(n as u8 | 0x80);
                n >>= 7;
            }
            header.push(n as u8);
            header
        };
        assert_eq!(decompress(&header(MAX_PLAN_TEXT_BYTES)), damaged("truncated data"));
        let fragment = format!("plan=v1.{}", base64url_encode(&header(MAX_PLAN_TEXT_BYTES + 1)));
        assert_eq!(
            decode_fragment(&fragment).unwrap_err().to_string(),
            "This plan text is 1,048,577 bytes; Planwright reads at most 1,048,576 bytes (1 MiB)."
        );
        // The 149-character link of the security review: 400 KB of unclosed code fences, refused
        // by the parser with the error of its first fence (and quickly).
        let fences = "```\n{\n```\n".repeat(40_000);
        let fragment = format!("plan=v1.{}", base64url_encode(&compress(fences.as_bytes())));
        assert!(fragment.len() < 200, "{}", fragment.len());
        assert_eq!(
            decode_fragment(&fragment).unwrap_err().to_string(),
            "invalid JSON at line 3, column 1: key must be a string"
        );
    }

    #[test]
    fn altered_links_are_rejected() {
        let fragment = encode_plan(&demo_plan("Plan a garden", Template::ResearchReport, 1));
        let payload = fragment.strip_prefix("plan=v1.").unwrap();
        let mut rejected = 0;
        for i in 0..payload.len() {
            let mut altered = payload.as_bytes().to_vec();
            altered[i] = if altered[i] == b'A' { b'B' } else { b'A' };
            let altered = format!("plan=v1.{}", String::from_utf8(altered).unwrap());
            rejected += decode_fragment(&altered).is_err() as usize;
        }
        // Without a checksum some alterations decode to another valid plan; most do not.
        assert!(rejected * 2 > payload.len(), "{rejected} of {}", payload.len());
    }

    fn damaged(reason: &str) -> Result<Vec<u8>, ShareError> {
        Err(ShareError::Damaged(reason.into()))
    }

    #[test]
    fn decompression_checks_its_input() {
        assert_eq!(decompress(&[]), damaged("truncated data"));
        assert_eq!(decompress(&[0x80, 0x80, 0x80, 0x80, 0x80]), damaged("truncated data"));
        assert_eq!(decompress(&[0xff; 20]), damaged("invalid data"));
        assert_eq!(decompress(&[0xff, 0xff, 0xff, 0x7f]), Err(LimitError::TextTooLong { bytes: (1 << 28) - 1 }.into()));
        assert_eq!(decompress(&[3, 1, 0, 0, 0, 0]), damaged("invalid data"));
        let mut data = compress(b"hello hello hello");
        assert_eq!(decompress(&data[..data.len() - 1]), damaged("truncated data"));
        data.push(0);
        assert_eq!(decompress(&data), damaged("unexpected data after the plan"));
    }

    #[test]
    fn compression_handles_edge_cases() {
        let long_runs = [vec![b'a'; 100_000], b"ab".repeat(40_000)].concat();
        let mut text = Vec::new();
        let mut state = 1u64;
        while text.len() < 3 * WINDOW {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            text.extend_from_slice([&b"alpha "[..], b"beta ", b"gamma ", b"delta\n"][(state >> 62) as usize]);
        }
        for data in [&b""[..], b"a", b"ab", b"abc", b"abcabc", &long_runs, &text] {
            let packed = compress(data);
            assert_eq!(decompress(&packed).unwrap(), data);
        }
        assert!(compress(&long_runs).len() < 200);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::plan::limits::MAX_PLAN_TEXT_BYTES;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_string_round_trips(text in any::<String>()) {
            prop_assert_eq!(decompress(&compress(text.as_bytes())).unwrap(), text.as_bytes());
        }

        #[test]
        fn repetitive_bytes_round_trip(data in prop::collection::vec(prop::sample::select(b"ab{}\":, T1".to_vec()), 0..5000)) {
            prop_assert_eq!(decompress(&compress(&data)).unwrap(), data);
        }

        #[test]
        fn any_bytes_round_trip_through_base64url(data in prop::collection::vec(any::<u8>(), 0..100)) {
            prop_assert_eq!(base64url_decode(&base64url_encode(&data)).unwrap(), data);
        }

        #[test]
        fn random_input_never_panics(data in prop::collection::vec(any::<u8>(), 0..300), len in 0usize..5000) {
            let _ = decompress(&data);
            // A plausible header and start byte get the decoder past its first checks.
            let mut framed = compress(&vec![b'x'; len])[..2].to_vec();
            framed.push(0);
            framed.extend(&data);
            let _ = decompress(&framed);
        }

        #[test]
        fn altered_streams_never_panic(text in "[a-z {}\":,]{0,400}", at in any::<prop::sample::Index>(), byte in any::<u8>()) {
            let mut packed = compress(text.as_bytes());
            let i = at.index(packed.len());
            packed[i] = byte;
            if let Ok(out) = decompress(&packed) {
                prop_assert!(out.len() <= MAX_PLAN_TEXT_BYTES);
            }
        }

        #[test]
        fn any_fragment_never_panics(text in "\\PC{0,40}", payload in "[A-Za-z0-9_-]{0,200}") {
            let _ = decode_fragment(&text);
            let _ = decode_fragment(&format!("#plan=v1.{payload}"));
        }
    }
}
