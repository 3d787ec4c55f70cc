//! Guards that keep the shape of the code (docs/architecture.md): the
//! crates depend on each other one way only, git2 is reached through the
//! store alone, the command line speaks only to the `duthao` library and
//! looks up no profile, layout or kind itself, the library prints nothing
//! and gives no advice on what to run, and files are written in one place.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What each of our crates may depend on among our crates: the pipeline's
/// layers, lower first.
const LAYERS: &[(&str, &[&str])] = &[
    ("duthao-model", &[]),
    ("duthao-fs", &[]),
    ("duthao-store", &[]),
    ("duthao-diff", &["duthao-model"]),
    // The word diff of `compare`'s redline is the diff engine's.
    ("duthao-docx-read", &["duthao-model", "duthao-diff"]),
    ("duthao-profile", &["duthao-model", "duthao-fs"]),
    ("duthao-review", &["duthao-model", "duthao-diff"]),
    // The sign-off rules read nothing: the operations layer hands them facts.
    ("duthao-approval", &[]),
    (
        "duthao-render",
        &["duthao-model", "duthao-diff", "duthao-review"],
    ),
    (
        "duthao-docx",
        &[
            "duthao-model",
            "duthao-diff",
            "duthao-profile",
            "duthao-review",
        ],
    ),
    (
        "duthao",
        &[
            "duthao-model",
            "duthao-fs",
            "duthao-store",
            "duthao-diff",
            "duthao-profile",
            "duthao-review",
            "duthao-approval",
            "duthao-render",
            "duthao-docx",
            "duthao-docx-read",
        ],
    ),
];

/// The only crate that may use git2 (and so libgit2).
const STORE: &str = "duthao-store";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every workspace package's normal and build dependencies, by name.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let mut deps = BTreeMap::new();
    for pkg in meta["packages"].as_array().expect("packages") {
        let name = pkg["name"].as_str().expect("name").to_string();
        let names = pkg["dependencies"]
            .as_array()
            .expect("dependencies")
            .iter()
            // Tests may reach any layer; what ships may not.
            .filter(|d| d["kind"].as_str() != Some("dev"))
            .map(|d| d["name"].as_str().expect("dependency name").to_string())
            .collect();
        deps.insert(name, names);
    }
    deps
}

#[test]
fn crates_depend_on_lower_layers_only() {
    let deps = dependencies();
    let layers: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let mut wrong = Vec::new();
    for (name, uses) in &deps {
        let Some(allowed) = layers.get(name.as_str()) else {
            wrong.push(format!(
                "{name} is a workspace crate with no layer in tests/architecture.rs"
            ));
            continue;
        };
        for d in uses.iter().filter(|d| d.starts_with("duthao")) {
            if !allowed.contains(&d.as_str()) {
                wrong.push(format!(
                    "{name} depends on {d}, which is not below it (allowed: {allowed:?})"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    for (name, _) in LAYERS {
        assert!(
            deps.contains_key(*name),
            "{name} is missing from the workspace"
        );
    }
}

#[test]
fn only_the_store_uses_git2() {
    let deps = dependencies();
    for (name, uses) in &deps {
        if name != STORE {
            for git in ["git2", "libgit2-sys", "gix"] {
                assert!(
                    !uses.contains(git),
                    "{name} depends on {git}: git is reached through {STORE} only"
                );
            }
        }
    }
    // And no source outside the store names it (a dev-dependency could).
    for file in rust_files(&root()) {
        let rel = file.strip_prefix(root()).expect("inside").to_path_buf();
        if rel.starts_with("crates/duthao-store")
            || rel.starts_with("vendor")
            || rel == Path::new("tests/architecture.rs")
        {
            continue;
        }
        for (n, line) in code_lines(&file) {
            assert!(
                !line.contains("git2::") && !line.contains("use git2"),
                "{}:{n}: git2 outside the store: {line}",
                rel.display()
            );
        }
    }
}

#[test]
fn the_command_line_speaks_only_to_the_library() {
    // The CLI parses arguments, calls an operation and formats its result:
    // it names no lower crate, and looks up no profile, layout or kind, nor
    // reads, compares or writes documents itself.
    let forbidden = [
        ("duthao_", "a lower crate, not the duthao library"),
        ("profile::", "a profile lookup"),
        ("layout", "a layout lookup"),
        ("Kinds", "a kind lookup"),
        ("Templates", "a template lookup"),
        ("diff_drafts", "a comparison outside ops::compare"),
        ("reader::read", "reading a draft outside the operations"),
        ("Store::", "the git store"),
        (".store()", "the git store"),
        ("std::fs::write", "a write outside the one write function"),
        ("File::create", "a write outside the one write function"),
    ];
    for file in rust_files(&root().join("src/cli")) {
        for (n, line) in code_lines(&file) {
            // What the CLI prints may say anything; its code may not.
            let line = without_strings(&line);
            for (word, what) in forbidden {
                assert!(
                    !line.contains(word),
                    "{}:{n}: {what} in the command line: {line}",
                    file.display()
                );
            }
        }
    }
}

#[test]
fn the_library_prints_nothing_and_gives_no_advice() {
    let mut files = rust_files(&root().join("crates"));
    files.extend(rust_files(&root().join("src/ops")));
    files.extend(rust_files(&root().join("src/workspace")));
    let commands = [
        "duthao init",
        "duthao new",
        "duthao commit",
        "duthao submit",
        "duthao status",
        "duthao diff",
        "duthao export",
        "duthao approve",
        "duthao reject",
        "duthao issue",
        "duthao verify",
        "duthao keys",
        "duthao register",
        "duthao sync",
        "git config",
        "git switch",
        "git reset",
        "git clone",
    ];
    for file in files {
        if is_test_file(&file) {
            continue;
        }
        for (n, line) in code_lines(&file) {
            for print in ["println!", "eprintln!", "print!(", "eprint!(", "dbg!("] {
                assert!(
                    !line.contains(print),
                    "{}:{n}: the library prints: {line}",
                    file.display()
                );
            }
            // A string that tells the user what to run belongs in the
            // command line's hints (src/cli/hints.rs).
            if line.contains('"') {
                for c in commands {
                    assert!(
                        !names_command(&line, c),
                        "{}:{n}: advice in a library string: {line}",
                        file.display()
                    );
                }
            }
        }
    }
}

#[test]
fn files_are_written_in_one_place() {
    let mut files = rust_files(&root().join("crates"));
    files.extend(rust_files(&root().join("src")));
    for file in files {
        let rel = file.strip_prefix(root()).expect("inside").to_path_buf();
        if rel.starts_with("crates/duthao-fs") || is_test_file(&file) {
            continue;
        }
        for (n, line) in code_lines(&file) {
            for write in [
                "fs::write(",
                "File::create",
                "OpenOptions",
                "fs::rename(",
                "fs::copy(",
            ] {
                assert!(
                    !line.contains(write),
                    "{}:{n}: a file written outside duthao-fs: {line}",
                    rel.display()
                );
            }
        }
    }
}

#[test]
fn library_crates_warn_on_missing_docs() {
    let mut libs: Vec<PathBuf> = std::fs::read_dir(root().join("crates"))
        .expect("crates/")
        .filter_map(|e| e.ok().map(|e| e.path().join("src/lib.rs")))
        .collect();
    libs.push(root().join("src/lib.rs"));
    for lib in libs {
        let text = std::fs::read_to_string(&lib).expect("lib.rs");
        assert!(
            text.contains("#![warn(missing_docs)]"),
            "{}: #![warn(missing_docs)] keeps every public item documented",
            lib.display()
        );
    }
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// A module of tests (`tests.rs`), whose helpers may do what code may not.
fn is_test_file(file: &Path) -> bool {
    file.file_name().is_some_and(|n| n == "tests.rs")
}

/// The lines of code of a file before its `#[cfg(test)]` module, without
/// comments: (1-based line number, text).
fn code_lines(file: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(file).expect("source file");
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            break;
        }
        if t.starts_with("//") {
            continue;
        }
        out.push((i + 1, line.to_string()));
    }
    out
}

/// Whether `line` names the command `c` (`duthao commit`, but not "duthao
/// commits and submits").
fn names_command(line: &str, c: &str) -> bool {
    line.match_indices(c).any(|(at, _)| {
        line[at + c.len()..]
            .chars()
            .next()
            .is_none_or(|next| !next.is_alphanumeric())
    })
}

/// A line with the contents of its string literals left out.
fn without_strings(line: &str) -> String {
    let mut out = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for c in line.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
                out.push(c);
            }
        } else {
            if c == '"' {
                in_string = true;
            }
            out.push(c);
        }
    }
    out
}
