use std::path::PathBuf;

use anyhow::bail;
use duthao::store::Rev;

use super::Context;
use super::output::{errln, outln};

/// Write a draft as a DOCX in its profile's official layout (Nghị định
/// 30/2020 for state bodies, the party's rules for party bodies).
///
/// Until a version is signed off by every level, the document is a draft and
/// carries "Dự thảo lần N" (or "DỰ THẢO" for text not yet submitted). The
/// DOCX records its source (draft, version, commit, hash of the text) in its
/// properties. Default: the latest version, or the text on disk if none.
#[derive(clap::Args, Debug)]
pub struct Args {
    pub slug: String,
    /// A submitted version: v2 (or 2).
    #[arg(long, value_name = "vN", conflicts_with_all = ["rev", "working"])]
    pub version: Option<String>,
    /// Any git revision (HEAD~1, a commit, a branch).
    #[arg(long, value_name = "REV", conflicts_with = "working")]
    pub rev: Option<String>,
    /// The text on disk, committed or not (marked "DỰ THẢO").
    #[arg(long)]
    pub working: bool,
    /// Output file (default: SLUG-vN.docx or SLUG-du-thao.docx here).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The final, unmarked document: only once every level has approved.
    #[arg(long)]
    pub r#final: bool,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<()> {
    let ws = ctx.workspace()?;
    let slug = ctx.slug(&ws, &args.slug)?;
    if args.r#final {
        bail!(
            "{}: --final needs the signed approvals of every level in duthao.toml, and duthao does not record approvals yet; export the draft (marked \"Dự thảo lần N\") instead",
            slug
        );
    }
    let rev = if let Some(v) = &args.version {
        let n = v.strip_prefix('v').unwrap_or(v);
        match n.parse::<u32>() {
            Ok(n) if n > 0 => Rev::Version(n),
            _ => bail!("--version {v}: give a version number such as v2"),
        }
    } else if let Some(r) = &args.rev {
        r.parse()?
    } else if args.working {
        Rev::Working
    } else {
        match ws.versions(&slug)?.last() {
            Some(v) => Rev::Version(v.n),
            None => Rev::Working,
        }
    };
    if let Some(p) = &args.output {
        let ext = p
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if ext.as_deref() != Some("docx") && super::output::needs_docx_name(&ctx.cwd.join(p)) {
            bail!(
                "-o {}: duthao writes Word documents; give a name ending in .docx (LibreOffice converts it to PDF: soffice --headless --convert-to pdf FILE.docx)",
                p.display()
            );
        }
    }
    let snap = ws.snapshot(&slug, &rev)?;
    let exported = ws.export_docx(&snap)?;
    let bytes = exported.bytes;
    for w in &exported.warnings {
        errln!("warning: {}: {w}", ws.draft_name(&slug, &rev).display());
    }
    let out = match &args.output {
        Some(p) => ctx.cwd.join(p),
        None => ctx.cwd.join(match snap.version {
            Some(n) => format!("{}-v{n}.docx", slug),
            None => format!("{}-du-thao.docx", slug),
        }),
    };
    let out = super::output::write_to(&out, &ws.output_guard(), |w| {
        std::io::Write::write_all(w, &bytes)
    })?
    .unwrap_or(out);
    let mark = match snap.version {
        Some(n) => format!("Dự thảo lần {n}"),
        None => "DỰ THẢO".to_string(),
    };
    outln!("Wrote {} ({mark}).", out.display())?;
    Ok(())
}
