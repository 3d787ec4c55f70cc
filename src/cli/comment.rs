//! `duthao comment …`: record and read the comments bodies send on a
//! version, the replies in their threads and the drafter's answers.

use clap::Subcommand;

use super::Context;
use super::output::{bold_line, cut, outln, print_json};
use duthao::ops::{ListFilter, NewComment, Placed, Recorded};
use duthao::review::{Decision, Placement};

/// Comments from the bodies at every level (góp ý), answered by the drafter
/// (tiếp thu / tiếp thu một phần / giải trình). Each comment, reply and
/// answer is a small file under reviews/<draft>/, committed as it is made,
/// so sites that sync with git never conflict.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Subcommand, Debug)]
pub enum Action {
    Add(AddArgs),
    List(ListArgs),
    Show(ShowArgs),
    Reply(ReplyArgs),
    Respond(RespondArgs),
    Agree(AgreeArgs),
    Withdraw(WithdrawArgs),
    Import(ImportArgs),
}

/// Read the comments a body sent back in a Word file.
///
/// Margin comments (with their authors, dates, replies and resolved flags)
/// become comments on the blocks they are on, and each paragraph the
/// reviewer edited with tracked changes becomes a comment proposing the new
/// wording. A file exported with `duthao export --for-comment` maps back
/// exactly through its hidden markers; any other file is matched by text.
/// Importing the same file again adds nothing.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    pub slug: String,
    /// The Word file (.docx) the body sent back.
    pub file: std::path::PathBuf,
    /// The body that sent it, as duthao.toml names it.
    #[arg(long, value_name = "BODY")]
    pub by: String,
    /// Its level (checked against the body's).
    #[arg(long, value_name = "LEVEL")]
    pub level: Option<String>,
    /// The version it comments on (default: found from the file, else the latest).
    #[arg(long, value_name = "vN")]
    pub version: Option<String>,
    /// The letter it came with, e.g. "Số 12-CV/ĐU, ngày 20/11/2026".
    #[arg(long, value_name = "TEXT")]
    pub letter: Option<String>,
    #[arg(long)]
    pub json: bool,
}

/// Record a comment a body made on a version.
///
/// Point it at a block with --at "II > 2 > b)" (the path `comment list` and
/// `diff` show) and/or at a passage with --quote "…", which must occur once.
/// Without either, the comment is on the draft as a whole.
///
/// Example: duthao comment add nghi-quyet-15 --by "Đảng ủy xã Phú Lương"
/// --at "II > 2" --quote "năm 2025" --propose "năm 2030" "Đề nghị lùi mốc"
#[derive(clap::Args, Debug)]
pub struct AddArgs {
    pub slug: String,
    /// What the body says.
    pub text: String,
    /// The commenting body (chủ thể góp ý), as duthao.toml names it.
    #[arg(long, value_name = "BODY")]
    pub by: String,
    /// Its level in duthao.toml (checked against the body's).
    #[arg(long, value_name = "LEVEL")]
    pub level: Option<String>,
    /// The version commented on (default: the latest).
    #[arg(long, value_name = "vN")]
    pub version: Option<String>,
    /// The block: its structural path, e.g. "II > 2 > b)".
    #[arg(long, value_name = "PATH")]
    pub at: Option<String>,
    /// The passage commented on; must occur exactly once.
    #[arg(long, value_name = "TEXT")]
    pub quote: Option<String>,
    /// The wording the body proposes ("đề nghị sửa thành …").
    #[arg(long, value_name = "TEXT")]
    pub propose: Option<String>,
    /// The incoming letter it came in, e.g. "Số 12-CV/ĐU, ngày 20/11/2026".
    #[arg(long, value_name = "TEXT")]
    pub letter: Option<String>,
    #[arg(long)]
    pub json: bool,
}

/// List a draft's comments, placed in a version.
///
/// Each comment is shown where its block stands in that version (default:
/// the latest): same, moved, edited, or outdated when its block is gone
/// (with what it pointed at). A comment is never dropped.
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    pub slug: String,
    /// Show the comments as of this version.
    #[arg(long, value_name = "vN")]
    pub version: Option<String>,
    /// Only this level.
    #[arg(long, value_name = "LEVEL")]
    pub level: Option<String>,
    /// Only this body.
    #[arg(long, value_name = "BODY")]
    pub by: Option<String>,
    /// Only comments without an answer.
    #[arg(long)]
    pub open: bool,
    #[arg(long)]
    pub json: bool,
}

/// One comment with its thread and every answer it had.
#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    /// The comment's id, or the start of it (as `comment list` shows it).
    pub id: String,
    #[arg(long)]
    pub json: bool,
}

/// Add a reply to a comment's thread.
#[derive(clap::Args, Debug)]
pub struct ReplyArgs {
    pub id: String,
    pub text: String,
    #[arg(long)]
    pub json: bool,
}

/// Answer a comment: tiếp thu (--accept), tiếp thu một phần (--partial
/// TEXT) or giải trình (--explain TEXT).
///
/// An answered comment is answered again only with --replace; the earlier
/// answer stays in its history.
#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("decision").required(true).args(["accept", "partial", "explain"])))]
pub struct RespondArgs {
    pub id: String,
    /// Tiếp thu: taken in (optionally saying how).
    #[arg(long, value_name = "TEXT", num_args = 0..=1, default_missing_value = "")]
    pub accept: Option<String>,
    /// Tiếp thu một phần: partly taken in, and why not the rest.
    #[arg(long, value_name = "TEXT")]
    pub partial: Option<String>,
    /// Giải trình: not taken in, and why.
    #[arg(long, value_name = "TEXT")]
    pub explain: Option<String>,
    /// Replace the comment's current answer.
    #[arg(long)]
    pub replace: bool,
    #[arg(long)]
    pub json: bool,
}

/// Record that a body has no comments on a version (thống nhất).
#[derive(clap::Args, Debug)]
pub struct AgreeArgs {
    pub slug: String,
    /// The body, as duthao.toml names it.
    #[arg(long, value_name = "BODY")]
    pub by: String,
    /// Its level (checked against the body's).
    #[arg(long, value_name = "LEVEL")]
    pub level: Option<String>,
    /// The version (default: the latest).
    #[arg(long, value_name = "vN")]
    pub version: Option<String>,
    /// The letter that said so, e.g. "Số 7-CV/ĐU, ngày 18/11/2026".
    #[arg(long, value_name = "TEXT")]
    pub letter: Option<String>,
    #[arg(long)]
    pub json: bool,
}

/// Record that a comment was taken back by its body. It stays in history.
#[derive(clap::Args, Debug)]
pub struct WithdrawArgs {
    pub id: String,
    /// Why.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    #[arg(long)]
    pub json: bool,
}

fn version_arg(v: &Option<String>) -> anyhow::Result<Option<u32>> {
    let Some(v) = v else { return Ok(None) };
    match v.parse::<duthao::store::Rev>()? {
        duthao::store::Rev::Version(n) => Ok(Some(n)),
        _ => anyhow::bail!("--version {v}: a version is written vN (v1, v2, …)"),
    }
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<()> {
    let ws = ctx.workspace()?;
    match args.action {
        Action::Add(a) => {
            let new = NewComment {
                slug: ctx.slug(&ws, &a.slug)?,
                version: version_arg(&a.version)?,
                body: a.by,
                level: a.level,
                at: a.at,
                quote: a.quote,
                text: a.text,
                proposal: a.propose,
                letter: a.letter,
            };
            let who = ws.identity()?;
            let r = duthao::ops::add_comment(&ws, &new, &who)?;
            recorded(&r, a.json)
        }
        Action::List(a) => {
            let slug = ctx.slug(&ws, &a.slug)?;
            let filter = ListFilter {
                version: version_arg(&a.version)?,
                level: a.level,
                body: a.by,
                open: a.open,
            };
            let list = duthao::ops::comments(&ws, &slug, &filter)?;
            if a.json {
                return print_json(&list);
            }
            print_list(&list, ctx)
        }
        Action::Show(a) => {
            let shown = duthao::ops::show(&ws, &a.id)?;
            if a.json {
                return print_json(&shown);
            }
            print_thread(&shown.slug, shown.version, &shown.placed, ctx)
        }
        Action::Reply(a) => {
            let who = ws.identity()?;
            let r = duthao::ops::reply(&ws, &a.id, &a.text, &who)?;
            recorded(&r, a.json)
        }
        Action::Respond(a) => {
            let (decision, text) = match (a.accept, a.partial, a.explain) {
                (Some(t), _, _) => (Decision::Accept, t),
                (_, Some(t), _) => (Decision::Partial, t),
                (_, _, Some(t)) => (Decision::Explain, t),
                _ => unreachable!("clap requires one decision"),
            };
            let who = ws.identity()?;
            let r = duthao::ops::respond(&ws, &a.id, decision, Some(&text), a.replace, &who)?;
            recorded(&r, a.json)
        }
        Action::Agree(a) => {
            let slug = ctx.slug(&ws, &a.slug)?;
            let who = ws.identity()?;
            let r = duthao::ops::agree(
                &ws,
                &slug,
                version_arg(&a.version)?,
                &a.by,
                a.level.as_deref(),
                a.letter.as_deref(),
                &who,
            )?;
            recorded(&r, a.json)
        }
        Action::Import(a) => {
            let slug = ctx.slug(&ws, &a.slug)?;
            let who = ws.identity()?;
            let opts = duthao::ops::ImportOptions {
                slug,
                file: ctx.cwd.join(&a.file),
                // The record keeps the file's name, not where it lay on this machine.
                name: a
                    .file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| a.file.display().to_string()),
                body: a.by,
                level: a.level,
                version: version_arg(&a.version)?,
                letter: a.letter,
            };
            let r = duthao::ops::import(&ws, &opts, &who)?;
            if a.json {
                return print_json(&r);
            }
            outln!(
                "{}: {} comment(s), {} reply(ies), {} proposed edit(s) from {} on v{} (paragraphs matched by {}).",
                r.slug,
                r.comments,
                r.replies,
                r.edits,
                opts.name,
                r.version,
                r.matched_by
            )?;
            if r.already > 0 {
                outln!(
                    "{} item(s) were recorded already and were not added again.",
                    r.already
                )?;
            }
            if r.unplaced > 0 {
                outln!(
                    "{} comment(s) are on paragraphs that match no block of v{}: recorded on the draft as a whole, with the paragraph quoted.",
                    r.unplaced,
                    r.version
                )?;
            }
            if r.resolved > 0 {
                outln!("{} comment(s) were marked resolved in Word.", r.resolved)?;
            }
            match &r.recorded {
                Some(rec) => outln!("Committed {}.", super::output::short(&rec.commit))?,
                None => outln!("Nothing new: every item of this file is recorded already.")?,
            }
            Ok(())
        }
        Action::Withdraw(a) => {
            let who = ws.identity()?;
            let r = duthao::ops::withdraw(&ws, &a.id, a.reason.as_deref(), &who)?;
            recorded(&r, a.json)
        }
    }
}

fn recorded(r: &Recorded, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(r);
    }
    outln!("{}", r.summary)?;
    for e in &r.events {
        outln!("  {} {} ({})", e.kind, e.short, e.file.display())?;
    }
    outln!("Committed {}.", super::output::short(&r.commit))?;
    if let Some(note) = &r.index_note {
        super::output::errln!("warning: {note}");
    }
    Ok(())
}

use duthao::ops::state_vi;

fn where_line(p: &Placement, made_on: u32, version: u32) -> String {
    match p {
        Placement::General => "the draft as a whole".to_string(),
        Placement::Same { path, .. } => path.clone(),
        Placement::Moved {
            path, quote_lost, ..
        } => format!(
            "{path} (moved since v{made_on}{})",
            if *quote_lost {
                "; the quoted passage is gone"
            } else {
                ""
            }
        ),
        Placement::Edited {
            path, quote_lost, ..
        } => format!(
            "{path} (edited since v{made_on}{})",
            if *quote_lost {
                "; the quoted passage is gone"
            } else {
                ""
            }
        ),
        Placement::Outdated { path, .. } => {
            format!("OUTDATED: {path} of v{made_on} is not in v{version}")
        }
    }
}

fn print_list(list: &duthao::ops::CommentList, ctx: &Context) -> anyhow::Result<()> {
    use std::fmt::Write as _;
    for p in &list.problems {
        super::output::errln!("warning: {p} (this event is left out until the file is fixed)");
    }
    if list.comments.is_empty() {
        outln!("{}: no comments on v{} or before.", list.slug, list.version)?;
        return Ok(());
    }
    bold_line(
        &format!(
            "{}: {} comment(s), shown as of v{}",
            list.slug,
            list.comments.len(),
            list.version
        ),
        ctx.color,
    )?;
    // Thousands of comments: one write, not one per line.
    let mut out = String::with_capacity(list.comments.len() * 256);
    for c in &list.comments {
        let t = &c.thread.comment;
        let _ = writeln!(
            out,
            "\n{}  v{}  {}  [{}]  {}",
            t.id.short(),
            t.version,
            t.body,
            t.level,
            state_vi(c.state)
        );
        let _ = writeln!(
            out,
            "  at {}",
            where_line(&c.placement, t.version, list.version)
        );
        if let Some(q) = t.anchor.as_ref().and_then(|a| a.quote.as_ref()) {
            let _ = writeln!(out, "  “{}”", cut(&q.text, 100));
        }
        let _ = writeln!(out, "  {}", cut(&t.text, 200));
        if let Some(p) = &t.proposal {
            let _ = writeln!(out, "  đề nghị sửa thành: “{}”", cut(p, 200));
        }
        if c.conflicting > 0 {
            let _ = writeln!(
                out,
                "  ! answered differently at two sites; the later answer is current (duthao comment show {})",
                t.id.short()
            );
        }
    }
    out.pop();
    super::output::line(&out)
}

fn print_thread(slug: &str, version: u32, p: &Placed, ctx: &Context) -> anyhow::Result<()> {
    let t = &p.thread;
    let c = &t.comment;
    bold_line(
        &format!("comment {} on {slug} v{}", c.id, c.version),
        ctx.color,
    )?;
    outln!("body:    {} ({})", c.body, c.level)?;
    outln!("author:  {}", c.author)?;
    outln!("time:    {}", c.time)?;
    outln!("at:      {}", where_line(&p.placement, c.version, version))?;
    if let Some(q) = c.anchor.as_ref().and_then(|a| a.quote.as_ref()) {
        outln!("quote:   “{}”", q.text)?;
    }
    if let Placement::Outdated { context, .. } = &p.placement
        && !context.is_empty()
    {
        outln!("was:     {}", cut(context, 300))?;
    }
    match (&c.source.letter, &c.source.file) {
        (Some(l), _) => outln!("source:  {l}")?,
        (None, Some(f)) => outln!("source:  {f}")?,
        _ => {}
    }
    outln!("state:   {}", state_vi(p.state))?;
    outln!()?;
    for line in c.text.lines() {
        outln!("    {line}")?;
    }
    if let Some(prop) = &c.proposal {
        outln!("    Đề nghị sửa thành: “{prop}”")?;
    }
    for r in &t.replies {
        outln!()?;
        outln!("reply by {} at {}:", r.author, r.time)?;
        for line in r.text.lines() {
            outln!("    {line}")?;
        }
    }
    for (i, r) in t.responses.iter().enumerate() {
        outln!()?;
        let current = i + 1 == t.responses.len();
        outln!(
            "{}: {} by {} at {}{}",
            if current { "answer" } else { "earlier answer" },
            r.decision.name_vi(),
            r.author,
            r.time,
            if current { "" } else { " (superseded)" }
        )?;
        if let Some(text) = &r.text {
            for line in text.lines() {
                outln!("    {line}")?;
            }
        }
    }
    if p.conflicting > 0 {
        outln!()?;
        outln!(
            "! {} answers were made at different sites without seeing each other; the latest is current. Confirm it with: duthao comment respond {} --replace …",
            p.conflicting,
            c.id.short()
        )?;
    }
    if let Some(w) = &t.withdrawal {
        outln!()?;
        outln!(
            "withdrawn by {} at {}{}",
            w.author,
            w.time,
            w.reason
                .as_ref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        )?;
    }
    Ok(())
}
