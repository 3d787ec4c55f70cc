//! Where each draft stands in the pipeline (`list`, `status`).

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::Path;

use serde::Serialize;

use super::{Result, Workspace};
use crate::reader;
use crate::store::{ObjectId, Rev, Version};

/// The stage of a draft in the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "stage", rename_all = "kebab-case")]
pub enum Stage {
    /// No version submitted yet.
    Drafting,
    /// Version N is out for comment and the text has not changed since.
    Circulated { version: u32 },
    /// The text has changed since version N (committed or not).
    Revising { since: u32 },
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stage::Drafting => f.write_str("drafting"),
            Stage::Circulated { version } => write!(f, "v{version} out for comment"),
            Stage::Revising { since } => write!(f, "revising after v{since}"),
        }
    }
}

/// One line of `duthao list`.
#[derive(Debug, Clone, Serialize)]
pub struct DraftSummary {
    pub slug: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub latest_version: Option<u32>,
    #[serde(flatten)]
    pub stage: Stage,
    /// The text on disk differs from the last commit.
    pub uncommitted: bool,
    /// Why the draft could not be read, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VersionInfo {
    pub n: u32,
    pub tag: String,
    pub commit: String,
    pub submitted_by: String,
    pub email: String,
    pub time: i64,
    pub offset_minutes: i32,
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

/// `duthao status <slug>`.
#[derive(Debug, Clone, Serialize)]
pub struct DraftStatus {
    pub slug: String,
    pub file: String,
    pub kind: String,
    pub kind_name: String,
    pub profile: String,
    pub title: String,
    pub versions: Vec<VersionInfo>,
    #[serde(flatten)]
    pub stage: Stage,
    /// Commits that changed the draft after the latest version.
    pub revisions_since_version: usize,
    pub uncommitted: bool,
    /// The last commit that changed the draft.
    pub last_revision: Option<String>,
    /// What to do next, in the user's terms.
    pub next: Vec<String>,
    /// Why the text on disk does not read, if it does not (kind and title
    /// then come from the latest version).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// A git operation left half done in the repository ("merge", "rebase").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
}

fn stage_of(latest: Option<&Version>, changed_since: bool) -> Stage {
    match latest {
        None => Stage::Drafting,
        Some(v) if changed_since => Stage::Revising { since: v.n },
        Some(v) => Stage::Circulated { version: v.n },
    }
}

impl Workspace {
    /// Whether the text on disk differs from the committed text. Bytes that
    /// differ only in what reading normalises (NFD instead of NFC, CRLF line
    /// ends, a BOM) are not a change: `status`, `diff` and `submit` agree.
    pub fn uncommitted(&self, slug: &str) -> Result<bool> {
        let rel = Self::draft_rel(slug);
        if !self.store().is_dirty(&rel)? {
            return Ok(false);
        }
        self.text_differs_from_head(slug)
    }

    /// For a draft git sees as changed: whether its text differs too.
    fn text_differs_from_head(&self, slug: &str) -> Result<bool> {
        let head = match self.draft_text(slug, &Rev::Git("HEAD".into())) {
            Ok(t) => t,
            Err(_) => return Ok(true),
        };
        Ok(match self.draft_text(slug, &Rev::Working) {
            Ok(disk) => disk != head,
            Err(_) => true,
        })
    }

    /// Paths under `drafts/` that differ from HEAD (modified, staged or untracked),
    /// in one pass over the repository status.
    fn dirty_drafts(&self) -> Result<HashSet<String>> {
        let changed = self.store().changed_files(Path::new(super::DRAFTS_DIR))?;
        Ok(changed
            .iter()
            .filter(|p| p.parent() == Some(Path::new(super::DRAFTS_DIR)))
            .filter_map(|p| {
                let name = p.file_name()?.to_str()?;
                Some(name.strip_suffix(".md")?.to_string())
            })
            .collect())
    }

    /// Every draft with its stage. A draft that cannot be read is listed with
    /// the reason instead of stopping the whole listing.
    pub fn list(&self) -> Result<Vec<DraftSummary>> {
        let slugs = self.slugs()?;
        let versions: BTreeMap<String, Vec<Version>> = self.store().all_versions()?;
        let dirty = self.dirty_drafts()?;
        // HEAD's drafts folder is read once; each version's blob comes from
        // its tag. (Reading each version's commit instead reads a tree as
        // large as the folder per draft: quadratic in the drafts.)
        let head = self.store().head_blobs(Path::new(super::DRAFTS_DIR))?;
        let mut out = Vec::with_capacity(slugs.len());
        for slug in slugs {
            let latest = versions.get(&slug).and_then(|v| v.last());
            let uncommitted = dirty.contains(&slug) && self.text_differs_from_head(&slug)?;
            // The head commit moved past the version if the draft's blob differs.
            let changed_since = uncommitted
                || match latest {
                    Some(v) => {
                        let at_version = match v.text_blob {
                            Some(b) => Some(b),
                            None => self.store().blob_at(v.commit, &Self::draft_rel(&slug))?,
                        };
                        head.get(&format!("{slug}.md")).copied() != at_version
                    }
                    None => false,
                };
            let rel = Self::draft_rel(&slug);
            let (kind, title, error) = match self.draft_bytes(&slug, &Rev::Working) {
                Ok(bytes) => match reader::decode(&bytes, &rel)
                    .and_then(|t| reader::parse_front_matter(&t, &rel))
                {
                    Ok(fm) => (Some(fm.kind), Some(fm.title), None),
                    Err(e) => (None, None, Some(e.to_string())),
                },
                Err(e) => (None, None, Some(e.to_string())),
            };
            out.push(DraftSummary {
                latest_version: latest.map(|v| v.n),
                stage: stage_of(latest, changed_since),
                slug,
                kind,
                title,
                uncommitted,
                error,
            });
        }
        for name in self.misnamed_drafts()? {
            out.push(DraftSummary {
                error: Some(format!(
                    "{}/{name}: not a valid draft name; rename it with lower-case ASCII letters, digits and '-' (e.g. nghi-quyet-15.md)",
                    super::DRAFTS_DIR
                )),
                slug: name,
                kind: None,
                title: None,
                latest_version: None,
                stage: Stage::Drafting,
                uncommitted: false,
            });
        }
        Ok(out)
    }

    /// Does HEAD's copy of the draft differ from the one in `commit`?
    fn changed_since_commit(&self, slug: &str, commit: ObjectId) -> Result<bool> {
        let rel = Self::draft_rel(slug);
        let Some(head) = self.store().head_commit()? else {
            return Ok(false);
        };
        Ok(self.store().blob_at(head, &rel)? != self.store().blob_at(commit, &rel)?)
    }

    pub fn status(&self, slug: &str) -> Result<DraftStatus> {
        self.require_slug(slug)?;
        let rel = Self::draft_rel(slug);
        let versions = self.versions(slug)?;
        let latest = versions.last();
        // A draft whose text on disk does not read still has a history worth
        // showing: describe it from its latest version and name the problem.
        let read =
            self.draft_text(slug, &Rev::Working).and_then(
                |text| match super::conflict_marker_line(&text) {
                    Some(line) => Err(super::WorkspaceError::ConflictMarkers {
                        file: Self::draft_rel(slug),
                        line,
                    }),
                    None => self.parse_draft_owned(slug, &Rev::Working, text),
                },
            );
        let (draft, problem) = match read {
            Ok(d) => (Some(d), None),
            Err(e) => {
                let fallback = latest.and_then(|v| self.read_draft(slug, &Rev::Version(v.n)).ok());
                (fallback, Some(e.to_string()))
            }
        };
        let profile = draft
            .as_ref()
            .map(|d| self.profile_of(d).to_string())
            .unwrap_or_else(|| self.config.profile.clone());
        let kinds = self.kinds(&profile)?;
        let kind = draft.as_ref().and_then(|d| kinds.get(&d.front.kind));
        let uncommitted = self.uncommitted(slug)?;
        let revisions = self.store().revisions(&rel)?;
        let revisions_since_version = match latest {
            Some(v) => revisions
                .iter()
                .take_while(|r| r.commit != v.commit)
                .count(),
            None => revisions.len(),
        };
        let changed_since = uncommitted
            || match latest {
                Some(v) => self.changed_since_commit(slug, v.commit)?,
                None => false,
            };
        let stage = stage_of(latest, changed_since);
        let mut next = Vec::new();
        let operation = self.store().operation_in_progress().map(|(op, cmd)| {
            next.push(format!(
                "a git {op} is in progress: finish it (resolve, then git commit) or abort it (git {cmd} --abort) before committing or submitting"
            ));
            op.to_string()
        });
        if let Some(p) = &problem {
            next.push(format!("fix the draft: {p}"));
        }
        if uncommitted {
            next.push(format!(
                "commit the text on disk: duthao commit {slug} -m \"…\""
            ));
        }
        match stage {
            Stage::Drafting if !uncommitted => next.push(format!(
                "send it out for comment as Dự thảo lần 1: duthao submit {slug}"
            )),
            Stage::Drafting => next.push(format!(
                "then send it out for comment as Dự thảo lần 1: duthao submit {slug}"
            )),
            Stage::Revising { since } => next.push(format!(
                "when the revision is ready, send it out as Dự thảo lần {}: duthao submit {slug}",
                since + 1
            )),
            Stage::Circulated { version } => next.push(format!(
                "v{version} is out for comment; revise the text, commit, then submit v{}",
                version + 1
            )),
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
            operation,
            versions: versions.iter().map(VersionInfo::from).collect(),
            stage,
            revisions_since_version,
            uncommitted,
            last_revision: revisions.first().map(|r| r.commit.to_string()),
            next,
        })
    }
}
