//! A workspace cloned from another office is untrusted input: nothing read
//! from it may reach outside it, print raw control characters to a
//! terminal, recurse without bound or cost memory out of proportion; a
//! damaged repository, a detached HEAD or a half-done merge is said, not
//! acted on.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{Ws, draft_text};

const SLUG: &str = "thu";

fn ws_with_draft() -> Ws {
    let ws = Ws::new("party");
    ws.write_draft(
        SLUG,
        draft_text("nghi-quyet", "về thử", "I. MỤC TIÊU\n\nNội dung."),
    );
    ws.ok(&["commit", SLUG, "-m", "Bản đầu"]);
    ws
}

#[test]
fn templates_never_read_outside_the_workspace() {
    let ws = ws_with_draft();
    let secret = ws.sandbox.path().join("secret.txt");
    std::fs::write(&secret, "mật khẩu").expect("write");
    // A skeleton path that climbs out of templates/.
    let kinds = ws.root.join("templates/party/kinds.toml");
    let text = std::fs::read_to_string(&kinds).expect("kinds");
    let evil = text.replacen(
        "skeleton = \"nghi-quyet.md\"",
        &format!("skeleton = \"../../../{}\"", secret.display()),
        1,
    );
    assert_ne!(evil, text, "the test edits a skeleton line");
    std::fs::write(&kinds, evil).expect("write");
    let e = ws.fails(&["new", "nghi-quyet", "moi"]);
    assert!(e.contains("kinds.toml") && e.contains("skeleton"), "{e}");
    assert!(!ws.draft_path("moi").exists(), "nothing written");
    std::fs::write(&kinds, text).expect("restore");

    // A profile that is a path, in the front matter or on the command line.
    for profile in ["../../x", "/etc", "a\u{0}b", "party/../../x"] {
        let quoted = format!("{profile:?}");
        let body = draft_text("nghi-quyet", "về thử", "Nội dung.").replace(
            "kind: nghi-quyet\n",
            &format!("kind: nghi-quyet\nprofile: {quoted}\n"),
        );
        ws.write_draft(SLUG, body);
        for args in [vec!["status", SLUG], vec!["export", SLUG, "--working"]] {
            let e = ws.fails(&args);
            assert!(
                e.contains("not a profile name"),
                "{profile:?} {args:?}: {e}"
            );
            assert!(e.contains("drafts/thu.md:3"), "{profile:?} {args:?}: {e}");
        }
    }
    let e = ws.fails(&["new", "nghi-quyet", "khac", "--profile", "../../etc"]);
    assert!(e.contains("not a profile name"), "{e}");
    // A layout file that is a link to a file outside.
    std::fs::remove_file(ws.root.join("templates/party/layout.toml")).ok();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&secret, ws.root.join("templates/party/layout.toml"))
            .expect("symlink");
        ws.write_draft(SLUG, draft_text("nghi-quyet", "về thử", "Nội dung."));
        let e = ws.fails(&["export", SLUG, "--working"]);
        assert!(e.contains("symbolic link"), "{e}");
    }
}

#[cfg(unix)]
#[test]
fn linked_drafts_and_a_linked_drafts_folder_are_refused_alike() {
    let ws = ws_with_draft();
    let outside = ws.sandbox.path().join("ngoai.md");
    std::fs::write(
        &outside,
        draft_text("nghi-quyet", "về bí mật", "Nội dung bí mật ở ngoài."),
    )
    .expect("write");
    std::os::unix::fs::symlink(&outside, ws.draft_path("lien-ket")).expect("symlink");
    for args in [
        vec!["status", "lien-ket"],
        vec!["export", "lien-ket", "--working"],
        vec!["commit", "lien-ket", "-m", "x"],
    ] {
        let e = ws.fails(&args);
        assert!(e.contains("symbolic link"), "{args:?}: {e}");
        assert!(!e.contains("bí mật"), "{args:?}: {e}");
    }
    let list = ws.json(&["list"]);
    let entry = list
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["slug"] == "lien-ket")
        .expect("listed");
    assert!(
        entry["error"]
            .as_str()
            .unwrap_or("")
            .contains("symbolic link"),
        "{entry}"
    );
    assert!(
        !ws.porcelain().contains("lien-ket")
            || !ws
                .git(&["log", "--oneline", "--", "drafts/lien-ket.md"])
                .contains(' ')
    );

    // drafts/ itself a link: every command says so.
    let ws = ws_with_draft();
    let real = ws.sandbox.path().join("that-drafts");
    std::fs::rename(ws.root.join("drafts"), &real).expect("move");
    std::os::unix::fs::symlink(&real, ws.root.join("drafts")).expect("symlink");
    for args in [
        vec!["list"],
        vec!["status", SLUG],
        vec!["commit", SLUG, "-m", "x"],
        vec!["submit", SLUG],
    ] {
        let e = ws.fails(&args);
        assert!(e.contains("drafts/ is a symbolic link"), "{args:?}: {e}");
    }
}

#[test]
fn control_characters_are_shown_escaped_on_the_terminal() {
    let ws = Ws::new("party");
    let evil_title = "\"về \\e[2J\\a xóa màn hình\"";
    let text = draft_text(
        "nghi-quyet",
        evil_title,
        "Đoạn có \u{1b}[31m màu \u{7} chuông.",
    );
    ws.write_draft(SLUG, &text);
    ws.ok(&["commit", SLUG, "-m", "Bản \u{1b}]0;tiêu đề\u{7} đầu"]);
    ws.ok(&["submit", SLUG, "-m", "Gửi \u{1b}[5m lần 1"]);
    ws.write_draft(SLUG, text.replace("màu", "màu \u{1b}[1m đậm \u{9b}31m"));
    ws.ok(&["commit", SLUG, "-m", "Sửa"]);
    for args in [
        vec!["list"],
        vec!["status", SLUG],
        vec!["log", SLUG],
        vec!["diff", SLUG, "v1", "HEAD"],
        vec!["diff", SLUG, "v1", "HEAD", "--color", "never"],
    ] {
        let out = ws.run(&args).output().expect("run");
        let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
        let text = String::from_utf8_lossy(&all);
        for c in ['\u{1b}', '\u{7}', '\u{9b}'] {
            assert!(
                !text.contains(c),
                "{args:?} printed U+{:04X} raw: {text:?}",
                c as u32
            );
        }
        assert!(
            text.contains("\\u{1b}") || args[0] == "list" && !text.contains("2J"),
            "{args:?}: {text}"
        );
    }
    // With colour, only duthao's own styling reaches the terminal.
    let out = ws
        .run(&["diff", SLUG, "v1", "HEAD", "--color", "always"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\u{1b}["), "coloured");
    assert!(
        !text.contains("\u{1b}[2J") && !text.contains("\u{1b}[1m đậm"),
        "{text:?}"
    );
}

#[test]
fn footnotes_that_cite_themselves_or_chain_1000_deep_submit_and_export() {
    let ws = Ws::new("party");
    let mut body = String::from("Mở đầu[^1] và tự dẫn[^a].\n\n[^a]: Xem [^a].\n\n");
    for i in 1..=1000 {
        body.push_str(&format!("[^{i}]: Chú thích {i}, xem [^{}].\n\n", i + 1));
    }
    ws.write_draft(SLUG, draft_text("nghi-quyet", "về chú thích", &body));
    ws.ok(&["commit", SLUG, "-m", "Bản đầu"]);
    ws.ok(&["submit", SLUG]);
    ws.write_draft(
        SLUG,
        draft_text(
            "nghi-quyet",
            "về chú thích",
            &body.replace("Mở đầu", "Phần đầu"),
        ),
    );
    ws.ok(&["commit", SLUG, "-m", "Sửa"]);
    ws.ok(&["submit", SLUG]);
    ws.ok(&["export", SLUG, "-o", "x.docx"]);
    ws.ok(&["diff", SLUG, "v1", "v2", "--format", "docx", "-o", "r.docx"]);
    ws.ok(&["diff", SLUG, "v1", "v2", "--format", "html", "-o", "r.html"]);
}

#[test]
fn an_oversized_draft_is_refused_before_it_is_read() {
    let ws = ws_with_draft();
    // A sparse file of 4 GiB: reading it would take gigabytes.
    let path = ws.draft_path("to");
    let head = draft_text("nghi-quyet", "về to", "Nội dung.");
    std::fs::write(&path, &head).expect("write");
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open");
    f.set_len(4 << 30).expect("sparse");
    drop(f);
    for args in [
        vec!["status", "to"],
        vec!["commit", "to", "-m", "x"],
        vec!["export", "to", "--working"],
    ] {
        let start = Instant::now();
        let e = ws.fails(&args);
        assert!(e.contains("larger than"), "{args:?}: {e}");
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{args:?} took {:?}",
            start.elapsed()
        );
    }
    let p = path.to_str().expect("utf-8");
    let e = ws.fails(&["diff", "--files", p, p]);
    assert!(e.contains("larger than"), "{e}");
    assert!(
        !ws.git(&["log", "--oneline", "--all", "--", "drafts/to.md"])
            .contains(' '),
        "never committed"
    );
    std::fs::remove_file(&path).expect("remove");
}

#[test]
fn a_truncated_object_is_an_error_not_a_hang() {
    let ws = ws_with_draft();
    let blob = ws.git(&["rev-parse", "HEAD:drafts/thu.md"]);
    let blob = blob.trim();
    let obj = ws
        .root
        .join(".git/objects")
        .join(&blob[..2])
        .join(&blob[2..]);
    assert!(obj.exists(), "a loose object");
    let len = std::fs::metadata(&obj).expect("object").len();
    let mut perms = std::fs::metadata(&obj).expect("meta").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&obj, perms).expect("writable");
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&obj)
        .expect("open");
    f.set_len(len / 2).expect("truncate");
    drop(f);
    for args in [
        vec!["diff", SLUG, "HEAD", "working"],
        vec!["export", SLUG, "--rev", "HEAD", "-o", "x.docx"],
    ] {
        let mut child = ws
            .std_cmd(&args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        let start = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().expect("wait") {
                break s;
            }
            if start.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                panic!("{args:?} hangs on a truncated object");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut err)
            .expect("read");
        assert_eq!(status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("truncated") || err.contains("corrupt"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn detached_head_conflict_markers_and_a_half_done_merge_are_refused_or_said() {
    let ws = ws_with_draft();
    ws.ok(&["submit", SLUG]);
    let text = ws.read_draft(SLUG);
    ws.write_draft(SLUG, text.replace("Nội dung.", "Nội dung hai."));
    ws.ok(&["commit", SLUG, "-m", "Hai"]);
    ws.ok(&["submit", SLUG]);
    ws.write_draft(SLUG, text.replace("Nội dung.", "Nội dung ba."));
    ws.ok(&["commit", SLUG, "-m", "Ba"]);
    // A detached HEAD at the first commit must not freeze old text as v3.
    let first = ws.git(&["rev-list", "HEAD", "--", "drafts/thu.md"]);
    let first = first.lines().last().expect("the first revision");
    ws.git(&["checkout", "-q", "--detach", first]);
    let before = ws.snapshot();
    let e = ws.fails(&["submit", SLUG]);
    assert!(e.contains("detached"), "{e}");
    assert_eq!(ws.snapshot(), before);
    ws.git(&["checkout", "-q", "main"]);

    // A conflicted merge committed as it is: submit refuses the markers.
    ws.git(&["checkout", "-q", "-b", "khac", "HEAD~1"]);
    ws.write_draft(SLUG, text.replace("Nội dung.", "Nội dung khác."));
    ws.git(&["commit", "-q", "-am", "Khác"]);
    ws.git(&["checkout", "-q", "main"]);
    let merge = ws
        .sandbox
        .git_cmd(&ws.root)
        .args(["merge", "-q", "khac"])
        .output()
        .expect("merge");
    assert!(!merge.status.success(), "a conflict");
    let status = ws.json_status_allowing_error(SLUG);
    assert_eq!(status["operation"], "merge", "{status}");
    let e = ws.fails(&["export", SLUG, "--working"]);
    assert!(e.contains("conflict marker"), "{e}");
    ws.git(&["commit", "-q", "-am", "Merge cả xung đột"]);
    let out = ws.run(&["commit", SLUG, "-m", "x"]).output().expect("run");
    let _ = out;
    let e = ws.fails(&["submit", SLUG]);
    assert!(e.contains("conflict marker") && e.contains(":"), "{e}");
    assert_eq!(ws.version_tags(SLUG).len(), 2, "no v3");
}

#[test]
fn the_configuration_is_checked_key_by_key() {
    let ws = Ws::new("party");
    let config = ws.root.join("duthao.toml");
    let base = std::fs::read_to_string(&config).expect("config");
    let key_a =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBPWkB2DjDKqlbVGzPAwJRgLJdXmd6ja8rvnbyVeT5iT a@x";
    let key_b =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHDgsTVFK8VIr2zyiA2TEbUzYOzZ2FVl53emtQFuzjJ4 b@x";
    let level = |approvers: &str, quorum: u32| {
        format!(
            "{base}\n[[levels]]\nid = \"thu\"\nname = \"Thử\"\nquorum = {quorum}\napprovers = [\n{approvers}\n]\n"
        )
    };
    let cases: Vec<(String, &str)> = vec![
        (
            level(
                &format!(
                    "  {{ name = \"A\", email = \"a@x.vn\", key = \"{key_a}\" }},\n  {{ name = \"A lần hai\", email = \"A@x.vn\", key = \"{key_b}\" }},"
                ),
                2,
            ),
            "list each approver once",
        ),
        (
            level(
                &format!(
                    "  {{ name = \"A\", email = \"a@x.vn\", key = \"{key_a}\" }},\n  {{ name = \"B\", email = \"b@x.vn\", key = \"{key_a}\" }},"
                ),
                2,
            ),
            "same key",
        ),
        (
            level(
                &format!(
                    "  {{ name = \"A\", email = \"a@x.vn\", key = \"{}\" }},",
                    &key_a[..50]
                ),
                1,
            ),
            "not an OpenSSH public key",
        ),
        (
            level(
                &format!(
                    "  {{ name = \"A\", email = \"a@x.vn\", key = \"ssh-ed25519 {}\" }},",
                    "A".repeat(100 * 1024)
                ),
                1,
            ),
            "characters long",
        ),
    ];
    for (text, want) in cases {
        std::fs::write(&config, &text).expect("write");
        let e = ws.fails(&["list"]);
        assert!(e.contains("duthao.toml:"), "{e}");
        assert!(e.contains(want), "{want}: {}", &e[..e.len().min(400)]);
    }
    // A 10 MB configuration is refused before it is read.
    std::fs::write(&config, format!("{base}\n# {}\n", "x".repeat(10 << 20))).expect("write");
    let e = ws.fails(&["list"]);
    assert!(
        e.contains("duthao.toml") && e.contains("larger than"),
        "{e}"
    );
    std::fs::write(&config, &base).expect("restore");
    // A date before 1900 (or a negative year) is refused.
    ws.write_draft(
        SLUG,
        draft_text("nghi-quyet", "về thử", "Nội dung.")
            .replace("date: 2026-03-05", "date: -2026-01-01"),
    );
    let e = ws.fails(&["status", SLUG]);
    assert!(e.contains("is not a date"), "{e}");
    // A title with a line break and "---" stays one value.
    ws.ok(&[
        "new",
        "nghi-quyet",
        "moi",
        "--title",
        "về x\n---\nkind: gia",
    ]);
    let status = ws.json(&["status", "moi"]);
    assert_eq!(status["title"], "về x\n---\nkind: gia");
    assert_eq!(status["kind"], "nghi-quyet");
}

/// `status --json` whose exit code may be 1 (a draft with a problem).
trait StatusJson {
    fn json_status_allowing_error(&self, slug: &str) -> serde_json::Value;
}

impl StatusJson for Ws {
    fn json_status_allowing_error(&self, slug: &str) -> serde_json::Value {
        let out = self.run(&["status", slug, "--json"]).output().expect("run");
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        })
    }
}

#[allow(dead_code)]
fn exists(p: &Path) -> bool {
    p.exists()
}

/// As git does, a repository that belongs to another user is not opened,
/// with the command that marks it safe. (Needs root to give a folder away;
/// CI runs as root.)
#[cfg(unix)]
#[test]
fn a_repository_of_another_user_is_refused_with_the_way_out() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        assert!(
            std::env::var("CI").is_err(),
            "CI runs as root: this check must run there"
        );
        eprintln!("note: skipped: giving a folder to another user needs root");
        return;
    }
    let ws = ws_with_draft();
    let chown = |uid: u32| {
        for e in walk(&ws.root) {
            let c = std::ffi::CString::new(e.as_os_str().as_encoded_bytes()).expect("path");
            // SAFETY: a valid NUL-terminated path.
            unsafe { libc::lchown(c.as_ptr(), uid, uid) };
        }
    };
    chown(65534);
    let e = ws.fails(&["list"]);
    chown(0);
    assert!(e.contains("belongs to another user"), "{e}");
    assert!(e.contains("safe.directory"), "{e}");
}

#[cfg(unix)]
fn walk(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![root.to_path_buf()];
    let mut i = 0;
    while i < out.len() {
        let p = out[i].clone();
        if std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_dir()) {
            for e in std::fs::read_dir(&p).expect("ls").flatten() {
                out.push(e.path());
            }
        }
        i += 1;
    }
    out
}
