//! Every command of the CLI, run as a drafter would, and what plain git sees
//! of what they wrote.

mod common;
mod outside;

use common::{DEMO_SLUGS, Sandbox, Ws, draft_text};
use duthao_profile::{Kinds, Templates};
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

fn kinds_of(profile: &str) -> Vec<String> {
    Kinds::load(&Templates::builtin(), profile)
        .unwrap_or_else(|e| panic!("kinds of {profile}: {e}"))
        .kinds
        .into_iter()
        .map(|k| k.slug)
        .collect()
}

/// Collapses whitespace, so that help text wrapped at any width can be searched.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn commits_touching(ws: &Ws, slug: &str) -> Vec<String> {
    ws.git(&["log", "--format=%s", "--", &format!("drafts/{slug}.md")])
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn init_makes_a_committed_workspace_for_each_profile() {
    for profile in ["party", "state"] {
        let ws = Ws::new(profile);
        let config = std::fs::read_to_string(ws.root.join("duthao.toml")).expect("duthao.toml");
        assert!(
            config.contains(&format!("profile = \"{profile}\"")),
            "{profile}: {config}"
        );
        assert!(
            ws.root
                .join("templates")
                .join(profile)
                .join("kinds.toml")
                .is_file()
        );
        // One commit holding everything, nothing left over.
        assert_eq!(ws.git(&["rev-list", "--count", "HEAD"]).trim(), "1");
        assert_eq!(ws.porcelain(), "", "{profile}: init left changes");
        let tracked = ws.git(&["ls-files"]);
        assert!(tracked.lines().any(|l| l == "duthao.toml"), "{tracked}");
        // The example draft is there and reads.
        let list = ws.json(&["list"]);
        let drafts = list.as_array().expect("list is an array");
        assert_eq!(drafts.len(), 1, "{profile}: {list}");
        let slug = drafts[0]["slug"].as_str().expect("slug");
        assert!(tracked.contains(&format!("drafts/{slug}.md")));
        let status = ws.json(&["status", slug]);
        assert_eq!(status["stage"], "drafting");
        assert_eq!(status["profile"], profile, "{status}");
    }
}

#[test]
fn init_refuses_an_existing_workspace_and_changes_nothing() {
    let ws = Ws::new("party");
    let before = ws.snapshot();
    let config = std::fs::read(ws.root.join("duthao.toml")).expect("config");
    ws.sandbox
        .duthao()
        .args(["init", "ws", "--profile", "state"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already a duthao workspace"));
    assert_eq!(ws.snapshot(), before);
    assert_eq!(
        std::fs::read(ws.root.join("duthao.toml")).expect("config"),
        config
    );
}

#[test]
fn init_with_an_unknown_profile_lists_the_known_ones_and_writes_nothing() {
    let sb = Sandbox::new();
    sb.duthao()
        .args(["init", "ws", "--profile", "ministry"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("unknown profile `ministry`")
                .and(predicate::str::contains("party"))
                .and(predicate::str::contains("state")),
        );
    assert!(!sb.path().join("ws").join("duthao.toml").exists());
    assert!(!sb.path().join("ws").join(".git").exists());
}

#[test]
fn new_creates_a_readable_draft_of_every_kind_of_both_profiles() {
    for profile in ["party", "state"] {
        let kinds = kinds_of(profile);
        assert!(
            kinds.len() >= 20,
            "{profile} has only {} kinds",
            kinds.len()
        );
        let ws = Ws::new(profile);
        for kind in &kinds {
            let slug = format!("thu-{kind}");
            let made = ws.json(&["new", kind, &slug, "--title", "về thử nghiệm công cụ"]);
            assert_eq!(made["kind"], kind.as_str(), "{made}");
            assert_eq!(made["profile"], profile);
            let status = ws.json(&["status", &slug]);
            assert_eq!(status["kind"], kind.as_str(), "{profile}/{kind}: {status}");
            assert_eq!(status["title"], "về thử nghiệm công cụ");
            assert_eq!(status["stage"], "drafting");
            assert_eq!(status["uncommitted"], true);
        }
        let listed = ws.json(&["list"]);
        let listed = listed.as_array().expect("array");
        assert_eq!(
            listed.len(),
            kinds.len() + 1,
            "{profile}: drafts plus the example"
        );
        for d in listed {
            assert!(d.get("error").is_none(), "{profile}: {d}");
        }
    }
}

#[test]
fn new_refuses_unknown_kinds_taken_slugs_and_bad_slugs() {
    let ws = Ws::new("party");
    let err = ws.fails(&["new", "sac-lenh", "thu"]);
    assert!(err.contains("unknown kind `sac-lenh`"), "{err}");
    for known in ["nghi-quyet", "quyet-dinh", "huong-dan", "ke-hoach"] {
        assert!(err.contains(known), "known kinds missing {known}: {err}");
    }
    assert!(!ws.draft_path("thu").exists());

    ws.ok(&["new", "nghi-quyet", "thu", "--title", "về lần một"]);
    let first = ws.read_draft("thu");
    let err = ws.fails(&["new", "ke-hoach", "thu", "--title", "về lần hai"]);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(
        ws.read_draft("thu"),
        first,
        "the existing draft was changed"
    );

    for bad in ["Thu", "thu_1", "nghị-quyết", "thu.md", "../thu"] {
        let err = ws.fails(&["new", "nghi-quyet", bad]);
        assert!(err.contains("not a valid draft name"), "{bad}: {err}");
    }
    let drafts: Vec<_> = std::fs::read_dir(ws.root.join("drafts"))
        .expect("drafts")
        .collect();
    assert_eq!(drafts.len(), 2, "only the example and `thu`");
}

#[test]
fn list_prints_a_table_and_json() {
    let ws = Ws::new("party");
    ws.ok(&[
        "new",
        "ke-hoach",
        "ke-hoach-thu",
        "--title",
        "về kế hoạch thử",
    ]);
    let table = ws.ok(&["list"]);
    let header = table.lines().next().expect("header");
    for col in ["SLUG", "KIND", "VERSION", "STAGE", "TITLE"] {
        assert!(header.contains(col), "{header}");
    }
    let row = table
        .lines()
        .find(|l| l.starts_with("ke-hoach-thu"))
        .unwrap_or_else(|| panic!("no row: {table}"));
    assert!(
        row.contains("ke-hoach") && row.contains("về kế hoạch thử"),
        "{row}"
    );
    assert!(row.contains("drafting *"), "uncommitted mark: {row}");

    let list = ws.json(&["list"]);
    let d = list
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["slug"] == "ke-hoach-thu")
        .expect("listed");
    assert_eq!(d["kind"], "ke-hoach");
    assert_eq!(d["title"], "về kế hoạch thử");
    assert_eq!(d["latest_version"], Value::Null);
    assert_eq!(d["stage"], "drafting");
}

#[test]
fn status_and_log_follow_a_draft_through_two_versions() {
    let ws = Ws::new("party");
    let slug = "thu";
    ws.ok(&["new", "nghi-quyet", slug, "--title", "về thử"]);
    let stage = |ws: &Ws| {
        let s = ws.json(&["status", slug]);
        (
            s["stage"].as_str().unwrap_or("?").to_string(),
            s["version"].as_u64().or(s["since"].as_u64()),
            s["uncommitted"].as_bool(),
        )
    };
    assert_eq!(stage(&ws), ("drafting".into(), None, Some(true)));
    ws.ok(&["commit", slug, "-m", "Bản đầu"]);
    assert_eq!(stage(&ws), ("drafting".into(), None, Some(false)));
    ws.ok(&["submit", slug, "-m", "Gửi xin ý kiến"]);
    assert_eq!(stage(&ws), ("circulated".into(), Some(1), Some(false)));
    let text = ws.read_draft(slug) + "\nĐoạn bổ sung sau góp ý.\n";
    ws.write_draft(slug, &text);
    assert_eq!(stage(&ws), ("revising".into(), Some(1), Some(true)));
    ws.ok(&["commit", slug, "-m", "Tiếp thu ý kiến"]);
    assert_eq!(stage(&ws), ("revising".into(), Some(1), Some(false)));
    let s = ws.json(&["status", slug]);
    assert_eq!(s["revisions_since_version"], 1);
    assert!(ws.ok(&["status", slug]).contains("revising after v1"));
    ws.ok(&["submit", slug]);
    assert_eq!(stage(&ws), ("circulated".into(), Some(2), Some(false)));
    let s = ws.json(&["status", slug]);
    let ns: Vec<u64> = s["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| v["n"].as_u64().expect("n"))
        .collect();
    assert_eq!(ns, [1, 2]);
    assert_eq!(s["versions"][0]["message"], "Gửi xin ý kiến");
    assert_eq!(s["versions"][0]["submitted_by"], common::AUTHOR_NAME);

    let log = ws.json(&["log", slug]);
    let events: Vec<String> = log
        .as_array()
        .expect("log array")
        .iter()
        .map(|e| match e["event"].as_str() {
            Some("revision") => format!("r:{}", e["summary"].as_str().unwrap_or("")),
            Some("version") => format!("v{}", e["n"]),
            other => panic!("unknown event {other:?}"),
        })
        .collect();
    assert_eq!(
        events,
        ["r:Bản đầu", "v1", "r:Tiếp thu ý kiến", "v2"],
        "{log}"
    );
    // Each version points at the revision just before it.
    let entries = log.as_array().expect("array");
    assert_eq!(entries[1]["commit"], entries[0]["commit"]);
    assert_eq!(entries[3]["commit"], entries[2]["commit"]);
    let text = ws.ok(&["log", slug]);
    assert!(text.contains("Dự thảo lần 2"), "{text}");
}

#[test]
fn commit_takes_only_its_draft_and_says_when_nothing_changed() {
    let ws = Ws::new("party");
    ws.ok(&["new", "nghi-quyet", "mot", "--title", "về một"]);
    ws.ok(&["new", "ke-hoach", "hai", "--title", "về hai"]);
    let out = ws.ok(&["commit", "mot", "-m", "Bản đầu của một"]);
    assert!(out.contains("Committed drafts/mot.md"), "{out}");
    let porcelain = ws.porcelain();
    assert!(porcelain.contains("?? drafts/hai.md"), "{porcelain}");
    assert!(!porcelain.contains("mot.md"), "{porcelain}");
    let files = ws.git(&["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files.trim(), "drafts/mot.md");

    // A tracked, modified neighbour stays modified (and unstaged).
    ws.ok(&["commit", "hai", "-m", "Bản đầu của hai"]);
    ws.write_draft("hai", ws.read_draft("hai") + "\nThêm một đoạn.\n");
    ws.write_draft("mot", ws.read_draft("mot") + "\nSửa một.\n");
    ws.ok(&["commit", "mot", "-m", "Sửa một"]);
    assert_eq!(ws.porcelain(), " M drafts/hai.md\n");
    let files = ws.git(&["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files.trim(), "drafts/mot.md");
    assert_eq!(ws.git(&["log", "-1", "--format=%s"]).trim(), "Sửa một");

    let before = ws.snapshot();
    let err = ws.fails(&["commit", "mot", "-m", "Không có gì"]);
    assert!(err.contains("nothing to commit"), "{err}");
    assert!(err.contains("drafts/mot.md"), "{err}");
    assert_eq!(ws.snapshot(), before);
}

#[test]
fn submit_numbers_versions_and_refuses_what_is_not_ready() {
    let ws = Ws::new("party");
    let slug = "thu";
    ws.ok(&["new", "nghi-quyet", slug, "--title", "về thử"]);

    // Never committed: the text on disk is not in git.
    let before = ws.snapshot();
    let err = ws.fails(&["submit", slug]);
    assert!(err.contains("commit"), "{err}");
    assert_eq!(ws.snapshot(), before);

    ws.ok(&["commit", slug, "-m", "Bản đầu"]);
    let out = ws.ok(&["submit", slug, "-m", "Xin ý kiến"]);
    assert!(
        out.contains("Dự thảo lần 1") && out.contains("duthao/thu/v1"),
        "{out}"
    );
    assert_eq!(ws.version_tags(slug), ["duthao/thu/v1"]);

    // The same commit again.
    let before = ws.snapshot();
    let err = ws.fails(&["submit", slug]);
    assert!(err.contains("already freezes"), "{err}");
    assert_eq!(ws.snapshot(), before);

    // Uncommitted text.
    ws.write_draft(slug, ws.read_draft(slug) + "\nĐoạn mới.\n");
    let err = ws.fails(&["submit", slug]);
    assert!(err.contains("commit it first"), "{err}");
    assert_eq!(ws.snapshot(), before);

    ws.ok(&["commit", slug, "-m", "Sửa"]);
    let v2 = ws.json(&["submit", slug]);
    assert_eq!(v2["n"], 2);
    assert_eq!(v2["tag"], "duthao/thu/v2");
    assert_eq!(ws.version_tags(slug), ["duthao/thu/v1", "duthao/thu/v2"]);

    // A committed draft that does not parse: committed with a warning, never submitted.
    ws.write_draft(
        slug,
        "---\nkind: nghi-quyet\ntitle: [không đóng\n---\n\nNội dung.\n",
    );
    ws.run(&["commit", slug, "-m", "Hỏng"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning"));
    let before = ws.snapshot();
    let err = ws.fails(&["submit", slug]);
    assert!(err.contains("drafts/thu.md"), "{err}");
    assert!(err.contains("front matter"), "{err}");
    assert_eq!(ws.snapshot(), before);
    assert_eq!(ws.version_tags(slug).len(), 2);
}

#[test]
fn demo_builds_both_examples_at_v3_and_refuses_a_non_empty_folder() {
    let ws = Ws::demo();
    let list = ws.json(&["list"]);
    let list = list.as_array().expect("array");
    let slugs: Vec<&str> = list
        .iter()
        .map(|d| d["slug"].as_str().expect("slug"))
        .collect();
    assert_eq!(slugs, DEMO_SLUGS);
    for d in list {
        assert_eq!(d["latest_version"], 3, "{d}");
        // The second draft is signed off and issued; the first is out for
        // comment.
        let stage = if d["slug"] == DEMO_SLUGS[1] {
            "issued"
        } else {
            "circulated"
        };
        assert_eq!(d["stage"], stage, "{d}");
        assert_eq!(d["uncommitted"], false, "{d}");
    }

    let before = ws.snapshot();
    ws.sandbox
        .duthao()
        .args(["demo", "ws"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not empty"));
    assert_eq!(ws.snapshot(), before);

    let other = ws.sandbox.path().join("other");
    std::fs::create_dir(&other).expect("mkdir");
    std::fs::write(other.join("notes.txt"), "ghi chú").expect("write");
    ws.sandbox
        .duthao()
        .args(["demo", "other"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not empty"));
    assert!(!other.join("duthao.toml").exists());
    assert!(!other.join(".git").exists());
}

#[test]
fn demo_records_comments_from_three_levels_answers_most_and_writes_the_reports() {
    let ws = Ws::demo();
    let slug = DEMO_SLUGS[0];
    let list = ws.json(&["comment", "list", slug]);
    let comments = list["comments"].as_array().expect("comments");
    let of = |c: &Value, key: &str| c["comment"][key].clone();
    for n in [1, 2] {
        let on: Vec<&Value> = comments.iter().filter(|c| of(c, "version") == n).collect();
        let mut levels: Vec<String> = on
            .iter()
            .map(|c| of(c, "level").as_str().expect("level").to_string())
            .collect();
        levels.sort();
        levels.dedup();
        assert_eq!(levels.len(), 3, "v{n}: levels {levels:?}");
    }
    let via = |c: &Value| {
        c["comment"]["source"]["via"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    let from_word: Vec<&Value> = comments.iter().filter(|c| via(c) == "docx").collect();
    assert!(from_word.len() >= 3, "{}", from_word.len());
    assert!(
        from_word
            .iter()
            .any(|c| c["comment"]["proposal"].is_string()
                && of(c, "text")
                    .as_str()
                    .unwrap_or("")
                    .starts_with("Sửa trực tiếp")),
        "a proposal from tracked changes"
    );
    assert!(
        comments.iter().any(|c| via(c) == "letter"
            && c["comment"]["source"]["letter"]
                .as_str()
                .is_some_and(|l| l.starts_with("Số "))),
        "a comment from an incoming letter"
    );
    assert!(
        comments
            .iter()
            .any(|c| c["replies"].as_array().is_some_and(|r| !r.is_empty())),
        "a reply in a thread"
    );
    let open = comments.iter().filter(|c| c["state"] == "open").count();
    let answered = comments
        .iter()
        .filter(|c| c["state"]["answered"].is_string())
        .count();
    assert!(open >= 1, "an open comment");
    assert!(
        answered > comments.len() / 2,
        "{answered} of {}",
        comments.len()
    );
    assert_eq!(open + answered, comments.len());
    assert!(
        !list["agreements"]
            .as_array()
            .expect("agreements")
            .is_empty()
    );

    let status = ws.json(&["status", slug]);
    assert_eq!(status["review"]["comments"], comments.len(), "{status}");
    assert_eq!(status["review"]["open"], open, "{status}");

    let out = ws.root.join("out");
    for n in [1, 2] {
        for ext in ["md", "html", "docx"] {
            let p = out.join(format!("{slug}-v{n}-tong-hop-y-kien.{ext}"));
            assert!(p.is_file(), "{}", p.display());
        }
        assert!(out.join(format!("{slug}-v{n}-gop-y.docx")).is_file());
    }
    let noted = std::fs::read_to_string(out.join(format!("{slug}-v1-v2-gop-y.html")))
        .expect("redline with comments");
    assert!(
        noted.contains("Ban Tổ chức Tỉnh ủy"),
        "comments beside the text"
    );
    let mut docx: Vec<std::path::PathBuf> = std::fs::read_dir(&out)
        .expect("out/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "docx"))
        .collect();
    docx.sort();
    assert!(docx.len() >= 15, "{docx:?}");
    if outside::available(&[outside::LXML]) {
        outside::check_docx_files(&docx);
    }
}

#[test]
fn demo_signs_off_one_draft_that_verify_and_git_alone_accept() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .duthao()
        .args(["demo", "ws"])
        .output()
        .expect("run demo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let ws = Ws {
        root: sandbox.path().join("ws"),
        sandbox,
    };
    let slug = DEMO_SLUGS[1];
    assert!(stdout.contains(&format!("Sign-off of {slug}")), "{stdout}");
    assert!(stdout.contains("verify: no problems"), "{stdout}");

    // The final document, the register, and a record verify accepts.
    let final_docx = ws
        .root
        .join("out")
        .join(format!("{slug}-ban-chinh-thuc.docx"));
    assert!(final_docx.is_file(), "{stdout}");
    let register = std::fs::read_to_string(ws.root.join("out/so-dang-ky-van-ban-di.md"))
        .expect("the register");
    assert!(register.contains("| Số | Ngày | Loại | Trích yếu | Người ký |"));
    assert!(register.contains("/QĐ-UBND |"), "{register}");
    // The date as the register writes it: day/month/year.
    let row = register
        .lines()
        .find(|l| l.contains("/QĐ-UBND"))
        .expect("a row");
    let date = row.split('|').nth(2).expect("a date cell").trim();
    assert!(
        date.len() == 10 && date.as_bytes()[2] == b'/' && date.as_bytes()[5] == b'/',
        "{row}"
    );
    ws.run(&["verify"]).assert().code(0);
    ws.run(&["verify", "--docx"])
        .arg(&final_docx)
        .assert()
        .code(0);
    let verified = ws.json(&["verify"]);
    let notes: Vec<&Value> = verified["drafts"]
        .as_array()
        .expect("drafts")
        .iter()
        .flat_map(|d| d["notes"].as_array().expect("notes"))
        .collect();
    assert!(
        !notes
            .iter()
            .any(|n| n.to_string().to_lowercase().contains("unsigned")),
        "{notes:?}"
    );

    // The keys stay out of git; nothing is left uncommitted.
    assert!(ws.root.join("keys").is_dir());
    assert_eq!(ws.git(&["ls-files", "keys"]).trim(), "");
    assert_eq!(ws.git(&["status", "--porcelain"]).trim(), "");
    #[cfg(unix)]
    for e in std::fs::read_dir(ws.root.join("keys")).expect("keys/") {
        use std::os::unix::fs::PermissionsExt;
        let p = e.expect("entry").path();
        if p.extension().is_none() {
            let mode = std::fs::metadata(&p).expect("key").permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", p.display());
        }
    }

    // The printed `git tag -v` line works as printed, from the printed folder.
    let lines: Vec<&str> = stdout.lines().map(str::trim).collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("git -c gpg.ssh.allowedSignersFile="))
        .unwrap_or_else(|| panic!("no git tag -v line in:\n{stdout}"));
    let dir = lines[at - 1]
        .strip_prefix("cd ")
        .unwrap_or_else(|| panic!("no cd before the git line:\n{stdout}"));
    assert_eq!(
        std::fs::canonicalize(dir).expect("the printed folder"),
        std::fs::canonicalize(&ws.root).expect("the workspace")
    );
    let args: Vec<&str> = lines[at].split_whitespace().skip(1).collect();
    assert!(args.contains(&"-v"), "{}", lines[at]);
    if outside::available(&[outside::GIT, outside::SSH_KEYGEN]) {
        let out = ws
            .sandbox
            .git_cmd(Path::new(dir))
            .args(&args)
            .output()
            .expect("run git tag -v");
        assert!(
            out.status.success(),
            "{}: {}",
            lines[at],
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("Good \"git\" signature"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    if outside::available(&[outside::LXML]) {
        outside::check_docx_files(&[final_docx]);
    }
}

#[test]
fn git_cli_reads_what_demo_wrote() {
    let ws = Ws::demo();
    let issued = DEMO_SLUGS[1];
    for slug in DEMO_SLUGS {
        let mut commits = commits_touching(&ws, slug);
        if slug == issued {
            // The clerk's commit of the number and the date, after v3.
            assert!(commits[0].starts_with("Ban hành"), "{commits:?}");
            commits.remove(0);
        }
        assert_eq!(commits.len(), 3, "{slug}: {commits:?}");
        assert_eq!(
            ws.git(&["cat-file", "-t", &format!("duthao/{slug}/v1")])
                .trim(),
            "tag"
        );
        let versions: Vec<String> = ws
            .version_tags(slug)
            .into_iter()
            .filter(|t| !t.contains("/signoff/") && !t.ends_with("/issued"))
            .collect();
        assert_eq!(
            versions,
            (1..=3)
                .map(|n| format!("duthao/{slug}/v{n}"))
                .collect::<Vec<_>>()
        );
        // The tag message says which version it is; the tag points at the
        // last commit that touched the draft at that point.
        let msg = ws.git(&[
            "tag",
            "-l",
            "--format=%(contents:subject)",
            &format!("duthao/{slug}/v3"),
        ]);
        assert_eq!(msg.trim(), "Dự thảo lần 3");
        let tagged = ws.git(&["rev-parse", &format!("duthao/{slug}/v3^{{commit}}")]);
        let skip = if slug == issued {
            "--skip=1"
        } else {
            "--skip=0"
        };
        let last = ws.git(&[
            "log",
            "-1",
            skip,
            "--format=%H",
            "--",
            &format!("drafts/{slug}.md"),
        ]);
        assert_eq!(tagged.trim(), last.trim());
    }
    // Six versions, three approvals (one per approving level) and one issue.
    assert_eq!(ws.git(&["tag", "-l", "duthao/*"]).lines().count(), 10);
    let fsck = ws
        .sandbox
        .git_cmd(&ws.root)
        .args(["fsck", "--strict"])
        .output()
        .expect("git fsck");
    assert!(
        fsck.status.success(),
        "{}",
        String::from_utf8_lossy(&fsck.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&fsck.stdout),
        "",
        "fsck reported problems"
    );
    let stderr = String::from_utf8_lossy(&fsck.stderr);
    assert!(
        !stderr.contains("error") && !stderr.contains("warning"),
        "{stderr}"
    );
    assert_eq!(ws.porcelain(), "");
}

#[test]
fn every_command_has_help_that_says_what_it_is_for() {
    let sb = Sandbox::new();
    let purposes = [
        ("init", "Create a workspace"),
        ("new", "Start a new draft"),
        ("list", "Every draft"),
        ("status", "where it stands"),
        ("log", "history in time order"),
        ("commit", "Commit one draft"),
        ("submit", "Dự thảo lần N"),
        ("demo", "bundled example drafts"),
    ];
    for (cmd, purpose) in purposes {
        let out = sb.duthao().args([cmd, "--help"]).output().expect("run");
        assert_eq!(out.status.code(), Some(0), "{cmd} --help");
        let text = flat(&String::from_utf8_lossy(&out.stdout));
        assert!(
            text.contains(purpose),
            "{cmd} --help lacks {purpose:?}: {text}"
        );
        assert!(text.contains(&format!("Usage: duthao {cmd}")), "{text}");
    }
    let out = sb.duthao().arg("--help").output().expect("run");
    assert!(out.status.success());
    let top = String::from_utf8_lossy(&out.stdout).to_string();
    let text = flat(&top);
    for (cmd, _) in purposes {
        assert!(
            text.contains(&format!(" {cmd} ")),
            "top-level help lacks {cmd}"
        );
    }
    // Commands added later get the same check: their own help opens with
    // the summary the top-level list shows.
    let listed = top
        .split("Commands:")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .expect("a Commands: section");
    let mut seen = 0;
    for line in listed.lines() {
        let Some(rest) = line.strip_prefix("  ") else {
            continue;
        };
        let Some((cmd, summary)) = rest.split_once(' ') else {
            continue;
        };
        if cmd.is_empty() || cmd == "help" || summary.trim().is_empty() {
            continue;
        }
        let out = sb.duthao().args([cmd, "--help"]).output().expect("run");
        assert_eq!(out.status.code(), Some(0), "{cmd} --help");
        let own = flat(&String::from_utf8_lossy(&out.stdout));
        let opening: String = flat(summary).chars().take(30).collect();
        assert!(own.starts_with(&opening), "{cmd}: {opening:?} vs {own}");
        seen += 1;
    }
    assert!(seen >= purposes.len(), "{seen} commands in: {listed}");
}

#[test]
fn usage_errors_exit_2() {
    let sb = Sandbox::new();
    for args in [
        &[][..],
        &["bogus"][..],
        &["list", "--bogus"][..],
        &["status"][..],
        &["commit", "thu"][..],
        &["new", "nghi-quyet"][..],
        &["init", "--profile"][..],
        &["list", "--color", "purple"][..],
    ] {
        let out = sb.duthao().args(args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "duthao {args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("Usage") || err.starts_with("error:"),
            "duthao {args:?}: {err}"
        );
        assert!(
            out.stdout.is_empty(),
            "duthao {args:?}: usage goes to stderr"
        );
    }
}

#[test]
fn a_hand_written_draft_goes_through_commit_and_submit() {
    let ws = Ws::new("party");
    let body = "I. MỤC TIÊU\n\n1. Nâng cao chất lượng sinh hoạt chi bộ.\n\na) Sinh hoạt định kỳ hằng tháng;\nb) Sinh hoạt chuyên đề mỗi quý.";
    ws.write_draft("tay", draft_text("nghi-quyet", "về sinh hoạt chi bộ", body));
    ws.ok(&["commit", "tay", "-m", "Bản đầu"]);
    ws.ok(&["submit", "tay"]);
    assert_eq!(commits_touching(&ws, "tay"), ["Bản đầu"]);
    assert_eq!(ws.version_tags("tay"), ["duthao/tay/v1"]);
}

#[test]
fn demo_refuses_to_nest_inside_a_workspace() {
    let ws = Ws::demo();
    let e = ws.fails(&["demo", "nested"]);
    assert!(e.contains("inside the workspace"), "{e}");
    assert!(!ws.root.join("nested").exists());
}

#[test]
fn status_of_a_broken_draft_still_shows_its_versions() {
    let ws = Ws::demo();
    let slug = DEMO_SLUGS[0];
    let text = ws.read_draft(slug);
    let broken = text
        .lines()
        .map(|l| {
            if l.starts_with("date:") {
                "date: 2026-13-45"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    ws.write_draft(slug, broken);
    let out = ws
        .run(&["status", slug, "--json"])
        .output()
        .expect("run duthao");
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(v["versions"].as_array().map(Vec::len), Some(3));
    assert!(v["problem"].as_str().unwrap_or("").contains("2026-13-45"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a date"));
}

#[test]
fn list_names_draft_files_no_command_can_reach() {
    let ws = Ws::demo();
    std::fs::write(ws.root.join("drafts").join("Bản Sao.md"), "---\n").unwrap();
    let list = ws.json(&["list"]);
    let entry = list
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["slug"] == "Bản Sao.md")
        .expect("the misnamed file is listed")
        .clone();
    assert!(
        entry["error"]
            .as_str()
            .unwrap()
            .contains("not a valid draft name")
    );
}

/// Library errors say what went wrong; the command line adds what to run,
/// as `hint:` lines after the error.
#[test]
fn errors_come_with_the_command_to_run() {
    let sb = Sandbox::new();
    let out = sb
        .duthao()
        .current_dir(sb.path())
        .args(["status", "x"])
        .assert()
        .failure()
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].starts_with("error: not inside a duthao workspace")
            && !lines[0].contains("duthao init"),
        "the error says what is wrong, not what to run: {err}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("hint: ") && l.contains("duthao init DIR")),
        "a hint says what to run: {err}"
    );

    // A submit of text not committed: the hint names the draft's commit command.
    let ws = Ws::new("party");
    let slug = "to-trinh";
    ws.ok(&["new", "nghi-quyet", slug, "--title", "về thử"]);
    let out = ws
        .run(&["submit", slug])
        .assert()
        .failure()
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(err.contains("differs from the last commit"), "{err}");
    assert!(
        err.lines()
            .any(|l| l.starts_with("hint: ") && l.contains(&format!("duthao commit {slug} -m"))),
        "{err}"
    );
}
