//! Every kind of DOCX duthao writes opens in python-docx, converts to PDF
//! with LibreOffice, and reads back through pandoc with the same body text.
//! Each tool's checks are skipped with a note when it is not installed; CI
//! installs them (libreoffice-writer-nogui, poppler-utils, pandoc, python-docx).

mod docx_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use docx_support::*;
use duthao::model::{BlockKind, Draft, inline_text};
use duthao::profile::layout::load_layout;
use duthao::render::docx::{DraftMark, Revision, TextOp, TrackedBlock, export_tracked};

struct Produced {
    path: PathBuf,
    draft: Draft,
}

fn produce(dir: &Path) -> Vec<Produced> {
    let mut out = Vec::new();
    for (profile, mark) in [
        ("state", DraftMark::Draft { version: Some(2) }),
        ("party", DraftMark::Draft { version: None }),
        ("party-2018", DraftMark::Final),
    ] {
        let (_, draft, bytes) = export_source(&all_blocks_source(profile), mark);
        let path = dir.join(format!("{profile}.docx"));
        std::fs::write(&path, bytes).expect("write");
        out.push(Produced { path, draft });
    }
    // The bundled example drafts, as the demo exports them.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("drafts");
    if let Ok(entries) = std::fs::read_dir(&root) {
        let mut slugs: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        slugs.sort();
        for slug in slugs {
            let v = slug.join("v3.md");
            let Ok(src) = std::fs::read_to_string(&v) else {
                continue;
            };
            let (_, draft, bytes) = export_source(&src, DraftMark::Draft { version: Some(3) });
            let name = slug
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let path = dir.join(format!("{name}.docx"));
            std::fs::write(&path, bytes).expect("write");
            out.push(Produced { path, draft });
        }
    }
    // A tracked-changes document (whole-block changes and a word edit).
    let from = parse(&all_blocks_source("party"), "a.md");
    let to_src = all_blocks_source("party").replace("vượt *12%* kế hoạch", "vượt *15%* kế hoạch");
    let to = parse(&to_src, "b.md");
    let blocks: Vec<TrackedBlock> = (0..to.body.blocks.len())
        .map(|i| {
            let (a, b) = (from.body.blocks[i].text(), to.body.blocks[i].text());
            if a == b {
                TrackedBlock::Unchanged { to: i }
            } else {
                let d = similar::TextDiff::from_words(a.as_str(), b.as_str());
                TrackedBlock::Edited {
                    from: i,
                    to: i,
                    ops: d
                        .iter_all_changes()
                        .map(|c| match c.tag() {
                            similar::ChangeTag::Equal => TextOp::Equal(c.value().into()),
                            similar::ChangeTag::Insert => TextOp::Insert(c.value().into()),
                            similar::ChangeTag::Delete => TextOp::Delete(c.value().into()),
                        })
                        .collect(),
                }
            }
        })
        .collect();
    let layout = load_layout("party", None).expect("layout");
    let rev = Revision {
        author: "Tổ soạn thảo".into(),
        date: "2026-02-10T08:00:00Z".into(),
    };
    let bytes = export_tracked(
        &blocks,
        &from,
        &to,
        &layout,
        &kind_info("party", "nghi-quyet"),
        DraftMark::Draft { version: Some(2) },
        &provenance("t", Some(2)),
        &rev,
    )
    .expect("tracked");
    let path = dir.join("redline.docx");
    std::fs::write(&path, bytes).expect("write");
    out.push(Produced { path, draft: to });

    // Through the diff engine, with an unedited paragraph moved (a Word move).
    let para = "Nghị quyết này áp dụng đối với các cấp ủy trực thuộc.\n\n";
    let to_src = all_blocks_source("party").replace(para, "").replace(
        "Các cấp ủy tổ chức thực hiện nghiêm túc",
        &format!("{para}Các cấp ủy tổ chức thực hiện nghiêm túc"),
    );
    let to = parse(&to_src, "c.md");
    let diff = duthao::diff::diff_drafts(&from, &to, &duthao::diff::DiffOptions::default());
    let bytes = duthao::render::docx::export_redline(
        diff,
        &from,
        &to,
        &layout,
        &kind_info("party", "nghi-quyet"),
        DraftMark::Draft { version: Some(3) },
        &provenance("t", Some(3)),
        &rev,
    )
    .expect("redline with a move");
    let path = dir.join("redline-move.docx");
    std::fs::write(&path, bytes).expect("write");
    out.push(Produced { path, draft: to });
    out
}

/// The body texts a reader must find, in order: each inline block's text,
/// each table cell; footnote markers removed (pandoc numbers them itself).
fn expected_texts(d: &Draft) -> Vec<String> {
    let mut out = Vec::new();
    let strip = |s: String| {
        let mut t = s;
        while let Some(i) = t.find("[^") {
            match t[i..].find(']') {
                Some(j) => t.replace_range(i..i + j + 1, ""),
                None => break,
            }
        }
        normalise_ws(&t)
    };
    for b in &d.body.blocks {
        match &b.kind {
            BlockKind::Table { header, rows } => {
                for c in header.iter().chain(rows.iter().flatten()) {
                    out.push(normalise_ws(&inline_text(c)));
                }
            }
            BlockKind::FootnoteDef { content, .. } => out.push(strip(inline_text(content))),
            BlockKind::Heading { content, .. } => {
                // "Phần I. ĐÁNH GIÁ" may be printed as "Phần I" / "ĐÁNH GIÁ".
                let t = strip(inline_text(content));
                match b.label() {
                    Some(l) if t.starts_with(&*l.text) => {
                        out.push(l.text.to_string());
                        let rest = t[l.text.len()..]
                            .trim_start_matches(['.', ':', '-', ' '])
                            .to_string();
                        if !rest.is_empty() {
                            out.push(rest);
                        }
                    }
                    _ => out.push(t),
                }
            }
            BlockKind::Rule => {}
            _ => out.push(strip(b.text())),
        }
    }
    out.retain(|t| !t.is_empty());
    out
}

/// pandoc writes footnote references as "[1]"; the draft's text has none.
fn strip_note_numbers(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && after[digits..].starts_with(']') {
            rest = &after[digits + 1..];
        } else {
            out.push('[');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn outside_clients_open_convert_and_read_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let produced = produce(dir.path());
    let files: Vec<String> = produced
        .iter()
        .map(|p| p.path.display().to_string())
        .collect();

    if python_has_docx() {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/docx_open.py");
        let out = Command::new("python3")
            .arg(&script)
            .args(&files)
            .output()
            .expect("python3 runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "python-docx failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(stdout.lines().count(), files.len());
        for line in stdout.lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("json line");
            assert_eq!(v["ok"], true, "{line}");
            assert!(
                !v["title"].as_str().unwrap_or("").is_empty(),
                "core title: {line}"
            );
        }
    }

    if let Some(soffice) = tool("soffice") {
        // One LibreOffice start for every document.
        let pdf_dir = dir.path().join("pdf");
        let out = Command::new(soffice)
            .args([
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
            ])
            .arg(&pdf_dir)
            .args(&files)
            .env("HOME", dir.path())
            .output()
            .expect("soffice runs");
        for p in &produced {
            let stem = p
                .path
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned();
            let pdf = pdf_dir.join(format!("{stem}.pdf"));
            let len = std::fs::metadata(&pdf).map(|m| m.len()).unwrap_or(0);
            assert!(
                len > 1000,
                "LibreOffice did not convert {}:\n{}\n{}",
                p.path.display(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }

    if let Some(pandoc) = tool("pandoc") {
        for p in &produced {
            let out = Command::new(&pandoc)
                .args([
                    "-f",
                    "docx",
                    "-t",
                    "plain",
                    "--wrap=none",
                    "--columns=100000",
                ])
                .arg(&p.path)
                .output()
                .expect("pandoc runs");
            assert!(
                out.status.success(),
                "pandoc failed on {}",
                p.path.display()
            );
            // Tracked changes: pandoc shows the accepted text by default.
            let text = normalise_ws(&strip_note_numbers(&String::from_utf8_lossy(&out.stdout)));
            let mut at = 0;
            for want in expected_texts(&p.draft) {
                match text[at..].find(&want) {
                    Some(i) => at += i + want.len(),
                    None => panic!(
                        "{}: pandoc does not read back {want:?} (in order) in:\n{}",
                        p.path.display(),
                        &text[at.min(text.len())..(at + 400).min(text.len())]
                    ),
                }
            }
        }
    }
}
