use super::Context;
use super::output::outln;
use duthao::approval::{Decision, Stage};
use duthao::ops::{Decided, DecisionRequest};

/// Approve a version at your level: an SSH-signed tag that `git tag -v`
/// checks against .duthao/allowed_signers.
///
/// Your key decides who you are: it must be listed at the level in the
/// duthao.toml of the version. Levels approve in order; the submitter of a
/// version cannot approve it.
#[derive(clap::Args, Debug)]
pub struct Args {
    pub slug: String,
    /// The level you approve for (its id in duthao.toml, e.g. ban-thuong-vu).
    #[arg(long)]
    pub level: String,
    /// The version ("v2" or "2"); the latest by default.
    #[arg(long, value_name = "vN")]
    pub version: Option<String>,
    /// A note kept in the approval.
    #[arg(short, long, default_value = "")]
    pub message: String,
    /// Sign with this SSH key (a private key file, a .pub file whose key
    /// ssh-agent holds, or "key::ssh-ed25519 AAAA…"); by default
    /// DUTHAO_SIGNING_KEY, then git's user.signingkey with gpg.format=ssh.
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    #[arg(long)]
    pub json: bool,
}

/// Reject a version at your level, with the reason: the level is blocked
/// until a new version is submitted.
#[derive(clap::Args, Debug)]
pub struct RejectArgs {
    pub slug: String,
    /// The level you decide for.
    #[arg(long)]
    pub level: String,
    /// The version; the latest by default.
    #[arg(long, value_name = "vN")]
    pub version: Option<String>,
    /// Why: what the drafter must change.
    #[arg(long, required = true)]
    pub reason: String,
    /// Sign with this SSH key (see `approve --key`).
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn parse_version(v: &str) -> anyhow::Result<u32> {
    let digits = v.strip_prefix('v').unwrap_or(v);
    match digits.parse::<u32>() {
        Ok(n) if n > 0 && !digits.starts_with('0') => Ok(n),
        _ => anyhow::bail!("`{v}` is not a version; write v1, v2 … (or 1, 2 …)"),
    }
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<()> {
    let version = args.version.as_deref().map(parse_version).transpose()?;
    decide(
        ctx,
        &args.slug,
        &args.level,
        version,
        Decision::Approve,
        &args.message,
        args.key.as_deref(),
        args.json,
    )
}

pub fn run_reject(args: RejectArgs, ctx: &Context) -> anyhow::Result<()> {
    let version = args.version.as_deref().map(parse_version).transpose()?;
    decide(
        ctx,
        &args.slug,
        &args.level,
        version,
        Decision::Reject,
        &args.reason,
        args.key.as_deref(),
        args.json,
    )
}

#[allow(clippy::too_many_arguments)]
fn decide(
    ctx: &Context,
    slug: &str,
    level: &str,
    version: Option<u32>,
    decision: Decision,
    note: &str,
    key: Option<&str>,
    json: bool,
) -> anyhow::Result<()> {
    let ws = ctx.workspace()?;
    let slug = ctx.slug(&ws, slug)?;
    let d: Decided = duthao::ops::decide(
        &ws,
        &DecisionRequest {
            slug: &slug,
            level,
            version,
            decision,
            note,
            key,
        },
    )?;
    if json {
        return super::output::print_json(&d);
    }
    let verb = match d.decision {
        Decision::Approve => "approved",
        Decision::Reject => "rejected",
    };
    outln!(
        "{}: {} {verb} Dự thảo lần {} for {} (signed tag {}).",
        d.slug,
        d.approver,
        d.version,
        d.level_name,
        d.tag
    )?;
    outln!("{}", stage_line(&d.slug, &d.stage))?;
    for w in &d.warnings {
        super::output::errln!(
            "warning: the final document of Dự thảo lần {}: {w}",
            d.version
        );
    }
    outln!(
        "Anyone can check it with git alone: git -c gpg.ssh.allowedSignersFile=.duthao/allowed_signers tag -v {}",
        d.tag
    )?;
    Ok(())
}

/// The next step, in a line.
pub fn stage_line(slug: &str, stage: &Stage) -> String {
    match stage {
        Stage::Awaiting {
            name,
            have,
            need,
            level,
            ..
        } => format!(
            "Now waiting for {name}: {have} of {need} (duthao approve {slug} --level {level})."
        ),
        Stage::Rejected { name, .. } => {
            format!("{name} rejected it; the drafter submits a new version.")
        }
        Stage::Approved { version } => format!(
            "Every level has approved version {version}; the clerk can issue it: duthao issue {slug}"
        ),
        Stage::Issued { .. } => "It is issued.".into(),
        Stage::NoVersion | Stage::NoLevels | Stage::NoRoster { .. } => String::new(),
    }
}
