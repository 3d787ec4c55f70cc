//! Layout profiles (party, state, a workspace's own) as data under
//! `templates/<profile>/`: the document kinds and their skeletons, and the
//! layout rules. Built-in profiles are compiled in; a workspace's
//! `templates/` overrides them without a rebuild.
#![warn(missing_docs)]

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

/// Why a profile's kinds or template files could not be found or read. Each message names the file.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// No built-in or workspace profile of this name has a `kinds.toml`.
    #[error("unknown profile `{name}`; known profiles: {known}")]
    UnknownProfile {
        /// The profile asked for.
        name: String,
        /// The profiles that exist, for the message.
        known: String,
    },
    /// The name cannot name a profile folder (see [`is_profile_name`]).
    #[error(
        "{name:?} is not a profile name; a profile is a folder of templates/ named with lower-case letters, digits and '-' (e.g. party, state)"
    )]
    BadName {
        /// The name as given.
        name: String,
    },
    /// A workspace template file could not be read safely (a link, outside the
    /// workspace, too large).
    #[error(transparent)]
    Read(#[from] duthao_fs::ReadFileError),
    /// A `kinds.toml` is not valid TOML.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        /// The file: the workspace's, or `(built-in) templates/<profile>/kinds.toml`.
        file: PathBuf,
        /// The 1-based line of the problem.
        line: usize,
        /// The 1-based column of the problem.
        column: usize,
        /// What is wrong, in the words of someone editing the file.
        message: String,
    },
    /// A template file holds something duthao cannot use: a bad kind slug, a
    /// missing skeleton, a file name outside the profile, text that is not UTF-8.
    #[error("{file}: `{key}` {message}")]
    Invalid {
        /// The file, or the profile's folder for a bad file name.
        file: PathBuf,
        /// What is wrong, as a key path (`kinds[2].slug`) or a file name.
        key: String,
        /// What is wrong with it.
        message: String,
    },
}
