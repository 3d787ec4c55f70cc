use std::path::PathBuf;

use duthao::ops::{InitOptions, init};

use super::Context;
use super::output::outln;

/// Create a workspace: a git repository with duthao.toml, the layout templates
/// and an example draft, committed.
///
/// Edit duthao.toml afterwards: the organisation (issuing body, code, place),
/// the review levels in order with their approvers and SSH keys, and the
/// bodies that send comments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder to create the workspace in (default: the current folder).
    pub dir: Option<PathBuf>,
    /// Default layout profile: party (văn bản của Đảng), state (Nghị định 30/2020), party-2018.
    #[arg(long, default_value = "party")]
    pub profile: String,
    /// Do not add the example draft.
    #[arg(long)]
    pub no_example: bool,
    /// Print what was made as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<()> {
    let dir = match args.dir {
        Some(d) if d.is_absolute() => d,
        Some(d) => ctx.cwd.join(d),
        None => ctx.cwd.clone(),
    };
    let report = init(
        &dir,
        &InitOptions {
            profile: args.profile,
            example: !args.no_example,
            identity: None,
        },
    )?;
    if args.json {
        return super::output::print_json(&report);
    }
    outln!(
        "Created a duthao workspace in {} (profile {}).",
        report.root.display(),
        report.profile
    )?;
    if let Some(slug) = &report.example {
        outln!("Example draft: drafts/{slug}.md")?;
    }
    outln!()?;
    outln!("Next:")?;
    outln!("  edit duthao.toml: your organisation, review levels and approvers")?;
    let new = format!("duthao new {} my-draft --title \"về …\"", report.first_kind);
    outln!("  {new:<48} start a draft")?;
    outln!("  {:<48} see every draft", "duthao list")?;
    Ok(())
}
