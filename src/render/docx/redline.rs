//! The TO version in the official layout with every change as a Word tracked
//! change: `w:ins` / `w:del` runs, inserted and deleted paragraph marks, whole
//! table rows inserted or deleted. Accepting every change gives TO's text,
//! rejecting every change FROM's.
//!
//! The writer reads a list of [`TrackedBlock`]s (what happened to each block,
//! with word ops for edited ones); [`tracked_blocks`] derives it from the diff
//! engine's [`DraftDiff`] and [`export_redline`] does both. A block moved
//! without edits is a Word move (`w:moveFrom` / `w:moveTo` inside named move
//! ranges, which Word, LibreOffice and pandoc pair up); a block moved and
//! edited at once is a deletion at the old place and an insertion at the new
//! one, which accepts and rejects exactly and does not pretend the two texts
//! are the same.

use docx_rs::{
    Delete, Insert, MoveFrom, MoveTo, Paragraph, ParagraphChild, Run, RunChild, Table,
    TableCellContent, TableChild, TableRowChild,
};

use super::build::{Piece, Revision, RunLook, Track, Writer};
use super::{DocxError, DraftMark, KindInfo, Provenance, package};
use crate::diff::{BlockChange, DraftDiff, Step, WordOp};
use crate::model::{Block, BlockKind, Draft, Inline, Style};
use crate::profile::layout::Layout;

/// One step of a word diff inside a block; texts include their whitespace, so
/// Equal+Insert rebuilds the TO text and Equal+Delete the FROM text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextOp {
    Equal(String),
    Insert(String),
    Delete(String),
}

/// What happened to one block, in TO order (removed blocks where they stood
/// in FROM). Indices point into `from.body.blocks` / `to.body.blocks`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrackedBlock {
    Unchanged {
        to: usize,
    },
    Edited {
        from: usize,
        to: usize,
        ops: Vec<TextOp>,
    },
    Added {
        to: usize,
    },
    Removed {
        from: usize,
    },
    /// Where a block moved without edits left; `name` pairs it with its `MovedTo`.
    MovedFrom {
        from: usize,
        name: u32,
    },
    MovedTo {
        to: usize,
        name: u32,
    },
}

/// The blocks of a [`DraftDiff`] as the writer tracks them. A moved block is
/// deleted where it stood in FROM and inserted where it stands in TO. The
/// diff is taken so that its word ops move into the result: on a long draft
/// they are most of its text.
pub fn tracked_blocks(mut diff: DraftDiff) -> Vec<TrackedBlock> {
    let convert = |ops: Vec<WordOp>| -> Vec<TextOp> {
        ops.into_iter()
            .map(|op| match op {
                WordOp::Equal(t) => TextOp::Equal(t),
                WordOp::Insert(t) => TextOp::Insert(t),
                WordOp::Delete(t) => TextOp::Delete(t),
            })
            .collect()
    };
    let order = diff.reading_order();
    let mut out = Vec::with_capacity(order.len());
    for step in order {
        let pos = match step {
            Step::Departure(i) => {
                if let BlockChange::Moved { from, ops, .. } = &diff.blocks[i] {
                    out.push(if pure_move(ops) {
                        TrackedBlock::MovedFrom {
                            from: *from,
                            name: i as u32,
                        }
                    } else {
                        TrackedBlock::Removed { from: *from }
                    });
                }
                continue;
            }
            Step::Block(pos) => pos,
        };
        out.push(match &mut diff.blocks[pos] {
            BlockChange::Unchanged { to, .. } => TrackedBlock::Unchanged { to: *to },
            BlockChange::Changed { from, to, ops } => TrackedBlock::Edited {
                from: *from,
                to: *to,
                ops: convert(std::mem::take(ops)),
            },
            BlockChange::Added { to } => TrackedBlock::Added { to: *to },
            BlockChange::Removed { from } => TrackedBlock::Removed { from: *from },
            BlockChange::Moved { to, ops, .. } if pure_move(ops) => TrackedBlock::MovedTo {
                to: *to,
                name: pos as u32,
            },
            BlockChange::Moved { to, .. } => TrackedBlock::Added { to: *to },
        });
    }
    out
}

fn pure_move(ops: &[WordOp]) -> bool {
    ops.iter().all(|op| matches!(op, WordOp::Equal(_)))
}

/// `duthao diff --format docx`: the TO version in the official layout with
/// every change of `diff` (FROM → TO) as a Word tracked change by
/// `revision.author` at `revision.date`.
#[allow(clippy::too_many_arguments)]
pub fn export_redline(
    diff: DraftDiff,
    from: &Draft,
    to: &Draft,
    layout: &Layout,
    kind: &KindInfo,
    mark: DraftMark,
    provenance: &Provenance,
    revision: &Revision,
) -> Result<Vec<u8>, DocxError> {
    export_tracked(
        &tracked_blocks(diff),
        from,
        to,
        layout,
        kind,
        mark,
        provenance,
        revision,
    )
}

/// The tracked-changes DOCX of FROM → TO described by `blocks`.
#[allow(clippy::too_many_arguments)]
pub fn export_tracked(
    blocks: &[TrackedBlock],
    from: &Draft,
    to: &Draft,
    layout: &Layout,
    kind: &KindInfo,
    mark: DraftMark,
    provenance: &Provenance,
    revision: &Revision,
) -> Result<Vec<u8>, DocxError> {
    let mut w = Writer::new(layout);
    w.rev = Some(revision.clone());
    w.old_front = Some(from.front.clone());
    let mut referenced = w.collect_footnotes(from);
    referenced.extend(w.collect_footnotes(to));
    let mut render = |w: &mut Writer, i: usize, referenced: &std::collections::HashSet<String>| {
        tracked_pieces(w, &blocks[i], from, to, referenced)
    };
    let (shell, body_start) =
        w.document_shell(&to.front, kind, mark, referenced, blocks.len(), &mut render)?;
    let mut props = package::Properties::new(to, kind, provenance);
    props.revision = Some((revision.author.clone(), revision.date.clone()));
    package::finish_streamed(shell, &props, true, |out| {
        w.stream_body(&body_start, &mut render, out)
    })
}

/// The pieces of one tracked block.
fn tracked_pieces(
    w: &mut Writer,
    b: &TrackedBlock,
    from: &Draft,
    to: &Draft,
    referenced: &std::collections::HashSet<String>,
) -> Vec<Piece> {
    match b {
        TrackedBlock::Unchanged { to: t } => block_at(&to.body.blocks, *t)
            .map(|blk| w.block(blk, referenced))
            .unwrap_or_default(),
        TrackedBlock::Added { to: t } => block_at(&to.body.blocks, *t)
            .map(|blk| whole(w, blk, referenced, Track::Ins))
            .unwrap_or_default(),
        TrackedBlock::Removed { from: f } => block_at(&from.body.blocks, *f)
            .map(|blk| whole(w, blk, referenced, Track::Del))
            .unwrap_or_default(),
        TrackedBlock::MovedFrom { from: f, name } => block_at(&from.body.blocks, *f)
            .map(|blk| moved(w, blk, referenced, Track::Del, *name))
            .unwrap_or_default(),
        TrackedBlock::MovedTo { to: t, name } => block_at(&to.body.blocks, *t)
            .map(|blk| moved(w, blk, referenced, Track::Ins, *name))
            .unwrap_or_default(),
        TrackedBlock::Edited {
            from: f,
            to: t,
            ops,
        } => {
            match (
                block_at(&from.body.blocks, *f),
                block_at(&to.body.blocks, *t),
            ) {
                (Some(old), Some(new)) => edited(w, old, new, ops, referenced),
                _ => Vec::new(),
            }
        }
    }
}

fn block_at(blocks: &[Block], i: usize) -> Option<&Block> {
    blocks.get(i)
}

/// A whole block inserted or deleted: rendered as usual, then every run and
/// paragraph mark (and table row) tracked.
fn whole(
    w: &mut Writer,
    b: &Block,
    referenced: &std::collections::HashSet<String>,
    t: Track,
) -> Vec<Piece> {
    w.block(b, referenced)
        .into_iter()
        .map(|piece| match piece {
            Piece::Para(p) => Piece::Para(track_paragraph(w, p, t)),
            Piece::Table(tbl) => Piece::Table(track_table(w, tbl, t)),
        })
        .collect()
}

/// First id of the move-range markers; packaging turns the bookmarks with
/// these ids into `w:moveFromRangeStart` / `w:moveToRangeStart` and their ends.
pub(crate) const MOVE_FROM_RANGE_BASE: usize = 1_500_000_000;
pub(crate) const MOVE_TO_RANGE_BASE: usize = 1_700_000_000;

/// A block moved without edits: one paragraph whose runs are `w:moveFrom`
/// (old place, `Track::Del`) or `w:moveTo` (new place, `Track::Ins`) inside a
/// named move range. Blocks that are not one paragraph (tables, code) are a
/// plain deletion and insertion.
fn moved(
    w: &mut Writer,
    b: &Block,
    referenced: &std::collections::HashSet<String>,
    t: Track,
    name: u32,
) -> Vec<Piece> {
    let mut pieces = w.block(b, referenced);
    let (Some(rev), 1) = (w.rev.clone(), pieces.len()) else {
        return whole(w, b, referenced, t);
    };
    let Some(Piece::Para(p)) = pieces.pop() else {
        return whole(w, b, referenced, t);
    };
    let base = if t == Track::Del {
        MOVE_FROM_RANGE_BASE
    } else {
        MOVE_TO_RANGE_BASE
    };
    let range_id = base + name as usize;
    let mut p = p;
    let children = std::mem::take(&mut p.children);
    p = p.add_bookmark_start(range_id, format!("_duthao_move{name}"));
    for c in children {
        let runs: Vec<Run> = match c {
            ParagraphChild::Run(r) => vec![*r],
            ParagraphChild::Hyperlink(h) => h
                .children
                .into_iter()
                .filter_map(|hc| match hc {
                    ParagraphChild::Run(r) => Some(*r),
                    _ => None,
                })
                .collect(),
            other => {
                p.children.push(other);
                Vec::new()
            }
        };
        for r in runs {
            p = if t == Track::Del {
                p.add_move_from(
                    MoveFrom::new()
                        .add_run(r)
                        .author(&rev.author)
                        .date(&rev.date),
                )
            } else {
                p.add_move_to(MoveTo::new(r).author(&rev.author).date(&rev.date))
            };
        }
    }
    p = p.add_bookmark_end(range_id);
    vec![Piece::Para(w.mark_paragraph(p, t))]
}

fn track_paragraph(w: &Writer, p: Paragraph, t: Track) -> Paragraph {
    let mut p = p;
    let children = std::mem::take(&mut p.children);
    for c in children {
        p = match c {
            ParagraphChild::Run(r) => w.add_run_tracked(p, as_tracked_run(*r, t), t),
            // A link inside a tracked change keeps its text; the target is
            // dropped because w:hyperlink cannot sit inside w:ins / w:del.
            ParagraphChild::Hyperlink(h) => {
                let mut p = p;
                for hc in h.children {
                    if let ParagraphChild::Run(r) = hc {
                        p = w.add_run_tracked(p, as_tracked_run(*r, t), t);
                    }
                }
                p
            }
            other => {
                p.children.push(other);
                p
            }
        };
    }
    w.mark_paragraph(p, t)
}

/// Deleted text must be `w:delText`, not `w:t`.
fn as_tracked_run(r: Run, t: Track) -> Run {
    if t != Track::Del {
        return r;
    }
    let mut out = r.clone();
    out.children = r
        .children
        .into_iter()
        .map(|c| match c {
            RunChild::Text(text) => RunChild::DeleteText(docx_rs::DeleteText::new(text.text)),
            other => other,
        })
        .collect();
    out
}

fn track_table(w: &Writer, mut tbl: Table, t: Track) -> Table {
    let Some(rev) = &w.rev else { return tbl };
    tbl.rows = tbl
        .rows
        .into_iter()
        .map(|TableChild::TableRow(mut row)| {
            row = match t {
                Track::Ins => {
                    row.insert(Insert::new_with_empty().author(&rev.author).date(&rev.date))
                }
                Track::Del => row.delete(Delete::new().author(&rev.author).date(&rev.date)),
                Track::Keep => row,
            };
            row.cells = row
                .cells
                .into_iter()
                .map(|TableRowChild::TableCell(mut cell)| {
                    cell.children = cell
                        .children
                        .into_iter()
                        .map(|c| match c {
                            TableCellContent::Paragraph(p) => {
                                TableCellContent::Paragraph(Box::new(track_paragraph(w, *p, t)))
                            }
                            other => other,
                        })
                        .collect();
                    TableRowChild::TableCell(cell)
                })
                .collect();
            TableChild::TableRow(row)
        })
        .collect();
    tbl
}

/// What a character of a block's text comes from.
#[derive(Clone, Debug, PartialEq)]
enum Source {
    /// Marker or separator text in the block's base style.
    Plain,
    Text(Style, Option<String>),
    /// Part of a `[^label]` footnote reference.
    Footnote(String),
}

/// A block's text, character by character with where each comes from,
/// normalised the way the diff normalises (whitespace runs collapsed to one
/// space, or a newline when they hold one; trimmed).
fn styled(b: &Block) -> Styled {
    let mut sources: Vec<Source> = vec![Source::Plain];
    let mut raw: Vec<(char, usize)> = Vec::new();
    let push_str =
        |raw: &mut Vec<(char, usize)>, s: &str, k: usize| raw.extend(s.chars().map(|c| (c, k)));
    match &b.kind {
        BlockKind::ListItem { marker, .. } => push_str(&mut raw, &format!("{marker} "), 0),
        BlockKind::FootnoteDef { label, .. } => push_str(&mut raw, &format!("[^{label}]: "), 0),
        _ => {}
    }
    for i in b.inlines().unwrap_or(&[]) {
        match i {
            Inline::Text(r) => {
                sources.push(Source::Text(r.style, r.link.clone()));
                let k = sources.len() - 1;
                push_str(&mut raw, &r.text, k);
            }
            Inline::LineBreak => raw.push(('\n', 0)),
            Inline::FootnoteRef { label } => {
                sources.push(Source::Footnote(label.clone()));
                let k = sources.len() - 1;
                push_str(&mut raw, &format!("[^{label}]"), k);
            }
        }
    }
    let mut out: Vec<(char, usize)> = Vec::with_capacity(raw.len());
    let mut pending: Option<(char, usize)> = None;
    for (c, k) in raw {
        if c.is_whitespace() {
            let nl = c == '\n' || c == '\r' || c == '\u{2028}';
            pending = match pending {
                Some(('\n', pk)) => Some(('\n', pk)),
                Some((_, pk)) if nl => Some(('\n', pk)),
                Some(p) => Some(p),
                None => Some((if nl { '\n' } else { ' ' }, k)),
            };
        } else {
            if let Some(p) = pending.take()
                && !out.is_empty()
            {
                out.push(p);
            }
            out.push((c, k));
        }
    }
    Styled {
        chars: out,
        sources,
    }
}

struct Styled {
    chars: Vec<(char, usize)>,
    sources: Vec<Source>,
}

/// An edited block: TO's paragraph style, the word ops as tracked runs, each
/// piece of text in the emphasis it has on its side (TO for kept and inserted
/// text, FROM for deleted text). Tables, code and kind changes are written as
/// the whole old block deleted and the whole new one inserted.
fn edited(
    w: &mut Writer,
    old: &Block,
    new: &Block,
    ops: &[TextOp],
    referenced: &std::collections::HashSet<String>,
) -> Vec<Piece> {
    let inline_kind = |b: &Block| {
        matches!(
            b.kind,
            BlockKind::Heading { .. }
                | BlockKind::Paragraph { .. }
                | BlockKind::ListItem { .. }
                | BlockKind::Quote { .. }
        )
    };
    if !inline_kind(old)
        || !inline_kind(new)
        || std::mem::discriminant(&old.kind) != std::mem::discriminant(&new.kind)
    {
        let mut out = whole(w, old, referenced, Track::Del);
        out.extend(whole(w, new, referenced, Track::Ins));
        return out;
    }
    let new_s = styled(new);
    let old_s = styled(old);
    let side_text = |keep_ins: bool| -> String {
        ops.iter()
            .filter_map(|op| match op {
                TextOp::Equal(t) => Some(t.as_str()),
                TextOp::Insert(t) if keep_ins => Some(t.as_str()),
                TextOp::Delete(t) if !keep_ins => Some(t.as_str()),
                _ => None,
            })
            .collect()
    };
    let new_plain: String = new_s.chars.iter().map(|(c, _)| c).collect();
    let old_plain: String = old_s.chars.iter().map(|(c, _)| c).collect();
    // Ops that do not rebuild the blocks' texts are written without
    // emphasis rather than misaligned.
    let aligned = side_text(true) == new_plain && side_text(false) == old_plain;

    let style = w.block_style(new);
    w.note_space_after(new, &style);
    let mut p = w.para(&style);
    if matches!(new.kind, BlockKind::Quote { .. }) {
        p = p.indent(
            Some(super::build::mm(w.layout.quote.indent_mm)),
            None,
            None,
            None,
        );
    }
    if matches!(new.kind, BlockKind::Heading { .. }) {
        p = p.keep_next(true);
    }
    let look = w.look(&style);
    let (mut ni, mut oi) = (0usize, 0usize);
    for op in ops {
        let (text, t) = match op {
            TextOp::Equal(t) => (t, Track::Keep),
            TextOp::Insert(t) => (t, Track::Ins),
            TextOp::Delete(t) => (t, Track::Del),
        };
        let n = text.chars().count();
        if !aligned {
            p = w.add_tracked(p, text, &look, Style::default(), t);
            continue;
        }
        let (side, start) = match t {
            Track::Del => (&old_s, oi),
            _ => (&new_s, ni),
        };
        p = emit_styled(w, p, side, start, n, &look, t);
        match t {
            Track::Keep => {
                ni += n;
                oi += n;
            }
            Track::Ins => ni += n,
            Track::Del => oi += n,
        }
    }
    vec![Piece::Para(p)]
}

/// Writes chars `start..start+n` of a styled text, split where the source changes.
fn emit_styled(
    w: &mut Writer,
    mut p: Paragraph,
    s: &Styled,
    start: usize,
    n: usize,
    look: &RunLook,
    t: Track,
) -> Paragraph {
    let end = (start + n).min(s.chars.len());
    let mut i = start;
    while i < end {
        let k = s.chars[i].1;
        let mut j = i;
        while j < end && s.chars[j].1 == k {
            j += 1;
        }
        let text: String = s.chars[i..j].iter().map(|(c, _)| c).collect();
        match &s.sources[k] {
            Source::Footnote(label) => {
                // One reference per `[^label]`, written where it starts.
                let starts_here = i == 0 || s.chars[i - 1].1 != k;
                if starts_here {
                    let r = w.footnote_ref_run(label, look);
                    p = w.add_run_tracked(p, as_tracked_run(r, t), t);
                }
            }
            Source::Text(style, _) => p = w.add_tracked(p, &text, look, *style, t),
            Source::Plain => p = w.add_tracked(p, &text, look, Style::default(), t),
        }
        i = j;
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styled_text_is_normalised_like_the_diff() {
        let b = Block {
            kind: BlockKind::Paragraph {
                content: vec![
                    Inline::Text(crate::model::Run {
                        text: "  Hai   từ ".into(),
                        style: Style::default(),
                        link: None,
                    }),
                    Inline::Text(crate::model::Run {
                        text: "đậm".into(),
                        style: Style {
                            bold: true,
                            ..Style::default()
                        },
                        link: None,
                    }),
                ],
            },
            lines: crate::model::LineRange { start: 1, end: 1 },
            path: Default::default(),
            fingerprint: crate::model::Fingerprint([0; 16]),
        };
        let s = styled(&b);
        let text: String = s.chars.iter().map(|(c, _)| c).collect();
        assert_eq!(text, "Hai từ đậm");
        let bold_from = s.chars.iter().position(|(c, _)| *c == 'đ').expect("đ");
        assert!(matches!(s.sources[s.chars[bold_from].1], Source::Text(st, _) if st.bold));
    }
}
