use std::io::Write;
use std::path::PathBuf;

use anyhow::bail;
use duthao::diff::DiffOptions;
use duthao::ops::{self, CompareOptions, Purpose, Sources};
use duthao::render::{Labels, html, json, markdown, stat, terminal};
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
    /// Show the review comments beside the blocks they concern: those made
    /// on FROM's version or before, with their answers (terminal and HTML).
    #[arg(long, conflicts_with = "files")]
    pub comments: bool,
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
    let docx = args.format == Format::Docx && !args.stat;
    if docx {
        check_docx_output(&args, ctx)?;
    }
    if args.comments && (args.stat || !matches!(args.format, Format::Terminal | Format::Html)) {
        bail!(
            "--comments shows the comments in the terminal and HTML redlines (--format terminal or html)"
        );
    }
    let opts = CompareOptions {
        diff: DiffOptions {
            whitespace: args.whitespace,
            ..DiffOptions::default()
        },
        purpose: if docx {
            Purpose::Document
        } else {
            Purpose::Show
        },
    };
    // Inside a workspace, its profiles lay out drafts from files too.
    let here = match &args.files {
        Some(_) => Workspace::find(&ctx.cwd).ok(),
        None => Some(ctx.workspace()?),
    };
    let slug: String;
    let sources = match &args.files {
        Some(files) => {
            let file = |p: &PathBuf| (ctx.cwd.join(p), p.display().to_string());
            Sources::Files {
                a: file(&files[0]),
                b: file(&files[1]),
            }
        }
        None => {
            let ws = here.as_ref().expect("a workspace was required above");
            slug = ctx.slug(ws, args.slug.as_deref().unwrap_or_default())?;
            let rev = |r: &Option<String>| r.as_deref().map(str::parse::<Rev>).transpose();
            Sources::Revisions {
                ws,
                slug: &slug,
                from: rev(&args.from)?,
                to: rev(&args.to)?,
            }
        }
    };
    let notes_of = match (&sources, args.comments) {
        (Sources::Revisions { ws, slug, from, to }, true) => Some((
            *ws,
            *slug,
            ops::revisions(ws, slug, from.clone(), to.clone())?.0,
        )),
        _ => None,
    };
    // Each side's size, `u64::MAX / 2` when it cannot be read.
    let sizes: [u64; 2] = match &sources {
        Sources::Files { a, b } => {
            [&a.0, &b.0].map(|p| std::fs::metadata(p).map_or(u64::MAX / 2, |m| m.len()))
        }
        // The text on disk stands for both sides: versions are near its size.
        // (Not followed through a link: only the workspace's own file counts.)
        Sources::Revisions { ws, slug, .. } => {
            [std::fs::symlink_metadata(ws.draft_path(slug)).map_or(u64::MAX / 2, |m| m.len()); 2]
        }
    };
    let size = sizes[0] + sizes[1];
    if size < ONE_THREAD_BELOW {
        one_thread();
    } else {
        main_thread_works();
        // Not for a size unknown, nor for a draft the reader will turn
        // down as too large.
        if sizes
            .iter()
            .all(|&s| s <= duthao::reader::MAX_DRAFT_BYTES as u64)
        {
            crate::prefault((size * PREFAULT_PER_DRAFT_BYTE_TIMES_2 / 2) as usize);
        }
    }
    let cmp = ops::compare(sources, &opts)?;
    let notes = match notes_of {
        Some((ws, slug, from)) => ops::redline_notes(ws, slug, &from, &cmp.from.draft)?,
        None => duthao::render::Notes::default(),
    };
    if cmp.diff.degraded {
        errln!(
            "note: the comparison took too long and some paragraphs are shown as whole replacements"
        );
    }
    let differs = !cmp.diff.is_empty();
    let guard = output_guard(&args, ctx)?;
    if docx {
        crate::release_free_memory();
        let output = args.output.as_ref().expect("checked by check_docx_output");
        let doc = ops::export_changes(here.as_ref(), cmp)?;
        if let Some(p) = super::output::write_to(&ctx.cwd.join(output), &guard, |out| {
            out.write_all(&doc.bytes)
        })? {
            errln!("Wrote {}.", p.display());
        }
    } else {
        let labels = cmp.labels();
        let render =
            |out: &mut dyn Write, color: bool| write(out, &args, &cmp, &labels, &notes, color);
        match &args.output {
            Some(path) => {
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
                // The JSON writer hands over windows of blocks it has
                // serialised already: a small buffer lets them through
                // without a copy (a buffer as large as a short redline's
                // window took it whole, into pages touched for nothing).
                let capacity = if args.format == Format::Json {
                    1 << 12
                } else {
                    1 << 16
                };
                let mut out = std::io::BufWriter::with_capacity(capacity, stdout.lock());
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
        // The process ends after this command: freeing two large drafts and
        // their diff block by block costs more than the OS reclaiming the pages.
        std::mem::forget(cmp);
    }
    if args.exit_code && differs {
        return Err(Exit(1, String::new()).into());
    }
    Ok(())
}

/// Drafts smaller than this together (about 150 pages a side) are compared
/// on this thread alone: starting the worker threads and handing them work
/// costs more than a short draft's whole comparison, and would double the
/// CPU time of a 10-page redline.
const ONE_THREAD_BELOW: u64 = 1 << 20;

/// How much memory to fault in before a redline of long drafts, per byte
/// of the two drafts (times two): the models of both, the texts the word
/// diff reads and the diff peak at 3 to 3.5 times the drafts' size (5,000
/// and 1,000 pages, 5 % revised), more for drafts that differ more, 2.8
/// times for two identical ones. Two and a half times is faulted in at
/// once before they are read (see `crate::prefault`): for most drafts,
/// memory the redline would have touched anyway. (For drafts of little
/// but spaces, whose model is small, the peak grows by up to that much;
/// and a redline that fails early has touched no more than that.)
const PREFAULT_PER_DRAFT_BYTE_TIMES_2: u64 = 5;

/// Makes every parallel step of this process run on the calling thread.
fn one_thread() {
    // Fails only when the pool already exists (a second call): then it stays.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build_global();
}

/// Makes this thread one of the pool's workers, beside one more per other
/// core, rather than a thread that hands each parallel step to the pool and
/// sleeps until it is done: 2-4 % less CPU time from 1,000 pages, the same
/// time on the clock, one thread fewer. (Each step now starts on the thread
/// that holds its data, and no thread sleeps and wakes around it.) Reads
/// split over the cores as before: see `duthao_model::reader::side_by_side`.
fn main_thread_works() {
    // Fails only when the pool already exists (a second call): then it stays.
    let _ = rayon::ThreadPoolBuilder::new()
        .use_current_thread()
        .build_global();
}

/// `--format docx` writes a Word file: it needs `-o FILE.docx` (or a
/// stream, a device, a FIFO).
fn check_docx_output(args: &Args, ctx: &Context) -> anyhow::Result<()> {
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
    cmp: &ops::Comparison,
    labels: &Labels,
    notes: &duthao::render::Notes,
    color: bool,
) -> std::io::Result<()> {
    let (diff, from, to) = (&cmp.diff, &cmp.from.draft, &cmp.to.draft);
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
            terminal::write_noted(&mut out, diff, from, to, labels, &opts, notes)?;
            if diff.is_empty() && !args.exit_code {
                errln!("no differences between {} and {}", labels.from, labels.to);
            }
        }
        Format::Html => html::write_noted(&mut out, diff, from, to, labels, notes)?,
        Format::Json => json::write(&mut out, diff, from, to, labels)?,
        Format::Markdown => markdown::write(&mut out, diff, from, to, labels)?,
        Format::Docx => unreachable!("DOCX is written by ops::export_changes"),
    }
    Ok(())
}
