//! The JSON redline (schema documented in `docs/diff-json.md`).

use std::io::{self, Write};

use serde::Serialize;

use super::{Labels, stat};
use crate::diff::{DraftDiff, FieldChange, WordOp};
use crate::model::{Block, Draft, LineRange};

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

#[derive(Serialize)]
struct JsonBlock<'a> {
    change: &'static str,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    from_kind: Option<&'static str>,
    from_index: Option<usize>,
    to_index: Option<usize>,
    from_path: Option<String>,
    to_path: Option<String>,
    from_lines: Option<[u32; 2]>,
    to_lines: Option<[u32; 2]>,
    ops: &'a [WordOp],
}

/// Blocks serialised per step: about 350 KB of JSON for a window of a
/// long draft, so the buffers stay small next to the drafts.
const JSON_WINDOW: usize = 512;

fn block_json(
    buf: &mut Vec<u8>,
    diff: &DraftDiff,
    i: usize,
    from: &Draft,
    to: &Draft,
) -> io::Result<()> {
    let change = &diff.blocks[i];
    let fb: Option<&Block> = change.from().map(|f| &from.body.blocks[f]);
    let tb: Option<&Block> = change.to().map(|t| &to.body.blocks[t]);
    let stored;
    let ops: &[WordOp] = match change.ops() {
        Some(ops) => ops,
        None => {
            stored = diff.full_ops(i, from, to);
            &stored
        }
    };
    let kind = tb.or(fb).map_or("paragraph", |b| b.kind_tag());
    let from_kind = match (fb, tb) {
        (Some(f), Some(t)) if f.kind_tag() != t.kind_tag() => Some(f.kind_tag()),
        _ => None,
    };
    let jb = JsonBlock {
        change: change.kind_name(),
        kind,
        from_kind,
        from_index: change.from(),
        to_index: change.to(),
        from_path: fb.map(|b| b.path.to_string()),
        to_path: tb.map(|b| b.path.to_string()),
        from_lines: fb.map(|b| lines(b.lines)),
        to_lines: tb.map(|b| lines(b.lines)),
        ops,
    };
    serde_json::to_writer(buf, &jb)?;
    Ok(())
}

fn lines(l: LineRange) -> [u32; 2] {
    [l.start, l.end]
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
        let mut buf = Vec::new();
        for i in range {
            if i > 0 {
                buf.extend_from_slice(b",\n");
            }
            block_json(&mut buf, diff, i, from, to)?;
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
