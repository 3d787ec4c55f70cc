//! What the official layout needs from the front matter that a draft lacks.
//!
//! An export never fails for these: a draft is exported while it is still
//! incomplete. The warnings tell the drafter (and the clerk before issuing)
//! which parts of the first and last page will be blank or missing.

use super::DraftMark;
use duthao_model::Draft;
use duthao_profile::layout::Layout;

/// One line per thing the layout needs and the draft lacks, in the order
/// they appear on the page (number, place and date, trích yếu, signature,
/// "Nơi nhận"). The number and the date are required of a final document
/// only: a draft leaves them blank, as clerks do.
pub fn check(draft: &Draft, layout: &Layout, mark: DraftMark) -> Vec<String> {
    let f = &draft.front;
    let is_final = mark == DraftMark::Final;
    let blank = |s: Option<&str>| s.is_none_or(|s| s.trim().is_empty());
    let mut out = Vec::new();
    if blank(f.issuer.code.as_deref()) {
        out.push(format!(
            "no `issuer.code`: the number line reads \"{}\" without the issuing body's code",
            layout.formats.number_line(f.number, "…", "")
        ));
    }
    if is_final && f.number.is_none() {
        out.push("no `number`: a final document needs its number".to_string());
    }
    if blank(f.place.as_deref()) {
        out.push("no `place`: the date line has no place name".to_string());
    }
    if is_final && f.date.is_none() {
        out.push("no `date`: a final document needs its date".to_string());
    }
    if f.title.trim().is_empty() {
        out.push("no `title`: the document has no trích yếu".to_string());
    }
    match &f.signer {
        None => out.push(
            "no `signer`: the document has no signature block (authority, title, name)".to_string(),
        ),
        Some(s) => {
            if s.title.trim().is_empty() {
                out.push("no `signer.title`: the signature block has no title".to_string());
            }
            if s.name.trim().is_empty() {
                out.push("no `signer.name`: the signature block has no name".to_string());
            }
        }
    }
    if f.recipients.iter().all(|r| r.trim().is_empty()) {
        out.push(format!(
            "no `recipients`: the document has no \"{}\" list",
            layout.recipients.label
        ));
    }
    out
}
