//! The git-backed store: revisions are commits touching `drafts/<slug>.md`,
//! versions are annotated tags `duthao/<slug>/v<N>` ("Dự thảo lần N").
//!
//! Everything goes through libgit2 (no git CLI at run time) and is written in
//! git's own formats, so plain `git log`, `git tag -l`, `git fsck` and
//! `git tag -v` read it.
//!
//! Concurrency: `create_version` never retries. Two submits of one draft at
//! the same moment race for the ref `refs/tags/duthao/<slug>/v<N+1>`, created
//! with `force = false` under libgit2's lock file; the loser writes no ref and
//! gets [`StoreError::ConcurrentSubmit`]. Retrying silently would freeze the
//! loser's text as N+2 without them having seen version N+1.
#![warn(missing_docs)]

mod bundle;
mod error;
mod id;
mod sign;
mod sync;
mod tag;

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsStr;
use std::fmt;
use std::fs;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};
use std::str::FromStr;

use git2::{
    ErrorCode, Index, ObjectType, Oid, Reference, Repository, RepositoryInitOptions,
    RepositoryOpenFlags, RepositoryState, Signature,
};

pub use bundle::{BUNDLE_REMOTE, BUNDLE_SENDER, BundleHeader, BundleWritten, parse_bundle_header};
pub use error::{GitFailure, StoreError};
pub use id::{BadObjectId, ObjectId};
pub use sign::{
    AllowedSigner, GIT_NAMESPACE, KeyFile, KeySource, SIGNING_KEY_ENV, SignError, SigningBackend,
    SshKeygen, backend_for, fingerprint, key_tag_id, parse_allowed_signers, parse_public_key,
    signing_key, verify_signature,
};
/// The `ssh-key` crate's public key type, which signing and verification use.
pub use ssh_key::PublicKey as SshPublicKey;
pub use sync::{
    Accepted, DraftConflict, IntegrateError, Integrated, Integration, KeptAside, PushStatus,
    Pushed, RefUpdate, RemoteSpec, Resumed, Site, Snapshot, Transport, on_pause_point,
    parse_porcelain, pause_point,
};
pub use tag::{ObjectKind, When, format_offset, split_signature, tag_payload};

/// Who commits, submits or signs: git's `user.name` / `user.email`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Identity {
    /// The person's name as git signatures show it ("Nguyễn Văn A").
    pub name: String,
    /// Their email, written between `<` and `>` in signatures.
    pub email: String,
}

impl Identity {
    /// Refuses what would corrupt a git signature line (`Name <email> time tz`).
    pub fn validate(&self) -> Result<(), StoreError> {
        for (value, what) in [(&self.name, "name"), (&self.email, "email")] {
            if value.trim().is_empty() {
                return Err(StoreError::BadIdentity {
                    value: value.clone(),
                    reason: if what == "name" {
                        "the name is empty"
                    } else {
                        "the email is empty"
                    },
                });
            }
            if value.contains(['<', '>', '\n', '\r', '\0']) {
                return Err(StoreError::BadIdentity {
                    value: value.clone(),
                    reason: "it contains '<', '>' or a line break",
                });
            }
        }
        Ok(())
    }

    /// The identity before any repository exists (e.g. for `init`): the
    /// environment, then git's global and system configuration.
    pub fn from_default_config() -> Result<Identity, StoreError> {
        let from_env = |key: &str| std::env::var(key).ok();
        let config = git2::Config::open_default()
            .ok()
            .map(with_git_config_global);
        resolve_identity(
            from_env("DUTHAO_AUTHOR_NAME"),
            from_env("DUTHAO_AUTHOR_EMAIL"),
            |key| config.as_ref().and_then(|c| c.get_string(key).ok()),
        )
    }

    fn from_signature(sig: &Signature<'_>) -> Identity {
        Identity {
            name: String::from_utf8_lossy(sig.name_bytes()).into_owned(),
            email: String::from_utf8_lossy(sig.email_bytes()).into_owned(),
        }
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} <{}>", self.name, self.email)
    }
}

/// Where HEAD stands. duthao commits only on a branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadState {
    /// On a branch that has commits.
    Branch(String),
    /// On a branch with no commit yet (a fresh repository).
    Unborn(String),
    /// At a commit, on no branch.
    Detached(ObjectId),
}

/// A commit that touched a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// The commit that changed the draft.
    pub commit: ObjectId,
    /// Who wrote the change (the commit's author, not its committer).
    pub author: Identity,
    /// Unix seconds of the author date.
    pub time: i64,
    /// The author date's offset from UTC, in minutes.
    pub offset_minutes: i32,
    /// The first line of the commit message.
    pub summary: String,
}

/// A numbered version ("Dự thảo lần N"): the tag `duthao/<slug>/v<N>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// The draft's name: its file is `drafts/<slug>.md`.
    pub slug: String,
    /// The version's number N, from 1.
    pub n: u32,
    /// Tag name without `refs/tags/`: `duthao/<slug>/v<N>`.
    pub tag: String,
    /// The tag object; `None` for a lightweight tag someone made by hand.
    pub tag_oid: Option<ObjectId>,
    /// The commit the version freezes.
    pub commit: ObjectId,
    /// The submitter (for a lightweight tag: the commit's committer).
    pub tagger: Identity,
    /// Unix seconds of the submission (the tag's date; for a lightweight tag, the commit's).
    pub time: i64,
    /// The submission date's offset from UTC, in minutes.
    pub offset_minutes: i32,
    /// The tag message without any signature block: "Dự thảo lần N" then,
    /// after a blank line, the submitter's message, then duthao's trailers.
    pub message: String,
    /// Whether the tag carries a signature block (`git tag -s`); whether it
    /// verifies is not checked here.
    pub signed: bool,
    /// The draft's blob in the version's commit, as the tag records it
    /// (`Duthao-Text-Blob:`); `None` for a tag that does not say.
    pub text_blob: Option<ObjectId>,
    /// The `duthao.toml` in force when it was submitted, as the tag records
    /// it (`Duthao-Config-Blob:`); `None` for a tag that does not say.
    pub config_blob: Option<ObjectId>,
    /// The site that submitted it (`Duthao-Site:`), when the tag says.
    pub site: Option<String>,
}

/// Trailers duthao writes at the end of a version tag's message: what the
/// version is, readable without looking into its commit.
pub const TRAILER_DRAFT: &str = "Duthao-Draft";
/// The trailer with the draft's blob in the version's commit: the exact text frozen.
pub const TRAILER_TEXT_BLOB: &str = "Duthao-Text-Blob";
/// The trailer with the blob of the workspace's `duthao.toml` at HEAD when
/// the version was submitted: the roster of approvers that applies to it.
pub const TRAILER_CONFIG_BLOB: &str = "Duthao-Config-Blob";
/// The trailer of a version tag naming the site that submitted it.
pub const TRAILER_SITE: &str = "Duthao-Site";
/// The trailer with the hex SHA-256 of the draft's bytes, for checking a file against the version.
pub const TRAILER_TEXT_SHA256: &str = "Duthao-Text-SHA256";

/// The trailer block at the end of a message (`Key: value` lines after a
/// blank line, every key starting `Duthao-`), and the message before it.
pub fn split_trailers(message: &str) -> (&str, Vec<(&str, &str)>) {
    let trimmed = message.trim_end();
    let Some(cut) = trimmed.rfind("\n\n") else {
        return (trimmed, Vec::new());
    };
    let block = &trimmed[cut + 2..];
    let pairs: Option<Vec<(&str, &str)>> = block
        .lines()
        .map(|l| {
            l.split_once(": ")
                .filter(|(k, _)| k.starts_with("Duthao-") && !k.contains(' '))
        })
        .collect();
    match pairs {
        Some(p) if !p.is_empty() => (trimmed[..cut].trim_end(), p),
        _ => (trimmed, Vec::new()),
    }
}

impl Version {
    /// The submitter's own words, without the "Dự thảo lần N" heading and
    /// duthao's trailers.
    pub fn user_message(&self) -> &str {
        let heading = version_heading(self.n);
        let (text, _) = split_trailers(&self.message);
        text.strip_prefix(heading.as_str()).unwrap_or(text).trim()
    }
}

/// `config` with `GIT_CONFIG_GLOBAL` (when set and not empty) in place of
/// the global file, as the git CLI reads it.
fn with_git_config_global(mut config: git2::Config) -> git2::Config {
    if let Some(path) = std::env::var_os("GIT_CONFIG_GLOBAL").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        if path.is_file() {
            let _ = config.add_file(&path, git2::ConfigLevel::Global, true);
        }
    }
    config
}

/// The largest tag object [`Store::signed_tags`] reads: a message with its
/// trailers and an RSA signature is a few kilobytes.
pub const MAX_TAG_BYTES: usize = 256 * 1024;

/// An annotated tag as it is stored, its signature not yet checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTag {
    /// The name without `refs/tags/`.
    pub name: String,
    /// The object the ref points at (the tag object).
    pub object: ObjectId,
    /// What the tag object points at.
    pub target: Option<ObjectId>,
    /// The tagger line's identity.
    pub tagger: Option<Identity>,
    /// The tagger line's Unix seconds.
    pub time: i64,
    /// The tagger line's offset from UTC, in minutes.
    pub offset_minutes: i32,
    /// The message without the signature block.
    pub message: String,
    /// The bytes the signature covers.
    pub payload: Vec<u8>,
    /// The armored signature block, when there is one.
    pub signature: Option<String>,
    /// Why the tag could not be read as a signed tag object.
    pub problem: Option<String>,
}

/// A point in a draft's history as users name it on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rev {
    /// The file on disk.
    Working,
    /// Version N of the draft.
    Version(u32),
    /// Any git revision (`HEAD~2`, a hash, a branch, a tag).
    Git(String),
}

impl FromStr for Rev {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Rev, StoreError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(StoreError::UnknownRevision { rev: s.to_string() });
        }
        if s == "working" {
            return Ok(Rev::Working);
        }
        if let Some(n) = s.strip_prefix(['v', 'V']).and_then(parse_version_number) {
            return Ok(Rev::Version(n));
        }
        // A bare number is a version too ("diff x 1 2"): git needs at least
        // four hex digits for an abbreviated commit, so nothing is shadowed.
        if s.len() < 4
            && let Some(n) = parse_version_number(s)
        {
            return Ok(Rev::Version(n));
        }
        Ok(Rev::Git(s.to_string()))
    }
}

impl fmt::Display for Rev {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rev::Working => f.write_str("working"),
            Rev::Version(n) => write!(f, "v{n}"),
            Rev::Git(s) => f.write_str(s),
        }
    }
}

/// `1`, `12`; not `0`, `01`, `+1` or an empty string.
fn parse_version_number(digits: &str) -> Option<u32> {
    if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// `duthao/<slug>/v<N>`.
pub fn version_tag_name(slug: &str, n: u32) -> String {
    format!("duthao/{slug}/v{n}")
}

fn version_heading(n: u32) -> String {
    format!("Dự thảo lần {n}")
}

/// `refs/tags/duthao/<slug>/v<N>` → (slug, N). Other tags under `duthao/`
/// (deeper names, e.g. approvals) are not versions.
fn parse_version_ref(name: &str) -> Option<(&str, u32)> {
    let rest = name.strip_prefix("refs/tags/duthao/")?;
    let (slug, last) = rest.split_once('/')?;
    if slug.is_empty() || last.contains('/') {
        return None;
    }
    Some((slug, parse_version_number(last.strip_prefix('v')?)?))
}

/// The largest file [`Store::read_in_commit`] reads unless told otherwise.
pub const DEFAULT_READ_LIMIT: u64 = 64 * 1024 * 1024;

/// A workspace's git repository, opened: drafts' history, versions as tags,
/// commits of chosen paths. Paths given and returned are workspace-relative;
/// the workspace may be a folder inside the repository, and its prefix is added
/// and removed here.
pub struct Store {
    repo: Repository,
    /// Larger files are refused before they are read (see [`Store::set_read_limit`]).
    read_limit: u64,
    /// Why the index could not follow the last commit, if it could not (see
    /// [`Store::take_index_note`]).
    index_note: std::sync::Mutex<Option<StoreError>>,
    /// What the last fetch left at the remote (see `Store::take_fetch_notes`).
    fetch_notes: std::sync::Mutex<Vec<(String, String)>>,
    /// The workspace root as given, made absolute.
    root: PathBuf,
    /// The workspace root relative to the repository's working directory,
    /// with a trailing `/` (empty when they are the same folder).
    prefix: String,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("root", &self.root)
            .field("prefix", &self.prefix)
            .finish()
    }
}

impl Store {
    /// `git init` with branch `main`; makes no commit.
    pub fn init(dir: &Path) -> Result<Store, StoreError> {
        fs::create_dir_all(dir).map_err(|source| StoreError::CreateFolder {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut opts = RepositoryInitOptions::new();
        opts.initial_head("main").mkdir(true);
        Repository::init_opts(dir, &opts)?;
        Store::open(dir)
    }

    /// Opens the repository holding `workspace_root` (the root itself or a
    /// folder above it, as git does).
    pub fn open(workspace_root: &Path) -> Result<Store, StoreError> {
        // libgit2 re-hashes every object it reads (SHA-1DC), which made a
        // path's history over 10,000 commits 8× slower than `git log`; the
        // git CLI does not do it either (`git fsck` does). Process-wide.
        static READ_WITHOUT_REHASH: std::sync::Once = std::sync::Once::new();
        READ_WITHOUT_REHASH.call_once(|| git2::opts::strict_hash_verification(false));
        let root = fs::canonicalize(workspace_root).map_err(|source| StoreError::Io {
            path: workspace_root.to_path_buf(),
            source,
        })?;
        let repo = match Repository::open_ext(
            &root,
            RepositoryOpenFlags::empty(),
            std::iter::empty::<&OsStr>(),
        ) {
            Ok(repo) => repo,
            Err(e) if e.code() == ErrorCode::NotFound => {
                return Err(StoreError::NotARepo { path: root });
            }
            // As git does, a repository another user owns is not opened
            // (its configuration could make git run that user's commands).
            Err(e) if e.code() == ErrorCode::Owner => {
                return Err(StoreError::NotOwned { path: root });
            }
            Err(e) => return Err(e.into()),
        };
        let Some(workdir) = repo.workdir() else {
            return Err(StoreError::BareRepo { path: root });
        };
        let workdir = fs::canonicalize(workdir).map_err(|source| StoreError::Io {
            path: workdir.to_path_buf(),
            source,
        })?;
        let Ok(inside) = root.strip_prefix(&workdir) else {
            // The root is inside the .git folder or similar: not a worktree.
            return Err(StoreError::NotARepo { path: root });
        };
        let mut prefix = String::new();
        for comp in inside.components() {
            prefix.push_str(&comp.as_os_str().to_string_lossy());
            prefix.push('/');
        }
        Ok(Store {
            repo,
            root,
            prefix,
            read_limit: DEFAULT_READ_LIMIT,
            index_note: std::sync::Mutex::new(None),
            fetch_notes: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// The workspace folder, links resolved.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// After [`Store::commit_paths`]: why git's index does not show the
    /// commit yet, when another program held it (the commit is made).
    pub fn take_index_note(&self) -> Option<StoreError> {
        self.index_note
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    /// Files larger than `bytes` are refused by the reading calls, by their
    /// size in the object database, before any is read.
    pub fn set_read_limit(&mut self, bytes: u64) {
        self.read_limit = bytes;
    }

    /// Git's own folder (`.git`, or wherever a `.git` file points).
    pub fn git_dir(&self) -> &Path {
        self.repo.path()
    }

    /// The commit HEAD points at; `None` on a branch with no commit yet.
    pub fn head_commit(&self) -> Result<Option<ObjectId>, StoreError> {
        match self.repo.head() {
            Ok(h) => Ok(Some(ObjectId(h.peel_to_commit()?.id()))),
            Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// A commit as a [`Revision`]: its author, date and summary.
    pub fn revision(&self, commit: ObjectId) -> Result<Revision, StoreError> {
        let c = self.repo.find_commit(commit.0)?;
        let author = c.author();
        Ok(Revision {
            commit,
            author: Identity::from_signature(&author),
            time: author.when().seconds(),
            offset_minutes: author.when().offset_minutes(),
            summary: String::from_utf8_lossy(c.summary_bytes().unwrap_or_default()).into_owned(),
        })
    }

    /// The files under the workspace folder `dir` (workspace-relative, as
    /// `drafts/x.md`) that differ from HEAD: changed on disk or in the
    /// index, added, deleted or untracked; not the ignored ones. One pass
    /// over the repository's status, limited to that folder.
    pub fn changed_files(&self, dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
        let git_dir = self.repo_path(dir)?;
        let mut opts = git2::StatusOptions::new();
        opts.include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false)
            .disable_pathspec_match(true)
            .pathspec(format!("{git_dir}/"));
        let statuses = self.repo.statuses(Some(&mut opts))?;
        Ok(statuses
            .iter()
            .filter(|e| !e.status().is_ignored())
            .filter_map(|e| {
                let p = e.path().ok()?;
                Some(PathBuf::from(p.strip_prefix(self.prefix.as_str())?))
            })
            .collect())
    }

    /// The repository's configuration as the git CLI reads it: libgit2
    /// does not know `GIT_CONFIG_GLOBAL`, which git honours, so a user (or a
    /// test) who points it elsewhere would see git and duthao disagree on
    /// who they are and which key signs.
    fn config(&self) -> Result<git2::Config, StoreError> {
        Ok(with_git_config_global(self.repo.config()?))
    }

    /// DUTHAO_AUTHOR_NAME / DUTHAO_AUTHOR_EMAIL if set, else git's
    /// `user.name` / `user.email` (repository, then global and system).
    pub fn identity(&self) -> Result<Identity, StoreError> {
        let from_env = |key: &str| std::env::var(key).ok();
        let config = self.config()?;
        resolve_identity(
            from_env("DUTHAO_AUTHOR_NAME"),
            from_env("DUTHAO_AUTHOR_EMAIL"),
            |key| config.get_string(key).ok(),
        )
    }

    /// Where HEAD stands: on a branch, on a branch with no commit yet, or detached.
    pub fn head_state(&self) -> Result<HeadState, StoreError> {
        let head = self.repo.find_reference("HEAD")?;
        match head.symbolic_target()? {
            Some(target) => {
                let branch = target.strip_prefix("refs/heads/").unwrap_or(target);
                match self.repo.find_reference(target) {
                    Ok(_) => Ok(HeadState::Branch(branch.to_string())),
                    Err(e) if e.code() == ErrorCode::NotFound => {
                        Ok(HeadState::Unborn(branch.to_string()))
                    }
                    Err(e) => Err(e.into()),
                }
            }
            None => {
                let oid = head.resolve()?.target().ok_or_else(|| {
                    git2::Error::from_str("HEAD points at neither a branch nor a commit")
                })?;
                Ok(HeadState::Detached(ObjectId(oid)))
            }
        }
    }

    /// Commits exactly `paths` (workspace-relative; added, modified or
    /// deleted) on the current branch, like `git commit -- <paths>`: the new
    /// tree is HEAD's tree with these paths taken from disk, so whatever else
    /// the user has staged or changed stays staged or changed, uncommitted.
    ///
    /// When another commit lands on the branch meanwhile, the commit is
    /// rebuilt on top of it (unlike a version, a commit of other paths does
    /// not change what the user meant); [`StoreError::ConcurrentCommit`] only
    /// when the branch keeps moving.
    pub fn commit_paths(
        &self,
        paths: &[&Path],
        message: &str,
        who: &Identity,
    ) -> Result<ObjectId, StoreError> {
        const ATTEMPTS: u64 = 20;
        let mut attempt = 1;
        loop {
            match self.commit_paths_once(paths, message, who) {
                Err(StoreError::ConcurrentCommit { .. }) if attempt < ATTEMPTS => {
                    std::thread::sleep(std::time::Duration::from_millis(5 * attempt));
                    attempt += 1;
                }
                outcome => return outcome,
            }
        }
    }

    /// A lock file git left behind when a command stopped halfway, or one
    /// another command has held for longer than any write takes: `Some`
    /// with its path.
    fn stale_lock(&self, lock: &Path) -> Option<PathBuf> {
        const ACTIVE: std::time::Duration = std::time::Duration::from_secs(2);
        let meta = fs::metadata(lock).ok()?;
        let age = meta.modified().ok()?.elapsed().unwrap_or_default();
        (age >= ACTIVE).then(|| lock.to_path_buf())
    }

    /// Refuses to start a commit while git's index is locked by a lock file
    /// older than any write takes (a stale `index.lock`): the commit would
    /// land but the index could not follow it.
    fn ensure_index_unlocked(&self) -> Result<(), StoreError> {
        let lock = self.repo.path().join("index.lock");
        for _ in 0..40 {
            if !lock.exists() {
                return Ok(());
            }
            if let Some(lock) = self.stale_lock(&lock) {
                return Err(StoreError::Locked {
                    what: "git's index".into(),
                    lock,
                });
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Err(StoreError::Locked {
            what: "git's index".into(),
            lock,
        })
    }

    /// A sync moving the branch holds a journal for a moment; a commit
    /// waits for it (it would otherwise build on files not yet updated),
    /// and refuses when a killed sync left it behind.
    fn wait_for_sync(&self) -> Result<(), StoreError> {
        for _ in 0..40 {
            if !self.sync_pending() {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Err(StoreError::SyncInterrupted)
    }

    /// The lock file of a ref, when one is left behind.
    fn stale_ref_lock(&self, refname: &str) -> Option<PathBuf> {
        self.stale_lock(&self.repo.path().join(format!("{refname}.lock")))
    }

    fn commit_paths_once(
        &self,
        paths: &[&Path],
        message: &str,
        who: &Identity,
    ) -> Result<ObjectId, StoreError> {
        who.validate()?;
        self.ensure_no_operation_in_progress()?;
        self.ensure_index_unlocked()?;
        self.wait_for_sync()?;
        let (branch_ref, parent) = match self.head_state()? {
            HeadState::Branch(name) => {
                let head = self.repo.head()?.peel_to_commit()?;
                (format!("refs/heads/{name}"), Some(head))
            }
            HeadState::Unborn(name) => (format!("refs/heads/{name}"), None),
            HeadState::Detached(oid) => {
                return Err(StoreError::Detached { short: oid.short() });
            }
        };
        let message = git2::message_prettify(message, None)?;
        if message.trim().is_empty() {
            return Err(StoreError::EmptyMessage);
        }
        let git_paths = paths
            .iter()
            .map(|p| self.repo_path(p))
            .collect::<Result<Vec<_>, _>>()?;

        let mut user_index = self.repo.index()?;
        // Another process (git add) may have rewritten the index since we loaded it.
        user_index.read(false)?;
        let mut tree_index = Index::new()?;
        if let Some(parent) = &parent {
            tree_index.read_tree(&parent.tree()?)?;
        }
        let staged = self.stage_paths(&git_paths, &mut user_index, &mut tree_index);
        let outcome = staged.and_then(|()| {
            let tree_id = tree_index.write_tree_to(&self.repo)?;
            let unchanged = match &parent {
                Some(p) => p.tree_id() == tree_id,
                None => self.repo.find_tree(tree_id)?.is_empty(),
            };
            if unchanged {
                return Err(StoreError::NothingToCommit {
                    paths: paths.iter().map(|p| p.to_path_buf()).collect(),
                });
            }
            let tree = self.repo.find_tree(tree_id)?;
            let sig = Signature::now(&who.name, &who.email)?;
            let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
            self.repo
                .commit(Some(&branch_ref), &sig, &sig, &message, &tree, &parents)
                .map_err(|e| match e.code() {
                    // libgit2 compares the branch tip with our parent under
                    // the ref's lock.
                    ErrorCode::Locked if self.stale_ref_lock(&branch_ref).is_some() => {
                        StoreError::Locked {
                            what: format!(
                                "the branch {}",
                                branch_ref.trim_start_matches("refs/heads/")
                            ),
                            lock: self.repo.path().join(format!("{branch_ref}.lock")),
                        }
                    }
                    ErrorCode::Modified | ErrorCode::Locked => StoreError::ConcurrentCommit {
                        branch: branch_ref.trim_start_matches("refs/heads/").to_string(),
                    },
                    _ => StoreError::from(e),
                })
        });
        match outcome {
            Ok(oid) => {
                // Only now do the committed paths become clean in the user's
                // index. The commit is made whatever happens here: a failure
                // is reported beside it, never as the commit failing.
                if self.record_in_index(&git_paths, &tree_index).is_err() {
                    *self.index_note.lock().unwrap_or_else(|p| p.into_inner()) =
                        Some(StoreError::IndexNotUpdated {
                            commit: short_id(oid),
                            paths: git_paths.clone(),
                        });
                }
                Ok(ObjectId(oid))
            }
            Err(e) => {
                // Drop our in-memory staging: the user's index stays as it was.
                user_index.read(true)?;
                Err(e)
            }
        }
    }

    /// Puts the committed entries of `git_paths` into the user's index,
    /// re-read from disk first so that a concurrent `git add` is not
    /// undone; retries briefly while another process holds `index.lock`.
    /// Two duthao commands never interleave here: each holds the lock of
    /// [`INDEX_WRITER_REF`] (a lock file libgit2 makes and removes) from
    /// reading the index to writing it, else one would write an index read
    /// before the other's write and drop the other's entry. A lock left by
    /// a killed process is reported once it is older than any write takes.
    fn record_in_index(&self, git_paths: &[String], committed: &Index) -> Result<(), StoreError> {
        let _writer = self.lock_index_writer()?;
        let mut index = self.repo.index()?;
        for attempt in 1..=40 {
            index.read(true)?;
            for git_path in git_paths {
                let rel = Path::new(git_path);
                match committed.get_path(rel, 0) {
                    Some(entry) => index.add(&entry)?,
                    None => index.remove_path(rel)?,
                }
            }
            match index.write() {
                Ok(()) => return Ok(()),
                Err(e) if e.code() == ErrorCode::Locked && attempt < 40 => {
                    std::thread::sleep(std::time::Duration::from_millis(25));
                }
                Err(e) => {
                    index.read(true)?;
                    return Err(e.into());
                }
            }
        }
        // `writer` is dropped without committing: the ref is unlocked and
        // never written.
        Ok(())
    }

    fn stage_paths(
        &self,
        git_paths: &[String],
        user_index: &mut Index,
        tree_index: &mut Index,
    ) -> Result<(), StoreError> {
        let workdir = self.workdir();
        for git_path in git_paths {
            let rel = Path::new(git_path);
            let abs = workdir.join(git_path);
            match fs::symlink_metadata(&abs) {
                Ok(_) => {
                    // add_path applies the repository's filters (autocrlf, …)
                    // and records stat data, exactly as `git add` would.
                    user_index.add_path(rel)?;
                    let entry = user_index.get_path(rel, 0).ok_or_else(|| {
                        git2::Error::from_str(&format!("{git_path} vanished from the index"))
                    })?;
                    tree_index.add(&entry)?;
                }
                Err(e) if e.kind() == ErrorKind::NotFound => {
                    user_index.remove_path(rel)?;
                    tree_index.remove_path(rel)?;
                }
                Err(source) => return Err(StoreError::Io { path: abs, source }),
            }
        }
        Ok(())
    }

    /// The git operation left half done in this repository, if any: its
    /// name and the git command that continues or aborts it.
    pub fn operation_in_progress(&self) -> Option<(&'static str, &'static str)> {
        Some(match self.repo.state() {
            RepositoryState::Clean => return None,
            RepositoryState::Merge => ("merge", "merge"),
            RepositoryState::Revert | RepositoryState::RevertSequence => ("revert", "revert"),
            RepositoryState::CherryPick | RepositoryState::CherryPickSequence => {
                ("cherry-pick", "cherry-pick")
            }
            RepositoryState::Bisect => ("bisect", "bisect"),
            _ => ("rebase", "rebase"),
        })
    }

    /// Refuses to write while a git operation is half done.
    pub fn ensure_no_operation_in_progress(&self) -> Result<(), StoreError> {
        let Some((state, op)) = self.operation_in_progress() else {
            return Ok(());
        };
        Err(StoreError::OperationInProgress {
            state: state.to_string(),
            op,
        })
    }

    /// Does the file differ from HEAD, in the index or on disk, or is it
    /// untracked? (A staged but uncommitted change counts: it is not in
    /// any commit a version could freeze.)
    pub fn is_dirty(&self, path: &Path) -> Result<bool, StoreError> {
        let git_path = self.repo_path(path)?;
        match self.repo.status_file(Path::new(&git_path)) {
            Ok(status) => Ok(!status.is_empty()),
            // Neither on disk, nor in the index, nor in HEAD.
            Err(e) if e.code() == ErrorCode::NotFound => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// The file's bytes at `rev` of draft `slug` (`Working`: on disk); `None`
    /// when the file does not exist there.
    pub fn read_at(
        &self,
        rev: &Rev,
        slug: &str,
        path: &Path,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        if *rev == Rev::Working {
            let abs = self.workdir().join(self.repo_path(path)?);
            return match fs::read(&abs) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
                Err(source) => Err(StoreError::Io { path: abs, source }),
            };
        }
        let commit = self.resolve_commit(rev, slug)?;
        self.read_in_commit(commit, path)
    }

    /// The blob of a file (workspace-relative `path`) in a commit, without
    /// reading the file: `None` when the commit has no such file.
    pub fn blob_at(&self, commit: ObjectId, path: &Path) -> Result<Option<ObjectId>, StoreError> {
        let git_path = self.repo_path(path)?;
        let components: Vec<&str> = git_path.split('/').collect();
        let tree = self.repo.find_commit(commit.0)?.tree_id();
        Ok(self
            .path_chain(tree, &components, None)?
            .last()
            .copied()
            .flatten()
            .map(ObjectId))
    }

    /// The blobs of the files directly in a folder (workspace-relative) at
    /// HEAD, by file name: one read of the folder's tree, however many files
    /// it holds. Empty when there is no HEAD or no such folder.
    pub fn head_blobs(&self, dir: &Path) -> Result<HashMap<String, ObjectId>, StoreError> {
        let head = match self.repo.head() {
            Ok(h) => h.peel_to_commit()?,
            Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => {
                return Ok(HashMap::new());
            }
            Err(e) => return Err(e.into()),
        };
        let git_path = self.repo_path(dir)?;
        let components: Vec<&str> = git_path.split('/').collect();
        let odb = self.repo.odb()?;
        let mut tree = Some(head.tree_id());
        for name in &components {
            let Some(t) = tree else { break };
            let raw = odb.read(t)?;
            tree = find_tree_entry(raw.data(), name.as_bytes())
                .filter(|(mode, _)| *mode == b"40000")
                .map(|(_, id)| id);
        }
        let Some(tree) = tree else {
            return Ok(HashMap::new());
        };
        let raw = odb.read(tree)?;
        Ok(tree_blobs(raw.data())
            .into_iter()
            .map(|(name, id)| (name, ObjectId(id)))
            .collect())
    }

    /// The file's bytes in a commit; `None` when absent there.
    pub fn read_in_commit(
        &self,
        commit: ObjectId,
        path: &Path,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let commit = commit.0;
        let git_path = self.repo_path(path)?;
        let tree = self.repo.find_commit(commit)?.tree()?;
        let entry = match tree.get_path(Path::new(&git_path)) {
            Ok(entry) => entry,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        if entry.kind() != Some(ObjectType::Blob) {
            return Ok(None);
        }
        if entry.filemode() == 0o120000 {
            return Err(StoreError::LinkInHistory {
                path: git_path,
                commit: short_id(commit),
            });
        }
        let (size, _) = self.repo.odb()?.read_header(entry.id())?;
        if size as u64 > self.read_limit {
            return Err(StoreError::TooLarge {
                path: git_path,
                commit: short_id(commit),
                size: size as u64,
                limit: self.read_limit,
            });
        }
        Ok(Some(self.repo.find_blob(entry.id())?.content().to_vec()))
    }

    /// The commit `rev` names: `vN` → the commit version N of `slug`
    /// freezes; anything else → git's own revision syntax.
    pub fn resolve_commit(&self, rev: &Rev, slug: &str) -> Result<ObjectId, StoreError> {
        match rev {
            Rev::Working => Err(StoreError::NotACommit {
                rev: "working".into(),
            }),
            Rev::Version(n) => {
                let refname = format!("refs/tags/{}", version_tag_name(slug, *n));
                match self.repo.find_reference(&refname) {
                    Ok(r) => Ok(ObjectId(r.peel_to_commit()?.id())),
                    Err(e) if matches!(e.code(), ErrorCode::NotFound | ErrorCode::InvalidSpec) => {
                        Err(StoreError::UnknownVersion {
                            slug: slug.to_string(),
                            n: *n,
                            existing: self.versions(slug)?.iter().map(|v| v.n).collect(),
                        })
                    }
                    Err(e) => Err(e.into()),
                }
            }
            Rev::Git(spec) => {
                let unknown = || StoreError::UnknownRevision { rev: spec.clone() };
                let object = self
                    .repo
                    .revparse_single(spec)
                    .map_err(|e| match e.code() {
                        ErrorCode::NotFound | ErrorCode::InvalidSpec | ErrorCode::Ambiguous => {
                            unknown()
                        }
                        _ => StoreError::from(e),
                    })?;
                let commit = object.peel_to_commit().map_err(|_| unknown())?;
                Ok(ObjectId(commit.id()))
            }
        }
    }

    /// Commits on the first-parent line from HEAD in which `path` differs
    /// from the parent (or appears in a root commit), newest first.
    pub fn revisions(&self, path: &Path) -> Result<Vec<Revision>, StoreError> {
        let git_path = self.repo_path(path)?;
        let components: Vec<&str> = git_path.split('/').collect();
        let head = match self.repo.head() {
            Ok(head) => head.peel_to_commit()?,
            Err(e) if e.code() == ErrorCode::UnbornBranch || e.code() == ErrorCode::NotFound => {
                return Ok(Vec::new());
            }
            Err(e) => return Err(e.into()),
        };
        let mut found = Vec::new();
        let mut commit = head;
        let mut chain = self.path_chain(commit.tree_id(), &components, None)?;
        loop {
            let parent = match commit.parent_ids().next() {
                Some(id) => match self.repo.find_commit(id) {
                    Ok(parent) => Some(parent),
                    // A shallow clone's boundary: history stops here.
                    Err(e) if e.code() == ErrorCode::NotFound => None,
                    Err(e) => return Err(e.into()),
                },
                None => None,
            };
            let parent_chain = match &parent {
                Some(p) => Some(self.path_chain(p.tree_id(), &components, Some(&chain))?),
                None => None,
            };
            let before = parent_chain.as_ref().and_then(|c| *c.last()?);
            let now = *chain.last().unwrap_or(&None);
            if now != before {
                let author = commit.author();
                found.push(Revision {
                    commit: ObjectId(commit.id()),
                    author: Identity::from_signature(&author),
                    time: author.when().seconds(),
                    offset_minutes: author.when().offset_minutes(),
                    summary: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default())
                        .into_owned(),
                });
            }
            match (parent, parent_chain) {
                (Some(p), Some(c)) => {
                    commit = p;
                    chain = c;
                }
                _ => break,
            }
        }
        Ok(found)
    }

    /// Object ids along `components` from the root tree: `[root, dir, …,
    /// file]`, `None` from the first missing level. Where a level's id equals
    /// the one in `known` the subtree is the same, so the rest is copied
    /// instead of loading trees: most commits change few folders.
    fn path_chain(
        &self,
        root_tree: Oid,
        components: &[&str],
        known: Option<&[Option<Oid>]>,
    ) -> Result<Vec<Option<Oid>>, StoreError> {
        let odb = self.repo.odb()?;
        let mut chain = Vec::with_capacity(components.len() + 1);
        chain.push(Some(root_tree));
        for (level, name) in components.iter().enumerate() {
            if let Some(known) = known
                && known.get(level) == Some(&chain[level])
            {
                chain.extend_from_slice(&known[level + 1..]);
                return Ok(chain);
            }
            let Some(tree_id) = chain[level] else {
                chain.push(None);
                continue;
            };
            let is_last = level + 1 == components.len();
            let raw = odb.read(tree_id)?;
            let next = find_tree_entry(raw.data(), name.as_bytes()).and_then(|(mode, id)| {
                let is_tree = mode == b"40000";
                // A file is any blob mode (100644, 100755, 120000); a
                // submodule (160000) is not a file we can read.
                let is_blob = mode.starts_with(b"10") || mode == b"120000";
                let wanted = if is_last { is_blob } else { is_tree };
                wanted.then_some(id)
            });
            chain.push(next);
        }
        Ok(chain)
    }

    /// Versions of one draft, ascending N.
    pub fn versions(&self, slug: &str) -> Result<Vec<Version>, StoreError> {
        let glob = if slug.contains(['*', '?', '[', '\\']) {
            "refs/tags/duthao/*".to_string()
        } else {
            format!("refs/tags/duthao/{slug}/v*")
        };
        let mut found = Vec::new();
        for reference in self.repo.references_glob(&glob)? {
            let reference = reference?;
            let Ok(name) = reference.name() else {
                continue;
            };
            if let Some((s, n)) = parse_version_ref(name)
                && s == slug
                && let Some(version) = self.version_from_ref(&reference, s, n)?
            {
                found.push(version);
            }
        }
        found.sort_by_key(|v| v.n);
        Ok(found)
    }

    /// Versions of every draft, in one pass over `refs/tags/duthao/`.
    pub fn all_versions(&self) -> Result<BTreeMap<String, Vec<Version>>, StoreError> {
        let mut all: BTreeMap<String, Vec<Version>> = BTreeMap::new();
        for reference in self.repo.references_glob("refs/tags/duthao/*")? {
            let reference = reference?;
            let Ok(name) = reference.name() else {
                continue;
            };
            if let Some((slug, n)) = parse_version_ref(name)
                && let Some(version) = self.version_from_ref(&reference, slug, n)?
            {
                all.entry(slug.to_string()).or_default().push(version);
            }
        }
        for versions in all.values_mut() {
            versions.sort_by_key(|v| v.n);
        }
        Ok(all)
    }

    /// Reads the tag object only (not the commit) for an annotated tag;
    /// `None` for a ref that does not lead to a commit.
    fn version_from_ref(
        &self,
        reference: &Reference<'_>,
        slug: &str,
        n: u32,
    ) -> Result<Option<Version>, StoreError> {
        let Some(target) = reference.resolve()?.target() else {
            return Ok(None);
        };
        let object = self.repo.find_object(target, None)?;
        let tag_name = version_tag_name(slug, n);
        if let Some(tag) = object.as_tag() {
            let commit = if tag.target_type() == Some(ObjectType::Commit) {
                tag.target_id()
            } else {
                match object.peel(ObjectType::Commit) {
                    Ok(c) => c.id(),
                    Err(_) => return Ok(None),
                }
            };
            let raw = String::from_utf8_lossy(tag.message_bytes().unwrap_or_default());
            let (text, signature) = split_signature(&raw);
            let (tagger, time, offset) = match tag.tagger() {
                Some(sig) => (
                    Identity::from_signature(&sig),
                    sig.when().seconds(),
                    sig.when().offset_minutes(),
                ),
                None => (
                    Identity {
                        name: String::new(),
                        email: String::new(),
                    },
                    0,
                    0,
                ),
            };
            let (_, trailers) = split_trailers(text);
            let text_blob = trailers
                .iter()
                .find(|(k, _)| *k == TRAILER_TEXT_BLOB)
                .and_then(|(_, v)| v.trim().parse::<ObjectId>().ok());
            let config_blob = trailers
                .iter()
                .find(|(k, _)| *k == TRAILER_CONFIG_BLOB)
                .and_then(|(_, v)| v.trim().parse::<ObjectId>().ok());
            let site = trailers
                .iter()
                .find(|(k, _)| *k == TRAILER_SITE)
                .map(|(_, v)| v.trim().to_string());
            return Ok(Some(Version {
                site,
                slug: slug.to_string(),
                n,
                tag: tag_name,
                tag_oid: Some(ObjectId(tag.id())),
                commit: ObjectId(commit),
                tagger,
                time,
                offset_minutes: offset,
                message: text.trim_end().to_string(),
                signed: signature.is_some(),
                text_blob,
                config_blob,
            }));
        }
        let Some(commit) = object.as_commit() else {
            return Ok(None);
        };
        let committer = commit.committer();
        Ok(Some(Version {
            slug: slug.to_string(),
            n,
            tag: tag_name,
            tag_oid: None,
            commit: ObjectId(commit.id()),
            tagger: Identity::from_signature(&committer),
            time: committer.when().seconds(),
            offset_minutes: committer.when().offset_minutes(),
            message: String::new(),
            signed: false,
            text_blob: None,
            config_blob: None,
            site: None,
        }))
    }

    /// Freezes version N+1 of `slug` at `commit`. See the module notes for
    /// what happens when two submits race.
    pub fn create_version(
        &self,
        slug: &str,
        commit: ObjectId,
        message: &str,
        who: &Identity,
    ) -> Result<Version, StoreError> {
        self.create_version_of(slug, None, commit, message, who)
    }

    /// [`Store::create_version`] of the draft at `path` (workspace-relative):
    /// the tag also records the draft's path, its blob and the SHA-256 of
    /// its bytes in trailers, so the version's text is known without
    /// reading its commit (and `verify` can check it).
    pub fn create_version_of(
        &self,
        slug: &str,
        path: Option<&Path>,
        commit: ObjectId,
        message: &str,
        who: &Identity,
    ) -> Result<Version, StoreError> {
        self.create_version_signed(slug, path, commit, message, who, None, None, None)
    }

    /// [`Store::create_version_of`], the tag signed by `signer` when one is
    /// given (as `git tag -s` with `gpg.format=ssh` would sign it). `config`
    /// is the workspace configuration file (`duthao.toml`): its blob at HEAD
    /// is recorded (`Duthao-Config-Blob:`), so the roster of approvers that
    /// applies to the version is fixed by the submitter's signature.
    #[allow(clippy::too_many_arguments)]
    pub fn create_version_signed(
        &self,
        slug: &str,
        path: Option<&Path>,
        commit: ObjectId,
        message: &str,
        who: &Identity,
        signer: Option<&dyn SigningBackend>,
        config: Option<&Path>,
        site: Option<&str>,
    ) -> Result<Version, StoreError> {
        who.validate()?;
        if slug.is_empty()
            || slug.contains('/')
            || !Reference::is_valid_name(&format!("refs/tags/{}", version_tag_name(slug, 1)))
        {
            return Err(StoreError::BadTagName {
                name: slug.to_string(),
                reason: "a draft slug must be a single valid git ref component",
            });
        }
        self.repo.find_commit(commit.0)?;
        let existing = self.versions(slug)?;
        if let Some(latest) = existing.last()
            && latest.commit == commit
        {
            return Err(StoreError::AlreadyVersioned {
                slug: slug.to_string(),
                n: latest.n,
            });
        }
        let n = existing.last().map_or(1, |v| v.n + 1);
        let tag = version_tag_name(slug, n);
        let user = git2::message_prettify(message, None)?;
        let mut text = version_heading(n);
        text.push('\n');
        if !user.trim().is_empty() {
            text.push('\n');
            text.push_str(&user);
        }
        let mut text_blob = None;
        if let Some(path) = path
            && let Some(blob) = self.blob_at(commit, path)?
        {
            use sha2::Digest;
            let bytes = self.repo.find_blob(blob.0)?;
            let sha = sha2::Sha256::digest(bytes.content());
            text.push_str(&format!(
                "\n{TRAILER_DRAFT}: {}\n{TRAILER_TEXT_BLOB}: {blob}\n{TRAILER_TEXT_SHA256}: {sha:x}\n",
                self.repo_path(path)?
            ));
            text_blob = Some(blob);
        }
        let mut config_blob = None;
        if let Some(config) = config
            && let Some(head) = self.head_commit()?
            && let Some(blob) = self.blob_at(head, config)?
        {
            text.push_str(&format!("{TRAILER_CONFIG_BLOB}: {blob}\n"));
            config_blob = Some(blob);
        }
        if let Some(site) = site {
            text.push_str(&format!("{TRAILER_SITE}: {site}\n"));
        }
        let when = When::of(Signature::now(&who.name, &who.email)?.when());
        let signature = match signer {
            Some(signer) => {
                let kind = self.object_kind(commit)?;
                Some(signer.sign(&tag_payload(&tag, commit, kind, who, when, &text))?)
            }
            None => None,
        };
        let tag_oid = self.write_tag(&tag, commit, who, when, &text, signature.as_deref())?;
        match self.create_tag_ref(&tag, tag_oid) {
            Ok(()) => {}
            Err(StoreError::TagExists { .. }) => {
                return Err(StoreError::ConcurrentSubmit {
                    slug: slug.to_string(),
                    n,
                });
            }
            Err(StoreError::Git(e)) if e.code() == ErrorCode::Locked => {
                let refname = format!("refs/tags/{tag}");
                if let Some(lock) = self.stale_ref_lock(&refname) {
                    return Err(StoreError::Locked {
                        what: format!("the tag {tag}"),
                        lock,
                    });
                }
                return Err(StoreError::ConcurrentSubmit {
                    slug: slug.to_string(),
                    n,
                });
            }
            Err(e) => return Err(e),
        }
        // The ref must now be ours: anything else means a writer that does
        // not take libgit2's lock (or a packed ref) won the race.
        let now = self
            .repo
            .find_reference(&format!("refs/tags/{tag}"))?
            .target();
        if now != Some(tag_oid.0) {
            return Err(StoreError::ConcurrentSubmit {
                slug: slug.to_string(),
                n,
            });
        }
        Ok(Version {
            slug: slug.to_string(),
            n,
            tag,
            tag_oid: Some(tag_oid),
            commit,
            tagger: who.clone(),
            time: when.seconds,
            offset_minutes: when.offset_minutes,
            message: text.trim_end().to_string(),
            signed: signature.is_some(),
            text_blob,
            config_blob,
            site: site.map(str::to_string),
        })
    }

    /// The signing key setting that applies, and where it came from: `key`
    /// (a `--key` option), else `DUTHAO_SIGNING_KEY`, else git's
    /// `user.signingkey` when `gpg.format` is `ssh`. `None` when no SSH key
    /// is set up (a GPG key set up for git is not duthao's to use).
    pub fn signing_key_setting(&self, key: Option<&str>) -> Option<(String, KeySource)> {
        if let Some(k) = key.filter(|k| !k.trim().is_empty()) {
            return Some((k.to_string(), KeySource::Option));
        }
        if let Some(k) = std::env::var(SIGNING_KEY_ENV)
            .ok()
            .filter(|k| !k.trim().is_empty())
        {
            return Some((k, KeySource::Environment));
        }
        let config = self.config().ok()?.snapshot().ok()?;
        let format = config.get_string("gpg.format").ok()?;
        if !format.trim().eq_ignore_ascii_case("ssh") {
            return None;
        }
        let k = config.get_string("user.signingkey").ok()?;
        (!k.trim().is_empty()).then_some((k, KeySource::GitConfig))
    }

    /// The signer for [`Store::signing_key_setting`], `None` when no key is
    /// set up. A path in git's configuration or the environment is taken
    /// from the current folder, like git does; `~/` is the home folder.
    pub fn signer(&self, key: Option<&str>) -> Result<Option<Box<dyn SigningBackend>>, StoreError> {
        let Some((setting, _)) = self.signing_key_setting(key) else {
            return Ok(None);
        };
        let base = std::env::current_dir().unwrap_or_else(|_| self.root.clone());
        Ok(Some(backend_for(&setting, &base)?))
    }

    fn object_kind(&self, target: ObjectId) -> Result<ObjectKind, StoreError> {
        let (_, kind) = self.repo.odb()?.read_header(target.0)?;
        Ok(ObjectKind::of(kind).ok_or_else(|| {
            git2::Error::from_str("a tag can point only at a commit, a tree, a blob or a tag")
        })?)
    }

    /// Writes an SSH-signed annotated tag `name` → `target` and its ref, as
    /// `git tag -s` does with `gpg.format=ssh`: the signature of the tag
    /// object's text ([`tag_payload`]) appended after the message. Refuses
    /// to replace an existing tag ([`StoreError::TagExists`]), checked before
    /// signing and again, atomically, when the ref is created.
    pub fn create_signed_tag(
        &self,
        name: &str,
        target: ObjectId,
        message: &str,
        tagger: &Identity,
        signer: &dyn SigningBackend,
    ) -> Result<ObjectId, StoreError> {
        self.create_signed_tag_at(name, target, message, tagger, When::now(), signer)
    }

    /// [`Store::create_signed_tag`] with the tag's date given.
    pub fn create_signed_tag_at(
        &self,
        name: &str,
        target: ObjectId,
        message: &str,
        tagger: &Identity,
        when: When,
        signer: &dyn SigningBackend,
    ) -> Result<ObjectId, StoreError> {
        tagger.validate()?;
        check_tag_name(name)?;
        match self.repo.find_reference(&format!("refs/tags/{name}")) {
            Ok(_) => {
                return Err(StoreError::TagExists {
                    name: name.to_string(),
                });
            }
            Err(e) if e.code() == ErrorCode::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        let kind = self.object_kind(target)?;
        let payload = tag_payload(name, target, kind, tagger, when, message);
        let signature = signer.sign(&payload)?;
        let tag_oid = self.write_tag(name, target, tagger, when, message, Some(&signature))?;
        self.create_tag_ref(name, tag_oid)?;
        Ok(tag_oid)
    }

    /// The signed part and the signature of the tag `name` (without
    /// `refs/tags/`), read from the raw object as `git tag -v` reads it:
    /// the payload is everything before the signature block. `None` for the
    /// signature when the tag is unsigned; an error for a lightweight tag.
    pub fn tag_signature(&self, name: &str) -> Result<(Vec<u8>, Option<String>), StoreError> {
        let reference = self.repo.find_reference(&format!("refs/tags/{name}"))?;
        let oid = reference
            .target()
            .ok_or_else(|| git2::Error::from_str("the tag is a symbolic reference"))?;
        self.tag_object_signature(name, oid)
    }

    /// [`Store::tag_signature`] of the tag object `oid` (named `name` in
    /// messages), whether or not a ref here points at it: the other side's
    /// tag, say, before it is taken in.
    fn tag_object_signature(
        &self,
        name: &str,
        oid: Oid,
    ) -> Result<(Vec<u8>, Option<String>), StoreError> {
        let odb = self.repo.odb()?;
        let object = odb.read(oid)?;
        if object.kind() != ObjectType::Tag {
            return Err(StoreError::Git(GitFailure::from(git2::Error::from_str(
                &format!("{name} is a lightweight tag, not a tag object"),
            ))));
        }
        let raw = object.data();
        // The signature block starts at the last line that opens an armored
        // block, after the header (which ends at the first blank line).
        let body_at = raw
            .windows(2)
            .position(|w| w == b"\n\n")
            .map_or(raw.len(), |i| i + 2);
        let mut cut = None;
        let mut at = body_at;
        for line in raw[body_at..].split_inclusive(|&b| b == b'\n') {
            if line.starts_with(b"-----BEGIN SSH SIGNATURE-----")
                || line.starts_with(b"-----BEGIN PGP SIGNATURE-----")
                || line.starts_with(b"-----BEGIN SIGNED MESSAGE-----")
            {
                cut = Some(at);
            }
            at += line.len();
        }
        match cut {
            Some(cut) => Ok((
                raw[..cut].to_vec(),
                Some(String::from_utf8_lossy(&raw[cut..]).into_owned()),
            )),
            None => Ok((raw.to_vec(), None)),
        }
    }

    /// The bytes of the blob `blob`, refused over `limit` bytes before they
    /// are read.
    pub fn blob_bytes(&self, blob: ObjectId, limit: u64) -> Result<Vec<u8>, StoreError> {
        let odb = self.repo.odb()?;
        let (size, kind) = odb.read_header(blob.0)?;
        if kind != ObjectType::Blob {
            return Err(git2::Error::from_str("the object is not a blob").into());
        }
        if size as u64 > limit {
            return Err(StoreError::TooLarge {
                path: format!("blob {}", blob.short()),
                commit: String::new(),
                size: size as u64,
                limit,
            });
        }
        Ok(odb.read(blob.0)?.data().to_vec())
    }

    /// Creates the reference `name` (a full name under `refs/duthao/`) →
    /// `target` unless it exists: `None` when this call made it, else what
    /// it points at. The check and the creation are one step under the
    /// ref's lock, so two processes never both make it.
    pub fn create_ref_if_absent(
        &self,
        name: &str,
        target: ObjectId,
    ) -> Result<Option<ObjectId>, StoreError> {
        if !name.starts_with("refs/duthao/") || !Reference::is_valid_name(name) {
            return Err(StoreError::BadTagName {
                name: name.to_string(),
                reason: "not a valid reference under refs/duthao/",
            });
        }
        match self.create_absent(name, target.0)? {
            true => Ok(None),
            false => {
                let existing = self.repo.find_reference(name)?.target();
                Ok(Some(ObjectId(existing.unwrap_or(Oid::ZERO_SHA1))))
            }
        }
    }

    /// Creates `refname` → `target` only if it does not exist: `false` when
    /// it does. libgit2 checks `force = false` before taking the ref's lock,
    /// so two writers could both pass it; the expected old value (zero:
    /// "absent") is compared under the lock, which makes creation atomic.
    fn create_absent(&self, refname: &str, target: Oid) -> Result<bool, StoreError> {
        match self.repo.reference_matching(
            refname,
            target,
            false,
            Oid::ZERO_SHA1,
            &format!("duthao: {refname}"),
        ) {
            Ok(_) => Ok(true),
            Err(e) if matches!(e.code(), ErrorCode::Exists | ErrorCode::Modified) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// The references under `prefix` (a full name such as
    /// `refs/duthao/register/`) and what each points at.
    pub fn refs_under(&self, prefix: &str) -> Result<Vec<(String, ObjectId)>, StoreError> {
        let mut out = Vec::new();
        for reference in self.repo.references_glob(&format!("{prefix}*"))? {
            let reference = reference?;
            if let (Ok(name), Some(target)) = (reference.name(), reference.target())
                && name.starts_with(prefix)
            {
                out.push((name.to_string(), ObjectId(target)));
            }
        }
        Ok(out)
    }

    /// The names (without `refs/tags/`) of the tags under
    /// `refs/tags/<prefix>`, in one pass over the references, nothing read.
    pub fn tag_names(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let mut names = Vec::new();
        for reference in self.repo.references_glob(&format!("refs/tags/{prefix}*"))? {
            let reference = reference?;
            if let Ok(full) = reference.name()
                && let Some(name) = full.strip_prefix("refs/tags/")
                && name.starts_with(prefix)
            {
                names.push(name.to_string());
            }
        }
        Ok(names)
    }

    /// Every tag under `refs/tags/<prefix>` (e.g. `duthao/<slug>/`), read
    /// as [`Store::tag_signature`] reads one, sorted by name: what approvals
    /// and issuing are made of. A lightweight tag, a tag object over
    /// [`MAX_TAG_BYTES`] or one git cannot parse is listed with its problem,
    /// so that `verify` can name it rather than skip it.
    pub fn signed_tags(&self, prefix: &str) -> Result<Vec<SignedTag>, StoreError> {
        let mut found = Vec::new();
        let odb = self.repo.odb()?;
        for reference in self.repo.references_glob(&format!("refs/tags/{prefix}*"))? {
            let reference = reference?;
            let Ok(full) = reference.name() else { continue };
            let Some(name) = full.strip_prefix("refs/tags/") else {
                continue;
            };
            if !name.starts_with(prefix) {
                continue;
            }
            let Some(oid) = reference.target() else {
                continue;
            };
            found.push(self.read_signed_tag(&odb, name, oid)?);
        }
        found.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(found)
    }

    /// The tag `name` (without `refs/tags/`), read as
    /// [`Store::signed_tags`] reads each; `None` when there is no such tag.
    pub fn signed_tag(&self, name: &str) -> Result<Option<SignedTag>, StoreError> {
        let reference = match self.repo.find_reference(&format!("refs/tags/{name}")) {
            Ok(r) => r,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let Some(oid) = reference.target() else {
            return Ok(None);
        };
        Ok(Some(self.read_signed_tag(&self.repo.odb()?, name, oid)?))
    }

    fn read_signed_tag(
        &self,
        odb: &git2::Odb<'_>,
        name: &str,
        oid: Oid,
    ) -> Result<SignedTag, StoreError> {
        let mut tag = SignedTag {
            name: name.to_string(),
            object: ObjectId(oid),
            target: None,
            tagger: None,
            time: 0,
            offset_minutes: 0,
            message: String::new(),
            payload: Vec::new(),
            signature: None,
            problem: None,
        };
        let (size, kind) = odb.read_header(oid)?;
        if kind != ObjectType::Tag {
            tag.problem = Some("it is a lightweight tag, not a signed tag object".into());
            return Ok(tag);
        }
        if size > MAX_TAG_BYTES {
            tag.problem = Some(format!(
                "its tag object is {size} bytes, far more than a signed tag"
            ));
            return Ok(tag);
        }
        match self.repo.find_tag(oid) {
            Ok(t) => {
                tag.target = Some(ObjectId(t.target_id()));
                if let Some(sig) = t.tagger() {
                    tag.tagger = Some(Identity::from_signature(&sig));
                    tag.time = sig.when().seconds();
                    tag.offset_minutes = sig.when().offset_minutes();
                }
                let raw = String::from_utf8_lossy(t.message_bytes().unwrap_or_default());
                tag.message = split_signature(&raw).0.trim_end().to_string();
            }
            Err(e) => {
                tag.problem = Some(format!("git cannot read it: {}", e.message()));
                return Ok(tag);
            }
        }
        let (payload, signature) = self.tag_object_signature(name, oid)?;
        tag.payload = payload;
        tag.signature = signature;
        Ok(tag)
    }

    /// Checks the signature of the tag `name` against `key` (namespace
    /// `git`): the check `git tag -v` makes, without the allowed-signers
    /// file. Unsigned tags fail.
    pub fn verify_tag(&self, name: &str, key: &SshPublicKey) -> Result<(), StoreError> {
        let (payload, signature) = self.tag_signature(name)?;
        let signature = signature.ok_or_else(|| SignError::Invalid {
            reason: format!("the tag {name} is not signed"),
        })?;
        verify_signature(&payload, &signature, key)?;
        Ok(())
    }

    /// Writes an annotated tag object (no ref) in git's format. A signature
    /// (an armored "-----BEGIN SSH SIGNATURE-----" block over
    /// [`tag_payload`] with the same arguments) is appended after the
    /// message, as `git tag -s` does with `gpg.format=ssh`.
    pub fn write_tag(
        &self,
        name: &str,
        target: ObjectId,
        tagger: &Identity,
        when: When,
        message: &str,
        signature: Option<&str>,
    ) -> Result<ObjectId, StoreError> {
        tagger.validate()?;
        check_tag_name(name)?;
        let (_, target_kind) = self.repo.odb()?.read_header(target.0)?;
        let target_kind = ObjectKind::of(target_kind).ok_or_else(|| {
            git2::Error::from_str("a tag can point only at a commit, a tree, a blob or a tag")
        })?;
        let mut bytes = tag_payload(name, target, target_kind, tagger, when, message);
        if let Some(signature) = signature {
            bytes.extend_from_slice(signature.as_bytes());
            if !signature.ends_with('\n') {
                bytes.push(b'\n');
            }
        }
        Ok(ObjectId(self.repo.odb()?.write(ObjectType::Tag, &bytes)?))
    }

    /// Creates `refs/tags/<name>` → `tag_oid`, never replacing an existing
    /// tag ([`StoreError::TagExists`]).
    pub fn create_tag_ref(&self, name: &str, tag_oid: ObjectId) -> Result<(), StoreError> {
        check_tag_name(name)?;
        if self.create_absent(&format!("refs/tags/{name}"), tag_oid.0)? {
            Ok(())
        } else {
            Err(StoreError::TagExists {
                name: name.to_string(),
            })
        }
    }

    fn workdir(&self) -> &Path {
        // Store::open refuses bare repositories.
        self.repo.workdir().unwrap_or(&self.root)
    }

    /// A workspace path (relative, or absolute inside the workspace) as the
    /// repository path git stores: `/`-separated, with the workspace's
    /// prefix inside the repository.
    fn repo_path(&self, path: &Path) -> Result<String, StoreError> {
        let outside = || StoreError::PathOutsideWorkspace {
            path: path.to_path_buf(),
            root: self.root.clone(),
        };
        let relative = if path.is_absolute() {
            path.strip_prefix(&self.root).map_err(|_| outside())?
        } else {
            path
        };
        let mut parts: Vec<String> = Vec::new();
        for comp in relative.components() {
            match comp {
                Component::Normal(part) => parts.push(
                    part.to_str()
                        .ok_or_else(|| StoreError::PathOutsideWorkspace {
                            path: path.to_path_buf(),
                            root: self.root.clone(),
                        })?
                        .to_string(),
                ),
                Component::CurDir => {}
                _ => return Err(outside()),
            }
        }
        if parts.is_empty() {
            return Err(outside());
        }
        Ok(format!("{}{}", self.prefix, parts.join("/")))
    }
}

/// Environment first (tests, demo, scripts), then git configuration.
fn resolve_identity(
    env_name: Option<String>,
    env_email: Option<String>,
    config: impl Fn(&str) -> Option<String>,
) -> Result<Identity, StoreError> {
    let present = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    let name = present(env_name)
        .or_else(|| present(config("user.name")))
        .ok_or(StoreError::NoIdentity {
            missing: "user.name",
        })?;
    let email = present(env_email)
        .or_else(|| present(config("user.email")))
        .ok_or(StoreError::NoIdentity {
            missing: "user.email",
        })?;
    let who = Identity {
        name: name.trim().to_string(),
        email: email.trim().to_string(),
    };
    who.validate()?;
    Ok(who)
}

/// Every regular file of a raw tree object, by name.
fn tree_blobs(raw: &[u8]) -> HashMap<String, Oid> {
    let mut out = HashMap::new();
    let mut rest = raw;
    while !rest.is_empty() {
        let Some(space) = rest.iter().position(|&b| b == b' ') else {
            break;
        };
        let Some(nul) = rest[space + 1..]
            .iter()
            .position(|&b| b == 0)
            .map(|i| space + 1 + i)
        else {
            break;
        };
        let id_end = nul + 1 + 20;
        if rest.len() < id_end {
            break;
        }
        let mode = &rest[..space];
        if mode.starts_with(b"10")
            && let (Ok(name), Ok(id)) = (
                std::str::from_utf8(&rest[space + 1..nul]),
                Oid::from_bytes(&rest[nul + 1..id_end]),
            )
        {
            out.insert(name.to_string(), id);
        }
        rest = &rest[id_end..];
    }
    out
}

/// Looks `name` up in a raw tree object (`<mode> <name>\0<20-byte id>`…)
/// without building libgit2's parsed tree: on long histories the path walk
/// spends most of its time there otherwise.
fn find_tree_entry<'a>(raw: &'a [u8], name: &[u8]) -> Option<(&'a [u8], Oid)> {
    let mut rest = raw;
    while !rest.is_empty() {
        let space = rest.iter().position(|&b| b == b' ')?;
        let nul = space + 1 + rest[space + 1..].iter().position(|&b| b == 0)?;
        let id_end = nul + 1 + 20;
        if rest.len() < id_end {
            return None;
        }
        if &rest[space + 1..nul] == name {
            return Some((
                &rest[..space],
                Oid::from_bytes(&rest[nul + 1..id_end]).ok()?,
            ));
        }
        rest = &rest[id_end..];
    }
    None
}

fn check_tag_name(name: &str) -> Result<(), StoreError> {
    if !Reference::is_valid_name(&format!("refs/tags/{name}")) {
        return Err(StoreError::BadTagName {
            name: name.to_string(),
            reason: "not a valid git tag name",
        });
    }
    Ok(())
}

/// The ref whose lock duthao holds while it updates git's index after a
/// commit. It is only ever locked, never written.
const INDEX_WRITER_REF: &str = "refs/duthao/index-writer";

/// Milliseconds, 0 to `max - 1`, that differ between processes and
/// attempts: writers that collided do not retry in step.
fn jitter(attempt: u64, max: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::from(d.subsec_nanos()))
        .unwrap_or(0);
    (nanos ^ u64::from(std::process::id()).wrapping_mul(0x9e37_79b9) ^ attempt.wrapping_mul(7919))
        % max.max(1)
}

fn short_id(oid: Oid) -> String {
    ObjectId(oid).short()
}

#[cfg(test)]
mod tests;
