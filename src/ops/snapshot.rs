//! A draft at a revision (or a draft file from outside), with where it came
//! from: what `diff` compares and `export` lays out.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::docx::{Attribution, DraftMark, Provenance};
use crate::model::Draft;
use crate::reader::{self, DraftText};
use crate::workspace::{Result, Workspace, WorkspaceError, conflict_marker_line};
use duthao_store::{ObjectId, Rev};

/// Where a snapshot's text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A draft of the workspace at a revision.
    Draft {
        /// The draft's name.
        slug: String,
        /// The revision (`Working`: the file on disk).
        rev: Rev,
    },
    /// A draft file named on the command line, read as it is.
    File {
        /// The file as given (what the reader is shown).
        shown: String,
    },
}

/// A draft at a revision, with where it came from.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Where the text came from.
    pub origin: Origin,
    /// The draft.
    pub draft: Draft,
    /// The version this text is, if it is exactly a submitted version.
    pub version: Option<u32>,
    /// The commit, unless it is the text on disk or a file.
    pub commit: Option<ObjectId>,
    /// The name of that commit's author.
    pub author: Option<String>,
    /// That commit's author date: Unix seconds and offset in minutes.
    pub time: Option<(i64, i32)>,
    /// Hex SHA-256 of the file's bytes, when asked to record it.
    pub sha256: Option<String>,
    /// For the text on disk or a file: when it was last saved (Unix seconds).
    pub modified: Option<i64>,
}

/// What a snapshot is read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Purpose {
    /// To be shown (a redline): the text as it is, conflict markers and all.
    #[default]
    Show,
    /// To become a document (a DOCX): refused with conflict markers in it,
    /// and with what the document records: the SHA-256 of the bytes and,
    /// for the text on disk, whether it is byte for byte the latest
    /// version. (A redline does without: hashing two long drafts costs a
    /// tenth of its time.)
    Document,
}

impl Snapshot {
    /// How the text is named to a Vietnamese reader: "Dự thảo lần 2",
    /// "Bản đang soạn", "Bản HEAD~1", or the file as given.
    pub fn label(&self) -> String {
        match &self.origin {
            Origin::Draft { rev, .. } => match rev {
                Rev::Working => match self.version {
                    Some(n) => format!("Dự thảo lần {n}"),
                    None => "Bản đang soạn".to_string(),
                },
                Rev::Version(n) => format!("Dự thảo lần {n}"),
                Rev::Git(s) => format!("Bản {s}"),
            },
            Origin::File { shown } => shown.clone(),
        }
    }

    /// The draft's name, or the file as given.
    pub fn name(&self) -> &str {
        match &self.origin {
            Origin::Draft { slug, .. } => slug,
            Origin::File { shown } => shown,
        }
    }

    /// The mark a DOCX of this text carries until approvals exist.
    pub fn mark(&self) -> DraftMark {
        DraftMark::Draft {
            version: self.version,
        }
    }

    /// What a DOCX of this text records about where it came from.
    pub fn provenance(&self) -> Provenance {
        Provenance {
            slug: self.name().to_string(),
            version: self.version,
            commit: self.commit.map(|c| c.to_string()),
            source_sha256: self.sha256.clone().unwrap_or_default(),
            committed_at: self.time.map(|(s, o)| rfc3339(s, o)),
            signoff: Vec::new(),
        }
    }

    /// Who and when for tracked changes that lead to this text: the commit's
    /// author and date; for the text on disk, when the file was saved.
    pub fn attribution(&self, fallback_author: &str) -> Attribution {
        let date = match (self.time, self.modified, self.draft.front.date) {
            (Some((s, _)), _, _) | (None, Some(s), _) => rfc3339(s, 0),
            (None, None, Some(d)) => format!("{d}T00:00:00Z"),
            (None, None, None) => "1970-01-01T00:00:00Z".to_string(),
        };
        Attribution {
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

/// A snapshot's text and facts, read but not parsed yet: the reading goes
/// through git (one thread), the parsing of two can run side by side.
pub(crate) struct Fetched {
    origin: Origin,
    /// How the file is named in messages (`drafts/x.md@v2`, the path given).
    file: PathBuf,
    text: DraftText,
    version: Option<u32>,
    commit: Option<ObjectId>,
    author: Option<String>,
    time: Option<(i64, i32)>,
    sha256: Option<String>,
    modified: Option<i64>,
}

impl Fetched {
    /// A draft of the workspace at `rev`.
    pub fn draft(ws: &Workspace, slug: &str, rev: &Rev, purpose: Purpose) -> Result<Fetched> {
        ws.require_slug_or_history(slug)?;
        let bytes = ws.draft_bytes(slug, rev)?;
        let document = purpose == Purpose::Document;
        let sha256 = document.then(|| format!("{:x}", Sha256::digest(&bytes)));
        let file = ws.draft_name(slug, rev);
        let text = reader::decode(bytes, &file)?;
        if document && let Some(line) = conflict_marker_line(&text) {
            return Err(WorkspaceError::ConflictMarkers { file, line });
        }
        let (commit, author, time) = match rev {
            Rev::Working => (None, None, None),
            _ => {
                let oid = ws.store().resolve_commit(rev, slug)?;
                let r = ws.store().revision(oid)?;
                (
                    Some(oid),
                    Some(r.author.name),
                    Some((r.time, r.offset_minutes)),
                )
            }
        };
        let version = match (rev, commit, &sha256) {
            (Rev::Version(n), _, _) => Some(*n),
            // The text on disk is still version N when it is byte for byte
            // what was submitted as N.
            (Rev::Working, _, Some(sha)) => match ws.versions(slug)?.last() {
                Some(v) => {
                    let submitted = ws.draft_bytes(slug, &Rev::Version(v.n))?;
                    (format!("{:x}", Sha256::digest(&submitted)) == *sha).then_some(v.n)
                }
                None => None,
            },
            (Rev::Working, _, None) => None,
            // A revision is a version when it is that version's commit.
            (_, Some(oid), _) => ws
                .versions(slug)?
                .iter()
                .rev()
                .find(|v| v.commit == oid)
                .map(|v| v.n),
            (_, None, _) => None,
        };
        let modified = match rev {
            Rev::Working => modified(&ws.draft_path(slug)),
            _ => None,
        };
        Ok(Fetched {
            origin: Origin::Draft {
                slug: slug.to_string(),
                rev: rev.clone(),
            },
            file,
            text,
            version,
            commit,
            author,
            time,
            sha256,
            modified,
        })
    }

    /// A draft file from anywhere (`path` resolved, `shown` as given).
    pub fn file(path: &Path, shown: &str, purpose: Purpose) -> Result<Fetched> {
        let bytes = crate::fsutil::read_input(path, reader::MAX_DRAFT_BYTES as u64, "one draft")?;
        let sha256 =
            (purpose == Purpose::Document).then(|| format!("{:x}", Sha256::digest(&bytes)));
        let file = PathBuf::from(shown);
        let text = reader::decode(bytes, &file)?;
        Ok(Fetched {
            origin: Origin::File {
                shown: shown.to_string(),
            },
            file,
            text,
            version: None,
            commit: None,
            author: None,
            time: None,
            sha256,
            modified: modified(path),
        })
    }

    /// Parses the text (the one part that may run on another thread).
    pub fn parse(self) -> Result<Parsed> {
        let head = reader::front_matter_text(&self.text);
        let draft = reader::read(self.text, &self.file)?;
        Ok(Parsed {
            head,
            snapshot: Snapshot {
                origin: self.origin,
                draft,
                version: self.version,
                commit: self.commit,
                author: self.author,
                time: self.time,
                sha256: self.sha256,
                modified: self.modified,
            },
            file: self.file,
        })
    }
}

/// A parsed snapshot whose kind is still to be checked against the
/// workspace's profiles.
pub(crate) struct Parsed {
    /// The front matter's text, to place a kind error on its line.
    head: String,
    file: PathBuf,
    snapshot: Snapshot,
}

impl Parsed {
    /// The snapshot, its kind checked against the workspace's profiles when
    /// there is a workspace (a file from outside is checked when exported).
    pub fn checked(self, ws: Option<&Workspace>) -> Result<Snapshot> {
        if let Some(ws) = ws
            && matches!(self.snapshot.origin, Origin::Draft { .. })
        {
            ws.kind_of(&self.snapshot.draft, &self.file, &self.head)?;
        }
        Ok(self.snapshot)
    }
}

/// A draft at a revision, read and checked.
pub fn snapshot(ws: &Workspace, slug: &str, rev: &Rev, purpose: Purpose) -> Result<Snapshot> {
    Fetched::draft(ws, slug, rev, purpose)?
        .parse()?
        .checked(Some(ws))
}

/// When a file was last saved (Unix seconds).
fn modified(path: &Path) -> Option<i64> {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
}
