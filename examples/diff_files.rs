//! Diffs two draft files and writes the JSON redline: the engine alone, for
//! `bench/diff.sh` when the CLI is not built.
//! `cargo run --release --example diff_files FROM.md TO.md [-o OUT.json] [--stat]`
use std::io::{BufWriter, Write};

use anyhow::Context;
use duthao::diff::{DiffOptions, diff_drafts};
use duthao::render::redline::terminal::TerminalOptions;
use duthao::render::redline::{self, Format, Labels, stat};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut files = Vec::new();
    let mut out_path = None;
    let mut show_stat = false;
    let mut format = "json".to_string();
    let mut names: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-o" => out_path = it.next().cloned(),
            "--stat" => show_stat = true,
            "--label" => names.extend(it.next().cloned()),
            "--format" => format = it.next().cloned().unwrap_or_default(),
            _ => files.push(a.clone()),
        }
    }
    let [a, b] = files.as_slice() else {
        anyhow::bail!(
            "usage: diff_files FROM.md TO.md [--format json|html|markdown|terminal] [-o OUT] [--stat] [--label FROM --label TO]"
        );
    };
    let read = |p: &String| -> anyhow::Result<duthao::model::Draft> {
        let bytes = std::fs::read(p).with_context(|| format!("reading {p}"))?;
        Ok(duthao::reader::parse_draft(&bytes, p.as_ref())?)
    };
    let timing = std::env::var_os("DUTHAO_TIMING").is_some();
    let t0 = std::time::Instant::now();
    // The two files are independent: parse them on two cores.
    let (from, to) = std::thread::scope(|s| {
        let other = s.spawn(|| read(b));
        let from = read(a);
        let to = other
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("reader thread panicked")));
        Ok::<_, anyhow::Error>((from?, to?))
    })?;
    if timing {
        let rss = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let hwm = rss
            .lines()
            .find(|l| l.starts_with("VmHWM"))
            .unwrap_or_default();
        let cur = rss
            .lines()
            .find(|l| l.starts_with("VmRSS"))
            .unwrap_or_default();
        eprintln!("after parse: {hwm} {cur}");
    }
    let t1 = std::time::Instant::now();
    let diff = diff_drafts(&from, &to, &DiffOptions::default());
    let t2 = std::time::Instant::now();
    if timing {
        let rss = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM"))
                    .map(str::to_string)
            })
            .unwrap_or_default();
        eprintln!("read+parse {:?}, diff {:?}, {rss}", t1 - t0, t2 - t1);
    }
    let labels = match names.as_slice() {
        [x, y] => Labels::new(x.as_str(), y.as_str()),
        _ => Labels::new(a.as_str(), b.as_str()),
    };
    if show_stat {
        let s = stat::compute(&diff, &from, &to);
        stat::write(&mut std::io::stderr().lock(), &s)?;
    }
    let mut w: BufWriter<Box<dyn Write>> = BufWriter::new(match out_path {
        Some(p) => Box::new(std::fs::File::create(&p)?),
        None => Box::new(std::io::stdout().lock()),
    });
    let format: Format = format.parse().map_err(anyhow::Error::msg)?;
    let terminal = TerminalOptions {
        color: std::env::var_os("NO_COLOR").is_none(),
        ..Default::default()
    };
    redline::write(format, &mut w, &diff, &from, &to, &labels, &terminal)?;
    w.flush()?;
    if timing {
        eprintln!("write {:?}", t2.elapsed());
    }
    // The process ends here: leave the large trees to the OS rather than
    // free them block by block.
    std::mem::forget((from, to, diff));
    Ok(())
}
