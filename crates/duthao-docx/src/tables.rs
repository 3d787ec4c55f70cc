//! Tables of the body: bordered, fixed columns in proportion to their text,
//! a bold centred header row.

use super::Body;
use super::props::{Border, TableProps, Track, open_cell, open_row};
use super::writer::Writer;
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

impl<'a> Writer<'a> {
    /// A body table, every row tracked as `t`.
    pub fn table(
        &mut self,
        header: &[Inlines],
        rows: &[Box<[Inlines]>],
        t: Track,
        out: &mut Body<'_>,
    ) {
        let l = self.layout;
        let ncols = header
            .len()
            .max(rows.iter().map(|r| r.len()).max().unwrap_or(0))
            .clamp(1, MAX_COLUMNS);
        let widths = column_widths(header, rows, ncols, self.text_width);
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
        let keep = self.keep_with_closing;
        let n = rows.len() + 1;
        for (ri, row) in std::iter::once(header)
            .chain(rows.iter().map(|r| &r[..]))
            .enumerate()
        {
            let s = if ri == 0 { &header_style } else { &cell_style };
            let look = self.look(s);
            let mark = self.mark(t);
            open_row(false, mark, self.rev.as_ref(), out);
            // Only the last row keeps with the signature block below.
            self.keep_with_closing = keep && ri + 1 == n;
            for (ci, width) in widths.iter().enumerate() {
                open_cell(*width, false, out);
                let mut p = self.para(s);
                let cells: &[Inlines] = row;
                let content = if ci + 1 == ncols && cells.len() > ncols {
                    // Cells beyond the last column (a table wider than a page
                    // holds) are kept, joined into the last one.
                    &cells[ci..]
                } else {
                    cells.get(ci..ci + 1).unwrap_or(&[])
                };
                for (k, c) in content.iter().enumerate() {
                    if k > 0 {
                        self.text(&mut p.runs, " | ", &look, Default::default(), t);
                    }
                    self.inline(&mut p.runs, c, &look, t);
                }
                p.props.mark = self.mark(t);
                self.finish(p, out);
                out.push_str("</w:tc>");
            }
            out.push_str("</w:tr>");
            out.boundary();
        }
        self.keep_with_closing = keep;
        out.push_str("</w:tbl>");
    }
}
