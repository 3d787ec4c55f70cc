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
    let value = mapping(&lines, &mut at, 0)?;
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

fn mapping<'a>(lines: &[&'a str], at: &mut usize, indent: usize) -> Option<Value<'a>> {
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
                    mapping(lines, at, indent_of(l))?
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
        if map.iter().any(|(k, _)| *k == key) {
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
                if key.is_empty() || !matches!(plain(key)?, Value::String(_)) {
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
    let first = lines[*at..]
        .iter()
        .find(|l| !l.trim_start_matches(' ').is_empty())?;
    let indent = indent_of(first);
    if indent <= parent {
        return None;
    }
    let mut body: Vec<&str> = Vec::new();
    while let Some(&line) = lines.get(*at) {
        let blank = line.trim_start_matches(' ').is_empty();
        if !blank && indent_of(line) < indent {
            break;
        }
        if line.contains('\t') && indent_of(line) < indent {
            return None;
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
                    if digits.len() != n {
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
