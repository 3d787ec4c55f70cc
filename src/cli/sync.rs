use duthao::ops::{Moved, SyncReport, SyncRequest, SyncStatus};

use super::Context;
use super::output::outln;

/// Meet another site: fetch, bring the drafts together (fast-forward, or
/// this site's commits replayed on top), take in every version, approval,
/// issue and review event, and push back, retrying when another site pushed
/// first. A tag the two sides hold differently is never overwritten either
/// way; a draft both sides changed in the same place stops the sync with
/// both sides kept. Exit 0 when everything was exchanged, 1 otherwise.
///
/// REMOTE is a configured remote, a path to a bare repository, or an
/// address (ssh://, https://, git:// go through the git program and its
/// credential helpers). Without network, carry a bundle: --bundle-out FILE
/// here, --bundle-in FILE there.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The remote: its name, a path or an address (default: the branch's
    /// upstream, else origin).
    #[arg(conflicts_with_all = ["bundle_in", "bundle_out"])]
    pub remote: Option<String>,
    /// Name this repository's site (lower-case letters, digits and '-'),
    /// claimed so that no other repository can use the name.
    #[arg(long, value_name = "NAME")]
    pub site: Option<String>,
    /// Take in a bundle another site wrote (git bundle format).
    #[arg(long, value_name = "FILE", conflicts_with = "bundle_out")]
    pub bundle_in: Option<std::path::PathBuf>,
    /// Write a bundle for a site with no network to this one.
    #[arg(long, value_name = "FILE")]
    pub bundle_out: Option<std::path::PathBuf>,
    /// With --bundle-out: leave out the history before this revision (one
    /// the other site has; it must already hold it to read the bundle).
    #[arg(long, value_name = "REV", requires = "bundle_out")]
    pub since: Option<String>,
    /// With --bundle-out: the site the bundle is for; what it had when its
    /// last bundle came in here is left out.
    #[arg(
        long = "for",
        value_name = "SITE",
        requires = "bundle_out",
        conflicts_with = "since"
    )]
    pub for_site: Option<String>,
    /// Print the report as one JSON document (also when the sync stops
    /// or fails).
    #[arg(long)]
    pub json: bool,
}

/// For the tests that kill a sync at each of its steps:
/// `DUTHAO_SYNC_PAUSE=<step>` prints `sync-paused: <step>` there and waits.
fn pause_for_tests(point: &str) {
    if std::env::var_os("DUTHAO_SYNC_PAUSE").is_some_and(|p| p == point) {
        super::output::note(&format!("sync-paused: {point}"));
        std::thread::sleep(std::time::Duration::from_secs(30));
    }
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<()> {
    if std::env::var_os("DUTHAO_SYNC_PAUSE").is_some() {
        duthao::store::on_pause_point(pause_for_tests);
    }
    let ws = ctx.workspace()?;
    // A path is read from where the command runs (-C DIR), as git does.
    let remote = args.remote.as_ref().map(|r| {
        let path = std::path::Path::new(r);
        if path.is_relative() && !r.contains("://") && ctx.cwd.join(path).exists() {
            ctx.cwd.join(path).display().to_string()
        } else {
            r.clone()
        }
    });
    let req = SyncRequest {
        remote,
        site: args.site.clone(),
        bundle_in: args.bundle_in.as_ref().map(|f| ctx.cwd.join(f)),
        bundle_out: args.bundle_out.as_ref().map(|f| ctx.cwd.join(f)),
        since: args.since.clone(),
        for_site: args.for_site.clone(),
    };
    let report = match duthao::ops::sync(&ws, &req) {
        Ok(r) => r,
        Err(e) => {
            let e = anyhow::Error::from(e);
            // A script reading --json gets a document on every outcome.
            if args.json {
                #[derive(serde::Serialize)]
                struct Failed {
                    status: &'static str,
                    error: String,
                    hints: Vec<String>,
                }
                super::output::print_json(&Failed {
                    status: "error",
                    error: e.to_string(),
                    hints: super::hints::hints(&e),
                })?;
            }
            return Err(e);
        }
    };
    if args.json {
        super::output::print_json(&report)?;
    } else {
        print(&report)?;
    }
    if report.ok() {
        Ok(())
    } else {
        Err(super::Exit(1, String::new()).into())
    }
}

fn print(r: &SyncReport) -> anyhow::Result<()> {
    let site = r
        .site
        .as_deref()
        .map(|s| format!(" (site {s})"))
        .unwrap_or_default();
    match &r.bundle {
        Some(b) => outln!(
            "bundle {} written{site}: {} ref(s), {} object(s){}",
            b.path,
            b.refs,
            b.objects,
            if b.prerequisites.is_empty() {
                ", the whole history".to_string()
            } else {
                format!(", history after {}", short_list(&b.prerequisites))
            }
        )?,
        None if r.remote.url.is_empty() => outln!("site named{site}")?,
        None if r.remote.transport == "bundle" || r.remote.name.starts_with("url-") => outln!(
            "sync with {}{}, branch {}{site}",
            if r.remote.transport == "bundle" {
                "the bundle "
            } else {
                ""
            },
            r.remote.url,
            r.branch
        )?,
        None => outln!(
            "sync with {} ({}), branch {}{site}",
            r.remote.name,
            r.remote.url,
            r.branch
        )?,
    }
    moved("in", &r.incoming)?;
    // A bundle holds every ref; which of them the other site lacks is not
    // known here.
    moved(
        if r.bundle.is_some() { "bundle" } else { "out" },
        &r.outgoing,
    )?;
    if r.incoming.is_empty() && r.outgoing.is_empty() && r.ok() && !r.remote.url.is_empty() {
        outln!("  nothing to do: both sides hold the same")?;
    }
    match r.integration {
        "replay" => outln!(
            "  this site's commits were replayed on {}'s{}",
            r.remote.name,
            if r.skipped_commits > 0 {
                format!(" ({} already there, left out)", r.skipped_commits)
            } else {
                String::new()
            }
        )?,
        "merge" => outln!(
            "  joined with a merge commit: this site's line has commits named by versions or approvals, which keep their ids"
        )?,
        _ => {}
    }
    if r.attempts > 1 && r.bundle.is_none() {
        outln!(
            "  pushed at attempt {} (other sites pushed first)",
            r.attempts
        )?;
    }
    for f in &r.merged_files {
        outln!("  merged: {f} (both sides changed it, in different places)")?;
    }
    for h in &r.held_back {
        outln!("  {}", h.reason)?;
    }
    for h in &r.refused {
        outln!("  not taken in: {}", h.reason)?;
    }
    for n in &r.notes {
        outln!("  note: {n}")?;
    }
    if let Some(c) = &r.draft_conflict {
        outln!(
            "{} changed here and at {} in the same place:",
            c.files.join(", "),
            r.remote.name
        )?;
        outln!("  here:   {}", c.here)?;
        outln!("  {} {}", pad_side(&r.remote.name), c.there)?;
        outln!(
            "nothing was integrated; both sides are kept: {}",
            c.kept.join(" (this site's), ") + &format!(" ({}'s)", r.remote.name)
        )?;
        outln!(
            "hint: git merge refs/duthao/sync/remote; edit {} to keep the right text (remove the <<<<<<< ======= >>>>>>> lines); git commit -a --no-edit; then duthao sync",
            c.files.join(", ")
        )?;
    }
    for c in &r.conflicts {
        let name = c
            .name
            .strip_prefix("refs/tags/")
            .unwrap_or(&c.name)
            .to_string();
        outln!(
            "conflict: {name} differs here and at {}; neither was changed",
            r.remote.name
        )?;
        outln!("  here:   {}", c.here)?;
        outln!("  {} {}", pad_side(&r.remote.name), c.there)?;
        outln!("  theirs kept as {}", c.kept_at)?;
        if c.name.starts_with("refs/duthao/sites/") {
            outln!(
                "hint: two repositories claim one site name; the one that is not that site takes another: duthao sync --site OTHER-NAME"
            )?;
        } else if c.name.starts_with("refs/tags/") {
            outln!(
                "hint: to keep theirs: git tag -d {name}, then duthao sync; to keep this one: delete it at {} (git push {} :{}), then duthao sync",
                r.remote.name,
                r.remote.url,
                c.name
            )?;
        } else {
            outln!(
                "hint: the same number was reserved at two sites; keep one (git update-ref -d {} here, or delete it at {}), then duthao sync and duthao verify",
                c.name,
                r.remote.name
            )?;
        }
    }
    if r.status == SyncStatus::Busy {
        outln!("hint: sync again in a while")?;
    }
    Ok(())
}

/// "origin:" padded to the width of "here:  ", so both sides line up.
fn pad_side(name: &str) -> String {
    let label: String = format!("{name}:").chars().take(40).collect();
    format!("{label:<7}")
}

fn short_list(ids: &[String]) -> String {
    ids.iter()
        .map(|i| i.get(..7).unwrap_or(i).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// "in:   nq-15  v3; 2 revisions; 14 comments, 3 replies; approval …".
fn moved(label: &str, m: &Moved) -> anyhow::Result<()> {
    for line in moved_lines(label, m) {
        outln!("  {line}")?;
    }
    Ok(())
}

/// The lines of [`moved`], without their indent.
pub(super) fn moved_lines(label: &str, m: &Moved) -> Vec<String> {
    if m.is_empty() {
        return Vec::new();
    }
    let mut slugs: Vec<&str> = m.by_draft.keys().map(String::as_str).collect();
    for t in m
        .versions
        .iter()
        .chain(&m.approvals)
        .chain(&m.rejections)
        .chain(&m.issues)
    {
        if !slugs.contains(&t.slug.as_str()) {
            slugs.push(&t.slug);
        }
    }
    slugs.sort_unstable();
    let mut lines = Vec::new();
    for slug in slugs {
        let mut parts = Vec::new();
        let vs: Vec<String> = m
            .versions
            .iter()
            .filter(|t| t.slug == slug)
            .map(|t| format!("v{}", t.n))
            .collect();
        if !vs.is_empty() {
            parts.push(format!("version {}", vs.join(", ")));
        }
        if let Some(d) = m.by_draft.get(slug) {
            if d.revisions > 0 {
                parts.push(count(d.revisions, "revision", "revisions"));
            }
            let mut events = Vec::new();
            for (n, one, many) in [
                (d.comments, "comment", "comments"),
                (d.replies, "reply", "replies"),
                (d.responses, "response", "responses"),
                (d.agreements, "agreement", "agreements"),
                (d.withdrawals, "withdrawal", "withdrawals"),
            ] {
                if n > 0 {
                    events.push(count(n, one, many));
                }
            }
            if !events.is_empty() {
                parts.push(events.join(", "));
            }
        }
        for (list, word) in [(&m.approvals, "approval"), (&m.rejections, "rejection")] {
            for t in list.iter().filter(|t| t.slug == slug) {
                parts.push(format!(
                    "{word} of v{} at {}{}",
                    t.n,
                    t.level.as_deref().unwrap_or("?"),
                    t.approver
                        .as_deref()
                        .map(|a| format!(" ({a})"))
                        .unwrap_or_default()
                ));
            }
        }
        if m.issues.iter().any(|t| t.slug == slug) {
            parts.push("issued".into());
        }
        lines.push(format!("{slug}  {}", parts.join("; ")));
    }
    if !m.other_files.is_empty() {
        let more = if m.other_files_more > 0 {
            format!(" and {} more", m.other_files_more)
        } else {
            String::new()
        };
        lines.push(format!("also changed: {}{more}", m.other_files.join(", ")));
    }
    if lines.is_empty() && m.commits > 0 {
        lines.push(count(m.commits, "commit", "commits"));
    }
    if !m.reservations.is_empty() {
        lines.push(format!(
            "number reservations: {}",
            m.reservations.join(", ")
        ));
    }
    if !m.sites.is_empty() {
        lines.push(format!("site claims: {}", m.sites.join(", ")));
    }
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let head = if i == 0 {
                format!("{label}:")
            } else {
                String::new()
            };
            format!("{head:<7} {line}")
        })
        .collect()
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
