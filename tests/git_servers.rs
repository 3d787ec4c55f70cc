//! The loopback git servers of `outside::servers` work with the real git
//! CLI: clone, push a commit and a tag, clone again, over `git://` and smart
//! HTTP, and a push large enough that git sends it chunked. Runs without
//! the standard harness so that a missing git shows as "ignored" (failing
//! under CI=true; see `outside`).

mod outside;

use std::fs;
use std::path::Path;

use outside::servers::{GitDaemon, HttpGit, git, init_bare};

/// Clones `url` (an empty repository) into `work/first`, commits a file,
/// pushes it and an annotated tag, clones again into `work/second` and
/// checks that the commit and the tag came back, and that the bare
/// repository `bare` holds both.
fn round_trip(url: &str, bare: &Path, work: &Path) {
    git(work, &["clone", "--quiet", url, "first"]);
    let first = work.join("first");
    fs::write(first.join("note.txt"), "xin chào\n").unwrap();
    git(&first, &["add", "note.txt"]);
    git(&first, &["commit", "--quiet", "-m", "first note"]);
    git(&first, &["push", "--quiet", "origin", "main"]);
    git(&first, &["tag", "-a", "v1", "-m", "release one"]);
    git(&first, &["push", "--quiet", "origin", "v1"]);
    let head = git(&first, &["rev-parse", "HEAD"]);

    assert_eq!(git(bare, &["rev-parse", "refs/heads/main"]), head);
    assert_eq!(git(bare, &["rev-parse", "v1^{commit}"]), head);

    git(work, &["clone", "--quiet", url, "second"]);
    let second = work.join("second");
    assert_eq!(git(&second, &["rev-parse", "HEAD"]), head);
    assert_eq!(git(&second, &["log", "-1", "--format=%s"]), "first note");
    assert_eq!(git(&second, &["tag", "-l"]), "v1");
    assert_eq!(git(&second, &["rev-parse", "v1^{commit}"]), head);
    assert_eq!(
        git(&second, &["cat-file", "-t", "v1"]),
        "tag",
        "the tag stays annotated"
    );
    assert_eq!(
        fs::read_to_string(second.join("note.txt")).unwrap(),
        "xin chào\n"
    );
}

fn git_daemon_clone_push_tag_clone() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("served");
    let work = tmp.path().join("work");
    fs::create_dir_all(&work).unwrap();
    let bare = init_bare(&root, "origin.git");
    let daemon = GitDaemon::start(&root);
    assert!(daemon.url("origin.git").starts_with("git://127.0.0.1:"));
    round_trip(&daemon.url("origin.git"), &bare, &work);
}

fn git_daemon_reports_a_missing_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let daemon = GitDaemon::start(tmp.path());
    let out = outside::servers::git_command(tmp.path())
        .args(["ls-remote", &daemon.url("nowhere.git")])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no such repository"),
        "an informative error: {stderr}"
    );
}

fn http_clone_push_tag_clone() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("served");
    let work = tmp.path().join("work");
    fs::create_dir_all(&work).unwrap();
    let bare = init_bare(&root, "origin.git");
    let server = HttpGit::start(&root);
    assert!(server.url("origin.git").starts_with("http://127.0.0.1:"));
    round_trip(&server.url("origin.git"), &bare, &work);
    let served = server.served();
    assert!(
        served
            .iter()
            .any(|r| r.method == "POST" && r.path == "/origin.git/git-receive-pack"),
        "pushed through receive-pack: {served:#?}"
    );
    assert!(served.iter().all(|r| r.status == 200), "{served:#?}");
}

fn http_missing_repository_is_404() {
    let tmp = tempfile::tempdir().unwrap();
    let server = HttpGit::start(tmp.path());
    let out = outside::servers::git_command(tmp.path())
        .args(["ls-remote", &server.url("nowhere.git")])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let served = server.served();
    assert!(served.iter().any(|r| r.status == 404), "{served:#?}");
}

/// Bytes that do not compress (xorshift), so the pack stays as large.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        out.extend_from_slice(&seed.to_le_bytes());
    }
    out.truncate(len);
    out
}

fn http_large_push_is_chunked() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("served");
    let work = tmp.path().join("work");
    fs::create_dir_all(&work).unwrap();
    let bare = init_bare(&root, "big.git");
    let server = HttpGit::start(&root);
    let url = server.url("big.git");

    git(&work, &["clone", "--quiet", &url, "first"]);
    let first = work.join("first");
    let data = noise(3 * 1024 * 1024, 0x9E37_79B9_7F4A_7C15);
    fs::write(first.join("big.bin"), &data).unwrap();
    git(&first, &["add", "big.bin"]);
    git(&first, &["commit", "--quiet", "-m", "big"]);
    git(&first, &["push", "--quiet", "origin", "main"]);
    let head = git(&first, &["rev-parse", "HEAD"]);
    assert_eq!(git(&bare, &["rev-parse", "main"]), head);

    let served = server.served();
    let push = served
        .iter()
        .find(|r| r.path.ends_with("/git-receive-pack") && r.chunked)
        .unwrap_or_else(|| panic!("no chunked push among {served:#?}"));
    assert!(push.body_len > data.len(), "{push:?}");

    git(&work, &["clone", "--quiet", &url, "second"]);
    let second = work.join("second");
    assert_eq!(git(&second, &["rev-parse", "HEAD"]), head);
    assert!(fs::read(second.join("big.bin")).unwrap() == data);
}

fn http_gzipped_fetch_request() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("served");
    let work = tmp.path().join("work");
    let local = work.join("local");
    fs::create_dir_all(&local).unwrap();
    init_bare(&root, "many.git");
    let server = HttpGit::start(&root);
    let url = server.url("many.git");

    // 60 commits, each tagged: a clone wants 60 objects, a request body
    // past the 1 KiB from which git gzips it.
    git(&local, &["init", "--quiet", "-b", "main"]);
    let mut stream = String::new();
    for i in 1..=60 {
        stream += &format!(
            "commit refs/heads/main\nmark :{i}\n\
             committer Tester <tester@example.org> {} +0000\n\
             data {}\nstep {i:02}\n",
            1_700_000_000 + i,
            "step 00\n".len()
        );
        if i > 1 {
            stream += &format!("from :{}\n", i - 1);
        }
        stream += "\n";
    }
    for i in 1..=60 {
        stream += &format!("reset refs/tags/t{i:02}\nfrom :{i}\n\n");
    }
    let mut child = outside::servers::git_command(&local)
        .args(["fast-import", "--quiet"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stream.as_bytes())
            .unwrap();
    }
    assert!(child.wait().unwrap().success(), "git fast-import failed");
    git(&local, &["push", "--quiet", &url, "main", "--tags"]);

    git(&work, &["clone", "--quiet", &url, "copy"]);
    let copy = work.join("copy");
    assert_eq!(git(&copy, &["tag", "-l"]).lines().count(), 60);
    assert_eq!(
        git(&copy, &["rev-parse", "t60"]),
        git(&local, &["rev-parse", "main"])
    );
    let served = server.served();
    assert!(
        served
            .iter()
            .any(|r| r.path.ends_with("/git-upload-pack") && r.gzip && r.status == 200),
        "no gzipped fetch request among {served:#?}"
    );
}

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    let needs = [outside::GIT];
    let trials = vec![
        outside::trial(
            "git_daemon_clone_push_tag_clone",
            &needs,
            git_daemon_clone_push_tag_clone,
        ),
        outside::trial(
            "git_daemon_reports_a_missing_repository",
            &needs,
            git_daemon_reports_a_missing_repository,
        ),
        outside::trial(
            "http_clone_push_tag_clone",
            &needs,
            http_clone_push_tag_clone,
        ),
        outside::trial(
            "http_missing_repository_is_404",
            &needs,
            http_missing_repository_is_404,
        ),
        outside::trial(
            "http_large_push_is_chunked",
            &needs,
            http_large_push_is_chunked,
        ),
        outside::trial(
            "http_gzipped_fetch_request",
            &needs,
            http_gzipped_fetch_request,
        ),
    ];
    libtest_mimic::run(&args, trials).exit();
}
