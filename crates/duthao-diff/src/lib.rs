//! The redline engine: what changed between two versions of a draft.
//!
//! Two passes, as a reviewer reads: first the blocks of the two documents are
//! aligned (identical blocks by content, wherever they now sit; edited blocks
//! by word similarity; a block found elsewhere is one *move* with both
//! structural paths), then the words inside each edited block are diffed.
//! Every op carries its text, so concatenating them rebuilds either version
//! ([`apply`]); the writers in `render::redline` and the DOCX tracked-changes
//! writer only ever read a [`DraftDiff`].
#![warn(missing_docs)]

mod align;
mod front;
mod lcs;
mod table;
mod token;
mod words;

use std::time::{Duration, Instant};

use serde::Serialize;

use std::borrow::Cow;

use duthao_model::{Block, Draft, Fingerprint};

pub use front::FieldChange;
pub use table::{RowChange, TableChange, table_cells};
pub use token::{TokenClass, count_words, normalize, tokenize, tokenize_while};

/// How to compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiffOptions {
    /// Show whitespace-only changes (reflowed lines, double spaces). Off by
    /// default: they change nothing a reader of the issued document sees.
    pub whitespace: bool,
    /// Wall-clock budget for the whole comparison. Past it the remaining
    /// blocks get a coarser (still exact) diff instead of a minimal one, so a
    /// pathological input degrades, never hangs. `None`: no limit.
    pub deadline: Option<Duration>,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            whitespace: false,
            deadline: Some(Duration::from_secs(5)),
        }
    }
}

/// One step of a word diff. The texts include the whitespace tokens, so the
/// concatenation of `Equal`+`Delete` texts is the old block text and of
/// `Equal`+`Insert` texts the new one (see [`apply`]). Adjacent ops of one
/// kind are merged, and within a change a `Delete` comes before its `Insert`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", content = "text", rename_all = "kebab-case")]
pub enum WordOp {
    /// Text both versions have.
    Equal(String),
    /// Text only the new (TO) version has.
    Insert(String),
    /// Text only the old (FROM) version has.
    Delete(String),
}

impl WordOp {
    /// The text the op carries, whitespace included.
    pub fn text(&self) -> &str {
        match self {
            WordOp::Equal(t) | WordOp::Insert(t) | WordOp::Delete(t) => t,
        }
    }
    /// Whether the op inserts or deletes text (is anything but [`WordOp::Equal`]).
    pub fn is_change(&self) -> bool {
        !matches!(self, WordOp::Equal(_))
    }
}

/// Which version to rebuild from ops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The FROM version: reject every change.
    Old,
    /// The TO version: accept every change.
    New,
}

/// Rebuilds one side's text from ops.
pub fn apply(ops: &[WordOp], side: Side) -> String {
    let mut s = String::new();
    for op in ops {
        match (op, side) {
            (WordOp::Equal(t), _)
            | (WordOp::Insert(t), Side::New)
            | (WordOp::Delete(t), Side::Old) => s.push_str(t),
            _ => {}
        }
    }
    s
}

/// What happened to one block. Indices point into `from.body.blocks` and
/// `to.body.blocks`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockChange {
    /// Same text in the same place.
    Unchanged {
        /// The block's index in FROM.
        from: usize,
        /// The block's index in TO.
        to: usize,
    },
    /// Edited in place. Ops with no insertion or deletion mean that only
    /// the emphasis or the links changed ([`BlockChange::is_restyle`]).
    Changed {
        /// The block's index in FROM.
        from: usize,
        /// The block's index in TO.
        to: usize,
        /// The word diff from the FROM text to the TO text.
        ops: Vec<WordOp>,
        /// For a table on both sides whose words changed: row by row and
        /// cell by cell, what the writers show instead of `ops`.
        table: Option<Box<TableChange>>,
    },
    /// A block only TO has.
    Added {
        /// The block's index in TO.
        to: usize,
    },
    /// A block only FROM has.
    Removed {
        /// The block's index in FROM.
        from: usize,
    },
    /// Moved elsewhere (same section or another), with any word changes made
    /// at the same time: `ops` always rebuilds both texts, and is a single
    /// `Equal` when the text did not change.
    Moved {
        /// The block's index in FROM, where it left.
        from: usize,
        /// The block's index in TO, where it now stands.
        to: usize,
        /// The word diff from the FROM text to the TO text.
        ops: Vec<WordOp>,
        /// As for [`BlockChange::Changed`], for a table moved and edited.
        table: Option<Box<TableChange>>,
    },
}

impl BlockChange {
    /// The block's index in FROM; `None` for an added block.
    pub fn from(&self) -> Option<usize> {
        match *self {
            BlockChange::Unchanged { from, .. }
            | BlockChange::Changed { from, .. }
            | BlockChange::Removed { from }
            | BlockChange::Moved { from, .. } => Some(from),
            BlockChange::Added { .. } => None,
        }
    }
    /// The block's index in TO; `None` for a removed block.
    pub fn to(&self) -> Option<usize> {
        match *self {
            BlockChange::Unchanged { to, .. }
            | BlockChange::Changed { to, .. }
            | BlockChange::Added { to }
            | BlockChange::Moved { to, .. } => Some(to),
            BlockChange::Removed { .. } => None,
        }
    }
    /// How an edited table changed, row by row, when this is one.
    pub fn table(&self) -> Option<&TableChange> {
        match self {
            BlockChange::Changed { table, .. } | BlockChange::Moved { table, .. } => {
                table.as_deref()
            }
            _ => None,
        }
    }

    /// The word ops, for the kinds that carry them.
    pub fn ops(&self) -> Option<&[WordOp]> {
        match self {
            BlockChange::Changed { ops, .. } | BlockChange::Moved { ops, .. } => Some(ops),
            _ => None,
        }
    }
    /// Whether a reviewer sees a change here: anything but
    /// [`BlockChange::Unchanged`], a move without edits included.
    pub fn is_change(&self) -> bool {
        !matches!(self, BlockChange::Unchanged { .. })
    }
    /// A block edited in place whose words are all kept: only its emphasis
    /// (bold, italic …) or its links changed.
    pub fn is_restyle(&self) -> bool {
        matches!(self, BlockChange::Changed { ops, .. } if !ops.iter().any(WordOp::is_change))
    }
    /// "unchanged", "changed", "added", "removed", "moved": the JSON names.
    pub fn kind_name(&self) -> &'static str {
        match self {
            BlockChange::Unchanged { .. } => "unchanged",
            BlockChange::Changed { .. } => "changed",
            BlockChange::Added { .. } => "added",
            BlockChange::Removed { .. } => "removed",
            BlockChange::Moved { .. } => "moved",
        }
    }
}

/// The differences between two drafts.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftDiff {
    /// Front-matter fields that differ, in a fixed order (see [`FieldChange`]).
    pub front: Vec<FieldChange>,
    /// In TO order; removed blocks sit where they were in FROM (after the
    /// block that preceded them there); a moved block appears once, at its
    /// TO position (see [`DraftDiff::departures`] for where it left).
    pub blocks: Vec<BlockChange>,
    /// Whether whitespace was significant (texts are normalised otherwise).
    pub whitespace: bool,
    /// True when the deadline passed and some blocks got a coarser diff.
    pub degraded: bool,
    /// Word counts the aligner already has (see [`DraftDiff::words_in`]).
    words: align::WordCounts,
}

impl DraftDiff {
    /// No difference at all (what `--exit-code` asks).
    pub fn is_empty(&self) -> bool {
        self.front.is_empty() && self.blocks.iter().all(|b| !b.is_change())
    }

    /// The text of a block as this diff compared it (normalised unless
    /// whitespace is significant).
    pub fn text_of(&self, block: &Block) -> String {
        block_text(block, self.whitespace)
    }

    /// The words of a block's compared text, as [`count_words`] counts
    /// them: `index` is the block's place on `side` (FROM for `Old`). Taken
    /// from the word bag of a block the pairing weighed, counted otherwise.
    pub fn words_in(&self, side: Side, index: usize, block: &Block) -> usize {
        let known = match side {
            Side::Old => &self.words.from,
            Side::New => &self.words.to,
        };
        match known.get(index) {
            Some(&n) if n != u32::MAX => n as usize,
            _ => count_words(&self.compared_text(block)),
        }
    }

    /// [`DraftDiff::text_of`] without a copy where the model holds it.
    pub fn compared_text<'b>(&self, block: &'b Block) -> Cow<'b, str> {
        compared_text(block, self.whitespace)
    }

    /// Ops for any entry, including the kinds that do not store them:
    /// an unchanged block is one `Equal`, an added one `Insert`, a removed one
    /// `Delete`. Concatenating over all entries rebuilds both bodies.
    pub fn full_ops(&self, index: usize, from: &Draft, to: &Draft) -> Vec<WordOp> {
        match &self.blocks[index] {
            BlockChange::Unchanged { to: t, .. } => {
                vec![WordOp::Equal(self.text_of(&to.body.blocks[*t]))]
            }
            BlockChange::Added { to: t } => vec![WordOp::Insert(self.text_of(&to.body.blocks[*t]))],
            BlockChange::Removed { from: f } => {
                vec![WordOp::Delete(self.text_of(&from.body.blocks[*f]))]
            }
            BlockChange::Changed { ops, .. } | BlockChange::Moved { ops, .. } => ops.clone(),
        }
    }

    /// For each FROM block, the TO block it became (unchanged, edited or
    /// moved), `None` when it was removed.
    pub fn from_to(&self, from_len: usize) -> Vec<Option<usize>> {
        let mut map = vec![None; from_len];
        for b in &self.blocks {
            if let (Some(f), Some(t)) = (b.from(), b.to())
                && f < from_len
            {
                map[f] = Some(t);
            }
        }
        map
    }

    /// For each moved block, the position in `blocks` where it stood in FROM:
    /// `(position, index of the Moved entry)`, sorted by position. A writer
    /// that shows "moved to …" at the old place inserts the marker before
    /// `blocks[position]` (or at the end when `position == blocks.len()`).
    pub fn departures(&self) -> Vec<(usize, usize)> {
        // Entries other than moves keep FROM order, so a binary search over
        // their FROM indices finds the old place.
        let anchors: Vec<(usize, usize)> = self
            .blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| !matches!(b, BlockChange::Moved { .. }))
            .filter_map(|(pos, b)| b.from().map(|f| (f, pos)))
            .collect();
        let mut out: Vec<(usize, usize, usize)> = self
            .blocks
            .iter()
            .enumerate()
            .filter_map(|(i, b)| match b {
                BlockChange::Moved { from, .. } => {
                    let k = anchors.partition_point(|&(f, _)| f < *from);
                    let pos = anchors.get(k).map_or(self.blocks.len(), |&(_, p)| p);
                    Some((pos, *from, i))
                }
                _ => None,
            })
            .collect();
        // Several moves can leave from the same place: keep their FROM order.
        out.sort();
        out.into_iter().map(|(pos, _, i)| (pos, i)).collect()
    }
}

/// Maps `f` over `items` on the machine's cores, in order. Word diffs of
/// different blocks are independent, and a reviewer waits for the slowest.
pub(crate) fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use rayon::prelude::*;
    if items.len() < 64 {
        return items.iter().map(&f).collect();
    }
    items.par_iter().with_min_len(32).map(&f).collect()
}

/// Where a byte offset of a block's FROM text lands in its TO text, through
/// the block's ops: offsets in unchanged text move with it; an offset inside
/// deleted text has no place and gives `None`. (How a review comment's
/// quoted passage follows an edited block.)
pub fn map_offset(ops: &[WordOp], old_offset: usize) -> Option<usize> {
    let (mut old, mut new) = (0usize, 0usize);
    for op in ops {
        let len = op.text().len();
        match op {
            WordOp::Equal(_) => {
                if old_offset < old + len {
                    return Some(new + (old_offset - old));
                }
                old += len;
                new += len;
            }
            WordOp::Delete(_) => {
                if old_offset < old + len {
                    return None;
                }
                old += len;
            }
            WordOp::Insert(_) => new += len,
        }
    }
    (old_offset == old).then_some(new)
}

/// One step through a diff in reading order (see [`DraftDiff::reading_order`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// `blocks[i]`, at its TO position.
    Block(usize),
    /// The place in FROM that the moved block `blocks[i]` left.
    Departure(usize),
}

impl DraftDiff {
    /// Every entry in TO order, with each moved block's departure placed
    /// where it stood in FROM: what every writer walks.
    pub fn reading_order(&self) -> Vec<Step> {
        let departures = self.departures();
        let mut dep = departures.iter().peekable();
        let mut out = Vec::with_capacity(self.blocks.len() + departures.len());
        for pos in 0..self.blocks.len() {
            while let Some(&(_, moved)) = dep.next_if(|&&(p, _)| p <= pos) {
                out.push(Step::Departure(moved));
            }
            out.push(Step::Block(pos));
        }
        out.extend(dep.map(|&(_, moved)| Step::Departure(moved)));
        out
    }
}

/// The text of a block as the diff compares it: [`Block::text`], normalised
/// unless `whitespace`.
pub fn block_text(block: &Block, whitespace: bool) -> String {
    compared_text(block, whitespace).into_owned()
}

/// [`block_text`], borrowed from the model for the usual block, a paragraph
/// or heading of one run already in normal form: a long draft's text is then
/// not copied.
pub fn compared_text(block: &Block, whitespace: bool) -> Cow<'_, str> {
    if let Some(text) = block.kind.sole_text()
        && (whitespace
            // The fingerprint hashes the normalised text: if hashing the
            // run as it is gives the same, the run is already normal. (A
            // stale fingerprint only sends the block the slow way.)
            || Fingerprint::of_normal(block.kind_tag(), text) == block.fingerprint)
    {
        return Cow::Borrowed(text);
    }
    let text = block.text();
    if whitespace || Fingerprint::of_normal(block.kind_tag(), &text) == block.fingerprint {
        return Cow::Owned(text);
    }
    Cow::Owned(token::normalize_owned(text, whitespace))
}

/// Compares two drafts: front matter, then blocks, then words inside blocks.
pub fn diff_drafts(from: &Draft, to: &Draft, opts: &DiffOptions) -> DraftDiff {
    let deadline = opts.deadline.map(|d| Instant::now() + d);
    let front = front::diff_front(&from.front, &to.front, opts.whitespace, deadline);
    let (mut blocks, degraded, words) = align::diff_bodies(
        &from.body.blocks,
        &to.body.blocks,
        opts.whitespace,
        deadline,
    );
    // Edited tables, row by row: decided here once, so that every writer
    // shows one edit the same way.
    let edited_tables: Vec<usize> = blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| {
            matches!(b, BlockChange::Changed { from: f, to: t, ops, .. } | BlockChange::Moved { from: f, to: t, ops, .. }
                if ops.iter().any(WordOp::is_change)
                    && matches!(from.body.blocks[*f].kind, duthao_model::BlockKind::Table { .. })
                    && matches!(to.body.blocks[*t].kind, duthao_model::BlockKind::Table { .. }))
        })
        .map(|(i, _)| i)
        .collect();
    let tables = parallel_map(&edited_tables, |&i| {
        let (f, t) = (blocks[i].from(), blocks[i].to());
        let (Some(f), Some(t)) = (f, t) else {
            return None;
        };
        table::table_change(
            &from.body.blocks[f],
            &to.body.blocks[t],
            opts.whitespace,
            deadline,
        )
    });
    for (i, change) in edited_tables.into_iter().zip(tables) {
        let Some((change, table_ops)) = change else {
            continue;
        };
        let (Some(f), Some(t)) = (blocks[i].from(), blocks[i].to()) else {
            continue;
        };
        // The rows must rebuild both tables' texts; a table whose cells hold
        // line breaks does not split into rows that way, and keeps its word
        // diff for every writer.
        let (old, new) = (&from.body.blocks[f], &to.body.blocks[t]);
        if apply(&table_ops, Side::Old) != compared_text(old, opts.whitespace)
            || apply(&table_ops, Side::New) != compared_text(new, opts.whitespace)
        {
            continue;
        }
        if let BlockChange::Changed { table, ops, .. } | BlockChange::Moved { table, ops, .. } =
            &mut blocks[i]
        {
            *table = Some(Box::new(change));
            *ops = table_ops;
        }
    }
    DraftDiff {
        front,
        blocks,
        whitespace: opts.whitespace,
        degraded,
        words,
    }
}

/// Word diff of two texts, outside any document (used for front-matter values
/// and by callers that carry passages across versions).
pub fn diff_texts(old: &str, new: &str, opts: &DiffOptions) -> Vec<WordOp> {
    let deadline = opts.deadline.map(|d| Instant::now() + d);
    let old = normalize(old, opts.whitespace);
    let new = normalize(new, opts.whitespace);
    words::diff_words(&old, &new, deadline)
}

/// One line of a line-by-line comparison (the recipients of a document).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineOp<'a> {
    Equal(&'a str),
    Insert(&'a str),
    Delete(&'a str),
}

/// Compares two lists of lines, each line a unit: kept, added or dropped.
pub(crate) fn diff_lines<'a>(old: &'a [String], new: &'a [String]) -> Vec<LineOp<'a>> {
    let deadline = Instant::now() + Duration::from_secs(1);
    let ops =
        similar::capture_diff_slices_deadline(similar::Algorithm::Myers, old, new, Some(deadline));
    let mut out = Vec::with_capacity(old.len().max(new.len()));
    for op in ops {
        let (tag, a, b) = op.as_tag_tuple();
        match tag {
            similar::DiffTag::Equal => out.extend(old[a].iter().map(|l| LineOp::Equal(l))),
            similar::DiffTag::Delete => out.extend(old[a].iter().map(|l| LineOp::Delete(l))),
            similar::DiffTag::Insert => out.extend(new[b].iter().map(|l| LineOp::Insert(l))),
            similar::DiffTag::Replace => {
                out.extend(old[a].iter().map(|l| LineOp::Delete(l)));
                out.extend(new[b].iter().map(|l| LineOp::Insert(l)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of added and removed blocks, taken from the pairing's
    /// bags where it has them, are those counted from the text.
    #[test]
    fn words_of_added_and_removed_blocks_are_their_counted_words() {
        let draft = |seed: usize| {
            let body: Vec<String> = (0..40)
                .map(|i| {
                    let n = (i * 7 + seed * 13) % 23;
                    match i % 5 {
                        0 => format!("Điều {n}. Quy định {seed} số 2.200 và 94,5 tỷ"),
                        1 => format!("- mục {n} × {seed} ÷ 3"),
                        _ => (0..n)
                            .map(|k| format!("từ{}", (k * seed + i) % 11))
                            .collect::<Vec<_>>()
                            .join(" "),
                    }
                })
                .collect();
            let text = format!(
                "---\nkind: nghi-quyet\nissuer:\n  name: X\ntitle: t\n---\n\n{}\n",
                body.join("\n\n")
            );
            duthao_model::reader::read(&text, std::path::Path::new("t.md")).expect("draft")
        };
        let (from, to) = (draft(3), draft(5));
        for whitespace in [false, true] {
            let opts = DiffOptions {
                whitespace,
                ..DiffOptions::default()
            };
            let diff = diff_drafts(&from, &to, &opts);
            let (mut cached, mut checked) = (0, 0);
            for change in &diff.blocks {
                let (side, i, block) = match change {
                    BlockChange::Added { to: t } => (Side::New, *t, &to.body.blocks[*t]),
                    BlockChange::Removed { from: f } => (Side::Old, *f, &from.body.blocks[*f]),
                    _ => continue,
                };
                let known = match side {
                    Side::Old => diff.words.from[i],
                    Side::New => diff.words.to[i],
                };
                cached += usize::from(known != u32::MAX);
                checked += 1;
                assert_eq!(
                    diff.words_in(side, i, block),
                    count_words(&diff.compared_text(block)),
                    "{block:?}"
                );
            }
            assert!(checked > 10 && cached == checked, "{cached} of {checked}");
        }
    }

    #[test]
    fn offsets_follow_the_edits() {
        let ops = diff_texts(
            "Ban Thường vụ Tỉnh ủy ban hành",
            "Ban Chấp hành Tỉnh ủy ban hành",
            &DiffOptions::default(),
        );
        let old = "Ban Thường vụ Tỉnh ủy ban hành";
        let new = "Ban Chấp hành Tỉnh ủy ban hành";
        let at = old.find("Tỉnh").unwrap_or_default();
        assert_eq!(map_offset(&ops, at), new.find("Tỉnh"));
        assert_eq!(map_offset(&ops, 0), Some(0));
        assert_eq!(
            map_offset(&ops, old.find("Thường").unwrap_or_default()),
            None
        );
        assert_eq!(map_offset(&ops, old.len()), Some(new.len()));
    }
}
