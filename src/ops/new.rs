//! `new`: a draft from its profile's skeleton.

use serde::Serialize;
use std::path::PathBuf;

use crate::fsutil::write_owned;
use crate::model::DocDate;
use crate::reader;
use crate::workspace::{Result, Workspace, WorkspaceError, check_slug};

/// What to make.
#[derive(Debug, Clone, Default)]
pub struct NewOptions<'a> {
    /// The document kind (`nghi-quyet`, `quyet-dinh` …) in the profile.
    pub kind: &'a str,
    /// The draft's name.
    pub slug: &'a str,
    /// The trích yếu; "về …" to fill in when absent.
    pub title: Option<&'a str>,
    /// The layout profile; the workspace's when absent.
    pub profile: Option<&'a str>,
    /// The document's date; today (on this machine's clock) when absent.
    pub date: Option<DocDate>,
}

/// What `new` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct NewDraft {
    /// The draft's name.
    pub slug: String,
    /// Its file, relative to the workspace.
    pub path: PathBuf,
    /// The kind as given.
    pub kind: String,
    /// The kind's name in the profile ("NGHỊ QUYẾT").
    pub kind_name: String,
    /// The profile it uses.
    pub profile: String,
}

/// Writes `drafts/<slug>.md` from the profile's skeleton for the kind, its
/// front matter filled from the organisation. Does not commit.
pub fn new_draft(ws: &Workspace, opts: &NewOptions<'_>) -> Result<NewDraft> {
    let (kind, slug) = (opts.kind, opts.slug);
    check_slug(slug)?;
    let path = ws.draft_path(slug);
    if path.exists() {
        return Err(WorkspaceError::DraftExists { path });
    }
    let profile = opts.profile.unwrap_or(&ws.config.profile).to_string();
    crate::profile::check_profile_name(&profile)?;
    let kinds = ws.kinds(&profile)?;
    let Some(k) = kinds.get(kind) else {
        return Err(WorkspaceError::UnknownKindArg {
            kind: kind.to_string(),
            profile,
            known: kinds.known(),
        });
    };
    let skeleton = kinds.skeleton(&ws.templates, k)?;
    let today = opts.date.unwrap_or_else(today);
    let text = new_draft_text(ws, &profile, kind, opts.title, today, &skeleton);
    // What we write must read back; a skeleton that does not parse is our bug.
    reader::read(&text, &Workspace::draft_rel(slug))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| WorkspaceError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    write_owned(&path, text.as_bytes(), "drafts")?;
    Ok(NewDraft {
        slug: slug.to_string(),
        path: Workspace::draft_rel(slug),
        kind: kind.to_string(),
        kind_name: k.name.clone(),
        profile,
    })
}

/// Today on this machine's clock (its offset from UTC when known).
fn today() -> DocDate {
    let now = time::OffsetDateTime::now_local().unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    DocDate(now.date())
}

/// The text of a new draft: front matter from the organisation, then the skeleton.
fn new_draft_text(
    ws: &Workspace,
    profile: &str,
    kind: &str,
    title: Option<&str>,
    today: DocDate,
    skeleton: &str,
) -> String {
    let org = &ws.config.organisation;
    let q = |s: &str| yaml_quote(s);
    let mut t = String::from("---\n");
    t.push_str(&format!("kind: {kind}\n"));
    t.push_str(&format!("profile: {profile}\n"));
    t.push_str("issuer:\n");
    if let Some(p) = &org.parent {
        t.push_str(&format!("  parent: {}\n", q(p)));
    }
    t.push_str(&format!("  name: {}\n", q(&org.name)));
    if let Some(c) = &org.code {
        t.push_str(&format!("  code: {}\n", q(c)));
    }
    t.push_str("number:                  # empty until the clerk issues the document\n");
    if let Some(p) = &org.place {
        t.push_str(&format!("place: {}\n", q(p)));
    }
    t.push_str(&format!("date: {today}\n"));
    let title = title
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("về …");
    t.push_str(&format!("title: {}\n", q(title)));
    let (authority, signer_title, lưu) = if profile.starts_with("party") {
        ("T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Lưu Văn phòng")
    } else {
        ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lưu: VT")
    };
    t.push_str("# signer:                # who signs; fill in and uncomment\n");
    t.push_str(&format!("#   authority: {authority}\n"));
    t.push_str(&format!("#   title: {signer_title}\n"));
    t.push_str("#   name: Nguyễn Văn A\n");
    t.push_str("recipients:\n");
    t.push_str(&format!("  - {}\n", q(lưu)));
    t.push_str("---\n\n");
    let body = skeleton.trim();
    if body.is_empty() {
        t.push_str("Nội dung văn bản.\n");
    } else {
        t.push_str(body);
        t.push('\n');
    }
    t
}

/// A YAML scalar for a value the user typed: as it is when YAML reads it
/// back as the same plain text, else double-quoted with every character
/// YAML could misread escaped (a line break, `---`, a `#`, a control
/// character), so the value can never end the front matter early or be
/// read as something else.
fn yaml_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.trim() == s
        && !s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`~".contains(c))
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !s.chars().any(|c| c.is_control() || c == '\u{feff}')
        && s.parse::<f64>().is_err()
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::yaml_quote;

    #[test]
    fn quoted_values_read_back_as_typed() {
        for v in [
            "về tăng cường công tác cán bộ",
            "x\n---",
            "Quy chế: làm việc",
            "a # b",
            "\"trích\" và \\",
            "tab\there",
            "e\u{1b}[31m",
            " lề ",
            "yes",
            "12",
            "- gạch",
        ] {
            let yaml = format!("title: {}\nnext: 1\n", yaml_quote(v));
            let back: std::collections::BTreeMap<String, serde_yaml_ng::Value> =
                serde_yaml_ng::from_str(&yaml).unwrap_or_else(|e| panic!("{v:?}: {e}: {yaml}"));
            assert_eq!(back["title"].as_str(), Some(v), "{yaml}");
            assert_eq!(back.len(), 2, "{yaml}");
        }
    }
}
