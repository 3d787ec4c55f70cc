//! Reads a draft file (YAML front matter + Markdown body) into the model.
//!
//! Text is normalised to NFC on read: Vietnamese text often arrives in NFD
//! from other tools, and must never show as a change.

mod body;
mod label;
mod plain_front;
mod structure;
mod tables;
mod yaml_error;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::{Body, Draft, FrontMatter};

pub use label::parse_label;

/// The largest draft we read. A 1,000-page document is about 3 MB; this leaves
/// room for any real document while keeping memory bounded.
pub const MAX_DRAFT_BYTES: usize = 64 * 1024 * 1024;

/// The most lines of text (not counting blank ones) a draft's body may have:
/// this many, plus one for every [`BYTES_PER_EXTRA_LINE`] bytes of the
/// draft. A 5,000-page document has about 80,000 lines in 15 MB. Every line
/// may become a block, a list item or a table row, each of which costs a
/// couple of hundred bytes however short its text: the limit keeps a draft
/// of millions of one-letter paragraphs from making the reader hold many
/// times the draft's size.
pub const MAX_BODY_LINES: usize = 100_000;

/// See [`MAX_BODY_LINES`].
pub const BYTES_PER_EXTRA_LINE: usize = 16;

/// Why a draft file could not be read. Each message names the file and, where
/// it can, the line, and says what to change.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The bytes are not UTF-8 (often a file saved in an old Vietnamese encoding).
    #[error(
        "{file}: not valid UTF-8 at byte {offset} (line {line}); save the file as UTF-8 (from an old Vietnamese encoding: iconv -f WINDOWS-1258 -t UTF-8) and try again"
    )]
    NotUtf8 {
        /// The draft as the caller names it in messages (`drafts/x.md`, `drafts/x.md@v2`).
        file: PathBuf,
        /// How many bytes from the start are valid UTF-8: the first bad byte.
        offset: usize,
        /// The 1-based line the first bad byte is on.
        line: usize,
    },
    /// The file is over [`MAX_DRAFT_BYTES`].
    #[error(
        "{file}: {size} bytes is larger than the {limit}-byte limit for one draft; split the document"
    )]
    TooLarge {
        /// The draft as the caller names it in messages (`drafts/x.md`, `drafts/x.md@v2`).
        file: PathBuf,
        /// The file's size in bytes.
        size: usize,
        /// The largest size allowed, [`MAX_DRAFT_BYTES`].
        limit: usize,
    },
    /// The file does not start with a `---` line opening the YAML front matter.
    #[error(
        "{file}:1: a draft starts with YAML front matter between two `---` lines (kind, issuer, title, …); add it at the top"
    )]
    NoFrontMatter {
        /// The draft as the caller names it in messages (`drafts/x.md`, `drafts/x.md@v2`).
        file: PathBuf,
    },
    /// The opening `---` has no closing `---` (or `...`) line.
    #[error(
        "{file}:{line}: the front matter opened here is never closed; add a line `---` after it"
    )]
    UnclosedFrontMatter {
        /// The draft as the caller names it in messages (`drafts/x.md`, `drafts/x.md@v2`).
        file: PathBuf,
        /// The line the front matter opens on (always 1).
        line: usize,
    },
    /// The front matter is empty, is not valid YAML, or a value has the wrong type or shape.
    #[error("{file}:{line}:{column}: front matter: {message}")]
    Yaml {
        /// The draft as the caller names it in messages (`drafts/x.md`, `drafts/x.md@v2`).
        file: PathBuf,
        /// The file line (1-based, counting the opening `---`) the problem is on.
        line: usize,
        /// The 1-based column the problem starts at.
        column: usize,
        /// What is wrong, explained for a drafter rather than in the YAML parser's words.
        message: String,
    },
    /// A required front-matter field is empty (`kind`, `title`, `issuer.name`, `signer.name`).
    #[error("{file}:{line}: `{key}` {message}")]
    Field {
        /// The draft as the caller names it in messages (`drafts/x.md`, `drafts/x.md@v2`).
        file: PathBuf,
        /// The file line of the key (1 when it is not found).
        line: usize,
        /// The key as it appears in the YAML (`name` for `issuer.name`).
        key: String,
        /// What is wrong with its value, and what to write there.
        message: String,
    },
    /// A table whose rows do not match its header: CommonMark would silently drop
    /// cells or the whole table.
    #[error("{file}:{line}: {message}")]
    Table {
        /// The draft as the caller names it in messages (`drafts/x.md`, `drafts/x.md@v2`).
        file: PathBuf,
        /// The file line of the faulty table row.
        line: usize,
        /// What is wrong with the row.
        message: String,
    },
    /// Nothing but blank lines after the front matter.
    #[error("{file}: the body is empty; write the text of the document below the front matter")]
    EmptyBody {
        /// The draft as the caller names it in messages (`drafts/x.md`, `drafts/x.md@v2`).
        file: PathBuf,
    },
    /// The body has more lines of text than [`MAX_BODY_LINES`] allows for a file of its size.
    #[error(
        "{file}: {lines} lines of text are more than the {limit} a draft of this size may have (100,000, plus one for every 16 bytes; a 5,000-page document has about 80,000); split the document"
    )]
    TooManyLines {
        /// The draft as the caller names it in messages (`drafts/x.md`, `drafts/x.md@v2`).
        file: PathBuf,
        /// The body's lines that are not blank.
        lines: usize,
        /// The most allowed: [`MAX_BODY_LINES`] plus one per [`BYTES_PER_EXTRA_LINE`]
        /// bytes of the file.
        limit: usize,
    },
}

impl ReadError {
    /// The draft the error is about, as the caller named it to the reader.
    pub fn file(&self) -> &Path {
        match self {
            ReadError::NotUtf8 { file, .. }
            | ReadError::TooLarge { file, .. }
            | ReadError::NoFrontMatter { file }
            | ReadError::UnclosedFrontMatter { file, .. }
            | ReadError::Yaml { file, .. }
            | ReadError::Field { file, .. }
            | ReadError::Table { file, .. }
            | ReadError::EmptyBody { file }
            | ReadError::TooManyLines { file, .. } => file,
        }
    }
}

/// What a draft is read from: its bytes, as on disk or in git, borrowed or
/// owned (owned bytes become the text without a copy), or text already
/// through [`decode`].
#[derive(Debug)]
pub enum Input<'a> {
    /// Bytes as stored: checked for UTF-8, BOM and CRLF removed, made NFC.
    Bytes(Cow<'a, [u8]>),
    /// Text [`decode`] has made ready.
    Text(DraftText),
}

impl<'a> From<&'a [u8]> for Input<'a> {
    fn from(b: &'a [u8]) -> Self {
        Input::Bytes(Cow::Borrowed(b))
    }
}

impl<'a, const N: usize> From<&'a [u8; N]> for Input<'a> {
    fn from(b: &'a [u8; N]) -> Self {
        Input::Bytes(Cow::Borrowed(b))
    }
}

impl<'a> From<&'a Vec<u8>> for Input<'a> {
    fn from(b: &'a Vec<u8>) -> Self {
        Input::Bytes(Cow::Borrowed(b))
    }
}

impl From<Vec<u8>> for Input<'_> {
    fn from(b: Vec<u8>) -> Self {
        Input::Bytes(Cow::Owned(b))
    }
}

impl<'a> From<&'a str> for Input<'a> {
    fn from(s: &'a str) -> Self {
        Input::Bytes(Cow::Borrowed(s.as_bytes()))
    }
}

impl<'a> From<&'a String> for Input<'a> {
    fn from(s: &'a String) -> Self {
        Input::Bytes(Cow::Borrowed(s.as_bytes()))
    }
}

impl From<String> for Input<'_> {
    fn from(s: String) -> Self {
        Input::Bytes(Cow::Owned(s.into_bytes()))
    }
}

impl From<DraftText> for Input<'_> {
    fn from(t: DraftText) -> Self {
        Input::Text(t)
    }
}

/// A draft's text as the reader reads it: valid UTF-8 of at most
/// [`MAX_DRAFT_BYTES`], without a BOM, with LF line ends, in NFC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftText(String);

impl DraftText {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::ops::Deref for DraftText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// A draft's text from its bytes: UTF-8 checked, size limited, BOM and CRLF
/// endings removed, NFC. For a caller that looks at the text before reading
/// it as a draft (for conflict markers, say); [`read`] takes the result
/// without decoding it again.
pub fn decode<'a>(input: impl Into<Input<'a>>, file: &Path) -> Result<DraftText, ReadError> {
    match input.into() {
        Input::Text(t) => Ok(t),
        Input::Bytes(Cow::Owned(bytes)) => decode_owned(bytes, file).map(DraftText),
        Input::Bytes(Cow::Borrowed(bytes)) => decode_borrowed(bytes, file).map(DraftText),
    }
}

/// Reads a draft: front matter and body. This is the one way a draft
/// becomes a [`Draft`]; `file` names it in error messages.
pub fn read<'a>(input: impl Into<Input<'a>>, file: &Path) -> Result<Draft, ReadError> {
    let text = decode(input, file)?;
    parse_text(text.0, file)
}

/// Reads only the front matter of a draft (for listing many drafts, where
/// the bodies are not needed).
pub fn read_front_matter<'a>(
    input: impl Into<Input<'a>>,
    file: &Path,
) -> Result<FrontMatter, ReadError> {
    let text = decode(input, file)?;
    let s = split(&text, file)?;
    front_matter(s.yaml, file)
}

/// Decodes and NFC-normalises a draft's bytes; strips a BOM and CRLF endings.
fn decode_borrowed(bytes: &[u8], file: &Path) -> Result<String, ReadError> {
    check_size(bytes.len(), file)?;
    let text = utf8(bytes, file)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = if memchr::memchr(b'\r', text.as_bytes()).is_some() {
        text.replace("\r\n", "\n")
    } else {
        text.to_string()
    };
    Ok(nfc(text))
}

/// [`decode_borrowed`] taking the bytes: the usual file (UTF-8, no BOM, LF,
/// NFC) becomes its text without a copy.
fn decode_owned(bytes: Vec<u8>, file: &Path) -> Result<String, ReadError> {
    check_size(bytes.len(), file)?;
    utf8(&bytes, file)?;
    // SAFETY: `utf8` has just validated these bytes.
    let mut text = unsafe { String::from_utf8_unchecked(bytes) };
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    if memchr::memchr(b'\r', text.as_bytes()).is_some() {
        text = text.replace("\r\n", "\n");
    }
    Ok(nfc(text))
}

fn check_size(size: usize, file: &Path) -> Result<(), ReadError> {
    if size > MAX_DRAFT_BYTES {
        return Err(ReadError::TooLarge {
            file: file.to_path_buf(),
            size,
            limit: MAX_DRAFT_BYTES,
        });
    }
    Ok(())
}

/// Validates UTF-8 with SIMD: Vietnamese text is a multi-byte character
/// every few bytes, where the standard library's check runs at a quarter of
/// the speed. Only a failure goes through the standard check, for its
/// position.
fn utf8<'a>(bytes: &'a [u8], file: &Path) -> Result<&'a str, ReadError> {
    // A long draft is checked in two halves on two cores, cut before a
    // character's first byte (an invalid file goes to the full check below
    // whatever the cut).
    let valid = match halves(bytes) {
        Some((a, b)) => {
            let (x, y) = rayon::join(
                || simdutf8::basic::from_utf8(a).is_ok(),
                || simdutf8::basic::from_utf8(b).is_ok(),
            );
            x && y
        }
        None => simdutf8::basic::from_utf8(bytes).is_ok(),
    };
    if valid {
        // SAFETY: both halves, cut before a character's first byte, are
        // valid UTF-8, so the whole is.
        return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => Err(not_utf8(bytes, e, file)),
    }
}

thread_local! {
    /// Set while this thread reads one of two drafts read side by side.
    static ONE_SIDE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Reads two drafts at once, `a` and `b` each on a core of its own
/// (`rayon::join`), each marked as one side ([`as_one_side`]) so that the
/// reads inside it keep to their core: the one way a comparison reads its
/// two sides.
pub fn side_by_side<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    rayon::join(|| as_one_side(a), || as_one_side(b))
}

/// Runs `read` as one of two drafts read at once (see [`side_by_side`]):
/// the reads inside it keep to their core.
pub(crate) fn as_one_side<R>(read: impl FnOnce() -> R) -> R {
    // Restored on the way out, a panic's too: a rayon worker lives on.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            ONE_SIDE.set(self.0);
        }
    }
    let _restore = Restore(ONE_SIDE.replace(true));
    read()
}

/// Whether a long draft may be read on every core: not while one side of a
/// comparison is read ([`side_by_side`]) with the other core reading the
/// other side, nor on a pool's other workers, nor in a pool of one thread.
/// Splitting again there gains no time, and every hand-over wakes a
/// sleeping thread: about a tenth of a redline's CPU time when the two
/// sides were also read by sections.
///
/// The main thread may itself be one of the pool's workers (the long
/// redline's pool, where it does work rather than wait on the others): it
/// is free whenever it is not reading one side.
pub(crate) fn cores_free() -> bool {
    !ONE_SIDE.get()
        && match rayon::current_thread_index() {
            None => true,
            Some(_) => {
                rayon::current_num_threads() > 1 && std::thread::current().name() == Some("main")
            }
        }
}

/// Bytes from which a text is worth checking on two cores.
const SPLIT_BYTES: usize = 1 << 20;

/// A long text cut in two near the middle, before the first byte that does
/// not continue a character.
fn halves(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    if bytes.len() < SPLIT_BYTES || !cores_free() {
        return None;
    }
    let mid = (bytes.len() / 2..bytes.len()).find(|&i| (bytes[i] & 0xC0) != 0x80)?;
    Some(bytes.split_at(mid))
}

fn not_utf8(bytes: &[u8], e: std::str::Utf8Error, file: &Path) -> ReadError {
    let offset = e.valid_up_to();
    ReadError::NotUtf8 {
        file: file.to_path_buf(),
        offset,
        line: bytes[..offset].iter().filter(|b| **b == b'\n').count() + 1,
    }
}

/// The text in Unicode NFC, so that the same Vietnamese letter typed
/// precomposed or decomposed (NFD) compares equal. Returns the text unchanged,
/// without a copy, when it is already NFC.
pub fn nfc(text: String) -> String {
    let surely = match halves(text.as_bytes()) {
        Some((a, _)) => {
            let (a, b) = text.split_at(a.len());
            let (x, y) = rayon::join(|| surely_nfc(a), || surely_nfc(b));
            x && y
        }
        None => surely_nfc(&text),
    };
    if surely {
        return text;
    }
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => text,
        _ => text.nfc().collect(),
    }
}

/// A one-pass check, on UTF-8 bytes, for text made only of characters that
/// are NFC whatever surrounds them (NFC_Quick_Check=Yes and combining class
/// 0): everything below U+0300 (ASCII, Latin-1, Latin Extended-A/B: ă, đ,
/// ơ, ư), Latin Extended Additional U+1E00–U+1EFF (the precomposed
/// Vietnamese letters) and U+2002–U+207F (dashes, quotes, ellipsis; U+2000
/// and U+2001 are singletons and excluded). A combining mark (U+0300–U+036F,
/// the NFD signal) or anything else sends the text to the full check.
fn surely_nfc(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    // Sixteen bytes at a time. A chunk passes when each of its bytes at or
    // above 0xCC (the lead bytes from U+0300 on) starts a character taken
    // here: E1 B8–BB (U+1E00–U+1EFF, the Vietnamese letters), E2 81, or E2
    // 80 82–BF (dashes, quotes, the ellipsis). The bytes after each lead are
    // read from the chunks one and two bytes on. Continuation bytes are all
    // below 0xCC, so a chunk may start or end inside a character.
    use crate::lanes::Lanes;
    while i + 18 <= b.len() {
        let v = Lanes::load(b, i);
        let (n1, n2) = (Lanes::load(b, i + 1), Lanes::load(b, i + 2));
        let vietnamese = v.eq(0xE1) & n1.masked_eq(0xFC, 0xB8);
        let punctuation = v.eq(0xE2) & (n1.eq(0x81) | (n1.eq(0x80) & n2.ge(0x82)));
        if v.ge(0xCC) & !(vietnamese | punctuation) == 0 {
            i += 16;
            continue;
        }
        match surely_nfc_at(b, i, i + 16) {
            Some(next) => i = next,
            None => return false,
        }
    }
    surely_nfc_at(b, i, b.len()).is_some()
}

/// The byte-by-byte form of [`surely_nfc`] from `i` (a character boundary)
/// until at least `end`; returns where it stopped (a character boundary), or
/// `None` at a character that needs the full check.
fn surely_nfc_at(b: &[u8], mut i: usize, end: usize) -> Option<usize> {
    while i < end {
        let c = b[i];
        // ASCII, continuation bytes (the text is valid UTF-8, so they only
        // follow a lead byte accepted below), and two-byte leads C2–CB
        // (U+0080–U+02FF).
        if c < 0xCC {
            i += 1;
            continue;
        }
        let ok = match (c, b.get(i + 1)) {
            (0xE1, Some(0xB8..=0xBB)) => true,
            (0xE2, Some(0x80)) => b.get(i + 2).is_some_and(|&x| x >= 0x82),
            (0xE2, Some(0x81)) => true,
            _ => false,
        };
        if !ok {
            return None;
        }
        i += 3;
    }
    Some(i)
}

/// The front matter's YAML, the body, and the file line the body starts on.
struct Split<'a> {
    yaml: &'a str,
    body: &'a str,
    body_first_line: u32,
}

fn split<'a>(text: &'a str, file: &Path) -> Result<Split<'a>, ReadError> {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| (text.trim_end() == "---").then_some(""))
    else {
        return Err(ReadError::NoFrontMatter {
            file: file.to_path_buf(),
        });
    };
    let mut pos = 0;
    for (line, l) in (2u32..).zip(rest.split_inclusive('\n')) {
        let bare = l.trim_end();
        if bare == "---" || bare == "..." {
            return Ok(Split {
                yaml: &rest[..pos],
                body: &rest[pos + l.len()..],
                body_first_line: line + 1,
            });
        }
        pos += l.len();
    }
    Err(ReadError::UnclosedFrontMatter {
        file: file.to_path_buf(),
        line: 1,
    })
}

/// The front matter's lines, with the `---` that open and close it (or the
/// whole text when it has none): enough to point at a front-matter key.
pub fn front_matter_text(text: &str) -> String {
    match split(text, Path::new("")) {
        Ok(s) => text[..text.len() - s.body.len()].to_string(),
        Err(_) => text.to_string(),
    }
}

fn front_matter(yaml: &str, file: &Path) -> Result<FrontMatter, ReadError> {
    if yaml.trim().is_empty() {
        return Err(ReadError::Yaml {
            file: file.to_path_buf(),
            line: 2,
            column: 1,
            message: "the front matter is empty; it needs at least kind, issuer and title"
                .to_string(),
        });
    }
    let fm = match plain_front::read(yaml) {
        Some(fm) => fm,
        None => slow_front_matter(yaml, file)?,
    };
    front_matter_fields(fm, yaml, file)
}

/// The front matter through the YAML parser: all of YAML, and every error
/// with its position.
fn slow_front_matter(yaml: &str, file: &Path) -> Result<FrontMatter, ReadError> {
    serde_yaml_ng::from_str(yaml).map_err(|e| {
        let message = e.to_string();
        let (line, column) = match e.location() {
            // With flattened keys serde reports a bad value (a date, a number)
            // at the start of the mapping; point at the value it quotes.
            Some(l) if l.line() == 1 && l.column() == 1 => {
                quoted_value_position(yaml, &message).unwrap_or((2, 1))
            }
            Some(l) => (l.line() + 1, l.column()),
            None => (2, 1),
        };
        // serde_yaml_ng appends " at line L column C"; we already say where.
        let message = match message.find(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        // Our own field checks run inside a flattened map, where the YAML
        // parser no longer knows the position; they name their key instead.
        let (line, column) = match message.split_once(": ") {
            Some((key, _)) if !key.contains(' ') && key_line(yaml, key) > 1 => {
                (key_line(yaml, key), 1)
            }
            _ => (line, column),
        };
        let e = yaml_error::explain(yaml, &message, line, column);
        ReadError::Yaml {
            file: file.to_path_buf(),
            line: e.line,
            column: e.column,
            message: e.message,
        }
    })
}

/// The checks serde cannot express: the fields a document cannot do without
/// must not be blank.
fn front_matter_fields(fm: FrontMatter, yaml: &str, file: &Path) -> Result<FrontMatter, ReadError> {
    let field = |key: &str, message: &str| ReadError::Field {
        file: file.to_path_buf(),
        line: key_line(yaml, key),
        key: key.to_string(),
        message: message.to_string(),
    };
    if fm.kind.trim().is_empty() {
        return Err(field(
            "kind",
            "is empty; name the document type, e.g. nghi-quyet",
        ));
    }
    if fm.title.trim().is_empty() {
        return Err(field(
            "title",
            "is empty; write the trích yếu, e.g. \"về tăng cường công tác …\"",
        ));
    }
    if fm.issuer.name.trim().is_empty() {
        return Err(field(
            "name",
            "(issuer.name) is empty; write the issuing body, e.g. TỈNH ỦY THÁI NGUYÊN",
        ));
    }
    if let Some(s) = &fm.signer
        && s.name.trim().is_empty()
    {
        return Err(field("signer", "has no name; write signer.name"));
    }
    Ok(fm)
}

/// File line and column of the first value that contains the text a serde
/// message quotes in backticks ("`2026-13-45` is not a date").
fn quoted_value_position(yaml: &str, message: &str) -> Option<(usize, usize)> {
    if message.starts_with("missing field") {
        return None;
    }
    let quoted = message.split('`').nth(1).filter(|q| !q.trim().is_empty())?;
    yaml.lines().enumerate().find_map(|(i, l)| {
        let value_start = l.find(':')? + 1;
        let at = value_start + l[value_start..].find(quoted)?;
        Some((i + 2, l[..at].chars().count() + 1))
    })
}

/// The file line of a top-level or nested `key:` in the front matter.
pub(crate) fn key_line(yaml: &str, key: &str) -> usize {
    let pat = format!("{key}:");
    yaml.lines()
        .position(|l| l.trim_start().starts_with(&pat))
        .map(|i| i + 2)
        .unwrap_or(1)
}

/// Parses decoded text, which is let go as soon as the blocks hold theirs.
fn parse_text(text: String, file: &Path) -> Result<Draft, ReadError> {
    let (front, raw, lines) = parse_parts(&text, file)?;
    // The blocks own their text now: let the file's go before the model grows.
    drop(text);
    Ok(Draft {
        front,
        body: Body {
            blocks: structure::assign(raw, &lines),
        },
    })
}

/// The front matter, the body's raw blocks and its line index: everything
/// that still reads the text.
fn parse_parts(
    text: &str,
    file: &Path,
) -> Result<(FrontMatter, Vec<body::Section>, structure::LineIndex), ReadError> {
    let s = split(text, file)?;
    let front = front_matter(s.yaml, file)?;
    if s.body.trim().is_empty() {
        return Err(ReadError::EmptyBody {
            file: file.to_path_buf(),
        });
    }
    let lines = text_lines(s.body);
    let limit = MAX_BODY_LINES + text.len() / BYTES_PER_EXTRA_LINE;
    if lines > limit {
        return Err(ReadError::TooManyLines {
            file: file.to_path_buf(),
            lines,
            limit,
        });
    }
    let raw = body::parse_blocks(s.body);
    if let Some(p) = tables::check(&raw, s.body) {
        return Err(ReadError::Table {
            file: file.to_path_buf(),
            line: s.body_first_line as usize + p.body_line,
            message: p.message,
        });
    }
    let lines = structure::LineIndex::new(s.body, s.body_first_line);
    Ok((front, raw, lines))
}

/// Lines with something other than spaces and tabs on them.
fn text_lines(body: &str) -> usize {
    let b = body.as_bytes();
    let mut count = 0;
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', b).chain(std::iter::once(b.len())) {
        if b[start..end]
            .iter()
            .any(|&c| !matches!(c, b' ' | b'\t' | b'\r'))
        {
            count += 1;
        }
        start = end + 1;
    }
    count
}

/// Serialises front matter back to YAML (used when writing new drafts, and to
/// check that nothing is dropped on a round trip).
pub fn front_matter_yaml(fm: &FrontMatter) -> Result<String, serde_yaml_ng::Error> {
    serde_yaml_ng::to_string(fm)
}

#[cfg(test)]
mod tests;
