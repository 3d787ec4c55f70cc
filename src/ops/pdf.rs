//! A DOCX turned into PDF by LibreOffice, for `export --pdf`.
//!
//! LibreOffice is an outside program and is treated as one that may
//! misbehave: it runs headless with a user profile of its own in a
//! temporary folder (so it neither reads nor damages the user's settings,
//! and two conversions can run side by side), on a copy of the DOCX under a
//! fixed name (so no file name is ever read as an option), under a time
//! limit after which its whole process group is killed. The PDF reaches
//! `out_pdf` through the same checked, atomic write as every other output.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::MAX_DOCX_BYTES;
use crate::fsutil::{self, Guard, ReadFileError, WriteError};

/// How long LibreOffice may take over one document before it is killed. A
/// first start builds its profile, which alone can take several seconds on
/// a slow machine.
pub const PDF_TIME_LIMIT: Duration = Duration::from_secs(120);

/// The most of LibreOffice's error output kept for a message.
const STDERR_KEPT: usize = 16 << 10;

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// Neither `soffice` nor `libreoffice` is on PATH.
    #[error(
        "LibreOffice is needed for --pdf and was not found (no soffice or libreoffice on PATH); install it (on Debian or Ubuntu: apt-get install libreoffice-writer-nogui) or leave out --pdf"
    )]
    LibreOfficeMissing,
    /// The DOCX could not be read.
    #[error(transparent)]
    Input(#[from] ReadFileError),
    /// The temporary folder for the conversion could not be made or used;
    /// the system's message.
    #[error("cannot prepare a temporary folder for LibreOffice: {0}")]
    Temporary(String),
    /// LibreOffice could not be started.
    #[error("cannot start LibreOffice ({}): {source}", program.display())]
    Start {
        /// The program found on PATH.
        program: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// LibreOffice ran past [`PDF_TIME_LIMIT`] and was stopped.
    #[error("LibreOffice did not finish the PDF within {} seconds and was stopped{}", limit.as_secs(), said(stderr))]
    TimedOut {
        /// The limit.
        limit: Duration,
        /// What it wrote to standard error, control characters removed.
        stderr: String,
    },
    /// LibreOffice ended without writing a PDF (or with a failure status).
    #[error(
        "LibreOffice could not convert the DOCX to PDF ({status}){}",
        said(stderr)
    )]
    Failed {
        /// How it ended ("exit status: 1"), or what it left instead of a PDF.
        status: String,
        /// What it wrote to standard error, control characters removed.
        stderr: String,
    },
    /// The PDF could not be written to where it was asked for.
    #[error(transparent)]
    Write(#[from] WriteError),
}

fn said(stderr: &str) -> String {
    if stderr.trim().is_empty() {
        String::new()
    } else {
        format!("; LibreOffice said: {}", stderr.trim())
    }
}

/// Converts `docx` to PDF with LibreOffice and writes it to `out_pdf`
/// (replaced atomically when it is a regular file; a folder, a link or
/// anything else [`fsutil::destination`] refuses is left alone).
pub fn docx_to_pdf(docx: &Path, out_pdf: &Path) -> Result<(), PdfError> {
    docx_to_pdf_guarded(docx, out_pdf, &Guard::new())
}

/// [`docx_to_pdf`], with output also refused where `guard` protects (the
/// workspace's drafts and configuration). The DOCX itself is always
/// protected: the PDF never replaces its own source.
pub fn docx_to_pdf_guarded(docx: &Path, out_pdf: &Path, guard: &Guard) -> Result<(), PdfError> {
    let mut guard = guard.clone();
    guard.protect_file(docx, "the DOCX being converted");
    // Refused before LibreOffice spends a minute on a PDF that cannot go there.
    let dest = fsutil::destination(out_pdf, &guard)?;
    let program = find_libreoffice().ok_or(PdfError::LibreOfficeMissing)?;

    let work = tempfile::Builder::new()
        .prefix("duthao-pdf-")
        .tempdir()
        .map_err(|e| PdfError::Temporary(e.to_string()))?;
    let (profile, input_dir, output_dir) = (
        work.path().join("profile"),
        work.path().join("in"),
        work.path().join("out"),
    );
    for d in [&profile, &output_dir] {
        std::fs::create_dir(d).map_err(|e| PdfError::Temporary(e.to_string()))?;
    }
    let bytes = fsutil::read_input(docx, MAX_DOCX_BYTES, "Word files")?;
    fsutil::write_new(
        work.path(),
        Path::new("in/document.docx"),
        &bytes,
        "LibreOffice's input",
    )
    .map_err(|e| PdfError::Temporary(e.to_string()))?;
    drop(bytes);
    let input = input_dir.join("document.docx");

    let mut cmd = Command::new(&program);
    cmd.arg(format!("-env:UserInstallation={}", file_url(&profile)))
        .args([
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(&output_dir)
        .arg(&input)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let (status, stderr) = run_limited(cmd, &program, PDF_TIME_LIMIT)?;
    let stderr = clean(&stderr);
    let Some(status) = status else {
        return Err(PdfError::TimedOut {
            limit: PDF_TIME_LIMIT,
            stderr,
        });
    };
    let pdf = output_dir.join("document.pdf");
    if !status.success() {
        return Err(PdfError::Failed {
            status: status.to_string(),
            stderr,
        });
    }
    // LibreOffice reports a document it could not load on standard error
    // and still exits 0: only a PDF in the output folder counts.
    if !is_pdf(&pdf) {
        return Err(PdfError::Failed {
            status: "no PDF written".to_string(),
            stderr,
        });
    }
    fsutil::write(&dest, |w| {
        let mut f = std::fs::File::open(&pdf)?;
        io::copy(&mut f, w).map(drop)
    })?;
    drop(work);
    Ok(())
}

/// `soffice` or `libreoffice`, the first found on PATH.
fn find_libreoffice() -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    ["soffice", "libreoffice"].iter().find_map(|name| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| is_executable(p))
    })
}

fn is_executable(p: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(p) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

fn is_pdf(path: &Path) -> bool {
    let mut head = [0u8; 5];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && &head == b"%PDF-"
}

/// Runs `cmd`, reading its standard error (the first [`STDERR_KEPT`] bytes
/// kept, the rest drained so it never blocks on a full pipe). `None` for
/// the status when it ran past `limit` and was killed.
fn run_limited(
    mut cmd: Command,
    program: &Path,
    limit: Duration,
) -> Result<(Option<ExitStatus>, Vec<u8>), PdfError> {
    // Its own process group: the `soffice` script starts `soffice.bin`,
    // which must die with it on a timeout.
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd.spawn().map_err(|source| PdfError::Start {
        program: program.to_path_buf(),
        source,
    })?;
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            if let Some(mut p) = pipe {
                let _ = (&mut p).take(STDERR_KEPT as u64).read_to_end(&mut kept);
                let _ = io::copy(&mut p, &mut io::sink());
            }
            kept
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if start.elapsed() >= limit => {
                kill_group(&mut child);
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(source) => {
                kill_group(&mut child);
                let _ = child.wait();
                return Err(PdfError::Start {
                    program: program.to_path_buf(),
                    source,
                });
            }
        }
    };
    let _ = out.join();
    let stderr = err.join().unwrap_or_default();
    Ok((status, stderr))
}

fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        if let Ok(pid) = libc::pid_t::try_from(child.id()) {
            // SAFETY: kill(2) with a negative pid signals the process group
            // the child leads (set up by `process_group(0)`); it touches no
            // memory of ours.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
    let _ = child.kill();
}

/// LibreOffice's error output for a message: lossy UTF-8, control
/// characters (terminal escapes among them) removed, lines kept.
fn clean(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect()
}

/// A `file://` URL for a local folder, as `-env:UserInstallation` wants it:
/// every byte outside the unreserved set and `/` percent-encoded.
fn file_url(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut url = String::from("file://");
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        abs.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = {
        let s = abs.to_string_lossy().replace('\\', "/");
        if s.starts_with('/') {
            s.into_bytes()
        } else {
            format!("/{s}").into_bytes()
        }
    };
    for b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_are_encoded() {
        assert_eq!(
            file_url(Path::new("/tmp/a b/ộ")),
            "file:///tmp/a%20b/%E1%BB%99"
        );
    }

    #[test]
    fn error_output_loses_control_characters() {
        assert_eq!(clean(b"a\x1b[31mb\r\nc\x07"), "a[31mb\nc");
    }

    #[test]
    fn the_missing_program_says_how_to_install_it() {
        let m = PdfError::LibreOfficeMissing.to_string();
        assert!(m.contains("--pdf") && m.contains("apt-get install libreoffice-writer-nogui"));
    }
}
