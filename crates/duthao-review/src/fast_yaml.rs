//! A reader for the plain subset of YAML that duthao itself writes (block
//! mappings of one-line scalars), about ten times faster than a full YAML
//! parser on the thousands of small event files a review holds. Anything
//! outside that subset — flow collections, anchors, tags, block scalars,
//! continuation lines, plain scalars that YAML could read as another type —
//! gives `None`, and the caller reads the file with the full parser, which
//! also reports errors with their line. So a file is never read differently
//! by the two: the subset is where they agree (checked by the tests, which
//! compare both on every event the writer can make).

use std::borrow::Cow;

use crate::event::*;
use crate::id::EventId;

/// A value of the subset.
#[derive(Debug)]
pub enum Value<'a> {
    /// A block mapping, in file order.
    Mapping(Vec<(&'a str, Value<'a>)>),
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
        if key.is_empty()
            || !key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return None;
        }
        let value = if value.is_empty() {
            // A nested mapping, more indented, or an empty value.
            let mut next = *at;
            skip_blank(lines, &mut next);
            match lines.get(next) {
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

/// The event a document of the subset holds, when it holds exactly the
/// fields of one (no unknown key, none missing, every type right); `None`
/// sends the file to the full parser, which names what is wrong.
pub fn event(text: &str) -> Option<Event> {
    let Value::Mapping(fields) = parse(text)? else {
        return None;
    };
    let mut f = Fields::new(fields);
    let kind = f.string("event")?;
    let event = match kind.as_str() {
        "comment" => Event::Comment(Comment {
            id: f.id("id")?,
            draft: f.string("draft")?,
            version: u32::try_from(f.number("version")?).ok()?,
            level: f.string("level")?,
            body: f.string("body")?,
            author: f.person("author")?,
            time: f.stamp("time")?,
            anchor: match f.take("anchor") {
                None => None,
                Some(Value::Mapping(m)) => Some(anchor(m)?),
                Some(_) => return None,
            },
            text: f.string("text")?,
            proposal: f.opt_string("proposal")?,
            source: source(f.mapping("source")?)?,
        }),
        "reply" => Event::Reply(Reply {
            id: f.id("id")?,
            comment: f.id("comment")?,
            author: f.person("author")?,
            time: f.stamp("time")?,
            text: f.string("text")?,
            source: match f.take("source") {
                None => None,
                Some(Value::Mapping(m)) => Some(source(m)?),
                Some(_) => return None,
            },
        }),
        "response" => Event::Response(Response {
            id: f.id("id")?,
            comment: f.id("comment")?,
            author: f.person("author")?,
            time: f.stamp("time")?,
            decision: match f.string("decision")?.as_str() {
                "accept" => Decision::Accept,
                "partial" => Decision::Partial,
                "explain" => Decision::Explain,
                _ => return None,
            },
            text: f.opt_string("text")?,
            supersedes: match f.take("supersedes") {
                None => None,
                Some(Value::String(s)) => Some(EventId::parse(&s)?),
                Some(_) => return None,
            },
        }),
        "agreement" => Event::Agreement(Agreement {
            id: f.id("id")?,
            draft: f.string("draft")?,
            version: u32::try_from(f.number("version")?).ok()?,
            level: f.string("level")?,
            body: f.string("body")?,
            author: f.person("author")?,
            time: f.stamp("time")?,
            source: source(f.mapping("source")?)?,
        }),
        "withdrawal" => Event::Withdrawal(Withdrawal {
            id: f.id("id")?,
            comment: f.id("comment")?,
            author: f.person("author")?,
            time: f.stamp("time")?,
            reason: f.opt_string("reason")?,
        }),
        _ => return None,
    };
    f.done().then_some(event)
}

/// The fields of a mapping, taken one by one; any left over is unknown.
struct Fields<'a>(Vec<(&'a str, Value<'a>)>);

impl<'a> Fields<'a> {
    fn new(v: Vec<(&'a str, Value<'a>)>) -> Self {
        Fields(v)
    }
    fn take(&mut self, key: &str) -> Option<Value<'a>> {
        let i = self.0.iter().position(|(k, _)| *k == key)?;
        Some(self.0.swap_remove(i).1)
    }
    fn string(&mut self, key: &str) -> Option<String> {
        match self.take(key)? {
            Value::String(s) => Some(s.into_owned()),
            _ => None,
        }
    }
    /// Absent is `Some(None)`; present and not a string is `None`.
    fn opt_string(&mut self, key: &str) -> Option<Option<String>> {
        match self.take(key) {
            None => Some(None),
            Some(Value::String(s)) => Some(Some(s.into_owned())),
            Some(_) => None,
        }
    }
    fn number(&mut self, key: &str) -> Option<u64> {
        match self.take(key)? {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }
    fn id(&mut self, key: &str) -> Option<EventId> {
        EventId::parse(&self.string(key)?)
    }
    fn stamp(&mut self, key: &str) -> Option<Stamp> {
        let text = self.string(key)?;
        time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
            .ok()
            .map(Stamp)
    }
    fn mapping(&mut self, key: &str) -> Option<Vec<(&'a str, Value<'a>)>> {
        match self.take(key)? {
            Value::Mapping(m) => Some(m),
            _ => None,
        }
    }
    fn person(&mut self, key: &str) -> Option<Person> {
        let mut f = Fields::new(self.mapping(key)?);
        let p = Person {
            name: f.string("name")?,
            email: f.opt_string("email")?.unwrap_or_default(),
        };
        f.done().then_some(p)
    }
    fn done(&self) -> bool {
        self.0.is_empty()
    }
}

fn anchor(m: Vec<(&str, Value<'_>)>) -> Option<Anchor> {
    let mut f = Fields::new(m);
    let a = Anchor {
        path: f.string("path")?,
        block: usize::try_from(f.number("block")?).ok()?,
        fingerprint: f.string("fingerprint")?,
        quote: match f.take("quote") {
            None => None,
            Some(Value::Mapping(q)) => {
                let mut q = Fields::new(q);
                let quote = Quote {
                    text: q.string("text")?,
                    start: usize::try_from(q.number("start")?).ok()?,
                    end: usize::try_from(q.number("end")?).ok()?,
                };
                q.done().then_some(quote)?.into()
            }
            Some(_) => return None,
        },
    };
    f.done().then_some(a)
}

fn source(m: Vec<(&str, Value<'_>)>) -> Option<Source> {
    let mut f = Fields::new(m);
    let s = Source {
        via: match f.string("via")?.as_str() {
            "typed" => Via::Typed,
            "docx" => Via::Docx,
            "letter" => Via::Letter,
            _ => return None,
        },
        file: f.opt_string("file")?,
        sha256: f.opt_string("sha256")?,
        item: f.opt_string("item")?,
        letter: f.opt_string("letter")?,
        resolved: match f.take("resolved") {
            None => false,
            Some(Value::Bool(b)) => b,
            Some(_) => return None,
        },
    };
    f.done().then_some(s)
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn comment(
        text: String,
        proposal: Option<String>,
        body: String,
        letter: Option<String>,
    ) -> Event {
        Event::Comment(Comment {
            id: EventId::from_parts(1_790_000_000_000, [7; 10]),
            draft: "x".into(),
            version: 3,
            level: "co-so".into(),
            body,
            author: Person {
                name: "Nguyễn Văn B".into(),
                email: "b@example.vn".into(),
            },
            time: Stamp(time::OffsetDateTime::from_unix_timestamp(1_790_000_000).unwrap()),
            anchor: Some(Anchor {
                path: "II > 2 > b)".into(),
                block: 12,
                fingerprint: "0123456789abcdef".into(),
                quote: Some(Quote {
                    text: "năm 2025".into(),
                    start: 4,
                    end: 13,
                }),
            }),
            text,
            proposal,
            source: Source {
                via: Via::Letter,
                letter,
                ..Source::typed()
            },
        })
    }

    /// Text that trips YAML: indicators, quotes, colons, comments, lines,
    /// words YAML reads as other types, Vietnamese letters, controls.
    fn tricky() -> impl Strategy<Value = String> {
        let atoms = prop::sample::select(vec![
            "a",
            "Đề nghị",
            " ",
            "  ",
            ":",
            ": ",
            "#",
            " #",
            "'",
            "\"",
            "\\",
            "\n",
            "\t",
            "-",
            "?",
            "[",
            "]",
            "{",
            "}",
            "&",
            "*",
            "!",
            "|",
            ">",
            "%",
            "@",
            "`",
            ",",
            "yes",
            "no",
            "null",
            "~",
            "true",
            "1",
            "0",
            "012",
            "1.5",
            "1e3",
            ".inf",
            "0x1f",
            "\r",
            "\u{85}",
            "\u{2028}",
            "\u{1b}",
            "\u{feff}",
            "—",
            "“",
            "năm 2030",
            "---",
            "...",
        ]);
        prop::collection::vec(atoms, 0..12).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn the_fast_path_reads_what_the_full_parser_reads(
            text in tricky(),
            proposal in prop::option::of(tricky()),
            body in tricky(),
            letter in prop::option::of(tricky()),
        ) {
            // As the operations store them.
            let clean = |t: &str| crate::nfc(t);
            let e = comment(clean(&text), proposal.as_deref().map(clean), clean(&body), letter.as_deref().map(clean));
            let yaml = e.to_yaml();
            let full: Result<Event, _> = serde_yaml_ng::from_str(&yaml);
            prop_assert_eq!(full.as_ref().ok(), Some(&e), "the writer's file reads back: {}", yaml);
            if let Some(fast) = event(&yaml) {
                prop_assert_eq!(Some(fast), full.ok(), "{}", yaml);
            }
        }
    }

    #[test]
    fn what_the_writer_makes_takes_the_fast_path() {
        let e = comment(
            "Đề nghị: làm rõ \"mốc\" năm 2030\nvà 'lộ trình'".into(),
            Some("yes".into()),
            "Ban Tổ chức".into(),
            Some("123".into()),
        );
        let yaml = e.to_yaml();
        let fast = event(&yaml).unwrap_or_else(|| panic!("{yaml}"));
        assert_eq!(fast, e);
    }

    #[test]
    fn every_kind_of_event_takes_the_fast_path() {
        let id = |n: u8| EventId::from_parts(1_790_000_000_000 + u64::from(n), [n; 10]);
        let who = Person {
            name: "Trần Thị C".into(),
            email: String::new(),
        };
        let at = Stamp(time::OffsetDateTime::from_unix_timestamp(1_790_000_100).unwrap());
        let events = vec![
            Event::Reply(Reply {
                id: id(1),
                comment: id(0),
                author: who.clone(),
                time: at,
                text: "Đồng ý\nhai dòng".into(),
                source: None,
            }),
            Event::Response(Response {
                id: id(2),
                comment: id(0),
                author: who.clone(),
                time: at,
                decision: Decision::Partial,
                text: Some("Một phần".into()),
                supersedes: Some(id(3)),
            }),
            Event::Response(Response {
                id: id(4),
                comment: id(0),
                author: who.clone(),
                time: at,
                decision: Decision::Accept,
                text: None,
                supersedes: None,
            }),
            Event::Agreement(Agreement {
                id: id(5),
                draft: "x".into(),
                version: 2,
                level: "co-so".into(),
                body: "Chi bộ".into(),
                author: who.clone(),
                time: at,
                source: Source {
                    via: Via::Docx,
                    file: Some("y kien.docx".into()),
                    sha256: Some("ab".repeat(32)),
                    item: Some("c3".into()),
                    letter: None,
                    resolved: true,
                },
            }),
            Event::Withdrawal(Withdrawal {
                id: id(6),
                comment: id(0),
                author: who,
                time: at,
                reason: Some("Rút".into()),
            }),
        ];
        for e in events {
            let yaml = e.to_yaml();
            assert_eq!(event(&yaml).as_ref(), Some(&e), "{yaml}");
            assert_eq!(serde_yaml_ng::from_str::<Event>(&yaml).ok(), Some(e));
        }
    }
}
