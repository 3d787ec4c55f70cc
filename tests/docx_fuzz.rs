//! DOCX inputs found by the fuzz targets (fuzz/), minimised. Each package
//! also passes the OOXML conformance check (tests/outside).

mod outside;

use std::collections::HashSet;
use std::io::{Cursor, Read};
use std::path::Path;

use duthao::diff::{DiffOptions, diff_drafts};
use duthao::model::Draft;
use duthao_docx::{Attribution, Content, DocxOptions, DraftMark, KindInfo, Provenance, export};
use duthao_profile::layout::load_layout;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

const FRONT: &str = "---\nkind: nghi-quyet\nprofile: party\nissuer:\n  name: TỈNH ỦY THÁI NGUYÊN\n  code: TU\ntitle: về x\n---\n\n";

fn read(body: &str) -> Draft {
    let text = format!("{FRONT}{body}");
    duthao::reader::read(text.as_bytes(), Path::new("fuzz.md")).expect("the draft reads")
}

fn parts(docx: &[u8]) -> Vec<(String, String)> {
    let mut z = zip::ZipArchive::new(Cursor::new(docx)).expect("a zip");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).expect("entry");
            let mut s = String::new();
            f.read_to_string(&mut s).expect("utf-8 part");
            (f.name().to_string(), s)
        })
        .collect()
}

/// Every `w:footnoteReference` of document.xml has its note in footnotes.xml.
fn references_resolve(docx: &[u8]) -> Vec<String> {
    outside::check_docx(docx, "fuzz");
    let parts = parts(docx);
    let get = |name: &str| {
        parts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s.clone())
    };
    let doc = get("word/document.xml").expect("document.xml");
    let doc = roxmltree::Document::parse(&doc).expect("document.xml parses");
    let refs: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "footnoteReference")))
        .map(|n| n.attribute((W, "id")).expect("w:id").to_string())
        .collect();
    let notes: HashSet<String> = match get("word/footnotes.xml") {
        Some(x) => roxmltree::Document::parse(&x)
            .expect("footnotes.xml parses")
            .descendants()
            .filter(|n| n.has_tag_name((W, "footnote")))
            .filter_map(|n| n.attribute((W, "id")).map(str::to_string))
            .collect(),
        None => HashSet::new(),
    };
    for r in &refs {
        assert!(notes.contains(r), "footnote {r} is referenced but missing");
    }
    refs
}

fn kind() -> KindInfo {
    KindInfo {
        name: "NGHỊ QUYẾT".into(),
        code: "NQ".into(),
    }
}

fn provenance() -> Provenance {
    Provenance {
        slug: "fuzz".into(),
        version: Some(2),
        commit: None,
        source_sha256: "ab".repeat(32),
        committed_at: None,
        signoff: Vec::new(),
    }
}

/// fuzz/artifacts/docx/minimized-from-3577fcc…: a footnote definition that
/// nothing in the body cites is shown in the body; its own `[^1]` became a
/// `w:footnoteReference` to note 1 in a package that has no footnotes part
/// (only the body's citations decide that), so Word finds the document
/// corrupt.
#[test]
fn a_definition_nothing_cites_makes_no_dangling_footnote_reference() {
    let layout = load_layout("party", None).expect("layout");
    for body in ["[^1]:[^1]", "[^1]: Xem [^2].\n\n[^2]: Hai.\n"] {
        let draft = read(body);
        let bytes = export(
            Content::Draft(&draft),
            &DocxOptions {
                layout: &layout,
                kind: &kind(),
                mark: DraftMark::Draft { version: None },
                provenance: &provenance(),
            },
        )
        .expect("export");
        assert_eq!(references_resolve(&bytes), Vec::<String>::new(), "{body}");
        let xml = &parts(&bytes)
            .into_iter()
            .find(|(n, _)| n == "word/document.xml")
            .expect("document.xml")
            .1;
        assert!(
            xml.contains("[^1]") || xml.contains("[^2]"),
            "the reference stays as text"
        );

        // The same as a tracked change.
        let earlier = read(&format!("Mở đầu.\n\n{body}"));
        let diff = diff_drafts(&earlier, &draft, &DiffOptions::default());
        let bytes = export(
            Content::Changes {
                diff,
                from: &earlier,
                to: &draft,
                by: Attribution {
                    author: "A".into(),
                    date: "2026-03-05T09:30:00Z".into(),
                },
            },
            &DocxOptions {
                layout: &layout,
                kind: &kind(),
                mark: DraftMark::Final,
                provenance: &provenance(),
            },
        )
        .expect("tracked export");
        references_resolve(&bytes);
    }
}

/// A body that cites a note still gets real footnotes, and a definition
/// nothing cites may cite it too.
#[test]
fn cited_notes_stay_real_footnotes() {
    let layout = load_layout("state", None).expect("layout");
    let draft = read("Văn bản[^a].\n\n[^a]: Một.\n\n[^b]: Xem [^a].\n");
    let bytes = export(
        Content::Draft(&draft),
        &DocxOptions {
            layout: &layout,
            kind: &kind(),
            mark: DraftMark::Final,
            provenance: &provenance(),
        },
    )
    .expect("export");
    assert_eq!(references_resolve(&bytes).len(), 2);
}
