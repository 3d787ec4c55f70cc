use super::Context;
use super::output::outln;
use super::output::short;

/// Freeze the committed text as the next version, "Dự thảo lần N", to send
/// out for comment. Reviewers always comment on a version.
///
/// Refuses text that is not committed and a draft that does not read.
#[derive(clap::Args, Debug)]
pub struct Args {
    pub slug: String,
    /// A note for the reviewers (what changed, what to look at).
    #[arg(short, long, default_value = "")]
    pub message: String,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<()> {
    let ws = ctx.workspace()?;
    let slug = ctx.slug(&ws, &args.slug)?;
    let v = duthao::ops::submit(&ws, &slug, &args.message)?;
    if args.json {
        return super::output::print_json(&duthao::ops::VersionInfo::from(&v));
    }
    outln!(
        "{}: Dự thảo lần {} (tag {}) at {}.",
        v.slug,
        v.n,
        v.tag,
        short(&v.commit.to_string())
    )?;
    if v.n > 1 {
        outln!(
            "Reviewers can see what changed: duthao diff {} v{} v{}",
            v.slug,
            v.n - 1,
            v.n
        )?;
    }
    Ok(())
}
