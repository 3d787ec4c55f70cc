//! `duthao diff` from the command line, on the demo workspace.

mod common;

use common::{Ws, draft_text};

const NQ: &str = "nghi-quyet-xay-dung-dang-2026";

#[test]
fn diff_between_versions_in_every_format() {
    let ws = Ws::demo();
    let term = ws.ok(&["diff", NQ, "v1", "v2", "--color", "never"]);
    assert!(term.contains("Dự thảo lần 1 → Dự thảo lần 2"), "{term}");
    assert!(term.contains("[-95-]{+97+}"), "{term}");
    assert!(
        term.contains("moved from II > 1 > ¶4 to III > 2 > ¶2"),
        "{term}"
    );
    assert!(!term.contains('\u{1b}'), "no colour when asked");

    let json = ws.ok(&["diff", NQ, "v1", "v2", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["schema_version"], 1);

    let md = ws.ok(&["diff", NQ, "v1", "v2", "--format", "markdown"]);
    assert!(
        md.contains("{--95--}{++97++}") || md.contains("{~~95~>97~~}"),
        "{md}"
    );

    let stat = ws.ok(&["diff", NQ, "v1", "v2", "--stat", "--format", "json"]);
    let s: serde_json::Value = serde_json::from_str(&stat).expect("stat JSON");
    assert_eq!(s["total"]["moved"], 1, "{stat}");
    assert_eq!(s["total"]["added"], 1, "{stat}");
    assert_eq!(s["total"]["removed"], 1, "{stat}");
}

#[test]
fn html_is_written_atomically_to_a_file() {
    let ws = Ws::demo();
    let out = ws.root.join("out-test.html");
    ws.ok(&[
        "diff",
        NQ,
        "v2",
        "v3",
        "--format",
        "html",
        "-o",
        out.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&out).expect("html written");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Dự thảo lần 2") && html.contains("Dự thảo lần 3"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "self-contained"
    );
}

#[test]
fn default_is_latest_version_against_the_text_on_disk() {
    let ws = Ws::demo();
    // Nothing changed since v3: no output, exit 0 even with --exit-code.
    ws.run(&["diff", NQ, "--exit-code"]).assert().code(0);
    let text = ws.read_draft(NQ);
    ws.write_draft(NQ, text.replace("Nghị quyết", "Nghị quyết này"));
    let out = ws.ok(&["diff", NQ, "--color", "never"]);
    assert!(out.contains("Dự thảo lần 3 → Bản đang soạn"), "{out}");
    assert!(out.contains("{+này"), "{out}");
    ws.run(&["diff", NQ, "--exit-code"]).assert().code(1);
    // A git revision works as well as a version.
    let out = ws.ok(&["diff", NQ, "HEAD", "working", "--stat"]);
    assert!(!out.is_empty());
}

#[test]
fn files_are_compared_directly_and_nfd_is_no_change() {
    use unicode_normalization::UnicodeNormalization;
    let ws = Ws::demo();
    let a = ws.root.join("a.md");
    let b = ws.root.join("b.md");
    let text = ws.read_draft(NQ);
    std::fs::write(&a, &text).unwrap();
    std::fs::write(&b, text.nfd().collect::<String>()).unwrap();
    ws.run(&[
        "diff",
        "--files",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--exit-code",
    ])
    .assert()
    .code(0);
}

#[test]
fn a_file_that_cannot_be_read_is_reported_before_a_draft_that_does_not_parse() {
    // The two files are read and parsed side by side: which error is shown
    // must not depend on which side finished first, nor on the order given.
    let ws = Ws::new("party");
    let bad = ws.root.join("bad.md");
    std::fs::write(&bad, "no front matter\n").unwrap();
    let missing = ws.root.join("missing.md");
    let (bad, missing) = (bad.to_str().unwrap(), missing.to_str().unwrap());
    for (a, b) in [(bad, missing), (missing, bad)] {
        let e = ws.fails(&["diff", "--files", a, b]);
        assert!(e.contains("cannot read") && e.contains("missing.md"), "{e}");
    }
}

#[test]
fn bad_revisions_are_clear_errors() {
    let ws = Ws::demo();
    let e = ws.fails(&["diff", NQ, "v9"]);
    assert!(
        e.contains("no version v9") && e.contains("v1, v2, v3"),
        "{e}"
    );
    let e = ws.fails(&["diff", NQ, "no-such-branch", "v1"]);
    assert!(e.contains("unknown revision"), "{e}");
    let e = ws.fails(&["diff", "khong-co"]);
    assert!(e.contains("no draft `khong-co`"), "{e}");
    ws.run(&["diff"]).assert().code(2);
}

#[test]
fn a_change_of_emphasis_alone_is_a_change() {
    // A phrase made bold, and a link target changed: the words are the same,
    // the document a reader sees is not. Re-cut runs and spaces are not
    // changes.
    let ws = Ws::demo();
    let text = ws.read_draft(NQ);
    let bolded = "ổn định tư tưởng cán bộ";
    assert!(text.contains(bolded), "the demo draft has the phrase");
    let (a, b, c) = (
        ws.root.join("a.md"),
        ws.root.join("b.md"),
        ws.root.join("c.md"),
    );
    std::fs::write(&a, &text).unwrap();
    std::fs::write(&b, text.replacen(bolded, &format!("**{bolded}**"), 1)).unwrap();
    // The same emphasis written as two runs: no change.
    std::fs::write(
        &c,
        text.replacen(bolded, &format!("**{bolded}**"), 1).replacen(
            &format!("**{bolded}**"),
            "**ổn định tư tưởng** **cán bộ**",
            1,
        ),
    )
    .unwrap();
    let (a, b, c) = (
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        c.to_str().unwrap(),
    );
    ws.run(&["diff", "--files", a, b, "--exit-code"])
        .assert()
        .code(1);
    ws.run(&["diff", "--files", b, c, "--exit-code"])
        .assert()
        .code(0);
    // A link sent elsewhere.
    let (l1, l2) = (ws.root.join("l1.md"), ws.root.join("l2.md"));
    std::fs::write(
        &l1,
        text.replacen(bolded, &format!("[{bolded}](https://a.vn)"), 1),
    )
    .unwrap();
    std::fs::write(
        &l2,
        text.replacen(bolded, &format!("[{bolded}](https://b.vn)"), 1),
    )
    .unwrap();
    ws.run(&[
        "diff",
        "--files",
        l1.to_str().unwrap(),
        l2.to_str().unwrap(),
        "--exit-code",
    ])
    .assert()
    .code(1);

    let json = ws.ok(&["diff", "--files", a, b, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let changed: Vec<&serde_json::Value> = v["blocks"]
        .as_array()
        .expect("blocks")
        .iter()
        .filter(|b| b["change"] != "unchanged")
        .collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(changed[0]["change"], "changed");
    let ops = changed[0]["ops"].as_array().expect("ops");
    assert!(ops.iter().all(|o| o["op"] == "equal"), "{ops:?}");

    let term = ws.ok(&["diff", "--files", a, b, "--color", "never"]);
    assert!(term.contains("formatting changed"), "{term}");
    let html = ws.ok(&["diff", "--files", a, b, "--format", "html"]);
    assert!(html.contains("Đổi định dạng"), "HTML names the change");
    assert!(
        html.contains(&format!("<strong>{bolded}</strong>"))
            || html.contains(&format!("<b>{bolded}</b>")),
        "HTML shows the new emphasis"
    );
    let md = ws.ok(&["diff", "--files", a, b, "--format", "markdown"]);
    assert!(md.contains("{>>đổi định dạng"), "{md}");
}

/// The HTML redline of two drafts given by their bodies, through `--files`.
fn html_of(ws: &Ws, a_body: &str, b_body: &str) -> String {
    diff_of(ws, a_body, b_body, &["--format", "html"])
}

/// The redline of two drafts given by their bodies, through `--files`.
fn diff_of(ws: &Ws, a_body: &str, b_body: &str, args: &[&str]) -> String {
    let (a, b) = (ws.root.join("a.md"), ws.root.join("b.md"));
    std::fs::write(&a, draft_text("nghi-quyet", "Y", a_body)).unwrap();
    std::fs::write(&b, draft_text("nghi-quyet", "Y", b_body)).unwrap();
    let mut all = vec!["diff", "--files", a.to_str().unwrap(), b.to_str().unwrap()];
    all.extend_from_slice(args);
    ws.ok(&all)
}

#[test]
fn the_html_page_shows_a_moved_blocks_path_as_written() {
    // The side-by-side view links a moved block to its old place with an
    // anchor of its own; a label that reads like an anchor stays as written.
    let ws = Ws::new("party");
    let note = "[^#d-1]: The footnote text that is moved somewhere.";
    let rest = "Alpha beta gamma delta[^#d-1].\n\nSecond paragraph here with words.";
    let html = html_of(
        &ws,
        &format!("{rest}\n\n{note}"),
        &format!("{note}\n\n{rest}"),
    );
    assert!(html.contains("<a href=\"#sd-"), "{html}");
    assert!(!html.contains("[^#sd-1]"), "{html}");
    assert!(html.contains("[^#d-1]</a>"), "{html}");
}

#[test]
fn an_added_block_links_a_reference_once_control_characters_are_dropped() {
    // The HTML page drops control characters, and an added block's text is
    // linked after that, as it always was: "[\u{1}^1]" shows as a link. (A
    // changed block's words are linked before, and show "[^1]" as text.)
    let ws = Ws::new("party");
    let html = html_of(&ws, "A.", "A.\n\nB [\u{1}^1] c.");
    assert!(
        html.contains("<ins>B <sup class=\"fnref\"><a href=\"#fn-1\">1</a></sup> c.</ins>"),
        "{html}"
    );
}

/// The terminal redline's headers name every kind of change, with the
/// block's lines: pinned whole, since they are built piece by piece.
#[test]
fn terminal_headers_name_every_kind_of_change() {
    let ws = Ws::new("party");
    let (a, b) = (BODY_BEFORE, BODY_AFTER);
    let plain = diff_of(&ws, a, b, &["--color", "never"]);
    let (_, rest) = plain.split_once('\n').expect("a summary line");
    assert_eq!(rest, HEADERS_AFTER_SUMMARY, "{plain}");
    // In colour: the header bold and cyan, the lines dimmed, a deletion
    // struck through in red, an insertion underlined in green.
    let colour = diff_of(&ws, a, b, &["--color", "always"]);
    assert!(
        colour.contains("\u{1b}[9m\u{1b}[31mmột\u{1b}[0m\u{1b}[4m\u{1b}[32mhai\u{1b}[0m"),
        "{colour:?}"
    );
    assert!(colour.contains("\u{1b}[1m\u{1b}[36m@ Điều 1 > ¶2  moved from Điều 2 > ¶1 to Điều 1 > ¶2, edited\u{1b}[0m  \u{1b}[2m(line 39 → line 18)\u{1b}[0m"), "{colour:?}");
}

const BODY_BEFORE: &str = "## Điều 1. Phạm vi

Đoạn một giữ nguyên để làm mốc cho cả điều này.

Đoạn hai sẽ được sửa một chữ ở giữa câu này.

Đoạn ba sẽ được nâng thành tiêu đề

Đoạn bốn chỉ đổi định dạng của vài chữ thôi.

Đoạn năm sẽ bị xoá khỏi dự thảo lần sau.

Đoạn sáu dài
nằm trên
ba dòng liền nhau.

1. Điểm thứ nhất nói về cán bộ cấp xã.
2. Điểm thứ hai nói về cán bộ cấp huyện.

a) Điểm a nói về việc học tập nghị quyết của đảng viên.

b) Điểm b nói về việc kiểm tra giám sát thường xuyên.

## Điều 2. Hiệu lực

Đoạn bảy sẽ chuyển sang Điều 1 và được sửa một chữ cho khác đi.

Đoạn tám làm mốc cuối cùng của dự thảo.";

const BODY_AFTER: &str = "## Điều 1. Phạm vi

Đoạn một giữ nguyên để làm mốc cho cả điều này.

Đoạn bảy sẽ chuyển sang Điều 1 và được sửa hai chữ cho khác đi.

Đoạn hai sẽ được chỉnh một chữ ở giữa câu này.

### Đoạn ba sẽ được nâng thành tiêu đề

Đoạn bốn chỉ đổi **định dạng** của vài chữ thôi.

Đoạn sáu dài
nằm trên
ba dòng liền nhau, thêm chữ.

1. Điểm thứ hai nói về cán bộ cấp huyện.
2. Điểm thứ nhất nói về cán bộ cấp xã.

Đoạn mới được thêm vào.

b) Điểm b nói về việc kiểm tra giám sát thường xuyên.

a) Điểm a nói về việc học tập nghị quyết của đảng viên.

## Điều 2. Hiệu lực

Đoạn tám làm mốc cuối cùng của dự thảo.";

const HEADERS_AFTER_SUMMARY: &str = "
@ Điều 1 > ¶2  moved from Điều 2 > ¶1 to Điều 1 > ¶2, edited  (line 39 → line 18)
  Đoạn bảy sẽ chuyển sang Điều 1 và được sửa [-một-]{+hai+} chữ cho khác đi.

@ Điều 1 > ¶3  changed  (line 18 → line 20)
  Đoạn hai sẽ được [-sửa-]{+chỉnh+} một chữ ở giữa câu này.

@ Điều 1 > ¶4  changed from paragraph to heading  (line 20 → line 22)
  Đoạn ba sẽ được nâng thành tiêu đề

@ Điều 1 > ¶5  formatting changed (bold, italic or links), words unchanged  (line 22 → line 24)
  Đoạn bốn chỉ đổi định dạng của vài chữ thôi.

@ Điều 1 > ¶5  removed  (line 24)
  [-Đoạn năm sẽ bị xoá khỏi dự thảo lần sau.-]

@ Điều 1 > ¶6  changed  (lines 26-28 → lines 26-28)
  Đoạn sáu dài nằm trên ba dòng liền nhau{+, thêm chữ+}.

@ Điều 1 > 1  moved from Điều 1 > 2 to Điều 1 > 1, edited  (line 31 → line 30)
  [-2-]{+1+}. Điểm thứ hai nói về cán bộ cấp huyện.

@ Điều 1 > 2  changed  (line 30 → line 31)
  [-1-]{+2+}. Điểm thứ nhất nói về cán bộ cấp xã.

@ Điều 1 > 2 > ¶1  added  (line 33)
  {+Đoạn mới được thêm vào.+}

@ Điều 1 > 2 > a)  moved within its section  (line 33 → line 37)
  a) Điểm a nói về việc học tập nghị quyết của đảng viên.
";
