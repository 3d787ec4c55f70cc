//! A draft laid out for review in Word ([`crate::Content::ForComment`]):
//! hidden markers that tie every body paragraph to its block, and margin
//! comments with their replies.
//!
//! **Markers.** Each body paragraph written for block `i` sits inside a
//! bookmark named `_dt{i}_{fp}` (`fp`: the first 8 hex characters of the
//! block's fingerprint). Word hides bookmarks whose name starts with an
//! underscore, so a reviewer never sees them, and the name alone tells an
//! importer which block of which version a paragraph came from. A block of
//! several paragraphs (a code block, one paragraph per line) names its
//! second and later paragraphs `_dt{i}_{fp}_p{k}`; a table names every cell
//! paragraph `_dt{i}_{fp}_r{row}c{col}` (row 0 is the header row). Names stay
//! under Word's 40 characters. Spacers around tables carry no marker.
//!
//! **Comments.** A comment's range is a byte range of `block.text()`. The
//! writer follows that text while it writes the block's runs (a cursor
//! advanced by every run, skipping what the layout drops, such as the
//! separator after "Chương I") and cuts a run where a range starts or ends.
//! Where the layout's text and `block.text()` part ways (a footnote
//! reference is one mark in Word, `[^1]` in the text), the cursor still
//! advances by the text's length, so the next ranges stay in place. A range
//! end the cursor never reached goes at the end of the block's last
//! paragraph; a block that writes no paragraph at all (a footnote definition
//! written as a real footnote) gets an empty paragraph carrying its marker
//! and its comments, so no comment is ever lost.
//!
//! Replies are comments of their own over the same range, threaded to their
//! parent in `word/commentsExtended.xml` (`w15:paraIdParent`), as Word 2013
//! and later write them; `done` is the thread's resolved flag, set on the
//! parent's `w15:commentEx`.

use std::fmt::Write as _;
use std::ops::Range;

use super::xml::{DECLARATION, W_NS, push_attr, push_run_text};
use duthao_model::{Block, Draft, Inline, Inlines};

/// A margin comment to write on a block of a [`crate::Content::ForComment`]
/// export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarginComment {
    /// Index of the block in `draft.body.blocks`.
    pub block: usize,
    /// The commented passage: a byte range of `block.text()`; `None` for the
    /// whole block. Clamped to the text and widened to whole characters.
    pub quote: Option<Range<usize>>,
    /// Who wrote it.
    pub author: String,
    /// When, RFC 3339 (`2026-03-05T09:30:00+07:00`); empty for unknown.
    pub date: String,
    /// The comment; a line break starts a new paragraph.
    pub text: String,
    /// The answers, in order.
    pub replies: Vec<MarginReply>,
    /// Whether the thread is resolved.
    pub done: bool,
}

/// An answer to a [`MarginComment`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarginReply {
    /// Who wrote it.
    pub author: String,
    /// When, RFC 3339; empty for unknown.
    pub date: String,
    /// The answer; a line break starts a new paragraph.
    pub text: String,
}

/// Whether bookmark names are the right length for Word (40 at most).
const MAX_BOOKMARK: usize = 40;

/// The marker name of block `index` (see the module notes).
pub fn marker_name(index: usize, block: &Block) -> String {
    let fp = block.fingerprint.to_string();
    format!("_dt{index}_{}", &fp[..fp.len().min(8)])
}

/// Word's w14:paraId of comment `n`'s last paragraph: fixed, so the same
/// input gives the same bytes, and inside 1..0x7FFFFFFF as Word requires.
fn para_id(n: usize) -> String {
    format!("{:08X}", 0x1000_0000 + (n as u32 & 0x0FFF_FFFF))
}

/// Initials for `w:initials`: the first letter of each word of the name.
fn initials(author: &str) -> String {
    author
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .take(8)
        .collect()
}

/// One comment of the comments part (a margin comment or one of its replies).
struct Entry<'c> {
    author: &'c str,
    date: &'c str,
    text: &'c str,
    /// The comment it answers (its index in the part).
    parent: Option<usize>,
    done: bool,
}

/// What the body writer needs for a review export: the anchor points of
/// each block, and the comments parts.
pub(crate) struct Plan<'c> {
    /// For each block, its anchor points (byte offset, XML), by offset.
    pub points: Vec<Vec<(usize, String)>>,
    entries: Vec<Entry<'c>>,
}

impl<'c> Plan<'c> {
    /// Plans `comments` on `draft`; `Err(index)` names a comment whose block
    /// does not exist.
    pub fn new(draft: &Draft, comments: &'c [MarginComment]) -> Result<Plan<'c>, usize> {
        let blocks = &draft.body.blocks;
        let mut points: Vec<Vec<(usize, String)>> = vec![Vec::new(); blocks.len()];
        let mut entries = Vec::new();
        for (ci, c) in comments.iter().enumerate() {
            let Some(block) = blocks.get(c.block) else {
                return Err(ci);
            };
            let text = block.text();
            let range = snap(&text, c.quote.clone());
            let first = entries.len();
            entries.push(Entry {
                author: &c.author,
                date: &c.date,
                text: &c.text,
                parent: None,
                done: c.done,
            });
            for r in &c.replies {
                entries.push(Entry {
                    author: &r.author,
                    date: &r.date,
                    text: &r.text,
                    parent: Some(first),
                    done: c.done,
                });
            }
            // Starts in thread order before the passage, ends and reference
            // marks in thread order after it, as Word writes a thread.
            let ids = first..entries.len();
            let mut start = String::new();
            let mut end = String::new();
            for id in ids {
                let _ = write!(start, "<w:commentRangeStart w:id=\"{id}\"/>");
                let _ = write!(
                    end,
                    "<w:commentRangeEnd w:id=\"{id}\"/><w:r><w:commentReference w:id=\"{id}\"/></w:r>"
                );
            }
            let p = &mut points[c.block];
            p.push((range.start, start));
            p.push((range.end, end));
        }
        // Stable: a start pushed before its own end stays before it at the
        // same offset (an empty range).
        for p in &mut points {
            p.sort_by_key(|(o, _)| *o);
        }
        Ok(Plan { points, entries })
    }

    /// Whether there is any comment (the package then has the comments parts).
    pub fn has_comments(&self) -> bool {
        !self.entries.is_empty()
    }

    /// `word/comments.xml`.
    pub fn comments_xml(&self) -> String {
        let mut s = String::from(DECLARATION);
        let _ = write!(
            s,
            "<w:comments xmlns:w=\"{W_NS}\" xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\" mc:Ignorable=\"w14\">"
        );
        for (id, e) in self.entries.iter().enumerate() {
            let _ = write!(s, "<w:comment w:id=\"{id}\" w:author=\"");
            push_attr(&mut s, e.author);
            s.push('"');
            if !e.date.trim().is_empty() {
                s.push_str(" w:date=\"");
                push_attr(&mut s, e.date.trim());
                s.push('"');
            }
            s.push_str(" w:initials=\"");
            push_attr(&mut s, &initials(e.author));
            s.push_str("\">");
            let lines: Vec<&str> = e.text.split('\n').collect();
            for (k, line) in lines.iter().enumerate() {
                // The paragraph id goes on the last paragraph: that is the
                // one commentsExtended refers to.
                if k + 1 == lines.len() {
                    let _ = write!(s, "<w:p w14:paraId=\"{}\">", para_id(id));
                } else {
                    s.push_str("<w:p>");
                }
                if k == 0 {
                    s.push_str("<w:r><w:annotationRef/></w:r>");
                }
                let line = line.strip_suffix('\r').unwrap_or(line);
                if !line.is_empty() {
                    s.push_str("<w:r>");
                    push_run_text(&mut s, line, false);
                    s.push_str("</w:r>");
                }
                s.push_str("</w:p>");
            }
            s.push_str("</w:comment>");
        }
        s.push_str("</w:comments>");
        s
    }

    /// `word/commentsExtended.xml`: threads and resolved flags.
    pub fn comments_extended_xml(&self) -> String {
        let mut s = String::from(DECLARATION);
        s.push_str("<w15:commentsEx xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" xmlns:w15=\"http://schemas.microsoft.com/office/word/2012/wordml\" mc:Ignorable=\"w15\">");
        for (id, e) in self.entries.iter().enumerate() {
            let _ = write!(s, "<w15:commentEx w15:paraId=\"{}\"", para_id(id));
            if let Some(p) = e.parent {
                let _ = write!(s, " w15:paraIdParent=\"{}\"", para_id(p));
            }
            let _ = write!(s, " w15:done=\"{}\"/>", u8::from(e.done));
        }
        s.push_str("</w15:commentsEx>");
        s
    }
}

/// The range a quote covers in `text`: the whole text for `None`, else
/// clamped to it and widened to character boundaries.
fn snap(text: &str, quote: Option<Range<usize>>) -> Range<usize> {
    let Some(q) = quote else {
        return 0..text.len();
    };
    let mut start = q.start.min(text.len());
    let mut end = q.end.min(text.len()).max(start);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// The comments parts of a review export.
pub(crate) struct CommentParts {
    /// `word/comments.xml`.
    pub comments: String,
    /// `word/commentsExtended.xml`.
    pub extended: String,
}

/// The review state of a writer laying out a [`crate::Content::ForComment`]
/// export.
#[derive(Default)]
pub(crate) struct Review {
    /// The next bookmark id.
    next_bookmark: u32,
    /// The block being written, when it is a body block.
    pub block: Option<Anchor>,
    /// The comments parts, once planned (taken when the package is written).
    pub parts: Option<CommentParts>,
    /// Where, in the part's buffer, the last marked paragraph of the current
    /// block ends (before its bookmark end): anchor points the cursor never
    /// reached go there.
    pub last_close: Option<usize>,
}

impl Review {
    /// The next bookmark id.
    pub fn bookmark_id(&mut self) -> u32 {
        let id = self.next_bookmark;
        self.next_bookmark += 1;
        id
    }
}

/// A body block being written for review: its marker and the cursor that
/// follows `block.text()` through its runs.
pub(crate) struct Anchor {
    base: String,
    /// Byte offset in the block's text of the next character written.
    pub pos: usize,
    points: Vec<(usize, String)>,
    next: usize,
    /// Paragraphs written so far for the block.
    paragraphs: usize,
    /// The table cell being written (row, column), in a table block.
    pub cell: Option<(usize, usize)>,
}

impl Anchor {
    pub fn new(base: String, points: Vec<(usize, String)>) -> Anchor {
        Anchor {
            base,
            pos: 0,
            points,
            next: 0,
            paragraphs: 0,
            cell: None,
        }
    }

    /// Writes the anchor points at or before the cursor.
    pub fn due(&mut self, out: &mut String) {
        while let Some((o, xml)) = self.points.get(self.next) {
            if *o > self.pos {
                break;
            }
            out.push_str(xml);
            self.next += 1;
        }
    }

    /// How much of `rest` (text starting at the cursor) may go in one run:
    /// up to the next anchor point. Writes the points due first.
    pub fn cut(&mut self, out: &mut String, rest: &str) -> usize {
        self.due(out);
        match self.points.get(self.next) {
            Some((o, _)) if *o < self.pos + rest.len() => {
                let mut c = o - self.pos;
                while !rest.is_char_boundary(c) {
                    c += 1;
                }
                c
            }
            _ => rest.len(),
        }
    }

    /// The marker name of the next paragraph of the block.
    pub fn paragraph_name(&mut self) -> String {
        let k = self.paragraphs;
        self.paragraphs += 1;
        let name = match self.cell {
            Some((r, c)) => format!("{}_r{r}c{c}", self.base),
            None if k == 0 => self.base.clone(),
            None => format!("{}_p{k}", self.base),
        };
        debug_assert!(name.len() <= MAX_BOOKMARK);
        name
    }

    /// The XML of the points the cursor never reached.
    pub fn rest(&mut self) -> String {
        let mut s = String::new();
        for (_, xml) in &self.points[self.next..] {
            s.push_str(xml);
        }
        self.next = self.points.len();
        s
    }

    /// The block's marker name.
    pub fn base(&self) -> &str {
        &self.base
    }
}

/// The byte offset in `Table` block text of each cell's text, row by row
/// (row 0 the header), as [`duthao_model::BlockKind::text`] lays it out.
pub(crate) fn cell_offsets(rows: &[&[Inlines]]) -> Vec<Vec<usize>> {
    let mut pos = 0;
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        pos += if i == 0 { 2 } else { 3 };
        let mut offs = Vec::with_capacity(row.len());
        for (j, cell) in row.iter().enumerate() {
            if j > 0 {
                pos += 3;
            }
            offs.push(pos);
            pos += cell
                .iter()
                .map(|i| match i {
                    Inline::Text(r) => r.text.len(),
                    Inline::FootnoteRef { label } => label.len() + 3,
                    Inline::LineBreak => 1,
                })
                .sum::<usize>();
        }
        pos += 2;
        out.push(offs);
    }
    out
}
