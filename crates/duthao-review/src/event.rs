//! The events of a review, one small YAML file each, never edited after
//! they are written. What a comment "is" at any moment is the fold of its
//! events ([`crate::Review`]).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::id::EventId;

/// A moment, written in RFC 3339 with its offset ("2026-11-29T16:05:00+07:00").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp(pub OffsetDateTime);

impl Stamp {
    /// Now, in the machine's offset when it is known, else UTC.
    pub fn now() -> Stamp {
        let now = OffsetDateTime::now_utc();
        let local = time::UtcOffset::current_local_offset()
            .map(|o| now.to_offset(o))
            .unwrap_or(now);
        Stamp(local.replace_nanosecond(0).unwrap_or(local))
    }

    /// Milliseconds since 1970, for ids.
    pub fn unix_millis(&self) -> u64 {
        (self.0.unix_timestamp_nanos() / 1_000_000).max(0) as u64
    }

    /// "dd/mm/yyyy", as dates are written in Vietnamese documents.
    pub fn date_vi(&self) -> String {
        let d = self.0.date();
        format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.format(&Rfc3339) {
            Ok(s) => f.write_str(&s),
            Err(_) => write!(f, "{}", self.0),
        }
    }
}

impl Serialize for Stamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Stamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        OffsetDateTime::parse(&text, &Rfc3339)
            .map(Stamp)
            .map_err(|_| serde::de::Error::custom(format!("`{text}` is not an RFC 3339 time")))
    }
}

/// Who wrote an event, as git knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Their name.
    pub name: String,
    /// Their email.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
}

impl fmt::Display for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.email.is_empty() {
            f.write_str(&self.name)
        } else {
            write!(f, "{} <{}>", self.name, self.email)
        }
    }
}

/// A passage of a block that a comment quotes: its text and where it
/// stands in the block's plain text (byte offsets, NFC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quote {
    /// The passage.
    pub text: String,
    /// Its first byte in the block's text.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
}

/// Where in a version a comment points: the block's structural path (what
/// a reviewer cites), its index and fingerprint in that version (what the
/// carrying forward follows), and optionally the quoted passage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Anchor {
    /// "II > 2 > b)", as the version shows it.
    pub path: String,
    /// The block's index in the version's body (0-based).
    pub block: usize,
    /// The block's fingerprint in that version (16 hex digits).
    pub fingerprint: String,
    /// The passage commented on, when it is not the whole block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<Quote>,
}

/// How a comment reached the drafter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Via {
    /// Typed in with `comment add`.
    Typed,
    /// Read from a commented Word file by `comment import`.
    Docx,
    /// Copied from an incoming letter (công văn).
    Letter,
}

/// Where a comment came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Typed, imported, or from a letter.
    pub via: Via,
    /// The Word file's name, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The Word file's SHA-256 (hex): a second import of it adds nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// What in the Word file this came from: a comment's id ("c3") or a
    /// tracked change's paragraph ("p12").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// The incoming letter: "Số 12-CV/ĐU, ngày 20/11/2026".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter: Option<String>,
    /// The reviewer marked it resolved in Word before sending the file.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub resolved: bool,
}

impl Source {
    /// Typed in by the user.
    pub fn typed() -> Source {
        Source {
            via: Via::Typed,
            file: None,
            sha256: None,
            item: None,
            letter: None,
            resolved: false,
        }
    }
}

/// A comment of a body on one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Comment {
    /// Its id.
    pub id: EventId,
    /// The draft's name.
    pub draft: String,
    /// The version it was made on ("Dự thảo lần N").
    pub version: u32,
    /// The level's id in `duthao.toml`.
    pub level: String,
    /// The commenting body (chủ thể góp ý).
    pub body: String,
    /// Who recorded it.
    pub author: Person,
    /// When.
    pub time: Stamp,
    /// Where it points; none for a comment on the draft as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<Anchor>,
    /// What the body says.
    pub text: String,
    /// The wording the body proposes ("đề nghị sửa thành …").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal: Option<String>,
    /// Where it came from.
    pub source: Source,
}

/// A reply in a comment's thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    /// Its id.
    pub id: EventId,
    /// The comment it answers.
    pub comment: EventId,
    /// Who wrote it.
    pub author: Person,
    /// When.
    pub time: Stamp,
    /// What it says.
    pub text: String,
    /// Where it came from (a reply in a Word file, or typed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// The drafter's answer to a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// Tiếp thu: taken in.
    Accept,
    /// Tiếp thu một phần: partly taken in.
    Partial,
    /// Giải trình: explained, not taken in.
    Explain,
}

impl Decision {
    /// The Vietnamese name, as the synthesis table writes it.
    pub fn name_vi(self) -> &'static str {
        match self {
            Decision::Accept => "Tiếp thu",
            Decision::Partial => "Tiếp thu một phần",
            Decision::Explain => "Giải trình",
        }
    }
}

/// The drafter's response to a comment. A later response supersedes the
/// one it names; two that supersede the same one were made apart (two
/// sites) and are a conflict the drafter should settle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// Its id.
    pub id: EventId,
    /// The comment answered.
    pub comment: EventId,
    /// Who answered.
    pub author: Person,
    /// When.
    pub time: Stamp,
    /// Tiếp thu, tiếp thu một phần or giải trình.
    pub decision: Decision,
    /// The answer's text (what was changed, or why not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The response that was current when this one was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<EventId>,
}

/// A body has no comments on a version (thống nhất).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    /// Its id.
    pub id: EventId,
    /// The draft's name.
    pub draft: String,
    /// The version agreed with.
    pub version: u32,
    /// The level's id.
    pub level: String,
    /// The body.
    pub body: String,
    /// Who recorded it.
    pub author: Person,
    /// When.
    pub time: Stamp,
    /// Where it came from (a letter, typically).
    pub source: Source,
}

/// A comment taken back, by its body or recorded by the drafter. It stays
/// in history; it no longer needs an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Withdrawal {
    /// Its id.
    pub id: EventId,
    /// The comment withdrawn.
    pub comment: EventId,
    /// Who recorded it.
    pub author: Person,
    /// When.
    pub time: Stamp,
    /// Why, when said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One event file's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// A comment.
    Comment(Comment),
    /// A reply to a comment.
    Reply(Reply),
    /// The drafter's response.
    Response(Response),
    /// No comments (thống nhất).
    Agreement(Agreement),
    /// A comment withdrawn.
    Withdrawal(Withdrawal),
}

/// The first line of every event file: what it is and that it is never edited.
const HEADER: &str = "# duthao review event (docs/review-events.md): written once, never edited\n";

impl Event {
    /// The event's id.
    pub fn id(&self) -> &EventId {
        match self {
            Event::Comment(e) => &e.id,
            Event::Reply(e) => &e.id,
            Event::Response(e) => &e.id,
            Event::Agreement(e) => &e.id,
            Event::Withdrawal(e) => &e.id,
        }
    }

    /// When it happened.
    pub fn time(&self) -> Stamp {
        match self {
            Event::Comment(e) => e.time,
            Event::Reply(e) => e.time,
            Event::Response(e) => e.time,
            Event::Agreement(e) => e.time,
            Event::Withdrawal(e) => e.time,
        }
    }

    /// What kind of event, in one word.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Comment(_) => "comment",
            Event::Reply(_) => "reply",
            Event::Response(_) => "response",
            Event::Agreement(_) => "agreement",
            Event::Withdrawal(_) => "withdrawal",
        }
    }

    /// The file name it is stored under in `reviews/<slug>/`: its id, so
    /// two sites never write the same file.
    pub fn file_name(&self) -> String {
        format!("{}.yaml", self.id())
    }

    /// The file's text: YAML, NFC, with a header line.
    pub fn to_yaml(&self) -> String {
        let body = serde_yaml_ng::to_string(self).unwrap_or_default();
        crate::nfc(&format!("{HEADER}{body}"))
    }

    /// Reads an event file. `file` names it in errors.
    pub fn from_yaml(bytes: &[u8], file: &Path) -> Result<Event, EventError> {
        let text = std::str::from_utf8(bytes).map_err(|e| EventError {
            file: file.to_path_buf(),
            line: line_of(bytes, e.valid_up_to()),
            message: "is not UTF-8 text".into(),
        })?;
        // The files duthao writes take the fast path; anything else, and
        // every error, goes through the full parser.
        let fast = crate::fast_yaml::event(text);
        let event: Event = match fast {
            Some(e) => e,
            None => serde_yaml_ng::from_str(text).map_err(|e| EventError {
                file: file.to_path_buf(),
                line: e.location().map_or(1, |l| l.line()),
                message: yaml_message(&e),
            })?,
        };
        let expected = event.file_name();
        if file.file_name().and_then(|n| n.to_str()) != Some(expected.as_str()) {
            return Err(EventError {
                file: file.to_path_buf(),
                line: 1,
                message: format!(
                    "holds event {}, which belongs in a file named {expected}",
                    event.id()
                ),
            });
        }
        Ok(event)
    }
}

/// serde_yaml_ng's message without its own "at line N column M" (the error
/// names the line itself).
fn yaml_message(e: &serde_yaml_ng::Error) -> String {
    let text = e.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn line_of(bytes: &[u8], offset: usize) -> usize {
    1 + bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// An event file that cannot be read. The other events still load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}:{line}: {message}", file.display())]
pub struct EventError {
    /// The file, relative to the workspace.
    pub file: PathBuf,
    /// The line (1-based).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}
