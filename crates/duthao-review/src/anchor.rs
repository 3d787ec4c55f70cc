//! Anchors: finding the block and passage a comment points at (`--at`,
//! `--quote`), and following it to a later version through the diff's
//! block alignment.

use duthao_diff::{BlockChange, DraftDiff};
use duthao_model::{Block, Draft};
use serde::Serialize;

use crate::event::{Anchor, Quote};
use crate::nfc;

/// How many candidates an error lists.
const CANDIDATES: usize = 5;

/// Why an anchor could not be placed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnchorError {
    /// No block has that path.
    #[error("no block at \"{at}\" in v{version}{}", list(.nearest, "nearest paths"))]
    PathNotFound {
        /// What was asked for.
        at: String,
        /// The version searched.
        version: u32,
        /// Paths that come close.
        nearest: Vec<String>,
    },
    /// Several blocks have that path (the draft repeats a number).
    #[error("\"{at}\" is the path of {} blocks in v{version}{}", .candidates.len(), list(.candidates, "they start"))]
    PathAmbiguous {
        /// What was asked for.
        at: String,
        /// The version searched.
        version: u32,
        /// Each block's opening words.
        candidates: Vec<String>,
    },
    /// The quoted passage is not in the version (or not in the block `--at` names).
    #[error("\"{quote}\" does not occur in {scope}{}", list(.nearest, "closest passages"))]
    QuoteNotFound {
        /// The passage.
        quote: String,
        /// "v2" or "v2 at II > 2".
        scope: String,
        /// Blocks that share the most words with it: "path: opening words".
        nearest: Vec<String>,
    },
    /// The quoted passage occurs more than once.
    #[error("\"{quote}\" occurs {} times in {scope}; quote more words or add --at{}", .candidates.len(), list(.candidates, "at"))]
    QuoteAmbiguous {
        /// The passage.
        quote: String,
        /// Where it was searched.
        scope: String,
        /// Each occurrence: "path: … context …".
        candidates: Vec<String>,
    },
}

fn list(items: &[String], what: &str) -> String {
    if items.is_empty() {
        String::new()
    } else {
        format!("; {what}:\n  {}", items.join("\n  "))
    }
}

/// "II>2 >  b)" and "ii > 2 > b)" name the same path.
fn path_key(path: &str) -> String {
    nfc(path)
        .split('>')
        .map(|s| {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        })
        .collect::<Vec<_>>()
        .join(" > ")
}

/// The first words of a block, for lists of candidates.
pub fn opening(text: &str, chars: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= chars {
        flat
    } else {
        let cut: String = flat.chars().take(chars).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Finds the anchor of a comment on `draft` (version `version`): `at` is a
/// structural path, `quote` a passage that must occur exactly once (in the
/// block `at` names, or in the whole version). Neither: a comment on the
/// draft as a whole (`None`).
pub fn locate(
    draft: &Draft,
    version: u32,
    at: Option<&str>,
    quote: Option<&str>,
) -> Result<Option<Anchor>, AnchorError> {
    let blocks = &draft.body.blocks;
    let block = match at {
        Some(at) => Some(block_at(blocks, version, at)?),
        None => None,
    };
    let quote = quote.map(|q| nfc(q.trim())).filter(|q| !q.is_empty());
    let (index, quote) = match (block, quote) {
        (None, None) => return Ok(None),
        (Some(i), None) => (i, None),
        (scope_block, Some(q)) => {
            let scope: Vec<usize> = match scope_block {
                Some(i) => vec![i],
                None => (0..blocks.len()).collect(),
            };
            let scope_name = match scope_block {
                Some(i) => format!("v{version} at {}", blocks[i].path),
                None => format!("v{version}"),
            };
            let mut hits = Vec::new();
            for &i in &scope {
                let text = blocks[i].text();
                for range in find_all(&text, &q) {
                    hits.push((i, range, text.clone()));
                }
            }
            match hits.len() {
                0 => {
                    return Err(AnchorError::QuoteNotFound {
                        nearest: nearest_passages(blocks, &scope, &q),
                        quote: q,
                        scope: scope_name,
                    });
                }
                1 => {
                    let (i, range, text) = hits.pop().expect("one hit");
                    let quote = Quote {
                        text: text[range.clone()].to_string(),
                        start: range.start,
                        end: range.end,
                    };
                    (i, Some(quote))
                }
                _ => {
                    return Err(AnchorError::QuoteAmbiguous {
                        candidates: hits
                            .iter()
                            .take(CANDIDATES * 2)
                            .map(|(i, r, text)| {
                                format!("{}: {}", blocks[*i].path, context(text, r.clone(), 30))
                            })
                            .collect(),
                        quote: q,
                        scope: scope_name,
                    });
                }
            }
        }
    };
    Ok(Some(anchor_of(&blocks[index], index, quote)))
}

/// The anchor of block `index` (whole block, or `quote` within it).
pub fn anchor_of(block: &Block, index: usize, quote: Option<Quote>) -> Anchor {
    Anchor {
        path: block.path.to_string(),
        block: index,
        fingerprint: block.fingerprint.to_string(),
        quote,
    }
}

fn block_at(blocks: &[Block], version: u32, at: &str) -> Result<usize, AnchorError> {
    let key = path_key(at);
    let found: Vec<usize> = (0..blocks.len())
        .filter(|&i| path_key(&blocks[i].path.to_string()) == key)
        .collect();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(AnchorError::PathNotFound {
            at: at.to_string(),
            version,
            nearest: nearest_paths(blocks, &key),
        }),
        many => Err(AnchorError::PathAmbiguous {
            at: at.to_string(),
            version,
            candidates: many
                .iter()
                .take(CANDIDATES)
                .map(|&i| format!("block {}: {}", i + 1, opening(&blocks[i].text(), 50)))
                .collect(),
        }),
    }
}

/// Paths closest to `key`: most segments in common from the start, then
/// the smallest edit distance.
fn nearest_paths(blocks: &[Block], key: &str) -> Vec<String> {
    let wanted: Vec<&str> = key.split(" > ").collect();
    let mut scored: Vec<(usize, usize, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for b in blocks {
        let path = b.path.to_string();
        if path.is_empty() || !seen.insert(path.clone()) {
            continue;
        }
        let k = path_key(&path);
        let segs: Vec<&str> = k.split(" > ").collect();
        let common = wanted.iter().zip(&segs).take_while(|(a, b)| a == b).count();
        let distance = edit_distance(key, &k);
        scored.push((usize::MAX - common, distance, path));
    }
    scored.sort();
    scored
        .into_iter()
        .take(CANDIDATES)
        .map(|(_, _, p)| p)
        .collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(200).collect();
    let b: Vec<char> = b.chars().take(200).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Blocks of `scope` sharing the most words with `quote`.
fn nearest_passages(blocks: &[Block], scope: &[usize], quote: &str) -> Vec<String> {
    let words: std::collections::HashSet<String> =
        quote.split_whitespace().map(str::to_lowercase).collect();
    let mut scored: Vec<(usize, usize)> = scope
        .iter()
        .map(|&i| {
            let text = blocks[i].text().to_lowercase();
            let shared = text
                .split_whitespace()
                .collect::<std::collections::HashSet<_>>()
                .iter()
                .filter(|w| words.contains(**w))
                .count();
            (usize::MAX - shared, i)
        })
        .filter(|&(s, _)| s != usize::MAX)
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(CANDIDATES)
        .map(|(_, i)| format!("{}: {}", blocks[i].path, opening(&blocks[i].text(), 60)))
        .collect()
}

/// Every place `needle` occurs in `hay`, whitespace runs matching any
/// whitespace run (a quote copied from a PDF or Word breaks lines
/// elsewhere).
pub fn find_all(hay: &str, needle: &str) -> Vec<std::ops::Range<usize>> {
    let words: Vec<&str> = needle.split_whitespace().collect();
    let Some(first) = words.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = hay[from..].find(first) {
        let start = from + pos;
        let mut end = start + first.len();
        let mut ok = true;
        for w in &words[1..] {
            let rest = &hay[end..];
            let skipped = rest.len() - rest.trim_start().len();
            if skipped == 0 || !rest[skipped..].starts_with(w) {
                ok = false;
                break;
            }
            end += skipped + w.len();
        }
        if ok {
            out.push(start..end);
        }
        from = start + first.len().max(1);
        while !hay.is_char_boundary(from) {
            from += 1;
        }
    }
    out
}

/// The passage at `range` with up to `around` characters either side.
pub fn context(text: &str, range: std::ops::Range<usize>, around: usize) -> String {
    let before: String = text[..range.start]
        .chars()
        .rev()
        .take(around)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after: String = text[range.end..].chars().take(around).collect();
    let lead = if before.len() < range.start {
        "…"
    } else {
        ""
    };
    let tail = if range.end + after.len() < text.len() {
        "…"
    } else {
        ""
    };
    format!("{lead}{before}[{}]{after}{tail}", &text[range])
}

/// Where a comment stands in the version it is looked at from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "placement", rename_all = "kebab-case")]
pub enum Placement {
    /// A comment on the draft as a whole.
    General,
    /// The block is there, its text unchanged.
    Same {
        /// Its index in the version looked at.
        block: usize,
        /// Its path there.
        path: String,
    },
    /// The block moved (with or without edits); the comment follows it.
    Moved {
        /// Its index in the version looked at.
        block: usize,
        /// Its path there.
        path: String,
        /// The passage, when the comment quotes one and it is still there.
        #[serde(skip_serializing_if = "Option::is_none")]
        quote: Option<Quote>,
        /// The comment quotes a passage the block no longer has.
        quote_lost: bool,
    },
    /// The block was edited where it stands.
    Edited {
        /// Its index in the version looked at.
        block: usize,
        /// Its path there.
        path: String,
        /// The passage, when the comment quotes one and it is still there.
        #[serde(skip_serializing_if = "Option::is_none")]
        quote: Option<Quote>,
        /// The comment quotes a passage the block no longer has.
        quote_lost: bool,
    },
    /// The block is gone: the comment is shown with what it pointed at.
    Outdated {
        /// Its path in the version the comment was made on.
        path: String,
        /// That block's text then.
        context: String,
    },
}

impl Placement {
    /// The block's index in the version looked at, when it is there.
    pub fn block(&self) -> Option<usize> {
        match self {
            Placement::Same { block, .. }
            | Placement::Moved { block, .. }
            | Placement::Edited { block, .. } => Some(*block),
            Placement::General | Placement::Outdated { .. } => None,
        }
    }

    /// The path to show: where the block is now, or was.
    pub fn path(&self) -> Option<&str> {
        match self {
            Placement::Same { path, .. }
            | Placement::Moved { path, .. }
            | Placement::Edited { path, .. }
            | Placement::Outdated { path, .. } => Some(path),
            Placement::General => None,
        }
    }

    /// One word for listings.
    pub fn word(&self) -> &'static str {
        match self {
            Placement::General => "general",
            Placement::Same { .. } => "same",
            Placement::Moved { .. } => "moved",
            Placement::Edited { .. } => "edited",
            Placement::Outdated { .. } => "outdated",
        }
    }
}

/// What happened to each block of one version in another: built once per
/// pair of versions and asked for every comment.
pub struct Carrier<'a> {
    from: &'a Draft,
    to: &'a Draft,
    /// For each FROM block: its TO index and whether it moved, or was
    /// edited in place; `None` when removed.
    fate: Vec<Option<Fate>>,
    /// FROM's blocks by fingerprint and by path, for anchors whose index
    /// does not agree (made once, when the first such anchor comes).
    lookup: std::sync::OnceLock<Lookup>,
}

struct Lookup {
    by_fingerprint: std::collections::HashMap<String, usize>,
    by_path: std::collections::HashMap<String, Option<usize>>,
}

#[derive(Clone, Copy)]
struct Fate {
    to: usize,
    moved: bool,
    edited: bool,
}

impl<'a> Carrier<'a> {
    /// Anchors of `from` placed in `to` through `diff` (`diff_drafts(from, to)`).
    pub fn new(from: &'a Draft, diff: &DraftDiff, to: &'a Draft) -> Carrier<'a> {
        let mut fate = vec![None; from.body.blocks.len()];
        for change in &diff.blocks {
            let f = match change {
                BlockChange::Unchanged { from, to } => Some((*from, *to, false, false)),
                BlockChange::Changed { from, to, ops, .. } => {
                    let edited = ops.iter().any(|o| o.is_change());
                    Some((*from, *to, false, edited))
                }
                BlockChange::Moved { from, to, ops, .. } => {
                    let edited = ops.iter().any(|o| o.is_change());
                    Some((*from, *to, true, edited))
                }
                BlockChange::Added { .. } | BlockChange::Removed { .. } => None,
            };
            if let Some((f, t, moved, edited)) = f
                && f < fate.len()
            {
                fate[f] = Some(Fate {
                    to: t,
                    moved,
                    edited,
                });
            }
        }
        Carrier {
            from,
            to,
            fate,
            lookup: std::sync::OnceLock::new(),
        }
    }

    /// Anchors of a version placed in the same version.
    pub fn same(draft: &'a Draft) -> Carrier<'a> {
        let fate = (0..draft.body.blocks.len())
            .map(|i| {
                Some(Fate {
                    to: i,
                    moved: false,
                    edited: false,
                })
            })
            .collect();
        Carrier {
            from: draft,
            to: draft,
            fate,
            lookup: std::sync::OnceLock::new(),
        }
    }

    /// Where `anchor` (made on FROM) stands in TO.
    pub fn place(&self, anchor: Option<&Anchor>) -> Placement {
        let Some(anchor) = anchor else {
            return Placement::General;
        };
        let Some(from_index) = self.block_in_from(anchor) else {
            // The event names a block its version does not have (edited by
            // hand, or a version rewritten): keep the comment, outdated.
            return Placement::Outdated {
                path: anchor.path.clone(),
                context: anchor
                    .quote
                    .as_ref()
                    .map(|q| q.text.clone())
                    .unwrap_or_default(),
            };
        };
        let Some(fate) = self.fate[from_index] else {
            return Placement::Outdated {
                path: anchor.path.clone(),
                context: self.from.body.blocks[from_index].text(),
            };
        };
        let block = &self.to.body.blocks[fate.to];
        let path = block.path.to_string();
        if !fate.moved && !fate.edited {
            return Placement::Same {
                block: fate.to,
                path,
            };
        }
        let (quote, quote_lost) = match &anchor.quote {
            None => (None, false),
            Some(q) if !fate.edited => (Some(q.clone()), false),
            Some(q) => match refind(&block.text(), q) {
                Some(found) => (Some(found), false),
                None => (None, true),
            },
        };
        if fate.moved {
            Placement::Moved {
                block: fate.to,
                path,
                quote,
                quote_lost,
            }
        } else {
            Placement::Edited {
                block: fate.to,
                path,
                quote,
                quote_lost,
            }
        }
    }

    /// The FROM block an anchor names: by index when its fingerprint
    /// agrees, else the block with that fingerprint, else the one path.
    fn block_in_from(&self, anchor: &Anchor) -> Option<usize> {
        let blocks = &self.from.body.blocks;
        let agrees = |i: usize| {
            blocks
                .get(i)
                .is_some_and(|b| b.fingerprint.to_string() == anchor.fingerprint)
        };
        if agrees(anchor.block) {
            return Some(anchor.block);
        }
        let lookup = self.lookup.get_or_init(|| {
            let mut by_fingerprint = std::collections::HashMap::new();
            let mut by_path: std::collections::HashMap<String, Option<usize>> =
                std::collections::HashMap::new();
            for (i, b) in blocks.iter().enumerate() {
                by_fingerprint.entry(b.fingerprint.to_string()).or_insert(i);
                by_path
                    .entry(path_key(&b.path.to_string()))
                    .and_modify(|slot| *slot = None)
                    .or_insert(Some(i));
            }
            Lookup {
                by_fingerprint,
                by_path,
            }
        });
        if let Some(&i) = lookup.by_fingerprint.get(&anchor.fingerprint) {
            return Some(i);
        }
        // Only a path that names one block.
        lookup
            .by_path
            .get(&path_key(&anchor.path))
            .copied()
            .flatten()
    }
}

/// The quoted passage in a block's new text: the occurrence nearest its
/// old place.
fn refind(text: &str, quote: &Quote) -> Option<Quote> {
    let hits = find_all(text, &quote.text);
    let best = hits
        .into_iter()
        .min_by_key(|r| r.start.abs_diff(quote.start))?;
    Some(Quote {
        text: text[best.clone()].to_string(),
        start: best.start,
        end: best.end,
    })
}
