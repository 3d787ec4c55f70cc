//! DOCX in the official layout.
//!
//! [`export`] is the one entry point. It writes one draft
//! ([`Content::Draft`]): the header table, number and date, type name and
//! trích yếu, the whole body, the signature block and "Nơi nhận", page
//! numbers from page 2, and the draft mark; or the TO version of a diff
//! with every change as a Word tracked change ([`Content::Changes`]), as the
//! diff decided it: the writer only prints; or the synthesis table of the
//! comments on a version ([`Content::Report`]), on landscape pages.
//!
//! The WordprocessingML is written here, as text, rather than through a
//! document-tree library: every property container is a typed value written
//! in the order of the ISO/IEC 29500 schemas (`props`), which is the order
//! Word reads; text is escaped so that no character a draft may hold breaks
//! the XML (`xml`); the package holds exactly the parts the document uses,
//! each reached by a relationship (`package`). The body is written block
//! by block into the deflated package, so a long draft never sits in memory
//! as a tree; footnotes are real Word footnotes written after the body from
//! the references it made; list numbering is the drafter's text, never Word
//! numbering. The same input always gives the same bytes.
#![warn(missing_docs)]

mod body;
mod check;
mod comments;
mod footnotes;
mod header;
mod package;
mod page;
mod props;
mod report;
mod signature;
mod tables;
mod tracked;
mod writer;
mod xml;

pub use check::check;
pub use comments::{MarginComment, MarginReply, marker_name};
pub use package::MAX_PROPERTY_NAME;
pub use props::Attribution;

use body::{Referenced, renders};
use package::{Package, Parts, Properties};
use props::Track;
use writer::Writer;

use duthao_diff::DraftDiff;
use duthao_model::{Draft, FrontMatter};
use duthao_profile::layout::Layout;
use duthao_review::{ReportContext, Synthesis};

/// The document type as the profile's kinds name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindInfo {
    /// "NGHỊ QUYẾT"
    pub name: String,
    /// "NQ"
    pub code: String,
}

/// Whether the document carries a draft mark on its first page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftMark {
    /// `Some(n)`: "Dự thảo lần n" (a submitted version); `None`: "DỰ THẢO" (working text).
    Draft {
        /// The version number of a submitted dự thảo.
        version: Option<u32>,
    },
    /// No mark: the signed-off document.
    Final,
}

/// Where the exported text came from; written to the custom document properties
/// so `verify` can later tell whether a DOCX matches what was approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// The draft's name (its file is `drafts/<slug>.md`), or the file's name for a
    /// draft from outside the workspace.
    pub slug: String,
    /// The "Dự thảo lần N" the text is, when it is a submitted version.
    pub version: Option<u32>,
    /// The git commit the text was read from (hex); `None` for the text on disk.
    pub commit: Option<String>,
    /// Hex SHA-256 of the draft file's bytes.
    pub source_sha256: String,
    /// RFC 3339 time of the commit, used for the created/modified properties
    /// when known; otherwise the draft's date is used. Never the wall clock.
    pub committed_at: Option<String>,
    /// Sign-off records (approvals, the issued number and date), as custom
    /// properties written after duthao's own, in this order; empty for a
    /// draft, whose bytes are then what they were before sign-off existed.
    /// Names must be non-empty, without control characters, at most
    /// [`MAX_PROPERTY_NAME`] characters, and unlike each other and duthao's
    /// own `duthao.*` names (without regard to case); otherwise
    /// [`export`] fails with [`DocxError::PropertyName`].
    pub signoff: Vec<(String, String)>,
}

/// Why a DOCX could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    /// The ZIP package could not be written; the ZIP or I/O layer's message.
    #[error("cannot write the DOCX package: {0}")]
    Package(String),
    /// A part the official layout cannot do without is empty; names it ("issuing
    /// body (issuer.name)").
    #[error("the draft has no {0}; the official layout needs it")]
    Missing(&'static str),
    /// A sign-off property name the package cannot carry faithfully.
    #[error("cannot record the custom property {name:?}: {why}")]
    PropertyName {
        /// The name given.
        name: String,
        /// What is wrong with it.
        why: String,
    },
    /// A margin comment is on a block the draft does not have.
    #[error("comment {comment} is on block {block}, but the draft has {blocks} blocks")]
    CommentBlock {
        /// The comment's index in the list given.
        comment: usize,
        /// The block it names.
        block: usize,
        /// How many blocks the draft has.
        blocks: usize,
    },
}

impl From<zip::result::ZipError> for DocxError {
    fn from(e: zip::result::ZipError) -> Self {
        DocxError::Package(e.to_string())
    }
}

impl From<std::io::Error> for DocxError {
    fn from(e: std::io::Error) -> Self {
        DocxError::Package(e.to_string())
    }
}

/// What a DOCX shows.
#[derive(Debug)]
pub enum Content<'a> {
    /// A draft as it is.
    Draft(&'a Draft),
    /// TO in the official layout with every change of `diff` (FROM → TO) as
    /// a Word tracked change attributed to `by`: Accept All gives TO, Reject
    /// All gives FROM. The diff is taken, so that its text moves into the
    /// document instead of being held twice.
    Changes {
        /// `diff_drafts(from, to, …)`.
        diff: DraftDiff,
        /// The older version.
        from: &'a Draft,
        /// The newer version, the one laid out.
        to: &'a Draft,
        /// Who made the changes, and when.
        by: Attribution,
    },
    /// The synthesis table of the comments on a version (Bản tổng hợp ý
    /// kiến, tiếp thu, giải trình ý kiến góp ý), on landscape A4 in the
    /// profile's fonts, with the profile's header and the drafting body's
    /// signature block. Of the [`DocxOptions`] it uses the layout and the
    /// provenance (recorded as for a draft: the version the comments are
    /// on); the kind and the draft mark are not used, the context names
    /// the document and a synthesis carries no draft mark. The header's
    /// motto is the layout's, so `context.header` should be the profile's.
    Report {
        /// The comments and answers.
        synthesis: &'a Synthesis,
        /// Who issues it, where and when, and about which draft.
        context: &'a ReportContext,
    },
    /// A draft laid out exactly as [`Content::Draft`], for reviewers who
    /// comment on it in Word: every body paragraph inside a hidden bookmark
    /// naming its block (`_dt{index}_{fingerprint}`, see [`marker_name`]),
    /// and `comments` as Word margin comments with their replies.
    ForComment {
        /// The draft.
        draft: &'a Draft,
        /// The comments already made, each on a block of `draft`.
        comments: &'a [MarginComment],
    },
}

/// How to lay a document out and what to record in it.
#[derive(Debug, Clone, Copy)]
pub struct DocxOptions<'a> {
    /// The profile's layout.
    pub layout: &'a Layout,
    /// The document type's name and code.
    pub kind: &'a KindInfo,
    /// The draft mark on the first page, or none for the final document.
    pub mark: DraftMark,
    /// Where the text came from.
    pub provenance: &'a Provenance,
}

/// The DOCX bytes of `content`. The same input always gives the same bytes.
pub fn export(content: Content<'_>, options: &DocxOptions<'_>) -> Result<Vec<u8>, DocxError> {
    package::check_signoff(options.provenance)?;
    match content {
        Content::Draft(draft) => export_draft(draft, options),
        Content::Changes { diff, from, to, by } => export_changes(diff, from, to, by, options),
        Content::Report { synthesis, context } => {
            report::export_report(synthesis, context, options.layout, options.provenance)
        }
        Content::ForComment { draft, comments } => export_for_comment(draft, comments, options),
    }
}

fn export_draft(draft: &Draft, o: &DocxOptions<'_>) -> Result<Vec<u8>, DocxError> {
    let mut w = Writer::new(o.layout);
    let referenced = w.collect_footnotes(draft);
    let blocks = &draft.body.blocks;
    let last = blocks.iter().rposition(|b| renders(b, &referenced));
    let props = Properties::new(draft, o.kind, o.provenance);
    write_document(
        &mut w,
        &draft.front,
        o.kind,
        o.mark,
        &props,
        &referenced,
        |w, out, closing| {
            for (i, b) in blocks.iter().enumerate() {
                w.keep_with_closing = closing && Some(i) == last;
                w.block(b, &referenced, Track::Keep, out);
                out.boundary();
            }
            w.keep_with_closing = false;
        },
    )
}

fn export_for_comment(
    draft: &Draft,
    comments: &[MarginComment],
    o: &DocxOptions<'_>,
) -> Result<Vec<u8>, DocxError> {
    let blocks = &draft.body.blocks;
    let plan = comments::Plan::new(draft, comments).map_err(|i| DocxError::CommentBlock {
        comment: i,
        block: comments[i].block,
        blocks: blocks.len(),
    })?;
    let mut w = Writer::new(o.layout);
    let mut review = comments::Review::default();
    review.parts = plan.has_comments().then(|| comments::CommentParts {
        comments: plan.comments_xml(),
        extended: plan.comments_extended_xml(),
    });
    w.review = Some(review);
    let referenced = w.collect_footnotes(draft);
    let last = blocks.iter().rposition(|b| renders(b, &referenced));
    let props = Properties::new(draft, o.kind, o.provenance);
    let mut points = plan.points.clone();
    write_document(
        &mut w,
        &draft.front,
        o.kind,
        o.mark,
        &props,
        &referenced,
        |w, out, closing| {
            for (i, b) in blocks.iter().enumerate() {
                w.keep_with_closing = closing && Some(i) == last;
                let base = marker_name(i, b);
                if let Some(r) = w.review.as_mut() {
                    r.block = Some(comments::Anchor::new(
                        base.clone(),
                        std::mem::take(&mut points[i]),
                    ));
                    r.last_close = None;
                }
                // The block's XML stays in the buffer until it is whole, so
                // that anchors left over can still go into its last paragraph.
                out.hold = true;
                w.block(b, &referenced, Track::Keep, out);
                out.hold = false;
                if let Some(r) = w.review.as_mut()
                    && let Some(mut a) = r.block.take()
                {
                    let rest = a.rest();
                    if !rest.is_empty() {
                        match r.last_close {
                            Some(at) => out.insert_str(at, &rest),
                            None => {
                                // The block wrote no paragraph of its own (a
                                // footnote written as a Word footnote): its
                                // comments get an empty one with its marker.
                                let id = r.bookmark_id();
                                out.push_str("<w:p><w:bookmarkStart w:id=\"");
                                out.push_str(&format!("{id}\" w:name=\"{}\"/>", a.base()));
                                out.push_str(&rest);
                                out.push_str(&format!("<w:bookmarkEnd w:id=\"{id}\"/></w:p>"));
                            }
                        }
                    }
                }
                out.boundary();
            }
            w.keep_with_closing = false;
        },
    )
}

fn export_changes(
    diff: DraftDiff,
    from: &Draft,
    to: &Draft,
    by: Attribution,
    o: &DocxOptions<'_>,
) -> Result<Vec<u8>, DocxError> {
    let order = diff.reading_order();
    let mut w = Writer::new(o.layout);
    w.rev = Some(by);
    w.old_front = Some(&from.front);
    w.front_changes = &diff.front;
    let mut referenced = w.collect_footnotes(from);
    referenced.extend(w.collect_footnotes(to));
    let last = order
        .iter()
        .rposition(|&s| tracked::step_renders(&diff, s, from, to, &referenced));
    let props = Properties::new(to, o.kind, o.provenance);
    write_document(
        &mut w,
        &to.front,
        o.kind,
        o.mark,
        &props,
        &referenced,
        |w, out, closing| {
            for (i, &step) in order.iter().enumerate() {
                w.keep_with_closing = closing && Some(i) == last;
                w.tracked_step(&diff, step, from, to, &referenced, out);
                out.boundary();
            }
            w.keep_with_closing = false;
        },
    )
}

/// The main document part being written: a buffer handed to the package's
/// compressor whenever it grows past a few pages' worth of XML, between
/// paragraphs and table rows, so that no block however long (a table of
/// thousands of rows, an unclosed code fence) sits in memory as XML.
pub(crate) struct Body<'p> {
    buf: String,
    package: &'p mut Package,
    error: Option<std::io::Error>,
    /// While set, nothing goes to the compressor (a review export's block
    /// being written, see `export_for_comment`).
    hold: bool,
}

/// How much XML is gathered before it goes to the compressor.
const FLUSH_BYTES: usize = 1 << 16;

impl Body<'_> {
    /// A point where the XML written so far may go to the package.
    pub fn boundary(&mut self) {
        if !self.hold && self.buf.len() >= FLUSH_BYTES {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if let Err(e) = self.package.write(&self.buf)
            && self.error.is_none()
        {
            self.error = Some(e);
        }
        self.buf.clear();
    }
}

impl std::ops::Deref for Body<'_> {
    type Target = String;
    fn deref(&self) -> &String {
        &self.buf
    }
}

impl std::ops::DerefMut for Body<'_> {
    fn deref_mut(&mut self) -> &mut String {
        &mut self.buf
    }
}

/// Writes the whole package: the first page's front matter, the body through
/// `body(writer, out, closing)` (`closing`: a signature block follows, so the
/// last body block keeps with it), the closing block, then the parts the body
/// needs (footnotes, hyperlink relationships).
fn write_document<'a>(
    w: &mut Writer<'a>,
    front: &FrontMatter,
    kind: &KindInfo,
    mark: DraftMark,
    props: &Properties,
    referenced: &Referenced,
    body: impl FnOnce(&mut Writer<'a>, &mut Body<'_>, bool),
) -> Result<Vec<u8>, DocxError> {
    if front.issuer.name.trim().is_empty() {
        return Err(DocxError::Missing("issuing body (issuer.name)"));
    }
    // A review export's comments parts, planned before the body.
    let comments = w.review.as_mut().and_then(|r| r.parts.take());
    let parts = Parts {
        first_header: w.first_page_differs(),
        footnotes: !referenced.is_empty(),
        comments: comments.is_some(),
    };
    w.has_notes_part = parts.footnotes;
    let mut package = Package::new(&parts, props)?;
    package.start("word/document.xml")?;
    let mut out = Body {
        buf: page::open_part("document"),
        package: &mut package,
        error: None,
        hold: false,
    };
    out.push_str("<w:body>");
    w.draft_mark(mark, &mut out);
    w.header_table(front, kind, &mut out);
    w.title_block(front, kind, &mut out);
    let closing = w.closing_expected(front);
    body(w, &mut out, closing);
    w.closing(front, &mut out);
    w.section(&mut out);
    out.push_str("</w:body></w:document>");
    out.flush();
    if let Some(e) = out.error.take() {
        return Err(e.into());
    }
    package.part("word/styles.xml", &w.styles())?;
    package.part("word/settings.xml", &w.settings())?;
    package.part("word/fontTable.xml", &w.font_table())?;
    package.part("word/header1.xml", &w.page_number_header())?;
    if parts.first_header {
        package.part("word/header2.xml", &w.empty_header())?;
    }
    let note_links = if parts.footnotes {
        package.start("word/footnotes.xml")?;
        w.footnotes(|piece| package.write(piece))?
    } else {
        Default::default()
    };
    if let Some(c) = &comments {
        package.part("word/comments.xml", &c.comments)?;
        package.part("word/commentsExtended.xml", &c.extended)?;
    }
    package.document_rels(&parts, &w.links)?;
    package.footnote_rels(&note_links)?;
    package.finish()
}
