//! `export`, and `diff --format docx`: a DOCX in the official layout, of a
//! draft or of a comparison as tracked changes, through one path that finds
//! the profile's layout and the kind's name.

use super::compare::Comparison;
use super::snapshot::{Purpose, Snapshot, snapshot};
use crate::docx::{self, Content, DocxOptions, KindInfo};
use crate::model::Draft;
use crate::profile::layout::{Layout, load_layout};
use crate::profile::{Kinds, Templates};
use crate::workspace::{Result, TEMPLATES_DIR, Workspace, WorkspaceError};
use duthao_store::Rev;

/// The profile a draft from outside any workspace is laid out in when its
/// front matter names none.
const DEFAULT_PROFILE: &str = "state";

/// A DOCX, with what the reader should hear about it.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The document.
    pub bytes: Vec<u8>,
    /// What the layout needs that the draft lacks (a signer, recipients …),
    /// and anything else to know about the text laid out.
    pub warnings: Vec<String>,
    /// The draft laid out (its name, or the file as given).
    pub name: String,
    /// The version laid out, when the text is exactly a submitted version.
    pub version: Option<u32>,
}

/// Which text of a draft to export.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Which {
    /// The latest version, or the text on disk when there is none.
    #[default]
    Latest,
    /// A revision (a version, a git revision, the text on disk).
    At(Rev),
    /// The final, unmarked document: every level's approval is needed.
    Final,
}

/// The DOCX of a draft, marked as a draft ("Dự thảo lần N", or "DỰ THẢO"
/// for text not submitted) and recording where its text came from.
pub fn export(ws: &Workspace, slug: &str, which: &Which) -> Result<Exported> {
    let rev = match which {
        Which::Final => return export_final(ws, slug),
        Which::At(rev) => rev.clone(),
        Which::Latest => match ws.versions(slug)?.last() {
            Some(v) => Rev::Version(v.n),
            None => Rev::Working,
        },
    };
    let snap = snapshot(ws, slug, &rev, Purpose::Document)?;
    let (layout, kind) = layout_and_kind(Some(ws), &snap)?;
    let bytes = docx::export(
        Content::Draft(&snap.draft),
        &DocxOptions {
            layout: &layout,
            kind: &kind,
            mark: snap.mark(),
            provenance: &snap.provenance(),
        },
    )?;
    let mut warnings = docx::check(&snap.draft, &layout, snap.mark());
    if let (Rev::Working, Some((op, _))) = (&rev, ws.store().operation_in_progress()) {
        warnings.push(format!(
            "a git {op} is in progress in this repository; the text on disk may not be the text that will be committed"
        ));
    }
    Ok(Exported {
        bytes,
        warnings,
        name: slug.to_string(),
        version: snap.version,
    })
}

/// The final document: the issued text, no draft mark, its number and date
/// in place, and its sign-off in the document's properties.
fn export_final(ws: &Workspace, slug: &str) -> Result<Exported> {
    let record = super::signoff::signoff(ws, slug)?;
    let Some(issued) = record.assessment.issued.clone() else {
        return Err(WorkspaceError::NotApproved {
            slug: slug.to_string(),
            reason: super::signoff::open_step(&record),
        });
    };
    if let Some(p) = record.assessment.problems.first() {
        return Err(WorkspaceError::NotApproved {
            slug: slug.to_string(),
            reason: format!(
                "its sign-off record has {} problem(s), the first: {}: {}",
                record.assessment.problems.len(),
                p.subject,
                p.message
            ),
        });
    }
    let rev = Rev::Git(issued.fields.commit.clone());
    let snap = snapshot(ws, slug, &rev, Purpose::Document)?;
    layout_as_issued(ws, slug, &snap.draft, &issued.fields.commit)?;
    let (layout, kind) = layout_and_kind(Some(ws), &snap)?;
    let mut provenance = snap.provenance();
    provenance.version = Some(issued.fields.version);
    provenance.signoff = super::signoff::final_properties(&record, &issued);
    let bytes = docx::export(
        Content::Draft(&snap.draft),
        &DocxOptions {
            layout: &layout,
            kind: &kind,
            mark: docx::DraftMark::Final,
            provenance: &provenance,
        },
    )?;
    let warnings = docx::check(&snap.draft, &layout, docx::DraftMark::Final);
    Ok(Exported {
        bytes,
        warnings,
        name: slug.to_string(),
        version: Some(issued.fields.version),
    })
}

/// The final document is laid out as it was when issued: the profile and
/// the workspace's copy of its layout and kinds must be those of the issued
/// commit, or the export (and `verify --docx`, which exports again) would
/// pass off another layout as the issued document.
fn layout_as_issued(ws: &Workspace, slug: &str, draft: &Draft, commit: &str) -> Result<()> {
    let refuse = |reason: String| WorkspaceError::NotApproved {
        slug: slug.to_string(),
        reason,
    };
    let commit: duthao_store::ObjectId = commit
        .parse()
        .map_err(|_| refuse(format!("the issue records {commit:?}, not a commit")))?;
    let profile = ws.profile_of(draft).to_string();
    if draft.front.profile.is_none() {
        let config = ws
            .store()
            .read_in_commit(commit, std::path::Path::new(crate::workspace::CONFIG_FILE))?
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|t| {
                crate::workspace::Config::parse(
                    &t,
                    std::path::Path::new(crate::workspace::CONFIG_FILE),
                )
                .ok()
            });
        if let Some(c) = config
            && c.profile != profile
        {
            return Err(refuse(format!(
                "duthao.toml's default profile is {profile} now but was {} when the document was issued; the final document is laid out as issued",
                c.profile
            )));
        }
    }
    for file in ["layout.toml", "kinds.toml"] {
        let rel = std::path::Path::new(TEMPLATES_DIR)
            .join(&profile)
            .join(file);
        let at_issue = ws.store().read_in_commit(commit, &rel)?;
        let now = crate::fsutil::read_in_workspace(ws.root(), &rel, 4 * 1024 * 1024, "templates")?;
        if at_issue != now {
            return Err(refuse(format!(
                "{} differs from its copy in the issued commit {}; the final document is laid out with the templates it was issued with",
                rel.display(),
                commit.short()
            )));
        }
    }
    Ok(())
}

/// What a DOCX for comment on version `n` shows: the version, its layout,
/// and the open comments placed on its blocks (`general`: those that are
/// not, on the draft as a whole or on text no longer there).
pub(crate) struct ForComment {
    pub(crate) n: u32,
    pub(crate) snap: Snapshot,
    pub(crate) layout: Layout,
    pub(crate) kind: KindInfo,
    pub(crate) margin: Vec<docx::MarginComment>,
    pub(crate) general: usize,
}

/// See [`export_for_comment`].
pub(crate) fn for_comment(ws: &Workspace, slug: &str, version: Option<u32>) -> Result<ForComment> {
    use super::review::{load_review, place_in, review_version};
    use duthao_review::Placement;
    let n = review_version(ws, slug, version)?;
    let snap = snapshot(ws, slug, &Rev::Version(n), Purpose::Document)?;
    let (layout, kind) = layout_and_kind(Some(ws), &snap)?;
    let review = load_review(ws, slug)?;
    let open: Vec<_> = review
        .threads
        .iter()
        .filter(|t| t.is_open() && t.comment.version <= n)
        .collect();
    let places = place_in(
        ws,
        slug,
        &snap.draft,
        Some(n),
        open.iter().map(|t| &t.comment),
    )?;
    let mut margin = Vec::new();
    let mut general = 0;
    for (t, place) in open.iter().zip(places) {
        let Some(block) = place.block() else {
            general += 1;
            continue;
        };
        let quote = match &place {
            Placement::Same { .. } => t.comment.anchor.as_ref().and_then(|a| a.quote.as_ref()),
            Placement::Moved { quote, .. } | Placement::Edited { quote, .. } => quote.as_ref(),
            _ => None,
        };
        margin.push(docx::MarginComment {
            block,
            quote: quote.map(|q| q.start..q.end),
            author: super::import::margin_author(&t.comment),
            date: t.comment.time.to_string(),
            text: super::import::margin_text(&t.comment),
            replies: t
                .replies
                .iter()
                .map(|r| docx::MarginReply {
                    author: r.author.name.clone(),
                    date: r.time.to_string(),
                    text: r.text.clone(),
                })
                .collect(),
            done: false,
        });
    }
    Ok(ForComment {
        n,
        snap,
        layout,
        kind,
        margin,
        general,
    })
}

/// Version `n` (the latest when `None`) laid out as for [`export`], for
/// bodies that comment on it in Word: each paragraph tied to its block by a
/// hidden marker, so that `comment import` maps the file back exactly, and
/// the comments still open on it (or on an earlier version, carried
/// forward) in the margin, with their replies.
pub fn export_for_comment(ws: &Workspace, slug: &str, version: Option<u32>) -> Result<Exported> {
    let ForComment {
        n,
        snap,
        layout,
        kind,
        margin,
        general,
    } = for_comment(ws, slug, version)?;
    let bytes = docx::export(
        Content::ForComment {
            draft: &snap.draft,
            comments: &margin,
        },
        &DocxOptions {
            layout: &layout,
            kind: &kind,
            mark: snap.mark(),
            provenance: &snap.provenance(),
        },
    )?;
    let mut warnings = Vec::new();
    if general > 0 {
        warnings.push(format!(
            "{general} open comment(s) on the draft as a whole or on text no longer in v{n} are not in the margin (duthao comment list {slug} --open)"
        ));
    }
    Ok(Exported {
        bytes,
        warnings,
        name: slug.to_string(),
        version: Some(n),
    })
}

/// TO of a comparison in the official layout with every change since FROM
/// as a Word tracked change, by TO's author at TO's date. Compare with
/// [`Purpose::Document`](super::Purpose::Document) so that TO's provenance
/// is known. `ws`: the workspace the command runs in, if any, whose profiles
/// lay out drafts from files too.
pub fn export_changes(ws: Option<&Workspace>, cmp: Comparison) -> Result<Exported> {
    let Comparison { from, to, diff } = cmp;
    let (layout, kind) = layout_and_kind(ws, &to)?;
    let fallback = match (ws, &to.origin) {
        (Some(ws), super::Origin::Draft { .. }) => ws
            .store()
            .identity()
            .map(|i| i.name)
            .unwrap_or_else(|_| "duthao".to_string()),
        _ => to.label(),
    };
    let bytes = docx::export(
        Content::Changes {
            diff,
            from: &from.draft,
            to: &to.draft,
            by: to.attribution(&fallback),
        },
        &DocxOptions {
            layout: &layout,
            kind: &kind,
            mark: to.mark(),
            provenance: &to.provenance(),
        },
    )?;
    Ok(Exported {
        bytes,
        warnings: Vec::new(),
        name: to.name().to_string(),
        version: to.version,
    })
}

/// The layout of the snapshot's profile (the workspace's copy winning over
/// the built-in one) and its kind's name and code.
pub(crate) fn layout_and_kind(
    ws: Option<&Workspace>,
    snap: &Snapshot,
) -> Result<(Layout, KindInfo)> {
    let draft: &Draft = &snap.draft;
    let (profile, templates, folder) = match ws {
        Some(ws) => (
            ws.profile_of(draft).to_string(),
            ws.templates.clone(),
            Some(ws.root().join(TEMPLATES_DIR)),
        ),
        None => (
            draft
                .front
                .profile
                .clone()
                .unwrap_or_else(|| DEFAULT_PROFILE.to_string()),
            Templates::builtin(),
            None,
        ),
    };
    let layout = load_layout(&profile, folder.as_deref()).map_err(WorkspaceError::Layout)?;
    let kinds = match ws {
        Some(ws) => ws.kinds(&profile)?,
        None => std::sync::Arc::new(Kinds::load(&templates, &profile)?),
    };
    let k = kinds
        .get(&draft.front.kind)
        .ok_or_else(|| WorkspaceError::UnknownKindOf {
            name: snap.label(),
            kind: draft.front.kind.clone(),
            profile: profile.clone(),
            known: kinds.known(),
        })?;
    Ok((
        layout,
        KindInfo {
            name: k.name.clone(),
            code: k.code.clone(),
        },
    ))
}
