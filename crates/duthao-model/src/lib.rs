//! The document model: what a draft *is*, independent of where it came from
//! (the reader) or where it goes (diff, review, render).
#![warn(missing_docs)]

mod block;
mod front;
pub mod issue_fields;
pub mod lanes;
mod path;
pub mod plain_yaml;
pub mod reader;

pub use block::{
    Block, BlockKind, Body, Fingerprint, FingerprintHasher, Inline, Inlines, LineRange, ListMarker,
    Run, Style, inline_text, is_normal_text,
};
pub use front::{DocDate, FrontMatter, Issuer, Signer};
pub use path::{Label, LabelKind, PathSegment, StructuralPath};

/// One draft as read from `drafts/<slug>.md`: typed front matter and a body of blocks.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Draft {
    /// The typed YAML front matter: kind, issuer, number, date, trích yếu, signer, nơi nhận.
    pub front: FrontMatter,
    /// The document's text after the front matter.
    pub body: Body,
}

impl Draft {
    /// The body's text, one block per line, for whole-document comparisons and hashes.
    pub fn body_text(&self) -> String {
        let mut out = String::new();
        for b in &self.body.blocks {
            out.push_str(&b.text());
            out.push('\n');
        }
        out
    }
}
