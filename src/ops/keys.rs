//! `keys`: `.duthao/allowed_signers`, the approvers' and clerks' keys in
//! git's allowed-signers format, kept in step with `duthao.toml` so that
//! `git tag -v` checks an approval with nothing but git.

use std::path::{Path, PathBuf};

use crate::workspace::{Result, Workspace, WorkspaceError};

/// Where the allowed-signers file lives, relative to the workspace.
pub const ALLOWED_SIGNERS: &str = ".duthao/allowed_signers";

/// What `keys` found and did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Keys {
    /// The file, relative to the workspace.
    pub path: PathBuf,
    /// What duthao.toml says it must hold.
    pub expected: String,
    /// Whether the file on disk holds exactly that.
    pub in_step: bool,
    /// Whether the file is there at all.
    pub exists: bool,
    /// The commit that wrote it, when `--write` wrote it.
    pub committed: Option<String>,
}

/// Whether `.duthao/allowed_signers` agrees with duthao.toml; with `write`,
/// makes it agree and commits it.
pub fn keys(ws: &Workspace, write: bool) -> Result<Keys> {
    keys_as(ws, write, None)
}

/// [`keys`], committing as `who` (git's identity when `None`).
pub(crate) fn keys_as(
    ws: &Workspace,
    write: bool,
    who: Option<&duthao_store::Identity>,
) -> Result<Keys> {
    let rel = Path::new(ALLOWED_SIGNERS);
    let expected = ws.config.allowed_signers();
    let current =
        crate::fsutil::read_in_workspace(ws.root(), rel, 1024 * 1024, "the allowed signers")?;
    let exists = current.is_some();
    let in_step = current.as_deref() == Some(expected.as_bytes());
    let mut committed = None;
    if write && !in_step {
        let folder = ws.root().join(".duthao");
        match std::fs::symlink_metadata(&folder) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(WorkspaceError::SignOff {
                    slug: String::new(),
                    reason: format!(
                        "{} is not a folder (a link or a file); duthao writes nothing through it",
                        folder.display()
                    ),
                });
            }
            Err(_) => std::fs::create_dir(&folder).map_err(|source| {
                crate::workspace::WorkspaceError::Store(duthao_store::StoreError::Io {
                    path: folder.clone(),
                    source,
                })
            })?,
        }
        crate::fsutil::write_owned(
            &ws.root().join(rel),
            expected.as_bytes(),
            "the allowed signers",
        )?;
        let who = match who {
            Some(w) => w.clone(),
            None => ws.store().identity()?,
        };
        // duthao.toml goes in the same commit when it has changes: the
        // file and the keys it lists are one record, and a version records
        // the committed duthao.toml as its roster.
        let config = Path::new(crate::workspace::CONFIG_FILE);
        let mut paths = vec![rel];
        if ws.store().is_dirty(config)? {
            paths.push(config);
        }
        let oid = ws.store().commit_paths(
            &paths,
            "Người duyệt và khóa ký từ duthao.toml\n\nDuthao-Allowed-Signers: from duthao.toml\n",
            &who,
        )?;
        committed = Some(oid.to_string());
    }
    Ok(Keys {
        path: rel.to_path_buf(),
        in_step: in_step || committed.is_some(),
        exists: exists || committed.is_some(),
        expected,
        committed,
    })
}
