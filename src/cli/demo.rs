use std::path::PathBuf;

use anyhow::{Context as _, bail};
use duthao::diff::{DiffOptions, diff_drafts};
use duthao::examples;
use duthao::fsutil::write_owned;
use duthao::render::redline::{Labels, html};
use duthao::store::Identity;
use duthao::store::Rev;
use duthao::workspace::{InitOptions, Workspace, init};

use super::Context;
use super::output::outln;

/// Build a workspace from the bundled example drafts and run the pipeline on
/// it: each draft's three versions are committed and submitted in turn.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder to create (must not exist or be empty).
    #[arg(default_value = "duthao-demo")]
    pub dir: PathBuf,
}

fn drafter() -> Identity {
    Identity {
        name: "Nguyễn Thị Soạn".into(),
        email: "soanthao@example.vn".into(),
    }
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<()> {
    let dir = if args.dir.is_absolute() {
        args.dir.clone()
    } else {
        ctx.cwd.join(&args.dir)
    };
    if dir.exists()
        && std::fs::read_dir(&dir)
            .with_context(|| format!("cannot list the folder {}", dir.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} exists and is not empty; give a new folder, e.g. duthao demo {}",
            dir.display(),
            fresh_folder(&dir).display()
        );
    }
    // A demo inside a workspace would nest one repository in another.
    if let Some(parent) = dir.parent().filter(|p| p.is_dir())
        && let Ok(ws) = Workspace::find(parent)
    {
        bail!(
            "{} is inside the workspace {}; give a folder outside it, e.g. duthao demo /tmp/duthao-demo",
            dir.display(),
            ws.root().display()
        );
    }
    let who = drafter();
    let report = init(
        &dir,
        &InitOptions {
            profile: "party".into(),
            example: false,
            identity: Some(who.clone()),
        },
    )?;
    let ws = Workspace::open(&report.root)?;
    outln!("Demo workspace: {}", report.root.display())?;
    let mut slugs = Vec::new();
    for ex in examples::bundled() {
        let path = ws.draft_path(ex.slug);
        for (i, text) in ex.versions.iter().enumerate() {
            let n = i + 1;
            write_owned(&path, text.as_bytes(), "drafts")?;
            let msg = if n == 1 {
                "Bản đầu".to_string()
            } else {
                format!("Chỉnh sửa, tiếp thu ý kiến góp ý Dự thảo lần {}", n - 1)
            };
            ws.commit_draft_as(ex.slug, &msg, &who)?;
            let v = ws.submit_as(ex.slug, &format!("Gửi xin ý kiến Dự thảo lần {n}"), &who)?;
            outln!(
                "  {}: committed and submitted Dự thảo lần {} ({})",
                ex.slug,
                v.n,
                v.tag
            )?;
        }
        slugs.push(ex.slug);
    }
    let out = report.root.join("out");
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    // The outputs are for looking at, not part of the workspace's history.
    let exclude = report.root.join(".git/info/exclude");
    if exclude.parent().is_some_and(|p| p.is_dir()) {
        let mut text = std::fs::read_to_string(&exclude).unwrap_or_default();
        if !text.lines().any(|l| l.trim() == "/out/") {
            text.push_str("/out/\n");
            write_owned(&exclude, text.as_bytes(), "git's exclude list")?;
        }
    }
    outln!()?;
    outln!("Redlines between versions (open in a browser):")?;
    for slug in &slugs {
        let versions = ws.versions(slug)?;
        for pair in versions.windows(2) {
            let (a, b) = (pair[0].n, pair[1].n);
            let (from, to) = ws.read_draft_pair(slug, &Rev::Version(a), &Rev::Version(b))?;
            let diff = diff_drafts(&from, &to, &DiffOptions::default());
            let labels = Labels::new(format!("Dự thảo lần {a}"), format!("Dự thảo lần {b}"));
            let mut buf = Vec::new();
            html::write(&mut buf, &diff, &from, &to, &labels)?;
            let path = out.join(format!("{slug}-v{a}-v{b}.html"));
            write_owned(&path, &buf, "demo output")?;
            outln!("  {}", path.display())?;
        }
    }
    outln!()?;
    outln!(
        "DOCX in the official layout (marked as drafts), and tracked changes between versions:"
    )?;
    for slug in &slugs {
        let versions = ws.versions(slug)?;
        let Some(last) = versions.last() else {
            continue;
        };
        let snap = ws.snapshot(slug, &Rev::Version(last.n))?;
        let path = out.join(format!("{slug}-v{}.docx", last.n));
        write_owned(&path, &ws.export_docx(&snap)?.bytes, "demo output")?;
        outln!("  {}", path.display())?;
        for pair in versions.windows(2) {
            let (a, b) = (pair[0].n, pair[1].n);
            let from = ws.snapshot(slug, &Rev::Version(a))?;
            let to = ws.snapshot(slug, &Rev::Version(b))?;
            let diff = diff_drafts(&from.draft, &to.draft, &DiffOptions::default());
            let bytes = ws.redline_docx(&from, &to, diff)?;
            let path = out.join(format!("{slug}-v{a}-v{b}-tracked.docx"));
            write_owned(&path, &bytes, "demo output")?;
            outln!("  {}", path.display())?;
        }
    }
    let first = slugs.first().copied().unwrap_or("SLUG");
    // The lines must work as printed: through `duthao` when that is this
    // program on PATH, else through this program's own path (the demo is
    // often run as `cargo run -- demo`, before anything is installed).
    let me = invocation();
    outln!()?;
    outln!("Try:")?;
    outln!("  cd {}", report.root.display())?;
    for (args, note) in [
        ("list".to_string(), ""),
        (format!("status {first}"), ""),
        (format!("log {first}"), ""),
        (
            format!("diff {first} v1 v2"),
            "# what changed, word by word",
        ),
        (format!("export {first}"), "# DOCX of the latest version"),
    ] {
        outln!("  {:<60} {note}", format!("{me} {args}"))?;
    }
    outln!(
        "  {:<60} # the same history, read by plain git",
        "git log --oneline --decorate"
    )?;
    Ok(())
}

/// How to run this program again: `duthao` when that name on PATH is this
/// very program, else its full path.
fn invocation() -> String {
    let me = std::env::current_exe().ok();
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("duthao"))
            .find(|p| p.is_file())
    });
    let same = |a: &std::path::Path, b: &std::path::Path| {
        std::fs::canonicalize(a).ok() == std::fs::canonicalize(b).ok()
    };
    match (&me, &on_path) {
        (Some(me), Some(p)) if same(me, p) => "duthao".to_string(),
        (Some(me), _) => {
            let s = me.display().to_string();
            if s.contains(char::is_whitespace) {
                format!("'{s}'")
            } else {
                s
            }
        }
        (None, _) => "duthao".to_string(),
    }
}

/// A folder beside `dir` that does not exist yet: `dir-2`, `dir-3`, …
fn fresh_folder(dir: &std::path::Path) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "duthao-demo".into());
    (2..)
        .map(|n| dir.with_file_name(format!("{name}-{n}")))
        .find(|p| !p.exists())
        .unwrap_or_else(|| dir.with_file_name(format!("{name}-new")))
}
