//! Moving the branch and the files with it, under a journal that the
//! next sync finishes if this one is killed; nothing uncommitted is ever
//! overwritten.

use std::collections::BTreeSet;
use std::path::Path;

use git2::{ErrorCode, Oid, build::CheckoutBuilder};

use super::*;
use crate::{ObjectId, Store, StoreError};

/// Where an earlier sync's journal lives: the commit the branch is being
/// moved to, and the one it was at.
const PENDING: &str = "refs/duthao/sync/pending";

const LOCAL_BEFORE: &str = "refs/duthao/sync/local-before";

/// Kept when a draft's text conflicts: the other side's branch.
const CONFLICT_REMOTE: &str = "refs/duthao/sync/remote";

/// How an earlier, interrupted sync was finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resumed {
    /// There was none.
    Nothing,
    /// Its files were brought up to date and the branch moved.
    Finished,
    /// The branch had moved elsewhere in between; its journal was dropped.
    Abandoned,
}

impl Store {
    /// Finishes a sync that stopped between writing its journal and
    /// removing it: brings the files to the journal's commit and moves the
    /// branch there, unless the branch has moved elsewhere since.
    pub fn resume_interrupted_sync(&self, branch: &str) -> Result<Resumed, StoreError> {
        let Some(pending) = self.ref_target(PENDING)? else {
            return Ok(Resumed::Nothing);
        };
        let before = self.ref_target(LOCAL_BEFORE)?;
        let tip = self.branch_tip(branch)?;
        if tip == Some(pending) {
            self.drop_journal()?;
            return Ok(Resumed::Finished);
        }
        if tip != before {
            self.drop_journal()?;
            return Ok(Resumed::Abandoned);
        }
        match self.move_branch(branch, before, pending) {
            Ok(()) => Ok(Resumed::Finished),
            // Someone changed a file since (the branch has not moved): the
            // move is given up, so that the commit the error asks for can
            // be made, and the next integration starts from it.
            Err(e @ StoreError::WouldOverwrite { .. }) => {
                self.drop_journal()?;
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    /// Removes the journal. `refs/duthao/sync/local-before` stays: the
    /// branch as it was before the last sync that moved it, so that the
    /// commits a replay made again are still reachable as they were.
    fn drop_journal(&self) -> Result<(), StoreError> {
        if let Ok(mut r) = self.repo.find_reference(PENDING) {
            r.delete()?;
        }
        Ok(())
    }

    /// Keeps both sides of a draft conflict where git can reach them:
    /// `refs/duthao/sync/local-before` (this site's work) and
    /// `refs/duthao/sync/remote` (the other side's).
    pub fn keep_conflict_sides(&self, local: ObjectId, remote: ObjectId) -> Result<(), StoreError> {
        self.repo
            .reference(LOCAL_BEFORE, local.0, true, "duthao-sync: conflict")?;
        self.repo
            .reference(CONFLICT_REMOTE, remote.0, true, "duthao-sync: conflict")?;
        Ok(())
    }

    /// Moves the branch from `from` to `to` with the files that change
    /// between them: first a journal (`refs/duthao/sync/pending`), then the
    /// files and git's index (only the paths that change; any of them
    /// holding a change not committed here stops it before anything is
    /// written), then the branch by a compare-and-swap from `from`, then the
    /// journal is removed. A sync killed anywhere in between is finished by
    /// [`Store::resume_interrupted_sync`].
    pub fn move_branch(
        &self,
        branch: &str,
        from: Option<ObjectId>,
        to: ObjectId,
    ) -> Result<(), StoreError> {
        if from == Some(to) {
            return self.drop_journal();
        }
        let refname = format!("refs/heads/{branch}");
        let old_tree = match from {
            Some(f) => Some(self.repo.find_commit(f.0)?.tree()?),
            None => None,
        };
        let new_tree = self.repo.find_commit(to.0)?.tree()?;
        let changed = {
            let diff = self
                .repo
                .diff_tree_to_tree(old_tree.as_ref(), Some(&new_tree), None)?;
            let mut paths = BTreeSet::new();
            for d in diff.deltas() {
                for f in [d.old_file(), d.new_file()] {
                    if let Some(p) = f.path() {
                        paths.insert(p.to_string_lossy().into_owned());
                    }
                }
            }
            paths
        };
        self.check_overwrites(&changed, old_tree.as_ref(), &new_tree, to)?;
        self.repo
            .reference(PENDING, to.0, true, "duthao-sync: journal")?;
        match from {
            Some(f) => {
                self.repo
                    .reference(LOCAL_BEFORE, f.0, true, "duthao-sync: journal")?;
            }
            None => {
                if let Ok(mut r) = self.repo.find_reference(LOCAL_BEFORE) {
                    r.delete()?;
                }
            }
        }
        pause_point("journal");
        if !changed.is_empty() {
            let _writer = self.lock_index_writer()?;
            let checkout = |tree: &git2::Tree<'_>| {
                let mut co = CheckoutBuilder::new();
                co.force().disable_pathspec_match(true);
                for p in &changed {
                    co.path(p.as_str());
                }
                self.repo.checkout_tree(tree.as_object(), Some(&mut co))
            };
            if let Err(e) = checkout(&new_tree) {
                // Put back what was written (the branch has not moved), so
                // nothing is left half done and commits are not blocked.
                if let Some(old) = &old_tree {
                    checkout(old)?;
                }
                self.drop_journal()?;
                return Err(StoreError::CheckoutFailed {
                    commit: to.short(),
                    message: e.message().to_string(),
                });
            }
        }
        pause_point("checkout");
        // A commit made meanwhile by something that does not wait for the
        // journal (git itself) wins; the next attempt starts from it. (An
        // unborn branch is compared with "absent": the zero id.)
        self.repo
            .reference_matching(
                &refname,
                to.0,
                true,
                from.map_or(Oid::ZERO_SHA1, |f| f.0),
                "duthao-sync",
            )
            .map_err(|e| match e.code() {
                ErrorCode::Modified | ErrorCode::Locked => StoreError::ConcurrentCommit {
                    branch: branch.to_string(),
                },
                _ => e.into(),
            })?;
        pause_point("branch");
        self.drop_journal()
    }

    /// Refuses, before anything is written, when any of `paths` holds on
    /// disk or in git's index something that is neither the old commit's
    /// nor the new one's (a change not committed here, an untracked file in
    /// the way, also where a folder must go), when a path is one git would
    /// never write (`.git/…`, `..`), and when a file to write is larger
    /// than the store reads.
    fn check_overwrites(
        &self,
        paths: &BTreeSet<String>,
        old: Option<&git2::Tree<'_>>,
        new: &git2::Tree<'_>,
        to: ObjectId,
    ) -> Result<(), StoreError> {
        #[derive(PartialEq)]
        enum Entry {
            Absent,
            Blob(Oid),
            Folder,
            /// A submodule's commit: what is on disk is the submodule's own.
            Link(Oid),
            Other,
        }
        let entry = |tree: Option<&git2::Tree<'_>>, p: &str| -> Entry {
            match tree.and_then(|t| t.get_path(Path::new(p)).ok()) {
                None => Entry::Absent,
                Some(e) => match e.kind() {
                    Some(git2::ObjectType::Blob) => Entry::Blob(e.id()),
                    Some(git2::ObjectType::Tree) => Entry::Folder,
                    Some(git2::ObjectType::Commit) => Entry::Link(e.id()),
                    _ => Entry::Other,
                },
            }
        };
        let index = self.repo.index()?;
        let odb = self.repo.odb()?;
        let workdir = self.workdir().to_path_buf();
        let mut dirty = BTreeSet::new();
        for p in paths {
            if let Some(reason) = unsafe_path(p) {
                return Err(StoreError::UnsafePath {
                    path: p.clone(),
                    commit: to.short(),
                    reason,
                });
            }
            let (a, b) = (entry(old, p), entry(Some(new), p));
            if let Entry::Blob(id) = b {
                let size = odb.read_header(id)?.0 as u64;
                if size > self.read_limit {
                    return Err(StoreError::TooLarge {
                        path: p.clone(),
                        commit: to.short(),
                        size,
                        limit: self.read_limit,
                    });
                }
            }
            let abs = workdir.join(p);
            let on_disk = match std::fs::symlink_metadata(&abs) {
                Ok(m) if m.file_type().is_symlink() => {
                    let target = std::fs::read_link(&abs).map_err(|source| StoreError::Io {
                        path: abs.clone(),
                        source,
                    })?;
                    Entry::Blob(Oid::hash_object(
                        git2::ObjectType::Blob,
                        target.as_os_str().as_encoded_bytes(),
                    )?)
                }
                Ok(m) if m.is_file() => Entry::Blob(Oid::hash_file(git2::ObjectType::Blob, &abs)?),
                Ok(m) if m.is_dir() => Entry::Folder,
                Ok(_) => Entry::Other,
                Err(_) => Entry::Absent,
            };
            let staged = match index.get_path(Path::new(p), 0) {
                Some(e) => Entry::Blob(e.id),
                None => Entry::Absent,
            };
            // The index has no entry for a folder, and records a
            // submodule by its commit.
            let staged_ok = |e: &Entry| match e {
                Entry::Folder => staged == Entry::Absent,
                Entry::Link(id) => staged == Entry::Blob(*id),
                other => staged == *other,
            };
            let disk_ok = |e: &Entry| match e {
                Entry::Link(_) => matches!(on_disk, Entry::Folder | Entry::Absent),
                other => on_disk == *other,
            };
            if (!disk_ok(&a) && !disk_ok(&b)) || (!staged_ok(&a) && !staged_ok(&b)) {
                dirty.insert(p.clone());
            }
            // A folder the other side replaces with a file: anything in it
            // this commit does not track would be lost with it.
            if on_disk == Entry::Folder && matches!(b, Entry::Blob(_)) {
                for file in untracked_under(&workdir, p, old)? {
                    dirty.insert(file);
                }
            }
            // Every folder on the way must be a folder (or a tracked file
            // that this move replaces, checked as a path of its own).
            let mut at = String::new();
            for component in p.split('/').take(p.split('/').count() - 1) {
                if !at.is_empty() {
                    at.push('/');
                }
                at.push_str(component);
                match std::fs::symlink_metadata(workdir.join(&at)) {
                    Ok(m) if m.is_dir() => {}
                    Ok(_) if paths.contains(&at) => {}
                    Ok(_) => {
                        dirty.insert(at.clone());
                    }
                    Err(_) => break,
                }
            }
        }
        if dirty.is_empty() {
            Ok(())
        } else {
            Err(StoreError::WouldOverwrite {
                paths: dirty.into_iter().collect(),
            })
        }
    }

    /// Holds the lock duthao's commands take while they write git's index.
    pub(crate) fn lock_index_writer(&self) -> Result<git2::Transaction<'_>, StoreError> {
        const ATTEMPTS: u64 = 80;
        let mut writer = self.repo.transaction()?;
        let mut attempt = 1;
        while let Err(e) = writer.lock_ref(crate::INDEX_WRITER_REF) {
            let lock = self
                .repo
                .path()
                .join(format!("{}.lock", crate::INDEX_WRITER_REF));
            if e.code() != ErrorCode::Locked
                || attempt >= ATTEMPTS
                || self.stale_lock(&lock).is_some()
            {
                return Err(match e.code() {
                    ErrorCode::Locked => StoreError::Locked {
                        what: "git's index".into(),
                        lock,
                    },
                    _ => e.into(),
                });
            }
            std::thread::sleep(std::time::Duration::from_millis(
                5 + crate::jitter(attempt, 20),
            ));
            attempt += 1;
        }
        Ok(writer)
    }

    /// Whether an interrupted sync's journal is here.
    pub fn sync_pending(&self) -> bool {
        self.repo.find_reference(PENDING).is_ok()
    }
}

/// Why git would never write the repository path `p`, if it would not.
fn unsafe_path(p: &str) -> Option<&'static str> {
    for c in p.split('/') {
        let trimmed = c.trim_end_matches(['.', ' ']);
        if c.is_empty() || c == "." || c == ".." {
            return Some("it has an empty, '.' or '..' component");
        }
        if trimmed.eq_ignore_ascii_case(".git") || trimmed.eq_ignore_ascii_case("git~1") {
            return Some("it is inside git's own folder");
        }
        if c.contains('\\') {
            return Some("it has a backslash");
        }
    }
    None
}

/// The files under the folder `dir` (a repository path) that `tree` does
/// not hold, as repository paths; a few levels deep at most, as a
/// workspace's folders are.
fn untracked_under(
    workdir: &Path,
    dir: &str,
    tree: Option<&git2::Tree<'_>>,
) -> Result<Vec<String>, StoreError> {
    let mut found = Vec::new();
    let mut stack = vec![(dir.to_string(), 0)];
    while let Some((rel, depth)) = stack.pop() {
        let abs = workdir.join(&rel);
        let entries = std::fs::read_dir(&abs).map_err(|source| StoreError::Io {
            path: abs.clone(),
            source,
        })?;
        for e in entries.flatten() {
            let name = format!("{rel}/{}", e.file_name().to_string_lossy());
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            if is_dir && depth < 16 {
                stack.push((name, depth + 1));
            } else if tree.is_none_or(|t| t.get_path(Path::new(&name)).is_err()) {
                found.push(name);
                // Enough to say what is in the way.
                if found.len() >= 20 {
                    found.sort();
                    return Ok(found);
                }
            }
        }
    }
    found.sort();
    Ok(found)
}
