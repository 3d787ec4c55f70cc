//! The reader on the real documents bundled in `drafts/`: the structural
//! paths `CHANGES.toml` cites exist, points on consecutive lines are separate
//! blocks, front matter round-trips, and NFD input reads as NFC.

use std::path::{Path, PathBuf};

use duthao::model::{Block, Draft, LabelKind};
use duthao::reader::{
    front_matter_yaml, read as parse_draft, read_front_matter as parse_front_matter,
};
use unicode_normalization::UnicodeNormalization;

struct Example {
    slug: String,
    /// (file, bytes) of v1, v2, …
    versions: Vec<(PathBuf, Vec<u8>)>,
    changes: Option<toml::Table>,
}

fn examples() -> Vec<Example> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("drafts");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&root).expect("drafts/") {
        let dir = entry.expect("entry").path();
        if !dir.is_dir() {
            continue;
        }
        let slug = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("slug")
            .to_string();
        let mut versions = Vec::new();
        for n in 1.. {
            let file = dir.join(format!("v{n}.md"));
            let Ok(bytes) = std::fs::read(&file) else {
                break;
            };
            versions.push((file, bytes));
        }
        let changes = std::fs::read_to_string(dir.join("CHANGES.toml"))
            .ok()
            .map(|t| toml::from_str(&t).unwrap_or_else(|e| panic!("{slug}/CHANGES.toml: {e}")));
        out.push(Example {
            slug,
            versions,
            changes,
        });
    }
    out.sort_by(|a, b| a.slug.cmp(&b.slug));
    assert!(out.len() >= 2, "at least two bundled examples");
    out
}

fn parse(file: &Path, bytes: &[u8]) -> Draft {
    parse_draft(bytes, file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

fn block_at<'a>(draft: &'a Draft, path: &str) -> Option<&'a Block> {
    draft
        .body
        .blocks
        .iter()
        .find(|b| b.path.to_string() == path)
}

fn paths(draft: &Draft) -> String {
    draft
        .body
        .blocks
        .iter()
        .map(|b| b.path.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_bundled_version_reads() {
    for ex in examples() {
        assert!(ex.versions.len() >= 3, "{}: three versions", ex.slug);
        for (file, bytes) in &ex.versions {
            let d = parse(file, bytes);
            assert!(!d.body.blocks.is_empty());
            assert!(!d.front.title.is_empty());
            // Every block is placed in the structure, and no two share a path.
            let mut seen = std::collections::HashSet::new();
            for b in &d.body.blocks {
                assert!(!b.path.is_empty(), "{}: {b:?}", file.display());
                assert!(
                    seen.insert(b.path.to_string()),
                    "{}: path {} twice",
                    file.display(),
                    b.path
                );
                assert!(b.lines.start <= b.lines.end);
            }
        }
    }
}

#[test]
fn paths_cited_in_changes_exist_with_their_text() {
    let mut checked = 0;
    for ex in examples() {
        let Some(changes) = &ex.changes else {
            continue;
        };
        let drafts: Vec<Draft> = ex.versions.iter().map(|(f, b)| parse(f, b)).collect();
        for (key, entries) in changes {
            let n: usize = key
                .strip_prefix('v')
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{}: unexpected table {key}", ex.slug));
            assert!(n >= 2 && n <= drafts.len(), "{}: {key}", ex.slug);
            let (from, to) = (&drafts[n - 2], &drafts[n - 1]);
            for change in entries.as_array().expect("array of changes") {
                let kind = change["kind"].as_str().expect("kind");
                if kind == "front-matter" {
                    continue;
                }
                let at = change["at"].as_str().expect("at");
                let snippet = |k: &str| change.get(k).and_then(|v| v.as_str());
                let here = format!("{}: [[{key}]] {kind} at {at}", ex.slug);
                let (draft, which) = if kind == "add" {
                    (to, "TO")
                } else {
                    (from, "FROM")
                };
                let block = block_at(draft, at).unwrap_or_else(|| {
                    panic!(
                        "{here}: no such path in the {which} version; paths:\n{}",
                        paths(draft)
                    )
                });
                let text = block.text();
                let expected = if kind == "add" {
                    snippet("new")
                } else {
                    snippet("old")
                };
                if let Some(s) = expected {
                    assert!(text.contains(s), "{here}: {s:?} not in {text:?}");
                }
                if kind == "move" {
                    let target = change["to"].as_str().expect("move has `to`");
                    let moved = block_at(to, target).unwrap_or_else(|| {
                        panic!(
                            "{here}: `to` {target} not in the TO version:\n{}",
                            paths(to)
                        )
                    });
                    if let Some(s) = snippet("new") {
                        assert!(
                            moved.text().contains(s),
                            "{here}: moved text not at {target}"
                        );
                    }
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "only {checked} changes checked");
}

/// Lines starting "a) " … "đ) " (after optional markup), 1-based file line numbers.
fn point_lines(text: &str) -> Vec<(u32, String)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let l = l.trim_start_matches(['*', '_']);
            let (label, rest) = l.split_once(") ")?;
            let mut cs = label.chars();
            let c = cs.next()?;
            (cs.next().is_none() && (c.is_ascii_lowercase() || c == 'đ'))
                .then(|| (i as u32 + 1, format!("{label})")))
                .filter(|_| !rest.is_empty())
        })
        .collect()
}

#[test]
fn points_on_consecutive_lines_are_separate_blocks() {
    let mut consecutive = 0;
    let mut saw_dd = false;
    for ex in examples() {
        for (file, bytes) in &ex.versions {
            let d = parse(file, bytes);
            let text = std::str::from_utf8(bytes).expect("UTF-8");
            let points = point_lines(text);
            for (line, label) in &points {
                let block = d
                    .body
                    .blocks
                    .iter()
                    .find(|b| b.lines.start <= *line && *line <= b.lines.end)
                    .unwrap_or_else(|| panic!("{}:{line}: in no block", file.display()));
                assert_eq!(
                    block.lines.start,
                    *line,
                    "{}:{line}: point {label} merged into the block above",
                    file.display()
                );
                assert_eq!(block.lines.end, *line, "{}:{line}", file.display());
                let l = block.label().unwrap_or_else(|| {
                    panic!("{}:{line}: point {label} has no label", file.display())
                });
                assert_eq!(l.kind, LabelKind::Point);
                assert_eq!(&*l.text, *label);
                assert_eq!(
                    block.path.to_string().rsplit(" > ").next(),
                    Some(label.as_str())
                );
                saw_dd |= label == "đ)";
            }
            consecutive += points.windows(2).filter(|w| w[1].0 == w[0].0 + 1).count();
        }
    }
    assert!(
        consecutive >= 10,
        "the examples have points on consecutive lines"
    );
    assert!(saw_dd, "the examples have a point đ)");
}

#[test]
fn points_written_on_consecutive_lines_in_a_small_draft() {
    let text = "---\nkind: nghi-quyet\nissuer:\n  name: TỈNH ỦY\ntitle: về thử\n---\n\n2. Nhiệm vụ\n\na) Một;\nb) Hai;\nc) Ba;\nd) Bốn;\nđ) Năm;\ne) Sáu.\n- gạch đầu dòng một\n- gạch đầu dòng hai\n+ cộng một\n+ cộng hai\n";
    let d = parse(Path::new("t.md"), text.as_bytes());
    let texts: Vec<String> = d.body.blocks.iter().map(Block::text).collect();
    for p in [
        "a) Một;",
        "b) Hai;",
        "c) Ba;",
        "d) Bốn;",
        "đ) Năm;",
        "e) Sáu.",
    ] {
        assert!(
            texts.iter().any(|t| t == p),
            "{p} is not its own block: {texts:?}"
        );
    }
    let paths: Vec<String> = d.body.blocks.iter().map(|b| b.path.to_string()).collect();
    assert!(paths.contains(&"2 > đ)".to_string()), "{paths:?}");
    for item in [
        "gạch đầu dòng một",
        "gạch đầu dòng hai",
        "cộng một",
        "cộng hai",
    ] {
        assert_eq!(
            texts.iter().filter(|t| t.ends_with(item)).count(),
            1,
            "{item} is not its own block: {texts:?}"
        );
    }
}

#[test]
fn front_matter_round_trips() {
    for ex in examples() {
        for (file, bytes) in &ex.versions {
            let d = parse(file, bytes);
            let yaml = front_matter_yaml(&d.front).expect("serialise");
            let again = parse_front_matter(format!("---\n{yaml}---\n"), file)
                .unwrap_or_else(|e| panic!("{}: re-read: {e}\n{yaml}", file.display()));
            assert_eq!(again, d.front, "{}: {yaml}", file.display());
            // And as a whole draft with the same body.
            let text = std::str::from_utf8(bytes).expect("UTF-8");
            let (_, body) = text.split_once("\n---\n").expect("body");
            let whole = format!("---\n{yaml}---\n{body}");
            let redone = parse(file, whole.as_bytes());
            assert_eq!(redone.front, d.front);
            assert_eq!(redone.body_text(), d.body_text());
        }
    }
}

#[test]
fn unknown_front_matter_keys_survive_the_round_trip() {
    let text = "---\nkind: nghi-quyet\nissuer:\n  name: TỈNH ỦY\n  ma-don-vi: 07\ntitle: về thử\nso-trang: 3\nnguoi-soan:\n  ten: Nguyễn Văn A\n---\n\nNội dung.\n";
    let d = parse(Path::new("t.md"), text.as_bytes());
    let yaml = front_matter_yaml(&d.front).expect("serialise");
    for key in ["ma-don-vi", "so-trang", "nguoi-soan", "Nguyễn Văn A"] {
        assert!(yaml.contains(key), "{key} dropped: {yaml}");
    }
    let again =
        parse_front_matter(format!("---\n{yaml}---\n"), Path::new("t.md")).expect("re-read");
    assert_eq!(again, d.front);
}

#[test]
fn nfd_input_gives_the_same_draft_as_nfc() {
    for ex in examples() {
        for (file, bytes) in &ex.versions {
            let text = std::str::from_utf8(bytes).expect("UTF-8");
            let nfd: String = text.nfd().collect();
            assert_ne!(nfd, text, "{}: NFD must differ", file.display());
            let a = parse(file, bytes);
            let b = parse(file, nfd.as_bytes());
            assert_eq!(a.front, b.front, "{}", file.display());
            assert_eq!(a.body.blocks.len(), b.body.blocks.len());
            for (x, y) in a.body.blocks.iter().zip(&b.body.blocks) {
                assert_eq!(x, y, "{}", file.display());
            }
            let nfc: String = text.nfc().collect();
            assert_eq!(a.body_text(), a.body_text().nfc().collect::<String>());
            assert_eq!(parse(file, nfc.as_bytes()), a);
        }
    }
}
