//! The set of tools available to a run, and which of them each task type gets.

use super::builtin::{builtin_tools, CALCULATE, EXTRACT_JSON, HTTP_GET};
use super::ToolDef;
use crate::plan::task_type::TaskType;

/// Longest accepted tool name (the OpenAI and Anthropic limit).
pub(super) const MAX_NAME_LEN: usize = 64;

/// The built-in tools plus the user's tools.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolRegistry {
    /// All tools: the built-ins first, then the user's in the order given.
    pub tools: Vec<ToolDef>,
}

impl ToolRegistry {
    /// The built-in tools plus `user`. Fails when a user tool's name is not `[a-zA-Z0-9_-]{1,64}`
    /// or is already taken by a built-in or an earlier user tool.
    pub fn with_user_tools(user: Vec<ToolDef>) -> Result<Self, super::ToolError> {
        let mut tools = builtin_tools();
        for def in user {
            check_name(&def.name)?;
            if tools.iter().any(|t| t.name == def.name) {
                return Err(super::ToolError::NameTaken { name: def.name });
            }
            tools.push(def);
        }
        Ok(ToolRegistry { tools })
    }

    /// The tool called `name`, if any.
    pub fn get(&self, name: &str) -> Option<&ToolDef> {
        self.tools.iter().find(|t| t.name == name)
    }

    /// The tools offered to a task of type `kind` (trimmed, case-insensitive).
    ///
    /// Built-ins follow [`builtin_tool_names`] for the [`TaskType`] the kind names (synonyms
    /// included); other types get none. User tools are offered only to the types in their
    /// `for_types` (an empty list offers the tool to no task). An untyped task (`None` or blank)
    /// gets no tools at all.
    pub fn for_task_type(&self, kind: Option<&str>) -> Vec<&ToolDef> {
        let Some(kind) = kind.map(|k| k.trim().to_ascii_lowercase()).filter(|k| !k.is_empty()) else {
            return Vec::new();
        };
        let builtins =
            TaskType::parse(&kind).map_or(&[][..], builtin_tool_names).iter().filter_map(|name| self.get(name));
        let user = self
            .tools
            .iter()
            .filter(|t| !is_builtin_name(&t.name))
            .filter(|t| t.for_types.iter().any(|f| f.trim().eq_ignore_ascii_case(&kind)));
        builtins.chain(user).collect()
    }
}

/// The built-in tools a task of type `kind` gets, in the order they are offered.
pub fn builtin_tool_names(kind: TaskType) -> &'static [&'static str] {
    match kind {
        TaskType::Research => &[HTTP_GET, EXTRACT_JSON],
        TaskType::Analysis => &[CALCULATE, EXTRACT_JSON],
        TaskType::Data | TaskType::Code => &[EXTRACT_JSON, CALCULATE],
        TaskType::Writing | TaskType::Review => &[],
    }
}

/// Whether `name` is one of the built-in tools.
fn is_builtin_name(name: &str) -> bool {
    [HTTP_GET, EXTRACT_JSON, CALCULATE].contains(&name)
}

/// Checks that `name` is `[a-zA-Z0-9_-]{1,64}`.
fn check_name(name: &str) -> Result<(), super::ToolError> {
    if name.is_empty() {
        return Err(super::ToolError::EmptyName);
    }
    if let Some(bad) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-')) {
        return Err(super::ToolError::NameCharacter { name: name.to_string(), character: bad });
    }
    // Only ASCII is left, so bytes are characters.
    if name.len() > MAX_NAME_LEN {
        return Err(super::ToolError::NameTooLong { name: name.to_string(), length: name.len() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::ToolKind;
    use super::*;

    fn user(name: &str, for_types: &[&str]) -> ToolDef {
        ToolDef {
            name: name.to_string(),
            description: "user tool".to_string(),
            parameters: json!({"type": "object"}),
            kind: ToolKind::UserHttp { url: "https://api.example/x".to_string(), method: "GET".to_string() },
            for_types: for_types.iter().map(|t| t.to_string()).collect(),
        }
    }

    fn names(tools: &[&ToolDef]) -> Vec<String> {
        tools.iter().map(|t| t.name.clone()).collect()
    }

    #[test]
    fn builtins_follow_the_type_table() {
        let registry = ToolRegistry::with_user_tools(Vec::new()).unwrap();
        assert_eq!(registry.tools.len(), 3);
        assert_eq!(names(&registry.for_task_type(Some("research"))), [HTTP_GET, EXTRACT_JSON]);
        assert_eq!(names(&registry.for_task_type(Some(" Analysis "))), [CALCULATE, EXTRACT_JSON]);
        assert_eq!(names(&registry.for_task_type(Some("analyze"))), [CALCULATE, EXTRACT_JSON]);
        for kind in ["data", "pipeline", "CODE"] {
            assert_eq!(names(&registry.for_task_type(Some(kind))), [EXTRACT_JSON, CALCULATE]);
        }
        for kind in [Some("writing"), Some("report"), Some("review"), Some("poetry"), Some(" "), None] {
            assert!(registry.for_task_type(kind).is_empty(), "{kind:?}");
        }
    }

    #[test]
    fn user_tools_are_offered_by_for_types() {
        let registry =
            ToolRegistry::with_user_tools(vec![user("nowhere", &[]), user("search", &["Research", " writing "])])
                .unwrap();
        assert_eq!(names(&registry.for_task_type(Some("research"))), [HTTP_GET, EXTRACT_JSON, "search"]);
        assert_eq!(names(&registry.for_task_type(Some("WRITING"))), ["search"]);
        assert_eq!(names(&registry.for_task_type(Some("code"))), [EXTRACT_JSON, CALCULATE]);
        assert!(registry.for_task_type(Some("poetry")).is_empty(), "an empty for_types offers the tool to no task");
        assert!(registry.get("nowhere").is_some(), "it is still defined");
        assert!(registry.for_task_type(None).is_empty());
        assert_eq!(registry.get("search").map(|t| t.for_types.len()), Some(2));
        assert!(registry.get("nope").is_none());
    }

    #[test]
    fn bad_or_clashing_user_names_are_rejected() {
        let err = ToolRegistry::with_user_tools(vec![user("calculate", &[])]).unwrap_err();
        assert_eq!(err, super::super::ToolError::NameTaken { name: "calculate".into() });
        assert!(err.to_string().contains("`calculate` already exists"), "{err}");
        let err = ToolRegistry::with_user_tools(vec![user("a", &[]), user("a", &[])]).unwrap_err().to_string();
        assert!(err.contains("`a` already exists"), "{err}");
        let err = ToolRegistry::with_user_tools(vec![user("", &[])]).unwrap_err().to_string();
        assert!(err.contains("empty name"), "{err}");
        let err = ToolRegistry::with_user_tools(vec![user("my tool", &[])]).unwrap_err().to_string();
        assert!(err.contains("contains ' '"), "{err}");
        let err = ToolRegistry::with_user_tools(vec![user("é", &[])]).unwrap_err().to_string();
        assert!(err.contains("contains 'é'"), "{err}");
        let err = ToolRegistry::with_user_tools(vec![user(&"x".repeat(65), &[])]).unwrap_err().to_string();
        assert!(err.contains("65 characters long"), "{err}");
        assert!(ToolRegistry::with_user_tools(vec![user(&"x".repeat(64), &[]), user("A-b_9", &[])]).is_ok());
    }
}
