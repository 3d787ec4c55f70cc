//! Word diff inside one block.

use std::ops::Range;
use std::time::Instant;

use similar::{Algorithm, DiffOp, capture_diff_deadline};

use super::WordOp;
use super::token::Tokens;

/// Token count below which a word diff runs without deadline checks.
const SMALL_TOKENS: usize = 4000;

/// A stretch of the token sequences: equal on both sides, or a change that
/// replaces `old` tokens with `new` tokens (either may be empty).
#[derive(Debug, Clone)]
struct Seg {
    equal: bool,
    old: Range<usize>,
    new: Range<usize>,
}

/// Diffs two (already normalised) texts word by word with Myers under the
/// deadline. similar falls back to a coarser script once the deadline has
/// passed, so this always returns promptly with exact texts.
pub(crate) fn diff_words(old: &str, new: &str, deadline: Option<Instant>) -> Vec<WordOp> {
    // Most edits touch a few places in a long paragraph: only the stretch
    // from the first to the last difference needs tokens and Myers.
    let (head, tail) = common_ends(old, new);
    let mut ops = Vec::new();
    if head > 0 {
        ops.push(WordOp::Equal(old[..head].to_string()));
    }
    let middle = diff_middle(
        &old[head..old.len() - tail],
        &new[head..new.len() - tail],
        deadline,
    );
    for op in middle {
        match (ops.last_mut(), op) {
            (Some(WordOp::Equal(prev)), WordOp::Equal(t)) => prev.push_str(&t),
            (_, op) => ops.push(op),
        }
    }
    if tail > 0 {
        let t = &old[old.len() - tail..];
        match ops.last_mut() {
            Some(WordOp::Equal(prev)) => prev.push_str(t),
            _ => ops.push(WordOp::Equal(t.to_string())),
        }
    }
    // The ops of every changed block live until the redline is written:
    // give back what merging the equal stretches overshot.
    for op in &mut ops {
        if let WordOp::Equal(t) = op
            && t.capacity() > t.len() + t.len() / 8
        {
            t.shrink_to_fit();
        }
    }
    ops.shrink_to_fit();
    ops
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

fn diff_middle(old: &str, new: &str, deadline: Option<Instant>) -> Vec<WordOp> {
    if old.is_empty() && new.is_empty() {
        return Vec::new();
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
    let raw = capture_diff_deadline(
        Algorithm::Myers,
        &a.ids,
        0..a.len(),
        &b.ids,
        0..b.len(),
        deadline,
    );
    let mut segs: Vec<Seg> = Vec::with_capacity(raw.len());
    for op in raw {
        let (equal, o, n) = match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => (true, old_index..old_index + len, new_index..new_index + len),
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => (false, old_index..old_index + old_len, new_index..new_index),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => (false, old_index..old_index, new_index..new_index + new_len),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (
                false,
                old_index..old_index + old_len,
                new_index..new_index + new_len,
            ),
        };
        push_seg(
            &mut segs,
            Seg {
                equal,
                old: o,
                new: n,
            },
        );
    }
    absorb_lone_spaces(&mut segs, &a, old);

    let mut ops = Vec::with_capacity(segs.len() * 2);
    for s in &segs {
        if s.equal {
            ops.push(WordOp::Equal(
                old[a.span(s.old.start, s.old.end)].to_string(),
            ));
        } else {
            if !s.old.is_empty() {
                ops.push(WordOp::Delete(
                    old[a.span(s.old.start, s.old.end)].to_string(),
                ));
            }
            if !s.new.is_empty() {
                ops.push(WordOp::Insert(
                    new[b.span(s.new.start, s.new.end)].to_string(),
                ));
            }
        }
    }
    ops
}

fn push_seg(segs: &mut Vec<Seg>, s: Seg) {
    if s.old.is_empty() && s.new.is_empty() {
        return;
    }
    if let Some(last) = segs.last_mut()
        && last.equal == s.equal
    {
        last.old.end = s.old.end;
        last.new.end = s.new.end;
        return;
    }
    segs.push(s);
}

/// A single space left equal between two changes ("{-a-} {-b-}") reads as
/// noise: fold it into one change, which still rebuilds both texts.
fn absorb_lone_spaces(segs: &mut Vec<Seg>, a: &Tokens, old: &str) {
    if segs.len() < 3 {
        return;
    }
    let mut out: Vec<Seg> = Vec::with_capacity(segs.len());
    let mut i = 0;
    while i < segs.len() {
        let s = segs[i].clone();
        let lone_space = s.equal
            && i > 0
            && i + 1 < segs.len()
            && !out.last().is_some_and(|p: &Seg| p.equal)
            && old[a.span(s.old.start, s.old.end)].trim().is_empty();
        if lone_space {
            let next = &segs[i + 1];
            if let Some(prev) = out.last_mut() {
                prev.old.end = next.old.end;
                prev.new.end = next.new.end;
            }
            i += 2;
            continue;
        }
        out.push(s);
        i += 1;
    }
    *segs = out;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Side, apply};

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
            let whole = diff_middle(a, b, None);
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
