//! The exported XML follows each rule of each layout profile.

mod docx_support;
mod outside;

use docx_support::*;
use duthao::model::{BlockKind, inline_text};
use duthao_docx::DraftMark;
use duthao_profile::layout::{Align, Layout, TextStyle};

const PROFILES: &[&str] = &["state", "party", "party-2018"];

fn body_paragraphs<'a, 'i>(doc: &'a roxmltree::Document<'i>) -> Vec<roxmltree::Node<'a, 'i>> {
    descendants_named(doc.root_element(), "p").collect()
}

/// The paragraph whose whole text is `text` (whitespace-normalised).
fn para_with<'a, 'i>(doc: &'a roxmltree::Document<'i>, text: &str) -> roxmltree::Node<'a, 'i> {
    body_paragraphs(doc)
        .into_iter()
        .find(|p| normalise_ws(&para_text(*p)) == normalise_ws(text))
        .unwrap_or_else(|| panic!("a paragraph reading {text:?}"))
}

fn align_name(a: Align) -> &'static str {
    match a {
        Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
        Align::Both => "both",
    }
}

fn check_style(doc: &roxmltree::Document, text: &str, s: &TextStyle, what: &str, l: &Layout) {
    let p = para_with(doc, text);
    let r = first_run_props(p);
    let ctx = format!("{} / {what} ({text:?})", l.profile.name);
    assert_eq!(r.half_points, Some((s.size_pt * 2.0) as u32), "{ctx}: size");
    assert_eq!(r.bold, s.bold, "{ctx}: bold");
    assert_eq!(r.italic, s.italic, "{ctx}: italic");
    assert_eq!(r.underline, s.underline, "{ctx}: underline");
    assert_eq!(
        r.font.as_deref(),
        Some(l.font.family.as_str()),
        "{ctx}: font"
    );
    assert_eq!(
        jc(p).as_deref(),
        Some(align_name(s.align)),
        "{ctx}: alignment"
    );
    if s.caps {
        assert_eq!(para_text(p), para_text(p).to_uppercase(), "{ctx}: capitals");
    }
}

#[test]
fn page_setup_margins_fonts_and_page_numbers() {
    for profile in PROFILES {
        let (l, _, bytes) = export_source(
            &all_blocks_source(profile),
            DraftMark::Draft { version: Some(2) },
        );
        let xml = part(&bytes, "word/document.xml");
        let doc = roxmltree::Document::parse(&xml).expect("document.xml is XML");
        let sect = descendants_named(doc.root_element(), "sectPr")
            .last()
            .expect("sectPr");
        let sz = child(sect, "pgSz").expect("pgSz");
        assert_eq!(
            wattr(sz, "w"),
            Some(twips(l.page.width_mm).to_string().as_str()),
            "{profile}"
        );
        assert_eq!(
            wattr(sz, "h"),
            Some(twips(l.page.height_mm).to_string().as_str()),
            "{profile}"
        );
        assert_eq!(wattr(sz, "w"), Some("11906"), "{profile}: A4 width");
        let mar = child(sect, "pgMar").expect("pgMar");
        for (attr, v) in [
            ("top", l.page.margin_top_mm),
            ("bottom", l.page.margin_bottom_mm),
            ("left", l.page.margin_left_mm),
            ("right", l.page.margin_right_mm),
        ] {
            assert_eq!(
                wattr(mar, attr),
                Some(twips(v).to_string().as_str()),
                "{profile}: margin {attr}"
            );
        }
        // Page numbers from page 2: a different first page with an empty header.
        assert!(child(sect, "titlePg").is_some(), "{profile}: titlePg");
        let rels = part(&bytes, "word/_rels/document.xml.rels");
        let mut first_has_page = None;
        let mut default_has_page = None;
        for href in descendants_named(sect, "headerReference") {
            let rid = href
                .attribute((
                    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                    "id",
                ))
                .expect("r:id");
            let target = rels
                .split("<Relationship ")
                .find(|r| r.contains(&format!("Id=\"{rid}\"")))
                .and_then(|r| r.split("Target=\"").nth(1))
                .and_then(|t| t.split('"').next())
                .expect("header target");
            let hx = part(&bytes, &format!("word/{target}"));
            let has_page = hx.contains("PAGE");
            match wattr(href, "type") {
                Some("first") => first_has_page = Some(has_page),
                Some("default") => {
                    default_has_page = Some(has_page);
                    let hdoc = roxmltree::Document::parse(&hx).expect("header xml");
                    let p = descendants_named(hdoc.root_element(), "p")
                        .next()
                        .expect("header p");
                    assert_eq!(
                        jc(p).as_deref(),
                        Some("center"),
                        "{profile}: page number centred"
                    );
                    let r = first_run_props(p);
                    assert_eq!(
                        r.half_points,
                        Some((l.page_number.size_pt * 2.0) as u32),
                        "{profile}: page number size"
                    );
                }
                _ => {}
            }
        }
        assert_eq!(
            first_has_page,
            Some(false),
            "{profile}: no page number on page 1"
        );
        assert_eq!(
            default_has_page,
            Some(true),
            "{profile}: PAGE field from page 2"
        );
        // The drafter's numbering is text: Word auto-numbering is never used.
        assert!(!xml.contains("<w:numPr>"), "{profile}: no auto-numbering");
    }
}

#[test]
fn header_table_number_date_type_name_and_title() {
    for profile in PROFILES {
        let (l, d, bytes) = export_source(
            &all_blocks_source(profile),
            DraftMark::Draft { version: Some(2) },
        );
        let xml = part(&bytes, "word/document.xml");
        let doc = roxmltree::Document::parse(&xml).expect("xml");
        let body = child(doc.root_element(), "body").expect("body");
        let tbl = body
            .children()
            .find(|c| c.has_tag_name((W, "tbl")))
            .expect("header table first");
        let grid: Vec<_> = descendants_named(tbl, "gridCol").collect();
        assert_eq!(grid.len(), 2, "{profile}: two columns");
        let borders = descendants_named(tbl, "tblBorders")
            .next()
            .expect("tblBorders");
        for b in borders.children().filter(|c| c.is_element()) {
            assert!(
                matches!(wattr(b, "val"), Some("none") | Some("nil")),
                "{profile}: borderless header"
            );
        }
        let tc_borders: Vec<_> = descendants_named(tbl, "tcBorders").collect();
        for tb in tc_borders {
            for b in tb.children().filter(|c| c.is_element()) {
                assert!(
                    matches!(wattr(b, "val"), Some("none") | Some("nil")),
                    "{profile}: borderless cells"
                );
            }
        }
        let cells: Vec<_> = descendants_named(tbl, "tc").collect();
        let left_text = normalise_ws(&para_text(cells[0]));
        let right_text = normalise_ws(&para_text(cells[1]));
        assert!(
            left_text.contains(&d.front.issuer.name.to_uppercase()),
            "{profile}: issuer on the left"
        );
        for m in &l.header.motto {
            assert!(
                right_text.contains(&m.text.to_uppercase()) || right_text.contains(&m.text),
                "{profile}: motto on the right"
            );
            check_style(
                &doc,
                &if m.style.caps {
                    m.text.to_uppercase()
                } else {
                    m.text.clone()
                },
                &m.style,
                "motto",
                &l,
            );
        }
        check_style(&doc, &d.front.issuer.name, &l.header.issuer, "issuer", &l);
        if let Some(parent) = &d.front.issuer.parent {
            check_style(&doc, parent, &l.header.parent, "parent body", &l);
        }
        let (number, date) = match *profile {
            "state" => ("Số: 05/QĐ-UBND", "Thái Nguyên, ngày 29 tháng 6 năm 2026"),
            _ => ("Số 15-NQ/TU", "Thái Nguyên, ngày 05 tháng 01 năm 2026"),
        };
        check_style(&doc, number, &l.header.number, "number", &l);
        check_style(&doc, date, &l.header.date, "date", &l);
        // The party marks the issuing body with "*"; the state with a rule.
        match l.header.issuer_rule.kind {
            duthao_profile::layout::RuleKind::Star => {
                assert!(left_text.contains('*'), "{profile}: star")
            }
            _ => assert!(
                xml.contains("<w:pBdr><w:bottom w:val=\"single\""),
                "{profile}: rule under the issuer"
            ),
        }
        let kind = kind_info(profile, &d.front.kind);
        check_style(&doc, &kind.name, &l.type_name, "type name", &l);
        let title = match *profile {
            "state" => "Về tăng cường công tác tổ chức xây dựng Đảng năm 2026",
            _ => "về tăng cường công tác tổ chức xây dựng Đảng năm 2026",
        };
        check_style(&doc, title, &l.title, "trích yếu", &l);
        if *profile != "state" {
            para_with(&doc, "-----");
        }
    }
}

#[test]
fn unnumbered_undated_drafts_keep_the_blank_spacing() {
    let src = all_blocks_source("party")
        .replace("number: 15\n", "")
        .replace("date: 2026-01-05\n", "");
    let (_, _, bytes) = export_source(&src, DraftMark::Draft { version: None });
    let xml = part(&bytes, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).expect("xml");
    let number = body_paragraphs(&doc)
        .into_iter()
        .map(|p| para_text(p))
        .find(|t| t.ends_with("-NQ/TU"))
        .expect("number line");
    assert!(
        number.starts_with("Số ") && number.contains("   -NQ/TU"),
        "{number:?}"
    );
    let date = body_paragraphs(&doc)
        .into_iter()
        .map(|p| para_text(p))
        .find(|t| t.starts_with("Thái Nguyên, ngày"))
        .expect("date line");
    assert!(date.contains("ngày      tháng      năm"), "{date:?}");
    para_with(&doc, "DỰ THẢO");
}

#[test]
fn body_headings_lists_tables_and_footnotes() {
    for profile in PROFILES {
        let (l, d, bytes) = export_source(
            &all_blocks_source(profile),
            DraftMark::Draft { version: Some(1) },
        );
        let xml = part(&bytes, "word/document.xml");
        let doc = roxmltree::Document::parse(&xml).expect("xml");
        // Body paragraph: justified, first-line indent, spacing after, line spacing.
        let p = para_with(
            &doc,
            "Nghị quyết này áp dụng đối với các cấp ủy trực thuộc.",
        );
        let ppr = child(p, "pPr").expect("pPr");
        assert_eq!(jc(p).as_deref(), Some("both"), "{profile}: justified");
        let ind = child(ppr, "ind").expect("indent");
        assert_eq!(
            wattr(ind, "firstLine"),
            Some(twips(l.body.first_line_indent_mm).to_string().as_str()),
            "{profile}"
        );
        let indent_cm = l.body.first_line_indent_mm / 10.0;
        assert!(
            (1.0..=1.27).contains(&indent_cm),
            "{profile}: indent 1-1.27 cm"
        );
        let sp = child(ppr, "spacing").expect("spacing");
        let after: u32 = wattr(sp, "after")
            .and_then(|v| v.parse().ok())
            .expect("after");
        assert!(after >= 120, "{profile}: at least 6 pt between paragraphs");
        let line: u32 = wattr(sp, "line")
            .and_then(|v| v.parse().ok())
            .expect("line");
        assert!(
            (240..=360).contains(&line),
            "{profile}: single to 1.5 line spacing"
        );
        let r = first_run_props(p);
        assert_eq!(
            r.half_points,
            Some((l.body.size_pt * 2.0) as u32),
            "{profile}: body size"
        );
        assert!(
            (13.0..=15.0).contains(&l.body.size_pt),
            "{profile}: body 13-15 pt"
        );

        // Headings by label kind.
        let part_heading = para_with(&doc, "Phần I\nĐÁNH GIÁ TÌNH HÌNH");
        assert_eq!(
            jc(part_heading).as_deref(),
            Some("center"),
            "{profile}: Phần centred"
        );
        assert!(first_run_props(part_heading).bold, "{profile}: Phần bold");
        let chapter = para_with(&doc, "Chương I\nKẾT QUẢ");
        assert_eq!(
            jc(chapter).as_deref(),
            Some("center"),
            "{profile}: Chương centred"
        );
        check_style(
            &doc,
            "Điều 1. Phạm vi điều chỉnh",
            &l.headings.article,
            "Điều",
            &l,
        );
        check_style(&doc, "I. TÌNH HÌNH CHUNG", &l.headings.roman, "I.", &l);
        check_style(&doc, "1. Kết quả đạt được", &l.headings.arabic, "1.", &l);
        check_style(
            &doc,
            "a) Công tác tổ chức được kiện toàn;",
            &l.headings.point,
            "a)",
            &l,
        );
        para_with(&doc, "đ) Công tác kiểm tra được tăng cường.");

        // Literal list markers.
        para_with(&doc, "- Thứ nhất, hoàn thiện thể chế;");
        para_with(&doc, "- đảng viên trẻ.");
        para_with(&doc, "2. Đánh giá cán bộ.");

        // Inline emphasis and links.
        let p = para_with(
            &doc,
            "Năm 2025, toàn Đảng bộ kết nạp 2.150 đảng viên mới, vượt 12% kế hoạch.",
        );
        let bold_run = descendants_named(p, "r")
            .find(|r| para_text(*r) == "2.150 đảng viên mới")
            .expect("bold run");
        assert!(
            child(child(bold_run, "rPr").expect("rPr"), "b").is_some(),
            "{profile}: bold kept"
        );
        let link = descendants_named(doc.root_element(), "hyperlink")
            .next()
            .expect("a hyperlink");
        assert_eq!(para_text(link), "Cổng thông tin");
        let rels = part(&bytes, "word/_rels/document.xml.rels");
        assert!(
            rels.contains("Target=\"https://example.vn/tin\"")
                && rels.contains("TargetMode=\"External\""),
            "{profile}"
        );

        // Table: borders and a bold header row.
        let tables: Vec<_> = descendants_named(doc.root_element(), "tbl").collect();
        let data = tables
            .iter()
            .find(|t| para_text(**t).contains("Chỉ tiêu"))
            .expect("the data table");
        let b = descendants_named(*data, "tblBorders")
            .next()
            .expect("borders");
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            assert_eq!(
                child(b, side).and_then(|e| wattr(e, "val")),
                Some("single"),
                "{profile}: {side}"
            );
        }
        let first_row = descendants_named(*data, "tr").next().expect("row");
        for cell in descendants_named(first_row, "tc") {
            assert!(first_run_props(cell).bold, "{profile}: header row bold");
        }

        // A real footnote, its text in footnotes.xml, not in the body.
        assert!(
            xml.contains("<w:footnoteReference w:id=\"1\""),
            "{profile}: footnote reference"
        );
        let notes = part(&bytes, "word/footnotes.xml");
        assert!(
            notes.contains("Theo Báo cáo tổng kết năm 2025"),
            "{profile}"
        );
        let notes_doc = roxmltree::Document::parse(&notes).expect("footnotes.xml is XML");
        assert!(
            descendants_named(notes_doc.root_element(), "footnoteRef")
                .next()
                .is_some(),
            "{profile}: note number in the note"
        );
        assert!(!xml.contains("Theo Báo cáo tổng kết năm 2025"), "{profile}");

        // Every block's text is in the document.
        let all = normalise_ws(
            &body_paragraphs(&doc)
                .into_iter()
                .map(|p| para_text(p))
                .collect::<Vec<_>>()
                .join(" "),
        );
        for b in &d.body.blocks {
            match &b.kind {
                BlockKind::Paragraph { content } | BlockKind::Quote { content } => {
                    let t = normalise_ws(&inline_text(content).replace("[^1]", ""));
                    assert!(all.contains(&t), "{profile}: {t:?} missing");
                }
                _ => {}
            }
        }
    }
}

#[test]
fn signature_block_and_recipients() {
    for profile in PROFILES {
        let (l, d, bytes) = export_source(&all_blocks_source(profile), DraftMark::Final);
        let xml = part(&bytes, "word/document.xml");
        let doc = roxmltree::Document::parse(&xml).expect("xml");
        let s = d.front.signer.as_ref().expect("signer");
        check_style(&doc, &s.authority, &l.signature.authority, "authority", &l);
        check_style(&doc, &s.title, &l.signature.title, "signer title", &l);
        check_style(&doc, &s.name, &l.signature.name, "signer name", &l);
        check_style(&doc, "Nơi nhận:", &l.recipients.label_style, "Nơi nhận", &l);
        let lines = l.recipients.lines(&d.front.recipients);
        for (i, line) in lines.iter().enumerate() {
            check_style(&doc, line, &l.recipients.item_style, "recipient", &l);
            assert!(line.starts_with("- "), "{profile}: {line}");
            if i + 1 == lines.len() {
                assert!(
                    line.ends_with('.') && line.contains("Lưu"),
                    "{profile}: last line {line}"
                );
            } else {
                assert!(
                    line.ends_with(l.recipients.item_suffix.as_str()),
                    "{profile}: {line}"
                );
            }
        }
        // Both sit in one borderless two-column table at the end.
        let body = child(doc.root_element(), "body").expect("body");
        let last_tbl = body
            .children()
            .rfind(|c| c.has_tag_name((W, "tbl")))
            .expect("closing table");
        let text = para_text(last_tbl);
        assert!(
            text.contains("Nơi nhận:") && text.contains(&s.name),
            "{profile}"
        );
        assert_eq!(
            descendants_named(last_tbl, "gridCol").count(),
            2,
            "{profile}"
        );
        // A final document has no draft mark.
        assert!(
            !xml.contains("Dự thảo") && !xml.contains("DỰ THẢO"),
            "{profile}: no mark on a final"
        );
    }
    let (_, _, bytes) = export_source(&all_blocks_source("state"), DraftMark::Final);
    let xml = part(&bytes, "word/document.xml");
    assert!(xml.contains("- Lưu: VT."), "state adds the archive line");
}

#[test]
fn draft_marks() {
    for profile in PROFILES {
        let (l, _, bytes) = export_source(
            &all_blocks_source(profile),
            DraftMark::Draft { version: Some(3) },
        );
        let xml = part(&bytes, "word/document.xml");
        let doc = roxmltree::Document::parse(&xml).expect("xml");
        check_style(&doc, "Dự thảo lần 3", &l.draft_mark.style, "draft mark", &l);
        // The mark is the first thing on page 1.
        let body = child(doc.root_element(), "body").expect("body");
        let first = body
            .children()
            .find(|c| c.is_element())
            .expect("first element");
        assert_eq!(para_text(first), "Dự thảo lần 3", "{profile}");
    }
}

#[test]
fn properties_and_provenance() {
    let (_, _, bytes) = export_source(
        &all_blocks_source("party"),
        DraftMark::Draft { version: Some(2) },
    );
    let core = part(&bytes, "docProps/core.xml");
    assert!(
        core.contains(
            "<dc:title>NGHỊ QUYẾT về tăng cường công tác tổ chức xây dựng Đảng năm 2026</dc:title>"
        ),
        "{core}"
    );
    assert!(
        core.contains("<dc:creator>TỈNH ỦY THÁI NGUYÊN</dc:creator>"),
        "{core}"
    );
    assert!(core.contains("2026-01-05T00:00:00Z"), "{core}");
    let custom = part(&bytes, "docProps/custom.xml");
    for (k, v) in [
        ("duthao.slug", "test"),
        ("duthao.version", "2"),
        ("duthao.commit", "0123456789abcdef0123456789abcdef01234567"),
        ("duthao.source-sha256", &"ab".repeat(32)),
    ] {
        assert!(
            custom.contains(&format!("name=\"{k}\"><vt:lpwstr>{v}</vt:lpwstr>")),
            "{k}: {custom}"
        );
    }
}

#[test]
fn same_input_same_bytes_and_deflated() {
    let src = all_blocks_source("state");
    let (_, _, a) = export_source(&src, DraftMark::Draft { version: Some(2) });
    // Another export in between moves docx-rs's process-wide counters.
    let _ = export_source(
        &all_blocks_source("party"),
        DraftMark::Draft { version: Some(1) },
    );
    let (_, _, b) = export_source(&src, DraftMark::Draft { version: Some(2) });
    assert!(a == b, "two exports of the same input differ");
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&a)).expect("zip");
    for i in 0..z.len() {
        let f = z.by_index(i).expect("entry");
        assert_eq!(
            f.compression(),
            zip::CompressionMethod::Deflated,
            "{}",
            f.name()
        );
    }
}

#[test]
fn a_workspace_override_reaches_the_document() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("party")).expect("mkdir");
    std::fs::write(
        dir.path().join("party/layout.toml"),
        "[page]\nmargin_left_mm = 35.0\n\n[body]\nsize_pt = 15.0\n",
    )
    .expect("write");
    let layout = duthao_profile::layout::load_layout("party", Some(dir.path())).expect("layout");
    let draft = parse(&all_blocks_source("party"), "x.md");
    let kind = kind_info("party", "nghi-quyet");
    let bytes = duthao_docx::export(
        duthao_docx::Content::Draft(&draft),
        &duthao_docx::DocxOptions {
            layout: &layout,
            kind: &kind,
            mark: DraftMark::Final,
            provenance: &provenance("x", None),
        },
    )
    .expect("export");
    let xml = part(&bytes, "word/document.xml");
    assert!(
        xml.contains(&format!("w:left=\"{}\"", twips(35.0))),
        "left margin from the workspace"
    );
    let doc = roxmltree::Document::parse(&xml).expect("document.xml is XML");
    assert!(
        descendants_named(doc.root_element(), "sz").any(|e| wattr(e, "val") == Some("30")),
        "body size from the workspace"
    );
}

#[test]
fn cong_van_puts_its_trich_yeu_under_the_number() {
    for profile in ["state", "party"] {
        let src = all_blocks_source(profile)
            .replace("kind: quyet-dinh", "kind: cong-van")
            .replace("kind: nghi-quyet", "kind: cong-van")
            .replace("  code: UBND", "  code: UBND-KGVX");
        let (l, d, bytes) = export_source(&src, DraftMark::Draft { version: Some(1) });
        let xml = part(&bytes, "word/document.xml");
        let doc = roxmltree::Document::parse(&xml).expect("xml");
        let body = child(doc.root_element(), "body").expect("body");
        let header = body
            .children()
            .find(|c| c.has_tag_name((W, "tbl")))
            .expect("header table");
        let left_cells: Vec<_> = descendants_named(header, "tc").collect();
        let number_cell = normalise_ws(&para_text(left_cells[2]));
        let want_number = match profile {
            "state" => "Số: 05/UBND-KGVX",
            _ => "Số 15-CV/TU",
        };
        // The title is written "về …" (party) or "Về …" (state): "V/v" says it once.
        let vv = "V/v tăng cường công tác tổ chức xây dựng Đảng năm 2026".to_string();
        assert!(
            !number_cell.contains("V/v về") && !number_cell.contains("V/v Về"),
            "{profile}: {number_cell}"
        );
        assert!(
            number_cell.contains(want_number),
            "{profile}: {number_cell}"
        );
        assert!(number_cell.contains(&vv), "{profile}: {number_cell}");
        check_style(&doc, &vv, &l.letter_title.style, "V/v", &l);
        // No type name line and no trích yếu under it.
        let outside_header: Vec<String> = body
            .children()
            .filter(|c| c.has_tag_name((W, "p")))
            .map(|p| para_text(p))
            .collect();
        assert!(
            !outside_header
                .iter()
                .any(|t| t.contains(d.front.title.trim())),
            "{profile}"
        );
    }
}

#[test]
fn sparse_front_matter_still_exports() {
    for profile in PROFILES {
        let src = format!(
            "---\nkind: quyet-dinh\nprofile: {profile}\nissuer:\n  name: SỞ NỘI VỤ\ntitle: về việc thử\n---\n\nNội dung.\n"
        );
        let (_, _, bytes) = export_source(&src, DraftMark::Draft { version: None });
        let xml = part(&bytes, "word/document.xml");
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let text = normalise_ws(&para_text(doc.root_element()));
        assert!(
            text.contains("SỞ NỘI VỤ") && text.contains("QUYẾT ĐỊNH"),
            "{profile}: {text}"
        );
        assert!(
            !text.contains("Nơi nhận"),
            "{profile}: no recipients, no list"
        );
    }
    // A ragged table and nested emphasis.
    let src = "---\nkind: quyet-dinh\nprofile: state\nissuer:\n  name: SỞ NỘI VỤ\ntitle: Về việc thử\n---\n\n| A | B |\n|---|---|\n| 1 |\n| 2 | 3 |\n\n***đậm nghiêng*** và ~~gạch~~.\n";
    let (_, _, bytes) = export_source(src, DraftMark::Final);
    let xml = part(&bytes, "word/document.xml");
    roxmltree::Document::parse(&xml).expect("well-formed XML");
    assert!(xml.contains("đậm nghiêng"));
}

#[test]
fn an_issuer_is_required() {
    // The reader refuses an empty issuer; a caller building a draft by hand gets an error too.
    let src = "---\nkind: quyet-dinh\nprofile: state\nissuer:\n  name: SỞ\ntitle: Về việc thử\n---\nNội dung.\n";
    let mut draft = parse(src, "x.md");
    draft.front.issuer.name = " ".into();
    let layout = duthao_profile::layout::load_layout("state", None).expect("layout");
    let err = duthao_docx::export(
        duthao_docx::Content::Draft(&draft),
        &duthao_docx::DocxOptions {
            layout: &layout,
            kind: &kind_info("state", "quyet-dinh"),
            mark: DraftMark::Final,
            provenance: &provenance("x", None),
        },
    )
    .expect_err("no issuer");
    assert!(err.to_string().contains("issuer"), "{err}");
}

/// Short rules (under the issuing body, the motto and the trích yếu) are the
/// bottom border of an empty paragraph at least 5 pt high, so the dots under
/// "Ọ", "Ệ" and descenders keep clear of them: never a top border drawn right
/// under the line of text.
#[test]
fn short_rules_clear_the_diacritics_above_them() {
    for profile in PROFILES {
        let (l, _, bytes) = export_source(
            &all_blocks_source(profile),
            DraftMark::Draft { version: Some(1) },
        );
        let xml = part(&bytes, "word/document.xml");
        let doc = roxmltree::Document::parse(&xml).expect("xml");
        let mut rules = 0;
        for p in body_paragraphs(&doc) {
            let Some(bdr) = child(p, "pPr").and_then(|x| child(x, "pBdr")) else {
                continue;
            };
            let sides: Vec<&str> = bdr
                .children()
                .filter(|c| c.is_element())
                .map(|c| c.tag_name().name())
                .collect();
            if sides.len() == 4 {
                continue; // the boxed draft mark
            }
            assert_eq!(sides, ["bottom"], "{profile}: a rule is a bottom border");
            assert_eq!(para_text(p), "", "{profile}: a rule paragraph has no text");
            let sp = child(child(p, "pPr").expect("pPr"), "spacing").expect("spacing");
            assert_eq!(wattr(sp, "lineRule"), Some("exact"), "{profile}");
            let line: u32 = wattr(sp, "line")
                .and_then(|v| v.parse().ok())
                .expect("line");
            let before: u32 = wattr(sp, "before")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            assert!(
                line + before >= 100,
                "{profile}: {line} + {before} twips between the text and its rule"
            );
            rules += 1;
        }
        let want = [
            l.header.issuer_rule.kind,
            l.header.motto_rule.kind,
            l.title_rule.kind,
        ]
        .iter()
        .filter(|k| **k == duthao_profile::layout::RuleKind::Line)
        .count()
            + 1; // the "---" thematic break in the body
        assert_eq!(rules, want, "{profile}: every line rule checked");
    }
}

/// The paragraph properties a reader sees as "the same paragraph style":
/// alignment, indent, spacing before/after, line spacing, font size.
fn paragraph_look(p: roxmltree::Node) -> Vec<(String, Option<String>)> {
    let ppr = child(p, "pPr").expect("pPr");
    let mut out = vec![("jc".to_string(), jc(p))];
    for (el, attrs) in [
        ("ind", &["left", "firstLine", "hanging"][..]),
        ("spacing", &["before", "after", "line", "lineRule"][..]),
    ] {
        for a in attrs {
            out.push((
                format!("{el}.{a}"),
                child(ppr, el).and_then(|e| wattr(e, a)).map(str::to_string),
            ));
        }
    }
    out.push((
        "size".into(),
        first_run_props(p).half_points.map(|v| v.to_string()),
    ));
    out
}

/// Points a), b), đ) are body text: the spacing, indent and line spacing of
/// a body paragraph, not those of a heading.
#[test]
fn points_are_spaced_like_body_paragraphs() {
    for profile in PROFILES {
        let (_, _, bytes) = export_source(
            &all_blocks_source(profile),
            DraftMark::Draft { version: Some(1) },
        );
        let xml = part(&bytes, "word/document.xml");
        let doc = roxmltree::Document::parse(&xml).expect("xml");
        let body = paragraph_look(para_with(
            &doc,
            "Nghị quyết này áp dụng đối với các cấp ủy trực thuộc.",
        ));
        for point in [
            "a) Công tác tổ chức được kiện toàn;",
            "b) Công tác cán bộ được đổi mới;",
            "đ) Công tác kiểm tra được tăng cường.",
        ] {
            assert_eq!(
                paragraph_look(para_with(&doc, point)),
                body,
                "{profile}: {point}"
            );
        }
    }
}

/// "QUYẾT ĐỊNH:" alone before Điều 1 is the formula line of the profile's
/// data: centred, bold, in capitals, not indented; a longer paragraph that
/// starts with the same words stays body text.
#[test]
fn formula_lines_are_centred_bold_capitals() {
    for profile in PROFILES {
        let src = all_blocks_source(profile).replace(
            "# Phần I.",
            "Quyết định:\n\nQuyết định: giao Văn phòng theo dõi.\n\n**QUYẾT NGHỊ:**\n\n# Phần I.",
        );
        let (l, _, bytes) = export_source(&src, DraftMark::Draft { version: Some(1) });
        assert!(l.formula.matches("QUYẾT ĐỊNH:"), "{profile}: in the data");
        let xml = part(&bytes, "word/document.xml");
        let doc = roxmltree::Document::parse(&xml).expect("xml");
        for text in ["Quyết định:", "QUYẾT NGHỊ:"] {
            let p = para_with(&doc, text);
            assert_eq!(
                jc(p).as_deref(),
                Some("center"),
                "{profile}: {text} centred"
            );
            let r = first_run_props(p);
            assert!(r.bold, "{profile}: {text} bold");
            let run = descendants_named(p, "r").next().expect("a run");
            let rpr = child(run, "rPr").expect("rPr");
            assert!(
                child(rpr, "caps").is_some(),
                "{profile}: {text} in capitals"
            );
            let first_line = child(child(p, "pPr").expect("pPr"), "ind")
                .and_then(|i| wattr(i, "firstLine"))
                .unwrap_or("0");
            assert_eq!(first_line, "0", "{profile}: {text} not indented");
        }
        let body = para_with(&doc, "Quyết định: giao Văn phòng theo dõi.");
        assert_eq!(
            jc(body).as_deref(),
            Some("both"),
            "{profile}: body stays body"
        );
        assert!(!first_run_props(body).bold, "{profile}");
    }
}

/// The bold runs of a paragraph, joined, and the regular ones.
fn bold_and_regular(p: roxmltree::Node) -> (String, String) {
    let (mut bold, mut regular) = (String::new(), String::new());
    for r in descendants_named(p, "r") {
        let is_bold = child(r, "rPr")
            .and_then(|x| child(x, "b"))
            .is_some_and(|e| !matches!(wattr(e, "val"), Some("0") | Some("false")));
        if is_bold {
            bold.push_str(&para_text(r));
        } else {
            regular.push_str(&para_text(r));
        }
    }
    (bold, regular)
}

/// A Điều heading that carries the article's whole sentence has only its
/// label bold; a Điều with a short title stays bold as a whole.
#[test]
fn article_sentence_headings_bold_only_the_label() {
    for profile in PROFILES {
        let src = all_blocks_source(profile).replace(
            "Nghị quyết này áp dụng đối với các cấp ủy trực thuộc.\n",
            "Nghị quyết này áp dụng đối với các cấp ủy trực thuộc.\n\n### Điều 3. Quyết định này có hiệu lực kể từ ngày ký.\n\n### Điều 4. Hiệu lực thi hành.\n",
        );
        let (_, _, bytes) = export_source(&src, DraftMark::Draft { version: Some(1) });
        let xml = part(&bytes, "word/document.xml");
        let doc = roxmltree::Document::parse(&xml).expect("xml");
        let sentence = para_with(&doc, "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.");
        let line = |p: roxmltree::Node| {
            child(child(p, "pPr").expect("pPr"), "spacing")
                .and_then(|e| wattr(e, "line"))
                .map(str::to_string)
        };
        let body = para_with(
            &doc,
            "Nghị quyết này áp dụng đối với các cấp ủy trực thuộc.",
        );
        assert_eq!(
            line(sentence),
            line(body),
            "{profile}: spaced like the body"
        );
        let (bold, regular) = bold_and_regular(sentence);
        assert_eq!(bold.trim(), "Điều 3.", "{profile}");
        assert_eq!(
            regular, "Quyết định này có hiệu lực kể từ ngày ký.",
            "{profile}"
        );
        for title in ["Điều 1. Phạm vi điều chỉnh", "Điều 4. Hiệu lực thi hành."]
        {
            let (_, regular) = bold_and_regular(para_with(&doc, title));
            assert_eq!(regular, "", "{profile}: {title} bold as a whole");
        }
    }
}

/// The state trích yếu is sentence case even when typed lower-case; the
/// party's stays "về …" as written.
#[test]
fn state_titles_start_with_a_capital_party_titles_as_written() {
    for (profile, want) in [
        ("state", "Về việc thành lập Tổ công tác"),
        ("party", "về việc thành lập Tổ công tác"),
        ("party-2018", "về việc thành lập Tổ công tác"),
    ] {
        let src = all_blocks_source(profile)
            .replace(
                "title: về tăng cường công tác tổ chức xây dựng Đảng năm 2026",
                "title: về việc thành lập Tổ công tác",
            )
            .replace(
                "title: Về tăng cường công tác tổ chức xây dựng Đảng năm 2026",
                "title: về việc thành lập Tổ công tác",
            );
        let (l, _, bytes) = export_source(&src, DraftMark::Draft { version: Some(1) });
        let xml = part(&bytes, "word/document.xml");
        let doc = roxmltree::Document::parse(&xml).expect("xml");
        check_style(&doc, want, &l.title, "trích yếu", &l);
    }
}

/// `check` lists what the layout needs and the draft lacks; a complete
/// draft gets no warning, and a draft is not asked for a number or date.
#[test]
fn check_lists_what_the_draft_lacks() {
    use duthao_docx::check;
    for profile in PROFILES {
        let complete = parse(&all_blocks_source(profile), "x.md");
        let layout = duthao_profile::layout::load_layout(profile, None).expect("layout");
        for mark in [DraftMark::Final, DraftMark::Draft { version: None }] {
            assert_eq!(
                check(&complete, &layout, mark),
                Vec::<String>::new(),
                "{profile}"
            );
        }
        let mut bare = complete.clone();
        bare.front.signer = None;
        bare.front.recipients.clear();
        bare.front.number = None;
        bare.front.date = None;
        let draft_warnings = check(&bare, &layout, DraftMark::Draft { version: Some(1) });
        assert_eq!(draft_warnings.len(), 2, "{profile}: {draft_warnings:?}");
        assert!(draft_warnings[0].contains("`signer`"), "{draft_warnings:?}");
        assert!(
            draft_warnings[1].contains("`recipients`") && draft_warnings[1].contains("Nơi nhận"),
            "{draft_warnings:?}"
        );
        let final_warnings = check(&bare, &layout, DraftMark::Final);
        for key in ["`number`", "`date`", "`signer`", "`recipients`"] {
            assert!(
                final_warnings.iter().any(|w| w.contains(key)),
                "{profile}: {key} in {final_warnings:?}"
            );
        }
        let mut no_name = complete.clone();
        if let Some(s) = no_name.front.signer.as_mut() {
            s.name = " ".into();
        }
        no_name.front.issuer.code = None;
        let w = check(&no_name, &layout, DraftMark::Final);
        assert!(w.iter().any(|w| w.contains("`signer.name`")), "{w:?}");
        assert!(w.iter().any(|w| w.contains("`issuer.code`")), "{w:?}");
    }
}

/// Space in twips a paragraph puts between itself and a neighbour: its
/// spacing on that side, plus its whole height when it is an empty spacer.
fn gap_of(p: roxmltree::Node, side: &str) -> u32 {
    let sp = child(p, "pPr").and_then(|x| child(x, "spacing"));
    let num = |a: &str| {
        sp.and_then(|e| wattr(e, a))
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    };
    let spacer = para_text(p).is_empty()
        && sp.and_then(|e| wattr(e, "lineRule")) == Some("exact")
        && child(child(p, "pPr").expect("pPr"), "pBdr").is_none();
    num(side) + if spacer { num("line") } else { 0 }
}

/// At least 6 pt between a table and the text above and below it; the
/// footnote number in the footnote area is superscript.
#[test]
fn tables_have_room_around_them_and_footnote_numbers_are_superscript() {
    // The table under a body paragraph (6 pt after) and under a heading (3 pt after).
    let cases = PROFILES.iter().flat_map(|profile| {
        let src = all_blocks_source(profile);
        let under_heading = src.replace("\n| STT", "\n### 3. Số liệu\n\n| STT");
        [(*profile, src), (*profile, under_heading)]
    });
    for (profile, src) in cases {
        let (_, _, bytes) = export_source(&src, DraftMark::Draft { version: Some(1) });
        let xml = part(&bytes, "word/document.xml");
        let doc = roxmltree::Document::parse(&xml).expect("xml");
        let body = child(doc.root_element(), "body").expect("body");
        let items: Vec<_> = body.children().filter(|c| c.is_element()).collect();
        let at = items
            .iter()
            .position(|t| t.has_tag_name((W, "tbl")) && para_text(*t).contains("Chỉ tiêu"))
            .expect("the data table");
        // Above: the paragraphs between the last text and the table.
        let mut above = 0;
        for p in items[..at].iter().rev() {
            above += gap_of(*p, "after");
            if !para_text(*p).is_empty() {
                break;
            }
        }
        assert!(above >= 120, "{profile}: {above} twips above the table");
        let mut below = 0;
        for p in &items[at + 1..] {
            if !para_text(*p).is_empty() {
                below += gap_of(*p, "before");
                break;
            }
            below += gap_of(*p, "after") + gap_of(*p, "before");
        }
        assert!(below >= 120, "{profile}: {below} twips below the table");

        // The number inside the note: superscript by its style, which
        // LibreOffice follows, and by the run itself.
        let styles = part(&bytes, "word/styles.xml");
        let sdoc = roxmltree::Document::parse(&styles).expect("styles xml");
        let style = descendants_named(sdoc.root_element(), "style")
            .find(|s| wattr(*s, "styleId") == Some("FootnoteReference"))
            .expect("a FootnoteReference style");
        let va = descendants_named(style, "vertAlign")
            .next()
            .expect("vertAlign");
        assert_eq!(wattr(va, "val"), Some("superscript"), "{profile}");
        let notes = part(&bytes, "word/footnotes.xml");
        let ndoc = roxmltree::Document::parse(&notes).expect("footnotes xml");
        let mark = descendants_named(ndoc.root_element(), "footnoteRef")
            .next()
            .expect("footnoteRef")
            .parent()
            .expect("its run");
        let rpr = child(mark, "rPr").expect("rPr");
        assert_eq!(
            child(rpr, "rStyle").and_then(|e| wattr(e, "val")),
            Some("FootnoteReference"),
            "{profile}"
        );
        assert_eq!(
            child(rpr, "vertAlign").and_then(|e| wattr(e, "val")),
            Some("superscript"),
            "{profile}"
        );
    }
}
