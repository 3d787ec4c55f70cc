//! `diff`: two versions of a draft (or two draft files) compared.

use std::path::PathBuf;

use super::snapshot::{Fetched, Parsed, Purpose, Snapshot};
use crate::diff::{DiffOptions, DraftDiff, diff_drafts};
use crate::reader::side_by_side;
use crate::render::Labels;
use crate::workspace::{Result, Workspace, WorkspaceError};
use duthao_store::Rev;

/// What to compare.
#[derive(Debug, Clone)]
pub enum Sources<'a> {
    /// Two revisions of a workspace draft. FROM defaults to the latest
    /// version, TO to the text on disk.
    Revisions {
        /// The workspace.
        ws: &'a Workspace,
        /// The draft.
        slug: &'a str,
        /// The older side.
        from: Option<Rev>,
        /// The newer side.
        to: Option<Rev>,
    },
    /// Two draft files from anywhere (drafts that arrive from outside),
    /// each as (the path to read, the name as the user gave it).
    Files {
        /// The older side.
        a: (PathBuf, String),
        /// The newer side.
        b: (PathBuf, String),
    },
}

/// How to compare.
#[derive(Debug, Clone, Copy, Default)]
pub struct CompareOptions {
    /// The diff's own options.
    pub diff: DiffOptions,
    /// What the two sides are read for.
    pub purpose: Purpose,
}

/// Two snapshots and what changed between them.
#[derive(Debug)]
pub struct Comparison {
    /// The older side.
    pub from: Snapshot,
    /// The newer side.
    pub to: Snapshot,
    /// FROM → TO, as the diff engine decided it.
    pub diff: DraftDiff,
}

impl Comparison {
    /// How the two sides are named to the reader.
    pub fn labels(&self) -> Labels {
        Labels::new(self.from.label(), self.to.label())
    }
}

/// FROM and TO as given, with the defaults: latest version → text on disk.
pub fn revisions(
    ws: &Workspace,
    slug: &str,
    from: Option<Rev>,
    to: Option<Rev>,
) -> Result<(Rev, Rev)> {
    ws.require_slug_or_history(slug)?;
    let from = match from {
        Some(r) => r,
        None => match ws.versions(slug)?.last() {
            Some(v) => Rev::Version(v.n),
            None => {
                return Err(WorkspaceError::NothingToCompare {
                    slug: slug.to_string(),
                });
            }
        },
    };
    Ok((from, to.unwrap_or(Rev::Working)))
}

/// Reads both sides (versions from git on this thread, then the two parsed
/// side by side; two files each read and parsed on a core of their own) and
/// compares them. A side being read on a worker is not split again into
/// sections (see `reader`'s `cores_free`).
pub fn compare(sources: Sources<'_>, opts: &CompareOptions) -> Result<Comparison> {
    let (a, b, ws) = match sources {
        Sources::Revisions { ws, slug, from, to } => {
            let (from, to) = revisions(ws, slug, from, to)?;
            (
                Fetched::draft(ws, slug, &from, opts.purpose)?,
                Fetched::draft(ws, slug, &to, opts.purpose)?,
                Some(ws),
            )
        }
        Sources::Files { a, b } => {
            // Two files: each read and parsed on a core of its own. A file
            // that cannot be read is reported before a draft that does not
            // parse, whichever side each is on, as when reading came first.
            let (pa, pb) = side_by_side(
                || Fetched::file(&a.0, &a.1, opts.purpose).map(Fetched::parse),
                || Fetched::file(&b.0, &b.1, opts.purpose).map(Fetched::parse),
            );
            return finish(pa?, pb?, None, opts);
        }
    };
    let (pa, pb) = side_by_side(|| a.parse(), || b.parse());
    finish(pa, pb, ws, opts)
}

/// Checks each parsed side's kind (against the workspace's profiles when
/// there is one) and compares the two.
fn finish(
    pa: Result<Parsed>,
    pb: Result<Parsed>,
    ws: Option<&Workspace>,
    opts: &CompareOptions,
) -> Result<Comparison> {
    let from = pa?.checked(ws)?;
    let to = pb?.checked(ws)?;
    let diff = diff_drafts(&from.draft, &to.draft, &opts.diff);
    Ok(Comparison { from, to, diff })
}
