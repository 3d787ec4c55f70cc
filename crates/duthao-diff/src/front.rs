//! Front-matter changes: the fields the header, title and signature of the
//! official document are made from.

use serde::Serialize;

use duthao_model::FrontMatter;

/// One front-matter field that differs. `key` is a dotted path
/// ("title", "signer.name", "issuer.code", "extra.<key>"); values are display
/// strings, `None` when the field is absent on that side. Recipients are one
/// value per line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub key: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

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
pub(crate) fn diff_front(old: &FrontMatter, new: &FrontMatter) -> Vec<FieldChange> {
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
                .map(|s| super::normalize(s, false))
                .filter(|s| !s.is_empty())
        };
        if norm(&va) != norm(&vb) {
            out.push(FieldChange {
                key: k.clone(),
                old: va,
                new: vb,
            });
        }
    }
    out
}
