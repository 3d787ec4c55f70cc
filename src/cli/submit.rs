use super::Context;
use super::output::outln;
use super::output::short;

/// Freeze the committed text as the next version, "Dự thảo lần N", to send
/// out for comment. Reviewers always comment on a version.
///
/// Refuses text that is not committed and a draft that does not read.
#[derive(clap::Args, Debug)]
pub struct Args {
    pub slug: String,
    /// A note for the reviewers (what changed, what to look at).
    #[arg(short, long, default_value = "")]
    pub message: String,
    /// Sign the version tag with this SSH key: a private key file, a .pub
    /// file whose key ssh-agent holds, or "key::ssh-ed25519 AAAA…". Without
    /// it the tag is signed when DUTHAO_SIGNING_KEY or git's
    /// user.signingkey (with gpg.format=ssh) names a key.
    #[arg(long, value_name = "KEY", conflicts_with = "no_sign")]
    pub key: Option<String>,
    /// Leave the version tag unsigned even when a key is set up.
    #[arg(long)]
    pub no_sign: bool,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<()> {
    let ws = ctx.workspace()?;
    let slug = ctx.slug(&ws, &args.slug)?;
    let sign = match (&args.key, args.no_sign) {
        (_, true) => duthao::ops::SignVersion::Unsigned,
        (Some(key), false) => duthao::ops::SignVersion::WithKey(key),
        (None, false) => duthao::ops::SignVersion::IfKeySetUp,
    };
    let v = duthao::ops::submit_signing(&ws, &slug, &args.message, sign)?;
    if args.json {
        return super::output::print_json(&duthao::ops::VersionInfo::from(&v));
    }
    outln!(
        "{}: Dự thảo lần {} ({}tag {}) at {}.",
        v.slug,
        v.n,
        if v.signed { "signed " } else { "" },
        v.tag,
        short(&v.commit.to_string())
    )?;
    if v.n > 1 {
        outln!(
            "Reviewers can see what changed: duthao diff {} v{} v{}",
            v.slug,
            v.n - 1,
            v.n
        )?;
    }
    Ok(())
}
