//! SSH signatures in git's format (SSHSIG, namespace `git`): what `git tag -s`
//! writes with `gpg.format=ssh` and what `git tag -v` checks against an
//! allowed-signers file.
//!
//! Two ways to sign, behind one trait ([`SigningBackend`]):
//! - [`KeyFile`]: an unencrypted OpenSSH private key, signed in this process
//!   with the `ssh-key` crate (ed25519; other types go through ssh-keygen). The output is what
//!   `ssh-keygen -Y sign -n git` prints, byte for byte for ed25519.
//! - [`SshKeygen`]: runs `ssh-keygen -Y sign -n git -f KEY` as git does
//!   (payload on stdin, signature on stdout). Given a public key, ssh-keygen
//!   asks `ssh-agent` for the signature: that is how an agent-held key signs.
//!
//! duthao never asks for a passphrase: a key protected by one must be held by
//! an agent, and when it is not, [`SignError::Encrypted`] says so before any
//! program runs (so nothing waits on a prompt).
//!
//! [`resolve_signer`] picks the backend from `--key`, `DUTHAO_SIGNING_KEY`, or
//! git's `user.signingkey` with `gpg.format=ssh`.

use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};

/// The SSHSIG namespace git signs and verifies tags and commits in.
pub const GIT_NAMESPACE: &str = "git";

/// The environment variable that names a signing key (a path, or
/// `key::ssh-ed25519 AAAA…` for an agent-held key), over git's configuration.
pub const SIGNING_KEY_ENV: &str = "DUTHAO_SIGNING_KEY";

/// How long `ssh-keygen` may take to sign before it is stopped (an agent that
/// asks for confirmation waits on the user, not forever).
const SSH_KEYGEN_TIMEOUT: Duration = Duration::from_secs(60);

/// Why a payload could not be signed or a signature not checked.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// A key file that cannot be read.
    #[error("cannot read the signing key {}: {message}", path.display())]
    Read {
        /// The key file.
        path: PathBuf,
        /// What the system said.
        message: String,
    },

    /// A file that is not an OpenSSH key (private or public).
    #[error("{} is not an OpenSSH key: {message}", path.display())]
    NotAKey {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        message: String,
    },

    /// A key literal (`key::…`) or public key line that does not parse.
    #[error("{value:?} is not an OpenSSH public key: {message}")]
    BadPublicKey {
        /// The text as given (shortened).
        value: String,
        /// What the parser said.
        message: String,
    },

    /// A private key protected by a passphrase, with no agent holding it.
    /// duthao never prompts for a passphrase.
    #[error(
        "the signing key {} is protected by a passphrase and no ssh-agent holds it{}; duthao does not ask for passphrases",
        path.display(),
        if *agent_running { "" } else { " (no agent is running: SSH_AUTH_SOCK is not set)" }
    )]
    Encrypted {
        /// The private key file.
        path: PathBuf,
        /// Whether an agent answered at all.
        agent_running: bool,
    },

    /// A public key (a `.pub` file or a `key::` literal) whose private key is
    /// neither in an agent nor beside it.
    #[error(
        "no ssh-agent holds the key {key}{}",
        if *agent_running { "" } else { " (no agent is running: SSH_AUTH_SOCK is not set)" }
    )]
    NotInAgent {
        /// The key's description (type, fingerprint, comment).
        key: String,
        /// Whether an agent answered at all.
        agent_running: bool,
    },

    /// A key type this build cannot sign with in-process.
    #[error("{} is a {algorithm} key, which duthao cannot sign with by itself", path.display())]
    Unsupported {
        /// The key file.
        path: PathBuf,
        /// The key's algorithm as OpenSSH names it.
        algorithm: String,
    },

    /// `ssh-keygen` (or `ssh-add`) is not installed or cannot be run.
    #[error(
        "cannot run {program}: {message}; signing with an ssh-agent or a protected key needs OpenSSH's {program}"
    )]
    ProgramMissing {
        /// `ssh-keygen` or `ssh-add`.
        program: String,
        /// What the system said.
        message: String,
    },

    /// `ssh-keygen -Y sign` failed.
    #[error("ssh-keygen could not sign with {key}: {stderr}")]
    SshKeygen {
        /// The key's description.
        key: String,
        /// What ssh-keygen said (its last lines).
        stderr: String,
    },

    /// `ssh-keygen` took too long and was stopped.
    #[error("ssh-keygen did not sign with {key} within {seconds} s and was stopped")]
    TimedOut {
        /// The key's description.
        key: String,
        /// The limit.
        seconds: u64,
    },

    /// The in-process signer failed.
    #[error("signing with {key} failed: {message}")]
    Sign {
        /// The key's description.
        key: String,
        /// What the signer said.
        message: String,
    },

    /// `gpg.format` is set to something other than `ssh`.
    #[error(
        "git is set up to sign with {format} (gpg.format), and duthao signs only with SSH keys"
    )]
    NotSsh {
        /// The configured format (`openpgp`, `x509`).
        format: String,
    },

    /// A signature that does not parse as an armored SSHSIG block.
    #[error("not an SSH signature: {message}")]
    BadSignature {
        /// What the parser said.
        message: String,
    },

    /// A signature that does not verify: wrong key, namespace, or bytes changed.
    #[error("the signature does not verify: {reason}")]
    Invalid {
        /// Why.
        reason: String,
    },
}

/// Something that signs bytes with an SSH key in git's namespace.
pub trait SigningBackend {
    /// The armored SSHSIG signature (`-----BEGIN SSH SIGNATURE-----` …
    /// `-----END SSH SIGNATURE-----\n`) of `payload`, namespace `git`.
    fn sign(&self, payload: &[u8]) -> Result<String, SignError>;

    /// The key for messages: its type, SHA-256 fingerprint and where it is
    /// ("ssh-ed25519 SHA256:… (/home/a/.ssh/id_ed25519)").
    fn describe(&self) -> String;

    /// The public key that signs, when known.
    fn public_key(&self) -> Option<&PublicKey>;
}

fn describe_key(key: &PublicKey, place: &str) -> String {
    let comment = key.comment();
    let comment = if comment.is_empty() {
        String::new()
    } else {
        format!(" {comment}")
    };
    format!(
        "{} {}{comment} ({place})",
        key.algorithm().as_str(),
        key.fingerprint(HashAlg::Sha256)
    )
}

/// An unencrypted OpenSSH private key file, signing in this process.
pub struct KeyFile {
    path: PathBuf,
    key: PrivateKey,
}

impl std::fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyFile").field("path", &self.path).finish()
    }
}

impl KeyFile {
    /// Reads the private key at `path`. A key protected by a passphrase is
    /// refused ([`SignError::Encrypted`]); so is a type this build cannot
    /// sign with (use [`SshKeygen`] for those).
    pub fn open(path: &Path) -> Result<KeyFile, SignError> {
        let key = read_private_key(path)?;
        if key.is_encrypted() {
            return Err(SignError::Encrypted {
                path: path.to_path_buf(),
                agent_running: agent_socket_from_env().is_some(),
            });
        }
        if !can_sign_in_process(&key) {
            return Err(SignError::Unsupported {
                path: path.to_path_buf(),
                algorithm: key.algorithm().as_str().to_string(),
            });
        }
        Ok(KeyFile {
            path: path.to_path_buf(),
            key,
        })
    }
}

fn can_sign_in_process(key: &PrivateKey) -> bool {
    // ssh-key 0.6's RSA signer fails on keys ssh-keygen makes ("cryptographic
    // error"): RSA goes through ssh-keygen.
    matches!(key.key_data(), ssh_key::private::KeypairData::Ed25519(_))
}

impl SigningBackend for KeyFile {
    fn sign(&self, payload: &[u8]) -> Result<String, SignError> {
        let fail = |e: ssh_key::Error| SignError::Sign {
            key: self.describe(),
            message: e.to_string(),
        };
        let sig = self
            .key
            .sign(GIT_NAMESPACE, HashAlg::Sha512, payload)
            .map_err(fail)?;
        armor(&sig).map_err(fail)
    }

    fn describe(&self) -> String {
        describe_key(self.key.public_key(), &self.path.display().to_string())
    }

    fn public_key(&self) -> Option<&PublicKey> {
        Some(self.key.public_key())
    }
}

/// The armored block as `ssh-keygen -Y sign` prints it: 70 columns, LF.
fn armor(sig: &SshSig) -> Result<String, ssh_key::Error> {
    let pem = sig.to_pem(LineEnding::LF)?;
    // ssh-key wraps at 70 columns already; make sure of it and of the
    // final newline whatever its version does.
    let mut body = String::new();
    for line in pem.lines() {
        if !line.starts_with("-----") {
            body.push_str(line.trim());
        }
    }
    let mut out = String::from("-----BEGIN SSH SIGNATURE-----\n");
    for chunk in body.as_bytes().chunks(70) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END SSH SIGNATURE-----\n");
    Ok(out)
}

/// Signing by running `ssh-keygen -Y sign -n git -f KEY`, as git does. KEY
/// is a private key file (unencrypted, or encrypted and held by the agent)
/// or a public key (`.pub`, or a `key::` literal) whose private key the
/// agent holds.
#[derive(Debug)]
pub struct SshKeygen {
    program: PathBuf,
    key_file: PathBuf,
    public: Option<PublicKey>,
    agent_socket: Option<OsString>,
    // A `key::` literal is handed to ssh-keygen in a temporary file (as git
    // does), removed when this is dropped.
    _literal: Option<tempfile::TempPath>,
}

impl SshKeygen {
    /// ssh-keygen with the key at `path` (a private key, or a `.pub` file
    /// for an agent-held key), the agent named by `SSH_AUTH_SOCK`. Checks
    /// now, without prompting, that it can sign: an encrypted key or a
    /// public key must be in the agent.
    pub fn new(path: &Path) -> Result<SshKeygen, SignError> {
        SshKeygen::with_agent(path, agent_socket_from_env())
    }

    /// [`SshKeygen::new`] with the agent at `socket` (given to ssh-keygen
    /// alone, not set in this process), or none.
    pub fn with_agent(path: &Path, socket: Option<OsString>) -> Result<SshKeygen, SignError> {
        let mut me = SshKeygen {
            program: PathBuf::from("ssh-keygen"),
            key_file: path.to_path_buf(),
            public: None,
            agent_socket: socket,
            _literal: None,
        };
        let text = std::fs::read(path).map_err(|e| SignError::Read {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let text = String::from_utf8_lossy(&text);
        if text.trim_start().starts_with("-----BEGIN") {
            let key =
                PrivateKey::from_openssh(text.as_bytes()).map_err(|e| SignError::NotAKey {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                })?;
            me.public = Some(key.public_key().clone());
            if key.is_encrypted() && !me.agent_holds(key.public_key())? {
                return Err(SignError::Encrypted {
                    path: path.to_path_buf(),
                    agent_running: me.agent_socket.is_some(),
                });
            }
        } else {
            let public = PublicKey::from_openssh(text.trim()).map_err(|e| SignError::NotAKey {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
            if !me.agent_holds(&public)? {
                // ssh-keygen falls back to the private key beside a .pub
                // file: fine when it needs no passphrase.
                me.fall_back_beside(path, &public)?;
            }
            me.public = Some(public);
        }
        Ok(me)
    }

    /// ssh-keygen with a public key line (`ssh-ed25519 AAAA…`, as in a
    /// `key::` setting) whose private key the agent at `socket` holds.
    pub fn agent_key(line: &str, socket: Option<OsString>) -> Result<SshKeygen, SignError> {
        let public = PublicKey::from_openssh(line.trim()).map_err(|e| SignError::BadPublicKey {
            value: line.chars().take(40).collect(),
            message: e.to_string(),
        })?;
        let mut me = SshKeygen {
            program: PathBuf::from("ssh-keygen"),
            key_file: PathBuf::new(),
            public: None,
            agent_socket: socket,
            _literal: None,
        };
        if !me.agent_holds(&public)? {
            return Err(SignError::NotInAgent {
                key: describe_key(&public, "key:: setting"),
                agent_running: me.agent_socket.is_some(),
            });
        }
        let mut file = tempfile::Builder::new()
            .prefix(".duthao_signing_key")
            .tempfile()
            .map_err(|e| SignError::Read {
                path: std::env::temp_dir(),
                message: e.to_string(),
            })?;
        let line = public.to_openssh().map_err(|e| SignError::BadPublicKey {
            value: line.chars().take(40).collect(),
            message: e.to_string(),
        })?;
        file.write_all(format!("{line}\n").as_bytes())
            .map_err(|e| SignError::Read {
                path: file.path().to_path_buf(),
                message: e.to_string(),
            })?;
        let path = file.into_temp_path();
        me.key_file = path.to_path_buf();
        me._literal = Some(path);
        me.public = Some(public);
        Ok(me)
    }

    /// Runs this program instead of `ssh-keygen` from PATH.
    pub fn program(mut self, program: impl Into<PathBuf>) -> SshKeygen {
        self.program = program.into();
        self
    }

    fn fall_back_beside(&self, path: &Path, public: &PublicKey) -> Result<(), SignError> {
        let not_in_agent = || SignError::NotInAgent {
            key: describe_key(public, &path.display().to_string()),
            agent_running: self.agent_socket.is_some(),
        };
        let Some(private) = path
            .to_str()
            .and_then(|p| p.strip_suffix(".pub"))
            .map(PathBuf::from)
        else {
            return Err(not_in_agent());
        };
        let Ok(key) = read_private_key(&private) else {
            return Err(not_in_agent());
        };
        if key.public_key().key_data() != public.key_data() {
            return Err(not_in_agent());
        }
        if key.is_encrypted() {
            return Err(SignError::Encrypted {
                path: private,
                agent_running: self.agent_socket.is_some(),
            });
        }
        Ok(())
    }

    /// Whether the agent holds `key` (`ssh-add -L`); false with no agent.
    fn agent_holds(&self, key: &PublicKey) -> Result<bool, SignError> {
        let Some(socket) = &self.agent_socket else {
            return Ok(false);
        };
        let out = quiet_command("ssh-add", Some(socket))
            .arg("-L")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| SignError::ProgramMissing {
                program: "ssh-add".into(),
                message: e.to_string(),
            })?;
        // Exit 1: the agent has no keys; 2: no agent at that socket.
        let listed = String::from_utf8_lossy(&out.stdout);
        Ok(listed.lines().any(|l| {
            PublicKey::from_openssh(l.trim()).is_ok_and(|k| k.key_data() == key.key_data())
        }))
    }
}

fn agent_socket_from_env() -> Option<OsString> {
    std::env::var_os("SSH_AUTH_SOCK").filter(|s| !s.is_empty())
}

/// A command that can never prompt: no askpass, no display, its own agent
/// socket (or none).
fn quiet_command(program: impl AsRef<OsStr>, socket: Option<&OsString>) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_remove("SSH_ASKPASS")
        .env_remove("SSH_ASKPASS_REQUIRE")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    match socket {
        Some(s) => cmd.env("SSH_AUTH_SOCK", s),
        None => cmd.env_remove("SSH_AUTH_SOCK"),
    };
    cmd
}

impl SigningBackend for SshKeygen {
    fn sign(&self, payload: &[u8]) -> Result<String, SignError> {
        let mut child = quiet_command(&self.program, self.agent_socket.as_ref())
            .args(["-Y", "sign", "-n", GIT_NAMESPACE, "-f"])
            .arg(&self.key_file)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| SignError::ProgramMissing {
                program: self.program.display().to_string(),
                message: e.to_string(),
            })?;
        let mut stdin = child.stdin.take().expect("piped stdin");
        let payload = payload.to_vec();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&payload);
        });
        let mut stdout = child.stdout.take().expect("piped stdout");
        let mut stderr = child.stderr.take().expect("piped stderr");
        let out_reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = stdout.read_to_end(&mut buf);
            buf
        });
        let err_reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = stderr.read_to_end(&mut buf);
            buf
        });
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() > SSH_KEYGEN_TIMEOUT => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(SignError::TimedOut {
                        key: self.describe(),
                        seconds: SSH_KEYGEN_TIMEOUT.as_secs(),
                    });
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => {
                    return Err(SignError::SshKeygen {
                        key: self.describe(),
                        stderr: e.to_string(),
                    });
                }
            }
        };
        let _ = writer.join();
        let out = out_reader.join().unwrap_or_default();
        let err = err_reader.join().unwrap_or_default();
        let stderr = String::from_utf8_lossy(&err);
        let stderr: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with("Signing data on standard input"))
            .collect();
        if !status.success() {
            return Err(SignError::SshKeygen {
                key: self.describe(),
                stderr: stderr.join("; "),
            });
        }
        let text = String::from_utf8_lossy(&out).into_owned();
        // A signature that does not parse must not reach a tag.
        SshSig::from_pem(text.trim()).map_err(|e| SignError::SshKeygen {
            key: self.describe(),
            stderr: format!("its output is not an SSH signature ({e})"),
        })?;
        Ok(if text.ends_with('\n') {
            text
        } else {
            text + "\n"
        })
    }

    fn describe(&self) -> String {
        let place = if self._literal.is_some() {
            "ssh-agent".to_string()
        } else {
            self.key_file.display().to_string()
        };
        match &self.public {
            Some(k) => describe_key(k, &place),
            None => place,
        }
    }

    fn public_key(&self) -> Option<&PublicKey> {
        self.public.as_ref()
    }
}

fn read_private_key(path: &Path) -> Result<PrivateKey, SignError> {
    let text = std::fs::read(path).map_err(|e| SignError::Read {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    PrivateKey::from_openssh(&text).map_err(|e| SignError::NotAKey {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Checks an armored SSHSIG `signature` over `payload` against `key` in
/// namespace `git` (the cryptography; whether the key is allowed is the
/// caller's to decide).
pub fn verify_signature(payload: &[u8], signature: &str, key: &PublicKey) -> Result<(), SignError> {
    let sig = SshSig::from_pem(signature.trim()).map_err(|e| SignError::BadSignature {
        message: e.to_string(),
    })?;
    if sig.namespace() != GIT_NAMESPACE {
        return Err(SignError::Invalid {
            reason: format!(
                "it is in namespace {:?}, not {GIT_NAMESPACE:?}",
                sig.namespace()
            ),
        });
    }
    if sig.public_key() != key.key_data() {
        return Err(SignError::Invalid {
            reason: format!(
                "it was made with another key ({})",
                PublicKey::from(sig.public_key().clone()).fingerprint(HashAlg::Sha256)
            ),
        });
    }
    key.verify(GIT_NAMESPACE, payload, &sig)
        .map_err(|e| SignError::Invalid {
            reason: e.to_string(),
        })
}

/// Parses a public key line (`ssh-ed25519 AAAA… comment`).
pub fn parse_public_key(line: &str) -> Result<PublicKey, SignError> {
    PublicKey::from_openssh(line.trim()).map_err(|e| SignError::BadPublicKey {
        value: line.chars().take(40).collect(),
        message: e.to_string(),
    })
}

/// Where a signing key was named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    /// The command line (`--key`).
    Option,
    /// `DUTHAO_SIGNING_KEY`.
    Environment,
    /// git's `user.signingkey` (with `gpg.format=ssh`).
    GitConfig,
}

/// The backend for a key setting as git reads `user.signingkey`: a
/// `key::ssh-… AAAA…` literal (an agent-held key), or a path (`~/` expanded,
/// relative to `base`): an unencrypted ed25519 or RSA private key signs in
/// this process; an encrypted one, a `.pub` file or another key type goes
/// through ssh-keygen (with the agent).
pub fn backend_for(setting: &str, base: &Path) -> Result<Box<dyn SigningBackend>, SignError> {
    let setting = setting.trim();
    if let Some(line) = setting.strip_prefix("key::") {
        return Ok(Box::new(SshKeygen::agent_key(
            line,
            agent_socket_from_env(),
        )?));
    }
    if setting.starts_with("ssh-") || setting.starts_with("ecdsa-") || setting.starts_with("sk-") {
        // git also takes a bare public key line.
        return Ok(Box::new(SshKeygen::agent_key(
            setting,
            agent_socket_from_env(),
        )?));
    }
    let path = expand_home(setting, base);
    let text = std::fs::read(&path).map_err(|e| SignError::Read {
        path: path.clone(),
        message: e.to_string(),
    })?;
    if String::from_utf8_lossy(&text)
        .trim_start()
        .starts_with("-----BEGIN")
    {
        let key = PrivateKey::from_openssh(&text).map_err(|e| SignError::NotAKey {
            path: path.clone(),
            message: e.to_string(),
        })?;
        if !key.is_encrypted() && can_sign_in_process(&key) {
            return Ok(Box::new(KeyFile::open(&path)?));
        }
    }
    Ok(Box::new(SshKeygen::new(&path)?))
}

fn expand_home(setting: &str, base: &Path) -> PathBuf {
    if let Some(rest) = setting.strip_prefix("~/")
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(rest);
    }
    let p = PathBuf::from(setting);
    if p.is_absolute() { p } else { base.join(p) }
}

/// The key that made an armored SSHSIG `signature`, after checking that
/// it signed `payload` in namespace `git`: who signed, by key, never by a
/// name the tag claims.
pub fn signing_key(payload: &[u8], signature: &str) -> Result<PublicKey, SignError> {
    if signature.len() > MAX_SIGNATURE_CHARS {
        return Err(SignError::BadSignature {
            message: format!("it is {} characters long", signature.len()),
        });
    }
    let sig = SshSig::from_pem(signature.trim()).map_err(|e| SignError::BadSignature {
        message: e.to_string(),
    })?;
    let key = PublicKey::from(sig.public_key().clone());
    verify_signature(payload, signature, &key)?;
    Ok(key)
}

/// An RSA-16384 signature block is about 5,000 characters; anything far
/// longer is not a signature worth parsing.
const MAX_SIGNATURE_CHARS: usize = 64 * 1024;

/// The SHA-256 fingerprint of a key as OpenSSH prints it ("SHA256:…").
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// A short, ref-safe name for a key: the first 16 hex digits of its SHA-256
/// fingerprint, used in approval tag names.
pub fn key_tag_id(key: &PublicKey) -> String {
    let fp = key.fingerprint(HashAlg::Sha256);
    fp.as_bytes()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One line of an allowed-signers file (git's `gpg.ssh.allowedSignersFile`,
/// `ssh-keygen -Y verify -f`): who may sign with which key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedSigner {
    /// The principals (emails, or patterns) the line names.
    pub principals: Vec<String>,
    /// The key's SHA-256 fingerprint.
    pub fingerprint: String,
    /// The `namespaces="…"` option, when the line restricts them.
    pub namespaces: Option<Vec<String>>,
    /// `valid-after`: Unix seconds from which the key may sign.
    pub valid_after: Option<i64>,
    /// `valid-before`: Unix seconds until which the key may sign.
    pub valid_before: Option<i64>,
    /// The line (1-based) in the file.
    pub line: usize,
}

impl AllowedSigner {
    /// Whether the line lets `email` sign in namespace `git` at `time`
    /// (Unix seconds, the tag's own). Principals are matched exactly or as
    /// `*`/`?` patterns, case-sensitively, as OpenSSH does; a `!` (negated)
    /// pattern refuses; `valid-after`/`valid-before` bound the time, as git
    /// asks ssh-keygen to check them for the tag's date.
    pub fn allows(&self, email: &str, time: i64) -> bool {
        let namespace_ok = self
            .namespaces
            .as_ref()
            .is_none_or(|n| n.iter().any(|ns| wildcard(ns, GIT_NAMESPACE)));
        let time_ok = self.valid_after.is_none_or(|a| time >= a)
            && self.valid_before.is_none_or(|b| time <= b);
        let mut allowed = false;
        for p in &self.principals {
            if let Some(neg) = p.strip_prefix('!') {
                if wildcard(neg, email) {
                    return false;
                }
            } else if wildcard(p, email) {
                allowed = true;
            }
        }
        namespace_ok && time_ok && allowed
    }
}

/// `*` and `?` matching, as OpenSSH's `match_pattern`.
fn wildcard(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative matching with one backtrack point: linear in practice and
    // never recursive, whatever the file holds.
    let (mut i, mut j) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while j < t.len() {
        if i < p.len() && (p[i] == '?' || p[i] == t[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    while i < p.len() && p[i] == '*' {
        i += 1;
    }
    i == p.len()
}

/// Reads an allowed-signers file. Lines that are blank or start with `#`
/// are skipped; a line that is not `principals [options] keytype base64
/// [comment]` is an error naming its line. Certificate authorities
/// (`cert-authority`) are refused: duthao checks plain keys only.
pub fn parse_allowed_signers(text: &str) -> Result<Vec<AllowedSigner>, (usize, String)> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let (principals, rest) = take_field(l);
        let mut rest = rest.trim_start();
        let mut namespaces = None;
        let (mut valid_after, mut valid_before) = (None, None);
        // Options until the key type.
        loop {
            let (field, after) = take_field(rest);
            if field.is_empty() {
                return Err((line, "no key on the line".into()));
            }
            if field.starts_with("ssh-") || field.starts_with("ecdsa-") || field.starts_with("sk-")
            {
                break;
            }
            for opt in split_options(&field) {
                let (name, value) = opt.split_once('=').unwrap_or((opt.as_str(), ""));
                match name.to_ascii_lowercase().as_str() {
                    "namespaces" => {
                        namespaces = Some(
                            value
                                .trim_matches('"')
                                .split(',')
                                .map(|s| s.trim().to_string())
                                .collect(),
                        );
                    }
                    "valid-after" | "valid-before" => {
                        let t = ssh_time(value.trim_matches('"')).ok_or_else(|| {
                            (
                                line,
                                format!("{name}={value} is not a time (YYYYMMDD[HHMM[SS]][Z])"),
                            )
                        })?;
                        if name.eq_ignore_ascii_case("valid-after") {
                            valid_after = Some(t);
                        } else {
                            valid_before = Some(t);
                        }
                    }
                    "cert-authority" => {
                        return Err((
                            line,
                            "a certificate authority; duthao checks plain keys only".into(),
                        ));
                    }
                    _ => {}
                }
            }
            rest = after.trim_start();
        }
        let key =
            PublicKey::from_openssh(rest).map_err(|e| (line, format!("not a public key: {e}")))?;
        out.push(AllowedSigner {
            principals: principals
                .trim_matches('"')
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            fingerprint: key.fingerprint(HashAlg::Sha256).to_string(),
            namespaces,
            valid_after,
            valid_before,
            line,
        });
    }
    Ok(out)
}

/// OpenSSH's `YYYYMMDD[HHMM[SS]][Z]` as Unix seconds. Without `Z` OpenSSH
/// reads the local time; it is read as UTC here, a difference of hours at
/// most at the edge of a key's validity.
fn ssh_time(s: &str) -> Option<i64> {
    let s = s.strip_suffix(['Z', 'z']).unwrap_or(s);
    if !matches!(s.len(), 8 | 12 | 14) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r).map_or(Some(0), |v| v.parse::<u8>().ok());
    let year: i32 = s[..4].parse().ok()?;
    let month = time::Month::try_from(n(4..6)?).ok()?;
    let date = time::Date::from_calendar_date(year, month, n(6..8)?).ok()?;
    let t = time::Time::from_hms(n(8..10)?, n(10..12)?, n(12..14)?).ok()?;
    Some(
        time::PrimitiveDateTime::new(date, t)
            .assume_utc()
            .unix_timestamp(),
    )
}

/// The first whitespace-separated field (a double-quoted run counts as one
/// piece of it) and the rest.
fn take_field(s: &str) -> (String, &str) {
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => return (s[..i].to_string(), &s[i..]),
            _ => {}
        }
    }
    (s.to_string(), "")
}

/// Comma-separated options, commas inside quotes kept.
fn split_options(field: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in field.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

#[cfg(test)]
mod allowed_signers_tests {
    use super::*;

    #[test]
    fn lines_of_git_s_format_read() {
        let key =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIORpMdMqg2RTuGLAlu3ZVZSXXa7/1hTqGn5BGtcBCkLV";
        let text = format!(
            "# comment\n\na@example.vn namespaces=\"git\" {key} a\n\"b@x.vn,*@y.vn\" valid-after=\"20260101\",namespaces=\"file,git\" {key}\n!c@y.vn,*@y.vn {key}\n"
        );
        let signers = parse_allowed_signers(&text).unwrap();
        assert_eq!(signers.len(), 3);
        let now = 1_800_000_000;
        assert!(signers[0].allows("a@example.vn", now));
        assert!(
            !signers[0].allows("A@example.vn", now),
            "case-sensitive, as OpenSSH"
        );
        assert!(!signers[0].allows("b@example.vn", now));
        assert!(signers[1].allows("d@y.vn", now) && signers[1].allows("b@x.vn", now));
        assert!(
            !signers[1].allows("d@y.vn", 1_700_000_000),
            "before valid-after"
        );
        assert!(!signers[2].allows("c@y.vn", now) && signers[2].allows("e@y.vn", now));
        assert_eq!(signers[1].line, 4);
        let only_file = format!("a@x.vn namespaces=\"file\" {key}\n");
        assert!(!parse_allowed_signers(&only_file).unwrap()[0].allows("a@x.vn", now));
        let retired = format!("a@x.vn valid-before=\"20260101Z\" {key}\n");
        let retired = parse_allowed_signers(&retired).unwrap();
        assert!(retired[0].allows("a@x.vn", 1_700_000_000));
        assert!(!retired[0].allows("a@x.vn", now));
        assert!(parse_allowed_signers(&format!("a valid-after=\"2026\" {key}")).is_err());
        assert_eq!(parse_allowed_signers("a@x.vn\n").unwrap_err().0, 1);
        assert!(parse_allowed_signers(&format!("a cert-authority {key}")).is_err());
        assert!(!wildcard("*a*b*c*d*e*f*", &"a".repeat(5000)));
    }
}
