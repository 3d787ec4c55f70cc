//! The redline as one self-contained HTML page for reviewers: Vietnamese,
//! no network, no script needed (the view switch is pure CSS), prints well.

use std::io::{self, Write};

use super::{Labels, Note, Notes, path_display, push_line_range, section_of, stat};
use duthao_diff::{
    BlockChange, DraftDiff, FieldChange, RowChange, Side, Step, TableChange, WordOp, apply,
    table_cells,
};
use duthao_model::lanes::Lanes;
use duthao_model::{Block, BlockKind, Draft, Inline, ListMarker};

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + text.len() / 16);
    escape_into(&mut s, text);
    s
}

/// The bytes [`escape_into`] may have to change: the five HTML specials,
/// control characters and the lead byte of C1 controls.
#[inline(always)]
fn html_special(v: Lanes) -> u32 {
    v.le(0x1f)
        | v.eq(b'&')
        | v.eq(b'<')
        | v.eq(b'>')
        | v.eq(b'"')
        | v.eq(b'\'')
        | v.eq(0x7f)
        | v.eq(0xC2)
}

/// [`escape`], appended to `s`.
pub fn escape_into(s: &mut String, text: &str) {
    let b = text.as_bytes();
    let (mut start, mut i) = (0, 0);
    // Straight to each byte that may need escaping: nearly all of a draft
    // needs none, and the HTML redline holds both versions twice.
    while let Some(at) = Lanes::find(b, i, b'a', html_special) {
        i = at;
        let (with, len) = match b[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#39;", 1),
            // HTML has no place for control characters (a browser shows
            // nothing, a terminal would obey them): C0 but for tab and line
            // breaks, DEL and C1 go.
            b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            0..=0x1f | 0x7f => ("", 1),
            0xC2 if matches!(b.get(i + 1), Some(0x80..=0x9f)) => ("", 2),
            _ => {
                i += 1;
                continue;
            }
        };
        s.push_str(&text[start..i]);
        s.push_str(with);
        i += len;
        start = i;
    }
    s.push_str(&text[start..]);
}

fn field_name(key: &str) -> String {
    let name = match key {
        "kind" => "Loại văn bản",
        "profile" => "Thể thức",
        "issuer.parent" => "Cơ quan cấp trên",
        "issuer.name" => "Cơ quan ban hành",
        "issuer.code" => "Ký hiệu cơ quan",
        "number" => "Số văn bản",
        "place" => "Địa danh",
        "date" => "Ngày tháng",
        "title" => "Trích yếu",
        "signer.authority" => "Thẩm quyền ký",
        "signer.title" => "Chức vụ người ký",
        "signer.name" => "Người ký",
        "recipients" => "Nơi nhận",
        other => return escape(other),
    };
    name.to_string()
}

fn kind_name(tag: &str) -> &'static str {
    match tag {
        "heading" => "đề mục",
        "paragraph" => "đoạn văn",
        "list-item" => "mục liệt kê",
        "table" => "bảng",
        "quote" => "trích dẫn",
        "footnote" => "chú thích",
        "code" => "khối mã",
        "rule" => "đường kẻ",
        _ => "khối",
    }
}

/// [`change_name`] in the middle of a sentence.
fn change_word(c: &BlockChange) -> &'static str {
    match c {
        BlockChange::Unchanged { .. } => "không đổi",
        BlockChange::Changed { .. } => "sửa đổi",
        BlockChange::Added { .. } => "bổ sung",
        BlockChange::Removed { .. } => "lược bỏ",
        BlockChange::Moved { .. } => "di chuyển",
    }
}

fn change_name(c: &BlockChange) -> &'static str {
    match c {
        BlockChange::Unchanged { .. } => "Không đổi",
        BlockChange::Changed { .. } => "Sửa đổi",
        BlockChange::Added { .. } => "Bổ sung",
        BlockChange::Removed { .. } => "Lược bỏ",
        BlockChange::Moved { .. } => "Di chuyển",
    }
}

/// Ops as HTML: both sides inline (`None`), or one side of a side-by-side
/// view, with that side's changes marked.
fn ops_html(ops: &[WordOp], side: Option<Side>) -> String {
    let mut s = String::new();
    for op in ops {
        match (op, side) {
            (WordOp::Equal(t), _) => s.push_str(&escape(t)),
            (WordOp::Insert(t), None | Some(Side::New)) => {
                s.push_str("<ins>");
                s.push_str(&escape(t));
                s.push_str("</ins>");
            }
            (WordOp::Delete(t), None | Some(Side::Old)) => {
                s.push_str("<del>");
                s.push_str(&escape(t));
                s.push_str("</del>");
            }
            _ => {}
        }
    }
    s
}

/// One side of a changed front-matter field: its value with that side's
/// changes marked (the items of a list one per line), or "(trống)".
fn front_side(c: &FieldChange, side: Side) -> String {
    let value = match side {
        Side::Old => &c.old,
        Side::New => &c.new,
    };
    if value.is_none() {
        return "<i>(trống)</i>".to_string();
    }
    if c.is_list() {
        return c
            .ops
            .iter()
            .filter_map(|op| match (op, side) {
                (WordOp::Equal(t), _) => Some(escape(t)),
                (WordOp::Delete(t), Side::Old) => Some(format!("<del>{}</del>", escape(t))),
                (WordOp::Insert(t), Side::New) => Some(format!("<ins>{}</ins>", escape(t))),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("<br>");
    }
    ops_html(&c.ops, Some(side)).replace('\n', "<br>")
}

fn block_class(b: &Block) -> String {
    let mut s = String::new();
    push_block_class(&mut s, b);
    s
}

fn push_block_class(s: &mut String, b: &Block) {
    if let BlockKind::Heading { level, .. } = &b.kind {
        s.push_str("k-heading h");
        s.push_str(itoa::Buffer::new().format(*level));
    } else {
        s.push_str("k-");
        s.push_str(b.kind_tag());
    }
}

const CSS: &str = r#"
:root { --ins: #0a6b2d; --ins-bg: #e3f6e8; --del: #a3191b; --del-bg: #fbe6e6; --mv: #6a3fa0; --mv-bg: #f1eafa; --rule: #d0d4da; --muted: #5b6370; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", "Noto Serif", serif; font-size: 17px; line-height: 1.5; color: #111; background: #f5f6f8; }
.page { max-width: 1180px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }
header h1 { font-size: 1.5em; margin: 0 0 4px; }
.doc-title { margin: 0 0 8px; font-style: italic; }
.summary { margin: 8px 0; }
.legend { color: var(--muted); font-size: .9em; }
.legend span { margin-right: 14px; }
h2 { font-size: 1.15em; border-bottom: 1px solid var(--rule); padding-bottom: 4px; margin-top: 28px; }
ins { color: var(--ins); background: var(--ins-bg); text-decoration: underline; text-decoration-thickness: 1px; }
del { color: var(--del); background: var(--del-bg); text-decoration: line-through; }
table.front { border-collapse: collapse; width: 100%; }
table.front th, table.front td { border: 1px solid var(--rule); padding: 4px 8px; vertical-align: top; text-align: left; }
table.front th { background: #f0f2f5; font-weight: bold; }
#contents ol { margin: 4px 0; padding-left: 22px; }
#contents li { margin: 2px 0; }
#contents .count { color: var(--muted); }
a { color: #1a4f9c; }
.viewswitch { position: absolute; opacity: 0; pointer-events: none; }
.switch { margin: 16px 0 0; }
.switch label { display: inline-block; padding: 4px 12px; border: 1px solid var(--rule); border-radius: 4px; cursor: pointer; margin-right: 6px; background: #fff; }
#v-inline:checked ~ .page .switch label[for="v-inline"], #v-side:checked ~ .page .switch label[for="v-side"] { background: #1a4f9c; color: #fff; border-color: #1a4f9c; }
#v-inline:checked ~ .page #side { display: none; }
#v-side:checked ~ .page #inline { display: none; }
.blk { margin: 0 0 10px; white-space: pre-wrap; overflow-wrap: anywhere; }
.blk.k-heading { font-weight: bold; }
.blk::after { content: ""; display: block; clear: both; }
aside.notes { float: right; width: 17em; margin: 0 0 6px 14px; font-size: .82em; line-height: 1.35; white-space: normal; font-weight: normal; text-align: left; }
aside.notes.wide { float: none; width: auto; margin: 0; }
.note { background: #fff8e1; border-left: 3px solid #c99a00; padding: 4px 8px; margin-bottom: 6px; }
.note.open { background: #fdecea; border-left-color: var(--del); }
.note .nh { color: var(--muted); }
.note.open .st { color: var(--del); font-weight: bold; }
.note .nq, .note .np { font-style: italic; }
.note .nr { margin-top: 3px; border-top: 1px dotted var(--rule); padding-top: 3px; }
.note .nid { color: var(--muted); font-size: .85em; font-family: "DejaVu Sans Mono", monospace; }
.blk.k-heading.h1 { text-align: center; }
.blk.k-code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: .85em; }
.blk.k-table { font-size: .95em; }
.blk.same { color: #333; }
.blk.chg, .blk.add, .blk.rem, .blk.mv, .blk.mv-from { border-left: 4px solid var(--rule); padding: 2px 0 2px 10px; }
.blk.chg { border-color: #d9a400; }
.blk.add { border-color: var(--ins); }
.blk.rem { border-color: var(--del); }
.blk.mv, .blk.mv-from { border-color: var(--mv); background: var(--mv-bg); }
.blk.mv-from { color: var(--muted); }
.tag { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 12px; color: var(--muted); white-space: normal; margin-bottom: 2px; }
.tag b { color: #222; }
table.sbs { border-collapse: collapse; width: 100%; table-layout: fixed; }
table.sbs > thead > tr > th { background: #f0f2f5; text-align: left; padding: 6px 8px; border: 1px solid var(--rule); }
table.sbs > tbody > tr > td { vertical-align: top; padding: 6px 8px; border: 1px solid var(--rule); white-space: pre-wrap; overflow-wrap: anywhere; }
table.sbs > tbody > tr.same > td { color: #444; }
table.sbs > tbody > tr.chg > td { background: #fffbea; }
table.sbs > tbody > tr.add > td:last-child { background: var(--ins-bg); }
table.sbs > tbody > tr.rem > td:first-child { background: var(--del-bg); }
table.sbs > tbody > tr.mv > td, table.sbs > tbody > tr.mv-from > td { background: var(--mv-bg); }
table.sbs > tbody > tr > td.empty { background: #fafafa; }
table.doc { border-collapse: collapse; margin: 4px 0; white-space: normal; background: #fff; }
table.doc th, table.doc td { border: 1px solid #8a919c; padding: 3px 8px; vertical-align: top; text-align: left; white-space: pre-wrap; }
table.doc th { font-weight: bold; background: #f0f2f5; }
table.doc tr.row-ins > * { background: var(--ins-bg); }
table.doc tr.row-del > * { background: var(--del-bg); }
table.doc tr.row-chg > * { background: #fffbea; }
table.doc.gone { margin-bottom: 8px; }
.blk.k-footnote, table.sbs .k-footnote { font-size: .85em; }
sup.fnref { font-size: .75em; line-height: 0; }
sup.fnref a { text-decoration: none; }
footer { margin-top: 32px; color: var(--muted); font-size: .85em; }
@media print {
  body { background: #fff; font-size: 12pt; }
  .page { max-width: none; padding: 0; }
  .switch, #side { display: none !important; }
  #inline { display: block !important; }
  a { color: inherit; text-decoration: none; }
  ins, del, .blk.mv, .blk.mv-from { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .blk, tr { break-inside: avoid; }
  h2 { break-after: avoid; }
}
"#;

/// Writes the HTML redline.
pub fn write(
    out: &mut impl Write,
    diff: &DraftDiff,
    from: &Draft,
    to: &Draft,
    labels: &Labels,
) -> io::Result<()> {
    write_noted(out, diff, from, to, labels, &Notes::default())
}

/// The review comments on one block, in a box beside it.
fn notes_html(notes: &[Note]) -> String {
    if notes.is_empty() {
        return String::new();
    }
    let mut s = String::from("<aside class=\"notes\">");
    for n in notes {
        s.push_str(&format!(
            "<div class=\"note{}\"><div class=\"nh\"><b>{}</b> · Dự thảo lần {} · <span class=\"st\">{}</span></div>",
            if n.open { " open" } else { "" },
            escape(&n.body),
            n.version,
            escape(&n.state)
        ));
        if let Some(q) = &n.quote {
            s.push_str(&format!("<div class=\"nq\">“{}”</div>", escape(q)));
        }
        s.push_str(&format!("<div>{}</div>", escape(&n.text)));
        if let Some(p) = &n.proposal {
            s.push_str(&format!(
                "<div class=\"np\">Đề nghị sửa thành: “{}”</div>",
                escape(p)
            ));
        }
        if let Some(r) = &n.response {
            s.push_str(&format!("<div class=\"nr\">{}</div>", escape(r)));
        }
        s.push_str(&format!("<div class=\"nid\">{}</div></div>", escape(&n.id)));
    }
    s.push_str("</aside>");
    s
}

/// [`write()`], with the review comments of `notes` beside the blocks they
/// concern (in both views) and those on the whole draft under the summary.
pub fn write_noted(
    out: &mut impl Write,
    diff: &DraftDiff,
    from: &Draft,
    to: &Draft,
    labels: &Labels,
    notes: &Notes,
) -> io::Result<()> {
    let st = stat::compute(diff, from, to);
    let (lf, lt) = (escape(&labels.from), escape(&labels.to));
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>So sánh {lf} và {lt}: {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
         <input type=\"radio\" name=\"view\" id=\"v-inline\" class=\"viewswitch\" checked>\
         <input type=\"radio\" name=\"view\" id=\"v-side\" class=\"viewswitch\">\n\
         <div class=\"page\">\n<header>\n<h1>So sánh {lf} và {lt}</h1>\n",
        escape(&to.front.title)
    )?;
    if !to.front.title.is_empty() {
        writeln!(
            out,
            "<p class=\"doc-title\">{}</p>",
            escape(&to.front.title)
        )?;
    }
    let t = &st.total;
    if diff.is_empty() {
        writeln!(out, "<p class=\"summary\">Hai bản không có khác biệt.</p>")?;
    } else {
        writeln!(
            out,
            "<p class=\"summary\"><b>{} khối thay đổi</b>: {} sửa đổi, {} bổ sung, {} lược bỏ, {} di chuyển; \
             thêm {} từ, bỏ {} từ{}.</p>",
            t.blocks(),
            t.changed,
            t.added,
            t.removed,
            t.moved,
            t.words_inserted,
            t.words_deleted,
            if diff.front.is_empty() {
                String::new()
            } else {
                format!("; {} thông tin văn bản thay đổi", diff.front.len())
            }
        )?;
    }
    if diff.degraded {
        writeln!(
            out,
            "<p class=\"summary\">Lưu ý: quá thời gian cho phép, một số đoạn được so sánh ở mức thô hơn.</p>"
        )?;
    }
    writeln!(
        out,
        "<p class=\"legend\"><span><ins>nội dung bổ sung</ins></span><span><del>nội dung bị bỏ</del></span>\
         <span class=\"tag\">▌ tím: đoạn di chuyển</span></p>\n\
         <div class=\"switch\"><label for=\"v-inline\">Xem lồng ghép</label><label for=\"v-side\">Xem song song</label></div>\n</header>"
    )?;

    if !diff.front.is_empty() {
        writeln!(
            out,
            "<section id=\"front\">\n<h2>Thông tin văn bản thay đổi</h2>\n<table class=\"front\">\
             <thead><tr><th>Thông tin</th><th>{lf}</th><th>{lt}</th></tr></thead><tbody>"
        )?;
        for c in &diff.front {
            let (old, new) = (front_side(c, Side::Old), front_side(c, Side::New));
            writeln!(
                out,
                "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
                field_name(&c.key),
                old,
                new
            )?;
        }
        writeln!(out, "</tbody></table>\n</section>")?;
    }

    if !notes.general.is_empty() {
        writeln!(
            out,
            "<section id=\"general\">\n<h2>Ý kiến chung về dự thảo</h2>{}</section>",
            notes_html(&notes.general)
                .replace("<aside class=\"notes\">", "<aside class=\"notes wide\">")
        )?;
    }
    write_contents(out, diff, from, to, &st)?;

    // Inline view.
    writeln!(
        out,
        "<main>\n<section id=\"inline\">\n<h2>Bản so sánh lồng ghép</h2>"
    )?;
    let order = diff.reading_order();
    let mut row = String::new();
    // The text of each unchanged, added or removed block as the inline view
    // wrote it, for the side-by-side view, which writes the same: built once,
    // it is kept until then (the size of the HTML of those blocks).
    let mut shown: Vec<Option<String>> = vec![None; diff.blocks.len()];
    for step in &order {
        match *step {
            Step::Departure(moved) => inline_departure(out, diff, moved, from, to)?,
            Step::Block(pos) => {
                inline_block(out, &mut row, &mut shown, diff, pos, from, to, notes)?
            }
        }
    }
    writeln!(out, "</section>")?;

    // Side-by-side view.
    writeln!(
        out,
        "<section id=\"side\">\n<h2>Bản so sánh song song</h2>\n<table class=\"sbs\">\
         <thead><tr><th>{lf}</th><th>{lt}</th></tr></thead><tbody>"
    )?;
    for step in &order {
        match *step {
            Step::Departure(moved) => side_departure(out, diff, moved, from, to)?,
            Step::Block(pos) => side_row(out, &mut row, &mut shown, diff, pos, from, to, notes)?,
        }
    }
    writeln!(out, "</tbody></table>\n</section>\n</main>")?;
    writeln!(
        out,
        "<footer>Bản so sánh do duthao tạo; nội dung bổ sung được gạch chân, nội dung bị bỏ được gạch ngang.</footer>\n</div>\n</body>\n</html>"
    )
}

fn write_contents(
    out: &mut impl Write,
    diff: &DraftDiff,
    from: &Draft,
    to: &Draft,
    st: &stat::DiffStat,
) -> io::Result<()> {
    if st.sections.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<nav id=\"contents\">\n<h2>Mục lục các thay đổi</h2>\n<ol>"
    )?;
    // Each change under its section, in one pass over the diff.
    let index: std::collections::HashMap<&Option<String>, usize> = st
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| (&s.section, i))
        .collect();
    let mut entries: Vec<Vec<(usize, &BlockChange, &Block)>> = vec![Vec::new(); st.sections.len()];
    for (pos, change) in diff.blocks.iter().enumerate() {
        let block = match change {
            BlockChange::Unchanged { .. } => continue,
            BlockChange::Removed { from: f } => &from.body.blocks[*f],
            other => match other.to() {
                Some(t) => &to.body.blocks[t],
                None => continue,
            },
        };
        if let Some(&i) = index.get(&section_of(&block.path)) {
            entries[i].push((pos, change, block));
        }
    }
    for (s, entries) in st.sections.iter().zip(&entries) {
        let c = &s.counts;
        let mut parts = Vec::new();
        for (n, what) in [
            (c.changed, "sửa đổi"),
            (c.added, "bổ sung"),
            (c.removed, "lược bỏ"),
            (c.moved, "di chuyển"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        let name = s.section.as_deref().unwrap_or("Phần mở đầu");
        writeln!(
            out,
            "<li><b>{}</b> <span class=\"count\">({}; +{} / −{} từ)</span><ol>",
            escape(name),
            parts.join(", "),
            c.words_inserted,
            c.words_deleted
        )?;
        let mut row = String::new();
        for &(pos, change, block) in entries {
            row.clear();
            row.push_str("<li><a href=\"#c-");
            row.push_str(itoa::Buffer::new().format(pos));
            row.push_str("\">");
            push_path(&mut row, block);
            row.push_str("</a> <span class=\"count\">");
            row.push_str(change_word(change));
            row.push_str("</span></li>\n");
            out.write_all(row.as_bytes())?;
        }
        writeln!(out, "</ol></li>")?;
    }
    writeln!(out, "</ol>\n</nav>")
}

/// A changed block's tag: its path and what happened to it. `departure` is
/// the anchor prefix of a moved block's old place in this view.
fn push_tag_line(
    s: &mut String,
    change: &BlockChange,
    from: &Draft,
    to: &Draft,
    pos: usize,
    departure: &str,
) {
    s.push_str("<b>");
    match change {
        BlockChange::Moved {
            from: f,
            to: t,
            ops,
            ..
        } => {
            push_path(s, &to.body.blocks[*t]);
            s.push_str("</b> · Di chuyển từ <a href=\"");
            s.push_str(departure);
            s.push_str(itoa::Buffer::new().format(pos));
            s.push_str("\">");
            push_path(s, &from.body.blocks[*f]);
            s.push_str("</a>");
            if ops.iter().any(WordOp::is_change) {
                s.push_str(", có sửa đổi");
            }
        }
        BlockChange::Removed { from: f } => {
            push_path(s, &from.body.blocks[*f]);
            s.push_str("</b> · Lược bỏ");
        }
        BlockChange::Changed { from: f, to: t, .. } => {
            let (fb, tb) = (&from.body.blocks[*f], &to.body.blocks[*t]);
            push_path(s, tb);
            s.push_str("</b> · ");
            s.push_str(if change.is_restyle() {
                "Đổi định dạng (in đậm, in nghiêng hoặc liên kết), giữ nguyên chữ"
            } else {
                "Sửa đổi"
            });
            if fb.kind_tag() != tb.kind_tag() {
                s.push_str(" (đổi ");
                s.push_str(kind_name(fb.kind_tag()));
                s.push_str(" thành ");
                s.push_str(kind_name(tb.kind_tag()));
                s.push(')');
            }
        }
        other => {
            if let Some(t) = other.to() {
                push_path(s, &to.body.blocks[t]);
            }
            s.push_str("</b> · ");
            s.push_str(change_name(other));
        }
    }
}

/// A block's path for display, escaped: [`path_display`] a piece at a time,
/// without building it first. The page shows a path for every change up to
/// three times, and the separators, always there, are known to need their
/// `>` escaped. (Each piece is whole characters, so escaping the pieces
/// apart is escaping the whole.)
fn push_path(s: &mut String, b: &Block) {
    if b.path.is_empty() {
        s.push_str("line ");
        push_line_range(s, b.lines);
        return;
    }
    b.path.for_each_piece(|piece| match piece {
        " > " => s.push_str(" &gt; "),
        "¶" => s.push('¶'),
        text => escape_into(s, text),
    });
}

/// One block of the inline view. Each row is built in `s`, kept from row
/// to row, and written at once: the page holds every changed block three
/// times, and per-row strings and formatting were most of its cost.
#[allow(clippy::too_many_arguments)]
fn inline_block(
    out: &mut impl Write,
    s: &mut String,
    shown: &mut [Option<String>],
    diff: &DraftDiff,
    pos: usize,
    from: &Draft,
    to: &Draft,
    notes: &Notes,
) -> io::Result<()> {
    let change = &diff.blocks[pos];
    s.clear();
    let aside = notes_html(notes.on(change.from()));
    let (class, block) = match change {
        BlockChange::Unchanged { to: t, .. } => {
            let b = &to.body.blocks[*t];
            s.push_str("<div class=\"blk same ");
            push_block_class(s, b);
            s.push('"');
            push_footnote_id(s, b);
            s.push('>');
            s.push_str(&aside);
            let rich = block_rich(b, diff);
            s.push_str(&rich);
            shown[pos] = Some(rich);
            s.push_str("</div>\n");
            return out.write_all(s.as_bytes());
        }
        BlockChange::Changed { to: t, .. } => ("chg", &to.body.blocks[*t]),
        BlockChange::Added { to: t } => ("add", &to.body.blocks[*t]),
        BlockChange::Removed { from: f } => ("rem", &from.body.blocks[*f]),
        BlockChange::Moved { to: t, .. } => ("mv", &to.body.blocks[*t]),
    };
    s.push_str("<div class=\"blk ");
    s.push_str(class);
    s.push(' ');
    push_block_class(s, block);
    s.push_str("\" id=\"c-");
    s.push_str(itoa::Buffer::new().format(pos));
    s.push_str("\">");
    s.push_str(&aside);
    s.push_str("<div class=\"tag\"");
    // A removed footnote has no reference left to it; its id stays free.
    if !matches!(change, BlockChange::Removed { .. }) {
        push_footnote_id(s, block);
    }
    s.push('>');
    push_tag_line(s, change, from, to, pos, "#d-");
    s.push_str("</div>");
    match change {
        BlockChange::Added { .. } | BlockChange::Removed { .. } => {
            let mark = if matches!(change, BlockChange::Added { .. }) {
                "ins"
            } else {
                "del"
            };
            let whole = whole_marked(block, &diff.compared_text(block), mark, diff.whitespace);
            s.push_str(&whole);
            shown[pos] = Some(whole);
        }
        BlockChange::Changed { from: f, to: t, .. } | BlockChange::Moved { from: f, to: t, .. } => {
            push_changed(
                s,
                diff,
                change,
                &from.body.blocks[*f],
                &to.body.blocks[*t],
                None,
            )
        }
        BlockChange::Unchanged { .. } => {}
    }
    s.push_str("</div>\n");
    out.write_all(s.as_bytes())
}

fn inline_departure(
    out: &mut impl Write,
    diff: &DraftDiff,
    moved: usize,
    from: &Draft,
    to: &Draft,
) -> io::Result<()> {
    if let BlockChange::Moved {
        from: f,
        to: t,
        ops,
        ..
    } = &diff.blocks[moved]
    {
        let fb = &from.body.blocks[*f];
        writeln!(
            out,
            "<div class=\"blk mv-from {}\" id=\"d-{moved}\"><div class=\"tag\"><b>{}</b> · Đã chuyển đến <a href=\"#c-{moved}\">{}</a></div>{}</div>",
            block_class(fb),
            escape(&path_display(fb)),
            escape(&path_display(&to.body.blocks[*t])),
            whole_marked(fb, &apply(ops, Side::Old), "", diff.whitespace)
        )?;
    }
    Ok(())
}

/// One row of the side-by-side view, built in `s` as [`inline_block`]'s.
#[allow(clippy::too_many_arguments)]
fn side_row(
    out: &mut impl Write,
    s: &mut String,
    shown: &mut [Option<String>],
    diff: &DraftDiff,
    pos: usize,
    from: &Draft,
    to: &Draft,
    notes: &Notes,
) -> io::Result<()> {
    let change = &diff.blocks[pos];
    s.clear();
    let aside = notes_html(notes.on(change.from()));
    let pos_id = |s: &mut String| {
        s.push_str(" id=\"s-");
        s.push_str(itoa::Buffer::new().format(pos));
        s.push('"');
    };
    // An added or removed block: its tag line, then its whole text marked.
    let mut tagged_whole = |s: &mut String, b: &Block, mark: &str| {
        s.push_str("<div class=\"tag\">");
        push_tag_line(s, change, from, to, pos, "#sd-");
        s.push_str("</div>");
        match shown[pos].take() {
            Some(whole) => s.push_str(&whole),
            None => push_whole_marked(s, b, &diff.compared_text(b), mark, diff.whitespace),
        }
    };
    match change {
        BlockChange::Unchanged { to: t, .. } => {
            let b = &to.body.blocks[*t];
            let text = shown[pos].take().unwrap_or_else(|| block_rich(b, diff));
            s.push_str("<tr class=\"same");
            s.push_str(side_class(b));
            s.push_str("\"><td>");
            s.push_str(&text);
            s.push_str("</td><td>");
            s.push_str(&aside);
            s.push_str(&text);
            s.push_str("</td></tr>\n");
        }
        BlockChange::Changed { from: f, to: t, .. } | BlockChange::Moved { from: f, to: t, .. } => {
            let (fb, tb) = (&from.body.blocks[*f], &to.body.blocks[*t]);
            let moved = matches!(change, BlockChange::Moved { .. });
            s.push_str(if moved {
                "<tr class=\"mv"
            } else {
                "<tr class=\"chg"
            });
            s.push_str(side_class(tb));
            s.push('"');
            pos_id(s);
            s.push_str("><td>");
            if moved {
                s.push_str("<div class=\"tag\">(từ ");
                push_path(s, fb);
                s.push_str(")</div>");
            }
            push_changed(s, diff, change, fb, tb, Some(Side::Old));
            s.push_str("</td><td>");
            s.push_str(&aside);
            s.push_str("<div class=\"tag\">");
            push_tag_line(s, change, from, to, pos, "#sd-");
            s.push_str("</div>");
            push_changed(s, diff, change, fb, tb, Some(Side::New));
            s.push_str("</td></tr>\n");
        }
        BlockChange::Added { to: t } => {
            s.push_str("<tr class=\"add\"");
            pos_id(s);
            s.push_str("><td class=\"empty\"></td><td>");
            tagged_whole(s, &to.body.blocks[*t], "ins");
            s.push_str("</td></tr>\n");
        }
        BlockChange::Removed { from: f } => {
            s.push_str("<tr class=\"rem\"");
            pos_id(s);
            s.push_str("><td>");
            tagged_whole(s, &from.body.blocks[*f], "del");
            s.push_str("</td><td class=\"empty\">");
            s.push_str(&aside);
            s.push_str("</td></tr>\n");
        }
    }
    out.write_all(s.as_bytes())
}

fn side_departure(
    out: &mut impl Write,
    diff: &DraftDiff,
    moved: usize,
    from: &Draft,
    to: &Draft,
) -> io::Result<()> {
    if let BlockChange::Moved {
        from: f,
        to: t,
        ops,
        ..
    } = &diff.blocks[moved]
    {
        writeln!(
            out,
            "<tr class=\"mv-from\" id=\"sd-{moved}\"><td><div class=\"tag\"><b>{}</b> · Đã chuyển đến <a href=\"#s-{moved}\">{}</a></div>{}</td><td class=\"empty\"></td></tr>",
            escape(&path_display(&from.body.blocks[*f])),
            escape(&path_display(&to.body.blocks[*t])),
            whole_marked(
                &from.body.blocks[*f],
                &apply(ops, Side::Old),
                "",
                diff.whitespace,
            )
        )?;
    }
    Ok(())
}

// Rich rendering. Unchanged blocks are drawn from the model, with their bold,
// italics, links and footnote references. Changed blocks are drawn from the
// word ops, which carry plain text only: mapping styles onto ops would mean
// guessing which style an inserted word takes, so they stay plain with
// ins/del marks (footnote references and table cells are still recognised in
// that plain text, because their shape is fixed by `Block::text()`).

/// A run of inlines as HTML, with its styles.
fn inlines_html(content: &[Inline]) -> String {
    let mut s = String::new();
    for inline in content {
        match inline {
            Inline::Text(run) => {
                // Innermost first: code, sup, s, em, strong, then the link.
                let st = &run.style;
                let tags = [
                    (st.code, "code"),
                    (st.superscript, "sup"),
                    (st.strike, "s"),
                    (st.italic, "em"),
                    (st.bold, "strong"),
                ];
                let link = run.link.as_deref().filter(|l| safe_link(l));
                if let Some(link) = link {
                    s.push_str("<a href=\"");
                    escape_into(&mut s, link);
                    s.push_str("\">");
                }
                for &(_, tag) in tags.iter().rev().filter(|t| t.0) {
                    s.push('<');
                    s.push_str(tag);
                    s.push('>');
                }
                escape_into(&mut s, &run.text);
                for &(_, tag) in tags.iter().filter(|t| t.0) {
                    s.push_str("</");
                    s.push_str(tag);
                    s.push('>');
                }
                if link.is_some() {
                    s.push_str("</a>");
                }
            }
            Inline::FootnoteRef { label } => s.push_str(&footnote_ref(label)),
            Inline::LineBreak => s.push_str("<br>"),
        }
    }
    s
}

/// Whether a draft's link may become a live link in the reviewer's page: a
/// `javascript:` or `data:` link would run in it, so only web, mail and
/// relative links are kept; others show as their text alone.
fn safe_link(link: &str) -> bool {
    let lower = link.trim_start().to_ascii_lowercase();
    match lower.find(':') {
        None => true,
        Some(colon) => {
            let scheme = &lower[..colon];
            // A colon after a path or fragment character is not a scheme.
            scheme.contains(['/', '?', '#']) || ["http", "https", "mailto"].contains(&scheme)
        }
    }
}

fn footnote_ref(label: &str) -> String {
    let l = escape(label);
    format!("<sup class=\"fnref\"><a href=\"#fn-{l}\">{l}</a></sup>")
}

/// Turns the `[^label]` references left in escaped plain text into links.
/// A reference that a change cut in two stays as typed: its pieces are in
/// different ops and rewriting across them could misplace a mark.
fn link_footnote_refs(escaped: String) -> String {
    // Most texts have no reference: they are kept as they are.
    if find_ref(&escaped).is_none() {
        return escaped;
    }
    let mut s = String::with_capacity(escaped.len() + 64);
    let mut rest = escaped.as_str();
    while let Some(at) = find_ref(rest) {
        let after = &rest[at + 2..];
        let end = after.find(']');
        match end {
            Some(e) if e > 0 && !after[..e].contains(|c: char| c.is_whitespace() || c == '[') => {
                s.push_str(&rest[..at]);
                let l = &after[..e];
                s.push_str(&format!(
                    "<sup class=\"fnref\"><a href=\"#fn-{l}\">{l}</a></sup>"
                ));
                rest = &after[e + 1..];
            }
            _ => {
                s.push_str(&rest[..at + 2]);
                rest = after;
            }
        }
    }
    s.push_str(rest);
    s
}

/// Where the first "[^" of `s` starts. memchr for the bracket: a word op is
/// a few words long, too short for a substring search to set up.
fn find_ref(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(k) = memchr::memchr(b'[', &b[from..]) {
        let at = from + k;
        if b.get(at + 1) == Some(&b'^') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Ops as HTML like [`ops_html`], with footnote references linked.
fn ops_rich(ops: &[WordOp], side: Option<Side>) -> String {
    let mut s = String::with_capacity(ops.iter().map(|op| op.text().len() + 11).sum());
    push_ops_rich(&mut s, ops, side);
    s
}

fn push_ops_rich(s: &mut String, ops: &[WordOp], side: Option<Side>) {
    for op in ops {
        let (open, close) = match (op, side) {
            (WordOp::Equal(_), _) => ("", ""),
            (WordOp::Insert(_), None | Some(Side::New)) => ("<ins>", "</ins>"),
            (WordOp::Delete(_), None | Some(Side::Old)) => ("<del>", "</del>"),
            _ => continue,
        };
        s.push_str(open);
        // Text without "[^" is escaped in place (every changed block's ops
        // are written three times).
        if find_ref(op.text()).is_some() {
            s.push_str(&link_footnote_refs(escape(op.text())));
        } else {
            escape_into(s, op.text());
        }
        s.push_str(close);
    }
}

/// The block's content from the model, styles kept.
fn block_rich(b: &Block, diff: &DraftDiff) -> String {
    match &b.kind {
        BlockKind::Heading { content, .. }
        | BlockKind::Paragraph { content }
        | BlockKind::Quote { content } => inlines_html(content),
        BlockKind::ListItem {
            marker, content, ..
        } => {
            let m = match marker {
                ListMarker::Bullet(c) => c.to_string(),
                ListMarker::Ordered(o) => o.to_string(),
            };
            format!("{} {}", escape(&m), inlines_html(content))
        }
        BlockKind::FootnoteDef { label, content } => {
            format!("<sup>{}</sup> {}", escape(label), inlines_html(content))
        }
        BlockKind::Table { header, rows } => {
            let mut s = String::from("<table class=\"doc\">");
            for (i, row) in std::iter::once(header).chain(rows.iter()).enumerate() {
                let cell = if i == 0 { "th" } else { "td" };
                s.push_str("<tr>");
                for c in row {
                    s.push_str(&format!("<{cell}>{}</{cell}>", inlines_html(c)));
                }
                s.push_str("</tr>");
            }
            s.push_str("</table>");
            s
        }
        // Only here is the compared text needed: it is built, not borrowed.
        BlockKind::Code { .. } | BlockKind::Rule => escape(&diff.text_of(b)),
    }
}

/// Replaces the escaped `[^label]: ` that starts a footnote definition's
/// plain text with the label as a superscript.
fn footnote_def_head(b: &Block, html: String) -> String {
    if let BlockKind::FootnoteDef { label, .. } = &b.kind {
        // After `link_footnote_refs`, the head is already a link.
        let linked = format!(
            "<sup class=\"fnref\"><a href=\"#fn-{0}\">{0}</a></sup>: ",
            escape(label)
        );
        if let Some(rest) = html.strip_prefix(&linked) {
            return format!("<sup>{}</sup> {rest}", escape(label));
        }
    }
    html
}

/// The side-by-side row's class for a footnote definition.
fn side_class(b: &Block) -> &'static str {
    if matches!(b.kind, BlockKind::FootnoteDef { .. }) {
        " k-footnote"
    } else {
        ""
    }
}

/// The `id` a footnote definition carries so references can link to it.
fn push_footnote_id(s: &mut String, b: &Block) {
    if let BlockKind::FootnoteDef { label, .. } = &b.kind {
        s.push_str(" id=\"fn-");
        escape_into(s, label);
        s.push('"');
    }
}

fn marked(text: &str, tag: &str) -> String {
    let mut s = String::new();
    push_marked(&mut s, text, tag);
    s
}

/// [`marked`], appended.
fn push_marked(s: &mut String, text: &str, tag: &str) {
    let start = s.len();
    push_linked(s, text);
    // Nothing left once escaped (control characters only): no mark.
    if !tag.is_empty() && s.len() > start {
        s.insert(start, '>');
        s.insert_str(start, tag);
        s.insert(start, '<');
        s.push_str("</");
        s.push_str(tag);
        s.push('>');
    }
}

fn table_of(rows: &[Vec<String>], tag: &str, class: &str) -> String {
    let mut s = String::new();
    push_table_of(&mut s, rows, tag, class);
    s
}

/// [`table_of`], appended: a table added or removed whole is built a cell
/// at a time, each escaped and marked in place, not formatted.
fn push_table_of(s: &mut String, rows: &[Vec<String>], tag: &str, class: &str) {
    s.push_str("<table class=\"doc");
    s.push_str(class);
    s.push_str("\">");
    for (i, row) in rows.iter().enumerate() {
        let cell = if i == 0 { "th" } else { "td" };
        s.push_str("<tr>");
        for c in row {
            s.push('<');
            s.push_str(cell);
            s.push('>');
            push_marked(s, c, tag);
            s.push_str("</");
            s.push_str(cell);
            s.push('>');
        }
        s.push_str("</tr>");
    }
    s.push_str("</table>");
}

/// A changed table as the diff pairs its rows: a table with per-cell marks,
/// both sides (`side` is `None`) or one side; the whole old table struck
/// and the new one underlined when the columns changed.
fn table_redline(
    change: &TableChange,
    old_block: &Block,
    new_block: &Block,
    side: Option<Side>,
    whitespace: bool,
) -> Option<String> {
    let old = table_cells(old_block, whitespace)?;
    let new = table_cells(new_block, whitespace)?;
    let rows = match change {
        TableChange::Reshaped => {
            return Some(match side {
                None => format!(
                    "{}{}",
                    table_of(&old, "del", " gone"),
                    table_of(&new, "ins", "")
                ),
                Some(Side::Old) => table_of(&old, "del", ""),
                Some(Side::New) => table_of(&new, "ins", ""),
            });
        }
        TableChange::Rows(rows) => rows,
    };
    let mut s = String::from("<table class=\"doc\">");
    for row in rows {
        let header = row.from() == Some(0) || row.to() == Some(0);
        let (class, cells): (&str, Vec<String>) = match row {
            RowChange::Same { to, .. } => ("", new[*to].iter().map(|c| marked(c, "")).collect()),
            RowChange::Edited { cells, .. } => (
                " class=\"row-chg\"",
                cells.iter().map(|ops| ops_rich(ops, side)).collect(),
            ),
            RowChange::Removed { from } => {
                if side == Some(Side::New) {
                    continue;
                }
                (
                    " class=\"row-del\"",
                    old[*from].iter().map(|c| marked(c, "del")).collect(),
                )
            }
            RowChange::Added { to } => {
                if side == Some(Side::Old) {
                    continue;
                }
                (
                    " class=\"row-ins\"",
                    new[*to].iter().map(|c| marked(c, "ins")).collect(),
                )
            }
        };
        let cell = if header { "th" } else { "td" };
        s.push_str(&format!("<tr{class}>"));
        for c in cells {
            s.push_str(&format!("<{cell}>{c}</{cell}>"));
        }
        s.push_str("</tr>");
    }
    s.push_str("</table>");
    Some(s)
}

/// A block's whole text, all inserted or all deleted (`tag`), as a table
/// when it is one.
fn whole_marked(b: &Block, text: &str, tag: &str, whitespace: bool) -> String {
    let mut s = String::with_capacity(text.len() + 16);
    push_whole_marked(&mut s, b, text, tag, whitespace);
    s
}

/// `text` escaped, its footnote references made links, appended. The rare
/// text that may hold a reference takes the long way: any with a "[", since
/// escaping drops control characters and "[\u{1}^1]" is a reference once
/// escaped.
fn push_linked(s: &mut String, text: &str) {
    if memchr::memchr(b'[', text.as_bytes()).is_some() {
        s.push_str(&link_footnote_refs(escape(text)));
    } else {
        escape_into(s, text);
    }
}

/// A whole block's text in one mark (`ins`, `del`, or none), appended.
fn push_whole_marked(s: &mut String, b: &Block, text: &str, tag: &str, whitespace: bool) {
    if let Some(cells) = table_cells(b, whitespace) {
        return push_table_of(s, &cells, tag, "");
    }
    if !tag.is_empty() {
        s.push('<');
        s.push_str(tag);
        s.push('>');
    }
    // A footnote definition's label becomes a superscript.
    if matches!(b.kind, BlockKind::FootnoteDef { .. }) {
        s.push_str(&footnote_def_head(b, link_footnote_refs(escape(text))));
    } else {
        push_linked(s, text);
    }
    if !tag.is_empty() {
        s.push_str("</");
        s.push_str(tag);
        s.push('>');
    }
}

/// A changed or moved block as HTML for one side or both.
fn push_changed(
    s: &mut String,
    diff: &DraftDiff,
    change: &BlockChange,
    old_block: &Block,
    new_block: &Block,
    side: Option<Side>,
) {
    let shown = if side == Some(Side::Old) {
        old_block
    } else {
        new_block
    };
    let ops = change.ops().unwrap_or_default();
    // Only the emphasis changed: each side as it is styled shows how.
    if !ops.iter().any(WordOp::is_change) {
        return s.push_str(&block_rich(shown, diff));
    }
    if let Some(table) = change.table()
        && let Some(t) = table_redline(table, old_block, new_block, side, diff.whitespace)
    {
        return s.push_str(&t);
    }
    if matches!(shown.kind, BlockKind::FootnoteDef { .. }) {
        return s.push_str(&footnote_def_head(shown, ops_rich(ops, side)));
    }
    push_ops_rich(s, ops, side);
}

#[cfg(test)]
mod tests {
    use super::{escape, link_footnote_refs, path_display, push_marked, push_path, safe_link};

    /// The path written a piece at a time is the path shown, escaped whole:
    /// numbered sections, unnumbered paragraphs, footnotes whose labels hold
    /// every character HTML escapes or drops, and a block with no path.
    #[test]
    fn a_path_is_written_as_it_is_shown_escaped() {
        let text = "---\nkind: nghi-quyet\nissuer:\n  name: X\ntitle: t\n---\n\n\
            Lời mở đầu.\n\n\
            # Phần I. A & B <c> \"d\" 'e'\n\nMột đoạn[^n1].\n\n\
            ## I. x\u{7f}y\u{85}z\u{1b}[31m\n\nHai.\n\nBa.\n\n\
            ### 1. ¶ và > và &amp;\n\n- Một ý.\n\n\
            [^n1]: Chú thích <1> & 'hai'.\n\n\
            Ba[^a&'<b>\"].\n\n\
            [^a&'<b>\"]: Nhãn lạ.\n\n\
            Bốn[^c\u{7f}d\u{85}e].\n\n\
            [^c\u{7f}d\u{85}e]: Nhãn có ký tự điều khiển.\n";
        let draft = duthao_model::reader::read(text, std::path::Path::new("t.md")).unwrap();
        let mut blocks = draft.body.blocks.clone();
        let mut pathless = blocks[0].clone();
        pathless.path = Default::default();
        blocks.push(pathless);
        assert!(blocks.len() >= 9, "{}", blocks.len());
        for b in &blocks {
            let mut s = String::from("<b>");
            push_path(&mut s, b);
            assert_eq!(
                s,
                format!("<b>{}", escape(&path_display(b))),
                "{:?}",
                b.path
            );
        }
    }

    #[test]
    fn escape_is_the_character_rule() {
        // The rule, a character at a time.
        fn reference(text: &str) -> String {
            let mut s = String::new();
            for c in text.chars() {
                match c {
                    '&' => s.push_str("&amp;"),
                    '<' => s.push_str("&lt;"),
                    '>' => s.push_str("&gt;"),
                    '"' => s.push_str("&quot;"),
                    '\'' => s.push_str("&#39;"),
                    '\t' | '\n' | '\r' => s.push(c),
                    c if c.is_control() => {}
                    _ => s.push(c),
                }
            }
            s
        }
        let pieces = [
            "Nghị quyết",
            " ",
            "&",
            "<b>",
            "\"",
            "'",
            "\t",
            "\n",
            "\r",
            "\u{0}",
            "\u{1b}[31m",
            "\u{7f}",
            "\u{85}",
            "\u{9f}",
            "\u{a0}",
            "«»",
            "°",
            "Điều 1.",
            "–",
            "ữ",
        ];
        // Every sequence of up to three pieces, at every alignment.
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for pad in 0..8 {
                        let text = format!("{}{a}{b}{c}", "x".repeat(pad));
                        assert_eq!(escape(&text), reference(&text), "{text:?}");
                    }
                }
            }
        }
    }

    /// A cell marked in place is what the formula it replaced gave: the
    /// escaped text with its footnote links, in the mark unless nothing is
    /// left of it.
    #[test]
    fn a_cell_is_marked_as_before() {
        let reference = |text: &str, tag: &str| {
            let t = link_footnote_refs(escape(text));
            if tag.is_empty() || t.is_empty() {
                t
            } else {
                format!("<{tag}>{t}</{tag}>")
            }
        };
        let pieces = [
            "",
            "a",
            " ",
            "\u{1}",
            "[^1]",
            "[",
            "^",
            "]",
            "<&>\"",
            "Điều 5",
            "\u{85}",
            "[^x y]",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let text = format!("{a}{b}{c}");
                    for tag in ["", "ins", "del"] {
                        let mut s = String::from("before");
                        push_marked(&mut s, &text, tag);
                        assert_eq!(
                            s,
                            format!("before{}", reference(&text, tag)),
                            "{text:?} {tag}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_change_is_named_alike_in_a_sentence() {
        use duthao_diff::BlockChange;
        for c in [
            BlockChange::Unchanged { from: 0, to: 0 },
            BlockChange::Added { to: 0 },
            BlockChange::Removed { from: 0 },
            BlockChange::Changed {
                from: 0,
                to: 0,
                ops: vec![],
                table: None,
            },
            BlockChange::Moved {
                from: 0,
                to: 0,
                ops: vec![],
                table: None,
            },
        ] {
            assert_eq!(
                super::change_word(&c),
                super::change_name(&c).to_lowercase()
            );
        }
    }

    #[test]
    fn only_web_mail_and_relative_links_are_live() {
        for ok in [
            "https://x.vn/a",
            "mailto:a@b.vn",
            "#fn-1",
            "tai-lieu.md",
            "a/b:c",
        ] {
            assert!(safe_link(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JavaScript:x",
            "data:text/html,x",
            "vbscript:x",
        ] {
            assert!(!safe_link(bad), "{bad}");
        }
    }
}
