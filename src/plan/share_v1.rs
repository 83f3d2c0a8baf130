//! The decoder of `v1` share links (`#plan=v1.…`), made before links used the browser's
//! `deflate-raw`: links shared then still open. Nothing makes `v1` links any more.
//!
//! A `v1` payload is the text's length as a LEB128 varint, then a small LZ77 token stream (matches of
//! 3 to 258 bytes reaching back at most 32 KiB) coded with an adaptive binary range coder, as LZMA
//! does. Decoding validates everything and never panics on bad input.

use super::limits::check_text_len;
use super::share::ShareError;

/// Shortest match a `v1` stream holds.
const MIN_MATCH: usize = 3;
/// Top bits of the previous byte that select the literal coder's context.
const LITERAL_CONTEXT_BITS: u32 = 1;

/// The bytes a `v1` link carries (after base64url). Rejects truncated or altered input, and input that would decompress to
/// more than [`MAX_PLAN_TEXT_BYTES`](super::limits::MAX_PLAN_TEXT_BYTES) (from its header, before
/// decompressing anything).
pub fn decompress(input: &[u8]) -> Result<Vec<u8>, ShareError> {
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

/// LZMA-style binary range decoder; fails instead of reading past the end.
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
    use crate::llm::demo::demo_plan;
    use crate::llm::template::Template;
    use crate::plan::limits::{LimitError, MAX_PLAN_TEXT_BYTES};
    use crate::plan::parse::parse_plan;
    use crate::plan::share::{read_fragment, Payload};

    /// `demo_plan("Plan a garden", ResearchReport, 1)` in a link made by the `v1` encoder (removed).
    const DEMO_V1: &str = "plan=v1.qw4APYkOASZHh1RT5dStfLEgRtvyqLSs8NpdJYMlKrD6iA6SCSzT74Gy4q11KpSGMPoDdpdxNjTPqifYmVJYrDC-k37Gq55Q63a7UzGSBGGr7smT1lJauBaXxymNHcEaUAPlgZ-Ls77A35f89sEv4VoHslzL-88KSu4coXYIU8FgC7DDcFhYJ-W5fO5WibeFuH5KMrnlaXj8o0UV9TlhthbS7nGxoRsq6FiElCXuRshOIZgLczgpJb1AZen4JHWEZcuaxHgIanyKy23LkNLH9JVHzNcQv-VO4pw8cewhA__X4hFk9o3Iz8dmSZA3EnVZAopf60MFhu_TD3bZf3fi3e6VbmiOgWF_qKi865nleM6ln903ul-nQmKjXuPAI33HXcihp47bY-zPWK_ng9kEJ7rbUcFwAOu1FQ1OyFxG7GLkqngN4HLm2fy57PyjTBNaSuSqNRxKZSytkI_MpPxiYB00wzMeGM23Lb-_INBnbOqRNQLMkj_yff-GM3oGMDo0Haese9aweLaxj2bnC3pQCd3Sr2WX-nr0be8zz52YF3V7QOq0kTxNDHIRFEvUsXc7zl7yonePZ_cXzwnMjXrwDeu0J2qC_BPxGw4BRDyhWay0Efdju7V8n7OGejBfQAV8rCu3BGNSOLVi0lDCqyk0JvHzzHsdy8B83ZlrHsrJa0ja3da1Fhy3B3Gx9Q";
    /// 30 tasks with repetitive descriptions in a `v1` link.
    pub(super) const THIRTY_TASKS_V1: &str = "plan=v1.lEIAPYkOASZHh1RT5dStfLEgRtvyqLSs8NpdJYMhVR1lqnGvTEqGUurGA4DDUZFw9ZATjzj7N8MCaDICBPB-lChG32-CV4n05ay230l8NuxJJg_7SZNd1F3xYtdnJkMGx_YMy_T70b3CLDzMl5V677gI_qnCXa9XF_WCW3GQmSTPyVBDFHmHTAWZvZpYO7reN8FScKqG4TqOAG20d-_b5SN3mGBugPsUoWw5OMiwMaRjGw11TE0tTbxkdb_lV5cvbEmZCY8k5ZhZYZqHoe0Zs_pcd7-wsw1ddi8DWJDdCJhePrxLJI--ZQf528R7_PhVDZ2iYEYAkuAmRQoUKLOyYjG-ESDX2b91AMqJPXF3xHObeaq99hVl0kJZsLITLBPRlpZuKGE6o1b00RAXvUIfx_Qfia-DY-uGuELsnT_HFlQcAJWyMijXkOnMSAx4v6Y9vJhZ5O0hRp26hJWsNa1ro2QbOH4i4iI8JCn9nP9aqz7bEBzYsDI-KkN3Vrmfxx_uVdN1sElCEZ5L6ZtsCQCIe0T3jI3APW6kSQlUyQOujp_PLhrsHAyGweowihbUPpMq2QEGf3A4AW8i4Io2m0pLFxwfg_uVp-vhPnffN_JbEEqCQMN9THftzg8cfztU-lneFvpZhHUaaqAMBFRpXC8kfI8Tt88r38I3KtdeIIIH5FshrraE5vdk_Grd0B2pzm-o1nt0IS9L8P5PwezAA58Jh0xUNj7ehZqrVdmUQobfmZk8pwMpyt5KICu_esyHp9jGCRGjct4rr5Fp7-t19W74p6TU9r4Pj5UFJ-uwImOqV--3VjIudu6S7yEb1pP1gaJrq3eAC1dzDTKZ95KWEfM";
    /// 400 KB of unclosed code fences in a 149-character `v1` link (the security review's link).
    const FENCES_V1: &str = "plan=v1.gLUYADAaAcfBTbi1L9q-K2XbEhtfzg1JYJxo6ddVPTxS9rX4q8_m4whJQL-DKml-ODJ-WIt-yQwwSJRh52vA96eCBpgdM1vWmavzlrJU0_iUYedrwPenggaYHTNb1pmr85ayUMq9m_d8";
    /// `hello hello hello`, as the `v1` encoder packed it.
    const HELLO: [u8; 13] = [17, 0, 52, 27, 149, 52, 167, 151, 201, 163, 183, 16, 0];

    fn text_of(fragment: &str) -> Vec<u8> {
        match read_fragment(fragment).unwrap() {
            Payload::Text(text) => text,
            Payload::Deflated(_) => panic!("a v1 link is decoded"),
        }
    }

    fn damaged(reason: &str) -> Result<Vec<u8>, ShareError> {
        Err(ShareError::Damaged(reason.into()))
    }

    #[test]
    fn links_of_the_v1_encoder_decode_to_their_plans() {
        let demo = parse_plan(std::str::from_utf8(&text_of(DEMO_V1)).unwrap()).unwrap();
        assert_eq!(demo, demo_plan("Plan a garden", Template::ResearchReport, 1));
        let thirty = parse_plan(std::str::from_utf8(&text_of(THIRTY_TASKS_V1)).unwrap()).unwrap();
        assert_eq!(thirty.tasks.len(), 30);
        assert_eq!(thirty.tasks[29].depends_on.len(), 2);
        assert_eq!(text_of(FENCES_V1), "```\n{\n```\n".repeat(40_000).as_bytes());
        assert_eq!(decompress(&HELLO).unwrap(), b"hello hello hello");
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
        assert_eq!(
            decompress(&header(MAX_PLAN_TEXT_BYTES + 1)).unwrap_err().to_string(),
            "This plan text is 1,048,577 bytes; Planwright reads at most 1,048,576 bytes (1 MiB)."
        );
    }

    #[test]
    fn decompression_checks_its_input() {
        assert_eq!(decompress(&[]), damaged("truncated data"));
        assert_eq!(decompress(&[0x80, 0x80, 0x80, 0x80, 0x80]), damaged("truncated data"));
        assert_eq!(decompress(&[0xff; 20]), damaged("invalid data"));
        assert_eq!(decompress(&[0xff, 0xff, 0xff, 0x7f]), Err(LimitError::TextTooLong { bytes: (1 << 28) - 1 }.into()));
        assert_eq!(decompress(&[3, 1, 0, 0, 0, 0]), damaged("invalid data"));
        assert_eq!(decompress(&HELLO[..HELLO.len() - 1]), damaged("truncated data"));
        let mut data = HELLO.to_vec();
        data.push(0);
        assert_eq!(decompress(&data), damaged("unexpected data after the plan"));
    }

    #[test]
    fn altered_links_are_rejected() {
        let payload = DEMO_V1.strip_prefix("plan=v1.").unwrap();
        let mut rejected = 0;
        for i in 0..payload.len() {
            let mut altered = payload.as_bytes().to_vec();
            altered[i] = if altered[i] == b'A' { b'B' } else { b'A' };
            let altered = format!("plan=v1.{}", String::from_utf8(altered).unwrap());
            rejected += match read_fragment(&altered) {
                Ok(Payload::Text(text)) => crate::plan::share::plan_text(text)
                    .map_or(true, |text| crate::plan::parse::parse_plan(&text).is_err())
                    as usize,
                _ => 1,
            };
        }
        // Without a checksum some alterations decode to another valid plan; most do not.
        assert!(rejected * 2 > payload.len(), "{rejected} of {}", payload.len());
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::plan::limits::MAX_PLAN_TEXT_BYTES;
    use crate::plan::share::{read_fragment, Payload};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn random_input_never_panics(data in prop::collection::vec(any::<u8>(), 0..300), len in 0usize..5000) {
            let _ = decompress(&data);
            // A plausible header and start byte get the decoder past its first checks.
            let mut framed = Vec::new();
            let mut n = len;
            while n >= 0x80 {
                framed.push(n as u8 | 0x80);
                n >>= 7;
            }
            framed.push(n as u8);
            framed.push(0);
            framed.extend(&data);
            let _ = decompress(&framed);
        }

        #[test]
        fn altered_links_never_panic(at in any::<prop::sample::Index>(), byte in prop::sample::select(b"AZaz09-_".to_vec())) {
            let mut link = super::tests::THIRTY_TASKS_V1.as_bytes().to_vec();
            let i = "plan=v1.".len() + at.index(link.len() - "plan=v1.".len());
            link[i] = byte;
            if let Ok(Payload::Text(out)) = read_fragment(std::str::from_utf8(&link).unwrap()) {
                prop_assert!(out.len() <= MAX_PLAN_TEXT_BYTES);
            }
        }
    }
}
