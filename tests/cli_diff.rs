//! `duthao diff` from the command line, on the demo workspace.

mod common;

use common::Ws;

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
