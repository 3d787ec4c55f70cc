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
                "{name:?} is not a site name; use lower-case ASCII letters, digits and '-', e.g. vp-tinh-uy"
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

/// Checks tags against the site rule of the roster each records, reading
/// each roster's `[sync]` once.
#[derive(Debug, Default)]
pub struct SiteRules {
    settings: HashMap<ObjectId, Option<SyncSettings>>,
}

impl SiteRules {
    /// No roster read yet.
    pub fn new() -> SiteRules {
        SiteRules::default()
    }

    fn settings(&mut self, ws: &Workspace, blob: Option<ObjectId>) -> Option<SyncSettings> {
        let blob = blob?;
        self.settings
            .entry(blob)
            .or_insert_with(|| settings_of_blob(ws, blob))
            .clone()
    }

    /// Why the version `v` breaks the rule of its own roster, if it does.
    pub fn version_problem(&mut self, ws: &Workspace, v: &Version) -> Option<String> {
        // A tag that records no roster (made by hand with git) is held to
        // the duthao.toml of the commit it names.
        let blob = v.config_blob.or_else(|| {
            ws.store()
                .blob_at(v.commit, Path::new(CONFIG_FILE))
                .ok()
                .flatten()
        });
        let settings = self.settings(ws, blob)?;
        problem(&v.tag, Step::Submit, v.site.as_deref(), &settings)
    }

    /// Why the issue tag `tag` (its fields read) breaks the rule of the
    /// issued version's roster, if it does.
    pub fn issue_problem(
        &mut self,
        ws: &Workspace,
        tag: &str,
        site: Option<&str>,
        version: Option<&Version>,
    ) -> Option<String> {
        let settings = self.settings(ws, version?.config_blob)?;
        problem(tag, Step::Issue, site, &settings)
    }

    /// [`SiteRules::version_problem`] or [`SiteRules::issue_problem`] for
    /// the tag `tag` (without `refs/tags/`); `None` for any other tag.
    pub fn tag_problem(&mut self, ws: &Workspace, tag: &str) -> Result<Option<String>> {
        let Some((slug, what)) = tag.strip_prefix("duthao/").and_then(|r| r.split_once('/')) else {
            return Ok(None);
        };
        if what == "issued" {
            let Some(t) = ws.store().signed_tag(tag)? else {
                return Ok(None);
            };
            let Ok(fields) = duthao_approval::parse_issue(&t.message) else {
                return Ok(None);
            };
            let version = ws
                .store()
                .versions(slug)?
                .into_iter()
                .find(|v| v.n == fields.version);
            return Ok(self.issue_problem(ws, tag, fields.site.as_deref(), version.as_ref()));
        }
        let Some(n) = what.strip_prefix('v').and_then(|n| n.parse::<u32>().ok()) else {
            return Ok(None);
        };
        let Some(v) = ws.store().versions(slug)?.into_iter().find(|v| v.n == n) else {
            return Ok(None);
        };
        Ok(self.version_problem(ws, &v))
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

/// The `[sync]` settings of the `duthao.toml` blob a tag records.
fn settings_of_blob(ws: &Workspace, blob: ObjectId) -> Option<SyncSettings> {
    let bytes = ws.store().blob_bytes(blob, MAX_CONFIG_BYTES).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    Config::parse(&text, Path::new(CONFIG_FILE)).ok()?.sync
}
