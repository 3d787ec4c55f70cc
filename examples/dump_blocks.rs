//! Prints the blocks the reader sees in a draft file: `cargo run --example dump_blocks FILE`.
fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: dump_blocks FILE"))?;
    let bytes = std::fs::read(&path)?;
    let draft = duthao::reader::read(&bytes, path.as_ref())?;
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
