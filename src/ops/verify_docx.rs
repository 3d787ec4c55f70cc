//! `verify --docx FILE`: whether a DOCX is exactly the final export of an
//! approved, issued version. The export is deterministic, so the check is
//! to export again and compare bytes; when they differ, where: the parts
//! and, word by word, the paragraphs.

use std::path::{Path, PathBuf};

use duthao_docx_read::{ParagraphEdit, PartEdit, Piece, compare, custom_properties};

use super::export::{Which, export};
use super::import::MAX_DOCX_BYTES;
use crate::workspace::{Result, Workspace};

/// A changed paragraph, as a line of redline.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ChangedParagraph {
    /// Its number among the final export's paragraphs (from 1).
    pub paragraph: usize,
    /// `changed`, `added` or `removed`.
    pub edit: &'static str,
    /// The approved text of the paragraph.
    pub approved: String,
    /// The file's text.
    pub found: String,
    /// `[-deleted-]{+inserted+}` word redline.
    pub redline: String,
}

/// What `verify --docx` found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DocxCheck {
    /// The file checked.
    pub file: PathBuf,
    /// Exactly the final export of an approved, issued version.
    pub exact: bool,
    /// The draft its properties name.
    pub slug: Option<String>,
    /// The version they name.
    pub version: Option<String>,
    /// Số, as they record it.
    pub number: Option<String>,
    /// Why it is not exact, in sentences.
    pub problems: Vec<String>,
    /// The package parts that differ from the final export.
    pub parts: Vec<String>,
    /// The paragraphs whose text differs from the approved text.
    pub paragraphs: Vec<ChangedParagraph>,
    /// Changed paragraphs beyond those listed.
    pub more_paragraphs: usize,
}

impl DocxCheck {
    /// The report, line by line, for a terminal.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        let name = self.file.display();
        if self.exact {
            out.push(format!(
                "✓ {name} is exactly the final document of {} (Dự thảo lần {}, số {}), as approved and issued.",
                self.slug.as_deref().unwrap_or("?"),
                self.version.as_deref().unwrap_or("?"),
                self.number.as_deref().unwrap_or("?")
            ));
            return out;
        }
        out.push(format!(
            "✗ {name} is not the final document as approved and issued."
        ));
        for p in &self.problems {
            out.push(format!("  {p}"));
        }
        if !self.parts.is_empty() {
            out.push(format!("  parts that differ: {}", self.parts.join(", ")));
        }
        for p in &self.paragraphs {
            out.push(format!("  ¶{} ({}): {}", p.paragraph, p.edit, p.redline));
        }
        if self.more_paragraphs > 0 {
            out.push(format!(
                "  … and {} more changed paragraph(s)",
                self.more_paragraphs
            ));
        }
        out
    }
}

/// Checks `file` against the final export its properties name.
pub fn verify_docx(ws: &Workspace, file: &Path) -> Result<DocxCheck> {
    let bytes = crate::fsutil::read_input(file, MAX_DOCX_BYTES, "Word files")?;
    let mut check = DocxCheck {
        file: file.to_path_buf(),
        exact: false,
        slug: None,
        version: None,
        number: None,
        problems: Vec::new(),
        parts: Vec::new(),
        paragraphs: Vec::new(),
        more_paragraphs: 0,
    };
    let props = match custom_properties(&bytes) {
        Ok(p) => p,
        Err(e) => {
            check
                .problems
                .push(format!("it cannot be read as a DOCX: {e}"));
            return Ok(check);
        }
    };
    let get = |k: &str| props.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    check.slug = get("duthao.slug");
    check.version = get("duthao.version");
    check.number = get("duthao.issue.number");
    let Some(slug) = check.slug.clone() else {
        check.problems.push(
            "it records no duthao provenance (no duthao.slug property): it is not a document duthao exported".into(),
        );
        return Ok(check);
    };
    if get("duthao.final").as_deref() != Some("true") {
        check.problems.push(format!(
            "it is not a final document (no duthao.final property): a draft, a comparison or a report of {slug}"
        ));
        return Ok(check);
    }
    if !crate::workspace::is_slug(&slug) || !ws.draft_exists(&slug) {
        check.problems.push(format!(
            "it names the draft {slug:?}, which this workspace does not have"
        ));
        return Ok(check);
    }
    let expected = match export(ws, &slug, &Which::Final) {
        Ok(e) => e.bytes,
        Err(e) => {
            check
                .problems
                .push(format!("no final document can be made: {e}"));
            return Ok(check);
        }
    };
    if expected == bytes {
        check.exact = check.problems.is_empty();
        return Ok(check);
    }
    let expected_props = custom_properties(&expected).unwrap_or_default();
    let expected_get = |k: &str| {
        expected_props
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
    };
    for (key, what) in [
        ("duthao.version", "version"),
        ("duthao.content-sha256", "approved text's hash"),
        ("duthao.issue.number", "number"),
        ("duthao.issue.date", "date"),
    ] {
        let (want, found) = (expected_get(key), get(key));
        if want != found {
            check.problems.push(format!(
                "its {what} is {} but the issued document's is {}",
                found.as_deref().unwrap_or("(none)"),
                want.as_deref().unwrap_or("(none)")
            ));
        }
    }
    match compare(&expected, &bytes) {
        Ok(diff) => {
            check.parts = diff
                .parts
                .iter()
                .map(|p| {
                    let how = match p.edit {
                        PartEdit::Changed => "changed",
                        PartEdit::Added => "added",
                        PartEdit::Removed => "removed",
                    };
                    format!("{} ({how})", p.name)
                })
                .collect();
            check.more_paragraphs = diff.more_paragraphs;
            check.paragraphs = diff
                .paragraphs
                .iter()
                .map(|p| ChangedParagraph {
                    paragraph: p.paragraph,
                    edit: match p.edit {
                        ParagraphEdit::Changed => "changed",
                        ParagraphEdit::Added => "added",
                        ParagraphEdit::Removed => "removed",
                    },
                    approved: p.old.clone(),
                    found: p.new.clone(),
                    redline: redline(&p.redline),
                })
                .collect();
            if diff.repackaged && diff.parts.is_empty() {
                check.problems.push(
                    "every part is the same, but the file was saved again (repackaged): its bytes are not the export's".into(),
                );
            } else if check.paragraphs.is_empty() && !check.parts.is_empty() {
                check.problems.push(
                    "the text is the approved text, but the layout or the properties were changed"
                        .into(),
                );
            } else if !check.paragraphs.is_empty() {
                check.problems.push(
                    "the text was edited after export; the changes against the approved text:"
                        .into(),
                );
            }
        }
        Err(e) => check.problems.push(format!("it cannot be compared: {e}")),
    }
    if check.problems.is_empty() {
        check
            .problems
            .push("its bytes differ from the final export".into());
    }
    Ok(check)
}

/// `…context [-old-]{+new+} context…`, long unchanged runs shortened.
fn redline(pieces: &[Piece]) -> String {
    const CONTEXT: usize = 40;
    let mut out = String::new();
    let last = pieces.len().saturating_sub(1);
    for (i, p) in pieces.iter().enumerate() {
        match p {
            Piece::Same(t) => {
                let chars: Vec<char> = t.chars().collect();
                if chars.len() <= 2 * CONTEXT {
                    out.push_str(t);
                } else {
                    let head: String = chars[..CONTEXT].iter().collect();
                    let tail: String = chars[chars.len() - CONTEXT..].iter().collect();
                    match (i == 0, i == last) {
                        (true, _) => {
                            out.push('…');
                            out.push_str(&tail);
                        }
                        (_, true) => {
                            out.push_str(&head);
                            out.push('…');
                        }
                        _ => {
                            out.push_str(&head);
                            out.push_str(" … ");
                            out.push_str(&tail);
                        }
                    }
                }
            }
            Piece::Deleted(t) => out.push_str(&format!("[-{t}-]")),
            Piece::Inserted(t) => out.push_str(&format!("{{+{t}+}}")),
        }
    }
    out
}
