//! duthao: official Vietnamese documents from first draft to signed-off DOCX,
//! kept in git.
//!
//! The data flows one way: [`reader`] (Markdown + front matter) →
//! [`model`] → {diff, review, approvals} → writers. [`store`] keeps
//! revisions and versions in git; [`workspace`] ties a folder, its
//! configuration, its profiles and its store together.

pub use duthao_diff as diff;
pub use duthao_fs as fsutil;
pub use duthao_model as model;
pub use duthao_model::reader;
pub use duthao_profile as profile;
pub use duthao_store as store;

pub mod examples;
pub mod workspace;

/// The writers (transitional paths).
pub mod render {
    pub use duthao_docx as docx;
    pub use duthao_render::*;
    /// The redline writers.
    pub mod redline {
        pub use duthao_render::*;
    }
}
