//! Argument parsing and dispatch; one file per command.

mod commit;
mod demo;
mod diff;
mod export;
mod init;
mod list;
mod log;
mod new;
mod output;
mod status;
mod submit;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use output::errln;

pub use output::ColorChoice;

/// duthao keeps official documents (nghị quyết, quyết định, hướng dẫn, kế
/// hoạch, báo cáo…) in git as plain text and carries each one from first draft
/// to signed-off DOCX: numbered versions sent out for comment (dự thảo lần N),
/// word-level redlines, comments with the drafter's answers (tiếp thu / giải
/// trình), signed approvals, and the official Vietnamese layout.
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
    Diff(diff::Args),
    Export(export::Args),
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
        Command::Diff(a) => diff::run(a, &ctx),
        Command::Export(a) => export::run(a, &ctx),
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
