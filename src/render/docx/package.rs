//! After docx-rs has packed the document: normalise what it leaves
//! process-dependent, write the document properties it cannot, and re-pack
//! the whole thing deflated with fixed timestamps.

use std::io::{Cursor, Read, Seek, SeekFrom, Write};

use docx_rs::Docx;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use super::build::{BODY_PLACEHOLDER_ID, FOOTNOTE_REF_SENTINEL};
use super::redline::{MOVE_FROM_RANGE_BASE, MOVE_TO_RANGE_BASE};
use super::{DocxError, KindInfo, Provenance};
use crate::model::Draft;

/// Core and custom properties of the package.
pub(crate) struct Properties {
    pub title: String,
    pub creator: String,
    pub subject: String,
    /// W3CDTF timestamp, or none when neither a commit time nor a date is known.
    pub when: Option<String>,
    pub custom: Vec<(&'static str, String)>,
    /// Author and date of a tracked-changes document (for its move ranges).
    pub revision: Option<(String, String)>,
}

impl Properties {
    pub fn new(draft: &Draft, kind: &KindInfo, p: &Provenance) -> Self {
        let when = p
            .committed_at
            .clone()
            .or_else(|| draft.front.date.map(|d| format!("{d}T00:00:00Z")));
        let mut custom = vec![("duthao.slug", p.slug.clone())];
        if let Some(v) = p.version {
            custom.push(("duthao.version", v.to_string()));
        }
        if let Some(c) = &p.commit {
            custom.push(("duthao.commit", c.clone()));
        }
        custom.push(("duthao.source-sha256", p.source_sha256.clone()));
        custom.push(("duthao.kind", draft.front.kind.clone()));
        Properties {
            title: format!("{} {}", kind.name, draft.front.title.trim())
                .trim()
                .to_string(),
            creator: draft.front.issuer.name.replace('\n', " "),
            subject: draft.front.title.trim().to_string(),
            when,
            custom,
            revision: None,
        }
    }
}

pub(crate) fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' && c != '\r' => {}
            c => out.push(c),
        }
    }
    out
}

fn core_xml(p: &Properties) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">",
    );
    s.push_str(&format!("<dc:title>{}</dc:title>", escape_xml(&p.title)));
    s.push_str(&format!(
        "<dc:subject>{}</dc:subject>",
        escape_xml(&p.subject)
    ));
    s.push_str(&format!(
        "<dc:creator>{}</dc:creator>",
        escape_xml(&p.creator)
    ));
    s.push_str(&format!(
        "<cp:lastModifiedBy>{}</cp:lastModifiedBy>",
        escape_xml(&p.creator)
    ));
    s.push_str("<dc:language>vi-VN</dc:language>");
    if let Some(w) = &p.when {
        let w = escape_xml(w);
        s.push_str(&format!(
            "<dcterms:created xsi:type=\"dcterms:W3CDTF\">{w}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{w}</dcterms:modified>"
        ));
    }
    s.push_str("</cp:coreProperties>");
    s
}

fn custom_xml(p: &Properties) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">",
    );
    for (i, (k, v)) in p.custom.iter().enumerate() {
        s.push_str(&format!(
            "<property fmtid=\"{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}\" pid=\"{}\" name=\"{}\"><vt:lpwstr>{}</vt:lpwstr></property>",
            i + 2,
            escape_xml(k),
            escape_xml(v)
        ));
    }
    s.push_str("</Properties>");
    s
}

/// The note number inside each footnote, and the separator notes Word puts
/// first in every footnotes part (docx-rs writes neither).
fn footnotes_xml(xml: &str) -> String {
    let xml = xml.replace(
        &format!("<w:footnoteReference w:id=\"{FOOTNOTE_REF_SENTINEL}\" />"),
        "<w:footnoteRef />",
    );
    const SEPARATORS: &str = "<w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\" /></w:pPr><w:r><w:separator /></w:r></w:p></w:footnote><w:footnote w:type=\"continuationSeparator\" w:id=\"0\"><w:p><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\" /></w:pPr><w:r><w:continuationSeparator /></w:r></w:p></w:footnote>";
    match xml
        .find("<w:footnotes ")
        .and_then(|i| xml[i..].find('>').map(|j| i + j + 1))
    {
        Some(at) if !xml.contains("w:type=\"separator\"") => {
            let mut out = String::with_capacity(xml.len() + SEPARATORS.len());
            out.push_str(&xml[..at]);
            out.push_str(SEPARATORS);
            out.push_str(&xml[at..]);
            out
        }
        _ => xml,
    }
}

/// Relationship order in docx-rs depends on a hash map; sort by id.
fn sort_relationships(xml: &str) -> String {
    let Some(start) = xml.find("<Relationship ") else {
        return xml.to_string();
    };
    let Some(end) = xml.rfind("</Relationships>") else {
        return xml.to_string();
    };
    let mut rels: Vec<&str> = Vec::new();
    let mut rest = &xml[start..end];
    while let Some(i) = rest.find("<Relationship ") {
        let tail = &rest[i..];
        let Some(j) = tail.find("/>") else { break };
        rels.push(&tail[..j + 2]);
        rest = &tail[j + 2..];
    }
    let key = |r: &str| -> (usize, String) {
        let id = r
            .split("Id=\"")
            .nth(1)
            .and_then(|t| t.split('"').next())
            .unwrap_or("")
            .to_string();
        // rId2 before rId10, then the hyperlinks by their number.
        let digits: String = id.chars().filter(|c| c.is_ascii_digit()).collect();
        let prefix: String = id.chars().filter(|c| !c.is_ascii_digit()).collect();
        (
            prefix.len() * 1_000_000 + digits.parse::<usize>().unwrap_or(0),
            id,
        )
    };
    rels.sort_by_key(|r| key(r));
    let mut out = String::with_capacity(xml.len());
    out.push_str(&xml[..start]);
    for r in rels {
        out.push_str(r);
    }
    out.push_str(&xml[end..]);
    out
}

/// Revision ids (`w:ins`, `w:del`, moves) come from a process-wide counter in
/// docx-rs; renumber them in document order.
fn renumber_revisions(xml: &str, next: &mut u64) -> String {
    const TAGS: [&str; 4] = ["<w:ins", "<w:del", "<w:moveFrom", "<w:moveTo"];
    const ID: &str = " w:id=\"";
    let mut out = String::with_capacity(xml.len());
    let mut copied = 0;
    // One pass over the id attributes; an id belongs to a revision when the
    // tag it sits in is one of TAGS (it is the tag's first attribute).
    for (at, _) in xml.match_indices(ID) {
        let tag_start = xml[..at].rfind('<').unwrap_or(0);
        if !TAGS.contains(&&xml[tag_start..at]) {
            continue;
        }
        let value_start = at + ID.len();
        let Some(len) = xml[value_start..].find('"') else {
            continue;
        };
        out.push_str(&xml[copied..value_start]);
        out.push_str(&next.to_string());
        *next += 1;
        copied = value_start + len;
    }
    out.push_str(&xml[copied..]);
    out
}

/// Move ranges are written as bookmarks with ids from the move bases (docx-rs
/// has no move-range element); turn them into `w:moveFromRangeStart` /
/// `w:moveToRangeStart` and their ends, named `move<N>` so Word pairs them.
fn move_ranges(xml: &str, revision: Option<&(String, String)>) -> String {
    const START: &str = "<w:bookmarkStart w:id=\"";
    const END: &str = "<w:bookmarkEnd w:id=\"";
    if !xml.contains("_duthao_move") {
        return xml.to_string();
    }
    let (author, date) = revision
        .map(|(a, d)| (escape_xml(a), escape_xml(d)))
        .unwrap_or_default();
    let mut out = String::with_capacity(xml.len() + 256);
    let mut rest = xml;
    while let Some(i) = rest.find("<w:bookmark") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(close) = tail.find("/>") else {
            out.push_str(tail);
            return out;
        };
        let element = &tail[..close + 2];
        rest = &tail[close + 2..];
        let (is_start, id_from) = if element.starts_with(START) {
            (true, START.len())
        } else if element.starts_with(END) {
            (false, END.len())
        } else {
            out.push_str(element);
            continue;
        };
        let id: usize = element[id_from..]
            .split('"')
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let (kind, base) = if id >= MOVE_TO_RANGE_BASE {
            ("moveTo", MOVE_TO_RANGE_BASE)
        } else if id >= MOVE_FROM_RANGE_BASE {
            ("moveFrom", MOVE_FROM_RANGE_BASE)
        } else {
            out.push_str(element);
            continue;
        };
        if is_start {
            out.push_str(&format!(
                "<w:{kind}RangeStart w:id=\"{id}\" w:author=\"{author}\" w:date=\"{date}\" w:name=\"move{}\" />",
                id - base
            ));
        } else {
            out.push_str(&format!("<w:{kind}RangeEnd w:id=\"{id}\" />"));
        }
    }
    out.push_str(rest);
    out
}

/// Packs the document shell `docx`, writes the body in place of its
/// placeholder (through `body`), rewrites the parts that must not depend on
/// the process or the clock, and deflates everything. docx-rs writes its
/// stored package to a temporary file and the parts that need no rewriting
/// are streamed from there, so peak memory stays small.
pub(crate) fn finish_streamed(
    docx: Docx,
    props: &Properties,
    tracked: bool,
    mut body: impl FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<Vec<u8>, DocxError> {
    let mut stored = tempfile::tempfile()?;
    docx.pack(&mut stored)
        .map_err(|e| DocxError::Package(e.to_string()))?;
    stored.seek(SeekFrom::Start(0))?;
    repack(stored, props, tracked, Some(&mut body))
}

/// Renumbers the revision ids of each piece of body XML written through it
/// (every write is one whole paragraph or table, so no tag is ever split).
struct Renumbering<'w, 'n> {
    inner: &'w mut dyn Write,
    next: &'n mut u64,
    revision: Option<&'n (String, String)>,
}

impl Write for Renumbering<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match std::str::from_utf8(buf) {
            Ok(s) => self.inner.write_all(
                move_ranges(&renumber_revisions(s, self.next), self.revision).as_bytes(),
            )?,
            Err(_) => self.inner.write_all(buf)?,
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

type BodyWriter<'a> = &'a mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>;

pub(crate) fn repack<R: Read + Seek>(
    stored: R,
    props: &Properties,
    tracked: bool,
    mut body: Option<BodyWriter<'_>>,
) -> Result<Vec<u8>, DocxError> {
    let mut archive = ZipArchive::new(stored)?;
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut revision_id = 1u64;
    let read_text = |entry: &mut zip::read::ZipFile<'_, R>| -> Result<String, DocxError> {
        let mut s = String::with_capacity(entry.size() as usize);
        entry
            .read_to_string(&mut s)
            .map_err(|e| DocxError::Package(format!("{}: {e}", entry.name())))?;
        Ok(s)
    };
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i)?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().to_string();
        if name == "word/document.xml"
            && let Some(write_body) = body.take()
        {
            let mut shell = read_text(&mut entry)?;
            let marker = format!("<w:p w14:paraId=\"{BODY_PLACEHOLDER_ID}\"");
            let start = shell
                .find(&marker)
                .ok_or_else(|| DocxError::Package("the body placeholder is missing".into()))?;
            let end = shell[start..]
                .find("</w:p>")
                .map(|e| start + e + "</w:p>".len())
                .ok_or_else(|| DocxError::Package("the body placeholder is not closed".into()))?;
            out.start_file(name, opts)?;
            let (head, tail) = (shell[..start].to_string(), shell.split_off(end));
            if tracked {
                let rev = props.revision.as_ref();
                out.write_all(
                    move_ranges(&renumber_revisions(&head, &mut revision_id), rev).as_bytes(),
                )?;
                write_body(&mut Renumbering {
                    inner: &mut out,
                    next: &mut revision_id,
                    revision: rev,
                })?;
                out.write_all(
                    move_ranges(&renumber_revisions(&tail, &mut revision_id), rev).as_bytes(),
                )?;
            } else {
                out.write_all(head.as_bytes())?;
                write_body(&mut out)?;
                out.write_all(tail.as_bytes())?;
            }
            continue;
        }
        let rewritten: Option<String> = match name.as_str() {
            "docProps/core.xml" => Some(core_xml(props)),
            "docProps/custom.xml" => Some(custom_xml(props)),
            "word/footnotes.xml" => Some(footnotes_xml(&read_text(&mut entry)?)),
            n if n.ends_with(".rels") => Some(sort_relationships(&read_text(&mut entry)?)),
            n if tracked && n.starts_with("word/") && n.ends_with(".xml") => Some(
                renumber_revisions(&read_text(&mut entry)?, &mut revision_id),
            ),
            _ => None,
        };
        out.start_file(name, opts)?;
        match rewritten {
            Some(text) => out.write_all(text.as_bytes())?,
            None => {
                std::io::copy(&mut entry, &mut out)?;
            }
        }
    }
    Ok(out.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationships_are_sorted_by_id() {
        let x = r#"<?xml?><Relationships><Relationship Id="rIdHyperlink2" T="b"/><Relationship Id="rId10" T="x"/><Relationship Id="rId2" T="y"/><Relationship Id="rIdHyperlink1" T="a"/></Relationships>"#;
        let s = sort_relationships(x);
        let order: Vec<&str> = s
            .match_indices("Id=\"")
            .map(|(i, _)| &s[i + 4..i + 17])
            .collect();
        assert!(order[0].starts_with("rId2\""), "{s}");
        assert!(order[1].starts_with("rId10\""), "{s}");
        assert!(order[2].starts_with("rIdHyperlink1"), "{s}");
        assert!(order[3].starts_with("rIdHyperlink2"), "{s}");
    }

    #[test]
    fn revision_ids_are_renumbered_in_order() {
        let x = r#"<w:p><w:ins w:id="77" w:author="a"><w:r/></w:ins><w:del w:id="3" w:author="a"/></w:p>"#;
        let mut n = 1;
        let s = renumber_revisions(x, &mut n);
        assert_eq!(
            s,
            r#"<w:p><w:ins w:id="1" w:author="a"><w:r/></w:ins><w:del w:id="2" w:author="a"/></w:p>"#
        );
    }
}
