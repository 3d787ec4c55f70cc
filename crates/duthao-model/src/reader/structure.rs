//! Gives each block its structural path from the drafter's own numbering.

use super::body::Section;
use super::label::parse_label;
use crate::{Block, BlockKind, Inline, Label, LabelKind, LineRange, PathSegment, StructuralPath};

/// One open level of numbering, with a count of the unnumbered blocks under it.
struct Open {
    label: Label,
    /// The path of the block that opened it, which the blocks under it extend.
    path: StructuralPath,
    unlabelled: u32,
}

/// Maps byte offsets in the body to 1-based line numbers in the file.
pub struct LineIndex {
    starts: Vec<usize>,
    first_line: u32,
}

impl LineIndex {
    pub fn new(body: &str, first_line: u32) -> Self {
        let mut starts = Vec::with_capacity(body.len() / 64);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', body.as_bytes()).map(|i| i + 1));
        LineIndex { starts, first_line }
    }
    pub fn line(&self, offset: usize) -> u32 {
        let i = self.starts.partition_point(|&s| s <= offset);
        self.first_line + i.saturating_sub(1) as u32
    }
}

pub fn assign(sections: Vec<Section>, lines: &LineIndex) -> Vec<Block> {
    let mut open: Vec<Open> = Vec::new();
    let mut top_unlabelled = 0u32;
    let mut out = Vec::with_capacity(sections.iter().map(|s| s.blocks.len()).sum());
    // Each section is let go once its blocks are placed.
    let raw = sections
        .into_iter()
        .flat_map(|s| s.blocks.into_iter().zip(s.prints));
    for (rb, fingerprint) in raw {
        let label = match &rb.kind {
            // Most paragraphs are one run: read the label off it in place.
            BlockKind::Heading { content, .. } | BlockKind::Paragraph { content } => {
                match &content[..] {
                    [Inline::Text(run)] => parse_label(&run.text),
                    _ => parse_label(&rb.kind.text()),
                }
            }
            // An ordered item's marker is the drafter's numbering ("1." in a list).
            BlockKind::ListItem { .. } => parse_label(&rb.kind.text()),
            _ => None,
        };
        let path = match (&rb.kind, &label) {
            (BlockKind::FootnoteDef { label, .. }, _) => StructuralPath::under(
                &StructuralPath::default(),
                PathSegment::Footnote((&**label).into()),
            ),
            (_, Some(l)) => {
                while open
                    .last()
                    .is_some_and(|o| o.label.kind.rank() >= l.kind.rank())
                {
                    open.pop();
                }
                let parent = open.last().map(|o| o.path.clone()).unwrap_or_default();
                let path = StructuralPath::under(&parent, PathSegment::Label(l.clone()));
                open.push(Open {
                    label: l.clone(),
                    path: path.clone(),
                    unlabelled: 0,
                });
                path
            }
            (_, None) => {
                // Points are leaves: a plain paragraph or table after "a) … d)"
                // belongs to the clause above them; a "-" line stays under its point.
                if !matches!(rb.kind, BlockKind::ListItem { .. }) {
                    while open
                        .last()
                        .is_some_and(|o| o.label.kind == LabelKind::Point)
                    {
                        open.pop();
                    }
                }
                match open.last_mut() {
                    Some(o) => {
                        o.unlabelled += 1;
                        StructuralPath::unlabelled(&o.path, o.unlabelled)
                    }
                    None => {
                        top_unlabelled += 1;
                        StructuralPath::unlabelled(&StructuralPath::default(), top_unlabelled)
                    }
                }
            }
        };
        let end = rb.span.end.saturating_sub(1).max(rb.span.start);
        let block_lines = LineRange {
            start: lines.line(rb.span.start),
            end: lines.line(end),
        };
        out.push(Block {
            fingerprint,
            kind: rb.kind,
            lines: block_lines,
            path,
        });
    }
    out
}
