//! Meeting another site: fetching its refs into a quarantine, taking in
//! the tags and reservations it has that this site lacks (never replacing
//! one), bringing the branch up to date (fast-forward, replay or merge),
//! and pushing back with a compare-and-swap on every ref.
//!
//! Invariants, which the tests of `sync` check end to end:
//! - nothing anyone made is lost, at either end, however a sync stops:
//!   objects are written first, refs last, the branch move under a journal
//!   the next sync finishes; the commits a replay made again stay reachable
//!   at `refs/duthao/sync/local-before`;
//! - an existing ref changes only if it is the branch (moved by a
//!   compare-and-swap from the value this sync read) or one of duthao's
//!   scratch refs (`refs/duthao/{incoming,conflicts,sync}/`);
//! - a tag, reservation or site claim is never replaced or deleted, here or
//!   at the remote: one whose content differs is kept aside and reported.
//!
//! One file per step: `remote` (which remote, fetch, push), `integrate`
//! (replay or merge), `branch` (the journaled move of branch and files),
//! `site` (site claims), `history` (what a range of commits changed).

use std::collections::BTreeMap;

use git2::{ErrorCode, Oid, Repository};

use crate::{HeadState, ObjectId, Store, StoreError};

mod branch;
mod history;
mod integrate;
mod remote;
mod site;

pub use branch::Resumed;
pub use integrate::{DraftConflict, IntegrateError, Integrated, Integration};
pub use remote::{PushStatus, Pushed, RefUpdate, RemoteSpec, Transport, parse_porcelain};
pub(crate) use remote::{pack_into, write_pack};
pub use site::Site;

/// The namespaces of refs exchanged beside the branch, as (ref prefix here
/// and there, its place under a quarantine). Each is create-only.
pub(crate) const SHARED_PREFIXES: &[(&str, &str)] = &[
    ("refs/tags/duthao/", "tags/duthao/"),
    ("refs/duthao/register/", "register/"),
    ("refs/duthao/sites/", "sites/"),
];

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

    /// Refuses what sync cannot work in: a shallow clone, a half-done git
    /// operation.
    pub fn ensure_syncable(&self) -> Result<(), StoreError> {
        if self.repo.is_shallow() {
            return Err(StoreError::Shallow);
        }
        self.ensure_no_operation_in_progress()
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
    /// each side holds.
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

    /// Sets one of duthao's own refs (`refs/duthao/…` only, such as the
    /// peers a bundle came from), replacing what it held.
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

    /// The commit a tag or other ref finally names (tags peeled).
    pub fn peeled_commit(&self, target: ObjectId) -> Option<ObjectId> {
        let obj = self.repo.find_object(target.0, None).ok()?;
        obj.peel_to_commit().ok().map(|c| ObjectId(c.id()))
    }

    /// The newest commit two commits have in common.
    pub fn merge_base(&self, a: ObjectId, b: ObjectId) -> Option<ObjectId> {
        self.repo.merge_base(a.0, b.0).ok().map(ObjectId)
    }

    /// Whether `ancestor` is `commit` or one of its ancestors.
    pub fn is_ancestor(&self, ancestor: ObjectId, commit: ObjectId) -> Result<bool, StoreError> {
        Ok(ancestor == commit || self.repo.graph_descendant_of(commit.0, ancestor.0)?)
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
        Ok(Some(self.read_signed_tag(&odb, name, oid.0)?))
    }

    /// The workspace's prefix inside its repository (`""` or `sub/dir/`).
    pub fn repo_prefix(&self) -> &str {
        &self.prefix
    }
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

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(bytes))
}
