//! The operations: one function per command, for the command line now and
//! a review page later. Each takes what the user asked for, does it, and
//! returns what happened as data; none prints, none decides how its result
//! is shown, and none gives advice on what to run next (the caller does,
//! from the result or the error).

mod approve;
mod commit;
mod compare;
mod demo;
mod export;
mod import;
mod init;
mod issue;
mod keys;
mod list;
mod log;
mod new;
mod pdf;
mod report;
mod review;
mod signoff;
pub mod sites;
mod snapshot;
mod status;
mod submit;
mod sync;
mod verify;
mod verify_docx;

pub use approve::{Decided, DecisionRequest, decide, decide_with};
pub use commit::{Committed, commit, commit_as};
pub use compare::{CompareOptions, Comparison, Sources, compare, revisions};
pub use demo::{
    COMMUNE_SITE as DEMO_COMMUNE_SITE, DemoReport, SitesDone, Submitted, SyncStep, demo,
};
pub use export::{Exported, Which, export, export_changes, export_for_comment};
pub use import::{ImportOptions, Imported, MAX_DOCX_BYTES, import, margin_author, margin_text};
pub use init::{InitOptions, InitReport, default_config, init};
pub use issue::{IssueRequest, IssuedDocument, RegisterEntry, issue, issue_with, register};
pub use keys::{ALLOWED_SIGNERS, Keys, keys};
pub use list::{DraftSummary, list};
pub use log::{LogEntry, LogEvent, log};
pub use new::{NewDraft, NewOptions, new_draft};
pub use pdf::{PDF_TIME_LIMIT, PdfError, docx_to_pdf, docx_to_pdf_guarded};
pub use report::{Report, report, report_docx};
pub use review::{
    BodyStatus, CommentList, ListFilter, NewComment, Placed, REVIEWS_DIR, Recorded, RecordedEvent,
    ReviewSummary, Shown, add_comment, agree, comments, draft_of_comment, find_comment,
    load_review, place_all, place_in, redline_notes, reply, respond, review_rel, review_summary,
    review_version, roster, show, state_vi, withdraw,
};
pub use signoff::{SignOff, date_vi, open_step, signoff, stage_vi};
pub use snapshot::{Origin, Purpose, Snapshot, snapshot};
pub use status::{
    ApprovalStatus, DraftStatus, LevelApproval, NextStep, Stage, VersionInfo, status,
};
pub use submit::{SignVersion, submit, submit_as, submit_signed_as, submit_signing};
pub use sync::{
    BundleInfo, DraftConflictReport, DraftMoved, HeldBack, MAX_BUNDLE_BYTES, Moved, RefConflict,
    RemoteInfo, SyncReport, SyncRequest, SyncStatus, TagMoved, sync,
};
pub use verify::{DraftCheck, Trusted, Verification, verify, verify_trusting};
pub use verify_docx::{ChangedParagraph, DocxCheck, verify_docx};
