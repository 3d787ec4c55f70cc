//! The review of a draft: comments, replies, responses and agreements as
//! append-only event files under `reviews/<slug>/`, each committed alone
//! with a message that says what happened.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::workspace::{Result, Workspace, WorkspaceError};
use duthao_diff::{DiffOptions, diff_drafts};
use duthao_model::Draft;
use duthao_review::{
    Agreement, BodyInfo, Carrier, Comment, Decision, Event, EventError, EventId, LevelInfo, Person,
    Placement, Reply, Response, Review, Source, Stamp, State, Thread, Via, Withdrawal, locate,
};
use duthao_store::{Identity, Rev};

/// The folder of the reviews, one folder per draft.
pub const REVIEWS_DIR: &str = "reviews";

/// The largest event file read: a comment is a few paragraphs.
pub const MAX_EVENT_BYTES: u64 = 256 * 1024;

/// `reviews/<slug>`.
pub fn review_rel(slug: &str) -> PathBuf {
    Path::new(REVIEWS_DIR).join(slug)
}

/// The levels and bodies of `duthao.toml`, for the review crate.
pub fn roster(ws: &Workspace) -> (Vec<LevelInfo>, Vec<BodyInfo>) {
    let levels = ws
        .config
        .levels
        .iter()
        .map(|l| LevelInfo {
            id: l.id.clone(),
            name: l.name.clone(),
        })
        .collect();
    let bodies = ws
        .config
        .bodies
        .iter()
        .map(|b| BodyInfo {
            name: b.name.clone(),
            level: b.level.clone(),
        })
        .collect();
    (levels, bodies)
}

/// Everything recorded on a draft's review, read from the files on disk
/// (those committed and those not yet). A file that does not read is
/// reported in `problems`; the others load.
pub fn load_review(ws: &Workspace, slug: &str) -> Result<Review> {
    let (events, problems) = read_events(ws, slug)?;
    Ok(Review::fold(events, problems))
}

fn read_events(ws: &Workspace, slug: &str) -> Result<(Vec<Event>, Vec<EventError>)> {
    let rel = review_rel(slug);
    if let Ok(m) = std::fs::symlink_metadata(ws.root().join(REVIEWS_DIR))
        && m.file_type().is_symlink()
    {
        return Err(WorkspaceError::FolderLink {
            folder: REVIEWS_DIR,
            target: std::fs::read_link(ws.root().join(REVIEWS_DIR)).unwrap_or_default(),
        });
    }
    let files =
        crate::fsutil::read_folder(ws.root(), &rel, MAX_EVENT_BYTES, "review events", |n| {
            n.ends_with(".yaml") && !n.starts_with('.')
        })?;
    use rayon::prelude::*;
    let read: Vec<std::result::Result<Event, EventError>> = files
        .into_par_iter()
        .with_min_len(64)
        .map(|(name, bytes)| {
            let file = rel.join(&name);
            let bytes = bytes.map_err(|e| EventError {
                message: strip_path(&e.to_string(), &file),
                file: file.clone(),
                line: 1,
            })?;
            Event::from_yaml(&bytes, &file)
        })
        .collect();
    let mut events = Vec::with_capacity(read.len());
    let mut problems = Vec::new();
    for r in read {
        match r {
            Ok(e) => events.push(e),
            Err(p) => problems.push(p),
        }
    }
    for e in &events {
        let draft = match e {
            Event::Comment(c) => Some(&c.draft),
            Event::Agreement(a) => Some(&a.draft),
            _ => None,
        };
        if let Some(d) = draft
            && d != slug
        {
            problems.push(EventError {
                file: rel.join(e.file_name()),
                line: 1,
                message: format!("is about draft `{d}` but lies in {}/", rel.display()),
            });
        }
    }
    Ok((events, problems))
}

fn strip_path(message: &str, file: &Path) -> String {
    let prefix = format!("{}: ", file.display());
    message.strip_prefix(&prefix).unwrap_or(message).to_string()
}

/// The `.yaml` file names of `reviews/<slug>/`, sorted, without reading them.
fn event_files(ws: &Workspace, rel: &Path) -> Result<Vec<String>> {
    for dir in [Path::new(REVIEWS_DIR), rel] {
        match std::fs::symlink_metadata(ws.root().join(dir)) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(WorkspaceError::FolderLink {
                    folder: REVIEWS_DIR,
                    target: std::fs::read_link(ws.root().join(dir)).unwrap_or_default(),
                });
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(WorkspaceError::Io {
                    path: dir.to_path_buf(),
                    source,
                });
            }
        }
    }
    let entries = std::fs::read_dir(ws.root().join(rel)).map_err(|source| WorkspaceError::Io {
        path: rel.to_path_buf(),
        source,
    })?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| WorkspaceError::Io {
            path: rel.to_path_buf(),
            source,
        })?;
        if let Some(name) = entry.file_name().to_str()
            && name.ends_with(".yaml")
            && !name.starts_with('.')
        {
            names.push(name.to_string());
        }
    }
    names.sort();
    Ok(names)
}

/// What a command that records events did.
#[derive(Debug, Clone, Serialize)]
pub struct Recorded {
    /// The draft.
    pub slug: String,
    /// The events written, in order.
    pub events: Vec<RecordedEvent>,
    /// The commit that holds them (full hex).
    pub commit: String,
    /// The commit message's first line.
    pub summary: String,
    /// Set when git's index could not be updated after the commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_note: Option<String>,
}

/// One event written.
#[derive(Debug, Clone, Serialize)]
pub struct RecordedEvent {
    /// Its id.
    pub id: String,
    /// Its short id.
    pub short: String,
    /// comment, reply, response, agreement, withdrawal.
    pub kind: &'static str,
    /// Its file, relative to the workspace.
    pub file: PathBuf,
}

/// Writes `events` as new files and commits exactly them.
pub(crate) fn record(
    ws: &Workspace,
    slug: &str,
    events: &[Event],
    summary: &str,
    who: &Identity,
) -> Result<Recorded> {
    who.validate()?;
    let rel = review_rel(slug);
    let mut written = Vec::new();
    for e in events {
        let file = rel.join(e.file_name());
        crate::fsutil::write_new(ws.root(), &file, e.to_yaml().as_bytes(), "review events")?;
        written.push(RecordedEvent {
            id: e.id().to_string(),
            short: e.id().short().to_string(),
            kind: e.kind(),
            file,
        });
    }
    let mut message = format!("{summary}\n\n");
    message.push_str(&format!("Duthao-Draft: {slug}\n"));
    for e in events {
        message.push_str(&format!("Duthao-Event: {} {}\n", e.kind(), e.id()));
    }
    let paths: Vec<&Path> = written.iter().map(|w| w.file.as_path()).collect();
    let oid = ws.store().commit_paths(&paths, &message, who)?;
    let index_note = ws.store().take_index_note().map(|n| n.to_string());
    Ok(Recorded {
        slug: slug.to_string(),
        events: written,
        commit: oid.to_string(),
        summary: summary.to_string(),
        index_note,
    })
}

fn person(who: &Identity) -> Person {
    Person {
        name: who.name.clone(),
        email: who.email.clone(),
    }
}

/// A new event's id and time.
fn stamp_and_id() -> (Stamp, EventId) {
    let now = Stamp::now();
    // Ids carry milliseconds: two events of one command stay in order.
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_else(|_| now.unix_millis());
    (now, EventId::new(millis))
}

/// The version a review command is about: the one asked for, which must
/// exist, or the latest.
pub fn review_version(ws: &Workspace, slug: &str, asked: Option<u32>) -> Result<u32> {
    ws.require_slug_or_history(slug)?;
    let versions = ws.versions(slug)?;
    let latest = versions.last().map(|v| v.n);
    match (asked, latest) {
        (_, None) => Err(WorkspaceError::NoVersion {
            slug: slug.to_string(),
        }),
        (None, Some(n)) => Ok(n),
        (Some(n), Some(latest)) if versions.iter().any(|v| v.n == n) => {
            let _ = latest;
            Ok(n)
        }
        (Some(n), Some(latest)) => Err(WorkspaceError::UnknownVersion {
            slug: slug.to_string(),
            n,
            latest,
        }),
    }
}

/// The level a body comments at, checked against `duthao.toml`; `level`,
/// when given, must be that level.
pub(crate) fn body_and_level(
    ws: &Workspace,
    body: &str,
    level: Option<&str>,
) -> Result<(String, String)> {
    let cfg = &ws.config;
    if let Some(l) = level
        && !cfg.levels.iter().any(|x| x.id == l)
    {
        return Err(WorkspaceError::UnknownLevel {
            level: l.to_string(),
            known: cfg
                .levels
                .iter()
                .map(|x| format!("{} ({})", x.id, x.name))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let wanted = duthao_review::nfc(body.trim());
    let found = cfg.bodies.iter().find(|b| b.name == wanted).or_else(|| {
        let lower = wanted.to_lowercase();
        let same: Vec<_> = cfg
            .bodies
            .iter()
            .filter(|b| b.name.to_lowercase() == lower)
            .collect();
        (same.len() == 1).then(|| same[0])
    });
    let Some(found) = found else {
        return Err(WorkspaceError::UnknownBody {
            body: body.to_string(),
            known: cfg
                .bodies
                .iter()
                .map(|b| format!("\"{}\" ({})", b.name, b.level))
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    if let Some(l) = level
        && l != found.level
    {
        return Err(WorkspaceError::BodyLevel {
            body: found.name.clone(),
            level: l.to_string(),
            its_level: found.level.clone(),
        });
    }
    Ok((found.name.clone(), found.level.clone()))
}

/// What `comment add` is asked to record.
#[derive(Debug, Clone, Default)]
pub struct NewComment {
    /// The draft.
    pub slug: String,
    /// The version commented on; the latest when `None`.
    pub version: Option<u32>,
    /// The commenting body, as `duthao.toml` names it.
    pub body: String,
    /// Its level; must be the body's when given.
    pub level: Option<String>,
    /// A structural path ("II > 2 > b)").
    pub at: Option<String>,
    /// A passage that occurs once (in `at`'s block, or in the version).
    pub quote: Option<String>,
    /// The comment.
    pub text: String,
    /// The wording the body proposes.
    pub proposal: Option<String>,
    /// The incoming letter it came in ("Số 12-CV/ĐU, ngày 20/11/2026").
    pub letter: Option<String>,
}

/// Records a comment on a version.
pub fn add_comment(ws: &Workspace, new: &NewComment, who: &Identity) -> Result<Recorded> {
    let slug = new.slug.as_str();
    let n = review_version(ws, slug, new.version)?;
    let (body, level) = body_and_level(ws, &new.body, new.level.as_deref())?;
    let text = duthao_review::nfc(new.text.trim());
    if text.is_empty() {
        return Err(WorkspaceError::EmptyText { what: "comment" });
    }
    let draft = ws.read_draft(slug, &Rev::Version(n))?;
    let anchor = locate(&draft, n, new.at.as_deref(), new.quote.as_deref()).map_err(|source| {
        WorkspaceError::Anchor {
            slug: slug.to_string(),
            source,
        }
    })?;
    let (time, id) = stamp_and_id();
    let place = anchor
        .as_ref()
        .map_or("the draft as a whole".to_string(), |a| a.path.clone());
    let comment = Comment {
        id,
        draft: slug.to_string(),
        version: n,
        level,
        body,
        author: person(who),
        time,
        anchor,
        text,
        proposal: new
            .proposal
            .as_deref()
            .map(|p| duthao_review::nfc(p.trim()))
            .filter(|p| !p.is_empty()),
        source: match &new.letter {
            Some(letter) => Source {
                via: Via::Letter,
                letter: Some(duthao_review::nfc(letter.trim())),
                ..Source::typed()
            },
            None => Source::typed(),
        },
    };
    let summary = format!(
        "Comment on {slug} v{n} by {} at {place} [{}]",
        comment.body,
        comment.id.short()
    );
    record(ws, slug, &[Event::Comment(comment)], &summary, who)
}

/// The draft that holds event `typed` (a comment's id, whole or its start):
/// found by the file names under `reviews/`, without reading them.
pub fn draft_of_comment(ws: &Workspace, typed: &str) -> Result<String> {
    let mut found: Vec<(String, String)> = Vec::new();
    let root = ws.root().join(REVIEWS_DIR);
    if let Ok(m) = std::fs::symlink_metadata(&root)
        && m.is_dir()
        && let Ok(entries) = std::fs::read_dir(&root)
    {
        let mut slugs: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|s| crate::workspace::is_slug(s))
            .collect();
        slugs.sort();
        for slug in slugs {
            for name in event_files(ws, &review_rel(&slug))? {
                let stem = name.trim_end_matches(".yaml");
                if let Some(id) = EventId::parse(stem)
                    && id.matches(typed)
                {
                    found.push((slug.clone(), id.to_string()));
                }
            }
        }
    }
    let mut slugs: Vec<&String> = found.iter().map(|(s, _)| s).collect();
    slugs.dedup();
    match slugs.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(WorkspaceError::UnknownComment {
            id: typed.to_string(),
            detail: "no review event has that id".into(),
        }),
        _ => Err(WorkspaceError::UnknownComment {
            id: typed.to_string(),
            detail: format!(
                "it starts ids on several drafts: {}",
                found
                    .iter()
                    .map(|(s, id)| format!("{s}: {id}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
    }
}

/// The thread of comment `typed`, with its draft's review.
pub fn find_comment(ws: &Workspace, typed: &str) -> Result<(String, Review, EventId)> {
    let slug = draft_of_comment(ws, typed)?;
    let review = load_review(ws, &slug)?;
    let id = review
        .find(typed, &slug)
        .map_err(|e| WorkspaceError::UnknownComment {
            id: typed.to_string(),
            detail: e.to_string(),
        })?
        .comment
        .id
        .clone();
    Ok((slug, review, id))
}

fn thread<'r>(review: &'r Review, id: &EventId) -> &'r Thread {
    review
        .threads
        .iter()
        .find(|t| &t.comment.id == id)
        .expect("find_comment returned a thread of this review")
}

/// Adds a reply to a comment's thread.
pub fn reply(ws: &Workspace, typed: &str, text: &str, who: &Identity) -> Result<Recorded> {
    let (slug, review, id) = find_comment(ws, typed)?;
    let text = duthao_review::nfc(text.trim());
    if text.is_empty() {
        return Err(WorkspaceError::EmptyText { what: "reply" });
    }
    let t = thread(&review, &id);
    let (time, rid) = stamp_and_id();
    let summary = format!(
        "Reply to comment {} of {} on {slug} v{}",
        id.short(),
        t.comment.body,
        t.comment.version
    );
    let event = Event::Reply(Reply {
        id: rid,
        comment: id,
        author: person(who),
        time,
        text,
        source: None,
    });
    record(ws, &slug, &[event], &summary, who)
}

/// Records the drafter's response (tiếp thu / tiếp thu một phần / giải
/// trình). A comment already answered is answered again only with
/// `replace`: an answer is never replaced by mistake.
pub fn respond(
    ws: &Workspace,
    typed: &str,
    decision: Decision,
    text: Option<&str>,
    replace: bool,
    who: &Identity,
) -> Result<Recorded> {
    let (slug, review, id) = find_comment(ws, typed)?;
    let t = thread(&review, &id);
    if let Some(w) = &t.withdrawal {
        return Err(WorkspaceError::Withdrawn {
            id: id.short().to_string(),
            by: w.author.name.clone(),
            date: w.time.date_vi(),
        });
    }
    if let (Some(current), false) = (t.current(), replace) {
        return Err(WorkspaceError::AlreadyAnswered {
            id: id.short().to_string(),
            decision: current.decision.name_vi().to_lowercase(),
            by: current.author.name.clone(),
            date: current.time.date_vi(),
        });
    }
    let text = text
        .map(|t| duthao_review::nfc(t.trim()))
        .filter(|t| !t.is_empty());
    if decision != Decision::Accept && text.is_none() {
        return Err(WorkspaceError::EmptyText {
            what: "explanation (a partial or explained response says why)",
        });
    }
    let (time, rid) = stamp_and_id();
    let summary = format!(
        "{} comment {} of {} on {slug} v{}",
        decision.name_vi(),
        id.short(),
        t.comment.body,
        t.comment.version
    );
    let event = Event::Response(Response {
        id: rid,
        comment: id,
        author: person(who),
        time,
        decision,
        text,
        supersedes: t.current().map(|r| r.id.clone()),
    });
    record(ws, &slug, &[event], &summary, who)
}

/// Records that a comment was taken back.
pub fn withdraw(
    ws: &Workspace,
    typed: &str,
    reason: Option<&str>,
    who: &Identity,
) -> Result<Recorded> {
    let (slug, review, id) = find_comment(ws, typed)?;
    let t = thread(&review, &id);
    if let Some(w) = &t.withdrawal {
        return Err(WorkspaceError::Withdrawn {
            id: id.short().to_string(),
            by: w.author.name.clone(),
            date: w.time.date_vi(),
        });
    }
    let (time, wid) = stamp_and_id();
    let summary = format!(
        "Withdraw comment {} of {} on {slug} v{}",
        id.short(),
        t.comment.body,
        t.comment.version
    );
    let event = Event::Withdrawal(Withdrawal {
        id: wid,
        comment: id,
        author: person(who),
        time,
        reason: reason
            .map(|r| duthao_review::nfc(r.trim()))
            .filter(|r| !r.is_empty()),
    });
    record(ws, &slug, &[event], &summary, who)
}

/// Records that a body has no comments on a version (thống nhất).
pub fn agree(
    ws: &Workspace,
    slug: &str,
    version: Option<u32>,
    body: &str,
    level: Option<&str>,
    letter: Option<&str>,
    who: &Identity,
) -> Result<Recorded> {
    let n = review_version(ws, slug, version)?;
    let (body, level) = body_and_level(ws, body, level)?;
    let review = load_review(ws, slug)?;
    if review
        .agreements
        .iter()
        .any(|a| a.version == n && a.body == body)
    {
        return Err(WorkspaceError::AlreadyAgreed {
            slug: slug.to_string(),
            n,
            body,
        });
    }
    let (time, id) = stamp_and_id();
    let summary = format!("{body} agrees with {slug} v{n} (thống nhất, no comments)");
    let event = Event::Agreement(Agreement {
        id,
        draft: slug.to_string(),
        version: n,
        level,
        body,
        author: person(who),
        time,
        source: match letter {
            Some(l) => Source {
                via: Via::Letter,
                letter: Some(duthao_review::nfc(l.trim())),
                ..Source::typed()
            },
            None => Source::typed(),
        },
    });
    record(ws, slug, &[event], &summary, who)
}

/// Which comments `comment list` shows.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Show them as of this version (anchors carried forward); the latest
    /// when `None`.
    pub version: Option<u32>,
    /// Only this level.
    pub level: Option<String>,
    /// Only this body.
    pub body: Option<String>,
    /// Only those without a response.
    pub open: bool,
}

/// A comment as of a version.
#[derive(Debug, Clone, Serialize)]
pub struct Placed {
    /// Its whole history.
    #[serde(flatten)]
    pub thread: Thread,
    /// Open, answered or withdrawn.
    pub state: State,
    /// Where it stands in the version looked at.
    pub placement: Placement,
    /// Responses that were made apart and disagree (see `Thread::conflicts`).
    pub conflicting: usize,
}

/// What `comment list` shows.
#[derive(Debug, Clone, Serialize)]
pub struct CommentList {
    /// The draft.
    pub slug: String,
    /// The version the anchors are shown in.
    pub version: u32,
    /// The comments, in document order of that version (those on the whole
    /// draft first, outdated ones last), then by time.
    pub comments: Vec<Placed>,
    /// Bodies' agreements (thống nhất) with any version.
    pub agreements: Vec<Agreement>,
    /// Replies and responses whose comment is missing.
    pub strays: Vec<Event>,
    /// Event files that did not read.
    pub problems: Vec<EventError>,
}

/// The comments of a draft, placed in one version.
pub fn comments(ws: &Workspace, slug: &str, filter: &ListFilter) -> Result<CommentList> {
    let n = review_version(ws, slug, filter.version)?;
    if let Some(l) = &filter.level {
        body_and_level_check_level(ws, l)?;
    }
    let review = load_review(ws, slug)?;
    let body = match &filter.body {
        Some(b) => Some(body_and_level(ws, b, None)?.0),
        None => None,
    };
    let wanted: Vec<&Thread> = review
        .threads
        .iter()
        .filter(|t| filter.level.as_ref().is_none_or(|l| &t.comment.level == l))
        .filter(|t| body.as_ref().is_none_or(|b| &t.comment.body == b))
        .filter(|t| !filter.open || t.is_open())
        .filter(|t| t.comment.version <= n)
        .collect();
    let placements = place_all(ws, slug, n, wanted.iter().map(|t| &t.comment))?;
    let mut comments: Vec<Placed> = wanted
        .into_iter()
        .zip(placements)
        .map(|(t, placement)| Placed {
            state: t.state(),
            conflicting: t.conflicts().iter().map(Vec::len).sum(),
            thread: t.clone(),
            placement,
        })
        .collect();
    comments.sort_by_key(|p| {
        let rank = match &p.placement {
            Placement::General => (0, 0),
            Placement::Outdated { .. } => (2, 0),
            other => (1, other.block().unwrap_or(0)),
        };
        (rank, p.thread.comment.time)
    });
    Ok(CommentList {
        slug: slug.to_string(),
        version: n,
        comments,
        agreements: review.agreements.clone(),
        strays: review.strays.clone(),
        problems: review.problems.clone(),
    })
}

fn body_and_level_check_level(ws: &Workspace, level: &str) -> Result<()> {
    if ws.config.levels.iter().any(|x| x.id == level) {
        return Ok(());
    }
    Err(WorkspaceError::UnknownLevel {
        level: level.to_string(),
        known: ws
            .config
            .levels
            .iter()
            .map(|x| format!("{} ({})", x.id, x.name))
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// Where each comment stands in version `n`: one diff per version the
/// comments were made on, whatever their number.
pub fn place_all<'c>(
    ws: &Workspace,
    slug: &str,
    n: u32,
    comments: impl Iterator<Item = &'c Comment>,
) -> Result<Vec<Placement>> {
    let target = ws.read_draft(slug, &Rev::Version(n))?;
    place_in(ws, slug, &target, Some(n), comments)
}

/// Where each comment stands in `target` (version `target_version`, or
/// another revision when `None`).
pub fn place_in<'c>(
    ws: &Workspace,
    slug: &str,
    target: &Draft,
    target_version: Option<u32>,
    comments: impl Iterator<Item = &'c Comment>,
) -> Result<Vec<Placement>> {
    let comments: Vec<&Comment> = comments.collect();
    let needed: std::collections::BTreeSet<u32> = comments
        .iter()
        .filter(|c| c.anchor.is_some())
        .map(|c| c.version)
        .filter(|&v| Some(v) != target_version)
        .collect();
    let mut drafts: BTreeMap<u32, Draft> = BTreeMap::new();
    for &v in &needed {
        // A comment on a version whose tag is gone (a clone without
        // tags) is shown outdated below, never dropped.
        if let Ok(d) = ws.read_draft(slug, &Rev::Version(v)) {
            drafts.insert(v, d);
        }
    }
    let diffs: HashMap<u32, duthao_diff::DraftDiff> = drafts
        .iter()
        .map(|(&v, from)| (v, diff_drafts(from, target, &DiffOptions::default())))
        .collect();
    let mut carriers: HashMap<u32, Carrier<'_>> = HashMap::new();
    for (&v, from) in &drafts {
        carriers.insert(v, Carrier::new(from, &diffs[&v], target));
    }
    let same = Carrier::same(target);
    Ok(comments
        .iter()
        .map(|c| {
            let carrier = if Some(c.version) == target_version {
                Some(&same)
            } else {
                carriers.get(&c.version)
            };
            match carrier {
                Some(carrier) => carrier.place(c.anchor.as_ref()),
                None => match &c.anchor {
                    None => Placement::General,
                    Some(a) => Placement::Outdated {
                        path: a.path.clone(),
                        context: a.quote.as_ref().map(|q| q.text.clone()).unwrap_or_default(),
                    },
                },
            }
        })
        .collect())
}

/// The comments to show beside the blocks of a redline whose older side is
/// `from` (at `rev`): those made on versions up to `rev` (every one when
/// `rev` is not a version), placed in `from`. Outdated ones are shown with
/// the comments on the whole draft, saying where they were.
pub fn redline_notes(
    ws: &Workspace,
    slug: &str,
    rev: &Rev,
    from: &Draft,
) -> Result<duthao_render::Notes> {
    let review = load_review(ws, slug)?;
    let upto = match rev {
        Rev::Version(n) => Some(*n),
        _ => None,
    };
    let threads: Vec<&Thread> = review
        .threads
        .iter()
        .filter(|t| t.state() != State::Withdrawn)
        .filter(|t| upto.is_none_or(|n| t.comment.version <= n))
        .collect();
    let placements = place_in(ws, slug, from, upto, threads.iter().map(|t| &t.comment))?;
    let mut notes = duthao_render::Notes::default();
    for (t, placement) in threads.into_iter().zip(placements) {
        let c = &t.comment;
        let mut note = duthao_render::Note {
            id: c.id.short().to_string(),
            body: c.body.clone(),
            version: c.version,
            state: state_vi(t.state()).to_string(),
            open: t.is_open(),
            text: c.text.clone(),
            quote: c
                .anchor
                .as_ref()
                .and_then(|a| a.quote.as_ref())
                .map(|q| q.text.clone()),
            proposal: c.proposal.clone(),
            response: t.current().map(|r| match &r.text {
                Some(text) => format!("{}: {text}", r.decision.name_vi()),
                None => r.decision.name_vi().to_string(),
            }),
        };
        match placement.block() {
            Some(b) => notes.add(b, note),
            None => {
                if let Placement::Outdated { path, .. } = &placement {
                    note.text = format!(
                        "[{path} của Dự thảo lần {}, nay không còn] {}",
                        c.version, note.text
                    );
                }
                notes.general.push(note);
            }
        }
    }
    Ok(notes)
}

/// A comment's state in the reviewers' words.
pub fn state_vi(state: State) -> &'static str {
    match state {
        State::Open => "chưa trả lời",
        State::Answered(Decision::Accept) => "tiếp thu",
        State::Answered(Decision::Partial) => "tiếp thu một phần",
        State::Answered(Decision::Explain) => "giải trình",
        State::Withdrawn => "đã rút",
    }
}

/// One comment with its history and where it stands in the latest version.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    /// The draft.
    pub slug: String,
    /// The latest version.
    pub version: u32,
    /// The comment.
    #[serde(flatten)]
    pub placed: Placed,
}

/// `comment show`.
pub fn show(ws: &Workspace, typed: &str) -> Result<Shown> {
    let (slug, review, id) = find_comment(ws, typed)?;
    let n = review_version(ws, &slug, None)?;
    let t = thread(&review, &id);
    let placement = place_all(ws, &slug, n, std::iter::once(&t.comment))?
        .pop()
        .unwrap_or(Placement::General);
    Ok(Shown {
        slug,
        version: n,
        placed: Placed {
            state: t.state(),
            conflicting: t.conflicts().iter().map(Vec::len).sum(),
            thread: t.clone(),
            placement,
        },
    })
}

/// How one body stands on a draft's review.
#[derive(Debug, Clone, Serialize)]
pub struct BodyStatus {
    /// The body.
    pub name: String,
    /// Its level's id.
    pub level: String,
    /// It is in duthao.toml (asked for comments).
    pub asked: bool,
    /// It sent comments on the latest version, or agreed with it.
    pub answered: bool,
    /// It agreed with the latest version with no comments (thống nhất).
    pub agreed: bool,
    /// Its comments on the latest version.
    pub comments: usize,
    /// Its comments (any version) still without an answer.
    pub open: usize,
    /// Its comments (any version) answered.
    pub answered_comments: usize,
}

/// A draft's review at a glance: what `status` and `list` show.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewSummary {
    /// The latest version, the round of comments in progress; none before v1.
    pub version: Option<u32>,
    /// Every body asked, and any that commented without being asked.
    pub bodies: Vec<BodyStatus>,
    /// Comments of every version, withdrawn ones left out.
    pub comments: usize,
    /// Of those, without an answer.
    pub open: usize,
    /// Answered at two sites without seeing each other: to confirm.
    pub conflicts: usize,
    /// Event files that do not read (with file and line).
    pub problems: Vec<String>,
}

impl ReviewSummary {
    /// Bodies asked that have not answered the latest version.
    pub fn silent(&self) -> impl Iterator<Item = &BodyStatus> {
        self.bodies.iter().filter(|b| b.asked && !b.answered)
    }
}

/// The review of `slug` summed up against the bodies of duthao.toml.
pub fn review_summary(ws: &Workspace, slug: &str, version: Option<u32>) -> Result<ReviewSummary> {
    let review = load_review(ws, slug)?;
    Ok(summarise(ws, &review, version))
}

pub(crate) fn summarise(ws: &Workspace, review: &Review, version: Option<u32>) -> ReviewSummary {
    let mut bodies: Vec<BodyStatus> = ws
        .config
        .bodies
        .iter()
        .map(|b| BodyStatus {
            name: b.name.clone(),
            level: b.level.clone(),
            asked: true,
            answered: false,
            agreed: false,
            comments: 0,
            open: 0,
            answered_comments: 0,
        })
        .collect();
    let slot = |name: &str, level: &str, bodies: &mut Vec<BodyStatus>| -> usize {
        if let Some(i) = bodies.iter().position(|b| b.name == name) {
            return i;
        }
        bodies.push(BodyStatus {
            name: name.to_string(),
            level: level.to_string(),
            asked: false,
            answered: false,
            agreed: false,
            comments: 0,
            open: 0,
            answered_comments: 0,
        });
        bodies.len() - 1
    };
    let (mut comments, mut open, mut conflicts) = (0, 0, 0);
    for t in &review.threads {
        let i = slot(&t.comment.body, &t.comment.level, &mut bodies);
        if Some(t.comment.version) == version {
            bodies[i].comments += 1;
            bodies[i].answered = true;
        }
        match t.state() {
            State::Withdrawn => continue,
            State::Open => {
                bodies[i].open += 1;
                open += 1;
            }
            State::Answered(_) => bodies[i].answered_comments += 1,
        }
        comments += 1;
        if !t.conflicts().is_empty() {
            conflicts += 1;
        }
    }
    for a in &review.agreements {
        if Some(a.version) == version {
            let i = slot(&a.body, &a.level, &mut bodies);
            bodies[i].agreed = bodies[i].comments == 0;
            bodies[i].answered = true;
        }
    }
    ReviewSummary {
        version,
        bodies,
        comments,
        open,
        conflicts,
        problems: review.problems.iter().map(|p| p.to_string()).collect(),
    }
}
