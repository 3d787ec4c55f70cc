//! Redline writers: one [`DraftDiff`](crate::diff::DraftDiff) shown as a
//! coloured terminal report, a self-contained HTML page, a JSON document, a
//! CriticMarkup text, or a per-section summary.

pub mod html;
pub mod json;
pub mod markdown;
pub mod stat;
pub mod terminal;

use std::io::{self, Write};

use crate::diff::DraftDiff;
use crate::model::{Block, Draft, PathSegment, StructuralPath};

/// The output formats of `duthao diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Terminal,
    Html,
    Json,
    Markdown,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "terminal" => Ok(Format::Terminal),
            "html" => Ok(Format::Html),
            "json" => Ok(Format::Json),
            "markdown" | "md" => Ok(Format::Markdown),
            other => Err(format!(
                "unknown format `{other}`: use terminal, html, json or markdown"
            )),
        }
    }
}

/// Writes the diff in one format (`terminal` options apply to that format
/// only).
pub fn write(
    format: Format,
    out: &mut impl Write,
    diff: &DraftDiff,
    from: &Draft,
    to: &Draft,
    labels: &Labels,
    terminal: &terminal::TerminalOptions,
) -> io::Result<()> {
    match format {
        Format::Terminal => terminal::write(out, diff, from, to, labels, terminal),
        Format::Html => html::write(out, diff, from, to, labels),
        Format::Json => json::write(out, diff, from, to, labels),
        Format::Markdown => markdown::write(out, diff, from, to, labels),
    }
}

/// How the two versions are named to the reader: "Dự thảo lần 1", "v2",
/// a file name, "bản đang soạn"…
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    pub from: String,
    pub to: String,
}

impl Labels {
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
    match path.segments().first() {
        Some(PathSegment::Label(l)) => Some(l.text.clone()),
        _ => None,
    }
}

/// A block's structural path for display; a block with no path (a preamble
/// paragraph the reader could not place) shows its line.
pub fn path_display(block: &Block) -> String {
    if block.path.is_empty() {
        format!("line {}", block.lines)
    } else {
        block.path.to_string()
    }
}
