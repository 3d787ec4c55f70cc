//! Markdown body → blocks with line ranges. Structural paths and fingerprints
//! are added afterwards by `structure`.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::label::starts_item;
use crate::{BlockKind, Fingerprint, Inline, Inlines, ListMarker, Run, Style};

/// A block as parsed, before it gets its place in the structure.
pub struct RawBlock {
    pub kind: BlockKind,
    /// Byte range in the body text.
    pub span: Range<usize>,
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// An inline piece while its run may still grow: a text run is a range of
/// the sink's buffer.
enum Growing {
    Text(Range<usize>, Style, Option<Box<str>>),
    Other(Inline),
}

/// Collects inline events into runs, merging neighbours of equal style.
///
/// The runs' text grows in one buffer kept from block to block, and each
/// finished run is copied out once at its length: a run built in a `String`
/// of its own was reallocated as it grew and again when boxed, and those
/// reallocations were a twentieth of reading a long draft.
#[derive(Default)]
struct InlineSink {
    out: Vec<Growing>,
    /// The text of the runs in `out`; the last text run always ends at its end.
    buf: String,
    bold: u32,
    italic: u32,
    strike: u32,
    links: Vec<Box<str>>,
    /// Byte range of the inline content seen so far.
    span: Option<Range<usize>>,
}

impl InlineSink {
    fn style(&self) -> Style {
        Style {
            bold: self.bold > 0,
            italic: self.italic > 0,
            strike: self.strike > 0,
            ..Style::default()
        }
    }

    fn touch(&mut self, r: &Range<usize>) {
        match &mut self.span {
            Some(s) => {
                s.start = s.start.min(r.start);
                s.end = s.end.max(r.end);
            }
            None => self.span = Some(r.clone()),
        }
    }

    fn text(&mut self, t: &str, code: bool) {
        let style = Style {
            code,
            ..self.style()
        };
        let link = self.links.last();
        let start = self.buf.len();
        self.buf.push_str(t);
        if let Some(Growing::Text(range, s, l)) = self.out.last_mut()
            && *s == style
            && l.as_ref() == link
        {
            range.end = self.buf.len();
            return;
        }
        let link = link.cloned();
        self.out
            .push(Growing::Text(start..self.buf.len(), style, link));
    }

    /// Handles an inline event; returns false if the event is not inline.
    fn event(&mut self, ev: &Event<'_>, r: &Range<usize>) -> bool {
        match ev {
            Event::Text(t) => self.text(t, false),
            Event::Code(t) => self.text(t, true),
            Event::InlineHtml(t) | Event::Html(t) => self.text(t, false),
            Event::SoftBreak => self.text(" ", false),
            Event::HardBreak => self.out.push(Growing::Other(Inline::LineBreak)),
            Event::FootnoteReference(l) => self.out.push(Growing::Other(Inline::FootnoteRef {
                label: l.as_ref().into(),
            })),
            Event::Start(Tag::Emphasis) => self.italic += 1,
            Event::End(TagEnd::Emphasis) => self.italic = self.italic.saturating_sub(1),
            Event::Start(Tag::Strong) => self.bold += 1,
            Event::End(TagEnd::Strong) => self.bold = self.bold.saturating_sub(1),
            Event::Start(Tag::Strikethrough) => self.strike += 1,
            Event::End(TagEnd::Strikethrough) => self.strike = self.strike.saturating_sub(1),
            Event::Start(Tag::Link { dest_url, .. }) => self.links.push(dest_url.as_ref().into()),
            Event::End(TagEnd::Link) => {
                self.links.pop();
            }
            // An image in an official text is kept as its description.
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => {}
            _ => return false,
        }
        self.touch(r);
        true
    }

    /// A line break that separates the paragraphs of one footnote.
    fn line_break(&mut self) {
        self.out.push(Growing::Other(Inline::LineBreak));
    }

    /// A line break, unless nothing or a line break comes before it; the
    /// line it ends loses its trailing spaces.
    fn new_line(&mut self) {
        if let Some(Growing::Text(range, ..)) = self.out.last_mut() {
            range.end = range.start + self.buf[range.clone()].trim_end_matches(' ').len();
            self.buf.truncate(range.end);
            if range.start == range.end {
                self.out.pop();
            }
        }
        if !self.at_line_start() {
            self.line_break();
        }
    }

    fn at_line_start(&self) -> bool {
        matches!(
            self.out.last(),
            None | Some(Growing::Other(Inline::LineBreak))
        )
    }

    /// The finished inlines, the sink emptied for the next block. Leading
    /// and trailing spaces carry no meaning in a block, and the model of a
    /// long draft lives until the process ends, so every text and the list
    /// are allocated at their length.
    fn take(&mut self) -> (Inlines, Option<Range<usize>>) {
        let buf = &self.buf;
        if let Some(Growing::Text(range, ..)) = self.out.first_mut() {
            range.start = range.end - buf[range.clone()].trim_start().len();
        }
        if let Some(Growing::Text(range, ..)) = self.out.last_mut() {
            range.end = range.start + buf[range.clone()].trim_end().len();
        }
        let kept = |g: &Growing| !matches!(g, Growing::Text(range, ..) if range.is_empty());
        let mut inlines = Vec::with_capacity(self.out.iter().filter(|g| kept(g)).count());
        for g in self.out.drain(..) {
            match g {
                Growing::Text(range, _, _) if range.is_empty() => {}
                Growing::Text(range, style, link) => inlines.push(Inline::Text(Run {
                    text: Box::from(&buf[range]),
                    style,
                    link,
                })),
                Growing::Other(i) => inlines.push(i),
            }
        }
        self.buf.clear();
        (inlines.into_boxed_slice(), self.span.take())
    }
}

/// Parses text known to be the content of one paragraph, without letting a
/// leading "1." or "-" turn it into a list: the drafter's marker is text.
fn parse_inlines(segment: &str) -> Inlines {
    let escaped = escape_leading_marker(segment);
    let mut sink = InlineSink::default();
    for (ev, r) in Parser::new_ext(&escaped, options()).into_offset_iter() {
        sink.event(&ev, &r);
    }
    sink.take().0
}

fn escape_leading_marker(s: &str) -> String {
    let t = s.trim_start();
    let digits = t.bytes().take_while(|b| b.is_ascii_digit()).count();
    let at = if digits > 0 && matches!(t.as_bytes().get(digits), Some(b'.' | b')')) {
        Some(digits)
    } else if matches!(t.as_bytes().first(), Some(b'-' | b'+' | b'*' | b'#' | b'>')) {
        Some(0)
    } else {
        None
    };
    match at {
        Some(i) => format!("{}\\{}", &t[..i], &t[i..]),
        None => t.to_string(),
    }
}

/// Splits a paragraph's source at lines that start a new item ("b) …" right
/// under "a) …"). Returns byte ranges relative to `src`, or None if it is one block.
fn split_items(src: &str) -> Option<Vec<Range<usize>>> {
    let mut cuts = vec![0];
    // Lines found with memchr: a long draft's every paragraph passes here.
    let b = src.as_bytes();
    let mut ends = memchr::memchr_iter(b'\n', b).map(|i| i + 1);
    let mut pos = ends.next().unwrap_or(b.len());
    while pos < b.len() {
        let end = ends.next().unwrap_or(b.len());
        if starts_item(&src[pos..end]) {
            cuts.push(pos);
        }
        pos = end;
    }
    if cuts.len() == 1 {
        return None;
    }
    cuts.push(src.len());
    Some(cuts.windows(2).map(|w| w[0]..w[1]).collect())
}

/// A table being read: its start, header cells, body rows, the current row.
type Cells = Vec<Inlines>;
type TableAcc = (usize, Cells, Vec<Cells>, Cells);

struct ListCtx {
    depth: u8,
}

struct ItemCtx {
    marker: ListMarker,
    depth: u8,
    start: usize,
    emitted: bool,
}

enum Container {
    None,
    Quote,
    Footnote(String, usize),
}

/// Parses the body into raw blocks. `body` is NFC text without front matter.
///
/// A long body is parsed a section at a time: the Markdown parser holds a
/// tree of the whole text it is given, which on a 1,000-page draft is as
/// large as the draft itself, and a section's blocks never depend on another
/// section's (see [`sections`]).
pub fn parse_blocks(body: &str) -> Vec<Section> {
    parse_blocks_by(body, SECTION_BYTES)
}

/// The blocks of one stretch of the body (see [`sections`]), with their
/// fingerprints: hashing reads every block's whole text, so it is done
/// here, on the core that parsed them.
pub struct Section {
    pub blocks: Vec<RawBlock>,
    pub prints: Vec<Fingerprint>,
}

pub(crate) fn parse_blocks_by(body: &str, size: usize) -> Vec<Section> {
    use rayon::prelude::*;
    let plan = sections(body, size);
    let parse = |piece: &Piece| {
        let mut blocks = Vec::new();
        let text = piece.text(body, &plan.footnotes);
        parse_section(&text, &mut blocks);
        piece.place(&mut blocks);
        Section {
            blocks,
            prints: Vec::new(),
        }
    };
    // Sections are independent, so a long draft is read on every core,
    // unless this thread reads one side of a comparison, is one of the
    // pool's other workers, or is in the one-thread pool of a short one.
    let parallel = super::cores_free();
    let mut out: Vec<Section> = if parallel {
        plan.pieces.par_iter().map(parse).collect()
    } else {
        plan.pieces.iter().map(parse).collect()
    };
    if !join_tables(&plan.pieces, &mut out) {
        // A table cut where the parser saw something else: read it whole.
        let whole = Piece {
            range: 0..body.len(),
            table_head: None,
        };
        let mut blocks = Vec::new();
        parse_section(body, &mut blocks);
        whole.place(&mut blocks);
        out = vec![Section {
            blocks,
            prints: Vec::new(),
        }];
    }
    // Hashing reads every block's whole text: done on the core that holds it.
    let print = |s: &mut Section| {
        s.prints = s
            .blocks
            .iter()
            .map(|rb| Fingerprint::of_kind(&rb.kind))
            .collect()
    };
    if parallel {
        out.par_iter_mut().for_each(print);
    } else {
        out.iter_mut().for_each(print);
    }
    out
}

/// About how much text is parsed at once.
const SECTION_BYTES: usize = 64 * 1024;

/// A stretch of the body parsed on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Piece {
    /// The stretch, in the body.
    pub range: Range<usize>,
    /// For a stretch that starts inside a long table: the table's header
    /// and delimiter lines, parsed before it so its rows read as rows.
    pub table_head: Option<Range<usize>>,
}

/// How a body is cut, and the footnote labels it defines (which every
/// section that refers to one must see defined).
pub(crate) struct Plan {
    pub pieces: Vec<Piece>,
    /// Lower-cased, as the parser matches them.
    pub footnotes: HashSet<String>,
}

impl Piece {
    /// The text the parser reads for this piece: the table head it
    /// continues, the stretch, and a stand-in definition for each footnote
    /// it refers to that is defined in another stretch (the parser takes
    /// `[^x]` for a reference only when `x` is defined).
    fn text<'b>(&self, body: &'b str, footnotes: &HashSet<String>) -> std::borrow::Cow<'b, str> {
        let own = &body[self.range.clone()];
        let mut stubs = String::new();
        if !footnotes.is_empty() {
            let defined_here: HashSet<String> = footnote_definitions(own)
                .unwrap_or_default()
                .into_iter()
                .collect();
            for label in referenced_labels(own) {
                let key = label.to_lowercase();
                if !defined_here.contains(&key) && footnotes.contains(&key) {
                    stubs.push_str("\n\n[^");
                    stubs.push_str(label);
                    stubs.push_str("]: .");
                }
            }
        }
        match &self.table_head {
            None if stubs.is_empty() => std::borrow::Cow::Borrowed(own),
            head => {
                let mut t = String::with_capacity(own.len() + stubs.len() + 256);
                if let Some(h) = head {
                    t.push_str(&body[h.clone()]);
                }
                t.push_str(own);
                t.push_str(&stubs);
                t.push('\n');
                std::borrow::Cow::Owned(t)
            }
        }
    }

    /// Moves the spans of blocks parsed from [`Piece::text`] into the body,
    /// and drops what the stand-in definitions made.
    fn place(&self, blocks: &mut Vec<RawBlock>) {
        let head = self.table_head.as_ref().map_or(0, |h| h.len());
        let own = self.range.len();
        blocks.retain(|rb| rb.span.start < head + own);
        let at = |x: usize| self.range.start + x.saturating_sub(head).min(own);
        for rb in blocks.iter_mut() {
            rb.span = at(rb.span.start)..at(rb.span.end);
        }
    }
}

/// The labels of the footnote references in a text (`[^label]` not
/// followed by `:`), each once.
fn referenced_labels(text: &str) -> Vec<&str> {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out: Vec<&str> = Vec::new();
    // memchr's search runs sixteen bytes at a time; `match_indices` walks
    // the whole section a byte at a time, for the few drafts with notes.
    for i in memchr::memmem::find_iter(text.as_bytes(), b"[^") {
        let rest = &text[i + 2..];
        let Some(end) = rest.find(']') else { continue };
        let label = &rest[..end];
        if label.is_empty() || label.contains(['[', '\n']) || rest[end + 1..].starts_with(':') {
            continue;
        }
        if seen.insert(label) {
            out.push(label);
        }
    }
    out
}

/// Appends each continuation table (the first block of a piece that starts
/// inside a table) to the table it continues. Returns false when a piece did
/// not read as the table it was cut from.
fn join_tables(pieces: &[Piece], sections: &mut [Section]) -> bool {
    for (i, piece) in pieces.iter().enumerate().skip(1) {
        if piece.table_head.is_none() {
            continue;
        }
        let (before, after) = sections.split_at_mut(i);
        let Some(prev) = before.iter_mut().rev().find_map(|s| s.blocks.last_mut()) else {
            return false;
        };
        let cur = &mut after[0];
        let ok = matches!(
            (&prev.kind, cur.blocks.first().map(|b| &b.kind)),
            (BlockKind::Table { header: h1, .. }, Some(BlockKind::Table { header: h2, .. })) if h1 == h2
        );
        if !ok {
            return false;
        }
        let next = cur.blocks.remove(0);
        if let (BlockKind::Table { rows, .. }, BlockKind::Table { rows: more, .. }) =
            (&mut prev.kind, next.kind)
        {
            let mut all = std::mem::take(rows).into_vec();
            all.extend(more);
            *rows = all.into_boxed_slice();
        }
        prev.span.end = next.span.end;
    }
    true
}

/// Cuts `body` into stretches of at least `size` bytes (the last may be
/// shorter) that parse exactly as they do inside the whole.
///
/// A new stretch starts at a line that begins with `#` right after a blank
/// line (nothing but spaces and tabs): such a line is not indented, so it
/// closes every open list, quote, table and paragraph, and nothing carries
/// across it. A long table is cut between two rows that start with `|`; the
/// stretch after the cut is parsed with the table's header and delimiter
/// lines before it, and its rows joined back to the table afterwards.
///
/// Footnotes reach across a cut: a reference is one only where its
/// definition is known. Each stretch is parsed with a stand-in definition of
/// every label it refers to and another stretch defines, when the body's
/// footnote definitions all start a line (`[^label]: …`), as drafts write
/// them. Everything else that can reach across a cut makes the body parsed
/// whole rather than reasoned about: fenced code (```` ``` ````, `~~~`,
/// wherever they open), raw HTML (`<`), which may hold blank lines, link
/// definitions and footnote definitions anywhere else (`]:`), and a lone
/// carriage return, which the Markdown parser reads as a line end.
pub(crate) fn sections(body: &str, size: usize) -> Plan {
    let b = body.as_bytes();
    let whole = || Plan {
        pieces: vec![Piece {
            range: 0..body.len(),
            table_head: None,
        }],
        footnotes: HashSet::new(),
    };
    if b.len() <= size
        || memchr::memchr2(b'<', b'\r', b).is_some()
        || [&b"```"[..], b"~~~"]
            .iter()
            .any(|pat| memchr::memmem::find(b, pat).is_some())
    {
        return whole();
    }
    let Some(footnotes) = footnote_definitions(body) else {
        return whole();
    };
    let mut cuts: Vec<Piece> = Vec::new();
    let mut piece_start = 0;
    let mut table_head: Option<Range<usize>> = None;
    let mut blank_before = true;
    let mut start = 0;
    // (start, end) of the line before, for recognising a table's head.
    let mut prev_line: Option<(usize, usize)> = None;
    let mut prev_prev_blank = true;
    let mut in_table: Option<Range<usize>> = None;
    for end in memchr::memchr_iter(b'\n', b)
        .map(|i| i + 1)
        .chain((!body.ends_with('\n')).then_some(b.len()))
    {
        let line = &b[start..end];
        let blank = line.iter().all(|&c| matches!(c, b' ' | b'\t' | b'\n'));
        let long = start - piece_start >= size;
        let row = line.first() == Some(&b'|');
        if blank || !row {
            // A table ends at a blank line; a line that does not start with
            // `|` may still be a row, but no cut is made from there on.
            in_table = None;
        }
        if blank {
        } else if let Some(head) = &in_table {
            // A row of a long table: a cut here is read back with the head.
            if long {
                cuts.push(Piece {
                    range: piece_start..start,
                    table_head: table_head.take(),
                });
                piece_start = start;
                table_head = Some(head.clone());
            }
        } else if blank_before && line.first() == Some(&b'#') && long {
            cuts.push(Piece {
                range: piece_start..start,
                table_head: table_head.take(),
            });
            piece_start = start;
        } else if let Some((ps, pe)) = prev_line
            && prev_prev_blank
            && b[ps] == b'|'
            && super::tables::is_delimiter_row(&body[start..end])
            && super::tables::cells(&body[ps..pe]) == super::tables::cells(&body[start..end])
        {
            in_table = Some(ps..end);
        }
        prev_prev_blank = blank_before;
        blank_before = blank;
        prev_line = Some((start, end));
        start = end;
    }
    cuts.push(Piece {
        range: piece_start..b.len(),
        table_head,
    });
    Plan {
        pieces: cuts,
        footnotes: footnotes.iter().map(|l| l.to_lowercase()).collect(),
    }
}

/// The labels of the footnote definitions in a body, when every `]:` in it
/// ends the label of one that starts a line (up to three spaces in);
/// `None` when a `]:` is anything else (a link definition, a definition
/// inside a quote or a list), which only a whole parse reads right.
fn footnote_definitions(body: &str) -> Option<Vec<String>> {
    let b = body.as_bytes();
    let mut labels = Vec::new();
    for at in memchr::memmem::find_iter(b, b"]:") {
        let line_start = memchr::memrchr(b'\n', &b[..at]).map_or(0, |i| i + 1);
        let head = &body[line_start..at];
        let indent = head.len() - head.trim_start_matches(' ').len();
        let label = head.trim_start_matches(' ').strip_prefix("[^")?;
        if indent > 3
            || label.is_empty()
            || label.contains(['[', ']', '^'])
            || label.contains(char::is_whitespace)
        {
            return None;
        }
        labels.push(label.to_string());
    }
    Some(labels)
}

fn parse_section(body: &str, out: &mut Vec<RawBlock>) {
    let mut sink = InlineSink::default();
    let mut lists: Vec<ListCtx> = Vec::new();
    let mut items: Vec<ItemCtx> = Vec::new();
    let mut container = Container::None;
    let mut heading: Option<(u8, usize)> = None;
    let mut para_start: Option<usize> = None;
    // Table state: header cells, rows, the current row.
    let mut table: Option<TableAcc> = None;
    let mut in_head = false;
    let mut code: Option<(usize, String)> = None;

    // Emits the text gathered so far as one or more blocks; `make` builds the
    // first block's kind, the rest are plain paragraphs (split-off points).
    fn flush(
        out: &mut Vec<RawBlock>,
        sink: &mut InlineSink,
        body: &str,
        block_start: usize,
        block_end: usize,
        make: &dyn Fn(Inlines) -> BlockKind,
    ) {
        let (inlines, span) = sink.take();
        let content_span = span.unwrap_or(block_start..block_end);
        let src = &body[content_span.clone()];
        match split_items(src) {
            None => out.push(RawBlock {
                kind: make(inlines),
                span: block_start..block_end.max(content_span.end),
            }),
            Some(parts) => {
                for (i, p) in parts.into_iter().enumerate() {
                    let seg = &src[p.clone()];
                    let inl = parse_inlines(seg);
                    let abs = content_span.start + p.start..content_span.start + p.end;
                    if i == 0 {
                        out.push(RawBlock {
                            kind: make(inl),
                            span: block_start..abs.end,
                        });
                    } else {
                        out.push(RawBlock {
                            kind: BlockKind::Paragraph { content: inl },
                            span: abs,
                        });
                    }
                }
            }
        }
    }

    for (ev, r) in Parser::new_ext(body, options()).into_offset_iter() {
        if let Some((_, text)) = &mut code {
            match ev {
                Event::Text(t) => {
                    text.push_str(&t);
                    continue;
                }
                Event::End(TagEnd::CodeBlock) => {
                    let (start, text) = code.take().unwrap_or_default();
                    out.push(RawBlock {
                        kind: BlockKind::Code {
                            text: text.trim_end_matches('\n').into(),
                        },
                        span: start..r.end,
                    });
                    continue;
                }
                _ => continue,
            }
        }
        if let Some((_, _, rows, row)) = &mut table {
            match &ev {
                Event::Start(Tag::TableHead) => in_head = true,
                Event::End(TagEnd::TableHead) => {
                    in_head = false;
                    let cells = std::mem::take(row);
                    if let Some((_, header, _, _)) = &mut table {
                        *header = cells;
                    }
                }
                Event::Start(Tag::TableRow) => row.clear(),
                Event::End(TagEnd::TableRow) => {
                    if !in_head {
                        rows.push(std::mem::take(row));
                    }
                }
                Event::Start(Tag::TableCell) => {}
                Event::End(TagEnd::TableCell) => row.push(sink.take().0),
                Event::End(TagEnd::Table) => {
                    if let Some((start, header, rows, _)) = table.take() {
                        out.push(RawBlock {
                            kind: BlockKind::Table {
                                header: header.into_boxed_slice(),
                                rows: rows.into_iter().map(Vec::into_boxed_slice).collect(),
                            },
                            span: start..r.end,
                        });
                    }
                }
                _ => {
                    sink.event(&ev, &r);
                }
            }
            continue;
        }
        // A block inside a tight list item ends the item's own text, as a
        // nested list does (below): the block must not take it.
        if let Event::Start(
            Tag::Heading { .. }
            | Tag::BlockQuote(_)
            | Tag::Table(_)
            | Tag::CodeBlock(_)
            | Tag::HtmlBlock
            | Tag::FootnoteDefinition(_),
        )
        | Event::Rule = &ev
        {
            flush_item(&mut items, out, &mut sink, body, r.start);
        }
        // Inside a footnote definition everything is the note's: its lists,
        // quotes, headings and tables are lines of the one footnote block (an
        // item keeps its marker), never blocks of the body, which would take
        // the text the note had gathered so far.
        if matches!(container, Container::Footnote(..)) {
            match &ev {
                Event::Start(Tag::Item) => {
                    sink.new_line();
                    let src = body[r.start..].trim_start();
                    let marker = src.split(char::is_whitespace).next().unwrap_or_default();
                    sink.text(marker, false);
                    sink.text(" ", false);
                    continue;
                }
                Event::Start(Tag::TableCell) => {
                    if !sink.at_line_start() {
                        sink.text(" | ", false);
                    }
                    continue;
                }
                Event::Start(
                    Tag::Paragraph
                    | Tag::List(_)
                    | Tag::BlockQuote(_)
                    | Tag::Heading { .. }
                    | Tag::Table(_)
                    | Tag::TableHead
                    | Tag::TableRow
                    | Tag::HtmlBlock,
                )
                | Event::End(TagEnd::TableCell) => continue,
                Event::End(
                    TagEnd::Paragraph
                    | TagEnd::Item
                    | TagEnd::List(_)
                    | TagEnd::BlockQuote(_)
                    | TagEnd::Heading(_)
                    | TagEnd::Table
                    | TagEnd::TableHead
                    | TagEnd::TableRow
                    | TagEnd::HtmlBlock,
                ) => {
                    sink.new_line();
                    continue;
                }
                _ => {}
            }
        }
        match ev {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level as u8, r.start)),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, start)) = heading.take() {
                    flush(out, &mut sink, body, start, r.end, &|content| {
                        BlockKind::Heading { level, content }
                    });
                }
            }
            Event::Start(Tag::Paragraph) => {
                // The first paragraph of a list item is the item's own text.
                let own = items.last().is_some_and(|i| !i.emitted);
                if !own {
                    para_start = Some(r.start);
                }
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(item) = items.last_mut().filter(|i| !i.emitted) {
                    item.emitted = true;
                    let (marker, depth, start) = (item.marker.clone(), item.depth, item.start);
                    flush(out, &mut sink, body, start, r.end, &|content| {
                        BlockKind::ListItem {
                            marker: marker.clone(),
                            depth,
                            content,
                        }
                    });
                } else {
                    let start = para_start.take().unwrap_or(r.start);
                    match &container {
                        Container::Quote => flush(out, &mut sink, body, start, r.end, &|content| {
                            BlockKind::Quote { content }
                        }),
                        Container::Footnote(..) => {
                            // Paragraphs of one footnote are joined into one block.
                            sink.line_break();
                        }
                        Container::None => flush(out, &mut sink, body, start, r.end, &|content| {
                            BlockKind::Paragraph { content }
                        }),
                    }
                }
            }
            Event::Start(Tag::List(_)) => {
                // A nested list ends the text of the item that holds it.
                flush_item(&mut items, out, &mut sink, body, r.start);
                lists.push(ListCtx {
                    depth: lists.len() as u8,
                });
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                let marker = marker_at(&body[r.start..]);
                items.push(ItemCtx {
                    marker,
                    depth: lists.last().map(|l| l.depth).unwrap_or(0),
                    start: r.start,
                    emitted: false,
                });
            }
            Event::End(TagEnd::Item) => {
                flush_item(&mut items, out, &mut sink, body, r.end);
                items.pop();
            }
            Event::Start(Tag::BlockQuote(_)) => container = Container::Quote,
            Event::End(TagEnd::BlockQuote(_)) => container = Container::None,
            Event::Start(Tag::FootnoteDefinition(label)) => {
                container = Container::Footnote(label.to_string(), r.start)
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Container::Footnote(label, start) =
                    std::mem::replace(&mut container, Container::None)
                {
                    let (content, _) = sink.take();
                    let keep = content.len()
                        - content
                            .iter()
                            .rev()
                            .take_while(|i| matches!(i, Inline::LineBreak))
                            .count();
                    let content = if keep < content.len() {
                        content[..keep].into()
                    } else {
                        content
                    };
                    out.push(RawBlock {
                        kind: BlockKind::FootnoteDef {
                            label: label.into(),
                            content,
                        },
                        span: start..r.end,
                    });
                }
            }
            Event::Start(Tag::Table(_)) => {
                table = Some((r.start, Vec::new(), Vec::new(), Vec::new()));
            }
            Event::Start(Tag::CodeBlock(_)) => code = Some((r.start, String::new())),
            Event::Rule => out.push(RawBlock {
                kind: BlockKind::Rule,
                span: r,
            }),
            Event::Start(Tag::HtmlBlock) => para_start = Some(r.start),
            Event::End(TagEnd::HtmlBlock) => {
                let start = para_start.take().unwrap_or(r.start);
                let (content, _) = sink.take();
                if !content.is_empty() {
                    out.push(RawBlock {
                        kind: BlockKind::Paragraph { content },
                        span: start..r.end,
                    });
                }
            }
            other => {
                sink.event(&other, &r);
            }
        }
    }
}

/// Emits the pending text of the innermost list item (tight lists have no
/// paragraph events, so their text arrives directly).
fn flush_item(
    items: &mut [ItemCtx],
    out: &mut Vec<RawBlock>,
    sink: &mut InlineSink,
    body: &str,
    end: usize,
) {
    let Some(item) = items.last_mut() else { return };
    if item.emitted || (sink.out.is_empty() && sink.span.is_none()) {
        return;
    }
    item.emitted = true;
    let (marker, depth, start) = (item.marker.clone(), item.depth, item.start);
    let content_end = sink.span.as_ref().map(|s| s.end).unwrap_or(end);
    let (inlines, span) = sink.take();
    let content_span = span.unwrap_or(start..content_end);
    let src = &body[content_span.clone()];
    match split_items(src) {
        None => out.push(RawBlock {
            kind: BlockKind::ListItem {
                marker,
                depth,
                content: inlines,
            },
            span: start..content_span.end,
        }),
        Some(parts) => {
            for (i, p) in parts.into_iter().enumerate() {
                let inl = parse_inlines(&src[p.clone()]);
                let abs = content_span.start + p.start..content_span.start + p.end;
                let kind = if i == 0 {
                    BlockKind::ListItem {
                        marker: marker.clone(),
                        depth,
                        content: inl,
                    }
                } else {
                    BlockKind::Paragraph { content: inl }
                };
                out.push(RawBlock {
                    kind,
                    span: if i == 0 { start..abs.end } else { abs },
                });
            }
        }
    }
}

/// The literal marker at the start of a list item's source ("1.", "-", "2)").
fn marker_at(src: &str) -> ListMarker {
    let t = src.trim_start();
    let m: String = t.chars().take_while(|c| !c.is_whitespace()).collect();
    let mut cs = m.chars();
    match (cs.next(), cs.next()) {
        (Some(c @ ('-' | '+' | '*')), None) => ListMarker::Bullet(c),
        _ => ListMarker::Ordered(m.into()),
    }
}
