//! The host and port an http(s) URL reaches, read the way the browser's `URL` parser (WHATWG)
//! reads them: userinfo before the last `@` dropped, percent-escapes in the host decoded, upper
//! case folded, a trailing dot on an IPv4 address dropped, IPv4 written in decimal, octal, hex or
//! with fewer than four parts (`2130706433`, `0x7f.1`, `0177.0.0.1`), IPv6 in brackets. Hosts the
//! browser would rewrite through IDNA (any non-ASCII) and shapes the browser rejects are refused
//! rather than guessed.

use std::net::{Ipv4Addr, Ipv6Addr};

use thiserror::Error;

/// The host part of a URL, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Host {
    /// A domain name: lower case, without a trailing dot.
    Domain(String),
    /// An IPv4 address.
    V4(Ipv4Addr),
    /// An IPv6 address.
    V6(Ipv6Addr),
}

impl std::fmt::Display for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Host::Domain(name) => f.write_str(name),
            Host::V4(ip) => write!(f, "{ip}"),
            Host::V6(ip) => write!(f, "[{ip}]"),
        }
    }
}

/// Where a URL goes: its host and effective port (80 or 443 when none is written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlTarget {
    /// The host.
    pub host: Host,
    /// The port.
    pub port: u16,
}

/// Why a URL's host could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HostError {
    /// The URL does not start with `http://` or `https://`.
    #[error("only http:// and https:// URLs are allowed")]
    NotHttp,
    /// Nothing between `//` and the path.
    #[error("the URL has no host")]
    Empty,
    /// The host holds a character the browser refuses or would rewrite (`\`, space, `%` that does
    /// not decode, non-ASCII, …).
    #[error("the host `{0}` contains characters that are not allowed")]
    BadCharacter(String),
    /// The host looks like an IPv4 address but is not a valid one.
    #[error("the host `{0}` is not a valid IPv4 address")]
    BadIpv4(String),
    /// A bracketed host is not a valid IPv6 address.
    #[error("the host `{0}` is not a valid IPv6 address")]
    BadIpv6(String),
    /// The port is not a number from 0 to 65535.
    #[error("the port `{0}` is not valid")]
    BadPort(String),
}

/// The host and port `url` reaches (scheme case-insensitive; `http` and `https` only).
pub fn url_target(url: &str) -> Result<UrlTarget, HostError> {
    let lower_scheme = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let (rest, default_port) = if lower_scheme.starts_with("https://") {
        (&url[8..], 443)
    } else if lower_scheme.starts_with("http://") {
        (&url[7..], 80)
    } else {
        return Err(HostError::NotHttp);
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // The userinfo ends at the last `@` of the authority (`user@evil@host` reaches `host`).
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let (host_text, port_text) = split_port(host_port)?;
    let host = parse_host(host_text)?;
    let port = match port_text {
        None | Some("") => default_port,
        Some(digits) => {
            if !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(HostError::BadPort(digits.to_string()));
            }
            digits.parse::<u16>().map_err(|_| HostError::BadPort(digits.to_string()))?
        }
    };
    Ok(UrlTarget { host, port })
}

/// Splits `host:port` (the host may be a bracketed IPv6 address).
fn split_port(host_port: &str) -> Result<(&str, Option<&str>), HostError> {
    if host_port.starts_with('[') {
        let close = host_port.find(']').ok_or_else(|| HostError::BadIpv6(host_port.to_string()))?;
        let after = &host_port[close + 1..];
        return match after.strip_prefix(':') {
            Some(port) => Ok((&host_port[..=close], Some(port))),
            None if after.is_empty() => Ok((host_port, None)),
            None => Err(HostError::BadIpv6(host_port.to_string())),
        };
    }
    Ok(match host_port.rfind(':') {
        Some(at) => (&host_port[..at], Some(&host_port[at + 1..])),
        None => (host_port, None),
    })
}

/// A host as the browser reads it (see the module documentation).
pub fn parse_host(text: &str) -> Result<Host, HostError> {
    if text.is_empty() {
        return Err(HostError::Empty);
    }
    if let Some(inner) = text.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or_else(|| HostError::BadIpv6(text.to_string()))?;
        return inner.parse::<Ipv6Addr>().map(Host::V6).map_err(|_| HostError::BadIpv6(text.to_string()));
    }
    let decoded = percent_decode(text).ok_or_else(|| HostError::BadCharacter(text.to_string()))?;
    let forbidden = |c: char| !c.is_ascii() || c.is_ascii_control() || " #%/:<>?@[\\]^|".contains(c);
    if decoded.is_empty() || decoded.chars().any(forbidden) {
        return Err(HostError::BadCharacter(text.to_string()));
    }
    let lower = decoded.to_ascii_lowercase();
    if ends_in_a_number(&lower) {
        return parse_ipv4(&lower).map(Host::V4).ok_or(HostError::BadIpv4(text.to_string()));
    }
    let name = lower.strip_suffix('.').unwrap_or(&lower);
    if name.is_empty() {
        return Err(HostError::Empty);
    }
    Ok(Host::Domain(name.to_string()))
}

/// `%XX` escapes decoded; `None` when an escape is malformed or the bytes are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Whether the WHATWG parser treats `host` as an IPv4 address: its last label (a trailing empty
/// one dropped) is all digits or a `0x` number.
fn ends_in_a_number(host: &str) -> bool {
    let mut parts: Vec<&str> = host.split('.').collect();
    if parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    let last = parts.last().copied().unwrap_or_default();
    !last.is_empty() && (last.bytes().all(|b| b.is_ascii_digit()) || ipv4_number(last).is_some())
}

/// One part of an IPv4 address: `0x` hex, leading-zero octal, or decimal.
fn ipv4_number(part: &str) -> Option<u64> {
    let (digits, radix) = if let Some(hex) = part.strip_prefix("0x") {
        (hex, 16)
    } else if part.len() > 1 && part.starts_with('0') {
        (&part[1..], 8)
    } else {
        (part, 10)
    };
    if digits.is_empty() {
        return Some(0);
    }
    if !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    // Anything longer than this is out of range anyway; avoid overflow.
    if digits.len() > 20 {
        return Some(u64::MAX);
    }
    u64::from_str_radix(digits, radix).ok().or(Some(u64::MAX))
}

/// The WHATWG IPv4 parser: 1 to 4 parts, the last filling the remaining bytes.
fn parse_ipv4(host: &str) -> Option<Ipv4Addr> {
    let mut parts: Vec<&str> = host.split('.').collect();
    if parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    if parts.len() > 4 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let numbers: Vec<u64> = parts.iter().map(|p| ipv4_number(p)).collect::<Option<_>>()?;
    let (last, leading) = numbers.split_last()?;
    if leading.iter().any(|n| *n > 255) || *last >= 256u64.pow(5 - numbers.len() as u32) {
        return None;
    }
    let mut value = *last;
    for (i, n) in leading.iter().enumerate() {
        value += n << (8 * (3 - i));
    }
    Some(Ipv4Addr::from(value as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(url: &str) -> Host {
        url_target(url).unwrap_or_else(|e| panic!("{url}: {e}")).host
    }

    fn v4(a: u8, b: u8, c: u8, d: u8) -> Host {
        Host::V4(Ipv4Addr::new(a, b, c, d))
    }

    #[test]
    fn ipv4_in_every_form_the_browser_accepts() {
        for url in [
            "http://127.0.0.1/",
            "http://2130706433/",
            "http://0x7f000001/",
            "http://0x7F.1/",
            "http://0177.0.0.1/",
            "http://127.1/",
            "http://127.0.1/",
            "http://127.0.0.1./",
            "http://127.0.0.%31/",
            "HTTP://127.0.0.1:8080/x",
            "http://user:pw@127.0.0.1/",
            "http://api.example.com@127.0.0.1/",
            "http://a@b@127.0.0.1/",
            "http://0x7f.0x0.0x0.0x1/",
        ] {
            assert_eq!(host(url), v4(127, 0, 0, 1), "{url}");
        }
        assert_eq!(host("http://0/"), v4(0, 0, 0, 0));
        assert_eq!(host("http://192.168.0x1.1/"), v4(192, 168, 1, 1));
        assert_eq!(url_target("http://256.0.0.1/"), Err(HostError::BadIpv4("256.0.0.1".into())));
        assert_eq!(url_target("http://1.2.3.4.5/"), Err(HostError::BadIpv4("1.2.3.4.5".into())));
        assert_eq!(url_target("http://09.0.0.1/"), Err(HostError::BadIpv4("09.0.0.1".into())));
        assert_eq!(url_target("http://4294967296/"), Err(HostError::BadIpv4("4294967296".into())));
        assert_eq!(host("http://4294967295/"), v4(255, 255, 255, 255));
    }

    #[test]
    fn domains_are_folded_and_lose_a_trailing_dot() {
        assert_eq!(host("https://API.Example.COM./a?b#c"), Host::Domain("api.example.com".into()));
        assert_eq!(host("https://LOCALHOST"), Host::Domain("localhost".into()));
        assert_eq!(host("https://evil.example?x=@127.0.0.1"), Host::Domain("evil.example".into()));
        assert_eq!(host("https://evil.example#@127.0.0.1"), Host::Domain("evil.example".into()));
        // A name ending in a non-number label is a domain, even with digits before.
        assert_eq!(host("http://1.2.3.example/"), Host::Domain("1.2.3.example".into()));
    }

    #[test]
    fn ipv6_in_brackets() {
        assert_eq!(host("http://[::1]/"), Host::V6(Ipv6Addr::LOCALHOST));
        assert_eq!(host("http://[0:0:0:0:0:0:0:1]:8080/"), Host::V6(Ipv6Addr::LOCALHOST));
        assert_eq!(host("http://[FE80::1]/").to_string(), "[fe80::1]");
        assert_eq!(host("http://[::ffff:127.0.0.1]/"), Host::V6("::ffff:7f00:1".parse().unwrap()));
        assert!(matches!(url_target("http://[::1/"), Err(HostError::BadIpv6(_))));
        assert!(matches!(url_target("http://[::1]x/"), Err(HostError::BadIpv6(_))));
        assert!(matches!(url_target("http://[fe80::1%25eth0]/"), Err(HostError::BadIpv6(_))));
    }

    #[test]
    fn ports_and_refusals() {
        assert_eq!(url_target("https://x.io").unwrap().port, 443);
        assert_eq!(url_target("http://x.io").unwrap().port, 80);
        assert_eq!(url_target("http://x.io:").unwrap().port, 80);
        assert_eq!(url_target("http://x.io:8787/a").unwrap().port, 8787);
        assert_eq!(url_target("http://x.io:99999/"), Err(HostError::BadPort("99999".into())));
        assert_eq!(url_target("http://x.io:8a/"), Err(HostError::BadPort("8a".into())));
        assert_eq!(url_target("ftp://x.io/"), Err(HostError::NotHttp));
        assert_eq!(url_target("https:///x"), Err(HostError::Empty));
        assert_eq!(url_target("https://user@/x"), Err(HostError::Empty));
        assert!(matches!(url_target("https://\\evil.example/"), Err(HostError::BadCharacter(_))));
        assert!(matches!(url_target("https://ex%zzample/"), Err(HostError::BadCharacter(_))));
        assert!(matches!(url_target("https://ex%2fample/"), Err(HostError::BadCharacter(_))));
        // Full-width digits become `127.0.0.1` under IDNA: refused, not guessed.
        assert!(matches!(url_target("http://１２７.０.０.１/"), Err(HostError::BadCharacter(_))));
    }
}
