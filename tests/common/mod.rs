//! Shared helpers for the CLI tests: a workspace in a temporary folder, the
//! `duthao` binary run against it, and the git CLI to check what it wrote.
//!
//! Every process gets a HOME and git configuration of its own, so the tests
//! never depend on (or touch) the machine's git setup.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;
use tempfile::TempDir;

pub const AUTHOR_NAME: &str = "Nguyễn Văn Thử";
pub const AUTHOR_EMAIL: &str = "thu@example.vn";

/// A private HOME with no git configuration, and the folder tests work in.
pub struct Sandbox {
    tmp: TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let tmp = tempfile::Builder::new()
            .prefix("duthao-test-")
            .tempdir()
            .expect("temporary folder");
        std::fs::create_dir_all(tmp.path().join("home")).expect("home folder");
        Sandbox { tmp }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    fn home(&self) -> PathBuf {
        self.tmp.path().join("home")
    }

    fn isolate(&self, cmd: &mut StdCommand) {
        let home = self.home();
        cmd.env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("NO_COLOR", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE");
    }

    /// `duthao ARGS` with the author set, in the sandbox folder.
    pub fn duthao(&self) -> Command {
        Command::from_std(self.duthao_std())
    }

    /// [`Self::duthao`] as a plain process, to spawn several at once.
    pub fn duthao_std(&self) -> StdCommand {
        let mut std = StdCommand::new(env!("CARGO_BIN_EXE_duthao"));
        self.isolate(&mut std);
        std.env("DUTHAO_AUTHOR_NAME", AUTHOR_NAME)
            .env("DUTHAO_AUTHOR_EMAIL", AUTHOR_EMAIL)
            .current_dir(self.path());
        std
    }

    /// The plain `git` CLI in `dir`, with an identity for the commits tests make.
    pub fn git_cmd(&self, dir: &Path) -> StdCommand {
        let mut cmd = StdCommand::new("git");
        self.isolate(&mut cmd);
        cmd.current_dir(dir)
            .env("GIT_AUTHOR_NAME", "Git User")
            .env("GIT_AUTHOR_EMAIL", "git@example.vn")
            .env("GIT_COMMITTER_NAME", "Git User")
            .env("GIT_COMMITTER_EMAIL", "git@example.vn");
        cmd
    }

    /// Runs git, asserts it succeeded, returns its stdout.
    pub fn git(&self, dir: &Path, args: &[&str]) -> String {
        let out = self.git_cmd(dir).args(args).output().expect("run git");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("git output is UTF-8")
    }

    /// `duthao init DIR --profile PROFILE` in a sub-folder of the sandbox.
    pub fn init(&self, profile: &str) -> PathBuf {
        let root = self.path().join("ws");
        self.duthao()
            .args(["init", "ws", "--profile", profile])
            .assert()
            .success();
        root
    }
}

/// A workspace made by `duthao init` in its own sandbox.
pub struct Ws {
    pub sandbox: Sandbox,
    pub root: PathBuf,
}

impl Ws {
    pub fn new(profile: &str) -> Ws {
        let sandbox = Sandbox::new();
        let root = sandbox.init(profile);
        Ws { sandbox, root }
    }

    /// `duthao demo DIR`: both bundled drafts at v3.
    pub fn demo() -> Ws {
        let sandbox = Sandbox::new();
        sandbox.duthao().args(["demo", "ws"]).assert().success();
        let root = sandbox.path().join("ws");
        Ws { sandbox, root }
    }

    /// `duthao -C ROOT ARGS`.
    pub fn run(&self, args: &[&str]) -> Command {
        let mut cmd = self.sandbox.duthao();
        cmd.arg("-C").arg(&self.root).args(args);
        cmd
    }

    /// `duthao -C ROOT ARGS` as a plain process.
    pub fn std_cmd(&self, args: &[&str]) -> StdCommand {
        let mut cmd = self.sandbox.duthao_std();
        cmd.arg("-C").arg(&self.root).args(args);
        cmd
    }

    /// Runs a command that must succeed and returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args).output().expect("run duthao");
        assert!(
            out.status.success(),
            "duthao {args:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("stdout is UTF-8")
    }

    /// Runs a command with `--json` and parses its output.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all: Vec<&str> = args.to_vec();
        all.push("--json");
        let out = self.ok(&all);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {out}"))
    }

    /// Runs a command that must fail with exit code 1; returns its stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args).output().expect("run duthao");
        assert_eq!(
            out.status.code(),
            Some(1),
            "duthao {args:?}: expected exit 1, got {}; stdout: {}; stderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).expect("stderr is UTF-8")
    }

    pub fn git(&self, args: &[&str]) -> String {
        self.sandbox.git(&self.root, args)
    }

    pub fn draft_path(&self, slug: &str) -> PathBuf {
        self.root.join("drafts").join(format!("{slug}.md"))
    }

    pub fn write_draft(&self, slug: &str, bytes: impl AsRef<[u8]>) {
        std::fs::write(self.draft_path(slug), bytes).expect("write draft");
    }

    pub fn read_draft(&self, slug: &str) -> String {
        std::fs::read_to_string(self.draft_path(slug)).expect("read draft")
    }

    /// Every ref with its target, HEAD, and the index: what a refused command
    /// must leave exactly as it was.
    pub fn snapshot(&self) -> String {
        let head = self
            .sandbox
            .git_cmd(&self.root)
            .args(["rev-parse", "--verify", "-q", "HEAD"])
            .output()
            .expect("git rev-parse");
        let refs = self.git(&["for-each-ref", "--format=%(refname) %(objectname)"]);
        let index = self.git(&["ls-files", "--stage"]);
        format!(
            "HEAD {}\n{refs}\nindex:\n{index}",
            String::from_utf8_lossy(&head.stdout).trim()
        )
    }

    /// `git status --porcelain`.
    pub fn porcelain(&self) -> String {
        self.git(&["status", "--porcelain"])
    }

    /// Version tags of a slug, `git tag -l` sorted by N.
    pub fn version_tags(&self, slug: &str) -> Vec<String> {
        let mut tags: Vec<String> = self
            .git(&["tag", "-l", &format!("duthao/{slug}/*")])
            .lines()
            .map(str::to_string)
            .collect();
        tags.sort_by_key(|t| {
            t.rsplit_once("/v")
                .and_then(|(_, n)| n.parse::<u32>().ok())
                .unwrap_or(u32::MAX)
        });
        tags
    }
}

/// A small valid draft of the party profile.
pub fn draft_text(kind: &str, title: &str, body: &str) -> String {
    format!(
        "---\nkind: {kind}\nissuer:\n  parent: ĐẢNG BỘ TỈNH THÁI NGUYÊN\n  name: TỈNH ỦY THÁI NGUYÊN\n  code: TU\nplace: Thái Nguyên\ndate: 2026-03-05\ntitle: {title}\nrecipients:\n  - Lưu Văn phòng\n---\n\n{body}\n"
    )
}

/// The bundled example drafts: slug and the number of versions.
pub const DEMO_SLUGS: [&str; 2] = [
    "nghi-quyet-xay-dung-dang-2026",
    "quyet-dinh-ke-hoach-chuyen-doi-so",
];
