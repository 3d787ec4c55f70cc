//! Drafts and layout data that used to break the DOCX: control characters,
//! unsafe link targets, footnotes that cite themselves or nest a thousand
//! deep, documents with and without footnotes. Each DOCX passes the OOXML
//! conformance check and parses as XML.

mod docx_support;
mod outside;

use docx_support::*;
use duthao_docx::{Content, DocxOptions, DraftMark, export};
use duthao_profile::layout::load_layout;

const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn source(title: &str, body: &str) -> String {
    format!(
        "---\nkind: nghi-quyet\nprofile: party\nissuer:\n  parent: ĐẢNG BỘ TỈNH THÁI NGUYÊN\n  name: TỈNH ỦY THÁI NGUYÊN\n  code: TU\nplace: Thái Nguyên\ndate: 2026-03-05\ntitle: {title}\nsigner:\n  authority: T/M BAN THƯỜNG VỤ\n  title: BÍ THƯ\n  name: Nguyễn Văn A\nrecipients:\n  - Lưu Văn phòng\n---\n\n{body}\n"
    )
}

/// Every XML part of a package parses.
fn parts_parse(bytes: &[u8]) {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    for i in 0..z.len() {
        let mut f = z.by_index(i).expect("entry");
        let name = f.name().to_string();
        let mut s = String::new();
        std::io::Read::read_to_string(&mut f, &mut s).expect("utf-8 part");
        roxmltree::Document::parse(&s).unwrap_or_else(|e| panic!("{name} is not XML: {e}"));
    }
}

fn names(bytes: &[u8]) -> Vec<String> {
    let z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    z.file_names().map(str::to_string).collect()
}

#[test]
fn control_characters_from_the_draft_never_reach_the_xml() {
    // A form feed, ESC, BEL, U+FFFE and U+FFFF in the body; ESC and BEL in
    // the title (YAML's double-quoted escapes let them in); a NUL becomes
    // U+FFFD in the Markdown parser.
    let src = source(
        "\"về công tác \\e[31mđỏ\\a\"",
        "Đoạn một\u{c} có ký tự điều khiển\u{1b}[2J và \u{7}chuông.\n\nĐoạn hai \u{fffe}\u{ffff} có\u{0} ký tự lạ.\n\n| A | B\u{1} |\n|---|---|\n| x\u{b} | y |",
    );
    let (_, _, bytes) = export_source(&src, DraftMark::Draft { version: Some(1) });
    parts_parse(&bytes);
    let xml = part(&bytes, "word/document.xml");
    for c in [
        '\u{c}', '\u{1b}', '\u{7}', '\u{fffe}', '\u{ffff}', '\u{0}', '\u{1}', '\u{b}',
    ] {
        assert!(!xml.contains(c), "U+{:04X} written raw", c as u32);
    }
    assert!(
        xml.contains("có ký tự điều khiển"),
        "the text around them stays"
    );
    let core = part(&bytes, "docProps/core.xml");
    assert!(!core.contains('\u{1b}') && core.contains("đỏ"), "{core}");
}

#[test]
fn control_characters_from_the_layout_data_never_reach_the_xml() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("party")).expect("mkdir");
    std::fs::write(
        dir.path().join("party/layout.toml"),
        "[draft_mark]\nnumbered = \"Dự thảo\\u000C lần {n}\\u001B\"\n\n[font]\nfamily = \"Times\\u0000 New Roman\"\n",
    )
    .expect("write");
    let layout = load_layout("party", Some(dir.path())).expect("layout");
    let draft = parse(&source("về x", "Nội dung."), "x.md");
    let bytes = export(
        Content::Draft(&draft),
        &DocxOptions {
            layout: &layout,
            kind: &kind_info("party", "nghi-quyet"),
            mark: DraftMark::Draft { version: Some(2) },
            provenance: &provenance("x", Some(2)),
        },
    )
    .expect("export");
    outside::check_docx(&bytes, "layout-controls");
    parts_parse(&bytes);
    let xml = part(&bytes, "word/document.xml");
    assert!(xml.contains("Dự thảo lần 2"), "{xml}");
    assert!(!xml.contains('\u{c}') && !xml.contains('\u{1b}') && !xml.contains('\u{0}'));
}

#[test]
fn only_web_and_mail_links_are_live() {
    let src = source(
        "về x",
        "Xem [cổng](https://thainguyen.gov.vn), [thư](mailto:vp@tu.vn), [mã](javascript:alert(1)), [dữ liệu](data:text/html;base64,PHNjcmlwdD4=), [tệp](file:///etc/passwd) và [tương đối](../bi-mat.docx).",
    );
    let (_, _, bytes) = export_source(&src, DraftMark::Draft { version: Some(1) });
    let xml = part(&bytes, "word/document.xml");
    let rels = part(&bytes, "word/_rels/document.xml.rels");
    for bad in ["javascript", "data:", "file:", "bi-mat"] {
        assert!(!rels.contains(bad), "{bad} became a link: {rels}");
    }
    assert!(rels.contains("https://thainguyen.gov.vn"), "{rels}");
    assert!(rels.contains("mailto:vp@tu.vn"), "{rels}");
    let doc = roxmltree::Document::parse(&xml).expect("xml");
    let links: Vec<String> = descendants_named(doc.root_element(), "hyperlink")
        .map(para_text)
        .collect();
    assert_eq!(links, ["cổng", "thư"]);
    for text in ["mã", "dữ liệu", "tệp", "tương đối"] {
        assert!(xml.contains(text), "{text} kept as text");
    }
    // Every hyperlink's relationship exists.
    for h in descendants_named(doc.root_element(), "hyperlink") {
        let rid = h.attribute((R, "id")).expect("r:id");
        assert!(rels.contains(&format!("Id=\"{rid}\"")), "{rid}");
    }
}

#[test]
fn footnotes_that_cite_themselves_or_nest_deeply_export() {
    let own = source("về x", "Có chú thích[^1].\n\n[^1]: Xem chú thích [^1] này.");
    let (_, _, bytes) = export_source(&own, DraftMark::Draft { version: Some(1) });
    let notes = part(&bytes, "word/footnotes.xml");
    assert!(notes.contains("Xem chú thích"), "{notes}");
    // A chain of a thousand notes, each citing the next.
    let mut body = String::from("Bắt đầu[^1].\n\n");
    for i in 1..=1000 {
        body.push_str(&format!("[^{i}]: Chú thích {i}, xem [^{}].\n\n", i + 1));
    }
    let chain = source("về x", &body);
    let draft = parse(&chain, "chain.md");
    let layout = load_layout("party", None).expect("layout");
    let bytes = export(
        Content::Draft(&draft),
        &DocxOptions {
            layout: &layout,
            kind: &kind_info("party", "nghi-quyet"),
            mark: DraftMark::Draft { version: Some(1) },
            provenance: &provenance("x", Some(1)),
        },
    )
    .expect("export");
    outside::check_docx(&bytes, "footnote-chain");
    // The tracked-changes writer walks footnotes the same way.
    let to = parse(&chain.replace("Bắt đầu", "Mở đầu"), "chain2.md");
    let tracked = tracked_docx(
        &draft,
        &to,
        duthao_docx::Attribution {
            author: "A".into(),
            date: "2026-01-01T00:00:00Z".into(),
        },
        2,
    );
    let _ = &layout;
    outside::check_docx(&tracked, "footnote-chain-tracked");
}

#[test]
fn the_package_holds_exactly_the_parts_it_uses() {
    let plain = source("về x", "Không có chú thích.");
    let (_, _, bytes) = export_source(&plain, DraftMark::Draft { version: Some(1) });
    let parts = names(&bytes);
    for absent in [
        "word/footnotes.xml",
        "word/comments.xml",
        "word/numbering.xml",
    ] {
        assert!(!parts.iter().any(|p| p == absent), "{absent} in {parts:?}");
    }
    let ct = part(&bytes, "[Content_Types].xml");
    assert!(!ct.contains("footnotes"), "{ct}");
    parts_parse(&bytes);

    let with = source("về x", "Có chú thích[^a].\n\n[^a]: Nội dung chú thích.");
    let (_, _, bytes) = export_source(&with, DraftMark::Draft { version: Some(1) });
    assert!(names(&bytes).iter().any(|p| p == "word/footnotes.xml"));
    let rels = part(&bytes, "word/_rels/document.xml.rels");
    assert!(rels.contains("Target=\"footnotes.xml\""), "{rels}");
    let ct = part(&bytes, "[Content_Types].xml");
    assert!(ct.contains("/word/footnotes.xml"), "{ct}");
    parts_parse(&bytes);
}
