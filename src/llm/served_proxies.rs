//! The same-origin proxies the page is served with (`scripts/serve --proxy URL`, once per server):
//! `scripts/serve` lists them in a `<meta name="planwright-proxies">` tag of the page, and the
//! settings offer the proxied base URL for an endpoint one of them forwards to. Pure: parsing and
//! URL rewriting.

use serde_json::Value;

/// One proxy: requests to `path` on the page's origin go to `backend` with `path` stripped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedProxy {
    /// Path prefix on the page's origin, e.g. `/proxy/0/`.
    pub path: String,
    /// The server it forwards to, e.g. `http://localhost:11434`.
    pub backend: String,
}

/// The proxies the list names (`[{"path": "/proxy/0/", "backend": "http://…"}, …]`); anything else
/// (not JSON, not a list, bad entries) names none.
pub fn parse_proxies(json: &str) -> Vec<ServedProxy> {
    let Ok(Value::Array(entries)) = serde_json::from_str::<Value>(json) else { return Vec::new() };
    entries
        .iter()
        .filter_map(|entry| {
            let path = entry["path"].as_str().filter(|p| p.starts_with('/'))?;
            let backend =
                entry["backend"].as_str().filter(|b| b.starts_with("http://") || b.starts_with("https://"))?;
            Some(ServedProxy { path: path.to_string(), backend: backend.to_string() })
        })
        .collect()
}

/// `base_url` through `proxy` when the proxy forwards to it: the page's origin, the proxy's path,
/// then what follows the backend in `base_url` (`http://localhost:11434/v1` through
/// `/proxy/0/` → `http://localhost:11434` is `{page_origin}/proxy/0/v1`).
pub fn proxied_url(base_url: &str, proxy: &ServedProxy, page_origin: &str) -> Option<String> {
    let base = base_url.trim();
    let backend = proxy.backend.trim_end_matches('/');
    let head = base.get(..backend.len()).filter(|head| head.eq_ignore_ascii_case(backend))?;
    let rest = &base[head.len()..];
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None; // another port or host that merely starts the same way
    }
    Some(format!("{page_origin}{}{rest}", proxy.path.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy(path: &str, backend: &str) -> ServedProxy {
        ServedProxy { path: path.into(), backend: backend.into() }
    }

    #[test]
    fn proxies_json_is_read_tolerantly() {
        let json = r#"[{"path":"/proxy/0/","backend":"http://localhost:11434"},{"path":"/proxy/1/","backend":"https://x.test/api/"},
            {"path":"no-slash","backend":"http://a"},{"path":"/p/","backend":"file:///etc"},{"backend":"http://b"}]"#;
        assert_eq!(
            parse_proxies(json),
            [proxy("/proxy/0/", "http://localhost:11434"), proxy("/proxy/1/", "https://x.test/api/")]
        );
        for other in ["", "<!DOCTYPE html><html>", "{}", "[1, 2]"] {
            assert_eq!(parse_proxies(other), []);
        }
    }

    #[test]
    fn the_base_url_is_rewritten_through_the_proxy_that_forwards_to_it() {
        let ollama = proxy("/proxy/0/", "http://localhost:11434");
        let page = "http://127.0.0.1:8080";
        assert_eq!(
            proxied_url("http://localhost:11434/v1", &ollama, page).unwrap(),
            "http://127.0.0.1:8080/proxy/0/v1"
        );
        assert_eq!(proxied_url(" HTTP://localhost:11434 ", &ollama, page).unwrap(), "http://127.0.0.1:8080/proxy/0");
        let with_path = proxy("/proxy/1/", "https://x.test/api/");
        assert_eq!(proxied_url("https://x.test/api/v1", &with_path, page).unwrap(), "http://127.0.0.1:8080/proxy/1/v1");
        assert_eq!(proxied_url("http://localhost:114345/v1", &ollama, page), None);
        assert_eq!(proxied_url("http://localhost:8081/v1", &ollama, page), None);
        assert_eq!(proxied_url("", &ollama, page), None);
    }
}
