use duthao::ops::LogEvent;

use super::Context;
use super::output::outln;
use super::output::{format_time, short};

/// A draft's history in time order: every commit that changed it, every
/// version sent out for comment, and every comment, reply, answer (tiếp thu /
/// giải trình) and "no comments" (thống nhất) recorded on it.
#[derive(clap::Args, Debug)]
pub struct Args {
    pub slug: String,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<()> {
    let ws = ctx.workspace()?;
    let slug = ctx.slug(&ws, &args.slug)?;
    let entries = duthao::ops::log(&ws, &slug)?;
    if args.json {
        return super::output::print_json(&entries);
    }
    if entries.is_empty() {
        outln!(
            "{}: no history yet; commit it first: duthao commit {} -m \"…\"",
            slug,
            slug
        )?;
    }
    for e in &entries {
        let when = format_time(e.time, e.offset_minutes);
        match &e.event {
            LogEvent::Revision { commit, summary } => {
                outln!("{when}  revision  {}  {}  {summary}", short(commit), e.who)?
            }
            LogEvent::Version {
                n, commit, message, ..
            } => {
                let first = message.lines().next().unwrap_or("");
                let label = format!("Dự thảo lần {n}");
                let line = format!(
                    "{when}  version   {}  {}  {}{}",
                    short(commit),
                    e.who,
                    label,
                    if first.is_empty() {
                        String::new()
                    } else {
                        format!(": {first}")
                    }
                );
                super::output::bold_line(&line, ctx.color)?;
            }
            LogEvent::SignOff {
                kind,
                summary,
                problem,
                ..
            } => {
                let line = format!("{when}  {kind:<9} {}  {summary}", e.who);
                super::output::bold_line(&line, ctx.color)?;
                if let Some(p) = problem {
                    outln!("          ✗ not counted: {p}")?;
                }
            }
            LogEvent::Review {
                kind, id, summary, ..
            } => {
                let short_id = id.get(10..18).unwrap_or(id);
                outln!(
                    "{when}  {kind:<9} {short_id}  {}  {}",
                    e.who,
                    super::output::cut(summary, 160)
                )?
            }
        }
    }
    Ok(())
}
