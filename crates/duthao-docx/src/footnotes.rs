//! The footnotes part: the two separator notes Word expects, then one real
//! Word footnote per reference in the text, numbered in document order.

use std::fmt::Write as _;

use super::page::{open_part, separator_note};
use super::props::{ParaProps, RunProps, Track};
use super::writer::{Links, Look, Writer, twips_pt};
use duthao_model::Style;
use duthao_profile::layout::Align;

impl<'a> Writer<'a> {
    /// Writes `footnotes.xml` for the references written so far, calling
    /// `flush` whenever a good piece is ready (a draft may hold thousands of
    /// notes). Returns the hyperlinks the notes hold: their relationships
    /// belong to the footnotes part.
    pub fn footnotes(
        &mut self,
        mut flush: impl FnMut(&str) -> std::io::Result<()>,
    ) -> std::io::Result<Links> {
        let mut out = open_part("footnotes");
        separator_note(-1, "separator", "<w:separator/>", &mut out);
        separator_note(
            0,
            "continuationSeparator",
            "<w:continuationSeparator/>",
            &mut out,
        );
        let body_links = std::mem::take(&mut self.links);
        let notes = std::mem::take(&mut self.notes);
        let size = self.layout.footnote.size_pt;
        let look = Look {
            size_pt: size,
            bold: false,
            italic: false,
            underline: false,
            caps: false,
            font: &self.layout.font.family,
        };
        self.in_note = true;
        for (i, note) in notes.iter().enumerate() {
            let _ = write!(out, "<w:footnote w:id=\"{}\"><w:p>", i + 1);
            ParaProps {
                align: Some(Align::Both),
                after: twips_pt(0.0),
                ..ParaProps::default()
            }
            .write(None, &mut out);
            out.push_str("<w:r>");
            RunProps {
                style: Some("FootnoteReference"),
                superscript: true,
                ..self.run_props(&look, Style::default())
            }
            .write(&mut out);
            out.push_str("<w:footnoteRef/></w:r>");
            self.text(&mut out, " ", &look, Style::default(), Track::Keep);
            match note.content {
                Some(content) => self.inline(&mut out, content, &look, Track::Keep),
                None => self.text(
                    &mut out,
                    &format!("[^{}]", note.label),
                    &look,
                    Style::default(),
                    Track::Keep,
                ),
            }
            out.push_str("</w:p></w:footnote>");
            if out.len() > 1 << 16 {
                flush(&out)?;
                out.clear();
            }
        }
        self.in_note = false;
        out.push_str("</w:footnotes>");
        flush(&out)?;
        self.notes = notes;
        Ok(std::mem::replace(&mut self.links, body_links))
    }
}
