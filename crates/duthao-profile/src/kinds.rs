use serde::Deserialize;

use super::{ProfileError, Templates};
use crate::toml_text::{known, line_col};

/// A document type of a profile: "nghi-quyet" → "NGHỊ QUYẾT", code "NQ".
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Kind {
    /// The name a draft's front matter gives as `kind:` ("nghi-quyet"): lower-case
    /// ASCII letters, digits and '-'.
    pub slug: String,
    /// The type name as printed (capitals); empty for công văn, which has none.
    pub name: String,
    /// The code in the document symbol ("NQ" in "15-NQ/TU").
    pub code: String,
    /// Skeleton body file in `templates/<profile>/skeletons/`.
    #[serde(default)]
    pub skeleton: Option<String>,
    /// Where this kind's name or code comes from, when it differs from the list's.
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKinds {
    #[serde(default)]
    source: Option<String>,
    kinds: Vec<Kind>,
}

/// The kinds of one profile.
#[derive(Debug, Clone)]
pub struct Kinds {
    /// The profile the kinds belong to, whose folder holds their skeletons.
    pub profile: String,
    /// The regulation the list of kinds follows ("Nghị định 30/2020/NĐ-CP, Phụ lục III").
    pub source: Option<String>,
    /// The kinds, in the order `kinds.toml` lists them.
    pub kinds: Vec<Kind>,
}

impl Kinds {
    /// Reads and checks `kinds.toml` of `profile`, the workspace's copy before the built-in one.
    pub fn load(templates: &Templates, profile: &str) -> Result<Kinds, ProfileError> {
        let Some(file) = templates.file(profile, "kinds.toml")? else {
            return Err(ProfileError::UnknownProfile {
                name: profile.to_string(),
                known: known(templates.profiles().iter().map(String::as_str)),
            });
        };
        let raw: RawKinds = toml::from_str(&file.text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|s| line_col(&file.text, s.start))
                .unwrap_or((1, 1));
            ProfileError::Syntax {
                file: file.origin.clone(),
                line,
                column,
                message: crate::toml_text::toml_message(&file.text, line, e.message()),
            }
        })?;
        for (i, k) in raw.kinds.iter().enumerate() {
            if k.slug.is_empty()
                || !k
                    .slug
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                return Err(ProfileError::Invalid {
                    file: file.origin.clone(),
                    key: format!("kinds[{i}].slug"),
                    message: format!(
                        "`{}` is not a valid slug; use lower-case ASCII and '-'",
                        k.slug
                    ),
                });
            }
            if let Some(sk) = &k.skeleton
                && (sk.is_empty()
                    || !sk
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
                    || sk.starts_with('.'))
            {
                return Err(ProfileError::Invalid {
                    file: file.origin.clone(),
                    key: format!("kinds[{i}].skeleton"),
                    message: format!(
                        "{sk:?} is not a file name in skeletons/; write just the name, e.g. nghi-quyet.md"
                    ),
                });
            }
            if raw.kinds[..i].iter().any(|o| o.slug == k.slug) {
                return Err(ProfileError::Invalid {
                    file: file.origin.clone(),
                    key: format!("kinds[{i}].slug"),
                    message: format!("`{}` appears twice", k.slug),
                });
            }
        }
        Ok(Kinds {
            profile: profile.to_string(),
            source: raw.source,
            kinds: raw.kinds,
        })
    }

    /// The kind a draft names by its slug, if the profile has it.
    pub fn get(&self, slug: &str) -> Option<&Kind> {
        self.kinds.iter().find(|k| k.slug == slug)
    }

    /// The kinds' slugs for a message ("nghi-quyet, quyet-dinh, …").
    pub fn known(&self) -> String {
        known(self.kinds.iter().map(|k| k.slug.as_str()))
    }

    /// The body a new draft of this kind starts from.
    pub fn skeleton(&self, templates: &Templates, kind: &Kind) -> Result<String, ProfileError> {
        let Some(name) = &kind.skeleton else {
            return Ok(String::new());
        };
        let rel = format!("skeletons/{name}");
        match templates.file(&self.profile, &rel)? {
            Some(f) => Ok(duthao_model::reader::nfc(f.text)),
            None => Err(ProfileError::Invalid {
                file: format!("templates/{}/kinds.toml", self.profile).into(),
                key: format!("{}.skeleton", kind.slug),
                message: format!("names `{rel}`, which does not exist"),
            }),
        }
    }
}
