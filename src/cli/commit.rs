use super::Context;
use super::output::short;
use super::output::{errln, outln};

/// Commit one draft (drafts/SLUG.md) and nothing else.
///
/// Other changed files are left as they are. Plain `git commit` works too.
#[derive(clap::Args, Debug)]
pub struct Args {
    pub slug: String,
    /// What changed in this revision.
    #[arg(short, long)]
    pub message: String,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<()> {
    let ws = ctx.workspace()?;
    let slug = ctx.slug(&ws, &args.slug)?;
    let c = duthao::ops::commit(&ws, &slug, &args.message)?;
    if c.normalised {
        errln!(
            "note: drafts/{}.md was in NFD (decomposed Unicode); it is stored as NFC, which looks the same",
            c.slug
        );
    }
    if let Some(note) = &c.index_note {
        errln!("warning: {note}");
        errln!(
            "hint: to make `git status` agree, run here: git reset -q -- drafts/{}.md",
            c.slug
        );
    }
    if let Some(w) = &c.warning {
        errln!("warning: committed, but the draft has a problem to fix before `submit`:\n  {w}");
    }
    if args.json {
        return super::output::print_json(&c);
    }
    outln!("Committed drafts/{}.md as {}.", c.slug, short(&c.commit))?;
    Ok(())
}
