//! A small, safe arithmetic evaluator for the `calculate` tool.
//!
//! Grammar (lowest precedence first):
//!
//! ```text
//! expression := term (('+' | '-') term)*
//! term       := unary (('*' | '/' | '%') unary)*
//! unary      := ('-' | '+') unary | power
//! power      := primary ('^' unary)?          (right-associative; -2^2 = -4)
//! primary    := number | constant | function '(' expression (',' expression)* ')' | '(' expression ')'
//! ```

use super::error::{CalcError, CalcToken};

/// Longest accepted expression, in characters.
pub(super) const MAX_CHARS: usize = 1_000;
/// Deepest accepted nesting of parentheses, calls, signs and powers.
pub(super) const MAX_DEPTH: usize = 100;
/// Names the evaluator knows, for the unknown-name error.
pub(super) const KNOWN_NAMES: &str = "pi, e, sqrt, abs, ln, log10, min, max, round";

/// Evaluates an arithmetic expression: `+ - * / % ^` (power is right-associative), unary minus,
/// parentheses, decimal numbers (optionally with an exponent, `1.5e3`), the constants `pi` and `e`,
/// and the functions `sqrt`, `abs`, `ln`, `log10`, `min(a, b)`, `max(a, b)` and `round`. Errors
/// name the problem and its 1-based character position, e.g. "unexpected ')' at position 7";
/// division by zero and results that are not finite real numbers are errors.
pub fn calculate(expression: &str) -> Result<f64, CalcError> {
    let length = expression.chars().count();
    if length > MAX_CHARS {
        return Err(CalcError::TooLong { length });
    }
    let tokens = tokenize(expression)?;
    if tokens.is_empty() {
        return Err(CalcError::Empty);
    }
    let mut parser = Parser { tokens, next: 0, depth: 0 };
    let value = parser.expression()?;
    match parser.peek() {
        Some(token) => Err(unexpected(Some(token))),
        None => Ok(value),
    }
}

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// A number literal.
    Number(f64),
    /// A constant or function name, lower-cased.
    Name(String),
    /// An operator, parenthesis or comma.
    Symbol(char),
}

/// A token with its source text and 1-based character position.
#[derive(Debug, Clone, PartialEq)]
struct Token {
    kind: Kind,
    text: String,
    position: usize,
}

/// Splits `source` into tokens.
fn tokenize(source: &str) -> Result<Vec<Token>, CalcError> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let kind = if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if chars.get(i) == Some(&'.') {
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            if matches!(chars.get(i), Some('e' | 'E')) {
                let digits_at = if matches!(chars.get(i + 1), Some('+' | '-')) { i + 2 } else { i + 1 };
                if chars.get(digits_at).is_some_and(char::is_ascii_digit) {
                    i = digits_at;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let text: String = chars[start..i].iter().collect();
            match crate::decimal::parse_decimal(&text) {
                Some(value) if value.is_finite() => Kind::Number(value),
                _ => return Err(CalcError::NumberTooLarge { text, position: start + 1 }),
            }
        } else if c.is_ascii_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            Kind::Name(chars[start..i].iter().collect::<String>().to_ascii_lowercase())
        } else if "+-*/%^(),".contains(c) {
            i += 1;
            Kind::Symbol(c)
        } else {
            return Err(CalcError::UnexpectedCharacter { character: c, position: start + 1 });
        };
        tokens.push(Token { kind, text: chars[start..i].iter().collect(), position: start + 1 });
    }
    Ok(tokens)
}

impl Token {
    /// The token as an error names it.
    fn found(&self) -> CalcToken {
        match self.kind {
            Kind::Symbol(c) => CalcToken::Symbol(c),
            Kind::Number(_) => CalcToken::Number(self.text.clone()),
            Kind::Name(_) => CalcToken::Name(self.text.clone()),
        }
    }
}

/// The error for `token` where it does not fit (`None`: the expression ended too early).
fn unexpected(token: Option<&Token>) -> CalcError {
    match token {
        None => CalcError::UnexpectedEnd,
        Some(token) => CalcError::Unexpected { found: token.found(), position: token.position },
    }
}

/// A recursive-descent parser that evaluates as it parses.
struct Parser {
    tokens: Vec<Token>,
    next: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next)
    }

    /// Consumes the next token when it is the symbol `c`; returns its position.
    fn eat(&mut self, c: char) -> Option<usize> {
        let token = self.peek().filter(|t| t.kind == Kind::Symbol(c))?;
        let position = token.position;
        self.next += 1;
        Some(position)
    }

    /// Consumes the symbol `c` or fails.
    fn expect(&mut self, c: char) -> Result<(), CalcError> {
        match self.eat(c) {
            Some(_) => Ok(()),
            None => Err(match self.peek() {
                None => CalcError::ExpectedButEnded { expected: c },
                Some(token) => CalcError::Expected { expected: c, found: token.found(), position: token.position },
            }),
        }
    }

    /// Runs `parse` one nesting level deeper, failing beyond [`MAX_DEPTH`].
    fn nested<T>(
        &mut self,
        position: usize,
        parse: impl FnOnce(&mut Self) -> Result<T, CalcError>,
    ) -> Result<T, CalcError> {
        if self.depth >= MAX_DEPTH {
            return Err(CalcError::TooDeep { position });
        }
        self.depth += 1;
        let result = parse(self);
        self.depth -= 1;
        result
    }

    fn expression(&mut self) -> Result<f64, CalcError> {
        let mut value = self.term()?;
        loop {
            if let Some(position) = self.eat('+') {
                value = finite(value + self.term()?, '+', position)?;
            } else if let Some(position) = self.eat('-') {
                value = finite(value - self.term()?, '-', position)?;
            } else {
                return Ok(value);
            }
        }
    }

    fn term(&mut self) -> Result<f64, CalcError> {
        let mut value = self.unary()?;
        loop {
            if let Some(position) = self.eat('*') {
                value = finite(value * self.unary()?, '*', position)?;
            } else if let Some(position) = self.eat('/') {
                let divisor = self.unary()?;
                if divisor == 0.0 {
                    return Err(CalcError::DivisionByZero { position });
                }
                value = finite(value / divisor, '/', position)?;
            } else if let Some(position) = self.eat('%') {
                let divisor = self.unary()?;
                if divisor == 0.0 {
                    return Err(CalcError::ModuloByZero { position });
                }
                value = finite(value % divisor, '%', position)?;
            } else {
                return Ok(value);
            }
        }
    }

    fn unary(&mut self) -> Result<f64, CalcError> {
        if let Some(position) = self.eat('-') {
            return self.nested(position, |p| p.unary().map(|v| -v));
        }
        if let Some(position) = self.eat('+') {
            return self.nested(position, Self::unary);
        }
        self.power()
    }

    fn power(&mut self) -> Result<f64, CalcError> {
        let base = self.primary()?;
        match self.eat('^') {
            Some(position) => {
                let exponent = self.nested(position, Self::unary)?;
                finite(base.powf(exponent), '^', position)
            }
            None => Ok(base),
        }
    }

    fn primary(&mut self) -> Result<f64, CalcError> {
        let Some(token) = self.peek().cloned() else {
            return Err(unexpected(None));
        };
        self.next += 1;
        match &token.kind {
            Kind::Number(value) => Ok(*value),
            Kind::Symbol('(') => self.nested(token.position, |p| {
                let value = p.expression()?;
                p.expect(')')?;
                Ok(value)
            }),
            Kind::Name(name) => self.name(name, &token),
            Kind::Symbol(_) => Err(unexpected(Some(&token))),
        }
    }

    /// A constant, or a function call whose name has just been consumed.
    fn name(&mut self, name: &str, token: &Token) -> Result<f64, CalcError> {
        let arity = match name {
            "pi" => return Ok(std::f64::consts::PI),
            "e" => return Ok(std::f64::consts::E),
            "sqrt" | "abs" | "ln" | "log10" | "round" => 1,
            "min" | "max" => 2,
            _ => return Err(CalcError::UnknownName { name: token.text.clone(), position: token.position }),
        };
        if self.eat('(').is_none() {
            return Err(CalcError::NotCalled { name: name.to_string(), position: token.position });
        }
        let args = self.nested(token.position, |p| {
            let mut args = vec![p.expression()?];
            while p.eat(',').is_some() {
                args.push(p.expression()?);
            }
            p.expect(')')?;
            Ok(args)
        })?;
        if args.len() != arity {
            return Err(CalcError::ArgumentCount {
                name: name.to_string(),
                expected: arity,
                got: args.len(),
                position: token.position,
            });
        }
        let x = args[0];
        let outside_domain = || CalcError::OutsideDomain {
            function: name.to_string(),
            argument: x.to_string(),
            position: token.position,
        };
        let value = match name {
            "sqrt" if x < 0.0 => return Err(outside_domain()),
            "ln" | "log10" if x <= 0.0 => return Err(outside_domain()),
            "sqrt" => x.sqrt(),
            "abs" => x.abs(),
            "ln" => x.ln(),
            "log10" => x.log10(),
            "round" => x.round(),
            "min" => x.min(args[1]),
            _ => x.max(args[1]),
        };
        Ok(value)
    }
}

/// `value`, or an error when the operator `op` at `position` produced infinity or NaN.
fn finite(value: f64, op: char, position: usize) -> Result<f64, CalcError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(CalcError::NotFinite { operator: op, position })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(expression: &str) -> f64 {
        calculate(expression).unwrap_or_else(|e| panic!("{expression}: {e}"))
    }

    fn err(expression: &str) -> String {
        calculate(expression).expect_err(expression).to_string()
    }

    #[test]
    fn precedence_associativity_and_signs() {
        assert_eq!(ok("1 + 2 * 3"), 7.0);
        assert_eq!(ok("(1 + 2) * 3"), 9.0);
        assert_eq!(ok("10 - 4 - 3"), 3.0);
        assert_eq!(ok("48 / 4 / 2"), 6.0);
        assert_eq!(ok("2 ^ 3 ^ 2"), 512.0);
        assert_eq!(ok("-2 ^ 2"), -4.0);
        assert_eq!(ok("2 ^ -1"), 0.5);
        assert_eq!(ok("--3 + +2"), 5.0);
        assert_eq!(ok("-(2 + 3) * 2"), -10.0);
        assert_eq!(ok("7 % 3"), 1.0);
        assert_eq!(ok("2 * 3 % 4"), 2.0);
    }

    #[test]
    fn numbers_constants_and_functions() {
        assert_eq!(ok("1.5 + .5 + 2."), 4.0);
        assert_eq!(ok("1.5e3 + 2E-1"), 1500.2);
        assert_eq!(ok("pi"), std::f64::consts::PI);
        assert_eq!(ok("E"), std::f64::consts::E);
        assert_eq!(ok("sqrt(16) + abs(-3)"), 7.0);
        assert!((ok("ln(e ^ 2)") - 2.0).abs() < 1e-12);
        assert_eq!(ok("log10(1000)"), 3.0);
        assert_eq!(ok("min(3, max(1, 2))"), 2.0);
        assert_eq!(ok("round(2.5) + round(-2.4)"), 1.0);
        assert_eq!(ok("  SQRT( 9 )\n"), 3.0);
    }

    #[test]
    fn syntax_errors_name_the_position() {
        assert_eq!(err("(1 + 2))"), "unexpected ')' at position 8");
        assert_eq!(err("1 + * 2"), "unexpected '*' at position 5");
        assert_eq!(err("1 +"), "unexpected end of the expression");
        assert_eq!(err("(1 + 2"), "expected ')' but the expression ended");
        assert_eq!(err("min(1 2)"), "unexpected number `2` at position 7 (expected ')')");
        assert_eq!(err("1.2.3"), "unexpected number `.3` at position 4");
        assert_eq!(err("2 $ 3"), "unexpected character '$' at position 3");
        assert_eq!(err(""), "the expression is empty");
        assert_eq!(err("   "), "the expression is empty");
        assert!(err("foo(1)").starts_with("unknown name `foo` at position 1 (known: pi, e,"));
        assert_eq!(err("2 pi"), "unexpected name `pi` at position 3");
        assert_eq!(err("sqrt 4"), "`sqrt` is a function: write sqrt(…) (at position 1)");
        assert_eq!(err("min(1)"), "`min` takes 2 arguments but got 1 (at position 1)");
        assert_eq!(err("abs(1, 2)"), "`abs` takes 1 argument but got 2 (at position 1)");
    }

    #[test]
    fn math_errors_are_reported() {
        assert_eq!(err("1 / (2 - 2)"), "division by zero at position 3");
        assert_eq!(err("5 % 0"), "modulo by zero at position 3");
        assert_eq!(err("sqrt(-4)"), "sqrt of a negative number (-4) at position 1");
        assert_eq!(err("ln(0)"), "ln of a number that is not positive (0) at position 1");
        assert_eq!(err("10 ^ 400"), "'^' at position 4 gives a result that is not a finite real number");
        assert_eq!(err("(-8) ^ (1/3)"), "'^' at position 6 gives a result that is not a finite real number");
        assert_eq!(err("1e999"), "the number `1e999` at position 1 is too large");
    }

    #[test]
    fn errors_are_typed() {
        assert_eq!(calculate("1 / 0"), Err(CalcError::DivisionByZero { position: 3 }));
        assert_eq!(
            calculate("min(1 2)"),
            Err(CalcError::Expected { expected: ')', found: CalcToken::Number("2".into()), position: 7 })
        );
        assert_eq!(
            calculate("Sqrt(-4)"),
            Err(CalcError::OutsideDomain { function: "sqrt".into(), argument: "-4".into(), position: 1 })
        );
        assert_eq!(calculate("Foo"), Err(CalcError::UnknownName { name: "Foo".into(), position: 1 }));
        assert_eq!(calculate("(1"), Err(CalcError::ExpectedButEnded { expected: ')' }));
    }

    #[test]
    fn limits_prevent_runaway_input() {
        let deep = format!("{}1{}", "(".repeat(100), ")".repeat(100));
        assert_eq!(ok(&deep), 1.0);
        let too_deep = format!("{}1{}", "(".repeat(101), ")".repeat(101));
        assert_eq!(err(&too_deep), "the expression is nested too deeply at position 101 (at most 100 levels)");
        assert!(err(&"(".repeat(999)).starts_with("the expression is nested too deeply"));
        assert!(err(&format!("{}1", "-".repeat(500))).starts_with("the expression is nested too deeply"));
        assert!(err(&"2^".repeat(400)).starts_with("the expression is nested too deeply"));
        assert!(err(&"sqrt(".repeat(199)).starts_with("the expression is nested too deeply"));
        assert_eq!(err(&"1".repeat(1001)), "the expression is too long (1001 characters; at most 1000)");
        assert_eq!(ok(&format!("1{}", "+1".repeat(499))), 500.0);
    }
}
