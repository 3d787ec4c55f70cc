//! Meeting another site: fetching its refs into a quarantine, taking in
//! the tags and reservations it has that this site lacks (never replacing
//! one), bringing the branch up to date (fast-forward, replay or merge),
//! and pushing back with a compare-and-swap on every ref.
//!
//! Invariants, which the tests of `sync` check end to end:
//! - nothing reachable before a sync is unreachable after it, at either end,
//!   however it stops: objects are written first, refs last;
//! - an existing ref changes only if it is the branch (moved by a
//!   compare-and-swap from the value this sync read) or one of duthao's
//!   scratch refs (`refs/duthao/{incoming,conflicts,sync}/`);
//! - a tag, reservation or site claim is never replaced or deleted, here or
//!   at the remote: one whose content differs is kept aside and reported.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use git2::{ErrorCode, MergeOptions, Oid, Repository, Signature, build::CheckoutBuilder};

use crate::{HeadState, Identity, ObjectId, Store, StoreError};

/// The namespaces of refs exchanged beside the branch, as (ref prefix here
/// and there, its place under a quarantine). Each is create-only.
pub(crate) const SHARED_PREFIXES: &[(&str, &str)] = &[
    ("refs/tags/duthao/", "tags/duthao/"),
    ("refs/duthao/register/", "register/"),
    ("refs/duthao/sites/", "sites/"),
];

/// Where an earlier sync's journal lives: the commit the branch is being
/// moved to, and the one it was at.
const PENDING: &str = "refs/duthao/sync/pending";
const LOCAL_BEFORE: &str = "refs/duthao/sync/local-before";
/// Kept when a draft's text conflicts: the other side's branch.
const CONFLICT_REMOTE: &str = "refs/duthao/sync/remote";

/// How the remote is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// A bare repository on a local path (or `file://`), through libgit2.
    Local(PathBuf),
    /// Anything else (`ssh://`, `https://`, `git://`, `host:path`), through
    /// the git program, so the user's own git set-up applies.
    GitProgram,
}

/// A remote to sync with.
#[derive(Debug, Clone)]
pub struct RemoteSpec {
    /// A configured remote's name, or a short name made from the address.
    pub name: String,
    /// The address fetched from.
    pub url: String,
    /// The address pushed to (a remote's `pushurl`, else `url`).
    pub push_url: String,
    /// How it is reached.
    pub transport: Transport,
    /// Whether `name` is a configured remote (then `refs/remotes/<name>/`
    /// is kept up to date, as `git fetch` would).
    pub configured: bool,
}

/// What a remote (or a bundle) holds of what sync exchanges, read from its
/// quarantine.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Its branch tip, if it has the branch.
    pub branch: Option<ObjectId>,
    /// Its tags, reservations and site claims, by full local ref name.
    pub refs: BTreeMap<String, ObjectId>,
    /// For a bundle: the claim of the site that wrote it, when it says.
    pub sender: Option<ObjectId>,
}

/// What taking in one of the other side's refs did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepted {
    /// It was absent here and is now created.
    Created,
    /// It is here already, pointing at the same object.
    Same,
    /// It is here pointing at another object; neither was changed, and the
    /// other side's is kept at `kept_at`.
    Differs {
        /// What it points at here.
        here: ObjectId,
        /// What it points at there.
        there: ObjectId,
        /// The scratch ref that keeps the other side's object.
        kept_at: String,
    },
}

/// A ref the two sides hold differently, the other side's object kept
/// aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptAside {
    /// The ref, in full.
    pub name: String,
    /// What it points at here (`None`: deleted here since).
    pub here: Option<ObjectId>,
    /// What it points at at the other side.
    pub there: ObjectId,
    /// The scratch ref keeping the other side's object.
    pub kept_at: String,
}

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

/// One ref to set at the remote, and what it must hold when set.
#[derive(Debug, Clone)]
pub struct RefUpdate {
    /// Its full name, the same at both ends.
    pub name: String,
    /// What it must point at before (`None`: it must not exist).
    pub expect: Option<ObjectId>,
    /// What it is set to.
    pub new: ObjectId,
}

/// How a push ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pushed {
    /// Every ref was set.
    Done,
    /// Nothing was set: another site changed one of the refs first (name).
    Overtaken(String),
}

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

/// This repository as a site: its name and id (kept in its own
/// `.git/config`, which `git clone` never copies) and whether its claim
/// `refs/duthao/sites/<name>` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The site's name (`vp-tinh-uy`).
    pub name: String,
    /// A random id that tells this repository from any other.
    pub id: String,
    /// Whether the claim ref here holds this id.
    pub claimed: bool,
}

/// The text of a site claim.
fn claim_text(name: &str, id: &str) -> String {
    format!("duthao site\nname: {name}\nid: {id}\n")
}

static PAUSE_HOOK: std::sync::OnceLock<fn(&str)> = std::sync::OnceLock::new();

/// Sets what happens at each named step of a sync (the tests that kill a
/// sync at every step pause it there); once per process.
pub fn on_pause_point(hook: fn(&str)) {
    let _ = PAUSE_HOOK.set(hook);
}

/// A named step of a sync: `fetched`, `accepted`, `integrated`, `journal`,
/// `checkout`, `branch`, `pack`, `pushed`.
pub fn pause_point(point: &str) {
    if let Some(hook) = PAUSE_HOOK.get() {
        hook(point);
    }
}

impl Store {
    /// The branch HEAD is on (born or not); sync works only on a branch.
    pub fn current_branch(&self) -> Result<String, StoreError> {
        match self.head_state()? {
            HeadState::Branch(b) | HeadState::Unborn(b) => Ok(b),
            HeadState::Detached(oid) => Err(StoreError::Detached { short: oid.short() }),
        }
    }

    /// The tip of `refs/heads/<branch>`, `None` while unborn.
    pub fn branch_tip(&self, branch: &str) -> Result<Option<ObjectId>, StoreError> {
        self.ref_target(&format!("refs/heads/{branch}"))
    }

    /// What the ref `name` (in full) points at, `None` when there is none.
    pub fn ref_target(&self, name: &str) -> Result<Option<ObjectId>, StoreError> {
        match self.repo.refname_to_id(name) {
            Ok(oid) => Ok(Some(ObjectId(oid))),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// This repository's site, if it has been named.
    pub fn site(&self) -> Result<Option<Site>, StoreError> {
        let config = self.repo.config()?.open_level(git2::ConfigLevel::Local)?;
        let (Ok(name), Ok(id)) = (
            config.get_string("duthao.site"),
            config.get_string("duthao.siteId"),
        ) else {
            return Ok(None);
        };
        let claimed = match self.ref_target(&format!("refs/duthao/sites/{name}"))? {
            Some(claim) => self.claim_message(claim).as_deref() == Some(&claim_text(&name, &id)),
            None => false,
        };
        Ok(Some(Site { name, id, claimed }))
    }

    /// The text of a site claim (a commit's message), if `claim` is one.
    pub fn claim_message(&self, claim: ObjectId) -> Option<String> {
        let c = self.repo.find_commit(claim.0).ok()?;
        Some(String::from_utf8_lossy(c.message_bytes()).into_owned())
    }

    /// Names this repository's site `name` (lower-case letters, digits and
    /// '-', checked by the caller), claiming it with
    /// `refs/duthao/sites/<name>`; refused when another repository's claim
    /// of that name is here.
    pub fn claim_site(&self, name: &str) -> Result<Site, StoreError> {
        let refname = format!("refs/duthao/sites/{name}");
        if !git2::Reference::is_valid_name(&refname) {
            return Err(StoreError::BadTagName {
                name: name.to_string(),
                reason: "not a valid site name",
            });
        }
        let mut config = self.repo.config()?.open_level(git2::ConfigLevel::Local)?;
        let id = match (
            config.get_string("duthao.site"),
            config.get_string("duthao.siteId"),
        ) {
            (Ok(n), Ok(id)) if n == name => id,
            _ => {
                let seed = format!(
                    "{:?}{}{}",
                    std::time::SystemTime::now(),
                    std::process::id(),
                    self.repo.path().display()
                );
                sha256_hex(seed.as_bytes())[..32].to_string()
            }
        };
        // A root commit with an empty tree, its message the claim: a commit
        // rather than a blob, because libgit2's local fetch walks every ref
        // it lacks as a commit.
        let empty = self.repo.find_tree(self.repo.treebuilder(None)?.write()?)?;
        let sig = Signature::now("duthao", "site@duthao.invalid")?;
        let blob =
            ObjectId(
                self.repo
                    .commit(None, &sig, &sig, &claim_text(name, &id), &empty, &[])?,
            );
        if !self.create_absent(&refname, blob.0)? && self.ref_target(&refname)? != Some(blob) {
            return Err(StoreError::SiteTaken {
                name: name.to_string(),
            });
        }
        config.set_str("duthao.site", name)?;
        config.set_str("duthao.siteId", &id)?;
        Ok(Site {
            name: name.to_string(),
            id,
            claimed: true,
        })
    }

    /// Refuses what sync cannot work in: a shallow clone, a half-done git
    /// operation.
    pub fn ensure_syncable(&self) -> Result<(), StoreError> {
        if self.repo.is_shallow() {
            return Err(StoreError::Shallow);
        }
        self.ensure_no_operation_in_progress()
    }

    /// The remote `arg` names (a configured remote, a path or an address),
    /// else the branch's upstream remote, else `origin`. An address that
    /// the git program would read as an option (`--upload-pack=…`) is
    /// refused, whoever wrote it (the command line or `.git/config`).
    pub fn resolve_remote(
        &self,
        arg: Option<&str>,
        branch: &str,
    ) -> Result<RemoteSpec, StoreError> {
        let config = self.repo.config()?.snapshot()?;
        let name = match arg {
            Some(a) => a.to_string(),
            None => match config.get_string(&format!("branch.{branch}.remote")) {
                Ok(r) if r != "." => r,
                _ => match self.repo.find_remote("origin") {
                    Ok(_) => "origin".to_string(),
                    Err(_) => return Err(StoreError::NoRemote),
                },
            },
        };
        let spec = if let Ok(remote) = self.repo.find_remote(&name)
            && let Ok(url) = remote.url()
        {
            let url = url.to_string();
            let push_url = remote
                .pushurl()
                .ok()
                .flatten()
                .map_or_else(|| url.clone(), str::to_string);
            RemoteSpec {
                transport: transport_of(&url),
                name,
                url,
                push_url,
                configured: true,
            }
        } else if arg.is_none() {
            return Err(StoreError::NoRemote);
        } else {
            let url = match transport_of(&name) {
                Transport::Local(path) => path.to_string_lossy().into_owned(),
                Transport::GitProgram => name.clone(),
            };
            RemoteSpec {
                name: format!("url-{}", &sha256_hex(url.as_bytes())[..8]),
                transport: transport_of(&url),
                push_url: url.clone(),
                url,
                configured: false,
            }
        };
        for url in [&spec.url, &spec.push_url] {
            if url.starts_with('-') || url.chars().any(char::is_control) {
                return Err(StoreError::BadRemote {
                    url: url.clone(),
                    reason: "an address cannot start with '-' or hold control characters (git would read it as an option)",
                });
            }
        }
        Ok(spec)
    }

    /// Remembers `remote` (a path or address given on the command line) as
    /// `origin` when the repository has no remote at all, with the branch
    /// following it, as after `git clone`: the next sync needs no argument
    /// and `git status` says how far ahead or behind it is. Called once the
    /// remote has answered, so a mistyped address is not remembered.
    pub fn remember_as_origin(
        &self,
        remote: &RemoteSpec,
        branch: &str,
    ) -> Result<Option<RemoteSpec>, StoreError> {
        if remote.configured || !self.repo.remotes()?.is_empty() {
            return Ok(None);
        }
        self.repo.remote("origin", &remote.url)?;
        let mut config = self.repo.config()?.open_level(git2::ConfigLevel::Local)?;
        config.set_str(&format!("branch.{branch}.remote"), "origin")?;
        config.set_str(
            &format!("branch.{branch}.merge"),
            &format!("refs/heads/{branch}"),
        )?;
        Ok(Some(self.resolve_remote(Some("origin"), branch)?))
    }

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
        self.move_branch(branch, before, pending)?;
        Ok(Resumed::Finished)
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

    /// Fetches the remote's branch, tags, reservations and site claims into
    /// `refs/duthao/incoming/<remote>/`, a quarantine that mirrors the
    /// remote (forced, pruned): nothing outside it changes.
    pub fn fetch(&self, remote: &RemoteSpec, branch: &str) -> Result<Snapshot, StoreError> {
        let q = quarantine(&remote.name);
        let mut specs = vec![format!("+refs/heads/{branch}:{q}heads/{branch}")];
        for (prefix, place) in SHARED_PREFIXES {
            specs.push(format!("+{prefix}*:{q}{place}*"));
        }
        match &remote.transport {
            Transport::Local(path) => self.fetch_local(path, branch, &q)?,
            Transport::GitProgram => {
                let mut args: Vec<String> = [
                    "-c",
                    "gc.auto=0",
                    "-c",
                    "maintenance.auto=false",
                    "-c",
                    "transfer.fsckObjects=true",
                    "fetch",
                    "--quiet",
                    "--no-tags",
                    "--prune",
                    "--no-recurse-submodules",
                    "--no-write-fetch-head",
                ]
                .map(String::from)
                .to_vec();
                args.push("--".into());
                args.push(remote.url.clone());
                args.extend(specs);
                self.run_git(&remote.url, "fetch from", &args)?;
                self.repo.odb()?.refresh()?;
                let mut bad = Vec::new();
                for (prefix, place) in SHARED_PREFIXES {
                    for (qname, oid) in self.refs_under(&format!("{q}{place}"))? {
                        let name = format!("{prefix}{}", &qname[q.len() + place.len()..]);
                        if let Some(p) = shape_problem(&self.repo, &name, oid.0) {
                            self.repo.find_reference(&qname)?.delete()?;
                            bad.push((name, p));
                        }
                    }
                }
                *self.fetch_notes.lock().unwrap_or_else(|p| p.into_inner()) = bad;
            }
        }
        let snapshot = self.snapshot(&q, branch)?;
        if let Some(tip) = snapshot.branch {
            self.track_remote(remote, branch, tip)?;
        }
        Ok(snapshot)
    }

    /// The fetch from a bare repository on this machine, done here rather
    /// than by libgit2's local transport: refs of the wrong shape are left
    /// there (fetched, they would break this fetch and every later one),
    /// and the pack of what is missing here is built on one thread (the
    /// transport's threads cost more in the kernel than they saved).
    fn fetch_local(&self, path: &Path, branch: &str, q: &str) -> Result<(), StoreError> {
        let theirs = open_bare(path)?;
        let mut wanted: Vec<(String, Oid)> = Vec::new();
        let head = format!("refs/heads/{branch}");
        if let Ok(oid) = theirs.refname_to_id(&head) {
            match shape_problem(&theirs, &head, oid) {
                Some(p) => {
                    return Err(StoreError::Transport {
                        url: path.display().to_string(),
                        op: "fetch from",
                        stderr: p,
                    });
                }
                None => wanted.push((format!("{q}heads/{branch}"), oid)),
            }
        }
        let mut bad = Vec::new();
        for (prefix, place) in SHARED_PREFIXES {
            for r in theirs.references_glob(&format!("{prefix}*"))? {
                let r = r?;
                let (Ok(name), Some(oid)) = (r.name(), r.target()) else {
                    continue;
                };
                match shape_problem(&theirs, name, oid) {
                    Some(p) => bad.push((name.to_string(), p)),
                    None => wanted.push((format!("{q}{place}{}", &name[prefix.len()..]), oid)),
                }
            }
        }
        *self.fetch_notes.lock().unwrap_or_else(|p| p.into_inner()) = bad;
        let ours = self.repo.odb()?;
        let missing: Vec<Oid> = wanted
            .iter()
            .map(|(_, oid)| *oid)
            .filter(|oid| !ours.exists(*oid))
            .collect();
        if !missing.is_empty() {
            let mut walk = theirs.revwalk()?;
            for oid in &missing {
                if let Ok(c) = theirs
                    .find_object(*oid, None)
                    .and_then(|o| o.peel_to_commit())
                {
                    walk.push(c.id())?;
                }
            }
            // What this repository has already: its branch and every ref
            // sync keeps, where the other side has them too.
            let mut have: Vec<Oid> = self.branch_tip(branch)?.into_iter().map(|o| o.0).collect();
            for (prefix, _) in SHARED_PREFIXES {
                have.extend(self.refs_under(prefix)?.into_iter().map(|(_, o)| o.0));
            }
            have.extend(self.refs_under(q)?.into_iter().map(|(_, o)| o.0));
            for oid in have {
                if let Ok(c) = theirs
                    .find_object(oid, None)
                    .and_then(|o| o.peel_to_commit())
                {
                    let _ = walk.hide(c.id());
                }
            }
            let mut pb = theirs.packbuilder()?;
            pb.set_threads(1);
            pb.insert_walk(&mut walk)?;
            for oid in &missing {
                let mut id = *oid;
                while let Ok(tag) = theirs.find_tag(id) {
                    pb.insert_object(id, None)?;
                    id = tag.target_id();
                }
            }
            let mut buf = git2::Buf::new();
            pb.write_buf(&mut buf)?;
            let mut writer = ours.packwriter()?;
            writer
                .write_all(&buf)
                .map_err(|e| git2::Error::from_str(&e.to_string()))?;
            writer.commit()?;
        }
        // The quarantine mirrors the remote: set what it has, drop the rest.
        let keep: HashSet<&str> = wanted.iter().map(|(n, _)| n.as_str()).collect();
        for (name, _) in self.refs_under(q)? {
            if !keep.contains(name.as_str()) {
                self.repo.find_reference(&name)?.delete()?;
            }
        }
        for (name, oid) in &wanted {
            if self.ref_target(name)? != Some(ObjectId(*oid)) {
                self.repo
                    .reference(name, *oid, true, "duthao-sync: fetch")?;
            }
        }
        Ok(())
    }

    /// Sets `refs/remotes/<remote>/<branch>` (for a configured remote) to
    /// what the remote's branch holds, as `git fetch` and `git push` do, so
    /// that `git status` and `duthao status` say what is not yet sent.
    pub fn track_remote(
        &self,
        remote: &RemoteSpec,
        branch: &str,
        tip: ObjectId,
    ) -> Result<(), StoreError> {
        let name = format!("refs/remotes/{}/{branch}", remote.name);
        if remote.configured && git2::Reference::is_valid_name(&name) {
            self.repo.reference(&name, tip.0, true, "duthao-sync")?;
        }
        Ok(())
    }

    /// The branch's upstream (`branch.<b>.remote`, as `git clone` and
    /// `sync` set it) and, from what the last fetch or push saw, how many
    /// commits here it lacks and how many there this branch lacks.
    pub fn upstream_state(
        &self,
        branch: &str,
    ) -> Result<Option<(String, usize, usize)>, StoreError> {
        let config = self.repo.config()?.snapshot()?;
        let Ok(remote) = config.get_string(&format!("branch.{branch}.remote")) else {
            return Ok(None);
        };
        let (Some(here), Some(there)) = (
            self.branch_tip(branch)?,
            self.ref_target(&format!("refs/remotes/{remote}/{branch}"))?,
        ) else {
            return Ok(None);
        };
        let (ahead, behind) = self.repo.graph_ahead_behind(here.0, there.0)?;
        Ok(Some((remote, ahead, behind)))
    }

    /// Deletes the quarantine of `remote` (scratch refs only).
    pub fn drop_quarantine(&self, remote: &str) -> Result<(), StoreError> {
        for (name, _) in self.refs_under(&quarantine(remote))? {
            self.repo.find_reference(&name)?.delete()?;
        }
        Ok(())
    }

    /// The refs the last fetch left at the remote because they had the
    /// wrong shape, each with why.
    pub fn take_fetch_notes(&self) -> Vec<(String, String)> {
        std::mem::take(&mut *self.fetch_notes.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// What a quarantine (`refs/duthao/incoming/<name>/`) holds.
    pub(crate) fn snapshot(&self, q: &str, branch: &str) -> Result<Snapshot, StoreError> {
        let mut snap = Snapshot {
            branch: self.ref_target(&format!("{q}heads/{branch}"))?,
            refs: BTreeMap::new(),
            sender: None,
        };
        for (prefix, place) in SHARED_PREFIXES {
            for (name, target) in self.refs_under(&format!("{q}{place}"))? {
                let rest = &name[q.len() + place.len()..];
                snap.refs.insert(format!("{prefix}{rest}"), target);
            }
        }
        Ok(snap)
    }

    /// The tags, reservations and site claims this repository holds, by
    /// full name.
    pub fn shared_refs(&self) -> Result<BTreeMap<String, ObjectId>, StoreError> {
        let mut out = BTreeMap::new();
        for (prefix, _) in SHARED_PREFIXES {
            out.extend(self.refs_under(prefix)?);
        }
        Ok(out)
    }

    /// Why the ref `name` may not point at `oid` here (see the shapes in
    /// [`Store::accept_ref`]); `None` when it may.
    pub fn ref_shape_problem(&self, name: &str, oid: ObjectId) -> Option<String> {
        shape_problem(&self.repo, name, oid.0)
    }

    /// Takes in the other side's ref `name` → `there`: created when absent
    /// here (atomically, never replacing one made meanwhile); when it is
    /// here with other content neither is changed, and the other side's
    /// object is kept at `refs/duthao/conflicts/<remote>/…` for the report.
    pub fn accept_ref(
        &self,
        remote: &str,
        name: &str,
        there: ObjectId,
    ) -> Result<Accepted, StoreError> {
        let kept_at = format!(
            "refs/duthao/conflicts/{}/{}",
            one_component(remote),
            name.trim_start_matches("refs/")
        );
        let here = if self.create_absent(name, there.0)? {
            return Ok(Accepted::Created);
        } else {
            self.ref_target(name)?.unwrap_or(ObjectId(Oid::ZERO_SHA1))
        };
        if here == there {
            if let Ok(mut r) = self.repo.find_reference(&kept_at) {
                r.delete()?;
            }
            return Ok(Accepted::Same);
        }
        self.repo
            .reference(&kept_at, there.0, true, "duthao-sync: kept aside")?;
        Ok(Accepted::Differs {
            here,
            there,
            kept_at,
        })
    }

    /// The refs kept aside because the two sides disagree on them, with what
    /// each side holds: (name, here, there, kept at).
    pub fn sync_conflicts(&self) -> Result<Vec<KeptAside>, StoreError> {
        let mut out = Vec::new();
        for (kept_at, there) in self.refs_under("refs/duthao/conflicts/")? {
            let rest = &kept_at["refs/duthao/conflicts/".len()..];
            let Some((_, name)) = rest.split_once('/') else {
                continue;
            };
            let name = format!("refs/{name}");
            let here = self.ref_target(&name)?;
            if here == Some(there) {
                continue;
            }
            out.push(KeptAside {
                name,
                here,
                there,
                kept_at,
            });
        }
        Ok(out)
    }

    /// The commit a tag or other ref finally names (tags peeled).
    pub fn peeled_commit(&self, target: ObjectId) -> Option<ObjectId> {
        let obj = self.repo.find_object(target.0, None).ok()?;
        obj.peel_to_commit().ok().map(|c| ObjectId(c.id()))
    }

    /// Whether `ancestor` is `commit` or one of its ancestors.
    pub fn is_ancestor(&self, ancestor: ObjectId, commit: ObjectId) -> Result<bool, StoreError> {
        Ok(ancestor == commit || self.repo.graph_descendant_of(commit.0, ancestor.0)?)
    }

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
                let mut index = self.repo.merge_trees(
                    &parent_tree,
                    &tip.tree()?,
                    &commit.tree()?,
                    Some(&merge_options()),
                )?;
                if index.has_conflicts() {
                    let files = conflict_paths(&index)?;
                    return Err(IntegrateError::Conflict(DraftConflict {
                        there: self.last_touching(r, base, &files)?,
                        here: c,
                        files,
                    }));
                }
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
        let mut index = self.repo.merge_trees(
            &base_tree,
            &ours.tree()?,
            &theirs.tree()?,
            Some(&merge_options()),
        )?;
        if index.has_conflicts() {
            let files = conflict_paths(&index)?;
            return Err(IntegrateError::Conflict(DraftConflict {
                here: self.last_touching(l, base, &files)?,
                there: self.last_touching(r, base, &files)?,
                files,
            }));
        }
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

    fn changed_between(
        &self,
        old: Option<&git2::Tree<'_>>,
        new: &git2::Tree<'_>,
    ) -> Result<HashSet<String>, StoreError> {
        let diff = self.repo.diff_tree_to_tree(old, Some(new), None)?;
        Ok(diff
            .deltas()
            .filter_map(|d| {
                d.new_file()
                    .path()
                    .or(d.old_file().path())
                    .map(|p| p.to_string_lossy().into_owned())
            })
            .collect())
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
            Some(f) => self
                .repo
                .reference(LOCAL_BEFORE, f.0, true, "duthao-sync: journal")?,
            None => {
                if let Ok(mut r) = self.repo.find_reference(LOCAL_BEFORE) {
                    r.delete()?;
                }
                return self.finish_unborn(&refname, to, &new_tree, &changed);
            }
        };
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
        // journal (git itself) wins; the next attempt starts from it.
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

    fn finish_unborn(
        &self,
        refname: &str,
        to: ObjectId,
        tree: &git2::Tree<'_>,
        changed: &BTreeSet<String>,
    ) -> Result<(), StoreError> {
        {
            let _writer = self.lock_index_writer()?;
            let mut co = CheckoutBuilder::new();
            co.force().disable_pathspec_match(true);
            for p in changed {
                co.path(p.as_str());
            }
            self.repo.checkout_tree(tree.as_object(), Some(&mut co))?;
        }
        self.repo
            .reference_matching(refname, to.0, false, Oid::ZERO_SHA1, "duthao-sync")?;
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
            Other,
        }
        let entry = |tree: Option<&git2::Tree<'_>>, p: &str| -> Entry {
            match tree.and_then(|t| t.get_path(Path::new(p)).ok()) {
                None => Entry::Absent,
                Some(e) => match e.kind() {
                    Some(git2::ObjectType::Blob) => Entry::Blob(e.id()),
                    Some(git2::ObjectType::Tree) => Entry::Folder,
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
            // The index has no entry for a folder.
            let staged_ok = |e: &Entry| match e {
                Entry::Folder => staged == Entry::Absent,
                other => staged == *other,
            };
            if (on_disk != a && on_disk != b) || (!staged_ok(&a) && !staged_ok(&b)) {
                dirty.insert(p.clone());
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

    /// Sets the refs of `updates` at the remote, each only if it still
    /// holds what it is expected to (all or none), after sending the
    /// objects they need. The objects the remote holds already are those
    /// reachable from `remote_has` (what its quarantine showed).
    pub fn push(
        &self,
        remote: &RemoteSpec,
        updates: &[RefUpdate],
        remote_has: &[ObjectId],
    ) -> Result<Pushed, StoreError> {
        if updates.is_empty() {
            return Ok(Pushed::Done);
        }
        match &remote.transport {
            Transport::Local(path) => self.push_local(path, updates, remote_has),
            Transport::GitProgram => self.push_git(remote, updates),
        }
    }

    /// Adds to a pack what a ref's commits walk does not bring: its tag
    /// objects (and tags of tags), and a tree or blob it points at.
    pub(crate) fn pack_ref_objects(
        &self,
        pb: &mut git2::PackBuilder<'_>,
        target: ObjectId,
    ) -> Result<(), StoreError> {
        let odb = self.repo.odb()?;
        let mut id = target.0;
        loop {
            match odb.read_header(id)?.1 {
                git2::ObjectType::Tag => {
                    pb.insert_object(id, None)?;
                    id = self.repo.find_tag(id)?.target_id();
                }
                git2::ObjectType::Blob | git2::ObjectType::Tree => {
                    pb.insert_recursive(id, None)?;
                    return Ok(());
                }
                _ => return Ok(()),
            }
        }
    }

    /// A pack of what `updates` need beyond `remote_has`.
    fn pack_for(
        &self,
        updates: &[RefUpdate],
        remote_has: &[ObjectId],
    ) -> Result<Vec<u8>, StoreError> {
        let mut pb = self.repo.packbuilder()?;
        pb.set_threads(1);
        let mut walk = self.repo.revwalk()?;
        let mut pushed_any = false;
        for u in updates {
            if let Some(c) = self.peeled_commit(u.new) {
                walk.push(c.0)?;
                pushed_any = true;
            }
        }
        for h in remote_has {
            if let Some(c) = self.peeled_commit(*h) {
                // A commit the remote's quarantine named but this odb lost
                // cannot happen: fetch brought it.
                let _ = walk.hide(c.0);
            }
        }
        if pushed_any {
            pb.insert_walk(&mut walk)?;
        }
        for u in updates {
            self.pack_ref_objects(&mut pb, u.new)?;
        }
        let mut buf = git2::Buf::new();
        pb.write_buf(&mut buf)?;
        Ok(buf.to_vec())
    }

    fn push_local(
        &self,
        path: &Path,
        updates: &[RefUpdate],
        remote_has: &[ObjectId],
    ) -> Result<Pushed, StoreError> {
        let remote = open_bare(path)?;
        let pack = self.pack_for(updates, remote_has)?;
        {
            let odb = remote.odb()?;
            let mut writer = odb.packwriter()?;
            writer
                .write_all(&pack)
                .map_err(|e| git2::Error::from_str(&e.to_string()))?;
            writer.commit()?;
        }
        pause_point("pack");
        // Every ref is locked, then each is compared under its lock; one
        // that moved rejects the whole push before anything is set.
        let mut tx = remote.transaction()?;
        for u in updates {
            if let Err(e) = tx.lock_ref(&u.name) {
                if e.code() == ErrorCode::Locked {
                    // Another push holds it for a moment; a lock older
                    // than any push takes was left by one that died, and
                    // no retry would get past it.
                    let lock = remote.path().join(format!("{}.lock", u.name));
                    if let Some(lock) = self.stale_lock(&lock) {
                        return Err(StoreError::Locked {
                            what: format!("{} at the remote", u.name),
                            lock,
                        });
                    }
                    return Ok(Pushed::Overtaken(u.name.clone()));
                }
                return Err(e.into());
            }
        }
        for u in updates {
            let now = match remote.refname_to_id(&u.name) {
                Ok(o) => Some(ObjectId(o)),
                Err(e) if e.code() == ErrorCode::NotFound => None,
                Err(e) => return Err(e.into()),
            };
            if now != u.expect {
                return Ok(Pushed::Overtaken(u.name.clone()));
            }
            tx.set_target(&u.name, u.new.0, None, "duthao-sync: push")?;
        }
        tx.commit()?;
        // A bare repository made with `git init --bare` names a branch in
        // HEAD that may never exist; a clone of it would check out nothing.
        if let Some(branch) = updates.iter().find(|u| u.name.starts_with("refs/heads/"))
            && let Ok(head) = remote.find_reference("HEAD")
            && let Ok(Some(target)) = head.symbolic_target()
            && remote.find_reference(target).is_err()
        {
            remote.set_head(&branch.name)?;
        }
        Ok(Pushed::Done)
    }

    fn push_git(&self, remote: &RemoteSpec, updates: &[RefUpdate]) -> Result<Pushed, StoreError> {
        let mut args: Vec<String> = [
            "-c",
            "gc.auto=0",
            "-c",
            "maintenance.auto=false",
            "push",
            "--porcelain",
            "--atomic",
            "--no-verify",
        ]
        .map(String::from)
        .to_vec();
        for u in updates {
            args.push(format!(
                "--force-with-lease={}:{}",
                u.name,
                u.expect.map(|e| e.to_string()).unwrap_or_default()
            ));
        }
        args.push("--".into());
        args.push(remote.push_url.clone());
        for u in updates {
            args.push(format!("{}:{}", u.new, u.name));
        }
        let out = self.git_command(&remote.push_url, &args)?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let statuses = parse_porcelain(&stdout);
        if out.status.success() {
            return Ok(Pushed::Done);
        }
        // A ref the server refused because it moved (or exists) is another
        // site's push landing first; anything else (a hook or a permission
        // refusing it) is a failure, not a reason to try again.
        let stderr = String::from_utf8_lossy(&out.stderr);
        let raced = |text: &str| {
            [
                "stale info",
                "fetch first",
                "non-fast-forward",
                "already exists",
                "failed to update ref",
                "failed to lock",
                "cannot lock ref",
                "but expected",
                "incorrect old value",
            ]
            .iter()
            .any(|p| text.contains(p))
        };
        if let Some(s) = statuses.iter().find(|s| s.flag == '!' && raced(&s.summary)) {
            return Ok(Pushed::Overtaken(s.dst.clone()));
        }
        if raced(&stderr) {
            let name = statuses
                .iter()
                .find(|s| s.flag == '!')
                .map_or_else(|| "a ref".to_string(), |s| s.dst.clone());
            return Ok(Pushed::Overtaken(name));
        }
        Err(StoreError::Transport {
            url: remote.push_url.clone(),
            op: "push to",
            stderr: last_lines(&out.stderr),
        })
    }

    fn run_git(&self, url: &str, op: &'static str, args: &[String]) -> Result<(), StoreError> {
        let out = self.git_command(url, args)?;
        if out.status.success() {
            Ok(())
        } else {
            Err(StoreError::Transport {
                url: url.to_string(),
                op,
                stderr: last_lines(&out.stderr),
            })
        }
    }

    fn git_command(&self, url: &str, args: &[String]) -> Result<std::process::Output, StoreError> {
        let mut cmd = Command::new("git");
        cmd.arg("--git-dir").arg(self.repo.path()).args(args);
        cmd.stdin(Stdio::null());
        // No prompt may hang a sync run from a script: a password or host
        // key question fails at once, with git's message.
        cmd.env("GIT_TERMINAL_PROMPT", "0");
        if std::env::var_os("GIT_SSH_COMMAND").is_none()
            && self.repo.config()?.get_string("core.sshCommand").is_err()
        {
            cmd.env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
        }
        match cmd.output() {
            Ok(out) => Ok(out),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::GitMissing {
                url: url.to_string(),
            }),
            Err(source) => Err(StoreError::Io {
                path: PathBuf::from("git"),
                source,
            }),
        }
    }

    /// Sets `refs/duthao/sync/...` style scratch refs and the like; only
    /// under `refs/duthao/`.
    pub fn set_scratch_ref(&self, name: &str, target: ObjectId) -> Result<(), StoreError> {
        if !name.starts_with("refs/duthao/") {
            return Err(StoreError::BadTagName {
                name: name.to_string(),
                reason: "not a reference under refs/duthao/",
            });
        }
        self.repo.reference(name, target.0, true, "duthao-sync")?;
        Ok(())
    }

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
        Ok(diff
            .deltas()
            .filter_map(|d| {
                d.new_file()
                    .path()
                    .or(d.old_file().path())
                    .map(|p| p.to_string_lossy().into_owned())
            })
            .collect())
    }

    /// The tag object `oid`, read as [`Store::signed_tag`] reads the tag
    /// `name` (which may point elsewhere here: the other side's object).
    pub fn signed_tag_object(
        &self,
        name: &str,
        oid: ObjectId,
    ) -> Result<Option<crate::SignedTag>, StoreError> {
        let odb = self.repo.odb()?;
        if !odb.exists(oid.0) {
            return Ok(None);
        }
        let mut tag = self.read_signed_tag(&odb, name, oid.0)?;
        // read_signed_tag reads the signature through the ref `name`; for
        // another object than the ref's it is not this one's.
        if self.ref_target(&format!("refs/tags/{name}"))? != Some(oid) {
            tag.signature = None;
            tag.payload.clear();
        }
        Ok(Some(tag))
    }

    /// Makes a bare repository at `path` whose HEAD names `main`: a remote
    /// for sites to meet at.
    pub fn init_bare(path: &Path) -> Result<(), StoreError> {
        let mut opts = git2::RepositoryInitOptions::new();
        opts.bare(true).initial_head("main").mkdir(true);
        Repository::init_opts(path, &opts)?;
        Ok(())
    }

    /// Clones the repository at `from` (a local path) into the new folder
    /// `into`, as `git clone` would, and opens it.
    pub fn clone_local(from: &Path, into: &Path) -> Result<Store, StoreError> {
        git2::build::RepoBuilder::new().clone(&from.to_string_lossy(), into)?;
        Store::open(into)
    }

    /// The workspace's prefix inside its repository (`""` or `sub/dir/`).
    pub fn repo_prefix(&self) -> &str {
        &self.prefix
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

/// Why the ref `name` may not point at `oid` (read in `repo`): a branch
/// names a commit; a version, decision or issue tag and a reservation name
/// a tag object over a commit; a site claim names a commit. Another office
/// sending a ref to a blob would otherwise break every later fetch here
/// (libgit2 walks the refs it lacks as commits).
pub(crate) fn shape_problem(repo: &Repository, name: &str, oid: Oid) -> Option<String> {
    let obj = match repo.find_object(oid, None) {
        Ok(o) => o,
        Err(_) => return Some(format!("{name} names {oid}, which is not there")),
    };
    let kind = obj.kind();
    let wants_tag =
        name.starts_with("refs/tags/duthao/") || name.starts_with("refs/duthao/register/");
    let ok = if wants_tag {
        kind == Some(git2::ObjectType::Tag) && obj.peel_to_commit().is_ok()
    } else {
        kind == Some(git2::ObjectType::Commit)
    };
    (!ok).then(|| {
        format!(
            "{name} names a {} where {} belongs",
            kind.map_or("object of unknown kind", |k| k.str()),
            if wants_tag {
                "an annotated tag of a commit"
            } else {
                "a commit"
            }
        )
    })
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

/// The quarantine of a remote's refs.
pub(crate) fn quarantine(remote: &str) -> String {
    format!("refs/duthao/incoming/{}/", one_component(remote))
}

/// A remote's name as one ref component: git allows `/` in remote names
/// (`up/stream`), which would make one remote's scratch refs look like
/// another's.
fn one_component(remote: &str) -> String {
    remote.replace('%', "%25").replace('/', "%2F")
}

/// A path or `file://` address is reached through libgit2; anything else
/// through the git program.
fn transport_of(url: &str) -> Transport {
    if let Some(rest) = url.strip_prefix("file://") {
        return Transport::Local(PathBuf::from(rest));
    }
    if url.contains("://") {
        return Transport::GitProgram;
    }
    // scp-like `host:path` (git's rule: a colon before any slash).
    if let Some(colon) = url.find(':')
        && !url[..colon].contains('/')
        && !Path::new(url).exists()
    {
        return Transport::GitProgram;
    }
    let path = Path::new(url);
    Transport::Local(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
}

fn open_bare(path: &Path) -> Result<Repository, StoreError> {
    let repo = Repository::open_bare(path).map_err(|e| match e.code() {
        ErrorCode::NotFound => match Repository::open(path) {
            Ok(_) => StoreError::RemoteNotBare {
                path: path.to_path_buf(),
            },
            Err(_) => StoreError::Transport {
                url: path.display().to_string(),
                op: "reach",
                stderr: "no git repository there".into(),
            },
        },
        _ => e.into(),
    })?;
    // A working repository's `.git` folder opens as bare; its own setting
    // says what it is. Pushing into it would move the branch under its files.
    let declared_bare = repo
        .config()
        .and_then(|c| c.get_bool("core.bare"))
        .unwrap_or(true);
    if !repo.is_bare() || !declared_bare {
        return Err(StoreError::RemoteNotBare {
            path: path.to_path_buf(),
        });
    }
    Ok(repo)
}

/// One line of `git push --porcelain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushStatus {
    /// `' '`, `+`, `-`, `*`, `=` or `!` (rejected).
    pub flag: char,
    /// The ref pushed to.
    pub dst: String,
    /// git's summary ("[rejected] (stale info)").
    pub summary: String,
}

/// Reads `git push --porcelain` output: `<flag>\t<src>:<dst>\t<summary>`.
pub fn parse_porcelain(out: &str) -> Vec<PushStatus> {
    out.lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, '\t');
            let flag = parts.next()?.chars().next()?;
            let refs = parts.next()?;
            let summary = parts.next().unwrap_or("").to_string();
            let dst = refs.rsplit_once(':').map_or(refs, |(_, d)| d).to_string();
            Some(PushStatus { flag, dst, summary })
        })
        .collect()
}

fn last_lines(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let start = lines.len().saturating_sub(20);
    lines[start..]
        .join("\n")
        .chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn porcelain_lines() {
        let out = "To /tmp/x\n!\trefs/heads/main:refs/heads/main\t[rejected] (stale info)\n*\t0123:refs/tags/duthao/a/v1\t[new tag]\nDone\n";
        let s = parse_porcelain(out);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].flag, '!');
        assert_eq!(s[0].dst, "refs/heads/main");
        assert!(s[0].summary.contains("stale"));
        assert_eq!(s[1].dst, "refs/tags/duthao/a/v1");
    }

    #[test]
    fn transports() {
        assert_eq!(transport_of("ssh://h/x.git"), Transport::GitProgram);
        assert_eq!(transport_of("git@h:x.git"), Transport::GitProgram);
        assert_eq!(transport_of("https://h/x"), Transport::GitProgram);
        assert_eq!(
            transport_of("file:///srv/x.git"),
            Transport::Local(PathBuf::from("/srv/x.git"))
        );
        assert!(matches!(transport_of("/srv/x.git"), Transport::Local(_)));
    }
}
