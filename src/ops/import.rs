//! `comment import`: the comments, replies and tracked changes a body left
//! in a Word file, read back onto the blocks of the version it commented.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::review::{Recorded, body_and_level, load_review, record, review_version};
use crate::workspace::{Result, Workspace, WorkspaceError};
use duthao_docx_read::{ChangeKind, WordFile, parse_marker};
use duthao_model::Draft;
use duthao_review::anchor::{anchor_of, find_all};
use duthao_review::{
    Comment, Event, EventId, Person, Quote, Reply, Review, Source, Stamp, Via, nfc,
};
use duthao_store::{Identity, Rev};

/// The largest Word file read.
pub const MAX_DOCX_BYTES: u64 = 64 * 1024 * 1024;

/// What `comment import` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The draft.
    pub slug: String,
    /// The Word file to read.
    pub file: PathBuf,
    /// Its name as the user gave it, for messages and the record.
    pub name: String,
    /// The body that sent it, as duthao.toml names it.
    pub body: String,
    /// Its level (checked against the body's).
    pub level: Option<String>,
    /// The version it comments on; found from the file's markers, else the latest.
    pub version: Option<u32>,
    /// The incoming letter it came with.
    pub letter: Option<String>,
}

/// What `comment import` did.
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    /// The draft.
    pub slug: String,
    /// The version the comments were placed on.
    pub version: u32,
    /// How the paragraphs were tied to blocks: "markers" (a file duthao
    /// exported) or "text" (any other file).
    pub matched_by: &'static str,
    /// The file's SHA-256.
    pub sha256: String,
    /// New comments from Word margin comments.
    pub comments: usize,
    /// New replies (to new comments or to comments exported in the file).
    pub replies: usize,
    /// New comments with proposed wording, from tracked changes.
    pub edits: usize,
    /// Of the new comments, those marked resolved in Word.
    pub resolved: usize,
    /// Comments, replies and edits already recorded (a second import of the
    /// same file, or the exported comments themselves).
    pub already: usize,
    /// Comments whose paragraph matched no block: recorded on the draft as
    /// a whole with the paragraph quoted, never dropped.
    pub unplaced: usize,
    /// The events written and their commit; `None` when nothing was new.
    pub recorded: Option<Recorded>,
}

/// The text a comment is exported with: its words and its proposed wording.
pub fn margin_text(c: &Comment) -> String {
    match &c.proposal {
        Some(p) => format!("{}\nĐề nghị sửa thành: “{p}”", c.text),
        None => c.text.clone(),
    }
}

/// How a Word margin comment is attributed on export: the body, and who
/// recorded it.
pub fn margin_author(c: &Comment) -> String {
    c.body.clone()
}

fn flat(text: &str) -> String {
    nfc(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn stamp_of(date: Option<&str>, fallback: Stamp) -> Stamp {
    use time::format_description::well_known::Rfc3339;
    date.and_then(|d| time::OffsetDateTime::parse(d, &Rfc3339).ok())
        .map(|t| Stamp(t.replace_nanosecond(0).unwrap_or(t)))
        .unwrap_or(fallback)
}

/// Reads the Word file and records what is new in it, in one commit.
pub fn import(ws: &Workspace, opts: &ImportOptions, who: &Identity) -> Result<Imported> {
    let slug = opts.slug.as_str();
    ws.require_slug_or_history(slug)?;
    let (body, level) = body_and_level(ws, &opts.body, opts.level.as_deref())?;
    let bytes = crate::fsutil::read_input(&opts.file, MAX_DOCX_BYTES, "Word files")?;
    let sha256 = format!("{:x}", Sha256::digest(&bytes));
    let word = duthao_docx_read::read(&bytes).map_err(|source| WorkspaceError::WordFile {
        file: opts.name.clone(),
        problem: source.to_string(),
    })?;
    if word.comments.is_empty() && word.changes.is_empty() {
        return Err(WorkspaceError::NothingInWordFile {
            file: opts.name.clone(),
        });
    }
    let (n, draft, matched_by) = version_of(ws, slug, &word, opts.version)?;
    let places = paragraph_blocks(&word, &draft, matched_by == "markers");
    let review = load_review(ws, slug)?;
    let mut plan = Plan::new(&review, &sha256, &body, n);

    let now = Stamp::now();
    let base_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    let mut next_id = {
        let mut k = 0u64;
        move || {
            k += 1;
            EventId::new(base_ms + k)
        }
    };
    let source = |item: String, resolved: bool| Source {
        via: Via::Docx,
        file: Some(opts.name.clone()),
        sha256: Some(sha256.clone()),
        item: Some(item),
        letter: opts.letter.as_deref().map(nfc),
        resolved,
    };
    let person = |name: &str| Person {
        name: if name.trim().is_empty() {
            body.clone()
        } else {
            nfc(name.trim())
        },
        email: String::new(),
    };

    // Word comment id → the comment id its thread belongs to in our records.
    let mut thread_of: HashMap<String, EventId> = HashMap::new();
    let by_id: HashMap<&str, &duthao_docx_read::WordComment> =
        word.comments.iter().map(|c| (c.id.as_str(), c)).collect();
    let root_of = |id: &str| -> String {
        let mut at = id;
        let mut seen = HashSet::new();
        while let Some(p) = by_id.get(at).and_then(|c| c.parent.as_deref()) {
            if !seen.insert(at) || !by_id.contains_key(p) {
                break;
            }
            at = p;
        }
        at.to_string()
    };
    let mut counts = Counts::default();
    // Roots first (in document order), then replies.
    for wc in word.comments.iter().filter(|c| c.parent.is_none()) {
        let text = nfc(wc.text.trim());
        if text.is_empty() {
            continue;
        }
        let place = wc.paragraph.and_then(|p| places.get(p).copied().flatten());
        // One of the comments exported in the file: its replies go to it.
        // A reply exported with it comes back as a comment of its own when
        // the thread's link was lost (LibreOffice writes none).
        if let Some(id) = plan
            .exported(&wc.author, &text, place)
            .or_else(|| plan.exported_reply(&wc.author, &text, place))
        {
            thread_of.insert(wc.id.clone(), id);
            counts.already += 1;
            continue;
        }
        let item = format!("c{}", wc.id);
        if let Some(id) = plan.known(&item, &text, place) {
            thread_of.insert(wc.id.clone(), id);
            counts.already += 1;
            continue;
        }
        let anchor = place.map(|b| {
            let block = &draft.body.blocks[b];
            let quote = quote_in(&block.text(), &wc.quote);
            anchor_of(block, b, quote)
        });
        let text = match (&anchor, wc.paragraph) {
            (None, Some(p)) if !word.paragraphs[p].original.trim().is_empty() => {
                counts.unplaced += 1;
                format!(
                    "[Về đoạn: “{}”] {text}",
                    duthao_review::anchor::opening(&word.paragraphs[p].original, 120)
                )
            }
            _ => text,
        };
        let id = next_id();
        thread_of.insert(wc.id.clone(), id.clone());
        counts.comments += 1;
        counts.resolved += usize::from(wc.done);
        plan.push(Event::Comment(Comment {
            id,
            draft: slug.to_string(),
            version: n,
            level: level.clone(),
            body: body.clone(),
            author: person(&wc.author),
            time: stamp_of(wc.date.as_deref(), now),
            anchor,
            text,
            proposal: None,
            source: source(item, wc.done),
        }));
    }
    for wc in word.comments.iter().filter(|c| c.parent.is_some()) {
        let text = nfc(wc.text.trim());
        let root = root_of(&wc.id);
        let Some(comment) = thread_of.get(&root).cloned() else {
            continue;
        };
        let item = format!("c{}", wc.id);
        if text.is_empty() || plan.known_reply(&item, &comment, &text) {
            counts.already += usize::from(!text.is_empty());
            continue;
        }
        counts.replies += 1;
        plan.push(Event::Reply(Reply {
            id: next_id(),
            comment,
            author: person(&wc.author),
            time: stamp_of(wc.date.as_deref(), now),
            text,
            source: Some(source(item, wc.done)),
        }));
    }
    // Tracked changes: one comment with the proposed wording per paragraph.
    let mut by_paragraph: Vec<(usize, Vec<&duthao_docx_read::TrackedChange>)> = Vec::new();
    for c in &word.changes {
        match by_paragraph.last_mut() {
            Some((p, list)) if *p == c.paragraph => list.push(c),
            _ => by_paragraph.push((c.paragraph, vec![c])),
        }
    }
    for (p, changes) in by_paragraph {
        let para = &word.paragraphs[p];
        let proposal = nfc(para.text.trim());
        let mut parts = Vec::new();
        for c in &changes {
            let t = flat(&c.text);
            if t.is_empty() {
                continue;
            }
            parts.push(match c.kind {
                ChangeKind::Insert => format!("thêm “{t}”"),
                ChangeKind::Delete => format!("bỏ “{t}”"),
            });
        }
        if parts.is_empty() {
            continue;
        }
        let text = format!("Sửa trực tiếp trong văn bản: {}.", parts.join("; "));
        let place = places.get(p).copied().flatten();
        let item = format!("p{p}");
        if plan.known(&item, &text, place).is_some() {
            counts.already += 1;
            continue;
        }
        let (anchor, text) = match place {
            Some(b) => (Some(anchor_of(&draft.body.blocks[b], b, None)), text),
            None => {
                counts.unplaced += 1;
                (
                    None,
                    format!(
                        "[Về đoạn: “{}”] {text}",
                        duthao_review::anchor::opening(&para.original, 120)
                    ),
                )
            }
        };
        let first = changes[0];
        counts.edits += 1;
        plan.push(Event::Comment(Comment {
            id: next_id(),
            draft: slug.to_string(),
            version: n,
            level: level.clone(),
            body: body.clone(),
            author: person(first.author.as_deref().unwrap_or("")),
            time: stamp_of(first.date.as_deref(), now),
            anchor,
            text,
            proposal: Some(proposal),
            source: source(item, false),
        }));
    }
    let recorded = if plan.events.is_empty() {
        None
    } else {
        let mut what = Vec::new();
        for (k, one, many) in [
            (counts.comments, "comment", "comments"),
            (counts.replies, "reply", "replies"),
            (counts.edits, "proposed edit", "proposed edits"),
        ] {
            if k > 0 {
                what.push(format!("{k} {}", if k == 1 { one } else { many }));
            }
        }
        let summary = format!(
            "Import {} from {} ({body}) on {slug} v{n}",
            what.join(", "),
            opts.name
        );
        Some(record(ws, slug, &plan.events, &summary, who)?)
    };
    Ok(Imported {
        slug: slug.to_string(),
        version: n,
        matched_by,
        sha256,
        comments: counts.comments,
        replies: counts.replies,
        edits: counts.edits,
        resolved: counts.resolved,
        already: counts.already,
        unplaced: counts.unplaced,
        recorded,
    })
}

#[derive(Default)]
struct Counts {
    comments: usize,
    replies: usize,
    edits: usize,
    resolved: usize,
    already: usize,
    unplaced: usize,
}

/// The events to write, and what is recorded already, to write nothing twice.
struct Plan<'r> {
    review: &'r Review,
    sha256: &'r str,
    body: &'r str,
    version: u32,
    events: Vec<Event>,
}

impl<'r> Plan<'r> {
    fn new(review: &'r Review, sha256: &'r str, body: &'r str, version: u32) -> Self {
        Plan {
            review,
            sha256,
            body,
            version,
            events: Vec::new(),
        }
    }

    fn push(&mut self, e: Event) {
        self.events.push(e);
    }

    /// A comment this file was exported with (same author line, same text).
    fn exported(&self, author: &str, text: &str, place: Option<usize>) -> Option<EventId> {
        let (author, text) = (flat(author), flat(text));
        self.review
            .threads
            .iter()
            .find(|t| {
                flat(&margin_author(&t.comment)) == author
                    && flat(&margin_text(&t.comment)) == text
                    && (place.is_none()
                        || t.comment.version != self.version
                        || t.comment.anchor.as_ref().map(|a| a.block) == place)
            })
            .map(|t| t.comment.id.clone())
    }

    /// The comment whose thread has a reply this file was exported with
    /// (same author, same text), on the block the reply is on.
    fn exported_reply(&self, author: &str, text: &str, place: Option<usize>) -> Option<EventId> {
        let (author, text) = (flat(author), flat(text));
        self.review
            .threads
            .iter()
            .find(|t| {
                (place.is_none()
                    || t.comment.version != self.version
                    || t.comment.anchor.as_ref().map(|a| a.block) == place)
                    && t.replies
                        .iter()
                        .any(|r| flat(&r.author.name) == author && flat(&r.text) == text)
            })
            .map(|t| t.comment.id.clone())
    }

    /// The comment recorded already from this item of this file, or with
    /// the same words from this body on the same block of this version.
    fn known(&self, item: &str, text: &str, place: Option<usize>) -> Option<EventId> {
        let text = flat(text);
        self.review
            .threads
            .iter()
            .map(|t| &t.comment)
            .chain(self.events.iter().filter_map(|e| match e {
                Event::Comment(c) => Some(c),
                _ => None,
            }))
            .find(|c| {
                (c.source.sha256.as_deref() == Some(self.sha256)
                    && c.source.item.as_deref() == Some(item))
                    || (c.body == self.body
                        && c.version == self.version
                        && c.anchor.as_ref().map(|a| a.block) == place
                        && flat(&c.text).ends_with(&text))
            })
            .map(|c| c.id.clone())
    }

    /// A reply recorded already on `comment` from this item, or with these words.
    fn known_reply(&self, item: &str, comment: &EventId, text: &str) -> bool {
        let text = flat(text);
        let Some(t) = self
            .review
            .threads
            .iter()
            .find(|t| &t.comment.id == comment)
        else {
            return false;
        };
        t.replies.iter().any(|r| {
            r.source.as_ref().is_some_and(|s| {
                s.sha256.as_deref() == Some(self.sha256) && s.item.as_deref() == Some(item)
            }) || flat(&r.text) == text
        }) || t
            .responses
            .iter()
            .any(|r| r.text.as_deref().is_some_and(|x| flat(x) == text))
    }
}

/// The quoted passage, when it occurs once in the block (or nearest its
/// start when several times).
fn quote_in(block_text: &str, quote: &str) -> Option<Quote> {
    let q = nfc(quote.trim());
    if q.is_empty() || q.contains('\n') {
        return None;
    }
    let hits = find_all(block_text, &q);
    let r = hits.first()?.clone();
    Some(Quote {
        text: block_text[r.clone()].to_string(),
        start: r.start,
        end: r.end,
    })
}

/// The version the file comments on: the one asked for, else the one whose
/// blocks its markers agree with (latest first), else the latest.
fn version_of(
    ws: &Workspace,
    slug: &str,
    word: &WordFile,
    asked: Option<u32>,
) -> Result<(u32, Draft, &'static str)> {
    let latest = review_version(ws, slug, asked)?;
    let markers: Vec<_> = word
        .paragraphs
        .iter()
        .filter_map(|p| p.marker.as_deref().and_then(parse_marker))
        .collect();
    let agree = |d: &Draft| {
        markers
            .iter()
            .filter(|m| {
                d.body
                    .blocks
                    .get(m.block)
                    .is_some_and(|b| b.fingerprint.to_string().starts_with(&m.fingerprint))
            })
            .count()
    };
    let candidates: Vec<u32> = match asked {
        Some(n) => vec![n],
        None => (1..=latest).rev().collect(),
    };
    if !markers.is_empty() {
        for n in &candidates {
            let Ok(d) = ws.read_draft(slug, &Rev::Version(*n)) else {
                continue;
            };
            if agree(&d) * 2 > markers.len() {
                return Ok((*n, d, "markers"));
            }
        }
    }
    let n = candidates[0];
    Ok((n, ws.read_draft(slug, &Rev::Version(n))?, "text"))
}

/// For each Word paragraph, the block it shows: by marker when the file
/// has them, else by its text.
fn paragraph_blocks(word: &WordFile, draft: &Draft, markers: bool) -> Vec<Option<usize>> {
    let blocks = &draft.body.blocks;
    let mut by_text: HashMap<String, Option<usize>> = HashMap::new();
    for (i, b) in blocks.iter().enumerate() {
        by_text
            .entry(flat(&b.text()))
            .and_modify(|slot| *slot = None)
            .or_insert(Some(i));
    }
    let texts: Vec<String> = blocks.iter().map(|b| flat(&b.text())).collect();
    word.paragraphs
        .iter()
        .map(|p| {
            if markers
                && let Some(m) = p.marker.as_deref().and_then(parse_marker)
                && blocks
                    .get(m.block)
                    .is_some_and(|b| b.fingerprint.to_string().starts_with(&m.fingerprint))
            {
                return Some(m.block);
            }
            let t = flat(&p.original);
            if t.chars().count() < 12 {
                return by_text.get(&t).copied().flatten();
            }
            if let Some(hit) = by_text.get(&t) {
                return *hit;
            }
            // A paragraph Word split or a block the layout split: the one
            // block that holds it whole.
            let holders: Vec<usize> = (0..texts.len())
                .filter(|&i| texts[i].contains(&t))
                .collect();
            (holders.len() == 1).then(|| holders[0])
        })
        .collect()
}
