use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The YAML front matter of a draft: everything the header and footer of the
/// official document need. Keys we do not know are kept in `extra` and written
/// back unchanged, so a workspace can carry its own fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrontMatter {
    /// Document type slug, e.g. `nghi-quyet`; resolved against the profile's kinds.
    pub kind: String,
    /// Layout profile name; the workspace default applies when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The issuing body, and the body above it, as the header's left column shows them.
    pub issuer: Issuer,
    /// Empty until the clerk issues the document.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_number"
    )]
    pub number: Option<u32>,
    /// The place name of the date line ("Thái Nguyên, ngày … tháng … năm …").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The date the document bears; absent until it is dated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<DocDate>,
    /// The trích yếu: the document's subject line, under its type name.
    pub title: String,
    /// Who signs, shown in the signature block; absent when the document has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<Signer>,
    /// The nơi nhận: one line of text each, as the clerk writes them ("- Lưu: VT, KGVX").
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "de_recipients"
    )]
    pub recipients: Vec<String>,
    /// Unknown keys, in their original order.
    #[serde(flatten)]
    pub extra: serde_yaml_ng::Mapping,
}

/// The issuing body (cơ quan ban hành) as the header shows it, and its code in
/// the document's symbol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Issuer {
    /// The body above the issuer ("ĐẢNG BỘ TỈNH THÁI NGUYÊN", "UBND TỈNH ...").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The issuing body ("TỈNH ỦY THÁI NGUYÊN").
    pub name: String,
    /// Its code in the document symbol ("TU" in "15-NQ/TU").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Keys of `issuer` we do not know, kept and written back unchanged.
    #[serde(flatten)]
    pub extra: serde_yaml_ng::Mapping,
}

/// Who signs the document, as the signature block shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signer {
    /// "T/M BAN THƯỜNG VỤ", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"; may be empty.
    #[serde(default)]
    pub authority: String,
    /// The signer's office ("BÍ THƯ", "CHỦ TỊCH").
    pub title: String,
    /// The signer's full name.
    pub name: String,
    /// Keys of `signer` we do not know, kept and written back unchanged.
    #[serde(flatten)]
    pub extra: serde_yaml_ng::Mapping,
}

/// A calendar date as written in the front matter (`2026-03-05`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DocDate(pub time::Date);

impl DocDate {
    /// The earliest year a document may be dated.
    pub const FIRST_YEAR: i32 = 1900;

    /// Reads a `YYYY-MM-DD` date no earlier than [`DocDate::FIRST_YEAR`]; the error
    /// says what is wrong and how to write it.
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let shape = t.len() == 10
            && t.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        let date = time::Date::parse(t, &fmt)
            .ok()
            .filter(|_| shape)
            .ok_or_else(|| {
                format!("date: `{s}` is not a date; write it as YYYY-MM-DD, e.g. 2026-03-05")
            })?;
        if date.year() < Self::FIRST_YEAR {
            return Err(format!(
                "date: `{s}` is before {}; write the document's date as YYYY-MM-DD, e.g. 2026-03-05",
                Self::FIRST_YEAR
            ));
        }
        Ok(DocDate(date))
    }
    /// The day of the month, 1 to 31.
    pub fn day(&self) -> u8 {
        self.0.day()
    }
    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.0.month() as u8
    }
    /// The year, [`DocDate::FIRST_YEAR`] or later in a date read from a draft.
    pub fn year(&self) -> i32 {
        self.0.year()
    }
}

impl fmt::Display for DocDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.year(),
            self.month(),
            self.day()
        )
    }
}

impl Serialize for DocDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for DocDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        DocDate::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Accepts `15`, `"15"` or an empty value; anything else names what is wrong.
fn de_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Int(i64),
        Str(String),
    }
    match Option::<Raw>::deserialize(d)? {
        None => Ok(None),
        Some(Raw::Int(n)) if n > 0 && n <= u32::MAX as i64 => Ok(Some(n as u32)),
        Some(Raw::Int(n)) => Err(serde::de::Error::custom(format!(
            "number: {n} is out of range; a document number is a positive integer"
        ))),
        Some(Raw::Str(s)) if s.trim().is_empty() => Ok(None),
        Some(Raw::Str(s)) => s.trim().parse::<u32>().map(Some).map_err(|_| {
            serde::de::Error::custom(format!(
                "number: `{s}` is not a positive integer; leave it empty until the document is issued"
            ))
        }),
    }
}

/// Recipients are lines of text. "- Lưu: VT, KGVX" is what clerks write, and
/// YAML reads it as a one-entry map; we take it back as the line it was.
fn de_recipients<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    use serde_yaml_ng::Value;
    let items = Option::<Vec<Value>>::deserialize(d)?.unwrap_or_default();
    let scalar = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null => Some(String::new()),
            _ => None,
        }
    };
    items
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::Mapping(m) if m.len() == 1 => {
                let (k, val) = m.iter().next().expect("one entry");
                match (scalar(k), scalar(val)) {
                    (Some(k), Some(val)) => Ok(format!("{k}: {val}").trim_end().to_string()),
                    _ => Err(serde::de::Error::custom(format!(
                        "recipients: item {} is not a line of text; write each recipient as `- text`", i + 1
                    ))),
                }
            }
            other => scalar(other).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "recipients: item {} is not a line of text; write each recipient as `- text`", i + 1
                ))
            }),
        })
        .collect()
}
