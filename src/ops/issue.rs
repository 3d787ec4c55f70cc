//! `issue` and `register`: the clerk (văn thư) gives an approved version
//! its number and date, a commit of those two fields and a signed tag; the
//! outgoing register (sổ đăng ký văn bản đi) lists what was issued.

use std::path::Path;

use duthao_approval::{IssueFields, issue_message, issue_tag_name};
use duthao_store::{Identity, Rev, SigningBackend, StoreError, When};

use super::approve::signer_fingerprint;
use super::signoff::{SignOff, date_vi, signoff};
use crate::model::DocDate;
use crate::model::issue_fields::{content_sha256, set_issue_fields};
use crate::profile::layout::{NumberPeriod, load_layout};
use crate::workspace::config::parse_term;
use crate::workspace::{Result, TEMPLATES_DIR, Workspace, WorkspaceError};

/// What `issue` recorded.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IssuedDocument {
    /// The draft.
    pub slug: String,
    /// The version issued.
    pub version: u32,
    /// Số, as printed ("15-NQ/TU").
    pub number_text: String,
    /// Số.
    pub number: u32,
    /// Ngày (YYYY-MM-DD).
    pub date: String,
    /// The register it counts in ("TU/NQ/2025-2030").
    pub register: String,
    /// The commit that writes number and date into the draft.
    pub commit: String,
    /// The signed tag.
    pub tag: String,
}

/// One line of the outgoing register.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RegisterEntry {
    /// Số và ký hiệu ("15-NQ/TU").
    pub number_text: String,
    /// Số.
    pub number: u32,
    /// Ngày (YYYY-MM-DD).
    pub date: String,
    /// Loại: the type's name ("NGHỊ QUYẾT").
    pub kind: String,
    /// Trích yếu.
    pub title: String,
    /// Người ký.
    pub signer: String,
    /// The register it counts in.
    pub register: String,
    /// The draft.
    pub slug: String,
    /// The version issued.
    pub version: u32,
    /// The clerk who issued it.
    pub clerk: String,
    /// The issue tag.
    pub tag: String,
}

/// What the clerk asks for.
#[derive(Debug, Clone, Default)]
pub struct IssueRequest<'a> {
    /// A number instead of the next in the register.
    pub number: Option<u32>,
    /// The date; today when `None`.
    pub date: Option<DocDate>,
    /// The key setting (`--key`); git's configuration when `None`.
    pub key: Option<&'a str>,
}

/// Issues `slug` with the key set up for this user.
pub fn issue(ws: &Workspace, slug: &str, req: &IssueRequest<'_>) -> Result<IssuedDocument> {
    let signer = ws
        .store()
        .signer(req.key)?
        .ok_or(WorkspaceError::NoSigningKey { what: "issuing" })?;
    issue_with(ws, slug, req, signer.as_ref(), When::now())
}

/// [`issue`] with a given signer and time.
pub fn issue_with(
    ws: &Workspace,
    slug: &str,
    req: &IssueRequest<'_>,
    signer: &dyn SigningBackend,
    when: When,
) -> Result<IssuedDocument> {
    ws.require_slug(slug)?;
    let refuse = |reason: String| WorkspaceError::SignOff {
        slug: slug.to_string(),
        reason,
    };
    if let duthao_store::HeadState::Detached(oid) = ws.store().head_state()? {
        return Err(StoreError::Detached { short: oid.short() }.into());
    }
    ws.store().ensure_no_operation_in_progress()?;
    let record: SignOff = signoff(ws, slug)?;
    if let Some(p) = record.assessment.problems.first() {
        return Err(refuse(format!(
            "the sign-off record has {} problem(s), the first: {}: {}",
            record.assessment.problems.len(),
            p.subject,
            p.message
        )));
    }
    let key = signer_fingerprint(signer)?;
    let n = record
        .assessment
        .may_issue(&record.facts, &key, when.seconds)
        .map_err(refuse)?;
    let facts = record.facts_of(n).expect("may_issue found the version");
    let roster = facts.roster.as_ref().expect("may_issue read the roster");
    let clerk = roster
        .clerks
        .iter()
        .find(|c| c.key.as_deref() == Some(key.as_str()))
        .expect("may_issue found the clerk");
    let approved = facts.content.clone().map_err(refuse)?;

    // The text on disk must be the approved text (number and date aside):
    // issuing never commits someone's unfinished edits.
    let working = ws.draft_text(slug, &Rev::Working)?;
    if content_sha256(&working) != approved {
        return Err(refuse(format!(
            "{} differs from the approved version {n} in more than the number and the date; restore the approved text or submit the changes as a new version",
            Workspace::draft_rel(slug).display()
        )));
    }
    let version_text = ws.draft_text(slug, &Rev::Version(n))?;
    let draft = ws.checked_draft(slug, &Rev::Version(n), version_text.clone())?;
    // An issued document is signed: without its signature block the final
    // document could not be.
    if draft.front.signer.is_none() {
        return Err(refuse(format!(
            "version {n} has no `signer` (authority, title, name) in its front matter, so the final document would have no signature block; add it, commit and submit a new version"
        )));
    }

    // Numbers are reserved at one site only: two clerks at two sites would
    // otherwise both take the next one.
    let site = super::sites::may(ws, slug, super::sites::Step::Issue)?;

    let today = today(when);
    let date = req.date.unwrap_or(today);
    if date.0 > today.0 {
        return Err(refuse(format!(
            "the date {} is in the future; a document is issued on the day it is numbered",
            date_vi(&date.to_string())
        )));
    }
    let approved_at = record
        .assessment
        .versions
        .iter()
        .find(|v| v.n == n)
        .and_then(|v| v.approved_at())
        .unwrap_or(0);
    if let Ok(t) = time::OffsetDateTime::from_unix_timestamp(approved_at) {
        let offset = time::UtcOffset::from_whole_seconds(when.offset_minutes * 60)
            .unwrap_or(time::UtcOffset::UTC);
        if date.0 < t.to_offset(offset).date() {
            return Err(refuse(format!(
                "the date {} is before the last approval ({}); a document cannot be issued before it is approved",
                date_vi(&date.to_string()),
                date_vi(&DocDate(t.to_offset(offset).date()).to_string())
            )));
        }
    }

    // Whether the number and the date can be written at all, before a
    // number is reserved (a reserved number that is never used is a gap in
    // the register).
    if set_issue_fields(&version_text, 1, date).is_none() {
        return Err(refuse(format!(
            "{}: the front matter's `number` or `date` is not a plain top-level line (`number: 15`, `date: 2026-03-05`, or empty), so writing them could change other text; make them plain lines, commit and submit again",
            Workspace::draft_rel(slug).display()
        )));
    }
    let numbering = Numbering::of(ws, slug, &draft)?;
    let register = numbering.register(ws, date)?;
    let entries = register_entries(ws)?;
    let taken: Vec<&RegisterEntry> = entries.iter().filter(|e| e.register == register).collect();
    let version_tag = record
        .versions
        .iter()
        .find(|v| v.n == n)
        .and_then(|v| v.tag_oid)
        .ok_or_else(|| {
            refuse(format!(
                "version {n} is a lightweight tag, not a tag object"
            ))
        })?;
    // A number is reserved by a ref made atomically before anything is
    // written, so two issues at once never take the same one; a retry of
    // this very issue finds its own reservation (it points at this
    // version's tag) and uses it again.
    let reserved = reservations(ws, &register)?;
    let reserve = |k: u32| -> Result<bool> {
        let name = reservation_ref(&register, k);
        match ws.store().create_ref_if_absent(&name, version_tag) {
            Ok(None) => Ok(true),
            Ok(Some(owner)) => Ok(owner == version_tag),
            // A register name git cannot hold as a ref: no reservation.
            Err(duthao_store::StoreError::BadTagName { .. }) => Ok(true),
            Err(e) => Err(e.into()),
        }
    };
    let number = match req.number {
        Some(0) => return Err(refuse("a document number starts at 1".into())),
        Some(k) => {
            if let Some(e) = taken.iter().find(|e| e.number == k) {
                return Err(refuse(format!(
                    "số {} is already in the register {register}: {} ({}, ngày {})",
                    e.number_text,
                    e.slug,
                    e.title,
                    date_vi(&e.date)
                )));
            }
            if !reserve(k)? {
                return Err(refuse(format!(
                    "số {k} of the register {register} is being issued for another document"
                )));
            }
            k
        }
        None => {
            let mine = reserved
                .iter()
                .filter(|(_, owner)| *owner == version_tag)
                .map(|(k, _)| *k)
                .find(|k| !taken.iter().any(|e| e.number == *k));
            match mine {
                Some(k) => k,
                None => {
                    let mut k = taken
                        .iter()
                        .map(|e| e.number)
                        .chain(reserved.iter().map(|(k, _)| *k))
                        .max()
                        .unwrap_or(0)
                        + 1;
                    let mut tries = 0;
                    while !reserve(k)? {
                        tries += 1;
                        if tries > 100 {
                            return Err(refuse(format!(
                                "no free number found in the register {register} after {tries} tries"
                            )));
                        }
                        k += 1;
                    }
                    k
                }
            }
        }
    };
    let number_text = numbering.text(number);

    let issued_text = set_issue_fields(&version_text, number, date).ok_or_else(|| {
        refuse(format!(
            "{}: the front matter's `number` or `date` is not a plain top-level line (`number: 15`, `date: 2026-03-05`, or empty), so writing them could change other text; make them plain lines, commit and submit again",
            Workspace::draft_rel(slug).display()
        ))
    })?;
    // What was written must read back as exactly this number and date, and
    // every other field as it reads in the approved version.
    let rel = Workspace::draft_rel(slug);
    let before = crate::model::reader::read_front_matter(version_text.clone(), &rel);
    let after = crate::model::reader::read_front_matter(issued_text.clone(), &rel);
    let same = match (before, after) {
        (Ok(mut b), Ok(a)) if a.number == Some(number) && a.date == Some(date) => {
            b.number = a.number;
            b.date = a.date;
            b == a
        }
        _ => false,
    };
    if !same {
        return Err(refuse(
            "the number and the date cannot be written into this front matter without touching anything else; write them as plain top-level lines `number:` and `date:`".into(),
        ));
    }
    if content_sha256(&issued_text) != approved {
        return Err(refuse(
            "writing the number and the date would change the approved text".into(),
        ));
    }
    let summary = format!(
        "Ban hành {slug}: số {number_text} ngày {}",
        date_vi(&date.to_string())
    );
    let clerk_identity = Identity {
        name: clerk.name.clone(),
        email: clerk.email.clone(),
    };
    // A retry after the signing failed finds the issued text committed
    // already: it signs that commit rather than failing on nothing to commit.
    let head = ws.store().head_commit()?;
    let head_has_it = match head {
        Some(h) => ws
            .draft_text(slug, &Rev::Git(h.to_string()))
            .is_ok_and(|t| t.as_str() == issued_text),
        None => false,
    };
    let commit = match head {
        Some(h) if head_has_it && working.as_str() == issued_text => h,
        _ => {
            crate::fsutil::write_owned(&ws.root().join(&rel), issued_text.as_bytes(), "drafts")?;
            ws.store().commit_paths(
                &[rel.as_path()],
                &format!("{summary}\n\nDuthao-Draft: {slug}\nDuthao-Issue: {number_text}\n"),
                &clerk_identity,
            )?
        }
    };
    let version = record.versions.iter().find(|v| v.n == n).expect("version");
    let fields = IssueFields {
        slug: slug.to_string(),
        version: n,
        version_commit: version.commit.to_string(),
        version_tag: version.tag_oid.map(|o| o.to_string()).ok_or_else(|| {
            refuse(format!(
                "version {n} is a lightweight tag, not a tag object"
            ))
        })?,
        commit: commit.to_string(),
        content: approved,
        number,
        number_text: number_text.clone(),
        date: date.to_string(),
        kind: draft.front.kind.clone(),
        register: register.clone(),
        clerk_name: clerk.name.clone(),
        clerk_email: clerk.email.clone(),
        site,
    };
    let tag = issue_tag_name(slug);
    match ws.store().create_signed_tag_at(
        &tag,
        commit,
        &issue_message(&fields),
        &clerk_identity,
        when,
        signer,
    ) {
        Ok(_) => {}
        Err(StoreError::TagExists { .. }) => {
            return Err(refuse(format!(
                "{tag} exists: someone issued it at the same time; the commit {} writes a number no tag records",
                commit.short()
            )));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(IssuedDocument {
        slug: slug.to_string(),
        version: n,
        number_text,
        number,
        date: date.to_string(),
        register,
        commit: commit.to_string(),
        tag,
    })
}

fn today(when: When) -> DocDate {
    let offset = time::UtcOffset::from_whole_seconds(when.offset_minutes * 60)
        .unwrap_or(time::UtcOffset::UTC);
    let now = time::OffsetDateTime::from_unix_timestamp(when.seconds)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(offset);
    DocDate(now.date())
}

/// How a draft's number is written and counted.
struct Numbering {
    slug: String,
    formats: crate::profile::layout::Formats,
    code: String,
    issuer_code: String,
}

impl Numbering {
    fn of(ws: &Workspace, draft_slug: &str, draft: &crate::model::Draft) -> Result<Numbering> {
        let profile = ws.profile_of(draft).to_string();
        let layout = load_layout(&profile, Some(&ws.root().join(TEMPLATES_DIR)))
            .map_err(WorkspaceError::Layout)?;
        let kinds = ws.kinds(&profile)?;
        let code = kinds
            .get(&draft.front.kind)
            .map(|k| k.code.clone())
            .unwrap_or_default();
        Ok(Numbering {
            slug: draft_slug.to_string(),
            formats: layout.formats,
            code,
            issuer_code: draft.front.issuer.code.clone().unwrap_or_default(),
        })
    }

    /// "15-NQ/TU": the number line without its "Số"/"Số:" label.
    fn text(&self, number: u32) -> String {
        let line = self
            .formats
            .number_line(Some(number), &self.code, &self.issuer_code);
        line.trim_start_matches("Số")
            .trim_start_matches(':')
            .trim()
            .to_string()
    }

    /// The register the number counts in: issuer, type and year or term.
    fn register(&self, ws: &Workspace, date: DocDate) -> Result<String> {
        let period = match self.formats.number_restarts {
            NumberPeriod::Year => date.year().to_string(),
            NumberPeriod::Term => {
                let term = ws.config.organisation.term.clone().ok_or_else(|| {
                    WorkspaceError::SignOff {
                        slug: self.slug.clone(),
                        reason: "this profile numbers documents per term of the committee, and duthao.toml has no organisation.term (e.g. term = \"2025-2030\")".into(),
                    }
                })?;
                let (from, to) = parse_term(&term).unwrap_or((0, 0));
                if date.year() < from || date.year() > to {
                    return Err(WorkspaceError::SignOff {
                        slug: self.slug.clone(),
                        reason: format!(
                            "the date's year {} is outside the term {term} in duthao.toml; update organisation.term",
                            date.year()
                        ),
                    });
                }
                term
            }
        };
        let code = if self.code.is_empty() {
            "-"
        } else {
            &self.code
        };
        Ok(format!("{}/{code}/{period}", self.issuer_code))
    }
}

/// Every issued document, valid or not, as its issue tag records it: what
/// numbering counts (a number taken by a bad record is still taken).
fn register_entries(ws: &Workspace) -> Result<Vec<RegisterEntry>> {
    let mut out = Vec::new();
    for (slug, tag) in issue_tags(ws)? {
        let Ok(f) = duthao_approval::parse_issue(&tag.message) else {
            continue;
        };
        out.push(entry(ws, &slug, &f, &tag.name, &f.clerk_name));
    }
    Ok(out)
}

/// Every `duthao/<slug>/issued` tag, with its draft.
fn issue_tags(ws: &Workspace) -> Result<Vec<(String, duthao_store::SignedTag)>> {
    let names = ws.store().tag_names("duthao/")?;
    let mut out = Vec::new();
    for name in names {
        let Some(rest) = name.strip_prefix("duthao/") else {
            continue;
        };
        let Some((slug, "issued")) = rest.split_once('/') else {
            continue;
        };
        let slug = slug.to_string();
        if let Some(tag) = ws.store().signed_tag(&name)? {
            out.push((slug, tag));
        }
    }
    Ok(out)
}

fn entry(ws: &Workspace, slug: &str, f: &IssueFields, tag: &str, clerk: &str) -> RegisterEntry {
    let front = ws
        .draft_text(slug, &Rev::Git(f.commit.clone()))
        .ok()
        .and_then(|t| crate::model::reader::read_front_matter(t, Path::new("")).ok());
    let (kind, title, signer) = match &front {
        Some(fm) => {
            let kind_name = ws
                .kinds(fm.profile.as_deref().unwrap_or(&ws.config.profile))
                .ok()
                .and_then(|k| k.get(&fm.kind).map(|k| k.name.clone()))
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| fm.kind.clone());
            (
                kind_name,
                fm.title.clone(),
                fm.signer
                    .as_ref()
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
            )
        }
        None => (f.kind.clone(), String::new(), String::new()),
    };
    RegisterEntry {
        number_text: f.number_text.clone(),
        number: f.number,
        date: f.date.clone(),
        kind,
        title,
        signer,
        register: f.register.clone(),
        slug: slug.to_string(),
        version: f.version,
        clerk: clerk.to_string(),
        tag: tag.to_string(),
    }
}

/// The outgoing register: documents whose issue holds (verify's rules), in
/// order of date then number; of one year when `year` is given.
pub fn register(ws: &Workspace, year: Option<i32>) -> Result<Vec<RegisterEntry>> {
    let mut out = Vec::new();
    for (slug, _) in issue_tags(ws)? {
        let record = signoff(ws, &slug)?;
        let Some(issued) = &record.assessment.issued else {
            continue;
        };
        if year.is_some_and(|y| !issued.fields.date.starts_with(&format!("{y:04}-"))) {
            continue;
        }
        out.push(entry(ws, &slug, &issued.fields, &issued.tag, &issued.clerk));
    }
    out.sort_by(|a, b| {
        (a.date.as_str(), a.register.as_str(), a.number).cmp(&(
            b.date.as_str(),
            b.register.as_str(),
            b.number,
        ))
    });
    Ok(out)
}

/// What an issue record's number text and register must be, worked out
/// again from the issued commit's draft, the profile and the date: `verify`
/// does not take them on trust.
pub(crate) fn issue_problems(
    ws: &Workspace,
    slug: &str,
    issued: &duthao_approval::Issued,
    approved_at: Option<i64>,
) -> Vec<duthao_approval::Problem> {
    let f = &issued.fields;
    let mut out = Vec::new();
    let mut problem = |message: String| {
        out.push(duthao_approval::Problem {
            subject: issued.tag.clone(),
            message,
        })
    };
    let Ok(date) = DocDate::parse(&f.date) else {
        problem(format!("its date {:?} is not a date", f.date));
        return out;
    };
    match ws
        .read_draft(slug, &Rev::Git(f.commit.clone()))
        .and_then(|d| Numbering::of(ws, slug, &d).map(|n| (n, d)))
    {
        Ok((numbering, _)) => {
            if numbering.text(f.number) != f.number_text {
                problem(format!(
                    "it records the number as {:?}, but số {} of this document is written {:?}",
                    f.number_text,
                    f.number,
                    numbering.text(f.number)
                ));
            }
            match numbering.register(ws, date) {
                Ok(r) if r != f.register => problem(format!(
                    "it records the register {:?}, but this document counts in {:?}",
                    f.register, r
                )),
                _ => {}
            }
        }
        Err(e) => problem(format!("the issued draft cannot be read: {e}")),
    }
    // The date lies between the last approval and the issue's signature
    // (a day's slack either way for time zones).
    let day = |t: i64| {
        time::OffsetDateTime::from_unix_timestamp(t)
            .map(|t| t.date())
            .ok()
    };
    if let Some(a) = approved_at.and_then(|t| day(t - 86_400))
        && date.0 < a
    {
        problem(format!(
            "it is dated {} but the last approval was signed later",
            date_vi(&f.date)
        ));
    }
    if let Some(t) = day(issued.time + 86_400)
        && date.0 > t
    {
        problem(format!(
            "it is dated {}, after the day it was signed",
            date_vi(&f.date)
        ));
    }
    out
}

/// The ref that reserves number `k` of `register`.
fn reservation_ref(register: &str, k: u32) -> String {
    format!("refs/duthao/register/{register}/{k}")
}

/// The numbers reserved in `register`, each with the version tag that
/// reserved it.
fn reservations(ws: &Workspace, register: &str) -> Result<Vec<(u32, duthao_store::ObjectId)>> {
    let prefix = format!("refs/duthao/register/{register}/");
    Ok(ws
        .store()
        .refs_under(&prefix)?
        .into_iter()
        .filter_map(|(name, target)| Some((name.strip_prefix(&prefix)?.parse().ok()?, target)))
        .collect())
}

/// Numbers given twice within one register, as problems.
pub(crate) fn duplicate_numbers(ws: &Workspace) -> Result<Vec<duthao_approval::Problem>> {
    let entries = register_entries(ws)?;
    let mut problems = Vec::new();
    for (i, a) in entries.iter().enumerate() {
        for b in &entries[i + 1..] {
            if a.register == b.register && a.number == b.number {
                problems.push(duthao_approval::Problem {
                    subject: b.tag.clone(),
                    message: format!(
                        "số {} is also {}'s number in the register {}",
                        b.number_text, a.slug, a.register
                    ),
                });
            }
        }
    }
    Ok(problems)
}
