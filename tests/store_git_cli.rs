//! What the store writes through libgit2 must read back with the real git
//! CLI. Runs without the standard harness so that a check whose program
//! (git, ssh-keygen) is missing shows as "ignored" (see `outside`).

mod outside;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Barrier};

use duthao_store::{HeadState, Identity, Store, StoreError};

/// Runs git in `dir` with no user or system configuration in play; panics
/// with git's stderr when it fails.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "CLI")
        .env("GIT_AUTHOR_EMAIL", "cli@example.org")
        .env("GIT_COMMITTER_NAME", "CLI")
        .env("GIT_COMMITTER_EMAIL", "cli@example.org")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("git prints UTF-8 here")
}

fn who() -> Identity {
    Identity {
        name: "Phạm Văn Dũng".into(),
        email: "dung@example.org".into(),
    }
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn fsck_clean(root: &Path) {
    let out = Command::new("git")
        .args(["fsck", "--full", "--strict", "--no-dangling"])
        .current_dir(root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && !stdout.contains("error") && !stderr.contains("error"),
        "git fsck: {stdout}{stderr}"
    );
}

fn git_reads_commits_and_version_tags() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let store = Store::init(root).unwrap();
    assert_eq!(
        git(root, &["symbolic-ref", "HEAD"]).trim(),
        "refs/heads/main"
    );

    write(root, "drafts/x.md", "Điều 1. Phạm vi.\n");
    let c1 = store
        .commit_paths(&[Path::new("drafts/x.md")], "Dự thảo ban đầu", &who())
        .unwrap();
    write(root, "notes.txt", "không liên quan\n");
    store
        .commit_paths(&[Path::new("notes.txt")], "Ghi chú", &who())
        .unwrap();
    write(root, "drafts/x.md", "Điều 1. Phạm vi điều chỉnh.\n");
    write(root, "notes.txt", "không liên quan, đã sửa\n");
    let c2 = store
        .commit_paths(&[Path::new("drafts/x.md")], "Sửa Điều 1", &who())
        .unwrap();

    assert_eq!(
        git(root, &["log", "--format=%s", "--", "drafts/x.md"]),
        "Sửa Điều 1\nDự thảo ban đầu\n"
    );
    assert_eq!(
        git(root, &["log", "-1", "--format=%an <%ae>"]).trim(),
        "Phạm Văn Dũng <dung@example.org>"
    );
    assert_eq!(git(root, &["rev-parse", "HEAD"]).trim(), c2.to_string());
    // The committed draft is clean; the unrelated edit stays modified and unstaged.
    assert_eq!(git(root, &["status", "--porcelain"]), " M notes.txt\n");

    let revs = store.revisions(Path::new("drafts/x.md")).unwrap();
    assert_eq!(
        revs.iter().map(|r| r.commit).collect::<Vec<_>>(),
        vec![c2, c1]
    );

    let v1 = store
        .create_version("x", c1, "Gửi các ban góp ý", &who())
        .unwrap();
    let v2 = store.create_version("x", c2, "", &who()).unwrap();
    assert_eq!((v1.n, v2.n), (1, 2));

    assert_eq!(git(root, &["cat-file", "-t", "duthao/x/v1"]).trim(), "tag");
    assert_eq!(
        git(root, &["rev-parse", "duthao/x/v1^{commit}"]).trim(),
        c1.to_string()
    );
    assert_eq!(
        git(root, &["tag", "-l", "duthao/*"]),
        "duthao/x/v1\nduthao/x/v2\n"
    );
    let body = git(root, &["cat-file", "-p", "duthao/x/v1"]);
    assert!(body.contains("tag duthao/x/v1\n"), "{body}");
    assert!(
        body.contains("tagger Phạm Văn Dũng <dung@example.org> "),
        "{body}"
    );
    assert!(
        body.ends_with("\n\nDự thảo lần 1\n\nGửi các ban góp ý\n"),
        "{body}"
    );
    assert_eq!(
        git(
            root,
            &[
                "for-each-ref",
                "--format=%(refname) %(objecttype) %(*objecttype) %(contents:subject)",
                "refs/tags/duthao/",
            ],
        ),
        "refs/tags/duthao/x/v1 tag commit Dự thảo lần 1\n\
         refs/tags/duthao/x/v2 tag commit Dự thảo lần 2\n"
    );
    fsck_clean(root);

    // Refs packed by git are still seen, and still block a duplicate number.
    git(root, &["pack-refs", "--all"]);
    let store = Store::open(root).unwrap();
    assert_eq!(store.versions("x").unwrap().len(), 2);
    assert!(matches!(
        store.create_tag_ref("duthao/x/v2", v2.tag_oid.unwrap()),
        Err(StoreError::TagExists { .. })
    ));
}

fn unborn_repository_made_by_git_and_detached_head() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "trunk"]);
    let store = Store::open(root).unwrap();
    assert_eq!(
        store.head_state().unwrap(),
        HeadState::Unborn("trunk".into())
    );
    write(root, "drafts/y.md", "a) điểm a\n");
    let first = store
        .commit_paths(&[Path::new("drafts/y.md")], "Đầu tiên", &who())
        .unwrap();
    assert_eq!(git(root, &["rev-parse", "trunk"]).trim(), first.to_string());
    assert_eq!(git(root, &["rev-list", "--count", "HEAD"]).trim(), "1");
    assert_eq!(git(root, &["status", "--porcelain"]), "");

    git(root, &["checkout", "-q", "--detach"]);
    write(root, "drafts/y.md", "a) điểm a sửa\n");
    let err = store
        .commit_paths(&[Path::new("drafts/y.md")], "x", &who())
        .unwrap_err();
    assert!(matches!(err, StoreError::Detached { .. }), "{err}");
    assert!(err.to_string().contains(&first.to_string()[..7]), "{err}");
    fsck_clean(root);
}

fn concurrent_submits_never_share_or_skip_a_number() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let store = Store::init(&root).unwrap();
    let mut commits = Vec::new();
    for i in 0..24 {
        write(&root, "drafts/x.md", &format!("Lần sửa {i}\n"));
        commits.push(
            store
                .commit_paths(&[Path::new("drafts/x.md")], &format!("sửa {i}"), &who())
                .unwrap(),
        );
    }

    let mut won = 0;
    let mut lost = 0;
    let mut winners = Vec::new();
    for round in commits.chunks(8) {
        let barrier = Arc::new(Barrier::new(round.len()));
        let handles: Vec<_> = round
            .iter()
            .map(|&commit| {
                let root = root.clone();
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    let store = Store::open(&root).unwrap();
                    barrier.wait();
                    store.create_version("x", commit, "đồng thời", &who())
                })
            })
            .collect();
        for handle in handles {
            match handle.join().unwrap() {
                Ok(version) => {
                    won += 1;
                    winners.push((version.n, version.tag_oid));
                }
                Err(StoreError::ConcurrentSubmit { .. }) => lost += 1,
                Err(e) => panic!("unexpected error: {e}"),
            }
        }
    }

    eprintln!("{won} submits won, {lost} lost the race");
    let versions = store.versions("x").unwrap();
    let numbers: Vec<u32> = versions.iter().map(|v| v.n).collect();
    assert_eq!(numbers, (1..=won).collect::<Vec<u32>>());
    // Every winner's tag is the one stored under its number.
    winners.sort();
    let stored: Vec<_> = versions.iter().map(|v| (v.n, v.tag_oid)).collect();
    assert_eq!(winners, stored);
    let frozen: BTreeSet<_> = versions.iter().map(|v| v.commit).collect();
    assert_eq!(frozen.len(), versions.len(), "one commit frozen twice");
    let tags = git(&root, &["tag", "-l", "duthao/x/*"]);
    assert_eq!(tags.lines().count(), won as usize);
    fsck_clean(&root);
}

fn concurrent_commits_all_land_and_keep_the_index_right() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let store = Store::init(&root).unwrap();
    write(&root, "README.md", "workspace\n");
    store
        .commit_paths(&[Path::new("README.md")], "start", &who())
        .unwrap();
    for i in 0..8 {
        write(&root, &format!("drafts/d{i}.md"), &format!("Dự thảo {i}\n"));
    }
    let barrier = Arc::new(Barrier::new(8));
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let root = root.clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let store = Store::open(&root).unwrap();
                let path = format!("drafts/d{i}.md");
                barrier.wait();
                (
                    path.clone(),
                    store.commit_paths(&[Path::new(&path)], &path, &who()),
                )
            })
        })
        .collect();
    let mut committed = BTreeSet::new();
    for handle in handles {
        match handle.join().unwrap() {
            (path, Ok(_)) => {
                committed.insert(path);
            }
            (path, Err(e)) => panic!("{path}: {e}"),
        }
    }
    // Racing commits are rebuilt on the new tip: all of them land.
    assert_eq!(committed.len(), 8);
    let log = git(&root, &["log", "--format=%s"]);
    let in_log: BTreeSet<String> = log
        .lines()
        .filter(|l| *l != "start")
        .map(str::to_string)
        .collect();
    assert_eq!(in_log, committed);
    // Committed drafts are clean, the others still untracked: the index
    // holds every winner's entry, none undone by a later writer.
    let status = git(&root, &["status", "--porcelain", "--untracked-files=all"]);
    for i in 0..8 {
        let path = format!("drafts/d{i}.md");
        let untracked = status.contains(&format!("?? {path}\n"));
        assert_eq!(untracked, !committed.contains(&path), "{path}: {status}");
    }
    assert_eq!(
        status.lines().count(),
        8 - committed.len(),
        "unexpected status: {status}"
    );
    fsck_clean(&root);
}

/// The tag layout leaves room for an SSH signature exactly where
/// `git tag -v` looks for it: signing `tag_payload` with ssh-keygen and
/// passing the armored block to `write_tag` gives a tag git verifies.
fn git_tag_v_accepts_an_ssh_signed_tag_written_through_the_odb() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    let keys = dir.path().join("keys");
    fs::create_dir_all(&keys).unwrap();
    let key = keys.join("id_ed25519");
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "dung", "-f"])
        .arg(&key)
        .status()
        .unwrap();
    assert!(made.success());
    let public = fs::read_to_string(keys.join("id_ed25519.pub")).unwrap();
    let allowed = keys.join("allowed_signers");
    fs::write(&allowed, format!("dung@example.org {public}")).unwrap();

    let store = Store::init(&root).unwrap();
    write(&root, "drafts/x.md", "Điều 1.\n");
    let commit = store
        .commit_paths(&[Path::new("drafts/x.md")], "x", &who())
        .unwrap();
    let when = duthao_store::When {
        seconds: 1_790_000_000,
        offset_minutes: 420,
    };
    let message = "Phê duyệt cấp Ban Tổ chức\n";
    let payload = duthao_store::tag_payload(
        "duthao/x/v1",
        commit,
        duthao_store::ObjectKind::Commit,
        &who(),
        when,
        message,
    );
    let payload_file = keys.join("payload");
    fs::write(&payload_file, &payload).unwrap();
    let signed = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", "git", "-f"])
        .arg(&key)
        .arg(&payload_file)
        .output()
        .unwrap();
    assert!(
        signed.status.success(),
        "{}",
        String::from_utf8_lossy(&signed.stderr)
    );
    let signature = fs::read_to_string(keys.join("payload.sig")).unwrap();

    let tag = store
        .write_tag(
            "duthao/x/v1",
            commit,
            &who(),
            when,
            message,
            Some(&signature),
        )
        .unwrap();
    store.create_tag_ref("duthao/x/v1", tag).unwrap();
    assert!(store.versions("x").unwrap()[0].signed);

    let allowed_cfg = format!("gpg.ssh.allowedSignersFile={}", allowed.display());
    let verify = |name: &str| {
        Command::new("git")
            .args([
                "-c",
                "gpg.format=ssh",
                "-c",
                &allowed_cfg,
                "tag",
                "-v",
                name,
            ])
            .current_dir(&root)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap()
    };
    let ok = verify("duthao/x/v1");
    assert!(
        ok.status.success(),
        "git tag -v refused: {}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stderr).contains("Good \"git\" signature"));

    // The same signature over a different message is refused.
    let forged = store
        .write_tag(
            "duthao/x/v2",
            commit,
            &who(),
            when,
            "Phê duyệt cấp Ban Thường vụ\n",
            Some(&signature),
        )
        .unwrap();
    store.create_tag_ref("duthao/x/v2", forged).unwrap();
    assert!(!verify("duthao/x/v2").status.success());
    fsck_clean(&root);
}

fn identity_comes_from_the_repository_git_config() {
    if std::env::var_os("DUTHAO_AUTHOR_NAME").is_some()
        || std::env::var_os("DUTHAO_AUTHOR_EMAIL").is_some()
    {
        eprintln!(
            "note: DUTHAO_AUTHOR_* set in the environment; they win over git config, skipping"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = Store::init(dir.path()).unwrap();
    git(dir.path(), &["config", "user.name", "Hoàng Thị Em"]);
    git(dir.path(), &["config", "user.email", "em@example.org"]);
    let me = store.identity().unwrap();
    assert_eq!(
        (me.name.as_str(), me.email.as_str()),
        ("Hoàng Thị Em", "em@example.org")
    );
}

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    let trials = vec![
        outside::trial(
            "git_reads_commits_and_version_tags",
            &[outside::GIT],
            git_reads_commits_and_version_tags,
        ),
        outside::trial(
            "unborn_repository_made_by_git_and_detached_head",
            &[outside::GIT],
            unborn_repository_made_by_git_and_detached_head,
        ),
        outside::trial(
            "concurrent_submits_never_share_or_skip_a_number",
            &[outside::GIT],
            concurrent_submits_never_share_or_skip_a_number,
        ),
        outside::trial(
            "concurrent_commits_all_land_and_keep_the_index_right",
            &[outside::GIT],
            concurrent_commits_all_land_and_keep_the_index_right,
        ),
        outside::trial(
            "git_tag_v_accepts_an_ssh_signed_tag_written_through_the_odb",
            &[outside::GIT, outside::SSH_KEYGEN],
            git_tag_v_accepts_an_ssh_signed_tag_written_through_the_odb,
        ),
        outside::trial(
            "identity_comes_from_the_repository_git_config",
            &[outside::GIT],
            identity_comes_from_the_repository_git_config,
        ),
    ];
    libtest_mimic::run(&args, trials).exit();
}
