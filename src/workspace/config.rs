//! `duthao.toml`: the organisation, its default profile, the review levels in
//! order with their approvers, and the bodies that send comments.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::profile::toml_text::{known, line_col, toml_message};

/// The largest `duthao.toml` read.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// What is wrong with a workspace's `duthao.toml`, with the file and line.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// duthao.toml could not be read safely.
    #[error(transparent)]
    Read(crate::fsutil::ReadFileError),
    /// duthao.toml could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file, as the user knows it.
        file: PathBuf,
        /// The system's error.
        source: std::io::Error,
    },
    /// duthao.toml is not valid TOML.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        /// The file, as the user knows it.
        file: PathBuf,
        /// The line in it (1-based).
        line: usize,
        /// The column (1-based).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A key of duthao.toml has a value that cannot be.
    #[error("{file}:{line}: `{key}` {message}")]
    Invalid {
        /// The file, as the user knows it.
        file: PathBuf,
        /// The line in it (1-based).
        line: usize,
        /// The key.
        key: String,
        /// What is wrong.
        message: String,
    },
}

/// The issuing organisation, the default for new drafts' front matter.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// The body above it, on the header's first line ("ĐẢNG BỘ TỈNH …").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The issuing body ("TỈNH ỦY THÁI NGUYÊN").
    pub name: String,
    /// Its code in document numbers ("TU" in "15-NQ/TU").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The place name of the date line ("Thái Nguyên").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
}

/// Someone who signs off a level.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Approver {
    /// Their name, as their approvals show it.
    pub name: String,
    /// Their email, as git knows them.
    pub email: String,
    /// OpenSSH public key ("ssh-ed25519 AAAA… comment"); needed to approve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// A review level: comments are recorded per level, and approvals go level by
/// level in the order of the file. A level without approvers only comments.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// The level's short name in commands and records (`ban-to-chuc`).
    pub id: String,
    /// Its name for readers ("Ban Tổ chức Tỉnh ủy").
    pub name: String,
    /// Who may approve at this level.
    #[serde(default)]
    pub approvers: Vec<Approver>,
    /// Approvals needed at this level; 0 for a comment-only level.
    #[serde(default)]
    pub quorum: u32,
}

/// A commenting body (chủ thể góp ý) and the level it comments at.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CommentingBody {
    /// Its name ("Đảng ủy Khối cơ quan").
    pub name: String,
    /// The `id` of the level it comments at.
    pub level: String,
}

/// Who signs the synthesis table of comments (`[report]`): the drafting
/// body, when it is not the issuing one, and its signature block.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReportSettings {
    /// The drafting body (cơ quan chủ trì soạn thảo), e.g. "Ban Tổ chức Tỉnh ủy".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drafter: Option<String>,
    /// The authority line of the signature ("T/M BAN TỔ CHỨC").
    #[serde(default)]
    pub authority: String,
    /// The signer's office ("TRƯỞNG BAN").
    #[serde(default)]
    pub title: String,
    /// The signer's name.
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    organisation: Organisation,
    #[serde(default = "default_profile")]
    profile: String,
    #[serde(default)]
    levels: Vec<Spanned<Level>>,
    #[serde(default)]
    bodies: Vec<Spanned<CommentingBody>>,
    #[serde(default)]
    report: Option<ReportSettings>,
}

fn default_profile() -> String {
    "party".to_string()
}

/// The validated workspace configuration.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Config {
    /// Who issues the documents.
    pub organisation: Organisation,
    /// Default layout profile for drafts that do not name one.
    pub profile: String,
    /// The review levels, in the order a document goes through them.
    pub levels: Vec<Level>,
    /// The bodies that send comments, each at its level.
    pub bodies: Vec<CommentingBody>,
    /// Who signs the synthesis table of comments.
    pub report: Option<ReportSettings>,
}

impl Config {
    /// Reads `duthao.toml` of the workspace at `root` (canonical), refusing
    /// a link and a file over [`MAX_CONFIG_BYTES`].
    pub fn load_in(root: &Path) -> Result<Config, ConfigError> {
        let rel = Path::new(super::CONFIG_FILE);
        let bytes =
            crate::fsutil::read_in_workspace(root, rel, MAX_CONFIG_BYTES, "the configuration")
                .map_err(ConfigError::Read)?
                .ok_or_else(|| ConfigError::Io {
                    file: rel.to_path_buf(),
                    source: std::io::Error::from(std::io::ErrorKind::NotFound),
                })?;
        let text = String::from_utf8(bytes).map_err(|e| ConfigError::Syntax {
            file: rel.to_path_buf(),
            line: 1,
            column: 1,
            message: format!(
                "not UTF-8 at byte {}; save the file as UTF-8",
                e.utf8_error().valid_up_to()
            ),
        })?;
        Config::parse(&text, rel)
    }

    /// Reads and checks the text of a `duthao.toml`; `file` names it in
    /// errors.
    pub fn parse(text: &str, file: &Path) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            ConfigError::Syntax {
                file: file.to_path_buf(),
                line,
                column,
                message: toml_message(text, line, e.message()),
            }
        })?;
        let invalid = |at: usize, key: String, message: String| ConfigError::Invalid {
            file: file.to_path_buf(),
            line: line_col(text, at).0,
            key,
            message,
        };
        if !crate::profile::is_profile_name(&raw.profile) {
            let at = text.find("profile").unwrap_or(0);
            return Err(invalid(
                at,
                "profile".into(),
                format!(
                    "{:?} is not a profile name; use lower-case letters, digits and '-' (party, state, party-2018 or a folder of templates/)",
                    raw.profile
                ),
            ));
        }
        if raw.organisation.name.trim().is_empty() {
            let at = text.find("[organisation]").unwrap_or(0);
            return Err(invalid(
                at,
                "organisation.name".into(),
                "is empty; write the issuing body, e.g. \"TỈNH ỦY THÁI NGUYÊN\"".into(),
            ));
        }
        let mut levels: Vec<Level> = Vec::new();
        for (i, sp) in raw.levels.iter().enumerate() {
            let at = sp.span().start;
            let l = sp.get_ref();
            let key = |k: &str| format!("levels[{i}].{k}");
            if !is_id(&l.id) {
                return Err(invalid(
                    at,
                    key("id"),
                    format!(
                        "`{}` is not a valid id; use lower-case ASCII letters, digits and '-', e.g. ban-to-chuc",
                        l.id
                    ),
                ));
            }
            if levels.iter().any(|o| o.id == l.id) {
                return Err(invalid(
                    at,
                    key("id"),
                    format!(
                        "`{}` is used by two levels; each level needs its own id",
                        l.id
                    ),
                ));
            }
            if l.quorum as usize > l.approvers.len() {
                return Err(invalid(
                    at,
                    key("quorum"),
                    format!(
                        "is {} but the level lists {} approver(s); lower the quorum or add approvers",
                        l.quorum,
                        l.approvers.len()
                    ),
                ));
            }
            if !l.approvers.is_empty() && l.quorum == 0 {
                return Err(invalid(
                    at,
                    key("quorum"),
                    "is 0 but the level has approvers; set how many approvals it needs (at least 1)"
                        .into(),
                ));
            }
            let mut keys: Vec<(usize, ssh_key::public::KeyData)> = Vec::new();
            for (j, a) in l.approvers.iter().enumerate() {
                let key_at = |value: &str| value_at(text, at, value);
                if a.name.trim().is_empty() {
                    return Err(invalid(
                        at,
                        format!("levels[{i}].approvers[{j}].name"),
                        "is empty; write the approver's name".into(),
                    ));
                }
                if !is_email(&a.email) {
                    return Err(invalid(
                        key_at(&a.email),
                        format!("levels[{i}].approvers[{j}].email"),
                        format!("{:?} is not an email address", a.email),
                    ));
                }
                if let Some(k) = l.approvers[..j]
                    .iter()
                    .position(|o| o.email.eq_ignore_ascii_case(&a.email))
                {
                    return Err(invalid(
                        key_at(&a.email),
                        format!("levels[{i}].approvers[{j}].email"),
                        format!(
                            "{:?} is also approvers[{k}] of this level; list each approver once (a quorum counts different people)",
                            a.email
                        ),
                    ));
                }
                if let Some(k) = &a.key {
                    let data = parse_public_key(k).map_err(|message| {
                        invalid(
                            key_at(k.get(..40).unwrap_or(k)),
                            format!("levels[{i}].approvers[{j}].key"),
                            message,
                        )
                    })?;
                    if let Some((other, _)) = keys.iter().find(|(_, d)| *d == data) {
                        return Err(invalid(
                            key_at(k.get(..40).unwrap_or(k)),
                            format!("levels[{i}].approvers[{j}].key"),
                            format!(
                                "is the same key as approvers[{other}] of this level; each approver signs with a key of their own"
                            ),
                        ));
                    }
                    keys.push((j, data));
                }
            }
            levels.push(l.clone());
        }
        let mut bodies = Vec::new();
        for (i, sp) in raw.bodies.iter().enumerate() {
            let b = sp.get_ref();
            if !levels.iter().any(|l| l.id == b.level) {
                return Err(invalid(
                    sp.span().start,
                    format!("bodies[{i}].level"),
                    format!(
                        "`{}` is not a level; known levels: {}",
                        b.level,
                        known(levels.iter().map(|l| l.id.as_str()))
                    ),
                ));
            }
            bodies.push(b.clone());
        }
        Ok(Config {
            organisation: raw.organisation,
            profile: raw.profile,
            levels,
            bodies,
            report: raw.report,
        })
    }

    /// The level of that id.
    pub fn level(&self, id: &str) -> Option<&Level> {
        self.levels.iter().find(|l| l.id == id)
    }

    /// Levels whose approval the pipeline waits for, in order.
    pub fn approval_levels(&self) -> impl Iterator<Item = &Level> {
        self.levels.iter().filter(|l| l.quorum > 0)
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The longest public key line accepted: an RSA key of 16,384 bits is
/// about 2,800 characters.
const MAX_KEY_CHARS: usize = 8 * 1024;

/// Parses an OpenSSH public key line ("ssh-ed25519 AAAA… comment") into its
/// key, or says what is wrong with it in the user's terms.
pub fn parse_public_key(line: &str) -> Result<ssh_key::public::KeyData, String> {
    let line = line.trim();
    if line.len() > MAX_KEY_CHARS {
        return Err(format!(
            "is {} characters long; an SSH public key is one line of a few hundred: paste the line of the .pub file",
            line.len()
        ));
    }
    if line.chars().any(char::is_control) {
        return Err(
            "holds a line break or a control character; paste the one line of the .pub file".into(),
        );
    }
    let key = ssh_key::PublicKey::from_openssh(line).map_err(|_| {
        "is not an OpenSSH public key (the type, the key in base64, a comment); paste the line of the .pub file, e.g. \"ssh-ed25519 AAAA… name\"".to_string()
    })?;
    match key.key_data() {
        ssh_key::public::KeyData::Dsa(_) => Err(
            "is a DSA key, which OpenSSH and git no longer accept; make an ed25519 key (ssh-keygen -t ed25519)".into(),
        ),
        ssh_key::public::KeyData::Rsa(r) if r.n.as_bytes().len() * 8 < 2048 - 8 => Err(
            "is an RSA key shorter than 2,048 bits, too weak to sign approvals; make an ed25519 key (ssh-keygen -t ed25519)".into(),
        ),
        data => Ok(data.clone()),
    }
}

/// A plausible e-mail address: one `@` with text on both sides, no spaces
/// or control characters.
fn is_email(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
                && !domain.contains('@')
        }
        None => false,
    }
}

/// The offset of `value` in the file at or after `from` (the table that
/// holds it), for the line of an error; `from` when it is not found.
fn value_at(text: &str, from: usize, value: &str) -> usize {
    if value.is_empty() {
        return from;
    }
    text.get(from..)
        .and_then(|rest| rest.find(value))
        .map_or(from, |i| from + i)
}
