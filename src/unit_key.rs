//! Unit enums read from a plain string key through one shared function. A derived `Deserialize`
//! costs each enum its own visitor (about 1 KB of .wasm); this costs one `String` read for all.

use serde::de::{Deserializer, Error};
use serde::Deserialize;

/// The position in `keys` of the string `deserializer` holds, or serde's "unknown variant" error
/// naming `keys`.
pub fn read_key<'de, D: Deserializer<'de>>(deserializer: D, keys: &'static [&'static str]) -> Result<usize, D::Error> {
    let key = String::deserialize(deserializer)?;
    keys.iter().position(|k| *k == key).ok_or_else(|| D::Error::unknown_variant(&key, keys))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_known_key_and_names_the_keys_for_an_unknown_one() {
        const KEYS: &[&str] = &["one", "two"];
        let read = |json: &str| read_key(&mut serde_json::Deserializer::from_str(json), KEYS);
        assert_eq!(read("\"two\"").unwrap(), 1);
        let error = read("\"three\"").unwrap_err().to_string();
        assert!(error.contains("unknown variant `three`, expected `one` or `two`"), "{error}");
        assert!(read("2").is_err());
    }

    /// Every variant of the enums read with [`read_key`] reads back what its derived `Serialize`
    /// writes (a new variant must be added to its `KEYS` and `ALL`, and here).
    #[test]
    fn the_enums_read_back_what_they_write() {
        use crate::engine::{RunStatus, TaskStatus};
        use crate::llm::settings::{ProviderKind, SchemaStyle};
        fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(all: &[T]) {
            for value in all {
                let json = serde_json::to_string(value).unwrap();
                assert_eq!(&serde_json::from_str::<T>(&json).unwrap(), value, "{json}");
            }
        }
        use TaskStatus::*;
        round_trip(&[Pending, Running, Completed, Failed, Blocked, Skipped]);
        round_trip(&[
            RunStatus::Idle,
            RunStatus::Running,
            RunStatus::Paused,
            RunStatus::Cancelled,
            RunStatus::Halted,
            RunStatus::Finished,
        ]);
        round_trip(&[ProviderKind::Demo, ProviderKind::OpenAiCompatible, ProviderKind::Anthropic]);
        round_trip(&[SchemaStyle::ResponseFormat, SchemaStyle::OllamaFormat]);
        assert_eq!(serde_json::from_str::<TaskStatus>("\"failed\"").unwrap(), Failed);
        assert_eq!(
            serde_json::from_str::<ProviderKind>("\"OpenAiCompatible\"").unwrap(),
            ProviderKind::OpenAiCompatible
        );
    }
}
