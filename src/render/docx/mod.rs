//! DOCX in the official layout.
//!
//! [`export`] writes one draft: the header table, number and date, type name
//! and trích yếu, the whole body, the signature block and "Nơi nhận", page
//! numbers from page 2, and the draft mark. [`export_redline`] writes the TO
//! version of a diff with every change as a Word tracked change.
//!
//! Everything is built with docx-rs elements. The front matter and closing
//! block form a document shell that docx-rs packs; the body is rendered block
//! by block straight into the shell's place (a docx-rs paragraph weighs about
//! 2.4 KB, so a 1,000-page tree would not fit the memory bar). The package is
//! then normalised (revision ids, relationship order, core and custom
//! properties, footnote marks and separators) and re-packed deflated with
//! fixed timestamps, so the same input always gives the same bytes.
//! Footnotes are real Word footnotes; list numbering is the drafter's text,
//! never Word numbering.

mod build;
mod package;
mod redline;

pub use build::Revision;
pub use redline::{TextOp, TrackedBlock, export_redline, export_tracked, tracked_blocks};

use crate::model::Draft;
use crate::profile::layout::Layout;

/// The document type as the profile's kinds name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindInfo {
    /// "NGHỊ QUYẾT"
    pub name: String,
    /// "NQ"
    pub code: String,
}

/// Whether the document carries a draft mark on its first page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftMark {
    /// `Some(n)`: "Dự thảo lần n" (a submitted version); `None`: "DỰ THẢO" (working text).
    Draft { version: Option<u32> },
    /// No mark: the signed-off document.
    Final,
}

/// Where the exported text came from; written to the custom document properties
/// so `verify` can later tell whether a DOCX matches what was approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    pub slug: String,
    pub version: Option<u32>,
    pub commit: Option<String>,
    /// Hex SHA-256 of the draft file's bytes.
    pub source_sha256: String,
    /// RFC 3339 time of the commit, used for the created/modified properties
    /// when known; otherwise the draft's date is used. Never the wall clock.
    pub committed_at: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error("cannot write the DOCX package: {0}")]
    Package(String),
    #[error("the draft has no {0}; the official layout needs it")]
    Missing(&'static str),
}

impl From<zip::result::ZipError> for DocxError {
    fn from(e: zip::result::ZipError) -> Self {
        DocxError::Package(e.to_string())
    }
}

impl From<std::io::Error> for DocxError {
    fn from(e: std::io::Error) -> Self {
        DocxError::Package(e.to_string())
    }
}

/// The DOCX bytes of `draft` in `layout`.
pub fn export(
    draft: &Draft,
    layout: &Layout,
    kind: &KindInfo,
    mark: DraftMark,
    provenance: &Provenance,
) -> Result<Vec<u8>, DocxError> {
    let mut w = build::Writer::new(layout);
    let referenced = w.collect_footnotes(draft);
    let blocks = &draft.body.blocks;
    let mut render = |w: &mut build::Writer, i: usize, r: &std::collections::HashSet<String>| {
        w.block(&blocks[i], r)
    };
    let (shell, body_start) = w.document_shell(
        &draft.front,
        kind,
        mark,
        referenced,
        blocks.len(),
        &mut render,
    )?;
    let props = package::Properties::new(draft, kind, provenance);
    package::finish_streamed(shell, &props, false, |out| {
        w.stream_body(&body_start, &mut render, out)
    })
}
