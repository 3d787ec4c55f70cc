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
        .map(|n| match (n, s.approval.as_ref().map(|a| &a.stage)) {
            // The command for the step sign-off waits for.
            (NextStep::SignOff { open }, Some(duthao::approval::Stage::Awaiting { level, .. })) => {
                format!("sign-off: {open}: duthao approve {slug} --level {level}")
            }
            (NextStep::SignOff { open }, Some(duthao::approval::Stage::Approved { .. })) => {
                format!("sign-off: {open}: duthao issue {slug}")
            }
            (NextStep::SignOff { open }, Some(duthao::approval::Stage::Rejected { .. })) => {
                format!("sign-off: {open}")
            }
            _ => next_step(n, &slug, commit_first),
        })
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
    if let Some(a) = &s.approval {
        outln!("approval: {}", a.stage_vi)?;
        for l in &a.levels {
            let who = if l.approvers.is_empty() {
                String::new()
            } else {
                format!(" ({})", l.approvers.join(", "))
            };
            outln!("  {}: {}/{}{who}", l.name, l.have, l.need)?;
            for r in &l.rejected {
                outln!("    không phê duyệt: {r}")?;
            }
        }
    }
    if s.uncommitted {
        outln!("          the text on disk has uncommitted changes")?;
    }
    let issued = matches!(s.stage, duthao::ops::Stage::Issued { .. });
    if s.revisions_since_version > 0 && !s.versions.is_empty() && !issued {
        outln!(
            "          {} commit(s) since the latest version",
            s.revisions_since_version
        )?;
    }
    if let Some(sync) = &s.sync {
        let mut parts = Vec::new();
        if sync.not_sent > 0 {
            parts.push(format!(
                "{} commit(s) here not yet sent to {}",
                sync.not_sent, sync.remote
            ));
        }
        if sync.not_taken_in > 0 {
            parts.push(format!(
                "{} commit(s) at {} not yet taken in",
                sync.not_taken_in, sync.remote
            ));
        }
        if sync.conflicts > 0 {
            parts.push(format!(
                "{} tag(s) or ref(s) held differently (duthao verify lists them)",
                sync.conflicts
            ));
        }
        if parts.is_empty() {
            outln!("sync:     in step with {} at the last sync", sync.remote)?;
        } else {
            outln!(
                "sync:     {} (as of the last sync; duthao sync exchanges them)",
                parts.join("; ")
            )?;
        }
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
    print_review(&s.review, &ws)?;
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
        NextStep::FixReviewEvents { problems } => format!(
            "fix {} review event file(s) that do not read (their comments are left out until then): {}",
            problems.len(),
            problems.join("; ")
        ),
        NextStep::SettleConflicts { comments } => format!(
            "{comments} comment(s) were answered differently at two sites; check the current answer (duthao comment list {slug}; duthao comment show ID) and confirm it with duthao comment respond ID --replace …"
        ),
        NextStep::AnswerComments { open } => format!(
            "{open} comment(s) have no response: duthao comment list {slug} --open, then duthao comment respond ID --accept | --partial TEXT | --explain TEXT"
        ),
        NextStep::AwaitBodies { version, bodies } => format!(
            "{} bod{} ha{} not answered v{version} yet: {} (record \"no comments\" with duthao comment agree {slug} --by BODY)",
            bodies.len(),
            if bodies.len() == 1 { "y" } else { "ies" },
            if bodies.len() == 1 { "s" } else { "ve" },
            bodies.join(", ")
        ),
        NextStep::FixSignOff { problems } => {
            format!("the sign-off record has {problems} problem(s): duthao verify {slug}")
        }
        NextStep::SignOff { open } => format!("sign-off: {open}: duthao verify {slug}"),
        NextStep::SyncToDraftingSite { site } => format!(
            "the site {site} submits the versions (duthao.toml [sync]); send your commits there: duthao sync"
        ),
        NextStep::ExportFinal => {
            format!("issued: the final document is duthao export {slug} --final")
        }
        NextStep::Revise { circulated } => format!(
            "v{circulated} is out for comment; revise the text, commit, then submit v{}",
            circulated + 1
        ),
    }
}

/// Comments per level and body: asked, answered, agreed, open, answered.
fn print_review(
    r: &duthao::ops::ReviewSummary,
    ws: &duthao::workspace::Workspace,
) -> anyhow::Result<()> {
    use super::output::pad;
    if r.bodies.is_empty() && r.comments == 0 {
        return Ok(());
    }
    let round = r.version.map(|n| format!("ON V{n}")).unwrap_or_default();
    outln!(
        "comments: {} in all, {} open{}",
        r.comments,
        r.open,
        if r.conflicts > 0 {
            format!(", {} answered differently at two sites", r.conflicts)
        } else {
            String::new()
        }
    )?;
    let w = r
        .bodies
        .iter()
        .map(|b| b.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4)
        + 2;
    outln!(
        "  {}  {:<10} {:>8} {:>5} {:>8}",
        pad("BODY", w),
        round,
        "COMMENTS",
        "OPEN",
        "ANSWERED"
    )?;
    let mut levels: Vec<(String, String)> = ws
        .config
        .levels
        .iter()
        .map(|l| (l.id.clone(), l.name.clone()))
        .collect();
    for b in &r.bodies {
        if !levels.iter().any(|(id, _)| id == &b.level) {
            levels.push((b.level.clone(), b.level.clone()));
        }
    }
    outln!("  (comments on that version; open and answered: of every version)")?;
    for (id, name) in &levels {
        let here: Vec<_> = r.bodies.iter().filter(|b| &b.level == id).collect();
        if here.is_empty() {
            continue;
        }
        outln!("  {name} [{id}]")?;
        for b in here {
            let answered = match (b.answered, b.agreed, b.asked) {
                (_, true, _) => "thống nhất",
                (true, false, _) => "yes",
                (false, _, true) => "not yet",
                (false, _, false) => "-",
            };
            outln!(
                "  {}  {:<10} {:>8} {:>5} {:>8}{}",
                pad(&format!("  {}", b.name), w),
                answered,
                b.comments,
                b.open,
                b.answered_comments,
                if b.asked {
                    ""
                } else {
                    "  (not in duthao.toml)"
                }
            )?;
        }
    }
    Ok(())
}
