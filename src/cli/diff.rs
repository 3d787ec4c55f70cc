use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use duthao::diff::{DiffOptions, DraftDiff, diff_drafts};
use duthao::model::Draft;
use duthao::render::redline::{Labels, html, json, markdown, stat, terminal};
use duthao::store::Rev;
use duthao::workspace::Workspace;

use super::output::errln;
use super::{Context, Exit};

/// Show what changed between two versions of a draft, word by word.
///
/// FROM and TO are each a version (v1, v2 …), any git revision (HEAD~1, a
/// commit), or `working` (the text on disk). With no FROM/TO: the latest
/// version against the text on disk; with one: that against the text on disk.
/// Unchanged paragraphs are never shown as changed, wherever they moved; a
/// moved paragraph is one move with both places; spacing and Unicode
/// normalisation (NFC/NFD) are not changes.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The draft (drafts/SLUG.md).
    #[arg(required_unless_present = "files")]
    pub slug: Option<String>,
    /// Older side: vN, a git revision, or `working`.
    pub from: Option<String>,
    /// Newer side: vN, a git revision, or `working` (default).
    pub to: Option<String>,
    /// Compare two draft files directly (e.g. drafts that arrive from outside).
    #[arg(long, num_args = 2, value_names = ["A.md", "B.md"], conflicts_with_all = ["slug", "from", "to"])]
    pub files: Option<Vec<PathBuf>>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Terminal)]
    pub format: Format,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Only counts per section: blocks added, removed, changed, moved; words inserted and deleted.
    #[arg(long)]
    pub stat: bool,
    /// Exit with 1 when there are differences, 0 when there are none, 128 on
    /// an error (as `git diff --exit-code` does).
    #[arg(long)]
    pub exit_code: bool,
    /// Show whitespace-only changes too.
    #[arg(long)]
    pub whitespace: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Coloured redline with the structural path of each changed block.
    Terminal,
    /// One self-contained HTML page: inline redline, side by side, contents.
    Html,
    /// A stable, documented schema (docs/diff-json.md).
    Json,
    /// CriticMarkup: {++added++} {--removed--} {~~old~>new~~}.
    Markdown,
    /// TO in the official layout with every change as a Word tracked change (needs -o).
    Docx,
}

/// One side of the comparison, read and named for the reader.
struct Side {
    draft: Draft,
    label: String,
}

/// With `--exit-code`, exit 1 means "there are differences", as with `git
/// diff --exit-code`: an error exits 128 instead (git's code for errors),
/// so a script never mistakes a failure for a difference.
pub const ERROR_WITH_EXIT_CODE: u8 = 128;

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<()> {
    let exit_code = args.exit_code;
    match compare(args, ctx) {
        Err(e) if exit_code && e.downcast_ref::<Exit>().is_none() => {
            Err(Exit(ERROR_WITH_EXIT_CODE, super::output::error_text(&e)).into())
        }
        other => other,
    }
}

fn compare(args: Args, ctx: &Context) -> anyhow::Result<()> {
    if args.format == Format::Docx && !args.stat {
        return run_docx(&args, ctx);
    }
    let (from, to) = match &args.files {
        Some(files) => read_files(&files[0], &files[1], ctx)?,
        None => {
            let ws = ctx.workspace()?;
            let slug = &ctx.slug(&ws, args.slug.as_deref().unwrap_or_default())?;
            read_revisions(&ws, slug, args.from.as_deref(), args.to.as_deref())?
        }
    };
    let opts = DiffOptions {
        whitespace: args.whitespace,
        ..DiffOptions::default()
    };
    let diff = diff_drafts(&from.draft, &to.draft, &opts);
    if diff.degraded {
        errln!(
            "note: the comparison took too long and some paragraphs are shown as whole replacements"
        );
    }
    let labels = Labels::new(from.label.clone(), to.label.clone());
    let render = |out: &mut dyn Write, color: bool| {
        write(out, &args, &diff, &from.draft, &to.draft, &labels, color)
    };
    match &args.output {
        Some(path) => {
            let guard = output_guard(&args, ctx)?;
            if let Some(p) =
                super::output::write_to(&ctx.cwd.join(path), &guard, |out| render(out, false))?
            {
                errln!("Wrote {}.", p.display());
            }
        }
        None => {
            use std::io::IsTerminal;
            let stdout = std::io::stdout();
            let on_terminal = stdout.is_terminal();
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            // The terminal format escapes what it prints itself; the file
            // formats are shown with their control characters escaped when
            // they land on a terminal.
            if on_terminal && args.format != Format::Terminal {
                let mut safe = duthao::render::TerminalSafe::new(&mut out);
                render(&mut safe, false)
                    .and_then(|()| safe.flush())
                    .map_err(super::output::stdout_error)?;
            } else {
                render(&mut out, ctx.color).map_err(super::output::stdout_error)?;
            }
            out.flush().map_err(super::output::stdout_error)?;
        }
    }
    let differs = !diff.is_empty();
    // The process ends after this command: freeing two large drafts and
    // their diff block by block costs more than the OS reclaiming the pages.
    std::mem::forget((from, to, diff));
    if args.exit_code && differs {
        return Err(Exit(1, String::new()).into());
    }
    Ok(())
}

/// What `-o` must not replace: the workspace's own files (when run in one)
/// and the two files being compared.
fn output_guard(args: &Args, ctx: &Context) -> anyhow::Result<duthao::fsutil::Guard> {
    let mut guard = match Workspace::find(&ctx.cwd) {
        Ok(ws) => ws.output_guard(),
        Err(_) => duthao::fsutil::Guard::new(),
    };
    for f in args.files.iter().flatten() {
        guard.protect_file(&ctx.cwd.join(f), "one of the files being compared");
    }
    Ok(guard)
}

fn write(
    mut out: &mut dyn Write,
    args: &Args,
    diff: &DraftDiff,
    from: &Draft,
    to: &Draft,
    labels: &Labels,
    color: bool,
) -> std::io::Result<()> {
    if args.stat {
        let s = stat::compute(diff, from, to);
        if args.format == Format::Json {
            serde_json::to_writer_pretty(&mut *out, &s)?;
            out.write_all(b"\n")?;
        } else {
            stat::write(&mut out, &s)?;
        }
        return Ok(());
    }
    match args.format {
        Format::Terminal => {
            let opts = terminal::TerminalOptions {
                color,
                ..Default::default()
            };
            terminal::write(&mut out, diff, from, to, labels, &opts)?;
            if diff.is_empty() && !args.exit_code {
                errln!("no differences between {} and {}", labels.from, labels.to);
            }
        }
        Format::Html => html::write(&mut out, diff, from, to, labels)?,
        Format::Json => json::write(&mut out, diff, from, to, labels)?,
        Format::Markdown => markdown::write(&mut out, diff, from, to, labels)?,
        Format::Docx => unreachable!("DOCX is written by run_docx"),
    }
    Ok(())
}

/// The tracked-changes DOCX: Word shows every change, Accept All gives TO,
/// Reject All gives FROM.
fn run_docx(args: &Args, ctx: &Context) -> anyhow::Result<()> {
    let Some(output) = &args.output else {
        bail!("--format docx writes a Word file; name it with -o FILE.docx");
    };
    if output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
        != Some("docx")
        && super::output::needs_docx_name(&ctx.cwd.join(output))
    {
        bail!(
            "-o {}: --format docx writes a Word document; give a name ending in .docx",
            output.display()
        );
    }
    let opts = DiffOptions {
        whitespace: args.whitespace,
        ..DiffOptions::default()
    };
    let (bytes, empty) = match &args.files {
        Some(files) => {
            let (from, to) = read_files(&files[0], &files[1], ctx)?;
            let diff = diff_drafts(&from.draft, &to.draft, &opts);
            let empty = diff.is_empty();
            crate::release_free_memory();
            (docx_of_files(diff, &from, &to, ctx)?, empty)
        }
        None => {
            let ws = ctx.workspace()?;
            let slug = &ctx.slug(&ws, args.slug.as_deref().unwrap_or_default())?;
            let (from, to) = revisions(&ws, slug, args.from.as_deref(), args.to.as_deref())?;
            let a = ws.snapshot(slug, &from)?;
            let b = ws.snapshot(slug, &to)?;
            let diff = diff_drafts(&a.draft, &b.draft, &opts);
            let empty = diff.is_empty();
            crate::release_free_memory();
            (ws.redline_docx(&a, &b, diff)?, empty)
        }
    };
    let guard = output_guard(args, ctx)?;
    if let Some(p) =
        super::output::write_to(&ctx.cwd.join(output), &guard, |out| out.write_all(&bytes))?
    {
        errln!("Wrote {}.", p.display());
    }
    if args.exit_code && !empty {
        return Err(Exit(1, String::new()).into());
    }
    Ok(())
}

/// Two files from outside a workspace: the built-in profile (or the
/// workspace's, when run inside one), the file's author unknown.
fn docx_of_files(
    diff: DraftDiff,
    from: &Side,
    to: &Side,
    ctx: &Context,
) -> anyhow::Result<Vec<u8>> {
    use duthao::profile::{Kinds, Templates};
    use duthao::render::docx::{self, DraftMark, KindInfo, Provenance, Revision};
    let ws = Workspace::find(&ctx.cwd).ok();
    let templates = ws
        .as_ref()
        .map(|w| w.templates.clone())
        .unwrap_or_else(Templates::builtin);
    let default_profile = ws.as_ref().map(|w| w.config.profile.clone());
    let profile = to
        .draft
        .front
        .profile
        .clone()
        .or(default_profile)
        .unwrap_or_else(|| "state".to_string());
    let layout = duthao::profile::layout::load_layout(
        &profile,
        ws.as_ref().map(|w| w.root().join("templates")).as_deref(),
    )?;
    let kinds = Kinds::load(&templates, &profile)?;
    let kind = kinds.get(&to.draft.front.kind).with_context(|| {
        format!(
            "{}: unknown kind `{}` in profile `{profile}`; known kinds: {}",
            to.label,
            to.draft.front.kind,
            kinds.known()
        )
    })?;
    let date = to
        .draft
        .front
        .date
        .map(|d| format!("{d}T00:00:00Z"))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
    let provenance = Provenance {
        slug: to.label.clone(),
        version: None,
        commit: None,
        source_sha256: String::new(),
        committed_at: None,
    };
    Ok(docx::export_redline(
        diff,
        &from.draft,
        &to.draft,
        &layout,
        &KindInfo {
            name: kind.name.clone(),
            code: kind.code.clone(),
        },
        DraftMark::Draft { version: None },
        &provenance,
        &Revision {
            author: to.label.clone(),
            date,
        },
    )?)
}

fn read_files(a: &Path, b: &Path, ctx: &Context) -> anyhow::Result<(Side, Side)> {
    let read = |p: &Path| -> anyhow::Result<Side> {
        let full = ctx.cwd.join(p);
        let bytes =
            duthao::fsutil::read_input(&full, duthao::reader::MAX_DRAFT_BYTES as u64, "one draft")?;
        Ok(Side {
            draft: duthao::reader::parse_draft_owned(bytes, p)?,
            label: p.display().to_string(),
        })
    };
    // Both at once, each also by sections on every core (rayon balances
    // the two), so a core left idle by one file's serial steps takes work
    // from the other.
    let (a, b) = rayon::join(|| read(a), || read(b));
    Ok((a?, b?))
}

/// What a revision is called in a Vietnamese redline.
fn label_of(rev: &Rev) -> String {
    match rev {
        Rev::Working => "Bản đang soạn".to_string(),
        Rev::Version(n) => format!("Dự thảo lần {n}"),
        Rev::Git(s) => format!("Bản {s}"),
    }
}

fn read_revisions(
    ws: &Workspace,
    slug: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> anyhow::Result<(Side, Side)> {
    let (from, to) = revisions(ws, slug, from, to)?;
    let (a, b) = ws.read_draft_pair(slug, &from, &to)?;
    Ok((
        Side {
            draft: a,
            label: label_of(&from),
        },
        Side {
            draft: b,
            label: label_of(&to),
        },
    ))
}

/// FROM and TO as given, with the defaults: latest version → text on disk.
fn revisions(
    ws: &Workspace,
    slug: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> anyhow::Result<(Rev, Rev)> {
    ws.require_slug_or_history(slug)?;
    let from: Rev = match from {
        Some(s) => s.parse()?,
        None => match ws.versions(slug)?.last() {
            Some(v) => Rev::Version(v.n),
            None => bail!(
                "{slug} has no version yet, so there is nothing to compare the text with; name two revisions, e.g. duthao diff {slug} HEAD working"
            ),
        },
    };
    let to: Rev = match to {
        Some(s) => s.parse()?,
        None => Rev::Working,
    };
    Ok((from, to))
}
