//! What a drafter does to a draft: create it, commit it, submit a version.

use std::path::PathBuf;

use super::{Result, Workspace, WorkspaceError, check_slug};
use crate::fsutil::write_owned;
use crate::reader;
use crate::store::{Identity, Rev, Version};

/// What `new` wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewDraft {
    pub slug: String,
    pub path: PathBuf,
    pub kind: String,
    pub kind_name: String,
    pub profile: String,
}

/// What `commit` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Committed {
    pub slug: String,
    pub commit: String,
    /// The draft does not parse; it was committed anyway so nothing is lost,
    /// but it cannot be submitted until fixed.
    pub warning: Option<String>,
    /// The file was in another Unicode normalisation (NFD) and was rewritten
    /// as NFC, which looks the same and is how drafts are stored.
    pub normalised: bool,
    /// The commit is made, but git's index could not be updated to show it
    /// (another program held the index): what to run to make them agree.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_note: Option<String>,
}

impl Workspace {
    /// Writes `drafts/<slug>.md` from the profile's skeleton for `kind`. Does not commit.
    pub fn new_draft(
        &self,
        kind: &str,
        slug: &str,
        title: Option<&str>,
        profile: Option<&str>,
        today: crate::model::DocDate,
    ) -> Result<NewDraft> {
        check_slug(slug)?;
        let path = self.draft_path(slug);
        if path.exists() {
            return Err(WorkspaceError::DraftExists { path });
        }
        let profile = profile.unwrap_or(&self.config.profile).to_string();
        crate::profile::check_profile_name(&profile)?;
        let kinds = self.kinds(&profile)?;
        let Some(k) = kinds.get(kind) else {
            return Err(WorkspaceError::UnknownKindArg {
                kind: kind.to_string(),
                profile,
                known: kinds.known(),
            });
        };
        let skeleton = kinds.skeleton(&self.templates, k)?;
        let text = new_draft_text(self, &profile, kind, title, today, &skeleton);
        // What we write must read back; a skeleton that does not parse is our bug.
        reader::parse_draft_str(&text, &Self::draft_rel(slug))?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| WorkspaceError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        write_owned(&path, text.as_bytes(), "drafts")?;
        Ok(NewDraft {
            slug: slug.to_string(),
            path: Self::draft_rel(slug),
            kind: kind.to_string(),
            kind_name: k.name.clone(),
            profile,
        })
    }

    /// Commits exactly `drafts/<slug>.md`, whatever else is changed.
    pub fn commit_draft(&self, slug: &str, message: &str) -> Result<Committed> {
        let who = self.store().identity()?;
        self.commit_draft_as(slug, message, &who)
    }

    /// [`Self::commit_draft`] with an explicit author.
    pub fn commit_draft_as(&self, slug: &str, message: &str, who: &Identity) -> Result<Committed> {
        self.require_slug(slug)?;
        let normalised = self.normalise_on_disk(slug)?;
        let warning = match self.draft_text(slug, &Rev::Working) {
            Err(e) => Some(e.to_string()),
            Ok(text) => match conflict_marker_line(&text) {
                Some(line) => Some(
                    WorkspaceError::ConflictMarkers {
                        file: Self::draft_rel(slug),
                        line,
                    }
                    .to_string(),
                ),
                None => self
                    .parse_draft_owned(slug, &Rev::Working, text)
                    .err()
                    .map(|e| e.to_string()),
            },
        };
        let rel = Self::draft_rel(slug);
        let oid = self.store().commit_paths(&[rel.as_path()], message, who)?;
        let index_note = self.store().take_index_note().map(|n| n.to_string());
        Ok(Committed {
            slug: slug.to_string(),
            commit: oid.to_string(),
            warning,
            normalised,
            index_note,
        })
    }

    /// Drafts are stored in NFC. A file saved in NFD by another tool is
    /// rewritten in NFC before it is committed: the text is canonically the
    /// same (it looks identical), and history never holds two spellings of one
    /// word. Only the normalisation changes; line endings and everything else
    /// stay as written.
    fn normalise_on_disk(&self, slug: &str) -> Result<bool> {
        let path = self.draft_path(slug);
        let bytes = self.draft_bytes(slug, &Rev::Working)?;
        let Ok(text) = String::from_utf8(bytes) else {
            return Ok(false);
        };
        let nfc = reader::nfc(text.clone());
        if nfc == text {
            return Ok(false);
        }
        write_owned(&path, nfc.as_bytes(), "drafts")?;
        Ok(true)
    }

    /// Freezes the committed text as the next version ("Dự thảo lần N").
    /// Refuses uncommitted text and a draft that does not parse.
    pub fn submit(&self, slug: &str, message: &str) -> Result<Version> {
        let who = self.store().identity()?;
        self.submit_as(slug, message, &who)
    }

    /// [`Self::submit`] with an explicit submitter.
    pub fn submit_as(&self, slug: &str, message: &str, who: &Identity) -> Result<Version> {
        self.require_slug(slug)?;
        // A version is the text of the branch everyone works on: from a
        // detached HEAD at an old commit it would silently freeze old text
        // as the newest version.
        if let crate::store::HeadState::Detached(oid) = self.store().head_state()? {
            return Err(crate::store::StoreError::Detached {
                short: oid.to_string()[..7].to_string(),
            }
            .into());
        }
        self.store().ensure_no_operation_in_progress()?;
        let rel = Self::draft_rel(slug);
        if self.uncommitted(slug)? {
            return Err(WorkspaceError::Uncommitted {
                slug: slug.to_string(),
            });
        }
        let revisions = self.store().revisions(&rel)?;
        let Some(last) = revisions.first() else {
            return Err(WorkspaceError::NeverCommitted {
                slug: slug.to_string(),
            });
        };
        // The version is the committed text: it must be a valid draft, and
        // differ from the version before it.
        let rev = Rev::Git(last.commit.to_string());
        let text = self.draft_text(slug, &rev)?;
        self.parse_draft(slug, &rev, &text)?;
        if let Some(line) = conflict_marker_line(&text) {
            return Err(WorkspaceError::ConflictMarkers {
                file: self.draft_name(slug, &rev),
                line,
            });
        }
        if let Some(prev) = self.versions(slug)?.last() {
            if prev.commit != last.commit && self.draft_text(slug, &Rev::Version(prev.n))? == text {
                return Err(WorkspaceError::NothingNew {
                    slug: slug.to_string(),
                    n: prev.n,
                });
            }
        }
        Ok(self
            .store()
            .create_version_of(slug, Some(&rel), last.commit, message, who)?)
    }
}

/// The first line (1-based) that is a merge conflict marker git leaves in a
/// file (`<<<<<<< `, `=======`, `>>>>>>> `, and diff3's `||||||| `).
pub fn conflict_marker_line(text: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim_end();
            l == "======="
                || ["<<<<<<< ", ">>>>>>> ", "||||||| "]
                    .iter()
                    .any(|m| l.starts_with(m))
                || l == "<<<<<<<"
                || l == ">>>>>>>"
        })
        .map(|i| i + 1)
}

/// The text of a new draft: front matter from the organisation, then the skeleton.
fn new_draft_text(
    ws: &Workspace,
    profile: &str,
    kind: &str,
    title: Option<&str>,
    today: crate::model::DocDate,
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
