//! A draft's history in time order: revisions and versions (later: comments
//! and approvals).

use serde::Serialize;

use crate::workspace::{Result, Workspace, check_slug};

/// What happened to a draft at one point of its history.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum LogEvent {
    /// A commit that changed the draft.
    Revision {
        /// The commit (full hex).
        commit: String,
        /// Its message's first line.
        summary: String,
    },
    /// A version frozen by `submit`.
    Version {
        /// The version's number: "Dự thảo lần N".
        n: u32,
        /// Its tag, `duthao/<slug>/vN`.
        tag: String,
        /// The commit it freezes (full hex).
        commit: String,
        /// The submitter's note to the reviewers.
        message: String,
    },
}

/// One entry of a draft's history.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    /// Unix seconds.
    pub time: i64,
    /// The author's offset from UTC, in minutes.
    pub offset_minutes: i32,
    /// Who committed or submitted.
    pub who: String,
    /// Their email.
    pub email: String,
    /// What happened.
    #[serde(flatten)]
    pub event: LogEvent,
}

/// Revisions and versions of a draft, oldest first. A version is listed
/// right after the revision it freezes.
pub fn log(ws: &Workspace, slug: &str) -> Result<Vec<LogEntry>> {
    check_slug(slug)?;
    let rel = Workspace::draft_rel(slug);
    let revisions = ws.store().revisions(&rel)?;
    let versions = ws.versions(slug)?;
    if revisions.is_empty() && versions.is_empty() {
        ws.require_slug(slug)?;
    }
    // Sort key: time, then position in the history, so that within one
    // second a version comes right after the revision it freezes.
    let mut out: Vec<(i64, usize, LogEntry)> = Vec::new();
    let position: std::collections::HashMap<duthao_store::ObjectId, usize> = revisions
        .iter()
        .rev()
        .enumerate()
        .map(|(i, r)| (r.commit, i * 2))
        .collect();
    for r in revisions.into_iter().rev() {
        out.push((
            r.time,
            position[&r.commit],
            LogEntry {
                time: r.time,
                offset_minutes: r.offset_minutes,
                who: r.author.name,
                email: r.author.email,
                event: LogEvent::Revision {
                    commit: r.commit.to_string(),
                    summary: r.summary,
                },
            },
        ));
    }
    for v in versions {
        out.push((
            v.time,
            position.get(&v.commit).map_or(usize::MAX, |p| p + 1),
            LogEntry {
                time: v.time,
                offset_minutes: v.offset_minutes,
                who: v.tagger.name.clone(),
                email: v.tagger.email.clone(),
                event: LogEvent::Version {
                    n: v.n,
                    tag: v.tag.clone(),
                    commit: v.commit.to_string(),
                    message: v.user_message().to_string(),
                },
            },
        ));
    }
    out.sort_by_key(|(t, seq, _)| (*t, *seq));
    Ok(out.into_iter().map(|(_, _, e)| e).collect())
}
