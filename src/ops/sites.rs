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

use std::path::Path;

use duthao_store::{ObjectId, Site, TRAILER_SITE};

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
    let refuse = |reason: String| WorkspaceError::SignOff {
        slug: slug.to_string(),
        reason,
    };
    let Some(site) = site else {
        return Err(refuse(format!(
            "this workspace syncs between sites and only the site {allowed} {}; this repository has no site name (name it with sync --site {allowed} if it is that site)",
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

/// The `[sync]` settings of the `duthao.toml` blob a tag records.
pub fn settings_of_blob(ws: &Workspace, blob: ObjectId) -> Option<SyncSettings> {
    let bytes = ws.store().blob_bytes(blob, MAX_CONFIG_BYTES).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    Config::parse(&text, Path::new(CONFIG_FILE)).ok()?.sync
}

/// Why a version or issue tag breaks the site rule of the roster it
/// records: made at a site other than the one that roster allows. `None`
/// when it keeps it (or the roster has no `[sync]`).
pub fn tag_site_problem(ws: &Workspace, tag: &str) -> Result<Option<String>> {
    let Some(rest) = tag.strip_prefix("duthao/") else {
        return Ok(None);
    };
    let Some((slug, what)) = rest.split_once('/') else {
        return Ok(None);
    };
    let (step, site, config_blob) = if what == "issued" {
        let Some(t) = ws.store().signed_tag(tag)? else {
            return Ok(None);
        };
        let Ok(fields) = duthao_approval::parse_issue(&t.message) else {
            return Ok(None);
        };
        // The roster of the version issued.
        let version = ws
            .store()
            .versions(slug)?
            .into_iter()
            .find(|v| v.n == fields.version);
        (
            Step::Issue,
            fields.site,
            version.and_then(|v| v.config_blob),
        )
    } else if let Some(n) = what.strip_prefix('v').and_then(|n| n.parse::<u32>().ok()) {
        let Some(v) = ws.store().versions(slug)?.into_iter().find(|v| v.n == n) else {
            return Ok(None);
        };
        (Step::Submit, v.site, v.config_blob)
    } else {
        return Ok(None);
    };
    let Some(settings) = config_blob.and_then(|b| settings_of_blob(ws, b)) else {
        return Ok(None);
    };
    let allowed = step.allowed(&settings);
    Ok(match site.as_deref() {
        Some(s) if s == allowed => None,
        Some(s) => Some(format!(
            "{tag} was made at the site {s}, but only {allowed} {} ({TRAILER_SITE})",
            step.words()
        )),
        None => Some(format!(
            "{tag} names no site, but only {allowed} {} ({TRAILER_SITE} is missing)",
            step.words()
        )),
    })
}
