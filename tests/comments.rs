//! `duthao comment …` run as a drafter would, in real git repositories:
//! what bad input is told (and that nothing is written), what each command
//! commits, how comments follow the text to later versions, hand-broken
//! event files, concurrent writers, and two clones merged with plain git.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;

use common::{Sandbox, Ws, draft_text};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

const SLUG: &str = "thu";
const XA: &str = "Đảng ủy xã Phú Lương";
const CHI_BO: &str = "Chi bộ Văn phòng Tỉnh ủy";
const BTC: &str = "Ban Tổ chức Tỉnh ủy";

/// The body of v1: two sections of numbered items.
const V1: &str = "I. MỤC TIÊU\n\n\
1. Nâng cao chất lượng sinh hoạt chi bộ, bảo đảm nền nếp và hiệu quả.\n\n\
2. Đổi mới phương thức lãnh đạo của chi bộ đối với cơ quan.\n\n\
3. Giữ vững kỷ luật, kỷ cương trong toàn đảng bộ.\n\n\
II. NHIỆM VỤ\n\n\
1. Tổ chức sinh hoạt định kỳ hằng tháng đúng quy định của Điều lệ Đảng.\n\n\
2. Kiểm tra, giám sát việc thực hiện nghị quyết năm 2026 của chi bộ.";

/// v2: I > 1 unchanged, I > 2 edited where it stands, I > 3 deleted,
/// II > 1 moved to the end of section I (and renumbered), II > 2 unchanged.
const V2: &str = "I. MỤC TIÊU\n\n\
1. Nâng cao chất lượng sinh hoạt chi bộ, bảo đảm nền nếp và hiệu quả.\n\n\
2. Đổi mới mạnh mẽ phương thức lãnh đạo của chi bộ đối với cơ quan và đoàn thể.\n\n\
3. Tổ chức sinh hoạt định kỳ hằng tháng đúng quy định của Điều lệ Đảng.\n\n\
II. NHIỆM VỤ\n\n\
1. Kiểm tra, giám sát việc thực hiện nghị quyết năm 2026 của chi bộ.";

/// A workspace with draft `thu` committed and sent out as v1.
fn reviewed() -> Ws {
    let ws = Ws::new("party");
    ws.write_draft(SLUG, draft_text("nghi-quyet", "về sinh hoạt chi bộ", V1));
    ws.ok(&["commit", SLUG, "-m", "Bản đầu"]);
    ws.ok(&["submit", SLUG, "-m", "Gửi xin ý kiến"]);
    ws
}

/// Every file under `reviews/`, relative to it, sorted.
fn review_files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, base, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    let base = root.join("reviews");
    walk(&base, &base, &mut out);
    out.sort();
    out
}

/// Refs, HEAD, index, the files under reviews/ and `git status`: what a
/// refused command must leave as it was.
fn state(ws: &Ws) -> String {
    format!(
        "{}\nreviews: {:?}\nstatus:\n{}",
        ws.snapshot(),
        review_files(&ws.root),
        ws.porcelain()
    )
}

/// Runs a command that must be refused (exit 1) and write nothing;
/// returns its stderr.
fn refused(ws: &Ws, args: &[&str]) -> String {
    let before = state(ws);
    let err = ws.fails(args);
    assert_eq!(state(ws), before, "duthao {args:?} wrote something: {err}");
    err
}

/// `comment add … --json`: the new comment's id.
fn add(ws: &Ws, args: &[&str]) -> String {
    let mut all = vec!["comment", "add", SLUG];
    all.extend_from_slice(args);
    let r = ws.json(&all);
    r["events"][0]["id"].as_str().expect("id").to_string()
}

fn commit_count(ws: &Ws) -> usize {
    ws.git(&["rev-list", "--count", "HEAD"])
        .trim()
        .parse()
        .unwrap()
}

/// Runs a recording command with `--json` and checks it made exactly one
/// commit on top of HEAD, touching only the event file it reports, with
/// its summary as the commit's subject. Returns its output.
fn records_one(ws: &Ws, args: &[&str], kind: &str, subject_has: &[&str]) -> Value {
    let before = commit_count(ws);
    let head = ws.git(&["rev-parse", "HEAD"]);
    let r = ws.json(args);
    assert_eq!(commit_count(ws), before + 1, "{args:?}: {r}");
    assert_eq!(
        ws.git(&["rev-parse", "HEAD^"]),
        head,
        "{args:?}: not on top of HEAD"
    );
    let events = r["events"].as_array().expect("events");
    assert_eq!(events.len(), 1, "{r}");
    let e = &events[0];
    assert_eq!(e["kind"], kind, "{r}");
    let id = e["id"].as_str().expect("id");
    assert_eq!(e["short"], &id[10..18], "{r}");
    let file = format!("reviews/{SLUG}/{id}.yaml");
    assert_eq!(e["file"], file.as_str(), "{r}");
    assert_eq!(
        ws.git(&["show", "--name-only", "--format=", "HEAD"]).trim(),
        file,
        "{args:?} committed other files"
    );
    assert_eq!(ws.git(&["rev-parse", "HEAD"]).trim(), r["commit"]);
    let subject = ws.git(&["log", "-1", "--format=%s"]);
    assert_eq!(subject.trim(), r["summary"], "{r}");
    for s in subject_has {
        assert!(subject.contains(s), "commit subject lacks {s:?}: {subject}");
    }
    let body = ws.git(&["log", "-1", "--format=%b"]);
    assert!(
        body.contains(&format!("Duthao-Event: {kind} {id}")),
        "{body}"
    );
    assert!(body.contains(&format!("Duthao-Draft: {SLUG}")), "{body}");
    assert_eq!(ws.porcelain(), "", "{args:?} left changes");
    r
}

fn event_yaml(ws: &Ws, id: &str) -> serde_yaml_ng::Value {
    let path = ws
        .root
        .join("reviews")
        .join(SLUG)
        .join(format!("{id}.yaml"));
    let text = std::fs::read_to_string(&path).expect("event file");
    assert!(
        text.starts_with("# duthao review event"),
        "no header line: {text}"
    );
    assert!(
        unicode_normalization::is_nfc(&text),
        "{} is not NFC",
        path.display()
    );
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}\n{text}", path.display()))
}

// ---------------------------------------------------------------- bad input

#[test]
fn an_unknown_level_lists_the_known_levels_and_writes_nothing() {
    let ws = reviewed();
    let err = refused(
        &ws,
        &[
            "comment",
            "add",
            SLUG,
            "Ý kiến",
            "--by",
            XA,
            "--level",
            "tinh",
        ],
    );
    assert!(err.contains("unknown level `tinh`"), "{err}");
    for known in ["co-so", "ban-to-chuc", "van-phong", "ban-thuong-vu"] {
        assert!(err.contains(known), "{known} missing: {err}");
    }
    let err = refused(&ws, &["comment", "list", SLUG, "--level", "tinh"]);
    assert!(
        err.contains("unknown level `tinh`") && err.contains("co-so"),
        "{err}"
    );
}

#[test]
fn an_unknown_body_lists_the_known_bodies_and_writes_nothing() {
    let ws = reviewed();
    for args in [
        &[
            "comment",
            "add",
            SLUG,
            "Ý kiến",
            "--by",
            "Đảng ủy xã Yên Ninh",
        ][..],
        &["comment", "agree", SLUG, "--by", "Đảng ủy xã Yên Ninh"][..],
    ] {
        let err = refused(&ws, args);
        assert!(
            err.contains("unknown body \"Đảng ủy xã Yên Ninh\""),
            "{err}"
        );
        for known in [XA, CHI_BO, BTC] {
            assert!(err.contains(known), "{known} missing: {err}");
        }
    }
}

#[test]
fn a_body_with_another_level_than_its_own_is_refused() {
    let ws = reviewed();
    let err = refused(
        &ws,
        &[
            "comment",
            "add",
            SLUG,
            "Ý kiến",
            "--by",
            XA,
            "--level",
            "ban-to-chuc",
        ],
    );
    assert!(
        err.contains(XA) && err.contains("`co-so`") && err.contains("not `ban-to-chuc`"),
        "{err}"
    );
    // Its own level is accepted, and so is a body named in another case.
    let lower = XA.to_lowercase();
    add(&ws, &["Ý kiến", "--by", &lower, "--level", "co-so"]);
}

#[test]
fn a_path_not_found_lists_the_nearest_paths() {
    let ws = reviewed();
    let err = refused(
        &ws,
        &[
            "comment",
            "add",
            SLUG,
            "Ý kiến",
            "--by",
            XA,
            "--at",
            "II > 3",
        ],
    );
    assert!(err.contains("no block at \"II > 3\" in v1"), "{err}");
    assert!(err.contains("nearest paths"), "{err}");
    // The section's own items come first.
    let listed: Vec<&str> = err
        .lines()
        .skip_while(|l| !l.contains("nearest paths"))
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("hint"))
        .collect();
    assert!(
        listed.len() >= 2 && listed[..2].iter().all(|l| l.starts_with("II")),
        "{err}"
    );
}

#[test]
fn a_quote_absent_or_ambiguous_is_refused() {
    let ws = reviewed();
    let err = refused(
        &ws,
        &[
            "comment",
            "add",
            SLUG,
            "Ý kiến",
            "--by",
            XA,
            "--quote",
            "sinh hoạt chuyên đề mỗi quý",
        ],
    );
    assert!(
        err.contains("\"sinh hoạt chuyên đề mỗi quý\" does not occur in v1"),
        "{err}"
    );
    assert!(err.contains("closest passages"), "{err}");
    // "chi bộ" occurs in several blocks.
    let err = refused(
        &ws,
        &[
            "comment",
            "add",
            SLUG,
            "Ý kiến",
            "--by",
            XA,
            "--quote",
            "chi bộ",
        ],
    );
    assert!(err.contains("\"chi bộ\" occurs"), "{err}");
    assert!(err.contains("quote more words or add --at"), "{err}");
    assert!(
        err.contains("[chi bộ]"),
        "occurrences are shown in context: {err}"
    );
    // Not in the block --at names, though it is elsewhere.
    let err = refused(
        &ws,
        &[
            "comment",
            "add",
            SLUG,
            "Ý kiến",
            "--by",
            XA,
            "--at",
            "I > 1",
            "--quote",
            "kỷ cương",
        ],
    );
    assert!(err.contains("does not occur in v1 at I > 1"), "{err}");
}

#[test]
fn an_unknown_comment_id_is_refused_by_every_command_that_takes_one() {
    let ws = reviewed();
    add(&ws, &["Ý kiến", "--by", XA]);
    for args in [
        &["comment", "show", "zzzzzzzz"][..],
        &["comment", "reply", "zzzzzzzz", "Trả lời"][..],
        &["comment", "respond", "zzzzzzzz", "--accept"][..],
        &["comment", "respond", "zzzzzzzz", "--explain", "Vì"][..],
        &["comment", "withdraw", "zzzzzzzz"][..],
    ] {
        let err = refused(&ws, args);
        assert!(
            err.contains("comment zzzzzzzz: no review event has that id"),
            "{args:?}: {err}"
        );
    }
    // Fewer than 4 characters name nothing.
    let err = refused(&ws, &["comment", "show", "0"]);
    assert!(err.contains("comment 0:"), "{err}");
}

#[test]
fn a_second_answer_needs_replace_and_keeps_the_first_in_history() {
    let ws = reviewed();
    let id = add(&ws, &["Đề nghị lùi mốc", "--by", XA, "--at", "II > 2"]);
    let first = records_one(
        &ws,
        &["comment", "respond", &id[10..18], "--accept", "Đã sửa"],
        "response",
        &["Tiếp thu comment", &id[10..18]],
    );
    let err = refused(&ws, &["comment", "respond", &id, "--explain", "Giữ nguyên"]);
    assert!(err.contains("is already answered (tiếp thu"), "{err}");
    let second = records_one(
        &ws,
        &[
            "comment",
            "respond",
            &id,
            "--explain",
            "Giữ nguyên",
            "--replace",
        ],
        "response",
        &["Giải trình comment"],
    );
    let shown = ws.json(&["comment", "show", &id]);
    let responses = shown["responses"].as_array().expect("responses");
    assert_eq!(responses.len(), 2, "{shown}");
    assert_eq!(responses[0]["id"], first["events"][0]["id"]);
    assert_eq!(responses[0]["decision"], "accept");
    assert_eq!(responses[0]["text"], "Đã sửa");
    assert!(responses[0].get("supersedes").is_none(), "{shown}");
    assert_eq!(responses[1]["id"], second["events"][0]["id"]);
    assert_eq!(responses[1]["decision"], "explain");
    assert_eq!(responses[1]["supersedes"], first["events"][0]["id"]);
    assert_eq!(shown["state"]["answered"], "explain", "{shown}");
    assert_eq!(shown["conflicting"], 0, "a replacement is no conflict");
    let text = ws.ok(&["comment", "show", &id]);
    assert!(text.contains("earlier answer: Tiếp thu"), "{text}");
    assert!(text.contains("(superseded)"), "{text}");
    assert!(text.contains("answer: Giải trình"), "{text}");
}

#[test]
fn a_partial_or_explained_answer_without_a_reason_is_refused() {
    let ws = reviewed();
    let id = add(&ws, &["Ý kiến", "--by", XA]);
    let err = refused(&ws, &["comment", "respond", &id, "--explain", "  "]);
    assert!(err.contains("explanation"), "{err}");
}

#[test]
fn a_version_that_does_not_exist_is_refused() {
    let ws = reviewed();
    let err = refused(
        &ws,
        &[
            "comment",
            "add",
            SLUG,
            "Ý kiến",
            "--by",
            XA,
            "--version",
            "v9",
        ],
    );
    assert!(
        err.contains("thu has no v9; its latest version is v1"),
        "{err}"
    );
    let err = refused(
        &ws,
        &["comment", "agree", SLUG, "--by", XA, "--version", "v9"],
    );
    assert!(err.contains("no v9"), "{err}");
    let err = refused(&ws, &["comment", "list", SLUG, "--version", "v9"]);
    assert!(err.contains("no v9"), "{err}");
    let err = refused(
        &ws,
        &[
            "comment",
            "add",
            SLUG,
            "Ý kiến",
            "--by",
            XA,
            "--version",
            "HEAD",
        ],
    );
    assert!(err.contains("a version is written vN"), "{err}");
}

#[test]
fn a_draft_with_no_version_yet_takes_no_comments() {
    let ws = Ws::new("party");
    ws.write_draft(SLUG, draft_text("nghi-quyet", "về thử", V1));
    ws.ok(&["commit", SLUG, "-m", "Bản đầu"]);
    let err = refused(&ws, &["comment", "add", SLUG, "Ý kiến", "--by", XA]);
    assert!(err.contains("thu has no version yet"), "{err}");
    let err = refused(&ws, &["comment", "agree", SLUG, "--by", XA]);
    assert!(err.contains("thu has no version yet"), "{err}");
    let err = refused(&ws, &["comment", "add", "khong-co", "Ý kiến", "--by", XA]);
    assert!(err.contains("khong-co"), "{err}");
}

// ------------------------------------------------------------- round trip

#[test]
fn add_list_show_reply_respond_agree_withdraw_each_commit_one_event() {
    let ws = reviewed();
    let added = records_one(
        &ws,
        &[
            "comment",
            "add",
            SLUG,
            "Đề nghị lùi mốc thời gian",
            "--by",
            XA,
            "--at",
            "II > 2",
            "--quote",
            "năm 2026",
            "--propose",
            "năm 2030",
            "--letter",
            "Số 12-CV/ĐU, ngày 20/11/2026",
        ],
        "comment",
        &["Comment on thu v1 by Đảng ủy xã Phú Lương at II > 2"],
    );
    let id = added["events"][0]["id"].as_str().unwrap().to_string();
    let short = &id[10..18];
    assert!(added["summary"].as_str().unwrap().contains(short));
    let general = records_one(
        &ws,
        &["comment", "add", SLUG, "Nhất trí về cơ bản", "--by", BTC],
        "comment",
        &["by Ban Tổ chức Tỉnh ủy at the draft as a whole"],
    );
    let general_id = general["events"][0]["id"].as_str().unwrap().to_string();

    let c = event_yaml(&ws, &id);
    assert_eq!(c["event"].as_str(), Some("comment"));
    assert_eq!(c["id"].as_str(), Some(id.as_str()));
    assert_eq!(c["draft"].as_str(), Some(SLUG));
    assert_eq!(c["version"].as_u64(), Some(1));
    assert_eq!(c["level"].as_str(), Some("co-so"));
    assert_eq!(c["body"].as_str(), Some(XA));
    assert_eq!(c["author"]["name"].as_str(), Some(common::AUTHOR_NAME));
    assert_eq!(c["author"]["email"].as_str(), Some(common::AUTHOR_EMAIL));
    assert_eq!(c["anchor"]["path"].as_str(), Some("II > 2"));
    assert_eq!(c["anchor"]["quote"]["text"].as_str(), Some("năm 2026"));
    assert_eq!(c["proposal"].as_str(), Some("năm 2030"));
    assert_eq!(c["source"]["via"].as_str(), Some("letter"));
    assert_eq!(
        c["source"]["letter"].as_str(),
        Some("Số 12-CV/ĐU, ngày 20/11/2026")
    );
    let time = c["time"].as_str().expect("time");
    assert!(
        time::OffsetDateTime::parse(time, &time::format_description::well_known::Rfc3339).is_ok(),
        "{time}"
    );

    let list = ws.json(&["comment", "list", SLUG]);
    assert_eq!(list["slug"], SLUG);
    assert_eq!(list["version"], 1);
    let comments = list["comments"].as_array().expect("comments");
    assert_eq!(comments.len(), 2, "{list}");
    // The general comment first, then in document order.
    assert_eq!(comments[0]["comment"]["id"], general_id.as_str());
    assert_eq!(comments[0]["placement"]["placement"], "general");
    assert_eq!(comments[1]["comment"]["id"], id.as_str());
    assert_eq!(comments[1]["placement"]["placement"], "same");
    assert_eq!(comments[1]["placement"]["path"], "II > 2");
    assert_eq!(comments[1]["state"], "open");
    let text = ws.ok(&["comment", "list", SLUG]);
    assert!(text.contains("2 comment(s), shown as of v1"), "{text}");
    assert!(
        text.contains(short) && text.contains("chưa trả lời"),
        "{text}"
    );
    assert!(
        text.contains("“năm 2026”") && text.contains("“năm 2030”"),
        "{text}"
    );
    let by_body = ws.json(&["comment", "list", SLUG, "--by", BTC]);
    assert_eq!(by_body["comments"].as_array().unwrap().len(), 1);
    let by_level = ws.json(&["comment", "list", SLUG, "--level", "co-so"]);
    assert_eq!(by_level["comments"][0]["comment"]["id"], id.as_str());

    let reply = records_one(
        &ws,
        &["comment", "reply", short, "Đề nghị làm rõ lý do"],
        "reply",
        &[
            "Reply to comment",
            short,
            "of Đảng ủy xã Phú Lương on thu v1",
        ],
    );
    let reply_id = reply["events"][0]["id"].as_str().unwrap().to_string();
    let r = event_yaml(&ws, &reply_id);
    assert_eq!(r["event"].as_str(), Some("reply"));
    assert_eq!(r["comment"].as_str(), Some(id.as_str()));

    let resp = records_one(
        &ws,
        &["comment", "respond", short, "--partial", "Lùi đến năm 2028"],
        "response",
        &["Tiếp thu một phần comment", short, "on thu v1"],
    );
    let resp_id = resp["events"][0]["id"].as_str().unwrap().to_string();
    let r = event_yaml(&ws, &resp_id);
    assert_eq!(r["event"].as_str(), Some("response"));
    assert_eq!(r["decision"].as_str(), Some("partial"));

    records_one(
        &ws,
        &[
            "comment",
            "agree",
            SLUG,
            "--by",
            CHI_BO,
            "--letter",
            "Số 7-CV/ĐU",
        ],
        "agreement",
        &["Chi bộ Văn phòng Tỉnh ủy agrees with thu v1"],
    );
    let err = refused(&ws, &["comment", "agree", SLUG, "--by", CHI_BO]);
    assert!(err.contains("has already agreed with thu v1"), "{err}");

    let wd = records_one(
        &ws,
        &[
            "comment",
            "withdraw",
            &general_id,
            "--reason",
            "Đã trao đổi trực tiếp",
        ],
        "withdrawal",
        &["Withdraw comment", &general_id[10..18]],
    );
    let w = event_yaml(&ws, wd["events"][0]["id"].as_str().unwrap());
    assert_eq!(w["event"].as_str(), Some("withdrawal"));
    assert_eq!(w["reason"].as_str(), Some("Đã trao đổi trực tiếp"));
    let err = refused(&ws, &["comment", "respond", &general_id, "--accept"]);
    assert!(err.contains("was withdrawn"), "{err}");
    let err = refused(&ws, &["comment", "withdraw", &general_id]);
    assert!(err.contains("was withdrawn"), "{err}");

    let shown = ws.json(&["comment", "show", short]);
    assert_eq!(shown["slug"], SLUG);
    assert_eq!(shown["comment"]["id"], id.as_str());
    assert_eq!(shown["replies"][0]["id"], reply_id.as_str());
    assert_eq!(shown["replies"][0]["text"], "Đề nghị làm rõ lý do");
    assert_eq!(shown["responses"][0]["id"], resp_id.as_str());
    assert_eq!(shown["state"]["answered"], "partial", "{shown}");
    assert_eq!(shown["conflicting"], 0);
    let text = ws.ok(&["comment", "show", &id]);
    assert!(text.contains("answer: Tiếp thu một phần"), "{text}");
    assert!(text.contains("source:  Số 12-CV/ĐU"), "{text}");
    let withdrawn = ws.json(&["comment", "show", &general_id]);
    assert_eq!(withdrawn["state"], "withdrawn", "{withdrawn}");
    assert!(withdrawn["withdrawal"].is_object());

    let list = ws.json(&["comment", "list", SLUG]);
    assert_eq!(list["agreements"][0]["body"], CHI_BO);
    assert_eq!(list["agreements"][0]["source"]["letter"], "Số 7-CV/ĐU");
    assert_eq!(
        ws.json(&["comment", "list", SLUG, "--open"])["comments"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // Every event file is committed, and nothing else was touched.
    assert_eq!(review_files(&ws.root).len(), 6);
    assert_eq!(
        ws.git(&["ls-files", "reviews"]).lines().count(),
        6,
        "every event is committed"
    );
    assert_eq!(ws.porcelain(), "");
}

#[test]
fn event_files_are_nfc_whatever_the_input() {
    let ws = reviewed();
    let nfd = |s: &str| s.nfd().collect::<String>();
    let text = "Đề nghị bổ sung cụm từ “đổi mới”";
    assert_ne!(nfd(text), text, "the test needs decomposable input");
    let id = add(
        &ws,
        &[
            &nfd(text),
            "--by",
            &nfd(XA),
            "--at",
            &nfd("II > 2"),
            "--quote",
            &nfd("giám sát việc thực hiện"),
            "--propose",
            &nfd("kiểm tra, giám sát"),
        ],
    );
    let file = ws
        .root
        .join("reviews")
        .join(SLUG)
        .join(format!("{id}.yaml"));
    let raw = std::fs::read_to_string(&file).unwrap();
    assert!(unicode_normalization::is_nfc(&raw), "{raw}");
    let c = event_yaml(&ws, &id);
    assert_eq!(c["text"].as_str(), Some(text));
    assert_eq!(c["body"].as_str(), Some(XA));
    assert_eq!(
        c["anchor"]["quote"]["text"].as_str(),
        Some("giám sát việc thực hiện")
    );
    assert_eq!(c["proposal"].as_str(), Some("kiểm tra, giám sát"));
    // The quote's offsets are byte offsets of the NFC text of its block.
    let start = c["anchor"]["quote"]["start"].as_u64().unwrap() as usize;
    let end = c["anchor"]["quote"]["end"].as_u64().unwrap() as usize;
    assert_eq!(end - start, "giám sát việc thực hiện".len());
    let r = ws.json(&["comment", "reply", &id, &nfd("Cảm ơn đồng chí")]);
    let reply = event_yaml(&ws, r["events"][0]["id"].as_str().unwrap());
    assert_eq!(reply["text"].as_str(), Some("Cảm ơn đồng chí"));
}

// -------------------------------------------------- placements in versions

/// Placement word and path of each comment in a `comment list --json`.
fn placements(list: &Value) -> Vec<(String, String, String)> {
    list["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .map(|c| {
            (
                c["comment"]["id"].as_str().unwrap().to_string(),
                c["placement"]["placement"].as_str().unwrap().to_string(),
                c["placement"]["path"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn comments_follow_their_blocks_to_later_versions_and_none_is_dropped() {
    let ws = reviewed();
    let same = add(&ws, &["Giữ nguyên", "--by", XA, "--at", "I > 1"]);
    let edited = add(
        &ws,
        &[
            "Cần cụ thể hơn",
            "--by",
            XA,
            "--at",
            "I > 2",
            "--quote",
            "phương thức lãnh đạo",
        ],
    );
    let deleted = add(&ws, &["Trùng ý", "--by", BTC, "--at", "I > 3"]);
    let moved = add(
        &ws,
        &["Nên đưa lên mục tiêu", "--by", CHI_BO, "--at", "II > 1"],
    );
    let general = add(&ws, &["Nhất trí chung", "--by", BTC]);

    ws.write_draft(SLUG, draft_text("nghi-quyet", "về sinh hoạt chi bộ", V2));
    ws.ok(&["commit", SLUG, "-m", "Tiếp thu ý kiến"]);
    ws.ok(&["submit", SLUG]);
    let on_v2 = add(&ws, &["Ý kiến trên v2", "--by", XA, "--at", "II > 1"]);

    let v1 = ws.json(&["comment", "list", SLUG, "--version", "v1"]);
    assert_eq!(v1["version"], 1);
    let got = placements(&v1);
    assert_eq!(
        got.len(),
        5,
        "every comment on v1, and not the one on v2: {v1}"
    );
    for (id, word, _) in &got {
        let expected = if id == &general { "general" } else { "same" };
        assert_eq!(word, expected, "{id} in v1: {v1}");
    }

    let v2 = ws.json(&["comment", "list", SLUG]);
    assert_eq!(v2["version"], 2);
    let got = placements(&v2);
    assert_eq!(got.len(), 6, "every comment is listed in v2: {v2}");
    let find = |id: &str| {
        got.iter()
            .find(|(i, ..)| i == id)
            .map(|(_, w, p)| (w.as_str(), p.as_str()))
            .unwrap_or_else(|| panic!("{id} dropped from v2: {v2}"))
    };
    assert_eq!(find(&general), ("general", ""));
    assert_eq!(find(&same), ("same", "I > 1"));
    assert_eq!(find(&edited), ("edited", "I > 2"));
    assert_eq!(find(&moved), ("moved", "I > 3"));
    assert_eq!(find(&deleted), ("outdated", "I > 3"));
    assert_eq!(find(&on_v2), ("same", "II > 1"));
    // The quote survives the edit; the outdated comment keeps what it pointed at.
    let edited_entry = v2["comments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["comment"]["id"] == edited.as_str())
        .unwrap();
    assert_eq!(
        edited_entry["placement"]["quote_lost"], false,
        "{edited_entry}"
    );
    assert_eq!(
        edited_entry["placement"]["quote"]["text"],
        "phương thức lãnh đạo"
    );
    let deleted_entry = v2["comments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["comment"]["id"] == deleted.as_str())
        .unwrap();
    assert!(
        deleted_entry["placement"]["context"]
            .as_str()
            .unwrap()
            .contains("kỷ cương"),
        "{deleted_entry}"
    );
    // Outdated comments come last.
    assert_eq!(got.last().unwrap().0, deleted, "{v2}");
    let text = ws.ok(&["comment", "list", SLUG]);
    assert!(
        text.contains("OUTDATED: I > 3 of v1 is not in v2"),
        "{text}"
    );
    assert!(text.contains("(moved since v1)"), "{text}");
    assert!(text.contains("(edited since v1)"), "{text}");
    // `show` places a comment in the latest version.
    let shown = ws.json(&["comment", "show", &moved]);
    assert_eq!(shown["version"], 2);
    assert_eq!(shown["placement"]["placement"], "moved");
}

// ------------------------------------------------ hand-edited event files

#[test]
fn a_hand_broken_event_file_is_reported_with_its_line_and_the_rest_still_list() {
    let ws = reviewed();
    let good = add(&ws, &["Ý kiến còn tốt", "--by", XA]);
    let broken = add(&ws, &["Ý kiến sẽ hỏng", "--by", BTC, "--at", "I > 1"]);
    let rel = format!("reviews/{SLUG}/{broken}.yaml");
    let file = ws.root.join(&rel);
    let text = std::fs::read_to_string(&file).unwrap();
    // Break the `level:` line with a tab, which cannot start a YAML token.
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("level:"))
        .expect("a level line");
    let mut edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    edited[at] = "level: [co-so".to_string();
    std::fs::write(&file, edited.join("\n") + "\n").unwrap();

    let out = ws.run(&["comment", "list", SLUG]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stdout.contains(&good[10..18]), "{stdout}");
    assert!(!stdout.contains(&broken[10..18]), "{stdout}");
    // The flow sequence opened on the level line ends at the next key's line.
    let expected = format!("warning: {rel}:{}:", at + 2);
    assert!(
        stderr.contains(&expected),
        "expected {expected:?} in: {stderr}"
    );
    let json = ws.json(&["comment", "list", SLUG]);
    assert_eq!(json["comments"].as_array().unwrap().len(), 1);
    assert_eq!(json["problems"][0]["file"], rel.as_str());
    assert_eq!(json["problems"][0]["line"], at + 2);

    // A line that is not `key: value` is reported at that very line.
    let mut edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    edited[at] = "\tlevel: co-so".to_string();
    std::fs::write(&file, edited.join("\n") + "\n").unwrap();
    let json = ws.json(&["comment", "list", SLUG]);
    assert_eq!(json["problems"][0]["line"], at + 1, "{json}");
    let err =
        String::from_utf8(ws.run(&["comment", "list", SLUG]).output().unwrap().stderr).unwrap();
    assert!(err.contains(&format!("{rel}:{}:", at + 1)), "{err}");

    // An unknown field is named, with its line.
    let mut edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    edited.insert(at, "muc_do: cao".to_string());
    std::fs::write(&file, edited.join("\n") + "\n").unwrap();
    let json = ws.json(&["comment", "list", SLUG]);
    let p = &json["problems"][0];
    assert!(p["message"].as_str().unwrap().contains("muc_do"), "{json}");
    assert_eq!(p["line"], at + 1, "{json}");
}

#[test]
fn an_event_file_named_for_another_id_is_reported() {
    let ws = reviewed();
    let kept = add(&ws, &["Ý kiến thứ nhất", "--by", XA]);
    let moved = add(&ws, &["Ý kiến thứ hai", "--by", BTC]);
    let dir = ws.root.join("reviews").join(SLUG);
    // A valid id, another file name.
    let wrong = format!(
        "{}{}",
        &moved[..25],
        if moved.ends_with('0') { '1' } else { '0' }
    );
    std::fs::rename(
        dir.join(format!("{moved}.yaml")),
        dir.join(format!("{wrong}.yaml")),
    )
    .unwrap();
    let out = ws.run(&["comment", "list", SLUG]).output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stdout.contains(&kept[10..18]), "{stdout}");
    assert!(
        stderr.contains(&format!("reviews/{SLUG}/{wrong}.yaml:1: holds event {moved}, which belongs in a file named {moved}.yaml")),
        "{stderr}"
    );
}

// ------------------------------------------------------------ concurrency

/// Ten `comment add` processes started together; returns their ids.
fn ten_at_once(ws: &Ws, round: usize) -> Vec<String> {
    let children: Vec<_> = (0..10)
        .map(|i| {
            ws.std_cmd(&[
                "comment",
                "add",
                SLUG,
                &format!("Ý kiến số {i} của lượt {round}"),
                "--by",
                [XA, CHI_BO, BTC][i % 3],
                "--json",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn duthao")
        })
        .collect();
    children
        .into_iter()
        .enumerate()
        .map(|(i, child)| {
            let out = child.wait_with_output().expect("wait");
            assert!(
                out.status.success(),
                "round {round}, writer {i} failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
            let r: Value = serde_json::from_slice(&out.stdout).expect("JSON");
            r["events"][0]["id"].as_str().unwrap().to_string()
        })
        .collect()
}

/// Ten writers at once, three times over (the index race this guards
/// against, two writers each dropping the other's entry from git's index,
/// showed in a few runs out of a hundred).
#[test]
fn ten_concurrent_comment_adds_all_land() {
    let ws = reviewed();
    let mut all = Vec::new();
    for round in 0..3 {
        let before = commit_count(&ws);
        let ids = ten_at_once(&ws, round);
        all.extend(ids.iter().cloned());
        let files = review_files(&ws.root);
        assert_eq!(files.len(), all.len(), "round {round}: {files:?}");
        for id in &ids {
            assert!(
                files.contains(&format!("{SLUG}/{id}.yaml")),
                "{id}: {files:?}"
            );
        }
        assert_eq!(commit_count(&ws), before + 10, "round {round}");
        // A straight line of ten commits, each holding one of the events.
        let log = ws.git(&["log", "--format=%P", "-10"]);
        assert!(
            log.lines().all(|p| p.split_whitespace().count() == 1),
            "{log}"
        );
        let mut committed: Vec<String> = (0..10)
            .map(|n| {
                let names = ws.git(&["show", "--name-only", "--format=", &format!("HEAD~{n}")]);
                assert_eq!(names.lines().count(), 1, "HEAD~{n}: {names}");
                names.trim().to_string()
            })
            .collect();
        committed.sort();
        let mut expected: Vec<String> = ids
            .iter()
            .map(|id| format!("reviews/{SLUG}/{id}.yaml"))
            .collect();
        expected.sort();
        assert_eq!(committed, expected, "round {round}");
        let fsck = ws
            .sandbox
            .git_cmd(&ws.root)
            .args(["fsck", "--strict"])
            .output()
            .unwrap();
        assert!(
            fsck.status.success(),
            "git fsck: {}{}",
            String::from_utf8_lossy(&fsck.stdout),
            String::from_utf8_lossy(&fsck.stderr)
        );
        // Git's index holds every committed event: nothing shows as
        // deleted or untracked.
        let status = ws.porcelain();
        assert!(!status.contains("reviews/"), "round {round}: {status}");
    }
    assert_eq!(
        ws.json(&["comment", "list", SLUG])["comments"]
            .as_array()
            .unwrap()
            .len(),
        30
    );
}

// ------------------------------------------------------------- two clones

/// `duthao -C DIR ARGS` in the sandbox, optionally as another author.
fn duthao_in(sb: &Sandbox, dir: &Path, author: Option<&str>, args: &[&str]) -> String {
    let mut cmd = sb.duthao_std();
    cmd.arg("-C").arg(dir).args(args);
    if let Some(name) = author {
        cmd.env("DUTHAO_AUTHOR_NAME", name);
    }
    let out = cmd.output().expect("run duthao");
    assert!(
        out.status.success(),
        "duthao {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json_in(sb: &Sandbox, dir: &Path, author: Option<&str>, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = duthao_in(sb, dir, author, &all);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
}

/// Clones the workspace next to it; returns the clone's folder.
fn clone_of(ws: &Ws, name: &str) -> PathBuf {
    let to = ws.sandbox.path().join(name);
    ws.sandbox.git(
        ws.sandbox.path(),
        &[
            "clone",
            "-q",
            ws.root.to_str().unwrap(),
            to.to_str().unwrap(),
        ],
    );
    to
}

/// `git pull` of `from`'s branch into `into`; must merge without conflict.
fn pull(ws: &Ws, into: &Path, from: &Path, how: &str) {
    let branch = ws.git(&["branch", "--show-current"]);
    let out = ws
        .sandbox
        .git_cmd(into)
        .args(["pull", "-q", how, from.to_str().unwrap(), branch.trim()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git pull {how}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let status = ws.sandbox.git(into, &["status", "--porcelain"]);
    assert_eq!(status, "", "after the pull");
}

#[test]
fn two_clones_answering_one_comment_merge_into_a_conflict_the_fold_shows() {
    let ws = reviewed();
    let id = add(&ws, &["Đề nghị lùi mốc", "--by", XA, "--at", "II > 2"]);
    let other = clone_of(&ws, "other");
    let sb = &ws.sandbox;

    let here = json_in(
        sb,
        &ws.root,
        None,
        &["comment", "respond", &id, "--accept", "Đã lùi"],
    );
    std::thread::sleep(std::time::Duration::from_millis(20));
    let there = json_in(
        sb,
        &other,
        Some("Trần Thị Khác"),
        &["comment", "respond", &id, "--explain", "Giữ mốc 2026"],
    );
    // Made apart: the clone's commit is not on top of the workspace's.
    assert_ne!(
        sb.git(&other, &["rev-parse", "HEAD^"]).trim(),
        here["commit"].as_str().unwrap()
    );

    pull(&ws, &ws.root, &other, "--no-rebase");
    let merge_parents = ws.git(&["log", "-1", "--format=%P"]);
    assert_eq!(
        merge_parents.split_whitespace().count(),
        2,
        "a merge commit"
    );
    let shown = ws.json(&["comment", "show", &id]);
    let responses = shown["responses"].as_array().expect("responses");
    assert_eq!(responses.len(), 2, "{shown}");
    assert_eq!(responses[0]["id"], here["events"][0]["id"]);
    assert_eq!(responses[1]["id"], there["events"][0]["id"]);
    assert_eq!(responses[1]["author"]["name"], "Trần Thị Khác");
    assert_eq!(
        shown["state"]["answered"], "explain",
        "the later is current"
    );
    assert_eq!(shown["conflicting"], 2, "{shown}");
    let list = ws.json(&["comment", "list", SLUG]);
    assert_eq!(list["comments"][0]["conflicting"], 2);
    let text = ws.ok(&["comment", "show", &id]);
    assert!(
        text.contains("answers were made at different sites"),
        "{text}"
    );
    assert!(
        ws.ok(&["comment", "list", SLUG])
            .contains("answered differently at two sites")
    );
    // status reports it as a step to take.
    let status = ws.json(&["status", SLUG]);
    assert_eq!(status["review"]["conflicts"], 1, "{status}");
    assert!(
        status["next_steps"]
            .as_array()
            .expect("next_steps")
            .iter()
            .any(|s| s["step"] == "settle-conflicts"),
        "{status}"
    );
    assert!(
        ws.ok(&["status", SLUG])
            .contains("answered differently at two sites")
    );

    // The other way round, rebasing: the same fold.
    pull(&ws, &other, &ws.root, "--rebase");
    let there_shown = json_in(sb, &other, None, &["comment", "show", &id]);
    assert_eq!(there_shown["responses"], shown["responses"]);
    assert_eq!(there_shown["conflicting"], 2);

    // Settled with --replace: one answer supersedes the current one.
    let settled = ws.json(&[
        "comment",
        "respond",
        &id,
        "--explain",
        "Giữ mốc 2026",
        "--replace",
    ]);
    let shown = ws.json(&["comment", "show", &id]);
    assert_eq!(shown["responses"].as_array().unwrap().len(), 3);
    assert_eq!(shown["responses"][2]["id"], settled["events"][0]["id"]);
    assert_eq!(
        shown["responses"][2]["supersedes"],
        there["events"][0]["id"]
    );
}

#[test]
fn two_clones_adding_comments_merge_with_both_present() {
    let ws = reviewed();
    let other = clone_of(&ws, "other");
    let sb = &ws.sandbox;
    let a = add(&ws, &["Ý kiến tại chỗ", "--by", XA, "--at", "I > 1"]);
    let b = json_in(
        sb,
        &other,
        Some("Trần Thị Khác"),
        &[
            "comment",
            "add",
            SLUG,
            "Ý kiến từ bản sao",
            "--by",
            BTC,
            "--at",
            "I > 1",
        ],
    )["events"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    pull(&ws, &ws.root, &other, "--no-rebase");
    let list = ws.json(&["comment", "list", SLUG]);
    let ids: Vec<&str> = list["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["comment"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [a.as_str(), b.as_str()], "{list}");
    assert_eq!(review_files(&ws.root).len(), 2);
    let fsck = sb.git_cmd(&ws.root).args(["fsck"]).output().unwrap();
    assert!(fsck.status.success());
}
