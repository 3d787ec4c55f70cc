//! The state one document is written with, and the run-level pieces every
//! other part builds on: looks, runs (plain or tracked), line breaks,
//! hyperlinks and footnote references.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::comments::{Anchor, Review};
use super::props::{Attribution, LineRule, Mark, ParaProps, RunProps, Track};
use super::xml::{is_safe_link, push_attr, push_run_text};
use duthao_diff::FieldChange;
use duthao_model::{Draft, FrontMatter, Inline, Style};
use duthao_profile::layout::{Case, Layout, TextStyle};

pub(crate) const TWIPS_PER_MM: f32 = 1440.0 / 25.4;

pub(crate) fn mm(v: f32) -> i32 {
    (v * TWIPS_PER_MM).round() as i32
}

pub(crate) fn half_points(pt: f32) -> u32 {
    (pt * 2.0).round().max(0.0) as u32
}

pub(crate) fn twips_pt(pt: f32) -> u32 {
    (pt * 20.0).round().max(0.0) as u32
}

/// Applies a style's case rule to a text taken from the front matter.
pub(crate) fn cased(text: &str, style: &TextStyle) -> String {
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
pub(crate) struct Look<'a> {
    pub size_pt: f32,
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
    pub caps: bool,
    pub font: &'a str,
}

/// A paragraph being built: its properties and its runs so far.
pub(crate) struct Para<'a> {
    pub props: ParaProps<'a>,
    pub runs: String,
}

/// A footnote reference written in the document, to be written as a note in
/// the footnotes part (`content` is `None` for a label with no definition).
pub(crate) struct Note<'a> {
    pub label: String,
    pub content: Option<&'a [Inline]>,
}

/// The external hyperlink targets of one part, each with its relationship id.
#[derive(Default)]
pub(crate) struct Links {
    pub urls: Vec<String>,
    index: HashMap<String, usize>,
}

/// Relationship ids of hyperlinks start here; the fixed parts take the ids below.
pub(crate) const FIRST_LINK_RID: usize = 100;

impl Links {
    fn rid(&mut self, url: &str) -> String {
        let n = match self.index.get(url) {
            Some(&n) => n,
            None => {
                self.urls.push(url.to_string());
                self.index.insert(url.to_string(), self.urls.len() - 1);
                self.urls.len() - 1
            }
        };
        format!("rId{}", FIRST_LINK_RID + n)
    }
}

pub(crate) struct Writer<'a> {
    pub layout: &'a Layout,
    /// Width between the margins, in twips.
    pub text_width: i32,
    /// Set for a tracked-changes document: who made the changes, and when.
    pub rev: Option<Attribution>,
    /// The FROM front matter of a tracked-changes document (what it had:
    /// a signer, recipients).
    pub old_front: Option<&'a FrontMatter>,
    /// The front-matter fields that changed, as the diff decided (a
    /// tracked-changes document only).
    pub front_changes: &'a [FieldChange],
    /// The next id of a revision or move range (one sequence, in document order).
    next_id: u32,
    /// Space after the last body block, so a table gets at least
    /// `TABLE_GAP_TWIPS` above it without doubling a paragraph's own space.
    pub space_after_last: u32,
    /// Footnote definitions by label, so a reference can carry its text.
    footnote_defs: HashMap<&'a str, &'a [Inline]>,
    /// Footnote references written so far, in order: note `i` has id `i + 1`.
    pub notes: Vec<Note<'a>>,
    /// Hyperlinks of the part being written.
    pub links: Links,
    /// Inside a footnote: references there are plain text (Word has no
    /// footnotes in footnotes, and a note that cites itself must not recurse).
    pub in_note: bool,
    /// The package has a footnotes part (set before the body is written):
    /// without one, a reference stays text, as it does inside a note.
    pub has_notes_part: bool,
    /// The body block being written is the last one before the signature
    /// block: its paragraphs keep with the next, so the signature block never
    /// stands alone on the last page.
    pub keep_with_closing: bool,
    /// The page is turned: landscape, its width the layout's height.
    pub landscape: bool,
    /// Set for a review export: markers and comment anchors (`comments`).
    pub review: Option<Review>,
}

impl<'a> Writer<'a> {
    pub fn new(layout: &'a Layout) -> Self {
        let p = &layout.page;
        Writer {
            layout,
            text_width: mm(p.width_mm - p.margin_left_mm - p.margin_right_mm),
            rev: None,
            old_front: None,
            front_changes: &[],
            next_id: 1,
            space_after_last: 0,
            footnote_defs: HashMap::new(),
            notes: Vec::new(),
            links: Links::default(),
            in_note: false,
            has_notes_part: false,
            keep_with_closing: false,
            landscape: false,
            review: None,
        }
    }

    /// A writer for landscape pages: the layout's page turned, its
    /// margins kept on the same sides.
    pub fn landscape(layout: &'a Layout) -> Self {
        let p = &layout.page;
        Writer {
            text_width: mm(p.height_mm - p.margin_left_mm - p.margin_right_mm),
            landscape: true,
            ..Writer::new(layout)
        }
    }

    pub fn next_id(&mut self) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// A revision mark for a paragraph mark or table row, when this is a
    /// tracked document and `t` is a change.
    pub fn mark(&mut self, t: Track) -> Option<Mark> {
        (t != Track::Keep && self.rev.is_some()).then(|| Mark {
            track: t,
            id: self.next_id(),
        })
    }

    /// Registers the footnote definitions of a draft; returns the labels its
    /// text refers to that have a definition (those notes are written at their
    /// references, not where they are defined).
    pub fn collect_footnotes(&mut self, draft: &'a Draft) -> std::collections::HashSet<String> {
        let mut referenced = std::collections::HashSet::new();
        for b in &draft.body.blocks {
            if let duthao_model::BlockKind::FootnoteDef { label, content } = &b.kind {
                self.footnote_defs.insert(&**label, &**content);
            }
        }
        for b in &draft.body.blocks {
            if matches!(b.kind, duthao_model::BlockKind::FootnoteDef { .. }) {
                continue;
            }
            b.kind.inline_lists(&mut |list| {
                for i in list {
                    if let Inline::FootnoteRef { label } = i
                        && self.footnote_defs.contains_key(&**label)
                    {
                        referenced.insert(label.to_string());
                    }
                }
            });
        }
        referenced
    }

    pub fn look(&self, s: &TextStyle) -> Look<'a> {
        Look {
            size_pt: s.size_pt,
            bold: s.bold,
            italic: s.italic,
            underline: s.underline,
            caps: s.caps,
            font: &self.layout.font.family,
        }
    }

    pub fn run_props(&self, look: &Look<'a>, style: Style) -> RunProps<'a> {
        let (font, size) = if style.code {
            (self.layout.code.family.as_str(), self.layout.code.size_pt)
        } else {
            (look.font, look.size_pt)
        };
        RunProps {
            style: None,
            font,
            bold: look.bold || style.bold,
            italic: look.italic || style.italic,
            caps: look.caps,
            strike: style.strike,
            color: Some(self.layout.font.color.as_str()),
            half_points: half_points(size),
            underline: look.underline,
            superscript: style.superscript,
        }
    }

    /// An empty paragraph with the spacing, alignment and indent of `s`.
    pub fn para(&self, s: &TextStyle) -> Para<'a> {
        let line = match s.line_spacing {
            Some(m) => (240.0 * m).round() as u32,
            None => 240,
        };
        Para {
            props: ParaProps {
                before: twips_pt(s.space_before_pt),
                after: twips_pt(s.space_after_pt),
                line,
                line_rule: LineRule::Auto,
                first_line: if s.first_line_indent_mm > 0.0 {
                    mm(s.first_line_indent_mm)
                } else {
                    0
                },
                align: Some(s.align),
                keep_next: self.keep_with_closing,
                ..ParaProps::default()
            },
            runs: String::new(),
        }
    }

    /// The body block being written for review, if any.
    pub fn anchor(&mut self) -> Option<&mut Anchor> {
        self.review.as_mut().and_then(|r| r.block.as_mut())
    }

    /// Writes a finished paragraph. In a review export, a paragraph of a
    /// body block is wrapped in the block's hidden marker, and the comment
    /// anchors due at its end are written before the marker closes.
    pub fn finish(&mut self, p: Para<'a>, out: &mut String) {
        out.push_str("<w:p>");
        p.props.write(self.rev.as_ref(), out);
        let marker = self.review.as_mut().and_then(|r| {
            let name = r.block.as_mut()?.paragraph_name();
            Some((r.bookmark_id(), name))
        });
        if let Some((id, name)) = &marker {
            let _ = write!(out, "<w:bookmarkStart w:id=\"{id}\" w:name=\"");
            push_attr(out, name);
            out.push_str("\"/>");
        }
        out.push_str(&p.runs);
        if let Some((id, _)) = marker
            && let Some(r) = self.review.as_mut()
        {
            if let Some(a) = r.block.as_mut() {
                a.due(out);
            }
            r.last_close = Some(out.len());
            let _ = write!(out, "<w:bookmarkEnd w:id=\"{id}\"/>");
        }
        out.push_str("</w:p>");
    }

    /// Writes `f`'s output outside the block's text: what the layout adds
    /// (a line break after "Chương I", " | " between joined cells) does not
    /// move the review cursor.
    pub fn unanchored<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        let saved = self.review.as_mut().and_then(|r| r.block.take());
        let r = f(self);
        if let Some(rev) = self.review.as_mut() {
            rev.block = saved;
        }
        r
    }

    /// Moves the review cursor over `n` bytes of the block's text the layout
    /// does not show.
    pub fn skip_text(&mut self, n: usize) {
        if let Some(a) = self.anchor() {
            a.pos += n;
        }
    }

    /// A one-line paragraph of front-matter text in style `s`; line breaks in
    /// `text` stay inside the one paragraph.
    pub fn line(&mut self, text: &str, s: &TextStyle, out: &mut String) {
        let look = self.look(s);
        let mut p = self.para(s);
        self.text(
            &mut p.runs,
            &cased(text, s),
            &look,
            Style::default(),
            Track::Keep,
        );
        self.finish(p, out);
    }

    /// Opens a tracked-change wrapper around runs (nothing for `Keep`, or in
    /// a document that does not track changes); returns its closing tag.
    pub fn open_change(&mut self, out: &mut String, t: Track) -> &'static str {
        let tag = match (t, self.rev.is_some()) {
            (Track::Ins, true) => "w:ins",
            (Track::Del, true) => "w:del",
            _ => return "",
        };
        let id = self.next_id();
        let rev = self
            .rev
            .as_ref()
            .map(|r| (r.author.as_str(), r.date.as_str()));
        let (author, date) = rev.unwrap_or_default();
        let _ = write!(out, "<{tag} w:id=\"{id}\" w:author=\"");
        push_attr(out, author);
        out.push_str("\" w:date=\"");
        push_attr(out, date);
        out.push_str("\">");
        if tag == "w:ins" {
            "</w:ins>"
        } else {
            "</w:del>"
        }
    }

    /// One run of `text` (line breaks and tabs inside it), tracked as `t`.
    pub fn text(&mut self, out: &mut String, text: &str, look: &Look<'a>, style: Style, t: Track) {
        if text.is_empty() {
            return;
        }
        // In a review export the run is cut where a comment range starts
        // or ends (a single piece otherwise).
        let mut rest = text;
        while !rest.is_empty() {
            let cut = match self.anchor() {
                Some(a) => a.cut(out, rest),
                None => rest.len(),
            };
            let (piece, tail) = rest.split_at(cut);
            let close = self.open_change(out, t);
            self.plain_run(
                out,
                piece,
                &self.run_props(look, style),
                t == Track::Del && !close.is_empty(),
            );
            out.push_str(close);
            if let Some(a) = self.anchor() {
                a.pos += cut;
            }
            rest = tail;
        }
    }

    /// `<w:r>` with properties and text, untracked.
    pub fn plain_run(&self, out: &mut String, text: &str, props: &RunProps<'_>, deleted: bool) {
        out.push_str("<w:r>");
        props.write(out);
        push_run_text(out, text, deleted);
        out.push_str("</w:r>");
    }

    /// The runs of inline content: emphasis, line breaks, links (web and
    /// mail only, and not inside a tracked change, where Word allows no
    /// hyperlink), and footnote references.
    pub fn inline(&mut self, out: &mut String, content: &[Inline], look: &Look<'a>, t: Track) {
        for i in content {
            match i {
                Inline::Text(r) => match &r.link {
                    Some(url) if t == Track::Keep && is_safe_link(url) => {
                        self.hyperlink(out, url, &r.text, look, r.style)
                    }
                    _ => self.text(out, &r.text, look, r.style, t),
                },
                Inline::LineBreak => self.text(out, "\n", look, Style::default(), t),
                Inline::FootnoteRef { label } => self.footnote_ref(out, label, look, t),
            }
        }
    }

    fn hyperlink(
        &mut self,
        out: &mut String,
        url: &str,
        text: &str,
        look: &Look<'a>,
        style: Style,
    ) {
        let rid = self.links.rid(url.trim());
        let _ = write!(out, "<w:hyperlink r:id=\"{rid}\" w:history=\"1\">");
        let mut props = self.run_props(look, style);
        props.underline = true;
        props.color = Some("0563C1");
        let mut rest = text;
        while !rest.is_empty() {
            let cut = match self.anchor() {
                Some(a) => a.cut(out, rest),
                None => rest.len(),
            };
            let (piece, tail) = rest.split_at(cut);
            self.plain_run(out, piece, &props, false);
            if let Some(a) = self.anchor() {
                a.pos += cut;
            }
            rest = tail;
        }
        out.push_str("</w:hyperlink>");
    }

    /// A footnote reference: a real Word footnote, numbered in document
    /// order, whose text is written later in the footnotes part. Inside a
    /// footnote, for a label with no definition, or in a package without a
    /// footnotes part (the body cites no note, and this reference stands in
    /// a definition that nothing cites, shown in the body), the reference
    /// stays text.
    pub fn footnote_ref(&mut self, out: &mut String, label: &str, look: &Look<'a>, t: Track) {
        let content = self.footnote_defs.get(label).copied();
        if self.in_note || content.is_none() || !self.has_notes_part {
            let style = Style {
                superscript: self.in_note,
                ..Style::default()
            };
            let text = if self.in_note {
                label.to_string()
            } else {
                format!("[^{label}]")
            };
            self.text(out, &text, look, style, t);
            return;
        }
        // The reference is one mark in Word and "[^label]" in the block's text.
        if let Some(a) = self.anchor() {
            a.due(out);
            a.pos += label.len() + 3;
        }
        self.notes.push(Note {
            label: label.to_string(),
            content,
        });
        let id = self.notes.len();
        let close = self.open_change(out, t);
        out.push_str("<w:r>");
        RunProps {
            style: Some("FootnoteReference"),
            superscript: true,
            ..self.run_props(look, Style::default())
        }
        .write(out);
        let _ = write!(out, "<w:footnoteReference w:id=\"{id}\"/></w:r>");
        out.push_str(close);
    }
}
