use std::path::PathBuf;

use anyhow::{Context as _, bail};
use duthao::examples;
use duthao::store::Identity;
use duthao::workspace::{InitOptions, Workspace, init};

use super::Context;

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
            .with_context(|| format!("cannot read {}", dir.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} exists and is not empty; give a new folder, e.g. duthao demo /tmp/duthao-demo",
            dir.display()
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
    println!("Demo workspace: {}", report.root.display());
    let mut slugs = Vec::new();
    for ex in examples::bundled() {
        let path = ws.draft_path(ex.slug);
        for (i, text) in ex.versions.iter().enumerate() {
            let n = i + 1;
            duthao::fsutil::write_atomic(&path, text.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            let msg = if n == 1 {
                "Bản đầu".to_string()
            } else {
                format!("Chỉnh sửa, tiếp thu ý kiến góp ý Dự thảo lần {}", n - 1)
            };
            ws.commit_draft_as(ex.slug, &msg, &who)?;
            let v = ws.submit_as(ex.slug, &format!("Gửi xin ý kiến Dự thảo lần {n}"), &who)?;
            println!(
                "  {}: committed and submitted Dự thảo lần {} ({})",
                ex.slug, v.n, v.tag
            );
        }
        slugs.push(ex.slug);
    }
    let first = slugs.first().copied().unwrap_or("SLUG");
    println!();
    println!("Try:");
    println!("  cd {}", report.root.display());
    println!("  duthao list");
    println!("  duthao status {first}");
    println!("  duthao log {first}");
    println!("  git log --oneline --decorate        # the same history, read by plain git");
    Ok(())
}
