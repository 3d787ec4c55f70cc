use super::Context;
use super::output::outln;
use super::output::{bold_line, cut, pad};

/// Every draft: slug, kind, title, latest version, stage in the pipeline and
/// comments still without a response.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print one JSON document instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<()> {
    let ws = ctx.workspace()?;
    let drafts = duthao::ops::list(&ws)?;
    if args.json {
        return super::output::print_json(&drafts);
    }
    if drafts.is_empty() {
        outln!("No drafts yet. Start one: duthao new nghi-quyet my-draft --title \"về …\"")?;
        return Ok(());
    }
    let w = drafts
        .iter()
        .map(|d| d.slug.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    bold_line(
        &format!(
            "{}  {}  {}  {}  {}  {}  {}",
            pad("SLUG", w),
            pad("KIND", 14),
            pad("VERSION", 7),
            pad("STAGE", 24),
            pad("OPEN", 4),
            pad("APPROVAL", 36),
            "TITLE"
        ),
        ctx.color,
    )?;
    for d in &drafts {
        let version = d
            .latest_version
            .map(|n| format!("v{n}"))
            .unwrap_or_else(|| "-".into());
        let mut stage = d.stage.to_string();
        if d.uncommitted {
            stage.push_str(" *");
        }
        let title = match (&d.title, &d.error) {
            (_, Some(e)) => format!("(cannot read: {e})"),
            (Some(t), None) => cut(t, 60),
            (None, None) => String::new(),
        };
        let open = if d.open_comments > 0 {
            d.open_comments.to_string()
        } else {
            "-".into()
        };
        let approval = d
            .approval
            .as_deref()
            .map_or("-".to_string(), |a| cut(a, 36));
        outln!(
            "{}  {}  {}  {}  {:>4}  {}  {}",
            pad(&d.slug, w),
            pad(d.kind.as_deref().unwrap_or("?"), 14),
            pad(&version, 7),
            pad(&stage, 24),
            open,
            pad(&approval, 36),
            title
        )?;
    }
    if drafts.iter().any(|d| d.uncommitted) {
        outln!("\n* the text on disk has changes not yet committed")?;
    }
    if drafts.iter().any(|d| d.open_comments > 0) {
        outln!("OPEN: comments without a response (duthao comment list SLUG --open)")?;
    }
    Ok(())
}
