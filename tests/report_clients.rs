//! The synthesis table (Bản tổng hợp ý kiến, tiếp thu, giải trình ý kiến
//! góp ý) opened by the programs its readers use: the DOCX passes the OOXML
//! conformance check, opens in python-docx with its five columns and one
//! row per comment, converts to a landscape PDF in LibreOffice and reads
//! back through pandoc; the Markdown is a table to pandoc; the HTML opens
//! in headless Chromium without a console message.
//!
//! Without the standard harness, so that a check whose program is missing
//! shows as "ignored" (see `outside`).

mod outside;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use duthao_docx::{Content, DocxOptions, DraftMark, KindInfo, Provenance, export};
use duthao_review::*;
use outside::{CHROMIUM, LXML, PANDOC, PDFINFO, PYTHON_DOCX, SOFFICE, trial};

fn stamp(s: i64) -> Stamp {
    Stamp(time::OffsetDateTime::from_unix_timestamp(1_790_000_000 + s).expect("time"))
}

fn person() -> Person {
    Person {
        name: "Nguyễn Văn B".into(),
        email: "b@example.vn".into(),
    }
}

const BODIES: [&str; 4] = [
    "Đảng ủy xã Phú Lương",
    "Ban Tuyên giáo Tỉnh ủy",
    "Chi bộ Văn phòng",
    "Ủy ban Kiểm tra Tỉnh ủy",
];

/// `n` comments from the first two bodies through `Review::fold` (every
/// fourth open, the others answered in turn), the third body agreeing,
/// the fourth silent.
fn synthesis(n: usize) -> Synthesis {
    let mut events = Vec::new();
    for i in 0..n {
        let t = stamp(i as i64 * 2);
        let c = Comment {
            id: EventId::new(t.unix_millis()),
            draft: "nghi-quyet-15".into(),
            version: 2,
            level: "co-so".into(),
            body: BODIES[i % 2].into(),
            author: person(),
            time: t,
            anchor: (i % 6 != 0).then(|| Anchor {
                path: format!("II > {} > b)", i % 9 + 1),
                block: i % 9 + 1,
                fingerprint: "f".into(),
                quote: (i % 2 == 0).then(|| Quote {
                    text: "nâng cao chất lượng sinh hoạt chi bộ".into(),
                    start: 0,
                    end: 10,
                }),
            }),
            text: if i == 1 {
                "Ý kiến có ký tự | <b>đặc biệt</b> & \u{1b}[31m\ndòng thứ hai".into()
            } else {
                format!(
                    "Đề nghị làm rõ chỉ tiêu số {i} về tỷ lệ tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ, bảo đảm khả thi."
                )
            },
            proposal: (i % 3 == 1).then(|| "đến năm 2030 đạt trên 90%".into()),
            source: Source::typed(),
        };
        if i % 4 != 0 {
            let t = stamp(i as i64 * 2 + 1);
            events.push(Event::Response(Response {
                id: EventId::new(t.unix_millis()),
                comment: c.id.clone(),
                author: person(),
                time: t,
                decision: [Decision::Accept, Decision::Partial, Decision::Explain][i % 3],
                text: Some("Cơ quan soạn thảo đã chỉnh sửa, bổ sung tại mục II.".into()),
                supersedes: None,
            }));
        }
        events.push(Event::Comment(c));
    }
    events.push(Event::Agreement(Agreement {
        id: EventId::new(stamp(-1).unix_millis()),
        draft: "nghi-quyet-15".into(),
        version: 2,
        level: "co-so".into(),
        body: BODIES[2].into(),
        author: person(),
        time: stamp(-1),
        source: Source::typed(),
    }));
    let review = Review::fold(events, Vec::new());
    let levels = [LevelInfo {
        id: "co-so".into(),
        name: "Cấp cơ sở".into(),
    }];
    let bodies: Vec<BodyInfo> = BODIES
        .iter()
        .map(|b| BodyInfo {
            name: b.to_string(),
            level: "co-so".into(),
        })
        .collect();
    Synthesis::of(
        &review,
        "nghi-quyet-15",
        2,
        Roster {
            levels: &levels,
            bodies: &bodies,
        },
    )
}

fn context(profile: &str) -> ReportContext {
    let party = HeaderKind::of_profile(profile) == HeaderKind::Party;
    ReportContext {
        parent: party.then(|| "ĐẢNG BỘ TỈNH THÁI NGUYÊN".into()),
        issuer: if party {
            "TỈNH ỦY THÁI NGUYÊN".into()
        } else {
            "ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN".into()
        },
        drafter: Some("Ban Tổ chức Tỉnh ủy".into()),
        place: "Thái Nguyên".into(),
        date: time::macros::date!(2026 - 03 - 05),
        kind_name: if party {
            "nghị quyết"
        } else {
            "quyết định"
        }
        .into(),
        title: "về công tác xây dựng Đảng năm 2026".into(),
        version_label: "Dự thảo lần 2".into(),
        header: HeaderKind::of_profile(profile),
        signer: Some(ReportSigner {
            authority: "T/M CƠ QUAN SOẠN THẢO".into(),
            title: "TRƯỞNG BAN".into(),
            name: "Nguyễn Văn A".into(),
        }),
    }
}

fn report_docx(s: &Synthesis, profile: &str) -> Vec<u8> {
    let layout = duthao_profile::layout::load_layout(profile, None).expect("built-in layout");
    let kind = KindInfo {
        name: "NGHỊ QUYẾT".into(),
        code: "NQ".into(),
    };
    export(
        Content::Report {
            synthesis: s,
            context: &context(profile),
        },
        &DocxOptions {
            layout: &layout,
            kind: &kind,
            mark: DraftMark::Draft { version: Some(2) },
            provenance: &Provenance {
                slug: "nghi-quyet-15".into(),
                version: Some(2),
                commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
                source_sha256: "ab".repeat(32),
                committed_at: None,
                signoff: Vec::new(),
            },
        },
    )
    .expect("export")
}

const ROWS: usize = 40;

/// The DOCX files, one per profile, and the HTML and Markdown pages.
fn produce(dir: &Path) -> (Vec<PathBuf>, PathBuf, PathBuf) {
    let s = synthesis(ROWS);
    let mut docx = Vec::new();
    for profile in ["party", "state", "party-2018"] {
        let path = dir.join(format!("report-{profile}.docx"));
        std::fs::write(&path, report_docx(&s, profile)).expect("write");
        docx.push(path);
    }
    let mut html = Vec::new();
    duthao::render::report::html(&mut html, &s, &context("party")).expect("html");
    let html_path = dir.join("report.html");
    std::fs::write(&html_path, html).expect("write");
    let mut md = Vec::new();
    duthao::render::report::markdown(&mut md, &s, &context("state")).expect("markdown");
    let md_path = dir.join("report.md");
    std::fs::write(&md_path, md).expect("write");
    (docx, html_path, md_path)
}

/// python-docx finds the synthesis table: the five headings, a heading row
/// and one row per comment.
fn python_docx_reads_the_table(files: &[PathBuf]) {
    let script = r#"
import json, sys, docx
for path in sys.argv[1:]:
    d = docx.Document(path)
    tables = [t for t in d.tables if len(t.columns) == 5]
    t = tables[0]
    print(json.dumps({"rows": len(t.rows), "head": [c.text for c in t.rows[0].cells],
                      "title": d.core_properties.title}, ensure_ascii=False))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
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
        let v: serde_json::Value = serde_json::from_str(line).expect("json");
        assert_eq!(v["rows"], ROWS + 1, "{line}");
        let head: Vec<&str> = v["head"]
            .as_array()
            .expect("cells")
            .iter()
            .map(|c| c.as_str().unwrap_or(""))
            .collect();
        assert_eq!(head, REPORT_COLUMNS, "{line}");
        assert!(
            v["title"].as_str().unwrap_or("").starts_with(REPORT_TITLE),
            "{line}"
        );
    }
}

/// LibreOffice converts each DOCX; every page of the PDF is wider than high.
fn libreoffice_makes_landscape_pages(files: &[PathBuf], work: &Path) {
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
    for f in files {
        let stem = f.file_stem().expect("stem").to_string_lossy().into_owned();
        let pdf = pdf_dir.join(format!("{stem}.pdf"));
        assert!(
            pdf.is_file(),
            "LibreOffice did not convert {}:\n{}",
            f.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let info = Command::new(PDFINFO.path())
            .args(["-f", "1", "-l", "9999"])
            .arg(&pdf)
            .output()
            .expect("pdfinfo runs");
        let text = String::from_utf8_lossy(&info.stdout);
        let sizes: Vec<(f64, f64)> = text
            .lines()
            .filter(|l| l.starts_with("Page") && l.contains("size:"))
            .filter_map(|l| {
                let rest = l.split("size:").nth(1)?;
                let mut it = rest.split_whitespace();
                let w: f64 = it.next()?.parse().ok()?;
                it.next(); // "x"
                let h: f64 = it.next()?.parse().ok()?;
                Some((w, h))
            })
            .collect();
        assert!(!sizes.is_empty(), "no page sizes:\n{text}");
        for (w, h) in &sizes {
            // A4 landscape: 841.89 × 595.28 pt.
            assert!(
                (w - 841.9).abs() < 2.0 && (h - 595.3).abs() < 2.0,
                "{}: a page is {w} × {h} pt, not A4 landscape",
                f.display()
            );
        }
        assert!(sizes.len() >= 2, "{ROWS} rows fill more than a page");
    }
}

fn pandoc_reads(files: &[PathBuf]) {
    for f in files {
        let out = Command::new(PANDOC.path())
            .args(["-f", "docx", "-t", "plain", "--wrap=none"])
            .arg(f)
            .output()
            .expect("pandoc runs");
        assert!(out.status.success(), "pandoc failed on {}", f.display());
        let text = String::from_utf8_lossy(&out.stdout);
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(REPORT_TITLE), "{}: no title", f.display());
        assert!(flat.contains("đối với dự thảo"), "{}", f.display());
        assert!(
            flat.contains("Ý kiến có ký tự | <b>đặc biệt</b> &"),
            "{flat}"
        );
        assert!(flat.contains(UNANSWERED));
    }
}

/// The Markdown is one table to pandoc (GitHub flavour): the heading row
/// and one row per comment, the escaped `|` kept inside its cell.
fn pandoc_reads_the_markdown_table(md: &Path) {
    let out = Command::new(PANDOC.path())
        .args(["-f", "gfm", "-t", "html"])
        .arg(md)
        .output()
        .expect("pandoc runs");
    assert!(out.status.success());
    let html = String::from_utf8_lossy(&out.stdout);
    let tables: Vec<&str> = html.split("<table>").skip(1).collect();
    assert_eq!(
        tables.len(),
        2,
        "the header table and the synthesis:\n{html}"
    );
    let t = tables[1];
    assert_eq!(t.matches("<tr").count(), ROWS + 1, "{t}");
    assert_eq!(t.matches("</th>").count(), 5);
    assert!(
        t.contains("Ý kiến có ký tự | &lt;b&gt;đặc biệt&lt;/b&gt; &amp;"),
        "{t}"
    );
    assert!(!t.contains("<b>đặc biệt"));
}

fn chromium_opens(html: &Path, work: &Path) {
    let dom = outside::chromium_dom(html, work);
    assert_eq!(dom.matches("<tr id=").count(), ROWS);
    assert!(dom.contains("<span class=\"unanswered\">CHƯA TRẢ LỜI</span>"));
    assert!(!dom.contains("<b>đặc biệt</b>"));
}

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let (docx, html, md) = produce(dir.path());
    let docx = Arc::new(docx);
    let mut trials = vec![libtest_mimic::Trial::test(
        "2,000 rows: the same bytes twice, written fast",
        || {
            let s = synthesis(2000);
            let start = std::time::Instant::now();
            let a = report_docx(&s, "party");
            let took = start.elapsed();
            assert_eq!(a, report_docx(&s, "party"));
            // Well under 1 s in release; a debug build gets more room.
            let bound = if cfg!(debug_assertions) { 5.0 } else { 0.5 };
            assert!(took.as_secs_f64() < bound, "{took:?}");
            Ok(())
        },
    )];
    for f in docx.iter() {
        let name = f.file_name().expect("name").to_string_lossy().into_owned();
        let f = f.clone();
        trials.push(trial(
            &format!("ooxml: {name} passes the schemas and Word's property order"),
            &[LXML],
            move || outside::check_docx_files(&[f]),
        ));
    }
    {
        let docx = docx.clone();
        trials.push(trial(
            "python-docx reads the synthesis table: five headings, a row per comment",
            &[PYTHON_DOCX],
            move || python_docx_reads_the_table(&docx),
        ));
    }
    {
        let (docx, dir) = (docx.clone(), dir.clone());
        trials.push(trial(
            "libreoffice converts the synthesis to landscape A4 pages",
            &[SOFFICE, PDFINFO],
            move || libreoffice_makes_landscape_pages(&docx, &dir.path().join("lo")),
        ));
    }
    {
        let docx = docx.clone();
        trials.push(trial(
            "pandoc reads the synthesis DOCX: title, escaped text, open comments",
            &[PANDOC],
            move || pandoc_reads(&docx),
        ));
    }
    trials.push(trial(
        "pandoc reads the Markdown synthesis as one table",
        &[PANDOC],
        move || pandoc_reads_the_markdown_table(&md),
    ));
    {
        let dir = dir.clone();
        trials.push(trial(
            "chromium opens the HTML synthesis without a console message",
            &[CHROMIUM],
            move || chromium_opens(&html, &dir.path().join("chromium")),
        ));
    }
    libtest_mimic::run(&args, trials).exit();
}
