//! duthao: official Vietnamese documents from first draft to signed-off DOCX,
//! kept in git.
//!
//! The data flows one way: [`reader`] (Markdown + front matter) →
//! [`model`] → {diff, review, approvals} → writers. [`store`] keeps
//! revisions and versions in git; [`workspace`] ties a folder, its
//! configuration, its profiles and its store together.

pub mod diff;
pub mod examples;
pub mod fsutil;
pub mod model;
pub mod profile;
pub mod reader;
pub mod render;
pub mod store;
pub mod workspace;
