//! The exported XML follows each rule of each layout profile.

mod docx_support;

use docx_support::*;
use duthao::model::{BlockKind, inline_text};
use duthao::profile::layout::{Align, Layout, TextStyle};
use duthao::render::docx::DraftMark;

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
            duthao::profile::layout::RuleKind::Star => {
                assert!(left_text.contains('*'), "{profile}: star")
            }
            _ => assert!(
                xml.contains("<w:pBdr><w:top w:val=\"single\""),
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
        assert!(
            notes.contains("<w:footnoteRef />"),
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
    let layout = duthao::profile::layout::load_layout("party", Some(dir.path())).expect("layout");
    let draft = parse(&all_blocks_source("party"), "x.md");
    let kind = kind_info("party", "nghi-quyet");
    let bytes = duthao::render::docx::export(
        &draft,
        &layout,
        &kind,
        DraftMark::Final,
        &provenance("x", None),
    )
    .expect("export");
    let xml = part(&bytes, "word/document.xml");
    assert!(
        xml.contains(&format!("w:left=\"{}\"", twips(35.0))),
        "left margin from the workspace"
    );
    assert!(
        xml.contains("<w:sz w:val=\"30\" />"),
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
        let vv = format!("V/v {}", d.front.title.trim());
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
    let layout = duthao::profile::layout::load_layout("state", None).expect("layout");
    let err = duthao::render::docx::export(
        &draft,
        &layout,
        &kind_info("state", "quyet-dinh"),
        DraftMark::Final,
        &provenance("x", None),
    )
    .expect_err("no issuer");
    assert!(err.to_string().contains("issuer"), "{err}");
}
