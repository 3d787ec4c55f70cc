//! What `export` and `diff --format docx` need from a workspace: the draft at
//! a revision with its provenance, its layout and its kind.

use sha2::{Digest, Sha256};

use super::{Result, Workspace, WorkspaceError};
use crate::diff::DraftDiff;
use crate::model::Draft;
use crate::profile::layout::{Layout, load_layout};
use crate::render::docx::{self, DraftMark, KindInfo, Provenance, Revision};
use crate::store::{ObjectId, Rev};

/// A DOCX and the layout's complaints about the draft it was made from.
#[derive(Debug, Clone)]
pub struct Exported {
    pub bytes: Vec<u8>,
    pub warnings: Vec<String>,
}

/// A draft at a revision, with where it came from.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub slug: String,
    pub rev: Rev,
    pub draft: Draft,
    /// The version this text is, if it is exactly a submitted version.
    pub version: Option<u32>,
    /// The commit, unless it is the text on disk.
    pub commit: Option<ObjectId>,
    /// Author and time of that commit (seconds, offset in minutes).
    pub author: Option<String>,
    pub time: Option<(i64, i32)>,
    /// Hex SHA-256 of the file's bytes at that revision.
    pub sha256: String,
    /// For the text on disk: when the file was last saved (Unix seconds).
    pub modified: Option<i64>,
}

impl Snapshot {
    /// The mark a DOCX of this text carries until approvals exist.
    pub fn mark(&self) -> DraftMark {
        DraftMark::Draft {
            version: self.version,
        }
    }

    pub fn provenance(&self) -> Provenance {
        Provenance {
            slug: self.slug.clone(),
            version: self.version,
            commit: self.commit.map(|c| c.to_string()),
            source_sha256: self.sha256.clone(),
            committed_at: self.time.map(|(s, o)| rfc3339(s, o)),
        }
    }

    /// Who and when for tracked changes that lead to this text: the commit's
    /// author and date; for the text on disk, when the file was saved.
    pub fn revision(&self, fallback_author: &str) -> Revision {
        let date = match (self.time, self.modified, self.draft.front.date) {
            (Some((s, _)), _, _) | (None, Some(s), _) => rfc3339(s, 0),
            (None, None, Some(d)) => format!("{d}T00:00:00Z"),
            (None, None, None) => "1970-01-01T00:00:00Z".to_string(),
        };
        Revision {
            author: self
                .author
                .clone()
                .unwrap_or_else(|| fallback_author.to_string()),
            date,
        }
    }
}

/// "2026-03-05T09:30:00+07:00" (or "Z" for UTC).
fn rfc3339(secs: i64, offset_minutes: i32) -> String {
    let offset =
        time::UtcOffset::from_whole_seconds(offset_minutes * 60).unwrap_or(time::UtcOffset::UTC);
    let t = time::OffsetDateTime::from_unix_timestamp(secs)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(offset);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| secs.to_string())
}

impl Workspace {
    /// The draft at `rev` with its provenance.
    pub fn snapshot(&self, slug: &str, rev: &Rev) -> Result<Snapshot> {
        self.require_slug_or_history(slug)?;
        let bytes = self.draft_bytes(slug, rev)?;
        let sha256 = format!("{:x}", Sha256::digest(&bytes));
        let file = self.draft_name(slug, rev);
        let text = crate::reader::decode_owned(bytes, &file)?;
        if let Some(line) = super::conflict_marker_line(&text) {
            return Err(WorkspaceError::ConflictMarkers { file, line });
        }
        let draft = self.parse_draft_owned(slug, rev, text)?;
        let (commit, author, time) = match rev {
            Rev::Working => (None, None, None),
            _ => {
                let oid = self.store().resolve_commit(rev, slug)?;
                let r = self.store().revision(oid)?;
                (
                    Some(oid),
                    Some(r.author.name),
                    Some((r.time, r.offset_minutes)),
                )
            }
        };
        let version = match (rev, commit) {
            (Rev::Version(n), _) => Some(*n),
            // The text on disk is still version N when it is byte for byte
            // what was submitted as N.
            (Rev::Working, _) => match self.versions(slug)?.last() {
                Some(v) => {
                    let submitted = self.draft_bytes(slug, &Rev::Version(v.n))?;
                    (format!("{:x}", Sha256::digest(&submitted)) == sha256).then_some(v.n)
                }
                None => None,
            },
            // A revision is a version when it is that version's commit.
            (_, Some(oid)) => self
                .versions(slug)?
                .iter()
                .rev()
                .find(|v| v.commit == oid)
                .map(|v| v.n),
            (_, None) => None,
        };
        let modified = match rev {
            Rev::Working => std::fs::metadata(self.draft_path(slug))
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_secs() as i64),
            _ => None,
        };
        Ok(Snapshot {
            modified,
            slug: slug.to_string(),
            rev: rev.clone(),
            draft,
            version,
            commit,
            author,
            time,
            sha256,
        })
    }

    /// The layout of a draft's profile, with the workspace's overrides.
    pub fn layout_of(&self, draft: &Draft) -> Result<Layout> {
        let profile = self.profile_of(draft);
        load_layout(profile, Some(&self.root().join(super::TEMPLATES_DIR)))
            .map_err(WorkspaceError::Layout)
    }

    /// The type name and code of a draft's kind.
    pub fn kind_info(&self, draft: &Draft) -> Result<KindInfo> {
        let profile = self.profile_of(draft);
        let kinds = self.kinds(profile)?;
        let k = kinds
            .get(&draft.front.kind)
            .ok_or_else(|| WorkspaceError::UnknownKind {
                file: std::path::PathBuf::from("(front matter)"),
                line: 0,
                kind: draft.front.kind.clone(),
                profile: profile.to_string(),
                known: kinds.known(),
            })?;
        Ok(KindInfo {
            name: k.name.clone(),
            code: k.code.clone(),
        })
    }

    /// The DOCX of a draft at a revision, draft-marked, and what the layout
    /// needs that the draft lacks (a signer, recipients …) for the user to hear.
    pub fn export_docx(&self, snap: &Snapshot) -> Result<Exported> {
        let layout = self.layout_of(&snap.draft)?;
        let kind = self.kind_info(&snap.draft)?;
        let bytes = docx::export(&snap.draft, &layout, &kind, snap.mark(), &snap.provenance())?;
        let mut warnings = docx::check(&snap.draft, &layout, snap.mark());
        if let (Rev::Working, Some((op, _))) = (&snap.rev, self.store().operation_in_progress()) {
            warnings.push(format!(
                "a git {op} is in progress in this repository; the text on disk may not be the text that will be committed"
            ));
        }
        Ok(Exported { bytes, warnings })
    }

    /// TO in the official layout with every change since FROM as a Word
    /// tracked change by TO's author at TO's date. `diff` is
    /// `diff_drafts(&from.draft, &to.draft, …)`, computed once by the caller;
    /// it is taken, so its text is not held twice.
    pub fn redline_docx(&self, from: &Snapshot, to: &Snapshot, diff: DraftDiff) -> Result<Vec<u8>> {
        let layout = self.layout_of(&to.draft)?;
        let kind = self.kind_info(&to.draft)?;
        let fallback = self
            .store()
            .identity()
            .map(|i| i.name)
            .unwrap_or_else(|_| "duthao".to_string());
        Ok(docx::export_redline(
            diff,
            &from.draft,
            &to.draft,
            &layout,
            &kind,
            to.mark(),
            &to.provenance(),
            &to.revision(&fallback),
        )?)
    }
}
