//! What to do about an error. The library's errors say what went wrong and
//! where; the commands to run are the command line's to say, here, so that
//! another caller (a review page) can give its own advice.

use duthao::store::StoreError;
use duthao::workspace::WorkspaceError;

/// The hints for an error: for its first cause that has any.
pub fn hints(e: &anyhow::Error) -> Vec<String> {
    for cause in e.chain() {
        let found = if let Some(w) = cause.downcast_ref::<WorkspaceError>() {
            workspace(w)
        } else if let Some(s) = cause.downcast_ref::<StoreError>() {
            store(s)
        } else {
            Vec::new()
        };
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

fn workspace(e: &WorkspaceError) -> Vec<String> {
    match e {
        WorkspaceError::Store(s) => store(s),
        WorkspaceError::NotFound { .. } => vec![
            "create one with `duthao init DIR`, or run the command inside a workspace (or with -C DIR)"
                .into(),
        ],
        WorkspaceError::Uncommitted { slug } => vec![format!(
            "commit it first: duthao commit {slug} -m \"…\"; then submit"
        )],
        WorkspaceError::NeverCommitted { slug } => {
            vec![format!("commit it first: duthao commit {slug} -m \"…\"")]
        }
        WorkspaceError::NothingNew { slug, .. } => vec![format!(
            "edit drafts/{slug}.md, commit it (duthao commit {slug} -m \"…\"), then submit"
        )],
        WorkspaceError::NothingToCompare { slug } => vec![format!(
            "name two revisions, e.g. duthao diff {slug} HEAD working; or submit it first (duthao submit {slug})"
        )],
        WorkspaceError::ConflictMarkers { .. } => vec![
            "resolve the conflict: keep the right text, remove the <<<<<<< ======= >>>>>>> lines, then commit"
                .into(),
        ],
        WorkspaceError::NotApproved { slug, .. } => vec![
            format!("see where sign-off stands: duthao status {slug}; duthao verify {slug}"),
            "export the draft instead (marked \"Dự thảo lần N\"): leave out --final".into(),
        ],
        WorkspaceError::NoSigningKey { .. } => vec![
            "name your key: --key ~/.ssh/id_ed25519 (or a .pub file whose key ssh-agent holds)".into(),
            "or set it up once for git and duthao: git config --global gpg.format ssh && git config --global user.signingkey ~/.ssh/id_ed25519".into(),
        ],
        WorkspaceError::SignOff { slug, .. } if !slug.is_empty() => vec![format!(
            "the sign-off record: duthao status {slug}; every check: duthao verify {slug}"
        )],
        WorkspaceError::Site { reason } if reason.contains("has no site name") => vec![
            "if this repository is that site, name it: duthao sync --site NAME".into(),
            "elsewhere, comment and approve here; duthao sync carries them to the drafting site"
                .into(),
        ],
        WorkspaceError::Site { reason } if reason.contains("this repository is the site") => {
            vec![
                "comment and approve here; duthao sync carries them to the drafting site".into(),
            ]
        }
        WorkspaceError::FolderNotEmpty { path } => vec![format!(
            "give a new folder, e.g. duthao demo {}",
            fresh_folder(path).display()
        )],
        WorkspaceError::InsideWorkspace { .. } => {
            vec!["give a folder outside it, e.g. duthao demo /tmp/duthao-demo".into()]
        }
        WorkspaceError::AlreadyWorkspace { .. } => {
            vec!["start a draft there instead: duthao new KIND SLUG --title \"về …\"".into()]
        }
        _ => Vec::new(),
    }
}

fn store(e: &StoreError) -> Vec<String> {
    match e {
        StoreError::NotARepo { .. } => {
            vec![
                "create a workspace there with `duthao init`, or a repository with `git init`"
                    .into(),
            ]
        }
        StoreError::NotOwned { path } => vec![format!(
            "if you trust it: git config --global --add safe.directory {}",
            path.display()
        )],
        StoreError::BareRepo { path } => vec![format!(
            "clone it and work in the clone: git clone {} DIR",
            path.display()
        )],
        StoreError::NoIdentity { .. } => vec![
            "git config --global user.name \"Your Name\"".into(),
            "git config --global user.email you@example.org".into(),
            "(or set DUTHAO_AUTHOR_NAME and DUTHAO_AUTHOR_EMAIL)".into(),
        ],
        StoreError::BadIdentity { .. } => {
            vec!["fix it with `git config user.name` / `git config user.email`".into()]
        }
        StoreError::Detached { .. } => {
            vec!["check out a branch first: git switch main".into()]
        }
        StoreError::OperationInProgress { op, .. } => vec![format!(
            "finish it (resolve, then git commit) or abort it (git {op} --abort) first"
        )],
        StoreError::NotACommit { .. } => {
            vec!["commit the text first: duthao commit SLUG -m \"…\"".into()]
        }
        StoreError::ConcurrentSubmit { slug, .. } => vec![format!(
            "see what was submitted (duthao status {slug}), then try again"
        )],
        StoreError::IndexNotUpdated { paths, .. } => vec![format!(
            "to make `git status` agree: git reset -q -- {}",
            paths.join(" ")
        )],
        StoreError::UnknownVersion { slug, existing, .. } if existing.is_empty() => {
            vec![format!("send it out first: duthao submit {slug}")]
        }
        StoreError::EmptyMessage => vec!["give one with -m \"…\"".into()],
        StoreError::NoRemote => vec![
            "name one: duthao sync PATH-OR-URL, or set it once: git remote add origin URL".into(),
        ],
        StoreError::GitMissing { .. } => vec![
            "install git (apt-get install -y git), or sync through a bare repository on a share, or carry a bundle (--bundle-out / --bundle-in)".into(),
        ],
        StoreError::RemoteNotBare { path } => vec![format!(
            "make a bare one to meet at: git clone --bare {} REMOTE.git",
            path.display()
        )],
        StoreError::WouldOverwrite { paths } => {
            let mut hints: Vec<String> = paths
                .iter()
                .filter_map(|p| {
                    let slug = p.rsplit_once("drafts/")?.1.strip_suffix(".md")?;
                    Some(format!(
                        "commit your text first: duthao commit {slug} -m \"…\", then duthao sync"
                    ))
                })
                .collect();
            if hints.len() < paths.len() {
                hints.push(
                    "commit the other files with git (git add FILE && git commit), or move an untracked one out of the way, then duthao sync".into(),
                );
            }
            hints
        }
        StoreError::SyncInterrupted => vec!["finish it: duthao sync".into()],
        StoreError::UnrelatedHistories { .. } => vec![
            "sync with the remote this workspace was cloned from; to start a site from a remote, git clone it".into(),
        ],
        StoreError::SiteTaken { .. } => {
            vec!["choose another name: duthao sync --site OTHER-NAME".into()]
        }
        StoreError::Transport { .. } => vec![
            "check the address and that `git ls-remote URL` works from this machine".into(),
        ],
        StoreError::Sign(e) => sign(e),
        _ => Vec::new(),
    }
}

fn sign(e: &duthao::store::SignError) -> Vec<String> {
    use duthao::store::SignError;
    match e {
        SignError::Encrypted {
            path,
            agent_running,
        } => {
            let mut out = Vec::new();
            if !agent_running {
                out.push("start an agent: eval \"$(ssh-agent)\"".into());
            }
            out.push(format!(
                "add the key to the agent (it asks for the passphrase once): ssh-add {}",
                path.display()
            ));
            out.push(
                "or sign with a key that has no passphrase: ssh-keygen -t ed25519 -N '' -f FILE, then --key FILE"
                    .into(),
            );
            out
        }
        SignError::NotInAgent { agent_running, .. } => {
            let mut out = Vec::new();
            if !agent_running {
                out.push("start an agent: eval \"$(ssh-agent)\"".into());
            }
            out.push("add the private key to it: ssh-add PRIVATE_KEY_FILE".into());
            out
        }
        SignError::ProgramMissing { .. } => vec![
            "install OpenSSH's client tools (apt-get install openssh-client), or sign with an unencrypted key file: --key FILE"
                .into(),
        ],
        SignError::Read { .. } => vec![
            "--key takes your SSH private key file (e.g. ~/.ssh/id_ed25519), or its .pub file when ssh-agent holds the key; make one with ssh-keygen -t ed25519".into(),
        ],
        SignError::NotSsh { .. } => vec![
            "duthao signs with SSH keys: git config gpg.format ssh; git config user.signingkey ~/.ssh/id_ed25519.pub"
                .into(),
        ],
        _ => Vec::new(),
    }
}

/// A folder beside `dir` that does not exist yet: `dir-2`, `dir-3`, …
fn fresh_folder(dir: &std::path::Path) -> std::path::PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "duthao-demo".into());
    (2..)
        .map(|n| dir.with_file_name(format!("{name}-{n}")))
        .find(|p| !p.exists())
        .unwrap_or_else(|| dir.with_file_name(format!("{name}-new")))
}
