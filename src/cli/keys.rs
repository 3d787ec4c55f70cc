use super::Context;
use super::output::outln;

/// Show whether .duthao/allowed_signers agrees with the keys in
/// duthao.toml; --write brings it in step and commits it. git tag -v checks
/// approvals against this file.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Write the file from duthao.toml and commit it.
    #[arg(long)]
    pub write: bool,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<()> {
    let ws = ctx.workspace()?;
    let k = duthao::ops::keys(&ws, args.write)?;
    if args.json {
        return super::output::print_json(&k);
    }
    match (&k.committed, k.in_step, k.exists) {
        (Some(c), _, _) => outln!(
            "Wrote {} from duthao.toml and committed it ({}).",
            k.path.display(),
            super::output::short(c)
        )?,
        (None, true, _) => outln!("{} agrees with duthao.toml.", k.path.display())?,
        (None, false, exists) => {
            let state = if exists {
                "does not agree with duthao.toml"
            } else {
                "is missing"
            };
            outln!(
                "{} {state}. duthao.toml says it must hold:",
                k.path.display()
            )?;
            for l in k.expected.lines() {
                outln!("  {l}")?;
            }
            outln!("Write it with: duthao keys --write")?;
            return Err(super::Exit(3, String::new()).into());
        }
    }
    Ok(())
}
