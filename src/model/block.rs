use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::path::{Label, StructuralPath};

/// Inline emphasis as the drafter wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize)]
pub struct Style {
    #[serde(skip_serializing_if = "is_false")]
    pub bold: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub italic: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub strike: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub code: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub superscript: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A stretch of text with one style (and possibly a link target).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    pub text: String,
    #[serde(flatten)]
    pub style: Style,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Inline {
    Text(Run),
    /// `[^label]`; the definition is a `FootnoteDef` block.
    FootnoteRef {
        label: String,
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
    Ordered(String),
}

impl fmt::Display for ListMarker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListMarker::Bullet(c) => write!(f, "{c}"),
            ListMarker::Ordered(s) => f.write_str(s),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum BlockKind {
    Heading {
        level: u8,
        content: Vec<Inline>,
    },
    Paragraph {
        content: Vec<Inline>,
    },
    ListItem {
        marker: ListMarker,
        /// 0 for a top-level item, 1 for an item nested in another, ...
        depth: u8,
        content: Vec<Inline>,
    },
    Table {
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    Quote {
        content: Vec<Inline>,
    },
    FootnoteDef {
        label: String,
        content: Vec<Inline>,
    },
    Code {
        text: String,
    },
    Rule,
}

/// 1-based, inclusive line numbers in the draft file (front matter included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineRange {
    pub start: u32,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint(pub [u8; 16]);

impl Fingerprint {
    pub fn of(kind_tag: &str, text: &str) -> Self {
        let mut h = Sha256::new();
        h.update(kind_tag.as_bytes());
        h.update([0]);
        for (i, w) in text.split_whitespace().enumerate() {
            if i > 0 {
                h.update(b" ");
            }
            h.update(w.as_bytes());
        }
        let d = h.finalize();
        let mut out = [0u8; 16];
        out.copy_from_slice(&d[..16]);
        Fingerprint(out)
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
    #[serde(flatten)]
    pub kind: BlockKind,
    pub lines: LineRange,
    pub path: StructuralPath,
    /// The numbering label this block opens, if it starts with one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<Label>,
    pub fingerprint: Fingerprint,
}

impl Block {
    /// The block's text as a reader sees it, markers included, without markup.
    pub fn text(&self) -> String {
        self.kind.text()
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
        match self {
            BlockKind::Heading { content, .. }
            | BlockKind::Paragraph { content }
            | BlockKind::Quote { content } => inline_text(content),
            BlockKind::ListItem {
                marker, content, ..
            } => format!("{marker} {}", inline_text(content)),
            BlockKind::FootnoteDef { label, content } => {
                format!("[^{label}]: {}", inline_text(content))
            }
            BlockKind::Table { header, rows } => {
                let mut s = String::new();
                for row in std::iter::once(header).chain(rows.iter()) {
                    let cells: Vec<String> = row.iter().map(|c| inline_text(c)).collect();
                    s.push_str("| ");
                    s.push_str(&cells.join(" | "));
                    s.push_str(" |\n");
                }
                s.pop();
                s
            }
            BlockKind::Code { text } => text.clone(),
            BlockKind::Rule => "---".to_string(),
        }
    }

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

/// Plain text of a run of inlines; footnote references appear as `[^label]`.
pub fn inline_text(content: &[Inline]) -> String {
    let mut s = String::new();
    for i in content {
        match i {
            Inline::Text(r) => s.push_str(&r.text),
            Inline::FootnoteRef { label } => {
                s.push_str("[^");
                s.push_str(label);
                s.push(']');
            }
            Inline::LineBreak => s.push('\n'),
        }
    }
    s
}

/// The body of a draft, in reading order.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Body {
    pub blocks: Vec<Block>,
}
