//! The HTML redline: self-contained, escaped, and it opens in headless
//! Chromium without a console message.

use std::path::Path;
use std::process::Command;

use duthao::diff::{DiffOptions, diff_drafts};
use duthao::reader::parse_draft;
use duthao::render::redline::{Labels, html};

fn example_html() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("drafts/nghi-quyet-xay-dung-dang-2026");
    let read = |v: &str| {
        let p = dir.join(format!("{v}.md"));
        parse_draft(&std::fs::read(&p).expect("bundled example"), &p).expect("parses")
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

#[test]
fn html_opens_in_headless_chromium_without_console_messages() {
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        eprintln!("note: skipped: /usr/bin/chromium not installed (apt-get install -y chromium)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("redline.html");
    std::fs::write(&file, example_html()).expect("write html");
    let profile = dir.path().join("profile");
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", file.display()))
        .output()
        .expect("chromium runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "chromium failed: {stderr}");
    let console: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    assert!(
        dom.contains("<ins>") && dom.contains("<del>"),
        "marks in the DOM"
    );
    assert!(dom.contains("Di chuyển từ"));
    assert!(dom.contains("Mục lục các thay đổi"));
}
