//! The example drafts bundled with duthao (the project's `drafts/` folder):
//! each a realistic document in three successive versions, with the
//! comments made on them, used by `init` and `demo`, and by tests as
//! documents with known changes.

use include_dir::{Dir, include_dir};

static DRAFTS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/drafts");

/// One bundled document and its successive versions.
#[derive(Debug, Clone)]
pub struct Example {
    /// The draft's name (its folder in `drafts/`).
    pub slug: &'static str,
    /// Full draft files, version 1 first.
    pub versions: Vec<&'static str>,
    /// `CHANGES.toml`: the intended changes between versions.
    pub changes: Option<&'static str>,
    /// `REVIEW.toml`: the comments the demo records on versions 1 and 2,
    /// and the drafter's answers.
    pub review: Option<&'static str>,
}

impl Example {
    /// The profile named in the first version's front matter.
    pub fn profile(&self) -> Option<&'static str> {
        self.versions.first().and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("profile:"))
                .map(str::trim)
        })
    }
}

/// Every bundled example, sorted by slug.
pub fn bundled() -> Vec<Example> {
    let mut out: Vec<Example> = DRAFTS
        .dirs()
        .filter_map(|d| {
            let slug = d.path().file_name()?.to_str()?;
            let mut versions: Vec<(u32, &'static str)> = d
                .files()
                .filter_map(|f| {
                    let name = f.path().file_name()?.to_str()?;
                    let n: u32 = name.strip_prefix('v')?.strip_suffix(".md")?.parse().ok()?;
                    Some((n, f.contents_utf8()?))
                })
                .collect();
            versions.sort_by_key(|(n, _)| *n);
            let changes = d
                .get_file(d.path().join("CHANGES.toml"))
                .and_then(|f| f.contents_utf8());
            let review = d
                .get_file(d.path().join("REVIEW.toml"))
                .and_then(|f| f.contents_utf8());
            (!versions.is_empty()).then(|| Example {
                slug,
                versions: versions.into_iter().map(|(_, t)| t).collect(),
                changes,
                review,
            })
        })
        .collect();
    out.sort_by_key(|e| e.slug);
    out
}
