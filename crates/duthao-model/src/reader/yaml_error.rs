//! YAML errors in the words of someone who edits a draft's front matter:
//! where the problem starts (the line a quote opened on, the line indented
//! too far, the second copy of a key) and what to write instead, with none
//! of the parser's vocabulary ("untagged enums", "field identifier").

/// A front-matter error: file line, column and message.
pub(crate) struct Explained {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// `raw` is the parser's message without its position, at `line`/`column`
/// of the file (the front matter's first line is the file's line 2).
pub(crate) fn explain(yaml: &str, raw: &str, line: usize, column: usize) -> Explained {
    let at = |line, message: String| Explained {
        line,
        column: 1,
        message,
    };
    // A quote that is never closed swallows the rest of the front matter:
    // the parser only notices at the end. The line it opened on is the one
    // to fix.
    if (raw.contains("end of stream") || raw.contains("quoted scalar"))
        && let Some((l, q)) = unclosed_quote(yaml)
    {
        return at(
            l,
            format!("the quote {q} opened on this line is never closed; end the value with {q}"),
        );
    }
    if (raw.contains("cannot start any token") || raw.contains("found a tab"))
        && let Some(l) = yaml
            .lines()
            .position(|l| l.starts_with('\t') || l.trim_start_matches(' ').starts_with('\t'))
    {
        return at(
            l + 2,
            "this line is indented with a tab; YAML indents with spaces only: replace the tab with two spaces".into(),
        );
    }
    if raw.contains("mapping values are not allowed") {
        let text = yaml.lines().nth(line.saturating_sub(2)).unwrap_or_default();
        return match indented_too_far(yaml, line) {
            Some((have, want)) => at(
                line,
                format!(
                    "this line is indented {have} spaces but the key above it {want}; keys of one group line up (indent with the same number of spaces)"
                ),
            ),
            None if value_has_colon(text) => Explained {
                line,
                column,
                message: "a value that contains \": \" must be in quotes, e.g. title: \"về việc ban hành Quy chế: làm việc\"".into(),
            },
            None => at(
                line,
                "this line is not `key: value` where YAML expects one; check its indentation and quote a value that contains \": \"".into(),
            ),
        };
    }
    // The only value read as "a number or a text" is the document number.
    if raw.contains("untagged enum Raw") {
        return at(
            key_lines(yaml, "number").first().copied().unwrap_or(line),
            "`number` must be a whole positive number, or empty until the document is issued"
                .into(),
        );
    }
    if raw.contains("control characters are not allowed")
        && let Some(l) = yaml
            .lines()
            .position(|l| l.chars().any(|c| c.is_control() && c != '\t'))
    {
        return at(
            l + 2,
            "this line holds a control character (invisible in most editors); delete it and type the text again".into(),
        );
    }
    if let Some(key) = raw
        .strip_prefix("duplicate field `")
        .and_then(|r| r.split('`').next())
    {
        let second = key_lines(yaml, key).get(1).copied().unwrap_or(line);
        return at(
            second,
            format!(
                "`{key}` is written twice; keep one (the first is on line {})",
                key_lines(yaml, key).first().copied().unwrap_or(line)
            ),
        );
    }
    Explained {
        line,
        column,
        message: plain(raw),
    }
}

/// The file line of each top-level or nested `key:` in the front matter.
fn key_lines(yaml: &str, key: &str) -> Vec<usize> {
    let pat = format!("{key}:");
    yaml.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with(&pat))
        .map(|(i, _)| i + 2)
        .collect()
}

/// The first line whose value opens a quote that no later line closes, and
/// the quote.
fn unclosed_quote(yaml: &str) -> Option<(usize, char)> {
    let mut open: Option<(usize, char)> = None;
    for (i, l) in yaml.lines().enumerate() {
        let mut chars = l.char_indices().peekable();
        // Outside a quote, only a value's first character opens one.
        let value_start = match open {
            Some(_) => Some(0),
            None => value_start(l),
        };
        let Some(start) = value_start else { continue };
        while let Some((j, c)) = chars.next() {
            if j < start {
                continue;
            }
            match (open, c) {
                (None, '"' | '\'') if j == start => open = Some((i + 2, c)),
                (None, _) => break,
                (Some((_, '"')), '\\') => {
                    chars.next();
                }
                (Some((_, '\'')), '\'') if chars.peek().map(|p| p.1) == Some('\'') => {
                    chars.next();
                }
                (Some((_, q)), c) if c == q => open = None,
                _ => {}
            }
        }
    }
    open
}

/// Where the value of a `key: value` line (or a `- value` item) starts.
fn value_start(line: &str) -> Option<usize> {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    if let Some(rest) = trimmed.strip_prefix("- ") {
        return Some(indent + 2 + (rest.len() - rest.trim_start().len()));
    }
    let colon = trimmed.find(": ")?;
    let after = &trimmed[colon + 2..];
    Some(indent + colon + 2 + (after.len() - after.trim_start().len()))
}

/// Whether the value of a `key: value` line holds another `": "`.
fn value_has_colon(line: &str) -> bool {
    value_start(line).is_some_and(|s| line[s..].contains(": "))
}

/// For an error at file line `line`: (its indentation, the indentation of
/// the scalar `key: value` line above it) when it is a plain `key: value`
/// line indented deeper than that sibling — a key indented too far.
fn indented_too_far(yaml: &str, line: usize) -> Option<(usize, usize)> {
    let lines: Vec<&str> = yaml.lines().collect();
    let here = *lines.get(line.checked_sub(2)?)?;
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let is_key_value = |l: &str| {
        let t = l.trim_start();
        t.find(": ").is_some_and(|c| {
            t[..c]
                .chars()
                .all(|ch| ch.is_alphanumeric() || ch == '_' || ch == '-')
        })
    };
    if !is_key_value(here) {
        return None;
    }
    let above = lines[..line - 2]
        .iter()
        .rev()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
    (is_key_value(above) && indent(here) > indent(above)).then(|| (indent(here), indent(above)))
}

/// The parser's vocabulary in plain words.
fn plain(raw: &str) -> String {
    let (key, rest) = match raw.split_once(": ") {
        Some((k, r)) if !k.contains(' ') && !k.is_empty() => (Some(k), r),
        _ => (None, raw),
    };
    let prefix = key.map(|k| format!("`{k}` ")).unwrap_or_default();
    let what = |expected: &str| -> &str {
        if expected.starts_with("struct FrontMatter") {
            "keys and values (kind: …, issuer: …, title: …), not a list or a single value"
        } else if expected.starts_with("struct Issuer") {
            "a group of indented keys (parent, name, code), not a single value"
        } else if expected.starts_with("struct Signer") {
            "a group of indented keys (authority, title, name), not a single value"
        } else if expected.starts_with("a sequence") {
            "a list, one `- …` line per item"
        } else if expected.starts_with("a string") {
            "one text value, not a list or a group of keys"
        } else {
            "a different kind of value"
        }
    };
    let message = if rest.contains("untagged and internally tagged enums")
        || rest.contains("enum input")
    {
        "uses a YAML tag (`!…`); write the value plainly".to_string()
    } else if rest.contains(" as u128") || rest.contains(" as i128") {
        "is too large a number; a document number is a positive whole number".to_string()
    } else if rest.contains("did not match any variant of untagged enum") {
        "must be a whole positive number, or empty until the document is issued".to_string()
    } else if rest.contains("expected field identifier") {
        "a key must be a plain name (`key: value`); keys written as `? …` are not supported"
            .to_string()
    } else if rest.contains("repetition limit exceeded")
        || rest.contains("recursion limit exceeded")
    {
        "anchors (`*name`) repeat too many times or nest too deep; write the values out".to_string()
    } else if let Some(field) = rest
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        match key {
            Some(_) => {
                format!("is missing field `{field}`; add it on an indented line ({field}: …)")
            }
            None => format!("missing field `{field}`; add a line {field}: …"),
        }
    } else if let Some(expected) = rest
        .split(", expected ")
        .nth(1)
        .filter(|_| rest.starts_with("invalid type"))
    {
        format!("must be {}", what(expected))
    } else if rest.contains("could not find expected ':'") {
        "a line here is not `key: value`; check the line and the one before it".to_string()
    } else if rest.contains("did not find expected ',' or ']'") {
        "a list in brackets is not closed with `]`".to_string()
    } else if rest.contains("did not find expected ',' or '}'") {
        "a group in braces is not closed with `}`".to_string()
    } else if rest.contains("control characters are not allowed") {
        "holds a control character; remove it (it is invisible in most editors)".to_string()
    } else {
        return raw.to_string();
    };
    match key {
        None => message,
        Some(_) => format!("{prefix}{message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unclosed_quote_is_found_where_it_opens() {
        let yaml = "kind: nghi-quyet\nissuer:\n  name: X\ntitle: \"về x\ndate: 2026-01-01\n";
        assert_eq!(unclosed_quote(yaml), Some((5, '"')));
        let closed = "kind: a\ntitle: \"về \\\"x\\\"\"\nb: 'it''s'\n";
        assert_eq!(unclosed_quote(closed), None);
        let multi = "title: \"về\n  x\"\nb: 1\n";
        assert_eq!(unclosed_quote(multi), None);
    }

    #[test]
    fn a_key_indented_too_far_is_told_apart_from_a_colon_in_a_value() {
        let yaml = "kind: a\nissuer:\n  name: X\n   code: TU\ntitle: x\n";
        assert_eq!(indented_too_far(yaml, 5), Some((3, 2)));
        let colon = "kind: a\ntitle: về x: làm việc\n";
        assert_eq!(indented_too_far(colon, 3), None);
        assert!(value_has_colon("title: về x: làm việc"));
    }
}
