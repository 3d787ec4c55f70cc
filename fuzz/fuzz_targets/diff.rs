//! The diff of two drafts (the input cut at its first 0xFF byte, or in the
//! middle) and every text writer of its redline. The diff must rebuild both
//! versions (see `duthao_fuzz::check_diff`), a draft compared with itself
//! must show no change, and the JSON redline must be JSON that rebuilds both
//! bodies too.

#![no_main]

use std::io::sink;

use duthao::diff::{DiffOptions, DraftDiff, Side, diff_drafts};
use duthao::model::Draft;
use duthao::render::{Labels, html, json, markdown, stat, terminal};
use libfuzzer_sys::fuzz_target;

fn writers(diff: &DraftDiff, a: &Draft, b: &Draft) {
    let labels = Labels::new("Dự thảo lần 1", "Dự thảo lần 2");
    let mut out = Vec::new();
    json::write(&mut out, diff, a, b, &labels).expect("json writes");
    check_json(&out, diff, a, b);
    html::write(&mut sink(), diff, a, b, &labels).expect("html writes");
    let mut md = Vec::new();
    markdown::write(&mut md, diff, a, b, &labels).expect("markdown writes");
    check_critic_markup(&md, diff, a, b);
    for color in [false, true] {
        let opts = terminal::TerminalOptions {
            color,
            context_words: 3,
        };
        terminal::write(&mut sink(), diff, a, b, &labels, &opts).expect("terminal writes");
    }
    let st = stat::compute(diff, a, b);
    stat::write(&mut sink(), &st).expect("stat writes");
}

/// The CriticMarkup redline resolves to TO's body with every change
/// accepted and to FROM's with every change rejected (the guarantee in
/// `render::redline::markdown`), for bodies whose block texts it can
/// separate: none empty, none holding a blank line or starting or ending
/// with a line break.
fn check_critic_markup(md: &[u8], diff: &DraftDiff, a: &Draft, b: &Draft) {
    let md = std::str::from_utf8(md).expect("the CriticMarkup redline is UTF-8");
    let texts =
        |d: &Draft| -> Vec<String> { d.body.blocks.iter().map(|x| diff.text_of(x)).collect() };
    let (from, to) = (texts(a), texts(b));
    let separable = |t: &String| {
        !t.trim().is_empty() && !t.contains("\n\n") && !t.starts_with('\n') && !t.ends_with('\n')
    };
    if !from.iter().chain(&to).all(separable) {
        return;
    }
    let accepted = markdown::resolve(md, Side::New);
    let rejected = markdown::resolve(md, Side::Old);
    assert_eq!(markdown::blocks_of(&accepted), to, "accepted:\n{md}");
    assert_eq!(markdown::blocks_of(&rejected), from, "rejected:\n{md}");
}

/// The JSON redline parses, and its ops rebuild both bodies.
fn check_json(out: &[u8], diff: &DraftDiff, a: &Draft, b: &Draft) {
    let v: serde_json::Value = serde_json::from_slice(out).expect("the JSON redline is JSON");
    let blocks = v["blocks"].as_array().expect("blocks array");
    let text = |blk: &serde_json::Value, keep: &str| -> String {
        blk["ops"]
            .as_array()
            .expect("ops")
            .iter()
            .filter(|o| o["op"] == "equal" || o["op"] == keep)
            .map(|o| o["text"].as_str().expect("op text"))
            .collect()
    };
    let mut to = vec![None; b.body.blocks.len()];
    let mut from = vec![None; a.body.blocks.len()];
    for blk in blocks {
        if let Some(t) = blk["to_index"].as_u64() {
            to[t as usize] = Some(text(blk, "insert"));
        }
        if let Some(f) = blk["from_index"].as_u64() {
            from[f as usize] = Some(text(blk, "delete"));
        }
    }
    for (i, t) in to.iter().enumerate() {
        assert_eq!(
            t.as_deref(),
            Some(&*diff.text_of(&b.body.blocks[i])),
            "JSON TO block {i}"
        );
    }
    for (i, f) in from.iter().enumerate() {
        assert_eq!(
            f.as_deref(),
            Some(&*diff.text_of(&a.body.blocks[i])),
            "JSON FROM block {i}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let (x, y) = duthao_fuzz::halves(data);
    let (Some(a), Some(b)) = (duthao_fuzz::draft(x), duthao_fuzz::draft(y)) else {
        return;
    };
    for whitespace in [false, true] {
        let opts = DiffOptions {
            whitespace,
            ..DiffOptions::default()
        };
        let diff = diff_drafts(&a, &b, &opts);
        duthao_fuzz::check_diff(&diff, &a, &b);
        writers(&diff, &a, &b);
    }
    let same = diff_drafts(&a, &a, &DiffOptions::default());
    duthao_fuzz::check_diff(&same, &a, &a);
    assert!(
        same.is_empty(),
        "a draft compared with itself changed: {same:?}"
    );
});
