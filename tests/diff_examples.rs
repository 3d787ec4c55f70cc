//! The bundled example drafts: a diff between consecutive versions finds
//! exactly the changes their `CHANGES.toml` lists, each as the right kind.

use std::path::{Path, PathBuf};

use duthao::diff::{
    BlockChange, DiffOptions, DraftDiff, Side, WordOp, apply, count_words, diff_drafts,
};
use duthao::model::Draft;
use duthao::reader::read as parse_draft;

fn read(path: &Path) -> Draft {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse_draft(&bytes, path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn example_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("drafts");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.join("CHANGES.toml").is_file())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

fn s<'a>(entry: &'a toml::Value, key: &str) -> Option<&'a str> {
    entry.get(key).and_then(toml::Value::as_str)
}

fn edits(ops: &[WordOp]) -> Vec<&WordOp> {
    ops.iter().filter(|o| o.is_change()).collect()
}

fn changed_words(ops: &[WordOp]) -> (usize, usize) {
    let del = ops
        .iter()
        .filter_map(|o| match o {
            WordOp::Delete(t) => Some(count_words(t)),
            _ => None,
        })
        .sum();
    let ins = ops
        .iter()
        .filter_map(|o| match o {
            WordOp::Insert(t) => Some(count_words(t)),
            _ => None,
        })
        .sum();
    (del, ins)
}

/// Finds the change an entry describes; returns its index in `diff.blocks`.
fn find(entry: &toml::Value, diff: &DraftDiff, from: &Draft, to: &Draft) -> Option<usize> {
    let kind = s(entry, "kind")?;
    let at = s(entry, "at")?;
    let fpath = |f: usize| from.body.blocks[f].path.to_string();
    let tpath = |t: usize| to.body.blocks[t].path.to_string();
    diff.blocks.iter().position(|c| match (kind, c) {
        ("reword" | "figure" | "punctuation", BlockChange::Changed { from: f, ops, .. }) => {
            fpath(*f) == at
                && s(entry, "old").is_none_or(|o| apply(ops, Side::Old).contains(o))
                && s(entry, "new").is_none_or(|n| apply(ops, Side::New).contains(n))
        }
        ("add", BlockChange::Added { to: t }) => {
            tpath(*t) == at
                && s(entry, "new").is_none_or(|n| diff.text_of(&to.body.blocks[*t]).contains(n))
        }
        ("remove", BlockChange::Removed { from: f }) => {
            fpath(*f) == at
                && s(entry, "old").is_none_or(|o| diff.text_of(&from.body.blocks[*f]).contains(o))
        }
        (
            "move",
            BlockChange::Moved {
                from: f,
                to: t,
                ops,
                ..
            },
        ) => {
            fpath(*f) == at
                && s(entry, "to").is_none_or(|p| tpath(*t) == p)
                && s(entry, "new").is_none_or(|n| apply(ops, Side::New).contains(n))
        }
        _ => false,
    })
}

#[test]
fn bundled_examples_show_exactly_their_intended_changes() {
    let dirs = example_dirs();
    if dirs.is_empty() {
        eprintln!("note: no drafts/*/CHANGES.toml found; nothing to check");
        return;
    }
    let mut checked = 0;
    for dir in dirs {
        let manifest = std::fs::read_to_string(dir.join("CHANGES.toml")).expect("CHANGES.toml");
        let manifest: toml::Table = toml::from_str(&manifest).expect("CHANGES.toml parses");
        for (version, entries) in &manifest {
            let n: u32 = version
                .trim_start_matches('v')
                .parse()
                .expect("section named vN");
            let from = read(&dir.join(format!("v{}.md", n - 1)));
            let to = read(&dir.join(format!("v{n}.md")));
            let diff = diff_drafts(&from, &to, &DiffOptions::default());
            let entries = entries.as_array().expect("[[vN]] entries");
            let ctx = format!("{} v{} → v{n}", dir.display(), n - 1);

            let (front, body): (Vec<&toml::Value>, Vec<&toml::Value>) = entries
                .iter()
                .partition(|e| s(e, "kind") == Some("front-matter"));
            for e in &front {
                let key = s(e, "at").expect("front-matter entry has at");
                let c = diff
                    .front
                    .iter()
                    .find(|c| c.key == key)
                    .unwrap_or_else(|| panic!("{ctx}: front-matter {key} not reported"));
                if let Some(old) = s(e, "old") {
                    assert!(
                        c.old.as_deref().is_some_and(|v| v.contains(old)),
                        "{ctx}: {c:?}"
                    );
                }
                if let Some(new) = s(e, "new") {
                    assert!(
                        c.new.as_deref().is_some_and(|v| v.contains(new)),
                        "{ctx}: {c:?}"
                    );
                }
            }
            assert_eq!(diff.front.len(), front.len(), "{ctx}: {:?}", diff.front);

            let mut used = Vec::new();
            for e in &body {
                let i = find(e, &diff, &from, &to).unwrap_or_else(|| {
                    panic!(
                        "{ctx}: {e:?} not found among {:#?}",
                        diff.blocks
                            .iter()
                            .filter(|c| c.is_change())
                            .collect::<Vec<_>>()
                    )
                });
                assert!(!used.contains(&i), "{ctx}: two entries matched one change");
                used.push(i);
                let ops = diff.blocks[i].ops().unwrap_or_default();
                match s(e, "kind") {
                    Some("punctuation") => {
                        // Only punctuation moves: no word is inserted or deleted.
                        assert_eq!(changed_words(ops), (0, 0), "{ctx}: {:?}", edits(ops));
                        let (old, new) = (s(e, "old").unwrap_or(""), s(e, "new").unwrap_or(""));
                        if new.replace(',', "") == old
                            && new.matches(',').count() == old.matches(',').count() + 1
                        {
                            assert_eq!(edits(ops), [&WordOp::Insert(",".into())], "{ctx}");
                        }
                    }
                    Some("figure") => {
                        assert_eq!(changed_words(ops), (1, 1), "{ctx}: {:?}", edits(ops));
                    }
                    _ => {}
                }
                checked += 1;
            }
            let changes = diff.blocks.iter().filter(|c| c.is_change()).count();
            assert_eq!(
                changes,
                body.len(),
                "{ctx}: unexpected changes {:#?}",
                diff.blocks
                    .iter()
                    .enumerate()
                    .filter(|(i, c)| c.is_change() && !used.contains(i))
                    .collect::<Vec<_>>()
            );
        }
    }
    assert!(checked > 0);
}
