//! Credentials stay with the server they were entered for: when the base URL moves to another
//! origin (a preset or an edit), the API key and the extra headers are taken out of the settings and
//! held until the user says they are meant for the new server too — nothing sends them there first.

use super::settings::ProviderSettings;

/// The origin of `url` — `scheme://host[:port]`, lower-cased, without user info or a default port —
/// or `None` if it is not an `http(s)://` URL.
pub fn origin(url: &str) -> Option<String> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host).to_ascii_lowercase();
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    let host = host.strip_suffix(default_port).unwrap_or(&host);
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

/// An API key and extra headers taken out of the settings because the base URL moved away from
/// the server they were entered for.
#[derive(Clone, PartialEq, Eq)]
pub struct HeldCredentials {
    /// The API key (may be empty).
    pub api_key: String,
    /// The extra headers (may be empty).
    pub extra_headers: String,
    /// Origin of the base URL they were entered for (`None`: it was not a valid URL).
    pub origin: Option<String>,
}

impl HeldCredentials {
    /// What is held, for a sentence: "the API key", "the extra headers" or both.
    pub fn what(&self) -> &'static str {
        match (self.api_key.is_empty(), self.extra_headers.is_empty()) {
            (false, false) => "the API key and the extra headers",
            (false, true) => "the API key",
            _ => "the extra headers",
        }
    }

    /// Puts the credentials back into `settings` (the user said they are meant for its server).
    pub fn restore_into(self, settings: &mut ProviderSettings) {
        settings.api_key = self.api_key;
        settings.extra_headers = self.extra_headers;
    }
}

/// Sets the base URL to `url`. If its origin changes while credentials are entered, they move into
/// `held`; if it comes back to the origin of what `held` holds, those are restored.
pub fn move_endpoint(settings: &mut ProviderSettings, held: &mut Option<HeldCredentials>, url: String) {
    let (from, to) = (origin(&settings.base_url), origin(&url));
    settings.base_url = url;
    if from == to {
        return;
    }
    if held.as_ref().is_some_and(|h| h.origin == to) {
        if let Some(back) = held.take() {
            back.restore_into(settings);
        }
    } else if !settings.api_key.is_empty() || !settings.extra_headers.is_empty() {
        *held = Some(HeldCredentials {
            api_key: std::mem::take(&mut settings.api_key),
            extra_headers: std::mem::take(&mut settings.extra_headers),
            origin: from,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entered(url: &str) -> ProviderSettings {
        ProviderSettings {
            base_url: url.into(),
            api_key: "sk-1".into(),
            extra_headers: "X-Token: t".into(),
            ..ProviderSettings::default()
        }
    }

    #[test]
    fn origins_ignore_path_case_user_info_and_default_ports() {
        assert_eq!(origin("https://API.openai.com/v1").as_deref(), Some("https://api.openai.com"));
        assert_eq!(origin("https://api.openai.com:443/v2?x#y"), origin("https://api.openai.com"));
        assert_eq!(origin("http://user:pw@localhost:11434/v1").as_deref(), Some("http://localhost:11434"));
        assert_eq!(origin("http://[::1]:80/v1").as_deref(), Some("http://[::1]"));
        assert_ne!(origin("http://localhost:8081/v1"), origin("http://localhost:11434/v1"));
        assert_ne!(origin("http://api.openai.com/v1"), origin("https://api.openai.com/v1"));
        assert_eq!(origin("localhost:11434/v1"), None);
        assert_eq!(origin("ftp://example.com"), None);
        assert_eq!(origin("https:///v1"), None);
    }

    #[test]
    fn another_path_on_the_same_server_keeps_the_credentials() {
        let mut settings = entered("https://api.openai.com/v1");
        let mut held = None;
        move_endpoint(&mut settings, &mut held, "https://API.openai.com/v2".into());
        assert_eq!(settings.api_key, "sk-1");
        assert!(held.is_none());
        assert_eq!(settings.base_url, "https://API.openai.com/v2");
    }

    #[test]
    fn another_server_gets_no_credentials_until_they_are_restored() {
        let mut settings = entered("https://api.openai.com/v1");
        let mut held = None;
        move_endpoint(&mut settings, &mut held, "https://openrouter.ai/api/v1".into());
        assert_eq!((settings.api_key.as_str(), settings.extra_headers.as_str()), ("", ""));
        let h = held.clone().expect("held");
        assert_eq!(h.origin.as_deref(), Some("https://api.openai.com"));
        assert_eq!(h.what(), "the API key and the extra headers");
        h.restore_into(&mut settings);
        assert_eq!((settings.api_key.as_str(), settings.extra_headers.as_str()), ("sk-1", "X-Token: t"));
    }

    #[test]
    fn a_hold_survives_more_moves_and_comes_back_with_its_server() {
        let mut settings = entered("https://api.openai.com/v1");
        let mut held = None;
        move_endpoint(&mut settings, &mut held, "http://localhost:11434/v1".into());
        move_endpoint(&mut settings, &mut held, "http://localhost:8081/v1".into());
        assert_eq!(settings.api_key, "");
        assert_eq!(held.as_ref().and_then(|h| h.origin.as_deref()), Some("https://api.openai.com"));
        move_endpoint(&mut settings, &mut held, "https://api.openai.com/v1".into());
        assert_eq!(settings.api_key, "sk-1");
        assert!(held.is_none());
    }

    #[test]
    fn nothing_entered_nothing_held() {
        let mut settings =
            ProviderSettings { base_url: "https://api.openai.com/v1".into(), ..ProviderSettings::default() };
        let mut held = None;
        move_endpoint(&mut settings, &mut held, "https://openrouter.ai/api/v1".into());
        assert!(held.is_none());
        settings.extra_headers = "HTTP-Referer: http://me".into();
        move_endpoint(&mut settings, &mut held, "http://localhost:11434/v1".into());
        assert_eq!(held.map(|h| h.what()), Some("the extra headers"));
    }
}
