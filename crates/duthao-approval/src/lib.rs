//! Sign-off: which approvals count, level by level, and everything that is
//! wrong with the record.
//!
//! This crate decides; it reads nothing. The caller (the operations layer)
//! reads the tags from the store, checks each signature cryptographically
//! and hands over what it found as [`VersionFacts`], [`DecisionTag`] and
//! [`IssueTag`]; [`assess`] applies the rules and returns the standing of
//! every version and every problem, each naming its tag. `approve`,
//! `reject` and `issue` ask [`Assessment::may_decide`] and
//! [`Assessment::may_issue`] before signing, and `verify` lists the
//! problems: the same rules at both times.
//!
//! The rules (docs/sign-off.md):
//! - a decision counts only when its signature is valid and its key is
//!   listed at its level in the `duthao.toml` of the version's own commit:
//!   the roster is frozen with the text the submitter signed, so a key added
//!   afterwards never counts for an earlier version;
//! - levels go in order: an approval counts only when signed after the
//!   level before reached its quorum;
//! - a quorum counts distinct keys;
//! - the submitter of a version (by key, or by email) cannot decide on it;
//! - a rejection blocks its level for that version;
//! - decisions carry over to a later version whose text (number and date
//!   aside) is identical, when the signer is still listed at that level.
#![warn(missing_docs)]

mod message;

use std::collections::BTreeSet;

pub use message::{
    DECISION_PREFIX, DecisionFields, IssueFields, TRAILER, decision_message, decision_tag_name,
    issue_message, issue_tag_name, parse_decision, parse_decision_tag_name, parse_issue,
};

/// Someone who may sign: an approver of a level, or a clerk.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Person {
    /// Their name.
    pub name: String,
    /// Their email (the allowed-signers principal).
    pub email: String,
    /// Their key's SHA-256 fingerprint ("SHA256:…"), when the roster has one.
    pub key: Option<String>,
}

/// A level of the roster.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LevelRule {
    /// Its id (`ban-to-chuc`).
    pub id: String,
    /// Its name for readers.
    pub name: String,
    /// Approvals it needs; 0 for a comment-only level.
    pub quorum: u32,
    /// Who may approve at it.
    pub approvers: Vec<Person>,
    /// Whether every comment of the level needs a response before it
    /// approves (checked by `approve`; comments are not signed, so `verify`
    /// cannot prove when they were answered).
    pub require_responses: bool,
}

/// Who may sign what, as one version's `duthao.toml` says.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Roster {
    /// The levels in order (comment-only ones included).
    pub levels: Vec<LevelRule>,
    /// The clerks who issue.
    pub clerks: Vec<Person>,
}

impl Roster {
    /// The levels that approve, in order.
    pub fn approving(&self) -> impl Iterator<Item = &LevelRule> {
        self.levels.iter().filter(|l| l.quorum > 0)
    }

    fn level(&self, id: &str) -> Option<&LevelRule> {
        self.levels.iter().find(|l| l.id == id)
    }

    fn approver(&self, level: &str, key: &str) -> Option<&Person> {
        self.level(level)?
            .approvers
            .iter()
            .find(|p| p.key.as_deref() == Some(key))
    }

    /// Where a key is listed: the levels, and whether it is a clerk's.
    fn places_of(&self, key: &str) -> (Vec<&str>, bool) {
        let levels = self
            .levels
            .iter()
            .filter(|l| l.approvers.iter().any(|p| p.key.as_deref() == Some(key)))
            .map(|l| l.id.as_str())
            .collect();
        let clerk = self.clerks.iter().any(|p| p.key.as_deref() == Some(key));
        (levels, clerk)
    }

    fn clerk(&self, key: &str) -> Option<&Person> {
        self.clerks.iter().find(|p| p.key.as_deref() == Some(key))
    }
}

/// What a signature check found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "state", content = "detail", rename_all = "kebab-case")]
pub enum Signature {
    /// Valid, made by the key of this fingerprint.
    Valid(String),
    /// There is no signature.
    Unsigned,
    /// There is one and it does not hold; why.
    Invalid(String),
}

/// A submitted version, as the store and its commit show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionFacts {
    /// N of "Dự thảo lần N".
    pub n: u32,
    /// Its tag name.
    pub tag: String,
    /// The commit it freezes (hex).
    pub commit: String,
    /// Its tag object (hex); `None` for a lightweight tag.
    pub tag_object: Option<String>,
    /// Unix seconds of the submission.
    pub time: i64,
    /// The content hash of the draft in that commit; why not, when it
    /// could not be read.
    pub content: Result<String, String>,
    /// The submitter's email (the tagger).
    pub submitter_email: String,
    /// The version tag's signature.
    pub signature: Signature,
    /// The roster of the `duthao.toml` in the version's commit; why not,
    /// when it could not be read.
    pub roster: Result<Roster, String>,
}

impl VersionFacts {
    fn submitter_key(&self) -> Option<&str> {
        match &self.signature {
            Signature::Valid(k) => Some(k),
            _ => None,
        }
    }
}

/// An approval or rejection tag, as read from the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionTag {
    /// The tag's name.
    pub tag: String,
    /// The commit the tag object points at (hex), if any.
    pub target: Option<String>,
    /// Unix seconds of the tagger line (signed with the rest).
    pub time: i64,
    /// The signature check.
    pub signature: Signature,
    /// The message's fields, or why they cannot be read.
    pub fields: Result<DecisionFields, String>,
    /// Why the store could not read the tag at all.
    pub unreadable: Option<String>,
}

/// The clerk's issuing tag, as read from the store, with what the issued
/// commit holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueTag {
    /// The tag's name.
    pub tag: String,
    /// The commit the tag object points at (hex), if any.
    pub target: Option<String>,
    /// Unix seconds of the tagger line.
    pub time: i64,
    /// The signature check.
    pub signature: Signature,
    /// The message's fields, or why they cannot be read.
    pub fields: Result<IssueFields, String>,
    /// The draft in the tagged commit: its content hash, number and date
    /// (`YYYY-MM-DD`); why not, when it cannot be read.
    pub issued_text: Result<(String, Option<u32>, Option<String>), String>,
    /// Why the store could not read the tag at all.
    pub unreadable: Option<String>,
}

/// Approve or reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// Phê duyệt.
    Approve,
    /// Không phê duyệt: the level is blocked for this version.
    Reject,
}

impl Decision {
    /// The word in tag messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Reject => "reject",
        }
    }
}

/// A decision that counts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Counted {
    /// Its tag.
    pub tag: String,
    /// The approver as the roster names them.
    pub name: String,
    /// Their email.
    pub email: String,
    /// Their key's fingerprint.
    pub key: String,
    /// Unix seconds it was signed.
    pub time: i64,
    /// The version it was made on (earlier than the one it counts for when
    /// it carried over).
    pub version: u32,
    /// The reason given with a rejection, or the approver's note.
    pub note: String,
}

/// Where a level stands for one version.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LevelStanding {
    /// The level's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Approvals it needs.
    pub quorum: u32,
    /// The approvals that count, by time.
    pub approvals: Vec<Counted>,
    /// The rejections, which block it.
    pub rejections: Vec<Counted>,
    /// When it reached its quorum (the time of the quorum-th approval).
    pub met_at: Option<i64>,
}

impl LevelStanding {
    /// Whether it has its quorum and no rejection.
    pub fn met(&self) -> bool {
        self.met_at.is_some()
    }
}

/// Where one version stands.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VersionStanding {
    /// N.
    pub n: u32,
    /// The approving levels in order.
    pub levels: Vec<LevelStanding>,
    /// The earlier version whose decisions carried over (identical text).
    pub carried_from: Option<u32>,
    /// Its roster (the duthao.toml its tag records) cannot be read, so
    /// nothing counts for it.
    pub roster_unreadable: bool,
}

impl VersionStanding {
    /// Every approving level has its quorum (and there is at least one).
    pub fn approved(&self) -> bool {
        !self.levels.is_empty() && self.levels.iter().all(LevelStanding::met)
    }

    /// The first level that has not approved.
    pub fn waiting(&self) -> Option<&LevelStanding> {
        self.levels.iter().find(|l| !l.met())
    }

    /// When the last level reached its quorum.
    pub fn approved_at(&self) -> Option<i64> {
        if !self.approved() {
            return None;
        }
        self.levels.iter().filter_map(|l| l.met_at).max()
    }
}

/// The document's issue, when it holds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Issued {
    /// The tag.
    pub tag: String,
    /// What it records.
    pub fields: IssueFields,
    /// The clerk, as the roster names them.
    pub clerk: String,
    /// The clerk's email, as the roster lists it.
    pub clerk_email: String,
    /// The fingerprint of the key that signed the issue.
    pub key: String,
    /// Unix seconds it was signed.
    pub time: i64,
}

/// Something wrong with the record, naming the tag it is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Problem {
    /// The tag (or file) it is about.
    pub subject: String,
    /// What is wrong, in a sentence.
    pub message: String,
}

/// The standing of every version and everything wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Assessment {
    /// The draft.
    pub slug: String,
    /// Each version, ascending.
    pub versions: Vec<VersionStanding>,
    /// The issue, when a valid one exists.
    pub issued: Option<Issued>,
    /// Everything wrong, sorted.
    pub problems: Vec<Problem>,
    /// Things to know that are not wrong (an unsigned version, say).
    pub notes: Vec<Problem>,
}

/// Where the draft is on the way to issue.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "stage", rename_all = "kebab-case")]
pub enum Stage {
    /// No version submitted yet.
    NoVersion,
    /// No level approves (the roster has no approvers).
    NoLevels,
    /// The latest version's roster cannot be read: nothing counts for it.
    NoRoster {
        /// The version.
        version: u32,
    },
    /// Waiting for a level: `have` of `need`.
    Awaiting {
        /// The version.
        version: u32,
        /// The level's id.
        level: String,
        /// Its name.
        name: String,
        /// Approvals counted.
        have: usize,
        /// Its quorum.
        need: u32,
    },
    /// A level rejected this version.
    Rejected {
        /// The version.
        version: u32,
        /// The level's id.
        level: String,
        /// Its name.
        name: String,
        /// Who rejected, and why.
        by: Vec<Counted>,
    },
    /// Every level approved; the clerk may issue.
    Approved {
        /// The version.
        version: u32,
    },
    /// Issued.
    Issued {
        /// The version.
        version: u32,
        /// Số.
        number: u32,
        /// Ngày (YYYY-MM-DD).
        date: String,
    },
}

impl Assessment {
    /// The latest version's standing.
    pub fn latest(&self) -> Option<&VersionStanding> {
        self.versions.last()
    }

    /// Where the draft is.
    pub fn stage(&self) -> Stage {
        if let Some(i) = &self.issued {
            return Stage::Issued {
                version: i.fields.version,
                number: i.fields.number,
                date: i.fields.date.clone(),
            };
        }
        let Some(v) = self.latest() else {
            return Stage::NoVersion;
        };
        if v.roster_unreadable {
            return Stage::NoRoster { version: v.n };
        }
        if v.levels.is_empty() {
            return Stage::NoLevels;
        }
        match v.waiting() {
            None => Stage::Approved { version: v.n },
            Some(l) if !l.rejections.is_empty() => Stage::Rejected {
                version: v.n,
                level: l.id.clone(),
                name: l.name.clone(),
                by: l.rejections.clone(),
            },
            Some(l) => Stage::Awaiting {
                version: v.n,
                level: l.id.clone(),
                name: l.name.clone(),
                have: l.approvals.len(),
                need: l.quorum,
            },
        }
    }

    /// Whether the key `key` (of `email`) may record `decision` at `level`
    /// on version `n` now; why not otherwise. The same rules [`assess`]
    /// applies to a recorded decision.
    /// `now` is the time the decision will carry (Unix seconds): it must not
    /// be earlier than the time the level above reached its quorum, or
    /// `verify` would find it out of order.
    #[allow(clippy::too_many_arguments)]
    pub fn may_decide(
        &self,
        facts: &[VersionFacts],
        n: u32,
        level: &str,
        key: &str,
        decision: Decision,
        now: i64,
    ) -> Result<(), String> {
        if let Some(i) = &self.issued {
            return Err(format!(
                "the document was issued (số {}, from version {}); nothing more can be decided on it",
                i.fields.number_text, i.fields.version
            ));
        }
        let Some(latest) = facts.last() else {
            return Err("no version has been submitted".into());
        };
        if n != latest.n {
            return Err(format!(
                "version {n} is not the latest; decide on version {} (an approval is of one version)",
                latest.n
            ));
        }
        let roster = latest
            .roster
            .as_ref()
            .map_err(|e| format!("the duthao.toml of version {n} cannot be read: {e}"))?;
        let Some(rule) = roster.level(level) else {
            let known: Vec<&str> = roster.approving().map(|l| l.id.as_str()).collect();
            return Err(format!(
                "`{level}` is not a level of version {n}'s duthao.toml; the levels that approve: {}",
                known.join(", ")
            ));
        };
        if rule.quorum == 0 {
            return Err(format!("{} only comments; it does not approve", rule.name));
        }
        let Some(person) = roster.approver(level, key) else {
            let (levels, clerk) = roster.places_of(key);
            return Err(if !levels.is_empty() {
                format!(
                    "your key ({key}) is listed at {} but not at {level}: an approver signs only at their own level",
                    levels.join(", ")
                )
            } else if clerk {
                format!("your key ({key}) is a clerk's, not an approver's of {level}")
            } else {
                format!(
                    "your key ({key}) is not listed at {level} in version {n}'s duthao.toml; only a listed approver's key counts"
                )
            });
        };
        if is_submitter(latest, key, &person.email) {
            return Err(format!(
                "you submitted version {n} ({}); the submitter of a version cannot approve or reject it",
                latest.submitter_email
            ));
        }
        let standing = self.versions.iter().find(|v| v.n == n);
        if let Some(standing) = standing {
            for l in &standing.levels {
                if l.id == level {
                    if let Some(c) = l
                        .approvals
                        .iter()
                        .chain(&l.rejections)
                        .find(|c| c.key == key)
                    {
                        return Err(format!(
                            "you already decided at {level} on version {} ({})",
                            c.version, c.tag
                        ));
                    }
                    if !l.rejections.is_empty() {
                        return Err(format!(
                            "{} rejected version {n}; the level is blocked until a new version",
                            l.name
                        ));
                    }
                    if decision == Decision::Approve && l.met() {
                        return Err(format!(
                            "{} already has its quorum ({} of {}) for version {n}",
                            l.name,
                            l.approvals.len(),
                            l.quorum
                        ));
                    }
                    break;
                }
                if !l.rejections.is_empty() {
                    return Err(format!(
                        "{} rejected version {n}; the levels after it wait for a new version",
                        l.name
                    ));
                }
                if !l.met() {
                    return Err(format!(
                        "{} has not approved version {n} yet ({} of {}); levels approve in order",
                        l.name,
                        l.approvals.len(),
                        l.quorum
                    ));
                }
                if l.met_at.is_some_and(|t| t > now) {
                    return Err(format!(
                        "{} reached its quorum at a time later than this computer's clock; check the clock (an approval dated before the level above would be out of order)",
                        l.name
                    ));
                }
            }
        }
        Ok(())
    }

    /// Whether the key `key` may issue now, and which version; why not.
    pub fn may_issue(&self, facts: &[VersionFacts], key: &str, now: i64) -> Result<u32, String> {
        if let Some(i) = &self.issued {
            return Err(format!(
                "already issued: số {} ngày {} ({})",
                i.fields.number_text,
                message::date_vi(&i.fields.date),
                i.tag
            ));
        }
        match self.stage() {
            Stage::Approved { version } => {
                let v = facts.iter().find(|f| f.n == version).ok_or("no version")?;
                if self
                    .versions
                    .iter()
                    .find(|s| s.n == version)
                    .and_then(VersionStanding::approved_at)
                    .is_some_and(|t| t > now)
                {
                    return Err(
                        "the last approval is dated later than this computer's clock; check the clock".into(),
                    );
                }
                let roster = v.roster.as_ref().map_err(|e| {
                    format!("the duthao.toml of version {version} cannot be read: {e}")
                })?;
                if roster.clerk(key).is_none() {
                    return Err(format!(
                        "your key ({key}) is not a clerk's in version {version}'s duthao.toml ([[clerks]]); only a listed clerk issues"
                    ));
                }
                Ok(version)
            }
            Stage::NoVersion => Err("no version has been submitted".into()),
            Stage::NoRoster { version } => Err(format!(
                "the duthao.toml version {version} records cannot be read, so no approval of it counts"
            )),
            Stage::NoLevels => {
                Err("duthao.toml lists no approving level, so nothing can be signed off".into())
            }
            Stage::Awaiting {
                version,
                name,
                have,
                need,
                ..
            } => Err(format!(
                "version {version} is waiting for {name} ({have} of {need} approvals)"
            )),
            Stage::Rejected { version, name, .. } => {
                Err(format!("{name} rejected version {version}"))
            }
            Stage::Issued { .. } => unreachable!("handled above"),
        }
    }
}

fn is_submitter(v: &VersionFacts, key: &str, email: &str) -> bool {
    v.submitter_key() == Some(key) || v.submitter_email.eq_ignore_ascii_case(email.trim())
}

/// Applies the rules to a draft's record (see the crate notes).
pub fn assess(
    slug: &str,
    versions: &[VersionFacts],
    decisions: &[DecisionTag],
    issues: &[IssueTag],
) -> Assessment {
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let problem = |subject: &str, message: String| Problem {
        subject: subject.to_string(),
        message,
    };
    for v in versions {
        match &v.signature {
            Signature::Invalid(why) => problems.push(problem(
                &v.tag,
                format!("the version's signature does not hold: {why}"),
            )),
            Signature::Unsigned => notes.push(problem(
                &v.tag,
                "the version is not signed, so its submitter is known only by email".into(),
            )),
            Signature::Valid(_) => {}
        }
        if let Err(e) = &v.content {
            problems.push(problem(&v.tag, format!("its text cannot be read: {e}")));
        }
        if let Err(e) = &v.roster {
            problems.push(problem(
                &v.tag,
                format!(
                    "the duthao.toml of its commit cannot be read, so no approval of it counts: {e}"
                ),
            ));
        }
    }

    // Each decision checked on its own; those that hold, by version.
    let mut valid: Vec<(u32, String, Decision, Counted)> = Vec::new();
    for d in decisions {
        match check_decision(slug, versions, d) {
            Ok(entry) => {
                if let Some(dup) = valid.iter().find(|(n, level, _, c)| {
                    *n == entry.0 && *level == entry.1 && c.key == entry.3.key
                }) {
                    problems.push(problem(
                        &d.tag,
                        format!(
                            "the key {} already decided at {} on version {} ({}); one key counts once",
                            entry.3.key, entry.1, entry.0, dup.3.tag
                        ),
                    ));
                    continue;
                }
                valid.push(entry);
            }
            Err(message) => problems.push(problem(&d.tag, message)),
        }
    }

    let standings = standings_of(versions, &valid, &mut problems);

    let mut issued = None;
    for t in issues {
        // The issue is judged on the decisions signed before it: a later
        // rejection cannot undo it (it is noted instead).
        let before: Vec<(u32, String, Decision, Counted)> = valid
            .iter()
            .filter(|(_, _, _, c)| c.time <= t.time)
            .cloned()
            .collect();
        let as_then = standings_of(versions, &before, &mut Vec::new());
        for (_, _, d, c) in valid.iter().filter(|(_, _, _, c)| c.time > t.time) {
            notes.push(problem(
                &c.tag,
                format!(
                    "{} after the document was issued ({}); it does not change the issued document",
                    match d {
                        Decision::Approve => "approved",
                        Decision::Reject => "rejected",
                    },
                    t.tag
                ),
            ));
        }
        match check_issue(slug, versions, &as_then, t) {
            Ok(i) => {
                if let Some(first) = &issued {
                    let first: &Issued = first;
                    problems.push(problem(
                        &t.tag,
                        format!(
                            "a second issue of the document; {} issued it already",
                            first.tag
                        ),
                    ));
                } else {
                    issued = Some(i);
                }
            }
            Err(message) => problems.push(problem(&t.tag, message)),
        }
    }
    if let Some(i) = &issued
        && let Some(later) = versions.iter().find(|v| v.n > i.fields.version)
    {
        problems.push(problem(
            &later.tag,
            format!(
                "version {} was submitted after the document was issued from version {}",
                later.n, i.fields.version
            ),
        ));
    }
    problems.sort();
    problems.dedup();
    Assessment {
        slug: slug.to_string(),
        versions: standings,
        issued,
        problems,
        notes,
    }
}

/// Where each version stands, given the decisions that hold on their own;
/// order problems are added to `problems`.
fn standings_of(
    versions: &[VersionFacts],
    valid: &[(u32, String, Decision, Counted)],
    problems: &mut Vec<Problem>,
) -> Vec<VersionStanding> {
    let problem = |subject: &str, message: String| Problem {
        subject: subject.to_string(),
        message,
    };
    let mut standings: Vec<VersionStanding> = Vec::new();
    for (i, v) in versions.iter().enumerate() {
        let Ok(roster) = &v.roster else {
            standings.push(VersionStanding {
                n: v.n,
                levels: Vec::new(),
                carried_from: None,
                roster_unreadable: true,
            });
            continue;
        };
        // The earliest version of the run of identical texts ending here.
        let mut from = i;
        while from > 0
            && matches!((&versions[from - 1].content, &v.content), (Ok(a), Ok(b)) if a == b)
        {
            from -= 1;
        }
        let run: Vec<u32> = versions[from..=i].iter().map(|f| f.n).collect();
        let mut levels: Vec<LevelStanding> = Vec::new();
        let mut before_met: Option<i64> = Some(i64::MIN);
        let mut blocked_before = false;
        for rule in roster.approving() {
            let mut approvals = Vec::new();
            let mut rejections = Vec::new();
            let mut seen = BTreeSet::new();
            for (n, level, decision, c) in valid {
                if *level != rule.id || !run.contains(n) {
                    continue;
                }
                let carried = *n != v.n;
                // A carried decision counts only while its signer is still
                // listed at the level, and never for a version they submitted.
                let Some(person) = roster.approver(&rule.id, &c.key) else {
                    continue;
                };
                if carried && is_submitter(v, &c.key, &person.email) {
                    continue;
                }
                // An approval carries only if it counted on the version it
                // was made on (in order, its level not blocked there).
                if carried
                    && *decision == Decision::Approve
                    && !standings.iter().any(|s| {
                        s.n == *n
                            && s.levels
                                .iter()
                                .any(|l| l.approvals.iter().any(|a| a.tag == c.tag))
                    })
                {
                    continue;
                }
                // One person counts once, by key and by email.
                if !seen.insert(c.key.clone())
                    || !seen.insert(format!("email:{}", person.email.trim().to_lowercase()))
                {
                    continue;
                }
                match decision {
                    Decision::Reject => rejections.push(c.clone()),
                    Decision::Approve => approvals.push(c.clone()),
                }
            }
            approvals.sort_by_key(|c| c.time);
            // Order: an approval made on this version before the level
            // above had its quorum does not count.
            let mut in_order = Vec::new();
            for c in approvals {
                let ok = match before_met {
                    Some(t) => c.time >= t,
                    None => false,
                };
                if ok || c.version != v.n {
                    in_order.push(c);
                } else if !blocked_before {
                    problems.push(problem(
                        &c.tag,
                        match before_met {
                            Some(_) => format!(
                                "approved at {} before the level above had its quorum on version {}; levels approve in order",
                                rule.id, v.n
                            ),
                            None => format!(
                                "approved at {} while the level above has not approved version {}; levels approve in order",
                                rule.id, v.n
                            ),
                        },
                    ));
                }
            }
            let met_at = if rejections.is_empty() && in_order.len() >= rule.quorum as usize {
                in_order
                    .get(rule.quorum as usize - 1)
                    .map(|c| c.time.max(before_met.unwrap_or(i64::MIN)))
            } else {
                None
            };
            blocked_before = blocked_before || !rejections.is_empty();
            before_met = met_at;
            levels.push(LevelStanding {
                id: rule.id.clone(),
                name: rule.name.clone(),
                quorum: rule.quorum,
                approvals: in_order,
                rejections,
                met_at,
            });
        }
        let carried_from = (from < i
            && levels
                .iter()
                .flat_map(|l| l.approvals.iter().chain(&l.rejections))
                .any(|c| c.version != v.n))
        .then(|| versions[from].n);
        standings.push(VersionStanding {
            n: v.n,
            levels,
            carried_from,
            roster_unreadable: false,
        });
    }

    standings
}

/// A decision's own checks: signature, name, fields, version, commit,
/// text, listing, self-approval.
fn check_decision(
    slug: &str,
    versions: &[VersionFacts],
    d: &DecisionTag,
) -> Result<(u32, String, Decision, Counted), String> {
    if let Some(why) = &d.unreadable {
        return Err(format!("the tag cannot be read: {why}"));
    }
    let key = signer(&d.signature, "an approval")?;
    let f = d
        .fields
        .as_ref()
        .map_err(|e| format!("the tag's message is not an approval record: {e}"))?;
    let Some((name_version, name_level, name_key)) = parse_decision_tag_name(slug, &d.tag) else {
        return Err("the tag's name is not an approval tag's".into());
    };
    if f.slug != slug {
        return Err(format!(
            "it records the draft {:?}, not {slug:?}: an approval copied from another draft",
            f.slug
        ));
    }
    if f.version != name_version {
        return Err(format!(
            "its name says version {name_version} but it records version {}: copied from another version",
            f.version
        ));
    }
    if f.level != name_level {
        return Err(format!(
            "its name says level {name_level} but it records {}",
            f.level
        ));
    }
    if name_key != message::key_id_of_fingerprint(&key) {
        return Err(format!(
            "its name names another key than the one that signed it ({key})"
        ));
    }
    let Some(v) = versions.iter().find(|v| v.n == f.version) else {
        return Err(format!("version {} does not exist", f.version));
    };
    if f.commit != v.commit {
        return Err(format!(
            "it records commit {} but version {} is commit {}: the version tag or the approval was moved",
            short(&f.commit),
            v.n,
            short(&v.commit)
        ));
    }
    if v.tag_object.as_deref() != Some(f.version_tag.as_str()) {
        return Err(format!(
            "it approves the version tag {} but {} is now {}: the version tag was made again after the approval (with another roster, perhaps)",
            short(&f.version_tag),
            v.tag,
            v.tag_object.as_deref().map_or("a lightweight tag", short)
        ));
    }
    if d.target.as_deref() != Some(v.commit.as_str()) {
        return Err(format!(
            "the tag points at {} but version {} is commit {}: the tag was moved",
            d.target.as_deref().map_or("nothing", short),
            v.n,
            short(&v.commit)
        ));
    }
    match &v.content {
        Ok(c) if *c == f.content => {}
        Ok(c) => {
            return Err(format!(
                "the text it approved (SHA-256 {}) is not version {}'s text ({}): the text was edited after approval",
                short(&f.content),
                v.n,
                short(c)
            ));
        }
        Err(_) => return Err(format!("version {}'s text cannot be read", v.n)),
    }
    let roster = v
        .roster
        .as_ref()
        .map_err(|_| format!("version {}'s duthao.toml cannot be read", v.n))?;
    let Some(rule) = roster.level(&f.level) else {
        return Err(format!(
            "`{}` is not a level in version {}'s duthao.toml",
            f.level, v.n
        ));
    };
    if rule.quorum == 0 {
        return Err(format!("{} only comments; it does not approve", rule.name));
    }
    let Some(person) = roster.approver(&f.level, &key) else {
        let (levels, clerk) = roster.places_of(&key);
        return Err(if !levels.is_empty() {
            format!(
                "signed by a key listed at {}, not at {}: the wrong level",
                levels.join(", "),
                f.level
            )
        } else if clerk {
            format!("signed by a clerk's key, not by an approver of {}", f.level)
        } else {
            format!(
                "signed by a key not listed in version {}'s duthao.toml ({key})",
                v.n
            )
        });
    };
    if !person.email.eq_ignore_ascii_case(f.approver_email.trim()) {
        return Err(format!(
            "it names the approver {} but the key is {}'s",
            f.approver_email, person.email
        ));
    }
    if is_submitter(v, &key, &person.email) {
        return Err(format!(
            "{} submitted version {} and approved it: a self-approval",
            person.email, v.n
        ));
    }
    Ok((
        f.version,
        f.level.clone(),
        f.decision,
        Counted {
            tag: d.tag.clone(),
            name: person.name.clone(),
            email: person.email.clone(),
            key,
            time: d.time,
            version: f.version,
            note: f.note.clone(),
        },
    ))
}

fn check_issue(
    slug: &str,
    versions: &[VersionFacts],
    standings: &[VersionStanding],
    t: &IssueTag,
) -> Result<Issued, String> {
    if let Some(why) = &t.unreadable {
        return Err(format!("the tag cannot be read: {why}"));
    }
    let key = signer(&t.signature, "an issue")?;
    let f = t
        .fields
        .as_ref()
        .map_err(|e| format!("the tag's message is not an issue record: {e}"))?;
    if f.slug != slug || t.tag != issue_tag_name(slug) {
        return Err(format!(
            "it records the draft {:?}: an issue copied from another draft",
            f.slug
        ));
    }
    let Some(v) = versions.iter().find(|v| v.n == f.version) else {
        return Err(format!(
            "it issues version {}, which does not exist",
            f.version
        ));
    };
    if f.version_commit != v.commit {
        return Err(format!(
            "it records version {} as commit {} but the version is commit {}: the version tag was moved",
            v.n,
            short(&f.version_commit),
            short(&v.commit)
        ));
    }
    if v.tag_object.as_deref() != Some(f.version_tag.as_str()) {
        return Err(format!(
            "it issues the version tag {} but {} is now {}: the version tag was made again after the issue",
            short(&f.version_tag),
            v.tag,
            v.tag_object.as_deref().map_or("a lightweight tag", short)
        ));
    }
    if t.target.as_deref() != Some(f.commit.as_str()) {
        return Err(format!(
            "the tag points at {} but records commit {}: the tag was moved",
            t.target.as_deref().map_or("nothing", short),
            short(&f.commit)
        ));
    }
    match &v.content {
        Ok(c) if *c == f.content => {}
        _ => {
            return Err(format!(
                "the text it issues ({}) is not version {}'s approved text",
                short(&f.content),
                v.n
            ));
        }
    }
    let (issued_content, number, date) = t
        .issued_text
        .as_ref()
        .map_err(|e| format!("the issued commit's draft cannot be read: {e}"))?;
    if *issued_content != f.content {
        return Err(format!(
            "the issued commit's text differs from the approved text of version {} in more than the number and the date",
            v.n
        ));
    }
    if *number != Some(f.number) || date.as_deref() != Some(f.date.as_str()) {
        return Err(format!(
            "the issued commit's draft says số {} ngày {} but the issue records số {} ngày {}",
            number.map_or("(none)".to_string(), |n| n.to_string()),
            date.as_deref().unwrap_or("(none)"),
            f.number,
            f.date
        ));
    }
    let roster = v
        .roster
        .as_ref()
        .map_err(|_| format!("version {}'s duthao.toml cannot be read", v.n))?;
    let Some(clerk) = roster.clerk(&key) else {
        return Err(format!(
            "signed by a key that is not a clerk's in version {}'s duthao.toml ({key})",
            v.n
        ));
    };
    let standing = standings.iter().find(|s| s.n == v.n).ok_or("no standing")?;
    match standing.approved_at() {
        Some(at) if at <= t.time => {}
        Some(_) => {
            return Err(format!(
                "issued before every level had approved version {}",
                v.n
            ));
        }
        None => {
            return Err(format!(
                "issued, but version {} is not approved by every level",
                v.n
            ));
        }
    }
    if versions.last().map(|l| l.n) != Some(v.n)
        && versions.iter().any(|o| o.n > v.n && o.time <= t.time)
    {
        return Err(format!(
            "it issues version {} although a later version existed when it was signed",
            v.n
        ));
    }
    Ok(Issued {
        tag: t.tag.clone(),
        fields: f.clone(),
        clerk: clerk.name.clone(),
        clerk_email: clerk.email.clone(),
        key,
        time: t.time,
    })
}

/// The key that signed, or why the tag does not count.
fn signer(signature: &Signature, what: &str) -> Result<String, String> {
    match signature {
        Signature::Valid(k) => Ok(k.clone()),
        Signature::Unsigned => Err(format!("the tag is not signed; {what} must be")),
        Signature::Invalid(why) => Err(format!(
            "the signature does not hold (forged or altered): {why}"
        )),
    }
}

fn short(hex: &str) -> &str {
    hex.get(..12).unwrap_or(hex)
}

#[cfg(test)]
mod tests;
