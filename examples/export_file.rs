//! Exports one draft file to DOCX in its profile's official layout, without a
//! workspace: `cargo run --release --example export_file -- IN.md OUT.docx [--version N]`.
//! Used by `bench/export.sh` until `duthao export` is wired.

use std::path::PathBuf;

use anyhow::{Context, bail};
use duthao::profile::layout::load_layout;
use duthao::profile::{Kinds, Templates};
use duthao::render::docx::{DraftMark, KindInfo, Provenance, export};
use sha2::{Digest, Sha256};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        bail!("usage: export_file IN.md OUT.docx [--version N]");
    }
    let input = PathBuf::from(&args[0]);
    let output = PathBuf::from(&args[1]);
    let version = match args.iter().position(|a| a == "--version") {
        Some(i) => Some(
            args.get(i + 1)
                .context("--version needs a number")?
                .parse::<u32>()
                .context("--version needs a number")?,
        ),
        None => None,
    };
    let bytes =
        std::fs::read(&input).with_context(|| format!("cannot read {}", input.display()))?;
    let draft = duthao::reader::parse_draft(&bytes, &input)?;
    let profile = draft
        .front
        .profile
        .clone()
        .unwrap_or_else(|| "state".to_string());
    let layout = load_layout(&profile, None)?;
    let kinds = Kinds::load(&Templates::builtin(), &profile)?;
    let kind = kinds.get(&draft.front.kind).with_context(|| {
        format!(
            "unknown kind `{}`; known: {}",
            draft.front.kind,
            kinds.known()
        )
    })?;
    let info = KindInfo {
        name: kind.name.clone(),
        code: kind.code.clone(),
    };
    let provenance = Provenance {
        slug: input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        version,
        commit: None,
        source_sha256: format!("{:x}", Sha256::digest(&bytes)),
        committed_at: None,
    };
    let docx = export(
        &draft,
        &layout,
        &info,
        DraftMark::Draft { version },
        &provenance,
    )?;
    std::fs::write(&output, docx).with_context(|| format!("cannot write {}", output.display()))?;
    Ok(())
}
