//! Reads a DOCX that comes back from review: what Word, LibreOffice or
//! python-docx left in it, in neutral types that know nothing of drafts.
//!
//! [`read`] gives, in document order, the paragraphs (with duthao's hidden
//! marker when the paragraph sits inside one, the text with tracked changes
//! accepted and with them rejected), the margin comments (author, date, the
//! passage they cover, the comment they answer, the resolved flag) and the
//! tracked changes. [`parse_marker`] reads a marker's name back.
//! [`custom_properties`] gives the custom document properties, where the
//! writer records a file's provenance and sign-off; [`compare`] says where
//! two files differ, part by part and paragraph by paragraph, with a
//! word-level redline.
//!
//! The file is treated as hostile: the package and each part are bounded in
//! size as they are inflated ([`MAX_FILE`], [`MAX_PART`], [`MAX_TOTAL`]),
//! an entry that inflates suspiciously far is refused ([`MAX_RATIO`]), XML
//! is parsed without DTDs and with a bound on nodes ([`MAX_NODES`]), and the
//! document tree is walked without recursion. Every failure is a
//! [`ReadError`], never a panic.
#![warn(missing_docs)]

mod comments;
mod compare;
mod document;
mod package;
mod properties;

pub use comments::MAX_QUOTES;
pub use compare::{
    DocxDifference, MAX_REPORTED, ParagraphChange, ParagraphEdit, PartChange, PartEdit, Piece,
    compare,
};
pub use package::{MAX_FILE, MAX_PART, MAX_PARTS, MAX_RATIO, MAX_TOTAL};
pub use properties::custom_properties;

use package::Package;

/// The most XML nodes one part may have.
pub const MAX_NODES: u32 = 8_000_000;

/// What a DOCX holds for an importer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordFile {
    /// The main document's paragraphs, table cells' included, in order.
    pub paragraphs: Vec<Paragraph>,
    /// The margin comments (replies included), in the order their ranges
    /// start in the document; comments anchored nowhere come last.
    pub comments: Vec<WordComment>,
    /// The tracked insertions and deletions, in document order.
    pub changes: Vec<TrackedChange>,
}

/// One paragraph of the main document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paragraph {
    /// The name of the duthao marker (a bookmark starting `_dt`) the
    /// paragraph is in, if any; see [`parse_marker`].
    pub marker: Option<String>,
    /// The text with every tracked change accepted (insertions in,
    /// deletions out). Tabs are `\t`, line breaks `\n`.
    pub text: String,
    /// The text with every tracked change rejected.
    pub original: String,
    /// Whether the paragraph is in a table cell.
    pub in_table: bool,
}

/// A margin comment, or a reply to one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordComment {
    /// The comment's `w:id` in this file.
    pub id: String,
    /// Its author.
    pub author: String,
    /// The author's initials, when the file has them.
    pub initials: Option<String>,
    /// When it was written, as the file has it (ISO 8601).
    pub date: Option<String>,
    /// The comment; its paragraphs joined by `\n`.
    pub text: String,
    /// The paragraph (index in [`WordFile::paragraphs`]) where its range
    /// starts, or where its reference mark stands when it has no range.
    pub paragraph: Option<usize>,
    /// Byte offset in that paragraph's [`Paragraph::original`] where the
    /// range starts.
    pub offset: Option<usize>,
    /// The text inside its range, tracked changes rejected (the text the
    /// reviewer received); paragraphs joined by `\n`.
    pub quote: String,
    /// The `id` of the comment this one answers.
    pub parent: Option<String>,
    /// Whether it is marked resolved.
    pub done: bool,
}

/// What a tracked change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// Text inserted (`w:ins`, or `w:moveTo`).
    Insert,
    /// Text deleted (`w:del`, or `w:moveFrom`).
    Delete,
}

/// One tracked change of runs. Changes to a paragraph mark or a table row
/// alone carry no text and are not listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedChange {
    /// The paragraph it is in.
    pub paragraph: usize,
    /// Insertion or deletion.
    pub kind: ChangeKind,
    /// The text inserted or deleted.
    pub text: String,
    /// Who made it.
    pub author: Option<String>,
    /// When (ISO 8601), as the file has it.
    pub date: Option<String>,
}

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Not a zip archive at all; the zip reader's message.
    NotZip(String),
    /// A zip, but without a main document part (`word/document.xml`).
    NotDocx,
    /// A zip entry could not be inflated.
    Zip {
        /// The entry.
        part: String,
        /// The zip reader's message.
        message: String,
    },
    /// The file or a part is larger than the reader accepts.
    TooBig {
        /// The part, or "the file".
        part: String,
        /// The limit, in bytes.
        limit: u64,
    },
    /// A part would inflate far more than XML does: a zip bomb.
    Suspicious {
        /// The entry.
        part: String,
        /// How many times larger than stored it claims to be.
        ratio: u64,
    },
    /// The package has more entries than the reader accepts.
    TooManyParts {
        /// The limit.
        limit: usize,
    },
    /// A part is not well-formed XML (or not UTF-8, or too many nodes).
    Xml {
        /// The part.
        part: String,
        /// The parser's message.
        message: String,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotZip(m) => write!(f, "not a DOCX file: not a zip archive ({m})"),
            ReadError::NotDocx => write!(
                f,
                "not a DOCX file: the zip archive has no word/document.xml"
            ),
            ReadError::Zip { part, message } => {
                write!(f, "the DOCX is damaged: cannot read {part} ({message})")
            }
            ReadError::TooBig { part, limit } => write!(
                f,
                "the DOCX is too large: {part} is over {} MiB",
                limit >> 20
            ),
            ReadError::Suspicious { part, ratio } => write!(
                f,
                "the DOCX is refused: {part} would inflate {ratio} times its stored size"
            ),
            ReadError::TooManyParts { limit } => {
                write!(f, "the DOCX is refused: it has more than {limit} parts")
            }
            ReadError::Xml { part, message } => {
                write!(
                    f,
                    "the DOCX is damaged: {part} is not valid XML ({message})"
                )
            }
        }
    }
}

impl std::error::Error for ReadError {}

/// The deepest element nesting accepted. Word's own documents stay far
/// below; roxmltree builds its tree recursively, so a hostile file nested
/// hundreds of thousands deep would overflow the stack.
pub const MAX_DEPTH: usize = 1024;

/// The deepest element nesting of `text`, counted on its bytes before any
/// parser sees it (`Err` as soon as it passes [`MAX_DEPTH`]). Markup inside
/// quoted attribute values, comments and CDATA is skipped well enough for a
/// bound: the parser still judges well-formedness.
fn depth_ok(text: &str) -> bool {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        i += off + 1;
        match b.get(i) {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(b'?' | b'!') => {}
            Some(_) => {
                // Find the tag's end outside quotes.
                let mut quote = None;
                let mut j = i;
                while j < b.len() {
                    match (b[j], quote) {
                        (q @ (b'"' | b'\''), None) => quote = Some(q),
                        (c, Some(q)) if c == q => quote = None,
                        (b'>', None) => break,
                        _ => {}
                    }
                    j += 1;
                }
                if j == 0 || b.get(j - 1) != Some(&b'/') {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return false;
                    }
                }
                i = j;
            }
            None => break,
        }
    }
    true
}

/// Parses one part, DTDs refused, depth and nodes bounded.
pub(crate) fn parse<'t>(part: &str, text: &'t str) -> Result<roxmltree::Document<'t>, ReadError> {
    if !depth_ok(text) {
        return Err(ReadError::Xml {
            part: part.into(),
            message: format!("elements nested more than {MAX_DEPTH} deep"),
        });
    }
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
    };
    roxmltree::Document::parse_with_options(text, opts).map_err(|e| ReadError::Xml {
        part: part.into(),
        message: e.to_string(),
    })
}

/// Reads a DOCX's paragraphs, comments and tracked changes.
pub fn read(bytes: &[u8]) -> Result<WordFile, ReadError> {
    let mut pkg = Package::open(bytes)?;
    let rels = Rels::of_package(&mut pkg)?;
    let main = rels.main.unwrap_or_else(|| "word/document.xml".to_string());
    let Some(doc_text) = pkg.text(&main)? else {
        return Err(ReadError::NotDocx);
    };
    let doc_rels_name = rels_of(&main);
    let doc_rels = match pkg.text(&doc_rels_name)? {
        Some(t) => relationships(&doc_rels_name, &t, &main)?,
        None => Vec::new(),
    };
    let target = |suffix: &str, fallback: &str| {
        doc_rels
            .iter()
            .find(|(ty, _)| ty.ends_with(suffix))
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| fallback.to_string())
    };
    let comments_name = target("/comments", "word/comments.xml");
    let extended_name = target("/commentsExtended", "word/commentsExtended.xml");

    let doc = parse(&main, &doc_text)?;
    let walked = document::walk(&doc);
    let mut comments = Vec::new();
    if let Some(t) = pkg.text(&comments_name)? {
        let cdoc = parse(&comments_name, &t)?;
        let extended = match pkg.text(&extended_name)? {
            Some(x) => comments::threads(&parse(&extended_name, &x)?),
            None => Default::default(),
        };
        comments = comments::read(&comments_name, &cdoc, &extended, &walked)?;
    }
    Ok(WordFile {
        paragraphs: walked.paragraphs,
        comments,
        changes: walked.changes,
    })
}

/// What the package relationships point to: the main document and the
/// custom properties.
pub(crate) struct Rels {
    pub main: Option<String>,
    pub custom: Option<String>,
}

impl Rels {
    pub fn of_package(pkg: &mut Package<'_>) -> Result<Rels, ReadError> {
        let Some(t) = pkg.text("_rels/.rels")? else {
            return Ok(Rels {
                main: None,
                custom: None,
            });
        };
        let rels = relationships("_rels/.rels", &t, "")?;
        let find = |suffix: &str| {
            rels.iter()
                .find(|(ty, _)| ty.ends_with(suffix))
                .map(|(_, t)| t.clone())
        };
        Ok(Rels {
            main: find("/officeDocument"),
            custom: find("/custom-properties"),
        })
    }
}

/// The relationships part of `part`.
fn rels_of(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// (type, target as a part name) of each internal relationship in a
/// relationships part belonging to `source`.
fn relationships(name: &str, text: &str, source: &str) -> Result<Vec<(String, String)>, ReadError> {
    let doc = parse(name, text)?;
    let base = source.rsplit_once('/').map_or("", |(d, _)| d);
    let mut out = Vec::new();
    for r in doc.descendants().filter(|n| n.has_tag_name("Relationship")) {
        if r.attribute("TargetMode") == Some("External") {
            continue;
        }
        let (Some(ty), Some(target)) = (r.attribute("Type"), r.attribute("Target")) else {
            continue;
        };
        out.push((ty.to_string(), resolve(base, target)));
    }
    Ok(out)
}

/// A relationship target as a part name: relative to `base`, or absolute.
fn resolve(base: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if let Some(abs) = target.strip_prefix('/') {
        return normalise(abs.split('/').collect());
    } else if base.is_empty() {
        Vec::new()
    } else {
        base.split('/').collect()
    };
    parts.extend(target.split('/'));
    normalise(parts)
}

fn normalise(parts: Vec<&str>) -> String {
    let mut out: Vec<&str> = Vec::new();
    for p in parts {
        match p {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    out.join("/")
}

/// Where a duthao marker says a paragraph comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// The block's index in the draft's body.
    pub block: usize,
    /// The first 8 hex characters of the block's fingerprint.
    pub fingerprint: String,
    /// Which paragraph of the block.
    pub part: MarkerPart,
}

/// Which paragraph of a block a marker names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerPart {
    /// The block's first (usually only) paragraph.
    First,
    /// Its paragraph `k` (from 1), as a code block has one per line.
    Paragraph(usize),
    /// The paragraph of a table cell; row 0 is the header row.
    Cell {
        /// Row.
        row: usize,
        /// Column.
        col: usize,
    },
}

/// Reads a marker name the DOCX writer gives a paragraph:
/// `_dt{block}_{fingerprint}`, then `_p{k}` or `_r{row}c{col}`.
pub fn parse_marker(name: &str) -> Option<Marker> {
    let rest = name.strip_prefix("_dt")?;
    let (block, rest) = rest.split_once('_')?;
    let block = digits(block)?;
    let (fingerprint, part) = match rest.split_once('_') {
        None => (rest, MarkerPart::First),
        Some((fp, tail)) => {
            let part = if let Some(k) = tail.strip_prefix('p') {
                MarkerPart::Paragraph(digits(k)?)
            } else {
                let (r, c) = tail.strip_prefix('r')?.split_once('c')?;
                MarkerPart::Cell {
                    row: digits(r)?,
                    col: digits(c)?,
                }
            };
            (fp, part)
        }
    };
    if fingerprint.is_empty() || !fingerprint.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(Marker {
        block,
        fingerprint: fingerprint.to_string(),
        part,
    })
}

fn digits(s: &str) -> Option<usize> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}
