use super::Context;
use super::output::outln;
use duthao::model::DocDate;

/// Issue an approved document: the clerk (văn thư) gives it the next number
/// in the register and the date, commits them to the draft and signs the
/// issue. Number and date are the only fields that may change after
/// approval.
#[derive(clap::Args, Debug)]
pub struct Args {
    pub slug: String,
    /// This number instead of the next free one in the register (refused
    /// when another document of the register has it).
    #[arg(long)]
    pub number: Option<u32>,
    /// The date (YYYY-MM-DD); today by default.
    #[arg(long)]
    pub date: Option<String>,
    /// Sign with this SSH key (see `approve --key`).
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<()> {
    let ws = ctx.workspace()?;
    let slug = ctx.slug(&ws, &args.slug)?;
    let date = args
        .date
        .as_deref()
        .map(|d| DocDate::parse(d).map_err(|e| anyhow::anyhow!("--date {d:?}: {e}")))
        .transpose()?;
    let issued = duthao::ops::issue(
        &ws,
        &slug,
        &duthao::ops::IssueRequest {
            number: args.number,
            date,
            key: args.key.as_deref(),
        },
    )?;
    if args.json {
        return super::output::print_json(&issued);
    }
    outln!(
        "{}: issued Dự thảo lần {} as số {} ngày {} (register {}).",
        issued.slug,
        issued.version,
        issued.number_text,
        duthao::ops::date_vi(&issued.date),
        issued.register
    )?;
    outln!(
        "Committed {} and signed {}. The final document: duthao export {} --final",
        super::output::short(&issued.commit),
        issued.tag,
        issued.slug
    )?;
    Ok(())
}
