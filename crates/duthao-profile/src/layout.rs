//! Layout profiles as data: page, fonts and the style of every element of an
//! official document, each rule with the regulation it comes from.
//!
//! The built-in profiles (`templates/<profile>/layout.toml`) are compiled into
//! the binary. A workspace overrides any key in its own
//! `templates/<profile>/layout.toml`; the two are merged key by key (tables
//! recursively, any other value replaced whole) before the result is typed and
//! checked, so an override only has to name what it changes.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The profiles shipped with duthao, in the order `duthao init` offers them.
/// Their files are the built-in templates (one embedded copy, see
/// [`Templates`](crate::Templates)).
pub const BUILTIN_PROFILES: &[&str] = &["state", "party", "party-2018"];

/// Why a layout profile could not be loaded. Each message names the file and,
/// where it can, the line and key.
#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    /// No built-in profile of this name, and no `layout.toml` for it in the workspace.
    #[error(
        "unknown layout profile `{profile}`: no built-in profile of that name and no {expected}; built-in profiles: {known}"
    )]
    UnknownProfile {
        /// The profile asked for.
        profile: String,
        /// The workspace file that would have defined it.
        expected: String,
        /// The built-in profiles, for the message.
        known: String,
    },
    /// The name cannot name a profile folder (see [`crate::is_profile_name`]).
    #[error(
        "{profile:?} is not a profile name; a profile is a folder of templates/ named with lower-case letters, digits and '-'"
    )]
    BadName {
        /// The name as given.
        profile: String,
    },
    /// The workspace's `layout.toml` could not be read safely (a link, outside the
    /// workspace, too large).
    #[error(transparent)]
    Read(duthao_fs::ReadFileError),
    /// A `layout.toml` is not valid TOML or not UTF-8.
    #[error("{}:{line}: {message}", file.display())]
    Syntax {
        /// The file: the workspace's, or the built-in one as
        /// `<built-in>/templates/<profile>/layout.toml`.
        file: PathBuf,
        /// The 1-based line of the problem.
        line: usize,
        /// What the TOML parser found wrong.
        message: String,
    },
    /// A key is missing, has the wrong type, or is out of range once the profile is merged.
    #[error("{}{}: key `{key}`: {message}", file.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    BadValue {
        /// The file to fix: the workspace's override when it set the key, else the base profile.
        file: PathBuf,
        /// The 1-based line of the key, when it can be found in the file.
        line: Option<usize>,
        /// The dotted key (`header.issuer.size_pt`), or `(profile)` when no single key is to blame.
        key: String,
        /// What is wrong with the value.
        message: String,
    },
}

/// Horizontal alignment of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Align {
    /// Flush with the left margin (the default).
    #[default]
    Left,
    /// Centred between the margins (canh giữa).
    Center,
    /// Flush with the right margin, as the draft mark is.
    Right,
    /// Justified on both sides ("canh đều").
    Both,
}

/// How the first letter of a text from the front matter is cased.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Case {
    /// The text as the drafter wrote it.
    #[default]
    AsWritten,
    /// The first letter made a capital.
    UpperFirst,
    /// The first letter made lower case.
    LowerFirst,
}

/// The look of one element: a paragraph with one run style.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextStyle {
    /// Font size in points: a whole or half point between 4 and 72.
    pub size_pt: f32,
    /// Set in bold (đậm).
    #[serde(default)]
    pub bold: bool,
    /// Set in italics (nghiêng).
    #[serde(default)]
    pub italic: bool,
    /// Written in capitals (the text itself is upper-cased, so a copy-paste
    /// keeps the capitals).
    #[serde(default)]
    pub caps: bool,
    /// Underlined (the recipients' label in the party profiles).
    #[serde(default)]
    pub underline: bool,
    /// How the paragraph is aligned.
    #[serde(default)]
    pub align: Align,
    /// Space above the paragraph, in points.
    #[serde(default)]
    pub space_before_pt: f32,
    /// Space below the paragraph, in points.
    #[serde(default)]
    pub space_after_pt: f32,
    /// Line spacing as a multiple of single spacing; `None` is single.
    #[serde(default)]
    pub line_spacing: Option<f32>,
    /// Indent of the paragraph's first line, in millimetres (lùi đầu dòng).
    #[serde(default)]
    pub first_line_indent_mm: f32,
    /// Only for headings: put the label ("Chương I") on its own line above the name.
    #[serde(default)]
    pub label_on_own_line: bool,
    /// Only for the trích yếu.
    #[serde(default)]
    pub case: Case,
    /// The regulation this rule comes from, and where in it.
    pub source: String,
    /// A remark for the clerk: what the regulation leaves open, or where this rule
    /// follows practice rather than a text.
    #[serde(default)]
    pub note: Option<String>,
}

/// The shape of a separator drawn under an element of the header or the trích yếu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleKind {
    /// A solid horizontal line.
    Line,
    /// A centred "*" (party documents, under the issuing body).
    Star,
    /// A line of text such as "-----".
    Dashes,
    /// No separator.
    None,
}

/// A separator drawn under a header element or the trích yếu.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleStyle {
    /// Which separator is drawn.
    pub kind: RuleKind,
    /// Length of a line relative to the text above it.
    #[serde(default = "hundred")]
    pub length_pct: u32,
    /// The text of a `dashes` rule.
    #[serde(default)]
    pub text: String,
    /// The regulation this rule comes from, and where in it.
    pub source: String,
    /// A remark for the clerk: what the regulation leaves open, or where this rule
    /// follows practice rather than a text.
    #[serde(default)]
    pub note: Option<String>,
}

fn hundred() -> u32 {
    100
}

/// The `[profile]` table of a `layout.toml`: which profile the file is and the
/// regulation it follows.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileInfo {
    /// The profile's name, as its folder under `templates/` is named.
    pub name: String,
    /// A title for people: the documents it lays out and the regulation ("Văn bản
    /// hành chính (Nghị định 30/2020/NĐ-CP)").
    pub title: String,
    /// The regulation this rule comes from, and where in it.
    pub source: String,
    /// A remark for the clerk: what the regulation leaves open, or where this rule
    /// follows practice rather than a text.
    #[serde(default)]
    pub note: Option<String>,
}

/// The paper size and margins, in millimetres.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// Paper width (A4: 210).
    pub width_mm: f32,
    /// Paper height (A4: 297).
    pub height_mm: f32,
    /// Space between the top edge of the paper and the text (lề trên).
    pub margin_top_mm: f32,
    /// Space between the text and the bottom edge of the paper (lề dưới).
    pub margin_bottom_mm: f32,
    /// Space between the left edge of the paper and the text (lề trái).
    pub margin_left_mm: f32,
    /// Space between the text and the right edge of the paper (lề phải).
    pub margin_right_mm: f32,
    /// Distance from the top edge of the paper to the page header, where the page number sits.
    pub header_mm: f32,
    /// Distance from the bottom edge of the paper to the page footer.
    pub footer_mm: f32,
    /// The regulation this rule comes from, and where in it.
    pub source: String,
    /// A remark for the clerk: what the regulation leaves open, or where this rule
    /// follows practice rather than a text.
    #[serde(default)]
    pub note: Option<String>,
}

/// The font of the whole document.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Font {
    /// The font family every element uses ("Times New Roman"); code has its own in [`CodeLayout`].
    pub family: String,
    /// The text colour as `RRGGBB` ("000000", black).
    pub color: String,
    /// The regulation this rule comes from, and where in it.
    pub source: String,
    /// A remark for the clerk: what the regulation leaves open, or where this rule
    /// follows practice rather than a text.
    #[serde(default)]
    pub note: Option<String>,
}

/// One line of the motto in the header's right column: the Quốc hiệu and Tiêu
/// ngữ, or "ĐẢNG CỘNG SẢN VIỆT NAM".
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MottoLine {
    /// The line's text, printed as it is.
    pub text: String,
    /// The line's look.
    pub style: TextStyle,
}

/// The two-column header table of the first page.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderLayout {
    /// The left column's share of the header table's width, in percent.
    pub left_width_pct: u32,
    /// How far the header table reaches into the left and right margins.
    pub extend_left_mm: f32,
    /// How far the header table reaches into the right margin.
    pub extend_right_mm: f32,
    /// The governing body above the issuer (cơ quan chủ quản), first line of the left column.
    pub parent: TextStyle,
    /// The issuing body (cơ quan ban hành), under it.
    pub issuer: TextStyle,
    /// The separator under the issuing body's name.
    pub issuer_rule: RuleStyle,
    /// The "Số: …" line, under the issuer.
    pub number: TextStyle,
    /// The lines of the right column, top to bottom.
    pub motto: Vec<MottoLine>,
    /// The separator under the motto.
    pub motto_rule: RuleStyle,
    /// The place and date line, under the motto.
    pub date: TextStyle,
    /// The regulation this rule comes from, and where in it.
    pub source: String,
    /// A remark for the clerk: what the regulation leaves open, or where this rule
    /// follows practice rather than a text.
    #[serde(default)]
    pub note: Option<String>,
}

/// Number/symbol and place/date templates with their zero-padding rules.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Formats {
    /// Placeholders: `{number}`, `{code}`, `{issuer_code}`.
    pub number: String,
    /// When the register of outgoing documents starts again at 1, per
    /// issuing body and document type: each calendar year (state bodies)
    /// or each term of the committee (party bodies).
    #[serde(default)]
    pub number_restarts: NumberPeriod,
    /// The regulation the numbering period comes from.
    #[serde(default)]
    pub number_restarts_source: Option<String>,
    /// The number line of a document not numbered yet, with room left for the number.
    pub number_blank: String,
    /// The fewest digits of the number: shorter numbers get leading zeros ("05").
    pub number_min_digits: u32,
    /// For kinds without a type code (công văn): placeholders `{number}`, `{issuer_code}`.
    pub number_no_code: String,
    /// The number line of a kind without a type code, not numbered yet.
    pub number_no_code_blank: String,
    /// Placeholders: `{place}`, `{dd}`, `{m}`, `{yyyy}`.
    pub date: String,
    /// The date line of an undated draft, with room left for the day and month:
    /// placeholder `{place}` (and `{yyyy}`, left blank).
    pub date_blank: String,
    /// Days below this get a leading zero (10: "05", "15").
    pub day_leading_zero_below: u32,
    /// The months written with a leading zero ([1, 2]: "01", "02", "3").
    pub month_leading_zero: Vec<u32>,
    /// The regulation this rule comes from, and where in it.
    pub source: String,
    /// A remark for the clerk: what the regulation leaves open, or where this rule
    /// follows practice rather than a text.
    #[serde(default)]
    pub note: Option<String>,
}

/// A line the layout fills from a template ("Số: {number}/{code}"): the
/// template's own text and the values put in its placeholders, in order, so
/// that a writer can show which values changed without comparing texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    /// The template it was filled from.
    pub template: String,
    /// Its pieces, in order.
    pub pieces: Vec<Piece>,
}

/// One piece of a [`Filled`] line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// The text.
    pub text: String,
    /// The placeholder it fills (`number`, `dd` …); `None` for the
    /// template's own text.
    pub slot: Option<&'static str>,
}

impl Filled {
    /// Fills `template`, each `{name}` of `values` replaced by its value.
    pub fn fill(template: &str, values: &[(&'static str, &str)]) -> Filled {
        let mut pieces = Vec::new();
        let mut rest = template;
        let mut literal = String::new();
        'scan: while !rest.is_empty() {
            for (name, value) in values {
                if let Some(after) = rest
                    .strip_prefix('{')
                    .and_then(|r| r.strip_prefix(name))
                    .and_then(|r| r.strip_prefix('}'))
                {
                    if !literal.is_empty() {
                        pieces.push(Piece {
                            text: std::mem::take(&mut literal),
                            slot: None,
                        });
                    }
                    pieces.push(Piece {
                        text: value.to_string(),
                        slot: Some(name),
                    });
                    rest = after;
                    continue 'scan;
                }
            }
            let c = rest.chars().next().unwrap_or_default();
            literal.push(c);
            rest = &rest[c.len_utf8()..];
        }
        if !literal.is_empty() {
            pieces.push(Piece {
                text: literal,
                slot: None,
            });
        }
        Filled {
            template: template.to_string(),
            pieces,
        }
    }

    /// A line that is all the template's own text.
    pub fn literal(text: &str) -> Filled {
        Filled::fill(text, &[])
    }

    /// The line's text.
    pub fn text(&self) -> String {
        self.pieces.iter().map(|p| p.text.as_str()).collect()
    }
}

/// When document numbers start again at 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NumberPeriod {
    /// Each calendar year.
    #[default]
    Year,
    /// Each term of the issuing committee (`organisation.term`).
    Term,
}

impl Formats {
    /// "Số: 05/NQ-HĐND" / "Số 15-NQ/TU"; the blank form for an unnumbered draft.
    pub fn number_line(&self, number: Option<u32>, code: &str, issuer_code: &str) -> String {
        self.number_filled(number, code, issuer_code).text()
    }

    /// [`Formats::number_line`] as its pieces.
    pub fn number_filled(&self, number: Option<u32>, code: &str, issuer_code: &str) -> Filled {
        let template = match (number, code.is_empty()) {
            (Some(_), false) => &self.number,
            (None, false) => &self.number_blank,
            (Some(_), true) => &self.number_no_code,
            (None, true) => &self.number_no_code_blank,
        };
        let n = number
            .map(|n| format!("{n:0width$}", width = self.number_min_digits as usize))
            .unwrap_or_default();
        Filled::fill(
            template,
            &[("number", &n), ("code", code), ("issuer_code", issuer_code)],
        )
    }

    /// "Thái Nguyên, ngày 05 tháng 3 năm 2026"; the blank form for an undated draft.
    pub fn date_line(&self, place: &str, date: Option<(i32, u8, u8)>) -> String {
        self.date_filled(place, date).text()
    }

    /// [`Formats::date_line`] as its pieces.
    pub fn date_filled(&self, place: &str, date: Option<(i32, u8, u8)>) -> Filled {
        match date {
            Some((y, m, d)) => {
                let dd = if (d as u32) < self.day_leading_zero_below {
                    format!("{d:02}")
                } else {
                    d.to_string()
                };
                let mm = if self.month_leading_zero.contains(&(m as u32)) {
                    format!("{m:02}")
                } else {
                    m.to_string()
                };
                Filled::fill(
                    &self.date,
                    &[
                        ("place", place),
                        ("dd", &dd),
                        ("m", &mm),
                        ("yyyy", &y.to_string()),
                    ],
                )
            }
            None => Filled::fill(&self.date_blank, &[("place", place), ("yyyy", "    ")]),
        }
    }
}

/// The trích yếu of a document type without a type name (công văn): under
/// the number in the header, after "V/v".
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterTitle {
    /// Printed before the subject ("V/v ").
    pub prefix: String,
    /// Words the drafter may have started the title with that the prefix
    /// already says ("V/v", "về việc", "về"): dropped, in any case, so the
    /// line never reads "V/v về …".
    #[serde(default)]
    pub drop_leading: Vec<String>,
    /// The line's look.
    pub style: TextStyle,
    /// The regulation this rule comes from, and where in it.
    pub source: String,
    /// A remark for the clerk: what the regulation leaves open, or where this rule
    /// follows practice rather than a text.
    #[serde(default)]
    pub note: Option<String>,
}

impl LetterTitle {
    /// "V/v triển khai …" from the title "về triển khai …", "V/v triển
    /// khai …" or "triển khai …".
    pub fn line(&self, title: &str) -> String {
        let mut subject = title.trim();
        'strip: loop {
            for lead in &self.drop_leading {
                if let Some(rest) = strip_word_prefix(subject, lead) {
                    subject = rest.trim_start();
                    continue 'strip;
                }
            }
            break;
        }
        format!("{}{subject}", self.prefix)
    }
}

/// `text` without its leading `prefix` (compared case-insensitively, whole
/// words only: "về" does not strip "vềnh").
fn strip_word_prefix<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let prefix = prefix.trim();
    let n = prefix.chars().count();
    let end = text.char_indices().nth(n).map_or(text.len(), |(i, _)| i);
    let (head, rest) = text.split_at(end);
    let same = head.chars().count() == n && head.to_lowercase() == prefix.to_lowercase();
    let at_boundary = rest.chars().next().is_none_or(|c| !c.is_alphanumeric());
    (n > 0 && same && at_boundary).then_some(rest)
}

/// The heading styles, one per numbering level of the drafter's labels, with
/// the rule for "Điều N." headings.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Headings {
    /// Headings labelled "Phần I", "Phần thứ nhất".
    pub part: TextStyle,
    /// Headings labelled "Chương II".
    pub chapter: TextStyle,
    /// Headings labelled "Mục 1".
    pub section: TextStyle,
    /// "A.", "B." parts of reports.
    pub letter: TextStyle,
    /// Headings labelled "Điều 5.": the article's label and its title.
    pub article: TextStyle,
    /// Headings labelled "I.", "II-" (Roman numerals).
    pub roman: TextStyle,
    /// Headings labelled "1.", "2-".
    pub arabic: TextStyle,
    /// Headings labelled "1.1.", "2.3.1.".
    pub sub_arabic: TextStyle,
    /// Points (điểm) labelled "a)", "đ)".
    pub point: TextStyle,
    /// Headings without a numbering label.
    pub other: TextStyle,
    /// A "Điều N." heading whose text after the label ends as a sentence
    /// (".", ":" or ";") and has at least this many words carries the whole
    /// article, not its title: only "Điều N." is bold. `None`: always bold.
    #[serde(default)]
    pub article_sentence_min_words: Option<u32>,
    /// The regulation this rule comes from, and where in it.
    pub source: String,
    /// A remark for the clerk: what the regulation leaves open, or where this rule
    /// follows practice rather than a text.
    #[serde(default)]
    pub note: Option<String>,
}

/// How list items are indented.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListLayout {
    /// First-line indent of a top-level item, in millimetres.
    pub indent_mm: f32,
    /// Added to the indent for each level of nesting, in millimetres.
    pub nested_indent_mm: f32,
    /// The regulation this rule comes from, and where in it.
    pub source: String,
    /// A remark for the clerk: what the regulation leaves open, or where this rule
    /// follows practice rather than a text.
    #[serde(default)]
    pub note: Option<String>,
}

/// How a block quote looks.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteLayout {
    /// Font size of the quoted text, in points.
    pub size_pt: f32,
    /// Set in italics (nghiêng).
    #[serde(default)]
    pub italic: bool,
    /// How the quote is aligned.
    #[serde(default)]
    pub align: Align,
    /// Left indent of the whole quote, in millimetres.
    pub indent_mm: f32,
    /// Space below the quote, in points.
    #[serde(default)]
    pub space_after_pt: f32,
    /// The regulation this rule comes from, and where in it.
    pub source: String,
    /// A remark for the clerk: what the regulation leaves open, or where this rule
    /// follows practice rather than a text.
    #[serde(default)]
    pub note: Option<String>,
}

/// How a table looks.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableLayout {
    /// Font size in points of the text in cells.
    pub size_pt: f32,
    /// Border width in eighths of a point (the DOCX unit).
    pub border_eighths: u32,
    /// Whether the header row is bold.
    pub header_bold: bool,
    /// The regulation this rule comes from, and where in it.
    pub source: String,
    /// A remark for the clerk: what the regulation leaves open, or where this rule
    /// follows practice rather than a text.
    #[serde(default)]
    pub note: Option<String>,
}

/// A rule that sets only a font size: the footnotes' text.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizeOnly {
    /// Font size, in points.
    pub size_pt: f32,
    /// The regulation this rule comes from, and where in it.
    pub source: String,
    /// A remark for the clerk: what the regulation leaves open, or where this rule
    /// follows practice rather than a text.
    #[serde(default)]
    pub note: Option<String>,
}

/// How code and other verbatim text looks: inline code and code blocks.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeLayout {
    /// A fixed-width font family ("Courier New").
    pub family: String,
    /// Font size of code, in points.
    pub size_pt: f32,
    /// The regulation this rule comes from, and where in it.
    pub source: String,
    /// A remark for the clerk: what the regulation leaves open, or where this rule
    /// follows practice rather than a text.
    #[serde(default)]
    pub note: Option<String>,
}

/// The signature block, right of "Nơi nhận" at the end of the document.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureLayout {
    /// The signature column's share of the text width, in percent.
    pub right_width_pct: u32,
    /// Room left for the hand signature and the seal, above the name.
    pub gap_pt: f32,
    /// The signing authority line ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH").
    pub authority: TextStyle,
    /// The signer's office ("CHỦ TỊCH").
    pub title: TextStyle,
    /// The signer's full name, under the room left for signature and seal.
    pub name: TextStyle,
    /// The regulation this rule comes from, and where in it.
    pub source: String,
    /// A remark for the clerk: what the regulation leaves open, or where this rule
    /// follows practice rather than a text.
    #[serde(default)]
    pub note: Option<String>,
}

/// How the nơi nhận list is printed, left of the signature block.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecipientsLayout {
    /// The label above the list ("Nơi nhận:").
    pub label: String,
    /// Printed before each recipient ("- ").
    pub item_prefix: String,
    /// Printed after each recipient but the last (";").
    pub item_suffix: String,
    /// Printed after the last recipient (".").
    pub last_suffix: String,
    /// Added as the last line when no recipient starts with "Lưu"; empty: never.
    pub archive_line: String,
    /// The label's look.
    pub label_style: TextStyle,
    /// The look of each recipient line.
    pub item_style: TextStyle,
    /// The regulation this rule comes from, and where in it.
    pub source: String,
    /// A remark for the clerk: what the regulation leaves open, or where this rule
    /// follows practice rather than a text.
    #[serde(default)]
    pub note: Option<String>,
}

impl RecipientsLayout {
    /// A recipient as the drafter wrote it, without a list mark in front or
    /// end punctuation; `None` for a blank line.
    pub fn item(recipient: &str) -> Option<&str> {
        let r = recipient
            .trim()
            .trim_start_matches(['-', '+', '*'])
            .trim()
            .trim_end_matches([';', ',', '.']);
        (!r.is_empty()).then_some(r)
    }

    /// Whether the archive line ("Lưu: VT") is added after these items:
    /// when there is one to add and the drafter did not write a "Lưu" line.
    pub fn adds_archive(&self, items: &[&str]) -> bool {
        !self.archive_line.is_empty() && !items.iter().any(|r| r.starts_with("Lưu"))
    }

    /// The archive line added after the items (see [`Self::adds_archive`]).
    pub fn archive(&self) -> &str {
        &self.archive_line
    }

    /// One item as printed: prefix, text, and the end mark of the last item
    /// or of any other.
    pub fn item_line(&self, item: &str, last: bool) -> String {
        let end = if last {
            &self.last_suffix
        } else {
            &self.item_suffix
        };
        format!("{}{item}{end}", self.item_prefix)
    }

    /// The prefix and the two end marks, for a writer that shows how a
    /// line's end changed: (prefix, end of an item, end of the last one).
    pub fn marks(&self) -> (&str, &str, &str) {
        (&self.item_prefix, &self.item_suffix, &self.last_suffix)
    }

    /// The recipient lines as printed: prefix, text, and the right end mark.
    pub fn lines(&self, recipients: &[String]) -> Vec<String> {
        let mut items: Vec<&str> = recipients.iter().filter_map(|r| Self::item(r)).collect();
        if self.adds_archive(&items) {
            items.push(&self.archive_line);
        }
        let n = items.len();
        items
            .iter()
            .enumerate()
            .map(|(i, r)| self.item_line(r, i + 1 == n))
            .collect()
    }
}

/// Where and how the pages are numbered.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageNumberLayout {
    /// Font size of the page number, in points.
    pub size_pt: f32,
    /// How the number is aligned in the page header.
    #[serde(default)]
    pub align: Align,
    /// The first page that shows its number: 1, or 2 to leave the first page without one.
    pub from_page: u32,
    /// The regulation this rule comes from, and where in it.
    pub source: String,
    /// A remark for the clerk: what the regulation leaves open, or where this rule
    /// follows practice rather than a text.
    #[serde(default)]
    pub note: Option<String>,
}

/// The draft mark ("Dự thảo lần 2", "DỰ THẢO") at the top right of the first page.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftMarkLayout {
    /// `{n}` is the version number.
    pub numbered: String,
    /// The mark of a draft without a version number yet ("DỰ THẢO").
    pub unnumbered: String,
    /// Whether the mark is drawn in a box.
    #[serde(default)]
    pub boxed: bool,
    /// The mark's look.
    pub style: TextStyle,
    /// The regulation this rule comes from, and where in it.
    pub source: String,
    /// A remark for the clerk: what the regulation leaves open, or where this rule
    /// follows practice rather than a text.
    #[serde(default)]
    pub note: Option<String>,
}

/// Lines that stand alone before the first article and announce the
/// decision ("QUYẾT ĐỊNH:", "QUYẾT NGHỊ:"): a paragraph whose whole text is
/// one of them, in any case, takes their own style instead of the body's.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormulaLines {
    /// The formula lines, compared without regard to case or spacing.
    pub lines: Vec<String>,
    /// Their look.
    pub style: TextStyle,
    /// The regulation this rule comes from, and where in it.
    pub source: String,
    /// A remark for the clerk: what the regulation leaves open, or where this rule
    /// follows practice rather than a text.
    #[serde(default)]
    pub note: Option<String>,
}

impl FormulaLines {
    /// Whether a paragraph's plain text is one of the formula lines
    /// (case and spacing aside).
    pub fn matches(&self, text: &str) -> bool {
        let norm = |t: &str| {
            t.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_uppercase()
        };
        let text = norm(text);
        !text.is_empty() && self.lines.iter().any(|l| norm(l) == text)
    }
}

/// What the drafter writes, kept as data for checkers; renderers never rewrite text.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conventions {
    /// How the text ends ("./." for state documents).
    pub body_end: String,
    /// The prefixes of a signing authority ("TM.", "KT.", "T/M").
    pub authority_prefixes: Vec<String>,
    /// What follows a Roman numeral in headings ("." or "-").
    pub roman_separator: String,
    /// The regulation this rule comes from, and where in it.
    pub source: String,
    /// A remark for the clerk: what the regulation leaves open, or where this rule
    /// follows practice rather than a text.
    #[serde(default)]
    pub note: Option<String>,
}

/// One layout profile, typed and checked.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// Which profile this is.
    pub profile: ProfileInfo,
    /// Paper size and margins.
    pub page: Page,
    /// The document's font.
    pub font: Font,
    /// The two-column header of the first page.
    pub header: HeaderLayout,
    /// How the number and date lines are written.
    pub formats: Formats,
    /// The document type's name ("NGHỊ QUYẾT"), under the header.
    pub type_name: TextStyle,
    /// The trích yếu, under the type name.
    pub title: TextStyle,
    /// The separator under the trích yếu.
    pub title_rule: RuleStyle,
    /// The trích yếu of a công văn, which has no type name.
    pub letter_title: LetterTitle,
    /// Running text.
    pub body: TextStyle,
    /// The headings, by numbering level.
    pub headings: Headings,
    /// List items.
    pub list: ListLayout,
    /// Block quotes.
    pub quote: QuoteLayout,
    /// Tables.
    pub table: TableLayout,
    /// Footnotes.
    pub footnote: SizeOnly,
    /// Code and verbatim text.
    pub code: CodeLayout,
    /// The signature block.
    pub signature: SignatureLayout,
    /// The nơi nhận list.
    pub recipients: RecipientsLayout,
    /// Page numbers.
    pub page_number: PageNumberLayout,
    /// The draft mark.
    pub draft_mark: DraftMarkLayout,
    /// The formula lines before the first article ("QUYẾT ĐỊNH:").
    pub formula: FormulaLines,
    /// What the drafter writes, kept for a checker.
    pub conventions: Conventions,
}

impl Headings {
    /// For a "Điều N." heading: whether the text after its label is the
    /// article's sentence rather than its title (see
    /// [`Headings::article_sentence_min_words`]).
    pub fn article_is_sentence(&self, after_label: &str) -> bool {
        let Some(min) = self.article_sentence_min_words else {
            return false;
        };
        let rest = after_label.trim();
        let ends_as_sentence = rest.ends_with(['.', ':', ';']);
        ends_as_sentence && rest.split_whitespace().count() >= min as usize
    }
}

impl Layout {
    /// The heading style for a numbering label kind (or for an unlabelled heading).
    pub fn heading_style(&self, kind: Option<duthao_model::LabelKind>) -> &TextStyle {
        use duthao_model::LabelKind as K;
        let h = &self.headings;
        match kind {
            Some(K::Part) => &h.part,
            Some(K::Chapter) => &h.chapter,
            Some(K::Section) => &h.section,
            Some(K::Letter) => &h.letter,
            Some(K::Article) => &h.article,
            Some(K::Roman) => &h.roman,
            Some(K::Arabic) => &h.arabic,
            Some(K::SubArabic) => &h.sub_arabic,
            Some(K::Point) => &h.point,
            None => &h.other,
        }
    }
}

/// The built-in text of a profile, if duthao ships one of that name.
pub fn builtin_layout_text(profile: &str) -> Option<&'static str> {
    crate::templates::builtin_text(profile, "layout.toml")
}

/// Loads profile `profile`: the built-in data merged with the workspace's
/// `<workspace_templates>/<profile>/layout.toml` when that file exists. A
/// workspace may also define a profile of its own name (no built-in), which
/// must then be complete.
pub fn load_layout(
    profile: &str,
    workspace_templates: Option<&Path>,
) -> Result<Layout, LayoutError> {
    if !super::is_profile_name(profile) {
        return Err(LayoutError::BadName {
            profile: profile.to_string(),
        });
    }
    let builtin_name = PathBuf::from(format!("<built-in>/templates/{profile}/layout.toml"));
    let override_file = workspace_templates.map(|t| t.join(profile).join("layout.toml"));
    let override_text = match workspace_templates {
        Some(t) => {
            let root = std::fs::canonicalize(t).unwrap_or_else(|_| t.to_path_buf());
            let rel = Path::new(profile).join("layout.toml");
            match duthao_fs::read_in_workspace(
                &root,
                &rel,
                super::templates::MAX_TEMPLATE_BYTES,
                "templates",
            ) {
                Ok(Some(bytes)) => {
                    Some(String::from_utf8(bytes).map_err(|e| LayoutError::Syntax {
                        file: t.join(&rel),
                        line: 1,
                        message: format!(
                            "not UTF-8 at byte {}; save the file as UTF-8",
                            e.utf8_error().valid_up_to()
                        ),
                    })?)
                }
                Ok(None) => None,
                Err(e) => return Err(LayoutError::Read(e)),
            }
        }
        None => None,
    };
    let builtin = builtin_layout_text(profile);
    match (builtin, override_text, override_file) {
        (Some(b), None, _) => layout_from_sources(&builtin_name, b, None),
        (Some(b), Some(o), Some(of)) => layout_from_sources(&builtin_name, b, Some((&of, &o))),
        (None, Some(o), Some(of)) => layout_from_sources(&of, &o, None),
        _ => Err(LayoutError::UnknownProfile {
            profile: profile.to_string(),
            expected: match workspace_templates {
                Some(t) => format!("{}", t.join(profile).join("layout.toml").display()),
                None => "workspace templates folder".to_string(),
            },
            known: BUILTIN_PROFILES.join(", "),
        }),
    }
}

/// Parses a base layout text and an optional override (file name, text),
/// merges them and checks the result. Errors name the file and key.
pub fn layout_from_sources(
    base_file: &Path,
    base_text: &str,
    overlay: Option<(&Path, &str)>,
) -> Result<Layout, LayoutError> {
    let base = parse_table(base_file, base_text)?;
    let mut merged = base.clone();
    let mut overridden: Vec<Vec<String>> = Vec::new();
    if let Some((file, text)) = overlay {
        let over = parse_table(file, text)?;
        collect_leaves(&over, &mut Vec::new(), &mut overridden);
        merge(&mut merged, over);
    }
    let layout: Layout = match toml::Value::Table(merged.clone()).try_into() {
        Ok(l) => l,
        Err(e) => {
            // Find the override key that breaks the profile, so the message
            // points at the line the user wrote rather than at the merge.
            if let Some((file, text)) = overlay {
                for key in &overridden {
                    let mut trial = base.clone();
                    let over = parse_table(file, text)?;
                    if let Some(v) = get_path(&over, key) {
                        set_path(&mut trial, key, v.clone());
                    }
                    if let Err(e) = toml::Value::Table(trial).try_into::<Layout>() {
                        return Err(LayoutError::BadValue {
                            file: file.to_path_buf(),
                            line: find_key_line(text, key),
                            key: key.join("."),
                            message: clean_serde_message(&e.to_string()),
                        });
                    }
                }
            }
            return Err(LayoutError::BadValue {
                file: overlay.map(|(f, _)| f).unwrap_or(base_file).to_path_buf(),
                line: None,
                key: "(profile)".to_string(),
                message: clean_serde_message(&e.to_string()),
            });
        }
    };
    if let Err((key, message)) = validate(&layout) {
        let path: Vec<String> = key.split('.').map(str::to_string).collect();
        let (file, line) = match overlay {
            Some((f, text))
                if overridden
                    .iter()
                    .any(|k| path.starts_with(k) || k.starts_with(&path)) =>
            {
                (f.to_path_buf(), find_key_line(text, &path))
            }
            _ => (base_file.to_path_buf(), find_key_line(base_text, &path)),
        };
        return Err(LayoutError::BadValue {
            file,
            line,
            key,
            message,
        });
    }
    Ok(layout)
}

fn parse_table(file: &Path, text: &str) -> Result<toml::Table, LayoutError> {
    text.parse::<toml::Table>()
        .map_err(|e| LayoutError::Syntax {
            file: file.to_path_buf(),
            line: e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(1),
            message: e.message().to_string(),
        })
}

fn clean_serde_message(m: &str) -> String {
    m.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("in `"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Workspace values win; tables merge key by key, arrays and scalars are replaced whole.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

fn collect_leaves(t: &toml::Table, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    for (k, v) in t {
        prefix.push(k.clone());
        match v {
            toml::Value::Table(sub) => collect_leaves(sub, prefix, out),
            _ => out.push(prefix.clone()),
        }
        prefix.pop();
    }
}

fn get_path<'a>(t: &'a toml::Table, path: &[String]) -> Option<&'a toml::Value> {
    let (first, rest) = path.split_first()?;
    let v = t.get(first)?;
    if rest.is_empty() {
        Some(v)
    } else {
        match v {
            toml::Value::Table(sub) => get_path(sub, rest),
            _ => None,
        }
    }
}

fn set_path(t: &mut toml::Table, path: &[String], value: toml::Value) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if rest.is_empty() {
        t.insert(first.clone(), value);
        return;
    }
    let entry = t
        .entry(first.clone())
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    if !entry.is_table() {
        *entry = toml::Value::Table(toml::Table::new());
    }
    if let toml::Value::Table(sub) = entry {
        set_path(sub, rest, value);
    }
}

/// The 1-based line where `path` is set in a TOML text: a `key =` line under
/// the matching `[table]` header, or a dotted key, or the table header itself.
fn find_key_line(text: &str, path: &[String]) -> Option<usize> {
    let mut current: Vec<String> = Vec::new();
    let mut table_line = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('[') {
            let name = line.trim_start_matches('[').split(']').next().unwrap_or("");
            current = name
                .split('.')
                .map(|s| s.trim().trim_matches('"').to_string())
                .collect();
            if current.as_slice() == path {
                table_line = Some(i + 1);
            }
            continue;
        }
        let Some((key, _)) = line.split_once('=') else {
            continue;
        };
        let mut full = current.clone();
        full.extend(
            key.trim()
                .split('.')
                .map(|s| s.trim().trim_matches('"').to_string()),
        );
        if full.as_slice() == path || (path.starts_with(&full) && full.len() > current.len()) {
            return Some(i + 1);
        }
    }
    table_line
}

/// Range checks the type system cannot express. Returns the dotted key and the problem.
fn validate(l: &Layout) -> Result<(), (String, String)> {
    fn size(key: &str, v: f32) -> Result<(), (String, String)> {
        if !(4.0..=72.0).contains(&v) || (v * 2.0).fract() != 0.0 {
            return Err((
                key.to_string(),
                format!("font size {v} pt is not a whole or half point between 4 and 72"),
            ));
        }
        Ok(())
    }
    fn mm(key: &str, v: f32, max: f32) -> Result<(), (String, String)> {
        if !(0.0..=max).contains(&v) || !v.is_finite() {
            return Err((key.to_string(), format!("{v} mm is outside 0..{max} mm")));
        }
        Ok(())
    }
    fn pct(key: &str, v: u32) -> Result<(), (String, String)> {
        if !(1..=100).contains(&v) {
            return Err((key.to_string(), format!("{v}% is outside 1..100")));
        }
        Ok(())
    }
    fn spacing(key: &str, v: f32) -> Result<(), (String, String)> {
        if !(0.0..=200.0).contains(&v) {
            return Err((
                key.to_string(),
                format!("spacing {v} pt is outside 0..200 pt"),
            ));
        }
        Ok(())
    }
    fn style(key: &str, s: &TextStyle) -> Result<(), (String, String)> {
        size(&format!("{key}.size_pt"), s.size_pt)?;
        spacing(&format!("{key}.space_before_pt"), s.space_before_pt)?;
        spacing(&format!("{key}.space_after_pt"), s.space_after_pt)?;
        mm(
            &format!("{key}.first_line_indent_mm"),
            s.first_line_indent_mm,
            50.0,
        )?;
        if let Some(ls) = s.line_spacing
            && !(0.5..=3.0).contains(&ls)
        {
            return Err((
                format!("{key}.line_spacing"),
                format!("line spacing {ls} is outside 0.5..3 (a multiple of single spacing)"),
            ));
        }
        if s.source.trim().is_empty() {
            return Err((
                format!("{key}.source"),
                "every rule must name its source".into(),
            ));
        }
        Ok(())
    }
    let p = &l.page;
    mm("page.width_mm", p.width_mm, 1000.0)?;
    mm("page.height_mm", p.height_mm, 1000.0)?;
    if p.width_mm < 50.0 || p.height_mm < 50.0 {
        return Err((
            "page.width_mm".into(),
            "a page must be at least 50 x 50 mm".into(),
        ));
    }
    mm("page.margin_top_mm", p.margin_top_mm, 100.0)?;
    mm("page.margin_bottom_mm", p.margin_bottom_mm, 100.0)?;
    mm("page.margin_left_mm", p.margin_left_mm, 100.0)?;
    mm("page.margin_right_mm", p.margin_right_mm, 100.0)?;
    mm("page.header_mm", p.header_mm, 100.0)?;
    mm("page.footer_mm", p.footer_mm, 100.0)?;
    if p.margin_left_mm + p.margin_right_mm >= p.width_mm - 20.0 {
        return Err((
            "page.margin_left_mm".into(),
            "left and right margins leave no room for text".into(),
        ));
    }
    if l.font.family.trim().is_empty() {
        return Err(("font.family".into(), "the font family is empty".into()));
    }
    if l.font.color.len() != 6 || !l.font.color.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err((
            "font.color".into(),
            format!("`{}` is not a RRGGBB colour", l.font.color),
        ));
    }
    pct("header.left_width_pct", l.header.left_width_pct)?;
    mm(
        "header.extend_left_mm",
        l.header.extend_left_mm,
        p.margin_left_mm,
    )?;
    mm(
        "header.extend_right_mm",
        l.header.extend_right_mm,
        p.margin_right_mm,
    )?;
    style("header.parent", &l.header.parent)?;
    style("header.issuer", &l.header.issuer)?;
    style("header.number", &l.header.number)?;
    style("header.date", &l.header.date)?;
    pct(
        "header.issuer_rule.length_pct",
        l.header.issuer_rule.length_pct,
    )?;
    pct(
        "header.motto_rule.length_pct",
        l.header.motto_rule.length_pct,
    )?;
    pct("title_rule.length_pct", l.title_rule.length_pct)?;
    if l.header.motto.is_empty() {
        return Err((
            "header.motto".into(),
            "the motto needs at least one line".into(),
        ));
    }
    for (i, m) in l.header.motto.iter().enumerate() {
        style(&format!("header.motto.{i}.style"), &m.style)?;
    }
    let f = &l.formats;
    for (key, t) in [
        ("formats.number", &f.number),
        ("formats.number_blank", &f.number_blank),
    ] {
        for ph in ["{code}", "{issuer_code}"] {
            if !t.contains(ph) {
                return Err((key.into(), format!("`{t}` lacks the placeholder {ph}")));
            }
        }
    }
    if !f.number.contains("{number}") {
        return Err((
            "formats.number".into(),
            format!("`{}` lacks the placeholder {{number}}", f.number),
        ));
    }
    for ph in ["{place}", "{dd}", "{m}", "{yyyy}"] {
        if !f.date.contains(ph) {
            return Err((
                "formats.date".into(),
                format!("`{}` lacks the placeholder {ph}", f.date),
            ));
        }
    }
    if f.number_min_digits > 6 {
        return Err((
            "formats.number_min_digits".into(),
            "at most 6 digits".into(),
        ));
    }
    if let Some(m) = f.month_leading_zero.iter().find(|m| !(1..=12).contains(*m)) {
        return Err((
            "formats.month_leading_zero".into(),
            format!("{m} is not a month"),
        ));
    }
    style("type_name", &l.type_name)?;
    style("title", &l.title)?;
    style("body", &l.body)?;
    style("letter_title.style", &l.letter_title.style)?;
    for (k, s) in [
        ("part", &l.headings.part),
        ("chapter", &l.headings.chapter),
        ("section", &l.headings.section),
        ("letter", &l.headings.letter),
        ("article", &l.headings.article),
        ("roman", &l.headings.roman),
        ("arabic", &l.headings.arabic),
        ("sub_arabic", &l.headings.sub_arabic),
        ("point", &l.headings.point),
        ("other", &l.headings.other),
    ] {
        style(&format!("headings.{k}"), s)?;
    }
    mm("list.indent_mm", l.list.indent_mm, 50.0)?;
    mm("list.nested_indent_mm", l.list.nested_indent_mm, 50.0)?;
    size("quote.size_pt", l.quote.size_pt)?;
    mm("quote.indent_mm", l.quote.indent_mm, 50.0)?;
    size("table.size_pt", l.table.size_pt)?;
    if l.table.border_eighths > 96 {
        return Err((
            "table.border_eighths".into(),
            "a border is at most 96 eighths (12 pt)".into(),
        ));
    }
    size("footnote.size_pt", l.footnote.size_pt)?;
    size("code.size_pt", l.code.size_pt)?;
    pct("signature.right_width_pct", l.signature.right_width_pct)?;
    spacing("signature.gap_pt", l.signature.gap_pt)?;
    style("signature.authority", &l.signature.authority)?;
    style("signature.title", &l.signature.title)?;
    style("signature.name", &l.signature.name)?;
    style("recipients.label_style", &l.recipients.label_style)?;
    style("recipients.item_style", &l.recipients.item_style)?;
    size("page_number.size_pt", l.page_number.size_pt)?;
    if !(1..=2).contains(&l.page_number.from_page) {
        return Err((
            "page_number.from_page".into(),
            "page numbers start on page 1 or page 2".into(),
        ));
    }
    style("draft_mark.style", &l.draft_mark.style)?;
    style("formula.style", &l.formula.style)?;
    if !l.draft_mark.numbered.contains("{n}") {
        return Err((
            "draft_mark.numbered".into(),
            "lacks the placeholder {n}".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_profile_loads() {
        for name in BUILTIN_PROFILES {
            let l = load_layout(name, None).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(l.profile.name, *name);
        }
    }

    #[test]
    fn date_and_number_follow_the_leading_zero_rules() {
        let state = load_layout("state", None).expect("state");
        let f = &state.formats;
        assert_eq!(
            f.date_line("Hà Nội", Some((2026, 1, 5))),
            "Hà Nội, ngày 05 tháng 01 năm 2026"
        );
        assert_eq!(
            f.date_line("Hà Nội", Some((2026, 6, 29))),
            "Hà Nội, ngày 29 tháng 6 năm 2026"
        );
        assert_eq!(
            f.date_line("Hà Nội", Some((2026, 2, 10))),
            "Hà Nội, ngày 10 tháng 02 năm 2026"
        );
        assert_eq!(
            f.date_line("Hà Nội", Some((2026, 12, 9))),
            "Hà Nội, ngày 09 tháng 12 năm 2026"
        );
        assert_eq!(f.number_line(Some(5), "QĐ", "UBND"), "Số: 05/QĐ-UBND");
        let lt = &state.letter_title;
        for title in [
            "về triển khai chuyển đổi số",
            "Về việc triển khai chuyển đổi số",
            "V/v triển khai chuyển đổi số",
            "v/v về triển khai chuyển đổi số",
            "  triển khai chuyển đổi số",
        ] {
            assert_eq!(lt.line(title), "V/v triển khai chuyển đổi số", "{title:?}");
        }
        assert_eq!(lt.line("vềnh vang"), "V/v vềnh vang");
        assert_eq!(f.number_line(Some(15), "NQ", "HĐND"), "Số: 15/NQ-HĐND");
        assert_eq!(f.number_line(Some(7), "", "UBND-KGVX"), "Số: 07/UBND-KGVX");
        let party = load_layout("party", None).expect("party");
        assert_eq!(
            party.formats.number_line(Some(15), "NQ", "TU"),
            "Số 15-NQ/TU"
        );
        assert!(
            party
                .formats
                .number_line(None, "NQ", "TU")
                .starts_with("Số ")
        );
        assert!(
            party
                .formats
                .number_line(None, "NQ", "TU")
                .ends_with("-NQ/TU")
        );
    }

    #[test]
    fn a_workspace_override_changes_only_its_keys() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("state");
        std::fs::create_dir_all(&p).expect("mkdir");
        std::fs::write(
            p.join("layout.toml"),
            "[page]\nmargin_left_mm = 35.0\n\n[body]\nsize_pt = 13.0\n",
        )
        .expect("write");
        let l = load_layout("state", Some(dir.path())).expect("merged");
        let base = load_layout("state", None).expect("base");
        assert_eq!(l.page.margin_left_mm, 35.0);
        assert_eq!(l.body.size_pt, 13.0);
        assert_eq!(l.body.first_line_indent_mm, base.body.first_line_indent_mm);
        assert_eq!(l.header, base.header);
    }

    #[test]
    fn a_bad_override_names_the_file_line_and_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("party");
        std::fs::create_dir_all(&p).expect("mkdir");
        let file = p.join("layout.toml");
        std::fs::write(&file, "# mine\n[body]\nsize_pt = \"big\"\n").expect("write");
        let e = load_layout("party", Some(dir.path()))
            .expect_err("must fail")
            .to_string();
        assert!(e.contains("layout.toml:3"), "{e}");
        assert!(e.contains("body.size_pt"), "{e}");

        std::fs::write(&file, "[page]\nmargin_top_mm = -4.0\n").expect("write");
        let e = load_layout("party", Some(dir.path()))
            .expect_err("must fail")
            .to_string();
        assert!(
            e.contains("layout.toml:2") && e.contains("page.margin_top_mm"),
            "{e}"
        );

        std::fs::write(&file, "[body]\nsize_pts = 14.0\n").expect("write");
        let e = load_layout("party", Some(dir.path()))
            .expect_err("must fail")
            .to_string();
        assert!(
            e.contains("body.size_pts") && e.contains("unknown field"),
            "{e}"
        );

        std::fs::write(&file, "[body\nsize_pt = 14.0\n").expect("write");
        let e = load_layout("party", Some(dir.path()))
            .expect_err("must fail")
            .to_string();
        assert!(e.contains("layout.toml:1"), "{e}");
    }

    #[test]
    fn an_unknown_profile_is_refused() {
        let e = load_layout("nope", None).expect_err("unknown").to_string();
        assert!(e.contains("nope") && e.contains("state"), "{e}");
    }
}
