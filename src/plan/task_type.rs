//! The task types a plan uses (`type` in the plan format); each selects a task's built-in tools.

/// A task's type. A plan may carry any text as a task's type; the ones listed here are those the
/// planner is asked to use, the inspector offers, and the tool table knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskType {
    /// Finding information.
    Research,
    /// Reasoning over findings.
    Analysis,
    /// Extracting and transforming data.
    Data,
    /// Writing or changing code.
    Code,
    /// Writing prose.
    Writing,
    /// Reviewing a result.
    Review,
}

impl TaskType {
    /// Every type, in the order the planner prompt and the inspector list them.
    pub const ALL: [TaskType; 6] =
        [TaskType::Research, TaskType::Analysis, TaskType::Data, TaskType::Code, TaskType::Writing, TaskType::Review];

    /// The name used in plans, e.g. `research`.
    pub fn key(self) -> &'static str {
        match self {
            TaskType::Research => "research",
            TaskType::Analysis => "analysis",
            TaskType::Data => "data",
            TaskType::Code => "code",
            TaskType::Writing => "writing",
            TaskType::Review => "review",
        }
    }

    /// The type a plan's `kind` names: trimmed, case-insensitive, with the synonyms models often use
    /// (`analyze`, `pipeline`, `report`). `None` for any other text.
    pub fn parse(kind: &str) -> Option<TaskType> {
        match kind.trim().to_ascii_lowercase().as_str() {
            "research" => Some(TaskType::Research),
            "analysis" | "analyze" => Some(TaskType::Analysis),
            "data" | "pipeline" => Some(TaskType::Data),
            "code" => Some(TaskType::Code),
            "writing" | "report" => Some(TaskType::Writing),
            "review" => Some(TaskType::Review),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_parses_back_and_synonyms_map_to_their_type() {
        for t in TaskType::ALL {
            assert_eq!(TaskType::parse(t.key()), Some(t));
            assert_eq!(TaskType::parse(&format!(" {} ", t.key().to_uppercase())), Some(t));
        }
        assert_eq!(TaskType::parse("Analyze"), Some(TaskType::Analysis));
        assert_eq!(TaskType::parse("pipeline"), Some(TaskType::Data));
        assert_eq!(TaskType::parse("report"), Some(TaskType::Writing));
        assert_eq!(TaskType::parse("poetry"), None);
        assert_eq!(TaskType::parse(""), None);
    }
}
