//! Argument parsing and dispatch; one file per command.

mod approve;
mod comment;
mod commit;
mod demo;
mod diff;
mod export;
mod hints;
mod init;
mod issue;
mod keys;
mod list;
mod log;
mod new;
mod output;
mod register;
mod report;
mod status;
mod submit;
mod sync;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use output::errln;

pub use output::ColorChoice;

/// duthao keeps official documents (nghị quyết, quyết định, hướng dẫn, kế
/// hoạch, báo cáo…) in git as plain text: numbered versions sent out for
/// comment (dự thảo lần N), word-level redlines between any two versions,
/// the comments of every level with the drafter's answers and their
/// synthesis table, and DOCX in the official Vietnamese layout (Nghị định
/// 30/2020 for state bodies, the party's rules for party bodies).
#[derive(Parser, Debug)]
#[command(name = "duthao", version, max_term_width = 100)]
pub struct Cli {
    /// Run as if duthao was started in DIR.
    #[arg(short = 'C', id = "chdir", global = true, value_name = "DIR")]
    pub chdir: Option<PathBuf>,

    /// When to colour the output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    Init(init::Args),
    New(new::Args),
    List(list::Args),
    Status(status::Args),
    Log(log::Args),
    Commit(commit::Args),
    Submit(submit::Args),
    Comment(comment::Args),
    Report(report::Args),
    Diff(diff::Args),
    Export(export::Args),
    Approve(approve::Args),
    Reject(approve::RejectArgs),
    Issue(issue::Args),
    Register(register::Args),
    Sync(sync::Args),
    Verify(verify::Args),
    Keys(keys::Args),
    Demo(demo::Args),
}

/// What every command gets: where it runs and how to print.
pub struct Context {
    pub cwd: PathBuf,
    pub color: bool,
}

impl Context {
    pub fn workspace(&self) -> anyhow::Result<duthao::workspace::Workspace> {
        Ok(duthao::workspace::Workspace::find(&self.cwd)?)
    }

    /// The draft a command names. A path to its file (`drafts/x.md`, what
    /// tab completion gives) names the draft too; a path elsewhere gets
    /// "did you mean". Anything else goes to the command as written, which
    /// says what is wrong with it.
    pub fn slug(&self, ws: &duthao::workspace::Workspace, arg: &str) -> anyhow::Result<String> {
        use duthao::workspace::{DRAFTS_DIR, is_slug};
        if is_slug(arg) || !(arg.contains('/') || arg.ends_with(".md")) {
            return Ok(arg.to_string());
        }
        let path = self.cwd.join(arg);
        let stem = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".md"))
            .unwrap_or_default();
        if !is_slug(stem) {
            return Ok(arg.to_string());
        }
        let canonical = |p: &std::path::Path| std::fs::canonicalize(p).ok();
        let folder = path.parent().and_then(canonical);
        if folder.is_some() && folder == canonical(&ws.root().join(DRAFTS_DIR)) {
            return Ok(stem.to_string());
        }
        anyhow::bail!(
            "`{arg}` is not a valid draft name but a path; a draft is named by its file name in {DRAFTS_DIR}/ without .md: did you mean `{stem}`?"
        )
    }
}

/// An outcome that is not an error but must change the exit code
/// (`--exit-code` on diff, a verification that found a problem).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Exit(pub u8, pub String);

pub fn main() -> ExitCode {
    reset_sigpipe();
    duthao::fsutil::clean_up_on_signals();
    let cli = Cli::parse();
    let cwd = match &cli.chdir {
        Some(d) if !d.is_dir() => {
            errln!("error: -C {}: no such folder", d.display());
            return ExitCode::from(1);
        }
        Some(d) => d.clone(),
        None => match std::env::current_dir() {
            Ok(d) => d,
            Err(e) => {
                errln!("error: cannot read the current folder: {e}");
                return ExitCode::from(1);
            }
        },
    };
    let ctx = Context {
        cwd,
        color: cli.color.enabled_for_stdout(),
    };
    let result = match cli.command {
        Command::Init(a) => init::run(a, &ctx),
        Command::New(a) => new::run(a, &ctx),
        Command::List(a) => list::run(a, &ctx),
        Command::Status(a) => status::run(a, &ctx),
        Command::Log(a) => log::run(a, &ctx),
        Command::Commit(a) => commit::run(a, &ctx),
        Command::Submit(a) => submit::run(a, &ctx),
        Command::Comment(a) => comment::run(a, &ctx),
        Command::Report(a) => report::run(a, &ctx),
        Command::Diff(a) => diff::run(a, &ctx),
        Command::Export(a) => export::run(a, &ctx),
        Command::Approve(a) => approve::run(a, &ctx),
        Command::Reject(a) => approve::run_reject(a, &ctx),
        Command::Issue(a) => issue::run(a, &ctx),
        Command::Register(a) => register::run(a, &ctx),
        Command::Sync(a) => sync::run(a, &ctx),
        Command::Verify(a) => verify::run(a, &ctx),
        Command::Keys(a) => keys::run(a, &ctx),
        Command::Demo(a) => demo::run(a, &ctx),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if let Some(Exit(code, msg)) = e.downcast_ref::<Exit>() {
                if !msg.is_empty() {
                    errln!("{msg}");
                }
                return ExitCode::from(*code);
            }
            output::print_error(&e);
            ExitCode::from(1)
        }
    }
}

/// `duthao list | head` must end quietly, as other command-line tools do,
/// instead of panicking on a closed pipe.
fn reset_sigpipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
