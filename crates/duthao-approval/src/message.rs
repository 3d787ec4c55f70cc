//! The tags' names and messages: what an approval and an issue record, in
//! git trailers a person can read with `git tag -v` and duthao can parse.

use crate::Decision;

/// The prefix of every trailer duthao writes.
pub const TRAILER: &str = "Duthao-";

/// The part of a decision tag's name after `duthao/<slug>/`.
pub const DECISION_PREFIX: &str = "signoff";

/// What an approval or rejection records (all signed with the tag).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DecisionFields {
    /// The draft.
    pub slug: String,
    /// The version decided on.
    pub version: u32,
    /// Its commit (hex).
    pub commit: String,
    /// The version's tag object (hex): the approval is of that signed tag,
    /// with the roster it records, so a version tag made again afterwards
    /// (with another roster) leaves the approval pointing at nothing.
    pub version_tag: String,
    /// The content hash of its text (number and date left out).
    pub content: String,
    /// The level's id.
    pub level: String,
    /// Approve or reject.
    pub decision: Decision,
    /// The approver's name as they signed.
    pub approver_name: String,
    /// Their email.
    pub approver_email: String,
    /// When (RFC 3339, the signer's clock).
    pub time: String,
    /// The approver's note, or the reason of a rejection.
    pub note: String,
}

/// What the clerk's issue records.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IssueFields {
    /// The draft.
    pub slug: String,
    /// The version issued.
    pub version: u32,
    /// The version's commit.
    pub version_commit: String,
    /// The version's tag object (hex).
    pub version_tag: String,
    /// The commit that writes the number and the date into the draft.
    pub commit: String,
    /// The approved content hash (unchanged by the number and the date).
    pub content: String,
    /// Số.
    pub number: u32,
    /// As the document prints it ("15-NQ/TU", "05/QĐ-UBND").
    pub number_text: String,
    /// Ngày (YYYY-MM-DD).
    pub date: String,
    /// The document type (`nghi-quyet`).
    pub kind: String,
    /// The register the number is counted in: issuer code, type code and
    /// year or term ("TU/NQ/2025-2030").
    pub register: String,
    /// The clerk's name.
    pub clerk_name: String,
    /// Their email.
    pub clerk_email: String,
    /// The site that issued (`Duthao-Site:`), when the workspace syncs
    /// between sites.
    pub site: Option<String>,
}

/// `duthao/<slug>/signoff/v<N>/<level>/<key id>`: one decision per key, per
/// level, per version, so a second decision by the same key cannot be made
/// by mistake (the ref exists).
pub fn decision_tag_name(slug: &str, version: u32, level: &str, fingerprint: &str) -> String {
    format!(
        "duthao/{slug}/{DECISION_PREFIX}/v{version}/{level}/{}",
        key_id_of_fingerprint(fingerprint)
    )
}

/// The version, level and key id a decision tag's name gives.
pub fn parse_decision_tag_name<'a>(slug: &str, name: &'a str) -> Option<(u32, &'a str, &'a str)> {
    let rest = name
        .strip_prefix("duthao/")?
        .strip_prefix(slug)?
        .strip_prefix('/')?
        .strip_prefix(DECISION_PREFIX)?
        .strip_prefix("/v")?;
    let mut parts = rest.split('/');
    let n = parts.next()?;
    let level = parts.next()?;
    let key = parts.next()?;
    if parts.next().is_some() || n.starts_with('0') || level.is_empty() || key.is_empty() {
        return None;
    }
    Some((n.parse().ok()?, level, key))
}

/// `duthao/<slug>/issued`: one issue per document.
pub fn issue_tag_name(slug: &str) -> String {
    format!("duthao/{slug}/issued")
}

/// The ref-safe id of a key: the first 16 hex digits of its SHA-256
/// fingerprint ("SHA256:<base64>"); the base64 text itself when it cannot
/// be decoded (which never names a real key's tag).
pub(crate) fn key_id_of_fingerprint(fingerprint: &str) -> String {
    let b64 = fingerprint.strip_prefix("SHA256:").unwrap_or(fingerprint);
    match decode_base64(b64) {
        Some(bytes) if bytes.len() >= 8 => bytes[..8].iter().map(|b| format!("{b:02x}")).collect(),
        _ => b64.replace(['/', '+', '='], "_"),
    }
}

fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// `2026-12-01` as "01/12/2026".
pub(crate) fn date_vi(date: &str) -> String {
    let mut parts = date.splitn(3, '-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => date.to_string(),
    }
}

fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// A note kept as the signer wrote it, without what could pass for a
/// trailer block or a signature inside the message.
fn note_text(note: &str) -> String {
    let lines: Vec<String> = note
        .lines()
        .map(|l| {
            let l: String = l
                .chars()
                .filter(|c| !c.is_control() || *c == '\t')
                .collect();
            if l.starts_with("-----BEGIN") || l.starts_with(TRAILER) {
                format!(" {l}")
            } else {
                l
            }
        })
        .collect();
    lines.join("\n").trim().to_string()
}

/// The message of an approval or rejection tag.
pub fn decision_message(f: &DecisionFields, level_name: &str) -> String {
    let heading = match f.decision {
        Decision::Approve => "Phê duyệt",
        Decision::Reject => "Không phê duyệt",
    };
    let mut m = format!(
        "{heading}: Dự thảo lần {} — {}\n",
        f.version,
        one_line(level_name)
    );
    let note = note_text(&f.note);
    if !note.is_empty() {
        m.push('\n');
        m.push_str(&note);
        m.push('\n');
    }
    m.push('\n');
    for (k, v) in [
        ("Slug", f.slug.clone()),
        ("Version", f.version.to_string()),
        ("Commit", f.commit.clone()),
        ("Version-Tag", f.version_tag.clone()),
        ("Content-SHA256", f.content.clone()),
        ("Level", f.level.clone()),
        ("Decision", f.decision.as_str().to_string()),
        (
            "Approver",
            format!(
                "{} <{}>",
                one_line(&f.approver_name),
                one_line(&f.approver_email)
            ),
        ),
        ("Time", one_line(&f.time)),
    ] {
        m.push_str(&format!("{TRAILER}{k}: {v}\n"));
    }
    m
}

/// The message of the clerk's issue tag.
pub fn issue_message(f: &IssueFields) -> String {
    let mut m = format!(
        "Ban hành: Số {} ngày {} (Dự thảo lần {})\n\n",
        one_line(&f.number_text),
        date_vi(&f.date),
        f.version
    );
    for (k, v) in [
        ("Slug", f.slug.clone()),
        ("Version", f.version.to_string()),
        ("Version-Commit", f.version_commit.clone()),
        ("Version-Tag", f.version_tag.clone()),
        ("Commit", f.commit.clone()),
        ("Content-SHA256", f.content.clone()),
        ("Number", f.number.to_string()),
        ("Number-Text", one_line(&f.number_text)),
        ("Date", f.date.clone()),
        ("Kind", f.kind.clone()),
        ("Register", one_line(&f.register)),
        (
            "Clerk",
            format!("{} <{}>", one_line(&f.clerk_name), one_line(&f.clerk_email)),
        ),
    ] {
        m.push_str(&format!("{TRAILER}{k}: {v}\n"));
    }
    if let Some(site) = &f.site {
        m.push_str(&format!("{TRAILER}Site: {}\n", one_line(site)));
    }
    m
}

/// The trailer block (the last paragraph, every line `Duthao-Key: value`)
/// and the text before it.
type Trailers<'a> = Vec<(&'a str, &'a str)>;

fn trailers(message: &str) -> Result<(&str, Trailers<'_>), String> {
    let trimmed = message.trim_end();
    let (head, block) = trimmed
        .rsplit_once("\n\n")
        .ok_or("it has no trailer block")?;
    let mut pairs = Vec::new();
    for line in block.lines() {
        let (k, v) = line
            .split_once(": ")
            .filter(|(k, _)| k.starts_with(TRAILER) && !k.contains(' '))
            .ok_or_else(|| format!("the line {line:?} is not a trailer"))?;
        let k = &k[TRAILER.len()..];
        if pairs.iter().any(|(o, _)| *o == k) {
            return Err(format!("the trailer {TRAILER}{k} appears twice"));
        }
        pairs.push((k, v.trim()));
    }
    Ok((head, pairs))
}

fn field<'a>(pairs: &[(&str, &'a str)], key: &str) -> Result<&'a str, String> {
    pairs
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| *v)
        .ok_or_else(|| format!("the trailer {TRAILER}{key} is missing"))
}

fn number(pairs: &[(&str, &str)], key: &str) -> Result<u32, String> {
    let v = field(pairs, key)?;
    v.parse()
        .map_err(|_| format!("{TRAILER}{key} is {v:?}, not a number"))
}

fn hex(pairs: &[(&str, &str)], key: &str, len: usize) -> Result<String, String> {
    let v = field(pairs, key)?;
    if v.len() == len
        && v.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        Ok(v.to_string())
    } else {
        Err(format!("{TRAILER}{key} is not a hash"))
    }
}

fn person(value: &str) -> Result<(String, String), String> {
    let (name, rest) = value
        .rsplit_once(" <")
        .ok_or_else(|| format!("{value:?} is not `Name <email>`"))?;
    let email = rest
        .strip_suffix('>')
        .ok_or_else(|| format!("{value:?} is not `Name <email>`"))?;
    Ok((name.trim().to_string(), email.trim().to_string()))
}

/// Reads an approval or rejection tag's message.
pub fn parse_decision(message: &str) -> Result<DecisionFields, String> {
    let (head, pairs) = trailers(message)?;
    let decision = match field(&pairs, "Decision")? {
        "approve" => Decision::Approve,
        "reject" => Decision::Reject,
        other => return Err(format!("{TRAILER}Decision is {other:?}")),
    };
    let (approver_name, approver_email) = person(field(&pairs, "Approver")?)?;
    let note = head
        .split_once("\n\n")
        .map(|(_, n)| n.trim().to_string())
        .unwrap_or_default();
    Ok(DecisionFields {
        slug: field(&pairs, "Slug")?.to_string(),
        version: number(&pairs, "Version")?,
        commit: hex(&pairs, "Commit", 40)?,
        version_tag: hex(&pairs, "Version-Tag", 40)?,
        content: hex(&pairs, "Content-SHA256", 64)?,
        level: field(&pairs, "Level")?.to_string(),
        decision,
        approver_name,
        approver_email,
        time: field(&pairs, "Time")?.to_string(),
        note,
    })
}

/// Reads an issue tag's message.
pub fn parse_issue(message: &str) -> Result<IssueFields, String> {
    let (_, pairs) = trailers(message)?;
    let (clerk_name, clerk_email) = person(field(&pairs, "Clerk")?)?;
    Ok(IssueFields {
        slug: field(&pairs, "Slug")?.to_string(),
        version: number(&pairs, "Version")?,
        version_commit: hex(&pairs, "Version-Commit", 40)?,
        version_tag: hex(&pairs, "Version-Tag", 40)?,
        commit: hex(&pairs, "Commit", 40)?,
        content: hex(&pairs, "Content-SHA256", 64)?,
        number: number(&pairs, "Number")?,
        number_text: field(&pairs, "Number-Text")?.to_string(),
        date: field(&pairs, "Date")?.to_string(),
        kind: field(&pairs, "Kind")?.to_string(),
        register: field(&pairs, "Register")?.to_string(),
        clerk_name,
        clerk_email,
        site: pairs
            .iter()
            .find(|(k, _)| *k == "Site")
            .map(|(_, v)| v.to_string()),
    })
}
