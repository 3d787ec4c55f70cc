use std::fmt;

use serde::Serialize;
use xxhash_rust::xxh3::{xxh3_64, xxh3_128_with_seed};

use super::lanes::Lanes;
use super::path::{Label, StructuralPath};

/// Inline emphasis as the drafter wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize)]
pub struct Style {
    /// Strong emphasis (`**…**`), shown in bold.
    #[serde(skip_serializing_if = "is_false")]
    pub bold: bool,
    /// Emphasis (`*…*`), shown as italics.
    #[serde(skip_serializing_if = "is_false")]
    pub italic: bool,
    /// Struck through (`~~…~~`) in the drafter's own text; not a deletion of the redline.
    #[serde(skip_serializing_if = "is_false")]
    pub strike: bool,
    /// Inline code (`` `…` ``), shown in a fixed-width font.
    #[serde(skip_serializing_if = "is_false")]
    pub code: bool,
    /// Raised above the line. The Markdown reader never sets it; it is for runs built by hand.
    #[serde(skip_serializing_if = "is_false")]
    pub superscript: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A stretch of text with one style (and possibly a link target).
///
/// Texts are boxed slices, not growable strings: a long draft holds
/// hundreds of thousands of runs, and a table row a run per cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    /// The characters of the run, in NFC.
    pub text: Box<str>,
    /// The emphasis every character of the run shares.
    #[serde(flatten)]
    pub style: Style,
    /// The target of the Markdown link this run sits in, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<Box<str>>,
}

/// The inline content of a block or of one table cell.
pub type Inlines = Box<[Inline]>;

/// One piece of a block's inline content: styled text, a footnote reference or a line break.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Inline {
    /// Text in one style, under at most one link.
    Text(Run),
    /// `[^label]`; the definition is a `FootnoteDef` block.
    FootnoteRef {
        /// The footnote's label as written between `[^` and `]`.
        label: Box<str>,
    },
    /// A hard line break inside a block.
    LineBreak,
}

/// The marker of a list item, kept literally: the drafter's numbering is text,
/// never re-numbered by a renderer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "marker", rename_all = "kebab-case")]
pub enum ListMarker {
    /// "-", "+", "*"
    Bullet(char),
    /// "1.", "2)" exactly as written
    Ordered(Box<str>),
}

impl fmt::Display for ListMarker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListMarker::Bullet(c) => write!(f, "{c}"),
            ListMarker::Ordered(s) => f.write_str(s),
        }
    }
}

/// What a block is, with its content: the Markdown constructs a draft may use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum BlockKind {
    /// A Markdown heading (`#` … `######`).
    Heading {
        /// The heading's level, 1 (`#`) to 6 (`######`).
        level: u8,
        /// The heading's text.
        content: Inlines,
    },
    /// A paragraph of running text.
    Paragraph {
        /// The paragraph's text.
        content: Inlines,
    },
    /// One item of a bulleted or numbered list.
    ListItem {
        /// The bullet or number that opens the item.
        marker: ListMarker,
        /// 0 for a top-level item, 1 for an item nested in another, ...
        depth: u8,
        /// The item's text, without its marker.
        content: Inlines,
    },
    /// Every row has the header's number of cells.
    Table {
        /// The cells of the header row, left to right.
        header: Box<[Inlines]>,
        /// The body rows below the header, top to bottom, each a list of cells.
        rows: Box<[Box<[Inlines]>]>,
    },
    /// A block quote (`> …`): quoted text, such as a passage of another document.
    Quote {
        /// The quoted text.
        content: Inlines,
    },
    /// A footnote's text (`[^label]: …`), referred to from the body by [`Inline::FootnoteRef`].
    FootnoteDef {
        /// The label the references use.
        label: Box<str>,
        /// The footnote's text; paragraphs after the first follow a line break.
        content: Inlines,
    },
    /// A fenced or indented code block, kept verbatim.
    Code {
        /// The lines of the block, without the fences or the final newline.
        text: Box<str>,
    },
    /// A horizontal rule (`---`).
    Rule,
}

/// 1-based, inclusive line numbers in the draft file (front matter included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineRange {
    /// The first line of the block.
    pub start: u32,
    /// The last line of the block.
    pub end: u32,
}

impl fmt::Display for LineRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.start == self.end {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{}-{}", self.start, self.end)
        }
    }
}

/// A hash of a block's kind and its whitespace-normalised text: equal
/// fingerprints mean the reader sees the same block, whatever its position.
/// The text is normalised as the word diff compares it (every whitespace run
/// one space, or one newline when it holds a line break; ends trimmed), so
/// the diff takes equal fingerprints as identical blocks without building
/// their texts. Blocks made by hand must get theirs from
/// [`Fingerprint::of_kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint(pub [u8; 16]);

impl Fingerprint {
    /// The fingerprint of a block of kind `kind_tag` whose text is `text`,
    /// whitespace normalised first.
    pub fn of(kind_tag: &str, text: &str) -> Self {
        let mut h = FingerprintHasher::new(kind_tag);
        h.push(text);
        h.finish()
    }

    /// The fingerprint of a kind and a text already in normal form, hashed
    /// as it is. Equal to [`Fingerprint::of`] exactly when `text` is normal,
    /// which makes comparing the two a cheap normality check.
    pub fn of_normal(kind_tag: &str, text: &str) -> Self {
        Fingerprint(xxh3_128_with_seed(text.as_bytes(), kind_seed(kind_tag)).to_le_bytes())
    }

    /// The fingerprint of a block, hashed from its text pieces without
    /// building the text.
    pub fn of_kind(kind: &BlockKind) -> Self {
        // The usual block, one run already normal, is hashed as it stands,
        // without gathering it first.
        if let Some(text) = kind.sole_text()
            && is_normal_text(text)
        {
            return Fingerprint::of_normal(kind.tag(), text);
        }
        let mut h = FingerprintHasher::new(kind.tag());
        kind.text_pieces(&mut |piece| h.push(piece));
        h.finish()
    }
}

/// The kind enters the hash as its seed, so that one text hashes the same
/// whether fed at once or in pieces.
fn kind_seed(kind_tag: &str) -> u64 {
    xxh3_64(kind_tag.as_bytes())
}

/// Hashes a text fed in pieces, normalised as [`Fingerprint`] says wherever
/// the pieces are cut. The fingerprint is an identity for alignment, not a
/// security measure: a fast 128-bit hash suffices.
pub struct FingerprintHasher {
    seed: u64,
    /// The separator owed before the next visible character.
    pending: Option<u8>,
    started: bool,
    /// The normal text so far, hashed at once at the end: one call of the
    /// one-shot hash (the same value as streaming it) costs less than a
    /// streaming hasher's set-up and its updates, a block of a few styled
    /// runs at a time. It holds one block's text, which the model holds
    /// already (a block is at most a draft, whose size the reader bounds).
    text: Vec<u8>,
}

impl FingerprintHasher {
    /// A hasher for a block of kind `kind_tag` (the tag of [`BlockKind::tag`]).
    pub fn new(kind_tag: &str) -> Self {
        FingerprintHasher {
            seed: kind_seed(kind_tag),
            pending: None,
            started: false,
            text: Vec::with_capacity(256),
        }
    }

    /// Feeds the next piece of the block's text; where one piece ends and the next
    /// begins does not change the result.
    pub fn push(&mut self, piece: &str) {
        let b = piece.as_bytes();
        if b.is_empty() {
            return;
        }
        // The usual piece (a paragraph's one run) is already normal: hash it
        // as it is.
        if is_normal_text(piece) {
            if let Some(sep) = self.pending.take()
                && self.started
            {
                self.text.push(sep);
            }
            self.started = true;
            self.text.extend_from_slice(b);
            return;
        }
        let out = &mut self.text;
        let mut i = 0;
        loop {
            // The visible run up to the next whitespace character.
            let run_start = i;
            let mut ws = None;
            while i < b.len() {
                if MAY_START_WHITESPACE[b[i] as usize] {
                    ws = whitespace_at(b, i);
                    if ws.is_some() {
                        break;
                    }
                }
                i += 1;
            }
            if i > run_start {
                if let Some(sep) = self.pending.take()
                    && self.started
                {
                    out.push(sep);
                }
                self.started = true;
                out.extend_from_slice(&b[run_start..i]);
            }
            let Some((len, newline)) = ws else {
                break;
            };
            self.pending = match self.pending {
                Some(b'\n') => Some(b'\n'),
                _ if newline => Some(b'\n'),
                _ => Some(b' '),
            };
            i += len;
        }
    }

    /// The fingerprint of the text fed so far.
    pub fn finish(&self) -> Fingerprint {
        Fingerprint(xxh3_128_with_seed(&self.text, self.seed).to_le_bytes())
    }
}

/// Whether normalising the whitespace of `text` (every run one space, or
/// one newline when it holds a line break; ends trimmed) leaves it as it is:
/// visible characters at both ends, and between them only single spaces and
/// single newlines. Empty text is normal.
pub fn is_normal_text(text: &str) -> bool {
    let b = text.as_bytes();
    if matches!(b.first(), Some(b' ' | b'\n')) || matches!(b.last(), Some(b' ' | b'\n')) {
        return false;
    }
    // Sixteen bytes at a time: a chunk with no control character, no lead
    // byte of a non-ASCII space and no two separators in a row is normal as
    // it stands; only the rare chunk that has one is looked at byte by byte.
    let mut at = 0usize;
    let mut prev_separator = 0u32;
    while at + 16 <= b.len() {
        let v = Lanes::load(b, at);
        let separators = v.eq(b' ') | v.eq(b'\n');
        let suspect = v.le(0x0d) | v.eq(0xC2) | v.eq(0xE2) | v.eq(0xE3) | v.eq(0x9A);
        let doubled = separators & ((separators << 1) | prev_separator);
        // Byte by byte from two bytes back: the Ogham space is flagged by
        // its second byte, and its lead may close the chunk before.
        if (doubled | suspect) != 0 && (at.saturating_sub(2)..at + 16).any(|i| abnormal_at(b, i)) {
            return false;
        }
        prev_separator = separators >> 15;
        at += 16;
    }
    !(at.saturating_sub(2)..b.len()).any(|i| abnormal_at(b, i))
}

/// Whether byte `i` of `b` breaks normal form: a whitespace character other
/// than a single space or newline, or a separator right after another.
#[inline]
fn abnormal_at(b: &[u8], i: usize) -> bool {
    let c = b[i];
    if !MAY_START_WHITESPACE[c as usize] {
        return false;
    }
    match c {
        b' ' | b'\n' => i == 0 || matches!(b[i - 1], b' ' | b'\n'),
        _ => whitespace_at(b, i).is_some(),
    }
}

/// Bytes that can start a whitespace character in UTF-8: the ASCII ones and
/// the lead bytes of U+0085, U+00A0, U+1680, U+2000–U+205F and U+3000.
const MAY_START_WHITESPACE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = matches!(
            i as u8,
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0xC2 | 0xE1 | 0xE2 | 0xE3
        );
        i += 1;
    }
    t
};

/// The UTF-8 length of the whitespace character at `b[i]` and whether it
/// breaks a line, or `None` when `b[i]` does not start one. The same set as
/// `char::is_whitespace`; line breaks are LF, CR and U+2028.
#[inline(always)]
fn whitespace_at(b: &[u8], i: usize) -> Option<(usize, bool)> {
    match b[i] {
        b' ' | b'\t' | 0x0b | 0x0c => Some((1, false)),
        b'\n' | b'\r' => Some((1, true)),
        0xC2 if matches!(b.get(i + 1), Some(0x85 | 0xA0)) => Some((2, false)),
        0xE1 if b.get(i + 1) == Some(&0x9A) && b.get(i + 2) == Some(&0x80) => Some((3, false)),
        0xE2 => match (b.get(i + 1), b.get(i + 2)) {
            (Some(0x80), Some(0xA8)) => Some((3, true)),
            (Some(0x80), Some(&c)) if c <= 0x8A || c == 0xA9 || c == 0xAF => Some((3, false)),
            (Some(0x81), Some(0x9F)) => Some((3, false)),
            _ => None,
        },
        0xE3 if b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0x80) => Some((3, false)),
        _ => None,
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in &self.0[..8] {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One block of the body with everything later stages need to find it again.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Block {
    /// What the block is, and its content.
    #[serde(flatten)]
    pub kind: BlockKind,
    /// Where the block sits in the draft file, for messages that point at it.
    pub lines: LineRange,
    /// Where the block sits in the drafter's numbering, as reviewers cite it.
    pub path: StructuralPath,
    /// The block's identity for alignment: same kind and same normalised text.
    pub fingerprint: Fingerprint,
}

impl Block {
    /// The numbering label this block opens, if it starts with one: its
    /// path's innermost label (kept there only, a long draft has thousands).
    pub fn label(&self) -> Option<&Label> {
        self.path.own_label()
    }

    /// The block's text as a reader sees it, markers included, without markup.
    pub fn text(&self) -> String {
        self.kind.text()
    }

    /// Whether two blocks of the same text show it with the same emphasis
    /// (bold, italic, strike-through, code, superscript) and the same link
    /// targets, character by visible character: where the runs are cut, and
    /// how spaces are styled, do not matter.
    pub fn same_emphasis(&self, other: &Block) -> bool {
        fn plain(b: &Block) -> bool {
            let mut plain = true;
            b.kind.inline_lists(&mut |list| {
                plain &= list.iter().all(|i| match i {
                    Inline::Text(r) => r.style == Style::default() && r.link.is_none(),
                    _ => true,
                })
            });
            plain
        }
        // The usual block is plain on both sides.
        if plain(self) && plain(other) {
            return true;
        }
        emphasis(self) == emphasis(other)
    }

    /// Short tag of the kind, used in fingerprints and in JSON.
    pub fn kind_tag(&self) -> &'static str {
        self.kind.tag()
    }

    /// The inline content, for blocks that have a single run of inlines.
    pub fn inlines(&self) -> Option<&[Inline]> {
        self.kind.inlines()
    }
}

impl BlockKind {
    /// The text as a reader sees it, markers included, without markup.
    pub fn text(&self) -> String {
        let mut len = 0;
        self.text_pieces(&mut |piece| len += piece.len());
        let mut s = String::with_capacity(len);
        self.text_pieces(&mut |piece| s.push_str(piece));
        s
    }

    /// Calls `f` with consecutive pieces of [`BlockKind::text`], so a caller
    /// that only scans or hashes the text need not build it.
    pub fn text_pieces(&self, f: &mut impl FnMut(&str)) {
        match self {
            BlockKind::Heading { content, .. }
            | BlockKind::Paragraph { content }
            | BlockKind::Quote { content } => inline_pieces(content, f),
            BlockKind::ListItem {
                marker, content, ..
            } => {
                match marker {
                    ListMarker::Bullet(c) => f(c.encode_utf8(&mut [0; 4])),
                    ListMarker::Ordered(s) => f(s),
                }
                f(" ");
                inline_pieces(content, f);
            }
            BlockKind::FootnoteDef { label, content } => {
                f("[^");
                f(label);
                f("]: ");
                inline_pieces(content, f);
            }
            BlockKind::Table { header, rows } => {
                for (i, row) in std::iter::once(header).chain(rows.iter()).enumerate() {
                    f(if i == 0 { "| " } else { "\n| " });
                    for (j, cell) in row.iter().enumerate() {
                        if j > 0 {
                            f(" | ");
                        }
                        inline_pieces(cell, f);
                    }
                    f(" |");
                }
            }
            BlockKind::Code { text } => f(text),
            BlockKind::Rule => f("---"),
        }
    }

    /// The kind's short name ("paragraph", "list-item", …): the `type` in JSON and
    /// the seed of the fingerprint.
    pub fn tag(&self) -> &'static str {
        match self {
            BlockKind::Heading { .. } => "heading",
            BlockKind::Paragraph { .. } => "paragraph",
            BlockKind::ListItem { .. } => "list-item",
            BlockKind::Table { .. } => "table",
            BlockKind::Quote { .. } => "quote",
            BlockKind::FootnoteDef { .. } => "footnote",
            BlockKind::Code { .. } => "code",
            BlockKind::Rule => "rule",
        }
    }

    /// The whole [`BlockKind::text`] of the usual block, a heading,
    /// paragraph or quote of one run, borrowed: most of a draft's blocks.
    pub fn sole_text(&self) -> Option<&str> {
        match self {
            BlockKind::Heading { content, .. }
            | BlockKind::Paragraph { content }
            | BlockKind::Quote { content } => match &content[..] {
                [Inline::Text(run)] => Some(&run.text),
                _ => None,
            },
            _ => None,
        }
    }

    /// Calls `f` with each list of inlines the block holds: its content, or
    /// each cell of a table in reading order.
    pub fn inline_lists<'a>(&'a self, f: &mut impl FnMut(&'a [Inline])) {
        match self {
            BlockKind::Table { header, rows } => {
                for cell in header.iter().chain(rows.iter().flatten()) {
                    f(cell);
                }
            }
            other => {
                if let Some(list) = other.inlines() {
                    f(list);
                }
            }
        }
    }

    /// The inline content of a block that has one list of inlines (not a table,
    /// code block or rule).
    pub fn inlines(&self) -> Option<&[Inline]> {
        match self {
            BlockKind::Heading { content, .. }
            | BlockKind::Paragraph { content }
            | BlockKind::Quote { content }
            | BlockKind::ListItem { content, .. }
            | BlockKind::FootnoteDef { content, .. } => Some(content),
            _ => None,
        }
    }
}

/// The emphasis of a block's visible characters, run-length encoded: each
/// stretch of one style and link, and how many non-space characters it has.
fn emphasis(b: &Block) -> Vec<(Style, Option<&str>, usize)> {
    let mut out: Vec<(Style, Option<&str>, usize)> = Vec::new();
    b.kind.inline_lists(&mut |list| {
        for i in list {
            let Inline::Text(r) = i else { continue };
            let n = r.text.chars().filter(|c| !c.is_whitespace()).count();
            if n == 0 {
                continue;
            }
            match out.last_mut() {
                Some((s, l, count)) if *s == r.style && *l == r.link.as_deref() => *count += n,
                _ => out.push((r.style, r.link.as_deref(), n)),
            }
        }
    });
    out
}

/// Plain text of a run of inlines; footnote references appear as `[^label]`.
pub fn inline_text(content: &[Inline]) -> String {
    let mut s = String::new();
    inline_pieces(content, &mut |piece| s.push_str(piece));
    s
}

fn inline_pieces(content: &[Inline], f: &mut impl FnMut(&str)) {
    for i in content {
        match i {
            Inline::Text(r) => f(&r.text),
            Inline::FootnoteRef { label } => {
                f("[^");
                f(label);
                f("]");
            }
            Inline::LineBreak => f("\n"),
        }
    }
}

/// The body of a draft, in reading order.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Body {
    /// The blocks, first to last.
    pub blocks: Vec<Block>,
}
