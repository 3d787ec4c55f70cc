//! Body blocks: headings by numbering level, paragraphs, points and list
//! items with their literal markers, quotes, code, thematic breaks, and the
//! spacers that give a table room above and below.

use super::Body;
use super::props::{LineRule, ParaProps, Track};
use super::writer::{Look, Para, Writer, mm, twips_pt};
use duthao_model::{Block, BlockKind, Inline, LabelKind, Style, inline_text};
use duthao_profile::layout::{Align, RuleKind, RuleStyle, TextStyle};

/// Space above and below a table in the body: 6 pt, the least a clerk
/// leaves between paragraphs (tables have no spacing of their own).
pub(crate) const TABLE_GAP_TWIPS: u32 = 120;

/// Which footnotes are written at their references: a definition of one of
/// these produces nothing where it stands.
pub(crate) type Referenced = std::collections::HashSet<String>;

/// Whether a block writes anything: a footnote definition that is referenced
/// is written at its references instead.
pub(crate) fn renders(b: &Block, referenced: &Referenced) -> bool {
    !matches!(&b.kind, BlockKind::FootnoteDef { label, .. } if referenced.contains(&**label))
}

impl<'a> Writer<'a> {
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

    /// Records the space under a block just written (see `space_after_last`).
    pub fn note_space_after(&mut self, b: &Block, style: &TextStyle) {
        self.space_after_last = match b.kind {
            BlockKind::Table { .. } | BlockKind::Rule => TABLE_GAP_TWIPS,
            _ => twips_pt(style.space_after_pt),
        };
    }

    /// The paragraph a block of inline content starts with: its style, the
    /// quote's indent, a heading kept with what follows it.
    pub fn block_para(&self, b: &Block, style: &TextStyle) -> Para<'a> {
        let mut p = self.para(style);
        if matches!(b.kind, BlockKind::Quote { .. }) {
            p.props.ind_left = mm(self.layout.quote.indent_mm);
        }
        if matches!(b.kind, BlockKind::Heading { .. }) {
            p.props.keep_next = true;
        }
        p
    }

    /// One body block, tracked as `t` (`Keep` outside a tracked document).
    pub fn block(&mut self, b: &Block, referenced: &Referenced, t: Track, out: &mut Body<'_>) {
        if !renders(b, referenced) {
            return;
        }
        let style = self.block_style(b);
        match &b.kind {
            BlockKind::Heading { content, .. } => self.heading(b, content, &style, t, out),
            BlockKind::Paragraph { content } | BlockKind::Quote { content } => {
                let mut p = self.block_para(b, &style);
                let look = self.look(&style);
                self.inline(&mut p.runs, content, &look, t);
                p.props.mark = self.mark(t);
                self.finish(p, out);
            }
            BlockKind::ListItem {
                marker, content, ..
            } => {
                let mut p = self.para(&style);
                let look = self.look(&style);
                self.text(
                    &mut p.runs,
                    &format!("{marker} "),
                    &look,
                    Style::default(),
                    t,
                );
                self.inline(&mut p.runs, content, &look, t);
                p.props.mark = self.mark(t);
                self.finish(p, out);
            }
            BlockKind::FootnoteDef { label, content } => {
                // A definition nothing refers to: shown where it stands.
                let mut p = self.para(&style);
                let look = self.look(&style);
                // Shown "[label] ", in the block's text "[^label]: ".
                self.unanchored(|w| {
                    w.text(
                        &mut p.runs,
                        &format!("[{label}] "),
                        &look,
                        Style::default(),
                        t,
                    )
                });
                self.skip_text(label.len() + 5);
                self.inline(&mut p.runs, content, &look, t);
                p.props.mark = self.mark(t);
                self.finish(p, out);
            }
            BlockKind::Code { text } => {
                let s = TextStyle {
                    align: Align::Left,
                    first_line_indent_mm: 0.0,
                    ..style.clone()
                };
                let look = self.look(&s);
                let code = Style {
                    code: true,
                    ..Style::default()
                };
                for line in text.lines() {
                    // Each line starts where it stands in the block's text
                    // (the line breaks between them are not written).
                    let at = line.as_ptr() as usize - text.as_ptr() as usize;
                    if let Some(a) = self.anchor() {
                        a.pos = at;
                    }
                    let mut p = self.para(&s);
                    self.text(&mut p.runs, line, &look, code, t);
                    p.props.mark = self.mark(t);
                    self.finish(p, out);
                    out.boundary();
                }
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
                // The line is the paragraph's bottom border: the next line's
                // diacritics keep clear of it too.
                if let Some(mut p) = self.rule(&r, tw / 3, tw, style.size_pt, TABLE_GAP_TWIPS) {
                    p.props.mark = self.mark(t);
                    p.props.keep_next = self.keep_with_closing;
                    self.finish(p, out);
                }
            }
            BlockKind::Table { header, rows } => {
                // Tables carry no paragraph spacing: without spacers the
                // text above and below touches the borders.
                let missing = TABLE_GAP_TWIPS.saturating_sub(self.space_after_last);
                if missing > 0 {
                    self.spacer(missing, t, out);
                }
                self.table(header, rows, t, out);
                self.spacer(TABLE_GAP_TWIPS, t, out);
            }
        }
        self.note_space_after(b, &style);
    }

    /// An empty paragraph exactly `twips` high: the space around a table.
    /// It is no block's text, so it carries no review marker.
    pub fn spacer(&mut self, twips: u32, t: Track, out: &mut String) {
        let p = Para {
            props: ParaProps {
                line: twips,
                line_rule: LineRule::Exact,
                keep_next: self.keep_with_closing,
                mark: self.mark(t),
                ..ParaProps::default()
            },
            runs: String::new(),
        };
        self.unanchored(|w| w.finish(p, out));
    }

    pub fn heading(
        &mut self,
        b: &Block,
        content: &[Inline],
        style: &TextStyle,
        t: Track,
        out: &mut String,
    ) {
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
            let mut p = self.para(&spaced);
            p.props.keep_next = true;
            let rest = after.trim_start_matches(['.', ':', ' ']);
            let sep = &after[..after.len() - rest.len()];
            self.text(
                &mut p.runs,
                &format!("{}{sep}", label.text),
                &look,
                first.style,
                t,
            );
            let plain = Look {
                bold: false,
                ..look
            };
            self.text(&mut p.runs, rest, &plain, first.style, t);
            self.inline(&mut p.runs, more, &plain, t);
            p.props.mark = self.mark(t);
            self.finish(p, out);
            return;
        }
        let mut p = self.para(style);
        p.props.keep_next = true;
        // "Chương I. QUY ĐỊNH CHUNG" → "Chương I" on its own line, the name below.
        if style.label_on_own_line
            && let Some(label) = b.label()
            && let [Inline::Text(first), more @ ..] = content
            && let Some(rest) = first.text.strip_prefix(&*label.text)
        {
            let after = rest;
            let rest = rest.trim_start_matches(['.', ':', '-', ' ']);
            if !rest.is_empty() || !more.is_empty() {
                self.text(&mut p.runs, &label.text, &look, first.style, t);
                // The line break stands for the separator the text has.
                self.unanchored(|w| w.text(&mut p.runs, "\n", &look, Style::default(), t));
                self.skip_text(after.len() - rest.len());
                self.text(&mut p.runs, rest, &look, first.style, t);
                self.inline(&mut p.runs, more, &look, t);
                p.props.mark = self.mark(t);
                self.finish(p, out);
                return;
            }
        }
        self.inline(&mut p.runs, content, &look, t);
        p.props.mark = self.mark(t);
        self.finish(p, out);
    }
}
