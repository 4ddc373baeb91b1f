//! `CloudWatch` filter patterns for unstructured lines, the subset the demo and the console source
//! apply locally: `ERROR` (contains), `ERROR fit` (both), `"exact phrase"`, `?ERROR ?WARN`
//! (either), `-Debug` (not). Matching is case-sensitive, as in `CloudWatch`.

/// A parsed filter pattern.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pattern {
    all: Vec<String>,
    any: Vec<String>,
    none: Vec<String>,
}

impl Pattern {
    /// Parses `text`; an empty pattern matches every line.
    pub fn parse(text: &str) -> Pattern {
        let mut p = Pattern::default();
        for token in tokens(text) {
            if let Some(t) = token.strip_prefix('?') {
                p.any.push(unquote(t));
            } else if let Some(t) = token.strip_prefix('-').filter(|t| !t.is_empty()) {
                p.none.push(unquote(t));
            } else {
                p.all.push(unquote(&token));
            }
        }
        p
    }

    /// True when `line` matches.
    pub fn matches(&self, line: &str) -> bool {
        self.all.iter().all(|t| line.contains(t.as_str()))
            && (self.any.is_empty() || self.any.iter().any(|t| line.contains(t.as_str())))
            && !self.none.iter().any(|t| line.contains(t.as_str()))
    }
}

/// Splits on whitespace outside double quotes.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn unquote(t: &str) -> String {
    t.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(t).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, line: &str) -> bool {
        Pattern::parse(p).matches(line)
    }

    #[test]
    fn terms_phrases_alternatives_and_exclusions() {
        assert!(m("", "anything"));
        assert!(m("ERROR", "an ERROR here"));
        assert!(!m("ERROR", "an error here"), "case-sensitive");
        assert!(m("fit US", "fit location US"));
        assert!(!m("fit US", "fit location CA"));
        assert!(m("\"location US\"", "fit location US"));
        assert!(!m("\"location US\"", "US location"));
        assert!(m("?ERROR ?WARN", "WARN: slow"));
        assert!(!m("?ERROR ?WARN", "INFO"));
        assert!(m("fit -CA", "fit US"));
        assert!(!m("fit -CA", "fit CA"));
        assert!(m("\"a b\" ?x ?y -z", "a b y"));
    }
}
