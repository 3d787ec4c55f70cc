//! Draft + layout → docx-rs document tree.

use std::collections::HashMap;

use docx_rs::{
    AlignmentType, BorderType, BuildXML, Delete, Docx, FieldCharType, Footnote, Header, Hyperlink,
    HyperlinkData, HyperlinkType, Insert, InstrPAGE, InstrText, LineSpacing, LineSpacingType,
    PageMargin, Paragraph, ParagraphBorder, ParagraphBorderPosition, ParagraphBorders,
    ParagraphChild, Run, RunChild, RunFonts, RunProperty, SpecialIndentType, Table, TableBorder,
    TableBorderPosition, TableBorders, TableCell, TableCellBorder, TableCellBorderPosition,
    TableCellBorders, TableCellContent, TableChild, TableLayoutType, TableRow, TableRowChild,
    VertAlignType, WidthType,
};

use super::{DocxError, DraftMark, KindInfo};
use crate::model::{Block, BlockKind, Draft, FrontMatter, Inline, LabelKind, Style, inline_text};
use crate::profile::layout::{Align, Case, Layout, RuleKind, RuleStyle, TextStyle};

/// Id of the placeholder reference that becomes `<w:footnoteRef/>` in footnotes.xml.
pub(crate) const FOOTNOTE_REF_SENTINEL: usize = 999_999_999;

/// Height of the empty paragraph whose bottom border is a short rule: 5 pt
/// between the text above (its descenders and dots below) and the rule.
pub(crate) const RULE_CLEARANCE_TWIPS: i32 = 100;

/// Space above and below a table in the body: 6 pt, the least a clerk
/// leaves between paragraphs (tables have no spacing of their own).
pub(crate) const TABLE_GAP_TWIPS: u32 = 120;

pub(crate) const TWIPS_PER_MM: f32 = 1440.0 / 25.4;

pub(crate) fn mm(v: f32) -> i32 {
    (v * TWIPS_PER_MM).round() as i32
}

pub(crate) fn half_points(pt: f32) -> usize {
    (pt * 2.0).round() as usize
}

fn twips_pt(pt: f32) -> u32 {
    (pt * 20.0).round().max(0.0) as u32
}

fn align(a: Align) -> AlignmentType {
    match a {
        Align::Left => AlignmentType::Left,
        Align::Center => AlignmentType::Center,
        Align::Right => AlignmentType::Right,
        Align::Both => AlignmentType::Both,
    }
}

/// Approximate printed width of a line of Times-like text, in twips; used to
/// make a rule exactly as long as the text above it.
pub(crate) fn text_width_twips(text: &str, size_pt: f32, bold: bool) -> i32 {
    let em: f32 = text
        .chars()
        .map(|c| {
            if c == ' ' {
                0.25
            } else if c.is_uppercase() {
                if bold { 0.72 } else { 0.67 }
            } else if c.is_lowercase() {
                if bold { 0.5 } else { 0.46 }
            } else {
                0.5
            }
        })
        .sum();
    (em * size_pt * 20.0).round() as i32
}

/// Splits a header name that does not fit its column into two lines of
/// about equal width at a space, as clerks break "ỦY BAN NHÂN DÂN / TỈNH
/// THÁI NGUYÊN"; a name that fits, or has its own line breaks, is kept.
pub(crate) fn balanced_lines(text: &str, size_pt: f32, bold: bool, max_twips: i32) -> String {
    if text.contains('\n') || text_width_twips(text, size_pt, bold) <= max_twips {
        return text.to_string();
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    (1..words.len())
        .map(|k| {
            let (a, b) = (words[..k].join(" "), words[k..].join(" "));
            let w = text_width_twips(&a, size_pt, bold).max(text_width_twips(&b, size_pt, bold));
            (w, format!("{a}\n{b}"))
        })
        .min_by_key(|(w, _)| *w)
        .map(|(_, s)| s)
        .unwrap_or_else(|| text.to_string())
}

/// Applies a style's case rule to a text taken from the front matter.
fn cased(text: &str, style: &TextStyle) -> String {
    if style.caps {
        return text.to_uppercase();
    }
    let mut chars = text.chars();
    match (style.case, chars.next()) {
        (Case::UpperFirst, Some(c)) => c.to_uppercase().chain(chars).collect(),
        (Case::LowerFirst, Some(c)) => c.to_lowercase().chain(chars).collect(),
        _ => text.to_string(),
    }
}

/// A style for one run: the element's style plus the drafter's inline emphasis.
#[derive(Clone, Copy)]
pub(crate) struct RunLook<'a> {
    pub size_pt: f32,
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
    /// Shown in capitals without changing the text (`w:caps`).
    pub caps: bool,
    pub font: &'a str,
}

// Pieces live only between rendering a block and adding it to the document.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Piece {
    Para(Paragraph),
    Table(Table),
}

pub(crate) struct Writer<'a> {
    pub layout: &'a Layout,
    para_seq: u32,
    /// Space after the last body block, so a table gets at least
    /// TABLE_GAP_TWIPS above it without doubling a paragraph's own space.
    space_after_last: u32,
    footnote_seq: usize,
    hyperlink_seq: usize,
    /// Footnote definitions by label, so a reference can carry its text.
    footnotes: HashMap<String, Vec<Inline>>,
    pub text_width: i32,
    /// Set for a tracked-changes document: who made the changes, and when.
    pub rev: Option<Revision>,
    /// The FROM front matter of a tracked-changes document.
    pub old_front: Option<FrontMatter>,
}

/// The author and date every tracked change carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub author: String,
    /// W3CDTF, e.g. "2026-03-05T09:30:00Z".
    pub date: String,
}

/// A piece of text in a tracked paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Track {
    Keep,
    Ins,
    Del,
}

impl<'a> Writer<'a> {
    pub fn new(layout: &'a Layout) -> Self {
        let p = &layout.page;
        Writer {
            layout,
            para_seq: 0,
            space_after_last: 0,
            footnote_seq: 0,
            hyperlink_seq: 0,
            footnotes: HashMap::new(),
            text_width: mm(p.width_mm - p.margin_left_mm - p.margin_right_mm),
            rev: None,
            old_front: None,
        }
    }

    /// Paragraph ids are ours, in document order, so two exports in one
    /// process give the same bytes (docx-rs's own ids come from a counter).
    fn next_para_id(&mut self) -> String {
        self.para_seq += 1;
        format!("{:08X}", 0x1000_0000 + self.para_seq)
    }

    pub fn font(&self) -> RunFonts {
        let f = &self.layout.font.family;
        RunFonts::new().ascii(f).hi_ansi(f).cs(f).east_asia(f)
    }

    pub fn look(&self, s: &TextStyle) -> RunLook<'a> {
        RunLook {
            size_pt: s.size_pt,
            bold: s.bold,
            italic: s.italic,
            underline: s.underline,
            caps: s.caps,
            font: &self.layout.font.family,
        }
    }

    pub fn run_property(&self, look: &RunLook, style: Style) -> RunProperty {
        let font = if style.code {
            &self.layout.code.family
        } else {
            look.font
        };
        let mut rp = RunProperty::new()
            .fonts(
                RunFonts::new()
                    .ascii(font)
                    .hi_ansi(font)
                    .cs(font)
                    .east_asia(font),
            )
            .size(half_points(if style.code {
                self.layout.code.size_pt
            } else {
                look.size_pt
            }))
            .color(self.layout.font.color.clone());
        if look.bold || style.bold {
            rp = rp.bold();
        }
        if look.italic || style.italic {
            rp = rp.italic();
        }
        if look.underline {
            rp = rp.underline("single");
        }
        if look.caps {
            rp = rp.caps();
        }
        if style.strike {
            rp = rp.strike();
        }
        if style.superscript {
            rp = rp.vert_align(VertAlignType::SuperScript);
        }
        rp
    }

    pub fn run(&self, text: &str, look: &RunLook, style: Style) -> Run {
        let mut r = Run::new().add_text(text);
        r.run_property = self.run_property(look, style);
        r
    }

    /// An empty paragraph with the spacing, alignment and indent of `s`.
    pub fn para(&mut self, s: &TextStyle) -> Paragraph {
        let mut spacing = LineSpacing::new()
            .before(twips_pt(s.space_before_pt))
            .after(twips_pt(s.space_after_pt));
        spacing = match s.line_spacing {
            Some(m) => spacing
                .line((240.0 * m).round() as i32)
                .line_rule(LineSpacingType::Auto),
            None => spacing.line(240).line_rule(LineSpacingType::Auto),
        };
        let mut p = Paragraph::new()
            .id(self.next_para_id())
            .align(align(s.align))
            .line_spacing(spacing);
        if s.first_line_indent_mm > 0.0 {
            p = p.indent(
                None,
                Some(SpecialIndentType::FirstLine(mm(s.first_line_indent_mm))),
                None,
                None,
            );
        }
        p
    }

    /// A one-line paragraph of front-matter text in style `s`.
    /// Line breaks in `text` stay inside the one paragraph.
    pub fn line(&mut self, text: &str, s: &TextStyle) -> Paragraph {
        let look = self.look(s);
        let p = self.para(s);
        self.add_tracked(p, &cased(text, s), &look, Style::default(), Track::Keep)
    }

    /// A short separator under a centred text of width `text_width` in a
    /// column of width `column`.
    fn rule(
        &mut self,
        rule: &RuleStyle,
        over_text: i32,
        column: i32,
        size_pt: f32,
    ) -> Option<Paragraph> {
        let look = RunLook {
            size_pt,
            bold: false,
            italic: false,
            underline: false,
            caps: false,
            font: &self.layout.font.family,
        };
        match rule.kind {
            RuleKind::None => None,
            RuleKind::Star | RuleKind::Dashes => {
                let text = if rule.kind == RuleKind::Star {
                    "*"
                } else {
                    rule.text.as_str()
                };
                let run = self.run(text, &look, Style::default());
                let p = Paragraph::new()
                    .id(self.next_para_id())
                    .align(AlignmentType::Center)
                    .line_spacing(
                        LineSpacing::new()
                            .before(0)
                            .after(0)
                            .line(240)
                            .line_rule(LineSpacingType::Auto),
                    )
                    .add_run(run);
                Some(p)
            }
            RuleKind::Line => {
                let len = (over_text as i64 * rule.length_pct as i64 / 100) as i32;
                let len = len.clamp(200, column);
                let side = ((column - len) / 2).max(0);
                // The rule is the bottom border of an empty paragraph of
                // RULE_CLEARANCE height: the whole height lies between the
                // text above and the rule, so the dots under "Ọ", "Ệ" and
                // descenders such as "p" keep clear of it.
                let mut p = Paragraph::new()
                    .id(self.next_para_id())
                    .align(AlignmentType::Center)
                    .line_spacing(
                        LineSpacing::new()
                            .before(0)
                            .after(0)
                            .line(RULE_CLEARANCE_TWIPS)
                            .line_rule(LineSpacingType::Exact),
                    )
                    .indent(Some(side), None, Some(side), None);
                p.property = p.property.set_borders(
                    ParagraphBorders::with_empty().set(
                        ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                            .val(BorderType::Single)
                            .size(6)
                            .space(0)
                            .color("000000"),
                    ),
                );
                // A tiny run keeps the paragraph no higher than its exact line.
                let mut r = Run::new();
                r.run_property = RunProperty::new().size(2);
                Some(p.add_run(r))
            }
        }
    }

    fn borderless_table(&self, widths: &[i32], rows: Vec<TableRow>) -> Table {
        let mut borders = TableBorders::with_empty();
        for pos in [
            TableBorderPosition::Top,
            TableBorderPosition::Left,
            TableBorderPosition::Bottom,
            TableBorderPosition::Right,
            TableBorderPosition::InsideH,
            TableBorderPosition::InsideV,
        ] {
            borders = borders.set(TableBorder::new(pos).border_type(BorderType::None).size(0));
        }
        Table::without_borders(rows)
            .set_borders(borders)
            .set_grid(widths.iter().map(|w| *w as usize).collect())
            .width(widths.iter().sum::<i32>() as usize, WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
            .indent(0)
    }

    fn cell(&self, width: i32, paras: Vec<Paragraph>) -> TableCell {
        let mut c = TableCell::new().width(width as usize, WidthType::Dxa);
        let mut cb = TableCellBorders::with_empty();
        for pos in [
            TableCellBorderPosition::Top,
            TableCellBorderPosition::Left,
            TableCellBorderPosition::Bottom,
            TableCellBorderPosition::Right,
        ] {
            cb = cb.set(TableCellBorder::new(pos).border_type(BorderType::Nil));
        }
        c = c.set_borders(cb);
        if paras.is_empty() {
            return c.add_paragraph(Paragraph::new());
        }
        for p in paras {
            c = c.add_paragraph(p);
        }
        c
    }

    /// The FROM value of a front-matter field when this is a tracked-changes
    /// document and the field changed; `None` otherwise.
    fn old_if_changed(
        &self,
        front: &FrontMatter,
        pick: impl Fn(&FrontMatter) -> Option<String>,
    ) -> Option<Option<String>> {
        let old = self.old_front.as_ref()?;
        self.rev.as_ref()?;
        let (o, n) = (pick(old), pick(front));
        (o != n).then_some(o)
    }

    /// A run of `text` wrapped as a tracked insertion or deletion (or plain).
    pub fn add_tracked(
        &self,
        p: Paragraph,
        text: &str,
        look: &RunLook,
        style: Style,
        t: Track,
    ) -> Paragraph {
        let mut p = p;
        for (i, piece) in text.split('\n').enumerate() {
            let mut runs = Vec::new();
            if i > 0 {
                let mut br = Run::new().add_break(docx_rs::BreakType::TextWrapping);
                br.run_property = self.run_property(look, style);
                runs.push(br);
            }
            if !piece.is_empty() {
                let mut r = match t {
                    Track::Del => Run::new().add_delete_text(piece),
                    _ => Run::new().add_text(piece),
                };
                r.run_property = self.run_property(look, style);
                runs.push(r);
            }
            for r in runs {
                p = self.add_run_tracked(p, r, t);
            }
        }
        p
    }

    pub fn add_run_tracked(&self, p: Paragraph, r: Run, t: Track) -> Paragraph {
        match (t, &self.rev) {
            (Track::Ins, Some(rev)) => {
                p.add_insert(Insert::new(r).author(&rev.author).date(&rev.date))
            }
            (Track::Del, Some(rev)) => {
                p.add_delete(Delete::new().add_run(r).author(&rev.author).date(&rev.date))
            }
            _ => p.add_run(r),
        }
    }

    /// Marks a paragraph's own mark as inserted or deleted, so accepting or
    /// rejecting removes the whole paragraph, not only its text.
    pub fn mark_paragraph(&self, p: Paragraph, t: Track) -> Paragraph {
        match (t, &self.rev) {
            (Track::Ins, Some(rev)) => p.insert(&rev.author, &rev.date),
            (Track::Del, Some(rev)) => p.delete(&rev.author, &rev.date),
            _ => p,
        }
    }

    /// A front-matter line that changed: the word diff of its two values as
    /// tracked runs; a value only one side has is a whole inserted or deleted
    /// paragraph.
    fn tracked_line(
        &mut self,
        old: Option<String>,
        new: Option<String>,
        s: &TextStyle,
    ) -> Option<Paragraph> {
        let look = self.look(s);
        let old = old.map(|o| cased(&o, s));
        let new = new.map(|n| cased(&n, s));
        let p = self.para(s);
        match (old, new) {
            (None, None) => None,
            (None, Some(n)) => {
                let p = self.add_tracked(p, &n, &look, Style::default(), Track::Ins);
                Some(self.mark_paragraph(p, Track::Ins))
            }
            (Some(o), None) => {
                let p = self.add_tracked(p, &o, &look, Style::default(), Track::Del);
                Some(self.mark_paragraph(p, Track::Del))
            }
            (Some(o), Some(n)) => {
                let mut p = p;
                let diff = similar::TextDiff::from_words(o.as_str(), n.as_str());
                for c in diff.iter_all_changes() {
                    let t = match c.tag() {
                        similar::ChangeTag::Equal => Track::Keep,
                        similar::ChangeTag::Insert => Track::Ins,
                        similar::ChangeTag::Delete => Track::Del,
                    };
                    p = self.add_tracked(p, c.value(), &look, Style::default(), t);
                }
                Some(p)
            }
        }
    }

    /// Lines of a front-matter field: tracked when it changed, else as written.
    fn field_lines(
        &mut self,
        front: &FrontMatter,
        pick: impl Fn(&FrontMatter) -> Option<String>,
        s: &TextStyle,
    ) -> Vec<Paragraph> {
        if let Some(old) = self.old_if_changed(front, &pick) {
            let joined = |v: Option<String>| {
                v.map(|t| {
                    t.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .filter(|t| !t.is_empty())
            };
            return self
                .tracked_line(joined(old), joined(pick(front)), s)
                .into_iter()
                .collect();
        }
        let Some(text) = pick(front) else {
            return Vec::new();
        };
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            return Vec::new();
        }
        vec![self.line(&lines.join("\n"), s)]
    }

    /// The draft mark, top right of the first page above the header table.
    pub fn draft_mark(&mut self, mark: DraftMark) -> Option<Paragraph> {
        let dm = &self.layout.draft_mark;
        let text = match mark {
            DraftMark::Final => return None,
            DraftMark::Draft { version: Some(n) } => dm.numbered.replace("{n}", &n.to_string()),
            DraftMark::Draft { version: None } => dm.unnumbered.clone(),
        };
        let style = dm.style.clone();
        let boxed = dm.boxed;
        let mut p = self.line(&text, &style);
        if boxed {
            let w = text_width_twips(&text, style.size_pt, style.bold) + 240;
            let left = (self.text_width - w).max(0);
            p = p.indent(Some(left), None, None, None);
            let mut borders = ParagraphBorders::with_empty();
            for pos in [
                ParagraphBorderPosition::Top,
                ParagraphBorderPosition::Left,
                ParagraphBorderPosition::Bottom,
                ParagraphBorderPosition::Right,
            ] {
                borders = borders.set(
                    ParagraphBorder::new(pos)
                        .val(BorderType::Single)
                        .size(6)
                        .space(2)
                        .color("000000"),
                );
            }
            p.property = p.property.set_borders(borders);
        }
        Some(p)
    }

    /// The two-column borderless header table.
    pub fn header_table(&mut self, front: &FrontMatter, kind: &KindInfo) -> Table {
        let l = self.layout;
        let full = self.text_width + mm(l.header.extend_left_mm) + mm(l.header.extend_right_mm);
        let left_w = (full as i64 * l.header.left_width_pct as i64 / 100) as i32;
        let right_w = full - left_w;

        // Default cell margins are 0.19 cm on each side.
        let usable = left_w - 2 * 108;
        let (ps, is) = (&l.header.parent, &l.header.issuer);
        let fit =
            |text: &str, s: &TextStyle| balanced_lines(&cased(text, s), s.size_pt, s.bold, usable);
        let mut left = self.field_lines(
            front,
            |f| {
                f.issuer
                    .parent
                    .as_deref()
                    .filter(|p| !p.trim().is_empty())
                    .map(|p| fit(p, ps))
            },
            ps,
        );
        let issuer_name = fit(&front.issuer.name, is);
        let widest = issuer_name
            .lines()
            .map(|line| text_width_twips(line, is.size_pt, is.bold))
            .max()
            .unwrap_or(0);
        left.extend(self.field_lines(front, |f| Some(fit(&f.issuer.name, is)), is));
        if let Some(r) = self.rule(
            &l.header.issuer_rule,
            widest,
            left_w,
            l.header.issuer.size_pt,
        ) {
            left.push(r);
        }

        let mut right = Vec::new();
        let mut last_motto = 0;
        for m in &l.header.motto {
            last_motto = text_width_twips(&cased(&m.text, &m.style), m.style.size_pt, m.style.bold);
            right.push(self.line(&m.text, &m.style));
        }
        let motto_size = l
            .header
            .motto
            .last()
            .map(|m| m.style.size_pt)
            .unwrap_or(13.0);
        if let Some(r) = self.rule(&l.header.motto_rule, last_motto, right_w, motto_size) {
            right.push(r);
        }

        let number_of = |f: &FrontMatter| {
            Some(l.formats.number_line(
                f.number,
                &kind.code,
                f.issuer.code.as_deref().unwrap_or(""),
            ))
        };
        let date_of = |f: &FrontMatter| {
            Some(l.formats.date_line(
                f.place.as_deref().unwrap_or(""),
                f.date.map(|d| (d.year(), d.month(), d.day())),
            ))
        };
        let mut number_p = self.field_lines(front, number_of, &l.header.number);
        // A công văn has no type name: its trích yếu sits under the number.
        if kind.name.trim().is_empty() {
            let lt = &l.letter_title;
            number_p.extend(self.field_lines(front, |f| Some(lt.line(&f.title)), &lt.style));
        }
        let date_p = self.field_lines(front, date_of, &l.header.date);

        let rows = vec![
            TableRow::new(vec![self.cell(left_w, left), self.cell(right_w, right)]),
            TableRow::new(vec![
                self.cell(left_w, number_p),
                self.cell(right_w, date_p),
            ]),
        ];
        self.borderless_table(&[left_w, right_w], rows)
            .indent(-mm(l.header.extend_left_mm))
    }

    /// Type name, trích yếu and the rule under it.
    pub fn title_block(&mut self, front: &FrontMatter, kind: &KindInfo) -> Vec<Paragraph> {
        let l = self.layout;
        if kind.name.trim().is_empty() {
            // Công văn: the trích yếu is in the header; leave a line before the body.
            let gap = TextStyle {
                space_before_pt: 0.0,
                space_after_pt: 12.0,
                first_line_indent_mm: 0.0,
                ..l.body.clone()
            };
            return vec![self.para(&gap)];
        }
        let mut out = vec![self.line(&kind.name, &l.type_name)];
        let widest = front
            .title
            .lines()
            .filter(|t| !t.trim().is_empty())
            .map(|t| text_width_twips(&cased(t.trim(), &l.title), l.title.size_pt, l.title.bold))
            .max()
            .unwrap_or(0);
        out.extend(self.field_lines(front, |f| Some(f.title.clone()), &l.title));
        let tw = self.text_width;
        if let Some(r) = self.rule(&l.title_rule, widest.min(tw), tw, l.title.size_pt) {
            out.push(r);
        }
        // The body starts a blank line below the trích yếu and its rule.
        if let Some(last) = out.pop() {
            let after = LineSpacing::new().after(twips_pt(l.type_name.space_before_pt.min(12.0)));
            let mut last = last;
            last.property.line_spacing = Some(match last.property.line_spacing.take() {
                Some(ls) => ls.after(twips_pt(l.type_name.space_before_pt.min(12.0))),
                None => after,
            });
            out.push(last);
        }
        out
    }

    /// Signature block and "Nơi nhận" side by side, borderless.
    pub fn closing_table(&mut self, front: &FrontMatter) -> Option<Table> {
        let l = self.layout;
        let nothing = |f: &FrontMatter| f.signer.is_none() && f.recipients.is_empty();
        if nothing(front) && self.old_front.as_ref().is_none_or(nothing) {
            return None;
        }
        let right_w = (self.text_width as i64 * l.signature.right_width_pct as i64 / 100) as i32;
        let left_w = self.text_width - right_w;
        let mut left = Vec::new();
        let new_lines = l.recipients.lines(&front.recipients);
        let old_lines = match (&self.old_front, &self.rev) {
            (Some(o), Some(_)) => Some(l.recipients.lines(&o.recipients)),
            _ => None,
        };
        if !front.recipients.is_empty() || old_lines.as_ref().is_some_and(|o| !o.is_empty()) {
            left.extend(self.field_lines(
                front,
                |f| (!f.recipients.is_empty()).then(|| l.recipients.label.clone()),
                &l.recipients.label_style,
            ));
            match old_lines {
                Some(old) if old != new_lines => {
                    // Recipients change line by line: kept, added or dropped.
                    let diff =
                        similar::capture_diff_slices(similar::Algorithm::Myers, &old, &new_lines);
                    for op in diff {
                        for change in op.iter_changes(&old, &new_lines) {
                            let (o, n) = match change.tag() {
                                similar::ChangeTag::Equal => {
                                    (Some(change.value()), Some(change.value()))
                                }
                                similar::ChangeTag::Delete => (Some(change.value()), None),
                                similar::ChangeTag::Insert => (None, Some(change.value())),
                            };
                            if o == n {
                                let line = change.value();
                                left.push(self.line(&line, &l.recipients.item_style));
                            } else if let Some(p) =
                                self.tracked_line(o, n, &l.recipients.item_style)
                            {
                                left.push(p);
                            }
                        }
                    }
                }
                _ => {
                    for item in new_lines {
                        left.push(self.line(&item, &l.recipients.item_style));
                    }
                }
            }
        }
        let mut right = Vec::new();
        let has_signer = |f: &FrontMatter| f.signer.is_some();
        if front.signer.is_some() || self.old_front.as_ref().is_some_and(has_signer) {
            right.extend(self.field_lines(
                front,
                |f| {
                    f.signer
                        .as_ref()
                        .map(|s| s.authority.clone())
                        .filter(|a| !a.trim().is_empty())
                },
                &l.signature.authority,
            ));
            right.extend(self.field_lines(
                front,
                |f| {
                    f.signer
                        .as_ref()
                        .map(|s| s.title.clone())
                        .filter(|a| !a.trim().is_empty())
                },
                &l.signature.title,
            ));
            let mut name_style = l.signature.name.clone();
            name_style.space_before_pt = l.signature.gap_pt;
            right.extend(self.field_lines(
                front,
                |f| f.signer.as_ref().map(|s| s.name.clone()),
                &name_style,
            ));
        }
        // Signature and recipients stay together on one page.
        let row =
            TableRow::new(vec![self.cell(left_w, left), self.cell(right_w, right)]).cant_split();
        Some(self.borderless_table(&[left_w, right_w], vec![row]))
    }

    /// Runs of a block's inline content in the given look; footnote
    /// references become real Word footnotes, links real hyperlinks.
    pub fn inline_children(&mut self, content: &[Inline], look: &RunLook) -> Vec<Child> {
        let mut out = Vec::new();
        for i in content {
            match i {
                Inline::Text(r) => {
                    let run = self.run(&r.text, look, r.style);
                    match &r.link {
                        Some(url) if !url.is_empty() => {
                            out.push(Child::Link(self.hyperlink(url, run)))
                        }
                        _ => out.push(Child::Run(run)),
                    }
                }
                Inline::LineBreak => {
                    let mut r = Run::new().add_break(docx_rs::BreakType::TextWrapping);
                    r.run_property = self.run_property(look, Style::default());
                    out.push(Child::Run(r));
                }
                Inline::FootnoteRef { label } => {
                    out.push(Child::Run(self.footnote_ref_run(label, look)))
                }
            }
        }
        out
    }

    fn hyperlink(&mut self, url: &str, mut run: Run) -> Hyperlink {
        self.hyperlink_seq += 1;
        run.run_property = run.run_property.underline("single").color("0563C1");
        let mut h = Hyperlink::new(url, HyperlinkType::External).add_run(run);
        // Replace docx-rs's counter-based id with one in document order.
        if let HyperlinkData::External { rid, .. } = &mut h.link {
            *rid = format!("rIdHyperlink{}", self.hyperlink_seq);
        }
        h
    }

    pub fn footnote_ref_run(&mut self, label: &str, look: &RunLook) -> Run {
        self.footnote_seq += 1;
        let content = self.footnotes.get(label).cloned().unwrap_or_else(|| {
            vec![Inline::Text(crate::model::Run {
                text: format!("[^{label}]"),
                style: Style::default(),
                link: None,
            })]
        });
        let fl = self.layout.footnote.size_pt;
        let note_look = RunLook {
            size_pt: fl,
            bold: false,
            italic: false,
            underline: false,
            caps: false,
            font: &self.layout.font.family,
        };
        // docx-rs has no `w:footnoteRef` (the number inside the note); write a
        // reference with a sentinel id that packaging turns into one.
        let sentinel = Footnote {
            id: FOOTNOTE_REF_SENTINEL,
            ..Default::default()
        };
        let mut mark = Run::new().add_footnote_reference(sentinel);
        mark.run_property = self
            .run_property(&note_look, Style::default())
            .style("FootnoteReference")
            .vert_align(VertAlignType::SuperScript);
        let mut p = Paragraph::new()
            .id(self.next_para_id())
            .align(AlignmentType::Both)
            .line_spacing(
                LineSpacing::new()
                    .before(0)
                    .after(0)
                    .line(240)
                    .line_rule(LineSpacingType::Auto),
            )
            .add_run(mark)
            .add_run(self.run(" ", &note_look, Style::default()));
        for c in self.inline_children(&content, &note_look) {
            p = c.add_to(p);
        }
        let f = Footnote {
            id: self.footnote_seq,
            content: vec![p],
        };
        let mut r = Run::new().add_footnote_reference(f);
        r.run_property = self
            .run_property(look, Style::default())
            .style("FootnoteReference")
            .vert_align(VertAlignType::SuperScript);
        r
    }

    /// Body paragraph style for a block, by its label kind.
    pub fn block_style(&self, b: &Block) -> TextStyle {
        let l = self.layout;
        match &b.kind {
            BlockKind::Heading { .. } => l.heading_style(b.label().map(|x| x.kind)).clone(),
            BlockKind::ListItem { depth, .. } => {
                let mut s = match b.label().map(|x| x.kind) {
                    Some(LabelKind::Point) => l.headings.point.clone(),
                    _ => l.body.clone(),
                };
                s.first_line_indent_mm = l.list.indent_mm + l.list.nested_indent_mm * *depth as f32;
                s
            }
            // The body text is kept as written: the formula's capitals are
            // `w:caps`, so accepting or rejecting changes gives the drafter's text.
            BlockKind::Paragraph { content } if l.formula.matches(&inline_text(content)) => {
                l.formula.style.clone()
            }
            BlockKind::Paragraph { .. }
                if matches!(b.label().map(|x| x.kind), Some(LabelKind::Point)) =>
            {
                l.headings.point.clone()
            }
            BlockKind::Quote { .. } => TextStyle {
                size_pt: l.quote.size_pt,
                italic: l.quote.italic,
                align: l.quote.align,
                space_after_pt: l.quote.space_after_pt,
                first_line_indent_mm: 0.0,
                ..l.body.clone()
            },
            _ => l.body.clone(),
        }
    }

    /// One body block as paragraphs or a table. `FootnoteDef` blocks are
    /// rendered at their references (and skipped here unless never referenced).
    pub fn block(
        &mut self,
        b: &Block,
        referenced: &std::collections::HashSet<String>,
    ) -> Vec<Piece> {
        let style = self.block_style(b);
        let pieces = self.block_pieces(b, &style, referenced);
        if !pieces.is_empty() {
            self.note_space_after(b, &style);
        }
        pieces
    }

    /// Records the space under a block just written (see `space_after_last`).
    pub fn note_space_after(&mut self, b: &Block, style: &TextStyle) {
        self.space_after_last = match b.kind {
            BlockKind::Table { .. } => TABLE_GAP_TWIPS,
            BlockKind::Rule => TABLE_GAP_TWIPS,
            _ => twips_pt(style.space_after_pt),
        };
    }

    /// An empty paragraph exactly `twips` high: the space around a table.
    fn spacer(&mut self, twips: u32) -> Paragraph {
        Paragraph::new().id(self.next_para_id()).line_spacing(
            LineSpacing::new()
                .before(0)
                .after(0)
                .line(twips as i32)
                .line_rule(LineSpacingType::Exact),
        )
    }

    fn block_pieces(
        &mut self,
        b: &Block,
        style: &TextStyle,
        referenced: &std::collections::HashSet<String>,
    ) -> Vec<Piece> {
        let style = style.clone();
        match &b.kind {
            BlockKind::Heading { content, .. } => {
                vec![Piece::Para(self.heading(b, content, &style))]
            }
            BlockKind::Paragraph { content } | BlockKind::Quote { content } => {
                let mut p = self.para(&style);
                if matches!(b.kind, BlockKind::Quote { .. }) {
                    p = p.indent(Some(mm(self.layout.quote.indent_mm)), None, None, None);
                }
                let look = self.look(&style);
                for c in self.inline_children(content, &look) {
                    p = c.add_to(p);
                }
                vec![Piece::Para(p)]
            }
            BlockKind::ListItem {
                marker, content, ..
            } => {
                let mut p = self.para(&style);
                let look = self.look(&style);
                p = p.add_run(self.run(&format!("{marker} "), &look, Style::default()));
                for c in self.inline_children(content, &look) {
                    p = c.add_to(p);
                }
                vec![Piece::Para(p)]
            }
            BlockKind::FootnoteDef { label, content } => {
                if referenced.contains(label) {
                    return Vec::new();
                }
                let mut p = self.para(&style);
                let look = self.look(&style);
                p = p.add_run(self.run(&format!("[{label}] "), &look, Style::default()));
                for c in self.inline_children(content, &look) {
                    p = c.add_to(p);
                }
                vec![Piece::Para(p)]
            }
            BlockKind::Code { text } => {
                let s = TextStyle {
                    align: Align::Left,
                    first_line_indent_mm: 0.0,
                    ..style
                };
                let look = self.look(&s);
                let code = Style {
                    code: true,
                    ..Style::default()
                };
                text.lines()
                    .map(|line| {
                        let r = self.run(line, &look, code);
                        Piece::Para(self.para(&s).add_run(r))
                    })
                    .collect()
            }
            BlockKind::Rule => {
                let tw = self.text_width;
                let r = RuleStyle {
                    kind: RuleKind::Line,
                    length_pct: 100,
                    text: String::new(),
                    source: String::new(),
                    note: None,
                };
                // The line is the paragraph's bottom border: keep the next
                // line's diacritics clear of it too.
                self.rule(&r, tw / 3, tw, style.size_pt)
                    .map(|mut p| {
                        p.property.line_spacing = p
                            .property
                            .line_spacing
                            .take()
                            .map(|ls| ls.after(TABLE_GAP_TWIPS));
                        Piece::Para(p)
                    })
                    .into_iter()
                    .collect()
            }
            BlockKind::Table { header, rows } => {
                // Tables carry no paragraph spacing: without spacers the
                // text above and below touches the borders.
                let mut out = Vec::new();
                let missing = TABLE_GAP_TWIPS.saturating_sub(self.space_after_last);
                if missing > 0 {
                    out.push(Piece::Para(self.spacer(missing)));
                }
                out.push(Piece::Table(self.table(header, rows)));
                out.push(Piece::Para(self.spacer(TABLE_GAP_TWIPS)));
                out
            }
        }
    }

    pub fn heading(&mut self, b: &Block, content: &[Inline], style: &TextStyle) -> Paragraph {
        let look = self.look(style);
        // "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.": the heading
        // carries the whole article; only "Điều 3." is bold, and the
        // sentence, often several lines, is spaced like the body.
        if let Some(label) = b.label().filter(|l| l.kind == LabelKind::Article)
            && let [Inline::Text(first), more @ ..] = content
            && let Some(after) = first.text.strip_prefix(&*label.text)
            && self
                .layout
                .headings
                .article_is_sentence(&format!("{after}{}", inline_text(more)))
        {
            let spaced = TextStyle {
                line_spacing: self.layout.body.line_spacing,
                ..style.clone()
            };
            let mut p = self.para(&spaced).keep_next(true);
            let rest = after.trim_start_matches(['.', ':', ' ']);
            let sep = &after[..after.len() - rest.len()];
            p = p.add_run(self.run(&format!("{}{sep}", label.text), &look, first.style));
            let plain = RunLook {
                bold: false,
                ..look
            };
            if !rest.is_empty() {
                p = p.add_run(self.run(rest, &plain, first.style));
            }
            for c in self.inline_children(more, &plain) {
                p = c.add_to(p);
            }
            return p;
        }
        let mut p = self.para(style).keep_next(true);
        let children = self.inline_children(content, &look);
        // "Chương I. QUY ĐỊNH CHUNG" → "Chương I" on its own line, the name below.
        if style.label_on_own_line
            && let Some(label) = b.label()
            && let [Inline::Text(first), ..] = content
            && let Some(rest) = first.text.strip_prefix(&*label.text)
        {
            let rest = rest.trim_start_matches(['.', ':', '-', ' ']).to_string();
            if !rest.is_empty() || content.len() > 1 {
                p = p.add_run(self.run(&label.text, &look, first.style));
                let mut br = Run::new().add_break(docx_rs::BreakType::TextWrapping);
                br.run_property = self.run_property(&look, Style::default());
                p = p.add_run(br);
                if !rest.is_empty() {
                    p = p.add_run(self.run(&rest, &look, first.style));
                }
                for c in children.into_iter().skip(1) {
                    p = c.add_to(p);
                }
                return p;
            }
        }
        for c in children {
            p = c.add_to(p);
        }
        p
    }

    pub fn table(&mut self, header: &[Vec<Inline>], rows: &[Vec<Vec<Inline>>]) -> Table {
        let l = self.layout;
        let ncols = header
            .len()
            .max(rows.iter().map(|r| r.len()).max().unwrap_or(0))
            .max(1);
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
        let mut out_rows = Vec::new();
        for (ri, row) in std::iter::once(header)
            .chain(rows.iter().map(|r| r.as_slice()))
            .enumerate()
        {
            let is_header = ri == 0;
            let mut s = cell_style.clone();
            if is_header {
                s.bold = l.table.header_bold;
                s.align = Align::Center;
            }
            let look = self.look(&s);
            let mut cells = Vec::new();
            for (ci, width) in widths.iter().enumerate() {
                let mut p = self.para(&s);
                if let Some(content) = row.get(ci) {
                    for c in self.inline_children(content, &look) {
                        p = c.add_to(p);
                    }
                }
                cells.push(
                    TableCell::new()
                        .width(*width as usize, WidthType::Dxa)
                        .add_paragraph(p),
                );
            }
            out_rows.push(TableRow::new(cells));
        }
        let sz = l.table.border_eighths as usize;
        let mut borders = TableBorders::new();
        for pos in [
            TableBorderPosition::Top,
            TableBorderPosition::Left,
            TableBorderPosition::Bottom,
            TableBorderPosition::Right,
            TableBorderPosition::InsideH,
            TableBorderPosition::InsideV,
        ] {
            borders = borders.set(
                TableBorder::new(pos)
                    .border_type(BorderType::Single)
                    .size(sz)
                    .color("000000"),
            );
        }
        Table::new(out_rows)
            .set_borders(borders)
            .set_grid(widths.iter().map(|w| *w as usize).collect())
            .width(widths.iter().sum::<i32>() as usize, WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
    }

    /// The page number header (PAGE field) and an empty first-page header.
    pub fn page_headers(&mut self) -> (Header, Option<Header>) {
        let pn = &self.layout.page_number;
        let style = TextStyle {
            size_pt: pn.size_pt,
            align: pn.align,
            ..self.layout.body.clone()
        };
        let look = self.look(&style);
        let rp = self.run_property(&look, Style::default());
        let mut begin = Run::new().add_field_char(FieldCharType::Begin, false);
        begin.run_property = rp.clone();
        let mut instr = Run::new().add_instr_text(InstrText::PAGE(InstrPAGE::new()));
        instr.run_property = rp.clone();
        let mut sep = Run::new().add_field_char(FieldCharType::Separate, false);
        sep.run_property = rp.clone();
        let mut num = Run::new().add_text("2");
        num.run_property = rp.clone();
        let mut end = Run::new().add_field_char(FieldCharType::End, false);
        end.run_property = rp;
        let p = Paragraph::new()
            .id(self.next_para_id())
            .align(align(pn.align))
            .add_run(begin)
            .add_run(instr)
            .add_run(sep)
            .add_run(num)
            .add_run(end);
        let header = Header::new().add_paragraph(p);
        let first = (pn.from_page >= 2).then(|| {
            let id = self.next_para_id();
            Header::new().add_paragraph(Paragraph::new().id(id))
        });
        (header, first)
    }

    /// A docx-rs document with page setup, headers and default fonts, no content yet.
    pub fn base_docx(&mut self) -> Docx {
        let p = &self.layout.page;
        let margin = PageMargin {
            top: mm(p.margin_top_mm),
            left: mm(p.margin_left_mm),
            bottom: mm(p.margin_bottom_mm),
            right: mm(p.margin_right_mm),
            header: mm(p.header_mm),
            footer: mm(p.footer_mm),
            gutter: 0,
        };
        let (header, first) = self.page_headers();
        let mut docx = Docx::new()
            .page_size(mm(p.width_mm) as u32, mm(p.height_mm) as u32)
            .page_margin(margin)
            .default_fonts(self.font())
            .default_size(half_points(self.layout.body.size_pt))
            .add_style(footnote_reference_style())
            .header(header);
        if let Some(first) = first {
            docx = docx.first_header(first).title_pg();
        }
        docx
    }

    pub fn collect_footnotes(&mut self, draft: &Draft) -> std::collections::HashSet<String> {
        let mut referenced = std::collections::HashSet::new();
        for b in &draft.body.blocks {
            if let BlockKind::FootnoteDef { label, content } = &b.kind {
                self.footnotes.insert(label.clone(), content.clone());
            }
            let mut visit = |c: &[Inline]| {
                for i in c {
                    if let Inline::FootnoteRef { label } = i {
                        referenced.insert(label.clone());
                    }
                }
            };
            match &b.kind {
                BlockKind::Table { header, rows } => {
                    header.iter().for_each(|c| visit(c));
                    rows.iter().flatten().for_each(|c| visit(c));
                }
                _ => {
                    if let Some(c) = b.inlines() {
                        visit(c)
                    }
                }
            }
        }
        referenced.retain(|l| self.footnotes.contains_key(l));
        referenced
    }

    /// The whole document.
    /// The document without its body: front matter, closing block, and in
    /// the body's place one placeholder paragraph holding the body's footnote
    /// references and hyperlinks (so docx-rs writes the footnotes part and the
    /// link relationships). [`Writer::stream_body`] later writes the body in
    /// the placeholder's place, piece by piece, so the whole body never sits
    /// in memory as a docx-rs tree (a paragraph there takes about 2.4 KB).
    /// `render(writer, i, referenced)` renders body item `i` of `n`.
    pub fn document_shell(
        &mut self,
        front: &FrontMatter,
        kind: &KindInfo,
        mark: DraftMark,
        referenced: std::collections::HashSet<String>,
        n: usize,
        render: &mut BodyRender<'a, '_>,
    ) -> Result<(Docx, BodyStart), DocxError> {
        if front.issuer.name.trim().is_empty() {
            return Err(DocxError::Missing("issuing body (issuer.name)"));
        }
        let mut docx = self.base_docx();
        if let Some(p) = self.draft_mark(mark) {
            docx = docx.add_paragraph(p);
        }
        docx = docx.add_table(self.header_table(front, kind));
        for p in self.title_block(front, kind) {
            docx = docx.add_paragraph(p);
        }
        let start = BodyStart {
            para_seq: self.para_seq,
            space_after_last: self.space_after_last,
            footnote_seq: self.footnote_seq,
            hyperlink_seq: self.hyperlink_seq,
            referenced,
            n,
        };
        let mut placeholder = Paragraph::new().id(BODY_PLACEHOLDER_ID);
        for i in 0..n {
            for piece in render(self, i, &start.referenced) {
                match piece {
                    Piece::Para(p) => keep_references(p, &mut placeholder),
                    Piece::Table(t) => {
                        for TableChild::TableRow(row) in t.rows {
                            for TableRowChild::TableCell(cell) in row.cells {
                                for c in cell.children {
                                    if let TableCellContent::Paragraph(p) = c {
                                        keep_references(*p, &mut placeholder);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        docx = docx.add_paragraph(placeholder);
        if let Some(t) = self.closing_table(front) {
            // Space between the body and the signature block.
            let gap = TextStyle {
                space_before_pt: 0.0,
                space_after_pt: 0.0,
                first_line_indent_mm: 0.0,
                ..self.layout.body.clone()
            };
            docx = docx.add_paragraph(self.para(&gap)).add_table(t);
        }
        Ok((docx, start))
    }

    /// Writes the body's XML where the shell's placeholder was, rendering the
    /// items again with the same ids as the shell's first pass.
    pub fn stream_body(
        &mut self,
        start: &BodyStart,
        render: &mut BodyRender<'a, '_>,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        self.para_seq = start.para_seq;
        self.space_after_last = start.space_after_last;
        self.footnote_seq = start.footnote_seq;
        self.hyperlink_seq = start.hyperlink_seq;
        for i in 0..start.n {
            for piece in render(self, i, &start.referenced) {
                match piece {
                    Piece::Para(p) => out.write_all(&p.build())?,
                    Piece::Table(t) => out.write_all(&t.build())?,
                }
            }
        }
        Ok(())
    }
}

/// Renders body item `i` (a block, or a tracked change) as pieces.
pub(crate) type BodyRender<'a, 'f> =
    dyn FnMut(&mut Writer<'a>, usize, &std::collections::HashSet<String>) -> Vec<Piece> + 'f;

/// The character style of footnote numbers. LibreOffice draws the number in
/// the footnote area in this style and ignores the run's own superscript,
/// so without it the note reads "1 Theo …" on the baseline.
fn footnote_reference_style() -> docx_rs::Style {
    let mut s = docx_rs::Style::new("FootnoteReference", docx_rs::StyleType::Character)
        .name("footnote reference");
    s.run_property = RunProperty::new().vert_align(VertAlignType::SuperScript);
    s
}

/// Paragraph id of the body placeholder in a document shell.
pub(crate) const BODY_PLACEHOLDER_ID: &str = "7FFFFFF0";

/// Where the body starts in a document shell: the id counters and the
/// footnotes that are rendered at their references.
pub(crate) struct BodyStart {
    para_seq: u32,
    space_after_last: u32,
    footnote_seq: usize,
    hyperlink_seq: usize,
    referenced: std::collections::HashSet<String>,
    n: usize,
}

/// Moves a paragraph's footnote references (tracked ones too) and hyperlinks
/// into the placeholder.
fn keep_references(p: Paragraph, placeholder: &mut Paragraph) {
    let is_ref = |r: &Run| {
        r.children
            .iter()
            .any(|rc| matches!(rc, RunChild::FootnoteReference(_)))
    };
    for c in p.children {
        match c {
            ParagraphChild::Run(r) if is_ref(&r) => {
                placeholder.children.push(ParagraphChild::Run(r))
            }
            ParagraphChild::Insert(ins) => {
                for ic in ins.children {
                    if let docx_rs::InsertChild::Run(r) = ic
                        && is_ref(&r)
                    {
                        placeholder.children.push(ParagraphChild::Run(r));
                    }
                }
            }
            ParagraphChild::Delete(del) => {
                for dc in del.children {
                    if let docx_rs::DeleteChild::Run(r) = dc
                        && is_ref(&r)
                    {
                        placeholder.children.push(ParagraphChild::Run(r));
                    }
                }
            }
            ParagraphChild::Hyperlink(h) => placeholder.children.push(ParagraphChild::Hyperlink(h)),
            _ => {}
        }
    }
}

/// Column widths in proportion to the longest text of each column (its
/// square root, so one long cell does not squeeze the others), at least a
/// tenth of the table each.
pub(crate) fn column_widths(
    header: &[Vec<Inline>],
    rows: &[Vec<Vec<Inline>>],
    ncols: usize,
    total: i32,
) -> Vec<i32> {
    let mut longest = vec![1usize; ncols];
    for row in std::iter::once(header).chain(rows.iter().map(|r| r.as_slice())) {
        for (i, cell) in row.iter().enumerate().take(ncols) {
            let n = crate::model::inline_text(cell).chars().count();
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

/// A child of a paragraph: a run or a hyperlink around runs.
// Children live only between rendering an inline and adding it to a paragraph.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Child {
    Run(Run),
    Link(Hyperlink),
}

impl Child {
    pub fn add_to(self, p: Paragraph) -> Paragraph {
        match self {
            Child::Run(r) => p.add_run(r),
            Child::Link(h) => p.add_hyperlink(h),
        }
    }
}
