//! The outside programs the tests check duthao's output with: the OOXML
//! conformance check (Python with lxml), python-docx, LibreOffice, poppler,
//! pandoc, Chromium, git and ssh-keygen.
//!
//! A check whose program is missing must never pass as if it had run. With
//! `CI=true` (CI installs every program) the check fails and says what to
//! install. Elsewhere it is skipped: the harness-less test binaries
//! (`clients`, `git_cli`) list it as "ignored" with the reason in its name,
//! so the skip shows in the summary; an inline check (every DOCX a test
//! writes goes through [`check_docx`]) prints a note, and the `clients`
//! binary's own conformance trials show that skip in its summary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// Whether the suite runs in CI, where every outside program must be present.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| {
        let v = v.trim().to_ascii_lowercase();
        v == "true" || v == "1" || v == "yes"
    })
}

/// The first of `names` found on PATH.
pub fn find_program(names: &[&str]) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    for name in names {
        for dir in std::env::split_paths(&paths) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Something a check needs, and how to install it.
#[derive(Debug, Clone, Copy)]
pub enum Need {
    /// A program on PATH, under any of these names.
    Program(&'static [&'static str], &'static str),
    /// A module `python3` can import.
    Python(&'static str, &'static str),
}

pub const SOFFICE: Need = Need::Program(
    &["soffice", "libreoffice"],
    "apt-get install -y libreoffice-writer-nogui",
);
pub const PANDOC: Need = Need::Program(&["pandoc"], "apt-get install -y pandoc");
pub const PDFTOTEXT: Need = Need::Program(&["pdftotext"], "apt-get install -y poppler-utils");
pub const PDFINFO: Need = Need::Program(&["pdfinfo"], "apt-get install -y poppler-utils");
pub const CHROMIUM: Need = Need::Program(
    &[
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ],
    "apt-get install -y chromium (chromium-browser on Ubuntu)",
);
pub const GIT: Need = Need::Program(&["git"], "apt-get install -y git");
pub const SSH_KEYGEN: Need = Need::Program(&["ssh-keygen"], "apt-get install -y openssh-client");
pub const LXML: Need = Need::Python("lxml", "pip install lxml, in a virtual environment");
pub const PYTHON_DOCX: Need =
    Need::Python("docx", "pip install python-docx, in a virtual environment");

impl Need {
    /// `Err(reason)` when it is missing.
    pub fn check(self) -> Result<(), String> {
        match self {
            Need::Program(names, install) => match find_program(names) {
                Some(_) => Ok(()),
                None => Err(format!("{} is not installed ({install})", names[0])),
            },
            Need::Python(module, install) => {
                let ok = Command::new("python3")
                    .args(["-c", &format!("import {module}")])
                    .output()
                    .is_ok_and(|o| o.status.success());
                if ok {
                    Ok(())
                } else {
                    Err(format!(
                        "the Python module {module} is not installed ({install})"
                    ))
                }
            }
        }
    }

    /// The program's path (for a `Program` that is present).
    pub fn path(self) -> PathBuf {
        match self {
            Need::Program(names, _) => find_program(names).unwrap_or_else(|| names[0].into()),
            Need::Python(..) => PathBuf::from("python3"),
        }
    }
}

/// For a check inside an ordinary test: whether every need is met. A missing
/// one fails the test under `CI=true` and prints a note otherwise.
pub fn available(needs: &[Need]) -> bool {
    for n in needs {
        if let Err(reason) = n.check() {
            if in_ci() {
                panic!("{reason}; with CI=true every outside check must run");
            }
            eprintln!("note: skipped a check: {reason}");
            return false;
        }
    }
    true
}

/// A trial of a harness-less test binary that needs outside programs: run
/// when they are present; with one missing, a failure under `CI=true`, else
/// "ignored" with the reason in its name.
pub fn trial(
    name: &str,
    needs: &[Need],
    run: impl FnOnce() + Send + 'static,
) -> libtest_mimic::Trial {
    let missing = needs.iter().find_map(|n| n.check().err());
    match missing {
        None => libtest_mimic::Trial::test(name, move || {
            run();
            Ok(())
        }),
        Some(reason) if in_ci() => libtest_mimic::Trial::test(name, move || {
            Err(format!("{reason}; with CI=true every outside check must run").into())
        }),
        Some(reason) => {
            libtest_mimic::Trial::test(format!("{name} [skipped: {reason}]"), || Ok(()))
                .with_ignored_flag(true)
        }
    }
}

/// `tests/ooxml/check.py`: the ISO/IEC 29500 schemas and Word's property order.
pub fn ooxml_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ooxml/check.py")
}

/// Runs the OOXML conformance check on DOCX files; panics with its report
/// when any fails.
pub fn check_docx_files(paths: &[PathBuf]) {
    if paths.is_empty() {
        return;
    }
    let out = Command::new("python3")
        .arg(ooxml_script())
        .args(paths)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "OOXML conformance check failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Documents already checked by this test process (the same input gives
/// the same bytes, and many tests export the same draft).
static CHECKED: Mutex<Vec<[u8; 32]>> = Mutex::new(Vec::new());

/// Checks a DOCX a test wrote against the OOXML schemas and Word's property
/// order (see the module notes for a missing Python or lxml).
pub fn check_docx(bytes: &[u8], label: &str) {
    use sha2::{Digest, Sha256};
    let hash: [u8; 32] = Sha256::digest(bytes).into();
    if CHECKED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .contains(&hash)
    {
        return;
    }
    if !available(&[LXML]) {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let safe: String = label
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let path = dir.path().join(format!("{safe}.docx"));
    std::fs::write(&path, bytes).expect("write docx");
    check_docx_files(&[path]);
    CHECKED.lock().unwrap_or_else(|p| p.into_inner()).push(hash);
}

/// Opens `html` in headless Chromium (flags that keep it off the network,
/// a fresh profile under `work`) and returns the DOM it built; fails the
/// test when Chromium fails or the page logs anything to the console.
#[allow(dead_code)]
pub fn chromium_dom(html: &std::path::Path, work: &std::path::Path) -> String {
    std::fs::create_dir_all(work).expect("work folder");
    let out = std::process::Command::new(CHROMIUM.path())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!(
            "--user-data-dir={}",
            work.join("profile").display()
        ))
        .arg("--dump-dom")
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "chromium failed: {stderr}");
    let console: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub mod servers;
