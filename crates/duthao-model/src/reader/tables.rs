//! Tables are where CommonMark silently loses text: cells beyond the header's
//! count are dropped, and a delimiter row with the wrong number of columns
//! turns the whole table into a paragraph of pipes. A drafter must hear
//! about both instead.

use super::body::Section;
use crate::BlockKind;

/// A table problem: the body line (0-based, in the body) and what is wrong.
pub struct TableProblem {
    pub body_line: usize,
    pub message: String,
}

/// Cells of one table source line: split on unescaped `|`, without the outer pipes.
pub(super) fn cells(line: &str) -> usize {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    let mut n = 1;
    let mut escaped = false;
    let mut in_code = false;
    for c in t.chars() {
        match c {
            '\\' if !escaped => {
                escaped = true;
                continue;
            }
            '`' => in_code = !in_code,
            '|' if !escaped && !in_code => n += 1,
            _ => {}
        }
        escaped = false;
    }
    n
}

pub(super) fn is_delimiter_row(line: &str) -> bool {
    let t = line.trim();
    t.contains('-')
        && t.contains('|')
        && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

pub fn check(sections: &[Section], body: &str) -> Option<TableProblem> {
    // Lines are counted incrementally: blocks come in source order.
    let (mut counted_to, mut line) = (0usize, 0usize);
    let mut line_of = |offset: usize| {
        if offset >= counted_to {
            line += memchr::memchr_iter(b'\n', &body.as_bytes()[counted_to..offset]).count();
            counted_to = offset;
        }
        line
    };
    for rb in sections.iter().flat_map(|s| &s.blocks) {
        let src = &body[rb.span.clone()];
        let candidate = match &rb.kind {
            BlockKind::Table { .. } => true,
            BlockKind::Paragraph { .. } => src.trim_start().starts_with('|'),
            _ => false,
        };
        if !candidate {
            continue;
        }
        let first_line = line_of(rb.span.start);
        match &rb.kind {
            BlockKind::Table { header, .. } => {
                let columns = header.len();
                for (i, line) in src.lines().enumerate() {
                    if i == 1 || line.trim().is_empty() {
                        continue;
                    }
                    let n = cells(line);
                    if n > columns {
                        return Some(TableProblem {
                            body_line: first_line + i,
                            message: format!(
                                "this table row has {n} cells but the header has {columns}; the extra cells would be lost: add a column to the header or merge the cells"
                            ),
                        });
                    }
                }
            }
            BlockKind::Paragraph { .. } => {
                let mut lines = src.lines();
                if let (Some(head), Some(delim)) = (lines.next(), lines.next())
                    && head.trim_start().starts_with('|')
                    && is_delimiter_row(delim)
                {
                    return Some(TableProblem {
                        body_line: first_line + 1,
                        message: format!(
                            "this looks like a table, but its delimiter row has {} columns and its header {}; make them the same so it reads as a table",
                            cells(delim),
                            cells(head)
                        ),
                    });
                }
            }
            _ => {}
        }
    }
    None
}
