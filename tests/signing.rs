//! SSH signing of tags (duthao-store's `sign` module): in-process with a key
//! file, through `ssh-keygen -Y sign`, through `ssh-agent`; `git tag -v`
//! accepts what is signed and refuses a changed byte; a passphrase-protected
//! key with no agent is refused at once, never prompted for. Keys are made
//! in temporary folders, never in ~/.ssh. Runs without the standard harness
//! so that a missing git, ssh-keygen or ssh-agent shows as "ignored"
//! (failing under CI=true; see `outside`).

mod common;
mod outside;

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use duthao_store::{
    Identity, KeyFile, ObjectId, SignError, SigningBackend, SshKeygen, Store, StoreError,
};

const SSH_AGENT: outside::Need =
    outside::Need::Program(&["ssh-agent"], "apt-get install -y openssh-client");
const SSH_ADD: outside::Need =
    outside::Need::Program(&["ssh-add"], "apt-get install -y openssh-client");

const EMAIL: &str = "dung@example.org";

fn who() -> Identity {
    Identity {
        name: "Phạm Văn Dũng".into(),
        email: EMAIL.into(),
    }
}

/// `ssh-keygen -t ed25519` into `dir/name` (and `.pub`), with `passphrase`.
fn keygen(dir: &Path, name: &str, passphrase: &str) -> PathBuf {
    let key = dir.join(name);
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", passphrase, "-C", name, "-f"])
        .arg(&key)
        .stdin(Stdio::null())
        .status()
        .expect("run ssh-keygen");
    assert!(made.success(), "ssh-keygen -t ed25519 failed");
    key
}

fn public_line(key: &Path) -> String {
    fs::read_to_string(key.with_extension("pub"))
        .expect("the .pub file")
        .trim()
        .to_string()
}

/// A repository with one commit, and an allowed-signers file for `keys`.
struct Repo {
    _dir: tempfile::TempDir,
    root: PathBuf,
    keys: PathBuf,
    store: Store,
    commit: ObjectId,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ws");
        let keys = dir.path().join("keys");
        fs::create_dir_all(&keys).unwrap();
        let store = Store::init(&root).unwrap();
        fs::create_dir_all(root.join("drafts")).unwrap();
        fs::write(root.join("drafts/x.md"), "Điều 1. Phạm vi.\n").unwrap();
        let commit = store
            .commit_paths(&[Path::new("drafts/x.md")], "Dự thảo", &who())
            .unwrap();
        Repo {
            _dir: dir,
            root,
            keys,
            store,
            commit,
        }
    }

    /// Lists `keys` as allowed to sign for EMAIL in namespace git.
    fn allow(&self, keys: &[&Path]) -> PathBuf {
        let file = self.keys.join("allowed_signers");
        let text: String = keys
            .iter()
            .map(|k| format!("{EMAIL} namespaces=\"git\" {}\n", public_line(k)))
            .collect();
        fs::write(&file, text).unwrap();
        file
    }

    /// `git -c gpg.ssh.allowedSignersFile=FILE tag -v NAME`.
    fn git_tag_v(&self, allowed: &Path, name: &str) -> (bool, String) {
        let out = Command::new("git")
            .arg("-c")
            .arg(format!("gpg.ssh.allowedSignersFile={}", allowed.display()))
            .args(["tag", "-v", name])
            .current_dir(&self.root)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .stdin(Stdio::null())
            .output()
            .expect("run git");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn git(&self, args: &[&str], stdin: Option<&[u8]>) -> String {
        use std::io::Write;
        let mut child = Command::new("git")
            .args(args)
            .current_dir(&self.root)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run git");
        let mut input = child.stdin.take().unwrap();
        if let Some(bytes) = stdin {
            input.write_all(bytes).unwrap();
        }
        drop(input);
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn sign_and_check(&self, name: &str, signer: &dyn SigningBackend, allowed: &Path) {
        self.store
            .create_signed_tag(
                name,
                self.commit,
                "Phê duyệt cấp Ban Tổ chức\n",
                &who(),
                signer,
            )
            .unwrap_or_else(|e| panic!("signing {name} with {}: {e}", signer.describe()));
        let (ok, said) = self.git_tag_v(allowed, name);
        assert!(ok, "git tag -v {name} refused: {said}");
        assert!(said.contains("Good \"git\" signature"), "{said}");
        let key = signer.public_key().expect("the signer's public key");
        self.store.verify_tag(name, key).unwrap();
    }
}

/// Runs `f` on a thread and fails when it has not returned within `limit`
/// (a passphrase prompt would hang).
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("did not return within {limit:?}: a prompt is waiting?"))
}

/// An ssh-agent of the test's own, on a socket in `dir`; killed on drop.
struct Agent {
    child: Child,
    socket: PathBuf,
}

impl Agent {
    fn start(dir: &Path) -> Agent {
        let socket = dir.join("agent.sock");
        let child = Command::new("ssh-agent")
            .args(["-D", "-a"])
            .arg(&socket)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start ssh-agent");
        let started = Instant::now();
        while !socket.exists() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "ssh-agent made no socket"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Agent { child, socket }
    }

    fn sock(&self) -> OsString {
        self.socket.clone().into_os_string()
    }

    fn add(&self, key: &Path) {
        let out = Command::new("ssh-add")
            .arg(key)
            .env("SSH_AUTH_SOCK", &self.socket)
            .env_remove("SSH_ASKPASS")
            .env_remove("DISPLAY")
            .stdin(Stdio::null())
            .output()
            .expect("run ssh-add");
        assert!(
            out.status.success(),
            "ssh-add: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// ed25519 signatures are deterministic: the in-process signer must give
/// exactly what `ssh-keygen -Y sign -n git` prints for the same payload.
fn key_file_signs_exactly_as_ssh_keygen() {
    let dir = tempfile::tempdir().unwrap();
    let key = keygen(dir.path(), "k", "");
    let payload = "object 0123\ntype commit\ntag x\n\nDự thảo lần 1\n".as_bytes();
    let ours = KeyFile::open(&key).unwrap().sign(payload).unwrap();
    let theirs = SshKeygen::with_agent(&key, None)
        .unwrap()
        .sign(payload)
        .unwrap();
    assert_eq!(ours, theirs);
    assert!(ours.starts_with("-----BEGIN SSH SIGNATURE-----\n"));
    assert!(ours.ends_with("-----END SSH SIGNATURE-----\n"));
}

fn key_file_and_ssh_keygen_tags_pass_git_tag_v() {
    let repo = Repo::new();
    let a = keygen(&repo.keys, "a", "");
    let b = keygen(&repo.keys, "b", "");
    let allowed = repo.allow(&[&a, &b]);
    repo.sign_and_check("duthao/x/approve-a", &KeyFile::open(&a).unwrap(), &allowed);
    repo.sign_and_check(
        "duthao/x/approve-b",
        &SshKeygen::with_agent(&b, None).unwrap(),
        &allowed,
    );
    // RSA: through ssh-keygen (ssh-key 0.6 cannot sign with it in process).
    let r = repo.keys.join("r");
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "rsa", "-b", "3072", "-N", "", "-C", "r", "-f"])
        .arg(&r)
        .stdin(Stdio::null())
        .status()
        .unwrap();
    assert!(made.success());
    let allowed = repo.allow(&[&a, &b, &r]);
    assert!(matches!(
        KeyFile::open(&r),
        Err(SignError::Unsupported { .. })
    ));
    let rsa = duthao_store::backend_for(r.to_str().unwrap(), Path::new("/")).unwrap();
    repo.sign_and_check("duthao/x/approve-rsa", rsa.as_ref(), &allowed);
    // The in-process backend chosen for an unencrypted key file.
    let chosen = duthao_store::backend_for(a.to_str().unwrap(), Path::new("/")).unwrap();
    repo.sign_and_check("duthao/x/approve-c", chosen.as_ref(), &allowed);
    // A key that is not listed: git refuses, our check against a listed key too.
    let stranger = keygen(&repo.keys, "stranger", "");
    repo.store
        .create_signed_tag(
            "duthao/x/stranger",
            repo.commit,
            "x\n",
            &who(),
            &KeyFile::open(&stranger).unwrap(),
        )
        .unwrap();
    assert!(!repo.git_tag_v(&allowed, "duthao/x/stranger").0);
    let listed = KeyFile::open(&a).unwrap();
    assert!(
        repo.store
            .verify_tag("duthao/x/stranger", listed.public_key().unwrap())
            .is_err()
    );
}

fn an_existing_tag_is_never_replaced() {
    let repo = Repo::new();
    let a = keygen(&repo.keys, "a", "");
    let signer = KeyFile::open(&a).unwrap();
    let first = repo
        .store
        .create_signed_tag("duthao/x/v1", repo.commit, "một\n", &who(), &signer)
        .unwrap();
    let again = repo
        .store
        .create_signed_tag("duthao/x/v1", repo.commit, "hai\n", &who(), &signer);
    assert!(
        matches!(again, Err(StoreError::TagExists { .. })),
        "{again:?}"
    );
    let now = repo.git(&["rev-parse", "refs/tags/duthao/x/v1"], None);
    assert_eq!(now.trim(), first.to_string());
}

/// One changed byte in the signed text: `git tag -v` and our check refuse it.
fn a_changed_byte_fails_both_checks() {
    let repo = Repo::new();
    let a = keygen(&repo.keys, "a", "");
    let allowed = repo.allow(&[&a]);
    let signer = KeyFile::open(&a).unwrap();
    repo.sign_and_check("duthao/x/v1", &signer, &allowed);
    let raw = repo.git(&["cat-file", "tag", "duthao/x/v1"], None);
    let changed = raw.replacen("Ban Tổ chức", "Ban Tổ chưc", 1);
    assert_ne!(raw, changed);
    let oid = repo.git(
        &["hash-object", "-t", "tag", "-w", "--stdin"],
        Some(changed.as_bytes()),
    );
    repo.git(
        &["update-ref", "refs/tags/duthao/x/forged", oid.trim()],
        None,
    );
    let (ok, said) = repo.git_tag_v(&allowed, "duthao/x/forged");
    assert!(!ok, "git tag -v accepted a changed tag: {said}");
    let err = repo
        .store
        .verify_tag("duthao/x/forged", signer.public_key().unwrap())
        .unwrap_err();
    assert!(err.to_string().contains("does not verify"), "{err}");
    // Unsigned tags do not pass either.
    let plain = repo
        .store
        .write_tag(
            "duthao/x/plain",
            repo.commit,
            &who(),
            duthao_store::When::now(),
            "x\n",
            None,
        )
        .unwrap();
    repo.store.create_tag_ref("duthao/x/plain", plain).unwrap();
    let err = repo
        .store
        .verify_tag("duthao/x/plain", signer.public_key().unwrap())
        .unwrap_err();
    assert!(err.to_string().contains("not signed"), "{err}");
}

/// A key held by ssh-agent, signing with only its public half on disk; the
/// agent's socket given to ssh-keygen alone.
fn a_key_held_by_ssh_agent_signs() {
    let repo = Repo::new();
    let agent = Agent::start(&repo.keys);
    let a = keygen(&repo.keys, "a", "");
    agent.add(&a);
    let allowed = repo.allow(&[&a]);
    fs::remove_file(&a).unwrap();
    let pub_file = a.with_extension("pub");
    let signer = SshKeygen::with_agent(&pub_file, Some(agent.sock())).unwrap();
    repo.sign_and_check("duthao/x/agent-pub", &signer, &allowed);
    // The `key::` literal of git's user.signingkey.
    let literal = SshKeygen::agent_key(&public_line(&a), Some(agent.sock())).unwrap();
    repo.sign_and_check("duthao/x/agent-literal", &literal, &allowed);
    assert!(
        literal.describe().contains("ssh-agent"),
        "{}",
        literal.describe()
    );

    // The same public key with no agent: refused at once, clearly.
    let err = SshKeygen::with_agent(&pub_file, None).unwrap_err();
    assert!(matches!(err, SignError::NotInAgent { .. }), "{err}");
    assert!(err.to_string().contains("no ssh-agent holds"), "{err}");
}

/// A passphrase-protected key held by the agent signs through ssh-keygen.
fn an_encrypted_key_in_the_agent_signs() {
    let repo = Repo::new();
    let agent = Agent::start(&repo.keys);
    let e = keygen(&repo.keys, "e", "secret passphrase");
    // ssh-add reads the passphrase from an askpass program.
    let askpass = repo.keys.join("askpass.sh");
    fs::write(&askpass, "#!/bin/sh\necho 'secret passphrase'\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&askpass, fs::Permissions::from_mode(0o700)).unwrap();
    }
    let out = Command::new("ssh-add")
        .arg(&e)
        .env("SSH_AUTH_SOCK", agent.sock())
        .env("SSH_ASKPASS", &askpass)
        .env("SSH_ASKPASS_REQUIRE", "force")
        .env("DISPLAY", ":0")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ssh-add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let allowed = repo.allow(&[&e]);
    let signer = SshKeygen::with_agent(&e, Some(agent.sock())).unwrap();
    repo.sign_and_check("duthao/x/enc-agent", &signer, &allowed);
}

/// A passphrase-protected key and no agent: a clear error, at once.
fn an_encrypted_key_without_agent_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let e = keygen(dir.path(), "e", "secret passphrase");
    let started = Instant::now();
    let (a, b, c) = within(Duration::from_secs(20), {
        let e = e.clone();
        move || {
            (
                KeyFile::open(&e).unwrap_err(),
                SshKeygen::with_agent(&e, None).unwrap_err(),
                SshKeygen::with_agent(&e.with_extension("pub"), None).unwrap_err(),
            )
        }
    });
    for err in [a, b, c] {
        assert!(matches!(err, SignError::Encrypted { .. }), "{err}");
        let text = err.to_string();
        assert!(
            text.contains("protected by a passphrase") && text.contains("no ssh-agent"),
            "{text}"
        );
    }
    assert!(started.elapsed() < Duration::from_secs(10));

    // The command line says what to do: ssh-add, or an unencrypted key.
    let ws = common::Ws::new("state");
    let slug = "quyet-dinh-mau";
    let drafts = ws.ok(&["list", "--json"]);
    let slug = serde_json::from_str::<serde_json::Value>(&drafts)
        .ok()
        .and_then(|v| {
            v.as_array()
                .and_then(|a| a.first())
                .and_then(|d| d["slug"].as_str().map(str::to_string))
        })
        .unwrap_or_else(|| slug.to_string());
    let key = e.to_str().unwrap().to_string();
    let out = within(Duration::from_secs(30), {
        let mut cmd = ws.std_cmd(&["submit", &slug, "--key", &key]);
        cmd.env_remove("SSH_AUTH_SOCK").stdin(Stdio::null());
        move || cmd.output().unwrap()
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("protected by a passphrase") && stderr.contains("ssh-add"),
        "{stderr}"
    );
    assert!(ws.version_tags(&slug).is_empty(), "no version was made");
}

/// `submit` signs when a key is set up (DUTHAO_SIGNING_KEY, or git's
/// user.signingkey with gpg.format=ssh), and not otherwise.
fn submit_signs_when_a_key_is_set_up() {
    let ws = common::Ws::new("state");
    let list: serde_json::Value = ws.json(&["list"]);
    let slug = list
        .as_array()
        .and_then(|a| a.first())
        .and_then(|d| d["slug"].as_str())
        .expect("the example draft")
        .to_string();
    let keys = ws.sandbox.path().join("keys");
    fs::create_dir_all(&keys).unwrap();
    let k = keygen(&keys, "k", "");
    let allowed = keys.join("allowed_signers");
    fs::write(
        &allowed,
        format!(
            "{} namespaces=\"git\" {}\n",
            common::AUTHOR_EMAIL,
            public_line(&k)
        ),
    )
    .unwrap();
    let tag_v = |tag: &str| {
        let out = ws
            .sandbox
            .git_cmd(&ws.root)
            .arg("-c")
            .arg(format!("gpg.ssh.allowedSignersFile={}", allowed.display()))
            .args(["tag", "-v", tag])
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let edit = |n: u32| {
        let path = ws.draft_path(&slug);
        let mut text = fs::read_to_string(&path).unwrap();
        text.push_str(&format!("\nĐoạn bổ sung {n}.\n"));
        fs::write(&path, text).unwrap();
        ws.ok(&["commit", &slug, "-m", &format!("sửa {n}")]);
    };

    // Through the environment.
    let out = ws
        .run(&["submit", &slug])
        .env("DUTHAO_SIGNING_KEY", &k)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("signed tag"));
    let v1 = format!("duthao/{slug}/v1");
    let (ok, said) = tag_v(&v1);
    assert!(ok, "git tag -v {v1}: {said}");

    // Through git's configuration, the agent-free .pub path beside its key.
    edit(2);
    ws.git(&["config", "gpg.format", "ssh"]);
    ws.git(&[
        "config",
        "user.signingkey",
        k.with_extension("pub").to_str().unwrap(),
    ]);
    ws.ok(&["submit", &slug]);
    let (ok, said) = tag_v(&format!("duthao/{slug}/v2"));
    assert!(ok, "git tag -v v2: {said}");

    // --no-sign, and no key at all: unsigned as before.
    edit(3);
    ws.ok(&["submit", &slug, "--no-sign"]);
    assert!(!tag_v(&format!("duthao/{slug}/v3")).0);
    ws.git(&["config", "--unset", "user.signingkey"]);
    edit(4);
    let out = ws.ok(&["submit", &slug]);
    assert!(!out.contains("signed tag"), "{out}");
}

/// `approve` signs with a key only ssh-agent holds (its private half gone
/// from the disk) and `git tag -v` accepts the approval with the workspace's
/// allowed-signers file; a passphrase-protected key with no agent is refused
/// at once with a message that names ssh-add, and nothing is written.
fn approve_signs_through_the_agent_and_names_ssh_add_for_a_locked_key() {
    let ws = common::Ws::new("party");
    let slug = ws.json(&["list"])[0]["slug"]
        .as_str()
        .expect("the example draft")
        .to_string();
    let keys = ws.sandbox.path().join("keys");
    fs::create_dir_all(&keys).unwrap();
    let drafter = keygen(&keys, "drafter", "");
    let a = keygen(&keys, "a", "");
    let locked = keygen(&keys, "locked", "mật khẩu dài");
    let config = ws.root.join("duthao.toml");
    let text = fs::read_to_string(&config).unwrap();
    let text = text
        .replace(
            "email = \"truongban.btc@example.vn\" }",
            &format!(
                "email = \"truongban.btc@example.vn\", key = \"{}\" }}",
                public_line(&a)
            ),
        )
        .replace(
            "email = \"chanhvanphong@example.vn\" }",
            &format!(
                "email = \"chanhvanphong@example.vn\", key = \"{}\" }}",
                public_line(&locked)
            ),
        );
    fs::write(&config, text).unwrap();
    ws.git(&["commit", "-qam", "approvers' keys"]);
    ws.ok(&["keys", "--write"]);
    ws.ok(&["submit", &slug, "--key", drafter.to_str().unwrap()]);

    let agent = Agent::start(&keys);
    agent.add(&a);
    fs::remove_file(&a).unwrap();
    let out = ws
        .run(&["approve", &slug, "--level", "ban-to-chuc", "--key"])
        .arg(a.with_extension("pub"))
        .env("SSH_AUTH_SOCK", agent.sock())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tag = ws.git(&[
        "tag",
        "-l",
        &format!("duthao/{slug}/signoff/v1/ban-to-chuc/*"),
    ]);
    let tag = tag.trim();
    assert!(!tag.is_empty(), "no approval tag");
    let verified = ws
        .sandbox
        .git_cmd(&ws.root)
        .args([
            "-c",
            "gpg.ssh.allowedSignersFile=.duthao/allowed_signers",
            "tag",
            "-v",
            tag,
        ])
        .output()
        .unwrap();
    assert!(
        verified.status.success(),
        "git tag -v {tag}: {}",
        String::from_utf8_lossy(&verified.stderr)
    );

    let before = ws.git(&["tag", "-l"]);
    let sandbox_cmd = ws
        .std_cmd(&["approve", &slug, "--level", "van-phong", "--key"])
        .arg(&locked)
        .env_remove("SSH_AUTH_SOCK")
        .env_remove("SSH_ASKPASS")
        .env_remove("DISPLAY")
        .stdin(Stdio::null())
        .output();
    let out = within(Duration::from_secs(30), move || sandbox_cmd);
    let out = out.unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a locked key signed");
    assert!(
        err.contains("passphrase") && err.contains("ssh-add"),
        "{err}"
    );
    assert_eq!(ws.git(&["tag", "-l"]), before, "nothing is written");
}

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    let ssh = [outside::GIT, outside::SSH_KEYGEN];
    let agent = [outside::GIT, outside::SSH_KEYGEN, SSH_AGENT, SSH_ADD];
    let trials = vec![
        outside::trial(
            "key_file_signs_exactly_as_ssh_keygen",
            &ssh,
            key_file_signs_exactly_as_ssh_keygen,
        ),
        outside::trial(
            "key_file_and_ssh_keygen_tags_pass_git_tag_v",
            &ssh,
            key_file_and_ssh_keygen_tags_pass_git_tag_v,
        ),
        outside::trial(
            "an_existing_tag_is_never_replaced",
            &ssh,
            an_existing_tag_is_never_replaced,
        ),
        outside::trial(
            "a_changed_byte_fails_both_checks",
            &ssh,
            a_changed_byte_fails_both_checks,
        ),
        outside::trial(
            "a_key_held_by_ssh_agent_signs",
            &agent,
            a_key_held_by_ssh_agent_signs,
        ),
        outside::trial(
            "an_encrypted_key_in_the_agent_signs",
            &agent,
            an_encrypted_key_in_the_agent_signs,
        ),
        outside::trial(
            "an_encrypted_key_without_agent_is_refused_quickly",
            &ssh,
            an_encrypted_key_without_agent_is_refused_quickly,
        ),
        outside::trial(
            "submit_signs_when_a_key_is_set_up",
            &ssh,
            submit_signs_when_a_key_is_set_up,
        ),
        outside::trial(
            "approve_signs_through_the_agent_and_names_ssh_add_for_a_locked_key",
            &agent,
            approve_signs_through_the_agent_and_names_ssh_add_for_a_locked_key,
        ),
    ];
    libtest_mimic::run(&args, trials).exit();
}
