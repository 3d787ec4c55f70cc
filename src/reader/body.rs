//! Markdown body → blocks with line ranges. Structural paths and fingerprints
//! are added afterwards by `structure`.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::label::starts_item;
use crate::model::{BlockKind, Fingerprint, Inline, ListMarker, Run, Style};

/// A block as parsed, before it gets its place in the structure.
pub struct RawBlock {
    pub kind: BlockKind,
    /// Byte range in the body text.
    pub span: Range<usize>,
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// Collects inline events into runs, merging neighbours of equal style.
#[derive(Default)]
struct InlineSink {
    out: Vec<Inline>,
    bold: u32,
    italic: u32,
    strike: u32,
    links: Vec<String>,
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
        let link = self.links.last().cloned();
        if let Some(Inline::Text(last)) = self.out.last_mut() {
            if last.style == style && last.link == link {
                last.text.push_str(t);
                return;
            }
        }
        self.out.push(Inline::Text(Run {
            text: t.to_string(),
            style,
            link,
        }));
    }

    /// Handles an inline event; returns false if the event is not inline.
    fn event(&mut self, ev: &Event<'_>, r: &Range<usize>) -> bool {
        match ev {
            Event::Text(t) => self.text(t, false),
            Event::Code(t) => self.text(t, true),
            Event::InlineHtml(t) | Event::Html(t) => self.text(t, false),
            Event::SoftBreak => self.text(" ", false),
            Event::HardBreak => self.out.push(Inline::LineBreak),
            Event::FootnoteReference(l) => self.out.push(Inline::FootnoteRef {
                label: l.to_string(),
            }),
            Event::Start(Tag::Emphasis) => self.italic += 1,
            Event::End(TagEnd::Emphasis) => self.italic = self.italic.saturating_sub(1),
            Event::Start(Tag::Strong) => self.bold += 1,
            Event::End(TagEnd::Strong) => self.bold = self.bold.saturating_sub(1),
            Event::Start(Tag::Strikethrough) => self.strike += 1,
            Event::End(TagEnd::Strikethrough) => self.strike = self.strike.saturating_sub(1),
            Event::Start(Tag::Link { dest_url, .. }) => self.links.push(dest_url.to_string()),
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

    fn take(&mut self) -> (Vec<Inline>, Option<Range<usize>>) {
        let out = std::mem::take(&mut self.out);
        (trim_inlines(out), self.span.take())
    }
}

/// Leading and trailing spaces carry no meaning in a block.
fn trim_inlines(mut v: Vec<Inline>) -> Vec<Inline> {
    if let Some(Inline::Text(r)) = v.first_mut() {
        let lead = r.text.len() - r.text.trim_start().len();
        r.text.drain(..lead);
    }
    if let Some(Inline::Text(r)) = v.last_mut() {
        let keep = r.text.trim_end().len();
        r.text.truncate(keep);
    }
    v.retain(|i| !matches!(i, Inline::Text(r) if r.text.is_empty()));
    // The model of a long draft lives until the process ends: give back
    // what growing the runs and the list overshot.
    for i in &mut v {
        if let Inline::Text(r) = i
            && r.text.capacity() > r.text.len() + r.text.len() / 8
        {
            r.text.shrink_to_fit();
        }
    }
    v.shrink_to_fit();
    v
}

/// Parses text known to be the content of one paragraph, without letting a
/// leading "1." or "-" turn it into a list: the drafter's marker is text.
fn parse_inlines(segment: &str) -> Vec<Inline> {
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
    let mut pos = 0;
    for line in src.split_inclusive('\n') {
        if pos > 0 && starts_item(line) {
            cuts.push(pos);
        }
        pos += line.len();
    }
    if cuts.len() == 1 {
        return None;
    }
    cuts.push(src.len());
    Some(cuts.windows(2).map(|w| w[0]..w[1]).collect())
}

/// A table being read: its start, header cells, body rows, the current row.
type Cells = Vec<Vec<Inline>>;
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
    let parse = |range: &Range<usize>| {
        let mut blocks = Vec::new();
        parse_section(&body[range.clone()], &mut blocks);
        for rb in &mut blocks {
            rb.span = rb.span.start + range.start..rb.span.end + range.start;
        }
        let prints = blocks
            .iter()
            .map(|rb| Fingerprint::of_kind(&rb.kind))
            .collect();
        Section { blocks, prints }
    };
    // Sections are independent, so a long draft is read on every core.
    sections(body, size).par_iter().map(parse).collect()
}

/// About how much text is parsed at once.
const SECTION_BYTES: usize = 64 * 1024;

/// Cuts `body` into stretches of at least `size` bytes (the last may be
/// shorter) that parse exactly as they do inside the whole. A new stretch
/// starts at a line that begins with `#` right after a blank line (nothing
/// but spaces and tabs): such a line is not indented, so it closes every
/// open list, quote, table and paragraph, and nothing carries across it.
///
/// Three things can still reach across it, and a body with any of them is
/// parsed whole rather than reasoned about: fenced code (```` ``` ````,
/// `~~~`, wherever they open, in a list item or not), raw HTML (`<`), which
/// may hold blank lines, and link or footnote definitions (`]:`), which
/// serve the whole document. So is a body with a lone carriage return,
/// which the Markdown parser reads as a line end. Official documents have
/// none of these but footnotes; a long draft without footnotes is cut.
pub(crate) fn sections(body: &str, size: usize) -> Vec<Range<usize>> {
    let b = body.as_bytes();
    let whole = || std::iter::once(0..body.len()).collect();
    if b.len() <= size
        || memchr::memchr2(b'<', b'\r', b).is_some()
        || [&b"]:"[..], b"```", b"~~~"]
            .iter()
            .any(|pat| memchr::memmem::find(b, pat).is_some())
    {
        return whole();
    }
    let mut cuts = vec![0];
    let mut blank_before = false;
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', b)
        .map(|i| i + 1)
        .chain((!body.ends_with('\n')).then_some(b.len()))
    {
        let line = &b[start..end];
        if blank_before
            && line.first() == Some(&b'#')
            && start - cuts.last().copied().unwrap_or(0) >= size
        {
            cuts.push(start);
        }
        blank_before = line.iter().all(|&c| matches!(c, b' ' | b'\t' | b'\n'));
        start = end;
    }
    cuts.push(b.len());
    cuts.windows(2).map(|w| w[0]..w[1]).collect()
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
        make: &dyn Fn(Vec<Inline>) -> BlockKind,
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
                            text: text.trim_end_matches('\n').to_string(),
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
                            kind: BlockKind::Table { header, rows },
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
                            sink.out.push(Inline::LineBreak);
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
                    let (mut content, _) = sink.take();
                    while matches!(content.last(), Some(Inline::LineBreak)) {
                        content.pop();
                    }
                    out.push(RawBlock {
                        kind: BlockKind::FootnoteDef { label, content },
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
        _ => ListMarker::Ordered(m),
    }
}
