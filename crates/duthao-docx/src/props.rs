//! Run, paragraph, table and cell properties as typed values, each written
//! with its children in the order of the ISO/IEC 29500 sequences, which is
//! the order Word reads them in: a property out of place may be silently
//! dropped by Word (a heading that loses its bold or its capitals), so the
//! order is fixed here, once, rather than trusted to every caller.

use std::fmt::Write as _;

use super::xml::push_attr;
use duthao_profile::layout::Align;

/// Who made the tracked changes of a document, and when: the author and
/// date every `w:ins`, `w:del` and move carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    /// The name Word shows for each change: the commit's author, or the user's for
    /// the text on disk.
    pub author: String,
    /// W3CDTF, e.g. "2026-03-05T09:30:00Z".
    pub date: String,
}

/// How a piece of a tracked document changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Track {
    Keep,
    Ins,
    Del,
}

/// `w:rPr`: rStyle rFonts b bCs i iCs caps strike color sz szCs u vertAlign.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RunProps<'a> {
    /// A character style (`FootnoteReference`).
    pub style: Option<&'static str>,
    pub font: &'a str,
    pub bold: bool,
    pub italic: bool,
    /// Shown in capitals without changing the text.
    pub caps: bool,
    pub strike: bool,
    /// RRGGBB.
    pub color: Option<&'a str>,
    pub half_points: u32,
    pub underline: bool,
    pub superscript: bool,
}

impl RunProps<'_> {
    /// Only a size: the mark of an empty paragraph that must be no higher
    /// than its exact line.
    pub fn size_only(half_points: u32) -> RunProps<'static> {
        RunProps {
            style: None,
            font: "",
            bold: false,
            italic: false,
            caps: false,
            strike: false,
            color: None,
            half_points,
            underline: false,
            superscript: false,
        }
    }

    pub fn write(&self, out: &mut String) {
        out.push_str("<w:rPr>");
        self.write_children(out);
        out.push_str("</w:rPr>");
    }

    /// The children alone, for the paragraph mark's `w:rPr`, whose revision
    /// marks come first.
    pub fn write_children(&self, out: &mut String) {
        if let Some(s) = self.style {
            let _ = write!(out, "<w:rStyle w:val=\"{s}\"/>");
        }
        if !self.font.is_empty() {
            out.push_str("<w:rFonts w:ascii=\"");
            push_attr(out, self.font);
            out.push_str("\" w:hAnsi=\"");
            push_attr(out, self.font);
            out.push_str("\" w:eastAsia=\"");
            push_attr(out, self.font);
            out.push_str("\" w:cs=\"");
            push_attr(out, self.font);
            out.push_str("\"/>");
        }
        if self.bold {
            out.push_str("<w:b/><w:bCs/>");
        }
        if self.italic {
            out.push_str("<w:i/><w:iCs/>");
        }
        if self.caps {
            out.push_str("<w:caps/>");
        }
        if self.strike {
            out.push_str("<w:strike/>");
        }
        if let Some(c) = self.color {
            out.push_str("<w:color w:val=\"");
            push_attr(out, c);
            out.push_str("\"/>");
        }
        if self.half_points > 0 {
            let _ = write!(
                out,
                "<w:sz w:val=\"{0}\"/><w:szCs w:val=\"{0}\"/>",
                self.half_points
            );
        }
        if self.underline {
            out.push_str("<w:u w:val=\"single\"/>");
        }
        if self.superscript {
            out.push_str("<w:vertAlign w:val=\"superscript\"/>");
        }
    }
}

/// `w:spacing` line rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineRule {
    /// `line` is in 240ths of a line.
    Auto,
    /// `line` is an exact height in twips.
    Exact,
}

/// A border line of a paragraph or table edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Border {
    /// In eighths of a point.
    pub size: u32,
    /// Distance from the text, in points.
    pub space: u32,
}

impl Border {
    fn write(side: &str, b: Option<Border>, out: &mut String) {
        if let Some(b) = b {
            let _ = write!(
                out,
                "<w:{side} w:val=\"single\" w:sz=\"{}\" w:space=\"{}\" w:color=\"000000\"/>",
                b.size, b.space
            );
        }
    }
}

/// The revision mark on a paragraph mark or a table row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mark {
    pub track: Track,
    pub id: u32,
}

impl Mark {
    /// `<w:ins …/>` or `<w:del …/>`, empty, as in a paragraph mark or `w:trPr`.
    pub fn write(&self, rev: &Attribution, out: &mut String) {
        let tag = match self.track {
            Track::Ins => "w:ins",
            Track::Del => "w:del",
            Track::Keep => return,
        };
        let _ = write!(out, "<{tag} w:id=\"{}\" w:author=\"", self.id);
        push_attr(out, &rev.author);
        out.push_str("\" w:date=\"");
        push_attr(out, &rev.date);
        out.push_str("\"/>");
    }
}

/// `w:pPr`: keepNext keepLines pBdr spacing ind jc rPr.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ParaProps<'a> {
    pub keep_next: bool,
    pub keep_lines: bool,
    /// Top, left, bottom, right.
    pub borders: [Option<Border>; 4],
    /// Twips.
    pub before: u32,
    pub after: u32,
    pub line: u32,
    pub line_rule: LineRule,
    /// Twips; negative values reach into the margin.
    pub ind_left: i32,
    pub ind_right: i32,
    pub first_line: i32,
    pub align: Option<Align>,
    /// The paragraph mark's properties: its size keeps an empty paragraph
    /// as low as its exact line; a tracked mark makes accepting or rejecting
    /// remove the whole paragraph, not only its text.
    pub mark_props: Option<RunProps<'a>>,
    pub mark: Option<Mark>,
}

impl Default for ParaProps<'_> {
    fn default() -> Self {
        ParaProps {
            keep_next: false,
            keep_lines: false,
            borders: [None; 4],
            before: 0,
            after: 0,
            line: 240,
            line_rule: LineRule::Auto,
            ind_left: 0,
            ind_right: 0,
            first_line: 0,
            align: None,
            mark_props: None,
            mark: None,
        }
    }
}

impl ParaProps<'_> {
    pub fn write(&self, rev: Option<&Attribution>, out: &mut String) {
        out.push_str("<w:pPr>");
        if self.keep_next {
            out.push_str("<w:keepNext/>");
        }
        if self.keep_lines {
            out.push_str("<w:keepLines/>");
        }
        if self.borders.iter().any(Option::is_some) {
            out.push_str("<w:pBdr>");
            for (side, b) in ["top", "left", "bottom", "right"].iter().zip(self.borders) {
                Border::write(side, b, out);
            }
            out.push_str("</w:pBdr>");
        }
        let rule = match self.line_rule {
            LineRule::Auto => "auto",
            LineRule::Exact => "exact",
        };
        let _ = write!(
            out,
            "<w:spacing w:before=\"{}\" w:after=\"{}\" w:line=\"{}\" w:lineRule=\"{rule}\"/>",
            self.before, self.after, self.line
        );
        if self.ind_left != 0 || self.ind_right != 0 || self.first_line != 0 {
            out.push_str("<w:ind");
            if self.ind_left != 0 {
                let _ = write!(out, " w:left=\"{}\"", self.ind_left);
            }
            if self.ind_right != 0 {
                let _ = write!(out, " w:right=\"{}\"", self.ind_right);
            }
            if self.first_line > 0 {
                let _ = write!(out, " w:firstLine=\"{}\"", self.first_line);
            } else if self.first_line < 0 {
                let _ = write!(out, " w:hanging=\"{}\"", -self.first_line);
            }
            out.push_str("/>");
        }
        if let Some(a) = self.align {
            let _ = write!(out, "<w:jc w:val=\"{}\"/>", align_name(a));
        }
        let tracked = self.mark.filter(|m| m.track != Track::Keep).zip(rev);
        if tracked.is_some() || self.mark_props.is_some() {
            out.push_str("<w:rPr>");
            if let Some((m, rev)) = tracked {
                m.write(rev, out);
            }
            if let Some(p) = &self.mark_props {
                p.write_children(out);
            }
            out.push_str("</w:rPr>");
        }
        out.push_str("</w:pPr>");
    }
}

pub(crate) fn align_name(a: Align) -> &'static str {
    match a {
        Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
        Align::Both => "both",
    }
}

/// `w:tblPr`: tblW tblInd tblBorders tblLayout; then `w:tblGrid`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TableProps {
    pub widths: Vec<i32>,
    /// Twips from the left margin; negative reaches into it.
    pub indent: i32,
    /// Every edge and inside line, or none at all (`None`).
    pub borders: Option<Border>,
}

impl TableProps {
    /// `<w:tbl><w:tblPr>…</w:tblPr><w:tblGrid>…</w:tblGrid>`; the caller writes the rows and `</w:tbl>`.
    pub fn open(&self, out: &mut String) {
        let total: i32 = self.widths.iter().sum();
        let _ = write!(
            out,
            "<w:tbl><w:tblPr><w:tblW w:w=\"{total}\" w:type=\"dxa\"/>"
        );
        if self.indent != 0 {
            let _ = write!(out, "<w:tblInd w:w=\"{}\" w:type=\"dxa\"/>", self.indent);
        }
        out.push_str("<w:tblBorders>");
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            match self.borders {
                Some(b) => {
                    let _ = write!(
                        out,
                        "<w:{side} w:val=\"single\" w:sz=\"{}\" w:space=\"0\" w:color=\"000000\"/>",
                        b.size
                    );
                }
                None => {
                    let _ = write!(
                        out,
                        "<w:{side} w:val=\"none\" w:sz=\"0\" w:space=\"0\" w:color=\"auto\"/>"
                    );
                }
            }
        }
        out.push_str("</w:tblBorders><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>");
        for w in &self.widths {
            let _ = write!(out, "<w:gridCol w:w=\"{w}\"/>");
        }
        out.push_str("</w:tblGrid>");
    }
}

/// `<w:tr>` with its `w:trPr` (cantSplit, tracked insertion or deletion).
pub(crate) fn open_row(
    cant_split: bool,
    mark: Option<Mark>,
    rev: Option<&Attribution>,
    out: &mut String,
) {
    out.push_str("<w:tr>");
    let tracked = mark.filter(|m| m.track != Track::Keep).zip(rev);
    if cant_split || tracked.is_some() {
        out.push_str("<w:trPr>");
        if cant_split {
            out.push_str("<w:cantSplit/>");
        }
        if let Some((m, rev)) = tracked {
            m.write(rev, out);
        }
        out.push_str("</w:trPr>");
    }
}

/// `<w:tr>` of a table's heading row, repeated at the top of every page
/// and never split (`w:trPr`: cantSplit, tblHeader).
pub(crate) fn open_header_row(out: &mut String) {
    out.push_str("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
}

/// `<w:tc>` of a bordered table with its `w:tcPr`: tcW, and `shd` filled
/// with `fill` (RRGGBB) when given.
pub(crate) fn open_shaded_cell(width: i32, fill: Option<&str>, out: &mut String) {
    let _ = write!(out, "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>");
    if let Some(f) = fill {
        out.push_str("<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"");
        push_attr(out, f);
        out.push_str("\"/>");
    }
    out.push_str("</w:tcPr>");
}

/// `<w:tc>` with its `w:tcPr` (tcW, and `nil` borders for a borderless cell).
pub(crate) fn open_cell(width: i32, borderless: bool, out: &mut String) {
    let _ = write!(out, "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>");
    if borderless {
        out.push_str(
            "<w:tcBorders><w:top w:val=\"nil\"/><w:left w:val=\"nil\"/><w:bottom w:val=\"nil\"/><w:right w:val=\"nil\"/></w:tcBorders>",
        );
    }
    out.push_str("</w:tcPr>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn children_order(xml: &str) -> Vec<String> {
        xml.split('<')
            .filter_map(|t| t.strip_prefix("w:"))
            .map(|t| {
                t.split([' ', '/', '>'])
                    .next()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn run_properties_are_written_in_schema_order() {
        let mut s = String::new();
        RunProps {
            style: Some("FootnoteReference"),
            font: "Times New Roman",
            bold: true,
            italic: true,
            caps: true,
            strike: true,
            color: Some("000000"),
            half_points: 28,
            underline: true,
            superscript: true,
        }
        .write(&mut s);
        assert_eq!(
            children_order(&s),
            [
                "rPr",
                "rStyle",
                "rFonts",
                "b",
                "bCs",
                "i",
                "iCs",
                "caps",
                "strike",
                "color",
                "sz",
                "szCs",
                "u",
                "vertAlign"
            ]
        );
    }

    #[test]
    fn paragraph_properties_are_written_in_schema_order() {
        let mut s = String::new();
        let rev = Attribution {
            author: "a".into(),
            date: "2026-01-01T00:00:00Z".into(),
        };
        ParaProps {
            keep_next: true,
            keep_lines: true,
            borders: [None, None, Some(Border { size: 6, space: 0 }), None],
            first_line: 567,
            align: Some(Align::Both),
            mark: Some(Mark {
                track: Track::Ins,
                id: 3,
            }),
            mark_props: Some(RunProps::size_only(2)),
            ..ParaProps::default()
        }
        .write(Some(&rev), &mut s);
        assert_eq!(
            children_order(&s),
            [
                "pPr",
                "keepNext",
                "keepLines",
                "pBdr",
                "bottom",
                "spacing",
                "ind",
                "jc",
                "rPr",
                "ins",
                "sz",
                "szCs"
            ]
        );
    }
}
