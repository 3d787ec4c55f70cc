//! What a range of commits changed, read cheaply for the summary of a sync.

use std::path::Path;

use git2::Oid;

use crate::{ObjectId, Store, StoreError};

impl Store {
    /// The files under `dir` (a repository path ending in `/`) that `to`'s
    /// tree has and `from`'s (`None`: nothing) lacks, with their blobs: one
    /// diff of the two trees, whatever lies between them.
    pub fn files_added(
        &self,
        from: Option<ObjectId>,
        to: ObjectId,
        dir: &str,
    ) -> Result<Vec<(String, ObjectId)>, StoreError> {
        let old_tree = match from {
            Some(f) => Some(self.repo.find_commit(f.0)?.tree()?),
            None => None,
        };
        let new_tree = self.repo.find_commit(to.0)?.tree()?;
        let mut opts = git2::DiffOptions::new();
        opts.pathspec(dir).disable_pathspec_match(false);
        let diff =
            self.repo
                .diff_tree_to_tree(old_tree.as_ref(), Some(&new_tree), Some(&mut opts))?;
        Ok(diff
            .deltas()
            .filter(|d| d.status() == git2::Delta::Added)
            .filter_map(|d| {
                let path = d.new_file().path()?.to_string_lossy().into_owned();
                path.starts_with(dir)
                    .then(|| (path, ObjectId(d.new_file().id())))
            })
            .collect())
    }

    /// The paths that differ between two commits' trees (`None`: nothing),
    /// outside `except` (repository paths ending in `/`), sorted.
    pub fn paths_changed_outside(
        &self,
        from: Option<ObjectId>,
        to: ObjectId,
        except: &[&str],
    ) -> Result<Vec<String>, StoreError> {
        let old = match from {
            Some(f) => Some(self.repo.find_commit(f.0)?.tree()?),
            None => None,
        };
        let new = self.repo.find_commit(to.0)?.tree()?;
        let mut paths: Vec<String> = self
            .changed_between(old.as_ref(), &new)?
            .into_iter()
            .filter(|p| !except.iter().any(|e| p.starts_with(e)))
            .collect();
        paths.sort();
        Ok(paths)
    }

    /// The names of the entries of the folder `dir` (a repository path
    /// ending in `/`) that `commit` changed against its first parent; the
    /// folder's tree ids are compared first, so a commit that left it
    /// alone costs two lookups.
    pub fn changed_in_dir(&self, commit: ObjectId, dir: &str) -> Result<Vec<String>, StoreError> {
        let c = self.repo.find_commit(commit.0)?;
        let path = Path::new(dir.trim_end_matches('/'));
        let subtree = |t: &git2::Tree<'_>| -> Option<Oid> {
            t.get_path(path)
                .ok()
                .filter(|e| e.kind() == Some(git2::ObjectType::Tree))
                .map(|e| e.id())
        };
        let new = subtree(&c.tree()?);
        let old = match c.parent(0) {
            Ok(p) => subtree(&p.tree()?),
            Err(_) => None,
        };
        if new == old {
            return Ok(Vec::new());
        }
        let old = old.map(|o| self.repo.find_tree(o)).transpose()?;
        let new = new.map(|o| self.repo.find_tree(o)).transpose()?;
        let diff = self
            .repo
            .diff_tree_to_tree(old.as_ref(), new.as_ref(), None)?;
        Ok(super::integrate::delta_paths(&diff).collect())
    }
}
