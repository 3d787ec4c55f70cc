//! Layout profiles (party, state, a workspace's own) as data under
//! `templates/<profile>/`: the document kinds and their skeletons, and the
//! layout rules. Built-in profiles are compiled in; a workspace's
//! `templates/` overrides them without a rebuild.

mod kinds;
pub mod layout;
pub(crate) mod templates;
pub mod toml_text;

pub use kinds::{Kind, Kinds};
pub use templates::{MAX_TEMPLATE_BYTES, TemplateFile, Templates};

use std::path::PathBuf;

/// The longest profile name.
const MAX_PROFILE_NAME: usize = 64;

/// Whether `name` can name a profile: lower-case ASCII letters, digits and
/// '-', as a folder of `templates/`. Anything else (a path, `..`, a control
/// character) never reaches the file system.
pub fn is_profile_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_PROFILE_NAME
        && !name.starts_with('-')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Checks a profile name before it is used to find files.
pub fn check_profile_name(name: &str) -> Result<(), ProfileError> {
    if is_profile_name(name) {
        Ok(())
    } else {
        Err(ProfileError::BadName {
            name: name.to_string(),
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("unknown profile `{name}`; known profiles: {known}")]
    UnknownProfile { name: String, known: String },
    #[error(
        "{name:?} is not a profile name; a profile is a folder of templates/ named with lower-case letters, digits and '-' (e.g. party, state)"
    )]
    BadName { name: String },
    #[error(transparent)]
    Read(#[from] duthao_fs::ReadFileError),
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}: `{key}` {message}")]
    Invalid {
        file: PathBuf,
        key: String,
        message: String,
    },
    #[error("{file}: cannot read: {source}")]
    Io {
        file: PathBuf,
        source: std::io::Error,
    },
}
