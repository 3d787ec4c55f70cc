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
pub struct Globals {
    /// Run as if duthao was started in DIR.
    #[arg(short = 'C', id = "chdir", global = true, value_name = "DIR")]
    pub chdir: Option<PathBuf>,

    /// When to colour the output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// The whole command line: the options every command takes, and the
/// command.
#[derive(Debug)]
pub struct Cli {
    pub globals: Globals,
    pub command: Command,
}

impl Cli {
    /// Parses the process's arguments, printing help, the version or an
    /// error and exiting as clap does.
    ///
    /// `duthao <command> …`, the command named first as nearly always,
    /// builds the parser of that one command only: the parser of all of them
    /// (every option of every command, and the global ones copied into each)
    /// cost a tenth of a short redline's instructions and of its page
    /// faults. Anything else (`duthao`, `duthao -C dir diff`, `duthao help`,
    /// a misspelt command) gets the whole parser, and its suggestions.
    pub fn parse() -> Cli {
        match Cli::parse_from(std::env::args_os().collect()) {
            Ok(cli) => cli,
            Err(e) => e.exit(),
        }
    }

    /// [`Cli::parse`] of `args` (the program's name first), returning what
    /// clap would print instead of printing it.
    fn parse_from(args: Vec<std::ffi::OsString>) -> Result<Cli, clap::Error> {
        let only = args
            .get(1)
            .and_then(|a| a.to_str())
            .and_then(Command::parser_of);
        Cli::parse_with(only, args)
    }

    /// The command line, with only `only`'s parser among the commands when
    /// given, or all of them.
    fn command_line(only: Option<clap::Command>) -> clap::Command {
        use clap::CommandFactory;
        let top = Globals::command()
            .subcommand_required(true)
            .arg_required_else_help(true);
        match only {
            Some(command) => top.subcommand(command),
            None => <Command as Subcommand>::augment_subcommands(top),
        }
    }

    fn parse_with(
        only: Option<clap::Command>,
        args: impl IntoIterator<Item = std::ffi::OsString>,
    ) -> Result<Cli, clap::Error> {
        use clap::FromArgMatches;
        let matches = Cli::command_line(only).try_get_matches_from(args)?;
        let globals = Globals::from_arg_matches(&matches);
        let command = Command::from_arg_matches(&matches);
        match (globals, command) {
            (Ok(globals), Ok(command)) => Ok(Cli { globals, command }),
            (Err(e), _) | (_, Err(e)) => Err(e.format(&mut Cli::command_line(None))),
        }
    }
}

/// Declares the commands once, for the derived parser of them all and for
/// [`Command::parser_of`].
macro_rules! commands {
    ($($variant:ident($args:ty) = $name:literal,)*) => {
        #[derive(Subcommand, Debug)]
        pub enum Command {
            $(
                #[command(name = $name)]
                $variant($args),
            )*
        }

        impl Command {
            /// The parser of the command called `name`, as the derived
            /// parser of all commands builds it (a test holds them equal).
            fn parser_of(name: &str) -> Option<clap::Command> {
                match name {
                    $($name => Some(<$args as clap::Args>::augment_args(clap::Command::new($name))),)*
                    _ => None,
                }
            }
        }
    };
}

commands! {
    Init(init::Args) = "init",
    New(new::Args) = "new",
    List(list::Args) = "list",
    Status(status::Args) = "status",
    Log(log::Args) = "log",
    Commit(commit::Args) = "commit",
    Submit(submit::Args) = "submit",
    Comment(comment::Args) = "comment",
    Report(report::Args) = "report",
    Diff(diff::Args) = "diff",
    Export(export::Args) = "export",
    Approve(approve::Args) = "approve",
    Reject(approve::RejectArgs) = "reject",
    Issue(issue::Args) = "issue",
    Register(register::Args) = "register",
    Sync(sync::Args) = "sync",
    Verify(verify::Args) = "verify",
    Keys(keys::Args) = "keys",
    Demo(demo::Args) = "demo",
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
    let cwd = match &cli.globals.chdir {
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
        color: cli.globals.color.enabled_for_stdout(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    /// Every path of commands in the whole parser (`["comment", "add"]`).
    fn command_paths(command: &clap::Command, prefix: &[String], out: &mut Vec<Vec<String>>) {
        for sub in command.get_subcommands() {
            let mut path = prefix.to_vec();
            path.push(sub.get_name().to_string());
            out.push(path.clone());
            command_paths(sub, &path, out);
        }
    }

    /// What clap makes of `args`: the parsed command line, or the error,
    /// help or version text it would print, with its kind and exit code.
    /// `whole` asks for the whole parser; otherwise the parser is chosen as
    /// [`Cli::parse`] chooses it.
    fn outcome(whole: bool, args: &[String]) -> String {
        let argv: Vec<OsString> = std::iter::once(OsString::from("duthao"))
            .chain(args.iter().map(OsString::from))
            .collect();
        let parsed = if whole {
            Cli::parse_with(None, argv)
        } else {
            Cli::parse_from(argv)
        };
        match parsed {
            Ok(cli) => format!("{cli:?}"),
            Err(e) => format!("{:?} {} {}", e.kind(), e.exit_code(), e.render().ansi()),
        }
    }

    #[test]
    fn the_whole_parser_is_well_formed() {
        Cli::command_line(None).debug_assert();
    }

    /// The parser of one command, built alone for speed, must answer
    /// everything as the whole parser does: its help and usage, its errors,
    /// what it parses.
    #[test]
    fn one_command_parses_as_the_whole_parser_does() {
        let mut paths = Vec::new();
        command_paths(&Cli::command_line(None), &[], &mut paths);
        let tops: Vec<&String> = paths
            .iter()
            .filter(|p| p.len() == 1)
            .map(|p| &p[0])
            .collect();
        for name in &tops {
            assert!(
                Command::parser_of(name).is_some(),
                "no parser of its own for `{name}`"
            );
        }
        assert!(Command::parser_of("help").is_none());
        let tails: &[&[&str]] = &[
            &[],
            &["--help"],
            &["-h"],
            &["--version"],
            &["--no-such-option"],
            &["-C", "folder", "--color", "never"],
            &["--color", "sometimes"],
            &["a-draft", "2", "3", "4", "5"],
            &["a-draft", "--files", "a.md", "b.md", "--format", "json"],
            // clap's own `help` subcommand, where a command has subcommands.
            &["help"],
            &["help", "add"],
        ];
        let mut compared = 0;
        for path in &paths {
            for tail in tails {
                let args: Vec<String> = path
                    .iter()
                    .cloned()
                    .chain(tail.iter().map(|s| s.to_string()))
                    .collect();
                let alone = outcome(false, &args);
                let whole = outcome(true, &args);
                assert_eq!(alone, whole, "duthao {}", args.join(" "));
                compared += 1;
            }
        }
        assert!(compared > 250, "only {compared} command lines compared");
    }
}
