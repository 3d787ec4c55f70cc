//! The redline engine on real Vietnamese text: random edits round-trip
//! through the JSON and CriticMarkup outputs; normalisation and whitespace
//! are not changes; a comma is one comma; a moved paragraph is one move.

use std::path::Path;

use duthao::diff::{BlockChange, DiffOptions, DraftDiff, Side, WordOp, apply, diff_drafts};
use duthao::model::Draft;
use duthao::reader::read as parse_draft;
use duthao::render::{Labels, json, markdown};
use proptest::prelude::*;

const FRONT: &str = "---\nkind: nghi-quyet\nprofile: party\nissuer:\n  name: TỈNH ỦY THÁI NGUYÊN\n  code: TU\ntitle: về công tác tổ chức xây dựng Đảng năm 2026\n---\n\n";

/// Sentences of a real 2023 Party-building report (the corpus generator's
/// source paragraph), so the words, diacritics and punctuation are real.
const SENTENCES: &[&str] = &[
    "Năm 2023, với quyết tâm chính trị, tinh thần trách nhiệm, toàn ngành Tổ chức xây dựng Đảng đã chủ động, sáng tạo, nỗ lực tham mưu hoàn thành tốt các nhiệm vụ được giao.",
    "Góp phần quan trọng vào công tác xây dựng, chỉnh đốn Đảng; tập trung tham mưu, nâng cao chất lượng, bảo đảm tiến độ các đề án, nhiệm vụ trình cấp ủy các cấp.",
    "Tính chung từ đầu nhiệm kỳ khóa XIII đến nay, toàn ngành đã hoàn thành 90 đề án, nhiệm vụ về công tác tổ chức xây dựng Đảng.",
    "Tham mưu Ban Chấp hành Trung ương, Bộ Chính trị, Ban Bí thư ban hành 60 văn bản và chủ trì ban hành 25 hướng dẫn về công tác tổ chức xây dựng Đảng.",
    "Đối với Thái Nguyên, trong năm 2023, ngành tổ chức xây dựng Đảng tỉnh đã bám sát chỉ đạo của Trung ương và Tỉnh uỷ.",
    "Chủ động tham mưu triển khai thực hiện nhiệm vụ theo chương trình, kế hoạch một cách toàn diện, kịp thời.",
    "Trong thời gian tới, đồng chí đề nghị toàn ngành tập trung tham mưu xây dựng và triển khai thực hiện chương trình công tác năm 2024 đảm bảo tiến độ, chất lượng.",
    "Gắn với công tác chuẩn bị Đại hội Đảng bộ các cấp tiến tới Đại hội XIV của Đảng.",
    "Tiếp tục thực hiện hiệu quả các Nghị quyết, kết luận của Ban Chấp hành Trung ương khóa XIII về tổ chức xây dựng Đảng.",
    "Tham mưu thực hiện đồng bộ, chặt chẽ các khâu trong công tác cán bộ.",
];

const WORDS: &[&str] = &[
    "tăng cường",
    "kịp thời",
    "đồng bộ",
    "cán bộ",
    "đảng viên",
    "chặt chẽ",
    "hiệu quả",
    "nhiệm vụ",
    "Tỉnh ủy",
    "cơ sở",
    "năm",
    "2026",
    "các",
    "và",
];

fn draft(body: &str) -> Draft {
    let text = format!("{FRONT}{body}\n");
    parse_draft(text.as_bytes(), Path::new("test.md")).expect("test draft parses")
}

fn body_of(paragraphs: &[Vec<String>]) -> String {
    paragraphs
        .iter()
        .map(|p| p.join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn texts(d: &Draft, diff: &DraftDiff) -> Vec<String> {
    d.body.blocks.iter().map(|b| diff.text_of(b)).collect()
}

#[derive(Debug, Clone)]
enum Edit {
    InsertWord(usize, usize, usize),
    DeleteWord(usize, usize),
    ReplaceWord(usize, usize, usize),
    AddComma(usize, usize),
    MoveParagraph(usize, usize),
    AddParagraph(usize, usize),
    RemoveParagraph(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let i = 0..1000usize;
    prop_oneof![
        (i.clone(), i.clone(), 0..WORDS.len()).prop_map(|(p, w, x)| Edit::InsertWord(p, w, x)),
        (i.clone(), i.clone()).prop_map(|(p, w)| Edit::DeleteWord(p, w)),
        (i.clone(), i.clone(), 0..WORDS.len()).prop_map(|(p, w, x)| Edit::ReplaceWord(p, w, x)),
        (i.clone(), i.clone()).prop_map(|(p, w)| Edit::AddComma(p, w)),
        (i.clone(), i.clone()).prop_map(|(a, b)| Edit::MoveParagraph(a, b)),
        (i.clone(), 0..SENTENCES.len()).prop_map(|(a, s)| Edit::AddParagraph(a, s)),
        i.prop_map(Edit::RemoveParagraph),
    ]
}

fn apply_edit(paras: &mut Vec<Vec<String>>, e: &Edit) {
    let n = paras.len();
    match *e {
        Edit::InsertWord(p, w, x) if n > 0 => {
            let para = &mut paras[p % n];
            let at = w % (para.len() + 1);
            para.insert(at, WORDS[x].to_string());
        }
        Edit::DeleteWord(p, w) if n > 0 => {
            let para = &mut paras[p % n];
            if para.len() > 2 {
                let at = w % para.len();
                para.remove(at);
            }
        }
        Edit::ReplaceWord(p, w, x) if n > 0 => {
            let para = &mut paras[p % n];
            let at = w % para.len();
            para[at] = WORDS[x].to_string();
        }
        Edit::AddComma(p, w) if n > 0 => {
            let para = &mut paras[p % n];
            let at = w % para.len();
            if !para[at].ends_with(',') {
                para[at].push(',');
            }
        }
        Edit::MoveParagraph(a, b) if n > 1 => {
            let para = paras.remove(a % n);
            paras.insert(b % n, para);
        }
        Edit::AddParagraph(a, s) => {
            let words = SENTENCES[s].split(' ').map(str::to_string).collect();
            paras.insert(a % (n + 1), words);
        }
        Edit::RemoveParagraph(a) if n > 1 => {
            paras.remove(a % n);
        }
        _ => {}
    }
}

fn base_paragraphs() -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec(prop::collection::vec(0..SENTENCES.len(), 1..3), 2..7).prop_map(|ps| {
        ps.into_iter()
            .map(|ss| {
                ss.iter()
                    .flat_map(|&s| SENTENCES[s].split(' ').map(str::to_string))
                    .collect()
            })
            .collect()
    })
}

/// Rebuilds both bodies from the JSON output alone.
fn rebuild_from_json(out: &[u8]) -> (Vec<String>, Vec<String>) {
    let v: serde_json::Value = serde_json::from_slice(out).expect("json output parses");
    assert_eq!(v["schema_version"], 1);
    let blocks = v["blocks"].as_array().expect("blocks array");
    let text = |b: &serde_json::Value, keep: &str| -> String {
        b["ops"]
            .as_array()
            .expect("ops")
            .iter()
            .filter(|o| o["op"] == "equal" || o["op"] == keep)
            .map(|o| o["text"].as_str().expect("op text"))
            .collect()
    };
    let to: Vec<String> = blocks
        .iter()
        .filter(|b| !b["to_index"].is_null())
        .map(|b| text(b, "insert"))
        .collect();
    let mut from: Vec<(u64, String)> = blocks
        .iter()
        .filter(|b| !b["from_index"].is_null())
        .map(|b| (b["from_index"].as_u64().expect("index"), text(b, "delete")))
        .collect();
    from.sort_by_key(|(i, _)| *i);
    (to, from.into_iter().map(|(_, t)| t).collect())
}

fn check_round_trip(from: &Draft, to: &Draft, diff: &DraftDiff) {
    let want_from = texts(from, diff);
    let want_to = texts(to, diff);
    let labels = Labels::new("Dự thảo lần 1", "Dự thảo lần 2");

    // Every block of each side appears exactly once.
    let mut seen_from = vec![0; from.body.blocks.len()];
    let mut seen_to = vec![0; to.body.blocks.len()];
    for b in &diff.blocks {
        if let Some(f) = b.from() {
            seen_from[f] += 1;
        }
        if let Some(t) = b.to() {
            seen_to[t] += 1;
        }
    }
    assert!(seen_from.iter().all(|&n| n == 1), "{seen_from:?}");
    assert!(seen_to.iter().all(|&n| n == 1), "{seen_to:?}");

    // Engine ops.
    let mut got_to = Vec::new();
    for i in 0..diff.blocks.len() {
        if diff.blocks[i].to().is_some() {
            got_to.push(apply(&diff.full_ops(i, from, to), Side::New));
        }
    }
    assert_eq!(got_to, want_to);

    // JSON.
    let mut out = Vec::new();
    json::write(&mut out, diff, from, to, &labels).expect("json writes");
    let (jt, jf) = rebuild_from_json(&out);
    assert_eq!(jt, want_to);
    assert_eq!(jf, want_from);

    // CriticMarkup.
    let mut md = Vec::new();
    markdown::write(&mut md, diff, from, to, &labels).expect("markdown writes");
    let md = String::from_utf8(md).expect("utf-8");
    let accepted = markdown::resolve(&md, Side::New);
    let rejected = markdown::resolve(&md, Side::Old);
    assert_eq!(markdown::blocks_of(&accepted), want_to, "{md}");
    assert_eq!(markdown::blocks_of(&rejected), want_from, "{md}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_edits_round_trip(base in base_paragraphs(), edits in prop::collection::vec(edit(), 0..8)) {
        let mut edited = base.clone();
        for e in &edits {
            apply_edit(&mut edited, e);
        }
        let from = draft(&body_of(&base));
        let to = draft(&body_of(&edited));
        let diff = diff_drafts(&from, &to, &DiffOptions::default());
        check_round_trip(&from, &to, &diff);
        if edits.is_empty() {
            prop_assert!(diff.is_empty());
        }
        let exact = DiffOptions { whitespace: true, ..DiffOptions::default() };
        check_round_trip(&from, &to, &diff_drafts(&from, &to, &exact));
    }

    #[test]
    fn a_moved_paragraph_is_one_move(base in base_paragraphs(), a in 0..100usize, b in 0..100usize) {
        // Make every paragraph unique so the move is unambiguous.
        let mut base = base;
        for (i, p) in base.iter_mut().enumerate() {
            p.push(format!("(đoạn {i})"));
        }
        let n = base.len();
        // A different place: a + 1 + (b mod n-1), wrapped.
        let (a, b) = (a % n, (a % n + 1 + b % (n - 1)) % n);
        let mut edited = base.clone();
        let p = edited.remove(a);
        edited.insert(b, p);
        let from = draft(&body_of(&base));
        let to = draft(&body_of(&edited));
        let diff = diff_drafts(&from, &to, &DiffOptions::default());
        check_round_trip(&from, &to, &diff);
        let changes: Vec<&BlockChange> = diff.blocks.iter().filter(|c| c.is_change()).collect();
        prop_assert_eq!(changes.len(), 1, "{:?}", changes);
        let is_move = matches!(changes[0], BlockChange::Moved { .. });
        prop_assert!(is_move);
    }
}

#[test]
fn a_comma_is_one_comma() {
    let from = draft("Việc sắp xếp được thực hiện đúng lộ trình bảo đảm ổn định tư tưởng cán bộ.");
    let to = draft("Việc sắp xếp được thực hiện đúng lộ trình, bảo đảm ổn định tư tưởng cán bộ.");
    let diff = diff_drafts(&from, &to, &DiffOptions::default());
    let changes: Vec<&BlockChange> = diff.blocks.iter().filter(|c| c.is_change()).collect();
    assert_eq!(changes.len(), 1);
    let ops = changes[0].ops().expect("changed block has ops");
    let edits: Vec<&WordOp> = ops.iter().filter(|o| o.is_change()).collect();
    assert_eq!(edits, [&WordOp::Insert(",".into())]);
    check_round_trip(&from, &to, &diff);
}

#[test]
fn nfd_input_is_no_change() {
    use unicode_normalization::UnicodeNormalization;
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("drafts/nghi-quyet-xay-dung-dang-2026/v1.md");
    let nfc = std::fs::read_to_string(&path).expect("bundled example");
    let nfd: String = nfc.nfd().collect();
    assert_ne!(nfc, nfd, "the example has precomposed letters");
    let a = parse_draft(nfc.as_bytes(), &path).expect("parses");
    let b = parse_draft(nfd.as_bytes(), &path).expect("parses");
    let diff = diff_drafts(&a, &b, &DiffOptions::default());
    assert!(
        diff.is_empty(),
        "{:?}",
        diff.blocks
            .iter()
            .filter(|c| c.is_change())
            .collect::<Vec<_>>()
    );
}

#[test]
fn reflowed_whitespace_is_no_change_unless_asked() {
    let one = "Năm 2023, với quyết tâm chính trị, tinh thần trách nhiệm, toàn ngành đã chủ động.\n\nTham mưu thực hiện đồng bộ, chặt chẽ các khâu trong công tác cán bộ.";
    let reflowed = "Năm 2023, với quyết tâm chính trị,\ntinh thần trách nhiệm,  toàn ngành\nđã chủ động.\n\nTham mưu thực hiện đồng bộ, chặt chẽ\ncác khâu trong   công tác cán bộ.   ";
    let (a, b) = (draft(one), draft(reflowed));
    let diff = diff_drafts(&a, &b, &DiffOptions::default());
    assert!(diff.is_empty());
    // Double spaces survive the reader, so `whitespace` shows them, and only them.
    let ws = DiffOptions {
        whitespace: true,
        ..DiffOptions::default()
    };
    let diff = diff_drafts(&a, &b, &ws);
    let edits: Vec<&WordOp> = diff
        .blocks
        .iter()
        .filter_map(|c| c.ops())
        .flatten()
        .filter(|o| o.is_change())
        .collect();
    assert!(!edits.is_empty());
    assert!(
        edits.iter().all(|o| o.text().trim().is_empty()),
        "{edits:?}"
    );
}

#[test]
fn pathological_input_finishes_under_a_tiny_deadline() {
    // Two long blocks with no common order: Myers' worst case. With a 1 ms
    // budget the result is coarser but still rebuilds both texts.
    let a: Vec<String> = (0..4000).map(|i| format!("từ{}", i % 97)).collect();
    let b: Vec<String> = (0..4000).map(|i| format!("từ{}", (i * 31) % 89)).collect();
    diff_under_a_tiny_deadline(&a.join(" "), &b.join(" "), 3);
}

/// Diffs two one-block drafts with a 1 ms budget: the result must come
/// within `seconds` and still rebuild both texts.
fn diff_under_a_tiny_deadline(a: &str, b: &str, seconds: u64) {
    let (from, to) = (draft(a), draft(b));
    let opts = DiffOptions {
        whitespace: false,
        deadline: Some(std::time::Duration::from_millis(1)),
    };
    let start = std::time::Instant::now();
    let diff = diff_drafts(&from, &to, &opts);
    assert!(start.elapsed() < std::time::Duration::from_secs(seconds));
    check_round_trip(&from, &to, &diff);
}

#[test]
fn a_very_long_paragraph_edited_throughout_finishes_under_a_tiny_deadline() {
    // One paragraph of 30,000 words with a word changed every hundred: too
    // long for the greedy search, so the search that watches the clock
    // takes it, and the result still rebuilds both texts.
    let a: Vec<String> = (0..30_000).map(|i| format!("từ{}", i % 1000)).collect();
    let b: Vec<String> = a
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i % 100 == 7 {
                format!("mới{i}")
            } else {
                w.clone()
            }
        })
        .collect();
    diff_under_a_tiny_deadline(&a.join(" "), &b.join(" "), 5);
}
