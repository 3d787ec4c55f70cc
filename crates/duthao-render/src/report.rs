//! The synthesis table (Bản tổng hợp ý kiến, tiếp thu, giải trình ý kiến
//! góp ý) as Markdown and as one self-contained HTML page: the official
//! header, the title, the opening figures, then one row per comment with
//! the drafter's answer; a comment still without one stands out.

use std::io::{self, Write};

use super::html::escape;
use duthao_review::{
    GENERAL, HeaderKind, REPORT_COLUMNS, REPORT_TITLE, ReportContext, Row, Synthesis, UNANSWERED,
};

/// How a proposed wording is introduced.
const PROPOSAL: &str = "Đề nghị sửa thành:";

/// Text for Markdown: the characters that would start markup (emphasis,
/// links, code, HTML, strikethrough, a table cell's end) escaped with a
/// backslash, every line break as `<br>` (a table row is one line), tabs
/// as spaces, control characters dropped.
pub fn markdown_escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + text.len() / 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '|' | '~' | '&' | '#' => {
                s.push('\\');
                s.push(c);
            }
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                s.push_str("<br>");
            }
            '\n' | '\u{2028}' | '\u{2029}' => s.push_str("<br>"),
            '\t' => s.push(' '),
            c if c.is_control() => {}
            _ => s.push(c),
        }
    }
    s
}

/// HTML element content with every line break as `<br>`.
fn html_lines(text: &str) -> String {
    escape(text)
        .replace("\r\n", "\n")
        .replace(['\r', '\u{2028}', '\u{2029}'], "\n")
        .replace('\n', "<br>")
}

/// The location column's text: the path, or "Ý kiến chung".
fn location(row: &Row) -> &str {
    row.location
        .as_deref()
        .filter(|l| !l.trim().is_empty())
        .unwrap_or(GENERAL)
}

/// Writes the synthesis as Markdown (GitHub tables).
pub fn markdown(out: &mut impl Write, s: &Synthesis, context: &ReportContext) -> io::Result<()> {
    let e = markdown_escape;
    // The header: issuing body at left, the motto at right; the date under it.
    let mut left = String::new();
    if let Some(p) = context.parent.as_deref().filter(|p| !p.trim().is_empty()) {
        left.push_str(&e(&p.to_uppercase()));
        left.push_str("<br>");
    }
    left.push_str(&format!("**{}**", e(&context.issuer.to_uppercase())));
    let right: Vec<String> = context
        .header
        .motto()
        .iter()
        .map(|m| format!("**{}**", e(m)))
        .collect();
    writeln!(out, "| {left} | {} |", right.join("<br>"))?;
    writeln!(out, "|:---:|:---:|")?;
    writeln!(out, "| | *{}* |\n", e(&context.date_line()))?;
    writeln!(out, "## {}\n", e(REPORT_TITLE))?;
    writeln!(out, "**{}**\n", e(&context.subject_line()))?;
    if !context.version_label.trim().is_empty() {
        writeln!(out, "*({})*\n", e(context.version_label.trim()))?;
    }
    for p in s.opening(context) {
        writeln!(out, "{}\n", e(&p))?;
    }
    writeln!(out, "| {} |", REPORT_COLUMNS.join(" | "))?;
    writeln!(out, "|---:|---|---|---|---|")?;
    for row in &s.rows {
        let mut loc = e(location(row));
        if row.location.is_some() {
            loc = format!("**{loc}**");
        }
        if let Some(q) = row.quote.as_deref().filter(|q| !q.trim().is_empty()) {
            loc.push_str(&format!("<br>*“{}”*", e(q)));
        }
        let mut body = e(&row.body);
        if !row.level.trim().is_empty() {
            body.push_str(&format!("<br>({})", e(&row.level)));
        }
        if let Some(src) = row.source.as_deref().filter(|x| !x.trim().is_empty()) {
            body.push_str(&format!("<br>*{}*", e(src)));
        }
        let mut text = e(&row.text);
        if let Some(p) = row.proposal.as_deref().filter(|p| !p.trim().is_empty()) {
            text.push_str(&format!("<br>{PROPOSAL} “{}”", e(p)));
        }
        let answer = match row.decision {
            Some(d) => {
                let mut a = format!("**{}**", d.name_vi());
                if let Some(r) = row.response.as_deref().filter(|r| !r.trim().is_empty()) {
                    a.push_str(": ");
                    a.push_str(&e(r));
                }
                a
            }
            None => format!("**{UNANSWERED}**"),
        };
        writeln!(
            out,
            "| {} | {loc} | {body} | {text} | {answer} |",
            row.number
        )?;
    }
    if let Some(sig) = &context.signer {
        writeln!(out)?;
        for (line, upper) in [
            (&sig.authority, true),
            (&sig.title, true),
            (&sig.name, false),
        ] {
            let line = line.trim();
            if !line.is_empty() {
                let t = if upper {
                    line.to_uppercase()
                } else {
                    line.to_string()
                };
                writeln!(out, "**{}**  ", e(&t))?;
            }
        }
    }
    Ok(())
}

const CSS: &str = r#"
@page { size: A4 landscape; margin: 20mm 15mm 20mm 25mm; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", "Noto Serif", serif; font-size: 14px; line-height: 1.4; color: #111; background: #fff; }
.page { max-width: 1400px; margin: 0 auto; padding: 24px 32px 48px; }
table.head { width: 100%; border-collapse: collapse; margin-bottom: 12px; }
table.head td { width: 50%; text-align: center; vertical-align: top; padding: 0 4px; }
.issuer { font-weight: bold; text-transform: none; }
.motto { font-weight: bold; }
.rule { width: 30%; margin: 3px auto 0; border-top: 1px solid #000; }
.date { font-style: italic; margin-top: 8px; }
h1 { font-size: 1.25em; text-align: center; margin: 16px 0 2px; }
.subject { text-align: center; font-weight: bold; margin: 0; }
.version { text-align: center; font-style: italic; margin: 2px 0 14px; }
.opening p { text-indent: 2em; text-align: justify; margin: 4px 0; }
table.synthesis { width: 100%; border-collapse: collapse; table-layout: fixed; margin-top: 12px; }
table.synthesis th, table.synthesis td { border: 1px solid #000; padding: 4px 6px; vertical-align: top; text-align: left; overflow-wrap: anywhere; }
table.synthesis th { text-align: center; font-weight: bold; background: #f0f2f5; }
table.synthesis col.n { width: 5%; } table.synthesis col.loc { width: 15%; } table.synthesis col.by { width: 15%; }
table.synthesis col.text { width: 35%; } table.synthesis col.ans { width: 30%; }
table.synthesis td.n { text-align: center; }
.quote { font-style: italic; }
.source, .level { color: #444; font-size: .92em; }
.proposal { margin-top: 4px; }
tr.open > td { background: #fff2cc; }
.unanswered { display: inline-block; font-weight: bold; color: #7a1010; background: #ffd966; padding: 0 4px; }
.signer { margin: 24px 0 0 auto; width: 40%; text-align: center; font-weight: bold; }
.signer .name { margin-top: 64px; }
@media print {
  .page { max-width: none; padding: 0; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  tr.open > td, .unanswered, table.synthesis th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// Writes the synthesis as one self-contained HTML page (no script, no
/// network), for the screen and for printing on landscape A4.
pub fn html(out: &mut impl Write, s: &Synthesis, context: &ReportContext) -> io::Result<()> {
    let subject = escape(&context.subject_line());
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} {subject}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<div class=\"page\">\n",
        escape(REPORT_TITLE)
    )?;
    // The header.
    write!(out, "<table class=\"head\"><tr><td>")?;
    if let Some(p) = context.parent.as_deref().filter(|p| !p.trim().is_empty()) {
        write!(
            out,
            "<div class=\"parent\">{}</div>",
            html_lines(&p.to_uppercase())
        )?;
    }
    write!(
        out,
        "<div class=\"issuer\">{}</div>{}</td><td>",
        html_lines(&context.issuer.to_uppercase()),
        match context.header {
            HeaderKind::Party => "<div>*</div>",
            HeaderKind::State => "<div class=\"rule\"></div>",
        }
    )?;
    for m in context.header.motto() {
        write!(out, "<div class=\"motto\">{}</div>", escape(m))?;
    }
    if context.header == HeaderKind::State {
        write!(out, "<div class=\"rule\"></div>")?;
    }
    writeln!(
        out,
        "<div class=\"date\">{}</div></td></tr></table>",
        escape(&context.date_line())
    )?;
    writeln!(
        out,
        "<h1>{}</h1>\n<p class=\"subject\">{subject}</p>",
        escape(REPORT_TITLE)
    )?;
    if !context.version_label.trim().is_empty() {
        writeln!(
            out,
            "<p class=\"version\">({})</p>",
            escape(context.version_label.trim())
        )?;
    }
    writeln!(out, "<section class=\"opening\">")?;
    for p in s.opening(context) {
        writeln!(out, "<p>{}</p>", html_lines(&p))?;
    }
    writeln!(out, "</section>")?;
    writeln!(
        out,
        "<table class=\"synthesis\"><colgroup><col class=\"n\"><col class=\"loc\"><col class=\"by\"><col class=\"text\"><col class=\"ans\"></colgroup>"
    )?;
    write!(out, "<thead><tr>")?;
    for h in REPORT_COLUMNS {
        write!(out, "<th>{}</th>", escape(h))?;
    }
    writeln!(out, "</tr></thead>\n<tbody>")?;
    for row in &s.rows {
        let open = row.decision.is_none();
        write!(
            out,
            "<tr id=\"c-{}\"{}><td class=\"n\">{}</td><td>",
            escape(&row.id),
            if open { " class=\"open\"" } else { "" },
            row.number
        )?;
        if row.location.is_some() {
            write!(out, "<b>{}</b>", html_lines(location(row)))?;
        } else {
            write!(out, "{}", escape(GENERAL))?;
        }
        if let Some(q) = row.quote.as_deref().filter(|q| !q.trim().is_empty()) {
            write!(out, "<div class=\"quote\">“{}”</div>", html_lines(q))?;
        }
        write!(out, "</td><td>{}", html_lines(&row.body))?;
        if !row.level.trim().is_empty() {
            write!(
                out,
                "<div class=\"level\">({})</div>",
                html_lines(&row.level)
            )?;
        }
        if let Some(src) = row.source.as_deref().filter(|x| !x.trim().is_empty()) {
            write!(out, "<div class=\"source\">{}</div>", html_lines(src))?;
        }
        write!(out, "</td><td>{}", html_lines(&row.text))?;
        if let Some(p) = row.proposal.as_deref().filter(|p| !p.trim().is_empty()) {
            write!(
                out,
                "<div class=\"proposal\"><i>{PROPOSAL}</i> “{}”</div>",
                html_lines(p)
            )?;
        }
        write!(out, "</td><td>")?;
        match row.decision {
            Some(d) => {
                write!(out, "<b>{}</b>", d.name_vi())?;
                if let Some(r) = row.response.as_deref().filter(|r| !r.trim().is_empty()) {
                    write!(out, ": {}", html_lines(r))?;
                }
            }
            None => write!(out, "<span class=\"unanswered\">{UNANSWERED}</span>")?,
        }
        writeln!(out, "</td></tr>")?;
    }
    writeln!(out, "</tbody></table>")?;
    if let Some(sig) = &context.signer {
        write!(out, "<div class=\"signer\">")?;
        for (class, line) in [
            ("authority", &sig.authority),
            ("title", &sig.title),
            ("name", &sig.name),
        ] {
            if !line.trim().is_empty() {
                write!(
                    out,
                    "<div class=\"{class}\">{}</div>",
                    html_lines(line.trim())
                )?;
            }
        }
        writeln!(out, "</div>")?;
    }
    writeln!(out, "</div>\n</body>\n</html>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use duthao_review::*;

    fn stamp(s: i64) -> Stamp {
        Stamp(time::OffsetDateTime::from_unix_timestamp(1_790_000_000 + s).expect("time"))
    }

    fn person() -> Person {
        Person {
            name: "Nguyễn Văn B".into(),
            email: "b@example.vn".into(),
        }
    }

    fn comment(n: i64, body: &str, at: Option<(&str, usize)>, text: &str) -> Comment {
        Comment {
            id: EventId::new(stamp(n).unix_millis()),
            draft: "x".into(),
            version: 2,
            level: "co-so".into(),
            body: body.into(),
            author: person(),
            time: stamp(n),
            anchor: at.map(|(path, block)| Anchor {
                path: path.into(),
                block,
                fingerprint: "f".into(),
                quote: Some(Quote {
                    text: "đến năm 2025".into(),
                    start: 0,
                    end: 3,
                }),
            }),
            text: text.into(),
            proposal: Some("đến năm 2030".into()),
            source: Source::typed(),
        }
    }

    fn respond(n: i64, c: &Comment, d: Decision, text: &str) -> Event {
        Event::Response(Response {
            id: EventId::new(stamp(n).unix_millis()),
            comment: c.id.clone(),
            author: person(),
            time: stamp(n),
            decision: d,
            text: Some(text.into()),
            supersedes: None,
        })
    }

    /// Three bodies asked; one comments three times (one answered, one
    /// explained, one open), one agrees, one is silent.
    fn sample() -> (Synthesis, ReportContext) {
        let a = comment(
            1,
            "Đảng ủy xã Phú Lương",
            Some(("II > 2 > b)", 7)),
            "Làm rõ | chỉ tiêu\ndòng 2 <b>x</b> \u{1b}[31m",
        );
        let b = comment(2, "Đảng ủy xã Phú Lương", None, "Bố cục chung");
        let c = comment(
            3,
            "Đảng ủy xã Phú Lương",
            Some(("I > 1", 3)),
            "Bổ sung số liệu",
        );
        let agree = Event::Agreement(Agreement {
            id: EventId::new(stamp(4).unix_millis()),
            draft: "x".into(),
            version: 2,
            level: "co-so".into(),
            body: "Chi bộ Văn phòng".into(),
            author: person(),
            time: stamp(4),
            source: Source::typed(),
        });
        let events = vec![
            respond(10, &a, Decision::Accept, "Đã sửa | theo ý kiến"),
            respond(11, &b, Decision::Explain, "Giữ như dự thảo"),
            Event::Comment(a),
            Event::Comment(b),
            Event::Comment(c),
            agree,
        ];
        let review = Review::fold(events, Vec::new());
        let levels = [LevelInfo {
            id: "co-so".into(),
            name: "Cấp cơ sở".into(),
        }];
        let bodies: Vec<BodyInfo> = ["Đảng ủy xã Phú Lương", "Chi bộ Văn phòng", "Ban Tổ chức"]
            .iter()
            .map(|n| BodyInfo {
                name: n.to_string(),
                level: "co-so".into(),
            })
            .collect();
        let s = Synthesis::of(
            &review,
            "x",
            2,
            Roster {
                levels: &levels,
                bodies: &bodies,
            },
        );
        let ctx = ReportContext {
            parent: Some("Đảng bộ tỉnh Thái Nguyên".into()),
            issuer: "Tỉnh ủy Thái Nguyên".into(),
            drafter: Some("Ban Tổ chức Tỉnh ủy".into()),
            place: "Thái Nguyên".into(),
            date: time::macros::date!(2026 - 02 - 05),
            kind_name: "nghị quyết".into(),
            title: "về công tác xây dựng Đảng".into(),
            version_label: "Dự thảo lần 2".into(),
            header: HeaderKind::Party,
            signer: Some(ReportSigner {
                authority: "T/M cơ quan soạn thảo".into(),
                title: "Trưởng ban".into(),
                name: "Nguyễn Văn A".into(),
            }),
        };
        (s, ctx)
    }

    fn md() -> String {
        let (s, ctx) = sample();
        let mut out = Vec::new();
        markdown(&mut out, &s, &ctx).expect("writes");
        String::from_utf8(out).expect("utf-8")
    }

    fn page() -> String {
        let (s, ctx) = sample();
        let mut out = Vec::new();
        html(&mut out, &s, &ctx).expect("writes");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn markdown_escape_keeps_a_row_on_one_line() {
        assert_eq!(markdown_escape("a|b"), "a\\|b");
        assert_eq!(markdown_escape("x\r\ny\rz\nw"), "x<br>y<br>z<br>w");
        assert_eq!(markdown_escape("<b>*x*</b>"), "\\<b>\\*x\\*\\</b>");
        assert_eq!(markdown_escape("a\u{1b}[2J\u{7}\u{9b}b"), "a\\[2Jb");
        assert_eq!(markdown_escape("Điều 1 — “x”"), "Điều 1 — “x”");
    }

    #[test]
    fn the_opening_counts_bodies_and_comments_and_names_the_silent() {
        let (s, ctx) = sample();
        let text = s.opening(&ctx).join("\n");
        assert!(text.contains("đã xin ý kiến 3 cơ quan, đơn vị"), "{text}");
        assert!(
            text.contains("nhận được ý kiến của 2 cơ quan, đơn vị"),
            "{text}"
        );
        assert!(
            text.contains("trong đó 1 cơ quan, đơn vị thống nhất"),
            "{text}"
        );
        assert!(
            text.contains("1 cơ quan, đơn vị chưa có ý kiến: Ban Tổ chức."),
            "{text}"
        );
        assert!(
            text.contains("Tổng số có 3 ý kiến góp ý, trong đó: tiếp thu 1 ý kiến; tiếp thu một phần 0 ý kiến; giải trình 1 ý kiến; chưa trả lời 1 ý kiến."),
            "{text}"
        );
        assert!(text.contains(
            "dự thảo nghị quyết về công tác xây dựng Đảng (Dự thảo lần 2), Ban Tổ chức Tỉnh ủy"
        ));
        assert_eq!(ctx.date_line(), "Thái Nguyên, ngày 05 tháng 02 năm 2026");
    }

    #[test]
    fn markdown_rows_are_in_order_escaped_and_the_open_one_is_bold() {
        let text = md();
        let rows: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("| 1 ") || l.starts_with("| 2 ") || l.starts_with("| 3 "))
            .collect();
        assert_eq!(rows.len(), 3, "{text}");
        // General comment first, then in document order.
        assert!(rows[0].contains("| Ý kiến chung |"), "{}", rows[0]);
        assert!(rows[1].contains("**I > 1**"), "{}", rows[1]);
        assert!(
            rows[2].contains("**II > 2 > b)**<br>*“đến năm 2025”*"),
            "{}",
            rows[2]
        );
        assert!(rows[1].ends_with("| **CHƯA TRẢ LỜI** |"), "{}", rows[1]);
        assert!(rows[0].contains("| **Giải trình**: Giữ như dự thảo |"));
        assert!(
            rows[2].contains("Làm rõ \\| chỉ tiêu<br>dòng 2 \\<b>x\\</b> \\[31m"),
            "{}",
            rows[2]
        );
        assert!(rows[2].contains("Đề nghị sửa thành: “đến năm 2030”"));
        assert!(rows[2].contains("**Tiếp thu**: Đã sửa \\| theo ý kiến |"));
        for r in &rows {
            // Five cells: six unescaped bars.
            let bars = r
                .match_indices('|')
                .filter(|(i, _)| r.as_bytes().get(i.wrapping_sub(1)) != Some(&b'\\'))
                .count();
            assert_eq!(bars, 6, "{r}");
        }
        assert!(!text.contains('\u{1b}'));
        assert!(text.contains(
            "| ĐẢNG BỘ TỈNH THÁI NGUYÊN<br>**TỈNH ỦY THÁI NGUYÊN** | **ĐẢNG CỘNG SẢN VIỆT NAM** |"
        ));
        assert!(text.contains("## BẢN TỔNG HỢP Ý KIẾN, TIẾP THU, GIẢI TRÌNH Ý KIẾN GÓP Ý"));
        assert!(text.contains("**T/M CƠ QUAN SOẠN THẢO**"));
    }

    #[test]
    fn html_escapes_drops_controls_and_marks_the_open_row() {
        let text = page();
        assert!(text.contains("@page { size: A4 landscape"));
        assert!(
            text.contains("Làm rõ | chỉ tiêu<br>dòng 2 &lt;b&gt;x&lt;/b&gt; [31m"),
            "{text}"
        );
        assert!(!text.contains('\u{1b}'));
        assert!(!text.contains("<b>x</b>"));
        assert_eq!(text.matches("<tr id=").count(), 3);
        assert_eq!(text.matches("class=\"open\"").count(), 1);
        assert!(text.contains("<span class=\"unanswered\">CHƯA TRẢ LỜI</span>"));
        let general = text.find("Ý kiến chung</td>").expect("general");
        let first = text.find("<b>I &gt; 1</b>").expect("I > 1");
        let second = text.find("<b>II &gt; 2 &gt; b)</b>").expect("II > 2 > b)");
        assert!(general < first && first < second);
        for h in REPORT_COLUMNS {
            assert!(text.contains(&format!("<th>{}</th>", escape(h))));
        }
        assert!(text.contains("<div class=\"motto\">ĐẢNG CỘNG SẢN VIỆT NAM</div>"));
    }

    #[test]
    fn a_state_page_has_the_state_motto() {
        let (s, mut ctx) = sample();
        ctx.header = HeaderKind::State;
        let mut out = Vec::new();
        html(&mut out, &s, &ctx).expect("writes");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
        assert!(text.contains("Độc lập - Tự do - Hạnh phúc"));
        assert!(!text.contains("ĐẢNG CỘNG SẢN"));
    }
}
