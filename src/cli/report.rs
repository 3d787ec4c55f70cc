//! `duthao report`: the synthesis table of the comments on a version.

use std::path::PathBuf;

use anyhow::bail;

use super::Context;
use super::output::{errln, outln};

/// The synthesis table of the comments on a version: "Bản tổng hợp ý kiến,
/// tiếp thu, giải trình ý kiến góp ý".
///
/// It opens with how many bodies were asked, answered, agreed with no
/// comments (thống nhất) and have not answered, and how many comments there
/// are by response; then every comment in document order, then by level:
/// STT, the structural path, the body, the comment, the drafter's answer.
/// Unanswered comments stand out. The DOCX is on landscape A4 in the
/// profile's layout, signed as duthao.toml's [report] says.
#[derive(clap::Args, Debug)]
pub struct Args {
    pub slug: String,
    /// The version the comments were made on (default: the latest).
    #[arg(long, value_name = "vN")]
    pub version: Option<String>,
    /// docx, html or markdown (default: from -o's extension, else markdown).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Output file (default: standard output for markdown and html;
    /// SLUG-vN-tong-hop-y-kien.docx for docx).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The date the synthesis bears, YYYY-MM-DD (default: today).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Word, landscape A4, the profile's fonts and header.
    Docx,
    /// One self-contained page, printable landscape.
    Html,
    /// A Markdown table.
    Markdown,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<()> {
    let ws = ctx.workspace()?;
    let slug = ctx.slug(&ws, &args.slug)?;
    let version = match &args.version {
        None => None,
        Some(v) => match v.parse::<duthao::store::Rev>()? {
            duthao::store::Rev::Version(n) => Some(n),
            _ => bail!("--version {v}: a version is written vN (v1, v2, …)"),
        },
    };
    let date = match &args.date {
        None => None,
        Some(d) => Some(
            time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]"))
                .map_err(|_| anyhow::anyhow!("--date {d}: write the date as YYYY-MM-DD"))?,
        ),
    };
    let ext = args
        .output
        .as_ref()
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let format = args.format.unwrap_or(match ext.as_deref() {
        Some("docx") => Format::Docx,
        Some("html" | "htm") => Format::Html,
        _ => Format::Markdown,
    });
    let report = duthao::ops::report(&ws, &slug, version, date)?;
    let n = report.synthesis.version;
    let guard = ws.output_guard();
    let wrote = match format {
        Format::Docx => {
            let out = ctx.cwd.join(
                args.output
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(format!("{slug}-v{n}-tong-hop-y-kien.docx"))),
            );
            if ext.as_deref() != Some("docx") && super::output::needs_docx_name(&out) {
                bail!(
                    "-o {}: --format docx writes a Word document; give a name ending in .docx",
                    out.display()
                );
            }
            let doc = duthao::ops::report_docx(&ws, &slug, &report)?;
            super::output::write_to(&out, &guard, |w| w.write_all(&doc.bytes))?
        }
        Format::Html | Format::Markdown => {
            let out = args
                .output
                .as_ref()
                .map(|p| ctx.cwd.join(p))
                .unwrap_or_else(|| PathBuf::from("-"));
            super::output::write_to(&out, &guard, |w| {
                let mut w = std::io::BufWriter::new(w);
                if format == Format::Html {
                    duthao::render::report::html(&mut w, &report.synthesis, &report.context)?;
                } else {
                    duthao::render::report::markdown(&mut w, &report.synthesis, &report.context)?;
                }
                std::io::Write::flush(&mut w)
            })?
        }
    };
    let c = &report.synthesis.counts;
    if let Some(p) = wrote {
        outln!(
            "Wrote {} (Dự thảo lần {n}: {} comment(s), {} without a response).",
            p.display(),
            c.comments,
            c.open
        )?;
    }
    if c.open > 0 {
        errln!(
            "note: {} comment(s) on v{n} have no response yet; they stand out in the table (duthao comment list {slug} --version v{n} --open)",
            c.open
        );
    }
    Ok(())
}
