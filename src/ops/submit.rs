//! `submit`: the committed text frozen as the next version, "Dự thảo lần N".

use crate::workspace::{Result, Workspace, WorkspaceError, conflict_marker_line};
use duthao_store::{Identity, Rev, Version};

/// Freezes the committed text as the next version ("Dự thảo lần N").
/// Refuses uncommitted text and a draft that does not parse.
pub fn submit(ws: &Workspace, slug: &str, message: &str) -> Result<Version> {
    let who = ws.store().identity()?;
    submit_as(ws, slug, message, &who)
}

/// [`submit`] with an explicit submitter.
pub fn submit_as(ws: &Workspace, slug: &str, message: &str, who: &Identity) -> Result<Version> {
    ws.require_slug(slug)?;
    // A version is the text of the branch everyone works on: from a
    // detached HEAD at an old commit it would silently freeze old text
    // as the newest version.
    if let duthao_store::HeadState::Detached(oid) = ws.store().head_state()? {
        return Err(duthao_store::StoreError::Detached { short: oid.short() }.into());
    }
    ws.store().ensure_no_operation_in_progress()?;
    let rel = Workspace::draft_rel(slug);
    if ws.uncommitted(slug)? {
        return Err(WorkspaceError::Uncommitted {
            slug: slug.to_string(),
        });
    }
    let revisions = ws.store().revisions(&rel)?;
    let Some(last) = revisions.first() else {
        return Err(WorkspaceError::NeverCommitted {
            slug: slug.to_string(),
        });
    };
    // The version is the committed text: it must be a valid draft, and
    // differ from the version before it.
    let rev = Rev::Git(last.commit.to_string());
    let text = ws.draft_text(slug, &rev)?;
    if let Some(line) = conflict_marker_line(&text) {
        return Err(WorkspaceError::ConflictMarkers {
            file: ws.draft_name(slug, &rev),
            line,
        });
    }
    if let Some(prev) = ws.versions(slug)?.last() {
        if prev.commit != last.commit && ws.draft_text(slug, &Rev::Version(prev.n))? == text {
            return Err(WorkspaceError::NothingNew {
                slug: slug.to_string(),
                n: prev.n,
            });
        }
    }
    ws.checked_draft(slug, &rev, text)?;
    Ok(ws
        .store()
        .create_version_of(slug, Some(&rel), last.commit, message, who)?)
}
