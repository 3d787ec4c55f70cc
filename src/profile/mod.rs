//! Layout profiles (party, state, a workspace's own) as data under
//! `templates/<profile>/`: the document kinds and their skeletons, and the
//! layout rules. Built-in profiles are compiled in; a workspace's
//! `templates/` overrides them without a rebuild.

mod kinds;
pub mod layout;
mod templates;

pub use kinds::{Kind, Kinds};
pub use templates::{TemplateFile, Templates};

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("unknown profile `{name}`; known profiles: {known}")]
    UnknownProfile { name: String, known: String },
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
