//! Redline writers: one [`DraftDiff`](crate::diff::DraftDiff) shown as a
//! coloured terminal report, a self-contained HTML page, a JSON document, a
//! CriticMarkup text, or a per-section summary.

pub mod html;
pub mod json;
pub mod markdown;
pub mod stat;
pub mod terminal;

use crate::model::{Block, PathSegment, StructuralPath};

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
    match path.first() {
        Some(PathSegment::Label(l)) => Some(l.text.to_string()),
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
