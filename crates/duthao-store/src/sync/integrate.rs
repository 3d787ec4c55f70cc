//! Bringing the branch together with the other side's: fast-forward,
//! replay of this site's commits, or a merge commit; a draft changed in
//! the same place on both sides is a conflict, never half merged.

use std::collections::{BTreeSet, HashSet};

use git2::{MergeOptions, Signature};

use crate::{Identity, ObjectId, Store, StoreError};

/// How the branch was brought up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Integration {
    /// Nothing came in: the branch already holds the other side's.
    None,
    /// The branch moved forward to the other side's tip.
    FastForward,
    /// This site's commits were made again on top of the other side's.
    Replay,
    /// A merge commit joins the two lines (this site's commits are named by
    /// tags, which must keep their commits on the branch).
    Merge,
}

/// The result of integrating.
#[derive(Debug, Clone)]
pub struct Integrated {
    /// How.
    pub how: Integration,
    /// The new branch tip (`None` only when both sides are empty).
    pub tip: Option<ObjectId>,
    /// Local commits left out because the other side holds their changes already.
    pub skipped: usize,
    /// Files both sides changed, merged cleanly line by line.
    pub merged_files: Vec<String>,
}

/// A draft's text changed on both sides in the same place.
#[derive(Debug, Clone)]
pub struct DraftConflict {
    /// The files, as repository paths.
    pub files: Vec<String>,
    /// The last local commit that touched them.
    pub here: ObjectId,
    /// The last remote commit that touched them.
    pub there: ObjectId,
}

/// Integrating could not finish.
#[derive(Debug)]
pub enum IntegrateError {
    /// A real conflict; nothing was integrated.
    Conflict(DraftConflict),
    /// Anything else.
    Store(StoreError),
}

impl From<StoreError> for IntegrateError {
    fn from(e: StoreError) -> Self {
        IntegrateError::Store(e)
    }
}

impl From<git2::Error> for IntegrateError {
    fn from(e: git2::Error) -> Self {
        IntegrateError::Store(e.into())
    }
}

impl Store {
    /// The commits in `from..to`, oldest first (first parents and merged
    /// lines alike).
    pub fn commits_between(
        &self,
        from: Option<ObjectId>,
        to: ObjectId,
    ) -> Result<Vec<ObjectId>, StoreError> {
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
        walk.push(to.0)?;
        if let Some(from) = from {
            walk.hide(from.0)?;
        }
        walk.map(|r| r.map(ObjectId).map_err(StoreError::from))
            .collect()
    }

    /// Brings the branch's content together with the other side's tip `r`,
    /// building the new tip's commits (nothing moves yet; see
    /// [`Store::move_branch`]). A diverged line is replayed on top of `r`,
    /// each commit made again with its own author, committer and message, so
    /// the same commit on the same base always gives the same id (a rerun
    /// after a crash adds nothing); one that holds nothing new is left out.
    /// When a local commit is a merge or is named by one of duthao's tags, a
    /// merge commit is made instead (a replay would take the tagged commit
    /// off the branch). `who` signs a merge commit.
    pub fn integrate(
        &self,
        local: Option<ObjectId>,
        remote: Option<ObjectId>,
        remote_label: &str,
        who: &Identity,
    ) -> Result<Integrated, IntegrateError> {
        let done = |how, tip| Integrated {
            how,
            tip,
            skipped: 0,
            merged_files: Vec::new(),
        };
        let Some(r) = remote else {
            return Ok(done(Integration::None, local));
        };
        let Some(l) = local else {
            return Ok(done(Integration::FastForward, Some(r)));
        };
        if self.is_ancestor(r, l)? {
            return Ok(done(Integration::None, Some(l)));
        }
        if self.is_ancestor(l, r)? {
            return Ok(done(Integration::FastForward, Some(r)));
        }
        let base = self.repo.merge_base(l.0, r.0).ok().map(ObjectId);
        let mine = self.commits_between(base, l)?;
        let tagged: HashSet<ObjectId> = self
            .refs_under("refs/tags/duthao/")?
            .into_iter()
            .filter_map(|(_, t)| self.peeled_commit(t))
            .collect();
        let mut must_merge = false;
        for c in &mine {
            if tagged.contains(c) || self.repo.find_commit(c.0)?.parent_count() > 1 {
                must_merge = true;
                break;
            }
        }
        if base.is_none() {
            return Err(IntegrateError::Store(StoreError::UnrelatedHistories {
                remote: remote_label.to_string(),
            }));
        }
        if must_merge {
            return self.merge_lines(l, r, base, remote_label, who);
        }
        let mut tip = self.repo.find_commit(r.0)?;
        let mut skipped = 0;
        let mut merged_files = BTreeSet::new();
        // What the other side changed since the common base: a local commit
        // touching none of it applies as it is (the usual case: each review
        // event is a new file), with no three-way merge.
        let base_tree = match base {
            Some(b) => Some(self.repo.find_commit(b.0)?.tree()?),
            None => None,
        };
        let upstream = self.changed_between(base_tree.as_ref(), &tip.tree()?)?;
        // The trees written here are made from trees already checked; libgit2
        // checking every entry of each again made a replay of 1,000 comments
        // twice as slow.
        let _unchecked = UncheckedObjects::new();
        for c in mine {
            let commit = self.repo.find_commit(c.0)?;
            let parent_tree = commit.parent(0)?.tree()?;
            let changes =
                self.repo
                    .diff_tree_to_tree(Some(&parent_tree), Some(&commit.tree()?), None)?;
            let clean = changes.deltas().all(|d| {
                [d.old_file().path(), d.new_file().path()]
                    .into_iter()
                    .flatten()
                    .all(|p| !upstream.contains(&*p.to_string_lossy()))
            });
            let tree_id = if clean {
                let mut update = git2::build::TreeUpdateBuilder::new();
                for d in changes.deltas() {
                    match d.status() {
                        git2::Delta::Deleted => {
                            if let Some(p) = d.old_file().path() {
                                update.remove(p);
                            }
                        }
                        _ => {
                            if let (Some(p), Some(old)) = (d.old_file().path(), d.new_file().path())
                                && p != old
                            {
                                update.remove(p);
                            }
                            if let Some(p) = d.new_file().path() {
                                update.upsert(p, d.new_file().id(), d.new_file().mode());
                            }
                        }
                    }
                }
                update.create_updated(&self.repo, &tip.tree()?)?
            } else {
                let mut index =
                    match self.merge_three(&parent_tree, &tip.tree()?, &commit.tree()?)? {
                        Ok(index) => index,
                        Err(files) => {
                            return Err(IntegrateError::Conflict(DraftConflict {
                                there: self.last_touching(r, base, &files)?,
                                here: c,
                                files,
                            }));
                        }
                    };
                merged_files.extend(self.both_changed(&parent_tree, &tip, &commit)?);
                index.write_tree_to(&self.repo)?
            };
            if tree_id == tip.tree_id() {
                skipped += 1;
                continue;
            }
            let tree = self.repo.find_tree(tree_id)?;
            let message = String::from_utf8_lossy(commit.message_raw_bytes()).into_owned();
            let id = self.repo.commit(
                None,
                &commit.author(),
                &commit.committer(),
                &message,
                &tree,
                &[&tip],
            )?;
            tip = self.repo.find_commit(id)?;
        }
        Ok(Integrated {
            how: Integration::Replay,
            tip: Some(ObjectId(tip.id())),
            skipped,
            merged_files: merged_files.into_iter().collect(),
        })
    }

    fn merge_lines(
        &self,
        l: ObjectId,
        r: ObjectId,
        base: Option<ObjectId>,
        remote_label: &str,
        who: &Identity,
    ) -> Result<Integrated, IntegrateError> {
        let ours = self.repo.find_commit(l.0)?;
        let theirs = self.repo.find_commit(r.0)?;
        let base_tree = match base {
            Some(b) => self.repo.find_commit(b.0)?.tree()?,
            None => {
                let empty = self.repo.treebuilder(None)?.write()?;
                self.repo.find_tree(empty)?
            }
        };
        let mut index = match self.merge_three(&base_tree, &ours.tree()?, &theirs.tree()?)? {
            Ok(index) => index,
            Err(files) => {
                return Err(IntegrateError::Conflict(DraftConflict {
                    here: self.last_touching(l, base, &files)?,
                    there: self.last_touching(r, base, &files)?,
                    files,
                }));
            }
        };
        let merged_files = self.both_changed(&base_tree, &theirs, &ours)?;
        let tree = self.repo.find_tree(index.write_tree_to(&self.repo)?)?;
        who.validate()?;
        let sig = Signature::now(&who.name, &who.email)?;
        let id = self.repo.commit(
            None,
            &sig,
            &sig,
            &format!("Hợp nhất với {remote_label} (đồng bộ)\n"),
            &tree,
            &[&ours, &theirs],
        )?;
        Ok(Integrated {
            how: Integration::Merge,
            tip: Some(ObjectId(id)),
            skipped: 0,
            merged_files,
        })
    }

    /// The line-by-line merge of two trees against their base, or the files
    /// both changed in the same place.
    fn merge_three(
        &self,
        base: &git2::Tree<'_>,
        ours: &git2::Tree<'_>,
        theirs: &git2::Tree<'_>,
    ) -> Result<Result<git2::Index, Vec<String>>, IntegrateError> {
        let index = self
            .repo
            .merge_trees(base, ours, theirs, Some(&merge_options()))?;
        if index.has_conflicts() {
            return Ok(Err(conflict_paths(&index)?));
        }
        Ok(Ok(index))
    }

    /// Files `mine` changed against `base` that `up`'s tree also changed:
    /// merged line by line, so reported.
    fn both_changed(
        &self,
        base: &git2::Tree<'_>,
        up: &git2::Commit<'_>,
        mine: &git2::Commit<'_>,
    ) -> Result<Vec<String>, StoreError> {
        let theirs: HashSet<String> = self.changed_between(Some(base), &up.tree()?)?;
        let ours = self.changed_between(Some(base), &mine.tree()?)?;
        let mut both: Vec<String> = ours.intersection(&theirs).cloned().collect();
        both.sort();
        Ok(both)
    }

    pub(super) fn changed_between(
        &self,
        old: Option<&git2::Tree<'_>>,
        new: &git2::Tree<'_>,
    ) -> Result<HashSet<String>, StoreError> {
        let diff = self.repo.diff_tree_to_tree(old, Some(new), None)?;
        Ok(delta_paths(&diff).collect())
    }

    /// The newest commit of `base..tip` that touched one of `files`.
    fn last_touching(
        &self,
        tip: ObjectId,
        base: Option<ObjectId>,
        files: &[String],
    ) -> Result<ObjectId, StoreError> {
        let mut commits = self.commits_between(base, tip)?;
        commits.reverse();
        for c in commits {
            let commit = self.repo.find_commit(c.0)?;
            let parent = commit.parent(0).ok().map(|p| p.tree()).transpose()?;
            let changed = self.changed_between(parent.as_ref(), &commit.tree()?)?;
            if files.iter().any(|f| changed.contains(f)) {
                return Ok(c);
            }
        }
        Ok(tip)
    }
}

/// libgit2's check that every object a new tree or commit names exists,
/// off while this lives.
struct UncheckedObjects;

impl UncheckedObjects {
    fn new() -> UncheckedObjects {
        git2::opts::strict_object_creation(false);
        UncheckedObjects
    }
}

impl Drop for UncheckedObjects {
    fn drop(&mut self) {
        git2::opts::strict_object_creation(true);
    }
}

fn merge_options() -> MergeOptions {
    let mut o = MergeOptions::new();
    o.find_renames(false).fail_on_conflict(false);
    o
}

fn conflict_paths(index: &git2::Index) -> Result<Vec<String>, StoreError> {
    let mut files = BTreeSet::new();
    for c in index.conflicts()? {
        let c = c?;
        for e in [c.ancestor, c.our, c.their].into_iter().flatten() {
            files.insert(String::from_utf8_lossy(&e.path).into_owned());
        }
    }
    Ok(files.into_iter().collect())
}

/// The path of each change of a diff (the new path, or the old one for a
/// deletion).
pub(super) fn delta_paths<'d>(diff: &'d git2::Diff<'_>) -> impl Iterator<Item = String> + 'd {
    diff.deltas().filter_map(|d| {
        d.new_file()
            .path()
            .or(d.old_file().path())
            .map(|p| p.to_string_lossy().into_owned())
    })
}
