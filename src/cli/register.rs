use super::Context;
use super::output::{cut, outln, pad};

/// The outgoing register (sổ đăng ký văn bản đi): every issued document,
/// by date: số, ngày, loại, trích yếu, người ký.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Only this year's documents.
    #[arg(long)]
    pub year: Option<i32>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<()> {
    let ws = ctx.workspace()?;
    let entries = duthao::ops::register(&ws, args.year)?;
    if args.json {
        return super::output::print_json(&entries);
    }
    if entries.is_empty() {
        outln!(
            "No document has been issued{}.",
            args.year.map(|y| format!(" in {y}")).unwrap_or_default()
        )?;
        return Ok(());
    }
    outln!(
        "{}  {}  {}  {}  {}  {}",
        pad("SỐ", 14),
        pad("NGÀY", 10),
        pad("LOẠI", 12),
        pad("TRÍCH YẾU", 50),
        pad("NGƯỜI KÝ", 20),
        "SỔ"
    )?;
    for e in &entries {
        outln!(
            "{}  {}  {}  {}  {}  {}",
            pad(&e.number_text, 14),
            pad(&duthao::ops::date_vi(&e.date), 10),
            pad(&cut(&e.kind, 12), 12),
            pad(&cut(&e.title, 50), 50),
            pad(&cut(&e.signer, 20), 20),
            e.register
        )?;
    }
    Ok(())
}
