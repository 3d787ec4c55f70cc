//! Block alignment: which block of FROM became which block of TO.
//!
//! 1. Identical blocks (same kind, same compared text) are aligned over block
//!    ids: those found once on each side anchor the alignment (their longest
//!    chain in order, as in patience diff) and Myers runs between anchors;
//!    blocks on the result are unchanged in place.
//! 2. Identical blocks off that subsequence are moves (an unchanged paragraph
//!    is never shown as changed, wherever it went).
//! 3. Between two aligned anchors with as many blocks left on each side,
//!    the blocks are paired in order when their word diff keeps most of the
//!    text (the diffs are needed anyway, and run on all cores); elsewhere
//!    the remaining blocks are walked in order and paired when they are
//!    surely one block edited (long common ends, or very similar words and
//!    word pairs): edited in place.
//! 4. What is still unpaired is matched across the whole document, most
//!    similar pairs first, each confirmed by its word diff: a pair that fits
//!    between its neighbours is an in-place edit, any other a move (with a
//!    stricter bar); the rest is added or removed. Among many leftovers
//!    (unrelated documents) a pair is first weighed on sketches of the bags
//!    and on a bounded edit search, and a block that fails a few times is
//!    left alone, so the work stays near linear.

use std::borrow::Cow;
use std::collections::{BTreeMap, VecDeque};
use std::hash::Hasher;
use std::time::Instant;

use xxhash_rust::xxh3::xxh3_128;

use super::lcs::{Run, anchored_runs, common_ends, within};
use super::token::{
    FxHashMap, FxHasher, TokenClass, Tokens, common, count_words, dice_at_least_in_runs,
    token_hash, tokenize,
};
use super::words::diff_words;
use super::{BlockChange, WordOp, compared_text, parallel_map};
use duthao_model::{Block, BlockKind, Fingerprint};

/// Similarity needed to call two blocks between the same anchors one edited
/// block; their position already argues for it.
const SIM_IN_PLACE: f32 = 0.35;
/// Similarity needed to call a block found elsewhere a move rather than an
/// unrelated removal and addition. Official prose reuses a small vocabulary,
/// so the bags below include word pairs, which unrelated paragraphs rarely
/// share.
const SIM_MOVE: f32 = 0.5;
/// Word-level agreement (2·equal words / all words, from the word diff)
/// that confirms a pairing found through word bags: the bags of unrelated
/// paragraphs on one subject overlap a lot, their word diffs do not.
const AGREE_IN_PLACE: f32 = 0.45;
/// A move tells the reviewer the text went elsewhere: it must be mostly the
/// same words in the same order.
const AGREE_MOVE: f32 = 0.75;
/// What `sim` returns when the pair is certain without bags (identical
/// text, or long common ends).
const CERTAIN: f32 = 2.0;
/// Bag similarity above which a pair needs no word-by-word confirmation: a
/// lightly edited block scores about 0.9, unrelated paragraphs on one
/// subject stay well below.
const SURE_BAGS: f32 = 0.75;
/// Share of the text (in bytes, both sides) that must come through a word
/// diff unchanged for two blocks in the same place to be surely one block
/// edited, without comparing word bags.
const AGREE_SURE: f32 = 0.6;
/// How far the in-order pairing looks ahead for a block's partner.
const LOOKAHEAD: usize = 8;
/// Above this many candidate pairs, leftovers are matched through an index of
/// their rarer features rather than all against all.
const BRUTE_FORCE_PAIRS: usize = 4_000;
/// Candidates from the feature index for each leftover block: those that
/// share the most rare features with it.
const TOP_HITS: usize = 8;
/// Unpaired blocks of the same stretch weighed on each side of the diagonal.
const SLOT_CANDIDATES: usize = 4;
/// Tokens (both blocks) up to which a pair's edit distance is bounded before
/// its word diff: the bounded search takes up to their square in steps.
const WITHIN_TOKENS: usize = 4_000;
/// Word-by-word confirmations a leftover block may fail before it is left
/// unpaired (its candidates are tried most similar first).
const TRIES: u8 = 2;
/// Sketches shorter than this (both together) say too little to go by.
const SKETCH_MIN: usize = 24;
/// How far below [`SIM_IN_PLACE`] a sketch's similarity must fall for the
/// pair to be turned down without comparing the whole bags.
const SKETCH_MARGIN: f32 = 0.05;
/// A feature shared by more leftover blocks than this says nothing.
const MAX_POSTINGS: usize = 64;

#[derive(Clone, Copy, PartialEq, Eq)]
enum How {
    /// Same place; `exact` when the compared texts are identical.
    InPlace {
        exact: bool,
    },
    Moved,
}

struct Aligner<'a> {
    from: &'a [Block],
    to: &'a [Block],
    /// Compared texts, borrowed from the model when it already holds them.
    ftext: Vec<Cow<'a, str>>,
    ttext: Vec<Cow<'a, str>>,
    /// What [`Aligner::sim`] looks at first, by block.
    fglance: Vec<Glance>,
    tglance: Vec<Glance>,
    /// For each TO block, its FROM partner and how.
    to_m: Vec<Option<(usize, How)>>,
    from_m: Vec<Option<usize>>,
    /// In-place pairs by TO index, to tell in-place from moved.
    in_place: BTreeMap<usize, usize>,
    /// Word bags, made only for the few blocks that need them (by index).
    fbag: Bags,
    tbag: Bags,
    whitespace: bool,
    /// Word ops computed while confirming a pair, by TO index.
    confirmed: FxHashMap<usize, Vec<WordOp>>,
    deadline: Option<Instant>,
}

pub(crate) fn diff_bodies<'a>(
    from: &'a [Block],
    to: &'a [Block],
    whitespace: bool,
    deadline: Option<Instant>,
) -> (Vec<BlockChange>, bool, WordCounts) {
    let keys = |blocks: &[Block]| -> Vec<u128> {
        let mut scratch = Vec::new();
        blocks
            .iter()
            .map(|b| identity(b, whitespace, &mut scratch))
            .collect()
    };
    let (fkey, tkey) = both(from.len() + to.len() > 512, || keys(from), || keys(to));
    let mut a = Aligner {
        from,
        to,
        ftext: vec![Cow::Borrowed(""); from.len()],
        ttext: vec![Cow::Borrowed(""); to.len()],
        fglance: Vec::new(),
        tglance: Vec::new(),
        to_m: vec![None; to.len()],
        from_m: vec![None; from.len()],
        in_place: BTreeMap::new(),
        fbag: Bags::new(from.len()),
        tbag: Bags::new(to.len()),
        confirmed: FxHashMap::default(),
        whitespace,
        deadline,
    };
    let regions = a.anchor_identical(&fkey, &tkey, deadline);
    a.exact_moves(&fkey, &tkey);
    drop((fkey, tkey));
    a.pair_diagonals(&regions);
    // Only blocks not yet paired in place are compared further: on a large
    // draft that is a small part of the text.
    let texts = |blocks: &'a [Block], exact: &dyn Fn(usize) -> bool| -> Vec<Cow<'a, str>> {
        blocks
            .iter()
            .enumerate()
            .map(|(i, b)| {
                if exact(i) {
                    Cow::Borrowed("")
                } else {
                    compared_text(b, whitespace)
                }
            })
            .collect()
    };
    let from_exact =
        |f: usize| a.from_m[f].is_some_and(|t| matches!(a.to_m[t], Some((_, How::InPlace { .. }))));
    let to_exact = |t: usize| matches!(a.to_m[t], Some((_, How::InPlace { .. })));
    let (ftext, ttext) = both(
        from.len() + to.len() > 512,
        || texts(from, &from_exact),
        || texts(to, &to_exact),
    );
    let glances = |blocks: &[Block], texts: &[Cow<str>]| -> Vec<Glance> {
        blocks
            .iter()
            .zip(texts)
            .map(|(b, t)| Glance::of(b, t))
            .collect()
    };
    a.fglance = glances(from, &ftext);
    a.tglance = glances(to, &ttext);
    a.ftext = ftext;
    a.ttext = ttext;
    for (fr, tr) in &regions {
        a.pair_region(fr.clone(), tr.clone());
    }
    a.pair_leftovers();
    let words = WordCounts {
        from: a.fbag.word_counts(),
        to: a.tbag.word_counts(),
    };
    let out = a.emit(deadline);
    let degraded = deadline.is_some_and(|d| Instant::now() > d);
    (out, degraded, words)
}

/// The words of the blocks whose word bag the pairing built, by index on
/// each side (`u32::MAX` where none was built): every leftover block's,
/// which is to say every block the diff reports added or removed once
/// there are many. The summary counts their words, and between two
/// unrelated drafts counting them again was a twentieth of the redline.
#[derive(Debug, Clone, Default)]
pub(crate) struct WordCounts {
    pub(crate) from: Vec<u32>,
    pub(crate) to: Vec<u32>,
}

/// A cache of what the diff's blocks say, not a part of the diff: two equal
/// diffs may have built it for different blocks.
impl PartialEq for WordCounts {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

type Region = (std::ops::Range<usize>, std::ops::Range<usize>);

/// The leftover blocks (by their place in the list of leftovers) that have
/// each of the rarer features: those of at most [`MAX_POSTINGS`] blocks.
///
/// Counted before it is filled, so only the rare features get lists, and
/// all the lists share one array: between two unrelated 1,000-page drafts,
/// nine in ten features' blocks are in lists thrown away at once, and a
/// growing list per feature took a quarter of the redline's page faults.
/// (`u32` throughout: a draft is at most 64 MiB,
/// `duthao_model::reader::MAX_DRAFT_BYTES`, so it has fewer blocks and
/// features than that.)
struct FeatureIndex {
    /// A bit for each rare feature, in a table small enough to stay in the
    /// processor's cache: most features looked up are common ones (between
    /// two unrelated 1,000-page drafts, 93 %), and a clear bit answers for
    /// them without the hash table. (A set bit may be another feature's.)
    rare: Vec<u64>,
    /// Each feature's number, in the order first seen.
    ids: FxHashMap<u32, u32>,
    /// By feature number: where its blocks start in `blocks`, and how many
    /// there are (the start is `u32::MAX` for a feature of too many).
    lists: Vec<(u32, u32)>,
    blocks: Vec<u32>,
}

impl FeatureIndex {
    fn of<'a>(bags: impl Iterator<Item = Option<&'a Bag>> + Clone) -> Self {
        let mut ids: FxHashMap<u32, u32> = FxHashMap::default();
        // Each block's features by number, and where its run of them ends:
        // the second pass needs no hashing. (Room made at once for every
        // feature, distinct or not: grown as it went, it was copied into
        // fresh pages at every doubling.)
        let mut seen: Vec<u32> = Vec::with_capacity(bags.clone().flatten().map(Bag::len).sum());
        let mut ends: Vec<u32> = Vec::with_capacity(bags.clone().count());
        let mut lists: Vec<(u32, u32)> = Vec::new();
        // Each run on its own: a block's lists get it once whatever order
        // its features come in, and a merge of the two runs waited on a
        // comparison that goes either way. (Once, since no value is in
        // both runs: words are even and pairs odd, see `bag`; a value in
        // both would list the block twice.)
        for bag in bags {
            for feat in bag.into_iter().flat_map(Bag::distinct_by_run) {
                let id = *ids.entry(feat).or_insert_with(|| {
                    lists.push((0, 0));
                    (lists.len() - 1) as u32
                });
                lists[id as usize].1 += 1;
                seen.push(id);
            }
            ends.push(seen.len() as u32);
        }
        // Each list's start; its length counts up again as it is filled.
        let mut end = 0u32;
        for (start, n) in &mut lists {
            if *n as usize > MAX_POSTINGS {
                *n = 0;
                *start = u32::MAX;
            } else {
                *start = end;
                end += std::mem::take(n);
            }
        }
        // About eight bits for each rare feature, so most common ones find
        // theirs clear; at most 128 KiB.
        let rare_features = lists.iter().filter(|(start, _)| *start != u32::MAX).count();
        let bits = (8 * rare_features).next_power_of_two().clamp(64, 1 << 20);
        let mut rare = vec![0u64; bits / 64];
        let shift = 32 - bits.trailing_zeros();
        for (&feat, &id) in &ids {
            if lists[id as usize].0 != u32::MAX {
                let bit = rare_bit(feat, shift);
                rare[bit / 64] |= 1 << (bit % 64);
            }
        }
        let mut blocks = vec![0u32; end as usize];
        let mut from = 0;
        for (k, &to) in ends.iter().enumerate() {
            for &id in &seen[from..to as usize] {
                let (start, n) = &mut lists[id as usize];
                if *start != u32::MAX {
                    blocks[(*start + *n) as usize] = k as u32;
                    *n += 1;
                }
            }
            from = to as usize;
        }
        FeatureIndex {
            rare,
            ids,
            lists,
            blocks,
        }
    }

    /// The blocks with `feat`, in order; `None` for a feature of too many
    /// blocks or of none.
    #[cfg(test)]
    fn get(&self, feat: u32) -> Option<&[u32]> {
        if !self.may_have(feat) {
            return None;
        }
        self.listed(feat)
    }

    /// Whether `feat` may be one of the rare features: `false` surely
    /// means it is not.
    fn may_have(&self, feat: u32) -> bool {
        let shift = 32 - (64 * self.rare.len()).trailing_zeros();
        let bit = rare_bit(feat, shift);
        self.rare[bit / 64] & (1 << (bit % 64)) != 0
    }

    /// [`FeatureIndex::get`] without the look at [`FeatureIndex::rare`].
    fn listed(&self, feat: u32) -> Option<&[u32]> {
        let (start, n) = self.lists[*self.ids.get(&feat)? as usize];
        (start != u32::MAX).then(|| &self.blocks[start as usize..(start + n) as usize])
    }

    /// The features of `bag` that may be rare ([`FeatureIndex::may_have`]),
    /// distinct and in order of value, into `out`: the features
    /// [`Bag::distinct`] gives that the index may list, in its order. Each
    /// run is sifted on its own and the few left are sorted: a merge of
    /// the runs waited, at every feature, on a comparison that goes either
    /// way, and between two unrelated drafts nine in ten features are
    /// common.
    fn sift(&self, bag: &Bag, out: &mut Vec<u32>) {
        out.clear();
        for run in bag.runs() {
            out.extend(run.iter().copied().filter(|&feat| self.may_have(feat)));
        }
        out.sort_unstable();
        out.dedup();
    }
}

/// The [`TOP_HITS`] blocks of `touched` (in the order each was first hit)
/// with the most `hits`, ties to the first hit; `hits` is left at zero.
/// Kept in order of hits as the blocks go by, most of which fall short of
/// the last kept at once: between two unrelated drafts, each leftover block
/// touches about a hundred others, and sorting them (or a selection) cost
/// 2.5 % of the redline.
fn most_hits(touched: &[usize], hits: &mut [u32]) -> Vec<usize> {
    let mut best: Vec<(u32, usize)> = Vec::with_capacity(TOP_HITS + 1);
    for &k in touched {
        let h = std::mem::take(&mut hits[k]);
        if best.len() == TOP_HITS && best[TOP_HITS - 1].0 >= h {
            continue;
        }
        // After those with as many hits: they came first.
        let at = best.partition_point(|&(more, _)| more >= h);
        best.insert(at, (h, k));
        best.truncate(TOP_HITS);
    }
    best.into_iter().map(|(_, k)| k).collect()
}

/// Whether two texts of one kind keep most of their bytes at their ends
/// (half of the longer, eight at least): most edits leave most of a block
/// untouched there, and such a pair needs no word bags.
fn certain_by_ends(a: &[u8], b: &[u8]) -> bool {
    let (prefix, suffix) = common_ends(a, b);
    2 * (prefix + suffix) >= a.len().max(b.len()) && prefix + suffix >= 8
}

/// What [`Aligner::sim`] looks at first about a block, kept apart from the
/// block and its text: between two unrelated drafts it weighs some 75,000
/// pairs of blocks, and fetching each block and each text from memory to
/// compare their kinds and first bytes took most of its time.
struct Glance {
    kind: std::mem::Discriminant<BlockKind>,
    /// The compared text's length in bytes, and its first and last eight
    /// bytes (fewer, and zeros, when it is shorter).
    len: usize,
    head: u64,
    tail: u64,
    /// A hash of the first [`WIDE`] bytes, and of the last (0 when the text
    /// is shorter).
    head_wide: u64,
    tail_wide: u64,
}

/// How many bytes at each end of a text [`Glance`] hashes.
const WIDE: usize = 32;

impl Glance {
    fn of(block: &Block, text: &str) -> Glance {
        let b = text.as_bytes();
        let eight = |bytes: &[u8]| {
            let mut w = [0u8; 8];
            w[..bytes.len()].copy_from_slice(bytes);
            u64::from_le_bytes(w)
        };
        let wide = |bytes: &[u8]| {
            let mut h = FxHasher::default();
            for word in bytes.chunks_exact(8) {
                h.write_u64(eight(word));
            }
            h.finish()
        };
        let long = b.len() >= WIDE;
        Glance {
            kind: std::mem::discriminant(&block.kind),
            len: b.len(),
            head: eight(&b[..b.len().min(8)]),
            tail: eight(&b[b.len().saturating_sub(8)..]),
            head_wide: if long { wide(&b[..WIDE]) } else { 0 },
            tail_wide: if long { wide(&b[b.len() - WIDE..]) } else { 0 },
        }
    }

    /// Whether two texts may have common ends long enough for
    /// [`certain_by_ends`]: when the first eight bytes differ and the last
    /// eight too, the common ends are less than 16 bytes, too few for a text
    /// longer than 28.
    ///
    /// And when neither the first [`WIDE`] bytes are alike nor the last
    /// (or a text is shorter), the common ends are at most `2 * WIDE - 2`
    /// bytes, too few for a text longer than `4 * WIDE - 4`. Between two
    /// unrelated drafts on one subject, many paragraphs share their first
    /// or last eight bytes, and reading both texts to find out how many
    /// more was most of the time spent weighing a pair.
    fn may_share_ends(&self, other: &Glance) -> bool {
        let longest = self.len.max(other.len);
        if longest <= 28 {
            return true;
        }
        if self.head != other.head && self.tail != other.tail {
            return false;
        }
        longest <= 4 * WIDE - 4
            || (self.len.min(other.len) >= WIDE
                && (self.head_wide == other.head_wide || self.tail_wide == other.tail_wide))
    }
}

/// The bit of `feat` in [`FeatureIndex::rare`], from the top bits of a
/// multiplication, which spreads any bits of the feature over them (the
/// table has `2^(32 - shift)` bits).
fn rare_bit(feat: u32, shift: u32) -> usize {
    (feat.wrapping_mul(0x9E37_79B9) >> shift) as usize
}

/// The features two blocks are compared on (see [`bag`]): a block's single
/// words, then its word pairs, each run sorted. A word's value is even and
/// a pair's odd, so no value is in both runs, and two bags compare run by
/// run: a merge of the words alone gives the words two blocks share, and
/// two merges side by side give all they share.
#[derive(Clone)]
struct Bag {
    features: Vec<u32>,
    /// Where the words end and the pairs begin: the number of words.
    words_end: usize,
}

impl Bag {
    fn runs(&self) -> [&[u32]; 2] {
        let (words, pairs) = self.features.split_at(self.words_end);
        [words, pairs]
    }

    fn words(&self) -> &[u32] {
        &self.features[..self.words_end]
    }

    fn len(&self) -> usize {
        self.features.len()
    }

    /// 2|A∩B| / (|A|+|B|) when at least `min`; otherwise `None`, often
    /// found before the end.
    fn dice_at_least(&self, other: &Bag, min: f32) -> Option<f32> {
        dice_at_least_in_runs(self.runs(), other.runs(), min)
    }

    /// 2|A∩B| / (|A|+|B|).
    fn dice(&self, other: &Bag) -> f32 {
        if self.len() == 0 || other.len() == 0 {
            return 0.0;
        }
        let ([aw, ap], [bw, bp]) = (self.runs(), other.runs());
        let shared = common(aw, bw) + common(ap, bp);
        (2 * shared) as f32 / (self.len() + other.len()) as f32
    }

    /// The distinct features of each run, the words' first.
    fn distinct_by_run(&self) -> impl Iterator<Item = u32> + '_ {
        fn distinct(run: &[u32]) -> impl Iterator<Item = u32> + '_ {
            run.iter()
                .enumerate()
                .filter(move |&(i, v)| i == 0 || run[i - 1] != *v)
                .map(|(_, &v)| v)
        }
        let [words, pairs] = self.runs();
        distinct(words).chain(distinct(pairs))
    }

    /// The distinct features in order of value (words and pairs merged),
    /// the order in which the leftover pairing counts a block's hits.
    #[cfg(test)]
    fn distinct(&self) -> impl Iterator<Item = u32> + '_ {
        let [mut words, mut pairs] = self.runs().map(|run| run.iter().copied().peekable());
        let mut last = None;
        std::iter::from_fn(move || {
            loop {
                let next = match (words.peek(), pairs.peek()) {
                    (Some(&w), Some(&p)) if w < p => words.next(),
                    (Some(_), Some(_)) | (None, Some(_)) => pairs.next(),
                    (Some(_), None) => words.next(),
                    (None, None) => return None,
                };
                if next != last {
                    last = next;
                    return next;
                }
            }
        })
    }
}

/// Word bags (or their sketches) by block index: a slot per block, not a
/// hash map, since the leftover pairing looks up two for every candidate.
struct Bags(Vec<Option<Bag>>);

impl Bags {
    fn new(blocks: usize) -> Self {
        Bags(vec![None; blocks])
    }

    fn get(&self, i: usize) -> Option<&Bag> {
        self.0.get(i)?.as_ref()
    }

    fn get_or_make(&mut self, i: usize, make: impl FnOnce() -> Bag) -> &Bag {
        self.0[i].get_or_insert_with(make)
    }

    fn remove(&mut self, i: usize) {
        if let Some(slot) = self.0.get_mut(i) {
            *slot = None;
        }
    }

    /// The words of each block with a bag.
    fn word_counts(&self) -> Vec<u32> {
        self.0
            .iter()
            .map(|b| b.as_ref().map_or(u32::MAX, |b| b.words_end as u32))
            .collect()
    }

    fn map(&self, f: impl Fn(&Bag) -> Bag) -> Bags {
        Bags(self.0.iter().map(|b| b.as_ref().map(&f)).collect())
    }
}

impl Aligner<'_> {
    /// Step 1; returns the stretches between anchors.
    fn anchor_identical(
        &mut self,
        fkey: &[u128],
        tkey: &[u128],
        deadline: Option<Instant>,
    ) -> Vec<Region> {
        let mut ids: FxHashMap<u128, u32> = FxHashMap::default();
        let mut id_of = |key: u128| {
            let n = ids.len() as u32;
            *ids.entry(key).or_insert(n)
        };
        let fid: Vec<u32> = fkey.iter().map(|&k| id_of(k)).collect();
        let tid: Vec<u32> = tkey.iter().map(|&k| id_of(k)).collect();
        let ids = ids.len();
        let runs = anchored_runs(&fid, &tid, ids, deadline);
        drop((fid, tid));
        let mut regions: Vec<Region> = Vec::new();
        let (mut pf, mut pt) = (0usize, 0usize);
        for run in runs.iter().copied().chain(std::iter::once(Run {
            old: self.from.len(),
            new: self.to.len(),
            len: 0,
        })) {
            if pf < run.old || pt < run.new {
                push_region(&mut regions, pf..run.old, pt..run.new);
            }
            for k in 0..run.len {
                self.set(run.old + k, run.new + k, How::InPlace { exact: true });
            }
            (pf, pt) = (run.old + run.len, run.new + run.len);
        }
        regions
    }

    fn set(&mut self, f: usize, t: usize, how: How) {
        self.to_m[t] = Some((f, how));
        self.from_m[f] = Some(t);
        if matches!(how, How::InPlace { .. }) {
            self.in_place.insert(t, f);
        }
        if how == (How::InPlace { exact: true }) {
            // Nothing more to compare: on a large draft most of the text.
            self.ftext[f] = Cow::Borrowed("");
            self.ttext[t] = Cow::Borrowed("");
        }
        self.fbag.remove(f);
        self.tbag.remove(t);
    }

    /// Whether pairing FROM `f` with TO `t` keeps the in-place pairs in order.
    fn fits(&self, f: usize, t: usize) -> bool {
        let after_prev = self
            .in_place
            .range(..t)
            .next_back()
            .is_none_or(|(_, &pf)| pf < f);
        let before_next = self
            .in_place
            .range(t + 1..)
            .next()
            .is_none_or(|(_, &nf)| f < nf);
        after_prev && before_next
    }

    fn identical(&self, f: usize, t: usize) -> bool {
        self.from[f].kind_tag() == self.to[t].kind_tag() && self.ftext[f] == self.ttext[t]
    }

    /// Step 2.
    fn exact_moves(&mut self, fkey: &[u128], tkey: &[u128]) {
        let mut waiting: FxHashMap<u128, VecDeque<usize>> = FxHashMap::default();
        for (f, key) in fkey.iter().enumerate() {
            if self.from_m[f].is_none() {
                waiting.entry(*key).or_default().push_back(f);
            }
        }
        let mut pairs = Vec::new();
        for (t, key) in tkey.iter().enumerate() {
            if self.to_m[t].is_some() {
                continue;
            }
            if let Some(q) = waiting.get_mut(key)
                && let Some(f) = q.pop_front()
            {
                pairs.push((f, t));
            }
        }
        drop(waiting);
        for (f, t) in pairs {
            let how = if self.fits(f, t) {
                How::InPlace { exact: true }
            } else {
                How::Moved
            };
            self.set(f, t, how);
        }
    }

    fn bag_from(&mut self, f: usize) -> &Bag {
        let text = &self.ftext[f];
        self.fbag.get_or_make(f, || bag(text))
    }

    fn bag_to(&mut self, t: usize) -> &Bag {
        let text = &self.ttext[t];
        self.tbag.get_or_make(t, || bag(text))
    }

    /// How alike two blocks are, from 0 to [`CERTAIN`], when at least `min`;
    /// below it, some value below `min` (found sooner).
    fn sim(&mut self, f: usize, t: usize, min: f32) -> f32 {
        let (gf, gt) = (&self.fglance[f], &self.tglance[t]);
        if gf.kind != gt.kind {
            if gf.len == gt.len && self.identical_text(f, t) {
                // Same words, new kind (a paragraph made a heading): one edit.
                return CERTAIN;
            }
        } else if gf.may_share_ends(gt)
            && certain_by_ends(self.ftext[f].as_bytes(), self.ttext[t].as_bytes())
        {
            return CERTAIN;
        }
        self.bag_from(f);
        self.bag_to(t);
        match (self.fbag.get(f), self.tbag.get(t)) {
            (Some(a), Some(b)) => a.dice_at_least(b, min).unwrap_or(0.0),
            _ => 0.0,
        }
    }

    /// Whether a pair that looks similar (`sim`, from [`Aligner::sim`]) really
    /// is one block edited: certain pairs pass; others must agree word by
    /// word (the ops are kept).
    fn confirm(&mut self, f: usize, t: usize, sim: f32, agree: f32, moved: bool) -> bool {
        // A move is a strong claim (the reviewer is told the text went
        // elsewhere): always check it word by word.
        if !moved && sim >= SURE_BAGS {
            return true;
        }
        // No word diff can keep more words than the two blocks share: when
        // even that is too few, the pair fails without one (most candidate
        // pairs among the leftovers are unrelated paragraphs).
        self.bag_from(f);
        self.bag_to(t);
        if let (Some(a), Some(b)) = (self.fbag.get(f), self.tbag.get(t)) {
            let (shared, wa, wb) = (common(a.words(), b.words()), a.words_end, b.words_end);
            if ((2 * shared) as f32) < agree * (wa + wb) as f32 {
                return false;
            }
            // Nor can it keep more words than the tokens a shortest edit
            // script keeps: when that script would need more edits than
            // the agreement allows, the pair fails, found by a search
            // that stops at the limit (unrelated paragraphs on one
            // subject share most of their words, not their order).
            // (Paragraph-sized pairs only: the search does not watch the
            // clock, so a long pair goes to the word diff, which does.)
            let (ta, tb) = (Tokens::of(&self.ftext[f]), Tokens::of(&self.ttext[t]));
            if ta.len() + tb.len() <= WITHIN_TOKENS {
                let keep = (agree * (wa + wb) as f32).floor() as usize;
                let Some(max) = (ta.len() + tb.len() + 2).checked_sub(keep) else {
                    return false;
                };
                if !within(&ta.ids, &tb.ids, max) {
                    return false;
                }
            }
        }
        let ops = diff_words(&self.ftext[f], &self.ttext[t], self.deadline);
        let (mut equal, mut total) = (0usize, 0usize);
        for op in &ops {
            let n = count_words(op.text());
            total += n;
            if !op.is_change() {
                equal += 2 * n;
                total += n;
            }
        }
        if total > 0 && equal as f32 >= agree * total as f32 {
            self.confirmed.insert(t, ops);
            true
        } else {
            false
        }
    }

    fn identical_text(&self, f: usize, t: usize) -> bool {
        self.ftext[f] == self.ttext[t]
    }

    /// Step 3, the common case first: a stretch between anchors with as many
    /// unpaired blocks on each side is most often the same blocks edited in
    /// place. Their word diffs are needed anyway, so they are computed (on
    /// all cores) and decide the pairing themselves: a pair whose text
    /// mostly survives is one block edited, with no word bags to build.
    fn pair_diagonals(&mut self, regions: &[Region]) {
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for (fr, tr) in regions {
            let uf = fr.clone().filter(|&f| self.from_m[f].is_none());
            let ut = tr.clone().filter(|&t| self.to_m[t].is_none());
            if uf.clone().count() != ut.clone().count() {
                continue;
            }
            pairs.extend(
                uf.zip(ut)
                    .filter(|&(f, t)| self.from[f].kind_tag() == self.to[t].kind_tag()),
            );
        }
        // A chunk at a time, so the texts of the pairs done are let go
        // before the next chunk's ops exist.
        for chunk in pairs.chunks(JOB_CHUNK) {
            let (from, to, deadline, whitespace) =
                (self.from, self.to, self.deadline, self.whitespace);
            let results = parallel_map(chunk, |&(f, t)| {
                // Texts made here and let go with the pair: most blocks of
                // a long draft never need theirs again.
                let (ft, tt) = (
                    compared_text(&from[f], whitespace),
                    compared_text(&to[t], whitespace),
                );
                let ops = diff_words(&ft, &tt, deadline);
                let kept: usize = ops
                    .iter()
                    .filter(|op| !op.is_change())
                    .map(|op| op.text().len())
                    .sum();
                let whole = (ft.len() + tt.len()) as f32;
                (2 * kept >= (whole * AGREE_SURE) as usize).then_some(ops)
            });
            for (&(f, t), ops) in chunk.iter().zip(results) {
                if let Some(ops) = ops
                    && self.fits(f, t)
                {
                    self.set(f, t, How::InPlace { exact: false });
                    self.confirmed.insert(t, ops);
                }
            }
        }
    }

    /// Step 3: in-order pairing between two anchors.
    fn pair_region(&mut self, fr: std::ops::Range<usize>, tr: std::ops::Range<usize>) {
        let uf: Vec<usize> = fr.filter(|&f| self.from_m[f].is_none()).collect();
        let ut: Vec<usize> = tr.filter(|&t| self.to_m[t].is_none()).collect();
        let (mut p, mut q) = (0, 0);
        while p < uf.len() && q < ut.len() {
            let (f, t) = (uf[p], ut[q]);
            // Only sure pairs here; doubtful ones are settled globally, most
            // similar first, so a block is not taken by a weak neighbour
            // before its real partner is seen.
            if self.sim(f, t, SURE_BAGS) >= SURE_BAGS && self.fits(f, t) {
                self.set(f, t, How::InPlace { exact: false });
                p += 1;
                q += 1;
                continue;
            }
            let mut skip = None;
            for d in 1..LOOKAHEAD {
                if q + d < ut.len() && self.sim(f, ut[q + d], SURE_BAGS) >= SURE_BAGS {
                    skip = Some((0, d));
                    break;
                }
                if p + d < uf.len() && self.sim(uf[p + d], t, SURE_BAGS) >= SURE_BAGS {
                    skip = Some((d, 0));
                    break;
                }
            }
            match skip {
                Some((dp, dq)) => {
                    p += dp;
                    q += dq;
                }
                None => {
                    p += 1;
                    q += 1;
                }
            }
        }
    }

    /// Step 4: whatever is still unpaired, across the whole document.
    fn pair_leftovers(&mut self) {
        let lf: Vec<usize> = (0..self.from.len())
            .filter(|&f| self.from_m[f].is_none())
            .collect();
        let lt: Vec<usize> = (0..self.to.len())
            .filter(|&t| self.to_m[t].is_none())
            .collect();
        if lf.is_empty() || lt.is_empty() {
            return;
        }
        for &f in &lf {
            self.bag_from(f);
        }
        for &t in &lt {
            self.bag_to(t);
        }
        let index = (lf.len() * lt.len() > BRUTE_FORCE_PAIRS).then(|| self.feature_index(&lf));
        // Among many leftovers (two unrelated documents, a long draft
        // rewritten), most candidate pairs are far apart: an eighth of each
        // bag, the same eighth of the features for every block, turns those
        // down before the whole bags are compared.
        let sketches: Option<(Bags, Bags)> = index
            .as_ref()
            .map(|_| (self.fbag.map(sketch_of), self.tbag.map(sketch_of)));
        let mut hits: Vec<u32> = vec![0; lf.len()];
        let mut touched: Vec<usize> = Vec::new();
        let mut sifted: Vec<u32> = Vec::new();
        // Each candidate pair as one number that sorts it: most similar
        // first (a similarity is positive, so its bits inverted sort it
        // downwards), ties in document order (TO, then FROM).
        let mut pairs: Vec<u128> = Vec::new();
        for &t in &lt {
            let candidates: Vec<usize> = match &index {
                None => (0..lf.len()).collect(),
                Some(index) => {
                    touched.clear();
                    if let Some(bag) = self.tbag.get(t) {
                        index.sift(bag, &mut sifted);
                    } else {
                        sifted.clear();
                    }
                    for &feat in &sifted {
                        if let Some(list) = index.listed(feat) {
                            for &k in list {
                                let k = k as usize;
                                if hits[k] == 0 {
                                    touched.push(k);
                                }
                                hits[k] += 1;
                            }
                        }
                    }
                    most_hits(&touched, &mut hits)
                }
            };
            // Always weigh the unpaired blocks of the same stretch (between
            // the neighbouring in-place pairs), nearest the diagonal first:
            // an edited block's likeliest partner.
            let (pt, pf) = self
                .in_place
                .range(..t)
                .next_back()
                .map_or((0, 0), |(&pt, &pf)| (pt + 1, pf + 1));
            let nf = self
                .in_place
                .range(t + 1..)
                .next()
                .map_or(self.from.len(), |(_, &nf)| nf);
            let guess = (pf + (t - pt)).min(nf.max(pf));
            let lo = lf.partition_point(|&f| f < pf);
            let hi = lf.partition_point(|&f| f < nf);
            let at = lf.partition_point(|&f| f < guess).clamp(lo, hi);
            let mut candidates = candidates;
            candidates
                .extend(at.saturating_sub(SLOT_CANDIDATES).max(lo)..(at + SLOT_CANDIDATES).min(hi));
            candidates.sort_unstable();
            candidates.dedup();
            for k in candidates {
                let f = lf[k];
                // A pair of two kinds is always weighed on its whole bags:
                // a paragraph edited into a heading can score well there
                // and badly on an eighth of them, and such pairs are few.
                if let Some((fs, ts)) = &sketches
                    && self.fglance[f].kind == self.tglance[t].kind
                    && let (Some(a), Some(b)) = (fs.get(f), ts.get(t))
                    && a.len() + b.len() >= SKETCH_MIN
                    && a.dice(b) < SIM_IN_PLACE - SKETCH_MARGIN
                {
                    continue;
                }
                // In-place pairs are only ever added, so a pair outside its
                // stretch now never fits: it can only be a move, which the
                // pairing below turns down under SIM_MOVE, so it is weighed
                // against that (between two unrelated drafts, most
                // candidates come from the index, from far away, and a
                // higher bar ends their merge sooner).
                let min = if (pf..nf).contains(&f) {
                    SIM_IN_PLACE
                } else {
                    SIM_MOVE
                };
                let s = self.sim(f, t, min);
                if s >= min {
                    debug_assert!(s > 0.0);
                    pairs.push((u128::from(!s.to_bits()) << 64) | ((t as u128) << 32) | f as u128);
                }
            }
        }
        drop(sketches);
        // Most similar first; ties in document order, for stable output.
        // (No two pairs are equal in all three: the order is total.)
        pairs.sort_unstable();
        // A block whose most similar candidates all failed word by word has
        // no partner further down: each is given a few tries, so unrelated
        // documents do not cost a word diff per candidate pair.
        let mut failed_from = vec![0u8; self.from.len()];
        let mut failed_to = vec![0u8; self.to.len()];
        for key in pairs {
            let s = f32::from_bits(!((key >> 64) as u32));
            let (t, f) = ((key >> 32) as u32 as usize, key as u32 as usize);
            if self.from_m[f].is_some() || self.to_m[t].is_some() {
                continue;
            }
            if failed_from[f] >= TRIES || failed_to[t] >= TRIES {
                continue;
            }
            let (agree, how) = if self.fits(f, t) {
                (AGREE_IN_PLACE, How::InPlace { exact: false })
            } else if s >= SIM_MOVE {
                (AGREE_MOVE, How::Moved)
            } else {
                continue;
            };
            if self.confirm(f, t, s, agree, how == How::Moved) {
                self.set(f, t, how);
            } else {
                failed_from[f] += 1;
                failed_to[t] += 1;
            }
        }
    }

    fn feature_index(&self, lf: &[usize]) -> FeatureIndex {
        FeatureIndex::of(lf.iter().map(|&f| self.fbag.get(f)))
    }

    /// Final pass: the list in TO order, removals where they were.
    fn emit(mut self, deadline: Option<Instant>) -> Vec<BlockChange> {
        let mut out = Vec::with_capacity(self.to.len() + self.from.len() / 8);
        // Entries whose word ops are still to compute: (entry, from, to).
        let mut jobs: Vec<(usize, usize, usize)> = Vec::new();
        let mut next_from = 0;
        let n_from = self.from.len();
        for t in 0..self.to.len() {
            let limit = match self.to_m[t] {
                Some((f, How::InPlace { .. })) => f,
                _ => self.in_place.range(t..).next().map_or(n_from, |(_, &f)| f),
            };
            while next_from < limit {
                if self.from_m[next_from].is_none() {
                    out.push(BlockChange::Removed { from: next_from });
                }
                next_from += 1;
            }
            match self.to_m[t] {
                None => out.push(BlockChange::Added { to: t }),
                Some((f, How::InPlace { exact: true })) => {
                    next_from = f + 1;
                    // Same words, other emphasis or links: a change of
                    // formatting, whose ops say the words are all kept.
                    if self.from[f].same_emphasis(&self.to[t]) {
                        out.push(BlockChange::Unchanged { from: f, to: t });
                    } else {
                        let text = compared_text(&self.to[t], self.whitespace).into_owned();
                        out.push(BlockChange::Changed {
                            from: f,
                            to: t,
                            ops: vec![WordOp::Equal(text)],
                            table: None,
                        });
                    }
                }
                Some((f, How::InPlace { exact: false })) => {
                    next_from = f + 1;
                    jobs.push((out.len(), f, t));
                    out.push(BlockChange::Changed {
                        from: f,
                        to: t,
                        ops: Vec::new(),
                        table: None,
                    });
                }
                Some((f, How::Moved)) => {
                    let ops = if self.identical(f, t) {
                        vec![WordOp::Equal(self.ttext[t].to_string())]
                    } else {
                        jobs.push((out.len(), f, t));
                        Vec::new()
                    };
                    out.push(BlockChange::Moved {
                        from: f,
                        to: t,
                        ops,
                        table: None,
                    });
                }
            }
        }
        while next_from < n_from {
            if self.from_m[next_from].is_none() {
                out.push(BlockChange::Removed { from: next_from });
            }
            next_from += 1;
        }
        // Pairs confirmed word by word already have their ops.
        let mut ready: Vec<(usize, Vec<WordOp>)> = Vec::new();
        jobs.retain(|&(i, _, t)| match self.confirmed.remove(&t) {
            Some(ops) => {
                ready.push((i, ops));
                false
            }
            None => true,
        });
        for (i, ops) in ready {
            if let BlockChange::Changed { ops: slot, .. } | BlockChange::Moved { ops: slot, .. } =
                &mut out[i]
            {
                *slot = ops;
            }
        }
        // From here on only the jobs' texts are read: let the others go, and
        // each job's texts once its ops exist (the ops hold the same text),
        // so a long draft's text is not held twice.
        self.fbag = Bags::new(0);
        self.tbag = Bags::new(0);
        let mut keep_f = vec![false; self.ftext.len()];
        let mut keep_t = vec![false; self.ttext.len()];
        for &(_, f, t) in &jobs {
            keep_f[f] = true;
            keep_t[t] = true;
        }
        clear_unless(&mut self.ftext, &keep_f);
        clear_unless(&mut self.ttext, &keep_t);
        for chunk in jobs.chunks(JOB_CHUNK) {
            let results = parallel_map(chunk, |&(_, f, t)| {
                diff_words(&self.ftext[f], &self.ttext[t], deadline)
            });
            for (&(i, f, t), ops) in chunk.iter().zip(results) {
                if let BlockChange::Changed { ops: slot, .. }
                | BlockChange::Moved { ops: slot, .. } = &mut out[i]
                {
                    *slot = ops;
                }
                self.ftext[f] = Cow::Borrowed("");
                self.ttext[t] = Cow::Borrowed("");
            }
        }
        out
    }
}

/// Runs `a` and `b`, on two threads when `parallel`.
fn both<A: Send, B: Send>(
    parallel: bool,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if parallel {
        rayon::join(a, b)
    } else {
        (a(), b())
    }
}

/// A 128-bit hash of a block's kind and its compared text (what
/// [`super::block_text`] returns). Equal keys are taken as identical blocks:
/// a collision is as unlikely as two random 128-bit numbers meeting. Without
/// `whitespace` it is the block's fingerprint, which the reader hashed from
/// the same normalised text.
fn identity(block: &Block, whitespace: bool, scratch: &mut Vec<u8>) -> u128 {
    if !whitespace {
        debug_assert_eq!(
            block.fingerprint,
            Fingerprint::of_kind(&block.kind),
            "a block's fingerprint must be that of its kind and text"
        );
        return u128::from_le_bytes(block.fingerprint.0);
    }
    scratch.clear();
    scratch.extend_from_slice(block.kind_tag().as_bytes());
    scratch.push(0);
    block
        .kind
        .text_pieces(&mut |piece| scratch.extend_from_slice(piece.as_bytes()));
    xxh3_128(scratch)
}

/// Word diffs computed per step in `emit`: enough to keep two cores busy,
/// few enough that the texts already diffed can be freed as it goes.
const JOB_CHUNK: usize = 512;

fn clear_unless(texts: &mut [Cow<'_, str>], keep: &[bool]) {
    for (text, &k) in texts.iter_mut().zip(keep) {
        if !k {
            *text = Cow::Borrowed("");
        }
    }
}

fn push_region(regions: &mut Vec<Region>, f: std::ops::Range<usize>, t: std::ops::Range<usize>) {
    if let Some((lf, lt)) = regions.last_mut()
        && lf.end == f.start
        && lt.end == t.start
    {
        lf.end = f.end;
        lt.end = t.end;
        return;
    }
    regions.push((f, t));
}

/// The features of a bag whose hash falls in one eighth of the range: the
/// same features for every block, so two sketches compare like their bags.
fn sketch_of(bag: &Bag) -> Bag {
    let kept = |v: &u32| (v >> 1).wrapping_mul(0x9E37_79B9) >> 29 == 0;
    // About an eighth, with room to spare: not grown by doubling from four.
    let mut features = Vec::with_capacity(bag.len() / 6 + 4);
    features.extend(bag.words().iter().copied().filter(kept));
    let words_end = features.len();
    features.extend(bag.runs()[1].iter().copied().filter(kept));
    Bag {
        features,
        words_end,
    }
}

/// The features two blocks are compared on: their words and their word
/// pairs, as small hashes (see [`Bag`]).
fn bag(text: &str) -> Bag {
    // A word takes five bytes or more with its space: room for them all,
    // not a string of reallocations.
    let mut words: Vec<u32> = Vec::with_capacity(text.len() / 5 + 1);
    tokenize(text, |s, e, class| {
        if class == TokenClass::Word {
            words.push(token_hash(&text[s..e]) as u32);
        }
    });
    let pairs: Vec<u32> = words
        .windows(2)
        .map(|pair| {
            let mut h = FxHasher::default();
            h.write_u32(pair[0]);
            h.write_u32(pair[1]);
            // Odd values for pairs, even for single words: the two never
            // collide.
            (h.finish() as u32) | 1
        })
        .collect();
    for w in &mut words {
        *w <<= 1;
    }
    debug_assert!(words.iter().all(|w| w & 1 == 0) && pairs.iter().all(|p| p & 1 == 1));
    let mut features = Vec::with_capacity(words.len() + pairs.len());
    sort_hashes_into(&words, &mut features);
    sort_hashes_into(&pairs, &mut features);
    Bag {
        features,
        words_end: words.len(),
    }
}

/// Adds `values` to `into`, sorted. They are hashes, spread evenly over
/// the range: each goes first to a bucket by its top bits (as many buckets
/// as values, up to 4,096), which leaves little for an insertion sort to
/// do. Between two unrelated drafts, where every leftover block gets a
/// bag, 1.3 % fewer instructions for the whole redline than
/// `sort_unstable`.
fn sort_hashes_into(values: &[u32], into: &mut Vec<u32>) {
    let (base, n) = (into.len(), values.len());
    if n < 32 {
        into.extend_from_slice(values);
        into[base..].sort_unstable();
        return;
    }
    into.resize(base + n, 0);
    let sorted = &mut into[base..];
    bucket_hashes(values, sorted);
    // Every value is now within its bucket of where it belongs.
    for i in 1..n {
        let v = sorted[i];
        let mut j = i;
        while j > 0 && sorted[j - 1] > v {
            sorted[j] = sorted[j - 1];
            j -= 1;
        }
        sorted[j] = v;
    }
}

/// Puts `values` (at least one) into `out` (as long) by their top bits,
/// each bucket of more than 32 values sorted: values that share their top
/// bits on purpose (crafted words, or more values than buckets) would make
/// the insertion sort after it quadratic.
fn bucket_hashes(values: &[u32], out: &mut [u32]) {
    let n = values.len();
    let bits = (usize::BITS - (n - 1).leading_zeros()).min(12);
    let shift = 32 - bits;
    let mut starts = vec![0u32; (1 << bits) + 1];
    for &v in values {
        starts[(v >> shift) as usize + 1] += 1;
    }
    let mut most = 0;
    for b in 1..starts.len() {
        most = most.max(starts[b]);
        starts[b] += starts[b - 1];
    }
    for &v in values {
        let next = &mut starts[(v >> shift) as usize];
        out[*next as usize] = v;
        *next += 1;
    }
    // Each bucket's start has moved to its end, which is the next one's
    // start.
    if most > 32 {
        let mut start = 0;
        for &end in &starts[..1 << bits] {
            let bucket = &mut out[start..end as usize];
            if bucket.len() > 32 {
                bucket.sort_unstable();
            }
            start = end as usize;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use duthao_model::Block;

    fn blocks(paragraphs: &[String]) -> Vec<Block> {
        let text = format!(
            "---\nkind: nghi-quyet\nissuer:\n  name: X\ntitle: t\n---\n\n{}\n",
            paragraphs.join("\n\n")
        );
        duthao_model::reader::read(&text, std::path::Path::new("t.md"))
            .map(|d| d.body.blocks)
            .unwrap_or_default()
    }

    /// Distinct paragraphs: each mixes a third of common words into its own.
    fn paragraph(seed: usize) -> String {
        let common = ["các", "và", "của", "được", "trong", "cho"];
        (0..24)
            .map(|i| {
                if i % 3 != 0 {
                    format!("mục{}x{}", seed, i)
                } else {
                    common[(seed + i) % common.len()].to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
            + "."
    }

    /// Numbers that look random, the same on every run.
    fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
        move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        }
    }

    /// A bag as one sorted list, words and pairs together: what the runs
    /// must hold between them.
    fn bag_as_one_list(text: &str) -> Vec<u32> {
        let mut words: Vec<u32> = Vec::new();
        tokenize(text, |s, e, class| {
            if class == TokenClass::Word {
                words.push(token_hash(&text[s..e]) as u32);
            }
        });
        let mut out: Vec<u32> = words.iter().map(|&w| w << 1).collect();
        for pair in words.windows(2) {
            let mut h = FxHasher::default();
            h.write_u32(pair[0]);
            h.write_u32(pair[1]);
            out.push((h.finish() as u32) | 1);
        }
        out.sort_unstable();
        out
    }

    #[test]
    fn a_bag_holds_its_words_and_pairs_in_two_sorted_runs() {
        let vocabulary = [
            "các", "và", "của", "được", "Đảng", "bộ", "2.200", "(a)", "—", ",", ".", "xã",
        ];
        let mut random = xorshift(0x0005_DEEC_E66D_u64);
        let mut next = move || random() as usize;
        // Up to 300 words: both sides of the 32 values where the sort
        // changes, and words repeated within a text.
        for len in (0..40).chain([63, 64, 65, 150, 300]) {
            for _ in 0..6 {
                let text: Vec<&str> = (0..len)
                    .map(|_| vocabulary[next() % vocabulary.len()])
                    .collect();
                let text = text.join(" ");
                let (got, want) = (bag(&text), bag_as_one_list(&text));
                let [words, pairs] = got.runs();
                let parity =
                    |p: u32| -> Vec<u32> { want.iter().copied().filter(|v| v & 1 == p).collect() };
                assert_eq!(words, parity(0), "{text:?}");
                assert_eq!(pairs, parity(1), "{text:?}");
                // Features in order of value, each once: the order the
                // leftover pairing counts hits in, which breaks its ties.
                let mut distinct = want.clone();
                distinct.dedup();
                assert_eq!(got.distinct().collect::<Vec<_>>(), distinct, "{text:?}");
                let sketch = sketch_of(&got);
                let kept = |v: &u32| (v >> 1).wrapping_mul(0x9E37_79B9) >> 29 == 0;
                let mut whole: Vec<u32> = sketch.features.clone();
                whole.sort_unstable();
                assert_eq!(whole, want.iter().copied().filter(kept).collect::<Vec<_>>());
                assert!(sketch.words().iter().all(|v| v & 1 == 0));
                assert!(sketch.runs()[1].iter().all(|v| v & 1 == 1));
            }
        }
    }

    #[test]
    fn the_blocks_with_most_hits_are_those_a_full_sort_ranks_first() {
        let mut next = xorshift(0x1234_5678_9ABC_DEF1u64);
        for round in 0..2_000 {
            let blocks = 1 + (next() % 300) as usize;
            // Few distinct counts, so that many tie.
            let most = 1 + (next() % if round % 2 == 0 { 4 } else { 50 }) as u32;
            let mut touched: Vec<usize> =
                (0..blocks).filter(|_| !next().is_multiple_of(3)).collect();
            // In the order first hit, not the blocks' own.
            for i in (1..touched.len()).rev() {
                touched.swap(i, (next() % (i as u64 + 1)) as usize);
            }
            let mut hits = vec![0u32; blocks];
            for &k in &touched {
                hits[k] = 1 + (next() as u32) % most;
            }
            let mut ranked: Vec<(std::cmp::Reverse<u32>, usize)> = touched
                .iter()
                .enumerate()
                .map(|(order, &k)| (std::cmp::Reverse(hits[k]), order))
                .collect();
            ranked.sort_unstable();
            let mut want: Vec<usize> = ranked
                .iter()
                .take(TOP_HITS)
                .map(|&(_, o)| touched[o])
                .collect();
            let mut got = most_hits(&touched, &mut hits);
            want.sort_unstable();
            got.sort_unstable();
            assert_eq!(got, want, "round {round}");
            assert!(hits.iter().all(|&h| h == 0));
        }
    }

    /// What the glances of every pair of `texts` said.
    struct Glanced {
        certain: usize,
        long_and_certain: usize,
        turned_down: usize,
        /// Turned down although their first or last eight bytes are alike.
        turned_down_wide: usize,
    }

    /// Weighs every pair of `texts` by its glances and by its bytes, and
    /// checks that no pair certain by its ends was turned down.
    fn glances_of_all_pairs(texts: &[String]) -> Glanced {
        let block = &blocks(&["x".to_string()])[0];
        let glances: Vec<Glance> = texts.iter().map(|t| Glance::of(block, t)).collect();
        let mut seen = Glanced {
            certain: 0,
            long_and_certain: 0,
            turned_down: 0,
            turned_down_wide: 0,
        };
        for (a, ga) in texts.iter().zip(&glances) {
            for (b, gb) in texts.iter().zip(&glances) {
                let certain = certain_by_ends(a.as_bytes(), b.as_bytes());
                let may = ga.may_share_ends(gb);
                assert!(!certain || may, "{a:?} {b:?}");
                seen.certain += usize::from(certain);
                seen.long_and_certain += usize::from(certain && a.len().max(b.len()) > 28);
                seen.turned_down += usize::from(!may);
                seen.turned_down_wide +=
                    usize::from(!may && (ga.head == gb.head || ga.tail == gb.tail));
            }
        }
        seen
    }

    #[test]
    fn a_glance_turns_down_only_pairs_whose_ends_are_too_short() {
        // Texts from three letters, so that many share their first or last
        // bytes, of every length around 28.
        let mut next = xorshift(0x0BAD_5EED_u64);
        let texts: Vec<String> = (0..400)
            .map(|_| {
                let len = (next() % 45) as usize;
                (0..len)
                    .map(|_| ["a", "b", "ạ"][(next() % 3) as usize])
                    .collect()
            })
            .collect();
        let seen = glances_of_all_pairs(&texts);
        let (long_and_certain, turned_down) = (seen.long_and_certain, seen.turned_down);
        // Both sides of the line were there to be told apart.
        assert!(
            long_and_certain > 100 && turned_down > 10_000,
            "{long_and_certain} long and certain, {turned_down} turned down"
        );
    }

    #[test]
    fn a_glance_turns_down_only_long_pairs_whose_ends_are_too_short() {
        // Texts of 100 to 300 bytes, each a copy of one of a few bases with
        // a few letters changed somewhere: their common ends are of every
        // length, about the 32 bytes a glance hashes at each end too.
        let mut next = xorshift(0x005E_ED0F_CAFE_u64);
        let letters = ["a", "b", "ạ", " "];
        let bases: Vec<Vec<&str>> = (0..6)
            .map(|_| {
                (0..300)
                    .map(|_| letters[(next() % letters.len() as u64) as usize])
                    .collect()
            })
            .collect();
        let texts: Vec<String> = (0..300)
            .map(|_| {
                let mut text = bases[(next() % bases.len() as u64) as usize].clone();
                text.truncate(100 + (next() % 200) as usize);
                for _ in 0..(next() % 4) {
                    let at = (next() % text.len() as u64) as usize;
                    text[at] = letters[(next() % letters.len() as u64) as usize];
                }
                text.concat()
            })
            .collect();
        let seen = glances_of_all_pairs(&texts);
        let (certain_pairs, turned_down_wide) = (seen.certain, seen.turned_down_wide);
        // Both sides of the line were there to be told apart.
        assert!(
            certain_pairs > 1_000 && turned_down_wide > 1_000,
            "{certain_pairs} certain, {turned_down_wide} turned down by the wide ends"
        );
    }

    #[test]
    fn a_glance_lets_through_common_ends_of_31_and_31_bytes_up_to_124() {
        // Two texts that share their first 31 bytes and their last 31, and
        // differ at the 32nd from each end: 62 bytes in common, certain for
        // texts up to 124 bytes long, not beyond.
        let text = |len: usize, mark: char| -> String {
            let middle: String = std::iter::repeat_n(mark, len - 62).collect();
            format!("{}{middle}{}", "h".repeat(31), "t".repeat(31))
        };
        let block = &blocks(&["x".to_string()])[0];
        for len in [63, 100, 124, 125, 126, 200] {
            let (a, b) = (text(len, 'a'), text(len, 'b'));
            let (ga, gb) = (Glance::of(block, &a), Glance::of(block, &b));
            assert_eq!(ga.head, gb.head);
            assert_ne!(ga.head_wide, gb.head_wide);
            assert_ne!(ga.tail_wide, gb.tail_wide);
            let certain = certain_by_ends(a.as_bytes(), b.as_bytes());
            assert_eq!(certain, len <= 124, "{len} bytes");
            assert_eq!(ga.may_share_ends(&gb), len <= 124, "{len} bytes");
        }
    }

    #[test]
    fn hashes_are_sorted_as_sort_unstable_sorts_them() {
        let mut random = xorshift(0x9E37_79B9_7F4A_7C15u64);
        let mut next = move || random() as u32;
        let lengths = (0..300).chain([1_000, 4_095, 4_096, 4_097, 20_000]);
        for n in lengths {
            // Spread over the range, as hashes are; drawn from a few
            // values (many equal); and crowded into one bucket, as crafted
            // words could make them.
            for kind in 0..3 {
                let values: Vec<u32> = (0..n)
                    .map(|_| match kind {
                        0 => next(),
                        1 => next() % 7 * 0x2000_0000,
                        _ => next() >> 20,
                    })
                    .collect();
                let mut want = values.clone();
                want.sort_unstable();
                // Added after what is there already, which stays.
                let mut got = vec![u32::MAX, 0];
                sort_hashes_into(&values, &mut got);
                assert!(
                    got[..2] == [u32::MAX, 0] && got[2..] == want,
                    "{n} values of kind {kind}"
                );
                // Before the insertion sort: buckets in order of their top
                // bits, none of more than 32 values left out of order (or
                // the insertion sort could take n² steps).
                if n >= 32 {
                    let mut out = vec![0; n];
                    bucket_hashes(&values, &mut out);
                    let shift = 32 - (usize::BITS - (n - 1).leading_zeros()).min(12);
                    for bucket in out.chunk_by(|a, b| a >> shift == b >> shift) {
                        assert!(
                            bucket.len() <= 32 || bucket.is_sorted(),
                            "{n} values of kind {kind}: a bucket of {}",
                            bucket.len()
                        );
                    }
                    assert!(out.is_sorted_by_key(|v| v >> shift));
                }
            }
        }
    }

    #[test]
    fn the_feature_index_lists_the_blocks_of_each_rare_feature() {
        // Bags of up to 300 features drawn from a skewed range: low values
        // are in most blocks, high ones in a few; some blocks have no bag.
        let mut next = xorshift(0x2545_F491_4F6C_DD1Du64);
        let bags: Vec<Option<Vec<u32>>> = (0..400)
            .map(|_| {
                if next().is_multiple_of(9) {
                    return None;
                }
                let n = (next() % 300) as usize;
                let mut bag: Vec<u32> = (0..n)
                    .map(|_| {
                        let r = next();
                        (r % (1 + (r >> 32) % 4_000)) as u32
                    })
                    .collect();
                bag.sort_unstable();
                Some(bag)
            })
            .collect();
        // And two at the limit: one in just as many blocks as a list
        // holds, one in a block more.
        let mut bags = bags;
        for (i, bag) in bags.iter_mut().flatten().enumerate() {
            if i < MAX_POSTINGS {
                bag.push(5_000);
            }
            if i <= MAX_POSTINGS {
                bag.push(5_001);
            }
        }
        // All in one run (bags in two runs: see the test of sifted bags).
        let bags: Vec<Option<Bag>> = bags
            .into_iter()
            .map(|b| {
                b.map(|features| Bag {
                    words_end: features.len(),
                    features,
                })
            })
            .collect();
        let index = FeatureIndex::of(bags.iter().map(Option::as_ref));
        // What it stands for: every feature's blocks, in order, once each,
        // kept when there are at most MAX_POSTINGS of them.
        let mut naive: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        for (k, bag) in bags.iter().enumerate() {
            for feat in bag.iter().flat_map(Bag::distinct) {
                naive.entry(feat).or_default().push(k as u32);
            }
        }
        let (mut rare, mut common) = (0, 0);
        for feat in 0..5_100u32 {
            let want = naive.get(&feat).filter(|v| v.len() <= MAX_POSTINGS);
            assert_eq!(index.get(feat), want.map(Vec::as_slice), "feature {feat}");
            match naive.get(&feat) {
                Some(v) if v.len() > MAX_POSTINGS => common += 1,
                Some(_) => rare += 1,
                None => {}
            }
        }
        assert_eq!(index.get(5_000).map(<[u32]>::len), Some(MAX_POSTINGS));
        assert_eq!(index.get(5_001), None);
        // Sifted, a bag keeps every feature the index lists, in the order
        // the pairing counts hits in.
        let mut sifted = Vec::new();
        for bag in bags.iter().flatten() {
            index.sift(bag, &mut sifted);
            let want: Vec<u32> = bag.distinct().filter(|&f| index.may_have(f)).collect();
            assert_eq!(sifted, want);
        }
        // Both kinds of feature were there to be told apart.
        assert!(rare > 1_000 && common >= 10, "{rare} rare, {common} common");
    }

    #[test]
    fn a_sifted_bag_keeps_what_the_index_may_list_in_the_order_of_its_features() {
        // Bags in two runs, with words repeated and pairs: paragraphs of
        // shared small words, each block's own words, and some in between.
        let texts: Vec<String> = (0..300)
            .map(|i| {
                let mut text = paragraph(i % 120);
                if i % 7 == 0 {
                    text = format!("{text} {}", paragraph(i + 1_000));
                }
                text
            })
            .collect();
        let bags: Vec<Option<Bag>> = texts.iter().map(|t| Some(bag(t))).collect();
        let index = FeatureIndex::of(bags.iter().map(Option::as_ref));
        // Built from bags in two runs, the index lists what a list of each
        // feature's blocks does.
        let mut naive: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        for (k, b) in bags.iter().enumerate() {
            for feat in b.iter().flat_map(Bag::distinct) {
                naive.entry(feat).or_default().push(k as u32);
            }
        }
        for (feat, blocks) in &naive {
            let want = (blocks.len() <= MAX_POSTINGS).then_some(blocks.as_slice());
            assert_eq!(index.get(*feat), want, "feature {feat}");
        }
        assert!(naive.values().any(|b| b.len() > MAX_POSTINGS));
        let mut sifted = Vec::new();
        let mut kept = 0;
        for b in bags.iter().flatten() {
            index.sift(b, &mut sifted);
            let want: Vec<u32> = b.distinct().filter(|&f| index.may_have(f)).collect();
            assert_eq!(sifted, want);
            kept += sifted.len();
        }
        // The sieve let some through and held some back.
        let all: usize = bags.iter().flatten().map(|b| b.distinct().count()).sum();
        assert!(kept > 0 && kept < all, "{kept} of {all}");
    }

    #[test]
    fn a_moved_and_edited_block_is_found_among_many_leftovers() {
        // 250 paragraphs removed, 250 others added, and one moved from the
        // start to past ten unchanged ones at the end, with one word
        // deleted: the leftovers go through the feature index, which must
        // still find the move, and the unrelated paragraphs (which share
        // their small words) must not be paired with it or with each other.
        let moved = paragraph(9999);
        let anchors: Vec<String> = (5000..5010).map(paragraph).collect();
        let mut from: Vec<String> = vec![moved.clone()];
        from.extend((0..250).map(paragraph));
        from.extend(anchors.iter().cloned());
        let mut to: Vec<String> = (1000..1250).map(paragraph).collect();
        to.extend(anchors.iter().cloned());
        to.push(moved.replacen("mục9999x1 ", "", 1));
        let (fb, tb) = (blocks(&from), blocks(&to));
        assert_eq!((fb.len(), tb.len()), (261, 261));
        let (out, _, _) = diff_bodies(&fb, &tb, false, None);
        let moves: Vec<&BlockChange> = out
            .iter()
            .filter(|c| matches!(c, BlockChange::Moved { .. }))
            .collect();
        assert_eq!(moves.len(), 1, "{moves:?}");
        assert!(matches!(
            moves[0],
            BlockChange::Moved {
                from: 0,
                to: 260,
                ..
            }
        ));
        assert_eq!(
            out.iter()
                .filter(|c| matches!(c, BlockChange::Added { .. }))
                .count(),
            250
        );
        assert_eq!(
            out.iter()
                .filter(|c| matches!(c, BlockChange::Removed { .. }))
                .count(),
            250
        );
    }

    #[test]
    fn fingerprints_hash_the_compared_text() {
        use crate::normalize;
        let texts = [
            "Đoạn văn  xuống\tdòng.",
            "  hai dòng\n\n tách \u{a0}bởi\u{2028}ngắt ",
            "a \n b\r\nc\u{2003}d\u{3000}e\u{85}f",
            "",
            " \n ",
            "một—“hai”…\u{2029}ba",
        ];
        for t in texts {
            let whole = Fingerprint::of("paragraph", t);
            assert_eq!(
                whole,
                Fingerprint::of("paragraph", &normalize(t, false)),
                "{t:?}"
            );
            // Cut anywhere, the pieces hash as the whole.
            for cut in (0..=t.len()).filter(|&k| t.is_char_boundary(k)) {
                let mut h = duthao_model::FingerprintHasher::new("paragraph");
                h.push(&t[..cut]);
                h.push(&t[cut..]);
                assert_eq!(h.finish(), whole, "{t:?} cut at {cut}");
            }
        }
        // Different compared texts, different fingerprints.
        let distinct: Vec<Fingerprint> = ["a b", "a\nb", "ab", "a  b,"]
            .iter()
            .map(|t| Fingerprint::of("paragraph", t))
            .collect();
        for i in 0..distinct.len() {
            for j in i + 1..distinct.len() {
                assert_ne!(distinct[i], distinct[j]);
            }
        }
        assert_ne!(
            Fingerprint::of("paragraph", "a"),
            Fingerprint::of("heading", "a")
        );
        // Hashing a text as it is matches exactly when it is normal.
        for t in texts.iter().chain(&["a b", "a\nb", "Điều 1. Phạm vi"]) {
            assert_eq!(
                Fingerprint::of_normal("paragraph", t) == Fingerprint::of("paragraph", t),
                normalize(t, false) == *t,
                "{t:?}"
            );
        }
    }
}
