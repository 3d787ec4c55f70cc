//! The redline as one self-contained HTML page for reviewers: Vietnamese,
//! no network, no script needed (the view switch is pure CSS), prints well.

use std::io::{self, Write};

use super::{Labels, path_display, section_of, stat};
use crate::diff::{BlockChange, DiffOptions, DraftDiff, Side, WordOp, apply, diff_texts};
use crate::model::{Block, Draft};

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + text.len() / 16);
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            _ => s.push(c),
        }
    }
    s
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

fn block_class(b: &Block) -> String {
    match &b.kind {
        crate::model::BlockKind::Heading { level, .. } => format!("k-heading h{level}"),
        _ => format!("k-{}", b.kind_tag()),
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
table.sbs th { background: #f0f2f5; text-align: left; padding: 6px 8px; border: 1px solid var(--rule); }
table.sbs td { vertical-align: top; padding: 6px 8px; border: 1px solid var(--rule); white-space: pre-wrap; overflow-wrap: anywhere; }
table.sbs tr.same td { color: #444; }
table.sbs tr.chg td { background: #fffbea; }
table.sbs tr.add td:last-child { background: var(--ins-bg); }
table.sbs tr.rem td:first-child { background: var(--del-bg); }
table.sbs tr.mv td, table.sbs tr.mv-from td { background: var(--mv-bg); }
table.sbs td.empty { background: #fafafa; }
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
            let (old, new) = match (&c.old, &c.new) {
                (Some(a), Some(b)) if a.contains(' ') && b.contains(' ') => {
                    let ops = diff_texts(a, b, &DiffOptions::default());
                    (
                        ops_html(&ops, Some(Side::Old)),
                        ops_html(&ops, Some(Side::New)),
                    )
                }
                (a, b) => (
                    a.as_deref().map_or("<i>(trống)</i>".to_string(), |v| {
                        format!("<del>{}</del>", escape(v))
                    }),
                    b.as_deref().map_or("<i>(trống)</i>".to_string(), |v| {
                        format!("<ins>{}</ins>", escape(v))
                    }),
                ),
            };
            writeln!(
                out,
                "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
                field_name(&c.key),
                old.replace('\n', "<br>"),
                new.replace('\n', "<br>")
            )?;
        }
        writeln!(out, "</tbody></table>\n</section>")?;
    }

    write_contents(out, diff, from, to, &st)?;

    // Inline view.
    writeln!(
        out,
        "<main>\n<section id=\"inline\">\n<h2>Bản so sánh lồng ghép</h2>"
    )?;
    let departures = diff.departures();
    let mut dep = departures.iter().peekable();
    for (pos, change) in diff.blocks.iter().enumerate() {
        while let Some(&&(p, moved)) = dep.peek() {
            if p > pos {
                break;
            }
            dep.next();
            inline_departure(out, diff, moved, from, to)?;
        }
        inline_block(out, diff, pos, change, from, to)?;
    }
    for &(_, moved) in dep {
        inline_departure(out, diff, moved, from, to)?;
    }
    writeln!(out, "</section>")?;

    // Side-by-side view.
    writeln!(
        out,
        "<section id=\"side\">\n<h2>Bản so sánh song song</h2>\n<table class=\"sbs\">\
         <thead><tr><th>{lf}</th><th>{lt}</th></tr></thead><tbody>"
    )?;
    let mut dep = departures.iter().peekable();
    for (pos, change) in diff.blocks.iter().enumerate() {
        while let Some(&&(p, moved)) = dep.peek() {
            if p > pos {
                break;
            }
            dep.next();
            side_departure(out, diff, moved, from, to)?;
        }
        side_row(out, diff, pos, change, from, to)?;
    }
    for &(_, moved) in dep {
        side_departure(out, diff, moved, from, to)?;
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
    for s in &st.sections {
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
        for (pos, change) in diff.blocks.iter().enumerate() {
            let block = match change {
                BlockChange::Unchanged { .. } => continue,
                BlockChange::Removed { from: f } => &from.body.blocks[*f],
                other => match other.to() {
                    Some(t) => &to.body.blocks[t],
                    None => continue,
                },
            };
            if section_of(&block.path) != s.section {
                continue;
            }
            writeln!(
                out,
                "<li><a href=\"#c-{pos}\">{}</a> <span class=\"count\">{}</span></li>",
                escape(&path_display(block)),
                change_name(change).to_lowercase()
            )?;
        }
        writeln!(out, "</ol></li>")?;
    }
    writeln!(out, "</ol>\n</nav>")
}

fn tag_line(change: &BlockChange, from: &Draft, to: &Draft, pos: usize) -> String {
    match change {
        BlockChange::Moved {
            from: f,
            to: t,
            ops,
        } => format!(
            "<b>{}</b> · Di chuyển từ <a href=\"#d-{pos}\">{}</a>{}",
            escape(&path_display(&to.body.blocks[*t])),
            escape(&path_display(&from.body.blocks[*f])),
            if ops.iter().any(WordOp::is_change) {
                ", có sửa đổi"
            } else {
                ""
            }
        ),
        BlockChange::Removed { from: f } => format!(
            "<b>{}</b> · Lược bỏ",
            escape(&path_display(&from.body.blocks[*f]))
        ),
        BlockChange::Changed { from: f, to: t, .. } => {
            let (fb, tb) = (&from.body.blocks[*f], &to.body.blocks[*t]);
            let kind = if fb.kind_tag() != tb.kind_tag() {
                format!(
                    " (đổi {} thành {})",
                    kind_name(fb.kind_tag()),
                    kind_name(tb.kind_tag())
                )
            } else {
                String::new()
            };
            format!("<b>{}</b> · Sửa đổi{kind}", escape(&path_display(tb)))
        }
        other => format!(
            "<b>{}</b> · {}",
            other
                .to()
                .map(|t| escape(&path_display(&to.body.blocks[t])))
                .unwrap_or_default(),
            change_name(other)
        ),
    }
}

fn inline_block(
    out: &mut impl Write,
    diff: &DraftDiff,
    pos: usize,
    change: &BlockChange,
    from: &Draft,
    to: &Draft,
) -> io::Result<()> {
    let (class, block) = match change {
        BlockChange::Unchanged { to: t, .. } => {
            let b = &to.body.blocks[*t];
            return writeln!(
                out,
                "<div class=\"blk same {}\">{}</div>",
                block_class(b),
                escape(&diff.text_of(b))
            );
        }
        BlockChange::Changed { to: t, .. } => ("chg", &to.body.blocks[*t]),
        BlockChange::Added { to: t } => ("add", &to.body.blocks[*t]),
        BlockChange::Removed { from: f } => ("rem", &from.body.blocks[*f]),
        BlockChange::Moved { to: t, .. } => ("mv", &to.body.blocks[*t]),
    };
    let body = match change {
        BlockChange::Added { .. } => format!("<ins>{}</ins>", escape(&diff.text_of(block))),
        BlockChange::Removed { .. } => format!("<del>{}</del>", escape(&diff.text_of(block))),
        BlockChange::Changed { ops, .. } | BlockChange::Moved { ops, .. } => ops_html(ops, None),
        BlockChange::Unchanged { .. } => String::new(),
    };
    writeln!(
        out,
        "<div class=\"blk {class} {}\" id=\"c-{pos}\"><div class=\"tag\">{}</div>{body}</div>",
        block_class(block),
        tag_line(change, from, to, pos)
    )
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
    } = &diff.blocks[moved]
    {
        let fb = &from.body.blocks[*f];
        writeln!(
            out,
            "<div class=\"blk mv-from {}\" id=\"d-{moved}\"><div class=\"tag\"><b>{}</b> · Đã chuyển đến <a href=\"#c-{moved}\">{}</a></div>{}</div>",
            block_class(fb),
            escape(&path_display(fb)),
            escape(&path_display(&to.body.blocks[*t])),
            escape(&apply(ops, Side::Old))
        )?;
    }
    Ok(())
}

fn side_row(
    out: &mut impl Write,
    diff: &DraftDiff,
    pos: usize,
    change: &BlockChange,
    from: &Draft,
    to: &Draft,
) -> io::Result<()> {
    let empty = "<td class=\"empty\"></td>";
    match change {
        BlockChange::Unchanged { to: t, .. } => {
            let text = escape(&diff.text_of(&to.body.blocks[*t]));
            writeln!(
                out,
                "<tr class=\"same\"><td>{text}</td><td>{text}</td></tr>"
            )
        }
        BlockChange::Changed { ops, .. } => writeln!(
            out,
            "<tr class=\"chg\" id=\"s-{pos}\"><td>{}</td><td><div class=\"tag\">{}</div>{}</td></tr>",
            ops_html(ops, Some(Side::Old)),
            tag_line(change, from, to, pos),
            ops_html(ops, Some(Side::New))
        ),
        BlockChange::Added { to: t } => writeln!(
            out,
            "<tr class=\"add\" id=\"s-{pos}\">{empty}<td><div class=\"tag\">{}</div><ins>{}</ins></td></tr>",
            tag_line(change, from, to, pos),
            escape(&diff.text_of(&to.body.blocks[*t]))
        ),
        BlockChange::Removed { from: f } => writeln!(
            out,
            "<tr class=\"rem\" id=\"s-{pos}\"><td><div class=\"tag\">{}</div><del>{}</del></td>{empty}</tr>",
            tag_line(change, from, to, pos),
            escape(&diff.text_of(&from.body.blocks[*f]))
        ),
        BlockChange::Moved { from: f, ops, .. } => writeln!(
            out,
            "<tr class=\"mv\" id=\"s-{pos}\"><td><div class=\"tag\">(từ {})</div>{}</td><td><div class=\"tag\">{}</div>{}</td></tr>",
            escape(&path_display(&from.body.blocks[*f])),
            ops_html(ops, Some(Side::Old)),
            tag_line(change, from, to, pos).replace("#d-", "#sd-"),
            ops_html(ops, Some(Side::New))
        ),
    }
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
    } = &diff.blocks[moved]
    {
        writeln!(
            out,
            "<tr class=\"mv-from\" id=\"sd-{moved}\"><td><div class=\"tag\"><b>{}</b> · Đã chuyển đến <a href=\"#s-{moved}\">{}</a></div>{}</td><td class=\"empty\"></td></tr>",
            escape(&path_display(&from.body.blocks[*f])),
            escape(&path_display(&to.body.blocks[*t])),
            escape(&apply(ops, Side::Old))
        )?;
    }
    Ok(())
}
