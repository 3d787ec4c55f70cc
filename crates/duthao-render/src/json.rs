//! The JSON redline (schema documented in `docs/diff-json.md`).

use std::io::{self, Write};

use serde::Serialize;

use super::{Labels, stat};
use duthao_diff::{DraftDiff, FieldChange, WordOp};
use duthao_model::lanes::Lanes;
use duthao_model::{Block, Draft, LineRange, StructuralPath};

/// Bumped only for changes an existing reader would misread.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Version<'a> {
    label: &'a str,
    title: &'a str,
    blocks: usize,
}

#[derive(Serialize)]
struct Head<'a> {
    schema_version: u32,
    from: Version<'a>,
    to: Version<'a>,
    whitespace: bool,
    degraded: bool,
    front: &'a [FieldChange],
    stat: stat::DiffStat,
}

/// Blocks serialised per step: about 350 KB of JSON for a window of a
/// long draft, so the buffers stay small next to the drafts.
const JSON_WINDOW: usize = 512;

/// One entry of "blocks", written by hand: a long draft has thousands, and
/// building each one's ops and paths as values first costs more than the
/// diff. The fields and their order are those of `docs/diff-json.md`.
fn block_json(
    buf: &mut Vec<u8>,
    paths: &mut [ShownLabels; 2],
    diff: &DraftDiff,
    i: usize,
    from: &Draft,
    to: &Draft,
) {
    let change = &diff.blocks[i];
    let fb: Option<&Block> = change.from().map(|f| &from.body.blocks[f]);
    let tb: Option<&Block> = change.to().map(|t| &to.body.blocks[t]);
    let kind = tb.or(fb).map_or("paragraph", |b| b.kind_tag());
    buf.extend_from_slice(b"{\"change\":\"");
    buf.extend_from_slice(change.kind_name().as_bytes());
    buf.extend_from_slice(b"\",\"kind\":\"");
    buf.extend_from_slice(kind.as_bytes());
    buf.push(b'"');
    if let (Some(f), Some(t)) = (fb, tb)
        && f.kind_tag() != t.kind_tag()
    {
        buf.extend_from_slice(b",\"from_kind\":\"");
        buf.extend_from_slice(f.kind_tag().as_bytes());
        buf.push(b'"');
    }
    field(buf, "from_index", change.from(), number);
    field(buf, "to_index", change.to(), number);
    let [from_labels, to_labels] = paths;
    field(buf, "from_path", fb, |buf, b| from_labels.path(buf, b));
    field(buf, "to_path", tb, |buf, b| to_labels.path(buf, b));
    field(buf, "from_lines", fb, |buf, b| lines(buf, b.lines));
    field(buf, "to_lines", tb, |buf, b| lines(buf, b.lines));
    buf.extend_from_slice(b",\"ops\":[");
    match change.ops() {
        Some(ops) => {
            for (k, op) in ops.iter().enumerate() {
                if k > 0 {
                    buf.push(b',');
                }
                let name = match op {
                    WordOp::Equal(_) => "equal",
                    WordOp::Insert(_) => "insert",
                    WordOp::Delete(_) => "delete",
                };
                word_op(buf, name, op.text());
            }
        }
        // One op holding the whole text, borrowed from the model.
        None => {
            let (name, block) = match (fb, tb) {
                (_, Some(t)) if change.from().is_some() => ("equal", t),
                (_, Some(t)) => ("insert", t),
                (Some(f), None) => ("delete", f),
                (None, None) => unreachable!("an entry has a FROM or a TO block"),
            };
            word_op(buf, name, &diff.compared_text(block));
        }
    }
    buf.push(b']');
    // An edited table, row by row and cell by cell, as the diff paired it.
    if let Some(table) = change.table() {
        buf.extend_from_slice(b",\"table\":");
        // Serialising our own types into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *buf, table);
    }
    buf.push(b'}');
}

/// `,"key":value`, or `,"key":null`.
fn field<T>(buf: &mut Vec<u8>, key: &str, value: Option<T>, write: impl FnOnce(&mut Vec<u8>, T)) {
    buf.extend_from_slice(b",\"");
    buf.extend_from_slice(key.as_bytes());
    buf.extend_from_slice(b"\":");
    match value {
        Some(v) => write(buf, v),
        None => buf.extend_from_slice(b"null"),
    }
}

fn number(buf: &mut Vec<u8>, n: usize) {
    buf.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

fn lines(buf: &mut Vec<u8>, l: LineRange) {
    let mut digits = itoa::Buffer::new();
    buf.push(b'[');
    buf.extend_from_slice(digits.format(l.start).as_bytes());
    buf.push(b',');
    buf.extend_from_slice(digits.format(l.end).as_bytes());
    buf.push(b']');
}

/// The labels of the last path written from one side, escaped. The JSON
/// gives every block its path on each side it is on, and the blocks under
/// one label share its pieces: walking and escaping them again for each
/// block was a twentieth of a long draft's redline.
#[derive(Default)]
struct ShownLabels {
    last: Option<StructuralPath>,
    escaped: Vec<u8>,
}

impl ShownLabels {
    /// The path as its `Display` shows it, as a JSON string.
    fn path(&mut self, buf: &mut Vec<u8>, b: &Block) {
        if !self.last.as_ref().is_some_and(|p| p.shares_labels(&b.path)) {
            self.escaped.clear();
            b.path
                .for_each_label_piece(|piece| escape_into(&mut self.escaped, piece));
            self.last = Some(b.path.clone());
        }
        buf.push(b'"');
        buf.extend_from_slice(&self.escaped);
        // Nothing to escape in a position (" > ¶3").
        b.path
            .for_each_position_piece(|piece| buf.extend_from_slice(piece.as_bytes()));
        buf.push(b'"');
    }
}

fn word_op(buf: &mut Vec<u8>, name: &str, text: &str) {
    buf.extend_from_slice(b"{\"op\":\"");
    buf.extend_from_slice(name.as_bytes());
    buf.extend_from_slice(b"\",\"text\":\"");
    escape_into(buf, text);
    buf.extend_from_slice(b"\"}");
}

/// A JSON string's contents, escaped as serde_json escapes them.
fn escape_into(buf: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    // Straight to each byte that may need an escape: in a draft, only
    // quotes and the odd control character.
    while let Some(at) = Lanes::find(bytes, i, b'a', |v| v.le(0x1f) | v.eq(b'"') | v.eq(b'\\')) {
        i = at;
        let b = bytes[i];
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => b"",
            _ => {
                i += 1;
                continue;
            }
        };
        buf.extend_from_slice(&bytes[start..i]);
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            buf.extend_from_slice(b"\\u00");
            buf.push(HEX[(b >> 4) as usize]);
            buf.push(HEX[(b & 0xf) as usize]);
        } else {
            buf.extend_from_slice(esc);
        }
        i += 1;
        start = i;
    }
    buf.extend_from_slice(&bytes[start..]);
}

/// Writes the whole diff as one JSON document. Blocks are streamed one at a
/// time, so memory stays at the size of one block's ops.
pub fn write(
    out: &mut impl Write,
    diff: &DraftDiff,
    from: &Draft,
    to: &Draft,
    labels: &Labels,
) -> io::Result<()> {
    let head = Head {
        schema_version: SCHEMA_VERSION,
        from: Version {
            label: &labels.from,
            title: &from.front.title,
            blocks: from.body.blocks.len(),
        },
        to: Version {
            label: &labels.to,
            title: &to.front.title,
            blocks: to.body.blocks.len(),
        },
        whitespace: diff.whitespace,
        degraded: diff.degraded,
        front: &diff.front,
        stat: stat::compute(diff, from, to),
    };
    // The head is an object; reopen it to append the streamed "blocks" array.
    let mut head_json = serde_json::to_vec(&head)?;
    head_json.pop();
    out.write_all(&head_json)?;
    out.write_all(b",\"blocks\":[\n")?;
    // Blocks are serialised a window at a time, the halves of a window on
    // two cores: memory stays at one window's text.
    let serialise = |range: std::ops::Range<usize>| -> io::Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(range.len() * 800);
        let mut paths = Default::default();
        for i in range {
            if i > 0 {
                buf.extend_from_slice(b",\n");
            }
            block_json(&mut buf, &mut paths, diff, i, from, to);
        }
        Ok(buf)
    };
    let n = diff.blocks.len();
    let mut start = 0;
    while start < n {
        let end = (start + JSON_WINDOW).min(n);
        if end - start < 256 {
            out.write_all(&serialise(start..end)?)?;
        } else {
            let mid = start + (end - start) / 2;
            let (first, second) = rayon::join(|| serialise(start..mid), || serialise(mid..end));
            out.write_all(&first?)?;
            out.write_all(&second?)?;
        }
        start = end;
    }
    out.write_all(b"\n]}\n")
}

#[cfg(test)]
mod tests {
    use super::escape_into;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut all: String = (0u8..0x80).map(char::from).collect();
        all.push_str("“Điều 1”\\ \"ngoặc\" \u{2028} tab\tend");
        let mut cases: Vec<String> =
            vec![all, "".into(), "\"".into(), "\\".into(), "a\u{1f}b".into()];
        // Quotes and controls at every offset against the sixteen-byte steps.
        for k in 0..20 {
            cases.push(format!(
                "{}\"{}\n{}\\",
                "a".repeat(k),
                "Đảng bộ ".repeat(3),
                "x".repeat(k)
            ));
        }
        // Short strings (a word at a time) go through the padded last
        // chunk: a quote or a control at every place.
        for n in 1..18 {
            for k in 0..n {
                for c in ['"', '\u{1}', '\\'] {
                    let mut w: Vec<char> = "ữa".chars().cycle().take(n).collect();
                    w[k] = c;
                    cases.push(w.into_iter().collect());
                }
            }
        }
        for s in &cases {
            let mut buf = vec![b'"'];
            escape_into(&mut buf, s);
            buf.push(b'"');
            let ours = String::from_utf8(buf).expect("utf-8");
            assert_eq!(ours, serde_json::to_string(s).expect("json"), "{s:?}");
        }
    }

    /// A path is written piece by piece as its `Display` shows it: labels,
    /// unnumbered positions, footnotes and a label with a quote in it.
    #[test]
    fn paths_are_written_as_displayed() {
        let text = "---\nkind: nghi-quyet\nissuer:\n  name: X\ntitle: Y\n---\n\nMở đầu.\n\nPhần I\n\nI. \"Một\"\n\n1. Nội dung[^a].\n\nĐoạn.\n\nĐoạn \"hai\".\n\na) Điểm.\n\n[^a]: Chú thích.\n";
        let draft = duthao_model::reader::read(text, std::path::Path::new("t.md")).expect("draft");
        let shown: Vec<String> = draft
            .body
            .blocks
            .iter()
            .map(|b| b.path.to_string())
            .collect();
        assert!(shown.iter().any(|p| p.contains(" > ¶")), "{shown:?}");
        assert!(shown.iter().any(|p| p.contains("[^a]")), "{shown:?}");
        // Written in order with the labels kept from block to block, and
        // each alone.
        let shares = draft
            .body
            .blocks
            .windows(2)
            .filter(|w| w[0].path.shares_labels(&w[1].path))
            .count();
        assert!(shares >= 2, "{shown:?}");
        let mut kept = super::ShownLabels::default();
        for b in &draft.body.blocks {
            let expected = serde_json::to_string(&b.path.to_string()).expect("json");
            for labels in [&mut kept, &mut super::ShownLabels::default()] {
                let mut buf = Vec::new();
                labels.path(&mut buf, b);
                assert_eq!(String::from_utf8(buf).expect("utf-8"), expected);
            }
        }
    }
}
