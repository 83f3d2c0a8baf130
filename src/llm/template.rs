//! The three plan shapes Planwright offers: a hint for the LLM and the blueprint of the Demo provider.

use serde::{Deserialize, Serialize};

/// A plan template the user can pick (or that is detected from the goal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Template {
    /// Research → Analyze → Report.
    ResearchReport,
    /// Review of a code change.
    CodeReview,
    /// Extract → transform → load.
    DataPipeline,
}

impl Template {
    /// Every template, in the order the UI lists them.
    pub const ALL: [Template; 3] = [Template::ResearchReport, Template::CodeReview, Template::DataPipeline];

    /// Stable key used in settings and the `<select>`.
    pub fn key(self) -> &'static str {
        match self {
            Template::ResearchReport => "research",
            Template::CodeReview => "code-review",
            Template::DataPipeline => "data-pipeline",
        }
    }

    /// The template with this key.
    pub fn from_key(key: &str) -> Option<Template> {
        Template::ALL.into_iter().find(|t| t.key() == key)
    }

    /// Label shown to the user.
    pub fn label(self) -> &'static str {
        match self {
            Template::ResearchReport => "Research → Analyze → Report",
            Template::CodeReview => "Code Review",
            Template::DataPipeline => "Data Pipeline",
        }
    }

    /// The shape the LLM is asked to follow when the user picks this template.
    pub fn shape_hint(self) -> &'static str {
        match self {
            Template::ResearchReport => {
                "Shape the plan as research -> analysis -> report: scope the question, research several \
                 independent aspects in parallel, analyse the findings, then draft and review a report."
            }
            Template::CodeReview => {
                "Shape the plan as a code review: map the change, review correctness, security, \
                 performance, tests and style in parallel, then consolidate the findings into a review."
            }
            Template::DataPipeline => {
                "Shape the plan as a data pipeline: define schema and sources, extract each source in \
                 parallel, clean and profile the data, transform and join, then load and report quality."
            }
        }
    }

    /// A goal to start from when the user picks the template with an empty goal box.
    pub fn example_goal(self) -> &'static str {
        match self {
            Template::ResearchReport => "Write a briefing on the state of solid-state batteries for EVs",
            Template::CodeReview => "Review the pull request that adds OAuth login to our web app",
            Template::DataPipeline => "Build a nightly pipeline that loads sales and web analytics into the warehouse",
        }
    }

    /// The template whose keywords best match `goal` (research/report by default).
    pub fn detect(goal: &str) -> Template {
        let goal = goal.to_ascii_lowercase();
        let score = |words: &[&str]| words.iter().filter(|w| goal.contains(*w)).count();
        let code = score(&["code", "review", "pull request", " pr", "diff", "commit", "refactor", "bug"]);
        let data = score(&["data", "pipeline", "etl", "warehouse", "csv", "ingest", "dataset", "sql"]);
        if code == 0 && data == 0 {
            Template::ResearchReport
        } else if code >= data {
            Template::CodeReview
        } else {
            Template::DataPipeline
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_template_from_goal_keywords() {
        assert_eq!(Template::detect("Review the PR that adds caching"), Template::CodeReview);
        assert_eq!(Template::detect("Build an ETL pipeline for sales data"), Template::DataPipeline);
        assert_eq!(Template::detect("Compare heat pumps and gas boilers"), Template::ResearchReport);
    }

    #[test]
    fn keys_round_trip() {
        for t in Template::ALL {
            assert_eq!(Template::from_key(t.key()), Some(t));
        }
        assert_eq!(Template::from_key("nope"), None);
    }
}
