//! Who may do what at a site, when a workspace syncs between sites.
//!
//! The rule (`[sync]` in `duthao.toml`): one site, the drafting body,
//! submits the versions; one site (the drafting site unless
//! `issuing_site` names another) reserves numbers and issues. Every site
//! comments, answers and approves. With one writer per version number,
//! "version N" is contended only inside one repository, where creating its
//! tag is atomic, so two different tags for one N never exist; approvals
//! never collide between people (the tag name carries the key id).
//!
//! A site is one repository, named by `duthao sync --site NAME` and claimed
//! by `refs/duthao/sites/NAME` (exchanged like tags, never replaced), so two
//! repositories cannot both call themselves the drafting site.

use std::collections::HashMap;
use std::path::Path;

use duthao_store::{ObjectId, Site, TRAILER_SITE, Version};

use crate::workspace::config::{Config, MAX_CONFIG_BYTES, SyncSettings, is_site_name};
use crate::workspace::{CONFIG_FILE, Workspace, WorkspaceError};

use crate::workspace::Result;

/// Which step a site is asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Submitting a version.
    Submit,
    /// Issuing (and reserving a number).
    Issue,
}

impl Step {
    fn words(self) -> &'static str {
        match self {
            Step::Submit => "submits versions",
            Step::Issue => "issues documents",
        }
    }

    fn allowed(self, settings: &SyncSettings) -> &str {
        match self {
            Step::Submit => &settings.drafting_site,
            Step::Issue => settings.issuing(),
        }
    }
}

/// This repository's site, if named.
pub fn this_site(ws: &Workspace) -> Result<Option<Site>> {
    Ok(ws.store().site()?)
}

/// Names this repository's site (`duthao sync --site NAME`).
pub fn name_site(ws: &Workspace, name: &str) -> Result<Site> {
    if !is_site_name(name) {
        return Err(WorkspaceError::Site {
            reason: format!(
                "{name:?} is not a site name; use lower-case ASCII letters and digits, words joined by '-', e.g. vp-tinh-uy"
            ),
        });
    }
    // A site keeps its name: the claim of the old one stays in the shared
    // history, and the drafting site renamed by a typo could submit no
    // more.
    // (Unless its claim lost to another repository's: then it must move.)
    if let Some(site) = ws.store().site()?
        && site.name != name
        && site.claimed
        && !claim_disputed(ws, &site.name)?
    {
        return Err(WorkspaceError::Site {
            reason: format!(
                "this repository is already the site {}; a site keeps its name (its claim is in the history every site shares)",
                site.name
            ),
        });
    }
    Ok(ws.store().claim_site(name)?)
}

/// The site to record in the tag of `step`, or why this repository may not
/// take it. Without `[sync]` any repository may (a workspace that does not
/// sync between sites, or one not yet set up for it).
pub fn may(ws: &Workspace, slug: &str, step: Step) -> Result<Option<String>> {
    let site = this_site(ws)?;
    let Some(settings) = &ws.config.sync else {
        return Ok(site.map(|s| s.name));
    };
    let allowed = step.allowed(settings);
    let refuse = |reason: String| WorkspaceError::Site {
        reason: format!("{slug}: {reason}"),
    };
    let Some(site) = site else {
        return Err(refuse(format!(
            "this workspace syncs between sites and only the site {allowed} {}; this repository has no site name",
            step.words()
        )));
    };
    if site.name != allowed {
        return Err(refuse(format!(
            "only the site {allowed} {} ([sync] in {CONFIG_FILE}); this repository is the site {}",
            step.words(),
            site.name
        )));
    }
    if !site.claimed || claim_disputed(ws, &site.name)? {
        return Err(refuse(format!(
            "the site name {} is claimed by another repository (refs/duthao/sites/{}); this one cannot act as it",
            site.name, site.name
        )));
    }
    Ok(Some(site.name))
}

/// Whether another repository's claim of `name` came in and differs.
fn claim_disputed(ws: &Workspace, name: &str) -> Result<bool> {
    let claim = format!("refs/duthao/sites/{name}");
    Ok(ws.store().sync_conflicts()?.iter().any(|k| k.name == claim))
}

/// How strictly a tag is held to the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// A tag about to be sent or taken in: when the workspace's own
    /// `duthao.toml` has `[sync]`, a version or issue tag must name the
    /// allowed site even if the roster it records has none, and a tag
    /// that cannot be read is refused (its site is unknown).
    Exchange,
    /// `verify`: the rule of the tag's own roster, or the workspace's for a
    /// tag that names a site; older tags made before `[sync]` existed and
    /// naming none are left alone (unreadable tags are sign-off problems
    /// of their own).
    Verify,
}

/// Checks version and issue tags against the site rule, reading each
/// roster's `[sync]` once.
#[derive(Debug, Default)]
pub struct SiteRules {
    settings: HashMap<ObjectId, Option<Option<SyncSettings>>>,
}

impl SiteRules {
    /// No roster read yet.
    pub fn new() -> SiteRules {
        SiteRules::default()
    }

    /// The `[sync]` of the `duthao.toml` blob `blob`: `None` when it
    /// cannot be read, `Some(None)` when it has no `[sync]`.
    fn roster(&mut self, ws: &Workspace, blob: Option<ObjectId>) -> Option<Option<SyncSettings>> {
        let blob = blob?;
        self.settings
            .entry(blob)
            .or_insert_with(|| settings_of_blob(ws, blob))
            .clone()
    }

    /// Why the tag `tag` (without `refs/tags/`), pointing at the tag object
    /// `oid` (here, or the other side's kept aside), breaks the rule;
    /// `None` for any tag that is not a version or an issue.
    pub fn problem(
        &mut self,
        ws: &Workspace,
        tag: &str,
        oid: ObjectId,
        strictness: Strictness,
    ) -> Result<Option<String>> {
        let Some((slug, what)) = tag.strip_prefix("duthao/").and_then(|r| r.split_once('/')) else {
            return Ok(None);
        };
        let step = if what == "issued" {
            Step::Issue
        } else if what
            .strip_prefix('v')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        {
            Step::Submit
        } else {
            return Ok(None);
        };
        let workspace_rule = ws.config.sync.clone();
        let read = ws
            .store()
            .signed_tag_object(tag, oid)
            .ok()
            .flatten()
            .filter(|t| t.problem.is_none());
        let Some(t) = read else {
            return Ok(match (strictness, &workspace_rule) {
                (Strictness::Exchange, Some(rule)) => Some(format!(
                    "{tag} cannot be read as a duthao tag, so the site that made it is not known; only {} {}",
                    step.allowed(rule),
                    step.words()
                )),
                _ => None,
            });
        };
        // The rule in force where the tag was made: the roster a version
        // records, and the duthao.toml of the commit the tag names (which
        // a tag made by hand with an old roster cannot hide: its commit is
        // as recent as the work it freezes). An issue is judged by the
        // duthao.toml of its own commit (after a handover of the site, the
        // version's roster is not the one in force).
        let commit_toml = t
            .target
            .and_then(|c| ws.store().blob_at(c, Path::new(CONFIG_FILE)).ok().flatten());
        let (site, known, rules) = match step {
            Step::Submit => {
                let (_, trailers) = duthao_store::split_trailers(&t.message);
                let value = |key: &str| {
                    trailers
                        .iter()
                        .find(|(k, _)| *k == key)
                        .map(|(_, v)| v.trim().to_string())
                };
                let recorded = value(duthao_store::TRAILER_CONFIG_BLOB)
                    .and_then(|b| b.parse::<ObjectId>().ok());
                let roster = self.roster(ws, recorded);
                let at_commit = self.roster(ws, commit_toml);
                let known = roster.is_some() || at_commit.is_some();
                (
                    value(TRAILER_SITE),
                    known,
                    [roster.flatten(), at_commit.flatten()],
                )
            }
            Step::Issue => match duthao_approval::parse_issue(&t.message) {
                Ok(fields) => {
                    let at_commit = self.roster(ws, commit_toml);
                    let version = ws
                        .store()
                        .versions(slug)?
                        .into_iter()
                        .find(|v| v.n == fields.version);
                    let roster = self.roster(ws, version.and_then(|v| v.config_blob));
                    let known = at_commit.is_some() || roster.is_some();
                    // The issue's own commit first; the version's roster
                    // only when that cannot be read.
                    let first = match at_commit {
                        Some(rule) => rule,
                        None => roster.flatten(),
                    };
                    (fields.site, known, [first, None])
                }
                Err(_) => (None, false, [None, None]),
            },
        };
        let [first, second] = rules;
        let rule = match (first.or(second), known, strictness) {
            (Some(r), _, _) => Some(r),
            // Read, and no [sync] was in force: a tag from before sites.
            (None, true, _) => None,
            (None, false, Strictness::Exchange) => workspace_rule,
            (None, false, Strictness::Verify) => workspace_rule.filter(|_| site.is_some()),
        };
        Ok(rule.and_then(|r| problem(tag, step, site.as_deref(), &r)))
    }

    /// Why the version `v` (here) breaks the rule, for `verify`.
    pub fn version_problem(&mut self, ws: &Workspace, v: &Version) -> Option<String> {
        let oid = v.tag_oid?;
        self.problem(ws, &v.tag, oid, Strictness::Verify)
            .ok()
            .flatten()
    }

    /// [`SiteRules::problem`] for the tag `tag` as it is here.
    pub fn tag_problem(&mut self, ws: &Workspace, tag: &str) -> Result<Option<String>> {
        let Some(oid) = ws.store().ref_target(&format!("refs/tags/{tag}"))? else {
            return Ok(None);
        };
        self.problem(ws, tag, oid, Strictness::Exchange)
    }
}

fn problem(tag: &str, step: Step, site: Option<&str>, settings: &SyncSettings) -> Option<String> {
    let allowed = step.allowed(settings);
    match site {
        Some(s) if s == allowed => None,
        Some(s) => Some(format!(
            "{tag} was made at the site {s}, but only {allowed} {} ({TRAILER_SITE})",
            step.words()
        )),
        None => Some(format!(
            "{tag} names no site, but only {allowed} {} ({TRAILER_SITE} is missing)",
            step.words()
        )),
    }
}

/// The `[sync]` settings of a `duthao.toml` blob: `None` when it cannot
/// be read as one, `Some(None)` when it has no `[sync]`.
fn settings_of_blob(ws: &Workspace, blob: ObjectId) -> Option<Option<SyncSettings>> {
    let bytes = ws.store().blob_bytes(blob, MAX_CONFIG_BYTES).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    Some(Config::parse(&text, Path::new(CONFIG_FILE)).ok()?.sync)
}
