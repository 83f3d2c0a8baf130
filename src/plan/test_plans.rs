//! Plans the unit tests of several modules share.

use super::{Plan, Task};

/// The diamond T1 → (T2, T3) → T4 (names a–d), with no critical path set.
pub(crate) fn diamond() -> Plan {
    Plan {
        tasks: vec![
            Task::new("T1", "a", &[]),
            Task::new("T2", "b", &["T1"]),
            Task::new("T3", "c", &["T1"]),
            Task::new("T4", "d", &["T2", "T3"]),
        ],
        critical_path: vec![],
    }
}
