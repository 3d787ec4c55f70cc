//! `duthao.toml`: the organisation, its default profile, the review levels in
//! order with their approvers, and the bodies that send comments.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}:{line}: `{key}` {message}")]
    Invalid {
        file: PathBuf,
        line: usize,
        key: String,
        message: String,
    },
}

/// The issuing organisation, the default for new drafts' front matter.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Approver {
    pub name: String,
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
    pub id: String,
    pub name: String,
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
    pub name: String,
    pub level: String,
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
}

fn default_profile() -> String {
    "party".to_string()
}

/// The validated workspace configuration.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Config {
    pub organisation: Organisation,
    /// Default layout profile for drafts that do not name one.
    pub profile: String,
    pub levels: Vec<Level>,
    pub bodies: Vec<CommentingBody>,
}

impl Config {
    pub fn load(file: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(file).map_err(|source| ConfigError::Io {
            file: file.to_path_buf(),
            source,
        })?;
        Config::parse(&text, file)
    }

    pub fn parse(text: &str, file: &Path) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            ConfigError::Syntax {
                file: file.to_path_buf(),
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        let invalid = |at: usize, key: String, message: String| ConfigError::Invalid {
            file: file.to_path_buf(),
            line: line_col(text, at).0,
            key,
            message,
        };
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
            for (j, a) in l.approvers.iter().enumerate() {
                if !a.email.contains('@') {
                    return Err(invalid(
                        at,
                        format!("levels[{i}].approvers[{j}].email"),
                        format!("`{}` is not an email address", a.email),
                    ));
                }
                if let Some(k) = &a.key {
                    if !looks_like_ssh_key(k) {
                        return Err(invalid(
                            at,
                            format!("levels[{i}].approvers[{j}].key"),
                            "is not an OpenSSH public key; paste the line of the .pub file, e.g. \"ssh-ed25519 AAAA… name\"".into(),
                        ));
                    }
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
        })
    }

    pub fn level(&self, id: &str) -> Option<&Level> {
        self.levels.iter().find(|l| l.id == id)
    }

    /// Levels whose approval the pipeline waits for, in order.
    pub fn approval_levels(&self) -> impl Iterator<Item = &Level> {
        self.levels.iter().filter(|l| l.quorum > 0)
    }
}

pub(crate) fn known<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = names.collect();
    if v.is_empty() {
        "(none)".to_string()
    } else {
        v.join(", ")
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn looks_like_ssh_key(k: &str) -> bool {
    let mut parts = k.split_whitespace();
    matches!(
        (parts.next(), parts.next()),
        (Some(t), Some(b)) if (t.starts_with("ssh-") || t.starts_with("ecdsa-") || t.starts_with("sk-"))
            && b.len() > 20
    )
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}
