//! `status`: where one draft stands in the pipeline and what comes next;
//! [`Stage`], shared with `list`.

use std::fmt;

use serde::Serialize;

use crate::workspace::WorkspaceError;
use crate::workspace::{Result, Workspace};
use duthao_store::{ObjectId, Rev, Version};

/// The stage of a draft in the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "stage", rename_all = "kebab-case")]
pub enum Stage {
    /// No version submitted yet.
    Drafting,
    /// Version N is out for comment and the text has not changed since.
    Circulated {
        /// N.
        version: u32,
    },
    /// The text has changed since version N (committed or not).
    Revising {
        /// N.
        since: u32,
    },
    /// Version N was approved by every level and issued by the clerk.
    Issued {
        /// N.
        version: u32,
    },
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stage::Drafting => f.write_str("drafting"),
            Stage::Circulated { version } => write!(f, "v{version} out for comment"),
            Stage::Revising { since } => write!(f, "revising after v{since}"),
            Stage::Issued { version } => write!(f, "v{version} issued"),
        }
    }
}

/// A version sent out for comment, as `status` and `submit` show it.
#[derive(Debug, Clone, Serialize)]
pub struct VersionInfo {
    /// The version's number: "Dự thảo lần N".
    pub n: u32,
    /// Its tag, `duthao/<slug>/vN`.
    pub tag: String,
    /// The commit it freezes (full hex).
    pub commit: String,
    /// Who submitted it.
    pub submitted_by: String,
    /// Their email.
    pub email: String,
    /// When (Unix seconds).
    pub time: i64,
    /// The submitter's offset from UTC, in minutes.
    pub offset_minutes: i32,
    /// The submitter's note to the reviewers.
    pub message: String,
}

impl From<&Version> for VersionInfo {
    fn from(v: &Version) -> Self {
        VersionInfo {
            n: v.n,
            tag: v.tag.clone(),
            commit: v.commit.to_string(),
            submitted_by: v.tagger.name.clone(),
            email: v.tagger.email.clone(),
            time: v.time,
            offset_minutes: v.offset_minutes,
            message: v.user_message().to_string(),
        }
    }
}

/// A step the draft waits for. The operation says what; how to do it (the
/// command to run) is the caller's to say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "step", rename_all = "kebab-case")]
pub enum NextStep {
    /// A git operation (merge, rebase …) is half done in the repository: it
    /// must be finished or aborted (`abort`: git's command for that) before
    /// anything is committed or submitted.
    FinishGitOperation {
        /// "merge", "rebase", "cherry-pick" …
        operation: String,
        /// The git command that abandons it.
        abort: String,
    },
    /// The text on disk does not read as a draft.
    FixDraft {
        /// Why, with the file and line.
        problem: String,
    },
    /// The text on disk has changes not committed.
    Commit,
    /// The text is ready to go out as version `version` (after any commit
    /// listed before).
    Submit {
        /// The number it will have.
        version: u32,
    },
    /// Event files under reviews/ do not read: fix them (each is named
    /// with its line) so that no comment is left out.
    FixReviewEvents {
        /// Each problem, with file and line.
        problems: Vec<String>,
    },
    /// Comments answered differently at two sites: confirm the answer.
    SettleConflicts {
        /// How many comments.
        comments: usize,
    },
    /// Comments without a response (tiếp thu / giải trình) yet.
    AnswerComments {
        /// How many.
        open: usize,
    },
    /// Bodies asked have not answered version `version` yet.
    AwaitBodies {
        /// The version out for comment.
        version: u32,
        /// The bodies, by name.
        bodies: Vec<String>,
    },
    /// The sign-off record has problems `duthao verify` lists.
    FixSignOff {
        /// How many.
        problems: usize,
    },
    /// The step sign-off waits for (a level's approval, the clerk's
    /// issue), in a sentence with its command.
    SignOff {
        /// What is open.
        open: String,
    },
    /// Issued: the final document can be exported.
    ExportFinal,
    /// Another site submits the versions (`[sync]`): this site's work goes
    /// to it by sync.
    SyncToDraftingSite {
        /// The drafting site.
        site: String,
    },
    /// Version `circulated` is out for comment and the text has not changed
    /// since: the next step is a revision.
    Revise {
        /// The version out for comment.
        circulated: u32,
    },
}

/// `duthao status <slug>`.
#[derive(Debug, Clone, Serialize)]
pub struct DraftStatus {
    /// The draft's name.
    pub slug: String,
    /// Its file, relative to the workspace.
    pub file: String,
    /// The document kind its front matter names.
    pub kind: String,
    /// That kind's name in the profile ("NGHỊ QUYẾT").
    pub kind_name: String,
    /// The layout profile it uses.
    pub profile: String,
    /// Its trích yếu.
    pub title: String,
    /// Every version sent out, oldest first.
    pub versions: Vec<VersionInfo>,
    /// Where it stands in the pipeline.
    #[serde(flatten)]
    pub stage: Stage,
    /// Commits that changed the draft after the latest version.
    pub revisions_since_version: usize,
    /// The text on disk differs from the last commit.
    pub uncommitted: bool,
    /// The last commit that changed the draft.
    pub last_revision: Option<String>,
    /// What comes next, in order.
    pub next: Vec<NextStep>,
    /// Why the text on disk does not read, if it does not (kind and title
    /// then come from the latest version).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// Comments, answers and agreements, per body.
    pub review: super::review::ReviewSummary,
    /// A git operation left half done in the repository ("merge", "rebase").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Approvals level by level and the issue; `None` when duthao.toml has
    /// no approving level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval: Option<ApprovalStatus>,
    /// The workspace against the remote it syncs with, as the last sync
    /// saw it; `None` when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync: Option<SyncState>,
}

/// How far this site and its remote are apart, as the last sync saw it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SyncState {
    /// The remote's name.
    pub remote: String,
    /// Commits here the remote did not have (comments, answers, revisions
    /// not yet sent).
    pub not_sent: usize,
    /// Commits the remote had that are not here yet.
    pub not_taken_in: usize,
    /// Tags or refs the two sides hold differently.
    pub conflicts: usize,
}

/// Where sign-off stands, for `status` and `list`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ApprovalStatus {
    /// The stage ("awaiting", "approved", "issued" …) with its data.
    pub stage: duthao_approval::Stage,
    /// The same in Vietnamese: "lần 2: chờ Ban Thường vụ duyệt: 1/3".
    pub stage_vi: String,
    /// The latest version's levels: approvals counted of the quorum.
    pub levels: Vec<LevelApproval>,
    /// The version whose approvals carried over (identical text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carried_from: Option<u32>,
    /// Problems `duthao verify` lists for this draft.
    pub problems: usize,
    /// What is still open before the final document, in a sentence.
    pub open: String,
}

/// One level's approvals of the latest version.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LevelApproval {
    /// The level's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Approvals counted.
    pub have: usize,
    /// Its quorum.
    pub need: u32,
    /// Who approved, by name.
    pub approvers: Vec<String>,
    /// Who rejected, with the reason.
    pub rejected: Vec<String>,
}

/// The approval status of `slug`, `None` without approving levels.
pub(crate) fn approval_status(ws: &Workspace, slug: &str) -> Result<Option<ApprovalStatus>> {
    if ws.config.approval_levels().next().is_none() {
        return Ok(None);
    }
    let record = super::signoff::signoff(ws, slug)?;
    let latest = record.assessment.latest();
    Ok(Some(ApprovalStatus {
        stage: record.assessment.stage(),
        stage_vi: super::signoff::stage_vi(&record),
        open: super::signoff::open_step(&record),
        levels: latest
            .map(|v| {
                v.levels
                    .iter()
                    .map(|l| LevelApproval {
                        id: l.id.clone(),
                        name: l.name.clone(),
                        have: l.approvals.len(),
                        need: l.quorum,
                        approvers: l
                            .approvals
                            .iter()
                            .map(|c| {
                                if Some(c.version) == latest.map(|v| v.n) {
                                    c.name.clone()
                                } else {
                                    format!("{} (lần {})", c.name, c.version)
                                }
                            })
                            .collect(),
                        rejected: l
                            .rejections
                            .iter()
                            .map(|c| format!("{}: {}", c.name, c.note))
                            .collect(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        carried_from: latest.and_then(|v| v.carried_from),
        problems: record.assessment.problems.len(),
    }))
}

pub(crate) fn stage_of(latest: Option<&Version>, changed_since: bool) -> Stage {
    match latest {
        None => Stage::Drafting,
        Some(v) if changed_since => Stage::Revising { since: v.n },
        Some(v) => Stage::Circulated { version: v.n },
    }
}

/// Does HEAD's copy of the draft differ from the one in `commit`?
fn changed_since_commit(ws: &Workspace, slug: &str, commit: ObjectId) -> Result<bool> {
    let rel = Workspace::draft_rel(slug);
    let Some(head) = ws.store().head_commit()? else {
        return Ok(false);
    };
    Ok(ws.store().blob_at(head, &rel)? != ws.store().blob_at(commit, &rel)?)
}

/// One draft: its versions, its stage, and what comes next. A draft whose
/// text on disk does not read is described from its latest version, with
/// the problem named.
pub fn status(ws: &Workspace, slug: &str) -> Result<DraftStatus> {
    ws.require_slug(slug)?;
    let rel = Workspace::draft_rel(slug);
    let versions = ws.versions(slug)?;
    let latest = versions.last();
    // A draft whose text on disk does not read still has a history worth
    // showing: describe it from its latest version and name the problem.
    let read = ws.draft_text(slug, &Rev::Working).and_then(|text| {
        match crate::workspace::conflict_marker_line(&text) {
            Some(line) => Err(WorkspaceError::ConflictMarkers {
                file: Workspace::draft_rel(slug),
                line,
            }),
            None => ws.checked_draft(slug, &Rev::Working, text),
        }
    });
    let (draft, problem) = match read {
        Ok(d) => (Some(d), None),
        Err(e) => {
            let fallback = latest.and_then(|v| ws.read_draft(slug, &Rev::Version(v.n)).ok());
            (fallback, Some(e.to_string()))
        }
    };
    let profile = draft
        .as_ref()
        .map(|d| ws.profile_of(d).to_string())
        .unwrap_or_else(|| ws.config.profile.clone());
    let kinds = ws.kinds(&profile)?;
    let kind = draft.as_ref().and_then(|d| kinds.get(&d.front.kind));
    let uncommitted = ws.uncommitted(slug)?;
    let revisions = ws.store().revisions(&rel)?;
    let revisions_since_version = match latest {
        Some(v) => revisions
            .iter()
            .take_while(|r| r.commit != v.commit)
            .count(),
        None => revisions.len(),
    };
    let changed_since = uncommitted
        || match latest {
            Some(v) => changed_since_commit(ws, slug, v.commit)?,
            None => false,
        };
    let approval = approval_status(ws, slug)?;
    let mut stage = stage_of(latest, changed_since);
    if let Some(ApprovalStatus {
        stage: duthao_approval::Stage::Issued { version, .. },
        ..
    }) = &approval
    {
        stage = Stage::Issued { version: *version };
    }
    let mut next = Vec::new();
    let operation = ws.store().operation_in_progress().map(|(op, cmd)| {
        next.push(NextStep::FinishGitOperation {
            operation: op.to_string(),
            abort: format!("git {cmd} --abort"),
        });
        op.to_string()
    });
    if let Some(p) = &problem {
        next.push(NextStep::FixDraft { problem: p.clone() });
    }
    let review = super::review::review_summary(ws, slug, latest.map(|v| v.n))?;
    if !review.problems.is_empty() {
        next.push(NextStep::FixReviewEvents {
            problems: review.problems.clone(),
        });
    }
    if uncommitted {
        next.push(NextStep::Commit);
    }
    if review.conflicts > 0 {
        next.push(NextStep::SettleConflicts {
            comments: review.conflicts,
        });
    }
    if review.open > 0 {
        next.push(NextStep::AnswerComments { open: review.open });
    }
    if let Stage::Circulated { version } = stage {
        let silent: Vec<String> = review.silent().map(|b| b.name.clone()).collect();
        if !silent.is_empty() {
            next.push(NextStep::AwaitBodies {
                version,
                bodies: silent,
            });
        }
    }
    if let Some(a) = &approval {
        if a.problems > 0 {
            next.push(NextStep::FixSignOff {
                problems: a.problems,
            });
        }
        let record_step = matches!(stage, Stage::Circulated { .. });
        match &a.stage {
            duthao_approval::Stage::Issued { .. } => next.push(NextStep::ExportFinal),
            duthao_approval::Stage::NoVersion | duthao_approval::Stage::NoLevels => {}
            duthao_approval::Stage::NoRoster { .. } => next.push(NextStep::SignOff {
                open: a.open.clone(),
            }),
            _ if record_step => next.push(NextStep::SignOff {
                open: a.open.clone(),
            }),
            _ => {}
        }
    }
    // At a site that does not submit, the text goes to the one that does.
    let drafting_elsewhere = match &ws.config.sync {
        Some(rule) if super::sites::may(ws, slug, super::sites::Step::Submit).is_err() => {
            Some(rule.drafting_site.clone())
        }
        _ => None,
    };
    match (stage, drafting_elsewhere) {
        (Stage::Drafting | Stage::Revising { .. }, Some(site)) => {
            next.push(NextStep::SyncToDraftingSite { site })
        }
        (Stage::Drafting, None) => next.push(NextStep::Submit { version: 1 }),
        (Stage::Revising { since }, None) => next.push(NextStep::Submit { version: since + 1 }),
        (Stage::Circulated { version }, None) => next.push(NextStep::Revise {
            circulated: version,
        }),
        (Stage::Circulated { .. } | Stage::Issued { .. }, _) => {}
    }
    Ok(DraftStatus {
        slug: slug.to_string(),
        file: rel.display().to_string(),
        kind: draft
            .as_ref()
            .map(|d| d.front.kind.clone())
            .unwrap_or_default(),
        kind_name: kind.map(|k| k.name.clone()).unwrap_or_default(),
        profile,
        title: draft
            .as_ref()
            .map(|d| d.front.title.clone())
            .unwrap_or_default(),
        problem,
        review,
        operation,
        versions: versions.iter().map(VersionInfo::from).collect(),
        stage,
        revisions_since_version,
        uncommitted,
        last_revision: revisions.first().map(|r| r.commit.to_string()),
        next,
        approval,
        sync: sync_state(ws)?,
    })
}

fn sync_state(ws: &Workspace) -> Result<Option<SyncState>> {
    let store = ws.store();
    let Ok(branch) = store.current_branch() else {
        return Ok(None);
    };
    let Some((remote, not_sent, not_taken_in)) = store.upstream_state(&branch)? else {
        return Ok(None);
    };
    Ok(Some(SyncState {
        remote,
        not_sent,
        not_taken_in,
        conflicts: store.sync_conflicts()?.len(),
    }))
}
