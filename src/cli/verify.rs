use super::Context;
use super::output::outln;

/// Check signatures, levels in order, quorums, self-approvals, the text
/// against what was approved, the issue, and .duthao/allowed_signers
/// against duthao.toml. Exit 0 when everything holds, 3 with every problem
/// listed otherwise.
///
/// With --docx FILE: whether the file is exactly the final export of an
/// approved, issued version, and where it was changed if not.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// One draft; every draft with a version by default.
    #[arg(conflicts_with = "docx")]
    pub slug: Option<String>,
    /// A DOCX to check against its recorded provenance.
    #[arg(long, value_name = "FILE")]
    pub docx: Option<std::path::PathBuf>,
    /// The organisation's own allowed-signers file (git's format), kept
    /// outside this repository: every approval and issue must also be signed
    /// by a key it lists for the signer. The repository's duthao.toml is only
    /// as trustworthy as whoever can write to the repository.
    #[arg(long, value_name = "FILE", conflicts_with = "docx")]
    pub trust: Option<std::path::PathBuf>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<()> {
    let ws = ctx.workspace()?;
    if let Some(file) = &args.docx {
        return docx(&ws, &ctx.cwd.join(file), args.json);
    }
    let slug = args.slug.as_deref().map(|s| ctx.slug(&ws, s)).transpose()?;
    let trusted = match &args.trust {
        Some(file) => {
            let path = ctx.cwd.join(file);
            let bytes =
                duthao::fsutil::read_input(&path, 4 * 1024 * 1024, "allowed-signers files")?;
            let text = String::from_utf8(bytes)
                .map_err(|_| anyhow::anyhow!("{}: not UTF-8 text", file.display()))?;
            let signers = duthao::store::parse_allowed_signers(&text)
                .map_err(|(line, why)| anyhow::anyhow!("{}:{line}: {why}", file.display()))?;
            Some(duthao::ops::Trusted {
                file: file.display().to_string(),
                signers,
            })
        }
        None => None,
    };
    let v = duthao::ops::verify_trusting(&ws, slug.as_deref(), trusted.as_ref())?;
    if args.json {
        super::output::print_json(&v)?;
    } else {
        for p in &v.workspace {
            outln!("✗ {}: {}", p.subject, p.message)?;
        }
        for d in &v.drafts {
            let mark = if d.problems.is_empty() { "✓" } else { "✗" };
            outln!(
                "{mark} {}: {} ({} version(s), {} signed decision(s))",
                d.slug,
                d.stage_vi,
                d.versions,
                d.decisions
            )?;
            for p in &d.problems {
                outln!("    ✗ {}: {}", p.subject, p.message)?;
            }
            // The same note on many tags (every version unsigned, say) is
            // one line naming them.
            let mut grouped: Vec<(&str, Vec<&str>)> = Vec::new();
            for n in &d.notes {
                match grouped.iter_mut().find(|(m, _)| *m == n.message) {
                    Some((_, subjects)) => subjects.push(&n.subject),
                    None => grouped.push((&n.message, vec![&n.subject])),
                }
            }
            for (message, subjects) in grouped {
                outln!("    note: {}: {message}", subjects.join(", "))?;
            }
        }
        if v.workspace
            .iter()
            .any(|p| p.subject == duthao::ops::ALLOWED_SIGNERS)
        {
            outln!(
                "  see the difference: duthao keys; bring the file in step with duthao.toml: duthao keys --write"
            )?;
        }
        if let Some(t) = &trusted {
            outln!(
                "Signatures that count checked against {} ({} key line(s)).",
                t.file,
                t.signers.len()
            )?;
        }
        if v.drafts.is_empty() && v.workspace.is_empty() {
            outln!("Nothing to verify: no draft has a version yet.")?;
        }
    }
    if v.ok() {
        Ok(())
    } else {
        let count = v.problems().count();
        Err(super::Exit(3, format!("verify: {count} problem(s)")).into())
    }
}

fn docx(
    ws: &duthao::workspace::Workspace,
    file: &std::path::Path,
    json: bool,
) -> anyhow::Result<()> {
    let check = duthao::ops::verify_docx(ws, file)?;
    if json {
        super::output::print_json(&check)?;
    } else {
        for line in check.lines() {
            outln!("{line}")?;
        }
    }
    if check.exact {
        Ok(())
    } else {
        Err(super::Exit(3, String::new()).into())
    }
}
