//! `list`: every draft and where it stands.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::Serialize;

use super::status::{Stage, stage_of};
use crate::reader;
use crate::workspace::{DRAFTS_DIR, Result, Workspace};
use duthao_store::{Rev, Version};

/// One line of `duthao list`.
#[derive(Debug, Clone, Serialize)]
pub struct DraftSummary {
    /// The draft's name (its file is `drafts/<slug>.md`), or the file's name
    /// when it is not a valid draft name.
    pub slug: String,
    /// The document kind its front matter names, when it reads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Its trích yếu, when it reads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The number of the latest version sent out, if any.
    pub latest_version: Option<u32>,
    /// Where it stands in the pipeline.
    #[serde(flatten)]
    pub stage: Stage,
    /// The text on disk differs from the last commit.
    pub uncommitted: bool,
    /// Comments (of any version) that have no response yet.
    pub open_comments: usize,
    /// The approval stage in Vietnamese ("lần 2: chờ Ban Thường vụ duyệt:
    /// 1/3"), for a draft with a version when duthao.toml has approving
    /// levels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval: Option<String>,
    /// Why the draft could not be read, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Paths under `drafts/` that differ from HEAD (modified, staged or untracked),
/// in one pass over the repository status.
fn dirty_drafts(ws: &Workspace) -> Result<HashSet<String>> {
    let changed = ws.store().changed_files(Path::new(DRAFTS_DIR))?;
    Ok(changed
        .iter()
        .filter(|p| p.parent() == Some(Path::new(DRAFTS_DIR)))
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?;
            Some(name.strip_suffix(".md")?.to_string())
        })
        .collect())
}

/// Every draft with its stage. A draft that cannot be read is listed with
/// the reason instead of stopping the whole listing.
pub fn list(ws: &Workspace) -> Result<Vec<DraftSummary>> {
    let slugs = ws.slugs()?;
    let versions: BTreeMap<String, Vec<Version>> = ws.store().all_versions()?;
    let dirty = dirty_drafts(ws)?;
    // HEAD's drafts folder is read once; each version's blob comes from
    // its tag. (Reading each version's commit instead reads a tree as
    // large as the folder per draft: quadratic in the drafts.)
    let head = ws.store().head_blobs(Path::new(DRAFTS_DIR))?;
    let mut out = Vec::with_capacity(slugs.len());
    let decided = super::signoff::drafts_with_decisions(ws)?;
    let approving = ws.config.approval_levels().next().is_some();
    let mut rosters = std::collections::HashMap::new();
    for slug in slugs {
        let latest = versions.get(&slug).and_then(|v| v.last());
        let uncommitted = dirty.contains(&slug) && ws.text_differs_from_head(&slug)?;
        // The head commit moved past the version if the draft's blob differs.
        let changed_since = uncommitted
            || match latest {
                Some(v) => {
                    let at_version = match v.text_blob {
                        Some(b) => Some(b),
                        None => ws.store().blob_at(v.commit, &Workspace::draft_rel(&slug))?,
                    };
                    head.get(&format!("{slug}.md")).copied() != at_version
                }
                None => false,
            };
        let rel = Workspace::draft_rel(&slug);
        let (kind, title, error) = match ws.draft_bytes(&slug, &Rev::Working) {
            Ok(bytes) => match reader::read_front_matter(bytes, &rel) {
                Ok(fm) => (Some(fm.kind), Some(fm.title), None),
                Err(e) => (None, None, Some(e.to_string())),
            },
            Err(e) => (None, None, Some(e.to_string())),
        };
        let open_comments = super::review::load_review(ws, &slug)?
            .threads
            .iter()
            .filter(|t| t.is_open())
            .count();
        let mut stage = stage_of(latest, changed_since);
        // Most drafts have no decision yet: their stage comes from the
        // latest version's roster alone (reading every version's text and
        // tags per draft made `list` twenty times slower).
        let approval = match latest {
            Some(_) if decided.contains(&slug) => {
                let a = super::status::approval_status(ws, &slug)?;
                if let Some(super::status::ApprovalStatus {
                    stage: duthao_approval::Stage::Issued { version, .. },
                    ..
                }) = &a
                {
                    stage = Stage::Issued { version: *version };
                }
                a.map(|a| a.stage_vi)
            }
            Some(v) if approving => super::signoff::stage_without_decisions(ws, v, &mut rosters)?,
            _ => None,
        };
        out.push(DraftSummary {
            approval,
            open_comments,
            latest_version: latest.map(|v| v.n),
            stage,
            slug,
            kind,
            title,
            uncommitted,
            error,
        });
    }
    for name in ws.misnamed_drafts()? {
        out.push(DraftSummary {
            error: Some(format!(
                "{}/{name}: not a valid draft name; rename it with lower-case ASCII letters, digits and '-' (e.g. nghi-quyet-15.md)",
                DRAFTS_DIR
            )),
            slug: name,
            kind: None,
            title: None,
            latest_version: None,
            stage: Stage::Drafting,
            uncommitted: false,
            open_comments: 0,
            approval: None,
        });
    }
    Ok(out)
}
