//! Tables of the body: bordered, fixed columns in proportion to their text,
//! a bold centred header row.

use super::Body;
use super::comments::cell_offsets;
use super::props::{Border, TableProps, Track, open_cell, open_row};
use super::tracked::styled_inlines;
use super::writer::Writer;
use duthao_diff::WordOp;
use duthao_model::{Inline, Inlines};
use duthao_profile::layout::{Align, TextStyle};

/// Column widths in proportion to the longest text of each column (its
/// square root, so one long cell does not squeeze the others), at least a
/// tenth of the table each.
pub(crate) fn column_widths(
    header: &[Inlines],
    rows: &[Box<[Inlines]>],
    ncols: usize,
    total: i32,
) -> Vec<i32> {
    let mut longest = vec![1usize; ncols];
    for row in std::iter::once(header).chain(rows.iter().map(|r| &r[..])) {
        for (i, cell) in row.iter().enumerate().take(ncols) {
            let mut n = 0;
            for piece in cell {
                if let Inline::Text(r) = piece {
                    n += r.text.chars().count();
                }
            }
            longest[i] = longest[i].max(n);
        }
    }
    let weights: Vec<f64> = longest
        .iter()
        .map(|n| (*n as f64).sqrt().max(2.0))
        .collect();
    let sum: f64 = weights.iter().sum();
    let min = total as f64 / (ncols as f64 * 2.5).max(10.0);
    let raw: Vec<f64> = weights
        .iter()
        .map(|w| (w / sum * total as f64).max(min))
        .collect();
    let scale = total as f64 / raw.iter().sum::<f64>();
    let mut out: Vec<i32> = raw.iter().map(|w| (w * scale).floor() as i32).collect();
    let used: i32 = out.iter().sum();
    if let Some(last) = out.last_mut() {
        *last += total - used;
    }
    out
}

/// More columns than this and a table could not be read on an A4 page
/// anyway; the rest of each row goes into the last column.
const MAX_COLUMNS: usize = 63;

/// One row of a table being written.
pub(crate) enum TableRow<'r> {
    /// The cells of one side, every run tracked as the row is.
    Plain(&'r [Inlines], Track),
    /// A row the diff paired, with the word ops of each of its cells.
    Edited {
        old: &'r [Inlines],
        new: &'r [Inlines],
        cells: &'r [Vec<WordOp>],
    },
}

/// A table whose rows are being written.
pub(crate) struct OpenTable {
    widths: Vec<i32>,
    ncols: usize,
    cell_style: TextStyle,
    header_style: TextStyle,
    /// Whether the table is the last block before the closing block.
    keep: bool,
    /// Rows still to come, to know the last one.
    left: usize,
    /// Rows in all.
    rows: usize,
    /// In a review export of a table block, where each cell's text starts
    /// in the block's text, row by row.
    offsets: Option<Vec<Vec<usize>>>,
}

impl OpenTable {
    /// Writes one row (`header`: in the header's style).
    pub fn row<'a>(
        &mut self,
        w: &mut Writer<'a>,
        header: bool,
        row: TableRow<'_>,
        out: &mut Body<'_>,
    ) {
        let s = if header {
            &self.header_style
        } else {
            &self.cell_style
        };
        let look = w.look(s);
        let row_track = match row {
            TableRow::Plain(_, t) => t,
            TableRow::Edited { .. } => Track::Keep,
        };
        let mark = w.mark(row_track);
        open_row(false, mark, w.rev.as_ref(), out);
        self.left = self.left.saturating_sub(1);
        // Only the last row keeps with the signature block below.
        w.keep_with_closing = self.keep && self.left == 0;
        let row_index = self.rows - self.left - 1;
        for (ci, width) in self.widths.iter().enumerate() {
            open_cell(*width, false, out);
            // A review export: the cell's marker, and the cursor at the
            // cell's text in the block's text.
            let at = self
                .offsets
                .as_ref()
                .and_then(|o| o.get(row_index)?.get(ci).copied());
            if let Some(a) = w.anchor() {
                a.cell = Some((row_index, ci));
                if let Some(at) = at {
                    a.pos = at;
                }
            }
            let mut p = w.para(s);
            let range = |cells: &[Inlines]| {
                if ci + 1 == self.ncols && cells.len() > self.ncols {
                    // Cells beyond the last column (a table wider than a
                    // page holds) are kept, joined into the last one.
                    ci..cells.len()
                } else {
                    ci..(ci + 1).min(cells.len()).max(ci)
                }
            };
            match row {
                TableRow::Plain(cells, t) => {
                    let r = range(cells);
                    for (k, c) in cells.get(r).unwrap_or(&[]).iter().enumerate() {
                        if k > 0 {
                            w.unanchored(|w| {
                                w.text(&mut p.runs, " | ", &look, Default::default(), t)
                            });
                            w.skip_text(3);
                        }
                        w.inline(&mut p.runs, c, &look, t);
                    }
                }
                TableRow::Edited { old, new, cells } => {
                    let r = range(new);
                    for (k, c) in r.enumerate() {
                        if k > 0 {
                            w.text(&mut p.runs, " | ", &look, Default::default(), Track::Keep);
                        }
                        let (Some(o), Some(n), Some(ops)) = (old.get(c), new.get(c), cells.get(c))
                        else {
                            continue;
                        };
                        let (o, n) = (styled_inlines(None, o), styled_inlines(None, n));
                        w.tracked_runs(&mut p.runs, ops, &o, &n, &look);
                    }
                }
            }
            p.props.mark = w.mark(row_track);
            w.finish(p, out);
            out.push_str("</w:tc>");
        }
        out.push_str("</w:tr>");
        out.boundary();
    }

    /// Ends the table.
    pub fn close(self, w: &mut Writer<'_>, out: &mut Body<'_>) {
        w.keep_with_closing = self.keep;
        out.push_str("</w:tbl>");
    }
}

impl<'a> Writer<'a> {
    /// Opens a body table with `rows` rows to come, its columns sized by the
    /// cells given.
    pub(crate) fn open_table(
        &mut self,
        header: &[Inlines],
        body: &[Box<[Inlines]>],
        rows: usize,
        out: &mut Body<'_>,
    ) -> OpenTable {
        let l = self.layout;
        let ncols = header
            .len()
            .max(body.iter().map(|r| r.len()).max().unwrap_or(0))
            .clamp(1, MAX_COLUMNS);
        let widths = column_widths(header, body, ncols, self.text_width);
        let cell_style = TextStyle {
            size_pt: l.table.size_pt,
            align: Align::Left,
            first_line_indent_mm: 0.0,
            space_before_pt: 2.0,
            space_after_pt: 2.0,
            line_spacing: None,
            ..l.body.clone()
        };
        let mut header_style = cell_style.clone();
        header_style.bold = l.table.header_bold;
        header_style.align = Align::Center;
        TableProps {
            widths: widths.clone(),
            indent: 0,
            borders: Some(Border {
                size: l.table.border_eighths,
                space: 0,
            }),
        }
        .open(out);
        OpenTable {
            widths,
            ncols,
            cell_style,
            header_style,
            keep: self.keep_with_closing,
            left: rows,
            rows,
            offsets: None,
        }
    }

    /// A body table, every row tracked as `t`.
    pub fn table(
        &mut self,
        header: &[Inlines],
        rows: &[Box<[Inlines]>],
        t: Track,
        out: &mut Body<'_>,
    ) {
        let mut table = self.open_table(header, rows, rows.len() + 1, out);
        if self.anchor().is_some() {
            let all: Vec<&[Inlines]> = std::iter::once(header)
                .chain(rows.iter().map(|r| &r[..]))
                .collect();
            table.offsets = Some(cell_offsets(&all));
        }
        table.row(self, true, TableRow::Plain(header, t), out);
        for row in rows {
            table.row(self, false, TableRow::Plain(row, t), out);
        }
        table.close(self, out);
        if let Some(a) = self.anchor() {
            a.cell = None;
        }
    }
}
