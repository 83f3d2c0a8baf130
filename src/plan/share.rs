//! Share links: a whole plan carried, compressed, in a URL fragment (`#plan=v2.…`).
//!
//! The fragment never reaches a server. What it carries is only the [`Plan`] (tasks and critical
//! path): the plan type has no field for an API key, provider settings or run results, so a share
//! link can never leak them.
//!
//! Format `v2`: `base64url(deflate-raw(compact JSON))`, without padding. The browser compresses and
//! inflates it (`CompressionStream` / `DecompressionStream`, see `app::share`), so the bundle carries
//! no compressor; this module is the pure part: framing, base64url, and reading what a link holds.
//! Links of the older format `v1` still open: [`read_fragment`] decodes them with
//! [`share_v1`](super::share_v1).

use thiserror::Error;

use super::limits::{LimitError, MAX_PLAN_TEXT_BYTES};
use super::share_v1;

/// What a share fragment starts with (after `#`).
const PREFIX: &str = "plan=";
/// The format of new links: raw DEFLATE.
const VERSION: &str = "v2.";
/// The format of links made before `v2`: still opened, never made.
const VERSION_V1: &str = "v1.";

/// Why a share link gave no plan, or could not be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ShareError {
    /// The text carries no plan at all.
    #[error("not a Planwright plan link")]
    NotALink,
    /// The link was truncated or altered; the reason says how it shows.
    #[error("the link is damaged ({0})")]
    Damaged(String),
    /// The plan's text is over [`MAX_PLAN_TEXT_BYTES`] (a `v1` link says so before anything is
    /// decompressed).
    #[error(transparent)]
    TooLarge(#[from] LimitError),
    /// A `v2` link inflates to more than [`MAX_PLAN_TEXT_BYTES`]: inflating stopped there.
    #[error("the link's plan is over 1 MiB once unpacked; Planwright reads at most 1 MiB")]
    InflatesTooLarge,
    /// The browser could not compress or inflate (no `CompressionStream`, or it failed).
    #[error("this browser could not {0}")]
    Codec(String),
    /// The plan inside does not parse: why (the parser's message, from the compute worker).
    #[error("{0}")]
    Plan(String),
}

/// What a share fragment carries, as read from the link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// A `v2` link: the plan's JSON as raw DEFLATE (RFC 1951), to inflate up to
    /// [`MAX_PLAN_TEXT_BYTES`].
    Deflated(Vec<u8>),
    /// A `v1` link, already decoded: the plan's JSON.
    Text(Vec<u8>),
}

/// The fragment (without `#`) of a link whose plan JSON compresses to `deflated` (raw DEFLATE):
/// `plan=v2.` followed by it in base64url.
pub fn fragment_for(deflated: &[u8]) -> String {
    format!("{PREFIX}{VERSION}{}", base64url_encode(deflated))
}

/// What the share-link fragment `fragment` carries, with or without the leading `#` (other
/// `&`-separated parameters are ignored). Errors say whether the text is not a plan link at all,
/// the link is damaged (truncated or altered), or (for a `v1` link) its plan is too large, checked
/// before anything is decompressed.
pub fn read_fragment(fragment: &str) -> Result<Payload, ShareError> {
    let fragment = fragment.trim();
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let payload = fragment.split('&').find_map(|part| part.strip_prefix(PREFIX)).ok_or(ShareError::NotALink)?;
    if let Some(data) = payload.strip_prefix(VERSION) {
        return Ok(Payload::Deflated(base64url_decode(data).map_err(ShareError::Damaged)?));
    }
    if let Some(data) = payload.strip_prefix(VERSION_V1) {
        return Ok(Payload::Text(share_v1::decompress(&base64url_decode(data).map_err(ShareError::Damaged)?)?));
    }
    let version: String = payload.split('.').next().unwrap_or_default().chars().take(12).collect();
    Err(ShareError::Damaged(format!("unknown format '{version}'")))
}

/// A link's unpacked text (at most [`MAX_PLAN_TEXT_BYTES`], UTF-8), to be parsed like an LLM's
/// answer ([`crate::plan::parse::parse_plan`]; the page has its compute worker do it).
pub fn plan_text(text: Vec<u8>) -> Result<String, ShareError> {
    if text.len() > MAX_PLAN_TEXT_BYTES {
        return Err(ShareError::InflatesTooLarge);
    }
    String::from_utf8(text).map_err(|_| ShareError::Damaged("not UTF-8 text".into()))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::parse::parse_plan;
    use crate::plan::Plan;

    /// The plan in a link's unpacked text, as the compute worker reads it for the page.
    fn plan_from_text(text: Vec<u8>) -> Result<Plan, ShareError> {
        parse_plan(&plan_text(text)?).map_err(|e| ShareError::Plan(e.to_string()))
    }

    /// A three-task plan's JSON, as the fixtures below carry it.
    const THREE_TASKS: &str = r#"{"tasks":[{"id":"A","name":"Look up","depends_on":[]},{"id":"B","name":"Write","depends_on":["A"]},{"id":"C","name":"Send","depends_on":["B"]}]}"#;
    /// [`THREE_TASKS`] in a `v1` link, as the `v1` encoder (removed) made it.
    const THREE_TASKS_V1: &str = "plan=v1.kAEAPYkOASZHh1RT5dStfLEgRtsnPS30_XiOEYp49kNOg19iB9Kh05Z1iDJNWhN2BOhiaGcTxCoU_1NV3cLwWc7tEcrq258oLZtq4yos";

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

    /// Raw DEFLATE of `text`, as the browser's `CompressionStream('deflate-raw')` makes it.
    #[cfg(not(target_arch = "wasm32"))]
    fn deflate(text: &str) -> Vec<u8> {
        miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9)
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn v2_links_carry_raw_deflate_and_other_parameters_are_ignored() {
        let deflated = deflate(THREE_TASKS);
        let fragment = fragment_for(&deflated);
        assert!(fragment.starts_with("plan=v2."), "{fragment}");
        let read = read_fragment(&format!("  #view=graph&{fragment}&x=1\n")).unwrap();
        assert_eq!(read, Payload::Deflated(deflated.clone()));
        let inflated = miniz_oxide::inflate::decompress_to_vec(&deflated).unwrap();
        assert_eq!(plan_from_text(inflated).unwrap(), parse_plan(THREE_TASKS).unwrap());
    }

    #[test]
    fn v1_links_made_before_v2_still_open() {
        let Payload::Text(text) = read_fragment(&format!("#{THREE_TASKS_V1}")).unwrap() else {
            panic!("v1 is decoded")
        };
        assert_eq!(text, THREE_TASKS.as_bytes());
        assert_eq!(plan_from_text(text).unwrap().tasks.len(), 3);
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let error = |text: &str| read_fragment(text).unwrap_err().to_string();
        for text in ["", "#", "#view=graph", "https://example.com/", "#plans=v2.AAAA"] {
            assert_eq!(error(text), "not a Planwright plan link");
        }
        assert_eq!(error("#plan=v3.AAAA"), "the link is damaged (unknown format 'v3')");
        assert_eq!(error("#plan="), "the link is damaged (unknown format '')");
        assert_eq!(error("#plan=v2.Zm9vY"), "the link is damaged (truncated data)");
        assert_eq!(error("#plan=v2.Zm9v%20"), "the link is damaged (unexpected character '%')");
        let truncated = &THREE_TASKS_V1[..THREE_TASKS_V1.len() - 8];
        assert_eq!(error(truncated), "the link is damaged (truncated data)");
        assert_eq!(plan_from_text(vec![0xff, 0xfe]).unwrap_err().to_string(), "the link is damaged (not UTF-8 text)");
        let json = r#"{"tasks": [{"id": "T1", "depends_on": ["T9"]}"#;
        assert_eq!(
            plan_from_text(json.into()).unwrap_err(),
            ShareError::Plan(parse_plan(json).unwrap_err().to_string())
        );
        assert_eq!(plan_from_text(vec![b' '; MAX_PLAN_TEXT_BYTES + 1]).unwrap_err(), ShareError::InflatesTooLarge);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_bytes_round_trip_through_base64url(data in prop::collection::vec(any::<u8>(), 0..100)) {
            prop_assert_eq!(base64url_decode(&base64url_encode(&data)).unwrap(), data);
        }

        #[test]
        fn any_fragment_never_panics(text in "\\PC{0,40}", payload in "[A-Za-z0-9_-]{0,200}") {
            let _ = read_fragment(&text);
            let _ = read_fragment(&format!("#plan=v1.{payload}"));
            let _ = read_fragment(&format!("#plan=v2.{payload}"));
        }
    }
}
