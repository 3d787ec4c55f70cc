//! `--stat`: what changed, counted per top-level section.

use std::io::{self, Write};

use serde::Serialize;

use super::section_of;
use duthao_diff::{BlockChange, DraftDiff, Side, WordOp, count_words};
use duthao_model::Draft;

/// Counts for one section or for the whole document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Blocks edited in place.
    pub changed: usize,
    /// Blocks only the new version has.
    pub added: usize,
    /// Blocks only the old version has.
    pub removed: usize,
    /// Blocks moved elsewhere, edited or not.
    pub moved: usize,
    /// Words the new version adds: inserted in edited and moved blocks, and all
    /// words of added blocks.
    pub words_inserted: usize,
    /// Words the new version drops: deleted from edited and moved blocks, and all
    /// words of removed blocks.
    pub words_deleted: usize,
}

impl Counts {
    /// Blocks that changed in any way: edited, added, removed or moved.
    pub fn blocks(&self) -> usize {
        self.changed + self.added + self.removed + self.moved
    }
    fn add(&mut self, o: &Counts) {
        self.changed += o.changed;
        self.added += o.added;
        self.removed += o.removed;
        self.moved += o.moved;
        self.words_inserted += o.words_inserted;
        self.words_deleted += o.words_deleted;
    }
}

/// The changes under one top-level section of the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionStat {
    /// Top-level label ("Phần I", "II", "Điều 3"); `None` before the first one.
    pub section: Option<String>,
    /// What changed in it.
    #[serde(flatten)]
    pub counts: Counts,
}

/// The whole `--stat` summary of a diff: per section, in total, and the front matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffStat {
    /// Sections with at least one change, in TO order.
    pub sections: Vec<SectionStat>,
    /// The sum over all sections.
    pub total: Counts,
    /// Front-matter fields that changed.
    pub front_fields: usize,
}

fn op_words(ops: &[WordOp]) -> (usize, usize) {
    let (mut ins, mut del) = (0, 0);
    for op in ops {
        match op {
            WordOp::Insert(t) => ins += count_words(t),
            WordOp::Delete(t) => del += count_words(t),
            WordOp::Equal(_) => {}
        }
    }
    (ins, del)
}

/// Counts the changes; a move counts in the section it moved to, a removal in
/// the section it was removed from.
pub fn compute(diff: &DraftDiff, from: &Draft, to: &Draft) -> DiffStat {
    let mut sections: Vec<SectionStat> = Vec::new();
    // Sections in order of first appearance, found by name in one lookup.
    let mut index: std::collections::HashMap<Option<String>, usize> =
        std::collections::HashMap::new();
    let mut total = Counts::default();
    for change in &diff.blocks {
        let mut c = Counts::default();
        let path = match change {
            BlockChange::Unchanged { .. } => continue,
            BlockChange::Changed { to: t, ops, .. } => {
                c.changed = 1;
                (c.words_inserted, c.words_deleted) = op_words(ops);
                &to.body.blocks[*t].path
            }
            BlockChange::Moved { to: t, ops, .. } => {
                c.moved = 1;
                (c.words_inserted, c.words_deleted) = op_words(ops);
                &to.body.blocks[*t].path
            }
            BlockChange::Added { to: t } => {
                c.added = 1;
                c.words_inserted = diff.words_in(Side::New, *t, &to.body.blocks[*t]);
                &to.body.blocks[*t].path
            }
            BlockChange::Removed { from: f } => {
                c.removed = 1;
                c.words_deleted = diff.words_in(Side::Old, *f, &from.body.blocks[*f]);
                &from.body.blocks[*f].path
            }
        };
        let section = section_of(path);
        total.add(&c);
        match index.get(&section) {
            Some(&i) => sections[i].counts.add(&c),
            None => {
                index.insert(section.clone(), sections.len());
                sections.push(SectionStat { section, counts: c });
            }
        }
    }
    DiffStat {
        sections,
        total,
        front_fields: diff.front.len(),
    }
}

fn line(out: &mut impl Write, name: &str, c: &Counts) -> io::Result<()> {
    let mut parts = Vec::new();
    for (n, what) in [
        (c.changed, "changed"),
        (c.added, "added"),
        (c.removed, "removed"),
        (c.moved, "moved"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    writeln!(
        out,
        " {name:<14} {:<40} +{} -{} words",
        parts.join(", "),
        c.words_inserted,
        c.words_deleted
    )
}

/// Plain-text summary, one line per section and a total, like `git diff --stat`.
pub fn write(out: &mut impl Write, stat: &DiffStat) -> io::Result<()> {
    for s in &stat.sections {
        line(out, s.section.as_deref().unwrap_or("(preamble)"), &s.counts)?;
    }
    let t = &stat.total;
    writeln!(
        out,
        " {} block{} changed ({} changed, {} added, {} removed, {} moved), {} word{} inserted, {} deleted{}",
        t.blocks(),
        if t.blocks() == 1 { "" } else { "s" },
        t.changed,
        t.added,
        t.removed,
        t.moved,
        t.words_inserted,
        if t.words_inserted == 1 { "" } else { "s" },
        t.words_deleted,
        match stat.front_fields {
            0 => String::new(),
            1 => ", 1 front-matter field".to_string(),
            n => format!(", {n} front-matter fields"),
        }
    )
}
