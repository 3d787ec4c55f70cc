//! Helpers for messages about TOML files a user wrote (`duthao.toml`, a
//! profile's `kinds.toml` and `layout.toml`).

/// A list of names for a message ("a, b, c"), or "(none)".
pub fn known<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = names.collect();
    if v.is_empty() {
        "(none)".to_string()
    } else {
        v.join(", ")
    }
}

/// A TOML parser's message in the words of someone editing the file: a
/// control character (invisible in an editor) is named as such.
pub fn toml_message(text: &str, line: usize, raw: &str) -> String {
    let here = text.lines().nth(line.saturating_sub(1)).unwrap_or_default();
    if here.chars().any(|c| c.is_control() && c != '\t') {
        return "this line holds a control character (invisible in most editors); delete it and type the text again".into();
    }
    match raw.trim() {
        "invalid basic string" | "invalid literal string" => {
            "a text value here is not closed with its quote on the same line".into()
        }
        other => other.to_string(),
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}
