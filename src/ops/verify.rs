//! `verify`: every version, approval and issue of a workspace (or of one
//! draft) checked against the rules, the allowed-signers file against
//! duthao.toml, the register for numbers given twice, and an issued
//! document's text against what was issued.

use duthao_approval::{Problem, Stage};
use duthao_store::Rev;

use super::keys::{ALLOWED_SIGNERS, keys};
use super::signoff::{SignOff, signoff, stage_vi};
use crate::model::issue_fields::content_sha256;
use crate::workspace::{Result, Workspace};

/// One draft's verification.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DraftCheck {
    /// The draft.
    pub slug: String,
    /// Where it stands.
    pub stage: Stage,
    /// The same in Vietnamese ("lần 2: chờ Ban Thường vụ duyệt: 1/3").
    pub stage_vi: String,
    /// Versions checked.
    pub versions: usize,
    /// Approvals and rejections that count, over all versions.
    pub decisions: usize,
    /// What is wrong.
    pub problems: Vec<Problem>,
    /// What is worth knowing but not wrong.
    pub notes: Vec<Problem>,
}

/// What `verify` found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Verification {
    /// Each draft checked.
    pub drafts: Vec<DraftCheck>,
    /// Problems of the workspace as a whole (allowed signers, register).
    pub workspace: Vec<Problem>,
}

impl Verification {
    /// Whether everything holds.
    pub fn ok(&self) -> bool {
        self.workspace.is_empty() && self.drafts.iter().all(|d| d.problems.is_empty())
    }

    /// Every problem, with the draft it belongs to.
    pub fn problems(&self) -> impl Iterator<Item = (&str, &Problem)> {
        self.workspace.iter().map(|p| ("", p)).chain(
            self.drafts
                .iter()
                .flat_map(|d| d.problems.iter().map(move |p| (d.slug.as_str(), p))),
        )
    }
}

/// Checks `slug`, or every draft with a version or a sign-off tag.
pub fn verify(ws: &Workspace, slug: Option<&str>) -> Result<Verification> {
    verify_trusting(ws, slug, None)
}

/// Keys the organisation trusts, from outside the repository (its own
/// allowed-signers file), and the file's name for messages.
#[derive(Debug, Clone)]
pub struct Trusted {
    /// The file, as the user named it.
    pub file: String,
    /// Its lines.
    pub signers: Vec<duthao_store::AllowedSigner>,
}

/// [`verify`], and every approval, rejection and issue that counts must
/// also be signed by a key `trusted` lists for its signer: the repository's
/// own `duthao.toml` and version tags are only as trustworthy as whoever
/// can write to the repository.
pub fn verify_trusting(
    ws: &Workspace,
    slug: Option<&str>,
    trusted: Option<&Trusted>,
) -> Result<Verification> {
    let records = match slug {
        Some(s) => {
            ws.require_slug_or_history(s)?;
            vec![signoff(ws, s)?]
        }
        None => super::signoff::all_signoffs(ws)?,
    };
    let mut drafts = Vec::new();
    let mut rules = super::sites::SiteRules::new();
    for record in records {
        let s = &record.slug;
        let mut problems = record.assessment.problems.clone();
        problems.extend(issued_text_problems(ws, &record)?);
        if let Some(i) = &record.assessment.issued {
            let approved_at = record
                .assessment
                .versions
                .iter()
                .find(|v| v.n == i.fields.version)
                .and_then(|v| v.approved_at());
            problems.extend(super::issue::issue_problems(ws, s, i, approved_at));
        }
        if let Some(t) = trusted {
            problems.extend(untrusted(&record, t));
        }
        problems.extend(site_problems(ws, &record, &mut rules));
        problems.sort();
        problems.dedup();
        drafts.push(DraftCheck {
            slug: s.clone(),
            stage: record.assessment.stage(),
            stage_vi: stage_vi(&record),
            versions: record.versions.len(),
            decisions: record
                .assessment
                .versions
                .iter()
                .flat_map(|v| {
                    v.levels.iter().flat_map(move |l| {
                        l.approvals
                            .iter()
                            .chain(&l.rejections)
                            .filter(move |c| c.version == v.n)
                    })
                })
                .count(),
            problems,
            notes: record.assessment.notes.clone(),
        });
    }
    let mut workspace = Vec::new();
    let k = keys(ws, false)?;
    if !k.in_step && (k.exists || !k.expected.lines().all(|l| l.starts_with('#'))) {
        workspace.push(Problem {
            subject: ALLOWED_SIGNERS.into(),
            message: if k.exists {
                "does not agree with duthao.toml: a key was added, removed or changed in one and not the other".into()
            } else {
                "is missing, and git tag -v needs it to check approvals".into()
            },
        });
    }
    // A tag, reservation or site claim two sites hold differently (sync
    // kept the other side's aside and changed neither), and numbers given
    // twice: each under its draft, else the workspace's.
    let mut shared = Vec::new();
    for k in ws.store().sync_conflicts()? {
        shared.push(Problem {
            message: format!(
                "another site holds a different {} of this name (kept at {}); one of the two must go",
                if k.name.starts_with("refs/tags/") {
                    "tag"
                } else {
                    "ref"
                },
                k.kept_at
            ),
            subject: k
                .name
                .strip_prefix("refs/tags/")
                .unwrap_or(&k.name)
                .to_string(),
        });
    }
    shared.extend(super::issue::duplicate_numbers(ws)?);
    for p in shared {
        let slug_of = p
            .subject
            .strip_prefix("duthao/")
            .and_then(|r| r.split_once('/'))
            .map(|(s, _)| s.to_string());
        match drafts
            .iter_mut()
            .find(|d| Some(&d.slug) == slug_of.as_ref())
        {
            Some(d) => d.problems.push(p),
            None if slug.is_none() => workspace.push(p),
            None => {}
        }
    }
    Ok(Verification { drafts, workspace })
}

/// Versions and the issue made at a site the roster's `[sync]` does not
/// allow (see `sites`).
fn site_problems(
    ws: &Workspace,
    record: &SignOff,
    rules: &mut super::sites::SiteRules,
) -> Vec<Problem> {
    let mut out = Vec::new();
    for v in &record.versions {
        if let Some(message) = rules.version_problem(ws, v) {
            out.push(Problem {
                subject: v.tag.clone(),
                message,
            });
        }
    }
    if let Some(i) = &record.assessment.issued
        && let Ok(Some(oid)) = ws.store().ref_target(&format!("refs/tags/{}", i.tag))
        && let Ok(Some(message)) = rules.problem(ws, &i.tag, oid, super::sites::Strictness::Verify)
    {
        out.push(Problem {
            subject: i.tag.clone(),
            message,
        });
    }
    out
}

/// The signatures that count whose key the trusted file does not list for
/// their signer.
fn untrusted(record: &SignOff, trusted: &Trusted) -> Vec<Problem> {
    let mut signed: Vec<(&str, &str, &str, i64)> = record
        .assessment
        .versions
        .iter()
        .flat_map(|v| &v.levels)
        .flat_map(|l| l.approvals.iter().chain(&l.rejections))
        .map(|c| (c.tag.as_str(), c.email.as_str(), c.key.as_str(), c.time))
        .collect();
    if let Some(i) = &record.assessment.issued {
        signed.push((
            i.tag.as_str(),
            i.clerk_email.as_str(),
            i.key.as_str(),
            i.time,
        ));
    }
    signed.sort();
    signed.dedup();
    signed
        .into_iter()
        .filter(|(_, email, key, time)| {
            !trusted
                .signers
                .iter()
                .any(|s| s.fingerprint == *key && s.allows(email, *time))
        })
        .map(|(tag, email, key, _)| Problem {
            subject: tag.to_string(),
            message: format!(
                "signed by {email} with the key {key}, which {} does not list for them: the repository's roster is not the one the organisation trusts",
                trusted.file
            ),
        })
        .collect()
}

/// An issued draft must still be what was issued: the approved text with
/// the issued number and date, on disk and at HEAD.
fn issued_text_problems(ws: &Workspace, record: &SignOff) -> Result<Vec<Problem>> {
    let Some(issued) = &record.assessment.issued else {
        return Ok(Vec::new());
    };
    let f = &issued.fields;
    let rel = Workspace::draft_rel(&record.slug);
    let mut out = Vec::new();
    let mut places = vec![(Rev::Working, "on disk")];
    if let Some(head) = ws.store().head_commit()? {
        places.insert(0, (Rev::Git(head.to_string()), "at HEAD"));
    }
    for (rev, place) in places {
        let text = match ws.draft_text(&record.slug, &rev) {
            Ok(t) => t,
            Err(_) => continue,
        };
        if content_sha256(&text) != f.content {
            out.push(Problem {
                subject: rel.display().to_string(),
                message: format!(
                    "the text {place} differs from the approved and issued text (số {}): edited after approval",
                    f.number_text
                ),
            });
            continue;
        }
        let front = crate::model::reader::read_front_matter(text, &rel).ok();
        let (number, date) = front
            .map(|fm| (fm.number, fm.date.map(|d| d.to_string())))
            .unwrap_or((None, None));
        if number != Some(f.number) || date.as_deref() != Some(f.date.as_str()) {
            out.push(Problem {
                subject: rel.display().to_string(),
                message: format!(
                    "{place} it says số {} ngày {} but it was issued as số {} ngày {}: the number or the date was changed after issue",
                    number.map_or("(none)".into(), |n| n.to_string()),
                    date.as_deref().unwrap_or("(none)"),
                    f.number,
                    f.date
                ),
            });
        }
    }
    Ok(out)
}
