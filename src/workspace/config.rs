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
    /// The committee's term ("2025-2030"): a party body's register restarts
    /// its numbers each term, where a state body's restarts each year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
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
    /// Whether every comment of this level needs the drafter's response
    /// (tiếp thu / giải trình) before the level may approve.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub require_responses: bool,
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

/// Which site does what when the workspace syncs between sites
/// (`[sync]`): one site submits each draft's versions, one issues.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SyncSettings {
    /// The site that submits versions (the drafting body).
    pub drafting_site: String,
    /// The site that reserves numbers and issues; the drafting site when absent.
    #[serde(default)]
    pub issuing_site: Option<String>,
}

impl SyncSettings {
    /// The site that issues.
    pub fn issuing(&self) -> &str {
        self.issuing_site.as_deref().unwrap_or(&self.drafting_site)
    }
}

/// Whether `name` can name a site: lower-case ASCII letters and digits in
/// words joined by single '-', 1 to 40 characters.
pub fn is_site_name(name: &str) -> bool {
    (1..=40).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && name.split('-').all(|part| !part.is_empty())
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    sync: Option<Spanned<SyncSettings>>,
    organisation: Organisation,
    #[serde(default = "default_profile")]
    profile: String,
    #[serde(default)]
    levels: Vec<Spanned<Level>>,
    #[serde(default)]
    bodies: Vec<Spanned<CommentingBody>>,
    #[serde(default)]
    report: Option<ReportSettings>,
    #[serde(default)]
    clerks: Vec<Spanned<Approver>>,
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
    /// The clerks (văn thư) who issue documents: their key signs the
    /// number and the date.
    pub clerks: Vec<Approver>,
    /// Which site submits and issues, when the workspace syncs between sites.
    pub sync: Option<SyncSettings>,
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
                    .position(|o| o.email.trim().eq_ignore_ascii_case(a.email.trim()))
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
        if let Some(term) = &raw.organisation.term
            && parse_term(term).is_none()
        {
            return Err(invalid(
                value_at(text, 0, term),
                "organisation.term".into(),
                format!(
                    "{term:?} is not a term; write its first and last year, e.g. \"2025-2030\""
                ),
            ));
        }
        let mut clerks = Vec::new();
        for (j, sp) in raw.clerks.iter().enumerate() {
            let c = sp.get_ref();
            let at = sp.span().start;
            let key_at = |value: &str| value_at(text, at, value);
            if c.name.trim().is_empty() {
                return Err(invalid(
                    at,
                    format!("clerks[{j}].name"),
                    "is empty; write the clerk's name".into(),
                ));
            }
            if !is_email(&c.email) {
                return Err(invalid(
                    key_at(&c.email),
                    format!("clerks[{j}].email"),
                    format!("{:?} is not an email address", c.email),
                ));
            }
            if let Some(k) = &c.key {
                parse_public_key(k).map_err(|message| {
                    invalid(
                        key_at(k.get(..40).unwrap_or(k)),
                        format!("clerks[{j}].key"),
                        message,
                    )
                })?;
            }
            clerks.push(c.clone());
        }
        // One key is one person everywhere: the same key under two names
        // would let one person count twice towards a quorum.
        let mut owners: Vec<(ssh_key::public::KeyData, &str, String)> = Vec::new();
        let people = levels
            .iter()
            .enumerate()
            .flat_map(|(i, l)| {
                l.approvers
                    .iter()
                    .enumerate()
                    .map(move |(j, a)| (a, format!("levels[{i}].approvers[{j}]")))
            })
            .chain(
                clerks
                    .iter()
                    .enumerate()
                    .map(|(j, c)| (c, format!("clerks[{j}]"))),
            );
        for (person, at_key) in people {
            let Some(k) = &person.key else { continue };
            let Ok(data) = parse_public_key(k) else {
                continue;
            };
            if let Some((_, email, first)) = owners.iter().find(|(d, _, _)| *d == data)
                && !email.trim().eq_ignore_ascii_case(person.email.trim())
            {
                // The line of this entry: the key's text after its earlier
                // occurrences (each holder of the key wrote it once).
                let needle = k.get(..40).unwrap_or(k);
                let earlier = owners.iter().filter(|(d, _, _)| *d == data).count();
                let mut at = value_at(text, 0, needle);
                for _ in 0..earlier {
                    at = value_at(text, at + needle.len(), needle);
                }
                return Err(invalid(
                    at,
                    format!("{at_key}.key"),
                    format!(
                        "is also the key of {first} ({email}); one key belongs to one person, or one person could count twice"
                    ),
                ));
            }
            owners.push((data, &person.email, at_key));
        }
        let sync = match raw.sync {
            Some(sp) => {
                let at = sp.span().start;
                let settings = sp.into_inner();
                for (key, name) in [
                    ("sync.drafting_site", Some(&settings.drafting_site)),
                    ("sync.issuing_site", settings.issuing_site.as_ref()),
                ] {
                    if let Some(name) = name
                        && !is_site_name(name)
                    {
                        return Err(invalid(
                            value_at(text, at, name),
                            key.into(),
                            format!(
                                "{name:?} is not a site name; use lower-case ASCII letters, digits and '-', e.g. vp-tinh-uy"
                            ),
                        ));
                    }
                }
                Some(settings)
            }
            None => None,
        };
        Ok(Config {
            sync,
            organisation: raw.organisation,
            profile: raw.profile,
            levels,
            bodies,
            report: raw.report,
            clerks,
        })
    }

    /// The level of that id.
    pub fn level(&self, id: &str) -> Option<&Level> {
        self.levels.iter().find(|l| l.id == id)
    }

    /// The allowed-signers file (git's `gpg.ssh.allowedSignersFile` format)
    /// for the keys of this configuration: every approver and clerk with a
    /// key, principal = email, namespace `git`. The same configuration
    /// always gives the same bytes, so a copy can be checked for being in
    /// step.
    pub fn allowed_signers(&self) -> String {
        let mut out = String::from(ALLOWED_SIGNERS_HEADER);
        let mut seen: Vec<String> = Vec::new();
        let people = self
            .levels
            .iter()
            .flat_map(|l| l.approvers.iter().map(move |a| (a, l.id.as_str())))
            .chain(self.clerks.iter().map(|c| (c, "clerk")));
        for (person, role) in people {
            let Some(k) = &person.key else { continue };
            let Ok(data) = parse_public_key(k) else {
                continue;
            };
            let key = ssh_key::PublicKey::new(data, "");
            let Ok(line) = key.to_openssh() else { continue };
            let entry = format!(
                "{} namespaces=\"git\" {}\n",
                person.email.trim(),
                line.trim()
            );
            if seen.contains(&entry) {
                continue;
            }
            seen.push(entry.clone());
            let name: String = person.name.chars().filter(|c| !c.is_control()).collect();
            out.push_str(&format!("# {name} ({role})\n"));
            out.push_str(&entry);
        }
        out
    }

    /// Levels whose approval the pipeline waits for, in order.
    pub fn approval_levels(&self) -> impl Iterator<Item = &Level> {
        self.levels.iter().filter(|l| l.quorum > 0)
    }
}

/// The first lines of `.duthao/allowed_signers`.
const ALLOWED_SIGNERS_HEADER: &str = "# Written by duthao from the keys in duthao.toml; do not edit by hand.\n# git -c gpg.ssh.allowedSignersFile=.duthao/allowed_signers tag -v <tag>\n";

/// The first and last year of a term written "2025-2030".
pub fn parse_term(term: &str) -> Option<(i32, i32)> {
    let (a, b) = term.trim().split_once('-')?;
    let (a, b): (i32, i32) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    ((1945..=9999).contains(&a) && a < b && b - a <= 10).then_some((a, b))
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
                // Beyond what git's signature lines refuse: the characters an
                // allowed-signers principal treats as patterns or quotes.
                && !s.chars().any(|c| {
                    c.is_whitespace()
                        || c.is_control()
                        || matches!(c, '<' | '>' | '*' | '?' | ',' | '"' | '!' | '\\')
                })
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
