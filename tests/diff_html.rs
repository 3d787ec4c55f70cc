//! The HTML redline: self-contained, escaped, and it opens in headless
//! Chromium without a console message.

use std::path::Path;

use duthao::diff::{DiffOptions, diff_drafts};
use duthao::reader::read as parse_draft;
use duthao::render::{Labels, html};

fn example_html() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("drafts/nghi-quyet-xay-dung-dang-2026");
    let read = |v: &str| {
        let p = dir.join(format!("{v}.md"));
        parse_draft(std::fs::read(&p).expect("bundled example"), &p).expect("parses")
    };
    let (from, to) = (read("v1"), read("v2"));
    let diff = diff_drafts(&from, &to, &DiffOptions::default());
    let mut out = Vec::new();
    html::write(
        &mut out,
        &diff,
        &from,
        &to,
        &Labels::new("Dự thảo lần 1", "Dự thảo lần 2"),
    )
    .expect("html writes");
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn html_is_self_contained_vietnamese() {
    let page = example_html();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<html lang=\"vi\">"));
    assert!(page.contains("<meta charset=\"utf-8\">"));
    assert!(page.contains("So sánh Dự thảo lần 1 và Dự thảo lần 2"));
    for external in ["http://", "https://", "src=", "@import", "url(", "<link"] {
        assert!(!page.contains(external), "external reference {external}");
    }
    // Contents, front matter, both views, both ends of the move linked.
    assert!(page.contains("Mục lục các thay đổi"));
    assert!(page.contains("<th>Ngày tháng</th>"));
    assert!(page.contains("id=\"inline\"") && page.contains("id=\"side\""));
    let moved = page
        .find("Di chuyển từ <a href=\"#d-")
        .expect("arrival links to departure");
    let id = &page[moved + "Di chuyển từ <a href=\"#d-".len()..];
    let id: String = id.chars().take_while(char::is_ascii_digit).collect();
    assert!(page.contains(&format!("id=\"d-{id}\"")));
    assert!(page.contains(&format!("Đã chuyển đến <a href=\"#c-{id}\"")));
    assert!(
        page.contains("<ins>,</ins>"),
        "the punctuation change is one comma"
    );
}

#[test]
fn html_escapes_the_text() {
    let draft = |body: &str| {
        let text =
            format!("---\nkind: nghi-quyet\nissuer:\n  name: X\ntitle: a <b> & c\n---\n\n{body}\n");
        parse_draft(text.as_bytes(), Path::new("t.md")).expect("parses")
    };
    let from = draft("Giá trị a < b & c > d \"trích\" 'đơn'.");
    let to = draft("Giá trị a < b & c >= d \"trích\" 'đơn'.");
    let diff = diff_drafts(&from, &to, &DiffOptions::default());
    let mut out = Vec::new();
    html::write(&mut out, &diff, &from, &to, &Labels::new("v1", "<v2>")).expect("writes");
    let page = String::from_utf8(out).expect("utf-8");
    assert!(page.contains("a &lt; b &amp; c &gt;"));
    assert!(page.contains("&quot;trích&quot; &#39;đơn&#39;"));
    assert!(page.contains("&lt;v2&gt;") && !page.contains("<v2>"));
    assert!(page.contains("a &lt;b&gt; &amp; c"));
}

fn redline(from_body: &str, to_body: &str) -> String {
    let draft = |body: &str| {
        let text = format!("---\nkind: nghi-quyet\nissuer:\n  name: X\ntitle: T\n---\n\n{body}\n");
        parse_draft(text.as_bytes(), Path::new("t.md")).expect("parses")
    };
    let (from, to) = (draft(from_body), draft(to_body));
    let diff = diff_drafts(&from, &to, &DiffOptions::default());
    let mut out = Vec::new();
    html::write(&mut out, &diff, &from, &to, &Labels::new("v1", "v2")).expect("writes");
    String::from_utf8(out).expect("utf-8")
}

const TABLE_V1: &str = "Mở đầu.\n\n| STT | Chỉ tiêu | Năm 2026 |\n|---|---|---|\n| 1 | Kết nạp đảng viên | 2.200 |\n| 2 | Chi bộ <mạnh> | 100 |\n";

#[test]
fn html_unchanged_table_is_a_table_with_its_cells() {
    let page = redline(TABLE_V1, &TABLE_V1.replace("Mở đầu.", "Mở đầu mới."));
    assert!(!page.contains("| STT |"), "no pipe text left");
    assert!(page.contains(
        "<table class=\"doc\"><tr><th>STT</th><th>Chỉ tiêu</th><th>Năm 2026</th></tr>\
         <tr><td>1</td><td>Kết nạp đảng viên</td><td>2.200</td></tr>\
         <tr><td>2</td><td>Chi bộ &lt;mạnh&gt;</td><td>100</td></tr></table>"
    ));
}

#[test]
fn html_changed_table_marks_cells_and_rows() {
    let to = TABLE_V1.replace("2.200", "2.500") + "| 3 | Thôn có chi bộ | 100 |\n";
    let page = redline(TABLE_V1, &to);
    assert!(!page.contains("| STT |"), "no pipe text left");
    let inline = &page[page.find("id=\"inline\"").expect("inline view")..];
    assert!(
        inline.contains("<td><del>2.200</del><ins>2.500</ins></td>"),
        "the changed cell is redlined inside its cell"
    );
    assert!(
        inline.contains(
            "<tr class=\"row-ins\"><td><ins>3</ins></td><td><ins>Thôn có chi bộ</ins></td><td><ins>100</ins></td></tr>"
        ),
        "the added row is marked whole"
    );
    let side = &page[page.find("id=\"side\"").expect("side view")..];
    assert!(
        side.contains("<td><del>2.200</del></td>") && side.contains("<td><ins>2.500</ins></td>")
    );
}

#[test]
fn html_table_with_a_new_column_shows_old_struck_and_new_underlined() {
    let to = "Mở đầu.\n\n| STT | Chỉ tiêu | Năm 2026 | Ghi chú |\n|---|---|---|---|\n| 1 | Kết nạp đảng viên | 2.200 | a |\n| 2 | Chi bộ <mạnh> | 100 | b |\n";
    let page = redline(TABLE_V1, to);
    let inline = &page[page.find("id=\"inline\"").expect("inline view")..];
    assert!(inline.contains("<th><del>STT</del></th>"));
    assert!(inline.contains("<th><ins>Ghi chú</ins></th>"));
    assert!(inline.contains("<td><del>Chi bộ &lt;mạnh&gt;</del></td>"));
    assert!(inline.contains("<td><ins>b</ins></td>"));
}

#[test]
fn html_footnotes_and_styles() {
    let v1 = "Kết nạp **2.150 đảng viên** và *nhiều* hơn[^1].\n\nĐoạn cũ.\n\n[^1]: Theo báo cáo.";
    let v2 =
        "Kết nạp **2.150 đảng viên** và *nhiều* hơn[^1].\n\nĐoạn mới[^1].\n\n[^1]: Theo báo cáo.";
    let page = redline(v1, v2);
    assert!(page.contains("<strong>2.150 đảng viên</strong>"));
    assert!(page.contains("<em>nhiều</em>"));
    assert!(page.contains("hơn<sup class=\"fnref\"><a href=\"#fn-1\">1</a></sup>."));
    assert!(page.contains("id=\"fn-1\"><sup>1</sup> Theo báo cáo.</div>"));
    assert!(!page.contains("[^1]"), "no raw footnote syntax");
}

#[test]
fn html_replaced_table_row_is_removed_and_added() {
    let to = TABLE_V1.replace("| 2 | Chi bộ <mạnh> | 100 |", "| 3 | Thôn có chi bộ | 90 |");
    let page = redline(TABLE_V1, &to);
    let inline = &page[page.find("id=\"inline\"").expect("inline view")..];
    assert!(inline.contains(
        "<tr class=\"row-del\"><td><del>2</del></td><td><del>Chi bộ &lt;mạnh&gt;</del></td><td><del>100</del></td></tr>\
         <tr class=\"row-ins\"><td><ins>3</ins></td><td><ins>Thôn có chi bộ</ins></td><td><ins>90</ins></td></tr>"
    ));
}

#[test]
fn html_unchanged_links_stay_links_unless_they_run_code() {
    let v1 = "Xem [kế hoạch](ke-hoach.md) và [đây](javascript:alert(1)).\n\nĐoạn cũ.";
    let page = redline(v1, &v1.replace("cũ", "mới"));
    assert!(page.contains("<a href=\"ke-hoach.md\">kế hoạch</a>"));
    assert!(!page.contains("javascript:"));
    assert!(page.contains("và đây."));
}
