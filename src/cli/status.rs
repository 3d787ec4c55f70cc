use super::Context;
use super::output::outln;
use super::output::{bold_line, format_time, short};

/// One draft: its versions, where it stands, and what to do next.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The draft (its file is drafts/SLUG.md).
    pub slug: String,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<()> {
    let ws = ctx.workspace()?;
    let slug = ctx.slug(&ws, &args.slug)?;
    let s = ws.status(&slug)?;
    let result = match &s.problem {
        // Everything known is shown, but a draft that does not read is an
        // error the drafter must fix: exit 1 with the reason.
        Some(p) => Err(anyhow::anyhow!("{p}")),
        None => Ok(()),
    };
    if args.json {
        super::output::print_json(&s)?;
        return result;
    }
    let kind = if s.kind_name.is_empty() {
        &s.kind
    } else {
        &s.kind_name
    };
    bold_line(&format!("{} {}", kind, s.title), ctx.color)?;
    outln!("file:     {} (profile {})", s.file, s.profile)?;
    outln!("stage:    {}", s.stage)?;
    if s.uncommitted {
        outln!("          the text on disk has uncommitted changes")?;
    }
    if s.revisions_since_version > 0 && !s.versions.is_empty() {
        outln!(
            "          {} commit(s) since the latest version",
            s.revisions_since_version
        )?;
    }
    if s.versions.is_empty() {
        outln!("versions: none yet")?;
    } else {
        outln!("versions:")?;
        for v in &s.versions {
            let msg = if v.message.is_empty() {
                String::new()
            } else {
                format!("  {}", v.message.lines().next().unwrap_or(""))
            };
            outln!(
                "  v{:<3} Dự thảo lần {:<3} {}  {}  {}{msg}",
                v.n,
                v.n,
                format_time(v.time, v.offset_minutes),
                short(&v.commit),
                v.submitted_by
            )?;
        }
    }
    outln!("next:")?;
    for n in &s.next {
        outln!("  {n}")?;
    }
    result
}
