use std::path::PathBuf;

/// Everything the git-backed store can refuse or fail at. Each message says
/// what went wrong and where; what to run about it is the caller's to say.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{} is not in a git repository", path.display())]
    NotARepo { path: PathBuf },

    #[error(
        "{} belongs to another user, and git (so duthao) opens such a repository only when it is marked safe",
        path.display()
    )]
    NotOwned { path: PathBuf },

    #[error("{} is a bare git repository (no working files)", path.display())]
    BareRepo { path: PathBuf },

    #[error("no git identity: {missing} is not set")]
    NoIdentity { missing: &'static str },

    #[error("invalid identity {value:?}: {reason}")]
    BadIdentity { value: String, reason: &'static str },

    #[error("HEAD is detached at {short}; duthao commits and submits only on a branch")]
    Detached { short: String },

    #[error("a git {state} is in progress in this repository")]
    OperationInProgress { state: String, op: &'static str },

    #[error(
        "nothing to commit: {} unchanged since the last commit",
        list_paths(paths)
    )]
    NothingToCommit { paths: Vec<PathBuf> },

    #[error("empty commit message")]
    EmptyMessage,

    #[error("{} is outside the workspace {}; give a path inside it", path.display(), root.display())]
    PathOutsideWorkspace { path: PathBuf, root: PathBuf },

    #[error("cannot create the folder {}: {source}", path.display())]
    CreateFolder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{slug} has no version v{n}; {}", existing_versions(existing))]
    UnknownVersion {
        slug: String,
        n: u32,
        existing: Vec<u32>,
    },

    #[error(
        "unknown revision {rev:?}: not `working`, a version `vN`, nor a git revision of this repository"
    )]
    UnknownRevision { rev: String },

    #[error("{rev:?} is the text on disk, not a commit")]
    NotACommit { rev: String },

    #[error(
        "{slug}: version v{n} already freezes this commit; change the draft and commit before submitting again"
    )]
    AlreadyVersioned { slug: String, n: u32 },

    #[error("{slug}: someone else created version v{n} at the same moment; nothing was written")]
    ConcurrentSubmit { slug: String, n: u32 },

    #[error(
        "branch {branch} moved while committing (another commit landed first); nothing was committed, try again"
    )]
    ConcurrentCommit { branch: String },

    #[error(
        "committed as {commit}, but git's index could not be updated (another git command held it), so `git status` still shows the change"
    )]
    IndexNotUpdated { commit: String, paths: Vec<String> },

    #[error(
        "{what} is locked: {} exists. Another git command may be running; if none is, one stopped halfway: delete that file and try again. Nothing was written.",
        lock.display()
    )]
    Locked { what: String, lock: PathBuf },

    #[error("tag {name} already exists; nothing was written")]
    TagExists { name: String },

    #[error("invalid tag name {name:?}: {reason}")]
    BadTagName { name: String, reason: &'static str },

    #[error(
        "{path} is a symbolic link in commit {commit}; a draft must be a regular file, and duthao does not follow links in history"
    )]
    LinkInHistory { path: String, commit: String },

    #[error(
        "{path} in commit {commit} is {size} bytes, larger than the {limit}-byte limit; it is not read"
    )]
    TooLarge {
        path: String,
        commit: String,
        size: u64,
        limit: u64,
    },

    #[error("git: {0}")]
    Git(GitFailure),
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
