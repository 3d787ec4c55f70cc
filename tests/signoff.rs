//! Sign-off end to end through the `duthao` binary: approvals level by
//! level, the clerk's issue, the register, `verify`, `export --final` and
//! `verify --docx`, and the attacks on the record each of them must catch:
//! a forged or re-pointed tag, a key not listed or listed elsewhere, levels
//! out of order, a padded quorum, a text edited after approval, a roster
//! or allowed-signers file changed after the fact, a tag copied from
//! another draft or version, a number changed or given twice, a
//! self-approval, a rejection. Tags are hand-made as git makes them
//! (payload, `ssh-keygen -Y sign -n git`, `git hash-object -t tag`) to play
//! the attacker. Keys are made in temporary folders. Runs without the
//! standard harness so that a missing git or ssh-keygen shows as "ignored"
//! (failing under CI=true; see `outside`).

mod common;
mod outside;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use duthao_approval::{Decision, DecisionFields, decision_message, decision_tag_name};

const SLUG: &str = "nghi-quyet-xay-dung-dang-2026";
const L1: &str = "ban-to-chuc";
const L2: &str = "van-phong";
const L3: &str = "ban-thuong-vu";

/// Someone with a key: the file name under `keys/`, name and email.
const PEOPLE: &[(&str, &str, &str)] = &[
    ("drafter", "Người soạn thảo", "soan@example.vn"),
    ("a", "Trưởng Ban Tổ chức", "a@example.vn"),
    ("b1", "Chánh Văn phòng", "b1@example.vn"),
    ("b2", "Phó Chánh Văn phòng 1", "b2@example.vn"),
    ("b3", "Phó Chánh Văn phòng 2", "b3@example.vn"),
    ("c", "Bí thư Tỉnh ủy", "c@example.vn"),
    ("vt", "Văn thư", "vt@example.vn"),
    ("x", "Người ngoài", "x@example.vn"),
];

fn person(key: &str) -> (&'static str, &'static str) {
    let p = PEOPLE
        .iter()
        .find(|p| p.0 == key)
        .unwrap_or_else(|| panic!("no person {key}"));
    (p.1, p.2)
}

/// The shared fixture: a workspace whose duthao.toml lists a (level 1),
/// b1, b2, b3 (level 2, quorum 2), c (level 3) and the clerk vt; the
/// allowed-signers file written and committed; version 1 submitted and
/// signed by the drafter's key.
struct Fx {
    ws: common::Ws,
    keys: PathBuf,
}

/// Options of the roster.
#[derive(Default)]
struct Roster {
    /// The drafter's key also listed at level 1 (under another email).
    drafter_at_l1: bool,
    /// Level 1 approves only when its comments are answered, and one body
    /// comments at it.
    l1_requires_responses: bool,
}

fn keygen(dir: &Path, name: &str) {
    let ok = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(dir.join(name))
        .stdin(Stdio::null())
        .status()
        .expect("run ssh-keygen")
        .success();
    assert!(ok, "ssh-keygen -t ed25519 failed");
}

fn out_text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

impl Fx {
    fn new() -> Fx {
        Fx::with(Roster::default())
    }

    fn with(opts: Roster) -> Fx {
        let ws = common::Ws::new("party");
        let keys = ws.sandbox.path().join("keys");
        fs::create_dir_all(&keys).unwrap();
        for (k, _, _) in PEOPLE {
            keygen(&keys, k);
        }
        let fx = Fx { ws, keys };
        fs::write(fx.ws.root.join("duthao.toml"), fx.config(&opts, &[])).unwrap();
        fx.ws.git(&["add", "duthao.toml"]);
        fx.ws.git(&["commit", "-q", "-m", "approvers"]);
        fx.ws.ok(&["keys", "--write"]);
        fx.submit();
        fx
    }

    fn key(&self, k: &str) -> PathBuf {
        self.keys.join(k)
    }

    fn key_str(&self, k: &str) -> String {
        self.key(k).display().to_string()
    }

    fn public(&self, k: &str) -> String {
        fs::read_to_string(self.key(k).with_extension("pub"))
            .unwrap()
            .trim()
            .to_string()
    }

    /// `SHA256:…` of a key.
    fn fingerprint(&self, k: &str) -> String {
        let out = Command::new("ssh-keygen")
            .args(["-l", "-E", "sha256", "-f"])
            .arg(self.key(k).with_extension("pub"))
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout)
            .unwrap()
            .split_whitespace()
            .nth(1)
            .unwrap()
            .to_string()
    }

    /// The duthao.toml text; `extra` adds (level, key, name, email) approvers.
    fn config(&self, opts: &Roster, extra: &[(&str, &str, &str, &str)]) -> String {
        let entry = |k: &str| {
            let (name, email) = person(k);
            format!(
                "  {{ name = \"{name}\", email = \"{email}\", key = \"{}\" }},\n",
                self.public(k)
            )
        };
        let extras = |level: &str| -> String {
            extra
                .iter()
                .filter(|e| e.0 == level)
                .map(|e| {
                    format!(
                        "  {{ name = \"{}\", email = \"{}\", key = \"{}\" }},\n",
                        e.2,
                        e.3,
                        self.public(e.1)
                    )
                })
                .collect()
        };
        let mut l1 = entry("a");
        if opts.drafter_at_l1 {
            l1.push_str(&format!(
                "  {{ name = \"Người soạn thảo\", email = \"soan.duyet@example.vn\", key = \"{}\" }},\n",
                self.public("drafter")
            ));
        }
        l1.push_str(&extras(L1));
        let l2 = format!(
            "{}{}{}{}",
            entry("b1"),
            entry("b2"),
            entry("b3"),
            extras(L2)
        );
        let l3 = format!("{}{}", entry("c"), extras(L3));
        let (vt_name, vt_email) = person("vt");
        let (responses, bodies) = if opts.l1_requires_responses {
            (
                "require_responses = true\n",
                format!("\n[[bodies]]\nname = \"Ban Tuyên giáo\"\nlevel = \"{L1}\"\n"),
            )
        } else {
            ("", String::new())
        };
        format!(
            r#"profile = "party"

[organisation]
parent = "ĐẢNG BỘ TỈNH THÁI NGUYÊN"
name = "TỈNH ỦY THÁI NGUYÊN"
code = "TU"
place = "Thái Nguyên"
term = "2025-2030"

[[levels]]
id = "co-so"
name = "Cấp cơ sở"

[[levels]]
id = "{L1}"
name = "Ban Tổ chức Tỉnh ủy"
quorum = 1
{responses}approvers = [
{l1}]

[[levels]]
id = "{L2}"
name = "Văn phòng Tỉnh ủy"
quorum = 2
approvers = [
{l2}]

[[levels]]
id = "{L3}"
name = "Ban Thường vụ Tỉnh ủy"
quorum = 1
approvers = [
{l3}]

[[clerks]]
name = "{vt_name}"
email = "{vt_email}"
key = "{}"
{bodies}"#,
            self.public("vt")
        )
    }

    fn run(&self, args: &[&str]) -> Output {
        self.ws.run(args).output().expect("run duthao")
    }

    fn ok(&self, args: &[&str]) -> String {
        self.ws.ok(args)
    }

    fn submit_slug(&self, slug: &str) {
        self.ok(&[
            "submit",
            slug,
            "--key",
            &self.key_str("drafter"),
            "-m",
            "lần",
        ]);
    }

    fn submit(&self) {
        self.submit_slug(SLUG);
    }

    fn approve_slug(&self, slug: &str, level: &str, k: &str) {
        self.ok(&["approve", slug, "--level", level, "--key", &self.key_str(k)]);
    }

    fn approve(&self, level: &str, k: &str) {
        self.approve_slug(SLUG, level, k);
    }

    /// Every level approves, in order.
    fn approve_all_slug(&self, slug: &str) {
        self.approve_slug(slug, L1, "a");
        self.approve_slug(slug, L2, "b1");
        self.approve_slug(slug, L2, "b2");
        self.approve_slug(slug, L3, "c");
    }

    fn approve_all(&self) {
        self.approve_all_slug(SLUG);
    }

    fn issue(&self) {
        self.ok(&["issue", SLUG, "--key", &self.key_str("vt")]);
    }

    /// A command that must be refused: non-zero exit, `word` in what it
    /// says, nothing written (refs, HEAD, index, work tree).
    fn refused(&self, args: &[&str], words: &[&str]) -> String {
        let before = (self.ws.snapshot(), self.ws.porcelain());
        let out = self.run(args);
        let text = out_text(&out);
        assert!(
            !out.status.success(),
            "duthao {args:?} should be refused but succeeded: {text}"
        );
        assert!(
            words.iter().any(|w| text.contains(w)),
            "duthao {args:?}: expected one of {words:?} in: {text}"
        );
        assert_eq!(
            before,
            (self.ws.snapshot(), self.ws.porcelain()),
            "duthao {args:?} was refused but wrote something"
        );
        text
    }

    /// `duthao verify` must exit 3 and name the problem with one of `words`.
    fn verify_catches(&self, words: &[&str]) -> String {
        let out = self.run(&["verify"]);
        let text = out_text(&out);
        assert_eq!(
            out.status.code(),
            Some(3),
            "verify should exit 3 (expected {words:?}): {text}"
        );
        assert!(
            words.iter().any(|w| text.contains(w)),
            "verify: expected one of {words:?} in: {text}"
        );
        text
    }

    fn verify_clean(&self) {
        let out = self.run(&["verify"]);
        assert_eq!(out.status.code(), Some(0), "verify: {}", out_text(&out));
    }

    fn git(&self, args: &[&str]) -> String {
        self.ws.git(args)
    }

    fn rev(&self, name: &str) -> String {
        self.git(&["rev-parse", &format!("{name}^{{commit}}")])
            .trim()
            .to_string()
    }

    /// The content hash of the draft in `commit`, as duthao computes it.
    fn content(&self, slug: &str, commit: &str) -> String {
        let text = self.git(&["show", &format!("{commit}:drafts/{slug}.md")]);
        duthao::model::issue_fields::content_sha256(&text)
    }

    /// The tags under a prefix.
    fn tags(&self, prefix: &str) -> Vec<String> {
        self.git(&["tag", "-l", &format!("{prefix}*")])
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn only_tag(&self, prefix: &str) -> String {
        let t = self.tags(prefix);
        assert_eq!(t.len(), 1, "tags under {prefix}: {t:?}");
        t[0].clone()
    }

    /// `git -c gpg.ssh.allowedSignersFile=.duthao/allowed_signers tag -v`.
    fn tag_v(&self, name: &str) -> (bool, String) {
        let out = self
            .ws
            .sandbox
            .git_cmd(&self.ws.root)
            .args([
                "-c",
                "gpg.ssh.allowedSignersFile=.duthao/allowed_signers",
                "tag",
                "-v",
                name,
            ])
            .output()
            .unwrap();
        (out.status.success(), out_text(&out))
    }

    fn git_stdin(&self, args: &[&str], input: &[u8]) -> String {
        let mut child = self
            .ws
            .sandbox
            .git_cmd(&self.ws.root)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", out_text(&out));
        String::from_utf8(out.stdout).unwrap()
    }

    /// Writes raw tag object bytes and points `refs/tags/<name>` at them.
    fn write_tag_object(&self, name: &str, raw: &[u8]) -> String {
        let oid = self
            .git_stdin(&["hash-object", "-t", "tag", "-w", "--stdin"], raw)
            .trim()
            .to_string();
        self.git(&["update-ref", &format!("refs/tags/{name}"), &oid]);
        oid
    }

    /// A signed tag made by hand, as git makes it: the payload signed by
    /// `key` with `ssh-keygen -Y sign -n git`, the armored signature
    /// appended.
    fn sign_tag(&self, name: &str, target: &str, message: &str, tagger: &str, key: &str) {
        let time = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let payload = format!(
            "object {target}\ntype commit\ntag {name}\ntagger {tagger} {time} +0000\n\n{message}"
        );
        let mut child = Command::new("ssh-keygen")
            .args(["-Y", "sign", "-n", "git", "-f"])
            .arg(self.key(key))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(payload.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "ssh-keygen -Y sign: {}",
            out_text(&out)
        );
        let mut raw = payload.into_bytes();
        raw.extend_from_slice(&out.stdout);
        self.write_tag_object(name, &raw);
    }

    /// A hand-made decision tag on version `n` of `slug`, signed by `key`,
    /// named after `name_key`'s fingerprint, recording what `edit` leaves
    /// of the honest fields; points at `target` (the version's commit when
    /// None). Returns the tag's name.
    fn hand_decision(
        &self,
        slug: &str,
        n: u32,
        level: &str,
        key: &str,
        edit: impl FnOnce(&mut DecisionFields),
        target: Option<&str>,
    ) -> String {
        let commit = self.rev(&format!("duthao/{slug}/v{n}"));
        let (name, email) = person(key);
        let mut f = DecisionFields {
            slug: slug.to_string(),
            version: n,
            commit: commit.clone(),
            version_tag: self
                .git(&["rev-parse", &format!("refs/tags/duthao/{slug}/v{n}")])
                .trim()
                .to_string(),
            content: self.content(slug, &commit),
            level: level.to_string(),
            decision: Decision::Approve,
            approver_name: name.to_string(),
            approver_email: email.to_string(),
            time: "2026-03-01T08:00:00Z".to_string(),
            note: String::new(),
        };
        edit(&mut f);
        let tag = decision_tag_name(slug, n, level, &self.fingerprint(key));
        let message = decision_message(&f, level);
        let tagger = format!("{} <{}>", f.approver_name, f.approver_email);
        self.sign_tag(&tag, target.unwrap_or(&commit), &message, &tagger, key);
        tag
    }

    /// Rewrites the tag object of `name` with `edit` over its raw bytes
    /// (signature kept), and points the ref at the new object.
    fn rewrite_tag(&self, name: &str, edit: impl FnOnce(String) -> String) {
        let raw = self.git(&["cat-file", "tag", name]);
        let new = edit(raw.clone());
        assert_ne!(raw, new, "the rewrite changed nothing");
        self.write_tag_object(name, new.as_bytes());
    }

    /// Edits the draft on disk and commits it with git.
    fn edit_and_commit(&self, slug: &str, from: &str, to: &str) -> String {
        let path = self.ws.root.join(format!("drafts/{slug}.md"));
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from:?} not in the draft");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
        self.git(&["commit", "-q", "-a", "-m", "sửa"]);
        self.rev("HEAD")
    }

    /// A second draft of the same kind, committed and submitted.
    fn second_draft(&self) -> &'static str {
        let other = "nghi-quyet-khac-2026";
        let text = fs::read_to_string(self.ws.root.join(format!("drafts/{SLUG}.md"))).unwrap();
        let text = text.replacen(
            "về công tác tổ chức xây dựng Đảng năm 2026",
            "về công tác kiểm tra năm 2026",
            1,
        );
        fs::write(self.ws.root.join(format!("drafts/{other}.md")), text).unwrap();
        self.git(&["add", "drafts"]);
        self.git(&["commit", "-q", "-m", "dự thảo khác"]);
        self.submit_slug(other);
        other
    }
}

// 1.
fn happy_path() {
    let fx = Fx::new();
    fx.approve(L1, "a");
    fx.approve(L2, "b1");
    fx.approve(L2, "b2");
    fx.approve(L3, "c");
    fx.issue();
    let reg = fx.ws.json(&["register"]);
    let text = reg.to_string();
    let entry = reg
        .as_array()
        .and_then(|a| a.first())
        .or_else(|| reg["entries"].as_array().and_then(|a| a.first()))
        .unwrap_or_else(|| panic!("the register lists nothing: {text}"));
    assert_eq!(entry["slug"], SLUG, "{text}");
    assert_eq!(entry["number"], 1, "{text}");
    assert_eq!(entry["kind"], "NGHỊ QUYẾT", "{text}");
    assert_eq!(entry["version"], 1, "{text}");
    assert_eq!(entry["tag"], format!("duthao/{SLUG}/issued"), "{text}");
    assert!(
        entry["number_text"].as_str().unwrap().contains("NQ/TU"),
        "{text}"
    );
    assert!(
        entry["register"].as_str().unwrap().contains("2025-2030"),
        "{text}"
    );
    assert_eq!(entry["clerk"], "Văn thư", "{text}");
    fx.verify_clean();

    let docx = fx.ws.sandbox.path().join("final.docx");
    let docx_s = docx.display().to_string();
    fx.ok(&["export", SLUG, "--final", "-o", &docx_s]);
    let out = fx.run(&["verify", "--docx", &docx_s]);
    assert_eq!(out.status.code(), Some(0), "{}", out_text(&out));

    let mut tags = fx.tags(&format!("duthao/{SLUG}/signoff/"));
    assert_eq!(tags.len(), 4, "{tags:?}");
    tags.push(format!("duthao/{SLUG}/issued"));
    for t in &tags {
        let (ok, said) = fx.tag_v(t);
        assert!(ok, "git tag -v {t}: {said}");
    }
}

// 2.
fn forged_signature() {
    let fx = Fx::new();
    fx.approve(L1, "a");
    let tag = fx.only_tag(&format!("duthao/{SLUG}/signoff/v1/{L1}/"));
    assert!(fx.tag_v(&tag).0);
    fx.rewrite_tag(&tag, |raw| raw.replacen("Phê duyệt", "Phê duyet", 1));
    fx.verify_catches(&["forged", "signature"]);
    let (ok, said) = fx.tag_v(&tag);
    assert!(!ok, "git tag -v accepted a changed byte: {said}");
    // The forged approval does not count: level 2 cannot approve yet.
    fx.refused(
        &["approve", SLUG, "--level", L2, "--key", &fx.key_str("b1")],
        &["in order", "not approved"],
    );
}

// 3.
fn key_not_listed() {
    let fx = Fx::new();
    fx.refused(
        &["approve", SLUG, "--level", L1, "--key", &fx.key_str("x")],
        &["not listed"],
    );
    fx.hand_decision(
        SLUG,
        1,
        L1,
        "x",
        |f| {
            f.approver_name = "Trưởng Ban Tổ chức".into();
            f.approver_email = "a@example.vn".into();
        },
        None,
    );
    fx.verify_catches(&["not listed"]);
}

// 4.
fn wrong_level() {
    let fx = Fx::new();
    fx.approve(L1, "a");
    fx.approve(L2, "b1");
    fx.approve(L2, "b2");
    fx.refused(
        &["approve", SLUG, "--level", L3, "--key", &fx.key_str("a")],
        &["not at", "own level"],
    );
    fx.hand_decision(SLUG, 1, L3, "a", |_| {}, None);
    fx.verify_catches(&["wrong level"]);
}

// 5.
fn level_out_of_order() {
    let fx = Fx::new();
    fx.refused(
        &["approve", SLUG, "--level", L2, "--key", &fx.key_str("b1")],
        &["in order"],
    );
    fx.hand_decision(SLUG, 1, L2, "b1", |_| {}, None);
    fx.verify_catches(&["in order"]);
}

// 6.
fn quorum_padded() {
    let fx = Fx::new();
    fx.approve(L1, "a");
    fx.approve(L2, "b1");
    // b1 again, by the CLI: refused.
    fx.refused(
        &["approve", SLUG, "--level", L2, "--key", &fx.key_str("b1")],
        &["already decided"],
    );
    // b1 again, by hand, signed by b1 under another name (b2's key id):
    // the tag does not count, and level 2 still has 1 of 2.
    let commit = fx.rev(&format!("duthao/{SLUG}/v1"));
    let (name, email) = person("b1");
    let f = DecisionFields {
        slug: SLUG.into(),
        version: 1,
        commit: commit.clone(),
        version_tag: fx
            .git(&["rev-parse", &format!("refs/tags/duthao/{SLUG}/v1")])
            .trim()
            .to_string(),
        content: fx.content(SLUG, &commit),
        level: L2.into(),
        decision: Decision::Approve,
        approver_name: name.into(),
        approver_email: email.into(),
        time: "2026-03-01T08:00:00Z".into(),
        note: String::new(),
    };
    let other = decision_tag_name(SLUG, 1, L2, &fx.fingerprint("b2"));
    fx.sign_tag(
        &other,
        &commit,
        &decision_message(&f, L2),
        &format!("{name} <{email}>"),
        "b1",
    );
    let said = fx.verify_catches(&["once", "another key"]);
    assert!(said.contains("1/2"), "b1 counted twice? {said}");
    fx.refused(
        &["approve", SLUG, "--level", L3, "--key", &fx.key_str("c")],
        &["in order", "1 of 2"],
    );

    // Two names on one key in duthao.toml: the configuration is refused.
    let cfg = fx.config(
        &Roster::default(),
        &[(L2, "b1", "Người khác", "khac@example.vn")],
    );
    fs::write(fx.ws.root.join("duthao.toml"), &cfg).unwrap();
    let out = fx.run(&["verify"]);
    let text = out_text(&out);
    assert!(
        !out.status.success(),
        "verify accepted a shared key: {text}"
    );
    // The file, and the line of the key's first holder.
    let first = cfg
        .lines()
        .position(|l| l.contains("b1@example.vn"))
        .unwrap()
        + 1;
    assert!(
        text.contains(&format!("duthao.toml:{first}")),
        "names the file and line {first}: {text}"
    );
    assert!(text.contains("same key"), "{text}");
}

// 7.
fn tag_moved_to_another_commit() {
    let fx = Fx::new();
    let new = fx.edit_and_commit(SLUG, "lúng túng", "khó khăn");
    fx.hand_decision(SLUG, 1, L1, "a", |_| {}, Some(&new));
    fx.verify_catches(&["moved"]);
}

// 8.
fn text_edited_after_approval() {
    let fx = Fx::new();
    fx.approve_all();
    fx.issue();
    fx.verify_clean();
    fx.edit_and_commit(SLUG, "lúng túng", "khó khăn");
    fx.verify_catches(&["edited after approval"]);

    // Before issue: the version tag moved to another text.
    let fx = Fx::new();
    fx.approve(L1, "a");
    let new = fx.edit_and_commit(SLUG, "lúng túng", "khó khăn");
    fx.git(&["tag", "-f", &format!("duthao/{SLUG}/v1"), &new]);
    fx.verify_catches(&["moved", "edited after approval"]);
}

// 9.
fn roster_changed_after_the_fact() {
    let fx = Fx::new();
    let cfg = fx.config(
        &Roster::default(),
        &[(L1, "x", "Người ngoài", "x@example.vn")],
    );
    fs::write(fx.ws.root.join("duthao.toml"), cfg).unwrap();
    fx.git(&["commit", "-q", "-a", "-m", "thêm người duyệt"]);
    fx.ok(&["keys", "--write"]);
    fx.verify_clean();
    fx.refused(
        &["approve", SLUG, "--level", L1, "--key", &fx.key_str("x")],
        &["not listed"],
    );
    fx.hand_decision(SLUG, 1, L1, "x", |_| {}, None);
    fx.verify_catches(&["not listed"]);

    // (b) A key added to the allowed-signers file by hand.
    let fx = Fx::new();
    let path = fx.ws.root.join(".duthao/allowed_signers");
    let mut text = fs::read_to_string(&path).unwrap();
    text.push_str(&format!(
        "a@example.vn namespaces=\"git\" {}\n",
        fx.public("x")
    ));
    fs::write(&path, text).unwrap();
    fx.verify_catches(&["allowed_signers", "does not agree"]);
}

// 10.
fn tag_copied_from_another_draft_or_version() {
    let fx = Fx::new();
    fx.approve(L1, "a");
    let v1_tag = fx.only_tag(&format!("duthao/{SLUG}/signoff/v1/{L1}/"));
    let oid = fx
        .git(&["rev-parse", &format!("refs/tags/{v1_tag}")])
        .trim()
        .to_string();
    // Another draft: the same object under its name.
    let other = fx.second_draft();
    let copied = v1_tag.replacen(SLUG, other, 1);
    fx.git(&["update-ref", &format!("refs/tags/{copied}"), &oid]);
    fx.verify_catches(&["another draft"]);
    fx.git(&["update-ref", "-d", &format!("refs/tags/{copied}")]);
    fx.verify_clean();

    // Another version: v2 submitted (a new text), v1's approval copied as v2's.
    fx.edit_and_commit(SLUG, "lúng túng", "khó khăn");
    fx.submit();
    let copied = v1_tag.replacen("/v1/", "/v2/", 1);
    fx.git(&["update-ref", &format!("refs/tags/{copied}"), &oid]);
    fx.verify_catches(&["another version"]);
}

// 11.
fn number_changed_or_reused() {
    let fx = Fx::new();
    fx.approve_all();
    fx.issue();
    let path = fx.ws.root.join(format!("drafts/{SLUG}.md"));
    let text = fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("number:"))
        .expect("issue wrote the number")
        .to_string();
    fs::write(&path, text.replacen(&line, "number: 99", 1)).unwrap();
    fx.git(&["commit", "-q", "-a", "-m", "đổi số"]);
    fx.verify_catches(&["number"]);

    // A number already used in the same register.
    let fx = Fx::new();
    let other = fx.second_draft();
    fx.approve_all();
    fx.approve_all_slug(other);
    fx.ok(&["issue", SLUG, "--number", "5", "--key", &fx.key_str("vt")]);
    fx.refused(
        &["issue", other, "--number", "5", "--key", &fx.key_str("vt")],
        &["already in the register"],
    );
}

// 12.
fn self_approval() {
    let fx = Fx::with(Roster {
        drafter_at_l1: true,
        ..Roster::default()
    });
    fx.refused(
        &[
            "approve",
            SLUG,
            "--level",
            L1,
            "--key",
            &fx.key_str("drafter"),
        ],
        &["submitted"],
    );
    fx.hand_decision(
        SLUG,
        1,
        L1,
        "drafter",
        |f| f.approver_email = "soan.duyet@example.vn".into(),
        None,
    );
    fx.verify_catches(&["self-approval"]);
}

// 13.
fn rejection_blocks() {
    let fx = Fx::new();
    fx.approve(L1, "a");
    fx.ok(&[
        "reject",
        SLUG,
        "--level",
        L2,
        "--reason",
        "Sai thể thức",
        "--key",
        &fx.key_str("b1"),
    ]);
    fx.refused(
        &["approve", SLUG, "--level", L2, "--key", &fx.key_str("b2")],
        &["blocked"],
    );
    fx.refused(&["issue", SLUG, "--key", &fx.key_str("vt")], &["rejected"]);
    let docx = fx.ws.sandbox.path().join("f.docx").display().to_string();
    fx.refused(
        &["export", SLUG, "--final", "-o", &docx],
        &["rejected", "waits for"],
    );
    assert!(!Path::new(&docx).exists());
}

// 14.
fn final_docx_before_issue_and_edited() {
    let fx = Fx::new();
    fx.approve(L1, "a");
    let docx = fx.ws.sandbox.path().join("final.docx");
    let docx_s = docx.display().to_string();
    fx.refused(&["export", SLUG, "--final", "-o", &docx_s], &["waits for"]);
    assert!(!docx.exists());
    fx.approve(L2, "b1");
    fx.approve(L2, "b2");
    fx.approve(L3, "c");
    fx.refused(&["export", SLUG, "--final", "-o", &docx_s], &["not issued"]);
    fx.issue();
    fx.ok(&["export", SLUG, "--final", "-o", &docx_s]);
    let edited = fx.ws.sandbox.path().join("edited.docx");
    let script = r#"
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
zin = zipfile.ZipFile(src)
zout = zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED)
hits = 0
for item in zin.infolist():
    data = zin.read(item.filename)
    if item.filename == "word/document.xml":
        text = data.decode("utf-8")
        hits = text.count("lúng túng")
        data = text.replace("lúng túng", "khó khăn", 1).encode("utf-8")
    zout.writestr(item, data)
zout.close()
assert hits >= 1, "the word is not in one run"
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&docx)
        .arg(&edited)
        .output()
        .unwrap();
    assert!(out.status.success(), "python: {}", out_text(&out));
    let out = fx.run(&["verify", "--docx", &edited.display().to_string()]);
    let text = out_text(&out);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(text.contains('¶'), "names the paragraph: {text}");
    assert!(
        text.contains("[-lúng") && text.contains("{+khó"),
        "shows the redline: {text}"
    );
}

// 15.
fn issue_tag_attacks() {
    // A changed byte of the issue tag.
    let fx = Fx::new();
    fx.approve_all();
    fx.issue();
    let issued = format!("duthao/{SLUG}/issued");
    fx.rewrite_tag(&issued, |raw| raw.replacen("Ban hành", "Ban hanh", 1));
    fx.verify_catches(&["forged"]);
    assert!(!fx.tag_v(&issued).0);

    // The issue signed again by an approver's key, not a clerk's.
    let fx = Fx::new();
    fx.approve_all();
    fx.issue();
    let raw = fx.git(&["cat-file", "tag", &issued]);
    let payload = &raw[..raw.find("-----BEGIN SSH SIGNATURE-----").unwrap()];
    let (head, message) = payload.split_once("\n\n").unwrap();
    let target = head
        .lines()
        .next()
        .unwrap()
        .strip_prefix("object ")
        .unwrap();
    let tagger = head
        .lines()
        .find_map(|l| l.strip_prefix("tagger "))
        .unwrap();
    let who = &tagger[..tagger.find('>').unwrap() + 1];
    fx.git(&["update-ref", "-d", &format!("refs/tags/{issued}")]);
    fx.sign_tag(&issued, target, message, who, "c");
    fx.verify_catches(&["not a clerk"]);

    // Signed by the clerk, but recording another number text and register
    // than the number, the profile and the date give.
    fx.git(&["update-ref", "-d", &format!("refs/tags/{issued}")]);
    let lied = message
        .replace(
            "Duthao-Number-Text: 01-NQ/TU",
            "Duthao-Number-Text: 16-NQ/TU",
        )
        .replace(
            "Duthao-Register: TU/NQ/2025-2030",
            "Duthao-Register: TU/NQ/khac",
        );
    assert_ne!(lied, message, "{message}");
    fx.sign_tag(&issued, target, &lied, who, "vt");
    let text = fx.verify_catches(&["is written"]);
    assert!(text.contains("counts in"), "{text}");

    // A clerk's key cannot approve.
    let fx = Fx::new();
    fx.refused(
        &["approve", SLUG, "--level", L1, "--key", &fx.key_str("vt")],
        &["clerk"],
    );
    fx.hand_decision(SLUG, 1, L1, "vt", |_| {}, None);
    fx.verify_catches(&["clerk"]);
}

// 16.
fn approval_deleted_after_issue_and_unsigned_tags() {
    let fx = Fx::new();
    fx.approve_all();
    fx.issue();
    let l3 = fx.only_tag(&format!("duthao/{SLUG}/signoff/v1/{L3}/"));
    fx.git(&["tag", "-d", &l3]);
    fx.verify_catches(&["not approved by every level"]);

    // A lightweight tag, and an unsigned annotated one, named as approvals.
    let fx = Fx::new();
    let v1 = fx.rev(&format!("duthao/{SLUG}/v1"));
    let name = decision_tag_name(SLUG, 1, L1, &fx.fingerprint("a"));
    fx.git(&["tag", &name, &v1]);
    fx.verify_catches(&["not signed", "cannot be read"]);
    fx.git(&["tag", "-d", &name]);
    fx.git(&["tag", "-a", "-m", "Phê duyệt", &name, &v1]);
    fx.verify_catches(&["not signed", "not an approval record"]);
    // And neither counts: level 2 still waits for level 1.
    fx.refused(
        &["approve", SLUG, "--level", L2, "--key", &fx.key_str("b1")],
        &["in order"],
    );
}

// 17.
fn carried_approval_needs_the_signer_still_listed() {
    let fx = Fx::new();
    fx.approve(L1, "a");
    // Version 2, text unchanged, but a's key is gone from level 1 (x's in
    // its place): a's approval of version 1 does not carry over.
    let cfg = fx
        .config(&Roster::default(), &[])
        .replacen(&fx.public("a"), &fx.public("x"), 1);
    fs::write(fx.ws.root.join("duthao.toml"), cfg).unwrap();
    fx.git(&["commit", "-q", "-a", "-m", "đổi người duyệt"]);
    fx.ok(&["keys", "--write"]);
    // Only the date changes, which the approved text leaves out.
    fx.edit_and_commit(SLUG, "date: 2026-02-10", "date: 2026-02-11");
    fx.submit();
    fx.refused(
        &["approve", SLUG, "--level", L2, "--key", &fx.key_str("b1")],
        &["in order"],
    );
    // With a still listed, it carries over: level 2 may approve version 2.
    let fx = Fx::new();
    fx.approve(L1, "a");
    fx.edit_and_commit(SLUG, "date: 2026-02-10", "date: 2026-02-11");
    fx.submit();
    // status says the approval carried over, and from which version.
    let status = fx.ok(&["status", SLUG]);
    assert!(
        status.contains("giữ kết quả duyệt của lần 1") && status.contains("(lần 1)"),
        "{status}"
    );
    fx.approve(L2, "b1");
    fx.verify_clean();
}

// 18.
fn no_version_after_issue() {
    let fx = Fx::new();
    fx.approve_all();
    fx.issue();
    fx.edit_and_commit(SLUG, "lúng túng", "khó khăn");
    fx.refused(
        &[
            "submit",
            SLUG,
            "--key",
            &fx.key_str("drafter"),
            "-m",
            "lần 2",
        ],
        &["issued"],
    );
    // The final document is still the issued text, not the edited one.
    let docx = fx.ws.sandbox.path().join("final.docx");
    let docx_s = docx.display().to_string();
    fx.ok(&["export", SLUG, "--final", "-o", &docx_s]);
    let out = fx.run(&["verify", "--docx", &docx_s]);
    assert_eq!(out.status.code(), Some(0), "{}", out_text(&out));
}

/// A level with `require_responses` approves only once every comment of its
/// level has the drafter's answer; other levels' comments do not hold it up.
fn a_level_that_requires_responses_waits_for_them() {
    let fx = Fx::with(Roster {
        l1_requires_responses: true,
        ..Roster::default()
    });
    let added = fx.ws.json(&[
        "comment",
        "add",
        SLUG,
        "Đề nghị bổ sung chỉ tiêu.",
        "--by",
        "Ban Tuyên giáo",
    ]);
    let id = added["events"][0]["id"]
        .as_str()
        .or_else(|| added["id"].as_str())
        .unwrap_or_else(|| panic!("the comment's id: {added}"))
        .to_string();
    fx.refused(
        &["approve", SLUG, "--level", L1, "--key", &fx.key_str("a")],
        &["no response", "1 comment"],
    );
    fx.ok(&[
        "comment",
        "respond",
        &id,
        "--explain",
        "Đã có trong mục II.",
    ]);
    fx.approve(L1, "a");
    fx.verify_clean();
}

/// `verify --trust FILE` checks every signature that counts against the
/// organisation's own allowed-signers file, kept outside the repository:
/// the repository's roster passes only when the organisation lists the
/// same keys for the same people.
fn verify_trusts_the_organisation_s_keys_over_the_repository_s() {
    let fx = Fx::new();
    fx.approve_all();
    fx.issue();
    let org = fx.ws.sandbox.path().join("org_allowed_signers");
    let ours = fs::read_to_string(fx.ws.root.join(".duthao/allowed_signers")).unwrap();
    fs::write(&org, &ours).unwrap();
    let org_s = org.display().to_string();
    let out = fx.run(&["verify", "--trust", &org_s]);
    assert_eq!(out.status.code(), Some(0), "{}", out_text(&out));

    // The organisation does not know c's key: the level-3 approval is named.
    let c_key = fx.public("c");
    let c_key = c_key
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    let without_c: String = ours
        .lines()
        .filter(|l| !l.contains(&c_key))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&org, without_c).unwrap();
    let out = fx.run(&["verify", "--trust", &org_s]);
    let text = out_text(&out);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(
        text.contains("does not list") && text.contains("c@example.vn"),
        "{text}"
    );
    assert!(text.contains(&format!("signoff/v1/{L3}/")), "{text}");

    // The right key under another person's email does not pass either.
    let moved = ours.replace("c@example.vn", "someone@example.vn");
    fs::write(&org, moved).unwrap();
    assert_eq!(
        fx.run(&["verify", "--trust", &org_s]).status.code(),
        Some(3)
    );

    // A file that is not in the format: the line is named, exit 1.
    fs::write(&org, "a@example.vn\n").unwrap();
    let out = fx.run(&["verify", "--trust", &org_s]);
    assert_eq!(out.status.code(), Some(1), "{}", out_text(&out));
    assert!(
        out_text(&out).contains("org_allowed_signers:1"),
        "{}",
        out_text(&out)
    );
}

/// Someone with write access makes version 1's tag again, recording a
/// duthao.toml that gives a's place at level 1 to their own key: the
/// approval made on the real tag no longer counts ("made again"); with it
/// deleted and the outsider approving under the forged roster, every
/// signature holds inside the repository, and `--trust` (the
/// organisation's key list) names the outsider's approval.
fn version_tag_made_again_with_another_roster() {
    let fx = Fx::new();
    fx.approve(L1, "a");
    let org = fx.ws.sandbox.path().join("org_allowed_signers");
    fs::copy(fx.ws.root.join(".duthao/allowed_signers"), &org).unwrap();
    let forged = fx
        .config(&Roster::default(), &[])
        .replacen(&fx.public("a"), &fx.public("x"), 1);
    let blob = fx.git_stdin(&["hash-object", "-w", "--stdin"], forged.as_bytes());
    let v1 = format!("duthao/{SLUG}/v1");
    let commit = fx.rev(&format!("refs/tags/{v1}"));
    fx.git(&["tag", "-d", &v1]);
    fx.git(&[
        "tag",
        "-a",
        &v1,
        &commit,
        "-m",
        &format!("Dự thảo lần 1\n\nDuthao-Config-Blob: {}", blob.trim()),
    ]);
    fx.verify_catches(&["made again"]);

    let real = fx.only_tag(&format!("duthao/{SLUG}/signoff/v1/{L1}/"));
    fx.git(&["tag", "-d", &real]);
    fx.approve(L1, "x");
    let org_s = org.display().to_string();
    let out = fx.run(&["verify", "--trust", &org_s]);
    let text = out_text(&out);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(text.contains("does not list"), "{text}");
}

/// The final document is laid out with the templates it was issued with:
/// a kinds.toml edited afterwards makes `export --final` refuse, and a DOCX
/// made with it is not taken for the issued document.
fn templates_changed_after_issue() {
    let fx = Fx::new();
    fx.approve_all();
    fx.issue();
    let docx = fx.ws.sandbox.path().join("final.docx");
    let docx_s = docx.display().to_string();
    fx.ok(&["export", SLUG, "--final", "-o", &docx_s]);
    let kinds = fx.ws.root.join("templates/party/kinds.toml");
    let text = fs::read_to_string(&kinds).unwrap();
    assert!(
        text.contains("NGHỊ QUYẾT"),
        "the party kinds name NGHỊ QUYẾT"
    );
    fs::write(&kinds, text.replacen("NGHỊ QUYẾT", "CHỈ THỊ", 1)).unwrap();
    fx.refused(
        &["export", SLUG, "--final", "-o", "other.docx"],
        &["differs from its copy in the issued commit"],
    );
    let out = fx.run(&["verify", "--docx", &docx_s]);
    assert_eq!(out.status.code(), Some(3), "{}", out_text(&out));
    // Restored, the same file is exact again.
    fs::write(&kinds, text).unwrap();
    let out = fx.run(&["verify", "--docx", &docx_s]);
    assert_eq!(out.status.code(), Some(0), "{}", out_text(&out));
}

/// `export --final --pdf` writes the PDF the clerk's signature tool signs:
/// the issued number in it and no draft mark; without LibreOffice on the
/// PATH the DOCX is written and the PDF refused with a clear message.
fn final_pdf_through_libreoffice() {
    let fx = Fx::new();
    fx.approve_all();
    fx.issue();
    let docx = fx.ws.sandbox.path().join("ban-hanh.docx");
    let docx_s = docx.display().to_string();
    fx.ok(&["export", SLUG, "--final", "--pdf", "-o", &docx_s]);
    let pdf = docx.with_extension("pdf");
    let bytes = fs::read(&pdf).expect("the PDF");
    assert!(bytes.starts_with(b"%PDF"), "not a PDF");
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("01-NQ/TU"), "{text}");
    assert!(!text.contains("Dự thảo"), "{text}");

    let empty = fx.ws.sandbox.path().join("no-programs");
    fs::create_dir_all(&empty).unwrap();
    let other = fx.ws.sandbox.path().join("again.docx");
    let out = fx
        .ws
        .run(&["export", SLUG, "--final", "--pdf", "-o"])
        .arg(&other)
        .env("PATH", &empty)
        .output()
        .unwrap();
    let said = out_text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("LibreOffice is needed for --pdf"), "{said}");
    assert!(
        other.is_file(),
        "the DOCX is written before the PDF is tried"
    );
    assert!(!other.with_extension("pdf").exists());
}

/// What a user meets setting sign-off up: the signing key from git's
/// configuration where `GIT_CONFIG_GLOBAL` points (as the git CLI reads
/// it), a duthao.toml edited but not committed (submit refuses: the version
/// would record the old roster), and a draft without a signer (issue
/// refuses: the final document could not be signed).
fn set_up_as_git_reads_it_and_nothing_left_out() {
    let fx = Fx::new();
    let global = fx.ws.sandbox.path().join("other-gitconfig");
    fs::write(
        &global,
        format!(
            "[gpg]\n\tformat = ssh\n[user]\n\tsigningkey = {}\n",
            fx.key_str("a")
        ),
    )
    .unwrap();
    let out = fx
        .ws
        .run(&["approve", SLUG, "--level", L1])
        .env("GIT_CONFIG_GLOBAL", &global)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", out_text(&out));
    assert!(
        out_text(&out).contains("Trưởng Ban Tổ chức approved"),
        "{}",
        out_text(&out)
    );

    fx.edit_and_commit(SLUG, "date: 2026-02-10", "date: 2026-02-12");
    let config = fx.ws.root.join("duthao.toml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, format!("{text}\n# sửa\n")).unwrap();
    fx.refused(
        &["submit", SLUG, "--key", &fx.key_str("drafter")],
        &["duthao.toml has changes that are not committed"],
    );
    fx.git(&["checkout", "-q", "--", "duthao.toml"]);

    // No signer: approved at every level, but not issued.
    let fx = Fx::new();
    let path = fx.ws.root.join(format!("drafts/{SLUG}.md"));
    let draft = fs::read_to_string(&path).unwrap();
    let start = draft.find("signer:").expect("a signer");
    let end = start
        + draft[start..]
            .find("\nrecipients:")
            .expect("recipients after the signer");
    fs::write(&path, format!("{}{}", &draft[..start], &draft[end + 1..])).unwrap();
    fx.git(&["commit", "-q", "-a", "-m", "bỏ người ký"]);
    fx.submit();
    // The approver hears of it when approving.
    let out = fx.run(&["approve", SLUG, "--level", L1, "--key", &fx.key_str("a")]);
    assert!(out.status.success(), "{}", out_text(&out));
    let said = out_text(&out);
    assert!(
        said.contains("warning: the final document") && said.contains("signer"),
        "{said}"
    );
    fx.approve(L2, "b1");
    fx.approve(L2, "b2");
    fx.approve(L3, "c");
    fx.refused(
        &["issue", SLUG, "--key", &fx.key_str("vt")],
        &["no `signer`"],
    );
}

/// The clerk's date: never in the future, never before the last approval,
/// written either way (2026-11-30 or 30/11/2026); the register by year; and
/// `verify --json` saying the draft is issued.
fn issue_date_register_year_and_verify_json() {
    let fx = Fx::new();
    fx.approve_all();
    let vt = fx.key_str("vt");
    fx.refused(
        &["issue", SLUG, "--date", "2099-01-01", "--key", &vt],
        &["in the future"],
    );
    fx.refused(
        &["issue", SLUG, "--date", "01/01/2020", "--key", &vt],
        &["before the last approval"],
    );
    fx.refused(
        &["issue", SLUG, "--date", "31/02/2026", "--key", &vt],
        &["not a date"],
    );
    let today = std::process::Command::new("date")
        .arg("+%d/%m/%Y")
        .output()
        .expect("date");
    let today = String::from_utf8_lossy(&today.stdout).trim().to_string();
    fx.ok(&["issue", SLUG, "--date", &today, "--key", &vt]);
    let year = &today[6..];
    let listed = fx.ws.json(&["register", "--year", year]);
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    let iso = format!("{year}-{}-{}", &today[3..5], &today[..2]);
    assert_eq!(listed[0]["date"], iso.as_str(), "{listed}");
    let none = fx.ws.json(&["register", "--year", "2020"]);
    assert_eq!(none.as_array().map(Vec::len), Some(0), "{none}");
    let v = fx.ws.json(&["verify"]);
    assert_eq!(v["drafts"][0]["stage"]["stage"], "issued", "{v}");
    assert_eq!(v["workspace"].as_array().map(Vec::len), Some(0), "{v}");
}

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    let needs = [outside::GIT, outside::SSH_KEYGEN];
    let py = [
        outside::GIT,
        outside::SSH_KEYGEN,
        outside::Need::Program(&["python3"], "apt-get install -y python3"),
    ];
    let t = |name: &str, f: fn()| outside::trial(name, &needs, f);
    let office = [
        outside::GIT,
        outside::SSH_KEYGEN,
        outside::SOFFICE,
        outside::PDFTOTEXT,
    ];
    let trials = vec![
        t("happy_path", happy_path),
        t(
            "issue_date_register_year_and_verify_json",
            issue_date_register_year_and_verify_json,
        ),
        t(
            "set_up_as_git_reads_it_and_nothing_left_out",
            set_up_as_git_reads_it_and_nothing_left_out,
        ),
        outside::trial(
            "final_pdf_through_libreoffice",
            &office,
            final_pdf_through_libreoffice,
        ),
        t(
            "templates_changed_after_issue",
            templates_changed_after_issue,
        ),
        t(
            "version_tag_made_again_with_another_roster",
            version_tag_made_again_with_another_roster,
        ),
        t(
            "verify_trusts_the_organisation_s_keys_over_the_repository_s",
            verify_trusts_the_organisation_s_keys_over_the_repository_s,
        ),
        t(
            "a_level_that_requires_responses_waits_for_them",
            a_level_that_requires_responses_waits_for_them,
        ),
        t("forged_signature", forged_signature),
        t("key_not_listed", key_not_listed),
        t("wrong_level", wrong_level),
        t("level_out_of_order", level_out_of_order),
        t("quorum_padded", quorum_padded),
        t("tag_moved_to_another_commit", tag_moved_to_another_commit),
        t("text_edited_after_approval", text_edited_after_approval),
        t(
            "roster_changed_after_the_fact",
            roster_changed_after_the_fact,
        ),
        t(
            "tag_copied_from_another_draft_or_version",
            tag_copied_from_another_draft_or_version,
        ),
        t("number_changed_or_reused", number_changed_or_reused),
        t("self_approval", self_approval),
        t("rejection_blocks", rejection_blocks),
        t("issue_tag_attacks", issue_tag_attacks),
        t(
            "approval_deleted_after_issue_and_unsigned_tags",
            approval_deleted_after_issue_and_unsigned_tags,
        ),
        t(
            "carried_approval_needs_the_signer_still_listed",
            carried_approval_needs_the_signer_still_listed,
        ),
        t("no_version_after_issue", no_version_after_issue),
        outside::trial(
            "final_docx_before_issue_and_edited",
            &py,
            final_docx_before_issue_and_edited,
        ),
    ];
    libtest_mimic::run(&args, trials).exit();
}
