//! A model per task type (`research`, `writing`, …): a task of a type with a model uses it instead
//! of the provider's model. One field per [`TaskType`]; blank means "the provider's model".

use serde::{Deserialize, Serialize};

use crate::plan::task_type::TaskType;

/// The model of each task type; an empty text means none is set.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TypeModels {
    /// Model of `research` tasks.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub research: String,
    /// Model of `analysis` tasks.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub analysis: String,
    /// Model of `data` tasks.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub data: String,
    /// Model of `code` tasks.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub code: String,
    /// Model of `writing` tasks.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub writing: String,
    /// Model of `review` tasks.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub review: String,
}

impl TypeModels {
    /// The model set for `task_type` (empty when none).
    pub fn get(&self, task_type: TaskType) -> &str {
        match task_type {
            TaskType::Research => &self.research,
            TaskType::Analysis => &self.analysis,
            TaskType::Data => &self.data,
            TaskType::Code => &self.code,
            TaskType::Writing => &self.writing,
            TaskType::Review => &self.review,
        }
    }

    /// Sets the model of `task_type` (trimmed; blank clears it).
    pub fn set(&mut self, task_type: TaskType, model: &str) {
        let slot = match task_type {
            TaskType::Research => &mut self.research,
            TaskType::Analysis => &mut self.analysis,
            TaskType::Data => &mut self.data,
            TaskType::Code => &mut self.code,
            TaskType::Writing => &mut self.writing,
            TaskType::Review => &mut self.review,
        };
        *slot = model.trim().to_string();
    }

    /// True when no type has a model.
    pub fn is_empty(&self) -> bool {
        TaskType::ALL.iter().all(|&t| self.get(t).is_empty())
    }
}
