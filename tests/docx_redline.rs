//! Tracked changes: accepting every change gives TO's document, rejecting
//! every change FROM's; front-matter lines are tracked too.

mod docx_support;
mod outside;

use docx_support::*;
use duthao::diff::{DiffOptions, diff_drafts};
use duthao_docx::{Attribution, DraftMark};

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Accept,
    Reject,
}

fn has_ancestor(n: roxmltree::Node, name: &str) -> bool {
    n.ancestors().skip(1).any(|a| a.has_tag_name((W, name)))
}

fn mark_is(p: roxmltree::Node, name: &str) -> bool {
    child(p, "pPr")
        .and_then(|ppr| child(ppr, "rPr"))
        .and_then(|rpr| child(rpr, name))
        .is_some()
}

fn row_is(p: roxmltree::Node, name: &str) -> bool {
    p.ancestors()
        .find(|a| a.has_tag_name((W, "tr")))
        .and_then(|tr| child(tr, "trPr"))
        .and_then(|trpr| child(trpr, name))
        .is_some()
}

/// The document's paragraphs as they read after accepting or rejecting every change.
fn resolved(docx: &[u8], side: Side) -> Vec<String> {
    let xml = part(docx, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).expect("xml");
    let mut out = Vec::new();
    for p in descendants_named(doc.root_element(), "p") {
        let (gone_row, gone_mark) = match side {
            Side::Accept => (row_is(p, "del"), mark_is(p, "del")),
            Side::Reject => (row_is(p, "ins"), mark_is(p, "ins")),
        };
        if gone_row {
            continue;
        }
        let mut s = String::new();
        for n in p.descendants() {
            // A move is a deletion at the old place and an insertion at the new.
            let in_ins = has_ancestor(n, "ins") || has_ancestor(n, "moveTo");
            let in_del = has_ancestor(n, "del") || has_ancestor(n, "moveFrom");
            let keep = match side {
                Side::Accept => !in_del,
                Side::Reject => !in_ins,
            };
            if !keep {
                continue;
            }
            if n.has_tag_name((W, "t")) || n.has_tag_name((W, "delText")) {
                s.push_str(n.text().unwrap_or(""));
            } else if n.has_tag_name((W, "br")) {
                s.push(' ');
            }
        }
        let s = normalise_ws(&s);
        if gone_mark && s.is_empty() {
            continue;
        }
        if !s.is_empty() {
            out.push(s);
        }
    }
    out
}

fn edited_pair(profile: &str) -> (String, String) {
    let from = all_blocks_source(profile);
    let to = from
        .replace("date: 2026-01-05", "date: 2026-02-10")
        .replace("date: 2026-06-29", "date: 2026-07-02")
        .replace(
            "công tác tổ chức xây dựng Đảng năm 2026",
            "công tác xây dựng Đảng và hệ thống chính trị năm 2026",
        )
        .replace("vượt *12%* kế hoạch", "vượt *15%* so với kế hoạch năm")
        .replace(
            "Nghị quyết này áp dụng đối với các cấp ủy trực thuộc.\n\n",
            "",
        )
        .replace(
            "- Thứ nhất, hoàn thiện thể chế;\n",
            "- Thứ nhất, hoàn thiện thể chế, quy định;\n- Thứ ba, tăng cường kiểm tra;\n",
        )
        .replace(
            "| 2 | Tổ chức cơ sở đảng | 1.204 |",
            "| 2 | Tổ chức cơ sở đảng | 1.210 |",
        )
        .replace("> Đảng ta là đạo đức, là văn minh.\n\n", "")
        .replace(
            "Các cấp ủy tổ chức thực hiện",
            "Các cấp ủy, tổ chức đảng tổ chức thực hiện",
        )
        .replace(
            "  - Các đảng ủy trực thuộc\n",
            "  - Các đảng ủy trực thuộc\n  - Các ban đảng Tỉnh ủy\n",
        );
    assert_ne!(from, to);
    (from, to)
}

fn soan(date: &str) -> Attribution {
    Attribution {
        author: "Nguyễn Văn Soạn".into(),
        date: date.into(),
    }
}

fn redline(profile: &str) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let (from_src, to_src) = edited_pair(profile);
    let from = parse(&from_src, "from.md");
    let to = parse(&to_src, "to.md");
    let mark = DraftMark::Draft { version: Some(2) };
    let tracked = tracked_docx(&from, &to, soan("2026-02-10T08:00:00Z"), 2);
    let (_, _, plain_to) = export_source(&to_src, mark);
    let (_, _, plain_from) = export_source(&from_src, mark);
    (tracked, plain_from, plain_to)
}

#[test]
fn accept_all_gives_to_and_reject_all_gives_from() {
    for profile in ["state", "party"] {
        let (tracked, plain_from, plain_to) = redline(profile);
        let accept = resolved(&tracked, Side::Accept);
        let reject = resolved(&tracked, Side::Reject);
        let to = resolved(&plain_to, Side::Accept);
        let from = resolved(&plain_from, Side::Accept);
        assert_ne!(to, from, "{profile}: the versions differ");
        assert_eq!(accept, to, "{profile}: accept-all");
        assert_eq!(reject, from, "{profile}: reject-all");
    }
}

#[test]
fn changes_carry_author_and_date_and_front_matter_is_tracked() {
    let (tracked, _, _) = redline("party");
    let xml = part(&tracked, "word/document.xml");
    assert!(xml.contains("w:author=\"Nguyễn Văn Soạn\""));
    assert!(xml.contains("w:date=\"2026-02-10T08:00:00Z\""));
    let doc = roxmltree::Document::parse(&xml).expect("xml");
    let deleted: String = descendants_named(doc.root_element(), "delText")
        .filter_map(|n| n.text())
        .collect();
    let inserted: String = descendants_named(doc.root_element(), "ins")
        .flat_map(|i| descendants_named(i, "t"))
        .filter_map(|n| n.text())
        .collect();
    // The date line and the title changed as words, not as whole lines.
    assert!(
        deleted.contains("05") && deleted.contains("01"),
        "{deleted}"
    );
    assert!(
        inserted.contains("10") && inserted.contains("02"),
        "{inserted}"
    );
    assert!(inserted.contains("hệ thống chính trị"), "{inserted}");
    assert!(inserted.contains("Các ban đảng Tỉnh ủy"), "{inserted}");
    // An edited paragraph keeps its emphasis: the new figure is italic and inserted.
    let italic_ins = descendants_named(doc.root_element(), "ins").any(|i| {
        descendants_named(i, "r").any(|r| {
            para_text(r).contains("15") && child(child(r, "rPr").expect("rPr"), "i").is_some()
        })
    });
    assert!(italic_ins, "the inserted 15 keeps its italic");
    // The removed paragraph's mark is deleted too, so it leaves no empty line.
    assert!(xml.contains("<w:rPr><w:del "), "a deleted paragraph mark");
    // An edited table is one table, its edited cell tracked word by word
    // (as the diff paired the rows), not the old table deleted and the new
    // one inserted.
    let tables = descendants_named(doc.root_element(), "tbl")
        .filter(|t| {
            descendants_named(*t, "t")
                .any(|n| n.text().unwrap_or("").contains("Tổ chức cơ sở đảng"))
        })
        .count();
    assert_eq!(tables, 1, "the edited table is written once");
    let in_cell = |tag: &'static str, text: &str| {
        let piece = if tag == "del" { "delText" } else { "t" };
        doc.descendants()
            .filter(|n| n.has_tag_name((W, tag)) && has_ancestor(*n, "tc"))
            .any(|c| descendants_named(c, piece).any(|t| t.text().unwrap_or("").contains(text)))
    };
    assert!(
        in_cell("del", "1.204"),
        "the old figure deleted in its cell"
    );
    assert!(
        in_cell("ins", "1.210"),
        "the new figure inserted in its cell"
    );
    // Revision ids are unique.
    let mut ids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "ins")) || n.has_tag_name((W, "del")))
        .filter_map(|n| n.attribute((W, "id")))
        .collect();
    let total = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), total, "unique revision ids");
}

#[test]
fn tracked_export_is_deterministic() {
    let (a, _, _) = redline("state");
    let (b, _, _) = redline("state");
    assert!(a == b, "same input, same bytes");
}

/// Through the diff engine: the bundled example drafts between their
/// versions, and an edit that moves a paragraph.
#[test]
fn redlines_from_the_diff_engine_accept_to_to_and_reject_to_from() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("drafts");
    let mut pairs: Vec<(String, String, String)> = Vec::new();
    for slug in [
        "nghi-quyet-xay-dung-dang-2026",
        "quyet-dinh-ke-hoach-chuyen-doi-so",
    ] {
        let v = |n: u32| {
            std::fs::read_to_string(root.join(slug).join(format!("v{n}.md")))
                .expect("bundled draft")
        };
        pairs.push((format!("{slug} v1→v2"), v(1), v(2)));
        pairs.push((format!("{slug} v2→v3"), v(2), v(3)));
        pairs.push((format!("{slug} v1→v3"), v(1), v(3)));
    }
    let (from, to) = edited_pair("party");
    // Move the quote paragraph ahead of the list as well.
    let moved = to.replace(
        "Các cấp ủy, tổ chức đảng tổ chức thực hiện nghiêm túc Nghị quyết này.\n",
        "",
    ).replace(
        "## I. TÌNH HÌNH CHUNG\n",
        "## I. TÌNH HÌNH CHUNG\n\nCác cấp ủy, tổ chức đảng tổ chức thực hiện nghiêm túc Nghị quyết này.\n",
    );
    assert_ne!(moved, to);
    pairs.push(("edited party".into(), from.clone(), to));
    pairs.push(("moved paragraph".into(), from, moved));
    for (name, a, b) in pairs {
        let from = parse(&a, "from.md");
        let to = parse(&b, "to.md");
        let mark = DraftMark::Draft { version: Some(2) };
        assert!(
            !diff_drafts(&from, &to, &DiffOptions::default()).is_empty(),
            "{name}: versions differ"
        );
        let tracked = tracked_docx(&from, &to, soan("2026-03-05T09:00:00Z"), 2);
        let (_, _, plain_to) = export_source(&b, mark);
        let (_, _, plain_from) = export_source(&a, mark);
        assert_eq!(
            resolved(&tracked, Side::Accept),
            resolved(&plain_to, Side::Accept),
            "{name}: accept-all"
        );
        assert_eq!(
            resolved(&tracked, Side::Reject),
            resolved(&plain_from, Side::Accept),
            "{name}: reject-all"
        );
    }
}

/// A paragraph moved without edits is a Word move: w:moveFrom / w:moveTo in
/// move ranges of the same name, and accept / reject still give TO / FROM.
#[test]
fn an_unedited_move_is_a_word_move() {
    let from_src = all_blocks_source("party");
    let para = "Nghị quyết này áp dụng đối với các cấp ủy trực thuộc.\n\n";
    let to_src = from_src.replace(para, "").replace(
        "Các cấp ủy tổ chức thực hiện nghiêm túc",
        "Nghị quyết này áp dụng đối với các cấp ủy trực thuộc.\n\nCác cấp ủy tổ chức thực hiện nghiêm túc",
    );
    let from = parse(&from_src, "from.md");
    let to = parse(&to_src, "to.md");
    let diff = diff_drafts(&from, &to, &DiffOptions::default());
    assert!(
        diff.blocks
            .iter()
            .any(|b| matches!(b, duthao::diff::BlockChange::Moved { .. })),
        "the diff engine sees a move"
    );
    let tracked = tracked_docx(&from, &to, soan("2026-03-05T09:00:00Z"), 2);
    let xml = part(&tracked, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).expect("xml");
    let names = |tag: &str| -> Vec<String> {
        descendants_named(
            doc.root_element(),
            if tag == "from" {
                "moveFromRangeStart"
            } else {
                "moveToRangeStart"
            },
        )
        .filter_map(|n| n.attribute((W, "name")).map(str::to_string))
        .collect()
    };
    let (from_names, to_names) = (names("from"), names("to"));
    assert_eq!(from_names.len(), 1, "{xml}");
    assert_eq!(from_names, to_names, "move ranges are paired by name");
    assert_eq!(
        descendants_named(doc.root_element(), "moveFromRangeEnd").count(),
        1
    );
    assert_eq!(
        descendants_named(doc.root_element(), "moveToRangeEnd").count(),
        1
    );
    let moved_to: String = descendants_named(doc.root_element(), "moveTo")
        .flat_map(|m| descendants_named(m, "t"))
        .filter_map(|t| t.text())
        .collect();
    assert_eq!(moved_to, para.trim());
    let mark = DraftMark::Draft { version: Some(2) };
    let (_, _, plain_to) = export_source(&to_src, mark);
    let (_, _, plain_from) = export_source(&from_src, mark);
    assert_eq!(
        resolved(&tracked, Side::Accept),
        resolved(&plain_to, Side::Accept),
        "accept-all"
    );
    assert_eq!(
        resolved(&tracked, Side::Reject),
        resolved(&plain_from, Side::Accept),
        "reject-all"
    );
    // pandoc pairs the move: accepting shows the paragraph once, at its new place.
    if outside::available(&[outside::PANDOC]) {
        let pandoc = outside::PANDOC.path();
        let dir = tempfile::tempdir().expect("tempdir");
        let f = dir.path().join("move.docx");
        std::fs::write(&f, &tracked).expect("write");
        let out = std::process::Command::new(pandoc)
            .args(["-f", "docx", "-t", "plain", "--wrap=none"])
            .arg(&f)
            .output()
            .expect("pandoc");
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(text.matches(para.trim()).count(), 1, "{text}");
        let before_last = text.find(para.trim()).expect("moved text")
            < text
                .find("Các cấp ủy tổ chức thực hiện")
                .expect("last paragraph");
        assert!(before_last, "the paragraph is at its new place");
    }
}
