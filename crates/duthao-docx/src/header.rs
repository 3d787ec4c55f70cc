//! The first page above the body: the draft mark, the borderless two-column
//! header table (issuing bodies and the motto, each with its rule; the number
//! and the place and date), the type name and the trích yếu with its rule.
//! In a tracked-changes document a front-matter line that changed is tracked.

use super::props::{Border, LineRule, ParaProps, RunProps, TableProps, Track, open_cell, open_row};
use super::writer::{Writer, cased, mm, twips_pt};
use super::{DraftMark, KindInfo};
use duthao_diff::{FieldChange, WordOp};
use duthao_model::{FrontMatter, Style};
use duthao_profile::layout::{Align, Filled, RuleKind, RuleStyle, TextStyle};

/// Height of the empty paragraph whose bottom border is a short rule: 5 pt
/// between the text above (its descenders and dots below) and the rule.
pub(crate) const RULE_CLEARANCE_TWIPS: u32 = 100;

/// Default cell margins are 0.19 cm on each side.
const CELL_MARGIN_TWIPS: i32 = 108;

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

impl<'a> Writer<'a> {
    /// A short separator under a centred text `over_text` twips wide, in a
    /// column `column` twips wide, with `after` twips below it.
    pub fn rule(
        &mut self,
        rule: &RuleStyle,
        over_text: i32,
        column: i32,
        size_pt: f32,
        after: u32,
    ) -> Option<super::writer::Para<'a>> {
        match rule.kind {
            RuleKind::None => None,
            RuleKind::Star | RuleKind::Dashes => {
                let text = if rule.kind == RuleKind::Star {
                    "*"
                } else {
                    rule.text.as_str()
                };
                let look = super::writer::Look {
                    size_pt,
                    bold: false,
                    italic: false,
                    underline: false,
                    caps: false,
                    font: &self.layout.font.family,
                };
                let mut p = super::writer::Para {
                    props: ParaProps {
                        align: Some(Align::Center),
                        after,
                        ..ParaProps::default()
                    },
                    runs: String::new(),
                };
                self.text(&mut p.runs, text, &look, Style::default(), Track::Keep);
                Some(p)
            }
            RuleKind::Line => {
                let len = (over_text as i64 * rule.length_pct as i64 / 100) as i32;
                let len = len.clamp(200, column.max(200));
                let side = ((column - len) / 2).max(0);
                // The rule is the bottom border of an empty paragraph of
                // RULE_CLEARANCE height: the whole height lies between the
                // text above and the rule, so the dots under "Ọ", "Ệ" and
                // descenders such as "p" keep clear of it. Its mark is tiny,
                // so the paragraph is no higher than its exact line.
                let p = super::writer::Para {
                    props: ParaProps {
                        align: Some(Align::Center),
                        line: RULE_CLEARANCE_TWIPS,
                        line_rule: LineRule::Exact,
                        after,
                        ind_left: side,
                        ind_right: side,
                        borders: [None, None, Some(Border { size: 6, space: 0 }), None],
                        mark_props: Some(RunProps::size_only(2)),
                        ..ParaProps::default()
                    },
                    runs: String::new(),
                };
                Some(p)
            }
        }
    }

    /// [`Writer::rule`], written.
    pub(crate) fn put_rule(
        &mut self,
        rule: &RuleStyle,
        over_text: i32,
        column: i32,
        size_pt: f32,
        after: u32,
        out: &mut String,
    ) {
        if let Some(p) = self.rule(rule, over_text, column, size_pt, after) {
            self.finish(p, out);
        }
    }

    /// The diff's verdict on a front-matter field, in a tracked-changes
    /// document; `None` when the field did not change (or this is no such
    /// document).
    pub(crate) fn change_of(&self, key: &str) -> Option<&'a FieldChange> {
        self.rev.as_ref()?;
        self.front_changes.iter().find(|c| c.key == key)
    }

    /// A line that shows one field's value after `lead` (a fixed text in
    /// front of it): the field's word ops as the diff decided them, as
    /// tracked runs, when it changed; else the value as `pick` gives it.
    /// Returns the number of paragraphs written.
    pub fn field_line(
        &mut self,
        front: &FrontMatter,
        key: &str,
        lead: &str,
        pick: impl Fn(&FrontMatter) -> Option<String>,
        s: &TextStyle,
        out: &mut String,
    ) -> usize {
        match self.change_of(key) {
            Some(c) => self.ops_line(lead, &c.ops, s, out) as usize,
            None => self.plain_lines(pick(front), s, out),
        }
    }

    /// A line the layout fills from several fields (the number line from
    /// the number and the codes, the date line from the place and the
    /// date): when one of `keys` changed, each value that differs deleted
    /// and inserted in place, the template's own text kept (the whole line
    /// replaced when the template itself differs, a date added, say); else
    /// the line as `pick` gives it.
    pub fn filled_line(
        &mut self,
        front: &FrontMatter,
        keys: &[&str],
        pick: impl Fn(&FrontMatter) -> Option<Filled>,
        s: &TextStyle,
        out: &mut String,
    ) -> usize {
        if keys.iter().any(|k| self.change_of(k).is_some())
            && let Some(old) = self.old_front
        {
            match (pick(old), pick(front)) {
                (o, n) if o == n => {}
                (Some(o), Some(n))
                    if o.template == n.template && o.pieces.len() == n.pieces.len() =>
                {
                    let mut ops = Vec::new();
                    for (a, b) in o.pieces.iter().zip(&n.pieces) {
                        if a.text == b.text {
                            ops.push(WordOp::Equal(a.text.clone()));
                        } else {
                            ops.push(WordOp::Delete(a.text.clone()));
                            ops.push(WordOp::Insert(b.text.clone()));
                        }
                    }
                    return self.ops_line("", &ops, s, out) as usize;
                }
                (o, n) => {
                    let text = |f: Option<Filled>| one_line(f.map(|f| f.text()));
                    return self.replaced_line(text(o), text(n), s, out) as usize;
                }
            }
        }
        self.plain_lines(pick(front).map(|f| f.text()), s, out)
    }

    /// The value's lines as one paragraph (with line breaks), untracked.
    fn plain_lines(&mut self, text: Option<String>, s: &TextStyle, out: &mut String) -> usize {
        let Some(text) = text else {
            return 0;
        };
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            return 0;
        }
        self.line(&lines.join("\n"), s, out);
        1
    }

    /// A paragraph of tracked runs from a field's ops, after `lead`, cased
    /// by the style on each side. A value only one side has is a whole
    /// inserted or deleted paragraph. Returns whether one was written.
    pub fn ops_line(
        &mut self,
        lead: &str,
        ops: &[WordOp],
        s: &TextStyle,
        out: &mut String,
    ) -> bool {
        if ops.is_empty() {
            return false;
        }
        let look = self.look(s);
        let mut p = self.para(s);
        if !lead.is_empty() {
            self.text(
                &mut p.runs,
                &cased(lead, s),
                &look,
                Style::default(),
                Track::Keep,
            );
        }
        let (mut old_first, mut new_first) = (lead.is_empty(), lead.is_empty());
        for op in ops {
            let (text, t) = match op {
                WordOp::Equal(t) => (t, Track::Keep),
                WordOp::Insert(t) => (t, Track::Ins),
                WordOp::Delete(t) => (t, Track::Del),
            };
            // The style's case applies to the start of each side's value.
            let first = match t {
                Track::Keep => old_first || new_first,
                Track::Ins => new_first,
                Track::Del => old_first,
            };
            let shown = if first {
                cased(text, s)
            } else if s.caps {
                text.to_uppercase()
            } else {
                text.clone()
            };
            self.text(&mut p.runs, &shown, &look, Style::default(), t);
            match t {
                Track::Keep => (old_first, new_first) = (false, false),
                Track::Ins => new_first = false,
                Track::Del => old_first = false,
            }
        }
        let only = |want: fn(&WordOp) -> bool| ops.iter().all(want);
        if only(|o| matches!(o, WordOp::Insert(_))) && lead.is_empty() {
            p.props.mark = self.mark(Track::Ins);
        } else if only(|o| matches!(o, WordOp::Delete(_))) && lead.is_empty() {
            p.props.mark = self.mark(Track::Del);
        }
        self.finish(p, out);
        true
    }

    /// A line replaced as a whole: the old text deleted and the new one
    /// inserted in one paragraph; a line only one side has is a whole
    /// inserted or deleted paragraph. Returns whether one was written.
    pub fn replaced_line(
        &mut self,
        old: Option<String>,
        new: Option<String>,
        s: &TextStyle,
        out: &mut String,
    ) -> bool {
        let look = self.look(s);
        let old = old.map(|o| cased(&o, s));
        let new = new.map(|n| cased(&n, s));
        let mut p = self.para(s);
        match (old, new) {
            (None, None) => return false,
            (None, Some(n)) => {
                self.text(&mut p.runs, &n, &look, Style::default(), Track::Ins);
                p.props.mark = self.mark(Track::Ins);
            }
            (Some(o), None) => {
                self.text(&mut p.runs, &o, &look, Style::default(), Track::Del);
                p.props.mark = self.mark(Track::Del);
            }
            (Some(o), Some(n)) => {
                self.text(&mut p.runs, &o, &look, Style::default(), Track::Del);
                self.text(&mut p.runs, &n, &look, Style::default(), Track::Ins);
            }
        }
        self.finish(p, out);
        true
    }

    /// The draft mark, top right of the first page above the header table.
    pub fn draft_mark(&mut self, mark: DraftMark, out: &mut String) {
        let dm = &self.layout.draft_mark;
        let text = match mark {
            DraftMark::Final => return,
            DraftMark::Draft { version: Some(n) } => dm.numbered.replace("{n}", &n.to_string()),
            DraftMark::Draft { version: None } => dm.unnumbered.clone(),
        };
        let style = &dm.style;
        let look = self.look(style);
        let mut p = self.para(style);
        p.props.keep_next = false;
        if dm.boxed {
            let w = text_width_twips(&text, style.size_pt, style.bold) + 240;
            p.props.ind_left = (self.text_width - w).max(0);
            p.props.borders = [Some(Border { size: 6, space: 2 }); 4];
        }
        self.text(
            &mut p.runs,
            &cased(&text, style),
            &look,
            Style::default(),
            Track::Keep,
        );
        self.finish(p, out);
    }

    /// Writes the paragraphs of one header cell; a cell holds at least one paragraph.
    fn cell(&self, width: i32, paras: &str, out: &mut String) {
        open_cell(width, true, out);
        if paras.is_empty() {
            out.push_str("<w:p/>");
        } else {
            out.push_str(paras);
        }
        out.push_str("</w:tc>");
    }

    /// The two-column borderless header table.
    pub fn header_table(&mut self, front: &FrontMatter, kind: &KindInfo, out: &mut String) {
        self.header_table_with(front, kind, true, out);
    }

    /// The header table, with the number line under the issuing body or
    /// (`number: false`, a paper that bears no number) an empty cell there.
    pub(crate) fn header_table_with(
        &mut self,
        front: &FrontMatter,
        kind: &KindInfo,
        number_line: bool,
        out: &mut String,
    ) {
        let l = self.layout;
        let full = self.text_width + mm(l.header.extend_left_mm) + mm(l.header.extend_right_mm);
        let left_w = (full as i64 * l.header.left_width_pct as i64 / 100) as i32;
        let right_w = full - left_w;

        let usable = left_w - 2 * CELL_MARGIN_TWIPS;
        let (ps, is) = (&l.header.parent, &l.header.issuer);
        let fit =
            |text: &str, s: &TextStyle| balanced_lines(&cased(text, s), s.size_pt, s.bold, usable);
        let mut left = String::new();
        self.field_line(
            front,
            "issuer.parent",
            "",
            |f| {
                f.issuer
                    .parent
                    .as_deref()
                    .filter(|p| !p.trim().is_empty())
                    .map(|p| fit(p, ps))
            },
            ps,
            &mut left,
        );
        let issuer_name = fit(&front.issuer.name, is);
        let widest = issuer_name
            .lines()
            .map(|line| text_width_twips(line, is.size_pt, is.bold))
            .max()
            .unwrap_or(0);
        self.field_line(
            front,
            "issuer.name",
            "",
            |f| Some(fit(&f.issuer.name, is)),
            is,
            &mut left,
        );
        self.put_rule(
            &l.header.issuer_rule,
            widest,
            left_w,
            is.size_pt,
            0,
            &mut left,
        );

        let mut right = String::new();
        let mut last_motto = 0;
        for m in &l.header.motto {
            last_motto = text_width_twips(&cased(&m.text, &m.style), m.style.size_pt, m.style.bold);
            self.line(&m.text, &m.style, &mut right);
        }
        let motto_size = l.header.motto.last().map_or(13.0, |m| m.style.size_pt);
        self.put_rule(
            &l.header.motto_rule,
            last_motto,
            right_w,
            motto_size,
            0,
            &mut right,
        );

        let number_of = |f: &FrontMatter| {
            Some(l.formats.number_filled(
                f.number,
                &kind.code,
                f.issuer.code.as_deref().unwrap_or(""),
            ))
        };
        let date_of = |f: &FrontMatter| {
            Some(l.formats.date_filled(
                f.place.as_deref().unwrap_or(""),
                f.date.map(|d| (d.year(), d.month(), d.day())),
            ))
        };
        let mut number = String::new();
        if number_line {
            self.filled_line(
                front,
                &["number", "issuer.code", "kind"],
                number_of,
                &l.header.number,
                &mut number,
            );
            // A công văn has no type name: its trích yếu sits under the number.
            if kind.name.trim().is_empty() {
                let lt = &l.letter_title;
                self.filled_line(
                    front,
                    &["title"],
                    |f| Some(Filled::literal(&lt.line(&f.title))),
                    &lt.style,
                    &mut number,
                );
            }
        }
        let mut date = String::new();
        self.filled_line(
            front,
            &["place", "date"],
            date_of,
            &l.header.date,
            &mut date,
        );

        TableProps {
            widths: vec![left_w, right_w],
            indent: -mm(l.header.extend_left_mm),
            borders: None,
        }
        .open(out);
        for (a, b) in [(&left, &right), (&number, &date)] {
            open_row(false, None, None, out);
            self.cell(left_w, a, out);
            self.cell(right_w, b, out);
            out.push_str("</w:tr>");
        }
        out.push_str("</w:tbl>");
    }

    /// Type name, trích yếu and the rule under it.
    pub fn title_block(&mut self, front: &FrontMatter, kind: &KindInfo, out: &mut String) {
        let l = self.layout;
        if kind.name.trim().is_empty() {
            // Công văn: the trích yếu is in the header; leave a line before the body.
            let gap = TextStyle {
                space_before_pt: 0.0,
                space_after_pt: 12.0,
                first_line_indent_mm: 0.0,
                ..l.body.clone()
            };
            let p = self.para(&gap);
            self.finish(p, out);
            return;
        }
        // The body starts a blank line below the trích yếu and its rule: the
        // last of them gets that space after it.
        let after_pt = l.type_name.space_before_pt.min(12.0);
        self.line(&kind.name, &l.type_name, out);
        let widest = front
            .title
            .lines()
            .filter(|t| !t.trim().is_empty())
            .map(|t| text_width_twips(&cased(t.trim(), &l.title), l.title.size_pt, l.title.bold))
            .max()
            .unwrap_or(0);
        let title_style = match l.title_rule.kind {
            RuleKind::None => TextStyle {
                space_after_pt: after_pt,
                ..l.title.clone()
            },
            _ => l.title.clone(),
        };
        self.field_line(
            front,
            "title",
            "",
            |f| Some(f.title.clone()),
            &title_style,
            out,
        );
        let tw = self.text_width;
        self.put_rule(
            &l.title_rule,
            widest.min(tw),
            tw,
            l.title.size_pt,
            twips_pt(after_pt),
            out,
        );
    }
}

/// A value's lines joined into one (a tracked line is one paragraph).
fn one_line(v: Option<String>) -> Option<String> {
    v.map(|t| {
        t.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    })
    .filter(|t| !t.is_empty())
}
