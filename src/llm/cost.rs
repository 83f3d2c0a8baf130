//! Token prices per model, to turn token usage into an estimated cost in US dollars.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::decimal::plain;

/// The price of one model, in US dollars per million tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Price {
    /// Model name, or a prefix of model names (e.g. `gpt-4o` also prices `gpt-4o-2024-08-06`).
    pub model: String,
    /// USD per million prompt (input) tokens.
    pub input_per_million: f64,
    /// USD per million completion (output) tokens.
    pub output_per_million: f64,
}

/// Prices of the models Planwright knows; editable as text ([`PriceTable::to_text`],
/// [`PriceTable::parse_table`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceTable {
    /// The prices, one per model name or prefix.
    pub prices: Vec<Price>,
}

/// Why the text form of a price table does not read; each error names its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PriceTableError {
    /// A line does not have the three fields `model input_per_million output_per_million`.
    #[error(
        "line {line}: expected `model input_per_million output_per_million`, got {fields} field{}",
        if *.fields == 1 { "" } else { "s" }
    )]
    FieldCount {
        /// The line.
        line: usize,
        /// How many fields it has.
        fields: usize,
    },
    /// A model is priced on two lines.
    #[error("line {line}: `{model}` is already priced on line {first_line}")]
    DuplicateModel {
        /// The second line.
        line: usize,
        /// The model.
        model: String,
        /// The line that priced it first.
        first_line: usize,
    },
    /// A price is not a non-negative decimal number.
    #[error("line {line}: `{text}` is not a valid {column} price (USD per million tokens, e.g. 0.15)")]
    BadPrice {
        /// The line.
        line: usize,
        /// The field as written.
        text: String,
        /// Which column: `input` or `output`.
        column: &'static str,
    },
}

impl Default for PriceTable {
    /// Common hosted models at their list prices, and free local models.
    fn default() -> Self {
        let price = |model: &str, input_per_million: f64, output_per_million: f64| Price {
            model: model.to_string(),
            input_per_million,
            output_per_million,
        };
        PriceTable {
            prices: vec![
                price("gpt-4o-mini", 0.15, 0.60),
                price("gpt-4o", 2.50, 10.00),
                price("gpt-4.1-mini", 0.40, 1.60),
                price("gpt-4.1-nano", 0.10, 0.40),
                price("gpt-4.1", 2.00, 8.00),
                price("claude-3-5-haiku-latest", 0.80, 4.00),
                price("claude-sonnet-4-5", 3.00, 15.00),
                price("llama3.2", 0.0, 0.0),
                price("llama3.1", 0.0, 0.0),
                price("qwen2.5", 0.0, 0.0),
            ],
        }
    }
}

impl PriceTable {
    /// The cost in USD of a call to `model`, priced by the entry named exactly `model`, else by the
    /// longest entry that is a prefix of `model`; `None` when no entry fits.
    pub fn cost_usd(&self, model: &str, prompt_tokens: u64, completion_tokens: u64) -> Option<f64> {
        let model = model.trim();
        let price = self.prices.iter().find(|p| p.model == model).or_else(|| {
            self.prices
                .iter()
                .filter(|p| !p.model.is_empty() && model.starts_with(&p.model))
                .max_by_key(|p| p.model.len())
        })?;
        Some(
            (prompt_tokens as f64 * price.input_per_million + completion_tokens as f64 * price.output_per_million)
                / 1_000_000.0,
        )
    }

    /// Parses the text form: one `model input_per_million output_per_million` line per model;
    /// blank lines and `#` comments are ignored. Errors give the 1-based line number.
    pub fn parse_table(text: &str) -> Result<PriceTable, PriceTableError> {
        let mut prices: Vec<Price> = Vec::new();
        let mut lines: Vec<usize> = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let number = index + 1;
            let line = raw.split('#').next().unwrap_or_default();
            let fields: Vec<&str> = line.split_whitespace().collect();
            match fields[..] {
                [] => continue,
                [model, input, output] => {
                    if let Some(at) = prices.iter().position(|p| p.model == model) {
                        return Err(PriceTableError::DuplicateModel {
                            line: number,
                            model: model.to_string(),
                            first_line: lines[at],
                        });
                    }
                    prices.push(Price {
                        model: model.to_string(),
                        input_per_million: parse_price(number, input, "input")?,
                        output_per_million: parse_price(number, output, "output")?,
                    });
                    lines.push(number);
                }
                _ => return Err(PriceTableError::FieldCount { line: number, fields: fields.len() }),
            }
        }
        Ok(PriceTable { prices })
    }

    /// The editable text form read by [`PriceTable::parse_table`].
    pub fn to_text(&self) -> String {
        let mut text = String::from("# model  USD per million input tokens  USD per million output tokens\n");
        for price in &self.prices {
            text.push_str(&format!(
                "{} {} {}\n",
                price.model,
                plain(price.input_per_million),
                plain(price.output_per_million)
            ));
        }
        text
    }
}

/// A non-negative price from the `column` (input or output) column of line `number`.
fn parse_price(number: usize, field: &str, column: &'static str) -> Result<f64, PriceTableError> {
    match crate::decimal::parse_decimal(field) {
        Some(value) if value.is_finite() && value >= 0.0 => Ok(value),
        _ => Err(PriceTableError::BadPrice { line: number, text: field.to_string(), column }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    #[test]
    fn prices_by_exact_then_longest_prefix() {
        let table = PriceTable::default();
        assert!(close(table.cost_usd("gpt-4o-mini", 1_000_000, 1_000_000), 0.75));
        assert!(close(table.cost_usd("gpt-4o", 2_000, 1_000), 0.015));
        assert!(close(table.cost_usd("gpt-4o-mini-2024-07-18", 1_000_000, 0), 0.15));
        assert!(close(table.cost_usd("gpt-4o-2024-08-06", 0, 1_000_000), 10.0));
        assert!(close(table.cost_usd("gpt-4.1-mini-2025-04-14", 1_000_000, 0), 0.40));
        assert!(close(table.cost_usd("gpt-4.1", 1_000_000, 0), 2.0));
        assert!(close(table.cost_usd("claude-3-5-haiku-latest", 1_000_000, 1_000_000), 4.8));
        assert!(close(table.cost_usd("claude-sonnet-4-5-20250929", 1_000, 1_000), 0.018));
        assert!(close(table.cost_usd("llama3.2:latest", 5_000, 5_000), 0.0));
        assert_eq!(table.cost_usd("mystery-model", 10, 10), None);
        assert_eq!(table.cost_usd("gpt-4", 10, 10), None);
    }

    #[test]
    fn text_form_round_trips() {
        let table = PriceTable::default();
        let text = table.to_text();
        assert!(text.contains("\ngpt-4o-mini 0.15 0.6\n"), "{text}");
        assert_eq!(PriceTable::parse_table(&text).unwrap(), table);
    }

    #[test]
    fn parses_comments_and_blank_lines() {
        let table = PriceTable::parse_table("# prices\n\n  my-model  1.5 3 # hosted\nlocal 0 0\n").unwrap();
        assert_eq!(
            table.prices,
            [
                Price { model: "my-model".to_string(), input_per_million: 1.5, output_per_million: 3.0 },
                Price { model: "local".to_string(), input_per_million: 0.0, output_per_million: 0.0 },
            ]
        );
        assert!(PriceTable::parse_table("").unwrap().prices.is_empty());
    }

    #[test]
    fn bad_lines_name_their_number() {
        assert_eq!(
            PriceTable::parse_table("a 1 2\nb 1\n").unwrap_err().to_string(),
            "line 2: expected `model input_per_million output_per_million`, got 2 fields"
        );
        assert_eq!(
            PriceTable::parse_table("\n\na 1 x").unwrap_err().to_string(),
            "line 3: `x` is not a valid output price (USD per million tokens, e.g. 0.15)"
        );
        assert_eq!(
            PriceTable::parse_table("a -1 2").unwrap_err().to_string(),
            "line 1: `-1` is not a valid input price (USD per million tokens, e.g. 0.15)"
        );
        assert!(PriceTable::parse_table("a NaN 2")
            .unwrap_err()
            .to_string()
            .starts_with("line 1: `NaN` is not a valid input price"));
        assert_eq!(
            PriceTable::parse_table("a 1 2\n# x\na 3 4").unwrap_err().to_string(),
            "line 3: `a` is already priced on line 1"
        );
        assert_eq!(
            PriceTable::parse_table("a 1 2 3").unwrap_err().to_string(),
            "line 1: expected `model input_per_million output_per_million`, got 4 fields"
        );
    }

    #[test]
    fn errors_are_typed() {
        assert_eq!(
            PriceTable::parse_table("a 1 2\nb 1 -0.5"),
            Err(PriceTableError::BadPrice { line: 2, text: "-0.5".into(), column: "output" })
        );
        assert_eq!(
            PriceTable::parse_table("x 0 0\n\nx 1 1"),
            Err(PriceTableError::DuplicateModel { line: 3, model: "x".into(), first_line: 1 })
        );
        let one = PriceTable::parse_table("lonely").unwrap_err();
        assert_eq!(one, PriceTableError::FieldCount { line: 1, fields: 1 });
        assert_eq!(one.to_string(), "line 1: expected `model input_per_million output_per_million`, got 1 field");
    }

    #[test]
    fn serde_round_trip() {
        let table = PriceTable::default();
        let json = serde_json::to_string(&table).unwrap();
        assert!(json.contains(r#"{"model":"gpt-4o","input_per_million":2.5,"output_per_million":10.0}"#));
        assert_eq!(serde_json::from_str::<PriceTable>(&json).unwrap(), table);
    }
}
