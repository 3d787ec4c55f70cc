//! Writes never destroy what they do not own: `-o` onto devices, FIFOs,
//! links, git's own files, the workspace's drafts and configuration, the
//! command's inputs, folders and missing folders; output onto a full disk;
//! an interrupted write leaves no temporary file.

mod common;

use std::path::Path;
use std::process::Stdio;

use common::Ws;

const NQ: &str = "nghi-quyet-xay-dung-dang-2026";

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[cfg(unix)]
fn is_char_device(p: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_char_device())
}

#[cfg(unix)]
#[test]
fn devices_are_written_through_never_replaced() {
    let ws = Ws::demo();
    ws.ok(&["export", NQ, "-o", "/dev/null"]);
    ws.ok(&[
        "diff",
        NQ,
        "v1",
        "v2",
        "--format",
        "html",
        "-o",
        "/dev/null",
    ]);
    ws.ok(&[
        "diff",
        NQ,
        "v1",
        "v2",
        "--format",
        "docx",
        "-o",
        "/dev/null",
    ]);
    assert!(
        is_char_device(Path::new("/dev/null")),
        "/dev/null is still a device"
    );
    // /dev/stdout is standard output, whatever it is connected to.
    let out = ws
        .run(&[
            "diff",
            NQ,
            "v1",
            "v2",
            "--format",
            "json",
            "-o",
            "/dev/stdout",
        ])
        .output()
        .expect("run");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"blocks\""));
    ws.ok(&["diff", NQ, "v1", "v2", "--format", "json", "-o", "-"]);
    if Path::new("/dev/full").exists() {
        let e = ws.fails(&["export", NQ, "-o", "/dev/full"]);
        assert!(
            e.contains("/dev/full") && e.contains("No space left"),
            "{e}"
        );
        assert!(is_char_device(Path::new("/dev/full")));
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_is_written_through() {
    let ws = Ws::demo();
    let fifo = ws.sandbox.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(&fifo).expect("read the fifo"))
    };
    ws.ok(&[
        "diff",
        NQ,
        "v1",
        "v2",
        "--format",
        "markdown",
        "-o",
        s(&fifo),
    ]);
    let got = reader.join().expect("reader");
    assert!(String::from_utf8_lossy(&got).contains("{++") || !got.is_empty());
    let ft = std::fs::symlink_metadata(&fifo).expect("fifo").file_type();
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&ft), "still a FIFO");
}

#[cfg(unix)]
#[test]
fn links_git_files_drafts_config_and_inputs_are_refused() {
    let ws = Ws::demo();
    let before = ws.snapshot();
    let draft = ws.read_draft(NQ);
    let config = std::fs::read(ws.root.join("duthao.toml")).expect("config");
    let git_config = std::fs::read(ws.root.join(".git/config")).expect("git config");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "diff".into(),
                NQ.into(),
                "v1".into(),
                "v2".into(),
                "-o".into(),
                format!(".git/refs/tags/duthao/{NQ}/v1"),
            ],
            "git's own folder",
        ),
        (
            vec![
                "export".into(),
                NQ.into(),
                "-o".into(),
                ".git/x.docx".into(),
            ],
            "git's own folder",
        ),
        (
            vec![
                "diff".into(),
                NQ.into(),
                "v1".into(),
                "v2".into(),
                "-o".into(),
                ".git/config".into(),
            ],
            "git's own folder",
        ),
        (
            vec![
                "diff".into(),
                NQ.into(),
                "v1".into(),
                "v2".into(),
                "--format".into(),
                "markdown".into(),
                "-o".into(),
                format!("drafts/{NQ}.md"),
            ],
            "a draft of this workspace",
        ),
        (
            vec![
                "diff".into(),
                NQ.into(),
                "v1".into(),
                "v2".into(),
                "-o".into(),
                "duthao.toml".into(),
            ],
            "configuration",
        ),
        (
            vec![
                "diff".into(),
                NQ.into(),
                "v1".into(),
                "v2".into(),
                "-o".into(),
                "drafts".into(),
            ],
            "is a folder",
        ),
        (
            vec![
                "diff".into(),
                NQ.into(),
                "v1".into(),
                "v2".into(),
                "-o".into(),
                "no/such/folder/x.html".into(),
            ],
            "does not exist",
        ),
    ];
    for (args, want) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = ws.run(&args).current_dir(&ws.root).output().expect("run");
        let e = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {e}");
        assert!(e.contains(want), "{args:?}: {e}");
    }
    assert_eq!(ws.snapshot(), before, "refs and index untouched");
    assert_eq!(ws.read_draft(NQ), draft);
    assert_eq!(
        std::fs::read(ws.root.join("duthao.toml")).expect("config"),
        config
    );
    assert_eq!(
        std::fs::read(ws.root.join(".git/config")).expect("git config"),
        git_config
    );
    ws.git(&["fsck", "--no-dangling"]);

    // A link is never written through, and a folder link cannot carry
    // output out of the workspace.
    let target = ws.sandbox.path().join("precious.txt");
    std::fs::write(&target, "keep me").expect("write");
    let link = ws.root.join("out.html");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let e = ws.fails(&["diff", NQ, "v1", "v2", "--format", "html", "-o", s(&link)]);
    assert!(e.contains("symbolic link"), "{e}");
    assert_eq!(std::fs::read_to_string(&target).expect("read"), "keep me");
    let outside = ws.sandbox.path().join("elsewhere");
    std::fs::create_dir_all(&outside).expect("mkdir");
    std::os::unix::fs::symlink(&outside, ws.root.join("exports")).expect("symlink");
    let e = ws.fails(&[
        "diff",
        NQ,
        "v1",
        "v2",
        "--format",
        "html",
        "-o",
        s(&ws.root.join("exports/x.html")),
    ]);
    assert!(e.contains("outside the workspace"), "{e}");
    assert!(!outside.join("x.html").exists());

    // `diff --files A B -o B` would overwrite its own input.
    let a = ws.sandbox.path().join("a.md");
    let b = ws.sandbox.path().join("b.md");
    std::fs::write(&a, &draft).expect("write");
    std::fs::write(&b, draft.replace("Nghị quyết", "Nghị quyết này")).expect("write");
    let b_before = std::fs::read(&b).expect("read");
    let e = ws.fails(&[
        "diff",
        "--files",
        s(&a),
        s(&b),
        "--format",
        "markdown",
        "-o",
        s(&b),
    ]);
    assert!(e.contains("one of the files being compared"), "{e}");
    assert_eq!(std::fs::read(&b).expect("read"), b_before);
}

#[cfg(unix)]
#[test]
fn listings_into_a_full_disk_report_the_error() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let ws = Ws::demo();
    for args in [
        vec!["list"],
        vec!["list", "--json"],
        vec!["status", NQ],
        vec!["log", NQ],
        vec!["diff", NQ, "v1", "v2"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = ws
            .std_cmd(&args)
            .stdout(Stdio::from(full))
            .output()
            .expect("run");
        let e = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {e}");
        assert!(
            e.contains("cannot write to standard output"),
            "{args:?}: {e}"
        );
        assert!(!e.contains("panicked"), "{args:?}: {e}");
    }
}

/// A long redline written to a file, interrupted: the file does not appear
/// and no temporary file is left behind.
#[cfg(unix)]
#[test]
fn an_interrupted_write_leaves_no_temporary_file() {
    let ws = Ws::demo();
    // On a busy machine the write may finish between seeing its temporary
    // file and the signal: then try again with a longer one.
    for copies in [6_000, 20_000, 60_000] {
        if interrupt_a_write(&ws, copies) {
            return;
        }
    }
    panic!("every write finished before it could be interrupted");
}

/// Returns false when the write finished before it was interrupted.
#[cfg(unix)]
fn interrupt_a_write(ws: &Ws, copies: usize) -> bool {
    let dir = ws.sandbox.path().join(format!("big-{copies}"));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let base = ws.read_draft(NQ);
    let (head, body) = base.split_once("\n---\n").expect("front matter");
    let mut a = String::from(head);
    a.push_str("\n---\n");
    let mut b = a.clone();
    for i in 0..copies {
        a.push_str(&format!("\n{body}\nĐoạn thêm số {i}.\n"));
        b.push_str(&format!(
            "\n{}\nĐoạn thêm số {}.\n",
            body.replace("Đảng", "Đảng bộ"),
            i + 1
        ));
    }
    std::fs::write(dir.join("a.md"), &a).expect("write");
    std::fs::write(dir.join("b.md"), &b).expect("write");
    let mut child = ws
        .sandbox
        .duthao_std()
        .current_dir(&dir)
        .args([
            "diff", "--files", "a.md", "b.md", "--format", "html", "-o", "out.html",
        ])
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let temporary = |d: &Path| {
        std::fs::read_dir(d)
            .expect("ls")
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().starts_with(".duthao-"))
    };
    let start = std::time::Instant::now();
    let mut caught = false;
    while start.elapsed() < std::time::Duration::from_secs(300) {
        if temporary(&dir) {
            caught = true;
            break;
        }
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    if !caught {
        let _ = child.wait();
        return false;
    }
    // SAFETY: sending a signal to our own child process.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let status = child.wait().expect("wait");
    if status.success() {
        return false;
    }
    // The handler removed the temporary file and exited as the signal would.
    assert_eq!(status.code(), Some(128 + libc::SIGTERM), "{status:?}");
    assert!(!temporary(&dir), "a temporary file was left behind");
    assert!(!dir.join("out.html").exists(), "no half-written output");
    true
}
