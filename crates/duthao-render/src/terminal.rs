//! The redline for a terminal: one header per changed block with its
//! structural path, insertions in green, deletions in red and struck
//! through, unchanged text collapsed to a few words around each change.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::{Labels, Note, Notes, path_display, push_line_range, push_path_display, stat};
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

/// Text between two marks: straight to the output, not through `write!`,
/// since every inserted or deleted stretch comes here.
fn marked(out: &mut impl Write, open: &[u8], text: &str, close: &[u8]) -> io::Result<()> {
    out.write_all(open)?;
    out.write_all(safe(text).as_bytes())?;
    out.write_all(close)
}

impl Painter {
    fn paint(&self, out: &mut impl Write, style: Style, text: &str) -> io::Result<()> {
        let text = safe(text);
        if self.color {
            style.write_to(out)?;
            out.write_all(text.as_bytes())?;
            style.write_reset_to(out)
        } else {
            out.write_all(text.as_bytes())
        }
    }
    fn ins(&self, out: &mut impl Write, text: &str) -> io::Result<()> {
        if self.color {
            let st = Style::new()
                .fg_color(Some(AnsiColor::Green.into()))
                .underline();
            self.paint(out, st, text)
        } else {
            marked(out, b"{+", text, b"+}")
        }
    }
    fn del(&self, out: &mut impl Write, text: &str) -> io::Result<()> {
        if self.color {
            let st = Style::new()
                .fg_color(Some(AnsiColor::Red.into()))
                .strikethrough();
            self.paint(out, st, text)
        } else {
            marked(out, b"[-", text, b"-]")
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

/// "line 12" or "lines 12-15".
fn push_lines(s: &mut String, b: &Block) {
    s.push_str(if b.lines.start == b.lines.end {
        "line "
    } else {
        "lines "
    });
    push_line_range(s, b.lines);
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
    // A header and a line range for each changed block, built in place:
    // `format!` for each cost a twentieth of a long draft's redline.
    let (mut head, mut detail) = (String::new(), String::new());
    for change in &diff.blocks {
        head.clear();
        head.push_str("@ ");
        match change {
            BlockChange::Unchanged { .. } => continue,
            BlockChange::Changed { from: f, to: t, .. } => {
                let (fb, tb) = (&from.body.blocks[*f], &to.body.blocks[*t]);
                push_path_display(&mut head, tb);
                head.push_str("  ");
                if fb.kind_tag() != tb.kind_tag() {
                    head.push_str("changed from ");
                    head.push_str(fb.kind_tag());
                    head.push_str(" to ");
                    head.push_str(tb.kind_tag());
                } else if change.is_restyle() {
                    head.push_str("formatting changed (bold, italic or links), words unchanged");
                } else {
                    head.push_str("changed");
                }
            }
            BlockChange::Added { to: t } => {
                let tb = &to.body.blocks[*t];
                push_path_display(&mut head, tb);
                head.push_str("  added");
            }
            BlockChange::Removed { from: f } => {
                let fb = &from.body.blocks[*f];
                push_path_display(&mut head, fb);
                head.push_str("  removed");
            }
            BlockChange::Moved {
                from: f,
                to: t,
                ops,
                ..
            } => {
                let (fb, tb) = (&from.body.blocks[*f], &to.body.blocks[*t]);
                let (pf, pt) = (path_display(fb), path_display(tb));
                head.push_str(&pt);
                // Swapped points keep their labels: say it moved, and where in the text.
                if pf == pt {
                    head.push_str("  moved within its section");
                } else {
                    head.push_str("  moved from ");
                    head.push_str(&pf);
                    head.push_str(" to ");
                    head.push_str(&pt);
                }
                if ops.iter().any(WordOp::is_change) {
                    head.push_str(", edited");
                }
            }
        }
        // The block's lines on each side it is on: "(line 3 → lines 4-6)".
        detail.clear();
        detail.push('(');
        let sides = [
            change.from().map(|f| &from.body.blocks[f]),
            change.to().map(|t| &to.body.blocks[t]),
        ];
        for (k, b) in sides.into_iter().flatten().enumerate() {
            if k > 0 {
                detail.push_str(" → ");
            }
            push_lines(&mut detail, b);
        }
        detail.push(')');
        out.write_all(b"\n")?;
        p.header(out, &head)?;
        out.write_all(b"  ")?;
        p.dim(out, &detail)?;
        out.write_all(b"\n  ")?;
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
                // Piece by piece: escaping goes character by character,
                // so the pieces escaped are the whole escaped.
                for piece in collapse(t, keep_head, keep_tail) {
                    out.write_all(safe(piece).as_bytes())?;
                }
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
/// with "…" for what is cut: the pieces to print, in order (some empty),
/// not a new string, since every changed block has two such stretches.
fn collapse(text: &str, head: usize, tail: usize) -> [&str; 4] {
    let whole = [text, "", "", ""];
    if head == usize::MAX {
        return whole;
    }
    // Only the ends are read: an unchanged stretch may be most of a long
    // paragraph, and every changed block has two.
    let need = head.saturating_add(tail) + 3;
    let (mut words, mut head_end) = (0, 0);
    tokenize_while(text, |_, e, c| {
        if c == TokenClass::Word {
            words += 1;
            if words == head {
                head_end = e;
            }
        }
        words < need
    });
    if words < need {
        return whole;
    }
    let [a, b] = if head > 0 {
        [&text[..head_end], " …"]
    } else {
        ["", "…"]
    };
    let [c, d] = if tail > 0 {
        let back = words_from_end(text, tail);
        [" ", &text[back[back.len() - tail].0..]]
    } else {
        ["", ""]
    };
    [a, b, c, d]
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
                    collapse(t, head, tail).concat(),
                    collapse_whole(t, head, tail),
                    "{t:?}"
                );
            }
        }
    }
}
