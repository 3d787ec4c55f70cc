use std::path::PathBuf;

/// Everything the git-backed store can refuse or fail at. Each message says
/// what went wrong and where; what to run about it is the caller's to say.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No git repository holds the workspace folder (or the folder is inside git's own).
    #[error("{} is not in a git repository", path.display())]
    NotARepo {
        /// The workspace folder, links resolved.
        path: PathBuf,
    },

    /// The repository belongs to another user and is not marked safe
    /// (`safe.directory`), so git will not open it.
    #[error(
        "{} belongs to another user, and git (so duthao) opens such a repository only when it is marked safe",
        path.display()
    )]
    NotOwned {
        /// The workspace folder, links resolved.
        path: PathBuf,
    },

    /// The repository has no working folder for drafts to live in.
    #[error("{} is a bare git repository (no working files)", path.display())]
    BareRepo {
        /// The workspace folder, links resolved.
        path: PathBuf,
    },

    /// No author name or email in the environment or in git's configuration.
    #[error("no git identity: {missing} is not set")]
    NoIdentity {
        /// The setting that is missing: `user.name` or `user.email`.
        missing: &'static str,
    },

    /// An author name or email that is empty or would corrupt a git signature line.
    #[error("invalid identity {value:?}: {reason}")]
    BadIdentity {
        /// The name or email as given.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// HEAD is on no branch, where duthao will not commit or submit.
    #[error("HEAD is detached at {short}; duthao commits and submits only on a branch")]
    Detached {
        /// The abbreviated commit HEAD points at.
        short: String,
    },

    /// A merge, rebase, revert, cherry-pick or bisect is half done; nothing is
    /// written until it is finished.
    #[error("a git {state} is in progress in this repository")]
    OperationInProgress {
        /// Which operation ("rebase").
        state: String,
        /// The git command that continues or aborts it (`git rebase --continue` / `--abort`).
        op: &'static str,
    },

    /// The files to commit are the same as in HEAD.
    #[error(
        "nothing to commit: {} unchanged since the last commit",
        list_paths(paths)
    )]
    NothingToCommit {
        /// The files, workspace-relative, as given.
        paths: Vec<PathBuf>,
    },

    /// The commit message is empty once git's clean-up (comments, blank lines) has run.
    #[error("empty commit message")]
    EmptyMessage,

    /// A path that is not inside the workspace folder.
    #[error("{} is outside the workspace {}; give a path inside it", path.display(), root.display())]
    PathOutsideWorkspace {
        /// The path as given.
        path: PathBuf,
        /// The workspace folder.
        root: PathBuf,
    },

    /// The folder for a new repository could not be created.
    #[error("cannot create the folder {}: {source}", path.display())]
    CreateFolder {
        /// The folder.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// A file on disk, or the workspace folder itself, could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// The draft has no version of that number.
    #[error("{slug} has no version v{n}; {}", existing_versions(existing))]
    UnknownVersion {
        /// The draft's name: its file is `drafts/<slug>.md`.
        slug: String,
        /// The version asked for.
        n: u32,
        /// The versions the draft has, in ascending order.
        existing: Vec<u32>,
    },

    /// Neither `working`, `vN` nor a revision git can resolve to a commit.
    #[error(
        "unknown revision {rev:?}: not `working`, a version `vN`, nor a git revision of this repository"
    )]
    UnknownRevision {
        /// The revision as the user wrote it.
        rev: String,
    },

    /// The text on disk was named where a commit is needed.
    #[error("{rev:?} is the text on disk, not a commit")]
    NotACommit {
        /// The revision as named (`working`).
        rev: String,
    },

    /// The draft's latest version already freezes this very commit: a new version
    /// would be the same text.
    #[error(
        "{slug}: version v{n} already freezes this commit; change the draft and commit before submitting again"
    )]
    AlreadyVersioned {
        /// The draft's name: its file is `drafts/<slug>.md`.
        slug: String,
        /// The version that already freezes it.
        n: u32,
    },

    /// Another submit of the same draft created the version first; see the crate
    /// notes on concurrency.
    #[error("{slug}: someone else created version v{n} at the same moment; nothing was written")]
    ConcurrentSubmit {
        /// The draft's name: its file is `drafts/<slug>.md`.
        slug: String,
        /// The version both submits tried to create.
        n: u32,
    },

    /// The branch kept moving while the commit was made, through every retry.
    #[error(
        "branch {branch} moved while committing (another commit landed first); nothing was committed, try again"
    )]
    ConcurrentCommit {
        /// The branch's name, without `refs/heads/`.
        branch: String,
    },

    /// The commit was made, but git's index could not be updated to match.
    /// Reported beside the commit by
    /// [`Store::take_index_note`](crate::Store::take_index_note), not as a
    /// failure.
    #[error(
        "committed as {commit}, but git's index could not be updated (another git command held it), so `git status` still shows the change"
    )]
    IndexNotUpdated {
        /// The new commit, abbreviated.
        commit: String,
        /// The committed files, as repository paths.
        paths: Vec<String>,
    },

    /// A git lock file stopped the write: left by a git command that stopped
    /// halfway, or held longer than any write takes.
    #[error(
        "{what} is locked: {} exists. Another git command may be running; if none is, one stopped halfway: delete that file and try again. Nothing was written.",
        lock.display()
    )]
    Locked {
        /// What is locked ("git's index", "the branch main", "the tag duthao/x/v2").
        what: String,
        /// The lock file.
        lock: PathBuf,
    },

    /// The tag already exists; a tag is never replaced.
    #[error("tag {name} already exists; nothing was written")]
    TagExists {
        /// The tag's name, without `refs/tags/`.
        name: String,
    },

    /// A tag name git would refuse, or a draft name that cannot be part of one.
    #[error("invalid tag name {name:?}: {reason}")]
    BadTagName {
        /// The tag name, or the draft name it would be made from.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// The file is a symbolic link in that commit; links in history are never followed.
    #[error(
        "{path} is a symbolic link in commit {commit}; a draft must be a regular file, and duthao does not follow links in history"
    )]
    LinkInHistory {
        /// The file, as a repository path.
        path: String,
        /// The commit, abbreviated.
        commit: String,
    },

    /// The file in that commit is over the read limit, so it is not read (see
    /// [`Store::set_read_limit`](crate::Store::set_read_limit)).
    #[error(
        "{path} in commit {commit} is {size} bytes, larger than the {limit}-byte limit; it is not read"
    )]
    TooLarge {
        /// The file, as a repository path.
        path: String,
        /// The commit, abbreviated.
        commit: String,
        /// The file's size in bytes.
        size: u64,
        /// The read limit in bytes.
        limit: u64,
    },

    /// Signing or checking a signature failed (the key, the agent, ssh-keygen).
    #[error(transparent)]
    Sign(#[from] crate::SignError),

    /// A failure inside git itself (a corrupt object, a full disk), in git's words.
    #[error("git: {0}")]
    Git(GitFailure),

    /// `sync` was given no remote and the repository names none.
    #[error(
        "no remote to sync with: the branch has no upstream and there is no remote named origin"
    )]
    NoRemote,

    /// A remote that only the git program reaches, and git is not installed.
    #[error("{url} needs the git program, which is not installed or not on PATH")]
    GitMissing {
        /// The remote's address.
        url: String,
    },

    /// A path in the other side's tree that git would never write.
    #[error("{path} (in commit {commit}) is refused: {reason}; nothing was integrated")]
    UnsafePath {
        /// The repository path.
        path: String,
        /// The commit that holds it, abbreviated.
        commit: String,
        /// Why.
        reason: &'static str,
    },

    /// The files of the other side's commit could not be written; those
    /// written were put back.
    #[error(
        "the files of commit {commit} could not be written ({message}); they were put back as they were and the branch did not move"
    )]
    CheckoutFailed {
        /// The commit, abbreviated.
        commit: String,
        /// What libgit2 said.
        message: String,
    },

    /// A remote address duthao will not hand to git.
    #[error("the remote address {url:?} is refused: {reason}")]
    BadRemote {
        /// The address.
        url: String,
        /// Why.
        reason: &'static str,
    },

    /// The git program failed to fetch from or push to a remote.
    #[error("git could not {op} {url}: {stderr}")]
    Transport {
        /// The remote's address.
        url: String,
        /// "fetch from" or "push to".
        op: &'static str,
        /// The last lines git printed (control characters removed).
        stderr: String,
    },

    /// A local remote that is a working folder, not a bare repository.
    #[error("{} is not a bare git repository; sync pushes only to a bare one (git init --bare)", path.display())]
    RemoteNotBare {
        /// The remote's folder.
        path: std::path::PathBuf,
    },

    /// Integrating would replace files that have changes not committed here.
    #[error("{} {} changes not committed here, and the other side changed {}; nothing was integrated", paths.join(", "), if paths.len() == 1 { "has" } else { "have" }, if paths.len() == 1 { "it" } else { "them" })]
    WouldOverwrite {
        /// The files, as repository paths.
        paths: Vec<String>,
    },

    /// A shallow clone, whose history sync cannot judge.
    #[error(
        "this repository is a shallow clone; sync needs the whole history (git fetch --unshallow)"
    )]
    Shallow,

    /// A bundle that cannot be taken in.
    #[error("{}: {reason}; nothing was changed", path.display())]
    Bundle {
        /// The bundle file.
        path: std::path::PathBuf,
        /// Why it is refused.
        reason: String,
    },

    /// The remote's branch and this one have no commit in common.
    #[error(
        "{remote}'s branch and this one have no commit in common: they are two different workspaces; nothing was integrated"
    )]
    UnrelatedHistories {
        /// The remote's name.
        remote: String,
    },

    /// A site name another repository has claimed.
    #[error(
        "the site name {name} belongs to another repository (its claim refs/duthao/sites/{name} holds another id)"
    )]
    SiteTaken {
        /// The name.
        name: String,
    },

    /// An earlier sync stopped between moving the branch and updating the files.
    #[error(
        "an earlier sync stopped halfway (refs/duthao/sync/pending exists); nothing is committed until it is finished"
    )]
    SyncInterrupted,
}

/// A failure inside git itself (a corrupt object, a full disk, a ref git
/// cannot parse), in git's words.
#[derive(Debug)]
pub struct GitFailure {
    message: String,
    code: git2::ErrorCode,
}

impl GitFailure {
    /// What git said.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn code(&self) -> git2::ErrorCode {
        self.code
    }
}

impl std::fmt::Display for GitFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for GitFailure {}

impl From<git2::Error> for GitFailure {
    fn from(e: git2::Error) -> Self {
        GitFailure {
            message: e.message().to_string(),
            code: e.code(),
        }
    }
}

// For `?` inside the store; nothing outside it sees a git2 error.
#[doc(hidden)]
impl From<git2::Error> for StoreError {
    fn from(e: git2::Error) -> Self {
        StoreError::Git(GitFailure {
            message: e.message().to_string(),
            code: e.code(),
        })
    }
}

fn list_paths(paths: &[PathBuf]) -> String {
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let verb = if shown.len() == 1 { "is" } else { "are" };
    format!("{} {verb}", shown.join(", "))
}

fn existing_versions(existing: &[u32]) -> String {
    if existing.is_empty() {
        "it has not been submitted yet".to_string()
    } else {
        let shown: Vec<String> = existing.iter().map(|n| format!("v{n}")).collect();
        format!("existing versions: {}", shown.join(", "))
    }
}
