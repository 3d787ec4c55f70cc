use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// How the drafter numbered a block, read from the start of its text.
/// The order is the nesting order of Vietnamese official documents:
/// Phần > Chương > Mục > A. > Điều > I. > 1. > 1.1. > a) .
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LabelKind {
    /// "Phần I", "Phần thứ nhất"
    Part,
    /// "Chương II"
    Chapter,
    /// "Mục 1"
    Section,
    /// "A.", "B." (lettered parts of reports)
    Letter,
    /// "Điều 5"
    Article,
    /// "I.", "II-" (Roman numerals)
    Roman,
    /// "1.", "2-"
    Arabic,
    /// "1.1.", "2.3.1."
    SubArabic,
    /// "a)", "đ)"
    Point,
}

impl LabelKind {
    /// Nesting rank; a label closes every open label of equal or greater rank.
    pub fn rank(self) -> u8 {
        self as u8
    }
}

/// A numbering label: its kind and its text as shown in a path ("Phần I", "II", "2", "b)").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Label {
    pub kind: LabelKind,
    /// Shared: every block under a label carries it in its path.
    pub text: Arc<str>,
}

/// One step of a structural path: a label, or the n-th unnumbered block
/// (paragraph, bullet, table) inside its parent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathSegment {
    Label(Label),
    /// 1-based position among the unnumbered blocks of the same parent.
    Unlabelled(u32),
    /// A footnote definition, which sits outside the numbered structure.
    Footnote(Arc<str>),
}

impl fmt::Display for PathSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathSegment::Label(l) => f.write_str(&l.text),
            PathSegment::Unlabelled(n) => write!(f, "¶{n}"),
            PathSegment::Footnote(l) => write!(f, "[^{l}]"),
        }
    }
}

/// Where a block sits in the drafter's own structure: "Phần I > II > 2 > b)",
/// "Chương II > Điều 5 > 2", "II > 1 > ¶3". Stable across versions as long as
/// the drafter keeps the numbering, which is what reviewers cite.
///
/// The labels are shared by every block under them, and an unnumbered
/// block adds only its position: a long draft holds thousands of paths.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct StructuralPath {
    labels: Arc<[PathSegment]>,
    unlabelled: Option<u32>,
}

impl StructuralPath {
    /// A path of labels (or a footnote), shared as it is.
    pub fn new(labels: Arc<[PathSegment]>) -> Self {
        StructuralPath {
            labels,
            unlabelled: None,
        }
    }

    /// The `n`-th unnumbered block under `labels`.
    pub fn unlabelled(labels: Arc<[PathSegment]>, n: u32) -> Self {
        StructuralPath {
            labels,
            unlabelled: Some(n),
        }
    }

    pub fn segments(&self) -> impl Iterator<Item = PathSegment> + '_ {
        self.labels
            .iter()
            .cloned()
            .chain(self.unlabelled.map(PathSegment::Unlabelled))
    }

    pub fn first(&self) -> Option<PathSegment> {
        self.segments().next()
    }

    /// The enclosing labelled section (the path without a trailing ¶n).
    pub fn section(&self) -> StructuralPath {
        StructuralPath::new(self.labels.clone())
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.unlabelled.is_none()
    }
}

impl fmt::Display for StructuralPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.segments().enumerate() {
            if i > 0 {
                f.write_str(" > ")?;
            }
            write!(f, "{s}")?;
        }
        Ok(())
    }
}

impl Serialize for StructuralPath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
