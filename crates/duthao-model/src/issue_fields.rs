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

use crate::{DocDate, FrontMatter};

/// Put before the text in the hash, so the hash of a draft cannot be taken
/// for the hash of a file.
const DOMAIN: &[u8] = b"duthao approved text v1\n";

/// The hex SHA-256 of a draft's text (as [`crate::reader::decode`] gives it)
/// without its front matter's top-level `number` and `date` entries: what an
/// approval records and what issuing must leave unchanged.
///
/// An entry is left out only when it is provably the top-level key: a line
/// `number: 15` or `date: 2026-03-05` (or with the value empty) at column 0,
/// at most one of each, no line break YAML knows other than LF in the front
/// matter, and the front matter read without those lines equal, field by
/// field, to the front matter read with them and the two fields emptied. A
/// line that only looks like one (inside a quoted string running over
/// several lines, say) is hashed like every other byte, so issuing cannot
/// change it.
pub fn content_sha256(text: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN);
    match analyse(text) {
        Some(a) if a.plain => {
            hasher.update(b"---\n");
            for (line, issue) in a.lines.iter().zip(&a.issue) {
                if issue.is_none() {
                    hasher.update(line.as_bytes());
                }
            }
            // A marker between front matter and body, so that moving a line
            // across the closing `---` cannot give the same hash.
            hasher.update(b"\0");
            hasher.update(&text.as_bytes()[a.front_end..]);
        }
        _ => hasher.update(text.as_bytes()),
    }
    format!("{:x}", hasher.finalize())
}

/// The text with the front matter's `number` and `date` set to `number` and
/// `date`, every other byte kept. Existing entries are replaced where they
/// stand; missing ones are added at the end of the front matter. `None`
/// when the text has no front matter, or when its `number` or `date` is not
/// a plain top-level line (see [`content_sha256`]): issuing such a text
/// could change more than the two fields.
pub fn set_issue_fields(text: &str, number: u32, date: DocDate) -> Option<String> {
    let a = analyse(text)?;
    if !a.plain {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 40);
    out.push_str("---\n");
    let (mut wrote_number, mut wrote_date) = (false, false);
    for (line, issue) in a.lines.iter().zip(&a.issue) {
        match issue {
            Some("number") => {
                out.push_str(&format!("number: {number}\n"));
                wrote_number = true;
            }
            Some(_) => {
                out.push_str(&format!("date: {date}\n"));
                wrote_date = true;
            }
            None => out.push_str(line),
        }
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    if !wrote_number {
        out.push_str(&format!("number: {number}\n"));
    }
    if !wrote_date {
        out.push_str(&format!("date: {date}\n"));
    }
    out.push_str(&text[a.front_end..]);
    // The result must itself be plain, with exactly these values.
    let check = analyse(&out)?;
    if !check.plain {
        return None;
    }
    let front: FrontMatter = serde_yaml_ng::from_str(&check.yaml(false)).ok()?;
    (front.number == Some(number) && front.date == Some(date)).then_some(out)
}

/// The front matter's lines, which of them are plain issue entries, and
/// whether leaving those out is provably the same as emptying the fields.
struct Analysis<'a> {
    front_end: usize,
    lines: Vec<&'a str>,
    issue: Vec<Option<&'static str>>,
    plain: bool,
}

impl Analysis<'_> {
    fn yaml(&self, without_issue: bool) -> String {
        self.lines
            .iter()
            .zip(&self.issue)
            .filter(|(_, i)| !without_issue || i.is_none())
            .map(|(l, _)| *l)
            .collect()
    }
}

fn analyse(text: &str) -> Option<Analysis<'_>> {
    let (front_end, lines) = front_matter_lines(text)?;
    let issue: Vec<Option<&'static str>> = lines.iter().map(|l| plain_issue_line(l)).collect();
    let mut a = Analysis {
        front_end,
        lines,
        issue,
        plain: true,
    };
    let count = |k: &str| a.issue.iter().filter(|i| **i == Some(k)).count();
    if count("number") > 1 || count("date") > 1 {
        a.plain = false;
        return Some(a);
    }
    // YAML also breaks lines at CR, NEL, LS and PS; a "line" here could
    // then hold a second key.
    if text[..front_end].contains(['\r', '\u{85}', '\u{2028}', '\u{2029}']) {
        a.plain = false;
        return Some(a);
    }
    if a.issue.iter().any(Option::is_some) {
        let with: Result<FrontMatter, _> = serde_yaml_ng::from_str(&a.yaml(false));
        let without: Result<FrontMatter, _> = serde_yaml_ng::from_str(&a.yaml(true));
        a.plain = match (with, without) {
            (Ok(mut with), Ok(without)) => {
                with.number = None;
                with.date = None;
                with == without
            }
            _ => false,
        };
    }
    Some(a)
}

/// `number` or `date` when the line is exactly `key:` with an empty value,
/// digits (number) or `YYYY-MM-DD` (date), at column 0.
fn plain_issue_line(line: &str) -> Option<&'static str> {
    let body = line.strip_suffix('\n').unwrap_or(line);
    for key in ["number", "date"] {
        let Some(rest) = body.strip_prefix(key).and_then(|r| r.strip_prefix(':')) else {
            continue;
        };
        if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
            return None;
        }
        // A comment after the value (the skeletons write `number:   # empty
        // until the clerk issues the document`) is YAML's, not the value's;
        // it goes with the line.
        let rest = match rest.find(" #").or_else(|| rest.find("\t#")) {
            Some(i) => &rest[..i],
            None => rest,
        };
        let v = rest.trim_matches([' ', '\t']);
        let ok = v.is_empty()
            || match key {
                "number" => v.len() <= 9 && v.bytes().all(|b| b.is_ascii_digit()),
                _ => {
                    v.len() == 10
                        && v.bytes().enumerate().all(|(i, b)| {
                            if i == 4 || i == 7 {
                                b == b'-'
                            } else {
                                b.is_ascii_digit()
                            }
                        })
                }
            };
        return ok.then_some(key);
    }
    None
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

#[cfg(test)]
mod tests {
    use super::*;

    const DRAFT: &str = "---\nkind: nghi-quyet\nissuer:\n  name: TỈNH ỦY\nnumber:\nplace: Thái Nguyên\ndate: 2026-03-05\ntitle: về X\n---\n\nThân bài.\n";

    fn date(s: &str) -> DocDate {
        DocDate::parse(s).unwrap()
    }

    #[test]
    fn setting_the_fields_keeps_the_hash_and_every_other_line() {
        let issued = set_issue_fields(DRAFT, 15, date("2026-04-01")).unwrap();
        assert_eq!(
            issued,
            "---\nkind: nghi-quyet\nissuer:\n  name: TỈNH ỦY\nnumber: 15\nplace: Thái Nguyên\ndate: 2026-04-01\ntitle: về X\n---\n\nThân bài.\n"
        );
        assert_eq!(content_sha256(&issued), content_sha256(DRAFT));
        let again = set_issue_fields(&issued, 16, date("2026-04-02")).unwrap();
        assert_eq!(content_sha256(&again), content_sha256(DRAFT));
    }

    #[test]
    fn a_comment_after_the_entry_goes_with_it() {
        let t = "---\nkind: a\nissuer:\n  name: A\ntitle: b\nnumber:                  # empty until the clerk issues the document\ndate: 2026-01-01   # the day\n---\nx\n";
        let issued = set_issue_fields(t, 4, date("2026-02-02")).unwrap();
        assert_eq!(
            issued,
            "---\nkind: a\nissuer:\n  name: A\ntitle: b\nnumber: 4\ndate: 2026-02-02\n---\nx\n"
        );
        assert_eq!(content_sha256(&issued), content_sha256(t));
    }

    #[test]
    fn missing_fields_are_added_at_the_end_of_the_front_matter() {
        let t = "---\nkind: nghi-quyet\nissuer:\n  name: A\ntitle: về X\n---\nBody\n";
        let issued = set_issue_fields(t, 3, date("2026-01-09")).unwrap();
        assert_eq!(
            issued,
            "---\nkind: nghi-quyet\nissuer:\n  name: A\ntitle: về X\nnumber: 3\ndate: 2026-01-09\n---\nBody\n"
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
    fn entries_that_are_not_plain_lines_are_hashed_and_not_set() {
        // A value over two lines, a quoted value, a duplicate: not plain.
        for t in [
            "---\nkind: a\nissuer:\n  name: A\ntitle: b\ndate:\n  2026-01-01\n---\nx\n",
            "---\nkind: a\nissuer:\n  name: A\ntitle: b\nnumber: \"5\"\n---\nx\n",
            "---\nkind: a\nissuer:\n  name: A\ntitle: b\nnumber: 5\nnumber: 6\n---\nx\n",
        ] {
            assert!(set_issue_fields(t, 2, date("2026-02-02")).is_none(), "{t}");
        }
    }

    /// A line that looks like an entry inside a quoted string running over
    /// several lines is part of the string: removing it would change the
    /// title, so it is hashed, and issuing is refused.
    #[test]
    fn a_look_alike_line_inside_a_string_is_not_an_entry() {
        let t =
            "---\nkind: a\nissuer:\n  name: A\ntitle: \"Về việc\nnumber: 5\ntăng lương\"\n---\nx\n";
        let changed = t.replace("number: 5", "number: 6");
        assert_ne!(content_sha256(t), content_sha256(&changed));
        assert!(set_issue_fields(t, 9, date("2026-02-02")).is_none());
        // The signer swap: two look-alike lines opening and closing strings.
        let swap = "---\nkind: a\nissuer:\n  name: A\ntitle: b\nnumber:\ndate:\nx: \"\nnumber: \"\nsigner: {authority: A, title: B, name: Nguyễn Văn A}\ny: \"\nsigner: {authority: A, title: B, name: Trần Văn B}\nnumber: \"\n---\nx\n";
        if let Some(issued) = set_issue_fields(swap, 15, date("2026-02-02")) {
            assert!(!issued.contains("Trần Văn B") || issued.contains("Nguyễn Văn A"));
            let before: FrontMatter =
                serde_yaml_ng::from_str(&swap[4..swap.find("\n---\n").unwrap() + 1]).unwrap();
            let after: FrontMatter =
                serde_yaml_ng::from_str(&issued[4..issued.find("\n---\n").unwrap() + 1]).unwrap();
            assert_eq!(before.signer, after.signer);
        }
    }

    /// A carriage return alone is a line break to YAML: a "line" holding
    /// `date: …\rtitle: …` must not hide the title from the hash.
    #[test]
    fn other_line_breaks_hide_nothing() {
        let a = "---\nkind: a\nissuer:\n  name: A\ntitle: b\ndate: 2026-01-01\rtitle: B\n---\nx\n";
        let b = a.replace("title: B", "title: C");
        assert_ne!(content_sha256(a), content_sha256(&b));
        assert!(set_issue_fields(a, 1, date("2026-02-02")).is_none());
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
