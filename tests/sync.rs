//! `duthao sync` end to end through the binary and the git CLI: sites that
//! work offline and meet at a bare remote (or through a bundle) lose
//! nothing. Twenty clones syncing at once, two sites approving one version,
//! the drafting-site rule, a draft's text changed on both sides, a tag held
//! differently, syncs killed with SIGKILL at every step, bundles whole and
//! damaged, a remote only the git program reaches with no git installed,
//! and real servers on loopback (`git daemon`, `git http-backend`). Runs
//! without the standard harness so that a missing git shows as "ignored"
//! (failing under CI=true; see `outside`).

mod common;
mod outside;

use std::collections::BTreeSet;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Barrier};

use common::Sandbox;

const SLUG: &str = "nghi-quyet-xay-dung-dang-2026";
const BODY: &str = "Đảng ủy xã Phú Lương";
const DRAFT: &str = "drafts/nghi-quyet-xay-dung-dang-2026.md";

/// A drafting site (`centre`, a workspace made by `duthao init` with
/// `[sync] drafting_site = "centre"`, v1 submitted) and a bare remote it
/// has synced with.
struct Net {
    sandbox: Sandbox,
    centre: PathBuf,
    remote: PathBuf,
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

impl Net {
    fn new() -> Net {
        Net::with_config("")
    }

    /// `extra` is appended to duthao.toml before anything is submitted.
    fn with_config(extra: &str) -> Net {
        let sandbox = Sandbox::new();
        let centre = sandbox.init("party");
        let net = Net {
            remote: sandbox.path().join("remote.git"),
            centre,
            sandbox,
        };
        let mut config = fs::read_to_string(net.centre.join("duthao.toml")).unwrap();
        config.push_str("\n[sync]\ndrafting_site = \"centre\"\n");
        config.push_str(extra);
        fs::write(net.centre.join("duthao.toml"), config).unwrap();
        net.git(&net.centre, &["commit", "-q", "-am", "Các site đồng bộ"]);
        net.ok(&net.centre, &["sync", "--site", "centre"]);
        net.ok(&net.centre, &["submit", SLUG, "-m", "lần 1"]);
        net.git(
            net.sandbox.path(),
            &["init", "-q", "--bare", "-b", "main", "remote.git"],
        );
        let remote = net.remote.display().to_string();
        net.ok(&net.centre, &["sync", &remote]);
        net
    }

    fn duthao(&self, dir: &Path) -> Command {
        let mut cmd = self.sandbox.duthao_std();
        cmd.arg("-C").arg(dir);
        cmd
    }

    fn run(&self, dir: &Path, args: &[&str]) -> Output {
        self.duthao(dir).args(args).output().expect("run duthao")
    }

    fn ok(&self, dir: &Path, args: &[&str]) -> String {
        let out = self.run(dir, args);
        assert!(
            out.status.success(),
            "duthao {args:?} in {} failed ({}): {}",
            dir.display(),
            out.status,
            text(&out)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn git(&self, dir: &Path, args: &[&str]) -> String {
        self.sandbox.git(dir, args)
    }

    /// An annotated tag made by hand with git, as a user could.
    fn annotated_tag(&self, dir: &Path, name: &str, message: &str) {
        self.git(dir, &["tag", "-a", name, "-m", message]);
    }

    /// A clone of the remote, named as the site `name`.
    fn site(&self, name: &str) -> PathBuf {
        let dir = self.sandbox.path().join(name);
        self.git(
            self.sandbox.path(),
            &["clone", "-q", &self.remote.display().to_string(), name],
        );
        self.ok(&dir, &["sync", "--site", name]);
        dir
    }

    /// A comment by the body on the latest version; its id.
    fn comment(&self, dir: &Path, text: &str) -> String {
        let out = self.ok(dir, &["comment", "add", SLUG, "--by", BODY, text, "--json"]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["events"][0]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no id in {out}"))
            .to_string()
    }

    /// `sync --json` until it is not busy; the report.
    fn sync(&self, dir: &Path) -> serde_json::Value {
        for _ in 0..20 {
            let out = self.run(dir, &["sync", "--json"]);
            let v: serde_json::Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("sync --json: {e}: {}", text(&out)));
            if v["status"] == "busy" {
                continue;
            }
            assert!(out.status.success(), "sync failed: {}", text(&out));
            return v;
        }
        panic!("sync stayed busy through 20 runs");
    }

    fn fsck(&self, dir: &Path) {
        let out = self
            .sandbox
            .git_cmd(dir)
            .args(["fsck", "--full", "--strict", "--no-dangling"])
            .output()
            .unwrap();
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "git fsck in {}: {}",
            dir.display(),
            text(&out)
        );
    }

    /// The review events a workspace holds (file names), checked against
    /// its own HEAD: nothing uncommitted, no journal left.
    fn events(&self, dir: &Path) -> BTreeSet<String> {
        assert_eq!(
            self.git(dir, &["status", "--porcelain"]),
            "",
            "{} has changes after sync",
            dir.display()
        );
        assert!(
            self.git(dir, &["for-each-ref", "refs/duthao/sync/pending"])
                .is_empty(),
            "a sync journal is left in {}",
            dir.display()
        );
        self.tree_events(dir, "HEAD")
    }

    fn tree_events(&self, dir: &Path, rev: &str) -> BTreeSet<String> {
        let listed = self.git(dir, &["ls-tree", "-r", "--name-only", rev, "reviews"]);
        let all: Vec<String> = listed.lines().map(str::to_string).collect();
        let set: BTreeSet<String> = all.iter().cloned().collect();
        assert_eq!(set.len(), all.len(), "an event twice in {rev}");
        set
    }

    /// Commits whose subject starts like a review event's, at `rev`: each
    /// event exactly once in the history, never duplicated by a replay.
    fn event_commits(&self, dir: &Path, rev: &str) -> usize {
        self.git(dir, &["log", "--format=%H", "--grep=^Duthao-Event: ", rev])
            .lines()
            .count()
    }

    fn tags(&self, dir: &Path) -> String {
        self.git(
            dir,
            &[
                "for-each-ref",
                "--format=%(refname) %(objectname)",
                "refs/tags",
            ],
        )
    }
}

/// 20 clones in parallel processes: comments and answers, syncs racing on
/// one bare remote, until quiet. Every event everywhere, the remote's
/// history linear (commenting sites replay), `git fsck` clean.
fn twenty_clones() {
    let net = Arc::new(Net::new());
    let names: Vec<String> = (0..20).map(|i| format!("xa-{i:02}")).collect();
    let sites: Vec<PathBuf> = names.iter().map(|n| net.site(n)).collect();
    let barrier = Arc::new(Barrier::new(sites.len()));
    let handles: Vec<_> = sites
        .iter()
        .cloned()
        .map(|dir| {
            let net = Arc::clone(&net);
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                for round in 0..3 {
                    let id = net.comment(&dir, &format!("Góp ý {round} thứ nhất"));
                    net.comment(&dir, &format!("Góp ý {round} thứ hai"));
                    net.ok(&dir, &["comment", "respond", &id, "--accept"]);
                    net.sync(&dir);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("a site's thread panicked");
    }
    // Until quiet: one more round everywhere brings every site up to date.
    for dir in sites.iter().chain([&net.centre]) {
        net.sync(dir);
    }
    let expected = net.tree_events(&net.remote, "main");
    assert_eq!(expected.len(), 20 * 3 * 3, "events at the remote");
    for dir in sites.iter().chain([&net.centre]) {
        assert_eq!(net.events(dir), expected, "events in {}", dir.display());
        net.fsck(dir);
    }
    assert_eq!(net.event_commits(&net.remote, "main"), expected.len());
    assert_eq!(
        net.git(&net.remote, &["rev-list", "--merges", "main"]),
        "",
        "the remote's history has merge commits"
    );
    net.fsck(&net.remote);
}

/// Keys for the approvers `a` and `b` of level `l1` (quorum 2).
fn approvers(net_dir: &Path) -> String {
    let keys = net_dir.join("keys");
    fs::create_dir_all(&keys).unwrap();
    let mut entries = String::new();
    for (k, name) in [("a", "Phó Ban A"), ("b", "Phó Ban B")] {
        let ok = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", k, "-f"])
            .arg(keys.join(k))
            .stdin(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(ok, "ssh-keygen");
        let public = fs::read_to_string(keys.join(format!("{k}.pub"))).unwrap();
        entries.push_str(&format!(
            "  {{ name = \"{name}\", email = \"{k}@example.vn\", key = \"{}\" }},\n",
            public.trim()
        ));
    }
    entries
}

/// A network whose first level (`l1`) needs two approvers' signatures.
fn approval_net() -> (Net, PathBuf) {
    let dir = tempfile::tempdir().unwrap().keep();
    let entries = approvers(&dir);
    let sandbox = Sandbox::new();
    let centre = sandbox.init("party");
    let config = fs::read_to_string(centre.join("duthao.toml")).unwrap();
    // The first level of the default roster, replaced by one with a quorum of 2.
    let start = config.find("[[levels]]").unwrap();
    let config = format!(
        "{}[[levels]]\nid = \"l1\"\nname = \"Ban Tổ chức Tỉnh ủy\"\nquorum = 2\napprovers = [\n{entries}]\n\n{}",
        &config[..start],
        &config[start..]
    );
    let config = config.replace(
        "[organisation]",
        "[sync]\ndrafting_site = \"centre\"\n\n[organisation]",
    );
    fs::write(centre.join("duthao.toml"), &config).unwrap();
    let net = Net {
        remote: sandbox.path().join("remote.git"),
        centre,
        sandbox,
    };
    net.git(&net.centre, &["commit", "-q", "-am", "Hai người duyệt"]);
    net.ok(&net.centre, &["keys", "--write"]);
    net.ok(&net.centre, &["sync", "--site", "centre"]);
    net.ok(&net.centre, &["submit", SLUG, "-m", "lần 1"]);
    net.git(
        net.sandbox.path(),
        &["init", "-q", "--bare", "-b", "main", "remote.git"],
    );
    net.ok(&net.centre, &["sync", &net.remote.display().to_string()]);
    (net, dir.join("keys"))
}

/// Two sites approve the same version offline and sync at the same moment:
/// both approvals are kept everywhere and the quorum of two is met.
fn two_sites_approve_at_once() {
    let (net, keys) = approval_net();
    let net = Arc::new(net);
    let a = net.site("site-a");
    let b = net.site("site-b");
    for (dir, k) in [(&a, "a"), (&b, "b")] {
        let key = keys.join(k).display().to_string();
        net.ok(dir, &["approve", SLUG, "--level", "l1", "--key", &key]);
        net.comment(dir, "Góp ý kèm phê duyệt");
        let status = net.ok(dir, &["status", SLUG]);
        assert!(
            status.contains("1 commit(s) here not yet sent to origin"),
            "{status}"
        );
    }
    let barrier = Arc::new(Barrier::new(2));
    let handles: Vec<_> = [a.clone(), b.clone()]
        .into_iter()
        .map(|dir| {
            let net = Arc::clone(&net);
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                net.sync(&dir);
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    for dir in [&a, &b, &net.centre] {
        net.sync(dir);
    }
    let remote_tags = net.tags(&net.remote);
    assert_eq!(
        remote_tags.matches("/signoff/v1/l1/").count(),
        2,
        "{remote_tags}"
    );
    for dir in [&a, &b, &net.centre] {
        assert_eq!(net.tags(dir), remote_tags, "tags in {}", dir.display());
        let status = net.ok(dir, &["status", SLUG]);
        assert!(status.contains("2/2"), "{status}");
        assert!(status.contains("in step with origin"), "{status}");
        let verify = net.run(dir, &["verify", SLUG]);
        assert!(verify.status.success(), "{}", text(&verify));
        net.fsck(dir);
    }
    // git itself accepts both signatures.
    for tag in remote_tags.lines().filter(|l| l.contains("/signoff/")) {
        let name = tag
            .split(' ')
            .next()
            .unwrap()
            .trim_start_matches("refs/tags/");
        net.git(
            &a,
            &[
                "-c",
                "gpg.ssh.allowedSignersFile=.duthao/allowed_signers",
                "tag",
                "-v",
                name,
            ],
        );
    }
}

/// One key approving at two sites makes two tags of one name: the second
/// sync reports both, changes neither, and `verify` flags it.
fn one_key_at_two_sites() {
    let (net, keys) = approval_net();
    let a = net.site("site-a");
    let b = net.site("site-b");
    let key = keys.join("a").display().to_string();
    net.ok(&a, &["approve", SLUG, "--level", "l1", "--key", &key]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    net.ok(&b, &["approve", SLUG, "--level", "l1", "--key", &key]);
    net.sync(&a);
    let before_b = net.tags(&b);
    let before_remote = net.tags(&net.remote);
    let out = net.run(&b, &["sync"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("conflict:") && said.contains("/signoff/v1/l1/"),
        "{said}"
    );
    assert!(
        said.contains("here:") && said.contains("Phó Ban A"),
        "{said}"
    );
    assert_eq!(net.tags(&b), before_b, "a tag here was replaced");
    assert_eq!(
        net.tags(&net.remote),
        before_remote,
        "a tag at the remote was replaced"
    );
    let verify = net.run(&b, &["verify", SLUG]);
    assert_eq!(verify.status.code(), Some(3), "{}", text(&verify));
    assert!(text(&verify).contains("another site holds a different tag"));
    // Everything else still moved: a comment made at b reaches the remote.
    net.comment(&b, "Góp ý sau khi duyệt");
    let again = net.run(&b, &["sync", "--json"]);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        net.tree_events(&net.remote, "main"),
        net.tree_events(&b, "HEAD")
    );
}

/// Only the drafting site submits: another site is refused, a version tag
/// made there by hand is not sent and `verify` names it.
fn only_the_drafting_site_submits() {
    let net = Net::new();
    let site = net.site("xa-phu-luong");
    let out = net.run(&site, &["submit", SLUG, "-m", "lần 2"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("only the site centre submits versions"),
        "{}",
        text(&out)
    );
    fs::write(
        site.join(DRAFT),
        fs::read_to_string(site.join(DRAFT)).unwrap() + "\nMột câu sửa ở xã.\n",
    )
    .unwrap();
    net.ok(&site, &["commit", SLUG, "-m", "Sửa ở xã"]);
    let status = net.ok(&site, &["status", SLUG]);
    assert!(
        status.contains("the site centre submits the versions")
            && !status.contains("duthao submit"),
        "{status}"
    );
    net.git(&site, &["reset", "-q", "--hard", "HEAD~1"]);
    // By hand, with git: a second "v2".
    fs::write(
        site.join(DRAFT),
        fs::read_to_string(site.join(DRAFT)).unwrap() + "\nĐoạn thêm ở xã.\n",
    )
    .unwrap();
    net.ok(&site, &["commit", SLUG, "-m", "Sửa ở xã"]);
    net.annotated_tag(&site, &format!("duthao/{SLUG}/v2"), "Dự thảo lần 2");
    let out = net.run(&site, &["sync"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("not sent"), "{}", text(&out));
    assert!(
        !net.tags(&net.remote).contains(&format!("duthao/{SLUG}/v2")),
        "the v2 made at the commenting site reached the remote"
    );
    let verify = net.run(&site, &["verify", SLUG]);
    assert_eq!(verify.status.code(), Some(3));
    assert!(text(&verify).contains("names no site"), "{}", text(&verify));
    // The drafting site's own v2 goes out, and comes in at the other site.
    net.git(&site, &["tag", "-d", &format!("duthao/{SLUG}/v2")]);
    net.git(&site, &["reset", "-q", "--hard", "HEAD~1"]);
    net.sync(&net.centre);
    net.ok(&net.centre, &["submit", SLUG, "-m", "lần 2"]);
    let v = net.sync(&net.centre);
    assert_eq!(v["out"]["versions"][0]["n"], 2, "{v}");
    let v = net.sync(&site);
    assert_eq!(v["in"]["versions"][0]["n"], 2, "{v}");
    assert_eq!(net.tags(&site), net.tags(&net.remote));
    let listed = net.ok(&site, &["list"]);
    assert!(listed.contains("v2"), "{listed}");
    assert!(net.run(&site, &["verify", SLUG]).status.success());
    // A site keeps its name.
    let out = net.run(&site, &["sync", "--site", "xa-khac"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("keeps its name"), "{}", text(&out));
}

/// The same place of a draft changed at two sites: sync stops, names the
/// file, keeps both sides, changes nothing; after a merge by hand it goes
/// through. Changes in different places merge by themselves.
fn draft_conflict_keeps_both_sides() {
    let net = Net::new();
    let site = net.site("xa-a");
    let original = fs::read_to_string(net.centre.join(DRAFT)).unwrap();
    let line = original
        .lines()
        .find(|l| l.len() > 40 && !l.starts_with('#') && !l.contains(':'))
        .unwrap()
        .to_string();
    // Different places first: a clean merge.
    fs::write(
        net.centre.join(DRAFT),
        original.replacen(&line, &format!("{line} (trung tâm)"), 1),
    )
    .unwrap();
    net.ok(&net.centre, &["commit", SLUG, "-m", "Sửa ở trung tâm"]);
    net.sync(&net.centre);
    fs::write(site.join(DRAFT), format!("{original}\nĐoạn cuối ở xã.\n")).unwrap();
    net.ok(&site, &["commit", SLUG, "-m", "Thêm ở xã"]);
    let v = net.sync(&site);
    assert_eq!(v["merged_files"][0], DRAFT, "{v}");
    let merged = fs::read_to_string(site.join(DRAFT)).unwrap();
    assert!(merged.contains("(trung tâm)") && merged.contains("Đoạn cuối ở xã."));
    net.sync(&net.centre);

    // The same line: a conflict.
    let now = fs::read_to_string(net.centre.join(DRAFT)).unwrap();
    fs::write(
        net.centre.join(DRAFT),
        now.replacen("(trung tâm)", "(trung tâm sửa lại)", 1),
    )
    .unwrap();
    net.ok(&net.centre, &["commit", SLUG, "-m", "Sửa lại ở trung tâm"]);
    net.sync(&net.centre);
    fs::write(site.join(DRAFT), now.replacen("(trung tâm)", "(xã sửa)", 1)).unwrap();
    net.ok(&site, &["commit", SLUG, "-m", "Sửa ở xã"]);
    let head = net.git(&site, &["rev-parse", "HEAD"]);
    let file = fs::read(site.join(DRAFT)).unwrap();
    let out = net.run(&site, &["sync"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains(DRAFT) && said.contains("Sửa ở xã"), "{said}");
    assert!(said.contains("Sửa lại ở trung tâm"), "{said}");
    assert_eq!(net.git(&site, &["rev-parse", "HEAD"]), head);
    assert_eq!(fs::read(site.join(DRAFT)).unwrap(), file);
    assert_eq!(net.git(&site, &["status", "--porcelain"]), "");
    assert_eq!(
        net.git(&site, &["rev-parse", "refs/duthao/sync/local-before"]),
        head
    );
    assert_eq!(
        net.git(&site, &["rev-parse", "refs/duthao/sync/remote"]),
        net.git(&net.remote, &["rev-parse", "main"])
    );
    // Resolved by hand, as the hint says.
    let merge = net
        .sandbox
        .git_cmd(&site)
        .args(["merge", "-q", "refs/duthao/sync/remote"])
        .output()
        .unwrap();
    assert!(!merge.status.success());
    fs::write(
        site.join(DRAFT),
        now.replacen("(trung tâm)", "(đã thống nhất)", 1),
    )
    .unwrap();
    net.git(&site, &["commit", "-q", "-am", "Thống nhất"]);
    net.sync(&site);
    net.sync(&net.centre);
    assert!(
        fs::read_to_string(net.centre.join(DRAFT))
            .unwrap()
            .contains("(đã thống nhất)")
    );
    net.fsck(&net.remote);
}

/// A sync killed with SIGKILL at each step, then run again: nothing lost,
/// nothing twice, fsck clean, no journal left.
fn killed_anywhere() {
    const POINTS: &[&str] = &[
        "fetched",
        "accepted",
        "integrated",
        "journal",
        "checkout",
        "branch",
        "pack",
        "pushed",
    ];
    let net = Net::new();
    let site = net.site("xa-a");
    // A seeded choice of 10 points, every kind at least once.
    let mut seed: u64 = 0x5eed_2026;
    let mut points: Vec<&str> = POINTS.to_vec();
    while points.len() < 10 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        points.push(POINTS[(seed >> 33) as usize % POINTS.len()]);
    }
    for (run, point) in points.iter().enumerate() {
        for i in 0..3 {
            net.comment(&site, &format!("Lần chạy {run}, góp ý {i} ở xã"));
            net.comment(
                &net.centre,
                &format!("Lần chạy {run}, góp ý {i} ở trung tâm"),
            );
        }
        net.sync(&net.centre);
        let mut sync = net.duthao(&site);
        sync.arg("sync");
        kill_at(sync, point);
        let v = net.sync(&site);
        assert_eq!(v["status"], "done", "after a kill at {point}: {v}");
        net.sync(&net.centre);
        let at_remote = net.tree_events(&net.remote, "main");
        assert_eq!(at_remote.len(), (run + 1) * 6, "after a kill at {point}");
        assert_eq!(net.events(&site), at_remote, "after a kill at {point}");
        assert_eq!(
            net.events(&net.centre),
            at_remote,
            "after a kill at {point}"
        );
        assert_eq!(net.event_commits(&net.remote, "main"), at_remote.len());
        net.fsck(&site);
        net.fsck(&net.remote);
    }
}

/// Runs `sync` (a command ready to spawn) until it pauses at `point`, then
/// kills it with SIGKILL.
fn kill_at(mut sync: Command, point: &str) {
    let mut child = sync
        .env("DUTHAO_SYNC_PAUSE", point)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let paused = BufReader::new(stderr)
        .lines()
        .any(|line| line.is_ok_and(|l| l.starts_with("sync-paused:")));
    assert!(paused, "sync never reached {point}");
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Two workspaces that never share a network: a full bundle there, the
/// answer back with --since, and `git bundle` reading ours (and we its).
fn bundles_round_trip() {
    let net = Net::new();
    let dir = net.sandbox.path();
    let full = dir.join("full.bundle");
    let out = net.ok(
        &net.centre,
        &["sync", "--bundle-out", &full.display().to_string()],
    );
    assert!(out.contains("bundle"), "{out}");
    net.git(
        &net.centre,
        &["bundle", "verify", "-q", &full.display().to_string()],
    );
    // A new site starts from the bundle with git alone.
    net.git(
        dir,
        &["clone", "-q", &full.display().to_string(), "offline"],
    );
    let offline = dir.join("offline");
    net.ok(&offline, &["sync", "--site", "xa-xa"]);
    net.comment(&offline, "Góp ý từ xã không có mạng");
    let centre_tip = net.git(&net.centre, &["rev-parse", "HEAD"]);
    let back = dir.join("back.bundle");
    net.ok(
        &offline,
        &[
            "sync",
            "--bundle-out",
            &back.display().to_string(),
            "--since",
            centre_tip.trim(),
        ],
    );
    net.git(
        &net.centre,
        &["bundle", "verify", "-q", &back.display().to_string()],
    );
    net.comment(&net.centre, "Góp ý ở trung tâm trong khi đó");
    let v: serde_json::Value = serde_json::from_str(&net.ok(
        &net.centre,
        &["sync", "--bundle-in", &back.display().to_string(), "--json"],
    ))
    .unwrap();
    assert_eq!(v["in"]["comments"], 1, "{v}");
    assert_eq!(net.events(&net.centre).len(), 2);
    // The centre now knows what xa-xa had: a bundle for it leaves that out,
    // and carries the version submitted since.
    fs::write(
        net.centre.join(DRAFT),
        fs::read_to_string(net.centre.join(DRAFT)).unwrap() + "\nĐoạn bổ sung.\n",
    )
    .unwrap();
    net.ok(&net.centre, &["commit", SLUG, "-m", "Bổ sung"]);
    net.ok(&net.centre, &["submit", SLUG, "-m", "lần 2"]);
    let reply = dir.join("reply.bundle");
    let out = net.ok(
        &net.centre,
        &[
            "sync",
            "--bundle-out",
            &reply.display().to_string(),
            "--for",
            "xa-xa",
        ],
    );
    assert!(out.contains("history after"), "{out}");
    let bytes = fs::read(&reply).unwrap();
    assert!(bytes.starts_with(b"# v2 git bundle\n-"), "no prerequisite");
    let v: serde_json::Value = serde_json::from_str(&net.ok(
        &offline,
        &[
            "sync",
            "--bundle-in",
            &reply.display().to_string(),
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(v["in"]["versions"][0]["n"], 2, "{v}");
    assert_eq!(net.events(&offline), net.events(&net.centre));
    let unknown = net.run(
        &net.centre,
        &["sync", "--bundle-out", "x.bundle", "--for", "xa-khac"],
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert!(text(&unknown).contains("full bundle"), "{}", text(&unknown));
    // git bundle create's output is read too.
    let made_by_git = dir.join("git.bundle");
    net.git(
        &net.centre,
        &[
            "bundle",
            "create",
            "-q",
            &made_by_git.display().to_string(),
            "--all",
        ],
    );
    net.ok(
        &offline,
        &["sync", "--bundle-in", &made_by_git.display().to_string()],
    );
    assert_eq!(net.events(&offline), net.events(&net.centre));
    net.fsck(&offline);
    net.fsck(&net.centre);
}

/// A damaged, foreign or premature bundle is refused with a clear message
/// and nothing changes: refs, HEAD, the files, git's objects.
fn bad_bundles_change_nothing() {
    let net = Net::new();
    let dir = net.sandbox.path();
    let good = dir.join("good.bundle");
    net.comment(&net.centre, "Góp ý trong gói");
    net.ok(
        &net.centre,
        &[
            "sync",
            "--bundle-out",
            &good.display().to_string(),
            "--since",
            "HEAD~1",
        ],
    );
    let bytes = fs::read(&good).unwrap();
    let header_end = bytes.windows(2).position(|w| w == b"\n\n").unwrap() + 2;
    let mut flipped = bytes.clone();
    let at = header_end + (bytes.len() - header_end) / 2;
    flipped[at] ^= 0x55;
    // Another repository's full bundle.
    let (other, other_ws) = another_repository();
    let foreign = dir.join("foreign.bundle");
    other.git(
        &other_ws,
        &[
            "bundle",
            "create",
            "-q",
            &foreign.display().to_string(),
            "main",
        ],
    );
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "half",
            bytes[..bytes.len() / 2].to_vec(),
            "truncated or damaged",
        ),
        (
            "header only",
            bytes[..header_end].to_vec(),
            "truncated or damaged",
        ),
        ("a byte flipped", flipped, "truncated or damaged"),
        (
            "not a bundle",
            b"PK\x03\x04 a zip file".to_vec(),
            "not a git bundle",
        ),
        ("foreign", fs::read(&foreign).unwrap(), "another repository"),
    ];
    for (what, content, expect) in cases {
        let path = dir.join(format!("bad-{}.bundle", what.replace(' ', "-")));
        fs::write(&path, content).unwrap();
        let ws = &net.centre;
        let before = state(&net, ws);
        let out = net.run(ws, &["sync", "--bundle-in", &path.display().to_string()]);
        assert_eq!(out.status.code(), Some(1), "{what}: {}", text(&out));
        assert!(text(&out).contains(expect), "{what}: {}", text(&out));
        assert!(text(&out).contains("bad-"), "{what}: the file is not named");
        assert_eq!(state(&net, ws), before, "{what} changed something");
    }
    // The good bundle at a site that lacks its prerequisite.
    let lacking = Sandbox::new();
    let fresh = lacking.init("party");
    let before = state(&net, &fresh);
    let out = lacking
        .duthao_std()
        .arg("-C")
        .arg(&fresh)
        .args(["sync", "--bundle-in", &good.display().to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("lacks"), "{}", text(&out));
    assert_eq!(state(&net, &fresh), before);
}

/// A repository with one commit of its own, in a sandbox of its own.
fn another_repository() -> (Sandbox, PathBuf) {
    let other = Sandbox::new();
    let root = other.path().join("other");
    other.git(other.path(), &["init", "-q", "-b", "main", "other"]);
    fs::write(root.join("README"), "một kho khác\n").unwrap();
    other.git(&root, &["add", "README"]);
    other.git(&root, &["commit", "-q", "-m", "Kho khác"]);
    (other, root)
}

/// Refs, HEAD, the index, the files and the object store.
fn state(net: &Net, dir: &Path) -> String {
    let mut packs: Vec<String> = fs::read_dir(dir.join(".git/objects/pack"))
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    packs.sort();
    format!(
        "{}\n{}\n{}\n{}\n{}\n{packs:?}",
        net.git(dir, &["for-each-ref", "--format=%(refname) %(objectname)"]),
        net.git(dir, &["rev-parse", "HEAD"]),
        net.git(dir, &["status", "--porcelain"]),
        net.git(dir, &["ls-files", "--stage"]),
        net.git(dir, &["count-objects", "-v"])
            .lines()
            .filter(|l| !l.starts_with("size"))
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// An address only the git program reaches, with no git on PATH: a clear
/// message, exit 1.
fn no_git_program() {
    let net = Net::new();
    let out = net
        .duthao(&net.centre)
        .args(["sync", "http://127.0.0.1:1/x.git"])
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("needs the git program"),
        "{}",
        text(&out)
    );
}

/// A remote holding another workspace's history is refused: nothing is
/// integrated, the branch and files stay as they were.
fn unrelated_remote_refused() {
    let net = Net::new();
    let (other, _) = another_repository();
    other.git(
        other.path(),
        &["clone", "-q", "--bare", "other", "other.git"],
    );
    let head = net.git(&net.centre, &["rev-parse", "HEAD"]);
    let tags = net.tags(&net.centre);
    let out = net.run(
        &net.centre,
        &[
            "sync",
            &other.path().join("other.git").display().to_string(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("no commit in common"), "{}", text(&out));
    assert_eq!(net.git(&net.centre, &["rev-parse", "HEAD"]), head);
    assert_eq!(net.git(&net.centre, &["status", "--porcelain"]), "");
    assert!(!net.centre.join("README").exists());
    assert_eq!(
        net.tags(&net.centre),
        tags,
        "tags came in from another workspace"
    );
    // A fresh workspace with no remote does not remember the wrong one.
    let solo = Sandbox::new();
    let solo_ws = solo.init("party");
    // (Two `duthao init` in the same second by the same author make the
    // same first commit: another history needs another one.)
    solo.git(
        &solo_ws,
        &["commit", "-q", "--amend", "-m", "Khởi tạo ở nơi khác"],
    );
    let out = solo
        .duthao_std()
        .arg("-C")
        .arg(&solo_ws)
        .args(["sync", &net.remote.display().to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(solo.git(&solo_ws, &["remote"]), "");
    assert_eq!(solo.git(&solo_ws, &["tag", "-l"]), "");
}

/// What another office can send, and what it cannot do with it: an
/// address read as an option by git, refs of the wrong shape, versions and
/// issues made at a site the rule does not allow, a path inside `.git/`, a
/// file in the way of a folder, a working repository as a remote.
fn hostile_remotes_and_sites() {
    let net = Net::new();
    let site = net.site("xa-a");
    // An address git would read as an option runs nothing and is not kept.
    let out = net.run(
        &site,
        &["sync", "--json", "--", "--upload-pack=touch PWNED;:x"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("refused"), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "error", "{v}");
    assert!(!site.join("PWNED").exists() && !net.sandbox.path().join("PWNED").exists());
    assert!(!net.git(&site, &["remote"]).contains("url-"));

    // A ref to a blob at the remote: left there, reported, and every other
    // exchange still works.
    let blob = {
        let out = net
            .sandbox
            .git_cmd(&net.remote)
            .args(["hash-object", "-w", "--stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        out.stdin.as_ref().unwrap().write_all(b"hi\n").unwrap();
        String::from_utf8(out.wait_with_output().unwrap().stdout).unwrap()
    };
    net.git(
        &net.remote,
        &["update-ref", "refs/tags/duthao/x/blobtag", blob.trim()],
    );
    net.comment(&net.centre, "Góp ý sau khi có ref lạ");
    let out = net.run(&net.centre, &["sync"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("not taken in") && text(&out).contains("blob"),
        "{}",
        text(&out)
    );
    let out = net.run(&site, &["sync", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["in"]["comments"], 1, "{v}");
    assert_eq!(v["refused"][0]["ref"], "refs/tags/duthao/x/blobtag", "{v}");
    net.git(
        &net.remote,
        &["update-ref", "-d", "refs/tags/duthao/x/blobtag"],
    );

    // A v2 recording a roster without [sync], and a lightweight issue, both
    // made at the commenting site: neither is sent.
    let old_roster = net.git(&site, &["rev-parse", "HEAD~2:duthao.toml"]);
    net.annotated_tag(
        &site,
        &format!("duthao/{SLUG}/v2"),
        &format!(
            "Dự thảo lần 2\n\nDuthao-Config-Blob: {}\nDuthao-Site: xa-a",
            old_roster.trim()
        ),
    );
    net.git(&site, &["tag", &format!("duthao/{SLUG}/issued")]);
    let out = net.run(&site, &["sync", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let held = v["held_back"].to_string();
    assert!(held.contains("/v2") && held.contains("/issued"), "{v}");
    let at_remote = net.tags(&net.remote);
    assert!(
        !at_remote.contains("/v2") && !at_remote.contains("/issued"),
        "{at_remote}"
    );
    let verify = net.run(&site, &["verify", SLUG]);
    assert_eq!(verify.status.code(), Some(3), "{}", text(&verify));
    assert!(
        text(&verify).contains("made at the site xa-a"),
        "{}",
        text(&verify)
    );
    net.git(&site, &["tag", "-d", &format!("duthao/{SLUG}/v2")]);
    net.git(&site, &["tag", "-d", &format!("duthao/{SLUG}/issued")]);

    net.fsck(&site);
    net.fsck(&net.remote);

    // A commit whose tree holds .git/hooks/post-checkout, pushed with git.
    let head = net.git(&net.centre, &["rev-parse", "HEAD"]);
    let evil = {
        let blob = net.git(&net.centre, &["rev-parse", "HEAD:duthao.toml"]);
        let hooks = mktree(
            &net,
            &format!("100644 blob {}\tpost-checkout\n", blob.trim()),
        );
        let git_dir = mktree(&net, &format!("040000 tree {}\thooks\n", hooks.trim()));
        let listed = net.git(&net.centre, &["ls-tree", "HEAD"]);
        let root = mktree(
            &net,
            &format!("{listed}040000 tree {}\t.git\n", git_dir.trim()),
        );
        net.git(
            &net.centre,
            &[
                "commit-tree",
                root.trim(),
                "-p",
                head.trim(),
                "-m",
                "Cây có .git",
            ],
        )
    };
    net.git(
        &net.centre,
        &[
            "push",
            "-q",
            &net.remote.display().to_string(),
            &format!("{}:refs/heads/main", evil.trim()),
        ],
    );
    let before = net.git(&site, &["rev-parse", "HEAD"]);
    let out = net.run(&site, &["sync"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains(".git/hooks/post-checkout"),
        "{}",
        text(&out)
    );
    assert_eq!(net.git(&site, &["rev-parse", "HEAD"]), before);
    assert!(!site.join(".git/hooks/post-checkout").exists());
    // Nothing is blocked: a comment is still recorded here.
    net.comment(&site, "Vẫn góp ý được");
    net.git(
        &net.centre,
        &[
            "push",
            "-q",
            "-f",
            &net.remote.display().to_string(),
            &format!("{}:refs/heads/main", head.trim()),
        ],
    );

    // An untracked file where the other side puts a folder.
    fs::write(site.join("ghi-chu"), "của riêng tôi\n").unwrap();
    fs::create_dir_all(net.centre.join("ghi-chu")).unwrap();
    fs::write(net.centre.join("ghi-chu/a.md"), "a\n").unwrap();
    fs::write(
        net.centre.join(DRAFT),
        fs::read_to_string(net.centre.join(DRAFT)).unwrap() + "\nĐoạn mới.\n",
    )
    .unwrap();
    net.git(&net.centre, &["add", "-A"]);
    net.git(&net.centre, &["commit", "-q", "-m", "Thư mục ghi chú"]);
    net.sync(&net.centre);
    let draft = fs::read(site.join(DRAFT)).unwrap();
    let before = net.git(&site, &["rev-parse", "HEAD"]);
    let out = net.run(&site, &["sync"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("ghi-chu"), "{}", text(&out));
    assert_eq!(
        fs::read(site.join(DRAFT)).unwrap(),
        draft,
        "the draft was half updated"
    );
    assert_eq!(net.git(&site, &["rev-parse", "HEAD"]), before);
    assert_eq!(
        fs::read_to_string(site.join("ghi-chu")).unwrap(),
        "của riêng tôi\n"
    );
    fs::remove_file(site.join("ghi-chu")).unwrap();
    net.sync(&site);

    // A working repository given by its .git folder is not a remote.
    net.git(
        net.sandbox.path(),
        &["clone", "-q", &net.remote.display().to_string(), "working"],
    );
    let out = net.run(
        &site,
        &[
            "sync",
            &net.sandbox
                .path()
                .join("working/.git")
                .display()
                .to_string(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("not a bare"), "{}", text(&out));
    // (No fsck here: the commit with .git in its tree is still in both
    // object stores, unreachable, as git's own fetch would leave it with
    // transfer.fsckObjects off.)
}

fn mktree(net: &Net, listing: &str) -> String {
    let mut mk = net
        .sandbox
        .git_cmd(&net.centre)
        .args(["mktree"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    mk.stdin
        .take()
        .unwrap()
        .write_all(listing.as_bytes())
        .unwrap();
    String::from_utf8(mk.wait_with_output().unwrap().stdout).unwrap()
}

/// A workspace that took up [sync] after its first version, then handed
/// the drafting over to another site; and a sync killed mid-move while the
/// user edits the file it was moving.
fn adoption_handover_and_an_edit_after_a_kill() {
    let sandbox = Sandbox::new();
    let centre = sandbox.init("party");
    let run = |dir: &Path, args: &[&str]| -> Output {
        sandbox
            .duthao_std()
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .unwrap()
    };
    let ok = |dir: &Path, args: &[&str]| {
        let out = run(dir, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    // v1 before any site existed.
    ok(&centre, &["submit", SLUG, "-m", "lần 1"]);
    let mut config = fs::read_to_string(centre.join("duthao.toml")).unwrap();
    config.push_str("\n[sync]\ndrafting_site = \"centre\"\n");
    fs::write(centre.join("duthao.toml"), &config).unwrap();
    sandbox.git(&centre, &["commit", "-q", "-am", "Các site đồng bộ"]);
    ok(&centre, &["sync", "--site", "centre"]);
    sandbox.git(
        sandbox.path(),
        &["init", "-q", "--bare", "-b", "main", "remote.git"],
    );
    let remote = sandbox.path().join("remote.git");
    ok(&centre, &["sync", &remote.display().to_string()]);
    sandbox.git(
        sandbox.path(),
        &["clone", "-q", &remote.display().to_string(), "xa-a"],
    );
    let site = sandbox.path().join("xa-a");
    ok(&site, &["sync", "--site", "xa-a"]);
    assert!(
        ok(&site, &["list"]).contains("v1"),
        "v1 did not reach the site"
    );

    // The drafting passes to xa-a: its v2 goes everywhere, verify agrees.
    fs::write(
        centre.join("duthao.toml"),
        config.replace("drafting_site = \"centre\"", "drafting_site = \"xa-a\""),
    )
    .unwrap();
    sandbox.git(&centre, &["commit", "-q", "-am", "Bàn giao việc soạn thảo"]);
    ok(&centre, &["sync"]);
    ok(&site, &["sync"]);
    fs::write(
        site.join(DRAFT),
        fs::read_to_string(site.join(DRAFT)).unwrap() + "\nĐoạn mới của xã.\n",
    )
    .unwrap();
    ok(&site, &["commit", SLUG, "-m", "Sửa"]);
    ok(&site, &["submit", SLUG, "-m", "lần 2"]);
    ok(&site, &["sync"]);
    ok(&centre, &["sync"]);
    assert!(ok(&centre, &["list"]).contains("v2"));
    for dir in [&centre, &site] {
        let v = run(dir, &["verify", SLUG]);
        assert!(v.status.success(), "{}", text(&v));
    }

    // A sync killed after its journal; the user then edits the draft.
    let before = fs::read_to_string(centre.join(DRAFT)).unwrap();
    fs::write(site.join(DRAFT), format!("{before}\nThêm nữa.\n")).unwrap();
    ok(&site, &["commit", SLUG, "-m", "Thêm"]);
    ok(&site, &["sync"]);
    let mut sync = sandbox.duthao_std();
    sync.arg("-C").arg(&centre).arg("sync");
    kill_at(sync, "journal");
    fs::write(centre.join(DRAFT), format!("{before}\nSửa của tôi.\n")).unwrap();
    let out = run(&centre, &["sync"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("duthao commit"), "{}", text(&out));
    // What the message asks for works, and so does the next sync.
    ok(&centre, &["commit", SLUG, "-m", "Của tôi"]);
    let out = run(&centre, &["sync"]);
    assert!(
        out.status.code() == Some(0) || text(&out).contains("same place"),
        "{}",
        text(&out)
    );
}

/// Which loopback server a test goes through.
#[derive(Clone, Copy)]
enum Server {
    Daemon,
    Http,
}

/// Two sites and the drafting site meet through a real server on
/// loopback: comments both ways, two approvals pushed at the same moment
/// (racing each other), the answers carried back.
fn through(server: Server) {
    let (net, keys) = approval_net();
    let root = net.sandbox.path().to_path_buf();
    let (_daemon, _http, url) = match server {
        Server::Daemon => {
            let d = outside::servers::GitDaemon::start(&root);
            let url = d.url("remote.git");
            (Some(d), None, url)
        }
        Server::Http => {
            let h = outside::servers::HttpGit::start(&root);
            let url = h.url("remote.git");
            (None, Some(h), url)
        }
    };
    let net = Arc::new(net);
    let mut sites = Vec::new();
    for name in ["site-a", "site-b"] {
        net.git(net.sandbox.path(), &["clone", "-q", &url, name]);
        let dir = net.sandbox.path().join(name);
        net.ok(&dir, &["sync", "--site", name]);
        sites.push(dir);
    }
    for (dir, k) in sites.iter().zip(["a", "b"]) {
        let key = keys.join(k).display().to_string();
        net.ok(dir, &["approve", SLUG, "--level", "l1", "--key", &key]);
        net.comment(dir, &format!("Góp ý của {k}"));
    }
    let barrier = Arc::new(Barrier::new(2));
    let handles: Vec<_> = sites
        .iter()
        .cloned()
        .map(|dir| {
            let net = Arc::clone(&net);
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                let v = net.sync(&dir);
                assert_eq!(v["remote"]["transport"], "git", "{v}");
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    net.ok(&net.centre, &["sync", &url]);
    net.comment(&net.centre, "Trả lời ở trung tâm");
    net.ok(&net.centre, &["sync", &url]);
    for dir in &sites {
        net.sync(dir);
    }
    let at_remote = net.tree_events(&net.remote, "main");
    assert_eq!(at_remote.len(), 3);
    for dir in sites.iter().chain([&net.centre]) {
        assert_eq!(net.events(dir), at_remote, "{}", dir.display());
        assert_eq!(net.tags(dir), net.tags(&net.remote), "{}", dir.display());
        let verify = net.run(dir, &["verify", SLUG]);
        assert!(verify.status.success(), "{}", text(&verify));
        net.fsck(dir);
    }
    assert_eq!(net.tags(&net.remote).matches("/signoff/v1/l1/").count(), 2);
    net.fsck(&net.remote);
}

/// A remote whose every push is overtaken: sync retries with back-off,
/// then stops as busy after its bound, everything kept here; the next sync
/// sends it.
fn busy_remote() {
    let net = Net::new();
    let root = net.sandbox.path().to_path_buf();
    let daemon = outside::servers::GitDaemon::start(&root);
    let url = daemon.url("remote.git");
    // A hook that turns every push away as git does when another push took
    // the branch's lock first.
    let hook = net.remote.join("hooks/pre-receive");
    fs::write(
        &hook,
        "#!/bin/sh\necho \"error: cannot lock ref 'refs/heads/main': is at 1111111 but expected 2222222\" >&2\nexit 1\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&hook, fs::Permissions::from_mode(0o755)).unwrap();
    net.comment(&net.centre, "Góp ý chờ gửi");
    let started = std::time::Instant::now();
    let out = net.run(&net.centre, &["sync", &url, "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "busy", "{v}");
    assert_eq!(v["attempts"], 10, "{v}");
    assert!(started.elapsed() < std::time::Duration::from_secs(90));
    assert!(v["notes"].to_string().contains("nothing was lost"), "{v}");
    fs::remove_file(&hook).unwrap();
    let v = net.sync(&net.centre);
    assert_eq!(v["out"]["comments"], 1, "{v}");
    assert_eq!(net.tree_events(&net.remote, "main").len(), 1);
}

fn over_git_daemon() {
    through(Server::Daemon);
}

fn over_http_backend() {
    through(Server::Http);
}

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    let git = [outside::GIT];
    let keys = [outside::GIT, outside::SSH_KEYGEN];
    let t = |name: &str, f: fn()| outside::trial(name, &git, f);
    let trials = vec![
        t("twenty_clones", twenty_clones),
        outside::trial(
            "two_sites_approve_at_once",
            &keys,
            two_sites_approve_at_once,
        ),
        outside::trial("one_key_at_two_sites", &keys, one_key_at_two_sites),
        t(
            "only_the_drafting_site_submits",
            only_the_drafting_site_submits,
        ),
        t(
            "draft_conflict_keeps_both_sides",
            draft_conflict_keeps_both_sides,
        ),
        t("killed_anywhere", killed_anywhere),
        t("bundles_round_trip", bundles_round_trip),
        t("bad_bundles_change_nothing", bad_bundles_change_nothing),
        t("no_git_program", no_git_program),
        t("unrelated_remote_refused", unrelated_remote_refused),
        t("hostile_remotes_and_sites", hostile_remotes_and_sites),
        outside::trial("over_git_daemon", &keys, over_git_daemon),
        t("busy_remote", busy_remote),
        t(
            "adoption_handover_and_an_edit_after_a_kill",
            adoption_handover_and_an_edit_after_a_kill,
        ),
        outside::trial("over_http_backend", &keys, over_http_backend),
    ];
    libtest_mimic::run(&args, trials).exit();
}
