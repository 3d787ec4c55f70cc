//! Custom properties read back from what the DOCX writer wrote, and where
//! two exports differ: parts, paragraphs and word-level redlines.

use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::time::Instant;

use duthao_docx::{Content, DocxOptions, DraftMark, KindInfo, Provenance, export};
use duthao_docx_read::{
    MAX_REPORTED, ParagraphEdit, PartChange, PartEdit, Piece, ReadError, compare,
    custom_properties, read,
};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

const DRAFT: &str = "---
kind: nghi-quyet
profile: party
issuer:
  parent: ĐẢNG BỘ TỈNH THÁI NGUYÊN
  name: TỈNH ỦY THÁI NGUYÊN
  code: TU
number: 15
place: Thái Nguyên
date: 2026-01-05
title: về tăng cường công tác tổ chức xây dựng Đảng năm 2026
signer:
  authority: T/M BAN THƯỜNG VỤ
  title: BÍ THƯ
  name: Nguyễn Văn A
recipients:
  - Các đảng ủy trực thuộc
  - Lưu Văn phòng Tỉnh ủy
---

Nghị quyết này áp dụng đối với các cấp ủy trực thuộc.

Năm 2025, toàn Đảng bộ kết nạp 2.150 đảng viên mới, vượt 12% kế hoạch.

Các cấp ủy tổ chức thực hiện nghiêm túc Nghị quyết này.
";

fn provenance(signoff: Vec<(String, String)>) -> Provenance {
    Provenance {
        slug: "nghi-quyet-15".into(),
        version: Some(3),
        commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
        source_sha256: "ab".repeat(32),
        committed_at: Some("2026-01-05T09:00:00Z".into()),
        signoff,
    }
}

fn export_source(source: &str, signoff: Vec<(String, String)>) -> Vec<u8> {
    let draft = duthao_model::reader::read(source.as_bytes(), Path::new("d.md")).expect("parses");
    let layout = duthao_profile::layout::load_layout("party", None).expect("layout");
    let kind = KindInfo {
        name: "NGHỊ QUYẾT".into(),
        code: "NQ".into(),
    };
    export(
        Content::Draft(&draft),
        &DocxOptions {
            layout: &layout,
            kind: &kind,
            mark: DraftMark::Final,
            provenance: &provenance(signoff),
        },
    )
    .expect("export")
}

/// The package with each part passed through `edit(name, bytes)`, in the
/// same order, deflated.
fn rezip(docx: &[u8], mut edit: impl FnMut(&str, Vec<u8>) -> Option<Vec<u8>>) -> Vec<u8> {
    let mut z = ZipArchive::new(Cursor::new(docx)).expect("zip");
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for i in 0..z.len() {
        let mut f = z.by_index(i).expect("entry");
        let name = f.name().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).expect("inflate");
        if let Some(bytes) = edit(&name, bytes) {
            out.start_file(name, opts).expect("start");
            out.write_all(&bytes).expect("write");
        }
    }
    out.finish().expect("finish").into_inner()
}

fn replace_in(docx: &[u8], part: &str, from: &str, to: &str) -> Vec<u8> {
    rezip(docx, |name, bytes| {
        if name != part {
            return Some(bytes);
        }
        let text = String::from_utf8(bytes).expect("utf-8");
        assert!(text.contains(from), "{part} holds {from:?}");
        Some(text.replacen(from, to, 1).into_bytes())
    })
}

fn signoff() -> Vec<(String, String)> {
    vec![
        (
            "duthao.approved-by".into(),
            "Nguyễn Văn A <a@x.vn> & B".into(),
        ),
        ("duthao.number".into(), "15-NQ/TU".into()),
        ("duthao.issued".into(), "2026-01-05".into()),
    ]
}

#[test]
fn custom_properties_round_trip() {
    let bytes = export_source(DRAFT, signoff());
    let props = custom_properties(&bytes).expect("reads");
    let mut want: Vec<(String, String)> = [
        ("duthao.slug", "nghi-quyet-15"),
        ("duthao.version", "3"),
        ("duthao.commit", "0123456789abcdef0123456789abcdef01234567"),
        ("duthao.source-sha256", &"ab".repeat(32)),
        ("duthao.kind", "nghi-quyet"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    want.extend(signoff());
    assert_eq!(props, want);

    // A draft: the same properties without the sign-off's.
    let draft = custom_properties(&export_source(DRAFT, Vec::new())).expect("reads");
    assert_eq!(draft, want[..5]);
}

#[test]
fn bad_signoff_names_are_refused() {
    let draft = duthao_model::reader::read(DRAFT.as_bytes(), Path::new("d.md")).expect("parses");
    let layout = duthao_profile::layout::load_layout("party", None).expect("layout");
    let kind = KindInfo {
        name: "NGHỊ QUYẾT".into(),
        code: "NQ".into(),
    };
    for name in [
        "",
        " ",
        "a\u{1}b",
        "line\nbreak",
        "DUTHAO.SLUG",
        "twice",
        &"x".repeat(256),
    ] {
        let mut s = vec![(name.to_string(), "v".to_string())];
        if name == "twice" {
            s.push(("Twice".into(), "w".into()));
        }
        let p = provenance(s);
        let err = export(
            Content::Draft(&draft),
            &DocxOptions {
                layout: &layout,
                kind: &kind,
                mark: DraftMark::Final,
                provenance: &p,
            },
        )
        .expect_err("refused");
        assert!(
            matches!(err, duthao_docx::DocxError::PropertyName { .. }),
            "{name:?}: {err}"
        );
    }
}

#[test]
fn custom_properties_absent_other_types_and_damaged() {
    let doc = "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body/></w:document>";
    let zip_of = |parts: &[(&str, &str)]| {
        let mut z = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, text) in parts {
            z.start_file(*name, SimpleFileOptions::default())
                .expect("start");
            z.write_all(text.as_bytes()).expect("write");
        }
        z.finish().expect("finish").into_inner()
    };
    // No custom part at all.
    let bare = zip_of(&[("word/document.xml", doc)]);
    assert_eq!(custom_properties(&bare).expect("reads"), []);
    // Found through the package relationships under another name; scalar
    // variants of every kind, a vector left out, a nameless one left out.
    let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="/props/mine.xml"/></Relationships>"#;
    let custom = r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="a"><vt:lpwstr>x &amp; <![CDATA[y]]></vt:lpwstr></property><property pid="3" name="n"><vt:i4>42</vt:i4></property><property pid="4" name="b"><vt:bool>true</vt:bool></property><property pid="5" name="v"><vt:vector size="1" baseType="lpwstr"><vt:lpwstr>z</vt:lpwstr></vt:vector></property><property pid="6"><vt:lpwstr>no name</vt:lpwstr></property><property pid="7" name="empty"><vt:lpwstr/></property></Properties>"#;
    let file = zip_of(&[
        ("_rels/.rels", rels),
        ("word/document.xml", doc),
        ("props/mine.xml", custom),
    ]);
    let got = custom_properties(&file).expect("reads");
    let got: Vec<(&str, &str)> = got.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        got,
        [("a", "x & y"), ("n", "42"), ("b", "true"), ("empty", "")]
    );
    // A damaged part is an error naming it, never a panic or a silent empty list.
    let broken = zip_of(&[
        ("word/document.xml", doc),
        ("docProps/custom.xml", "<Properties><property name=\"a\">"),
    ]);
    let err = custom_properties(&broken).expect_err("damaged");
    assert!(
        matches!(&err, ReadError::Xml { part, .. } if part == "docProps/custom.xml"),
        "{err:?}"
    );
    // Not a DOCX.
    assert!(matches!(
        custom_properties(b"plain"),
        Err(ReadError::NotZip(_))
    ));
    assert!(matches!(
        custom_properties(&zip_of(&[("docProps/custom.xml", custom)])),
        Err(ReadError::NotDocx)
    ));
    // A zip bomb in the custom part is refused like any other part.
    let mut z = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    z.start_file("word/document.xml", opts).expect("start");
    z.write_all(doc.as_bytes()).expect("write");
    z.start_file("docProps/custom.xml", opts).expect("start");
    z.write_all(&vec![b' '; (duthao_docx_read::MAX_PART + 1) as usize])
        .expect("write");
    let bomb = z.finish().expect("finish").into_inner();
    assert!(matches!(
        custom_properties(&bomb),
        Err(ReadError::TooBig { .. } | ReadError::Suspicious { .. })
    ));
}

#[test]
fn identical_files_are_identical() {
    let a = export_source(DRAFT, signoff());
    let b = export_source(DRAFT, signoff());
    assert_eq!(a, b, "the export is deterministic");
    let d = compare(&a, &b).expect("compares");
    assert!(d.identical(), "{d:?}");
}

#[test]
fn a_changed_word_names_its_paragraph() {
    let a = export_source(DRAFT, signoff());
    let b = replace_in(&a, "word/document.xml", "2.150", "2.510");
    let d = compare(&a, &b).expect("compares");
    assert!(!d.identical());
    assert_eq!(
        d.parts,
        [PartChange {
            name: "word/document.xml".into(),
            edit: PartEdit::Changed
        }]
    );
    assert_eq!(d.paragraphs.len(), 1, "{:#?}", d.paragraphs);
    let c = &d.paragraphs[0];
    let expected = read(&a).expect("reads");
    let n = expected
        .paragraphs
        .iter()
        .position(|p| p.text.contains("2.150"))
        .expect("the paragraph")
        + 1;
    assert_eq!(
        (c.edit, c.paragraph, c.actual),
        (ParagraphEdit::Changed, n, Some(n))
    );
    assert!(c.old.contains("2.150") && c.new.contains("2.510"));
    let changes: Vec<&Piece> = c
        .redline
        .iter()
        .filter(|p| !matches!(p, Piece::Same(_)))
        .collect();
    assert_eq!(
        changes,
        [
            &Piece::Deleted("2.150".into()),
            &Piece::Inserted("2.510".into())
        ]
    );
    let rebuilt: String = c
        .redline
        .iter()
        .filter_map(|p| match p {
            Piece::Same(t) | Piece::Deleted(t) => Some(t.as_str()),
            Piece::Inserted(_) => None,
        })
        .collect();
    assert_eq!(rebuilt, c.old);
}

#[test]
fn an_added_paragraph_says_where() {
    let a = export_source(DRAFT, Vec::new());
    let added = DRAFT.replace(
        "Các cấp ủy tổ chức",
        "Đoạn thêm vào sau khi duyệt.\n\nCác cấp ủy tổ chức",
    );
    let b = export_source(&added, Vec::new());
    let d = compare(&a, &b).expect("compares");
    assert_eq!(d.paragraphs.len(), 1, "{:#?}", d.paragraphs);
    let c = &d.paragraphs[0];
    let expected = read(&a).expect("reads");
    let before = expected
        .paragraphs
        .iter()
        .position(|p| p.text.contains("2.150"))
        .expect("the paragraph before")
        + 1;
    assert_eq!(
        (c.edit, c.paragraph, c.actual),
        (ParagraphEdit::Added, before, Some(before + 1))
    );
    assert_eq!(c.new, "Đoạn thêm vào sau khi duyệt.");
    assert_eq!(c.redline, [Piece::Inserted(c.new.clone())]);
    assert!(d.parts.iter().any(|p| p.name == "word/document.xml"));

    // And removed again, the other way round.
    let back = compare(&b, &a).expect("compares");
    assert_eq!(back.paragraphs.len(), 1);
    assert_eq!(back.paragraphs[0].edit, ParagraphEdit::Removed);
    assert_eq!(back.paragraphs[0].paragraph, before + 1);
    assert_eq!(back.paragraphs[0].actual, None);
}

#[test]
fn a_style_change_is_a_part_not_a_text_change() {
    let a = export_source(DRAFT, signoff());
    let styles = {
        let mut z = ZipArchive::new(Cursor::new(&a[..])).expect("zip");
        let mut s = String::new();
        z.by_name("word/styles.xml")
            .expect("styles")
            .read_to_string(&mut s)
            .expect("read");
        s
    };
    let size = styles.find("w:sz w:val=\"").expect("a font size");
    let b = replace_in(
        &a,
        "word/styles.xml",
        &styles[size..size + 14],
        "w:sz w:val=\"40",
    );
    let d = compare(&a, &b).expect("compares");
    assert_eq!(
        d.parts,
        [PartChange {
            name: "word/styles.xml".into(),
            edit: PartEdit::Changed
        }]
    );
    assert!(d.paragraphs.is_empty() && d.more_paragraphs == 0);
    assert!(!d.identical());

    // A property changed, a part dropped, a part added.
    let c = rezip(&a, |name, bytes| match name {
        "word/fontTable.xml" => None,
        "docProps/custom.xml" => Some(
            String::from_utf8(bytes)
                .expect("utf-8")
                .replace("15-NQ/TU", "16-NQ/TU")
                .into_bytes(),
        ),
        _ => Some(bytes),
    });
    let c = {
        let mut z = ZipWriter::new_append(Cursor::new(c)).expect("append");
        z.start_file("customXml/item1.xml", SimpleFileOptions::default())
            .expect("start");
        z.write_all(b"<x/>").expect("write");
        z.finish().expect("finish").into_inner()
    };
    let d = compare(&a, &c).expect("compares");
    let got: Vec<(&str, PartEdit)> = d.parts.iter().map(|p| (p.name.as_str(), p.edit)).collect();
    assert_eq!(
        got,
        [
            ("customXml/item1.xml", PartEdit::Added),
            ("docProps/custom.xml", PartEdit::Changed),
            ("word/fontTable.xml", PartEdit::Removed),
        ]
    );
    assert!(d.paragraphs.is_empty());
}

#[test]
fn the_same_parts_zipped_again_are_repackaged() {
    let a = export_source(DRAFT, Vec::new());
    // The same parts, stored instead of deflated.
    let b = {
        let mut z = ZipArchive::new(Cursor::new(&a[..])).expect("zip");
        let mut out = ZipWriter::new(Cursor::new(Vec::new()));
        let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
        for i in 0..z.len() {
            let mut f = z.by_index(i).expect("entry");
            let name = f.name().to_string();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).expect("inflate");
            out.start_file(name, opts).expect("start");
            out.write_all(&bytes).expect("write");
        }
        out.finish().expect("finish").into_inner()
    };
    assert!(a != b);
    let d = compare(&a, &b).expect("compares");
    assert!(d.repackaged && d.parts.is_empty() && !d.identical());
}

#[test]
fn thousands_of_paragraphs_compare_quickly_and_the_report_is_capped() {
    let mut body = String::new();
    for i in 0..4000 {
        body.push_str(&format!(
            "Đoạn {i}: các cấp ủy, tổ chức đảng tiếp tục quán triệt, triển khai thực hiện nghiêm túc các nghị quyết.\n\n"
        ));
    }
    let source = DRAFT.replace(
        "Các cấp ủy tổ chức thực hiện nghiêm túc Nghị quyết này.\n",
        &body,
    );
    let a = export_source(&source, Vec::new());
    // Every third paragraph edited: far more changes than are listed.
    let edited: String = body
        .split("\n\n")
        .enumerate()
        .map(|(i, p)| {
            if i % 3 == 0 {
                p.replace("nghiêm túc", "hiệu quả")
            } else {
                p.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    let b = export_source(
        &DRAFT.replace(
            "Các cấp ủy tổ chức thực hiện nghiêm túc Nghị quyết này.\n",
            &edited,
        ),
        Vec::new(),
    );
    let t = Instant::now();
    let d = compare(&a, &b).expect("compares");
    let took = t.elapsed();
    assert_eq!(d.paragraphs.len(), MAX_REPORTED);
    assert_eq!(d.paragraphs.len() + d.more_paragraphs, 4000 / 3 + 1);
    assert!(
        d.paragraphs
            .iter()
            .all(|c| c.edit == ParagraphEdit::Changed)
    );
    // Debug builds are several times slower than release; still well
    // within a few seconds.
    assert!(took.as_secs_f64() < 3.0, "took {took:?}");
}
