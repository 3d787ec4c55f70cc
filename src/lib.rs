//! duthao: official Vietnamese documents from first draft to signed-off DOCX,
//! kept in git.
//!
//! This crate is the operations layer over the pipeline's crates (see
//! `docs/architecture.md`): [`workspace`] opens a folder with its
//! configuration, profiles and git store; [`ops`] holds one function per
//! command, each returning data and printing nothing. The data flows one
//! way: the reader ([`model`]) → [`diff`] → the writers ([`render`], and
//! the DOCX writer behind [`ops::export`]).
//!
//! The command line (`src/cli/`) uses this crate only: the re-exports below
//! are what it may name.

#![warn(missing_docs)]

pub mod examples;
pub mod ops;
pub mod workspace;

/// The sign-off rules: approvals level by level, quorum, order, issuing.
pub use duthao_approval as approval;
/// The document model and its reader.
pub use duthao_model as model;
/// The model's reader, for callers that read a draft file themselves.
pub use duthao_model::reader;

/// The redline engine's types (comparisons go through [`ops::compare`]).
pub use duthao_diff as diff;

/// The redline writers: terminal, HTML, JSON, Markdown, per-section counts.
pub use duthao_render as render;

/// Review events, their fold into threads, anchors and the synthesis's
/// model (comments go through [`ops::add_comment`] and its neighbours).
pub use duthao_review as review;

/// Files: bounded reads and the one atomic write.
pub use duthao_fs as fsutil;

pub(crate) use duthao_docx as docx;

/// Revisions, versions and identities as the store names them (the store
/// itself is reached through [`workspace::Workspace`]).
pub mod store {
    pub use duthao_store::{
        AllowedSigner, Identity, KeyFile, ObjectId, Rev, Revision, SignError, SigningBackend,
        SshKeygen, StoreError, Version, on_pause_point, parse_allowed_signers, parse_bundle_header,
        parse_porcelain,
    };
}

/// The DOCX writer's types a caller may see in a result or an error.
pub mod document {
    pub use duthao_docx::{DocxError, DraftMark};
}

pub(crate) use duthao_profile as profile;
