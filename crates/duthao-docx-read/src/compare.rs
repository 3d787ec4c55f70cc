//! Where two DOCX files differ: which package parts, and which paragraphs
//! with a word-level redline, so that a file edited after it was exported
//! can be shown against the text that was approved.
//!
//! Both files are read under the package's bounds (each is untrusted), the
//! paragraphs are aligned by their text (Myers, under a time budget), and
//! only the first [`MAX_REPORTED`] changed paragraphs get their texts and
//! redline, so a file rewritten from end to end costs no more to describe
//! than a few hundred edits.

use std::time::{Duration, Instant};

use duthao_diff::{DiffOptions, WordOp, diff_texts};
use similar::{Algorithm, DiffOp, capture_diff_slices_deadline};

use crate::package::Package;
use crate::{ReadError, read};

/// The most changed paragraphs a [`DocxDifference`] describes; the rest
/// are only counted ([`DocxDifference::more_paragraphs`]).
pub const MAX_REPORTED: usize = 200;

/// The time a comparison aims to stay within. Past it the alignment and the
/// word diffs still finish, with coarser (still exact) results.
const BUDGET: Duration = Duration::from_millis(800);

/// How a package part differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartEdit {
    /// Both files have it, with different bytes.
    Changed,
    /// Only the actual file has it.
    Added,
    /// Only the expected file has it.
    Removed,
}

/// A package part that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartChange {
    /// The part's name in the zip, e.g. `word/styles.xml`.
    pub name: String,
    /// How it differs.
    pub edit: PartEdit,
}

/// A piece of a word-level redline. Concatenating the `Same` and `Deleted`
/// pieces gives the old text, the `Same` and `Inserted` ones the new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text both have.
    Same(String),
    /// Text only the expected paragraph has.
    Deleted(String),
    /// Text only the actual paragraph has.
    Inserted(String),
}

/// How a paragraph differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParagraphEdit {
    /// Its text was edited.
    Changed,
    /// Only the actual file has it.
    Added,
    /// Only the expected file has it.
    Removed,
}

/// A paragraph whose text differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParagraphChange {
    /// How it differs.
    pub edit: ParagraphEdit,
    /// Its number (from 1) among the expected file's paragraphs; for an
    /// added paragraph, the number of the expected paragraph it follows (0:
    /// before the first).
    pub paragraph: usize,
    /// Its number (from 1) among the actual file's paragraphs; `None` for a
    /// removed one.
    pub actual: Option<usize>,
    /// The expected text (empty for an added paragraph).
    pub old: String,
    /// The actual text (empty for a removed paragraph).
    pub new: String,
    /// From `old` to `new`, word by word.
    pub redline: Vec<Piece>,
}

/// Where two DOCX files differ.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocxDifference {
    /// The parts that differ, by name.
    pub parts: Vec<PartChange>,
    /// The first [`MAX_REPORTED`] changed paragraphs, in document order.
    /// Paragraph text is read with tracked changes accepted, table cells'
    /// paragraphs included, as [`read`] gives it.
    pub paragraphs: Vec<ParagraphChange>,
    /// Changed paragraphs past those listed.
    pub more_paragraphs: usize,
    /// Every part has the same bytes, but the zip around them differs
    /// (entries in another order, compressed differently, other dates).
    pub repackaged: bool,
}

impl DocxDifference {
    /// Whether the two files are the same bytes.
    pub fn identical(&self) -> bool {
        self.parts.is_empty()
            && self.paragraphs.is_empty()
            && self.more_paragraphs == 0
            && !self.repackaged
    }
}

/// Where `actual` differs from `expected`. Both are read as untrusted,
/// under the bounds of [`read`] each, with at most
/// [`MAX_PARTS`](crate::MAX_PARTS) entries.
pub fn compare(expected: &[u8], actual: &[u8]) -> Result<DocxDifference, ReadError> {
    let start = Instant::now();
    let parts = compare_parts(expected, actual)?;
    let mut diff = DocxDifference {
        repackaged: parts.is_empty() && expected != actual,
        ..DocxDifference::default()
    };
    if !parts.is_empty() {
        // Only parts that differ can make the text differ; reading both
        // documents is the costly step, skipped for a re-zipped file.
        let old = read(expected)?;
        let new = read(actual)?;
        let old: Vec<&str> = old.paragraphs.iter().map(|p| p.text.as_str()).collect();
        let new: Vec<&str> = new.paragraphs.iter().map(|p| p.text.as_str()).collect();
        compare_paragraphs(&old, &new, start + BUDGET, &mut diff);
    }
    diff.parts = parts;
    Ok(diff)
}

fn compare_parts(expected: &[u8], actual: &[u8]) -> Result<Vec<PartChange>, ReadError> {
    let mut a = Package::open(expected)?;
    let mut b = Package::open(actual)?;
    let (names_a, names_b) = (a.names()?, b.names()?);
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < names_a.len() || j < names_b.len() {
        let (name, edit) = match (names_a.get(i), names_b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                i += 1;
                j += 1;
                if a.bytes(x)? == b.bytes(y)? {
                    continue;
                }
                (x, PartEdit::Changed)
            }
            (Some(x), Some(y)) if x < y => {
                i += 1;
                (x, PartEdit::Removed)
            }
            (Some(x), None) => {
                i += 1;
                (x, PartEdit::Removed)
            }
            (_, Some(y)) => {
                j += 1;
                (y, PartEdit::Added)
            }
            (None, None) => break,
        };
        out.push(PartChange {
            name: name.clone(),
            edit,
        });
    }
    Ok(out)
}

fn compare_paragraphs(old: &[&str], new: &[&str], deadline: Instant, diff: &mut DocxDifference) {
    let ops = capture_diff_slices_deadline(Algorithm::Myers, old, new, Some(deadline));
    let report = |diff: &mut DocxDifference, edit, paragraph, actual: Option<usize>, o, n| {
        if diff.paragraphs.len() >= MAX_REPORTED {
            diff.more_paragraphs += 1;
            return;
        }
        let (o, n): (&str, &str) = (o, n);
        let redline = match edit {
            ParagraphEdit::Added => vec![Piece::Inserted(n.to_string())],
            ParagraphEdit::Removed => vec![Piece::Deleted(o.to_string())],
            ParagraphEdit::Changed => word_redline(o, n, deadline),
        };
        diff.paragraphs.push(ParagraphChange {
            edit,
            paragraph,
            actual,
            old: o.to_string(),
            new: n.to_string(),
            redline,
        });
    };
    for op in ops {
        let (old_range, new_range) = (op.old_range(), op.new_range());
        match op {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete { .. } | DiffOp::Insert { .. } | DiffOp::Replace { .. } => {
                // Paragraphs of a replaced stretch are paired in order; the
                // longer side's surplus was added or removed.
                let paired = old_range.len().min(new_range.len());
                for k in 0..paired {
                    let (i, j) = (old_range.start + k, new_range.start + k);
                    report(
                        diff,
                        ParagraphEdit::Changed,
                        i + 1,
                        Some(j + 1),
                        old[i],
                        new[j],
                    );
                }
                for i in old_range.clone().skip(paired) {
                    report(diff, ParagraphEdit::Removed, i + 1, None, old[i], "");
                }
                for j in new_range.clone().skip(paired) {
                    // It follows the last expected paragraph of the stretch
                    // (or the one before the stretch).
                    let after = old_range.start + paired;
                    report(diff, ParagraphEdit::Added, after, Some(j + 1), "", new[j]);
                }
            }
        }
    }
}

/// The word diff of two paragraph texts, whitespace kept as it is: the
/// question is whether the text is exactly the approved one.
fn word_redline(old: &str, new: &str, deadline: Instant) -> Vec<Piece> {
    let opts = DiffOptions {
        whitespace: true,
        deadline: Some(deadline.saturating_duration_since(Instant::now())),
    };
    diff_texts(old, new, &opts)
        .into_iter()
        .map(|op| match op {
            WordOp::Equal(t) => Piece::Same(t),
            WordOp::Delete(t) => Piece::Deleted(t),
            WordOp::Insert(t) => Piece::Inserted(t),
        })
        .collect()
}
