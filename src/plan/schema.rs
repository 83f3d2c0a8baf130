//! The JSON Schema of the plan an LLM answers with, for structured outputs.

use serde_json::Value;

/// A JSON Schema for a plan that OpenAI strict structured outputs accept: every object lists all
/// its properties as required and forbids others. A task's `type` is a string or `null` (strict
/// mode's way to make a field optional); [`super::parse::plan_from_json`] reads `null` as no type.
pub fn plan_json_schema() -> Value {
    // Parsed from text: the same schema built with `json!` compiles to several KB of Wasm.
    serde_json::from_str(PLAN_SCHEMA).expect("the plan schema is valid JSON")
}

/// The schema [`plan_json_schema`] returns, as JSON text.
const PLAN_SCHEMA: &str = r#"{
  "type": "object",
  "properties": {
    "tasks": {
      "type": "array",
      "description": "The atomic tasks of the plan.",
      "items": {
        "type": "object",
        "properties": {
          "id": { "type": "string", "description": "Unique task id, e.g. T1." },
          "name": { "type": "string", "description": "Short name of the task." },
          "description": { "type": "string", "description": "What the task must do." },
          "depends_on": {
            "type": "array", "items": { "type": "string" },
            "description": "Ids of the tasks whose results this task needs."
          },
          "can_parallelize": { "type": "boolean", "description": "Whether it can run beside others." },
          "type": {
            "type": ["string", "null"],
            "description": "Task type such as research, analysis or code; null if none fits."
          }
        },
        "required": ["id", "name", "description", "depends_on", "can_parallelize", "type"],
        "additionalProperties": false
      }
    },
    "critical_path": {
      "type": "array", "items": { "type": "string" },
      "description": "The longest chain of dependent task ids, first to last."
    }
  },
  "required": ["tasks", "critical_path"],
  "additionalProperties": false
}"#;

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::llm::demo::demo_plan;
    use crate::llm::template::Template;
    use crate::plan::parse::plan_from_json;

    /// Whether `value` has the JSON type `name`.
    fn has_type(value: &Value, name: &str) -> bool {
        match name {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            other => panic!("the checker does not know type {other}"),
        }
    }

    /// The problems of `value` against the subset of JSON Schema `plan_json_schema` uses.
    fn check(schema: &Value, value: &Value, path: &str, problems: &mut Vec<String>) {
        let types: Vec<&str> = match &schema["type"] {
            Value::String(name) => vec![name.as_str()],
            Value::Array(names) => names.iter().filter_map(Value::as_str).collect(),
            other => panic!("{path}: schema without a type: {other}"),
        };
        if !types.iter().any(|name| has_type(value, name)) {
            problems.push(format!("{path}: expected {types:?}, found {value}"));
            return;
        }
        if let Some(object) = value.as_object() {
            for key in schema["required"].as_array().expect("objects list required keys") {
                let key = key.as_str().unwrap();
                if !object.contains_key(key) {
                    problems.push(format!("{path}: missing `{key}`"));
                }
            }
            for (key, item) in object {
                match schema["properties"].get(key) {
                    Some(property) => check(property, item, &format!("{path}.{key}"), problems),
                    None => problems.push(format!("{path}: unexpected `{key}`")),
                }
            }
        }
        if let Some(items) = value.as_array() {
            for (i, item) in items.iter().enumerate() {
                check(&schema["items"], item, &format!("{path}[{i}]"), problems);
            }
        }
    }

    /// Every object schema inside `schema` (itself included).
    fn object_schemas(schema: &Value, out: &mut Vec<Value>) {
        if schema["type"] == "object" {
            out.push(schema.clone());
        }
        for property in schema["properties"].as_object().into_iter().flat_map(|p| p.values()) {
            object_schemas(property, out);
        }
        if let Some(items) = schema.get("items") {
            object_schemas(items, out);
        }
    }

    #[test]
    fn schema_follows_the_strict_mode_rules() {
        let mut objects = Vec::new();
        object_schemas(&plan_json_schema(), &mut objects);
        assert_eq!(objects.len(), 2, "the plan and its tasks");
        for object in objects {
            assert_eq!(object["additionalProperties"], false);
            let mut required: Vec<&str> =
                object["required"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
            let mut properties: Vec<&str> =
                object["properties"].as_object().unwrap().keys().map(String::as_str).collect();
            required.sort_unstable();
            properties.sort_unstable();
            assert_eq!(required, properties);
        }
    }

    #[test]
    fn the_demo_plan_conforms_and_parses_back() {
        for template in [Template::ResearchReport, Template::CodeReview, Template::DataPipeline] {
            let plan = demo_plan("Ship a product", template, 7);
            let mut value = serde_json::to_value(&plan).unwrap();
            // The export leaves out an unset type; a structured answer carries it as null.
            for task in value["tasks"].as_array_mut().unwrap() {
                task.as_object_mut().unwrap().entry("type").or_insert(Value::Null);
            }
            let mut problems = Vec::new();
            check(&plan_json_schema(), &value, "$", &mut problems);
            assert!(problems.is_empty(), "{problems:#?}");
            assert_eq!(plan_from_json(value).unwrap(), plan);
        }
    }

    #[test]
    fn the_checker_catches_missing_extra_and_mistyped_fields() {
        let value = json!({"tasks": [{"id": "T1", "name": "a", "description": "", "depends_on": "T0",
                                      "can_parallelize": true, "type": 3, "parent": "T0"}]});
        let mut problems = Vec::new();
        check(&plan_json_schema(), &value, "$", &mut problems);
        problems.sort();
        assert_eq!(
            problems,
            [
                "$.tasks[0].depends_on: expected [\"array\"], found \"T0\"",
                "$.tasks[0].type: expected [\"string\", \"null\"], found 3",
                "$.tasks[0]: unexpected `parent`",
                "$: missing `critical_path`",
            ]
        );
    }
}
