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
    let date = args.date.as_deref().map(parse_date).transpose()?;
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

/// `2026-11-30`, or as Vietnamese documents write it, `30/11/2026`.
fn parse_date(d: &str) -> anyhow::Result<DocDate> {
    let iso = match d.trim().split('/').collect::<Vec<_>>()[..] {
        [day, month, year] => format!("{year}-{month:0>2}-{day:0>2}"),
        _ => d.trim().to_string(),
    };
    DocDate::parse(&iso).map_err(|_| {
        anyhow::anyhow!("--date {d:?} is not a date; write it as 2026-11-30 or 30/11/2026")
    })
}
