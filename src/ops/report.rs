//! `report`: the synthesis table of the comments on a version (Bản tổng hợp
//! ý kiến, tiếp thu, giải trình ý kiến góp ý), as data for the Markdown and
//! HTML writers, or as a DOCX in the profile's layout.

use super::export::{Exported, layout_and_kind};
use super::review::{load_review, review_version, roster};
use super::snapshot::{Purpose, snapshot};
use crate::docx::{self, Content, DocxOptions};
use crate::workspace::{Result, Workspace};
use duthao_review::{HeaderKind, ReportContext, ReportSigner, Roster, Synthesis};
use duthao_store::Rev;

/// The synthesis of the comments on a version and what its page says
/// around the table.
#[derive(Debug, Clone)]
pub struct Report {
    /// The rows and counts.
    pub synthesis: Synthesis,
    /// Header, title, date and signature.
    pub context: ReportContext,
}

/// The synthesis of the comments made on version `version` (the latest
/// when `None`), dated `date` (today when `None`).
pub fn report(
    ws: &Workspace,
    slug: &str,
    version: Option<u32>,
    date: Option<time::Date>,
) -> Result<Report> {
    let n = review_version(ws, slug, version)?;
    let draft = ws.read_draft(slug, &Rev::Version(n))?;
    let review = load_review(ws, slug)?;
    let (levels, bodies) = roster(ws);
    let synthesis = Synthesis::of(
        &review,
        slug,
        n,
        Roster {
            levels: &levels,
            bodies: &bodies,
        },
    );
    let profile = ws.profile_of(&draft).to_string();
    let kinds = ws.kinds(&profile)?;
    let kind_name = kinds
        .get(&draft.front.kind)
        .map(|k| k.name.to_lowercase())
        .unwrap_or_else(|| draft.front.kind.clone());
    let org = &ws.config.organisation;
    let settings = ws.config.report.clone().unwrap_or_default();
    let signer =
        (!settings.title.trim().is_empty() || !settings.name.trim().is_empty()).then(|| {
            ReportSigner {
                authority: settings.authority.clone(),
                title: settings.title.clone(),
                name: settings.name.clone(),
            }
        });
    let front = &draft.front;
    let context = ReportContext {
        parent: front.issuer.parent.clone().or_else(|| org.parent.clone()),
        issuer: if front.issuer.name.trim().is_empty() {
            org.name.clone()
        } else {
            front.issuer.name.clone()
        },
        drafter: settings.drafter.clone(),
        place: front
            .place
            .clone()
            .or_else(|| org.place.clone())
            .unwrap_or_default(),
        date: date.unwrap_or_else(today),
        kind_name,
        title: front.title.clone(),
        version_label: format!("Dự thảo lần {n}"),
        header: if profile.starts_with("state") {
            HeaderKind::State
        } else {
            HeaderKind::Party
        },
        signer,
    };
    Ok(Report { synthesis, context })
}

fn today() -> time::Date {
    let now = time::OffsetDateTime::now_utc();
    time::UtcOffset::current_local_offset()
        .map(|o| now.to_offset(o))
        .unwrap_or(now)
        .date()
}

/// The synthesis as a DOCX: landscape A4 in the profile's fonts, recording
/// the version the comments are on.
pub fn report_docx(ws: &Workspace, slug: &str, report: &Report) -> Result<Exported> {
    let n = report.synthesis.version;
    let snap = snapshot(ws, slug, &Rev::Version(n), Purpose::Document)?;
    let (layout, kind) = layout_and_kind(Some(ws), &snap)?;
    let bytes = docx::export(
        Content::Report {
            synthesis: &report.synthesis,
            context: &report.context,
        },
        &DocxOptions {
            layout: &layout,
            kind: &kind,
            mark: snap.mark(),
            provenance: &snap.provenance(),
        },
    )?;
    Ok(Exported {
        bytes,
        warnings: Vec::new(),
        name: slug.to_string(),
        version: Some(n),
    })
}
