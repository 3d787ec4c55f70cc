//! Tokens for the word diff: words, single punctuation characters and
//! whitespace runs, so that "bản," against "bản" differs by exactly one comma.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A small, fast, non-cryptographic hasher (the rustc "Fx" mix): the keys are
/// short words from our own documents, so HashDoS resistance buys nothing and
/// SipHash would dominate the interning cost on a 1,000-page draft.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

/// Up to seven bytes as a little-endian number, zero above them: what
/// copying them into a zeroed `[u8; 8]` gives, from two loads that may
/// overlap instead of a copy of unknown length (a call to `memcpy`, for the
/// tail of nearly every word hashed).
#[inline(always)]
fn short_le(b: &[u8]) -> u64 {
    let n = b.len();
    debug_assert!((1..8).contains(&n));
    let u16_at = |i: usize| u64::from(u16::from_le_bytes([b[i], b[i + 1]]));
    let u32_at = |i: usize| u64::from(u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]));
    if n >= 4 {
        u32_at(0) | (u32_at(n - 4) << (8 * (n - 4)))
    } else if n >= 2 {
        u16_at(0) | (u16_at(n - 2) << (8 * (n - 2)))
    } else {
        u64::from(b[0])
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.mix(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            self.mix(short_le(rest) ^ ((rest.len() as u64) << 56));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.mix(i as u64);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.mix(i as u64);
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FxBuild = BuildHasherDefault<FxHasher>;
pub(crate) type FxHashMap<K, V> = HashMap<K, V, FxBuild>;

/// What a token of the word diff is; the diff compares texts token by token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenClass {
    /// A run of letters, digits and combining marks; a figure such as "2.200" or
    /// "94,5" is one word.
    Word,
    /// One character that is neither a letter, digit nor whitespace: a comma or a
    /// bracket is a change of its own.
    Punct,
    /// A run of whitespace.
    Space,
}

/// Combining marks count as part of a word: text is NFC after the reader, but
/// a Vietnamese letter with a second diacritic may still carry one.
fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

#[inline]
fn class_of(c: char) -> TokenClass {
    if c.is_ascii() {
        return if c.is_ascii_alphanumeric() {
            TokenClass::Word
        } else if c.is_ascii_whitespace() {
            TokenClass::Space
        } else {
            TokenClass::Punct
        };
    }
    // Vietnamese letters live in Latin-1, Latin Extended-A/B and Latin
    // Extended Additional: answer those without the general Unicode tables.
    let u = c as u32;
    if (0xC0..=0x24F).contains(&u) && u != 0xD7 && u != 0xF7 || (0x1E00..=0x1EFF).contains(&u) {
        return TokenClass::Word;
    }
    if c.is_alphanumeric() || is_combining(c) {
        TokenClass::Word
    } else if c.is_whitespace() {
        TokenClass::Space
    } else {
        TokenClass::Punct
    }
}

/// The class of each ASCII byte, as [`class_of`] gives it.
const ASCII_CLASS: [TokenClass; 128] = {
    let mut t = [TokenClass::Punct; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        if c.is_ascii_alphanumeric() {
            t[i] = TokenClass::Word;
        } else if c.is_ascii_whitespace() {
            t[i] = TokenClass::Space;
        }
        i += 1;
    }
    t
};

/// The class and UTF-8 length of the character at byte `i` of `text` (a
/// character boundary): [`class_of`], with ASCII and the Vietnamese letters
/// (Latin-1 and Latin Extended-A/B, two bytes; Latin Extended Additional,
/// three bytes from E1 B8–BB) read from their first bytes, without decoding.
#[inline(always)]
fn class_at(text: &str, i: usize) -> (TokenClass, usize) {
    let b = text.as_bytes();
    let c = b[i];
    if c < 0x80 {
        return (ASCII_CLASS[c as usize], 1);
    }
    match c {
        // U+00C0–U+00FF: letters but × (C3 97) and ÷ (C3 B7).
        0xC3 if !matches!(b.get(i + 1), Some(0x97 | 0xB7)) => (TokenClass::Word, 2),
        // U+0100–U+027F: Latin Extended-A/B and IPA letters.
        0xC4..=0xC9 => (TokenClass::Word, 2),
        0xE1 if matches!(b.get(i + 1), Some(0xB8..=0xBB)) => (TokenClass::Word, 3),
        _ => {
            let ch = text[i..].chars().next().unwrap_or('\u{fffd}');
            (class_of(ch), ch.len_utf8())
        }
    }
}

/// Splits `text` into tokens, calling `f(start, end, class)` for each, with
/// byte offsets. Words are maximal runs of letters, digits and combining
/// marks; whitespace runs are one token; every other character is its own.
pub fn tokenize(text: &str, mut f: impl FnMut(usize, usize, TokenClass)) {
    tokenize_while(text, |s, e, c| {
        f(s, e, c);
        true
    });
}

/// [`tokenize`] until `f` returns false: for a writer that needs only the
/// first few words of a long unchanged stretch.
pub fn tokenize_while(text: &str, mut f: impl FnMut(usize, usize, TokenClass) -> bool) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let (class, len) = class_at(text, i);
        i += len;
        match class {
            TokenClass::Word => i = word_end(text, start, i),
            TokenClass::Space => {
                while i < b.len() {
                    let (next, next_len) = class_at(text, i);
                    if next != TokenClass::Space {
                        break;
                    }
                    i += next_len;
                }
            }
            TokenClass::Punct => {}
        }
        if !f(start, i, class) {
            return;
        }
    }
}

/// Whether a byte surely goes on a word begun before it: an ASCII letter or
/// digit, a lead byte of the Latin-1 and Latin Extended-A/B letters (C3–C9),
/// or a continuation byte. A continuation byte is only ever met after a
/// lead this scan took a byte at a time (whole characters found otherwise
/// are stepped over whole), so it belongs to a letter; but for × (C3 97)
/// and ÷ (C3 B7), which [`word_end`] looks at apart.
const GOES_ON: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = c.is_ascii_alphanumeric()
            || (c >= 0x80 && c <= 0xBF && c != 0x97 && c != 0xB7)
            || (c >= 0xC3 && c <= 0xC9);
        i += 1;
    }
    t
};

/// The end of the word that starts at `start`, its first character ending
/// at `i`: what a scan of [`class_at`] a character at a time finds, most of
/// it a byte at a time from a table (the words of every changed paragraph,
/// and of every leftover block's word bag, pass through here).
#[inline(always)]
fn word_end(text: &str, start: usize, mut i: usize) -> usize {
    let b = text.as_bytes();
    loop {
        while i < b.len() && GOES_ON[b[i] as usize] {
            i += 1;
        }
        let Some(&c) = b.get(i) else {
            return i;
        };
        if matches!(c, 0x97 | 0xB7) {
            // After C3, × and ÷ end the word; after C4–C9 the byte
            // continues a letter.
            if b[i - 1] == 0xC3 {
                return i - 1;
            }
            i += 1;
            continue;
        }
        let (next, next_len) = class_at(text, i);
        if next == TokenClass::Word {
            i += next_len;
            continue;
        }
        // A figure keeps its separators: "2.200", "94,5" are one token, so
        // a changed figure shows whole.
        let figure_sep = matches!(c, b'.' | b',')
            && b.get(i + 1).is_some_and(u8::is_ascii_digit)
            && b[start..i]
                .iter()
                .all(|&x| x.is_ascii_digit() || x == b'.' || x == b',');
        if !figure_sep {
            return i;
        }
        i += next_len;
    }
}

/// Number of word tokens (letters/digits runs) in `text`: what "words
/// inserted/deleted" count.
pub fn count_words(text: &str) -> usize {
    let mut n = 0;
    tokenize(text, |_, _, c| {
        if c == TokenClass::Word {
            n += 1
        }
    });
    n
}

/// The text the diff compares. Without `whitespace`, every whitespace run is
/// one space (or one newline when the run holds a line break, which marks a
/// hard break or a table row), and the ends are trimmed: reflowed lines and
/// double spaces are then not changes.
pub fn normalize(text: &str, whitespace: bool) -> String {
    normalize_owned(text.to_string(), whitespace)
}

/// [`normalize`] without a copy when the text is already normal (the usual
/// case: the reader turns soft breaks into spaces).
pub fn normalize_owned(text: String, whitespace: bool) -> String {
    if whitespace || is_normal(&text) {
        return text;
    }
    normalize_chars(&text)
}

fn normalize_chars(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending: Option<char> = None;
    for c in text.chars() {
        if c.is_whitespace() {
            let nl = c == '\n' || c == '\r' || c == '\u{2028}';
            pending = match pending {
                Some('\n') => Some('\n'),
                _ if nl => Some('\n'),
                _ => Some(' '),
            };
        } else {
            if let Some(p) = pending.take()
                && !out.is_empty()
            {
                out.push(p);
            }
            out.push(c);
        }
    }
    out
}

/// Already what [`normalize`] would return: no leading or trailing
/// whitespace, no whitespace but single spaces and single newlines.
pub(crate) fn is_normal(text: &str) -> bool {
    duthao_model::is_normal_text(text)
}

/// A 64-bit hash of a token's text. The word diff compares these instead of
/// strings and then checks every equal stretch against the texts, so a
/// collision can only make a diff coarser, never wrong.
#[inline]
pub fn token_hash(s: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(s.as_bytes());
    h.finish()
}

/// A tokenised text without its whitespace: the id and byte range of each
/// word and punctuation mark. The word diff aligns these and then compares
/// the whitespace between aligned tokens itself, so spaces neither double
/// the sequences Myers walks nor anchor unrelated words to each other.
pub struct Tokens {
    pub ids: Vec<u64>,
    pub spans: Vec<(u32, u32)>,
}

impl Tokens {
    /// The tokens [`tokenize`] finds, without the whitespace: this runs
    /// over every changed paragraph twice.
    pub fn of(text: &str) -> Tokens {
        let mut ids = Vec::with_capacity(text.len() / 5);
        let mut spans = Vec::with_capacity(text.len() / 5);
        tokenize(text, |start, end, class| {
            if class != TokenClass::Space {
                ids.push(token_hash(&text[start..end]));
                spans.push((start as u32, end as u32));
            }
        });
        Tokens { ids, spans }
    }
    pub fn len(&self) -> usize {
        self.ids.len()
    }
    /// Byte offset where token `i` starts (`end` for `i == len`).
    pub fn start(&self, i: usize, end: usize) -> usize {
        self.spans.get(i).map_or(end, |s| s.0 as usize)
    }
    /// Byte offset where token `i` ends.
    pub fn end(&self, i: usize) -> usize {
        self.spans[i].1 as usize
    }
}

/// The Dice coefficient 2|A∩B| / (|A|+|B|) of two multisets when it is at
/// least `min`; otherwise `None`, often found before the end (most pairs of
/// blocks weighed are far from the similarity they are weighed for). Each
/// multiset is given as two sorted runs, and a value of one run never
/// equals a value of the other (a word bag's single words and its word
/// pairs): the runs are compared apart.
pub fn dice_at_least_in_runs(a: [&[u32]; 2], b: [&[u32]; 2], min: f32) -> Option<f32> {
    if min.is_nan() {
        return None;
    }
    let total = a[0].len() + a[1].len() + b[0].len() + b[1].len();
    if a[0].len() + a[1].len() == 0 || b[0].len() + b[1].len() == 0 {
        return (0.0 >= min).then_some(0.0);
    }
    let of = |n: usize| (2 * n) as f32 / total as f32;
    // The fewest common values that give `min`, by the same arithmetic as
    // the result, so the answer is `dice`'s to the last bit.
    let mut need = ((min.max(0.0) * total as f32 / 2.0).ceil() as usize).min(total);
    while need > 0 && of(need - 1) >= min {
        need -= 1;
    }
    while need <= total && of(need) < min {
        need += 1;
    }
    // Each run can share at most its shorter counterpart's values.
    if a[0].len().min(b[0].len()) + a[1].len().min(b[1].len()) < need {
        return None;
    }
    let n = if a[1].is_empty() && b[1].is_empty() {
        common_at_least(a[0], b[0], need)?
    } else {
        common_in_halves(a, b, need)?
    };
    Some(of(n))
}

/// |A∩B| of two sorted multisets.
pub fn common(a: &[u32], b: &[u32]) -> usize {
    common_at_least(a, b, 0).unwrap_or(0)
}

/// [`common`] when it is at least `need`; `None` as soon as the values left
/// on either side cannot make it up.
fn common_at_least(a: &[u32], b: &[u32], need: usize) -> Option<usize> {
    if a.len().min(b.len()) < need {
        return None;
    }
    if a.len() + b.len() < 32 || a.is_empty() {
        let n = merge_count(a, b);
        return (n >= need).then_some(n);
    }
    // Cut both at the same value: the two halves intersect apart.
    let pivot = a[a.len() / 2];
    let (ia, ib) = (
        a.partition_point(|&x| x < pivot),
        b.partition_point(|&x| x < pivot),
    );
    let ((a1, a2), (b1, b2)) = (a.split_at(ia), b.split_at(ib));
    common_in_halves([a1, a2], [b1, b2], need)
}

/// |A∩B| of two multisets each given as two sorted halves whose values
/// meet only their counterpart's (`a[0]` with `b[0]`, `a[1]` with `b[1]`),
/// when it is at least `need`; `None` as soon as the values left cannot
/// make it up.
fn common_in_halves(a: [&[u32]; 2], b: [&[u32]; 2], need: usize) -> Option<usize> {
    // Each step of a merge waits for the comparison before it. The halves
    // merged side by side, the processor runs the two chains of steps at
    // once (1.6 times as fast on bags of a paragraph's size).
    let ([a1, a2], [b1, b2]) = (a, b);
    let (mut i1, mut j1, mut i2, mut j2, mut n) = (0, 0, 0, 0, 0usize);
    'merge: loop {
        // A bound every few steps: at most as many more values in common
        // as the shorter rest of each half.
        for _ in 0..8 {
            if !(i1 < a1.len() && j1 < b1.len() && i2 < a2.len() && j2 < b2.len()) {
                break 'merge;
            }
            let (x, y) = (a1[i1], b1[j1]);
            let (u, v) = (a2[i2], b2[j2]);
            n += usize::from(x == y) + usize::from(u == v);
            i1 += usize::from(x <= y);
            j1 += usize::from(y <= x);
            i2 += usize::from(u <= v);
            j2 += usize::from(v <= u);
        }
        let most = (a1.len() - i1).min(b1.len() - j1) + (a2.len() - i2).min(b2.len() - j2);
        if n + most < need {
            return None;
        }
    }
    let n = n + merge_count(&a1[i1..], &b1[j1..]) + merge_count(&a2[i2..], &b2[j2..]);
    (n >= need).then_some(n)
}

/// [`common`] by one merge.
fn merge_count(a: &[u32], b: &[u32]) -> usize {
    // Without branches on the comparison: which side advances is data, so
    // a branch would be mispredicted about every other step, and this runs
    // for every candidate pair of blocks.
    let (mut i, mut j, mut n) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        n += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dice coefficient of two sorted multisets: 2|A∩B| / (|A|+|B|). (The
    /// diff compares word bags in runs: [`dice_at_least_in_runs`].)
    fn dice(a: &[u32], b: &[u32]) -> f32 {
        if a.is_empty() || b.is_empty() {
            return 0.0;
        }
        (2 * common(a, b)) as f32 / (a.len() + b.len()) as f32
    }

    /// [`dice`] when it is at least `min`, of one run each.
    fn dice_at_least(a: &[u32], b: &[u32], min: f32) -> Option<f32> {
        dice_at_least_in_runs([a, &[]], [b, &[]], min)
    }

    #[test]
    fn a_short_tail_reads_as_if_copied_into_zeroes() {
        let bytes: Vec<u8> = (1..=16u8).map(|i| i.wrapping_mul(37) | 0x80).collect();
        for start in 0..8 {
            for n in 1..8 {
                let b = &bytes[start..start + n];
                let mut w = [0u8; 8];
                w[..n].copy_from_slice(b);
                assert_eq!(short_le(b), u64::from_le_bytes(w), "{b:?}");
            }
        }
    }

    /// The tokenizer as first written, a character at a time: the
    /// byte-reading one must agree with it.
    /// Splits `text` into tokens, calling `f(start, end, class)` for each, with
    /// byte offsets. Words are maximal runs of letters, digits and combining
    /// marks; whitespace runs are one token; every other character is its own.
    fn reference_tokenize(text: &str, mut f: impl FnMut(usize, usize, TokenClass)) {
        let mut iter = text.char_indices().peekable();
        while let Some((start, c)) = iter.next() {
            let class = class_of(c);
            let mut end = start + c.len_utf8();
            if class != TokenClass::Punct {
                while let Some(&(i, d)) = iter.peek() {
                    if class_of(d) != class {
                        // A figure keeps its separators: "2.200", "94,5" are one
                        // token, so a changed figure shows whole.
                        let figure_sep = class == TokenClass::Word
                            && (d == '.' || d == ',')
                            && text[start..end]
                                .bytes()
                                .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
                            && text[i + 1..]
                                .chars()
                                .next()
                                .is_some_and(|n| n.is_ascii_digit());
                        if !figure_sep {
                            break;
                        }
                    }
                    end = i + d.len_utf8();
                    iter.next();
                }
            }
            f(start, end, class);
        }
    }

    #[test]
    fn classes_read_from_bytes_are_the_classes_of_characters() {
        let mut buf = [0u8; 4];
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = c.encode_utf8(&mut buf);
            assert_eq!(class_at(s, 0), (class_of(c), c.len_utf8()), "{c:?}");
        }
    }

    fn toks(s: &str) -> Vec<&str> {
        let mut v = Vec::new();
        tokenize(s, |a, b, _| v.push(&s[a..b]));
        v
    }

    #[test]
    fn punctuation_is_its_own_token() {
        assert_eq!(toks("bản,"), ["bản", ","]);
        assert_eq!(
            toks("Điều 3.  Hiệu lực"),
            ["Điều", " ", "3", ".", "  ", "Hiệu", " ", "lực"]
        );
        assert_eq!(toks("(a)"), ["(", "a", ")"]);
        assert_eq!(toks("..."), [".", ".", "."]);
        assert_eq!(
            toks("2.200 đồng, 94,5%"),
            ["2.200", " ", "đồng", ",", " ", "94,5", "%"]
        );
        assert_eq!(toks("năm 2026."), ["năm", " ", "2026", "."]);
        assert_eq!(toks("1.234.567,5 a"), ["1.234.567,5", " ", "a"]);
    }

    #[test]
    fn combining_marks_stay_in_the_word() {
        let nfd = "vie\u{0302}\u{0323}t";
        assert_eq!(toks(nfd), [nfd]);
    }

    #[test]
    fn normalize_collapses_whitespace() {
        assert_eq!(normalize("  a \t b\n c  ", false), "a b\nc");
        assert_eq!(normalize("a \n\n b", false), "a\nb");
        assert_eq!(normalize("  a  ", true), "  a  ");
        for t in [
            "",
            "a",
            "a b\nc",
            " a",
            "a ",
            "a  b",
            "a\u{a0}b",
            "a\tb",
            "a \nb",
            // An Ogham space whose lead byte closes an eight-byte chunk.
            "bản 1\u{1680}",
            "bản 1\u{1680}x",
            "abcdefg\u{1680}",
        ] {
            assert_eq!(is_normal(t), normalize_chars(t) == t, "{t:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The byte-by-byte tokens of the word diff are those of `tokenize`.
        #[test]
        fn diff_tokens_are_the_tokens(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                " ", "\n", "\u{a0}", "\u{2003}", "Đảng", "bộ", "2", "200", ".", ",", "%", "“", "—",
                "e\u{302}", "\u{300}", "x", "Ω", "中", "😀", "(", "\u{b}", "\t", "1.5", "a)",
                "×", "÷", "Ê", "ɐ", "ǅ", "ỡ", "Ặ", "\u{1e9e}", "9,", "7.", ",5",
                // Continuation bytes 97 and B7 after other leads than C3.
                "ė", "ķ", "\u{1680}", "ᚁ",
            ]), 0..40)
        ) {
            let t = parts.concat();
            let mut want = Vec::new();
            tokenize(&t, |s, e, class| {
                if class != TokenClass::Space {
                    want.push((s as u32, e as u32));
                }
            });
            let mut reference = Vec::new();
            reference_tokenize(&t, |s, e, class| reference.push((s, e, class)));
            let mut all = Vec::new();
            tokenize(&t, |s, e, class| all.push((s, e, class)));
            proptest::prop_assert_eq!(&all, &reference, "{:?}", t);
            let got = Tokens::of(&t);
            proptest::prop_assert_eq!(&got.spans, &want, "{:?}", t);
            let words = all.iter().filter(|(_, _, c)| *c == TokenClass::Word).count();
            proptest::prop_assert_eq!(count_words(&t), words, "{:?}", t);
            let ids: Vec<u64> = want.iter().map(|&(s, e)| token_hash(&t[s as usize..e as usize])).collect();
            proptest::prop_assert_eq!(got.ids, ids);
        }

        /// The eight-bytes-at-a-time check agrees with normalising, for
        /// texts dense in every kind of whitespace and in the bytes that
        /// start one (Ogham space and "Ớ" share a continuation byte).
        #[test]
        fn normal_check_agrees_with_normalising(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                " ", "  ", "\n", "\n\n", " \n", "\t", "\r", "\u{a0}", "\u{85}",
                "\u{1680}", "\u{2003}", "\u{2028}", "\u{2029}", "\u{202f}", "\u{205f}",
                "\u{3000}", "\u{200b}", "Ớ", "ẚ", "Ê", "ạ", "đ", "—", "“", "a", "bản", "1", ",",
                "\u{1}", "\u{b}", "ab", "abc",
            ]), 0..60)
        ) {
            let t = parts.concat();
            proptest::prop_assert_eq!(is_normal(&t), normalize_chars(&t) == t, "{:?}", t);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The two-chain intersection counts what a count per value does,
        /// duplicates on either side of the cut included.
        #[test]
        fn common_counts_the_multiset_intersection(
            mut a in proptest::collection::vec(0u32..20, 0..120),
            mut b in proptest::collection::vec(0u32..20, 0..120),
        ) {
            a.sort_unstable();
            b.sort_unstable();
            let mut want = 0;
            for v in 0..20 {
                let count = |x: &[u32]| x.iter().filter(|&&y| y == v).count();
                want += count(&a).min(count(&b));
            }
            proptest::prop_assert_eq!(common(&a, &b), want);
            proptest::prop_assert_eq!(merge_count(&a, &b), want);
            // At any threshold, the bounded form answers as the whole one.
            let d = dice(&a, &b);
            for min in [0.0f32, 0.05, 0.3, 0.35, 0.5, 0.75, 0.9, 1.0, d, f32::from_bits(d.to_bits() + 1), f32::NAN] {
                proptest::prop_assert_eq!(dice_at_least(&a, &b, min), (d >= min).then_some(d), "min {}", min);
            }
            // And as two runs each, even values apart from odd ones (a
            // word bag's words and pairs), to the last bit.
            let runs = |x: &[u32]| -> [Vec<u32>; 2] {
                [0, 1].map(|parity| x.iter().copied().filter(|v| v % 2 == parity).collect())
            };
            let (ra, rb) = (runs(&a), runs(&b));
            for min in [0.0f32, 0.05, 0.3, 0.35, 0.5, 0.75, 0.9, 1.0, d, f32::from_bits(d.to_bits() + 1), f32::NAN] {
                proptest::prop_assert_eq!(
                    dice_at_least_in_runs([&ra[0], &ra[1]], [&rb[0], &rb[1]], min),
                    (d >= min).then_some(d),
                    "min {}", min
                );
            }
        }
    }

    #[test]
    fn dice_of_multisets() {
        assert_eq!(dice(&[1, 2, 3], &[1, 2, 3]), 1.0);
        assert_eq!(dice(&[1, 1, 2], &[1, 2, 2]), 2.0 * 2.0 / 6.0);
        assert_eq!(dice(&[], &[1]), 0.0);
    }

    #[test]
    fn word_count() {
        assert_eq!(count_words("Số 15-NQ/TU, ngày 05."), 6);
    }
}
