//! Shared helpers for the DOCX tests: drafts of every profile, unzipping,
//! XML queries, and the outside tools (skipped with a note when missing).
#![allow(dead_code)]

use std::io::{Cursor, Read};
use std::path::Path;

use duthao::model::Draft;
use duthao_docx::{Content, DocxOptions, DraftMark, KindInfo, Provenance, export};
use duthao_profile::layout::{Layout, load_layout};
use duthao_profile::{Kinds, Templates};

pub const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

pub const ALL_BLOCKS: &str = include_str!("all_blocks.md");

/// The all-blocks draft for a profile: the party draft as written, or its
/// front matter rewritten for a state body (a Quyết định of a provincial
/// People's Committee, number 5, dated 29 June).
pub fn all_blocks_source(profile: &str) -> String {
    match profile {
        "state" => ALL_BLOCKS
            .replace("kind: nghi-quyet", "kind: quyet-dinh")
            .replace("profile: party", "profile: state")
            .replace("  parent: ĐẢNG BỘ TỈNH THÁI NGUYÊN\n", "")
            .replace(
                "  name: TỈNH ỦY THÁI NGUYÊN",
                "  name: ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN",
            )
            .replace("  code: TU", "  code: UBND")
            .replace("number: 15", "number: 5")
            .replace("date: 2026-01-05", "date: 2026-06-29")
            .replace(
                "authority: T/M BAN THƯỜNG VỤ",
                "authority: TM. ỦY BAN NHÂN DÂN",
            )
            .replace("title: BÍ THƯ", "title: CHỦ TỊCH")
            .replace("title: về tăng cường", "title: Về tăng cường")
            .replace("  - Lưu Văn phòng Tỉnh ủy\n", ""),
        other => ALL_BLOCKS.replace("profile: party", &format!("profile: {other}")),
    }
}

pub fn parse(source: &str, name: &str) -> Draft {
    duthao::reader::read(source.as_bytes(), Path::new(name)).expect("the test draft parses")
}

pub fn kind_info(profile: &str, slug: &str) -> KindInfo {
    let kinds = Kinds::load(&Templates::builtin(), profile).expect("built-in kinds");
    let k = kinds.get(slug).expect("known kind");
    KindInfo {
        name: k.name.clone(),
        code: k.code.clone(),
    }
}

pub fn provenance(slug: &str, version: Option<u32>) -> Provenance {
    Provenance {
        slug: slug.to_string(),
        version,
        commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
        source_sha256: "ab".repeat(32),
        committed_at: None,
        signoff: Vec::new(),
    }
}

/// Exports a draft source in its own profile; returns the layout, draft and bytes.
pub fn export_source(source: &str, mark: DraftMark) -> (Layout, Draft, Vec<u8>) {
    let draft = parse(source, "test.md");
    let profile = draft.front.profile.clone().expect("profile set");
    let layout = load_layout(&profile, None).expect("built-in layout");
    let kind = kind_info(&profile, &draft.front.kind);
    let version = match mark {
        DraftMark::Draft { version } => version,
        DraftMark::Final => Some(3),
    };
    let bytes = export(
        Content::Draft(&draft),
        &DocxOptions {
            layout: &layout,
            kind: &kind,
            mark,
            provenance: &provenance("test", version),
        },
    )
    .expect("export");
    crate::outside::check_docx(&bytes, &format!("export-{profile}"));
    (layout, draft, bytes)
}

pub fn part(docx: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(Cursor::new(docx)).expect("a zip");
    let mut f = z
        .by_name(name)
        .unwrap_or_else(|_| panic!("part {name} present"));
    let mut s = String::new();
    f.read_to_string(&mut s).expect("utf-8 part");
    s
}

pub fn twips(mm: f32) -> i64 {
    (mm * 1440.0 / 25.4).round() as i64
}

pub fn wattr<'a>(n: roxmltree::Node<'a, '_>, name: &str) -> Option<&'a str> {
    n.attribute((W, name))
}

pub fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children().find(|c| c.has_tag_name((W, name)))
}

pub fn descendants_named<'a, 'i>(
    n: roxmltree::Node<'a, 'i>,
    name: &'static str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    n.descendants().filter(move |c| c.has_tag_name((W, name)))
}

/// Text of a paragraph as a reader of the final document sees it (deleted
/// text excluded), with line breaks as "\n".
pub fn para_text(p: roxmltree::Node) -> String {
    let mut s = String::new();
    for n in p.descendants() {
        if n.has_tag_name((W, "t")) {
            s.push_str(n.text().unwrap_or(""));
        } else if n.has_tag_name((W, "br")) {
            s.push('\n');
        }
    }
    s
}

/// The run properties of the first run with text in a paragraph.
pub struct RunProps {
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
    pub half_points: Option<u32>,
    pub font: Option<String>,
}

pub fn first_run_props(p: roxmltree::Node) -> RunProps {
    let r = descendants_named(p, "r")
        .find(|r| descendants_named(*r, "t").next().is_some())
        .expect("a run with text");
    let rpr = child(r, "rPr");
    let on = |name: &str| {
        rpr.and_then(|x| child(x, name))
            .map(|e| !matches!(wattr(e, "val"), Some("0") | Some("false") | Some("none")))
            .unwrap_or(false)
    };
    RunProps {
        bold: on("b"),
        italic: on("i"),
        underline: on("u"),
        half_points: rpr
            .and_then(|x| child(x, "sz"))
            .and_then(|e| wattr(e, "val"))
            .and_then(|v| v.parse().ok()),
        font: rpr
            .and_then(|x| child(x, "rFonts"))
            .and_then(|e| wattr(e, "ascii"))
            .map(str::to_string),
    }
}

pub fn jc(p: roxmltree::Node) -> Option<String> {
    child(p, "pPr")
        .and_then(|x| child(x, "jc"))
        .and_then(|e| wattr(e, "val"))
        .map(str::to_string)
}

pub fn normalise_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// TO with every change since FROM tracked, through the diff engine and the
/// DOCX writer's one entry point.
pub fn tracked_docx(
    from: &Draft,
    to: &Draft,
    by: duthao_docx::Attribution,
    version: u32,
) -> Vec<u8> {
    let profile = to.front.profile.clone().expect("profile");
    let layout = load_layout(&profile, None).expect("layout");
    let kind = kind_info(&profile, &to.front.kind);
    let diff = duthao::diff::diff_drafts(from, to, &duthao::diff::DiffOptions::default());
    let bytes = export(
        Content::Changes { diff, from, to, by },
        &DocxOptions {
            layout: &layout,
            kind: &kind,
            mark: DraftMark::Draft {
                version: Some(version),
            },
            provenance: &provenance("t", Some(version)),
        },
    )
    .expect("redline export");
    crate::outside::check_docx(&bytes, "tracked");
    bytes
}
