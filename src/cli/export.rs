use std::path::PathBuf;

use anyhow::bail;
use duthao::ops::{Which, export};
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
    /// The final, unmarked document: only once every level has approved
    /// and the clerk has issued it (duthao issue); default file
    /// SLUG-final.docx. Its properties record the sign-off, so that
    /// `duthao verify --docx FILE` can tell later whether a file is exactly
    /// this document.
    #[arg(long)]
    pub r#final: bool,
    /// With --final, also the PDF beside the DOCX (through LibreOffice), for
    /// the clerk's digital-signature tool.
    #[arg(long, requires = "final")]
    pub pdf: bool,
    /// For the bodies to comment on in Word: the version with its open
    /// comments in the margin and hidden markers that tie each paragraph to
    /// its block, so that `duthao comment import` maps the returned file
    /// back exactly (default file: SLUG-vN-gop-y.docx).
    #[arg(long, conflicts_with_all = ["rev", "working", "final"])]
    pub for_comment: bool,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<()> {
    let ws = ctx.workspace()?;
    let slug = ctx.slug(&ws, &args.slug)?;
    let which = if args.r#final {
        Which::Final
    } else if let Some(v) = &args.version {
        let n = v.strip_prefix('v').unwrap_or(v);
        match n.parse::<u32>() {
            Ok(n) if n > 0 => Which::At(Rev::Version(n)),
            _ => bail!("--version {v}: give a version number such as v2"),
        }
    } else if let Some(r) = &args.rev {
        Which::At(r.parse()?)
    } else if args.working {
        Which::At(Rev::Working)
    } else {
        Which::Latest
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
    let exported = if args.for_comment {
        let n = match &which {
            Which::At(Rev::Version(n)) => Some(*n),
            _ => None,
        };
        duthao::ops::export_for_comment(&ws, &slug, n)?
    } else {
        export(&ws, &slug, &which)?
    };
    let shown = match &which {
        Which::At(rev) => ws.draft_name(&slug, rev),
        _ => match exported.version {
            Some(n) => ws.draft_name(&slug, &Rev::Version(n)),
            None => ws.draft_name(&slug, &Rev::Working),
        },
    };
    for w in &exported.warnings {
        errln!("warning: {}: {w}", shown.display());
    }
    let out = match &args.output {
        Some(p) => ctx.cwd.join(p),
        None if args.r#final => ctx.cwd.join(format!("{slug}-final.docx")),
        None => ctx.cwd.join(match (exported.version, args.for_comment) {
            (Some(n), true) => format!("{slug}-v{n}-gop-y.docx"),
            (Some(n), false) => format!("{slug}-v{n}.docx"),
            (None, _) => format!("{slug}-du-thao.docx"),
        }),
    };
    let bytes = exported.bytes;
    let out = super::output::write_to(&out, &ws.output_guard(), |w| {
        std::io::Write::write_all(w, &bytes)
    })?
    .unwrap_or(out);
    if args.r#final {
        outln!(
            "Wrote {} (the final document, from Dự thảo lần {}).",
            out.display(),
            exported.version.unwrap_or(0)
        )?;
        if args.pdf {
            let pdf = out.with_extension("pdf");
            if let Err(e) = duthao::ops::docx_to_pdf_guarded(&out, &pdf, &ws.output_guard()) {
                bail!("{e}");
            }
            outln!("Wrote {} (for the digital signature).", pdf.display())?;
        }
        return Ok(());
    }
    let mark = match exported.version {
        Some(n) => format!("Dự thảo lần {n}"),
        None => "DỰ THẢO".to_string(),
    };
    outln!("Wrote {} ({mark}).", out.display())?;
    Ok(())
}
