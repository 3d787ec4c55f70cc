use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use super::ProfileError;

/// The templates shipped with duthao, so the binary works anywhere.
static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../templates");

/// The text of a built-in template file (`layout.toml` of `state`), if
/// duthao ships it.
pub(crate) fn builtin_text(profile: &str, name: &str) -> Option<&'static str> {
    BUILTIN
        .get_file(format!("{profile}/{name}"))?
        .contents_utf8()
}

/// A template file's text and where it came from (for error messages).
#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// The file's contents.
    pub text: String,
    /// Where it came from: a path in the workspace, or `(built-in) templates/<profile>/<name>`.
    pub origin: PathBuf,
}

/// Where templates are looked up: the workspace's `templates/` first, then
/// the built-in ones.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    /// The workspace's `templates/` folder, canonical.
    workspace: Option<PathBuf>,
}

/// The largest template file read from a workspace (a layout, a list of
/// kinds, a skeleton).
pub const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;

/// Whether `name` (`kinds.toml`, `skeletons/nghi-quyet.md`) is a plain
/// relative path inside a profile's folder.
fn is_template_path(name: &str) -> bool {
    !name.is_empty()
        && name.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
}

impl Templates {
    /// Only the templates duthao ships, for use outside a workspace.
    pub fn builtin() -> Self {
        Templates { workspace: None }
    }

    /// The workspace's `templates/` folder (a real folder: the workspace
    /// refuses a link there) before the built-in templates.
    pub fn with_workspace(dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        Templates {
            workspace: Some(std::fs::canonicalize(&dir).unwrap_or(dir)),
        }
    }

    /// The workspace's own copy of a template file, if it has one.
    pub fn workspace_file(
        &self,
        profile: &str,
        name: &str,
    ) -> Result<Option<TemplateFile>, ProfileError> {
        super::check_profile_name(profile)?;
        if !is_template_path(name) {
            return Err(ProfileError::Invalid {
                file: PathBuf::from(format!("templates/{profile}")),
                key: name.to_string(),
                message: "is not a file name inside the profile's folder".into(),
            });
        }
        let Some(dir) = &self.workspace else {
            return Ok(None);
        };
        let rel = Path::new(profile).join(name);
        let Some(bytes) = duthao_fs::read_in_workspace(dir, &rel, MAX_TEMPLATE_BYTES, "templates")?
        else {
            return Ok(None);
        };
        let path = dir.join(&rel);
        let text = String::from_utf8(bytes).map_err(|e| ProfileError::Invalid {
            file: path.clone(),
            key: "(file)".into(),
            message: format!("is not UTF-8 at byte {}", e.utf8_error().valid_up_to()),
        })?;
        Ok(Some(TemplateFile { text, origin: path }))
    }

    /// The built-in template file, if duthao ships one.
    pub fn builtin_file(profile: &str, name: &str) -> Option<TemplateFile> {
        if !super::is_profile_name(profile) || !is_template_path(name) {
            return None;
        }
        let rel = format!("{profile}/{name}");
        BUILTIN.get_file(&rel).and_then(|f| {
            Some(TemplateFile {
                text: f.contents_utf8()?.to_string(),
                origin: PathBuf::from(format!("(built-in) templates/{rel}")),
            })
        })
    }

    /// A template file, the workspace's copy winning over the built-in one.
    pub fn file(&self, profile: &str, name: &str) -> Result<Option<TemplateFile>, ProfileError> {
        if let Some(f) = self.workspace_file(profile, name)? {
            return Ok(Some(f));
        }
        Ok(Self::builtin_file(profile, name))
    }

    /// Every profile that exists, built-in or the workspace's own, sorted.
    pub fn profiles(&self) -> Vec<String> {
        let mut names: Vec<String> = BUILTIN
            .dirs()
            .filter_map(|d| d.path().file_name()?.to_str().map(str::to_string))
            .collect();
        if let Some(dir) = &self.workspace
            && let Ok(rd) = std::fs::read_dir(dir)
        {
            for e in rd.flatten() {
                let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                if let Some(n) = e.file_name().to_str()
                    && is_dir
                    && super::is_profile_name(n)
                    && e.path().join("kinds.toml").is_file()
                {
                    names.push(n.to_string());
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }

    /// Writes the built-in templates into `dir` (used by `init`), leaving any
    /// file that already exists untouched.
    pub fn install_builtin(dir: &Path) -> Result<Vec<PathBuf>, duthao_fs::WriteError> {
        let mut written = Vec::new();
        install(&BUILTIN, dir, &mut written)?;
        Ok(written)
    }
}

fn install(
    d: &Dir<'_>,
    root: &Path,
    written: &mut Vec<PathBuf>,
) -> Result<(), duthao_fs::WriteError> {
    for f in d.files() {
        let path = root.join(f.path());
        if path.exists() {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| duthao_fs::WriteError::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        duthao_fs::write_owned(&path, f.contents(), "templates")?;
        written.push(path);
    }
    for sub in d.dirs() {
        install(sub, root, written)?;
    }
    Ok(())
}
