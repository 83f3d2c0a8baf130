//! Why a checkpoint read or write failed, with a message fit for the UI.

/// A store failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("checkpoint storage: {0}")]
pub struct StoreError(pub String);
