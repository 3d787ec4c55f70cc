//! A workspace: a folder with `duthao.toml`, its drafts, templates and git
//! store. Found upward from the current folder, like git.

pub mod config;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use config::{Config, ConfigError};

use crate::model::Draft;
use crate::profile::{Kind, Kinds, ProfileError, Templates};
use crate::reader::{self, DraftText, ReadError};
use duthao_store::{Rev, Store, StoreError, Version};

/// The workspace's configuration file, at its root; its presence makes a
/// folder a workspace.
pub const CONFIG_FILE: &str = "duthao.toml";
/// The folder of the drafts, one Markdown file each.
pub const DRAFTS_DIR: &str = "drafts";
/// The folder of the workspace's copy of the profiles.
pub const TEMPLATES_DIR: &str = "templates";

/// Everything opening a workspace or running an operation in it can refuse
/// or fail at. Each message says what went wrong and where; what to run
/// about it is the caller's to say.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// No workspace here or in any folder above.
    #[error(
        "not inside a duthao workspace (no {CONFIG_FILE} in {} or any folder above it)",
        start.display()
    )]
    NotFound {
        /// Where the search started.
        start: PathBuf,
    },
    /// The workspace's duthao.toml is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A profile's templates are wrong.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// A draft does not read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// Git refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A profile's layout is wrong.
    #[error(transparent)]
    Layout(crate::profile::layout::LayoutError),
    /// The DOCX could not be written.
    #[error(transparent)]
    Docx(#[from] crate::docx::DocxError),
    /// A file could not be written.
    #[error(transparent)]
    Write(#[from] crate::fsutil::WriteError),
    /// A draft names a kind its profile does not have.
    #[error("{file}:{line}: unknown kind `{kind}` in profile `{profile}`; known kinds: {known}")]
    UnknownKind {
        /// The file, as the user knows it.
        file: PathBuf,
        /// The line in it (1-based).
        line: usize,
        /// The kind named.
        kind: String,
        /// The profile named.
        profile: String,
        /// What exists instead, for the message.
        known: String,
    },
    /// A draft file from outside names a kind its profile does not have.
    #[error("{name}: unknown kind `{kind}` in profile `{profile}`; known kinds: {known}")]
    UnknownKindOf {
        /// The file as the user gave it.
        name: String,
        /// The kind named.
        kind: String,
        /// The profile named.
        profile: String,
        /// What exists instead, for the message.
        known: String,
    },
    /// A command names a kind the profile does not have.
    #[error("unknown kind `{kind}` in profile `{profile}`; known kinds: {known}")]
    UnknownKindArg {
        /// The kind named.
        kind: String,
        /// The profile named.
        profile: String,
        /// What exists instead, for the message.
        known: String,
    },
    /// drafts/ or templates/ is a symbolic link.
    #[error(
        "{folder}/ is a symbolic link (to {}); a workspace's {folder} must be a real folder inside it, as git stores them",
        target.display()
    )]
    FolderLink {
        /// Which folder.
        folder: &'static str,
        /// Where the link points.
        target: PathBuf,
    },
    /// A workspace file could not be read.
    #[error(transparent)]
    ReadFile(#[from] crate::fsutil::ReadFileError),
    /// The text holds a merge conflict git left.
    #[error("{}:{line}: a merge conflict marker is in the text", file.display())]
    ConflictMarkers {
        /// The file, as the user knows it.
        file: PathBuf,
        /// The line in it (1-based).
        line: usize,
    },
    /// A draft names a profile that is no profile name.
    #[error(
        "{file}:{line}: profile {profile:?} is not a profile name; use lower-case letters, digits and '-' (known profiles: {known})"
    )]
    BadProfileIn {
        /// The file, as the user knows it.
        file: PathBuf,
        /// The line in it (1-based).
        line: usize,
        /// The profile named.
        profile: String,
        /// What exists instead, for the message.
        known: String,
    },
    /// A draft names a profile that does not exist.
    #[error("{file}:{line}: unknown profile `{profile}`; known profiles: {known}")]
    UnknownProfileIn {
        /// The file, as the user knows it.
        file: PathBuf,
        /// The line in it (1-based).
        line: usize,
        /// The profile named.
        profile: String,
        /// What exists instead, for the message.
        known: String,
    },
    /// Submitting would freeze the same text as the latest version.
    #[error(
        "{slug}: the committed text is the same as Dự thảo lần {n}; there is nothing new to send out"
    )]
    NothingNew {
        /// The draft.
        slug: String,
        /// The version number.
        n: u32,
    },
    /// No draft of that name.
    #[error("no draft `{slug}` (no {DRAFTS_DIR}/{slug}.md); drafts here: {known}")]
    UnknownSlug {
        /// The draft.
        slug: String,
        /// What exists instead, for the message.
        known: String,
    },
    /// Not a valid draft name.
    #[error("`{slug}` {problem}")]
    InvalidSlug {
        /// The draft.
        slug: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A new draft would replace one.
    #[error("{} already exists; choose another name or edit that draft", path.display())]
    DraftExists {
        /// The path.
        path: PathBuf,
    },
    /// The draft's file is not in that revision.
    #[error("{slug}: {DRAFTS_DIR}/{slug}.md does not exist at {rev}")]
    MissingAt {
        /// The draft.
        slug: String,
        /// The revision.
        rev: String,
    },
    /// Submitting with text on disk not committed.
    #[error(
        "{slug}: the text on disk differs from the last commit; a version must be exactly the committed text reviewers read"
    )]
    Uncommitted {
        /// The draft.
        slug: String,
    },
    /// Submitting a draft no commit holds.
    #[error("{slug}: the draft has never been committed")]
    NeverCommitted {
        /// The draft.
        slug: String,
    },
    /// A review command on a draft with no version: comments are made on a version.
    #[error("{slug} has no version yet; comments are made on a version sent out for comment")]
    NoVersion {
        /// The draft.
        slug: String,
    },
    /// A version that was never submitted.
    #[error("{slug} has no v{n}; its latest version is v{latest}")]
    UnknownVersion {
        /// The draft.
        slug: String,
        /// The version asked for.
        n: u32,
        /// The latest there is.
        latest: u32,
    },
    /// A level duthao.toml does not have.
    #[error("unknown level `{level}`; the levels in duthao.toml: {known}")]
    UnknownLevel {
        /// The level named.
        level: String,
        /// What exists instead.
        known: String,
    },
    /// A commenting body duthao.toml does not have.
    #[error("unknown body \"{body}\" (chủ thể góp ý); the bodies in duthao.toml: {known}")]
    UnknownBody {
        /// The body named.
        body: String,
        /// What exists instead.
        known: String,
    },
    /// A body named with a level that is not its own.
    #[error("\"{body}\" comments at level `{its_level}` in duthao.toml, not `{level}`")]
    BodyLevel {
        /// The body.
        body: String,
        /// The level given.
        level: String,
        /// Its level in duthao.toml.
        its_level: String,
    },
    /// An anchor that is not in the version.
    #[error("{slug}: {source}")]
    Anchor {
        /// The draft.
        slug: String,
        /// What is wrong.
        source: duthao_review::AnchorError,
    },
    /// A comment id that names no comment, or several.
    #[error("comment {id}: {detail}")]
    UnknownComment {
        /// What was typed.
        id: String,
        /// Why it names none, or which it could be.
        detail: String,
    },
    /// A comment, reply or answer with no text.
    #[error("the {what} is empty")]
    EmptyText {
        /// What is empty.
        what: &'static str,
    },
    /// A response to a comment that already has one.
    #[error("comment {id} is already answered ({decision}, by {by} on {date})")]
    AlreadyAnswered {
        /// The comment's short id.
        id: String,
        /// The current decision, in Vietnamese.
        decision: String,
        /// Who answered.
        by: String,
        /// When (dd/mm/yyyy).
        date: String,
    },
    /// A comment that was withdrawn.
    #[error("comment {id} was withdrawn (by {by} on {date})")]
    Withdrawn {
        /// The comment's short id.
        id: String,
        /// Who recorded it.
        by: String,
        /// When (dd/mm/yyyy).
        date: String,
    },
    /// A body that has agreed with the version already.
    #[error("{body} has already agreed with {slug} v{n}")]
    AlreadyAgreed {
        /// The draft.
        slug: String,
        /// The version.
        n: u32,
        /// The body.
        body: String,
    },
    /// A Word file that cannot be read as one.
    #[error("{file}: {problem}")]
    WordFile {
        /// The file as the user gave it.
        file: String,
        /// What is wrong.
        problem: String,
    },
    /// A bundled example's data does not fit its draft (a fault in duthao's
    /// own files, found when the demo uses them).
    #[error("bundled example {file}: {problem}")]
    BundledExample {
        /// The file, as `drafts/<slug>/REVIEW.toml`.
        file: String,
        /// What is wrong.
        problem: String,
    },
    /// A Word file with nothing to import.
    #[error("{file} has no comments and no tracked changes; nothing to import")]
    NothingInWordFile {
        /// The file as the user gave it.
        file: String,
    },
    /// A comparison with no version to start from.
    #[error("{slug} has no version yet, so there is nothing to compare the text with")]
    NothingToCompare {
        /// The draft.
        slug: String,
    },
    /// The final document asked for before the draft was approved and issued.
    #[error("{slug}: no final document yet: {reason}")]
    NotApproved {
        /// The draft.
        slug: String,
        /// The level or step still open.
        reason: String,
    },
    /// A site name refused, or a step this site may not take.
    #[error("{reason}")]
    Site {
        /// Why, in a sentence.
        reason: String,
    },
    /// The sign-off rules refuse the step (approve, reject, issue).
    #[error("{slug}: {reason}")]
    SignOff {
        /// The draft.
        slug: String,
        /// Which rule, in a sentence.
        reason: String,
    },
    /// Signing needs a key and none is set up.
    #[error("no SSH signing key is set up: {what} needs one")]
    NoSigningKey {
        /// The step that signs ("an approval").
        what: &'static str,
    },
    /// The demo's folder holds files already.
    #[error("{} exists and is not empty", path.display())]
    FolderNotEmpty {
        /// The path.
        path: PathBuf,
    },
    /// The demo's folder is inside a workspace.
    #[error("{} is inside the workspace {}", path.display(), workspace.display())]
    InsideWorkspace {
        /// The path.
        path: PathBuf,
        /// The workspace it is in.
        workspace: PathBuf,
    },
    /// init where a workspace already is.
    #[error("{} is already a duthao workspace ({CONFIG_FILE} exists); nothing was changed", path.display())]
    AlreadyWorkspace {
        /// The path.
        path: PathBuf,
    },
    /// The system refused a read or a write.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The system's error.
        #[source]
        source: std::io::Error,
    },
}

/// What the operations return.
pub type Result<T, E = WorkspaceError> = std::result::Result<T, E>;

/// A workspace: a folder with `duthao.toml`, its drafts, its profiles and
/// the git repository that holds its history (the folder itself or one
/// above it). Everything is read through it; the operations in
/// [`crate::ops`] work on it.
pub struct Workspace {
    root: PathBuf,
    /// Its configuration, checked.
    pub config: Config,
    pub(crate) templates: Templates,
    store: Store,
    kinds: Mutex<HashMap<String, std::sync::Arc<Kinds>>>,
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("root", &self.root)
            .finish()
    }
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

    /// The workspace's folder (canonical).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Its git store, which reaches every path through the workspace's
    /// folder inside the repository.
    pub(crate) fn store(&self) -> &Store {
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

    /// `drafts/<slug>.md` in the workspace's folder.
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
    pub fn draft_text(&self, slug: &str, rev: &Rev) -> Result<DraftText> {
        let bytes = self.draft_bytes(slug, rev)?;
        Ok(reader::decode(bytes, &self.draft_name(slug, rev))?)
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
        self.checked_draft(slug, rev, self.draft_text(slug, rev)?)
    }

    /// Reads two revisions of a draft, parsed at the same time, each on a
    /// core of its own.
    pub fn read_draft_pair(&self, slug: &str, a: &Rev, b: &Rev) -> Result<(Draft, Draft)> {
        let ta = self.draft_text(slug, a)?;
        let tb = self.draft_text(slug, b)?;
        let (fa, fb) = (self.draft_name(slug, a), self.draft_name(slug, b));
        // Only the front matter is needed once parsed (to place a kind
        // error), so each text goes as soon as its model exists. (The store
        // stays on this thread: git's handle is not shared between threads.)
        let (ha, hb) = (
            reader::front_matter_text(&ta),
            reader::front_matter_text(&tb),
        );
        let (da, db) = reader::side_by_side(|| reader::read(ta, &fa), || reader::read(tb, &fb));
        let (da, db) = (da?, db?);
        self.kind_of(&da, &fa, &ha)?;
        self.kind_of(&db, &fb, &hb)?;
        Ok((da, db))
    }

    /// Reads a draft's text at a revision as a draft and checks its kind.
    /// The text goes as soon as the model holds it; only its front matter is
    /// kept, to place a kind error on its line.
    pub fn checked_draft(&self, slug: &str, rev: &Rev, text: DraftText) -> Result<Draft> {
        let file = self.draft_name(slug, rev);
        let head = reader::front_matter_text(&text);
        let draft = reader::read(text, &file)?;
        self.kind_of(&draft, &file, &head)?;
        Ok(draft)
    }

    /// Whether the text on disk differs from the committed text. Bytes that
    /// differ only in what reading normalises (NFD instead of NFC, CRLF line
    /// ends, a BOM) are not a change: `status`, `diff` and `submit` agree.
    pub fn uncommitted(&self, slug: &str) -> Result<bool> {
        let rel = Self::draft_rel(slug);
        if !self.store().is_dirty(&rel)? {
            return Ok(false);
        }
        self.text_differs_from_head(slug)
    }

    /// For a draft git sees as changed: whether its text differs too.
    pub fn text_differs_from_head(&self, slug: &str) -> Result<bool> {
        let head = match self.draft_text(slug, &Rev::Git("HEAD".into())) {
            Ok(t) => t,
            Err(_) => return Ok(true),
        };
        Ok(match self.draft_text(slug, &Rev::Working) {
            Ok(disk) => disk != head,
            Err(_) => true,
        })
    }

    /// How a draft at a revision is named in messages.
    pub fn draft_name(&self, slug: &str, rev: &Rev) -> PathBuf {
        display_name(&Self::draft_rel(slug), rev)
    }

    /// Who is running duthao, as git's configuration says (user.name,
    /// user.email): the author of what they record.
    pub fn identity(&self) -> Result<duthao_store::Identity> {
        Ok(self.store.identity()?)
    }

    /// The versions of a draft sent out for comment, oldest first.
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

/// Whether `s` is a valid draft name (see [`check_slug`]).
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

/// A draft name is lower-case ASCII letters, digits and '-', at most
/// [`MAX_SLUG_LEN`] long, no name Windows reserves: it becomes a file name
/// and part of git tag names on every system the workspace is cloned to.
pub fn check_slug(s: &str) -> Result<()> {
    match slug_problem(s) {
        None => Ok(()),
        Some(problem) => Err(WorkspaceError::InvalidSlug {
            slug: s.to_string(),
            problem,
        }),
    }
}

/// The first line (1-based) that is a merge conflict marker git leaves in a
/// file (`<<<<<<< `, `=======`, `>>>>>>> `, and diff3's `||||||| `).
pub fn conflict_marker_line(text: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim_end();
            l == "======="
                || ["<<<<<<< ", ">>>>>>> ", "||||||| "]
                    .iter()
                    .any(|m| l.starts_with(m))
                || l == "<<<<<<<"
                || l == ">>>>>>>"
        })
        .map(|i| i + 1)
}
