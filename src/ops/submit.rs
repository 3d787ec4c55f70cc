//! `submit`: the committed text frozen as the next version, "Dự thảo lần N".

use crate::workspace::{Result, Workspace, WorkspaceError, conflict_marker_line};
use duthao_store::{Identity, Rev, SigningBackend, Version};

/// Whether and how `submit` signs the version tag.
#[derive(Debug, Clone, Copy, Default)]
pub enum SignVersion<'a> {
    /// Sign when a key is set up (`DUTHAO_SIGNING_KEY`, or git's
    /// `user.signingkey` with `gpg.format=ssh`); unsigned otherwise.
    #[default]
    IfKeySetUp,
    /// Sign with this key setting (a path or a `key::` literal, as `--key`).
    WithKey(&'a str),
    /// Never sign.
    Unsigned,
}

/// Freezes the committed text as the next version ("Dự thảo lần N"),
/// signed when a key is set up. Refuses uncommitted text and a draft that
/// does not parse.
pub fn submit(ws: &Workspace, slug: &str, message: &str) -> Result<Version> {
    submit_signing(ws, slug, message, SignVersion::IfKeySetUp)
}

/// [`submit`], signing as `sign` says.
pub fn submit_signing(
    ws: &Workspace,
    slug: &str,
    message: &str,
    sign: SignVersion<'_>,
) -> Result<Version> {
    let who = ws.store().identity()?;
    let signer = match sign {
        SignVersion::IfKeySetUp => ws.store().signer(None)?,
        SignVersion::WithKey(key) => ws.store().signer(Some(key))?,
        SignVersion::Unsigned => None,
    };
    submit_signed_as(ws, slug, message, &who, signer.as_deref())
}

/// [`submit`] with an explicit submitter, unsigned.
pub fn submit_as(ws: &Workspace, slug: &str, message: &str, who: &Identity) -> Result<Version> {
    submit_signed_as(ws, slug, message, who, None)
}

/// [`submit`] with an explicit submitter, the tag signed by `signer` when given.
pub fn submit_signed_as(
    ws: &Workspace,
    slug: &str,
    message: &str,
    who: &Identity,
    signer: Option<&dyn SigningBackend>,
) -> Result<Version> {
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
    // The version records the committed duthao.toml as its roster: one
    // edited but not committed would be silently left out. (A duthao.toml
    // never committed records no roster at all, which `status` shows.)
    let config = std::path::Path::new(crate::workspace::CONFIG_FILE);
    let tracked = match ws.store().head_commit()? {
        Some(head) => ws.store().blob_at(head, config)?.is_some(),
        None => false,
    };
    if tracked && ws.store().is_dirty(config)? {
        return Err(WorkspaceError::SignOff {
            slug: slug.to_string(),
            reason: "duthao.toml has changes that are not committed; a version records the committed duthao.toml as the roster of its approvers, so commit it first".into(),
        });
    }
    // An issued document is final: a later version would only be a
    // problem `verify` reports (see duthao-approval's `assess`).
    if let Ok(record) = super::signoff::signoff(ws, slug)
        && let Some(issued) = &record.assessment.issued
    {
        return Err(WorkspaceError::SignOff {
            slug: slug.to_string(),
            reason: format!(
                "the document was issued from version {} (số {}, {}); no version can be submitted after issue",
                issued.fields.version, issued.fields.number_text, issued.tag
            ),
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
    if let Some(prev) = ws.versions(slug)?.last()
        && prev.commit != last.commit
        && ws.draft_text(slug, &Rev::Version(prev.n))? == text
    {
        return Err(WorkspaceError::NothingNew {
            slug: slug.to_string(),
            n: prev.n,
        });
    }
    ws.checked_draft(slug, &rev, text)?;
    let site = super::sites::may(ws, slug, super::sites::Step::Submit)?;
    Ok(ws.store().create_version_signed(
        slug,
        Some(&rel),
        last.commit,
        message,
        who,
        signer,
        Some(std::path::Path::new(crate::workspace::CONFIG_FILE)),
        site.as_deref(),
    )?)
}
