//! `approve` and `reject`: a level's decision on one version, an
//! SSH-signed tag the rules accept before it is written.

use duthao_approval::{Decision, DecisionFields, decision_message, decision_tag_name};
use duthao_store::{Identity, SigningBackend, StoreError, When, fingerprint, signing_key};

use super::signoff::{SignOff, signoff};
use crate::workspace::{Result, Workspace, WorkspaceError};

/// What `approve` or `reject` recorded.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Decided {
    /// The draft.
    pub slug: String,
    /// The version decided on.
    pub version: u32,
    /// The level's id.
    pub level: String,
    /// Its name.
    pub level_name: String,
    /// Approve or reject.
    pub decision: Decision,
    /// The approver, as duthao.toml names the key's owner.
    pub approver: String,
    /// The signed tag written.
    pub tag: String,
    /// Where the draft stands now.
    pub stage: duthao_approval::Stage,
    /// What the final document's layout would lack (a signer, "Nơi nhận"
    /// …), so an approver knows before the clerk finds out at issue.
    pub warnings: Vec<String>,
}

/// The decision asked for.
#[derive(Debug, Clone)]
pub struct DecisionRequest<'a> {
    /// The draft.
    pub slug: &'a str,
    /// The level's id.
    pub level: &'a str,
    /// The version; the latest when `None`.
    pub version: Option<u32>,
    /// Approve or reject.
    pub decision: Decision,
    /// The approver's note; the reason of a rejection (required).
    pub note: &'a str,
    /// The key setting (`--key`); git's configuration when `None`.
    pub key: Option<&'a str>,
}

/// Records a decision signed with the key set up for this user (see
/// [`duthao_store::Store::signer`]).
pub fn decide(ws: &Workspace, req: &DecisionRequest<'_>) -> Result<Decided> {
    let signer = ws
        .store()
        .signer(req.key)?
        .ok_or(WorkspaceError::NoSigningKey {
            what: "an approval",
        })?;
    decide_with(ws, req, signer.as_ref(), When::now())
}

/// The fingerprint of the key a backend signs with; when the backend cannot
/// say before signing (a key only the agent holds), a probe signature tells.
pub(crate) fn signer_fingerprint(signer: &dyn SigningBackend) -> Result<String> {
    if let Some(key) = signer.public_key() {
        return Ok(fingerprint(key));
    }
    let probe = b"duthao: which key signs\n";
    let sig = signer.sign(probe).map_err(StoreError::from)?;
    let key = signing_key(probe, &sig).map_err(StoreError::from)?;
    Ok(fingerprint(&key))
}

/// [`decide`] with a given signer and time.
pub fn decide_with(
    ws: &Workspace,
    req: &DecisionRequest<'_>,
    signer: &dyn SigningBackend,
    when: When,
) -> Result<Decided> {
    let slug = req.slug;
    ws.require_slug_or_history(slug)?;
    let refuse = |reason: String| WorkspaceError::SignOff {
        slug: slug.to_string(),
        reason,
    };
    if req.decision == Decision::Reject && req.note.trim().is_empty() {
        return Err(refuse(
            "a rejection needs its reason (--reason), so the drafter knows what to change".into(),
        ));
    }
    let record: SignOff = signoff(ws, slug)?;
    let latest = record
        .versions
        .last()
        .ok_or_else(|| refuse("no version has been submitted; submit one first".into()))?;
    let n = req.version.unwrap_or(latest.n);
    let key = signer_fingerprint(signer)?;
    record
        .assessment
        .may_decide(
            &record.facts,
            n,
            req.level,
            &key,
            req.decision,
            when.seconds,
        )
        .map_err(refuse)?;
    let facts = record.facts_of(n).expect("may_decide found the version");
    let roster = facts.roster.as_ref().expect("may_decide read the roster");
    let level = roster
        .levels
        .iter()
        .find(|l| l.id == req.level)
        .expect("may_decide found the level");
    let person = level
        .approvers
        .iter()
        .find(|p| p.key.as_deref() == Some(key.as_str()))
        .expect("may_decide found the approver");
    // The version's own roster says whether the level needs every comment
    // answered; the comments are those made on this version or before it.
    if level.require_responses && req.decision == Decision::Approve {
        let review = super::review::load_review(ws, slug)?;
        let open = review
            .threads
            .iter()
            .filter(|t| t.comment.level == req.level && t.comment.version <= n && t.is_open())
            .count();
        if open > 0 {
            return Err(refuse(format!(
                "{open} comment(s) of {} have no response yet, and duthao.toml requires one for each before this level approves",
                level.name
            )));
        }
    }
    let content = facts.content.clone().map_err(refuse)?;
    let fields = DecisionFields {
        slug: slug.to_string(),
        version: n,
        commit: facts.commit.clone(),
        version_tag: facts.tag_object.clone().ok_or_else(|| {
            refuse(format!(
                "version {n} is a lightweight tag, not a signed tag object; submit it again"
            ))
        })?,
        content,
        level: req.level.to_string(),
        decision: req.decision,
        approver_name: person.name.clone(),
        approver_email: person.email.clone(),
        time: rfc3339(when),
        note: req.note.to_string(),
    };
    let tag = decision_tag_name(slug, n, req.level, &key);
    let tagger = Identity {
        name: person.name.clone(),
        email: person.email.clone(),
    };
    let commit = latest_commit(&record, n);
    match ws.store().create_signed_tag_at(
        &tag,
        commit,
        &decision_message(&fields, &level.name),
        &tagger,
        when,
        signer,
    ) {
        Ok(_) => {}
        Err(StoreError::TagExists { .. }) => {
            return Err(refuse(format!(
                "you already decided at {} on version {n} ({tag})",
                req.level
            )));
        }
        Err(e) => return Err(e.into()),
    }
    let after = signoff(ws, slug)?;
    let warnings = final_layout_warnings(ws, slug, n).unwrap_or_default();
    Ok(Decided {
        warnings,
        slug: slug.to_string(),
        version: n,
        level: req.level.to_string(),
        level_name: level.name.clone(),
        decision: req.decision,
        approver: person.name.clone(),
        tag,
        stage: after.assessment.stage(),
    })
}

/// The layout check of version `n` as a final document.
fn final_layout_warnings(ws: &Workspace, slug: &str, n: u32) -> Result<Vec<String>> {
    use super::snapshot::{Purpose, snapshot};
    let snap = snapshot(ws, slug, &duthao_store::Rev::Version(n), Purpose::Document)?;
    let (layout, _) = super::export::layout_and_kind(Some(ws), &snap)?;
    Ok(crate::docx::check(
        &snap.draft,
        &layout,
        crate::docx::DraftMark::Final,
    ))
}

fn latest_commit(record: &SignOff, n: u32) -> duthao_store::ObjectId {
    record
        .versions
        .iter()
        .find(|v| v.n == n)
        .map(|v| v.commit)
        .expect("the version exists")
}

/// `2026-11-30T10:04:05+07:00`.
pub(crate) fn rfc3339(when: When) -> String {
    super::signoff::time_rfc3339_at(when.seconds, when.offset_minutes)
}
