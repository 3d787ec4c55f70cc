//! The Word round trip of a review and its synthesis, from the command line
//! on a real workspace: `export --for-comment` read by python-docx and
//! commented on by a reviewer, `comment import` of what comes back (from
//! python-docx, from LibreOffice, with tracked changes, from a file duthao
//! did not write), bad files refused without a trace, `report` in its three
//! formats opened by python-docx, LibreOffice, pandoc and Chromium, and
//! `diff --comments`.
//!
//! Runs without the standard harness so that a check whose outside program
//! is missing shows as "ignored" (see `outside`), and fails with `CI=true`.

mod common;
mod outside;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Ws;
use libtest_mimic::Trial;
use outside::{CHROMIUM, LXML, PANDOC, PDFINFO, PYTHON_DOCX, SOFFICE, trial};
use serde_json::Value;

const SLUG: &str = "to-chuc-co-so";

/// Bodies of the party profile's duthao.toml.
const XA: &str = "Đảng ủy xã Phú Lương";
const CHI_BO: &str = "Chi bộ Văn phòng Tỉnh ủy";
const BAN: &str = "Ban Tổ chức Tỉnh ủy";

const V1: &str = "---
kind: nghi-quyet
profile: party
issuer:
  parent: ĐẢNG BỘ TỈNH THÁI NGUYÊN
  name: TỈNH ỦY THÁI NGUYÊN
  code: TU
place: Thái Nguyên
date: 2026-03-05
title: về công tác xây dựng tổ chức cơ sở đảng năm 2026
signer:
  authority: T/M BAN THƯỜNG VỤ
  title: BÍ THƯ
  name: Nguyễn Văn A
recipients:
  - Lưu Văn phòng Tỉnh ủy
---

# I. TÌNH HÌNH

Năm 2025, các cấp ủy, tổ chức đảng trong tỉnh đã tập trung lãnh đạo thực hiện các nhiệm vụ công tác xây dựng Đảng.

Công tác phát triển đảng viên đạt kết quả khá; toàn Đảng bộ kết nạp được 2.150 đảng viên mới trong năm.

# II. MỤC TIÊU VÀ GIẢI PHÁP

## 1. Mục tiêu

Phấn đấu *đến hết năm 2026* có trên 95% tổ chức cơ sở đảng được đánh giá hoàn thành tốt nhiệm vụ trở lên.

## 2. Giải pháp

Nâng cao chất lượng sinh hoạt chi bộ, nhất là sinh hoạt chuyên đề ở những nơi còn khó khăn.

# III. TỔ CHỨC THỰC HIỆN

Các cấp ủy, tổ chức đảng trực thuộc Tỉnh ủy tổ chức thực hiện nghiêm túc Nghị quyết này.
";

const FIRST: &str = "Năm 2025, các cấp ủy, tổ chức đảng trong tỉnh đã tập trung lãnh đạo thực hiện các nhiệm vụ công tác xây dựng Đảng.";

/// V1 with two paragraphs edited.
fn v2() -> String {
    V1.replace("2.150 đảng viên mới", "2.200 đảng viên mới")
        .replace("ở những nơi còn khó khăn", "ở tất cả các chi bộ")
}

/// The two paragraphs as v2 has them.
const MEMBERS_V2: &str = "Công tác phát triển đảng viên đạt kết quả khá; toàn Đảng bộ kết nạp được 2.200 đảng viên mới trong năm.";
const MEANS_V2: &str =
    "Nâng cao chất lượng sinh hoạt chi bộ, nhất là sinh hoạt chuyên đề ở tất cả các chi bộ.";

/// A party workspace with the draft submitted as v1, and as v2 when `two`.
fn workspace(two: bool) -> Ws {
    let ws = Ws::new("party");
    ws.write_draft(SLUG, V1);
    ws.ok(&["commit", SLUG, "-m", "Bản đầu"]);
    ws.ok(&["submit", SLUG]);
    if two {
        ws.write_draft(SLUG, v2());
        ws.ok(&["commit", SLUG, "-m", "Tiếp thu ý kiến"]);
        ws.ok(&["submit", SLUG]);
    }
    ws
}

/// `git rev-list --count HEAD`.
fn commits(ws: &Ws) -> usize {
    ws.git(&["rev-list", "--count", "HEAD"])
        .trim()
        .parse()
        .expect("a count")
}

/// The event files under reviews/, sorted.
fn review_files(ws: &Ws) -> Vec<PathBuf> {
    let dir = ws.root.join("reviews");
    let mut out: Vec<PathBuf> = walk(&dir);
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A folder beside the workspace for the Word files going back and forth.
fn outbox(ws: &Ws) -> PathBuf {
    let dir = ws.sandbox.path().join("outbox");
    std::fs::create_dir_all(&dir).expect("outbox");
    dir
}

fn arg(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Runs a program that must succeed; its stdout.
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

fn python(script: &str, args: &[&str]) -> String {
    run(Command::new("python3").arg("-c").arg(script).args(args))
}

/// `comment list SLUG --json` as of `version`: the comments.
fn listed(ws: &Ws, version: &str) -> Vec<Value> {
    let v = ws.json(&["comment", "list", SLUG, "--version", version]);
    v["comments"].as_array().expect("comments").clone()
}

/// The listed comment whose text is `text`.
fn find<'a>(list: &'a [Value], text: &str) -> &'a Value {
    list.iter()
        .find(|c| c["comment"]["text"] == text)
        .unwrap_or_else(|| panic!("no comment {text:?} in {list:#?}"))
}

/// Where a listed comment is placed: its path, or "" when general.
fn path_of(c: &Value) -> String {
    c["placement"]["path"].as_str().unwrap_or("").to_string()
}

fn quote_of(c: &Value) -> Option<String> {
    c["comment"]["anchor"]["quote"]["text"]
        .as_str()
        .map(str::to_string)
}

/// Two open comments on the latest version, one quoting a passage.
fn two_open_comments(ws: &Ws) {
    ws.ok(&[
        "comment",
        "add",
        SLUG,
        "--by",
        CHI_BO,
        "--at",
        "II > 1 > ¶1",
        "--quote",
        "95%",
        "Đề nghị nâng chỉ tiêu.",
    ]);
    ws.ok(&[
        "comment",
        "add",
        SLUG,
        "--by",
        BAN,
        "--at",
        "III > ¶1",
        "--propose",
        "Báo cáo trước ngày 15 tháng 12 năm 2026.",
        "Đề nghị bổ sung thời hạn báo cáo.",
    ]);
}

/// `export SLUG --for-comment -o FILE`; the file.
fn export_for_comment(ws: &Ws, name: &str) -> PathBuf {
    let out = outbox(ws).join(name);
    ws.ok(&["export", SLUG, "--for-comment", "-o", arg(&out)]);
    out
}

/// The comments python-docx sees, as (author, text).
fn python_docx_comments(file: &Path) -> Vec<(String, String)> {
    let script = r#"
import sys, json, docx
doc = docx.Document(sys.argv[1])
print(json.dumps([[c.author, c.text] for c in doc.comments], ensure_ascii=False))
"#;
    let out = python(script, &[arg(file)]);
    serde_json::from_str(out.trim()).expect("json")
}

/// The reviewer: python-docx adds a comment on the run that is `quote`
/// (python-docx cannot reply), then the XML is edited as Word would write
/// a reply: one to the new comment and one to the exported comment that
/// says `reply_to`, threaded in commentsExtended.xml.
const REVIEWER: &str = r#"
import sys, zipfile, docx
from lxml import etree
src, out, quote, reply_to = sys.argv[1:5]
doc = docx.Document(src)
runs = [r for p in doc.paragraphs for r in p.runs if r.text == quote]
assert len(runs) == 1, [r.text for p in doc.paragraphs for r in p.runs]
new = doc.add_comment(runs[0], text="Đề nghị ghi rõ mốc thời gian.", author="Lê Thị Góp", initials="LG")
new_id = str(new.comment_id)
tmp = out + ".tmp"
doc.save(tmp)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
zin = zipfile.ZipFile(tmp)
parts = {n: zin.read(n) for n in zin.namelist()}
comments = etree.fromstring(parts["word/comments.xml"])
extended = etree.fromstring(parts["word/commentsExtended.xml"])
def pid(c):
    return c.findall("{%s}p" % W)[-1].get("{%s}paraId" % W14)
by_id = {c.get("{%s}id" % W): c for c in comments.findall("{%s}comment" % W)}
exported = [c for c in by_id.values() if "".join(c.itertext()).startswith(reply_to)]
assert len(exported) == 1, list(by_id)
parent_of_exported = pid(exported[0])
assert parent_of_exported, "exported comments carry a paragraph id"
by_id[new_id].findall("{%s}p" % W)[-1].set("{%s}paraId" % W14, "1A2B3C4D")
ex = etree.SubElement(extended, "{%s}commentEx" % W15)
ex.set("{%s}paraId" % W15, "1A2B3C4D")
ex.set("{%s}done" % W15, "0")
next_id = max(int(i) for i in by_id) + 1
for k, (parent, text) in enumerate([("1A2B3C4D", "Cụ thể là quý IV năm 2026."),
                                    (parent_of_exported, "Nhất trí, đề nghị lên 97%.")]):
    c = etree.SubElement(comments, "{%s}comment" % W)
    c.set("{%s}id" % W, str(next_id + k))
    c.set("{%s}author" % W, "Trần Văn Đáp")
    c.set("{%s}date" % W, "2026-03-10T08:00:00Z")
    p = etree.SubElement(c, "{%s}p" % W)
    p.set("{%s}paraId" % W14, "2B3C4D5%d" % k)
    r = etree.SubElement(p, "{%s}r" % W)
    t = etree.SubElement(r, "{%s}t" % W)
    t.text = text
    ex = etree.SubElement(extended, "{%s}commentEx" % W15)
    ex.set("{%s}paraId" % W15, "2B3C4D5%d" % k)
    ex.set("{%s}paraIdParent" % W15, parent)
    ex.set("{%s}done" % W15, "0")
parts["word/comments.xml"] = etree.tostring(comments, xml_declaration=True, encoding="UTF-8", standalone=True)
parts["word/commentsExtended.xml"] = etree.tostring(extended, xml_declaration=True, encoding="UTF-8", standalone=True)
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for n in zin.namelist():
        z.writestr(n, parts[n])
"#;

/// `comment import SLUG FILE --by BODY --json`.
fn import(ws: &Ws, file: &Path, body: &str, extra: &[&str]) -> Value {
    let mut args = vec!["comment", "import", SLUG, arg(file), "--by", body];
    args.extend_from_slice(extra);
    ws.json(&args)
}

/// 1. The export for comment has the open comments in Word's margin and
///    passes the OOXML check; what a reviewer adds with python-docx comes
///    back once, on its block, and only once.
fn python_docx_review() {
    let ws = workspace(true);
    two_open_comments(&ws);
    let exported = export_for_comment(&ws, "gop-y.docx");
    outside::check_docx_files(std::slice::from_ref(&exported));
    let seen = python_docx_comments(&exported);
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[0], (CHI_BO.into(), "Đề nghị nâng chỉ tiêu.".into()));
    assert_eq!(seen[1].0, BAN);
    let flat = seen[1].1.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(
        flat,
        "Đề nghị bổ sung thời hạn báo cáo. Đề nghị sửa thành: “Báo cáo trước ngày 15 tháng 12 năm 2026.”"
    );

    let reviewed = outbox(&ws).join("gop-y-xa.docx");
    python(
        REVIEWER,
        &[
            arg(&exported),
            arg(&reviewed),
            "đến hết năm 2026",
            "Đề nghị nâng",
        ],
    );
    let before = commits(&ws);
    let r = import(&ws, &reviewed, XA, &[]);
    assert_eq!(r["matched_by"], "markers", "{r:#}");
    assert_eq!(r["version"], 2, "{r:#}");
    assert_eq!(
        (&r["comments"], &r["replies"], &r["edits"], &r["already"]),
        (
            &Value::from(1),
            &Value::from(2),
            &Value::from(0),
            &Value::from(2)
        ),
        "{r:#}"
    );
    assert_eq!(r["unplaced"], 0, "{r:#}");
    assert_eq!(commits(&ws), before + 1, "one commit");

    let list = listed(&ws, "v2");
    assert_eq!(list.len(), 3, "{list:#?}");
    let new = find(&list, "Đề nghị ghi rõ mốc thời gian.");
    let c = &new["comment"];
    assert_eq!(c["body"], XA);
    assert_eq!(c["author"]["name"], "Lê Thị Góp");
    assert_eq!(c["version"], 2);
    assert_eq!(path_of(new), "II > 1 > ¶1", "{new:#}");
    assert_eq!(quote_of(new).as_deref(), Some("đến hết năm 2026"));
    let replies = |c: &Value| -> Vec<String> {
        c["replies"]
            .as_array()
            .expect("replies")
            .iter()
            .map(|r| r["text"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(replies(new), ["Cụ thể là quý IV năm 2026."]);
    let old = find(&list, "Đề nghị nâng chỉ tiêu.");
    assert_eq!(replies(old), ["Nhất trí, đề nghị lên 97%."]);
    assert_eq!(quote_of(old).as_deref(), Some("95%"));
    assert!(replies(find(&list, "Đề nghị bổ sung thời hạn báo cáo.")).is_empty());

    // The same file again: nothing new, no commit, no file.
    let files = review_files(&ws);
    let again = ws.ok(&["comment", "import", SLUG, arg(&reviewed), "--by", XA]);
    assert!(again.contains("Nothing new"), "{again}");
    assert!(again.contains("5 item(s) were recorded already"), "{again}");
    assert_eq!(commits(&ws), before + 1);
    assert_eq!(review_files(&ws), files);
    assert_eq!(listed(&ws, "v2").len(), 3);

    // The next export for comment carries the imported thread too.
    let next = export_for_comment(&ws, "gop-y-2.docx");
    outside::check_docx_files(std::slice::from_ref(&next));
    let seen = python_docx_comments(&next);
    assert_eq!(seen.len(), 5, "3 comments and 2 replies: {seen:?}");
    assert!(seen.contains(&(XA.to_string(), "Đề nghị ghi rõ mốc thời gian.".to_string())));
}

/// 2. A file LibreOffice opened and saved again: the markers still map and
///    the exported comments are known; a reviewer's comment is new.
fn libreoffice_round_trip() {
    let ws = workspace(true);
    two_open_comments(&ws);
    // A reply on an exported comment: LibreOffice drops the thread link.
    let list = listed(&ws, "v2");
    let id = find(&list, "Đề nghị bổ sung thời hạn báo cáo.")["comment"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    ws.ok(&["comment", "reply", &id, "Ban sẽ làm rõ."]);
    let exported = export_for_comment(&ws, "gop-y.docx");
    let script = r#"
import sys, docx
doc = docx.Document(sys.argv[1])
p = [p for p in doc.paragraphs if p.text.startswith("Nâng cao chất lượng")][0]
doc.add_comment(p.runs, text="Đề nghị làm rõ nơi khó khăn.", author="Lê Thị Góp", initials="LG")
doc.save(sys.argv[2])
"#;
    let reviewed = outbox(&ws).join("gop-y-xa.docx");
    python(script, &[arg(&exported), arg(&reviewed)]);
    let lo = outbox(&ws).join("lo");
    run(Command::new(SOFFICE.path())
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
        ])
        .arg(&lo)
        .arg(&reviewed)
        .env("HOME", ws.sandbox.path().join("home")));
    let saved = lo.join("gop-y-xa.docx");
    assert!(saved.is_file(), "LibreOffice wrote no file");
    assert_ne!(
        std::fs::read(&saved).expect("read"),
        std::fs::read(&reviewed).expect("read")
    );
    let before = commits(&ws);
    let r = import(&ws, &saved, XA, &[]);
    assert_eq!(r["matched_by"], "markers", "{r:#}");
    assert_eq!(r["version"], 2, "{r:#}");
    assert_eq!(r["comments"], 1, "{r:#}");
    assert_eq!(r["replies"], 0, "{r:#}");
    assert_eq!(r["already"], 3, "two comments and a reply: {r:#}");
    assert_eq!(commits(&ws), before + 1);
    let list = listed(&ws, "v2");
    assert_eq!(list.len(), 3, "{list:#?}");
    let new = find(&list, "Đề nghị làm rõ nơi khó khăn.");
    assert_eq!(path_of(new), "II > 2 > ¶1", "{new:#}");
    assert_eq!(new["comment"]["body"], XA);
    // Once more: nothing new.
    let again = ws.ok(&["comment", "import", SLUG, arg(&saved), "--by", XA]);
    assert!(again.contains("Nothing new"), "{again}");
    assert_eq!(commits(&ws), before + 1);
}

/// 3a. Tracked changes (a comparison exported as a DOCX): one comment per
///     edited paragraph, proposing the accepted text.
fn tracked_changes() {
    let ws = workspace(true);
    let file = outbox(&ws).join("sua.docx");
    ws.ok(&[
        "diff",
        SLUG,
        "v1",
        "v2",
        "--format",
        "docx",
        "-o",
        arg(&file),
    ]);
    let before = commits(&ws);
    let r = import(&ws, &file, XA, &["--version", "v1"]);
    assert_eq!(r["version"], 1, "{r:#}");
    assert_eq!(r["matched_by"], "text", "{r:#}");
    assert_eq!(
        (&r["edits"], &r["comments"]),
        (&Value::from(2), &Value::from(0)),
        "{r:#}"
    );
    assert_eq!(r["unplaced"], 0, "{r:#}");
    assert_eq!(commits(&ws), before + 1);
    let list = listed(&ws, "v1");
    assert_eq!(list.len(), 2, "{list:#?}");
    let mut got: Vec<(String, String, String)> = list
        .iter()
        .map(|c| {
            let t = &c["comment"];
            (
                path_of(c),
                t["proposal"].as_str().unwrap_or("").to_string(),
                t["text"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(got[0].0, "I > ¶2", "{got:#?}");
    assert_eq!(got[0].1, MEMBERS_V2);
    assert!(
        got[0].2.contains("bỏ “2.150”") && got[0].2.contains("thêm “2.200”"),
        "{got:#?}"
    );
    assert_eq!(got[1].0, "II > 2 > ¶1", "{got:#?}");
    assert_eq!(got[1].1, MEANS_V2);
    for c in &list {
        assert_eq!(c["comment"]["body"], XA);
        assert_eq!(c["comment"]["version"], 1);
    }
    // Again: nothing new.
    let again = ws.ok(&[
        "comment",
        "import",
        SLUG,
        arg(&file),
        "--by",
        XA,
        "--version",
        "v1",
    ]);
    assert!(again.contains("Nothing new"), "{again}");
    assert_eq!(commits(&ws), before + 1);
}

/// 3b. A document duthao did not write, its paragraphs copied from the
///     draft: matched by text; a paragraph that is in no block keeps its
///     comment as a general one, quoting it.
fn text_matching() {
    let ws = workspace(true);
    let script = r#"
import sys, docx
out, first, means_a, means_b, means_c, stray = sys.argv[1:7]
doc = docx.Document()
doc.add_paragraph("NGHỊ QUYẾT")
p = doc.add_paragraph(first)
doc.add_comment(p.runs, text="Đề nghị nêu số liệu.", author="Phạm Văn Đọc", initials="PD")
p = doc.add_paragraph(means_a)
r = p.add_run(means_b)
p.add_run(means_c)
doc.add_comment(r, text="Chuyên đề nào?", author="Phạm Văn Đọc", initials="PD")
p = doc.add_paragraph(stray)
doc.add_comment(p.runs, text="Đoạn này lấy ở đâu?", author="Phạm Văn Đọc", initials="PD")
doc.save(out)
"#;
    let file = outbox(&ws).join("tu-soan.docx");
    let stray = "Một đoạn văn không có trong dự thảo này, do người góp ý tự thêm vào.";
    python(
        script,
        &[
            arg(&file),
            FIRST,
            "Nâng cao chất lượng sinh hoạt chi bộ, nhất là ",
            "sinh hoạt chuyên đề",
            " ở tất cả các chi bộ.",
            stray,
        ],
    );
    let before = commits(&ws);
    let r = import(&ws, &file, XA, &[]);
    assert_eq!(r["matched_by"], "text", "{r:#}");
    assert_eq!(r["version"], 2, "{r:#}");
    assert_eq!(r["comments"], 3, "{r:#}");
    assert_eq!(r["unplaced"], 1, "{r:#}");
    assert_eq!(commits(&ws), before + 1);
    let list = listed(&ws, "v2");
    assert_eq!(list.len(), 3, "{list:#?}");
    let first = find(&list, "Đề nghị nêu số liệu.");
    assert_eq!(path_of(first), "I > ¶1", "{first:#}");
    assert_eq!(first["comment"]["author"]["name"], "Phạm Văn Đọc");
    let means = find(&list, "Chuyên đề nào?");
    assert_eq!(path_of(means), "II > 2 > ¶1", "{means:#}");
    assert_eq!(quote_of(means).as_deref(), Some("sinh hoạt chuyên đề"));
    let general = format!("[Về đoạn: “{stray}”] Đoạn này lấy ở đâu?");
    let stray_c = find(&list, &general);
    assert!(stray_c["comment"]["anchor"].is_null(), "{stray_c:#}");
    assert_eq!(path_of(stray_c), "", "{stray_c:#}");
}

/// 4. Files that are not what `comment import` reads: a clear message, exit
///    1, and nothing written.
fn bad_input() {
    let ws = workspace(true);
    two_open_comments(&ws);
    let dir = outbox(&ws);
    // Random bytes (a fixed xorshift).
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    std::fs::write(dir.join("hong.docx"), &noise).expect("write");
    // A zip without a Word document in it.
    {
        use std::io::Write;
        let f = std::fs::File::create(dir.join("nen.docx")).expect("create");
        let mut z = zip::ZipWriter::new(f);
        z.start_file("ghi-chu.txt", zip::write::SimpleFileOptions::default())
            .expect("entry");
        z.write_all(b"not a document").expect("write");
        z.finish().expect("zip");
    }
    // A DOCX of the draft, with no comments and no tracked changes.
    let plain = dir.join("sach.docx");
    ws.ok(&["export", SLUG, "-o", arg(&plain)]);
    // A good file, for the unknown body.
    let good = export_for_comment(&ws, "tot.docx");

    let state = |ws: &Ws| (ws.snapshot(), ws.porcelain(), review_files(ws), commits(ws));
    let before = state(&ws);
    let cases: [(&str, PathBuf, &str, &[&str]); 5] = [
        (
            "random bytes",
            dir.join("hong.docx"),
            XA,
            &["hong.docx", "not a DOCX file"],
        ),
        (
            "a zip that is no DOCX",
            dir.join("nen.docx"),
            XA,
            &["nen.docx", "no word/document.xml"],
        ),
        (
            "a DOCX with nothing to import",
            plain.clone(),
            XA,
            &["sach.docx", "no comments and no tracked changes"],
        ),
        (
            "an unknown body",
            good.clone(),
            "Cơ quan không có",
            &["Cơ quan không có"],
        ),
        (
            "a missing file",
            dir.join("khong-co.docx"),
            XA,
            &["khong-co.docx"],
        ),
    ];
    for (what, file, body, says) in cases {
        let err = ws.fails(&["comment", "import", SLUG, arg(&file), "--by", body]);
        for s in says {
            assert!(err.contains(s), "{what}: {s:?} not in {err}");
        }
        assert!(!err.contains("panicked"), "{what}: {err}");
        assert_eq!(state(&ws), before, "{what}: something was written");
    }
    // The unknown body's message names the bodies there are.
    let err = ws.fails(&[
        "comment",
        "import",
        SLUG,
        arg(&good),
        "--by",
        "Cơ quan không có",
    ]);
    assert!(err.contains(XA), "{err}");
}

/// A workspace with comments on v1 (one answered, two not) and one on v2.
fn commented() -> Ws {
    let ws = workspace(true);
    let add = |by: &str, version: &str, at: &str, text: &str| {
        ws.json(&[
            "comment",
            "add",
            SLUG,
            "--by",
            by,
            "--version",
            version,
            "--at",
            at,
            text,
        ])["events"][0]["id"]
            .as_str()
            .expect("id")
            .to_string()
    };
    let a = add(XA, "v1", "II > 1 > ¶1", "Chỉ tiêu 95% là cao.");
    add(CHI_BO, "v1", "I > ¶2", "Cần số liệu năm 2024 để so sánh.");
    add(BAN, "v1", "III > ¶1", "Bổ sung chế độ báo cáo.");
    add(BAN, "v2", "II > 2 > ¶1", "Góp ý trên dự thảo lần 2.");
    ws.ok(&[
        "comment",
        "respond",
        &a,
        "--explain",
        "Giữ nguyên theo chỉ tiêu của Trung ương.",
    ]);
    ws
}

const UNANSWERED: &str = "CHƯA TRẢ LỜI";

/// The rows of the last Markdown table.
fn markdown_rows(md: &str) -> Vec<String> {
    let mut tables: Vec<Vec<String>> = Vec::new();
    let mut inside = false;
    for line in md.lines() {
        if line.starts_with('|') {
            if !inside {
                tables.push(Vec::new());
                inside = true;
            }
            tables.last_mut().expect("table").push(line.to_string());
        } else {
            inside = false;
        }
    }
    let t = tables.pop().expect("a table");
    // The heading row and the rule under it.
    t.into_iter().skip(2).collect()
}

/// 5a. `report --version v1` as Markdown on stdout.
fn report_markdown() {
    let ws = commented();
    let md = ws.ok(&["report", SLUG, "--version", "v1"]);
    let rows = markdown_rows(&md);
    assert_eq!(rows.len(), 3, "{md}");
    assert!(md.contains("Dự thảo lần 1"), "{md}");
    assert!(!md.contains("Góp ý trên dự thảo lần 2"), "{md}");
    assert_eq!(
        rows.iter().filter(|r| r.contains(UNANSWERED)).count(),
        2,
        "{md}"
    );
}

/// 5b. `report -o x.html`, opened in headless Chromium.
fn report_html() {
    let ws = commented();
    let html = outbox(&ws).join("tong-hop.html");
    let said = ws.ok(&["report", SLUG, "--version", "v1", "-o", arg(&html)]);
    assert!(
        said.contains("3 comment(s), 2 without a response"),
        "{said}"
    );
    chromium_opens(&html, &ws.sandbox.path().join("chromium"), 3);
}

fn chromium_opens(html: &Path, work: &Path, rows: usize) {
    let dom = outside::chromium_dom(html, work);
    assert_eq!(dom.matches("<tr id=").count(), rows, "{dom}");
    assert_eq!(
        dom.matches(&format!("<span class=\"unanswered\">{UNANSWERED}</span>"))
            .count(),
        2,
        "{dom}"
    );
}

/// 5c. `report -o x.docx`: python-docx, LibreOffice (landscape PDF),
///     pandoc and the OOXML check.
fn report_docx() {
    let ws = commented();
    let docx = outbox(&ws).join("tong-hop.docx");
    ws.ok(&["report", SLUG, "--version", "v1", "-o", arg(&docx)]);
    outside::check_docx_files(std::slice::from_ref(&docx));
    let script = r#"
import json, sys, docx
d = docx.Document(sys.argv[1])
t = [t for t in d.tables if len(t.columns) == 5][0]
print(json.dumps([[c.text for c in r.cells] for r in t.rows], ensure_ascii=False))
"#;
    let rows: Vec<Vec<String>> =
        serde_json::from_str(python(script, &[arg(&docx)]).trim()).expect("json");
    assert_eq!(rows.len(), 4, "heading and 3 comments: {rows:#?}");
    assert_eq!(rows[0][0], "STT", "{rows:#?}");
    let unanswered = rows
        .iter()
        .filter(|r| r.iter().any(|c| c.contains(UNANSWERED)))
        .count();
    assert_eq!(unanswered, 2, "{rows:#?}");
    assert!(
        rows.iter()
            .any(|r| r.iter().any(|c| c.contains("Giữ nguyên theo chỉ tiêu"))),
        "{rows:#?}"
    );

    let pdf_dir = outbox(&ws).join("pdf");
    run(Command::new(SOFFICE.path())
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(&pdf_dir)
        .arg(&docx)
        .env("HOME", ws.sandbox.path().join("home")));
    let info = run(Command::new(PDFINFO.path())
        .args(["-f", "1", "-l", "999"])
        .arg(pdf_dir.join("tong-hop.pdf")));
    let sizes: Vec<(f64, f64)> = info
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .filter_map(|l| {
            let mut it = l.split("size:").nth(1)?.split_whitespace();
            let w: f64 = it.next()?.parse().ok()?;
            it.next();
            Some((w, it.next()?.parse().ok()?))
        })
        .collect();
    assert!(!sizes.is_empty(), "{info}");
    for (w, h) in sizes {
        assert!(
            (w - 841.9).abs() < 2.0 && (h - 595.3).abs() < 2.0,
            "a page is {w} × {h} pt, not A4 landscape"
        );
    }

    let text = run(Command::new(PANDOC.path())
        .args(["-f", "docx", "-t", "plain", "--wrap=none"])
        .arg(&docx));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Cần số liệu năm 2024 để so sánh."), "{flat}");
    assert!(flat.contains(UNANSWERED), "{flat}");
    assert!(!flat.contains("Góp ý trên dự thảo lần 2"), "{flat}");
}

/// 5d. A draft with no version has no synthesis.
fn report_without_version() {
    let ws = Ws::new("party");
    ws.write_draft("chua-gui", V1);
    ws.ok(&["commit", "chua-gui", "-m", "Bản đầu"]);
    let before = ws.snapshot();
    let err = ws.fails(&["report", "chua-gui"]);
    assert!(err.contains("chua-gui"), "{err}");
    assert!(err.contains("version"), "{err}");
    let err = ws.fails(&["report", "chua-gui", "-o", "x.docx"]);
    assert!(err.contains("version"), "{err}");
    assert!(!ws.root.join("x.docx").exists());
    assert_eq!(ws.snapshot(), before);
}

/// 6. `diff --comments`: under the block in the terminal, a note box in
///    HTML; refused with JSON.
fn diff_comments() {
    let ws = commented();
    let out = ws.ok(&["--color", "never", "diff", SLUG, "v1", "v2", "--comments"]);
    let at = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s:?} not in {out}"));
    // The comment on I's second paragraph (edited in v2) is under its
    // block, before the next one.
    let block = at("@ I > ¶2");
    let note = at("Cần số liệu năm 2024 để so sánh.");
    assert!(block < at("2.200") && at("2.200") < note, "{out}");
    assert!(note < at("@ II > 2 > ¶1"), "{out}");
    let line = out[..note].rsplit('\n').next().unwrap_or("");
    assert!(line.contains('✎') && line.contains(CHI_BO), "{line}");
    assert!(!out.contains("Góp ý trên dự thảo lần 2"), "{out}");
    assert!(!out.contains('\u{1b}'), "--color never: {out:?}");

    let html = ws.ok(&["diff", SLUG, "v1", "v2", "--format", "html", "--comments"]);
    assert!(html.contains("<aside class=\"notes\">"), "{html}");
    assert!(html.contains("class=\"note"), "{html}");
    assert!(html.contains("Cần số liệu năm 2024 để so sánh."));
    let plain = ws.ok(&["diff", SLUG, "v1", "v2", "--format", "html"]);
    assert!(!plain.contains("<aside class=\"notes\">"));

    let err = ws.fails(&["diff", SLUG, "v1", "v2", "--comments", "--format", "json"]);
    assert!(err.contains("--comments"), "{err}");
    assert!(err.contains("terminal") && err.contains("html"), "{err}");
}

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    let trials = vec![
        trial(
            "python-docx: export for comment, a reviewer's comment and replies imported once",
            &[LXML, PYTHON_DOCX],
            python_docx_review,
        ),
        trial(
            "libreoffice: a saved export still maps by markers, exported comments known",
            &[PYTHON_DOCX, SOFFICE],
            libreoffice_round_trip,
        ),
        Trial::test("tracked changes become one proposal per paragraph", || {
            tracked_changes();
            Ok(())
        }),
        trial(
            "a document duthao did not write is matched by text",
            &[PYTHON_DOCX],
            text_matching,
        ),
        Trial::test("bad files are refused and nothing is written", || {
            bad_input();
            Ok(())
        }),
        Trial::test(
            "report as markdown: a row per comment on the version",
            || {
                report_markdown();
                Ok(())
            },
        ),
        trial(
            "report as html opens in chromium without a console message",
            &[CHROMIUM],
            report_html,
        ),
        trial(
            "report as docx: python-docx, landscape pdf, pandoc, ooxml",
            &[LXML, PYTHON_DOCX, SOFFICE, PDFINFO, PANDOC],
            report_docx,
        ),
        Trial::test("report of a draft with no version is an error", || {
            report_without_version();
            Ok(())
        }),
        Trial::test(
            "diff --comments in the terminal and html, refused in json",
            || {
                diff_comments();
                Ok(())
            },
        ),
    ];
    libtest_mimic::run(&args, trials).exit();
}
