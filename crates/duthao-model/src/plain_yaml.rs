//! A reader for the plain subset of YAML that duthao itself writes: block
//! mappings of one-line scalars, literal blocks, and lists of one-line
//! items. It is about ten times faster than a full YAML parser, which
//! matters on the thousands of small event files a review holds and on the
//! front matter of every draft a redline reads. Anything outside that subset
//! (flow collections, anchors, tags, continuation lines, plain scalars that
//! YAML could read as another type) gives `None`, and the caller reads the
//! text with the full parser, which also reports errors with their line. So
//! a text is never read differently by the two: the subset is where they
//! agree, checked by the tests of each caller against `serde_yaml_ng` (the
//! review's events, and `reader`'s front matter).

use std::borrow::Cow;

/// A value of the subset.
#[derive(Debug)]
pub enum Value<'a> {
    /// A block mapping, in file order.
    Mapping(Vec<(&'a str, Value<'a>)>),
    /// A block sequence of one-line items, each a scalar or one `key: value`
    /// pair (`- Lưu: VT, KGVX`).
    Sequence(Vec<Value<'a>>),
    /// A string scalar.
    String(Cow<'a, str>),
    /// A plain decimal integer.
    Number(u64),
    /// `true` or `false`.
    Bool(bool),
    /// A key with nothing after it.
    Null,
}

/// The document as a YAML value, or `None` when it is outside the subset.
pub fn parse(text: &str) -> Option<Value<'_>> {
    // YAML's reader refuses control characters anywhere in the stream, a
    // comment included, and reads a lone `\r`, NEL, LS and PS as line
    // breaks: the full parser decides such a file (found by fuzzing: a
    // NUL in the header comment was accepted here, refused there).
    if !in_subset(text) {
        return None;
    }
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut at = 0;
    let value = mapping(&lines, &mut at, 0, 0)?;
    skip_blank(&lines, &mut at);
    // Every line must have been taken by the mapping at its indentation.
    (at == lines.len()).then_some(value)
}

/// Whether every character is one the full parser reads as itself: YAML's
/// printable characters, less the line breaks other than `\n` and `\r\n`
/// and the byte-order mark.
fn in_subset(text: &str) -> bool {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let ok = match c {
            '\t' | '\n' | ' '..='~' => true,
            '\r' => chars.peek() == Some(&'\n'),
            '\u{2028}' | '\u{2029}' | '\u{feff}' => false,
            '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'.. => true,
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    true
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Steps over blank lines and whole-line comments between entries.
fn skip_blank(lines: &[&str], at: &mut usize) {
    while *at < lines.len() {
        let t = lines[*at].trim_start_matches(' ');
        if t.is_empty() || t.starts_with('#') {
            *at += 1;
        } else {
            break;
        }
    }
}

/// How deep mappings may nest, and how many keys one may hold, in the
/// subset. duthao writes three levels and a few dozen keys; past these the
/// full parser decides (it stops at 128 levels with an error, where a
/// reader that recursed on would overflow the stack; and the search for a
/// key written twice grows with the square of the keys).
const MAX_DEPTH: usize = 16;
const MAX_KEYS: usize = 128;

/// libyaml gives up on a key that runs 1,024 characters or more before its
/// colon; the subset stops well short of that.
const MAX_KEY_BYTES: usize = 512;

fn mapping<'a>(
    lines: &[&'a str],
    at: &mut usize,
    indent: usize,
    depth: usize,
) -> Option<Value<'a>> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut map: Vec<(&'a str, Value<'a>)> = Vec::new();
    loop {
        skip_blank(lines, at);
        let Some(&line) = lines.get(*at) else { break };
        let here = indent_of(line);
        if here < indent {
            break;
        }
        if here > indent || line.as_bytes().get(here) == Some(&b'\t') {
            return None;
        }
        *at += 1;
        let rest = &line[here..];
        let (key, value) = rest.split_once(':')?;
        // A key YAML reads as a number, a boolean or null (`1:`, `true:`)
        // is not the text it looks like.
        if key.is_empty()
            || key.len() > MAX_KEY_BYTES
            || !key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            || !matches!(plain(key)?, Value::String(_))
        {
            return None;
        }
        let value = if value.is_empty() {
            // A nested mapping, more indented, or an empty value.
            let mut next = *at;
            skip_blank(lines, &mut next);
            match lines.get(next) {
                // A list may stand at its key's indentation.
                Some(&l) if indent_of(l) >= indent && is_item(&l[indent_of(l)..]) => {
                    *at = next;
                    sequence(lines, at, indent_of(l))?
                }
                Some(&l) if indent_of(l) > indent => {
                    *at = next;
                    mapping(lines, at, indent_of(l), depth + 1)?
                }
                _ => Value::Null,
            }
        } else {
            let value = value.strip_prefix(' ')?;
            match value {
                "|-" => Value::String(literal(lines, at, indent, true)?.into()),
                "|" => Value::String(literal(lines, at, indent, false)?.into()),
                _ => scalar(value)?,
            }
        };
        if map.len() >= MAX_KEYS || map.iter().any(|(k, _)| *k == key) {
            return None;
        }
        map.push((key, value));
    }
    Some(Value::Mapping(map))
}

fn is_item(line: &str) -> bool {
    line == "-" || line.starts_with("- ")
}

/// The `- item` lines of a block sequence at `indent`.
fn sequence<'a>(lines: &[&'a str], at: &mut usize, indent: usize) -> Option<Value<'a>> {
    let mut items = Vec::new();
    loop {
        skip_blank(lines, at);
        let Some(&line) = lines.get(*at) else { break };
        let here = indent_of(line);
        if here < indent || (here == indent && !is_item(&line[here..])) {
            break;
        }
        if here > indent {
            return None;
        }
        *at += 1;
        let item = &line[here + 1..];
        if item.is_empty() {
            items.push(Value::Null);
            continue;
        }
        let item = item.strip_prefix(' ')?;
        // A plain item with a `: ` (or a final `:`) is a one-pair mapping;
        // a quoted one is a scalar, whatever it holds.
        let pair = if item.starts_with(['\'', '"']) {
            None
        } else {
            item.find(": ")
                .or_else(|| item.ends_with(':').then(|| item.len() - 1))
        };
        items.push(match pair {
            None => scalar(item)?,
            Some(colon) => {
                // YAML drops the spaces between a key and its colon.
                let key = item[..colon].trim_end_matches(' ');
                if key.is_empty()
                    || key.len() > MAX_KEY_BYTES
                    || !matches!(plain(key)?, Value::String(_))
                {
                    return None;
                }
                let value = match &item[colon + 1..] {
                    "" => Value::Null,
                    v => scalar(v.strip_prefix(' ')?)?,
                };
                Value::Mapping(vec![(key, value)])
            }
        });
    }
    Some(Value::Sequence(items))
}

/// A literal block scalar (`|-` strips the final line break, `|` keeps
/// one) whose lines are indented more than its key.
fn literal(lines: &[&str], at: &mut usize, parent: usize, strip: bool) -> Option<String> {
    let rest = &lines[*at..];
    let first = rest
        .iter()
        .position(|l| !l.trim_start_matches(' ').is_empty())?;
    let indent = indent_of(rest[first]);
    // libyaml takes the block's indentation from its leading blank lines
    // too, and then refuses a first line indented less than they are; and
    // while it looks for that indentation, a tab is an error.
    if indent <= parent
        || rest[..first].iter().any(|l| l.len() > indent)
        || rest[first][indent..].starts_with('\t')
    {
        return None;
    }
    let mut body: Vec<&str> = Vec::new();
    while let Some(&line) = lines.get(*at) {
        let blank = line.trim_start_matches(' ').is_empty();
        if !blank && indent_of(line) < indent {
            break;
        }
        // A blank line shorter than the indentation is an empty line of the text.
        body.push(line.get(indent..).unwrap_or(""));
        *at += 1;
    }
    // Trailing blank lines belong to the chomping, not the text.
    while body.last().is_some_and(|l| l.is_empty()) {
        body.pop();
        *at -= 1;
    }
    let mut text = body.join("\n");
    if !strip {
        text.push('\n');
    }
    Some(text)
}

fn scalar(text: &str) -> Option<Value<'_>> {
    let first = *text.as_bytes().first()?;
    match first {
        b'\'' => single_quoted(text).map(|s| Value::String(s.into())),
        b'"' => double_quoted(text).map(|s| Value::String(s.into())),
        _ => plain(text),
    }
}

/// A plain scalar is a string unless YAML could read it as anything else;
/// then only a decimal integer is taken here, the rest is left to the full
/// parser.
fn plain(text: &str) -> Option<Value<'_>> {
    let bad_start = matches!(
        text.as_bytes()[0],
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'%'
            | b'@'
            | b'`'
            | b' '
            | b'\t'
    );
    if bad_start
        || text.ends_with(' ')
        || text.ends_with(':')
        || text.contains(": ")
        || text.contains(" #")
        || text.contains('\t')
    {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        if text.len() > 1 && text.starts_with('0') {
            return None;
        }
        return text.parse::<u64>().ok().map(Value::Number);
    }
    // What YAML (as the full parser resolves it) could read as null, a
    // boolean or a number: left to the full parser.
    match text {
        "true" => return Some(Value::Bool(true)),
        "false" => return Some(Value::Bool(false)),
        _ => {}
    }
    // Text led by a letter is a number only as `inf` or `nan` (which Rust
    // parses, in any case), and null or a boolean only as those words: the
    // common case, decided without the allocation and the float parse below.
    let b = text.as_bytes();
    if b[0] >= 0x80 || b[0].is_ascii_alphabetic() {
        let starts =
            |w: &str| b.len() >= w.len() && b[..w.len()].eq_ignore_ascii_case(w.as_bytes());
        let special = ["null", "true", "false"]
            .iter()
            .any(|w| text.eq_ignore_ascii_case(w))
            || starts("inf")
            || starts("nan");
        return (!special).then_some(Value::String(Cow::Borrowed(text)));
    }
    let lower = text.to_ascii_lowercase();
    let special = matches!(lower.as_str(), "~" | "null" | "true" | "false")
        || lower.trim_start_matches(['+', '-', '.']).starts_with("inf")
        || lower.trim_start_matches(['+', '-', '.']).starts_with("nan");
    let unsigned = lower.trim_start_matches(['+', '-']);
    let numeric = text.parse::<f64>().is_ok()
        || unsigned.starts_with("0x")
        || unsigned.starts_with("0o")
        || unsigned.starts_with("0b")
        || (unsigned.starts_with(|c: char| c.is_ascii_digit())
            && unsigned.bytes().all(|b| b.is_ascii_digit() || b == b'_'));
    if special || numeric {
        return None;
    }
    Some(Value::String(Cow::Borrowed(text)))
}

fn single_quoted(text: &str) -> Option<String> {
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            // Inside, a quote is only ever doubled.
            if chars.next() != Some('\'') {
                return None;
            }
        }
        out.push(c);
    }
    Some(out)
}

fn double_quoted(text: &str) -> Option<String> {
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return None,
            '\\' => {
                let e = chars.next()?;
                let hex = |n: usize, chars: &mut std::str::Chars<'_>| -> Option<char> {
                    let digits: String = chars.by_ref().take(n).collect();
                    // `from_str_radix` would also take a sign.
                    if digits.len() != n || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                        return None;
                    }
                    char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
                };
                out.push(match e {
                    '0' => '\0',
                    'a' => '\u{7}',
                    'b' => '\u{8}',
                    't' | '\t' => '\t',
                    'n' => '\n',
                    'v' => '\u{b}',
                    'f' => '\u{c}',
                    'r' => '\r',
                    'e' => '\u{1b}',
                    ' ' => ' ',
                    '"' => '"',
                    '/' => '/',
                    '\\' => '\\',
                    'N' => '\u{85}',
                    '_' => '\u{a0}',
                    'L' => '\u{2028}',
                    'P' => '\u{2029}',
                    'x' => hex(2, &mut chars)?,
                    'u' => hex(4, &mut chars)?,
                    'U' => hex(8, &mut chars)?,
                    _ => return None,
                });
            }
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts the full parser refuses, each found by a review of this
    /// reader, and texts too deep or too wide for the subset: all are left
    /// to the full parser.
    #[test]
    fn what_the_full_parser_refuses_is_left_to_it() {
        let refused = [
            "a: \"\\x+1\"\n".to_string(),
            "a: \"\\u+041\"\n".to_string(),
            "a: |\n   \n  b\n".to_string(),
            "a: |\n \n  \t \n".to_string(),
            "a: |\n  \tb\n".to_string(),
            format!("{}: x\n", "a".repeat(1030)),
            format!("a:\n  {}: x\n", "b".repeat(1030)),
            format!("a:\n  - Lưu {}: VT\n", "ư".repeat(520)),
        ];
        for text in &refused {
            assert!(parse(text).is_none(), "{:?}", &text[..text.len().min(60)]);
            assert!(serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text).is_err());
        }
        // 40 levels (the full parser stops at 128, and a reader that
        // recursed on would overflow the stack first) and 20,000 keys (a
        // search for repeated keys that grows with their square).
        let deep: String = (0..40)
            .map(|d| format!("{}k{d}:\n", "  ".repeat(d)))
            .collect::<String>()
            + &"  ".repeat(40)
            + "v: x\n";
        let wide: String = (0..20_000).map(|i| format!("k{i}: v\n")).collect();
        assert!(parse(&deep).is_none());
        assert!(parse(&wide).is_none());
    }

    #[test]
    fn a_literal_block_after_blank_lines_no_wider_than_it_is_read() {
        let text = "a: |\n\n  \n  b\n";
        let Some(Value::Mapping(m)) = parse(text) else {
            panic!("in the subset")
        };
        let Value::String(s) = &m[0].1 else {
            panic!("a string")
        };
        assert_eq!(s, "\n\nb\n");
        let full: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).unwrap();
        assert_eq!(full["a"].as_str(), Some("\n\nb\n"));
    }
}
