//! Bad input: each case gives a clear message on stderr naming the file,
//! exits 1, and writes nothing to the repository.

mod common;

use std::process::Stdio;

use common::{Sandbox, Ws, draft_text};
use unicode_normalization::UnicodeNormalization;

const SLUG: &str = "hong";
const FILE: &str = "drafts/hong.md";

const HEAD: &str = "---\nkind: nghi-quyet\nissuer:\n  name: TỈNH ỦY THÁI NGUYÊN\n  code: TU\n";

fn good_body() -> &'static str {
    "I. MỤC TIÊU\n\n1. Nâng cao chất lượng sinh hoạt chi bộ.\n"
}

/// Writes `bytes` as the draft, commits it (duthao commits a broken draft
/// with a warning so nothing is lost), then checks that `status` and
/// `submit` refuse it with a message containing each of `expect`, and that
/// the refusal wrote nothing.
fn refused(ws: &Ws, bytes: &[u8], expect: &[&str]) {
    ws.write_draft(SLUG, bytes);
    let out = ws
        .run(&["commit", SLUG, "-m", "Bản lỗi"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "commit of a broken draft must keep the text: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let warning = String::from_utf8_lossy(&out.stderr);
    assert!(warning.contains("warning"), "{warning}");
    for e in expect {
        assert!(warning.contains(e), "commit warning lacks {e:?}: {warning}");
    }
    let before = ws.snapshot();
    for cmd in ["status", "submit"] {
        let err = ws.fails(&[cmd, SLUG]);
        assert!(err.starts_with("error: "), "{cmd}: {err}");
        assert!(err.contains(FILE), "{cmd}: no file name: {err}");
        for e in expect {
            assert!(err.contains(e), "{cmd}: lacks {e:?}: {err}");
        }
        assert!(!err.contains("panicked"), "{err}");
    }
    assert_eq!(
        ws.snapshot(),
        before,
        "a refused command wrote to the repository"
    );
    assert!(ws.version_tags(SLUG).is_empty());
    // The rest of the workspace still lists.
    ws.ok(&["list"]);
}

#[test]
fn malformed_yaml_names_file_line_and_column() {
    let ws = Ws::new("party");
    // Line 6 of the file, column 17: the second ": " inside a plain scalar.
    let text = format!("{HEAD}title: về việc: thử: sai\n---\n\n{}", good_body());
    let line6 = text.lines().nth(5).expect("line 6");
    assert!(line6.starts_with("title:"));
    refused(&ws, text.as_bytes(), &["front matter", ":6:"]);
    let err = ws.fails(&["status", SLUG]);
    assert!(err.contains(&format!("{FILE}:6:")), "{err}");
    // file:line:column, with a column number.
    let after = err.split(&format!("{FILE}:6:")).nth(1).expect("location");
    let column: String = after.chars().take_while(char::is_ascii_digit).collect();
    assert!(
        column.parse::<usize>().is_ok_and(|c| c > 1),
        "no column: {err}"
    );

    // An unclosed flow sequence, reported where YAML gives up.
    let text = format!("{HEAD}title: [về thử\n---\n\n{}", good_body());
    refused(&ws, text.as_bytes(), &["front matter"]);
    let err = ws.fails(&["status", SLUG]);
    assert!(
        err.split(FILE).nth(1).is_some_and(
            |rest| rest.starts_with(':') && rest[1..].starts_with(|c: char| c.is_ascii_digit())
        ),
        "{err}"
    );
}

#[test]
fn unknown_kind_lists_the_known_ones() {
    let ws = Ws::new("party");
    let text = draft_text("sac-lenh", "về thử", good_body());
    refused(
        &ws,
        text.as_bytes(),
        &[
            "unknown kind `sac-lenh`",
            FILE,
            "nghi-quyet",
            "huong-dan",
            "ke-hoach",
        ],
    );
    let err = ws.fails(&["status", SLUG]);
    assert!(
        err.contains(&format!("{FILE}:2:")),
        "line of `kind:`: {err}"
    );
}

#[test]
fn missing_and_invalid_fields_are_named() {
    let ws = Ws::new("party");
    let no_title = format!("{HEAD}date: 2026-03-05\n---\n\n{}", good_body());
    refused(&ws, no_title.as_bytes(), &["title"]);

    let bad_date = format!(
        "{HEAD}date: 2026-13-45\ntitle: về thử\n---\n\n{}",
        good_body()
    );
    refused(
        &ws,
        bad_date.as_bytes(),
        &["2026-13-45", "YYYY-MM-DD", ":6:"],
    );

    let bad_number = format!("{HEAD}number: abc\ntitle: về thử\n---\n\n{}", good_body());
    refused(&ws, bad_number.as_bytes(), &["number", "abc", ":6:"]);

    let empty_title = format!("{HEAD}title: \"  \"\n---\n\n{}", good_body());
    refused(&ws, empty_title.as_bytes(), &["`title`", ":6:"]);
}

#[test]
fn a_file_that_is_not_utf8_gives_the_byte_offset() {
    let ws = Ws::new("party");
    let mut bytes = format!("{HEAD}title: về thử\n---\n\n").into_bytes();
    let offset = bytes.len() + "Nội dung ".len();
    bytes.extend_from_slice("Nội dung ".as_bytes());
    // "ầ" in Windows-1258, as an old editor would save it.
    bytes.push(0xE0);
    bytes.extend_from_slice(b"\xD2 text.\n");
    refused(
        &ws,
        &bytes,
        &["not valid UTF-8", &format!("byte {offset}"), "line 9"],
    );
}

#[test]
fn an_empty_body_is_refused() {
    let ws = Ws::new("party");
    let text = format!("{HEAD}title: về thử\n---\n\n   \n\n");
    refused(&ws, text.as_bytes(), &["body is empty"]);
}

#[test]
fn a_draft_over_the_size_limit_is_refused_quickly() {
    let ws = Ws::new("party");
    let para =
        "Các cấp ủy, tổ chức đảng quán triệt, triển khai thực hiện nghiêm túc nghị quyết.\n\n";
    let over = duthao::reader::MAX_DRAFT_BYTES + 1;
    let mut text = draft_text("nghi-quyet", "về thử", "");
    while text.len() < over {
        text.push_str(para);
    }
    ws.write_draft(SLUG, &text);
    let before = ws.snapshot();
    let started = std::time::Instant::now();
    let err = ws.fails(&["status", SLUG]);
    assert!(err.contains(FILE) && err.contains("limit"), "{err}");
    assert!(
        err.contains(&duthao::reader::MAX_DRAFT_BYTES.to_string()),
        "{err}"
    );
    // `list` reports it on that draft's line and goes on.
    let list = ws.json(&["list"]);
    let entry = list
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["slug"] == SLUG)
        .expect("listed")
        .clone();
    assert!(
        entry["error"].as_str().is_some_and(|e| e.contains("limit")),
        "{entry}"
    );
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    assert_eq!(ws.snapshot(), before);
}

/// 50 MB is under the limit and must work. With dependencies optimised in
/// debug builds (Cargo.toml) this takes about 12 s here;
/// `bench/big-draft.sh` times it in release mode (about 1 s per command).
#[test]
fn a_50_mb_draft_works() {
    let ws = Ws::new("party");
    let para = "Các cấp ủy, tổ chức đảng tiếp tục quán triệt, triển khai thực hiện nghiêm túc các nghị quyết, chỉ thị, kết luận của Trung ương về công tác xây dựng Đảng.\n\n";
    let mut text = draft_text("nghi-quyet", "về thử văn bản lớn", "I. MỤC TIÊU\n");
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(para);
    }
    ws.write_draft(SLUG, &text);
    let status = ws.json(&["status", SLUG]);
    assert_eq!(status["title"], "về thử văn bản lớn");
    ws.ok(&["commit", SLUG, "-m", "Bản lớn"]);
    ws.ok(&["submit", SLUG]);
    assert_eq!(ws.version_tags(SLUG), ["duthao/hong/v1"]);
    assert_eq!(ws.porcelain(), "");
}

#[test]
fn outside_a_workspace_every_command_says_run_init() {
    let sb = Sandbox::new();
    let empty = sb.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let mut cases: Vec<Vec<&str>> = vec![vec!["list"], vec!["list", "--json"]];
    for cmd in ["status", "log", "submit"] {
        cases.push(vec![cmd, "thu"]);
    }
    cases.push(vec!["commit", "thu", "-m", "x"]);
    cases.push(vec!["new", "nghi-quyet", "thu"]);
    for args in cases {
        let out = sb
            .duthao()
            .arg("-C")
            .arg(&empty)
            .args(&args)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("not inside a duthao workspace") && err.contains("duthao init"),
            "{args:?}: {err}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert_eq!(std::fs::read_dir(&empty).expect("read").count(), 0);
}

#[test]
fn an_unknown_slug_lists_the_drafts() {
    let ws = Ws::demo();
    let before = ws.snapshot();
    for args in [
        &["status", "khong-co"][..],
        &["log", "khong-co"][..],
        &["submit", "khong-co"][..],
        &["commit", "khong-co", "-m", "x"][..],
    ] {
        let err = ws.fails(args);
        assert!(err.contains("no draft `khong-co`"), "{args:?}: {err}");
        for slug in common::DEMO_SLUGS {
            assert!(err.contains(slug), "{args:?} does not list {slug}: {err}");
        }
    }
    assert_eq!(ws.snapshot(), before);
}

#[test]
fn an_unborn_repository_lists_and_takes_a_first_commit() {
    let ws = Ws::new("party");
    std::fs::remove_dir_all(ws.root.join(".git")).expect("rm .git");
    ws.git(&["init", "-q", "-b", "main"]);
    let list = ws.json(&["list"]);
    let entry = &list.as_array().expect("array")[0];
    let slug = entry["slug"].as_str().expect("slug").to_string();
    assert_eq!(entry["stage"], "drafting");
    assert_eq!(entry["uncommitted"], true);
    ws.ok(&["list"]);
    let status = ws.json(&["status", &slug]);
    assert_eq!(status["stage"], "drafting");
    assert_eq!(status["last_revision"], serde_json::Value::Null);
    assert_eq!(ws.json(&["log", &slug]), serde_json::json!([]));
    let err = ws.fails(&["submit", &slug]);
    assert!(err.contains("commit"), "{err}");
    // The first commit holds that draft alone.
    ws.ok(&["commit", &slug, "-m", "Bản đầu"]);
    let files = ws.git(&["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files.trim(), format!("drafts/{slug}.md"));
    ws.ok(&["submit", &slug]);
    assert_eq!(ws.version_tags(&slug), [format!("duthao/{slug}/v1")]);
}

#[test]
fn a_detached_head_refuses_commit_clearly() {
    let ws = Ws::demo();
    let slug = common::DEMO_SLUGS[0];
    ws.git(&["checkout", "-q", "--detach"]);
    ws.write_draft(slug, ws.read_draft(slug) + "\nĐoạn thêm.\n");
    let before = ws.snapshot();
    let err = ws.fails(&["commit", slug, "-m", "Sửa"]);
    assert!(err.contains("HEAD is detached"), "{err}");
    assert!(err.contains("git switch"), "{err}");
    assert_eq!(ws.snapshot(), before);
    // Reading still works.
    let status = ws.json(&["status", slug]);
    assert_eq!(status["stage"], "revising");
}

#[test]
fn two_submits_at_once_never_make_a_gap_or_a_duplicate() {
    let ws = Ws::new("party");
    let slug = "dua";
    ws.ok(&["new", "nghi-quyet", slug, "--title", "về thử đồng thời"]);
    let rounds = 10;
    let mut commits = Vec::new();
    for round in 1..=rounds {
        ws.write_draft(
            slug,
            ws.read_draft(slug) + &format!("\nĐoạn thứ {round}.\n"),
        );
        ws.ok(&["commit", slug, "-m", &format!("Lần sửa {round}")]);
        commits.push(ws.git(&["rev-parse", "HEAD"]).trim().to_string());
        let spawn = || {
            ws.std_cmd(&["submit", slug, "-m", "đua"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        };
        let (a, b) = (spawn(), spawn());
        let outs = [
            a.wait_with_output().expect("wait"),
            b.wait_with_output().expect("wait"),
        ];
        let winners = outs.iter().filter(|o| o.status.success()).count();
        assert_eq!(winners, 1, "round {round}: {outs:?}");
        for o in outs.iter().filter(|o| !o.status.success()) {
            assert_eq!(o.status.code(), Some(1));
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                err.contains("someone else created version")
                    || err.contains("already freezes this commit"),
                "round {round}: unclear loser message: {err}"
            );
        }
        let tags = ws.version_tags(slug);
        assert_eq!(tags.len(), round, "round {round}: {tags:?}");
    }
    let expected: Vec<String> = (1..=rounds)
        .map(|n| format!("duthao/{slug}/v{n}"))
        .collect();
    assert_eq!(ws.version_tags(slug), expected);
    // Version N freezes the commit of round N.
    for (n, commit) in commits.iter().enumerate() {
        let tagged = ws.git(&["rev-parse", &format!("duthao/{slug}/v{}^{{commit}}", n + 1)]);
        assert_eq!(tagged.trim(), commit, "v{}", n + 1);
    }
    let status = ws.json(&["status", slug]);
    assert_eq!(status["versions"].as_array().map(Vec::len), Some(rounds));
    let fsck = ws
        .sandbox
        .git_cmd(&ws.root)
        .args(["fsck", "--strict", "--no-dangling"])
        .output()
        .expect("fsck");
    assert!(
        fsck.status.success(),
        "{}",
        String::from_utf8_lossy(&fsck.stderr)
    );
}

#[test]
fn nfd_text_is_read_as_nfc() {
    let ws = Ws::new("party");
    let title = "về tăng cường công tác xây dựng Đảng, chỉnh đốn Đảng";
    let body = "I. MỤC TIÊU\n\n1. Nâng cao năng lực lãnh đạo, sức chiến đấu của tổ chức đảng.\n\na) Đổi mới phương thức lãnh đạo;\nb) Tăng cường kiểm tra, giám sát.\n";
    let nfc = draft_text("nghi-quyet", title, body);
    let nfd: String = nfc.nfd().collect();
    assert_ne!(nfd, nfc, "the test text must change under NFD");
    ws.write_draft(SLUG, &nfd);
    let out = ws.run(&["commit", SLUG, "-m", "Bản NFD"]).output().unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("stored as NFC"),
        "the drafter is told the file was normalised"
    );
    let status = ws.json(&["status", SLUG]);
    assert_eq!(status["title"], title);
    assert_eq!(status["stage"], "drafting");
    assert_eq!(status["uncommitted"], false);
    let list = ws.json(&["list"]);
    let entry = list
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["slug"] == SLUG)
        .expect("listed")
        .clone();
    assert_eq!(entry["title"], title);
    ws.ok(&["submit", SLUG]);
    // Drafts are stored in NFC (PRODUCT.md): the commit holds NFC text and
    // the file on disk, rewritten to match, looks exactly as written.
    assert_eq!(ws.git(&["show", &format!("HEAD:drafts/{SLUG}.md")]), nfc);
    assert_eq!(ws.read_draft(SLUG), nfc);
    // Saving it again as NFD is not a change to commit or submit.
    ws.write_draft(SLUG, &nfd);
    let e = ws.fails(&["commit", SLUG, "-m", "again"]);
    assert!(e.contains("nothing to commit"), "{e}");
}

/// Where a front-matter error starts and what to write instead, with none of
/// the parser's vocabulary.
#[test]
fn front_matter_errors_point_at_the_cause_in_plain_words() {
    let ws = Ws::new("party");
    let body = "\n---\n\nNội dung.\n";
    let cases: &[(&str, &str, &str)] = &[
        (
            "kind: nghi-quyet\nissuer:\n  name: X\ntitle: \"về x\ndate: 2026-01-01",
            "drafts/hong.md:5:",
            "never closed",
        ),
        (
            "kind: nghi-quyet\nissuer:\n  name: X\n   code: TU\ntitle: về x",
            "drafts/hong.md:5:",
            "indented 3 spaces",
        ),
        (
            "kind: nghi-quyet\nissuer:\n\tname: X\ntitle: về x",
            "drafts/hong.md:4:",
            "tab",
        ),
        (
            "kind: nghi-quyet\nissuer:\n  name: X\ntitle: về x: làm việc",
            "drafts/hong.md:5:",
            "must be in quotes",
        ),
        (
            "kind: nghi-quyet\nissuer:\n  name: X\ntitle: về x\nnumber: !tag 5",
            "drafts/hong.md:6:",
            "YAML tag",
        ),
        (
            "kind: nghi-quyet\nissuer:\n  name: X\ntitle: về x\nnumber: 99999999999999999999999",
            "drafts/hong.md:6:",
            "too large",
        ),
        (
            "kind: nghi-quyet\nissuer:\n  name: X\n? [a]\n: b\ntitle: về x",
            "drafts/hong.md:5:",
            "plain name",
        ),
        (
            "kind: nghi-quyet\nissuer:\n  name: X\ntitle: về x\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]",
            "drafts/hong.md:",
            "anchors",
        ),
        (
            "kind: nghi-quyet\nissuer:\n  name: X\ntitle: về x\nnumber: 5.5",
            "drafts/hong.md:6:",
            "whole positive number",
        ),
        (
            "kind: nghi-quyet\nissuer:\n  name: X\ntitle: về x\ntitle: hai",
            "drafts/hong.md:6:",
            "written twice",
        ),
        (
            "kind: nghi-quyet\nissuer:\n  name: X\ntitle: \"x\u{1}y\"",
            "drafts/hong.md:5:",
            "control character",
        ),
    ];
    for (front, at, want) in cases {
        ws.write_draft(SLUG, format!("---\n{front}{body}"));
        let e = ws.fails(&["status", SLUG]);
        assert!(e.contains(at), "{front:?}: {e}");
        assert!(e.contains(want), "{front:?}: {e}");
        for jargon in [
            "untagged",
            "field identifier",
            "u128",
            "i128",
            "repetition limit",
            "unexpected end of stream",
            "expected struct",
            "invalid type",
        ] {
            assert!(!e.contains(jargon), "{front:?}: {e}");
        }
        if *want != "must be in quotes" {
            assert!(!e.contains("must be in quotes"), "{front:?}: {e}");
        }
    }
}

#[test]
fn configuration_errors_are_blamed_on_the_configuration() {
    let ws = Ws::new("party");
    let config = ws.root.join("duthao.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    std::fs::write(
        &config,
        text.replace("TỈNH ỦY THÁI NGUYÊN", "TỈNH ỦY\u{1}THÁI NGUYÊN"),
    )
    .expect("write");
    for args in [
        vec!["list"],
        vec!["status", "nghi-quyet-xay-dung-dang-2026"],
    ] {
        let e = ws.fails(&args);
        assert!(e.contains("duthao.toml:"), "{args:?}: {e}");
        assert!(e.contains("control character"), "{args:?}: {e}");
        assert!(!e.contains("drafts/"), "{args:?}: {e}");
    }
}

#[test]
fn a_folder_that_cannot_be_made_is_named_as_such() {
    let sb = Sandbox::new();
    std::fs::write(sb.path().join("tep"), "x").expect("a file");
    for args in [vec!["init", "tep/ws"], vec!["demo", "tep/ws"]] {
        let out = sb.duthao().args(&args).output().expect("run");
        let e = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {e}");
        assert!(!e.contains("cannot read"), "{args:?}: {e}");
        assert!(e.contains("tep"), "{args:?}: {e}");
    }
}

#[cfg(unix)]
fn age(path: &std::path::Path) {
    // A lock git left behind an hour ago.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let f = std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open");
    f.set_modified(old).expect("mtime");
}

#[cfg(unix)]
#[test]
fn a_stale_lock_is_reported_as_a_lock_and_nothing_is_written() {
    let ws = Ws::new("party");
    ws.write_draft(SLUG, draft_text("nghi-quyet", "về thử", good_body()));
    let lock = ws.root.join(".git/index.lock");
    std::fs::write(&lock, "").expect("lock");
    age(&lock);
    let before = ws.snapshot();
    let e = ws.fails(&["commit", SLUG, "-m", "x"]);
    assert!(e.contains("index.lock") && e.contains("locked"), "{e}");
    assert!(!e.contains("landed first"), "{e}");
    std::fs::remove_file(&lock).expect("unlock");
    assert_eq!(ws.snapshot(), before, "no commit was made");
    ws.ok(&["commit", SLUG, "-m", "x"]);
    ws.ok(&["submit", SLUG]);
    let text = ws.read_draft(SLUG);
    ws.write_draft(SLUG, text.replace("chất lượng", "chất lượng cao"));
    ws.ok(&["commit", SLUG, "-m", "y"]);
    let tag_lock = ws
        .root
        .join(format!(".git/refs/tags/duthao/{SLUG}/v2.lock"));
    std::fs::write(&tag_lock, "").expect("lock");
    age(&tag_lock);
    let e = ws.fails(&["submit", SLUG]);
    assert!(e.contains("v2.lock") && e.contains("locked"), "{e}");
    assert!(!e.contains("someone else"), "{e}");
    assert_eq!(ws.version_tags(SLUG).len(), 1);
}

#[test]
fn diff_exit_code_tells_differences_from_errors() {
    let ws = Ws::demo();
    let nq = "nghi-quyet-xay-dung-dang-2026";
    let code = |args: &[&str]| ws.run(args).output().expect("run").status.code();
    assert_eq!(code(&["diff", nq, "v1", "v2", "--exit-code"]), Some(1));
    assert_eq!(code(&["diff", nq, "v2", "v2", "--exit-code"]), Some(0));
    assert_eq!(code(&["diff", nq, "v1", "v9", "--exit-code"]), Some(128));
    assert_eq!(code(&["diff", "khong-co", "--exit-code"]), Some(128));
    assert_eq!(code(&["diff", nq, "v1", "v9"]), Some(1));
}

#[test]
fn draft_names_get_the_right_advice_and_paths_work() {
    let ws = Ws::new("party");
    let long = "a".repeat(101);
    let e = ws.fails(&["new", "nghi-quyet", &long]);
    assert!(e.contains("at most 100"), "{e}");
    for reserved in ["con", "nul", "aux", "com1", "lpt9", "prn"] {
        let e = ws.fails(&["new", "nghi-quyet", reserved]);
        assert!(e.contains("Windows"), "{reserved}: {e}");
    }
    let nq = "nghi-quyet-xay-dung-dang-2026";
    let by_path = ws
        .run(&["status", &format!("drafts/{nq}.md"), "--json"])
        .current_dir(&ws.root)
        .output()
        .expect("run");
    assert!(
        by_path.status.success(),
        "{}",
        String::from_utf8_lossy(&by_path.stderr)
    );
    let e = ws.fails(&["status", &format!("elsewhere/{nq}.md")]);
    assert!(e.contains(&format!("did you mean `{nq}`")), "{e}");
}

#[test]
fn demo_and_init_suggest_what_works() {
    let sb = Sandbox::new();
    sb.duthao().args(["demo", "d"]).assert().success();
    let out = sb.duthao().args(["demo", "d"]).output().expect("run");
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("not empty"), "{e}");
    assert!(e.contains("d-2"), "suggests a new folder: {e}");
    let out = sb
        .duthao()
        .args(["init", "s", "--profile", "state"])
        .output()
        .expect("run");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("duthao new quyet-dinh"), "{said}");
    assert!(!said.contains("new nghi-quyet"), "{said}");
    sb.duthao()
        .args(["init", "p18", "--profile", "party-2018"])
        .assert()
        .success();
    let config = std::fs::read_to_string(sb.path().join("p18/duthao.toml")).expect("config");
    assert!(config.contains("profile = \"party-2018\""), "{config}");
}

#[test]
fn text_saved_as_nfd_or_crlf_is_unchanged_everywhere() {
    let ws = Ws::new("party");
    let text = draft_text("nghi-quyet", "về thử nghiệm", good_body());
    ws.write_draft(SLUG, &text);
    ws.ok(&["commit", SLUG, "-m", "Bản đầu"]);
    ws.ok(&["submit", SLUG]);
    for variant in [
        text.nfd().collect::<String>(),
        text.replace('\n', "\r\n"),
        format!("\u{feff}{text}"),
    ] {
        ws.write_draft(SLUG, &variant);
        let status = ws.json(&["status", SLUG]);
        assert_eq!(status["uncommitted"], false, "{status}");
        assert_eq!(status["stage"], "circulated", "{status}");
        let out = ws
            .run(&["diff", SLUG, "--exit-code"])
            .output()
            .expect("run");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Nothing new to submit, and not for a change that is not there.
        let e = ws.fails(&["submit", SLUG]);
        assert!(e.contains("already freezes this commit"), "{e}");
        assert!(!e.contains("differs from the last commit"), "{e}");
        let list = ws.json(&["list"]);
        let me = list
            .as_array()
            .expect("array")
            .iter()
            .find(|d| d["slug"] == SLUG)
            .expect("listed");
        assert_eq!(me["uncommitted"], false, "{me}");
    }
}

#[test]
fn help_names_only_what_exists() {
    let out = Sandbox::new().duthao().arg("--help").output().expect("run");
    let help = String::from_utf8_lossy(&out.stdout).to_lowercase();
    // Comments and answers exist (issue 10), sign-off (issue 11) and
    // synchronising sites (issue 12).
    for present in [
        "comment",
        "report",
        "approve",
        "verify",
        "register",
        "\n  sync ",
    ] {
        assert!(help.contains(present), "--help lacks {present:?}: {help}");
    }
}
