//! The two fields the clerk fills in when a document is issued, the number
//! and the date, and the hash of a draft's text that leaves them out.
//!
//! An approval signs the text; issuing adds the number and the date to the
//! front matter afterwards. So the hash an approval records must not cover
//! those two entries, and nothing else may escape it: every other byte of
//! the text (after the reader's decoding: LF line ends, NFC, no BOM) is
//! hashed. Removing and setting the entries use one line recogniser, so
//! `content_sha256(set_issue_fields(t, …)) == content_sha256(t)` always.

use sha2::{Digest, Sha256};

use crate::DocDate;

/// Put before the text in the hash, so the hash of a draft cannot be taken
/// for the hash of a file.
const DOMAIN: &[u8] = b"duthao approved text v1\n";

/// The front-matter keys issuing may set.
const ISSUE_KEYS: [&str; 2] = ["number", "date"];

/// The hex SHA-256 of a draft's text (as [`crate::reader::decode`] gives it)
/// without its front matter's top-level `number` and `date` entries: what an
/// approval records and what issuing must leave unchanged.
pub fn content_sha256(text: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN);
    for piece in without_issue_fields(text) {
        hasher.update(piece.as_bytes());
    }
    format!("{:x}", hasher.finalize())
}

/// The text with the front matter's `number` and `date` set to `number` and
/// `date`, every other byte kept. Existing entries are replaced where they
/// stand (with any continuation lines); missing ones are added at the end
/// of the front matter. `None` when the text has no front matter.
pub fn set_issue_fields(text: &str, number: u32, date: DocDate) -> Option<String> {
    let (front_end, lines) = front_matter_lines(text)?;
    let mut out = String::with_capacity(text.len() + 40);
    out.push_str("---\n");
    let mut wrote_number = false;
    let mut wrote_date = false;
    let mut skipping = false;
    for line in lines {
        if let Some(key) = issue_key(line) {
            skipping = true;
            let already = if key == "number" {
                &mut wrote_number
            } else {
                &mut wrote_date
            };
            if !*already {
                *already = true;
                push_entry(&mut out, key, number, date);
            }
            continue;
        }
        if skipping && is_continuation(line) {
            continue;
        }
        skipping = false;
        out.push_str(line);
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    if !wrote_number {
        push_entry(&mut out, "number", number, date);
    }
    if !wrote_date {
        push_entry(&mut out, "date", number, date);
    }
    out.push_str(&text[front_end..]);
    Some(out)
}

fn push_entry(out: &mut String, key: &str, number: u32, date: DocDate) {
    if key == "number" {
        out.push_str(&format!("number: {number}\n"));
    } else {
        out.push_str(&format!("date: {date}\n"));
    }
}

/// The pieces of `text` that the hash covers, in order.
fn without_issue_fields(text: &str) -> Vec<&str> {
    let Some((front_end, lines)) = front_matter_lines(text) else {
        return vec![text];
    };
    let mut pieces = vec!["---\n"];
    let mut skipping = false;
    for line in lines {
        if issue_key(line).is_some() {
            skipping = true;
            continue;
        }
        if skipping && is_continuation(line) {
            continue;
        }
        skipping = false;
        pieces.push(line);
    }
    // A marker between front matter and body, so that moving a line across
    // the closing `---` cannot give the same hash.
    pieces.push("\u{0}");
    pieces.push(&text[front_end..]);
    pieces
}

/// Where the front matter's lines end (the offset of its closing `---`
/// line) and those lines, without the opening `---`.
fn front_matter_lines(text: &str) -> Option<(usize, Vec<&str>)> {
    let rest = text.strip_prefix("---\n")?;
    let mut lines = Vec::new();
    let mut pos = 4;
    for l in rest.split_inclusive('\n') {
        let bare = l.trim_end();
        if bare == "---" || bare == "..." {
            return Some((pos, lines));
        }
        lines.push(l);
        pos += l.len();
    }
    None
}

/// `number` or `date` when the line opens that top-level entry.
fn issue_key(line: &str) -> Option<&'static str> {
    ISSUE_KEYS.into_iter().find(|k| {
        line.strip_prefix(k)
            .and_then(|r| r.trim_start_matches([' ', '\t']).strip_prefix(':'))
            .is_some()
    })
}

/// A line that belongs to the entry above it: indented, blank, or a
/// sequence item at column 0 (YAML allows `key:\n- item`).
fn is_continuation(line: &str) -> bool {
    line.starts_with([' ', '\t'])
        || line.trim().is_empty()
        || (line.starts_with('-') && !line.starts_with("---") && line[1..].starts_with([' ', '\n']))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DRAFT: &str = "---\nkind: nghi-quyet\nnumber:\nplace: Thái Nguyên\ndate: 2026-03-05\ntitle: về X\n---\n\nThân bài.\n";

    fn date(s: &str) -> DocDate {
        DocDate::parse(s).unwrap()
    }

    #[test]
    fn setting_the_fields_keeps_the_hash_and_every_other_line() {
        let issued = set_issue_fields(DRAFT, 15, date("2026-04-01")).unwrap();
        assert_eq!(
            issued,
            "---\nkind: nghi-quyet\nnumber: 15\nplace: Thái Nguyên\ndate: 2026-04-01\ntitle: về X\n---\n\nThân bài.\n"
        );
        assert_eq!(content_sha256(&issued), content_sha256(DRAFT));
        let again = set_issue_fields(&issued, 16, date("2026-04-02")).unwrap();
        assert_eq!(content_sha256(&again), content_sha256(DRAFT));
    }

    #[test]
    fn missing_fields_are_added_at_the_end_of_the_front_matter() {
        let t = "---\nkind: nghi-quyet\ntitle: về X\n---\nBody\n";
        let issued = set_issue_fields(t, 3, date("2026-01-09")).unwrap();
        assert_eq!(
            issued,
            "---\nkind: nghi-quyet\ntitle: về X\nnumber: 3\ndate: 2026-01-09\n---\nBody\n"
        );
        assert_eq!(content_sha256(&issued), content_sha256(t));
    }

    #[test]
    fn any_other_change_changes_the_hash() {
        let base = content_sha256(DRAFT);
        for changed in [
            DRAFT.replace("Thân bài.", "Thân bài"),
            DRAFT.replace("về X", "về Y"),
            DRAFT.replace("place: Thái Nguyên\n", ""),
            DRAFT.replace("kind: nghi-quyet\n", "kind: nghi-quyet\nnumbers: 1\n"),
            DRAFT.replace("---\n\nThân", "title2: a\n---\n\nThân"),
            DRAFT.replace("\n---\n\n", "\n---\n"),
        ] {
            assert_ne!(content_sha256(&changed), base, "{changed}");
        }
    }

    #[test]
    fn continuation_lines_go_with_their_entry() {
        let t = "---\nkind: a\ndate:\n  2026-01-01\nnumber:\n- 1\ntitle: b\n---\nx\n";
        let issued = set_issue_fields(t, 2, date("2026-02-02")).unwrap();
        assert_eq!(
            issued,
            "---\nkind: a\ndate: 2026-02-02\nnumber: 2\ntitle: b\n---\nx\n"
        );
        assert_eq!(content_sha256(&issued), content_sha256(t));
    }

    #[test]
    fn a_body_line_that_looks_like_a_field_is_hashed() {
        let t = "---\nkind: a\n---\nnumber: 1\n";
        assert_ne!(
            content_sha256(t),
            content_sha256("---\nkind: a\n---\nnumber: 2\n")
        );
        assert!(set_issue_fields("no front matter", 1, date("2026-01-01")).is_none());
    }
}
