//! Printing helpers shared by the commands.

use std::io::{IsTerminal, Write};

use serde::Serialize;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set.
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub fn enabled_for_stdout(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

/// Prints one JSON document on stdout.
pub fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush())
        .map_err(stdout_error)
}

pub fn print_error(e: &anyhow::Error) {
    note(&error_text(e));
}

/// "error: …" with the causes the message does not already say, then a
/// "hint: …" line for each thing the user can do about it.
pub fn error_text(e: &anyhow::Error) -> String {
    let mut msg = format!("error: {e}");
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !msg.contains(&c) {
            msg.push_str(&format!("\n  caused by: {c}"));
        }
    }
    for hint in super::hints::hints(e) {
        msg.push_str(&format!("\nhint: {hint}"));
    }
    msg
}

/// "2026-03-05 14:02 +07:00" from git's seconds and offset.
pub fn format_time(secs: i64, offset_minutes: i32) -> String {
    let offset =
        time::UtcOffset::from_whole_seconds(offset_minutes * 60).unwrap_or(time::UtcOffset::UTC);
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp(secs) else {
        return secs.to_string();
    };
    let t = t.to_offset(offset);
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let m = offset_minutes.abs();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} {sign}{:02}:{:02}",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        m / 60,
        m % 60
    )
}

pub fn short(commit: &str) -> &str {
    &commit[..commit.len().min(8)]
}

/// Pads to a width in characters (not bytes: Vietnamese letters are multibyte).
pub fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - n))
    }
}

/// Cuts to a width in characters with an ellipsis.
pub fn cut(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Whether `-o FILE` names a file that must end in `.docx`: not a stream
/// (`-`, `/dev/stdout`), a device or a FIFO.
pub fn needs_docx_name(file: &std::path::Path) -> bool {
    use duthao::fsutil::{Destination, Guard, destination};
    !matches!(
        destination(file, &Guard::new()),
        Ok(Destination::Stdout | Destination::Stderr | Destination::Through(_))
    )
}

/// Writes a command's output to `-o FILE` through the one write function
/// (`-` is standard output), never over what `guard` protects. Returns the
/// file written, for the "Wrote …" line; `None` for a stream.
pub fn write_to(
    file: &std::path::Path,
    guard: &duthao::fsutil::Guard,
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<Option<std::path::PathBuf>> {
    use duthao::fsutil::{Destination, destination, write};
    let dest = destination(file, guard)?;
    write(&dest, body)?;
    Ok(match dest {
        Destination::Replace(p) | Destination::Through(p) => Some(p),
        Destination::Stdout | Destination::Stderr => None,
    })
}

/// One line of command output. Text that came from drafts, commits or
/// configuration is shown with its control characters escaped, and a
/// failed write (standard output on a full disk) is an error, not a panic.
pub fn line(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", duthao::render::terminal_safe(text)).map_err(stdout_error)
}

/// [`line`] in bold when colour is on.
pub fn bold_line(text: &str, color: bool) -> anyhow::Result<()> {
    let text = duthao::render::terminal_safe(text);
    let mut out = std::io::stdout().lock();
    if color {
        writeln!(out, "\x1b[1m{text}\x1b[0m")
    } else {
        writeln!(out, "{text}")
    }
    .map_err(stdout_error)
}

/// A note or warning on standard error, its data escaped like [`line`]'s.
pub fn note(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", duthao::render::terminal_safe(text));
}

pub fn stdout_error(e: std::io::Error) -> anyhow::Error {
    anyhow::anyhow!("cannot write to standard output: {e}")
}

/// `println!` for command output (see [`line`]); use with `?`.
macro_rules! outln {
    () => {
        $crate::cli::output::line("")
    };
    ($($arg:tt)*) => {
        $crate::cli::output::line(&format!($($arg)*))
    };
}
pub(crate) use outln;

/// `eprintln!` for notes and warnings (see [`note`]).
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::output::note(&format!($($arg)*))
    };
}
pub(crate) use errln;
