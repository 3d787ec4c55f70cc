//! The OPC package: a deflated zip whose parts, content types and
//! relationships are exactly the ones the document uses (no orphan part, no
//! missing relationship), with fixed timestamps so that the same input always
//! gives the same bytes, and the core, extended and custom properties.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::page::{
    RID_COMMENTS, RID_COMMENTS_EXTENDED, RID_FIRST_HEADER, RID_FONTS, RID_FOOTNOTES, RID_HEADER,
    RID_SETTINGS, RID_STYLES,
};
use super::writer::{FIRST_LINK_RID, Links};
use super::xml::{DECLARATION, is_xml_char, push_attr, push_text};
use super::{DocxError, KindInfo, Provenance};
use duthao_model::Draft;

const REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const OFFICE_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const WML_CT: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml";

/// Core and custom properties of the package.
pub(crate) struct Properties {
    pub title: String,
    pub creator: String,
    pub subject: String,
    /// W3CDTF timestamp, or none when neither a commit time nor a date is known.
    pub when: Option<String>,
    /// Custom properties in the order written: duthao's own names, then the
    /// sign-off's (borrowed from the provenance's owned names).
    pub custom: Vec<(Cow<'static, str>, String)>,
}

impl Properties {
    pub fn new(draft: &Draft, kind: &KindInfo, p: &Provenance) -> Self {
        let when = p
            .committed_at
            .clone()
            .or_else(|| draft.front.date.map(|d| format!("{d}T00:00:00Z")));
        let mut custom = vec![fixed("duthao.slug", p.slug.clone())];
        if let Some(v) = p.version {
            custom.push(fixed("duthao.version", v.to_string()));
        }
        if let Some(c) = &p.commit {
            custom.push(fixed("duthao.commit", c.clone()));
        }
        custom.push(fixed("duthao.source-sha256", p.source_sha256.clone()));
        custom.push(fixed("duthao.kind", draft.front.kind.clone()));
        push_signoff(&mut custom, p);
        let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        Properties {
            title: one_line(&format!("{} {}", kind.name, draft.front.title)),
            creator: one_line(&draft.front.issuer.name),
            subject: one_line(&draft.front.title),
            when,
            custom,
        }
    }

    /// The properties of a synthesis table: its title and subject, the
    /// issuing body as creator, its date as the time (never the wall
    /// clock), and the version it is about.
    pub fn report(context: &duthao_review::ReportContext, p: &Provenance) -> Self {
        let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let subject = one_line(&context.subject_line());
        let mut custom = vec![
            fixed("duthao.slug", p.slug.clone()),
            fixed("duthao.document", "synthesis".to_string()),
        ];
        if let Some(v) = p.version {
            custom.push(fixed("duthao.version", v.to_string()));
        }
        if let Some(c) = &p.commit {
            custom.push(fixed("duthao.commit", c.clone()));
        }
        custom.push(fixed("duthao.source-sha256", p.source_sha256.clone()));
        push_signoff(&mut custom, p);
        Properties {
            title: one_line(&format!("{} {subject}", duthao_review::REPORT_TITLE)),
            creator: one_line(&context.issuer),
            subject,
            when: Some(format!("{}T00:00:00Z", context.date)),
            custom,
        }
    }

    fn core_xml(&self) -> String {
        let mut s = String::from(DECLARATION);
        s.push_str("<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">");
        for (tag, value) in [
            ("dc:title", &self.title),
            ("dc:subject", &self.subject),
            ("dc:creator", &self.creator),
            ("cp:lastModifiedBy", &self.creator),
        ] {
            let _ = write!(s, "<{tag}>");
            push_text(&mut s, value);
            let _ = write!(s, "</{tag}>");
        }
        s.push_str("<dc:language>vi-VN</dc:language>");
        if let Some(w) = &self.when {
            let mut w2 = String::new();
            push_text(&mut w2, w);
            let _ = write!(
                s,
                "<dcterms:created xsi:type=\"dcterms:W3CDTF\">{w2}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{w2}</dcterms:modified>"
            );
        }
        s.push_str("</cp:coreProperties>");
        s
    }

    fn custom_xml(&self) -> String {
        let mut s = String::from(DECLARATION);
        s.push_str("<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">");
        for (i, (k, v)) in self.custom.iter().enumerate() {
            let _ = write!(
                s,
                "<property fmtid=\"{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}\" pid=\"{}\" name=\"",
                i + 2
            );
            push_attr(&mut s, k);
            s.push_str("\"><vt:lpwstr>");
            push_text(&mut s, v);
            s.push_str("</vt:lpwstr></property>");
        }
        s.push_str("</Properties>");
        s
    }
}

fn fixed(name: &'static str, value: String) -> (Cow<'static, str>, String) {
    (Cow::Borrowed(name), value)
}

fn push_signoff(custom: &mut Vec<(Cow<'static, str>, String)>, p: &Provenance) {
    custom.extend(
        p.signoff
            .iter()
            .map(|(k, v)| (Cow::Owned(k.clone()), v.clone())),
    );
}

/// The custom property names duthao writes itself, lower case.
const OWN_NAMES: [&str; 6] = [
    "duthao.slug",
    "duthao.version",
    "duthao.commit",
    "duthao.source-sha256",
    "duthao.kind",
    "duthao.document",
];

/// The longest custom property name accepted, in characters: Word's own
/// limit, past which it truncates the name when it saves the file.
pub const MAX_PROPERTY_NAME: usize = 255;

/// Checks the names of a provenance's sign-off properties against what the
/// package can hold faithfully: a name is an attribute, and escaping would
/// silently drop a control character, so the name read back would differ
/// from the one signed off; a repeated name (one of duthao's own included,
/// compared without case as Word compares them) would leave readers to pick
/// one of two values.
pub(crate) fn check_signoff(p: &Provenance) -> Result<(), DocxError> {
    let key = |n: &str| n.to_lowercase();
    for (i, (name, _)) in p.signoff.iter().enumerate() {
        let bad = |why: &str| {
            Err(DocxError::PropertyName {
                name: name.clone(),
                why: why.to_string(),
            })
        };
        if name.trim().is_empty() {
            return bad("it is empty");
        }
        if name.chars().any(|c| c.is_control() || !is_xml_char(c)) {
            return bad("it holds a control character");
        }
        if name.chars().count() > MAX_PROPERTY_NAME {
            return bad(&format!("it is longer than {MAX_PROPERTY_NAME} characters"));
        }
        let k = key(name);
        if OWN_NAMES.contains(&k.as_str()) || p.signoff[..i].iter().any(|(n, _)| key(n) == k) {
            return bad("the document already has a property of that name");
        }
    }
    Ok(())
}

/// The parts a document has besides the fixed ones.
pub(crate) struct Parts {
    pub first_header: bool,
    pub footnotes: bool,
    /// Margin comments: `word/comments.xml` and `word/commentsExtended.xml`.
    pub comments: bool,
}

/// A package being written, part after part, into memory.
pub(crate) struct Package {
    zip: ZipWriter<Cursor<Vec<u8>>>,
    opts: SimpleFileOptions,
}

impl Package {
    /// Starts a package with its content types, package relationships and
    /// properties.
    pub fn new(parts: &Parts, props: &Properties) -> Result<Package, DocxError> {
        let opts = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(DateTime::default())
            .unix_permissions(0o644);
        let mut p = Package {
            zip: ZipWriter::new(Cursor::new(Vec::new())),
            opts,
        };
        p.part("[Content_Types].xml", &content_types(parts))?;
        p.part(
            "_rels/.rels",
            &relationships(&[
                (
                    "rId1",
                    &format!("{OFFICE_REL}/officeDocument"),
                    "word/document.xml",
                ),
                (
                    "rId2",
                    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                    "docProps/core.xml",
                ),
                (
                    "rId3",
                    &format!("{OFFICE_REL}/extended-properties"),
                    "docProps/app.xml",
                ),
                (
                    "rId4",
                    &format!("{OFFICE_REL}/custom-properties"),
                    "docProps/custom.xml",
                ),
            ], &Links::default()),
        )?;
        p.part("docProps/core.xml", &props.core_xml())?;
        p.part(
            "docProps/app.xml",
            &format!("{DECLARATION}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"><Application>duthao</Application></Properties>"),
        )?;
        p.part("docProps/custom.xml", &props.custom_xml())?;
        Ok(p)
    }

    /// A whole part.
    pub fn part(&mut self, name: &str, text: &str) -> Result<(), DocxError> {
        self.zip.start_file(name, self.opts)?;
        self.zip.write_all(text.as_bytes())?;
        Ok(())
    }

    /// Starts a part written in pieces with [`Package::write`].
    pub fn start(&mut self, name: &str) -> Result<(), DocxError> {
        self.zip.start_file(name, self.opts)?;
        Ok(())
    }

    pub fn write(&mut self, text: &str) -> std::io::Result<()> {
        self.zip.write_all(text.as_bytes())
    }

    /// The main document's relationships: the fixed parts, then its hyperlinks.
    pub fn document_rels(&mut self, parts: &Parts, links: &Links) -> Result<(), DocxError> {
        let mut rels: Vec<(&str, String, &str)> = vec![
            (RID_STYLES, format!("{OFFICE_REL}/styles"), "styles.xml"),
            (
                RID_SETTINGS,
                format!("{OFFICE_REL}/settings"),
                "settings.xml",
            ),
            (
                RID_FONTS,
                format!("{OFFICE_REL}/fontTable"),
                "fontTable.xml",
            ),
            (RID_HEADER, format!("{OFFICE_REL}/header"), "header1.xml"),
        ];
        if parts.first_header {
            rels.push((
                RID_FIRST_HEADER,
                format!("{OFFICE_REL}/header"),
                "header2.xml",
            ));
        }
        if parts.footnotes {
            rels.push((
                RID_FOOTNOTES,
                format!("{OFFICE_REL}/footnotes"),
                "footnotes.xml",
            ));
        }
        if parts.comments {
            rels.push((
                RID_COMMENTS,
                format!("{OFFICE_REL}/comments"),
                "comments.xml",
            ));
            rels.push((
                RID_COMMENTS_EXTENDED,
                "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
                    .to_string(),
                "commentsExtended.xml",
            ));
        }
        let fixed: Vec<(&str, &str, &str)> =
            rels.iter().map(|(a, b, c)| (*a, b.as_str(), *c)).collect();
        self.part(
            "word/_rels/document.xml.rels",
            &relationships(&fixed, links),
        )
    }

    /// The footnotes part's relationships, when its notes hold hyperlinks.
    pub fn footnote_rels(&mut self, links: &Links) -> Result<(), DocxError> {
        if links.urls.is_empty() {
            return Ok(());
        }
        self.part("word/_rels/footnotes.xml.rels", &relationships(&[], links))
    }

    pub fn finish(self) -> Result<Vec<u8>, DocxError> {
        Ok(self.zip.finish()?.into_inner())
    }
}

fn content_types(parts: &Parts) -> String {
    let mut s = String::from(DECLARATION);
    s.push_str("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>");
    let mut overrides: Vec<(&str, String)> = vec![
        ("/word/document.xml", format!("{WML_CT}.document.main+xml")),
        ("/word/styles.xml", format!("{WML_CT}.styles+xml")),
        ("/word/settings.xml", format!("{WML_CT}.settings+xml")),
        ("/word/fontTable.xml", format!("{WML_CT}.fontTable+xml")),
        ("/word/header1.xml", format!("{WML_CT}.header+xml")),
    ];
    if parts.first_header {
        overrides.push(("/word/header2.xml", format!("{WML_CT}.header+xml")));
    }
    if parts.footnotes {
        overrides.push(("/word/footnotes.xml", format!("{WML_CT}.footnotes+xml")));
    }
    if parts.comments {
        overrides.push(("/word/comments.xml", format!("{WML_CT}.comments+xml")));
        overrides.push((
            "/word/commentsExtended.xml",
            format!("{WML_CT}.commentsExtended+xml"),
        ));
    }
    overrides.extend([
        (
            "/docProps/core.xml",
            "application/vnd.openxmlformats-package.core-properties+xml".to_string(),
        ),
        (
            "/docProps/app.xml",
            "application/vnd.openxmlformats-officedocument.extended-properties+xml".to_string(),
        ),
        (
            "/docProps/custom.xml",
            "application/vnd.openxmlformats-officedocument.custom-properties+xml".to_string(),
        ),
    ]);
    for (name, ct) in overrides {
        let _ = write!(s, "<Override PartName=\"{name}\" ContentType=\"{ct}\"/>");
    }
    s.push_str("</Types>");
    s
}

/// A relationships part: internal targets, then external hyperlinks.
fn relationships(internal: &[(&str, &str, &str)], links: &Links) -> String {
    let mut s = String::from(DECLARATION);
    let _ = write!(s, "<Relationships xmlns=\"{REL_NS}\">");
    for (id, ty, target) in internal {
        let _ = write!(
            s,
            "<Relationship Id=\"{id}\" Type=\"{ty}\" Target=\"{target}\"/>"
        );
    }
    for (i, url) in links.urls.iter().enumerate() {
        let _ = write!(
            s,
            "<Relationship Id=\"rId{}\" Type=\"{OFFICE_REL}/hyperlink\" Target=\"",
            FIRST_LINK_RID + i
        );
        push_attr(&mut s, url);
        s.push_str("\" TargetMode=\"External\"/>");
    }
    s.push_str("</Relationships>");
    s
}
