//! The page: section properties (A4, margins, a different first page), the
//! page-number header from page 2, and the parts every document carries
//! (styles, settings, font table).

use std::fmt::Write as _;

use super::props::{ParaProps, RunProps, align_name};
use super::writer::{Writer, half_points, mm};
use super::xml::{DECLARATION, R_NS, W_NS, push_attr};

/// Relationship ids of the parts the main document always links.
pub(crate) const RID_STYLES: &str = "rId1";
pub(crate) const RID_SETTINGS: &str = "rId2";
pub(crate) const RID_FONTS: &str = "rId3";
pub(crate) const RID_HEADER: &str = "rId4";
pub(crate) const RID_FIRST_HEADER: &str = "rId5";
pub(crate) const RID_FOOTNOTES: &str = "rId6";
pub(crate) const RID_COMMENTS: &str = "rId7";
pub(crate) const RID_COMMENTS_EXTENDED: &str = "rId8";

/// The opening of a WordprocessingML part with the two namespaces it uses.
pub(crate) fn open_part(root: &str) -> String {
    format!("{DECLARATION}<w:{root} xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\">")
}

impl Writer<'_> {
    /// Whether page 1 has its own, empty header (numbers start on page 2).
    pub fn first_page_differs(&self) -> bool {
        self.layout.page_number.from_page >= 2
    }

    /// `w:sectPr`: header references, page size (turned for a landscape
    /// page), margins, columns, titlePg.
    pub fn section(&self, out: &mut String) {
        let p = &self.layout.page;
        out.push_str("<w:sectPr>");
        let _ = write!(
            out,
            "<w:headerReference w:type=\"default\" r:id=\"{RID_HEADER}\"/>"
        );
        if self.first_page_differs() {
            let _ = write!(
                out,
                "<w:headerReference w:type=\"first\" r:id=\"{RID_FIRST_HEADER}\"/>"
            );
        }
        let (w, h) = if self.landscape {
            (p.height_mm, p.width_mm)
        } else {
            (p.width_mm, p.height_mm)
        };
        let _ = write!(
            out,
            "<w:pgSz w:w=\"{}\" w:h=\"{}\"{}/><w:pgMar w:top=\"{}\" w:right=\"{}\" w:bottom=\"{}\" w:left=\"{}\" w:header=\"{}\" w:footer=\"{}\" w:gutter=\"0\"/><w:cols w:space=\"425\"/>",
            mm(w),
            mm(h),
            if self.landscape {
                " w:orient=\"landscape\""
            } else {
                ""
            },
            mm(p.margin_top_mm),
            mm(p.margin_right_mm),
            mm(p.margin_bottom_mm),
            mm(p.margin_left_mm),
            mm(p.header_mm),
            mm(p.footer_mm),
        );
        if self.first_page_differs() {
            out.push_str("<w:titlePg/>");
        }
        out.push_str("</w:sectPr>");
    }

    /// The header with the page number (a PAGE field), centred in the top margin.
    pub fn page_number_header(&self) -> String {
        let pn = &self.layout.page_number;
        let style = duthao_profile::layout::TextStyle {
            size_pt: pn.size_pt,
            align: pn.align,
            ..self.layout.body.clone()
        };
        let look = self.look(&style);
        let props = self.run_props(&look, duthao_model::Style::default());
        let mut rpr = String::new();
        props.write(&mut rpr);
        let mut s = open_part("hdr");
        let _ = write!(
            s,
            "<w:p><w:pPr><w:jc w:val=\"{}\"/></w:pPr>",
            align_name(pn.align)
        );
        for inner in [
            "<w:fldChar w:fldCharType=\"begin\"/>",
            "<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>",
            "<w:fldChar w:fldCharType=\"separate\"/>",
            "<w:t>2</w:t>",
            "<w:fldChar w:fldCharType=\"end\"/>",
        ] {
            let _ = write!(s, "<w:r>{rpr}{inner}</w:r>");
        }
        s.push_str("</w:p></w:hdr>");
        s
    }

    /// The empty header of page 1.
    pub fn empty_header(&self) -> String {
        let mut s = open_part("hdr");
        s.push_str("<w:p/></w:hdr>");
        s
    }

    /// `styles.xml`: the document defaults (font and size of the body) and
    /// the two styles the document uses.
    pub fn styles(&self) -> String {
        let l = self.layout;
        let mut s = open_part("styles");
        s.push_str("<w:docDefaults><w:rPrDefault>");
        RunProps {
            style: None,
            font: &l.font.family,
            bold: false,
            italic: false,
            caps: false,
            strike: false,
            color: None,
            half_points: half_points(l.body.size_pt),
            underline: false,
            superscript: false,
        }
        .write(&mut s);
        s.push_str("</w:rPrDefault><w:pPrDefault><w:pPr/></w:pPrDefault></w:docDefaults>");
        s.push_str(
            "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>",
        );
        // LibreOffice draws the number in the footnote area in this style and
        // ignores the run's own superscript: without it the note would read
        // "1 Theo …" on the baseline.
        s.push_str(
            "<w:style w:type=\"character\" w:styleId=\"FootnoteReference\"><w:name w:val=\"footnote reference\"/><w:uiPriority w:val=\"99\"/><w:rPr><w:vertAlign w:val=\"superscript\"/></w:rPr></w:style>",
        );
        s.push_str("</w:styles>");
        s
    }

    /// `settings.xml`: zoom, tab stops, compatibility. (Word also lists the
    /// separator notes here; it finds them without, by their type.)
    pub fn settings(&self) -> String {
        let mut s = open_part("settings");
        s.push_str("<w:zoom w:percent=\"100\"/><w:defaultTabStop w:val=\"720\"/><w:characterSpacingControl w:val=\"doNotCompress\"/>");
        s.push_str("<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>");
        s.push_str("</w:settings>");
        s
    }

    /// `fontTable.xml`: the body font and the code font.
    pub fn font_table(&self) -> String {
        let l = self.layout;
        let mut s = open_part("fonts");
        let mut fonts: Vec<(&str, &str)> = vec![(l.font.family.as_str(), "roman")];
        if l.code.family != l.font.family {
            fonts.push((l.code.family.as_str(), "modern"));
        }
        for (name, family) in fonts {
            s.push_str("<w:font w:name=\"");
            push_attr(&mut s, name);
            let _ = write!(
                s,
                "\"><w:charset w:val=\"00\"/><w:family w:val=\"{family}\"/><w:pitch w:val=\"variable\"/></w:font>"
            );
        }
        s.push_str("</w:fonts>");
        s
    }
}

/// A paragraph of the separator notes every footnotes part starts with.
pub(crate) fn separator_note(id: i32, kind: &str, inner: &str, out: &mut String) {
    let _ = write!(out, "<w:footnote w:type=\"{kind}\" w:id=\"{id}\"><w:p>");
    ParaProps::default().write(None, out);
    let _ = write!(out, "<w:r>{inner}</w:r></w:p></w:footnote>");
}
