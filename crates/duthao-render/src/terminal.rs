//! The redline for a terminal: one header per changed block with its
//! structural path, insertions in green, deletions in red and struck
//! through, unchanged text collapsed to a few words around each change.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::{Labels, Note, Notes, path_display, stat};
use duthao_diff::{
    BlockChange, DraftDiff, Side, TokenClass, WordOp, apply, tokenize, tokenize_while,
};
use duthao_model::{Block, Draft};

/// How the terminal redline is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TerminalOptions {
    /// Emit ANSI colours. The caller decides (tty, `NO_COLOR`, `--color`).
    /// Without colour, changes are bracketed as git does: `[-old-]{+new+}`.
    pub color: bool,
    /// Unchanged words kept on each side of a change; longer unchanged
    /// stretches are cut with "…".
    pub context_words: usize,
}

impl Default for TerminalOptions {
    fn default() -> Self {
        TerminalOptions {
            color: false,
            context_words: 8,
        }
    }
}

struct Painter {
    color: bool,
}

/// Every text this writer prints comes from the drafts: shown with its
/// control characters escaped, never acting on the terminal.
fn safe(text: &str) -> std::borrow::Cow<'_, str> {
    crate::terminal_safe(text)
}

impl Painter {
    fn paint(&self, out: &mut impl Write, style: Style, text: &str) -> io::Result<()> {
        let text = safe(text);
        if self.color {
            write!(out, "{style}{text}{style:#}")
        } else {
            out.write_all(text.as_bytes())
        }
    }
    fn ins(&self, out: &mut impl Write, text: &str) -> io::Result<()> {
        let text = &*safe(text);
        if self.color {
            let st = Style::new()
                .fg_color(Some(AnsiColor::Green.into()))
                .underline();
            self.paint(out, st, text)
        } else {
            write!(out, "{{+{text}+}}")
        }
    }
    fn del(&self, out: &mut impl Write, text: &str) -> io::Result<()> {
        let text = &*safe(text);
        if self.color {
            let st = Style::new()
                .fg_color(Some(AnsiColor::Red.into()))
                .strikethrough();
            self.paint(out, st, text)
        } else {
            write!(out, "[-{text}-]")
        }
    }
    fn header(&self, out: &mut impl Write, text: &str) -> io::Result<()> {
        let st = Style::new().fg_color(Some(AnsiColor::Cyan.into())).bold();
        self.paint(out, st, text)
    }
    fn dim(&self, out: &mut impl Write, text: &str) -> io::Result<()> {
        self.paint(out, Style::new().dimmed(), text)
    }
    fn bold(&self, out: &mut impl Write, text: &str) -> io::Result<()> {
        self.paint(out, Style::new().bold(), text)
    }
}

fn lines(b: &Block) -> String {
    if b.lines.start == b.lines.end {
        format!("line {}", b.lines.start)
    } else {
        format!("lines {}", b.lines)
    }
}

/// Writes the terminal redline. An empty diff writes nothing (as git does).
pub fn write(
    out: &mut impl Write,
    diff: &DraftDiff,
    from: &Draft,
    to: &Draft,
    labels: &Labels,
    opts: &TerminalOptions,
) -> io::Result<()> {
    write_noted(out, diff, from, to, labels, opts, &Notes::default())
}

/// [`write()`], with the review comments of `notes` under each changed block
/// they concern (and those on the whole draft after the front matter).
pub fn write_noted(
    out: &mut impl Write,
    diff: &DraftDiff,
    from: &Draft,
    to: &Draft,
    labels: &Labels,
    opts: &TerminalOptions,
    notes: &Notes,
) -> io::Result<()> {
    if diff.is_empty() {
        return Ok(());
    }
    let p = Painter { color: opts.color };
    let s = stat::compute(diff, from, to);
    p.bold(
        out,
        &format!(
            "{} → {}: {} block{} changed, +{} −{} words",
            labels.from,
            labels.to,
            s.total.blocks(),
            if s.total.blocks() == 1 { "" } else { "s" },
            s.total.words_inserted,
            s.total.words_deleted
        ),
    )?;
    writeln!(out)?;
    if diff.degraded {
        p.dim(
            out,
            "(time limit reached: some blocks are compared coarsely)\n",
        )?;
    }
    if !diff.front.is_empty() {
        writeln!(out)?;
        p.header(out, "front matter")?;
        writeln!(out)?;
        for c in &diff.front {
            write!(out, "  {}: ", safe(&c.key))?;
            if c.is_list() {
                // One item after the other, each kept, added or dropped.
                for (i, op) in c.ops.iter().enumerate() {
                    if i > 0 {
                        out.write_all(b"; ")?;
                    }
                    match op {
                        WordOp::Equal(t) => out.write_all(safe(t).as_bytes())?,
                        WordOp::Insert(t) => p.ins(out, t)?,
                        WordOp::Delete(t) => p.del(out, t)?,
                    }
                }
            } else {
                match (&c.old, &c.new) {
                    (Some(_), Some(_)) => {
                        // A value's lines on one line.
                        let ops: Vec<WordOp> = c
                            .ops
                            .iter()
                            .map(|op| match op {
                                WordOp::Equal(t) => WordOp::Equal(t.replace('\n', "; ")),
                                WordOp::Insert(t) => WordOp::Insert(t.replace('\n', "; ")),
                                WordOp::Delete(t) => WordOp::Delete(t.replace('\n', "; ")),
                            })
                            .collect();
                        write_ops(out, &p, &ops, usize::MAX / 4)?
                    }
                    (old, new) => {
                        match old {
                            Some(v) => p.del(out, &v.replace('\n', "; "))?,
                            None => p.dim(out, "(none)")?,
                        }
                        write!(out, " → ")?;
                        match new {
                            Some(v) => p.ins(out, &v.replace('\n', "; "))?,
                            None => p.dim(out, "(none)")?,
                        }
                    }
                }
            }
            writeln!(out)?;
        }
    }
    if !notes.general.is_empty() {
        writeln!(out)?;
        p.header(out, "comments on the draft as a whole")?;
        writeln!(out)?;
        for n in &notes.general {
            write_note(out, &p, n)?;
        }
    }
    for change in &diff.blocks {
        let (head, detail) = match change {
            BlockChange::Unchanged { .. } => continue,
            BlockChange::Changed { from: f, to: t, .. } => {
                let (fb, tb) = (&from.body.blocks[*f], &to.body.blocks[*t]);
                let mut kind = if change.is_restyle() {
                    "formatting changed (bold, italic or links), words unchanged".to_string()
                } else {
                    "changed".to_string()
                };
                if fb.kind_tag() != tb.kind_tag() {
                    kind = format!("changed from {} to {}", fb.kind_tag(), tb.kind_tag());
                }
                (
                    format!("@ {}  {kind}", path_display(tb)),
                    format!("{} → {}", lines(fb), lines(tb)),
                )
            }
            BlockChange::Added { to: t } => {
                let tb = &to.body.blocks[*t];
                (format!("@ {}  added", path_display(tb)), lines(tb))
            }
            BlockChange::Removed { from: f } => {
                let fb = &from.body.blocks[*f];
                (format!("@ {}  removed", path_display(fb)), lines(fb))
            }
            BlockChange::Moved {
                from: f,
                to: t,
                ops,
                ..
            } => {
                let (fb, tb) = (&from.body.blocks[*f], &to.body.blocks[*t]);
                let edited = if ops.iter().any(WordOp::is_change) {
                    ", edited"
                } else {
                    ""
                };
                let (pf, pt) = (path_display(fb), path_display(tb));
                // Swapped points keep their labels: say it moved, and where in the text.
                let head = if pf == pt {
                    format!("@ {pt}  moved within its section{edited}")
                } else {
                    format!("@ {pt}  moved from {pf} to {pt}{edited}")
                };
                (head, format!("{} → {}", lines(fb), lines(tb)))
            }
        };
        writeln!(out)?;
        p.header(out, &head)?;
        write!(out, "  ")?;
        p.dim(out, &format!("({detail})"))?;
        writeln!(out)?;
        write!(out, "  ")?;
        match change {
            BlockChange::Added { to: t } => p.ins(out, &diff.text_of(&to.body.blocks[*t]))?,
            BlockChange::Removed { from: f } => p.del(out, &diff.text_of(&from.body.blocks[*f]))?,
            BlockChange::Changed { ops, .. } => write_ops(out, &p, ops, opts.context_words)?,
            BlockChange::Moved { ops, .. } => {
                if ops.iter().any(WordOp::is_change) {
                    write_ops(out, &p, ops, opts.context_words)?
                } else {
                    let text = apply(ops, Side::New);
                    out.write_all(safe(&excerpt(&text, 2 * opts.context_words)).as_bytes())?
                }
            }
            BlockChange::Unchanged { .. } => {}
        }
        writeln!(out)?;
        for n in notes.on(change.from()) {
            write_note(out, &p, n)?;
        }
    }
    Ok(())
}

/// "  ✎ 1rcrvv7q Đảng ủy xã Phú Lương (v1, tiếp thu): text".
fn write_note(out: &mut impl Write, p: &Painter, n: &Note) -> io::Result<()> {
    write!(out, "  ")?;
    let head = format!("✎ {} {} (v{}, {})", n.id, n.body, n.version, n.state);
    if n.open {
        p.bold(out, &head)?;
    } else {
        p.dim(out, &head)?;
    }
    write!(out, ": {}", safe(&n.text.replace('\n', " ")))?;
    if let Some(q) = &n.quote {
        write!(out, " [“{}”]", safe(q))?;
    }
    writeln!(out)?;
    if let Some(r) = &n.response {
        write!(out, "    ")?;
        p.dim(out, &format!("→ {}", r.replace('\n', " ")))?;
        writeln!(out)?;
    }
    Ok(())
}

fn write_ops(out: &mut impl Write, p: &Painter, ops: &[WordOp], context: usize) -> io::Result<()> {
    let last = ops.len().saturating_sub(1);
    for (i, op) in ops.iter().enumerate() {
        match op {
            WordOp::Insert(t) => p.ins(out, t)?,
            WordOp::Delete(t) => p.del(out, t)?,
            WordOp::Equal(t) => {
                let (keep_head, keep_tail) = match (i == 0, i == last) {
                    (true, true) => (usize::MAX, 0),
                    (true, false) => (0, context),
                    (false, true) => (context, 0),
                    (false, false) => (context, context),
                };
                out.write_all(safe(&collapse(t, keep_head, keep_tail)).as_bytes())?;
            }
        }
    }
    Ok(())
}

/// Byte offsets of the word tokens of `text`: (start, end).
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    tokenize(text, |s, e, c| {
        if c == TokenClass::Word {
            v.push((s, e))
        }
    });
    v
}

/// Keeps the first `head` and the last `tail` words of an unchanged stretch,
/// with "…" for what is cut.
fn collapse(text: &str, head: usize, tail: usize) -> String {
    if head == usize::MAX {
        return text.to_string();
    }
    // Only the ends are read: an unchanged stretch may be most of a long
    // paragraph, and every changed block has two.
    let need = head.saturating_add(tail) + 3;
    let front = words_from_start(text, need);
    if front.len() < need {
        return text.to_string();
    }
    let mut s = String::new();
    if head > 0 {
        s.push_str(&text[..front[head - 1].1]);
        s.push_str(" …");
    } else {
        s.push('…');
    }
    if tail > 0 {
        let back = words_from_end(text, tail);
        s.push(' ');
        s.push_str(&text[back[back.len() - tail].0..]);
    }
    s
}

/// The spans of the first `n` words of `text` (all of them when it has
/// fewer), tokenising no further than the last of them.
fn words_from_start(text: &str, n: usize) -> Vec<(usize, usize)> {
    // `n` may stand for "all" (a front-matter field is shown whole).
    let mut words = Vec::with_capacity(n.min(64));
    if n == 0 {
        return words;
    }
    tokenize_while(text, |s, e, c| {
        if c == TokenClass::Word {
            words.push((s, e));
        }
        words.len() < n
    });
    words
}

/// The spans of at least the last `n` words of `text` (all of them when it
/// has fewer), read from the end.
fn words_from_end(text: &str, n: usize) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut pieces = n.max(1);
    loop {
        // The last byte of the `pieces`-th run of ASCII whitespace from the end.
        let cut = (0..b.len().saturating_sub(1))
            .rev()
            .filter(|&i| b[i].is_ascii_whitespace() && !b[i + 1].is_ascii_whitespace())
            .nth(pieces)
            .unwrap_or(0);
        let words = word_spans(&text[cut..]);
        if words.len() >= n || cut == 0 {
            return words.into_iter().map(|(s, e)| (s + cut, e + cut)).collect();
        }
        pieces = pieces.saturating_mul(2);
    }
}

fn excerpt(text: &str, n: usize) -> String {
    let words = word_spans(text);
    if words.len() <= n + 2 {
        return text.to_string();
    }
    if n == 0 {
        return "…".to_string();
    }
    format!("{} …", &text[..words[n - 1].1])
}

#[cfg(test)]
fn collapse_whole(text: &str, head: usize, tail: usize) -> String {
    let words = word_spans(text);
    if head == usize::MAX || words.len() <= head.saturating_add(tail) + 2 {
        return text.to_string();
    }
    let mut s = String::new();
    if head > 0 {
        s.push_str(&text[..words[head - 1].1]);
        s.push_str(" …");
    } else {
        s.push('…');
    }
    if tail > 0 {
        s.push(' ');
        s.push_str(&text[words[words.len() - tail].0..]);
    }
    s
}

#[cfg(test)]
mod collapse_tests {
    use super::{collapse, collapse_whole};

    #[test]
    fn reading_the_ends_is_reading_the_whole() {
        let pieces = [
            "bản", " ", "  ", ",", " , ", "2.200", "94,5", ".", "\n", "Điều", "\u{a0}", "(a)", "–",
            "\u{a0} ",
        ];
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let mut next = Vec::new();
            for t in &texts {
                for p in pieces {
                    next.push(format!("{t}{p}"));
                }
            }
            texts = next;
        }
        for t in &texts {
            // usize::MAX / 4 each side: how a front-matter field asks for all.
            let all = usize::MAX / 4;
            for (head, tail) in [
                (0, 0),
                (0, 2),
                (2, 0),
                (1, 1),
                (2, 2),
                (usize::MAX, 0),
                (all, all),
            ] {
                assert_eq!(
                    collapse(t, head, tail),
                    collapse_whole(t, head, tail),
                    "{t:?}"
                );
            }
        }
    }
}
