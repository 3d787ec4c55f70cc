//! `commit`: one draft, and nothing else.

use crate::fsutil::write_owned;
use crate::reader;
use crate::workspace::{Result, Workspace, WorkspaceError, conflict_marker_line};
use duthao_store::{Identity, Rev};

/// What `commit` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Committed {
    /// The draft.
    pub slug: String,
    /// The commit made (full hex).
    pub commit: String,
    /// The draft does not parse; it was committed anyway so nothing is lost,
    /// but it cannot be submitted until fixed.
    pub warning: Option<String>,
    /// The file was in another Unicode normalisation (NFD) and was rewritten
    /// as NFC, which looks the same and is how drafts are stored.
    pub normalised: bool,
    /// The commit is made, but git's index could not be updated to show it
    /// (another program held the index): what to run to make them agree.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_note: Option<String>,
}

/// Commits exactly `drafts/<slug>.md`, whatever else is changed.
pub fn commit(ws: &Workspace, slug: &str, message: &str) -> Result<Committed> {
    let who = ws.store().identity()?;
    commit_as(ws, slug, message, &who)
}

/// [`commit`] with an explicit author.
pub fn commit_as(ws: &Workspace, slug: &str, message: &str, who: &Identity) -> Result<Committed> {
    ws.require_slug(slug)?;
    let normalised = normalise_on_disk(ws, slug)?;
    let warning = match ws.draft_text(slug, &Rev::Working) {
        Err(e) => Some(e.to_string()),
        Ok(text) => match conflict_marker_line(&text) {
            Some(line) => Some(
                WorkspaceError::ConflictMarkers {
                    file: Workspace::draft_rel(slug),
                    line,
                }
                .to_string(),
            ),
            None => ws
                .checked_draft(slug, &Rev::Working, text)
                .err()
                .map(|e| e.to_string()),
        },
    };
    let rel = Workspace::draft_rel(slug);
    let oid = ws.store().commit_paths(&[rel.as_path()], message, who)?;
    let index_note = ws.store().take_index_note().map(|n| n.to_string());
    Ok(Committed {
        slug: slug.to_string(),
        commit: oid.to_string(),
        warning,
        normalised,
        index_note,
    })
}

/// Drafts are stored in NFC. A file saved in NFD by another tool is
/// rewritten in NFC before it is committed: the text is canonically the
/// same (it looks identical), and history never holds two spellings of one
/// word. Only the normalisation changes; line endings and everything else
/// stay as written.
fn normalise_on_disk(ws: &Workspace, slug: &str) -> Result<bool> {
    let path = ws.draft_path(slug);
    let bytes = ws.draft_bytes(slug, &Rev::Working)?;
    let Ok(text) = String::from_utf8(bytes) else {
        return Ok(false);
    };
    let nfc = reader::nfc(text.clone());
    if nfc == text {
        return Ok(false);
    }
    write_owned(&path, nfc.as_bytes(), "drafts")?;
    Ok(true)
}
