//! Changed tables, row by row and cell by cell: what every writer shows for
//! an edited table instead of a word diff of its text.

use std::time::Instant;

use serde::Serialize;

use crate::WordOp;
use crate::words::diff_words;
use duthao_model::{Block, BlockKind, inline_text};

/// How an edited table changed. Row 0 is the header row; indices count the
/// header, so row `i` of a side is its header when `i == 0`, else its body
/// row `i - 1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "shape", content = "rows", rename_all = "kebab-case")]
pub enum TableChange {
    /// Both sides have the same columns: rows paired, in TO order with
    /// removed rows where they stood in FROM.
    Rows(Vec<RowChange>),
    /// The number of columns changed: the FROM table is replaced by the TO
    /// table as a whole.
    Reshaped,
}

/// One row of a changed table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum RowChange {
    /// The same cells on both sides.
    Same {
        /// The row in FROM.
        from: usize,
        /// The row in TO.
        to: usize,
    },
    /// The same row with some cells edited: one word diff per cell, in
    /// column order (a cell that did not change is one `Equal`).
    Edited {
        /// The row in FROM.
        from: usize,
        /// The row in TO.
        to: usize,
        /// The word diff of each cell.
        cells: Vec<Vec<WordOp>>,
    },
    /// A row only FROM has.
    Removed {
        /// The row in FROM.
        from: usize,
    },
    /// A row only TO has.
    Added {
        /// The row in TO.
        to: usize,
    },
}

impl RowChange {
    /// The FROM row, unless the row was added.
    pub fn from(&self) -> Option<usize> {
        match *self {
            RowChange::Same { from, .. }
            | RowChange::Edited { from, .. }
            | RowChange::Removed { from } => Some(from),
            RowChange::Added { .. } => None,
        }
    }

    /// The TO row, unless the row was removed.
    pub fn to(&self) -> Option<usize> {
        match *self {
            RowChange::Same { to, .. } | RowChange::Edited { to, .. } | RowChange::Added { to } => {
                Some(to)
            }
            RowChange::Removed { .. } => None,
        }
    }
}

/// A table's cells as the diff compares them (normalised unless whitespace
/// is significant), header row first. `None` for a block that is no table.
pub fn table_cells(block: &Block, whitespace: bool) -> Option<Vec<Vec<String>>> {
    let BlockKind::Table { header, rows } = &block.kind else {
        return None;
    };
    Some(
        std::iter::once(header)
            .chain(rows.iter())
            .map(|row| {
                row.iter()
                    .map(|cell| {
                        let text = inline_text(cell);
                        if whitespace {
                            text
                        } else {
                            crate::normalize(&text, false)
                        }
                    })
                    .collect()
            })
            .collect(),
    )
}

/// One row as it stands in the table's compared text: `| a | b |`. With
/// whitespace normalised an empty cell leaves one space (`| | b |`).
fn row_text(cells: &[String], whitespace: bool) -> String {
    let mut s = String::from("|");
    for c in cells {
        if whitespace {
            s.push(' ');
            s.push_str(c);
            s.push_str(" |");
        } else {
            if !c.is_empty() {
                s.push(' ');
                s.push_str(c);
            }
            s.push_str(" |");
        }
    }
    s
}

/// Ops over the table's text that say what `change` says, row by row: the
/// table's word ops, so that a writer that shows text (terminal, Markdown,
/// JSON) gives the same verdict as one that shows rows (HTML, DOCX).
fn table_ops(
    change: &TableChange,
    old: &[Vec<String>],
    new: &[Vec<String>],
    whitespace: bool,
) -> Vec<WordOp> {
    let mut ops = Ops::default();
    let rows = match change {
        TableChange::Reshaped => {
            let text = |t: &[Vec<String>]| {
                t.iter()
                    .map(|r| row_text(r, whitespace))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            ops.push(WordOp::Delete(text(old)));
            ops.push(WordOp::Insert(text(new)));
            return ops.0;
        }
        TableChange::Rows(rows) => rows,
    };
    // Each row but the first starts with the line break before it, which
    // belongs to the row: a removed row takes its break with it.
    let (mut old_started, mut new_started) = (false, false);
    for row in rows {
        let lead = |started: &mut bool| {
            let nl = if *started { "\n" } else { "" };
            *started = true;
            nl
        };
        match row {
            RowChange::Same { to, .. } => {
                let (a, b) = (lead(&mut old_started), lead(&mut new_started));
                if a == b {
                    ops.push(WordOp::Equal(format!(
                        "{a}{}",
                        row_text(&new[*to], whitespace)
                    )));
                } else {
                    // The first row of one side only: the break is a change.
                    ops.push(WordOp::Delete(a.to_string()));
                    ops.push(WordOp::Insert(b.to_string()));
                    ops.push(WordOp::Equal(row_text(&new[*to], whitespace)));
                }
            }
            RowChange::Removed { from } => {
                let a = lead(&mut old_started);
                ops.push(WordOp::Delete(format!(
                    "{a}{}",
                    row_text(&old[*from], whitespace)
                )));
            }
            RowChange::Added { to } => {
                let b = lead(&mut new_started);
                ops.push(WordOp::Insert(format!(
                    "{b}{}",
                    row_text(&new[*to], whitespace)
                )));
            }
            RowChange::Edited { from, to, cells } => {
                let (a, b) = (lead(&mut old_started), lead(&mut new_started));
                if a == b {
                    ops.push(WordOp::Equal(format!("{a}|")));
                } else {
                    ops.push(WordOp::Delete(a.to_string()));
                    ops.push(WordOp::Insert(b.to_string()));
                    ops.push(WordOp::Equal("|".to_string()));
                }
                for ((o, n), cell) in old[*from].iter().zip(&new[*to]).zip(cells) {
                    match (whitespace || !o.is_empty(), whitespace || !n.is_empty()) {
                        (true, true) => {
                            ops.push(WordOp::Equal(" ".to_string()));
                            for op in cell {
                                ops.push(op.clone());
                            }
                        }
                        (false, true) => ops.push(WordOp::Insert(format!(" {n}"))),
                        (true, false) => ops.push(WordOp::Delete(format!(" {o}"))),
                        (false, false) => {}
                    }
                    ops.push(WordOp::Equal(" |".to_string()));
                }
            }
        }
    }
    ops.0
}

/// Ops kept in the diff's form: no empty op, adjacent ops of one kind
/// merged, and within a change the deletion before the insertion.
#[derive(Default)]
struct Ops(Vec<WordOp>);

impl Ops {
    fn push(&mut self, op: WordOp) {
        if op.text().is_empty() {
            return;
        }
        let v = &mut self.0;
        match (v.last_mut(), op) {
            (Some(WordOp::Equal(t)), WordOp::Equal(s))
            | (Some(WordOp::Insert(t)), WordOp::Insert(s))
            | (Some(WordOp::Delete(t)), WordOp::Delete(s)) => t.push_str(&s),
            (Some(WordOp::Insert(_)), WordOp::Delete(s)) => {
                // Insert then Delete: the deletion goes before the insertion,
                // joining a deletion already there.
                let at = v.len() - 1;
                match at.checked_sub(1).map(|k| &mut v[k]) {
                    Some(WordOp::Delete(t)) => t.push_str(&s),
                    _ => v.insert(at, WordOp::Delete(s)),
                }
            }
            (_, op) => v.push(op),
        }
    }
}

/// How the table `old` became `new`, when both are tables. Equal rows are
/// found by a line diff of the rows; between two of them, rows are paired
/// in order while they have as many cells and share one (and get a word
/// diff per cell), the rest are removed or added: rows with nothing in
/// common read better that way than as every cell rewritten.
///
/// Returns the change with the table's word ops that say the same.
pub(crate) fn table_change(
    old: &Block,
    new: &Block,
    whitespace: bool,
    deadline: Option<Instant>,
) -> Option<(TableChange, Vec<WordOp>)> {
    let old = table_cells(old, whitespace)?;
    let new = table_cells(new, whitespace)?;
    let change = pair_rows(&old, &new, deadline);
    let ops = table_ops(&change, &old, &new, whitespace);
    Some((change, ops))
}

fn pair_rows(old: &[Vec<String>], new: &[Vec<String>], deadline: Option<Instant>) -> TableChange {
    let columns = |t: &[Vec<String>]| t.first().map_or(0, Vec::len);
    if columns(old) != columns(new) {
        return TableChange::Reshaped;
    }
    // Myers on whole rows, bounded by the deadline: a table may have
    // hundreds of thousands of rows, where a quadratic table of common
    // subsequences would not fit in memory.
    let ops = similar::capture_diff_slices_deadline(similar::Algorithm::Myers, old, new, deadline);
    let mut rows = Vec::with_capacity(old.len().max(new.len()));
    for op in ops {
        let (tag, a, b) = op.as_tag_tuple();
        match tag {
            similar::DiffTag::Equal => {
                rows.extend(a.zip(b).map(|(from, to)| RowChange::Same { from, to }));
            }
            similar::DiffTag::Delete => rows.extend(a.map(|from| RowChange::Removed { from })),
            similar::DiffTag::Insert => rows.extend(b.map(|to| RowChange::Added { to })),
            similar::DiffTag::Replace => {
                let (a, b): (Vec<usize>, Vec<usize>) = (a.collect(), b.collect());
                let related = |o: &[String], n: &[String]| {
                    o.len() == n.len() && o.iter().zip(n).any(|(x, y)| x == y)
                };
                let mut k = 0;
                while k < a.len() && k < b.len() && related(&old[a[k]], &new[b[k]]) {
                    let cells = old[a[k]]
                        .iter()
                        .zip(&new[b[k]])
                        .map(|(x, y)| diff_words(x, y, deadline))
                        .collect();
                    rows.push(RowChange::Edited {
                        from: a[k],
                        to: b[k],
                        cells,
                    });
                    k += 1;
                }
                rows.extend(a[k..].iter().map(|&from| RowChange::Removed { from }));
                rows.extend(b[k..].iter().map(|&to| RowChange::Added { to }));
            }
        }
    }
    TableChange::Rows(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Side, apply};

    fn table(text: &str) -> Block {
        let draft = duthao_model::reader::read(
            format!("---\nkind: x\nissuer:\n  name: A\ntitle: t\n---\n\n{text}\n"),
            std::path::Path::new("t.md"),
        )
        .expect("draft");
        draft.body.blocks.into_iter().next().expect("a block")
    }

    #[test]
    fn rows_pair_and_cells_diff() {
        let old = table(
            "| Chỉ tiêu | Năm 2025 |\n|---|---|\n| Đảng viên mới | 1.200 |\n| Chi bộ | 85 |\n| Bỏ đi | 1 |",
        );
        let new = table(
            "| Chỉ tiêu | Năm 2026 |\n|---|---|\n| Đảng viên mới | 1.350 |\n| Chi bộ | 85 |\n| Thêm vào | 2 |",
        );
        let Some((TableChange::Rows(rows), ops)) = table_change(&old, &new, false, None) else {
            panic!("rows expected");
        };
        let text = |b: &Block| crate::compared_text(b, false).into_owned();
        assert_eq!(apply(&ops, Side::Old), text(&old));
        assert_eq!(apply(&ops, Side::New), text(&new));
        assert!(matches!(rows[0], RowChange::Edited { from: 0, to: 0, .. }));
        assert!(matches!(rows[1], RowChange::Edited { from: 1, to: 1, .. }));
        assert_eq!(rows[2], RowChange::Same { from: 2, to: 2 });
        assert_eq!(rows[3], RowChange::Removed { from: 3 });
        assert_eq!(rows[4], RowChange::Added { to: 3 });
        let RowChange::Edited { cells, .. } = &rows[1] else {
            unreachable!()
        };
        assert_eq!(cells[0], vec![WordOp::Equal("Đảng viên mới".into())]);
        assert_eq!(apply(&cells[1], Side::Old), "1.200");
        assert_eq!(apply(&cells[1], Side::New), "1.350");
    }

    #[test]
    fn a_column_more_replaces_the_table() {
        let old = table("| a | b |\n|---|---|\n| 1 | 2 |");
        let new = table("| a | b | c |\n|---|---|---|\n| 1 | 2 | 3 |");
        let (change, ops) = table_change(&old, &new, false, None).expect("tables");
        assert_eq!(change, TableChange::Reshaped);
        assert_eq!(apply(&ops, Side::Old), crate::compared_text(&old, false));
        assert_eq!(apply(&ops, Side::New), crate::compared_text(&new, false));
    }

    #[test]
    fn a_long_table_is_not_quadratic() {
        let rows = |edit: usize| {
            let mut t = String::from("| i | x |\n|---|---|\n");
            for i in 0..100_000 {
                let x = if i == edit { "sửa" } else { "giữ" };
                t.push_str(&format!("| {i} | {x} |\n"));
            }
            t
        };
        let (old, new) = (table(&rows(usize::MAX)), table(&rows(50_000)));
        let Some((TableChange::Rows(rows), _)) = table_change(&old, &new, false, None) else {
            panic!("rows expected");
        };
        let edited: Vec<_> = rows
            .iter()
            .filter(|r| matches!(r, RowChange::Edited { .. }))
            .collect();
        assert_eq!(edited.len(), 1);
        assert_eq!(rows.len(), 100_001);
    }
}
