//! The review of a draft: the comments that bodies at every level send on
//! a version, the replies in their threads, the drafter's responses (tiếp
//! thu / tiếp thu một phần / giải trình), and the bodies' "no comments"
//! (thống nhất).
//!
//! Everything is an append-only event, one small YAML file under
//! `reviews/<slug>/` named by its id, never edited: two sites that add
//! and answer comments apart merge with plain `git pull` and never
//! conflict. What a comment is now is the fold of its events
//! ([`Review::fold`]). Anchors point into the version a comment was made
//! on and follow the text to later versions through the diff's block
//! alignment ([`Carrier`]); a comment is never dropped, only shown as
//! outdated. [`Synthesis`] is the content of the synthesis table.
//!
//! This crate reads and writes no file and runs no git: the operations
//! layer gives it bytes and commits what it returns.

#![warn(missing_docs)]

pub mod anchor;
pub mod event;
mod fast_yaml;
pub mod id;
pub mod report;
pub mod review;

pub use anchor::{AnchorError, Carrier, Placement, locate};
pub use event::{
    Agreement, Anchor, Comment, Decision, Event, EventError, Person, Quote, Reply, Response,
    Source, Stamp, Via, Withdrawal,
};
pub use id::EventId;
pub use report::{
    BodyAnswer, BodyInfo, Counts, GENERAL, HeaderKind, LevelInfo, REPORT_COLUMNS, REPORT_TITLE,
    ReportContext, ReportSigner, Roster, Row, Synthesis, UNANSWERED,
};
pub use review::{FindError, Review, State, Thread};

/// Text as events store it: Unicode NFC, every line ending a line feed
/// (the Unicode line and paragraph separators and NEL, which a YAML
/// writer may leave raw inside a quoted scalar and a reader then folds,
/// become `\n`; so does a CR LF pair).
pub fn nfc(text: &str) -> String {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    let text: std::borrow::Cow<'_, str> = if text.contains(['\u{2028}', '\u{2029}', '\u{85}', '\r'])
    {
        text.replace("\r\n", "\n")
            .replace(['\u{2028}', '\u{2029}', '\u{85}', '\r'], "\n")
            .into()
    } else {
        text.into()
    };
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => text.into_owned(),
        _ => text.nfc().collect(),
    }
}
