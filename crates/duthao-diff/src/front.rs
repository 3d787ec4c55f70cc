//! Front-matter changes: the fields the header, title and signature of the
//! official document are made from.

use std::time::Instant;

use serde::Serialize;

use crate::WordOp;
use duthao_model::FrontMatter;

/// One front-matter field that differs, with how it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// A dotted path: "title", "signer.name", "issuer.code", "extra.KEY".
    pub key: String,
    /// The FROM value as a display string; `None` when the field is absent.
    /// Recipients are one recipient per line.
    pub old: Option<String>,
    /// The TO value, the same way.
    pub new: Option<String>,
    /// The change, decided here once for every writer. For a text value, a
    /// word diff of the two values as the body's blocks get (normalised
    /// unless whitespace is significant): the `Equal` and `Delete` texts
    /// rebuild `old`, the `Equal` and `Insert` texts `new`. For a list
    /// (`recipients`) each op is one whole item, kept, added or dropped. A
    /// value only one side has is one `Insert` or `Delete`.
    pub ops: Vec<WordOp>,
}

impl FieldChange {
    /// Whether the value is a list (`recipients`), whose ops are whole items.
    pub fn is_list(&self) -> bool {
        LIST_FIELDS.contains(&self.key.as_str())
    }
}

/// The fields whose value is a list, compared item by item.
const LIST_FIELDS: [&str; 1] = ["recipients"];

fn fields(f: &FrontMatter) -> Vec<(String, Option<String>)> {
    let mut v: Vec<(String, Option<String>)> = vec![
        ("kind".into(), Some(f.kind.clone())),
        ("profile".into(), f.profile.clone()),
        ("issuer.parent".into(), f.issuer.parent.clone()),
        ("issuer.name".into(), Some(f.issuer.name.clone())),
        ("issuer.code".into(), f.issuer.code.clone()),
        ("number".into(), f.number.map(|n| n.to_string())),
        ("place".into(), f.place.clone()),
        ("date".into(), f.date.map(|d| d.to_string())),
        ("title".into(), Some(f.title.clone())),
        (
            "signer.authority".into(),
            f.signer.as_ref().map(|s| s.authority.clone()),
        ),
        (
            "signer.title".into(),
            f.signer.as_ref().map(|s| s.title.clone()),
        ),
        (
            "signer.name".into(),
            f.signer.as_ref().map(|s| s.name.clone()),
        ),
        (
            "recipients".into(),
            (!f.recipients.is_empty()).then(|| f.recipients.join("\n")),
        ),
    ];
    let extras = [("issuer.", &f.issuer.extra), ("extra.", &f.extra)];
    for (prefix, map) in extras {
        for (k, val) in map {
            v.push((
                format!("{prefix}{}", yaml_scalar(k)),
                Some(yaml_scalar(val)),
            ));
        }
    }
    if let Some(s) = &f.signer {
        for (k, val) in &s.extra {
            v.push((format!("signer.{}", yaml_scalar(k)), Some(yaml_scalar(val))));
        }
    }
    v
}

fn yaml_scalar(v: &serde_yaml_ng::Value) -> String {
    match v {
        serde_yaml_ng::Value::String(s) => s.clone(),
        other => serde_yaml_ng::to_string(other)
            .map(|s| s.trim_end().to_string())
            .unwrap_or_default(),
    }
}

/// Fields that differ, known fields first in a fixed order, then extra keys
/// in the order they appear (FROM's, then any only TO has).
pub(crate) fn diff_front(
    old: &FrontMatter,
    new: &FrontMatter,
    whitespace: bool,
    deadline: Option<Instant>,
) -> Vec<FieldChange> {
    let a = fields(old);
    let b = fields(new);
    let mut out = Vec::new();
    let mut keys: Vec<&String> = a.iter().map(|(k, _)| k).collect();
    for (k, _) in &b {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    for k in keys {
        let va = a.iter().find(|(x, _)| x == k).and_then(|(_, v)| v.clone());
        let vb = b.iter().find(|(x, _)| x == k).and_then(|(_, v)| v.clone());
        let norm = |v: &Option<String>| {
            v.as_deref()
                .map(|s| super::normalize(s, whitespace))
                .filter(|s| !s.is_empty())
        };
        let (na, nb) = (norm(&va), norm(&vb));
        if na != nb {
            let ops = if LIST_FIELDS.contains(&k.as_str()) {
                item_ops(va.as_deref(), vb.as_deref(), whitespace)
            } else {
                match (na, nb) {
                    (Some(x), Some(y)) => crate::words::diff_words(&x, &y, deadline),
                    (Some(x), None) => vec![WordOp::Delete(x)],
                    (None, Some(y)) => vec![WordOp::Insert(y)],
                    (None, None) => Vec::new(),
                }
            };
            out.push(FieldChange {
                key: k.clone(),
                old: va,
                new: vb,
                ops,
            });
        }
    }
    out
}

/// A list value's items (one per line, blank lines left out), compared
/// item by item.
fn item_ops(old: Option<&str>, new: Option<&str>, whitespace: bool) -> Vec<WordOp> {
    let items = |v: Option<&str>| -> Vec<String> {
        v.unwrap_or_default()
            .lines()
            .map(|l| super::normalize(l, whitespace))
            .filter(|l| !l.is_empty())
            .collect()
    };
    let (a, b) = (items(old), items(new));
    crate::diff_lines(&a, &b)
        .into_iter()
        .map(|op| match op {
            crate::LineOp::Equal(l) => WordOp::Equal(l.to_string()),
            crate::LineOp::Insert(l) => WordOp::Insert(l.to_string()),
            crate::LineOp::Delete(l) => WordOp::Delete(l.to_string()),
        })
        .collect()
}
