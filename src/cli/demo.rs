use std::path::PathBuf;

use super::Context;
use super::output::outln;

/// Build a workspace from the bundled example drafts and run the pipeline on
/// it: each draft's three versions are committed and submitted in turn; on
/// versions 1 and 2 bodies at three levels comment (typed in, or imported
/// from the Word files they sent back), the drafter answers most comments,
/// and the synthesis of each round is written as Markdown, HTML and DOCX.
/// Then one draft is signed off: ed25519 keys are made for the approvers,
/// the clerk and the drafter (in the demo folder, not tracked by git), the
/// latest version is approved at every level, issued with a number and a
/// date, and its final DOCX (and PDF, with LibreOffice), the register and
/// `verify`'s result are written.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder to create (must not exist or be empty).
    #[arg(default_value = "duthao-demo")]
    pub dir: PathBuf,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<()> {
    let dir = if args.dir.is_absolute() {
        args.dir.clone()
    } else {
        ctx.cwd.join(&args.dir)
    };
    let report = duthao::ops::demo(&dir)?;
    outln!("Demo workspace: {}", report.root.display())?;
    for v in &report.submitted {
        outln!(
            "  {}: committed and submitted Dự thảo lần {} ({})",
            v.slug,
            v.n,
            v.tag
        )?;
    }
    outln!()?;
    outln!("Redlines between versions (open in a browser):")?;
    for p in &report.redlines {
        outln!("  {}", p.display())?;
    }
    outln!()?;
    outln!(
        "DOCX in the official layout (marked as drafts), and tracked changes between versions:"
    )?;
    for p in &report.documents {
        outln!("  {}", p.display())?;
    }
    if !report.reviews.is_empty() {
        outln!()?;
        outln!("Comments recorded and answered between versions:")?;
        for r in &report.reviews {
            outln!(
                "  {}: {} comment(s) from {} level(s), {} imported from Word files, {} answered, {} open; {} agreement(s) with no comments",
                r.slug,
                r.comments,
                r.levels,
                r.from_word,
                r.answered,
                r.comments - r.answered,
                r.agreements
            )?;
        }
        outln!()?;
        outln!(
            "Word files of the review (the version sent for comment, and each body's answer: margin comments or tracked edits):"
        )?;
        for p in &report.review_files {
            outln!("  {}", p.display())?;
        }
        outln!()?;
        outln!("Synthesis of the comments on each version (Markdown, HTML, DOCX):")?;
        for p in &report.reports {
            outln!("  {}", p.display())?;
        }
        outln!()?;
        outln!("Redlines with the comments beside the paragraphs they are on:")?;
        for p in &report.noted_redlines {
            outln!("  {}", p.display())?;
        }
    }
    let s = &report.signoff;
    outln!()?;
    outln!("Sign-off of {} (Dự thảo lần {}):", s.slug, s.version)?;
    outln!(
        "  keys (ed25519, made for the demo, not tracked by git): {}",
        s.keys_dir.display()
    )?;
    for a in &s.approvals {
        outln!(
            "  approved at {} by {} ({})",
            a.level_name,
            a.approver,
            a.tag
        )?;
    }
    outln!(
        "  issued by {} as số {}, ngày {} ({})",
        s.clerk,
        s.number_text,
        duthao::ops::date_vi(&s.date),
        s.issue_tag
    )?;
    outln!("  final DOCX: {}", s.final_docx.display())?;
    match (&s.final_pdf, &s.pdf_skipped) {
        (Some(p), _) => outln!("  final PDF: {}", p.display())?,
        (None, Some(why)) => outln!("  final PDF: skipped ({why})")?,
        (None, None) => {}
    }
    outln!(
        "  register of outgoing documents ({} entr{}): {}",
        s.register_entries,
        if s.register_entries == 1 { "y" } else { "ies" },
        s.register.display()
    )?;
    if s.verified {
        outln!("  verify: no problems ({} note(s))", s.notes.len())?;
    } else {
        outln!("  verify: {} problem(s)", s.problems.len())?;
    }
    for p in &s.problems {
        outln!("    problem: {p}")?;
    }
    for n in &s.notes {
        outln!("    note: {n}")?;
    }
    if let Some(a) = s.approvals.first() {
        outln!()?;
        outln!("Check an approval with git alone (the keys listed in duthao.toml):")?;
        outln!("  cd {}", report.root.display())?;
        outln!(
            "  git -c gpg.ssh.allowedSignersFile={} tag -v {}",
            s.allowed_signers.display(),
            a.tag
        )?;
    }
    if let Some(sites) = &report.sites {
        outln!()?;
        outln!("Two sites meeting at a remote (duthao sync):")?;
        outln!("  remote (a bare repository): {}", sites.remote.display())?;
        outln!(
            "  site {} (a clone): {}",
            duthao::ops::DEMO_COMMUNE_SITE,
            sites.site.display()
        )?;
        for step in &sites.steps {
            outln!("  {}", step.label)?;
            let r = &step.report;
            let mut lines = super::sync::moved_lines("in", &r.incoming);
            lines.extend(super::sync::moved_lines("out", &r.outgoing));
            if lines.is_empty() {
                lines.push("nothing to do".into());
            }
            for line in lines {
                outln!("    {line}")?;
            }
        }
    }
    let first = report.slugs.first().map(String::as_str).unwrap_or("SLUG");
    // The lines must work as printed: through `duthao` when that is this
    // program on PATH, else through this program's own path (the demo is
    // often run as `cargo run -- demo`, before anything is installed).
    let me = invocation();
    outln!()?;
    outln!("Try:")?;
    outln!("  cd {}", report.root.display())?;
    for (args, note) in [
        ("list".to_string(), ""),
        (
            format!("status {first}"),
            "# versions, and which bodies answered",
        ),
        (format!("log {first}"), ""),
        (
            format!("diff {first} v1 v2"),
            "# what changed, word by word",
        ),
        (format!("export {first}"), "# DOCX of the latest version"),
        (
            format!("comment list {first}"),
            "# the comments, where they stand in v3",
        ),
        (
            format!("report {first} --version v2"),
            "# the synthesis of the comments on v2",
        ),
        (
            format!("diff {first} v1 v2 --comments"),
            "# the changes with the comments beside them",
        ),
        ("verify".to_string(), "# the sign-off records, checked"),
        ("register".to_string(), "# the outgoing register"),
        (
            format!("verify --docx {}", s.final_docx.display()),
            "# the final DOCX against the record",
        ),
    ] {
        outln!("  {:<60} {note}", format!("{me} {args}"))?;
    }
    outln!(
        "  {:<60} # the same history, read by plain git",
        "git log --oneline --decorate"
    )?;
    if let Some(sites) = &report.sites {
        outln!("  cd {}", sites.site.display())?;
        outln!(
            "  {:<60} # the commune's comments and the centre's answers",
            format!("{me} comment list {first}")
        )?;
        outln!(
            "  {:<60} # meet the centre again through the remote",
            format!("{me} sync")
        )?;
    }
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
