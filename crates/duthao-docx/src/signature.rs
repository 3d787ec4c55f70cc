//! The closing block: "Nơi nhận" on the left, the signature (authority,
//! title, room for the hand signature and seal, name) on the right, in one
//! borderless row that never splits across pages.

use super::props::{TableProps, Track, open_cell, open_row};
use super::writer::Writer;
use duthao_diff::WordOp;
use duthao_model::FrontMatter;
use duthao_profile::layout::{Filled, RecipientsLayout, TextStyle};

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
        let had_recipients = self.old_front.is_some_and(|o| !o.recipients.is_empty());
        if !front.recipients.is_empty() || (self.rev.is_some() && had_recipients) {
            let label = &l.recipients.label;
            self.filled_line(
                front,
                &["recipients"],
                |f| (!f.recipients.is_empty()).then(|| Filled::literal(label)),
                &l.recipients.label_style,
                &mut left,
            );
            match self.change_of("recipients") {
                Some(change) => self.tracked_recipients(&change.ops, &mut left),
                None => {
                    for item in l.recipients.lines(&front.recipients) {
                        self.line(&item, &l.recipients.item_style, &mut left);
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
            self.field_line(
                front,
                "signer.authority",
                "",
                field(|s| &s.authority),
                &l.signature.authority,
                &mut right,
            );
            self.field_line(
                front,
                "signer.title",
                "",
                field(|s| &s.title),
                &l.signature.title,
                &mut right,
            );
            let mut name_style = l.signature.name.clone();
            name_style.space_before_pt = l.signature.gap_pt;
            self.field_line(
                front,
                "signer.name",
                "",
                field(|s| &s.name),
                &name_style,
                &mut right,
            );
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

    /// The recipients as the diff compared them, item by item: kept items
    /// as they are (with their end mark tracked when the item became the
    /// last one or stopped being it), added and dropped items as inserted
    /// and deleted paragraphs. The archive line the layout adds is kept,
    /// added or dropped the same way.
    fn tracked_recipients(&mut self, ops: &[WordOp], out: &mut String) {
        let l = self.layout;
        let mut entries: Vec<(&str, Track)> = ops
            .iter()
            .filter_map(|op| {
                let (text, t) = match op {
                    WordOp::Equal(t) => (t, Track::Keep),
                    WordOp::Insert(t) => (t, Track::Ins),
                    WordOp::Delete(t) => (t, Track::Del),
                };
                RecipientsLayout::item(text).map(|item| (item, t))
            })
            .collect();
        fn side<'e>(entries: &[(&'e str, Track)], drop: Track) -> Vec<&'e str> {
            entries
                .iter()
                .filter(|(_, t)| *t != drop)
                .map(|(r, _)| *r)
                .collect()
        }
        let (old_items, new_items) = (side(&entries, Track::Ins), side(&entries, Track::Del));
        let archive = l.recipients.archive();
        match (
            l.recipients.adds_archive(&old_items),
            l.recipients.adds_archive(&new_items),
        ) {
            (true, true) => entries.push((archive, Track::Keep)),
            (false, true) => entries.push((archive, Track::Ins)),
            (true, false) => entries.push((archive, Track::Del)),
            (false, false) => {}
        }
        let old_n = entries.iter().filter(|(_, t)| *t != Track::Ins).count();
        let new_n = entries.iter().filter(|(_, t)| *t != Track::Del).count();
        let (prefix, item_end, last_end) = l.recipients.marks();
        let style = &l.recipients.item_style;
        let (mut oi, mut ni) = (0, 0);
        for (item, t) in entries {
            match t {
                Track::Keep => {
                    oi += 1;
                    ni += 1;
                    let old_end = if oi == old_n { last_end } else { item_end };
                    let new_end = if ni == new_n { last_end } else { item_end };
                    if old_end == new_end {
                        self.line(&format!("{prefix}{item}{new_end}"), style, out);
                    } else {
                        self.ops_line(
                            "",
                            &[
                                WordOp::Equal(format!("{prefix}{item}")),
                                WordOp::Delete(old_end.to_string()),
                                WordOp::Insert(new_end.to_string()),
                            ],
                            style,
                            out,
                        );
                    }
                }
                Track::Ins => {
                    ni += 1;
                    let line = l.recipients.item_line(item, ni == new_n);
                    self.replaced_line(None, Some(line), style, out);
                }
                Track::Del => {
                    oi += 1;
                    let line = l.recipients.item_line(item, oi == old_n);
                    self.replaced_line(Some(line), None, style, out);
                }
            }
        }
    }
}
