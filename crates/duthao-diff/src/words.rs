//! Word diff inside one block.

use std::ops::Range;
use std::time::Instant;

use super::WordOp;
use super::lcs::common_runs;
use super::token::Tokens;

/// Token count below which a word diff runs without deadline checks.
const SMALL_TOKENS: usize = 4000;

/// Diffs two (already normalised) texts word by word: Myers over the words
/// and punctuation ([`common_runs`]), then the whitespace between aligned
/// tokens compared as it is. Past the deadline a long stretch gets a coarser
/// script, so this always returns promptly with exact texts.
pub(crate) fn diff_words(old: &str, new: &str, deadline: Option<Instant>) -> Vec<WordOp> {
    // Most edits touch a few places in a long paragraph: only the stretch
    // from the first to the last difference needs tokens and Myers.
    let (head, tail) = common_ends(old, new);
    let mut ops = Ops::new(old, new);
    ops.equal(0..head);
    diff_middle(
        &mut ops,
        head..old.len() - tail,
        head..new.len() - tail,
        deadline,
    );
    ops.equal(old.len() - tail..old.len());
    ops.finish()
}

fn is_space_at(s: &str, i: usize) -> bool {
    s[i..].chars().next().is_some_and(char::is_whitespace)
}

fn is_space_before(s: &str, i: usize) -> bool {
    s[..i].chars().next_back().is_some_and(char::is_whitespace)
}

/// A cut at byte `i` of both texts that falls between two tokens of each:
/// just after a whitespace token and before a non-whitespace one (or at an
/// end), so tokenising the pieces gives the tokens of the whole.
fn clean_cut(a: &str, b: &str, i: usize, j: usize) -> bool {
    let cut =
        |s: &str, k: usize| k == 0 || k == s.len() || (is_space_before(s, k) && !is_space_at(s, k));
    a.is_char_boundary(i) && b.is_char_boundary(j) && cut(a, i) && cut(b, j)
}

/// Lengths in bytes of the common head and tail of two texts, each ending on
/// a clean token boundary, not overlapping.
fn common_ends(a: &str, b: &str) -> (usize, usize) {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let mut head = x.iter().zip(y).take_while(|(p, q)| p == q).count();
    if head == x.len() && head == y.len() {
        return (head, 0);
    }
    while head > 0 && !clean_cut(a, b, head, head) {
        head -= 1;
    }
    let max_tail = (x.len() - head).min(y.len() - head);
    let mut tail = x
        .iter()
        .rev()
        .zip(y.iter().rev())
        .take(max_tail)
        .take_while(|(p, q)| p == q)
        .count();
    while tail > 0 && !clean_cut(a, b, x.len() - tail, y.len() - tail) {
        tail -= 1;
    }
    (head, tail)
}

/// The ops of `old_range` of the old text against `new_range` of the new,
/// added to `ops` (ranges are in the whole texts).
fn diff_middle(
    ops: &mut Ops<'_>,
    old_range: Range<usize>,
    new_range: Range<usize>,
    deadline: Option<Instant>,
) {
    let (old, new) = (&ops.old[old_range.clone()], &ops.new[new_range.clone()]);
    if old.is_empty() && new.is_empty() {
        return;
    }
    let a = Tokens::of(old);
    let b = Tokens::of(new);
    // Checking the clock costs more than diffing a paragraph: Myers on a few
    // thousand tokens is bounded (O(N·D) ≤ a few million steps), so only
    // larger stretches, or work that starts after the deadline, get one.
    let deadline = match deadline {
        Some(d) if a.len() + b.len() > SMALL_TOKENS || Instant::now() > d => Some(d),
        _ => None,
    };
    let runs = common_runs(&a.ids, &b.ids, deadline);
    // Everything between two aligned tokens is one gap on each side:
    // unaligned tokens and the whitespace around them. A gap is one change,
    // so two deleted words with a space between read as one deletion.
    let (oo, no) = (old_range.start, new_range.start);
    let (mut po, mut pn) = (0usize, 0usize);
    for run in runs {
        for k in 0..run.len {
            let (i, j) = (run.old + k, run.new + k);
            let (os, ns) = (a.start(i, old.len()), b.start(j, new.len()));
            ops.gap(oo + po..oo + os, no + pn..no + ns);
            let (oe, ne) = (a.end(i), b.end(j));
            // Ids are hashes: equal ids with different texts (a collision)
            // are a change, never a silent equality.
            if old[os..oe] == new[ns..ne] {
                ops.equal(oo + os..oo + oe);
            } else {
                ops.change(oo + os..oo + oe, no + ns..no + ne);
            }
            (po, pn) = (oe, ne);
        }
    }
    ops.gap(oo + po..old_range.end, no + pn..new_range.end);
}

/// Builds the ops of a word diff from byte ranges of the two texts, merging
/// neighbours of one kind and keeping a deletion before its insertion.
struct Ops<'a> {
    old: &'a str,
    new: &'a str,
    out: Vec<Pending>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Equal,
    Delete,
    Insert,
}

/// An op not yet copied out: its kind and the range in its text (the old
/// text for equal and deleted stretches, the new one for insertions).
struct Pending {
    kind: Kind,
    range: Range<usize>,
}

impl<'a> Ops<'a> {
    fn new(old: &'a str, new: &'a str) -> Self {
        Ops {
            old,
            new,
            out: Vec::new(),
        }
    }

    fn push(&mut self, kind: Kind, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        if let Some(last) = self.out.last_mut()
            && last.kind == kind
            && last.range.end == range.start
        {
            last.range.end = range.end;
            return;
        }
        // A deletion that follows an insertion (two changes with nothing
        // equal between) goes before it, as everywhere else.
        if kind == Kind::Delete
            && let [.., before, last] = self.out.as_mut_slice()
            && last.kind == Kind::Insert
            && before.kind == Kind::Delete
            && before.range.end == range.start
        {
            before.range.end = range.end;
            return;
        }
        self.out.push(Pending { kind, range });
    }

    fn equal(&mut self, old: Range<usize>) {
        self.push(Kind::Equal, old);
    }

    fn change(&mut self, old: Range<usize>, new: Range<usize>) {
        self.push(Kind::Delete, old);
        self.push(Kind::Insert, new);
    }

    /// The stretch between two aligned tokens: whitespace common to both
    /// sides at its ends stays equal, the rest is a change.
    fn gap(&mut self, old: Range<usize>, new: Range<usize>) {
        let (o, n) = (&self.old[old.clone()], &self.new[new.clone()]);
        if o == n {
            self.equal(old);
            return;
        }
        let head = common_space(o.chars().zip(n.chars()));
        let tail = common_space(o[head..].chars().rev().zip(n[head..].chars().rev()));
        self.equal(old.start..old.start + head);
        self.change(
            old.start + head..old.end - tail,
            new.start + head..new.end - tail,
        );
        self.equal(old.end - tail..old.end);
    }

    fn finish(self) -> Vec<WordOp> {
        let (old, new) = (self.old, self.new);
        self.out
            .into_iter()
            .map(|p| match p.kind {
                Kind::Equal => WordOp::Equal(old[p.range].to_string()),
                Kind::Delete => WordOp::Delete(old[p.range].to_string()),
                Kind::Insert => WordOp::Insert(new[p.range].to_string()),
            })
            .collect()
    }
}

/// Bytes of whitespace the two sides share, character by character.
fn common_space(pairs: impl Iterator<Item = (char, char)>) -> usize {
    pairs
        .take_while(|(x, y)| x == y && x.is_whitespace())
        .map(|(x, _)| x.len_utf8())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Side, apply};

    fn d(a: &str, b: &str) -> Vec<WordOp> {
        diff_words(a, b, None)
    }

    #[test]
    fn comma_only() {
        let ops = d("văn bản này", "văn bản, này");
        let changes: Vec<_> = ops.iter().filter(|o| o.is_change()).collect();
        assert_eq!(changes, [&WordOp::Insert(",".into())]);
    }

    #[test]
    fn rebuilds_both() {
        let a = "Ban Chấp hành Trung ương chủ động thực hiện hiệu quả các đề án";
        let b = "Ban Bí thư chủ động thực hiện đồng bộ các đề án, nhiệm vụ";
        let ops = d(a, b);
        assert_eq!(apply(&ops, Side::Old), a);
        assert_eq!(apply(&ops, Side::New), b);
    }

    #[test]
    fn ends_are_cut_between_tokens() {
        for (a, b) in [
            ("một hai ba bốn", "một hai năm bốn"),
            ("2.200 người", "2.300 người"),
            ("a  b", "a   b"),
            ("bản này", "bản, này"),
            ("x", "x y"),
            ("", "mới"),
            ("giống nhau", "giống nhau"),
        ] {
            let ops = d(a, b);
            assert_eq!(apply(&ops, Side::Old), a);
            assert_eq!(apply(&ops, Side::New), b);
            // The same ops as a diff of the whole token sequences.
            let mut whole = Ops::new(a, b);
            diff_middle(&mut whole, 0..a.len(), 0..b.len(), None);
            let whole = whole.finish();
            let changes = |v: &[WordOp]| {
                v.iter()
                    .filter(|o| o.is_change())
                    .cloned()
                    .collect::<Vec<_>>()
            };
            assert_eq!(changes(&ops), changes(&whole), "{a:?} {b:?}");
        }
    }

    #[test]
    fn lone_space_is_folded() {
        let ops = d("một hai ba", "bốn năm ba");
        assert_eq!(
            ops,
            [
                WordOp::Delete("một hai".into()),
                WordOp::Insert("bốn năm".into()),
                WordOp::Equal(" ba".into())
            ]
        );
    }
}
