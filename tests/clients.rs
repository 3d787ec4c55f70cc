//! Every kind of file duthao writes, opened by the programs its users and
//! the standards open it with: each DOCX passes the OOXML conformance check
//! (ISO/IEC 29500 schemas and Word's property order), opens in python-docx,
//! converts to PDF in LibreOffice (where the signature block never stands
//! alone on its page) and reads back through pandoc to the same text; the
//! HTML redline opens in headless Chromium without a console message.
//!
//! This binary runs without the standard harness so that a check whose
//! program is missing shows as "ignored" with the reason (see `outside`).

mod common;
mod docx_support;
mod outside;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use docx_support::*;
use duthao::model::{BlockKind, Draft, inline_text};
use duthao_docx::DraftMark;
use outside::{CHROMIUM, LXML, Need, PANDOC, PDFTOTEXT, PYTHON_DOCX, SOFFICE, trial};

/// A DOCX written for these checks and the draft whose text it must show
/// (`None` when the text check does not apply, as for the demo's files).
struct Produced {
    path: PathBuf,
    draft: Option<Draft>,
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

fn produce(dir: &Path) -> Vec<Produced> {
    let mut out = Vec::new();
    for (profile, mark) in [
        ("state", DraftMark::Draft { version: Some(2) }),
        ("party", DraftMark::Draft { version: None }),
        ("party-2018", DraftMark::Final),
    ] {
        let (_, draft, bytes) = export_source(&all_blocks_source(profile), mark);
        let path = write(dir, &format!("{profile}.docx"), &bytes);
        out.push(Produced {
            path,
            draft: Some(draft),
        });
    }
    // The bundled example drafts, as the demo exports them.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("drafts");
    let mut slugs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("drafts/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    slugs.sort();
    for slug in slugs {
        let Ok(src) = std::fs::read_to_string(slug.join("v3.md")) else {
            continue;
        };
        let (_, draft, bytes) = export_source(&src, DraftMark::Draft { version: Some(3) });
        let name = slug
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let path = write(dir, &format!("{name}.docx"), &bytes);
        out.push(Produced {
            path,
            draft: Some(draft),
        });
    }
    // A tracked-changes document: a word edit, and a table with an edited
    // cell and an added row, through the diff engine.
    let from = parse(&all_blocks_source("party"), "a.md");
    let to_src = all_blocks_source("party")
        .replace("vượt *12%* kế hoạch", "vượt *15%* kế hoạch")
        .replace(
            "| 2 | Tổ chức cơ sở đảng | 1.204 |",
            "| 2 | Tổ chức cơ sở đảng | 1.210 |\n| 3 | Chi bộ trực thuộc | 85 |",
        );
    let to = parse(&to_src, "b.md");
    let by = || duthao_docx::Attribution {
        author: "Tổ soạn thảo".into(),
        date: "2026-02-10T08:00:00Z".into(),
    };
    let bytes = tracked_docx(&from, &to, by(), 2);
    out.push(Produced {
        path: write(dir, "redline.docx", &bytes),
        draft: Some(to),
    });

    // An unedited paragraph moved (a Word move).
    let para = "Nghị quyết này áp dụng đối với các cấp ủy trực thuộc.\n\n";
    let to_src = all_blocks_source("party").replace(para, "").replace(
        "Các cấp ủy tổ chức thực hiện nghiêm túc",
        &format!("{para}Các cấp ủy tổ chức thực hiện nghiêm túc"),
    );
    let to = parse(&to_src, "c.md");
    let bytes = tracked_docx(&from, &to, by(), 3);
    out.push(Produced {
        path: write(dir, "redline-move.docx", &bytes),
        draft: Some(to),
    });

    // What the command line writes: the demo's exports and tracked changes.
    let demo = dir.join("demo");
    let sandbox = common::Sandbox::new();
    let status = sandbox
        .duthao_std()
        .arg("demo")
        .arg(&demo)
        .output()
        .expect("duthao demo runs");
    assert!(
        status.status.success(),
        "demo failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let mut demo_files: Vec<PathBuf> = std::fs::read_dir(demo.join("out"))
        .expect("demo out/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "docx"))
        .collect();
    demo_files.sort();
    out.extend(
        demo_files
            .into_iter()
            .map(|path| Produced { path, draft: None }),
    );
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

fn python_docx_opens(files: &[PathBuf]) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/docx_open.py");
    let out = Command::new("python3")
        .arg(&script)
        .args(files)
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

/// Converts DOCX files to PDF with one LibreOffice start (its own profile,
/// so trials can run side by side); returns each PDF's path.
fn to_pdf(files: &[PathBuf], work: &Path) -> Vec<PathBuf> {
    let pdf_dir = work.join("pdf");
    let out = Command::new(SOFFICE.path())
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(&pdf_dir)
        .args(files)
        .env("HOME", work)
        .output()
        .expect("soffice runs");
    files
        .iter()
        .map(|f| {
            let stem = f.file_stem().expect("stem").to_string_lossy().into_owned();
            let pdf = pdf_dir.join(format!("{stem}.pdf"));
            let len = std::fs::metadata(&pdf).map(|m| m.len()).unwrap_or(0);
            assert!(
                len > 1000,
                "LibreOffice did not convert {}:\n{}\n{}",
                f.display(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            pdf
        })
        .collect()
}

fn pandoc_reads_back(p: &Produced, draft: &Draft) {
    let out = Command::new(PANDOC.path())
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
    for want in expected_texts(draft) {
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

/// The text of each page of a PDF.
fn pdf_pages(pdf: &Path) -> Vec<String> {
    let out = Command::new(PDFTOTEXT.path())
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    String::from_utf8_lossy(&out.stdout)
        .split('\u{c}')
        .map(str::to_string)
        .filter(|p| !p.trim().is_empty())
        .collect()
}

/// Drafts whose closing block LibreOffice used to put alone on the last
/// page: the bundled state decision's version 2, and a party draft without
/// a signer whose "Nơi nhận" fell on page 2.
fn closing_block_cases(dir: &Path) -> Vec<(PathBuf, &'static str)> {
    let v2 = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("drafts/quyet-dinh-ke-hoach-chuyen-doi-so/v2.md"),
    )
    .expect("bundled v2");
    let (_, _, a) = export_source(&v2, DraftMark::Draft { version: Some(2) });
    // A party body that fills page 1 to its last lines, and no signer.
    let mut body = String::from("I. NỘI DUNG\n\n");
    for i in 1..=15 {
        body.push_str(&format!(
            "{i}. Các cấp ủy, tổ chức đảng tiếp tục quán triệt, triển khai thực hiện nghiêm túc, hiệu quả các nghị quyết, chỉ thị, kết luận của Trung ương và của Tỉnh ủy về công tác xây dựng Đảng, gắn với nhiệm vụ chính trị của từng địa phương, cơ quan, đơn vị trong năm {i}.\n\n"
        ));
    }
    let src = format!(
        "---\nkind: nghi-quyet\nprofile: party\nissuer:\n  parent: ĐẢNG BỘ TỈNH THÁI NGUYÊN\n  name: TỈNH ỦY THÁI NGUYÊN\n  code: TU\nplace: Thái Nguyên\ndate: 2026-03-05\ntitle: về công tác xây dựng Đảng\nrecipients:\n  - Ban Tổ chức Trung ương (để b/c)\n  - Các đảng ủy trực thuộc\n  - Lưu Văn phòng Tỉnh ủy\n---\n\n{body}"
    );
    let (_, _, b) = export_source(&src, DraftMark::Draft { version: Some(1) });
    vec![
        (write(dir, "closing-state-v2.docx", &a), "Nơi nhận"),
        (write(dir, "closing-party-no-signer.docx", &b), "Nơi nhận"),
    ]
}

/// The last page holds the closing block and, before it, body text.
fn closing_block_is_not_alone(pdf: &Path, marker: &str) -> Result<(), String> {
    let pages = pdf_pages(pdf);
    let last = pages.last().ok_or("no page")?;
    let Some(at) = last.find(marker) else {
        return Err(format!(
            "{}: {marker:?} is not on the last page",
            pdf.display()
        ));
    };
    let before: String = last[..at]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && l.parse::<u32>().is_err())
        .collect::<Vec<_>>()
        .join(" ");
    if before.split_whitespace().count() < 5 {
        return Err(format!(
            "{}: the closing block stands alone on page {}:\n{last}",
            pdf.display(),
            pages.len()
        ));
    }
    Ok(())
}

fn redline_html() -> String {
    use duthao::diff::{DiffOptions, diff_drafts};
    use duthao::render::{Labels, html};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("drafts/nghi-quyet-xay-dung-dang-2026");
    let read = |n: u32| {
        let text = std::fs::read(root.join(format!("v{n}.md"))).expect("bundled draft");
        duthao::reader::read(&text, Path::new("v.md")).expect("parses")
    };
    let (from, to) = (read(1), read(2));
    let diff = diff_drafts(&from, &to, &DiffOptions::default());
    let mut out = Vec::new();
    html::write(
        &mut out,
        &diff,
        &from,
        &to,
        &Labels::new("Dự thảo lần 1", "Dự thảo lần 2"),
    )
    .expect("writes");
    String::from_utf8(out).expect("utf-8")
}

fn chromium_opens(html: &str, work: &Path) {
    std::fs::create_dir_all(work).expect("work folder");
    let file = work.join("redline.html");
    std::fs::write(&file, html).expect("write html");
    let dom = outside::chromium_dom(&file, work);
    assert!(
        dom.contains("<ins>") && dom.contains("<del>"),
        "marks in the DOM"
    );
    assert!(dom.contains("Mục lục các thay đổi"));
}

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let produced = Arc::new(produce(dir.path()));
    let closing = Arc::new(closing_block_cases(dir.path()));
    let files: Arc<Vec<PathBuf>> = Arc::new(
        produced
            .iter()
            .map(|p| p.path.clone())
            .chain(closing.iter().map(|(p, _)| p.clone()))
            .collect(),
    );
    let mut trials = Vec::new();
    for f in files.iter() {
        let name = f.file_name().expect("name").to_string_lossy().into_owned();
        let f = f.clone();
        trials.push(trial(
            &format!("ooxml: {name} passes the schemas and Word's property order"),
            &[LXML],
            move || outside::check_docx_files(&[f]),
        ));
    }
    {
        let files = files.clone();
        trials.push(trial(
            "python-docx opens every DOCX",
            &[PYTHON_DOCX],
            move || python_docx_opens(&files),
        ));
    }
    {
        let (files, dir) = (files.clone(), dir.clone());
        trials.push(trial(
            "libreoffice converts every DOCX to PDF",
            &[SOFFICE],
            move || {
                let work = dir.path().join("lo-all");
                to_pdf(&files, &work);
            },
        ));
    }
    {
        let (produced, dir) = (produced.clone(), dir.clone());
        let _keep = dir;
        trials.push(trial(
            "pandoc reads every DOCX back to the draft's text",
            &[PANDOC],
            move || {
                for p in produced.iter() {
                    if let Some(d) = &p.draft {
                        pandoc_reads_back(p, d);
                    }
                }
            },
        ));
    }
    {
        let (closing, dir) = (closing.clone(), dir.clone());
        let needs: &[Need] = &[SOFFICE, PDFTOTEXT];
        trials.push(trial(
            "the signature block never stands alone on the last page (LibreOffice PDF)",
            needs,
            move || {
                let work = dir.path().join("lo-closing");
                let files: Vec<PathBuf> = closing.iter().map(|(p, _)| p.clone()).collect();
                let pdfs = to_pdf(&files, &work);
                let failures: Vec<String> = pdfs
                    .iter()
                    .zip(closing.iter())
                    .filter_map(|(pdf, (_, marker))| closing_block_is_not_alone(pdf, marker).err())
                    .collect();
                assert!(failures.is_empty(), "{}", failures.join("\n\n"));
            },
        ));
    }
    {
        let dir = dir.clone();
        trials.push(trial(
            "chromium opens the HTML redline without a console message",
            &[CHROMIUM],
            move || chromium_opens(&redline_html(), &dir.path().join("chromium")),
        ));
    }
    libtest_mimic::run(&args, trials).exit();
}
