//! Prints the blocks the reader sees in a draft file:
//! `cargo run --example dump_blocks FILE` (a table), or `… FILE --json`
//! (one object per block: index, kind, path, fingerprint, text), which
//! bench/make_comments.py reads to anchor its comments as `comment add` would.
fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: dump_blocks FILE [--json]"))?;
    let json = args.next().as_deref() == Some("--json");
    let bytes = std::fs::read(&path)?;
    let draft = duthao::reader::read(&bytes, path.as_ref())?;
    if json {
        let blocks: Vec<serde_json::Value> = draft
            .body
            .blocks
            .iter()
            .enumerate()
            .map(|(i, b)| {
                serde_json::json!({
                    "index": i,
                    "kind": b.kind_tag(),
                    "path": b.path.to_string(),
                    "fingerprint": b.fingerprint.to_string(),
                    "text": b.text(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string(&blocks)?);
        return Ok(());
    }
    for b in &draft.body.blocks {
        let t = b.text();
        let short: String = t.chars().take(60).collect();
        println!(
            "{:>7} {:<10} {:<28} {}",
            b.lines.to_string(),
            b.kind_tag(),
            b.path.to_string(),
            short
        );
    }
    Ok(())
}
