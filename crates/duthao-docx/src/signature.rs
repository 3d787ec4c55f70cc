//! The closing block: "Nơi nhận" on the left, the signature (authority,
//! title, room for the hand signature and seal, name) on the right, in one
//! borderless row that never splits across pages.

use super::props::{TableProps, open_cell, open_row};
use super::writer::Writer;
use duthao_diff::{LineOp, diff_lines};
use duthao_model::FrontMatter;
use duthao_profile::layout::TextStyle;

/// Whether a draft has anything for the closing block.
pub(crate) fn has_closing(front: &FrontMatter) -> bool {
    front.signer.is_some() || !front.recipients.is_empty()
}

impl<'a> Writer<'a> {
    /// Whether this document ends with a closing block (on either side of a
    /// tracked-changes document).
    pub fn closing_expected(&self, front: &FrontMatter) -> bool {
        has_closing(front) || self.old_front.is_some_and(has_closing)
    }

    /// The space between the body and the closing block, then the block.
    pub fn closing(&mut self, front: &FrontMatter, out: &mut String) {
        if !self.closing_expected(front) {
            return;
        }
        let l = self.layout;
        let gap = TextStyle {
            space_before_pt: 0.0,
            space_after_pt: 0.0,
            first_line_indent_mm: 0.0,
            ..l.body.clone()
        };
        let mut p = self.para(&gap);
        // The body's last paragraph, this gap and the block stay together.
        p.props.keep_next = true;
        self.finish(p, out);

        let right_w = (self.text_width as i64 * l.signature.right_width_pct as i64 / 100) as i32;
        let left_w = self.text_width - right_w;

        let mut left = String::new();
        let new_lines = l.recipients.lines(&front.recipients);
        let old_lines = match (self.old_front, &self.rev) {
            (Some(o), Some(_)) => Some(l.recipients.lines(&o.recipients)),
            _ => None,
        };
        if !front.recipients.is_empty() || old_lines.as_ref().is_some_and(|o| !o.is_empty()) {
            self.field_lines(
                front,
                |f| (!f.recipients.is_empty()).then(|| l.recipients.label.clone()),
                &l.recipients.label_style,
                &mut left,
            );
            match old_lines {
                Some(old) if old != new_lines => {
                    // Recipients change line by line: kept, added or dropped.
                    for op in diff_lines(&old, &new_lines) {
                        match op {
                            LineOp::Equal(line) => {
                                self.line(line, &l.recipients.item_style, &mut left)
                            }
                            LineOp::Insert(line) => {
                                self.tracked_line(
                                    None,
                                    Some(line.to_string()),
                                    &l.recipients.item_style,
                                    &mut left,
                                );
                            }
                            LineOp::Delete(line) => {
                                self.tracked_line(
                                    Some(line.to_string()),
                                    None,
                                    &l.recipients.item_style,
                                    &mut left,
                                );
                            }
                        }
                    }
                }
                _ => {
                    for item in &new_lines {
                        self.line(item, &l.recipients.item_style, &mut left);
                    }
                }
            }
        }
        let mut right = String::new();
        let has_signer = |f: &FrontMatter| f.signer.is_some();
        if front.signer.is_some() || self.old_front.is_some_and(has_signer) {
            let field = |pick: fn(&duthao_model::Signer) -> &str| {
                move |f: &FrontMatter| {
                    f.signer
                        .as_ref()
                        .map(|s| pick(s).to_string())
                        .filter(|a| !a.trim().is_empty())
                }
            };
            self.field_lines(
                front,
                field(|s| &s.authority),
                &l.signature.authority,
                &mut right,
            );
            self.field_lines(front, field(|s| &s.title), &l.signature.title, &mut right);
            let mut name_style = l.signature.name.clone();
            name_style.space_before_pt = l.signature.gap_pt;
            self.field_lines(front, field(|s| &s.name), &name_style, &mut right);
        }
        TableProps {
            widths: vec![left_w, right_w],
            indent: 0,
            borders: None,
        }
        .open(out);
        open_row(true, None, None, out);
        for (w, cell) in [(left_w, &left), (right_w, &right)] {
            open_cell(w, true, out);
            if cell.is_empty() {
                out.push_str("<w:p/>");
            } else {
                out.push_str(cell);
            }
            out.push_str("</w:tc>");
        }
        out.push_str("</w:tr></w:tbl>");
    }
}
