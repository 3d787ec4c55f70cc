//! Word diff inside one block.

use std::ops::Range;
use std::time::Instant;

use similar::{Algorithm, DiffOp, capture_diff_deadline};

use super::WordOp;
use super::token::Tokens;

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
    let a = Tokens::of(old);
    let b = Tokens::of(new);
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
