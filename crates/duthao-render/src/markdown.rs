//! The redline as CriticMarkup.
//!
//! The output is the body's *text*: each block's text as the diff compared it
//! ([`DraftDiff::text_of`](duthao_diff::DraftDiff::text_of): markers such as
//! "1." or "a)" included, no Markdown emphasis), blocks separated by one
//! blank line, changes marked `{++inserted++}`, `{--deleted--}`,
//! `{~~old~>new~~}`, notes as `{>>comment<<}`.
//!
//! The guarantee, checked by the tests: [`resolve`] with [`Side::New`]
//! (accept every change) gives TO's body text and with [`Side::Old`] (reject
//! every change) FROM's, where a body text is its block texts joined by a
//! blank line and [`blocks_of`] splits a resolved text back (empty blocks,
//! left where a whole block was accepted or rejected away, are dropped).
//!
//! A move becomes a deletion at the old place and an insertion at the new
//! one, each with a comment naming the other place: CriticMarkup has no move.

use std::io::{self, Write};

use super::{Labels, path_display};
use duthao_diff::{BlockChange, DraftDiff, Side, Step, WordOp};
use duthao_model::Draft;

const INS: (&str, &str) = ("{++", "++}");
const DEL: (&str, &str) = ("{--", "--}");

/// Writes the CriticMarkup redline. Front-matter changes come first, as a
/// comment paragraph (which resolves to nothing on either side).
pub fn write(
    out: &mut impl Write,
    diff: &DraftDiff,
    from: &Draft,
    to: &Draft,
    labels: &Labels,
) -> io::Result<()> {
    let mut first = true;
    let mut sep = |out: &mut dyn Write| -> io::Result<()> {
        if !first {
            out.write_all(b"\n\n")?;
        }
        first = false;
        Ok(())
    };
    if !diff.front.is_empty() {
        sep(out)?;
        let mut note = format!("{} → {}:", labels.from, labels.to);
        for c in &diff.front {
            note.push_str(&format!(
                " {}: {} → {};",
                c.key,
                c.old.as_deref().unwrap_or("∅").replace('\n', " / "),
                c.new.as_deref().unwrap_or("∅").replace('\n', " / ")
            ));
        }
        note.pop();
        comment(out, &note)?;
    }
    for step in diff.reading_order() {
        sep(out)?;
        let pos = match step {
            Step::Departure(moved) => {
                write_departure(out, diff, moved, from, to)?;
                continue;
            }
            Step::Block(pos) => pos,
        };
        match &diff.blocks[pos] {
            BlockChange::Unchanged { to: t, .. } => {
                plain(out, &diff.text_of(&to.body.blocks[*t]))?;
            }
            BlockChange::Changed { ops, .. } => {
                write_ops(out, ops)?;
                if diff.blocks[pos].is_restyle() {
                    comment(out, "đổi định dạng (in đậm, in nghiêng hoặc liên kết)")?;
                }
            }
            BlockChange::Added { to: t } => marked(out, INS, &diff.text_of(&to.body.blocks[*t]))?,
            BlockChange::Removed { from: f } => {
                marked(out, DEL, &diff.text_of(&from.body.blocks[*f]))?
            }
            BlockChange::Moved { from: f, ops, .. } => {
                marked(out, INS, &duthao_diff::apply(ops, Side::New))?;
                let edited = if ops.iter().any(WordOp::is_change) {
                    ", có sửa đổi"
                } else {
                    ""
                };
                comment(
                    out,
                    &format!("chuyển từ {}{edited}", path_display(&from.body.blocks[*f])),
                )?;
            }
        }
    }
    out.write_all(b"\n")
}

fn write_departure(
    out: &mut dyn Write,
    diff: &DraftDiff,
    moved: usize,
    _from: &Draft,
    to: &Draft,
) -> io::Result<()> {
    if let BlockChange::Moved { to: t, ops, .. } = &diff.blocks[moved] {
        marked(out, DEL, &duthao_diff::apply(ops, Side::Old))?;
        comment(
            out,
            &format!("chuyển đến {}", path_display(&to.body.blocks[*t])),
        )?;
    }
    Ok(())
}

fn write_ops(out: &mut dyn Write, ops: &[WordOp]) -> io::Result<()> {
    let mut i = 0;
    while i < ops.len() {
        match (&ops[i], ops.get(i + 1)) {
            (WordOp::Delete(old), Some(WordOp::Insert(new)))
                if !old.contains("~>") && !old.contains("~~}") && !new.contains("~~}") =>
            {
                write!(out, "{{~~{old}~>{new}~~}}")?;
                i += 2;
                continue;
            }
            (WordOp::Equal(t), _) => plain(out, t)?,
            (WordOp::Insert(t), _) => marked(out, INS, t)?,
            (WordOp::Delete(t), _) => marked(out, DEL, t)?,
        }
        i += 1;
    }
    Ok(())
}

/// Unmarked text. A "{" that would open a mark is written as a substitution
/// of itself (`{~~{~>{~~}`), which resolves to "{" on both sides.
fn plain(out: &mut dyn Write, text: &str) -> io::Result<()> {
    let mut rest = text;
    while let Some(p) = find_opener(rest) {
        out.write_all(&rest.as_bytes()[..p])?;
        out.write_all(b"{~~{~>{~~}")?;
        rest = &rest[p + 1..];
    }
    out.write_all(rest.as_bytes())
}

fn find_opener(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(2)).find(|&i| {
        b[i] == b'{' && matches!(&b[i + 1..i + 3], b"++" | b"--" | b"~~" | b">>" | b"==")
    })
}

/// `{++text++}` or `{--text--}`. A text that contains the closing mark is
/// cut inside it, into consecutive marks that resolve to the same text.
fn marked(out: &mut dyn Write, (open, close): (&str, &str), text: &str) -> io::Result<()> {
    let mut rest = text;
    while let Some(p) = rest.find(close) {
        write!(out, "{open}{}{close}", &rest[..p + 1])?;
        rest = &rest[p + 1..];
    }
    write!(out, "{open}{rest}{close}")
}

fn comment(out: &mut dyn Write, text: &str) -> io::Result<()> {
    write!(out, "{{>>{}<<}}", text.replace("<<}", "<< }"))
}

/// Resolves CriticMarkup: accept every change ([`Side::New`]) or reject every
/// change ([`Side::Old`]). Comments vanish, highlights keep their text; an
/// unterminated mark is left as literal text.
pub fn resolve(markup: &str, side: Side) -> String {
    let mut out = String::with_capacity(markup.len());
    let mut rest = markup;
    while let Some(p) = find_opener(rest) {
        out.push_str(&rest[..p]);
        let kind = &rest[p + 1..p + 3];
        let body = &rest[p + 3..];
        let close = match kind {
            "++" => "++}",
            "--" => "--}",
            "~~" => "~~}",
            ">>" => "<<}",
            _ => "==}",
        };
        let Some(end) = body.find(close) else {
            out.push_str(&rest[p..p + 3]);
            rest = body;
            continue;
        };
        let inner = &body[..end];
        match (kind, side) {
            ("++", Side::New) | ("--", Side::Old) | ("==", _) => out.push_str(inner),
            ("~~", _) => {
                let (old, new) = inner.split_once("~>").unwrap_or((inner, inner));
                out.push_str(if side == Side::New { new } else { old });
            }
            _ => {}
        }
        rest = &body[end + close.len()..];
    }
    out.push_str(rest);
    out
}

/// The blocks of a resolved text: split at blank lines, empty ones dropped.
pub fn blocks_of(text: &str) -> Vec<&str> {
    text.trim_end_matches('\n')
        .split("\n\n")
        .filter(|b| !b.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(text: &str, open_close: (&str, &str), side: Side) -> String {
        let mut v = Vec::new();
        marked(&mut v, open_close, text).unwrap_or_default();
        resolve(&String::from_utf8(v).unwrap_or_default(), side)
    }

    #[test]
    fn closing_marks_inside_text_survive() {
        for t in ["a--}b", "--}", "x++}y++}", "a---}", "-"] {
            assert_eq!(round(t, DEL, Side::Old), t);
            assert_eq!(round(t, DEL, Side::New), "");
            assert_eq!(round(t, INS, Side::New), t);
            assert_eq!(round(t, INS, Side::Old), "");
        }
    }

    #[test]
    fn openers_in_plain_text_survive() {
        let t = "a {++ b {-- c {~~ d {>> e {== f {";
        let mut v = Vec::new();
        plain(&mut v, t).unwrap_or_default();
        let m = String::from_utf8(v).unwrap_or_default();
        assert_eq!(resolve(&m, Side::Old), t);
        assert_eq!(resolve(&m, Side::New), t);
    }

    #[test]
    fn substitution_and_comment() {
        let m = "văn {~~bản~>bản,~~} này{>>ghi chú<<}";
        assert_eq!(resolve(m, Side::New), "văn bản, này");
        assert_eq!(resolve(m, Side::Old), "văn bản này");
    }
}
