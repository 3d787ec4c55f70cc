//! The Word round trip of a review: a draft exported for comment
//! (`Content::ForComment`: hidden markers, margin comments, replies), read
//! back by `duthao-docx-read` as it left, after python-docx added comments
//! to it, and after LibreOffice saved it again; a tracked-changes export
//! read back as accepted and rejected text; and the OOXML check.
//!
//! Runs without the standard harness so that a check whose program is
//! missing shows as "ignored" (see `outside`), and fails with `CI=true`.

mod docx_support;
mod outside;

use std::path::Path;
use std::process::Command;

use docx_support::*;
use duthao::model::{BlockKind, Draft};
use duthao_docx::{
    Content, DocxOptions, DraftMark, MarginComment, MarginReply, export, marker_name,
};
use duthao_docx_read::{ChangeKind, MarkerPart, WordFile, parse_marker, read};
use duthao_profile::layout::load_layout;
use libtest_mimic::Trial;
use outside::{LXML, PYTHON_DOCX, SOFFICE, trial};

/// The draft every check comments on.
fn draft() -> Draft {
    parse(&all_blocks_source("party"), "review.md")
}

fn index_of(d: &Draft, pred: impl Fn(&BlockKind, &str) -> bool) -> usize {
    d.body
        .blocks
        .iter()
        .position(|b| pred(&b.kind, &b.text()))
        .expect("block in all_blocks.md")
}

/// Byte range of `needle` in block `i`'s text.
fn range_of(d: &Draft, i: usize, needle: &str) -> std::ops::Range<usize> {
    let t = d.body.blocks[i].text();
    let s = t.find(needle).expect("needle in block");
    s..s + needle.len()
}

/// Comments on a paragraph (a passage, with a resolved thread of two
/// replies), a heading written on two lines, a table cell, a code block, a
/// whole quote and a footnote definition written as a Word footnote.
fn comments(d: &Draft) -> Vec<MarginComment> {
    let para = index_of(d, |_, t| t.starts_with("Năm 2025"));
    let chapter = index_of(d, |_, t| t.starts_with("Chương I"));
    let table = index_of(d, |k, _| matches!(k, BlockKind::Table { .. }));
    let quote = index_of(d, |k, _| matches!(k, BlockKind::Quote { .. }));
    let code = index_of(d, |k, _| matches!(k, BlockKind::Code { .. }));
    let note = index_of(d, |k, _| matches!(k, BlockKind::FootnoteDef { .. }));
    let c = |block, quote, author: &str, text: &str| MarginComment {
        block,
        quote,
        author: author.into(),
        date: "2026-03-05T09:30:00+07:00".into(),
        text: text.into(),
        replies: Vec::new(),
        done: false,
    };
    vec![
        MarginComment {
            replies: vec![
                MarginReply {
                    author: "Trần Thị B".into(),
                    date: "2026-03-06T08:00:00+07:00".into(),
                    text: "Đã tiếp thu.".into(),
                },
                MarginReply {
                    author: "Lê Văn C".into(),
                    date: "2026-03-06T10:15:00+07:00".into(),
                    text: "Đồng ý.\nĐóng góp ý.".into(),
                },
            ],
            done: true,
            ..c(
                para,
                Some(range_of(d, para, "2.150 đảng viên mới")),
                "Nguyễn Văn A",
                "Kiểm tra lại số liệu <2.150> & nguồn.",
            )
        },
        c(
            chapter,
            Some(range_of(d, chapter, "I. KẾT")),
            "Phạm D",
            "Tên chương",
        ),
        c(
            table,
            Some(range_of(d, table, "Kết nạp đảng viên")),
            "Phạm D",
            "Chỉ tiêu",
        ),
        c(quote, None, "Hoàng E", "Trích dẫn nguồn?"),
        c(code, None, "Hoàng E", "Mã số"),
        c(note, None, "Hoàng E", "Chú thích"),
    ]
}

fn export_for_comment(d: &Draft, comments: &[MarginComment]) -> Vec<u8> {
    let layout = load_layout("party", None).expect("layout");
    let kind = kind_info("party", &d.front.kind);
    export(
        Content::ForComment { draft: d, comments },
        &DocxOptions {
            layout: &layout,
            kind: &kind,
            mark: DraftMark::Draft { version: Some(2) },
            provenance: &provenance("review", Some(2)),
        },
    )
    .expect("export for comment")
}

/// Every marked paragraph names a block of `d` by index and fingerprint,
/// and every block that writes a body paragraph has one.
fn markers_map_to_blocks(d: &Draft, file: &WordFile, who: &str, commented: bool) {
    let blocks = &d.body.blocks;
    let mut seen = vec![false; blocks.len()];
    for p in &file.paragraphs {
        let Some(name) = &p.marker else { continue };
        let m = parse_marker(name).unwrap_or_else(|| panic!("{who}: marker {name} unreadable"));
        let b = blocks
            .get(m.block)
            .unwrap_or_else(|| panic!("{who}: marker {name} names no block"));
        assert!(
            marker_name(m.block, b).ends_with(&m.fingerprint),
            "{who}: marker {name} has another fingerprint than block {}",
            m.block
        );
        assert_eq!(
            p.in_table,
            matches!(m.part, MarkerPart::Cell { .. }),
            "{who}: {name}"
        );
        // A footnote reference is a mark in Word, "[^1]" in the text.
        if let (MarkerPart::First, BlockKind::Paragraph { .. }) = (m.part, &b.kind)
            && !b.text().contains("[^")
        {
            assert_eq!(p.text, b.text(), "{who}: paragraph text of {name}");
        }
        seen[m.block] = true;
    }
    // The footnote definition is written as a Word footnote: its marker is
    // on the empty paragraph that carries its comment, when it has one.
    for (i, b) in blocks.iter().enumerate() {
        let note = matches!(b.kind, BlockKind::FootnoteDef { .. });
        assert!(
            seen[i] || (note && !commented),
            "{who}: no paragraph is marked as block {i}: {b:?}"
        );
    }
    // Paragraphs outside the body (header table, title, signature) carry none.
    assert!(file.paragraphs.iter().any(|p| p.marker.is_none()));
}

/// The comments of [`comments`] are all in `file`, with their authors,
/// dates, passages, threads and resolved flags.
/// `threads`: whether replies keep their link to the parent (LibreOffice
/// 7.4 drops it on save: it writes no `w15:paraIdParent`).
fn comments_come_back(
    d: &Draft,
    given: &[MarginComment],
    file: &WordFile,
    who: &str,
    threads: bool,
) {
    let total: usize = given.iter().map(|c| 1 + c.replies.len()).sum();
    assert_eq!(file.comments.len(), total, "{who}: {:#?}", file.comments);
    for c in given {
        let block = &d.body.blocks[c.block];
        let text = block.text();
        let got = file
            .comments
            .iter()
            .find(|w| w.text == c.text)
            .unwrap_or_else(|| panic!("{who}: comment {:?} lost", c.text));
        assert_eq!(got.author, c.author, "{who}");
        assert!(
            got.date
                .as_deref()
                .is_some_and(|d| d.starts_with(&c.date[..16])),
            "{who}: date {:?} for {:?}",
            got.date,
            c.date
        );
        assert_eq!(got.parent, None, "{who}");
        assert_eq!(got.done, c.done, "{who}: done of {:?}", c.text);
        let p = got.paragraph.expect("anchored");
        let marker = file.paragraphs[p].marker.as_deref().expect("in a marker");
        assert_eq!(
            parse_marker(marker).expect("marker").block,
            c.block,
            "{who}: {:?} anchored in another block",
            c.text
        );
        match (&c.quote, &block.kind) {
            (Some(r), BlockKind::Table { .. } | BlockKind::Paragraph { .. }) => {
                assert_eq!(got.quote, text[r.clone()], "{who}: quote")
            }
            // "Chương I" stands on its own line: the separator is a line break.
            (Some(_), _) => assert_eq!(got.quote.replace('\n', ". "), "I. KẾT", "{who}"),
            (None, BlockKind::Quote { .. }) => assert_eq!(got.quote, text, "{who}"),
            _ => {}
        }
        for r in &c.replies {
            let reply = file
                .comments
                .iter()
                .find(|w| w.text == r.text)
                .unwrap_or_else(|| panic!("{who}: reply {:?} lost", r.text));
            assert_eq!(reply.author, r.author, "{who}");
            if threads {
                assert_eq!(reply.parent.as_deref(), Some(&*got.id), "{who}: thread");
            } else {
                // What is left of the thread: the same passage.
                assert_eq!(reply.quote, got.quote, "{who}");
            }
            assert_eq!(reply.paragraph, got.paragraph, "{who}");
        }
    }
}

fn round_trip() {
    let d = draft();
    let given = comments(&d);
    let bytes = export_for_comment(&d, &given);
    assert_eq!(
        bytes,
        export_for_comment(&d, &given),
        "same input, same bytes"
    );
    let file = read(&bytes).expect("read back");
    markers_map_to_blocks(&d, &file, "duthao", true);
    comments_come_back(&d, &given, &file, "duthao", true);
    assert!(file.changes.is_empty());
    // Without comments: the markers alone, and no comments part.
    let plain = export_for_comment(&d, &[]);
    let file = read(&plain).expect("read back");
    markers_map_to_blocks(&d, &file, "duthao, no comments", false);
    assert!(file.comments.is_empty());
    assert!(!part_names(&plain).iter().any(|n| n.contains("comments")));
}

fn part_names(docx: &[u8]) -> Vec<String> {
    let z = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("zip");
    z.file_names().map(str::to_string).collect()
}

/// A comment on a block the draft does not have is an error, not a panic.
fn comment_on_missing_block() {
    let d = draft();
    let layout = load_layout("party", None).expect("layout");
    let kind = kind_info("party", &d.front.kind);
    let bad = [MarginComment {
        block: 10_000,
        quote: Some(std::ops::Range { start: 5, end: 2 }),
        author: String::new(),
        date: String::new(),
        text: String::new(),
        replies: Vec::new(),
        done: false,
    }];
    let err = export(
        Content::ForComment {
            draft: &d,
            comments: &bad,
        },
        &DocxOptions {
            layout: &layout,
            kind: &kind,
            mark: DraftMark::Final,
            provenance: &provenance("review", None),
        },
    )
    .expect_err("no such block");
    assert!(err.to_string().contains("block 10000"), "{err}");
}

/// Quotes out of the text, inverted or inside a character are clamped and
/// widened; the export stays valid and the comment stays on its block.
fn odd_quotes_are_clamped() {
    let d = draft();
    let para = index_of(&d, |_, t| t.starts_with("Năm 2025"));
    let mk = |quote: std::ops::Range<usize>| MarginComment {
        block: para,
        text: format!("{quote:?}"),
        quote: Some(quote),
        author: "A".into(),
        date: String::new(),
        replies: Vec::new(),
        done: false,
    };
    // "ă" is two bytes at 1..3: 2..2 is inside it.
    let inverted = std::ops::Range { start: 9, end: 4 };
    let given = [mk(2..2), mk(inverted), mk(500..900), mk(0..1_000_000)];
    let bytes = export_for_comment(&d, &given);
    outside::check_docx(&bytes, "odd-quotes");
    let file = read(&bytes).expect("read");
    assert_eq!(file.comments.len(), 4);
    let text = d.body.blocks[para].text();
    for c in &file.comments {
        assert!(text.contains(&c.quote), "{:?}", c.quote);
    }
    let whole = file.comments.iter().find(|c| c.text == "0..1000000");
    assert_eq!(whole.expect("clamped comment").quote, text);
}

/// Our tracked-changes export read back: accepting gives TO, rejecting FROM.
fn tracked_changes_read_back() {
    let from = draft();
    let to_src = all_blocks_source("party").replace("vượt *12%* kế hoạch", "vượt *15%* kế hoạch");
    let to = parse(&to_src, "b.md");
    let by = duthao_docx::Attribution {
        author: "Người Sửa".into(),
        date: "2026-03-07T00:00:00Z".into(),
    };
    let bytes = tracked_docx(&from, &to, by, 3);
    let file = read(&bytes).expect("read");
    let p = file
        .paragraphs
        .iter()
        .position(|p| p.text.starts_with("Năm 2025"))
        .expect("edited paragraph");
    assert!(file.paragraphs[p].text.contains("vượt 15% kế hoạch"));
    assert!(file.paragraphs[p].original.contains("vượt 12% kế hoạch"));
    let kinds: Vec<(ChangeKind, &str)> = file
        .changes
        .iter()
        .filter(|c| c.paragraph == p)
        .map(|c| (c.kind, c.text.as_str()))
        .collect();
    assert!(kinds.contains(&(ChangeKind::Delete, "12")), "{kinds:?}");
    assert!(kinds.contains(&(ChangeKind::Insert, "15")), "{kinds:?}");
    assert!(
        file.changes
            .iter()
            .all(|c| c.author.as_deref() == Some("Người Sửa"))
    );
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("program runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// python-docx (1.2 and later: `add_comment`) comments on our export and
/// on a blank document of its own; both read back.
fn python_docx_comments(dir: &Path) {
    let d = draft();
    let src = dir.join("ours.docx");
    std::fs::write(&src, export_for_comment(&d, &comments(&d))).expect("write");
    let script = r#"
import sys, docx
src, out_ours, out_blank = sys.argv[1:4]
doc = docx.Document(src)
if not hasattr(doc, "add_comment"):
    sys.exit("python-docx has no add_comment (1.2 or later needed)")
target = [p for p in doc.paragraphs if p.text.startswith("Các cấp ủy tổ chức")][0]
doc.add_comment(target.runs, text="Ý kiến từ python-docx", author="Py Reviewer", initials="PR")
doc.save(out_ours)
blank = docx.Document()
p = blank.add_paragraph("Đoạn thứ nhất. ")
r = p.add_run("Đoạn được góp ý.")
blank.add_comment(r, text="Góp ý trên tài liệu trống", author="Py Blank", initials="PB")
blank.save(out_blank)
"#;
    let ours = dir.join("py-ours.docx");
    let blank = dir.join("py-blank.docx");
    run(Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&src)
        .arg(&ours)
        .arg(&blank));

    let file = read(&std::fs::read(&ours).expect("read")).expect("python-docx output reads");
    markers_map_to_blocks(&d, &file, "python-docx", true);
    let given = comments(&d);
    let added = file
        .comments
        .iter()
        .find(|c| c.text == "Ý kiến từ python-docx")
        .expect("python-docx comment");
    assert_eq!(added.author, "Py Reviewer");
    assert_eq!(added.initials.as_deref(), Some("PR"));
    assert_eq!(
        added.quote,
        "Các cấp ủy tổ chức thực hiện nghiêm túc Nghị quyết này."
    );
    let p = added.paragraph.expect("anchored");
    let last = d.body.blocks.len() - 1;
    let m = parse_marker(file.paragraphs[p].marker.as_deref().expect("marker")).expect("marker");
    assert!(m.block == last || m.block + 1 == last, "block {}", m.block);
    // Ours survive python-docx's save, threads and flags included.
    let ours_only = WordFile {
        comments: file
            .comments
            .iter()
            .filter(|c| c.id != added.id)
            .cloned()
            .collect(),
        ..file.clone()
    };
    comments_come_back(&d, &given, &ours_only, "python-docx", true);

    let file = read(&std::fs::read(&blank).expect("read")).expect("blank reads");
    assert_eq!(file.comments.len(), 1, "{:#?}", file.comments);
    let c = &file.comments[0];
    assert_eq!(
        (c.author.as_str(), c.text.as_str(), c.quote.as_str()),
        ("Py Blank", "Góp ý trên tài liệu trống", "Đoạn được góp ý.")
    );
    assert_eq!(c.offset, Some("Đoạn thứ nhất. ".len()));
    assert!(file.paragraphs.iter().all(|p| p.marker.is_none()));
}

/// LibreOffice opens our export and saves it as DOCX again: the markers,
/// the comments, their passages and resolved flags survive; the replies'
/// link to their parent does not (LibreOffice 7.4).
fn libreoffice_round_trip(dir: &Path) {
    let d = draft();
    let given = comments(&d);
    let src = dir.join("review.docx");
    std::fs::write(&src, export_for_comment(&d, &given)).expect("write");
    let out = dir.join("lo");
    run(Command::new(SOFFICE.path())
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
        ])
        .arg(&out)
        .arg(&src)
        .env("HOME", dir));
    let bytes = std::fs::read(out.join("review.docx")).expect("LibreOffice wrote the DOCX");
    // DOCX_REVIEW_KEEP=dir keeps both files to look at.
    if let Some(keep) = std::env::var_os("DOCX_REVIEW_KEEP") {
        let keep = Path::new(&keep);
        std::fs::create_dir_all(keep).expect("keep dir");
        std::fs::copy(&src, keep.join("review.docx")).expect("copy");
        std::fs::write(keep.join("review-lo.docx"), &bytes).expect("copy");
    }
    let file = read(&bytes).expect("LibreOffice's DOCX reads");
    markers_map_to_blocks(&d, &file, "LibreOffice", true);
    comments_come_back(&d, &given, &file, "LibreOffice", false);
    // LibreOffice 7.4 keeps the resolved flag, on the replies too, and
    // writes the dates' wall-clock time as UTC ("+07:00" becomes "Z").
}

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    let dir = std::sync::Arc::new(tempfile::tempdir().expect("tempdir"));
    let mut trials = vec![
        Trial::test("round trip: markers, comments, replies, done", || {
            round_trip();
            Ok(())
        }),
        Trial::test("a comment on a missing block is an error", || {
            comment_on_missing_block();
            Ok(())
        }),
        Trial::test("odd quote ranges are clamped to the block", || {
            odd_quotes_are_clamped();
            Ok(())
        }),
        Trial::test("tracked changes read back accepted and rejected", || {
            tracked_changes_read_back();
            Ok(())
        }),
    ];
    {
        let dir = dir.clone();
        trials.push(trial(
            "ooxml: the export for comment passes the schemas and Word's checks",
            &[LXML],
            move || {
                let d = draft();
                let path = dir.path().join("ooxml-review.docx");
                std::fs::write(&path, export_for_comment(&d, &comments(&d))).expect("write");
                outside::check_docx_files(&[path]);
            },
        ));
    }
    {
        let dir = dir.clone();
        trials.push(trial(
            "python-docx add_comment on our export and on a blank document",
            &[PYTHON_DOCX],
            move || python_docx_comments(dir.path()),
        ));
    }
    {
        let dir = dir.clone();
        trials.push(trial(
            "libreoffice round trip keeps markers and comments",
            &[SOFFICE],
            move || libreoffice_round_trip(dir.path()),
        ));
    }
    libtest_mimic::run(&args, trials).exit();
}
