//! duthao: official Vietnamese documents from first draft to signed-off DOCX,
//! kept in git.
//!
//! The data flows one way: [`reader`] (Markdown + front matter) →
//! [`model`] → {diff, review, approvals} → writers.

pub mod diff;
pub mod model;
pub mod render;
