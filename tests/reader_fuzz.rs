//! Inputs found by the fuzz targets (fuzz/), minimised: each used to make
//! the reader, the diff or the DOCX writer panic, hang or run out of memory.
//! Each is read through the same public API the target calls.

use std::path::Path;

use duthao::model::{BlockKind, Draft, Inline};
use duthao::reader::read as parse_draft;

const FRONT: &str = "---\nkind: nghi-quyet\nprofile: party\nissuer:\n  name: TỈNH ỦY THÁI NGUYÊN\n  code: TU\ntitle: về x\n---\n\n";

fn read(body: &str) -> Draft {
    let text = format!("{FRONT}{body}");
    parse_draft(text.as_bytes(), Path::new("fuzz.md")).expect("the draft reads")
}

/// The text of a block's inlines, line breaks as "\n".
fn text_of(content: &[Inline]) -> String {
    content
        .iter()
        .map(|i| match i {
            Inline::Text(r) => r.text.to_string(),
            Inline::LineBreak => "\n".to_string(),
            _ => String::new(),
        })
        .collect()
}

fn footnote(d: &Draft, want: &str) -> String {
    d.body
        .blocks
        .iter()
        .find_map(|b| match &b.kind {
            BlockKind::FootnoteDef { label, content } if &**label == want => Some(text_of(content)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no footnote [^{want}] in {:#?}", d.body.blocks))
}

/// fuzz/artifacts/reader/minimized-from-786f069…: a list inside a footnote
/// definition took the footnote's pending text, and with it a span that
/// started after it ended (`byte range starts at 297 but ends at 275` in
/// reader/tables.rs).
#[test]
fn a_list_inside_a_footnote_stays_in_the_footnote() {
    let d = read("[^;]:|\n    - \u{0}");
    assert_eq!(footnote(&d, ";"), "|\n- \u{0}");
    assert!(
        !d.body
            .blocks
            .iter()
            .any(|b| matches!(b.kind, BlockKind::ListItem { .. })),
        "{:#?}",
        d.body.blocks
    );
}

#[test]
fn lists_quotes_and_headings_inside_footnotes_are_lines_of_the_note() {
    let d = read(
        "Văn bản[^1] và[^2].\n\n[^1]: Chú thích gồm:\n\n    1. điểm một;\n    2. điểm hai.\n\n    Kết thúc chú thích.\n\n[^2]: Trích:\n\n    > Đảng ta là đạo đức.\n\n    # Tiêu đề\n\n    - a) mục\n    -\n",
    );
    assert_eq!(
        footnote(&d, "1"),
        "Chú thích gồm:\n1. điểm một;\n2. điểm hai.\nKết thúc chú thích."
    );
    assert_eq!(
        footnote(&d, "2"),
        "Trích:\nĐảng ta là đạo đức.\nTiêu đề\n- a) mục\n-"
    );
    let body: Vec<&str> = d.body.blocks.iter().map(|b| b.kind_tag()).collect();
    assert_eq!(body, ["paragraph", "footnote", "footnote"]);
}

/// fuzz/artifacts/reader/minimized-from-8ef1d3c…: a heading inside a tight
/// list item took the item's text, and with it a span that started after it
/// ended (`byte range starts at 483 but ends at 459` in reader/tables.rs).
#[test]
fn a_heading_inside_a_list_item_leaves_the_item_its_text() {
    let d = read("- i\n  0.\n  #");
    let kinds: Vec<&str> = d.body.blocks.iter().map(|b| b.kind_tag()).collect();
    let texts: Vec<String> = d.body.blocks.iter().map(|b| b.text()).collect();
    assert!(kinds.first() == Some(&"list-item"), "{kinds:?} {texts:?}");
    assert!(
        texts.concat().contains('i') && texts.concat().contains("0."),
        "{texts:?}"
    );
}

#[test]
fn blocks_inside_a_tight_list_item_come_after_its_text() {
    let d = read("- Mục một\n  ```\n  mã\n  ```\n- Mục hai\n  > trích\n- Mục ba\n  ***\n");
    let texts: Vec<String> = d.body.blocks.iter().map(|b| b.text()).collect();
    let at = |t: &str| {
        texts
            .iter()
            .position(|x| x.contains(t))
            .unwrap_or_else(|| panic!("{t} missing from {texts:?}"))
    };
    assert!(at("Mục một") < at("mã"), "{texts:?}");
    assert!(at("Mục hai") < at("trích"), "{texts:?}");
    assert!(at("trích") < at("Mục ba"), "{texts:?}");
}
