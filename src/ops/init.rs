//! `duthao init`: a new workspace with its configuration, templates, an
//! example draft and a first commit.

use std::path::{Path, PathBuf};

use crate::fsutil::write_owned;
use crate::profile::Templates;
use crate::workspace::{CONFIG_FILE, DRAFTS_DIR, TEMPLATES_DIR, Workspace, WorkspaceError};
use duthao_store::{HeadState, Identity, Store, StoreError};

/// How to make a workspace.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// Default layout profile: `party` or `state` (or another built-in one).
    pub profile: String,
    /// Add the bundled example draft of that profile.
    pub example: bool,
    /// Who makes the first commit; git's configuration when `None`.
    pub identity: Option<Identity>,
}

/// What `init` made.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InitReport {
    /// The workspace's folder.
    pub root: PathBuf,
    /// Its default profile.
    pub profile: String,
    /// The example draft added, if any.
    pub example: Option<String>,
    /// The first commit (full hex).
    pub commit: String,
    /// A document kind to suggest for a first draft in the profile.
    pub first_kind: String,
}

/// Creates a workspace in `dir`. Everything is checked before anything is
/// written, so a refused init leaves `dir` as it was.
pub fn init(dir: &Path, opts: &InitOptions) -> Result<InitReport, WorkspaceError> {
    if dir.join(CONFIG_FILE).exists() {
        return Err(WorkspaceError::AlreadyWorkspace {
            path: dir.to_path_buf(),
        });
    }
    let known = Templates::builtin().profiles();
    if !known.contains(&opts.profile) {
        return Err(crate::profile::ProfileError::UnknownProfile {
            name: opts.profile.clone(),
            known: known.join(", "),
        }
        .into());
    }
    let who = match &opts.identity {
        Some(w) => w.clone(),
        None => Identity::from_default_config()?,
    };
    let example = if opts.example {
        crate::examples::bundled()
            .into_iter()
            .find(|e| e.profile() == Some(opts.profile.as_str()))
            .or_else(|| crate::examples::bundled().into_iter().next())
    } else {
        None
    };
    // An existing repository is reused (a workspace inside a project), but
    // only on a branch we can commit to. The folder is made first so that
    // git finds a repository above a folder that does not exist yet
    // (instead of a new repository nested in it).
    let made = !dir.exists();
    if made {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateFolder {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let opened = match Store::open(dir) {
        Err(StoreError::NotARepo { .. }) => Store::init(dir),
        other => other,
    }
    .and_then(|store| match store.head_state()? {
        HeadState::Detached(oid) => Err(StoreError::Detached { short: oid.short() }),
        _ => Ok(store),
    });
    let store = match opened {
        Ok(store) => store,
        Err(e) => {
            if made {
                // Only removes the folder if it is still empty.
                let _ = std::fs::remove_dir(dir);
            }
            return Err(e.into());
        }
    };
    let root = store.root().to_path_buf();
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| WorkspaceError::Io { path, source }
    };
    let config_text = default_config(&opts.profile);
    write_owned(
        &root.join(CONFIG_FILE),
        config_text.as_bytes(),
        "its configuration",
    )?;
    let templates_dir = root.join(TEMPLATES_DIR);
    let mut paths: Vec<PathBuf> = vec![PathBuf::from(CONFIG_FILE)];
    for p in Templates::install_builtin(&templates_dir)? {
        if let Ok(rel) = p.strip_prefix(&root) {
            paths.push(rel.to_path_buf());
        }
    }
    let drafts = root.join(DRAFTS_DIR);
    std::fs::create_dir_all(&drafts).map_err(io(&drafts))?;
    if let Some(e) = &example {
        let rel = Workspace::draft_rel(e.slug);
        let text = e.versions[0];
        write_owned(&root.join(&rel), text.as_bytes(), "drafts")?;
        paths.push(rel);
    }
    let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let message = match &example {
        Some(e) => format!(
            "Khởi tạo không gian soạn thảo (profile {}) với dự thảo mẫu {}",
            opts.profile, e.slug
        ),
        None => format!("Khởi tạo không gian soạn thảo (profile {})", opts.profile),
    };
    let commit = store.commit_paths(&refs, &message, &who)?;
    Ok(InitReport {
        root,
        profile: opts.profile.clone(),
        example: example.map(|e| e.slug.to_string()),
        commit: commit.to_string(),
        first_kind: first_kind(&opts.profile).to_string(),
    })
}

/// A starting `duthao.toml`: a real organisation layout to adapt, with the
/// review levels of the profile's usual pipeline (the text lives in
/// `default-party.toml` / `default-state.toml` beside this file).
pub fn default_config(profile: &str) -> String {
    let (text, default) = if profile.starts_with("party") {
        (PARTY_CONFIG, "profile = \"party\"\n")
    } else {
        (STATE_CONFIG, "profile = \"state\"\n")
    };
    // The example's organisation fits every profile of its family; the
    // profile line names the one chosen.
    text.replacen(default, &format!("profile = \"{profile}\"\n"), 1)
}

/// A document kind to suggest for a first draft in a profile: the
/// resolution for a party body, the decision for a state body.
fn first_kind(profile: &str) -> &'static str {
    if profile.starts_with("party") {
        "nghi-quyet"
    } else {
        "quyet-dinh"
    }
}

const PARTY_CONFIG: &str = include_str!("default-party.toml");

const STATE_CONFIG: &str = include_str!("default-state.toml");
