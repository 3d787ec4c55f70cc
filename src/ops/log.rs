//! A draft's history in time order: revisions, versions, and the review's
//! comments, replies, responses and agreements.

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
    /// A review event: a comment, reply, response, agreement or withdrawal.
    Review {
        /// comment, reply, response, agreement, withdrawal.
        kind: String,
        /// The event's id.
        id: String,
        /// The comment it concerns (itself for a comment; none for an agreement).
        #[serde(skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
        /// The version concerned, when the event names one.
        #[serde(skip_serializing_if = "Option::is_none")]
        version: Option<u32>,
        /// What happened, in one line.
        summary: String,
    },
    /// An approval, a rejection or the issue: a signed tag.
    SignOff {
        /// approve, reject, issue.
        kind: String,
        /// The tag.
        tag: String,
        /// The version concerned.
        #[serde(skip_serializing_if = "Option::is_none")]
        version: Option<u32>,
        /// What happened, in one line (Vietnamese, as the tag says it).
        summary: String,
        /// Why it does not count, when `verify` finds a problem with it.
        #[serde(skip_serializing_if = "Option::is_none")]
        problem: Option<String>,
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
    let review = super::review::load_review(ws, slug)?;
    for e in review_entries(&review) {
        out.push((e.time, usize::MAX, e));
    }
    // Within one second: a version, then its approvals, then the issue.
    let version_seq: std::collections::HashMap<u32, usize> = ws
        .versions(slug)?
        .iter()
        .map(|v| {
            (
                v.n,
                position.get(&v.commit).map_or(usize::MAX - 2, |p| p + 1),
            )
        })
        .collect();
    for e in signoff_entries(ws, slug)? {
        let seq = match &e.event {
            LogEvent::SignOff { kind, .. } if kind == "issue" => usize::MAX,
            LogEvent::SignOff {
                version: Some(n), ..
            } => version_seq.get(n).copied().unwrap_or(usize::MAX - 1),
            _ => usize::MAX - 1,
        };
        out.push((e.time, seq, e));
    }
    out.sort_by_key(|(t, seq, _)| (*t, *seq));
    Ok(out.into_iter().map(|(_, _, e)| e).collect())
}

/// The approvals, rejections and issue of a draft, each with the problem
/// `verify` finds with it.
fn signoff_entries(ws: &Workspace, slug: &str) -> Result<Vec<LogEntry>> {
    let record = super::signoff::signoff(ws, slug)?;
    let problem_of = |tag: &str| {
        record
            .assessment
            .problems
            .iter()
            .find(|p| p.subject == tag)
            .map(|p| p.message.clone())
    };
    // Within one second, the levels in their order: sorting by tag name
    // would put "ban-thuong-vu" before "ban-to-chuc".
    let level_order: Vec<String> = record
        .facts
        .iter()
        .rev()
        .find_map(|f| f.roster.as_ref().ok())
        .map(|r| r.levels.iter().map(|l| l.id.clone()).collect())
        .unwrap_or_default();
    let mut keyed = Vec::new();
    for t in ws.store().signed_tags(&format!("duthao/{slug}/"))? {
        let level_rank = duthao_approval::parse_decision_tag_name(slug, &t.name)
            .and_then(|(_, level, _)| level_order.iter().position(|l| l == level))
            .unwrap_or(usize::MAX);
        let is_issue = t.name == duthao_approval::issue_tag_name(slug);
        let (kind, version, summary) = if is_issue {
            match duthao_approval::parse_issue(&t.message) {
                Ok(f) => (
                    "issue".to_string(),
                    Some(f.version),
                    format!(
                        "Ban hành lần {}: số {} ngày {}",
                        f.version,
                        f.number_text,
                        super::signoff::date_vi(&f.date)
                    ),
                ),
                Err(_) => (
                    "issue".into(),
                    None,
                    t.message.lines().next().unwrap_or("").to_string(),
                ),
            }
        } else if duthao_approval::parse_decision_tag_name(slug, &t.name).is_some() {
            match duthao_approval::parse_decision(&t.message) {
                Ok(f) => {
                    let heading = t.message.lines().next().unwrap_or("").to_string();
                    let summary = if f.note.is_empty() {
                        heading
                    } else {
                        format!("{heading}: {}", f.note.lines().next().unwrap_or(""))
                    };
                    (f.decision.as_str().to_string(), Some(f.version), summary)
                }
                Err(_) => (
                    "approve".into(),
                    None,
                    t.message.lines().next().unwrap_or("").to_string(),
                ),
            }
        } else {
            continue;
        };
        let who = t.tagger.clone().unwrap_or(duthao_store::Identity {
            name: String::new(),
            email: String::new(),
        });
        let time = t.time;
        keyed.push((
            (time, version, level_rank),
            LogEntry {
                time,
                offset_minutes: t.offset_minutes,
                who: who.name,
                email: who.email,
                event: LogEvent::SignOff {
                    kind,
                    problem: problem_of(&t.name),
                    tag: t.name,
                    version,
                    summary,
                },
            },
        ));
    }
    keyed.sort_by_key(|(k, _)| *k);
    Ok(keyed.into_iter().map(|(_, e)| e).collect())
}

/// One log entry per review event, with a line that says what happened.
fn review_entries(review: &duthao_review::Review) -> Vec<LogEntry> {
    use duthao_review::{Event, Person, Stamp};
    let entry = |time: Stamp, who: &Person, event: LogEvent| LogEntry {
        time: time.0.unix_timestamp(),
        offset_minutes: i32::from(time.0.offset().whole_minutes()),
        who: who.name.clone(),
        email: who.email.clone(),
        event,
    };
    let mut out = Vec::new();
    for t in &review.threads {
        let c = &t.comment;
        let at = c
            .anchor
            .as_ref()
            .map_or("the draft as a whole".to_string(), |a| a.path.clone());
        out.push(entry(
            c.time,
            &c.author,
            LogEvent::Review {
                kind: "comment".into(),
                id: c.id.to_string(),
                comment: Some(c.id.to_string()),
                version: Some(c.version),
                summary: format!("{} on v{} at {at}: {}", c.body, c.version, c.text),
            },
        ));
        let about = |kind: &str, id: &duthao_review::EventId, summary: String| LogEvent::Review {
            kind: kind.into(),
            id: id.to_string(),
            comment: Some(c.id.to_string()),
            version: Some(c.version),
            summary,
        };
        for r in &t.replies {
            out.push(entry(
                r.time,
                &r.author,
                about(
                    "reply",
                    &r.id,
                    format!("reply to {}: {}", c.id.short(), r.text),
                ),
            ));
        }
        for r in &t.responses {
            let text = r
                .text
                .as_deref()
                .map(|x| format!(": {x}"))
                .unwrap_or_default();
            out.push(entry(
                r.time,
                &r.author,
                about(
                    "response",
                    &r.id,
                    format!(
                        "{} {} of {}{text}",
                        r.decision.name_vi(),
                        c.id.short(),
                        c.body
                    ),
                ),
            ));
        }
        if let Some(w) = &t.withdrawal {
            out.push(entry(
                w.time,
                &w.author,
                about("withdrawal", &w.id, format!("{} withdrawn", c.id.short())),
            ));
        }
    }
    for a in &review.agreements {
        out.push(entry(
            a.time,
            &a.author,
            LogEvent::Review {
                kind: "agreement".into(),
                id: a.id.to_string(),
                comment: None,
                version: Some(a.version),
                summary: format!("{} agrees with v{} (thống nhất)", a.body, a.version),
            },
        ));
    }
    for e in &review.strays {
        if let Event::Reply(_) | Event::Response(_) | Event::Withdrawal(_) = e {
            let (time, who) = match e {
                Event::Reply(r) => (r.time, &r.author),
                Event::Response(r) => (r.time, &r.author),
                Event::Withdrawal(w) => (w.time, &w.author),
                _ => continue,
            };
            out.push(entry(
                time,
                who,
                LogEvent::Review {
                    kind: e.kind().into(),
                    id: e.id().to_string(),
                    comment: None,
                    version: None,
                    summary: format!("{} whose comment is not here", e.kind()),
                },
            ));
        }
    }
    out
}
