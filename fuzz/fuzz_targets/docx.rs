//! The DOCX writer: a draft exported in both built-in layouts, and a
//! tracked-changes export of it against a second version (the input's part
//! after its first 0xFF byte, or a light edit of the draft). Every part of
//! every package must be well-formed XML, and every relationship and
//! footnote it refers to must exist.

#![no_main]

use std::collections::HashSet;
use std::io::{Cursor, Read};
use std::sync::OnceLock;

use duthao::diff::{DiffOptions, diff_drafts};
use duthao::model::Draft;
use duthao_docx::{Attribution, Content, DocxOptions, DraftMark, KindInfo, Provenance, export};
use duthao_profile::layout::{Layout, load_layout};
use libfuzzer_sys::fuzz_target;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PR: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

fn layouts() -> &'static [Layout; 2] {
    static L: OnceLock<[Layout; 2]> = OnceLock::new();
    L.get_or_init(|| {
        [
            load_layout("party", None).expect("built-in party layout"),
            load_layout("state", None).expect("built-in state layout"),
        ]
    })
}

/// Every part is UTF-8 XML that parses; every `r:` reference of a part has
/// its relationship; every footnote reference has its footnote.
fn check_package(bytes: &[u8]) {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("the DOCX is a zip");
    let mut parts = std::collections::BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).expect("zip entry");
        let name = f.name().to_string();
        assert!(
            name.ends_with(".xml") || name.ends_with(".rels"),
            "unexpected part {name}"
        );
        let mut s = String::new();
        f.read_to_string(&mut s)
            .unwrap_or_else(|e| panic!("{name} is not UTF-8: {e}"));
        parts.insert(name, s);
    }
    let docs: Vec<(&String, roxmltree::Document)> = parts
        .iter()
        .map(|(name, s)| {
            let d = roxmltree::Document::parse(s)
                .unwrap_or_else(|e| panic!("{name} is not well-formed XML: {e}"));
            (name, d)
        })
        .collect();
    let rel_ids = |part: &str| -> HashSet<String> {
        let (dir, file) = part.rsplit_once('/').unwrap_or(("", part));
        let rels = format!("{dir}/_rels/{file}.rels");
        docs.iter()
            .find(|(n, _)| **n == rels)
            .map(|(_, d)| {
                d.descendants()
                    .filter(|n| n.has_tag_name((PR, "Relationship")))
                    .filter_map(|n| n.attribute("Id").map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut footnotes = HashSet::new();
    for (name, d) in &docs {
        if name.as_str() == "word/footnotes.xml" {
            footnotes = d
                .descendants()
                .filter(|n| n.has_tag_name((W, "footnote")))
                .filter_map(|n| n.attribute((W, "id")).map(str::to_string))
                .collect();
        }
    }
    for (name, d) in &docs {
        if !name.starts_with("word/") || name.ends_with(".rels") {
            continue;
        }
        let ids = rel_ids(name);
        for n in d.descendants() {
            for a in n.attributes() {
                if a.namespace() == Some(R) {
                    assert!(
                        ids.contains(a.value()),
                        "{name}: r:{} = {} has no relationship",
                        a.name(),
                        a.value()
                    );
                }
            }
            if n.has_tag_name((W, "footnoteReference")) {
                let id = n.attribute((W, "id")).expect("footnoteReference w:id");
                assert!(footnotes.contains(id), "{name}: footnote {id} is missing");
            }
        }
    }
}

/// A light edit of a draft's source, chosen by the input: a word added to a
/// line, a line dropped, two lines swapped, or a line moved to the end.
fn edited(source: &str, choice: u8, at: usize) -> String {
    let mut lines: Vec<String> = source.split('\n').map(str::to_string).collect();
    let n = lines.len();
    let k = at % n;
    match choice % 4 {
        0 => lines[k].insert_str(0, "sửa đổi "),
        1 => {
            lines.remove(k);
        }
        2 if k + 2 < n => lines.swap(k, k + 2),
        _ => {
            let l = lines.remove(k);
            lines.push(String::new());
            lines.push(l);
        }
    }
    lines.join("\n")
}

fn source_of(bytes: &[u8]) -> Vec<u8> {
    if bytes.starts_with(b"---") {
        bytes.to_vec()
    } else {
        let mut with = duthao_fuzz::FRONT.as_bytes().to_vec();
        with.extend_from_slice(bytes);
        with
    }
}

fuzz_target!(|data: &[u8]| {
    let (first, second) = match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let Some(draft) = duthao_fuzz::draft(first) else {
        return;
    };
    let choice = data.last().copied().unwrap_or(0);
    let mark = match choice % 3 {
        0 => DraftMark::Draft {
            version: Some(choice as u32),
        },
        1 => DraftMark::Draft { version: None },
        _ => DraftMark::Final,
    };
    let kind = KindInfo {
        name: "NGHỊ QUYẾT".into(),
        code: "NQ".into(),
    };
    let provenance = Provenance {
        slug: "fuzz".into(),
        version: Some(2),
        commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
        source_sha256: "ab".repeat(32),
        committed_at: (choice & 1 == 0).then(|| "2026-03-05T09:30:00Z".to_string()),
        signoff: Vec::new(),
    };
    for layout in layouts() {
        let _ = duthao_docx::check(&draft, layout, mark);
        let options = DocxOptions {
            layout,
            kind: &kind,
            mark,
            provenance: &provenance,
        };
        match export(Content::Draft(&draft), &options) {
            Ok(bytes) => check_package(&bytes),
            Err(e) => panic!("export failed on a draft the reader accepted: {e}"),
        }
    }

    // Tracked changes from an earlier version to this one.
    let earlier: Option<Draft> = match second {
        Some(s) => duthao_fuzz::draft(s),
        None => {
            let src = source_of(first);
            match std::str::from_utf8(&src) {
                Ok(text) => duthao_fuzz::draft(edited(text, choice, data.len() / 2).as_bytes()),
                Err(_) => None,
            }
        }
    };
    let Some(earlier) = earlier else {
        return;
    };
    let by = Attribution {
        author: "Người <soạn> & \"sửa\"".into(),
        date: "2026-03-05T09:30:00Z".into(),
    };
    let layout = &layouts()[(choice as usize >> 2) % 2];
    let diff = diff_drafts(&earlier, &draft, &DiffOptions::default());
    let changes = Content::Changes {
        diff,
        from: &earlier,
        to: &draft,
        by,
    };
    let options = DocxOptions {
        layout,
        kind: &kind,
        mark,
        provenance: &provenance,
    };
    match export(changes, &options) {
        Ok(bytes) => check_package(&bytes),
        Err(e) => panic!("a tracked-changes export failed on drafts the reader accepted: {e}"),
    }
});
