//! Which tokens of two sequences are kept: the runs of a longest common
//! subsequence.
//!
//! A paragraph edited in a few places is the usual case, and for it the
//! greedy form of Myers' algorithm (forward only, remembering each round's
//! furthest reaches) finds the alignment in a few microseconds. A stretch
//! that needs more rounds than [`GREEDY_ROUNDS`] goes to `similar`'s
//! linear-space Myers, which honours the deadline.

use std::time::Instant;

use similar::{Algorithm, DiffOp, capture_diff_deadline};

/// Edit rounds (insertions plus deletions) the greedy search runs before it
/// hands over: its memory grows with their square.
const GREEDY_ROUNDS: usize = 256;
/// Tokens (both sides) above which the greedy search is not tried: it does
/// not watch the clock, and its worst case grows with length times rounds,
/// so a very long stretch goes straight to the search that does.
const GREEDY_TOKENS: usize = 20_000;

/// A run of equal tokens: `a[old..old + len] == b[new..new + len]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Run {
    pub old: usize,
    pub new: usize,
    pub len: usize,
}

/// The equal runs of a minimal edit script from `a` to `b`, in order.
pub(crate) fn common_runs(a: &[u64], b: &[u64], deadline: Option<Instant>) -> Vec<Run> {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut runs = Vec::new();
    if head > 0 {
        runs.push(Run {
            old: 0,
            new: 0,
            len: head,
        });
    }
    let greedy_fits = ma.len() + mb.len() <= GREEDY_TOKENS;
    let middle = match greedy_fits.then(|| greedy(ma, mb)).flatten() {
        Some(r) => r,
        None => capture_diff_deadline(Algorithm::Myers, ma, 0..ma.len(), mb, 0..mb.len(), deadline)
            .into_iter()
            .filter_map(|op| match op {
                DiffOp::Equal {
                    old_index,
                    new_index,
                    len,
                } => Some(Run {
                    old: old_index,
                    new: new_index,
                    len,
                }),
                _ => None,
            })
            .collect(),
    };
    runs.extend(middle.into_iter().map(|r| Run {
        old: r.old + head,
        new: r.new + head,
        len: r.len,
    }));
    if tail > 0 {
        runs.push(Run {
            old: a.len() - tail,
            new: b.len() - tail,
            len: tail,
        });
    }
    runs
}

/// Myers' greedy search, or `None` when it would take more than
/// [`GREEDY_ROUNDS`] rounds.
fn greedy(a: &[u64], b: &[u64]) -> Option<Vec<Run>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    if n == 0 || m == 0 {
        return Some(Vec::new());
    }
    let max = (a.len() + b.len()).min(GREEDY_ROUNDS) as isize;
    // v[k + off]: the furthest x reached on diagonal k = x - y.
    let off = max + 1;
    let mut v = vec![0isize; 2 * off as usize + 1];
    // Round d's reaches on diagonals -d..=d, one round after another.
    let mut trace: Vec<isize> = Vec::new();
    for d in 0..=max {
        let mut k = -d;
        while k <= d {
            let down = k == -d || (k != d && v[(k - 1 + off) as usize] < v[(k + 1 + off) as usize]);
            let mut x = if down {
                v[(k + 1 + off) as usize]
            } else {
                v[(k - 1 + off) as usize] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[(k + off) as usize] = x;
            if x >= n && y >= m {
                trace.extend_from_slice(&v[(off - d) as usize..=(off + d) as usize]);
                return Some(backtrack(a, b, &trace, d));
            }
            k += 2;
        }
        trace.extend_from_slice(&v[(off - d) as usize..=(off + d) as usize]);
    }
    None
}

/// Walks the rounds back from the end, collecting the diagonal stretches.
fn backtrack(a: &[u64], b: &[u64], trace: &[isize], rounds: isize) -> Vec<Run> {
    // Round d's slice starts after rounds 0..d, which hold d² entries.
    let reach = |d: isize, k: isize| trace[(d * d + (k + d)) as usize];
    let (mut x, mut y) = (a.len() as isize, b.len() as isize);
    let mut runs = Vec::new();
    let mut d = rounds;
    while d > 0 {
        let k = x - y;
        let down = k == -d || (k != d && reach(d - 1, k - 1) < reach(d - 1, k + 1));
        let prev_k = if down { k + 1 } else { k - 1 };
        let prev_x = reach(d - 1, prev_k);
        let prev_y = prev_x - prev_k;
        // The move of round d lands at (sx, sy); the snake runs from there.
        let (sx, sy) = if down {
            (prev_x, prev_y + 1)
        } else {
            (prev_x + 1, prev_y)
        };
        if x > sx {
            runs.push(Run {
                old: sx as usize,
                new: sy as usize,
                len: (x - sx) as usize,
            });
        }
        (x, y) = (prev_x, prev_y);
        d -= 1;
    }
    if x > 0 {
        runs.push(Run {
            old: 0,
            new: 0,
            len: x as usize,
        });
    }
    runs.reverse();
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that the runs are a common subsequence, in order, of the
    /// length a reference LCS finds.
    fn check(a: &[u64], b: &[u64]) {
        let runs = common_runs(a, b, None);
        let (mut po, mut pn) = (0, 0);
        let mut total = 0;
        for r in &runs {
            assert!(r.len > 0 && r.old >= po && r.new >= pn, "{runs:?}");
            assert_eq!(a[r.old..r.old + r.len], b[r.new..r.new + r.len]);
            (po, pn) = (r.old + r.len, r.new + r.len);
            total += r.len;
        }
        // Dynamic-programming LCS length.
        let mut dp = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for i in (0..a.len()).rev() {
            for j in (0..b.len()).rev() {
                dp[i][j] = if a[i] == b[j] {
                    dp[i + 1][j + 1] + 1
                } else {
                    dp[i + 1][j].max(dp[i][j + 1])
                };
            }
        }
        assert_eq!(total, dp[0][0], "{a:?} {b:?} {runs:?}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        #[test]
        fn runs_are_a_longest_common_subsequence(
            a in proptest::collection::vec(0u64..4, 0..40),
            b in proptest::collection::vec(0u64..4, 0..40),
        ) {
            check(&a, &b);
        }
    }

    #[test]
    fn long_edits_go_to_the_linear_space_search() {
        let a: Vec<u64> = (0..2000).collect();
        let b: Vec<u64> = (0..2000)
            .map(|i| if i % 3 == 0 { i + 10_000 } else { i })
            .collect();
        assert!(greedy(&a, &b).is_none());
        check(&a[..300], &b[..300]);
        let runs = common_runs(&a, &b, None);
        assert_eq!(runs.iter().map(|r| r.len).sum::<usize>(), 2000 - 667);
    }
}
