//! Redline writers: one [`DraftDiff`](duthao_diff::DraftDiff) shown as a
//! coloured terminal report, a self-contained HTML page, a JSON document, a
//! CriticMarkup text, or a per-section summary; and what every writer that
//! prints to a terminal shares.
#![warn(missing_docs)]

pub mod html;
pub mod json;
pub mod markdown;
pub mod report;
pub mod stat;
pub mod terminal;

use std::borrow::Cow;
use std::collections::HashMap;

/// A review comment to show beside the block it concerns in a redline
/// (`diff --comments`). Writers print these as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The comment's short id.
    pub id: String,
    /// The commenting body (chủ thể góp ý).
    pub body: String,
    /// The version it was made on.
    pub version: u32,
    /// Where it stands, in Vietnamese: "chưa trả lời", "tiếp thu", …
    pub state: String,
    /// Whether it still waits for an answer.
    pub open: bool,
    /// The comment.
    pub text: String,
    /// The quoted passage, if any.
    pub quote: Option<String>,
    /// The proposed wording, if any.
    pub proposal: Option<String>,
    /// The drafter's answer, if any.
    pub response: Option<String>,
}

/// Comments by the FROM block they concern, and those on the draft as a
/// whole.
#[derive(Debug, Clone, Default)]
pub struct Notes {
    by_from: HashMap<usize, Vec<Note>>,
    /// Comments on the draft as a whole.
    pub general: Vec<Note>,
}

impl Notes {
    /// Adds a note on FROM's block `from`.
    pub fn add(&mut self, from: usize, note: Note) {
        self.by_from.entry(from).or_default().push(note);
    }

    /// The notes on FROM's block `from` (none for a block only TO has).
    pub fn on(&self, from: Option<usize>) -> &[Note] {
        from.and_then(|f| self.by_from.get(&f))
            .map_or(&[], Vec::as_slice)
    }

    /// No note at all.
    pub fn is_empty(&self) -> bool {
        self.by_from.is_empty() && self.general.is_empty()
    }
}

/// Whether `c` must not reach a terminal as it is: C0 controls other than
/// tab and line feed (ESC starts escape sequences, BEL rings, CR rewrites
/// the line), DEL, the C1 controls (U+009B is a one-character CSI on some
/// terminals) and the bidirectional overrides and isolates, which make text
/// read in another order than it is stored.
fn unsafe_on_terminal(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text from a draft, a commit or a configuration file, made safe to print
/// on a terminal: each character that could act on the terminal is shown as
/// a visible escape (`\u{1b}`) instead. Borrowed when there is none.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !has_unsafe_on_terminal(text.as_bytes()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_on_terminal(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether any character of `b` (UTF-8) is [`unsafe_on_terminal`], read
/// from its bytes: each such character starts with a byte below 0x20, 0x7F,
/// 0xC2 (C1) or 0xE2 (the bidirectional ones). Sixteen bytes at a time, and
/// only those bytes are looked at: a draft has a dash or a quote (0xE2) in
/// most paragraphs, and the terminal redline passes all of its text here.
fn has_unsafe_on_terminal(b: &[u8]) -> bool {
    let at = |i: usize| match b[i] {
        b'\t' | b'\n' => false,
        0..=0x1f | 0x7f => true,
        0xC2 => matches!(b.get(i + 1), Some(0x80..=0x9f)),
        0xE2 => matches!(
            (b.get(i + 1), b.get(i + 2)),
            (Some(0x80), Some(0xAA..=0xAE)) | (Some(0x81), Some(0xA6..=0xA9))
        ),
        _ => false,
    };
    let suspect = |v: Lanes| v.le(0x1f) | v.eq(0x7f) | v.eq(0xC2) | v.eq(0xE2);
    let mut i = 0;
    while let Some(j) = Lanes::find(b, i, b'a', suspect) {
        if at(j) {
            return true;
        }
        i = j + 1;
    }
    false
}

/// A writer that passes text through [`terminal_safe`]: for formats meant
/// for files (CriticMarkup) when they are printed on a terminal. Input is
/// UTF-8; a character split across two writes is held until it is whole.
pub struct TerminalSafe<W: std::io::Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: std::io::Write> TerminalSafe<W> {
    /// Wraps `inner`, which receives the escaped text.
    pub fn new(inner: W) -> Self {
        TerminalSafe {
            inner,
            pending: Vec::new(),
        }
    }
}

impl<W: std::io::Write> std::io::Write for TerminalSafe<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let valid = match std::str::from_utf8(&self.pending) {
            Ok(s) => s.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            // Not UTF-8 at all: nothing to escape by character; pass it on.
            Err(_) => {
                self.inner.write_all(&self.pending)?;
                self.pending.clear();
                return Ok(buf.len());
            }
        };
        let text = std::str::from_utf8(&self.pending[..valid]).unwrap_or_default();
        self.inner.write_all(terminal_safe(text).as_bytes())?;
        self.pending.drain(..valid);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            self.inner.write_all(&self.pending)?;
            self.pending.clear();
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A block's lines and, with no path, its place read as `LineRange`'s
    /// own formatting shows them.
    #[test]
    fn line_ranges_read_as_their_display() {
        let text = "---\nkind: nghi-quyet\nissuer:\n  name: X\ntitle: t\n---\n\nMột\nhai ba.\n";
        let draft = duthao_model::reader::read(text, std::path::Path::new("t.md")).unwrap();
        let mut block = draft.body.blocks[0].clone();
        for (start, end) in [(1, 1), (9, 10), (12, 15), (999, 1000), (u32::MAX, u32::MAX)] {
            let lines = duthao_model::LineRange { start, end };
            let mut s = String::from("x");
            push_line_range(&mut s, lines);
            assert_eq!(s, format!("x{lines}"));
            block.lines = lines;
            block.path = Default::default();
            assert_eq!(path_display(&block), format!("line {lines}"));
        }
    }

    #[test]
    fn controls_are_shown_escaped() {
        assert_eq!(terminal_safe("Điều 1 — “x”"), "Điều 1 — “x”");
        assert!(matches!(terminal_safe("tab\tand\nline"), Cow::Borrowed(_)));
        assert_eq!(terminal_safe("a\u{1b}[2Jb\u{7}"), "a\\u{1b}[2Jb\\u{7}");
        assert_eq!(
            terminal_safe("x\u{9b}31m\u{202e}y\r"),
            "x\\u{9b}31m\\u{202e}y\\u{d}"
        );
    }

    /// The byte check finds exactly the characters the character rule
    /// names: every scalar value up to U+3000 and the bidirectional
    /// controls, at every offset against the sixteen-byte steps.
    #[test]
    fn the_byte_check_agrees_with_the_character_rule() {
        let pad = "Đảng “ộ” — ";
        for c in (0u32..0x3000)
            .chain(0x2060..0x2070)
            .filter_map(char::from_u32)
        {
            for k in [0, 1, 5, 14, 15, 16, 17, 30] {
                let text = format!("{}{c}{}", &"x".repeat(k), pad.repeat(3));
                assert_eq!(
                    has_unsafe_on_terminal(text.as_bytes()),
                    text.chars().any(unsafe_on_terminal),
                    "{:x} at {k}",
                    c as u32
                );
            }
        }
    }

    /// Paths are shown as reviewers cite them: labels, unnumbered positions
    /// and footnotes, and as `Display` shows them.
    #[test]
    fn paths_are_shown_as_displayed() {
        let text = "---\nkind: nghi-quyet\nissuer:\n  name: X\ntitle: Y\n---\n\nMở đầu.\n\nPhần I\n\nI. Một\n\n1. Nội dung[^a].\n\nĐoạn.\n\na) Điểm.\n\n[^a]: Chú thích.\n";
        let draft = duthao_model::reader::read(text, std::path::Path::new("t.md")).expect("draft");
        let shown: Vec<String> = draft.body.blocks.iter().map(path_display).collect();
        assert_eq!(
            shown,
            [
                "¶1",
                "Phần I",
                "Phần I > I",
                "Phần I > I > 1",
                "Phần I > I > 1 > ¶1",
                "Phần I > I > 1 > a)",
                "[^a]"
            ]
        );
        for (b, p) in draft.body.blocks.iter().zip(&shown) {
            assert_eq!(*p, b.path.to_string());
        }
    }

    #[test]
    fn the_writer_escapes_across_split_characters() {
        use std::io::Write;
        let mut w = TerminalSafe::new(Vec::new());
        let text = "đ\u{1b}ư".as_bytes();
        w.write_all(&text[..1]).expect("write");
        w.write_all(&text[1..]).expect("write");
        w.flush().expect("flush");
        assert_eq!(String::from_utf8(w.inner).expect("utf-8"), "đ\\u{1b}ư");
    }
}

use duthao_model::lanes::Lanes;
use duthao_model::{Block, PathSegment, StructuralPath};

/// How the two versions are named to the reader: "Dự thảo lần 1", "v2",
/// a file name, "bản đang soạn"…
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    /// The name of the old (FROM) version.
    pub from: String,
    /// The name of the new (TO) version.
    pub to: String,
}

impl Labels {
    /// Names the old version `from` and the new one `to`.
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Self {
        Labels {
            from: from.into(),
            to: to.into(),
        }
    }
}

/// The top-level section a block belongs to ("Phần I", "II", "Điều 3"), or
/// `None` for text before the first numbered heading.
pub fn section_of(path: &StructuralPath) -> Option<String> {
    match path.first() {
        Some(PathSegment::Label(l)) => Some(l.text.to_string()),
        _ => None,
    }
}

/// A block's structural path for display; a block with no path (a preamble
/// paragraph the reader could not place) shows its line.
pub fn path_display(block: &Block) -> String {
    let mut s = String::with_capacity(48);
    push_path_display(&mut s, block);
    s
}

/// [`path_display`], added to `s`. Built from the path's pieces: the HTML
/// page shows a path for every change three times, the terminal redline
/// once in every header, and the formatting machinery cost more than the
/// rest of the line.
pub(crate) fn push_path_display(s: &mut String, block: &Block) {
    if block.path.is_empty() {
        s.push_str("line ");
        push_line_range(s, block.lines);
    } else {
        block.path.for_each_piece(|piece| s.push_str(piece));
    }
}

/// A block's lines as [`duthao_model::LineRange`] shows them ("12" or
/// "12-15"), added to `s` without the formatting machinery.
pub(crate) fn push_line_range(s: &mut String, lines: duthao_model::LineRange) {
    s.push_str(itoa::Buffer::new().format(lines.start));
    if lines.end != lines.start {
        s.push('-');
        s.push_str(itoa::Buffer::new().format(lines.end));
    }
}
