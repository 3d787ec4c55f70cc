//! The sign-off record of a draft: its versions, approvals, rejections and
//! issue read from the store, every signature checked, and the rules of
//! `duthao-approval` applied. `approve`, `issue`, `verify`, `status`,
//! `list`, `log` and `export --final` all read it through [`signoff`].

use std::collections::HashMap;
use std::path::Path;

use duthao_approval::{
    Assessment, DecisionTag, IssueTag, LevelRule, Person, Roster, Signature, VersionFacts,
    issue_tag_name, parse_decision, parse_issue,
};
use duthao_store::{ObjectId, SignedTag, Version, fingerprint, signing_key};

use crate::model::issue_fields::content_sha256;
use crate::workspace::config::{Config, MAX_CONFIG_BYTES, parse_public_key};
use crate::workspace::{CONFIG_FILE, Result, Workspace};

/// A draft's sign-off record, checked.
#[derive(Debug, Clone)]
pub struct SignOff {
    /// The draft.
    pub slug: String,
    /// Its versions, ascending.
    pub versions: Vec<Version>,
    /// What the rules were given about each version.
    pub facts: Vec<VersionFacts>,
    /// The rules' verdict: standings, stage, problems.
    pub assessment: Assessment,
}

impl SignOff {
    /// The facts of version `n`.
    pub fn facts_of(&self, n: u32) -> Option<&VersionFacts> {
        self.facts.iter().find(|f| f.n == n)
    }
}

/// The roster a configuration gives the rules: keys as fingerprints.
pub(crate) fn roster_of(config: &Config) -> Roster {
    let person = |a: &crate::workspace::config::Approver| Person {
        name: a.name.clone(),
        email: a.email.trim().to_string(),
        key: a
            .key
            .as_deref()
            .and_then(|k| parse_public_key(k).ok())
            .map(|data| fingerprint(&duthao_store::SshPublicKey::new(data, ""))),
    };
    Roster {
        levels: config
            .levels
            .iter()
            .map(|l| LevelRule {
                id: l.id.clone(),
                name: l.name.clone(),
                quorum: l.quorum,
                approvers: l.approvers.iter().map(person).collect(),
                require_responses: l.require_responses,
            })
            .collect(),
        clerks: config.clerks.iter().map(person).collect(),
    }
}

/// What a signature block over `payload` shows.
pub(crate) fn check_signature(payload: &[u8], signature: Option<&str>) -> Signature {
    match signature {
        None => Signature::Unsigned,
        Some(sig) => match signing_key(payload, sig) {
            Ok(key) => Signature::Valid(fingerprint(&key)),
            Err(e) => Signature::Invalid(e.to_string()),
        },
    }
}

/// Reads and checks the sign-off record of `slug`.
pub fn signoff(ws: &Workspace, slug: &str) -> Result<SignOff> {
    let versions = ws.versions(slug)?;
    let tags = ws.store().signed_tags(&format!("duthao/{slug}/"))?;
    signoff_from(ws, slug, versions, tags)
}

/// Every draft's record, reading the references once: `verify` over a
/// workspace of thousands of drafts must not walk every tag once per draft.
pub(crate) fn all_signoffs(ws: &Workspace) -> Result<Vec<SignOff>> {
    let mut versions = ws.store().all_versions()?;
    let mut tags: std::collections::BTreeMap<String, Vec<SignedTag>> = Default::default();
    for t in ws.store().signed_tags("duthao/")? {
        if let Some((slug, _)) = t.name["duthao/".len()..].split_once('/') {
            tags.entry(slug.to_string()).or_default().push(t);
        }
    }
    let slugs: std::collections::BTreeSet<String> =
        versions.keys().chain(tags.keys()).cloned().collect();
    slugs
        .into_iter()
        .map(|slug| {
            let v = versions.remove(&slug).unwrap_or_default();
            let t = tags.remove(&slug).unwrap_or_default();
            signoff_from(ws, &slug, v, t)
        })
        .collect()
}

/// [`signoff`] from the draft's versions and its tags (everything under
/// `duthao/<slug>/`), already read.
fn signoff_from(
    ws: &Workspace,
    slug: &str,
    versions: Vec<Version>,
    tags: Vec<SignedTag>,
) -> Result<SignOff> {
    let mut rosters: HashMap<Option<ObjectId>, std::result::Result<Roster, String>> =
        HashMap::new();
    let mut facts = Vec::with_capacity(versions.len());
    for v in &versions {
        // The roster is the duthao.toml the submitter's signed tag records;
        // a tag that records none (made before duthao recorded it, or by
        // hand) falls back to the one in the version's commit.
        let config_blob = match v.config_blob {
            Some(b) => Some(b),
            None => ws.store().blob_at(v.commit, Path::new(CONFIG_FILE))?,
        };
        let roster = rosters
            .entry(config_blob)
            .or_insert_with(|| match config_blob {
                Some(blob) => roster_of_blob(ws, blob),
                None => Err(format!(
                    "the commit {} has no {CONFIG_FILE}",
                    v.commit.short()
                )),
            })
            .clone();
        let signature = match &v.tag_oid {
            Some(_) => match tags.iter().find(|t| t.name == v.tag) {
                Some(t) => check_signature(&t.payload, t.signature.as_deref()),
                None => {
                    let (payload, sig) = ws.store().tag_signature(&v.tag)?;
                    check_signature(&payload, sig.as_deref())
                }
            },
            None => Signature::Invalid("it is a lightweight tag, not a signed tag object".into()),
        };
        facts.push(VersionFacts {
            n: v.n,
            tag: v.tag.clone(),
            commit: v.commit.to_string(),
            tag_object: v.tag_oid.map(|o| o.to_string()),
            time: v.time,
            content: ws
                .draft_text(slug, &duthao_store::Rev::Git(v.commit.to_string()))
                .map(|text| content_sha256(&text))
                .map_err(|e| e.to_string()),
            submitter_email: v.tagger.email.clone(),
            signature,
            roster,
        });
    }
    let decision_prefix = format!("duthao/{slug}/{}/", duthao_approval::DECISION_PREFIX);
    let issue_name = issue_tag_name(slug);
    let (decision_tags, rest): (Vec<SignedTag>, Vec<SignedTag>) = tags
        .into_iter()
        .partition(|t| t.name.starts_with(&decision_prefix));
    let decisions: Vec<DecisionTag> = decision_tags
        .into_iter()
        .map(|t| DecisionTag {
            signature: check_signature(&t.payload, t.signature.as_deref()),
            fields: parse_decision(&t.message),
            tag: t.name,
            target: t.target.map(|o| o.to_string()),
            time: t.time,
            unreadable: t.problem,
        })
        .collect();
    let issues: Vec<IssueTag> = rest
        .into_iter()
        .filter(|t| t.name == issue_name)
        .map(|t| issue_tag(ws, slug, t))
        .collect();
    let assessment = duthao_approval::assess(slug, &facts, &decisions, &issues);
    Ok(SignOff {
        slug: slug.to_string(),
        versions,
        facts,
        assessment,
    })
}

fn issue_tag(ws: &Workspace, slug: &str, t: SignedTag) -> IssueTag {
    let fields = parse_issue(&t.message);
    let issued_text = match (&fields, t.target) {
        (_, Some(target)) => draft_content(ws, slug, target),
        (_, None) => Err("the tag points at nothing".to_string()),
    };
    IssueTag {
        signature: check_signature(&t.payload, t.signature.as_deref()),
        fields,
        issued_text,
        tag: t.name,
        target: t.target.map(|o| o.to_string()),
        time: t.time,
        unreadable: t.problem,
    }
}

/// The content hash, number and date of the draft in `commit`.
pub(crate) fn draft_content(
    ws: &Workspace,
    slug: &str,
    commit: ObjectId,
) -> std::result::Result<(String, Option<u32>, Option<String>), String> {
    let rev = duthao_store::Rev::Git(commit.to_string());
    let text = ws.draft_text(slug, &rev).map_err(|e| e.to_string())?;
    let front = crate::model::reader::read_front_matter(text.clone(), &Workspace::draft_rel(slug))
        .map_err(|e| e.to_string());
    let (number, date) = match front {
        Ok(f) => (f.number, f.date.map(|d| d.to_string())),
        Err(_) => (None, None),
    };
    Ok((content_sha256(&text), number, date))
}

/// The stage of a draft that has no approval, rejection or issue tag, from
/// its latest version's roster alone: what `list` shows for most drafts
/// without reading every version's text. `None` without approving levels.
pub(crate) fn stage_without_decisions(
    ws: &Workspace,
    latest: &Version,
    rosters: &mut HashMap<Option<ObjectId>, std::result::Result<Roster, String>>,
) -> Result<Option<String>> {
    // A version tag that records no roster (made before duthao recorded
    // it, or by hand) is shown with today's duthao.toml here: reading each
    // version's commit for it made `list` 60% slower at 5,000 drafts.
    // `status` and `verify` read the version's own commit.
    let config_blob = latest.config_blob;
    let roster = rosters
        .entry(config_blob)
        .or_insert_with(|| match config_blob {
            Some(blob) => roster_of_blob(ws, blob),
            None => Ok(roster_of(&ws.config)),
        });
    Ok(match roster {
        Ok(r) => r
            .approving()
            .next()
            .map(|l| format!("lần {}: chờ {} duyệt: 0/{}", latest.n, l.name, l.quorum)),
        Err(_) => None,
    })
}

/// The drafts that have an approval, rejection or issue tag.
pub(crate) fn drafts_with_decisions(ws: &Workspace) -> Result<std::collections::HashSet<String>> {
    Ok(ws
        .store()
        .tag_names("duthao/")?
        .into_iter()
        .filter_map(|name| {
            let rest = name.strip_prefix("duthao/")?;
            let (slug, tail) = rest.split_once('/')?;
            (tail == "issued" || tail.starts_with(duthao_approval::DECISION_PREFIX))
                .then(|| slug.to_string())
        })
        .collect())
}

/// The roster of a `duthao.toml` blob.
fn roster_of_blob(ws: &Workspace, blob: ObjectId) -> std::result::Result<Roster, String> {
    let bytes = ws
        .store()
        .blob_bytes(blob, MAX_CONFIG_BYTES)
        .map_err(|e| format!("{CONFIG_FILE} ({}): {e}", blob.short()))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{CONFIG_FILE} is not UTF-8"))?;
    let config = Config::parse(&text, Path::new(CONFIG_FILE)).map_err(|e| e.to_string())?;
    Ok(roster_of(&config))
}

/// The stage in the words reviewers and clerks read: "chờ Ban Thường vụ
/// duyệt: 1/3", "đã ban hành: số 15-NQ/TU ngày 01/12/2026".
pub fn stage_vi(record: &SignOff) -> String {
    use duthao_approval::Stage;
    // Decisions that carried over from an identical earlier version are
    // said, so nobody takes them for decisions on this version.
    let carried = record
        .assessment
        .latest()
        .and_then(|v| v.carried_from)
        .map(|from| format!(" (giữ kết quả duyệt của lần {from}: văn bản không đổi)"))
        .unwrap_or_default();
    match record.assessment.stage() {
        Stage::NoVersion => "chưa có dự thảo".into(),
        Stage::NoLevels => "không có cấp phê duyệt".into(),
        Stage::NoRoster { version } => {
            format!("lần {version}: không đọc được danh sách người duyệt")
        }
        Stage::Awaiting {
            version,
            name,
            have,
            need,
            ..
        } => format!("lần {version}: chờ {name} duyệt: {have}/{need}{carried}"),
        Stage::Rejected { version, name, .. } => {
            format!("lần {version}: {name} không phê duyệt{carried}")
        }
        Stage::Approved { version } => {
            format!("lần {version}: đã duyệt đủ, chờ ban hành{carried}")
        }
        Stage::Issued {
            version,
            number,
            date,
        } => {
            let text = record
                .assessment
                .issued
                .as_ref()
                .map_or(number.to_string(), |i| i.fields.number_text.clone());
            format!(
                "lần {version}: đã ban hành số {text} ngày {}",
                date_vi(&date)
            )
        }
    }
}

/// What is still open before the final document, in a sentence.
pub fn open_step(record: &SignOff) -> String {
    use duthao_approval::Stage;
    match record.assessment.stage() {
        Stage::NoVersion => "no version has been submitted".into(),
        Stage::NoRoster { version } => format!(
            "the duthao.toml that version {version} records cannot be read, so no approval of it counts"
        ),
        Stage::NoLevels => {
            "duthao.toml lists no approving level (a level with approvers and a quorum)".into()
        }
        Stage::Awaiting {
            version,
            level,
            name,
            have,
            need,
        } => format!("version {version} waits for {name} ({level}): {have} of {need} approvals"),
        Stage::Rejected {
            version, name, by, ..
        } => format!(
            "{name} rejected version {version}{}; submit a new version",
            by.first()
                .map(|c| format!(" ({}: {})", c.name, c.note))
                .unwrap_or_default()
        ),
        Stage::Approved { version } => {
            format!("version {version} is approved by every level but not issued yet")
        }
        Stage::Issued { .. } => "nothing: the document is issued".into(),
    }
}

/// `2026-12-01` as "01/12/2026", as registers and documents write dates.
pub fn date_vi(date: &str) -> String {
    let mut parts = date.splitn(3, '-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => date.to_string(),
    }
}

/// The final DOCX's sign-off properties: the issue, the approved text's
/// hash, and each approval that counted (level, approver, key, time, tag).
pub(crate) fn final_properties(
    record: &SignOff,
    issued: &duthao_approval::Issued,
) -> Vec<(String, String)> {
    let f = &issued.fields;
    let mut props = vec![
        ("duthao.final".to_string(), "true".to_string()),
        ("duthao.content-sha256".into(), f.content.clone()),
        ("duthao.issue.number".into(), f.number_text.clone()),
        ("duthao.issue.date".into(), f.date.clone()),
        ("duthao.issue.commit".into(), f.commit.clone()),
        ("duthao.issue.clerk".into(), issued.clerk.clone()),
        ("duthao.issue.tag".into(), issued.tag.clone()),
    ];
    if let Some(standing) = record.assessment.versions.iter().find(|v| v.n == f.version) {
        let mut i = 0;
        for level in &standing.levels {
            for c in &level.approvals {
                i += 1;
                let at = |k: &str| format!("duthao.approval.{i}.{k}");
                props.push((at("level"), level.id.clone()));
                props.push((at("approver"), format!("{} <{}>", c.name, c.email)));
                props.push((at("key"), c.key.clone()));
                props.push((at("time"), time_rfc3339(c.time)));
                props.push((at("tag"), c.tag.clone()));
            }
        }
    }
    props
}

fn time_rfc3339(seconds: i64) -> String {
    time_rfc3339_at(seconds, 0)
}

/// RFC 3339 of a git time: Unix seconds and the writer's offset in minutes.
pub(crate) fn time_rfc3339_at(seconds: i64, offset_minutes: i32) -> String {
    let offset =
        time::UtcOffset::from_whole_seconds(offset_minutes * 60).unwrap_or(time::UtcOffset::UTC);
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .map(|t| t.to_offset(offset))
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| seconds.to_string())
}
