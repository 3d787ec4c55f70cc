use duthao::ops::NextStep;

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
    let s = duthao::ops::status(&ws, &slug)?;
    let commit_first = s.next.contains(&NextStep::Commit);
    let next: Vec<String> = s
        .next
        .iter()
        .map(|n| next_step(n, &slug, commit_first))
        .collect();
    let result = match &s.problem {
        // Everything known is shown, but a draft that does not read is an
        // error the drafter must fix: exit 1 with the reason.
        Some(p) => Err(anyhow::anyhow!("{p}")),
        None => Ok(()),
    };
    if args.json {
        // `next` as the lines the text output shows, for scripts that
        // relay them; `next_steps` as data.
        let mut value = serde_json::to_value(&s)?;
        if let Some(obj) = value.as_object_mut() {
            obj.insert("next_steps".into(), serde_json::to_value(&s.next)?);
            obj.insert("next".into(), serde_json::to_value(&next)?);
        }
        super::output::print_json(&value)?;
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
    for n in &next {
        outln!("  {n}")?;
    }
    result
}

/// A next step in the user's terms, with the command that does it.
fn next_step(step: &NextStep, slug: &str, commit_first: bool) -> String {
    match step {
        NextStep::FinishGitOperation { operation, abort } => format!(
            "a git {operation} is in progress: finish it (resolve, then git commit) or abort it ({abort}) before committing or submitting"
        ),
        NextStep::FixDraft { problem } => format!("fix the draft: {problem}"),
        NextStep::Commit => format!("commit the text on disk: duthao commit {slug} -m \"…\""),
        NextStep::Submit { version: 1 } => format!(
            "{}send it out for comment as Dự thảo lần 1: duthao submit {slug}",
            if commit_first { "then " } else { "" }
        ),
        NextStep::Submit { version } => format!(
            "when the revision is ready, send it out as Dự thảo lần {version}: duthao submit {slug}"
        ),
        NextStep::Revise { circulated } => format!(
            "v{circulated} is out for comment; revise the text, commit, then submit v{}",
            circulated + 1
        ),
    }
}
