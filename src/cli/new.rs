use super::Context;
use super::output::outln;

/// Start a new draft (drafts/SLUG.md) from the profile's skeleton for a kind.
///
/// The front matter is filled from duthao.toml (issuing body, place) and
/// today's date; the body is the usual structure of that kind of document.
/// Edit it in any editor, then `duthao commit SLUG -m "…"`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Document kind, e.g. nghi-quyet, quyet-dinh, huong-dan, ke-hoach, bao-cao.
    pub kind: String,
    /// Short name of the draft: lower-case letters, digits and '-'.
    pub slug: String,
    /// The trích yếu, e.g. "về tăng cường công tác …".
    #[arg(long)]
    pub title: Option<String>,
    /// Layout profile (default: the workspace's).
    #[arg(long)]
    pub profile: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<()> {
    let ws = ctx.workspace()?;
    let slug = new_slug(ctx, &ws, &args.slug)?;
    let made = duthao::ops::new_draft(
        &ws,
        &duthao::ops::NewOptions {
            kind: &args.kind,
            slug: &slug,
            title: args.title.as_deref(),
            profile: args.profile.as_deref(),
            date: None,
        },
    )?;
    if args.json {
        return super::output::print_json(&made);
    }
    let what = if made.kind_name.is_empty() {
        made.kind.clone()
    } else {
        made.kind_name.clone()
    };
    outln!(
        "Created {} ({what}, profile {}).",
        made.path.display(),
        made.profile
    )?;
    outln!("Edit it, then: duthao commit {} -m \"Bản đầu\"", made.slug)?;
    Ok(())
}

/// The new draft's name; `drafts/x.md` names `x` too.
fn new_slug(ctx: &Context, ws: &duthao::workspace::Workspace, arg: &str) -> anyhow::Result<String> {
    let drafts = ws.root().join(duthao::workspace::DRAFTS_DIR);
    let path = ctx.cwd.join(arg);
    let in_drafts = path.parent().and_then(|p| std::fs::canonicalize(p).ok())
        == std::fs::canonicalize(&drafts).ok();
    match path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(".md"))
    {
        Some(stem) if in_drafts && (arg.contains('/') || arg.ends_with(".md")) => {
            Ok(stem.to_string())
        }
        _ => ctx.slug(ws, arg),
    }
}
