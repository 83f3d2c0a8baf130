//! Where a tool call may send a request: the egress policy. Pure: a URL and the lists in force in,
//! a verdict out.
//!
//! A host on the workflow's allowlist or on the user's pre-approved list is allowed. Otherwise
//! loopback (`127.0.0.0/8`, `::1`, `localhost` and `*.localhost`, `0.0.0.0/8`, `::`), private
//! (RFC 1918, `fc00::/7`) and link-local (`169.254.0.0/16`, `fe80::/10`) addresses — IPv4-mapped
//! IPv6 included — and the page's own origin are refused; any other host is allowed when the user
//! turned on "allow any host", else the user must be asked.

use std::net::{Ipv4Addr, Ipv6Addr};

use thiserror::Error;

use super::url_host::{parse_host, url_target, Host, HostError, UrlTarget};

/// The verdict on one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EgressVerdict {
    /// Send it.
    Allowed,
    /// Ask the user first.
    MustAsk,
    /// Never send it.
    Refused(Refusal),
}

/// Why a request is never sent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Refusal {
    /// The URL's host cannot be read safely.
    #[error("the URL cannot be used: {0}")]
    Unreadable(HostError),
    /// The host is this machine.
    #[error("{0} is this machine (loopback): add it to the pre-approved hosts to allow it")]
    Loopback(String),
    /// The host is on a private network.
    #[error("{0} is a private network address: add it to the pre-approved hosts to allow it")]
    Private(String),
    /// The host is a link-local address.
    #[error("{0} is a link-local address: add it to the pre-approved hosts to allow it")]
    LinkLocal(String),
    /// The URL is the page's own origin.
    #[error("{0} is this page's own origin: add it to the pre-approved hosts to allow it")]
    PageOrigin(String),
}

/// What the policy decides with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EgressPolicy {
    /// Hosts the user allowed for this workflow and the pre-approved hosts, normalised.
    allowed: Vec<Host>,
    /// Allow every host that is not refused, without asking.
    allow_any: bool,
    /// The page's own origin, if known.
    page_origin: Option<UrlTarget>,
}

impl EgressPolicy {
    /// A policy allowing the hosts in `allowed` (written as in a URL: `api.example.com`,
    /// `127.0.0.1`, `[::1]`, an optional `:port` is ignored; unreadable entries are skipped), all
    /// other hosts when `allow_any`, and refusing `page_origin` (e.g. `http://127.0.0.1:8080`).
    pub fn new<'a>(allowed: impl IntoIterator<Item = &'a str>, allow_any: bool, page_origin: Option<&str>) -> Self {
        let allowed = allowed.into_iter().filter_map(host_of_entry).collect();
        let page_origin = page_origin.and_then(|origin| url_target(origin).ok());
        EgressPolicy { allowed, allow_any, page_origin }
    }

    /// The verdict on a request to `url`.
    pub fn verdict(&self, url: &str) -> EgressVerdict {
        let target = match url_target(url.trim()) {
            Ok(target) => target,
            Err(error) => return EgressVerdict::Refused(Refusal::Unreadable(error)),
        };
        if self.allowed.contains(&target.host) {
            return EgressVerdict::Allowed;
        }
        if let Some(refusal) = special_host(&target.host) {
            return EgressVerdict::Refused(refusal);
        }
        if self.page_origin.as_ref() == Some(&target) {
            return EgressVerdict::Refused(Refusal::PageOrigin(target.host.to_string()));
        }
        if self.allow_any {
            EgressVerdict::Allowed
        } else {
            EgressVerdict::MustAsk
        }
    }
}

/// The normalised host of `url` as the allowlist stores it (`None` if it cannot be read).
pub fn host_key(url: &str) -> Option<String> {
    url_target(url.trim()).ok().map(|t| t.host.to_string())
}

/// The host of an allowlist entry: a bare host, `host:port`, or a whole URL.
fn host_of_entry(entry: &str) -> Option<Host> {
    let entry = entry.trim();
    if entry.is_empty() {
        return None;
    }
    let lower = entry.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return url_target(entry).ok().map(|t| t.host);
    }
    url_target(&format!("http://{entry}/")).ok().map(|t| t.host).or_else(|| parse_host(entry).ok())
}

/// Why `host` is refused whatever the settings say (unless listed), if it is.
fn special_host(host: &Host) -> Option<Refusal> {
    let shown = host.to_string();
    match host {
        Host::Domain(name) => (name == "localhost" || name.ends_with(".localhost")).then_some(Refusal::Loopback(shown)),
        Host::V4(ip) => special_v4(*ip, shown),
        Host::V6(ip) => match ip.to_ipv4_mapped() {
            Some(v4) => special_v4(v4, shown),
            None => special_v6(*ip, shown),
        },
    }
}

fn special_v4(ip: Ipv4Addr, shown: String) -> Option<Refusal> {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() || a == 0 {
        Some(Refusal::Loopback(shown))
    } else if ip.is_private() {
        Some(Refusal::Private(shown))
    } else if ip.is_link_local() || (a, b) == (169, 254) {
        Some(Refusal::LinkLocal(shown))
    } else {
        None
    }
}

fn special_v6(ip: Ipv6Addr, shown: String) -> Option<Refusal> {
    let first = ip.segments()[0];
    if ip.is_loopback() || ip.is_unspecified() {
        Some(Refusal::Loopback(shown))
    } else if first & 0xfe00 == 0xfc00 {
        Some(Refusal::Private(shown))
    } else if first & 0xffc0 == 0xfe80 {
        Some(Refusal::LinkLocal(shown))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(policy: &EgressPolicy, url: &str) -> EgressVerdict {
        policy.verdict(url)
    }

    fn refused(policy: &EgressPolicy, url: &str) -> bool {
        matches!(verdict(policy, url), EgressVerdict::Refused(_))
    }

    #[test]
    fn unknown_hosts_must_be_asked_and_listed_ones_are_allowed() {
        let policy = EgressPolicy::new(["api.example.com", " Docs.Example.org. ", ""], false, None);
        assert_eq!(verdict(&policy, "https://evil.example/?d=secret"), EgressVerdict::MustAsk);
        assert_eq!(verdict(&policy, "https://API.example.com./v1"), EgressVerdict::Allowed);
        assert_eq!(verdict(&policy, "http://docs.example.org:8080/x"), EgressVerdict::Allowed);
        assert_eq!(verdict(&policy, "https://sub.api.example.com/"), EgressVerdict::MustAsk, "no wildcard");
        assert_eq!(verdict(&policy, "https://api.example.com@evil.example/"), EgressVerdict::MustAsk);
        assert_eq!(verdict(&policy, "https://evil.example/?@api.example.com"), EgressVerdict::MustAsk);
    }

    #[test]
    fn loopback_private_and_link_local_are_refused_in_every_spelling() {
        let policy = EgressPolicy::new([], true, None);
        for url in [
            "http://127.0.0.1:8787/__leak",
            "http://127.1/",
            "http://2130706433/",
            "http://0x7f000001/",
            "http://0177.0.0.1/",
            "http://127.0.0.1./",
            "http://localhost/",
            "http://LOCALHOST./",
            "http://a.b.localhost/",
            "http://x@localhost/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::]/",
            "http://0.0.0.0/",
            "http://0/",
            "http://10.1.2.3/",
            "http://172.16.0.1/",
            "http://172.31.255.255/",
            "http://192.168.1.1/",
            "http://0xc0a80101/",
            "http://[fc00::1]/",
            "http://[fdab::1]/",
            "http://169.254.169.254/latest/meta-data",
            "http://[fe80::1]/",
            "http://[FEBF::1]/",
            "http://[::ffff:10.0.0.1]/",
        ] {
            assert!(refused(&policy, url), "{url} should be refused: {:?}", verdict(&policy, url));
        }
        for url in ["http://172.32.0.1/", "http://11.0.0.1/", "http://[2001:db8::1]/", "http://[fec0::1]/"] {
            assert_eq!(verdict(&policy, url), EgressVerdict::Allowed, "{url}");
        }
        assert_eq!(
            verdict(&policy, "http://0x7f.1/").clone(),
            EgressVerdict::Refused(Refusal::Loopback("127.0.0.1".into()))
        );
        assert_eq!(
            verdict(&policy, "http://[fe80::1]/"),
            EgressVerdict::Refused(Refusal::LinkLocal("[fe80::1]".into()))
        );
    }

    #[test]
    fn a_special_host_is_allowed_only_when_listed_explicitly() {
        let policy = EgressPolicy::new(["127.0.0.1:8787", "[::1]", "LOCALHOST", "http://192.168.1.1/"], false, None);
        assert_eq!(verdict(&policy, "http://127.0.0.1:8787/__leak"), EgressVerdict::Allowed);
        assert_eq!(verdict(&policy, "http://2130706433/"), EgressVerdict::Allowed, "the same host, spelled otherwise");
        assert_eq!(verdict(&policy, "http://[0::1]/"), EgressVerdict::Allowed);
        assert_eq!(verdict(&policy, "http://localhost:3000/"), EgressVerdict::Allowed);
        assert_eq!(verdict(&policy, "http://192.168.1.1/"), EgressVerdict::Allowed);
        assert!(refused(&policy, "http://127.0.0.2/"));
        assert!(refused(&policy, "http://sub.localhost/"));
    }

    #[test]
    fn the_page_origin_is_refused_and_any_host_is_off_by_default() {
        let policy = EgressPolicy::new([], false, Some("https://app.example:8443"));
        assert_eq!(
            verdict(&policy, "https://APP.example:8443/api"),
            EgressVerdict::Refused(Refusal::PageOrigin("app.example".into()))
        );
        assert_eq!(verdict(&policy, "https://app.example/"), EgressVerdict::MustAsk, "another port, another origin");
        let listed = EgressPolicy::new(["app.example"], false, Some("https://app.example:8443"));
        assert_eq!(verdict(&listed, "https://app.example:8443/api"), EgressVerdict::Allowed);
        assert_eq!(EgressPolicy::default().verdict("https://x.example/"), EgressVerdict::MustAsk);
        assert_eq!(EgressPolicy::new([], true, None).verdict("https://x.example/"), EgressVerdict::Allowed);
    }

    #[test]
    fn unreadable_urls_are_refused() {
        let policy = EgressPolicy::new([], true, None);
        for url in [
            "ftp://x.example/",
            "https://\\evil.example/",
            "http://１２７.０.０.１/",
            "http://256.1.1.1/",
            "http://x.io:70000/",
        ] {
            assert!(matches!(verdict(&policy, url), EgressVerdict::Refused(Refusal::Unreadable(_))), "{url}");
        }
        assert_eq!(host_key("https://API.example.com./x"), Some("api.example.com".into()));
        assert_eq!(host_key("http://[::1]:80/"), Some("[::1]".into()));
        assert_eq!(host_key("nope"), None);
    }
}
