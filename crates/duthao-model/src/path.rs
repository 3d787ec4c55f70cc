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
    /// Which level of the numbering the label is.
    pub kind: LabelKind,
    /// Shared: every block under a label carries it in its path.
    pub text: Arc<str>,
}

/// One step of a structural path: a label, or the n-th unnumbered block
/// (paragraph, bullet, table) inside its parent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathSegment {
    /// A numbering label the drafter wrote ("Điều 5", "II", "b)").
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
/// A long draft holds thousands of paths, most of them long: a path is its
/// innermost label linked to the path of the label above it, shared by every
/// block under that label, and an unnumbered block adds only its position.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct StructuralPath {
    labels: Option<Arc<Link>>,
    unlabelled: Option<u32>,
}

/// One label of a path and the path above it.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Link {
    segment: PathSegment,
    parent: Option<Arc<Link>>,
}

impl StructuralPath {
    /// The path of a block that opens a label (or of a footnote): `segment`
    /// under `parent`, whose labels it shares.
    pub fn under(parent: &StructuralPath, segment: PathSegment) -> Self {
        StructuralPath {
            labels: Some(Arc::new(Link {
                segment,
                parent: parent.labels.clone(),
            })),
            unlabelled: None,
        }
    }

    /// The `n`-th unnumbered block under `parent`'s labels.
    pub fn unlabelled(parent: &StructuralPath, n: u32) -> Self {
        StructuralPath {
            labels: parent.labels.clone(),
            unlabelled: Some(n),
        }
    }

    /// The segments, outermost first.
    pub fn segments(&self) -> Vec<PathSegment> {
        let mut out: Vec<PathSegment> = Vec::new();
        let mut step = self.labels.as_deref();
        while let Some(s) = step {
            out.push(s.segment.clone());
            step = s.parent.as_deref();
        }
        out.reverse();
        out.extend(self.unlabelled.map(PathSegment::Unlabelled));
        out
    }

    /// The path as it is shown ("Phần I > II > 2 > ¶3"), given to `piece`
    /// a piece at a time: a redline shows a path for every block it lists,
    /// and its writers copy or escape the pieces without the formatting
    /// machinery. `Display` is made of the same pieces.
    pub fn for_each_piece(&self, mut piece: impl FnMut(&str)) {
        self.for_each_label_piece(&mut piece);
        self.for_each_position_piece(piece);
    }

    /// The first pieces of [`StructuralPath::for_each_piece`]: those of the
    /// labels, which every block under the innermost one shares (see
    /// [`StructuralPath::shares_labels`]).
    pub fn for_each_label_piece(&self, mut piece: impl FnMut(&str)) {
        let mut first = true;
        self.for_each_label_segment(|segment| {
            if !std::mem::take(&mut first) {
                piece(" > ");
            }
            match segment {
                PathSegment::Label(l) => piece(&l.text),
                PathSegment::Unlabelled(n) => {
                    piece("¶");
                    piece(itoa::Buffer::new().format(*n));
                }
                PathSegment::Footnote(l) => {
                    piece("[^");
                    piece(l);
                    piece("]");
                }
            }
        });
    }

    /// The last pieces of [`StructuralPath::for_each_piece`], after the
    /// labels': the position of an unnumbered block (" > ", "¶", its
    /// number), or none. Never a quote, a backslash or a control character.
    pub fn for_each_position_piece(&self, mut piece: impl FnMut(&str)) {
        if let Some(n) = self.unlabelled {
            if self.labels.is_some() {
                piece(" > ");
            }
            piece("¶");
            piece(itoa::Buffer::new().format(n));
        }
    }

    /// Whether two paths hold the same labels, not merely equal ones: the
    /// blocks under one label of one draft do. A writer that shows a path
    /// for every block keeps the label pieces of the last one while the
    /// next shares them.
    pub fn shares_labels(&self, other: &StructuralPath) -> bool {
        match (&self.labels, &other.labels) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }

    /// The segments of the labels, outermost first, without collecting
    /// them.
    fn for_each_label_segment(&self, mut f: impl FnMut(&PathSegment)) {
        // As deep as the numbering: a label closes every label of its rank
        // or below, so a chain has at most one link per rank and a footnote.
        fn walk(step: &Link, f: &mut impl FnMut(&PathSegment)) {
            if let Some(parent) = step.parent.as_deref() {
                walk(parent, f);
            }
            f(&step.segment);
        }
        if let Some(step) = self.labels.as_deref() {
            walk(step, &mut f);
        }
    }

    /// The label the block at this path opens: the innermost segment, when
    /// it is a label and no ¶n follows it.
    pub fn own_label(&self) -> Option<&Label> {
        match (&self.labels, self.unlabelled) {
            (Some(link), None) => match &link.segment {
                PathSegment::Label(l) => Some(l),
                _ => None,
            },
            _ => None,
        }
    }

    /// The outermost segment.
    pub fn first(&self) -> Option<PathSegment> {
        let mut step = self.labels.as_deref()?;
        while let Some(parent) = step.parent.as_deref() {
            step = parent;
        }
        Some(step.segment.clone())
    }

    /// The enclosing labelled section (the path without a trailing ¶n).
    pub fn section(&self) -> StructuralPath {
        StructuralPath {
            labels: self.labels.clone(),
            unlabelled: None,
        }
    }

    /// Whether the path has no segment at all (a block given no place, such as one
    /// built by hand); writers then show its line instead.
    pub fn is_empty(&self) -> bool {
        self.labels.is_none() && self.unlabelled.is_none()
    }
}

impl fmt::Display for StructuralPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut written = Ok(());
        self.for_each_piece(|piece| {
            if written.is_ok() {
                written = f.write_str(piece);
            }
        });
        written
    }
}

impl Serialize for StructuralPath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
