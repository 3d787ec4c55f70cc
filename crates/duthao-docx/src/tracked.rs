//! The TO version in the official layout with every change as a Word tracked
//! change: `w:ins` / `w:del` runs, inserted and deleted paragraph marks, whole
//! table rows inserted or deleted. Accepting every change gives TO's text,
//! rejecting every change FROM's.
//!
//! The writer walks the diff engine's [`DraftDiff`] in reading order and
//! only prints it: the
//! word ops of an edited block, the rows and cells of an edited table as
//! the diff paired them. A block moved without edits is a Word move
//! (`w:moveFrom` / `w:moveTo` inside named move ranges, which Word,
//! LibreOffice and pandoc pair up); a block moved and edited at once is a
//! deletion at the old place and an insertion at the new one, which accepts
//! and rejects exactly and does not pretend the two texts are the same.

use std::fmt::Write as _;

use super::Body;
use super::body::{Referenced, renders};
use super::props::Track;
use super::tables::TableRow;
use super::writer::{Look, Writer};
use super::xml::push_attr;
use duthao_diff::{BlockChange, DraftDiff, RowChange, Step, TableChange, WordOp};
use duthao_model::{Block, BlockKind, Draft, Inline, Inlines, Style};

fn pure_move(ops: &[WordOp]) -> bool {
    ops.iter().all(|op| matches!(op, WordOp::Equal(_)))
}

/// Whether a step of the diff's reading order writes anything. A moved
/// block is written twice: deleted where it stood in FROM (its departure),
/// inserted where it stands in TO.
pub(crate) fn step_renders(
    diff: &DraftDiff,
    step: Step,
    from: &Draft,
    to: &Draft,
    referenced: &Referenced,
) -> bool {
    let at = |blocks: &[Block], i: usize| blocks.get(i).is_some_and(|b| renders(b, referenced));
    match step {
        Step::Departure(i) => diff.blocks[i]
            .from()
            .is_some_and(|f| at(&from.body.blocks, f)),
        Step::Block(i) => match &diff.blocks[i] {
            BlockChange::Changed { .. } => true,
            BlockChange::Removed { from: f } => at(&from.body.blocks, *f),
            change => change.to().is_some_and(|t| at(&to.body.blocks, t)),
        },
    }
}

/// Blocks whose text is one paragraph of inline content, which a word
/// diff can mark up in place.
fn is_inline(b: &Block) -> bool {
    matches!(
        b.kind,
        BlockKind::Heading { .. }
            | BlockKind::Paragraph { .. }
            | BlockKind::ListItem { .. }
            | BlockKind::Quote { .. }
    )
}

impl<'a> Writer<'a> {
    /// One tracked block.
    pub fn tracked_step(
        &mut self,
        diff: &DraftDiff,
        step: Step,
        from: &'a Draft,
        to: &'a Draft,
        referenced: &Referenced,
        out: &mut Body<'_>,
    ) {
        let old = |i: usize| from.body.blocks.get(i);
        let new = |i: usize| to.body.blocks.get(i);
        let pos = match step {
            // Where a moved block left: a Word move when it was not edited,
            // paired by name with its arrival.
            Step::Departure(i) => {
                if let BlockChange::Moved { from: f, ops, .. } = &diff.blocks[i]
                    && let Some(blk) = old(*f)
                {
                    if pure_move(ops) {
                        self.moved(blk, referenced, Track::Del, i as u32, out)
                    } else {
                        self.block(blk, referenced, Track::Del, out)
                    }
                }
                return;
            }
            Step::Block(pos) => pos,
        };
        match &diff.blocks[pos] {
            BlockChange::Unchanged { to: t, .. } => {
                if let Some(blk) = new(*t) {
                    self.block(blk, referenced, Track::Keep, out)
                }
            }
            BlockChange::Added { to: t } => {
                if let Some(blk) = new(*t) {
                    self.block(blk, referenced, Track::Ins, out)
                }
            }
            BlockChange::Removed { from: f } => {
                if let Some(blk) = old(*f) {
                    self.block(blk, referenced, Track::Del, out)
                }
            }
            BlockChange::Moved { to: t, ops, .. } => {
                if let Some(blk) = new(*t) {
                    if pure_move(ops) {
                        self.moved(blk, referenced, Track::Ins, pos as u32, out)
                    } else {
                        self.block(blk, referenced, Track::Ins, out)
                    }
                }
            }
            BlockChange::Changed {
                from: f,
                to: t,
                ops,
                table,
            } => {
                if let (Some(o), Some(n)) = (old(*f), new(*t)) {
                    match table.as_deref() {
                        Some(TableChange::Rows(rows)) => {
                            self.edited_table(o, n, rows, referenced, out)
                        }
                        _ => self.edited(o, n, ops, referenced, out),
                    }
                }
            }
        }
    }

    /// A block moved without edits: one paragraph whose runs are
    /// `w:moveFrom` (old place, `Del`) or `w:moveTo` (new place, `Ins`)
    /// inside a named move range. Blocks that are not one paragraph of text
    /// (tables, code) are a plain deletion and insertion.
    fn moved(
        &mut self,
        b: &Block,
        referenced: &Referenced,
        t: Track,
        name: u32,
        out: &mut Body<'_>,
    ) {
        if !is_inline(b) || self.rev.is_none() {
            return self.block(b, referenced, t, out);
        }
        let (range, change) = if t == Track::Del {
            ("moveFrom", "w:moveFrom")
        } else {
            ("moveTo", "w:moveTo")
        };
        let range_id = self.next_id();
        let (author, date) = match &self.rev {
            Some(r) => (r.author.clone(), r.date.clone()),
            None => Default::default(),
        };
        let style = self.block_style(b);
        let mut p = self.block_para(b, &style);
        let look = self.look(&style);
        let runs = &mut p.runs;
        let _ = write!(runs, "<w:{range}RangeStart w:id=\"{range_id}\" w:author=\"");
        push_attr(runs, &author);
        runs.push_str("\" w:date=\"");
        push_attr(runs, &date);
        let _ = write!(runs, "\" w:name=\"move{name}\"/>");
        let change_id = self.next_id();
        let _ = write!(runs, "<{change} w:id=\"{change_id}\" w:author=\"");
        push_attr(runs, &author);
        runs.push_str("\" w:date=\"");
        push_attr(runs, &date);
        runs.push_str("\">");
        // Inside the move the runs are plain: Word keeps `w:t` in a move,
        // and a hyperlink cannot sit in one.
        let mut body = String::new();
        match &b.kind {
            BlockKind::ListItem {
                marker, content, ..
            } => {
                self.text(
                    &mut body,
                    &format!("{marker} "),
                    &look,
                    Style::default(),
                    Track::Keep,
                );
                self.inline_unlinked(&mut body, content, &look);
            }
            _ => {
                if let Some(content) = b.inlines() {
                    self.inline_unlinked(&mut body, content, &look);
                }
            }
        }
        p.runs.push_str(&body);
        let _ = write!(
            p.runs,
            "</{change}><w:{range}RangeEnd w:id=\"{range_id}\"/>"
        );
        p.props.mark = self.mark(t);
        self.finish(p, out);
        self.note_space_after(b, &style);
    }

    /// Inline content with links as plain text.
    fn inline_unlinked(&mut self, out: &mut String, content: &[Inline], look: &Look<'a>) {
        for i in content {
            match i {
                Inline::Text(r) => self.text(out, &r.text, look, r.style, Track::Keep),
                Inline::LineBreak => self.text(out, "\n", look, Style::default(), Track::Keep),
                Inline::FootnoteRef { label } => self.footnote_ref(out, label, look, Track::Keep),
            }
        }
    }

    /// An edited block: TO's paragraph style, the word ops as tracked runs,
    /// each piece of text in the emphasis it has on its side (TO for kept and
    /// inserted text, FROM for deleted text). Tables, code and kind changes
    /// are written as the whole old block deleted and the whole new one
    /// inserted.
    fn edited(
        &mut self,
        old: &Block,
        new: &Block,
        ops: &[WordOp],
        referenced: &Referenced,
        out: &mut Body<'_>,
    ) {
        if !is_inline(old)
            || !is_inline(new)
            || std::mem::discriminant(&old.kind) != std::mem::discriminant(&new.kind)
        {
            self.block(old, referenced, Track::Del, out);
            self.block(new, referenced, Track::Ins, out);
            return;
        }
        let (old_s, new_s) = (styled(old), styled(new));
        let style = self.block_style(new);
        let mut p = self.block_para(new, &style);
        let look = self.look(&style);
        self.tracked_runs(&mut p.runs, ops, &old_s, &new_s, &look);
        self.finish(p, out);
        self.note_space_after(new, &style);
    }

    /// Word ops as tracked runs, each piece of text in the emphasis it has
    /// on its side (TO for kept and inserted text, FROM for deleted text).
    /// Ops that do not rebuild the two texts are written without emphasis
    /// rather than misaligned.
    pub(crate) fn tracked_runs(
        &mut self,
        runs: &mut String,
        ops: &[WordOp],
        old_s: &Styled,
        new_s: &Styled,
        look: &Look<'a>,
    ) {
        let aligned = rebuilds(ops, true, &new_s.text) && rebuilds(ops, false, &old_s.text);
        let (mut ni, mut oi) = (0usize, 0usize);
        for op in ops {
            let (text, t) = match op {
                WordOp::Equal(t) => (t, Track::Keep),
                WordOp::Insert(t) => (t, Track::Ins),
                WordOp::Delete(t) => (t, Track::Del),
            };
            if !aligned {
                self.text(runs, text, look, Style::default(), t);
                continue;
            }
            let n = text.len();
            let (side, start) = match t {
                Track::Del => (old_s, oi),
                _ => (new_s, ni),
            };
            self.emit_styled(runs, side, start, n, look, t);
            match t {
                Track::Keep => {
                    ni += n;
                    oi += n;
                }
                Track::Ins => ni += n,
                Track::Del => oi += n,
            }
        }
    }

    /// An edited table, row by row as the diff paired them: kept rows as
    /// they are, removed and added rows as deleted and inserted table rows,
    /// an edited row's cells as tracked runs.
    fn edited_table(
        &mut self,
        old: &Block,
        new: &Block,
        rows: &[RowChange],
        referenced: &Referenced,
        out: &mut Body<'_>,
    ) {
        let (
            BlockKind::Table {
                header: old_header,
                rows: old_rows,
            },
            BlockKind::Table { header, rows: body },
        ) = (&old.kind, &new.kind)
        else {
            return self.block(new, referenced, Track::Keep, out);
        };
        fn row_of<'r>(
            header: &'r [Inlines],
            body: &'r [Box<[Inlines]>],
            i: usize,
        ) -> &'r [Inlines] {
            if i == 0 { header } else { &body[i - 1] }
        }
        let mut table = self.open_table(header, body, rows.len(), out);
        for change in rows {
            let header_row = change.from() == Some(0) || change.to() == Some(0);
            match change {
                RowChange::Same { to, .. } => table.row(
                    self,
                    header_row,
                    TableRow::Plain(row_of(header, body, *to), Track::Keep),
                    out,
                ),
                RowChange::Removed { from } => table.row(
                    self,
                    header_row,
                    TableRow::Plain(row_of(old_header, old_rows, *from), Track::Del),
                    out,
                ),
                RowChange::Added { to } => table.row(
                    self,
                    header_row,
                    TableRow::Plain(row_of(header, body, *to), Track::Ins),
                    out,
                ),
                RowChange::Edited { from, to, cells } => table.row(
                    self,
                    header_row,
                    TableRow::Edited {
                        old: row_of(old_header, old_rows, *from),
                        new: row_of(header, body, *to),
                        cells,
                    },
                    out,
                ),
            }
        }
        table.close(self, out);
    }

    /// Writes bytes `start..start + n` of a styled text, split where the
    /// source changes.
    fn emit_styled(
        &mut self,
        out: &mut String,
        s: &Styled,
        start: usize,
        n: usize,
        look: &Look<'a>,
        t: Track,
    ) {
        let end = (start + n).min(s.text.len());
        // The first run that ends after `start`.
        let mut r = s.runs.partition_point(|&(run_end, _)| run_end <= start);
        let mut at = start;
        while at < end && r < s.runs.len() {
            let (run_end, k) = s.runs[r];
            let run_start = if r == 0 { 0 } else { s.runs[r - 1].0 };
            let piece_end = run_end.min(end);
            match &s.sources[k] {
                Source::Footnote(label) => {
                    // One reference per `[^label]`, written where it starts.
                    if at == run_start {
                        self.footnote_ref(out, label, look, t);
                    }
                }
                Source::Text(style) => self.text(out, &s.text[at..piece_end], look, *style, t),
                Source::Plain => self.text(out, &s.text[at..piece_end], look, Style::default(), t),
            }
            at = piece_end;
            r += 1;
        }
    }
}

/// Whether the ops of one side (TO when `keep_ins`, else FROM) concatenate
/// to `text`, without building their concatenation.
fn rebuilds(ops: &[WordOp], keep_ins: bool, text: &str) -> bool {
    let mut at = 0;
    for op in ops {
        let piece = match op {
            WordOp::Equal(t) => t,
            WordOp::Insert(t) if keep_ins => t,
            WordOp::Delete(t) if !keep_ins => t,
            _ => continue,
        };
        if !text[at..].starts_with(piece.as_str()) {
            return false;
        }
        at += piece.len();
    }
    at == text.len()
}

/// What a character of a block's text comes from.
#[derive(Clone, Debug, PartialEq)]
enum Source {
    /// Marker or separator text in the block's base style.
    Plain,
    Text(Style),
    /// Part of a `[^label]` footnote reference.
    Footnote(String),
}

/// A block's text as the diff compares it, with where each stretch comes
/// from: `runs` are (end byte, index into `sources`), in order.
pub(crate) struct Styled {
    text: String,
    runs: Vec<(usize, usize)>,
    sources: Vec<Source>,
}

/// A block's text normalised the way the diff normalises it (whitespace
/// runs collapsed to one space, or a newline when they hold one; trimmed),
/// with the source of every stretch.
fn styled(b: &Block) -> Styled {
    let lead = match &b.kind {
        BlockKind::ListItem { marker, .. } => Some(format!("{marker} ")),
        BlockKind::FootnoteDef { label, .. } => Some(format!("[^{label}]: ")),
        _ => None,
    };
    styled_inlines(lead.as_deref(), b.inlines().unwrap_or(&[]))
}

/// [`styled`] of inline content (a paragraph's, a table cell's) after an
/// optional lead in the base style (a list marker).
pub(crate) fn styled_inlines(lead: Option<&str>, content: &[Inline]) -> Styled {
    let mut s = Styled {
        text: String::new(),
        runs: Vec::new(),
        sources: vec![Source::Plain],
    };
    // The separator owed before the next visible character, and its source.
    let mut pending: Option<(char, usize)> = None;
    let mut push = |s: &mut Styled, piece: &str, k: usize| {
        for c in piece.chars() {
            if c.is_whitespace() {
                let nl = c == '\n' || c == '\r' || c == '\u{2028}';
                pending = match pending {
                    Some(('\n', pk)) => Some(('\n', pk)),
                    Some((_, pk)) if nl => Some(('\n', pk)),
                    Some(p) => Some(p),
                    None => Some((if nl { '\n' } else { ' ' }, k)),
                };
                continue;
            }
            if let Some((sep, pk)) = pending.take()
                && !s.text.is_empty()
            {
                push_char(s, sep, pk);
            }
            push_char(s, c, k);
        }
    };
    if let Some(lead) = lead {
        push(&mut s, lead, 0);
    }
    for i in content {
        match i {
            Inline::Text(r) => {
                s.sources.push(Source::Text(r.style));
                let k = s.sources.len() - 1;
                push(&mut s, &r.text, k);
            }
            Inline::LineBreak => push(&mut s, "\n", 0),
            Inline::FootnoteRef { label } => {
                s.sources.push(Source::Footnote(label.to_string()));
                let k = s.sources.len() - 1;
                push(&mut s, &format!("[^{label}]"), k);
            }
        }
    }
    s
}

fn push_char(s: &mut Styled, c: char, k: usize) {
    s.text.push(c);
    match s.runs.last_mut() {
        Some((end, last)) if *last == k => *end = s.text.len(),
        _ => s.runs.push((s.text.len(), k)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styled_text_is_normalised_like_the_diff() {
        let b = Block {
            kind: BlockKind::Paragraph {
                content: vec![
                    Inline::Text(duthao_model::Run {
                        text: "  Hai   từ ".into(),
                        style: Style::default(),
                        link: None,
                    }),
                    Inline::Text(duthao_model::Run {
                        text: "đậm".into(),
                        style: Style {
                            bold: true,
                            ..Style::default()
                        },
                        link: None,
                    }),
                ]
                .into(),
            },
            lines: duthao_model::LineRange { start: 1, end: 1 },
            path: Default::default(),
            fingerprint: duthao_model::Fingerprint([0; 16]),
        };
        let s = styled(&b);
        assert_eq!(s.text, "Hai từ đậm");
        let bold_from = s.text.find('đ').expect("đ");
        let run = s.runs.partition_point(|&(end, _)| end <= bold_from);
        assert!(matches!(s.sources[s.runs[run].1], Source::Text(st) if st.bold));
    }
}
