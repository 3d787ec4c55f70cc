//! Review events read through `duthao_model::plain_yaml`, the reader for
//! the plain YAML subset duthao writes: about ten times faster than a full
//! YAML parser on the thousands of small event files a review holds. A file
//! outside the subset, or one that does not hold exactly the fields of an
//! event, gives `None`, and the caller reads it with the full parser, which
//! also reports errors with their line (checked by the tests, which compare
//! both on every event the writer can make).

use duthao_model::plain_yaml::{Value, parse};

use crate::event::*;
use crate::id::EventId;

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
