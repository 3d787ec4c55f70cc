//! `demo`: a workspace built from the bundled example drafts, the pipeline
//! run on it (each draft's versions committed and submitted in turn), and
//! the redlines and documents it gives.

use std::path::{Path, PathBuf};

use super::compare::{CompareOptions, Sources, compare};
use super::export::{Which, export, export_changes};
use super::init::{InitOptions, init};
use super::snapshot::Purpose;
use super::{commit_as, submit_as};
use crate::examples;
use crate::fsutil::write_owned;
use crate::render::html;
use crate::workspace::{Result, Workspace, WorkspaceError};
use duthao_store::{Identity, Rev};

/// Who drafts and submits in the demo.
fn drafter() -> Identity {
    Identity {
        name: "Nguyễn Thị Soạn".into(),
        email: "soanthao@example.vn".into(),
    }
}

/// One version submitted by the demo.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Submitted {
    /// The draft.
    pub slug: String,
    /// Its version number.
    pub n: u32,
    /// The version's tag.
    pub tag: String,
}

/// What the demo made.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoReport {
    /// The workspace.
    pub root: PathBuf,
    /// Every version submitted, in order.
    pub submitted: Vec<Submitted>,
    /// HTML redlines between successive versions.
    pub redlines: Vec<PathBuf>,
    /// DOCX of each draft's latest version, then tracked-changes DOCX
    /// between successive versions.
    pub documents: Vec<PathBuf>,
    /// The drafts, in order.
    pub slugs: Vec<String>,
}

/// Builds the demo workspace in `dir`, which must not exist or be empty,
/// and must not lie inside another workspace.
pub fn demo(dir: &Path) -> Result<DemoReport> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|source| WorkspaceError::Io {
                path: dir.to_path_buf(),
                source,
            })?
            .next()
            .is_some()
    {
        return Err(WorkspaceError::FolderNotEmpty {
            path: dir.to_path_buf(),
        });
    }
    // A demo inside a workspace would nest one repository in another.
    if let Some(parent) = dir.parent().filter(|p| p.is_dir())
        && let Ok(ws) = Workspace::find(parent)
    {
        return Err(WorkspaceError::InsideWorkspace {
            path: dir.to_path_buf(),
            workspace: ws.root().to_path_buf(),
        });
    }
    let who = drafter();
    let made = init(
        dir,
        &InitOptions {
            profile: "party".into(),
            example: false,
            identity: Some(who.clone()),
        },
    )?;
    let ws = Workspace::open(&made.root)?;
    let mut report = DemoReport {
        root: made.root.clone(),
        submitted: Vec::new(),
        redlines: Vec::new(),
        documents: Vec::new(),
        slugs: Vec::new(),
    };
    for ex in examples::bundled() {
        let path = ws.draft_path(ex.slug);
        for (i, text) in ex.versions.iter().enumerate() {
            let n = i + 1;
            write_owned(&path, text.as_bytes(), "drafts")?;
            let msg = if n == 1 {
                "Bản đầu".to_string()
            } else {
                format!("Chỉnh sửa, tiếp thu ý kiến góp ý Dự thảo lần {}", n - 1)
            };
            commit_as(&ws, ex.slug, &msg, &who)?;
            let v = submit_as(
                &ws,
                ex.slug,
                &format!("Gửi xin ý kiến Dự thảo lần {n}"),
                &who,
            )?;
            report.submitted.push(Submitted {
                slug: v.slug,
                n: v.n,
                tag: v.tag,
            });
        }
        report.slugs.push(ex.slug.to_string());
    }
    let out = made.root.join("out");
    std::fs::create_dir_all(&out).map_err(|source| WorkspaceError::Io {
        path: out.clone(),
        source,
    })?;
    exclude_from_git(&ws, "/out/")?;
    for slug in &report.slugs {
        let versions = ws.versions(slug)?;
        for pair in versions.windows(2) {
            let (a, b) = (pair[0].n, pair[1].n);
            let cmp = versions_compared(&ws, slug, a, b, Purpose::Show)?;
            let mut buf = Vec::new();
            html::write(
                &mut buf,
                &cmp.diff,
                &cmp.from.draft,
                &cmp.to.draft,
                &cmp.labels(),
            )
            .map_err(|source| WorkspaceError::Io {
                path: out.clone(),
                source,
            })?;
            let path = out.join(format!("{slug}-v{a}-v{b}.html"));
            write_owned(&path, &buf, "demo output")?;
            report.redlines.push(path);
        }
    }
    for slug in &report.slugs {
        let versions = ws.versions(slug)?;
        let Some(last) = versions.last() else {
            continue;
        };
        let doc = export(&ws, slug, &Which::At(Rev::Version(last.n)))?;
        let path = out.join(format!("{slug}-v{}.docx", last.n));
        write_owned(&path, &doc.bytes, "demo output")?;
        report.documents.push(path);
        for pair in versions.windows(2) {
            let (a, b) = (pair[0].n, pair[1].n);
            let cmp = versions_compared(&ws, slug, a, b, Purpose::Document)?;
            let doc = export_changes(Some(&ws), cmp)?;
            let path = out.join(format!("{slug}-v{a}-v{b}-tracked.docx"));
            write_owned(&path, &doc.bytes, "demo output")?;
            report.documents.push(path);
        }
    }
    Ok(report)
}

fn versions_compared(
    ws: &Workspace,
    slug: &str,
    a: u32,
    b: u32,
    purpose: Purpose,
) -> Result<super::Comparison> {
    compare(
        Sources::Revisions {
            ws,
            slug,
            from: Some(Rev::Version(a)),
            to: Some(Rev::Version(b)),
        },
        &CompareOptions {
            purpose,
            ..CompareOptions::default()
        },
    )
}

/// Adds a pattern to the repository's own exclude list (`.git/info/exclude`):
/// the demo's outputs are for looking at, not part of its history.
fn exclude_from_git(ws: &Workspace, pattern: &str) -> Result<()> {
    let exclude = ws.store().git_dir().join("info").join("exclude");
    if exclude.parent().is_some_and(|p| p.is_dir()) {
        let mut text = std::fs::read_to_string(&exclude).unwrap_or_default();
        if !text.lines().any(|l| l.trim() == pattern) {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(pattern);
            text.push('\n');
            write_owned(&exclude, text.as_bytes(), "git's exclude list")?;
        }
    }
    Ok(())
}
