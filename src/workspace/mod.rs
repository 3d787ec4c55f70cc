//! A workspace: a folder with `duthao.toml`, its drafts, templates and git
//! store. Found upward from the current folder, like git.

pub mod config;
mod drafts;
mod export;
mod history;
mod init;
mod status;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use config::{Config, ConfigError};
pub use drafts::{Committed, NewDraft, conflict_marker_line};
pub use export::{Exported, Snapshot};
pub use history::{LogEntry, LogEvent};
pub use init::{InitOptions, InitReport, default_config, first_kind, init};
pub use status::{DraftStatus, DraftSummary, Stage, VersionInfo};

use crate::model::Draft;
use crate::profile::{Kind, Kinds, ProfileError, Templates};
use crate::reader::{self, ReadError};
use crate::store::{Rev, Store, StoreError, Version};

pub const CONFIG_FILE: &str = "duthao.toml";
pub const DRAFTS_DIR: &str = "drafts";
pub const TEMPLATES_DIR: &str = "templates";

#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error(
        "not inside a duthao workspace (no {CONFIG_FILE} in {} or any folder above it); run `duthao init DIR` to create one, or cd into a workspace",
        start.display()
    )]
    NotFound { start: PathBuf },
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Layout(crate::profile::layout::LayoutError),
    #[error(transparent)]
    Docx(#[from] crate::render::docx::DocxError),
    #[error(transparent)]
    Write(#[from] crate::fsutil::WriteError),
    #[error("{file}:{line}: unknown kind `{kind}` in profile `{profile}`; known kinds: {known}")]
    UnknownKind {
        file: PathBuf,
        line: usize,
        kind: String,
        profile: String,
        known: String,
    },
    #[error("unknown kind `{kind}` in profile `{profile}`; known kinds: {known}")]
    UnknownKindArg {
        kind: String,
        profile: String,
        known: String,
    },
    #[error(
        "{folder}/ is a symbolic link (to {}); a workspace's {folder} must be a real folder inside it, as git stores them",
        target.display()
    )]
    FolderLink {
        folder: &'static str,
        target: PathBuf,
    },
    #[error(transparent)]
    ReadFile(#[from] crate::fsutil::ReadFileError),
    #[error(
        "{}:{line}: a merge conflict marker is in the text; resolve the conflict (keep the right text, remove the <<<<<<< ======= >>>>>>> lines), then commit",
        file.display()
    )]
    ConflictMarkers { file: PathBuf, line: usize },
    #[error(
        "{file}:{line}: profile {profile:?} is not a profile name; use lower-case letters, digits and '-' (known profiles: {known})"
    )]
    BadProfileIn {
        file: PathBuf,
        line: usize,
        profile: String,
        known: String,
    },
    #[error("{file}:{line}: unknown profile `{profile}`; known profiles: {known}")]
    UnknownProfileIn {
        file: PathBuf,
        line: usize,
        profile: String,
        known: String,
    },
    #[error(
        "{slug}: the committed text is the same as Dự thảo lần {n}; there is nothing new to send out (edit, commit, then submit)"
    )]
    NothingNew { slug: String, n: u32 },
    #[error("no draft `{slug}` (no {DRAFTS_DIR}/{slug}.md); drafts here: {known}")]
    UnknownSlug { slug: String, known: String },
    #[error("`{slug}` {problem}")]
    InvalidSlug { slug: String, problem: String },
    #[error("{} already exists; choose another name or edit that draft", path.display())]
    DraftExists { path: PathBuf },
    #[error("{slug}: {DRAFTS_DIR}/{slug}.md does not exist at {rev}")]
    MissingAt { slug: String, rev: String },
    #[error(
        "{slug}: the text on disk differs from the last commit; commit it first (duthao commit {slug} -m \"…\") so the version is exactly what reviewers read"
    )]
    Uncommitted { slug: String },
    #[error(
        "{slug}: the draft has never been committed; run `duthao commit {slug} -m \"…\"` first"
    )]
    NeverCommitted { slug: String },
    #[error("{} is already a duthao workspace ({CONFIG_FILE} exists); nothing was changed", path.display())]
    AlreadyWorkspace { path: PathBuf },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

pub type Result<T, E = WorkspaceError> = std::result::Result<T, E>;

pub struct Workspace {
    root: PathBuf,
    pub config: Config,
    pub templates: Templates,
    store: Store,
    kinds: Mutex<HashMap<String, std::sync::Arc<Kinds>>>,
}

impl Workspace {
    /// Finds the workspace containing `start` (walking up) and opens it.
    pub fn find(start: &Path) -> Result<Workspace> {
        let start = std::fs::canonicalize(start).map_err(|source| WorkspaceError::Io {
            path: start.to_path_buf(),
            source,
        })?;
        let mut dir = Some(start.as_path());
        while let Some(d) = dir {
            if d.join(CONFIG_FILE).is_file() {
                return Workspace::open(d);
            }
            dir = d.parent();
        }
        Err(WorkspaceError::NotFound { start })
    }

    /// Opens the workspace whose root is `root`.
    pub fn open(root: &Path) -> Result<Workspace> {
        let mut store = Store::open(root)?;
        store.set_read_limit(reader::MAX_DRAFT_BYTES as u64);
        let root = store.root();
        // Git stores a link to a folder as a link: drafts and templates read
        // through one would differ from what is committed, and may lie
        // anywhere on the machine.
        for dir in [DRAFTS_DIR, TEMPLATES_DIR] {
            if let Ok(m) = std::fs::symlink_metadata(root.join(dir))
                && m.file_type().is_symlink()
            {
                return Err(WorkspaceError::FolderLink {
                    folder: dir,
                    target: std::fs::read_link(root.join(dir)).unwrap_or_default(),
                });
            }
        }
        let config = Config::load_in(root)?;
        Ok(Workspace {
            root: store.root().to_path_buf(),
            config,
            templates: Templates::with_workspace(root.join(TEMPLATES_DIR)),
            store,
            kinds: Mutex::new(HashMap::new()),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// What output written from this workspace must never replace: its
    /// drafts, configuration and templates, git's folder, and anything a
    /// symbolic link would send outside the workspace.
    pub fn output_guard(&self) -> crate::fsutil::Guard {
        let mut g = crate::fsutil::Guard::new();
        g.within(&self.root);
        g.protect_folder(
            &self.root.join(DRAFTS_DIR),
            Some("md"),
            "a draft of this workspace",
        );
        g.protect_folder(
            &self.root.join(TEMPLATES_DIR),
            None,
            "inside this workspace's templates/",
        );
        g.protect_file(
            &self.root.join(CONFIG_FILE),
            "this workspace's configuration",
        );
        g.protect_folder(self.store.git_dir(), None, "inside git's own folder");
        g
    }

    /// `drafts/<slug>.md`, relative to the root.
    pub fn draft_rel(slug: &str) -> PathBuf {
        Path::new(DRAFTS_DIR).join(format!("{slug}.md"))
    }

    pub fn draft_path(&self, slug: &str) -> PathBuf {
        self.root.join(Self::draft_rel(slug))
    }

    /// Every draft's slug, sorted.
    pub fn slugs(&self) -> Result<Vec<String>> {
        let dir = self.root.join(DRAFTS_DIR);
        let rd = match std::fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(WorkspaceError::Io { path: dir, source }),
        };
        // A draft that is a link is listed too, and refused when read, with
        // the reason; a folder is not a draft.
        let mut slugs: Vec<String> = rd
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let slug = name.strip_suffix(".md")?;
                let is_dir = e.file_type().ok()?.is_dir();
                (is_slug(slug) && !is_dir).then(|| slug.to_string())
            })
            .collect();
        slugs.sort();
        Ok(slugs)
    }

    /// `.md` files in `drafts/` whose names are not valid slugs (so no
    /// command can name them): listed so they are not silently ignored.
    pub fn misnamed_drafts(&self) -> Result<Vec<String>> {
        let dir = self.root.join(DRAFTS_DIR);
        let Ok(rd) = std::fs::read_dir(&dir) else {
            return Ok(Vec::new());
        };
        let mut names: Vec<String> = rd
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let stem = name.strip_suffix(".md")?;
                (!is_slug(stem)).then_some(name)
            })
            .collect();
        names.sort();
        Ok(names)
    }

    /// Checks that `slug` names an existing draft (on disk).
    pub fn require_slug(&self, slug: &str) -> Result<()> {
        check_slug(slug)?;
        if self.draft_exists(slug) {
            return Ok(());
        }
        let known = self.slugs()?;
        Err(WorkspaceError::UnknownSlug {
            slug: slug.to_string(),
            known: crate::profile::toml_text::known(known.iter().map(String::as_str)),
        })
    }

    /// Whether `drafts/<slug>.md` is there (a link counts: reading it says why
    /// it is refused).
    pub fn draft_exists(&self, slug: &str) -> bool {
        std::fs::symlink_metadata(self.draft_path(slug)).is_ok_and(|m| !m.is_dir())
    }

    /// The kinds of a profile, loaded once.
    pub fn kinds(&self, profile: &str) -> Result<std::sync::Arc<Kinds>> {
        let mut cache = self.kinds.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(k) = cache.get(profile) {
            return Ok(k.clone());
        }
        let k = std::sync::Arc::new(Kinds::load(&self.templates, profile)?);
        cache.insert(profile.to_string(), k.clone());
        Ok(k)
    }

    /// The profile a draft uses: its own, else the workspace default.
    pub fn profile_of<'a>(&'a self, draft: &'a Draft) -> &'a str {
        draft
            .front
            .profile
            .as_deref()
            .unwrap_or(&self.config.profile)
    }

    /// The kind of a draft, or an error naming the file and line.
    pub fn kind_of(&self, draft: &Draft, file: &Path, text: &str) -> Result<Kind> {
        let profile = self.profile_of(draft);
        let profile_line = || {
            text.lines()
                .position(|l| l.starts_with("profile:"))
                .map(|i| i + 1)
                .unwrap_or(1)
        };
        let kinds = match self.kinds(profile) {
            Ok(k) => k,
            Err(WorkspaceError::Profile(ProfileError::BadName { name })) => {
                return Err(WorkspaceError::BadProfileIn {
                    file: file.to_path_buf(),
                    line: profile_line(),
                    profile: name,
                    known: self.templates.profiles().join(", "),
                });
            }
            Err(WorkspaceError::Profile(ProfileError::UnknownProfile { name, known })) => {
                return Err(WorkspaceError::UnknownProfileIn {
                    file: file.to_path_buf(),
                    line: text
                        .lines()
                        .position(|l| l.starts_with("profile:"))
                        .map(|i| i + 1)
                        .unwrap_or(1),
                    profile: name,
                    known,
                });
            }
            Err(e) => return Err(e),
        };
        match kinds.get(&draft.front.kind) {
            Some(k) => Ok(k.clone()),
            None => Err(WorkspaceError::UnknownKind {
                file: file.to_path_buf(),
                line: text
                    .lines()
                    .position(|l| l.starts_with("kind:"))
                    .map(|i| i + 1)
                    .unwrap_or(1),
                kind: draft.front.kind.clone(),
                profile: profile.to_string(),
                known: kinds.known(),
            }),
        }
    }

    /// The draft's text at a revision (`working` = the file on disk), decoded
    /// and NFC-normalised.
    pub fn draft_text(&self, slug: &str, rev: &Rev) -> Result<String> {
        let bytes = self.draft_bytes(slug, rev)?;
        Ok(reader::decode_owned(bytes, &self.draft_name(slug, rev))?)
    }

    /// A draft that exists on disk, or at least in history (a version of a
    /// draft whose file was since removed can still be read and exported).
    pub fn require_slug_or_history(&self, slug: &str) -> Result<()> {
        check_slug(slug)?;
        if self.draft_exists(slug) || !self.versions(slug)?.is_empty() {
            return Ok(());
        }
        self.require_slug(slug)
    }

    /// The draft file's bytes at a revision, as stored.
    pub fn draft_bytes(&self, slug: &str, rev: &Rev) -> Result<Vec<u8>> {
        let rel = Self::draft_rel(slug);
        Ok(match rev {
            Rev::Working => {
                self.require_slug(slug)?;
                crate::fsutil::read_in_workspace(
                    &self.root,
                    &rel,
                    reader::MAX_DRAFT_BYTES as u64,
                    "drafts",
                )?
                .ok_or_else(|| WorkspaceError::MissingAt {
                    slug: slug.to_string(),
                    rev: Rev::Working.to_string(),
                })?
            }
            _ => self
                .store
                .read_at(rev, slug, &rel)?
                .ok_or_else(|| WorkspaceError::MissingAt {
                    slug: slug.to_string(),
                    rev: rev.to_string(),
                })?,
        })
    }

    /// Reads and checks a draft at a revision: it parses and its kind exists.
    pub fn read_draft(&self, slug: &str, rev: &Rev) -> Result<Draft> {
        self.parse_draft_owned(slug, rev, self.draft_text(slug, rev)?)
    }

    /// Reads two revisions of a draft, parsed at the same time (each also by
    /// sections on every core).
    pub fn read_draft_pair(&self, slug: &str, a: &Rev, b: &Rev) -> Result<(Draft, Draft)> {
        let ta = self.draft_text(slug, a)?;
        let tb = self.draft_text(slug, b)?;
        let (fa, fb) = (self.draft_name(slug, a), self.draft_name(slug, b));
        // Only the front matter is needed once parsed (to place a kind
        // error), so each text goes as soon as its model exists.
        let (ha, hb) = (
            reader::front_matter_text(&ta),
            reader::front_matter_text(&tb),
        );
        let (da, db) = rayon::join(
            || reader::parse_draft_text(ta, &fa),
            || reader::parse_draft_text(tb, &fb),
        );
        let (da, db) = (da?, db?);
        self.kind_of(&da, &fa, &ha)?;
        self.kind_of(&db, &fb, &hb)?;
        Ok((da, db))
    }

    /// Parses a draft's text and checks its kind.
    pub fn parse_draft(&self, slug: &str, rev: &Rev, text: &str) -> Result<Draft> {
        let file = self.draft_name(slug, rev);
        let draft = reader::parse_draft_str(text, &file)?;
        self.kind_of(&draft, &file, text)?;
        Ok(draft)
    }

    /// [`Workspace::parse_draft`] taking the text, which goes as soon as the
    /// model holds it.
    pub fn parse_draft_owned(&self, slug: &str, rev: &Rev, text: String) -> Result<Draft> {
        let file = self.draft_name(slug, rev);
        let head = reader::front_matter_text(&text);
        let draft = reader::parse_draft_text(text, &file)?;
        self.kind_of(&draft, &file, &head)?;
        Ok(draft)
    }

    /// How a draft at a revision is named in messages.
    pub fn draft_name(&self, slug: &str, rev: &Rev) -> PathBuf {
        display_name(&Self::draft_rel(slug), rev)
    }

    pub fn versions(&self, slug: &str) -> Result<Vec<Version>> {
        Ok(self.store.versions(slug)?)
    }
}

/// How a draft at a revision is named in messages: `drafts/x.md` on disk,
/// `drafts/x.md@v2` in history.
fn display_name(rel: &Path, rev: &Rev) -> PathBuf {
    match rev {
        Rev::Working => rel.to_path_buf(),
        other => PathBuf::from(format!("{}@{other}", rel.display())),
    }
}

/// The longest draft name: it becomes a file name and part of git tag names.
pub const MAX_SLUG_LEN: usize = 100;

/// Names Windows reserves for devices: a file `con.md` cannot be made
/// there, so a workspace with one could not be cloned onto Windows.
const WINDOWS_RESERVED: [&str; 4] = ["con", "prn", "aux", "nul"];

fn windows_reserved(s: &str) -> bool {
    WINDOWS_RESERVED.contains(&s)
        || (s.len() == 4
            && (s.starts_with("com") || s.starts_with("lpt"))
            && s.as_bytes()[3].is_ascii_digit())
}

pub fn is_slug(s: &str) -> bool {
    slug_problem(s).is_none()
}

/// What is wrong with a draft name, if anything.
fn slug_problem(s: &str) -> Option<String> {
    if s.is_empty() {
        return Some("is empty".into());
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Some(
            "is not a valid draft name; use lower-case ASCII letters, digits and '-', e.g. nghi-quyet-15".into(),
        );
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Some("starts or ends with '-'; begin and end with a letter or a digit".into());
    }
    if s.len() > MAX_SLUG_LEN {
        return Some(format!(
            "is {} characters long; a draft name is at most {MAX_SLUG_LEN} (it becomes a file name and part of git tag names): shorten it",
            s.len()
        ));
    }
    if windows_reserved(s) {
        return Some(
            "is a name Windows reserves for a device (con, prn, aux, nul, com0-9, lpt0-9): a workspace with it could not be cloned there; choose another".into(),
        );
    }
    None
}

pub fn check_slug(s: &str) -> Result<()> {
    match slug_problem(s) {
        None => Ok(()),
        Some(problem) => Err(WorkspaceError::InvalidSlug {
            slug: s.to_string(),
            problem,
        }),
    }
}
