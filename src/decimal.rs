//! Reading and writing decimal numbers without the standard library's float parser and formatter,
//! whose tables and big-number fallbacks are about 15 KB (parser) and 4 KB (formatter) of the
//! brotli Wasm bundle. Numbers of up to 15 significant digits with small exponents (prices, seconds,
//! calculator input) read exactly as `str::parse` reads them; longer or far-scaled ones may differ in
//! the last bit. Written numbers are either the shortest that read back the same ([`shortest`],
//! through `zmij`, the formatter serde_json already brings) or rounded to a number of decimals
//! ([`fixed`], integer arithmetic). The page formats no `f64` any other way.

/// The powers of ten that are exact in an `f64`.
const EXACT_POWERS: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// Largest integer every smaller one of which an `f64` holds exactly.
const EXACT_INTEGERS: u64 = 1 << 53;

/// The number `text` writes in decimal (`12`, `-3.5`, `.5`, `2.`, `1e-3`; spaces around allowed), or
/// `None` when it is anything else.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let text = text.trim();
    let (negative, unsigned) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], unsigned[at + 1..].parse::<i32>().ok()?),
        None => (unsigned, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty() && fraction.is_empty() || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut digits: u64 = 0;
    let mut scale = i64::from(exponent) - fraction.len() as i64;
    for b in whole.bytes().chain(fraction.bytes()) {
        if digits <= (u64::MAX - 9) / 10 {
            digits = digits * 10 + u64::from(b - b'0');
        } else {
            scale += 1; // a digit beyond what a u64 holds: drop it, keep its place value
        }
    }
    let value = digits as f64;
    let scaled = match usize::try_from(scale.unsigned_abs()) {
        _ if digits == 0 => 0.0,
        Ok(power) if power < EXACT_POWERS.len() && digits <= EXACT_INTEGERS => {
            // Both operands are exact, so the one rounding gives the correctly rounded result.
            if scale < 0 {
                value / EXACT_POWERS[power]
            } else {
                value * EXACT_POWERS[power]
            }
        }
        _ => {
            let power = scale.clamp(-700, 700) as i32;
            // Two steps, so that neither factor overflows for numbers near the ends of the range.
            value * 10f64.powi(power / 2) * 10f64.powi(power - power / 2)
        }
    };
    Some(if negative { -scaled } else { scaled })
}

/// `value` as the shortest decimal that reads back as it: `12.5`, `3.0`, `1e-7` (SVG and CSS read
/// these); `NaN` and `inf` as such.
pub fn shortest(value: f64) -> String {
    zmij::Buffer::new().format(value).to_string()
}

/// `value` as [`shortest`] writes it, without a trailing `.0`: `5`, `0.15` (as people write prices).
pub fn plain(value: f64) -> String {
    let mut text = shortest(value);
    if text.ends_with(".0") {
        text.truncate(text.len() - 2);
    }
    text
}

/// `value` rounded to `places` decimals, halves away from zero: `fixed(2.345, 2)` is `2.35`,
/// `fixed(-0.04, 1)` is `0.0`. Values beyond what 15 significant digits hold are written by
/// [`shortest`].
pub fn fixed(value: f64, places: u32) -> String {
    let scale = 10u64.pow(places.min(15));
    let scaled = (value.abs() * scale as f64).round();
    if !scaled.is_finite() || scaled >= EXACT_INTEGERS as f64 {
        return shortest(value);
    }
    let units = scaled as u64;
    let sign = if value < 0.0 && units > 0 { "-" } else { "" };
    let whole = units / scale;
    if places == 0 {
        return format!("{sign}{whole}");
    }
    format!("{sign}{whole}.{:0width$}", units % scale, width = places as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::SplitMix64;

    #[test]
    fn writes_fixed_decimals_as_std_does_away_from_ties() {
        for (value, places, expected) in [
            (0.0, 1, "0.0"),
            (2.345, 2, "2.35"),
            (12.0, 0, "12"),
            (99.96, 1, "100.0"),
            (-0.04, 1, "0.0"),
            (-1.25, 1, "-1.3"),
            (0.000_1, 4, "0.0001"),
            (1_767_225_600_123.456, 3, "1767225600123.456"),
        ] {
            assert_eq!(fixed(value, places), expected, "{value} to {places}");
        }
        let mut rng = SplitMix64::new(11);
        for _ in 0..10_000 {
            let value = (rng.next_u64() % 100_000_000) as f64 / 997.0;
            let places = (rng.next_u64() % 5) as u32;
            let ours = fixed(value, places);
            let std = format!("{value:.*}", places as usize);
            // Only a value sitting on a tie of its printed digits may round the other way.
            if ours != std {
                let tie = (value * 10f64.powi(places as i32)).fract();
                assert!((tie - 0.5).abs() < 1e-6, "{value} to {places}: {ours} vs {std}");
            }
        }
        assert_eq!(fixed(f64::NAN, 1), "NaN");
        assert_eq!(fixed(1e300, 2), "1e+300");
    }

    #[test]
    fn writes_the_shortest_decimal_that_reads_back() {
        assert_eq!(shortest(12.5), "12.5");
        assert_eq!(shortest(3.0), "3.0");
        assert_eq!(shortest(0.1 + 0.2), "0.30000000000000004");
        assert_eq!((plain(5.0).as_str(), plain(0.15).as_str()), ("5", "0.15"));
        let mut rng = SplitMix64::new(12);
        for _ in 0..10_000 {
            let value = f64::from_bits(rng.next_u64() >> 2);
            assert_eq!(shortest(value).parse::<f64>().ok(), Some(value), "{value}");
        }
    }

    #[test]
    fn reads_the_usual_forms() {
        for (text, expected) in [
            ("0", 0.0),
            ("12", 12.0),
            ("-3.5", -3.5),
            ("+0.25", 0.25),
            (".5", 0.5),
            ("2.", 2.0),
            (" 0.15 ", 0.15),
            ("1e3", 1000.0),
            ("1.5E-3", 0.0015),
            ("120", 120.0),
        ] {
            assert_eq!(parse_decimal(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_decimal_number() {
        for text in ["", " ", "-", ".", "e5", "1e", "1.2.3", "abc", "12px", "0x10", "inf", "NaN", "1e5.5", "--1"] {
            assert_eq!(parse_decimal(text), None, "{text:?}");
        }
    }

    #[test]
    fn agrees_with_the_standard_parser() {
        let mut rng = SplitMix64::new(17);
        for _ in 0..20_000 {
            let whole = rng.next_u64() % 1_000_000;
            let places = (rng.next_u64() % 9) as usize;
            let fraction = rng.next_u64() % 10u64.pow(places as u32);
            let text = if places == 0 { whole.to_string() } else { format!("{whole}.{fraction:0places$}") };
            assert_eq!(parse_decimal(&text), text.parse::<f64>().ok(), "{text}");
        }
        // Beyond the exact range the result stays within a few units in the last place.
        for text in ["123456789012345678901234567890", "1.2345678901234567e300", "4.9e-300", "2.5e-300"] {
            let (ours, std) = (parse_decimal(text).unwrap(), text.parse::<f64>().unwrap());
            assert!((ours - std).abs() <= std.abs() * 1e-14, "{text}: {ours} vs {std}");
        }
        assert_eq!(parse_decimal("1e400"), Some(f64::INFINITY));
    }
}
