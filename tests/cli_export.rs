//! `duthao export` and `duthao diff --format docx` from the command line.

mod common;
mod outside;

use std::io::Read;
use std::path::Path;

use common::Ws;

const NQ: &str = "nghi-quyet-xay-dung-dang-2026";

fn part(docx: &Path, name: &str) -> String {
    outside::check_docx(&std::fs::read(docx).expect("docx written"), "cli");
    let f = std::fs::File::open(docx).expect("docx written");
    let mut zip = zip::ZipArchive::new(f).expect("a zip package");
    let mut s = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("{name} in {}", docx.display()))
        .read_to_string(&mut s)
        .expect("UTF-8 part");
    s
}

#[test]
fn export_defaults_to_the_latest_version_with_its_provenance() {
    let ws = Ws::demo();
    let out = ws.ok(&["export", NQ]);
    assert!(out.contains("Dự thảo lần 3"), "{out}");
    let docx = ws.root.join(format!("{NQ}-v3.docx"));
    let doc = part(&docx, "word/document.xml");
    assert!(doc.contains("Dự thảo lần 3"));
    let custom = part(&docx, "docProps/custom.xml");
    let commit = ws.git(&["rev-parse", &format!("duthao/{NQ}/v3^{{commit}}")]);
    assert!(custom.contains(NQ), "{custom}");
    assert!(custom.contains(commit.trim()), "{custom}");
    let core = part(&docx, "docProps/core.xml");
    assert!(core.contains("TỈNH ỦY THÁI NGUYÊN"), "{core}");
    // The same input gives the same bytes, from two processes.
    let again = ws.root.join("again.docx");
    ws.ok(&[
        "export",
        NQ,
        "--version",
        "v3",
        "-o",
        again.to_str().unwrap(),
    ]);
    assert_eq!(
        std::fs::read(&docx).unwrap(),
        std::fs::read(&again).unwrap()
    );
}

#[test]
fn working_text_is_marked_du_thao_and_final_is_refused() {
    let ws = Ws::demo();
    let text = ws.read_draft(NQ);
    ws.write_draft(NQ, text.replace("Nghị quyết", "Nghị quyết này"));
    let out = ws.root.join("w.docx");
    ws.ok(&["export", NQ, "--working", "-o", out.to_str().unwrap()]);
    assert!(part(&out, "word/document.xml").contains("DỰ THẢO"));
    let v1 = ws.root.join("v1.docx");
    ws.ok(&["export", NQ, "--version", "1", "-o", v1.to_str().unwrap()]);
    assert!(part(&v1, "word/document.xml").contains("Dự thảo lần 1"));
    let e = ws.fails(&["export", NQ, "--final"]);
    assert!(e.contains("approvals"), "{e}");
    let e = ws.fails(&["export", NQ, "--version", "v7"]);
    assert!(e.contains("no version v7"), "{e}");
}

#[test]
fn tracked_changes_docx_between_versions() {
    let ws = Ws::demo();
    let e = ws.fails(&["diff", NQ, "v1", "v2", "--format", "docx"]);
    assert!(e.contains("-o"), "{e}");
    let out = ws.root.join("red.docx");
    ws.ok(&[
        "diff",
        NQ,
        "v1",
        "v2",
        "--format",
        "docx",
        "-o",
        out.to_str().unwrap(),
    ]);
    let doc = part(&out, "word/document.xml");
    assert!(doc.contains("<w:ins "), "insertions are tracked");
    assert!(doc.contains("<w:del "), "deletions are tracked");
    assert!(
        doc.contains("Nguyễn Thị Soạn"),
        "author is the TO commit's author"
    );
    assert!(doc.contains("Dự thảo lần 2"));
}
