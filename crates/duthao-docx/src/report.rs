//! The synthesis table (Bản tổng hợp ý kiến, tiếp thu, giải trình ý kiến
//! góp ý) on landscape A4: the profile's header table without a number
//! line, the title, the opening figures, the five-column table whose
//! heading row repeats on every page and whose unanswered rows are shaded,
//! then the drafting body's signature block. Rows go to the package as
//! they are written.

use super::package::{Package, Parts, Properties};
use super::props::{
    Border, RunProps, TableProps, Track, open_header_row, open_row, open_shaded_cell,
};
use super::writer::{Look, Writer};
use super::{Body, DocxError, KindInfo, Provenance, page};
use duthao_model::{FrontMatter, Issuer, Signer, Style};
use duthao_profile::layout::{Align, Case, Layout, RuleKind, TextStyle};
use duthao_review::{
    GENERAL, REPORT_COLUMNS, REPORT_TITLE, ReportContext, Row, Synthesis, UNANSWERED,
};

/// The share of the text width each column takes, in per cent: STT, the
/// location, the body, the comment, the answer.
pub(crate) const COLUMN_PCT: [i32; 5] = [6, 15, 15, 34, 30];

/// The fill of an unanswered row's cells (a light amber that prints).
pub(crate) const OPEN_FILL: &str = "FFE699";

/// The colour of "CHƯA TRẢ LỜI".
const OPEN_COLOR: &str = "9C0006";

/// Column widths in twips summing to `total`: the last column takes what
/// rounding leaves.
pub(crate) fn report_widths(total: i32) -> Vec<i32> {
    let mut w: Vec<i32> = COLUMN_PCT.iter().map(|p| total * p / 100).collect();
    let used: i32 = w.iter().sum();
    if let Some(last) = w.last_mut() {
        *last += total - used;
    }
    w
}

/// The front matter the shared header and signature writers read: the
/// issuing body, place, date and signer of the synthesis.
fn front_of(c: &ReportContext) -> FrontMatter {
    FrontMatter {
        kind: String::new(),
        profile: None,
        issuer: Issuer {
            parent: c.parent.clone().filter(|p| !p.trim().is_empty()),
            name: c.issuer.clone(),
            code: None,
            extra: Default::default(),
        },
        number: None,
        place: Some(c.place.clone()).filter(|p| !p.trim().is_empty()),
        date: Some(duthao_model::DocDate(c.date)),
        title: c.subject_line(),
        signer: c.signer.as_ref().map(|s| Signer {
            authority: s.authority.clone(),
            title: s.title.clone(),
            name: s.name.clone(),
            extra: Default::default(),
        }),
        recipients: Vec::new(),
        extra: Default::default(),
    }
}

/// The DOCX bytes of a synthesis.
pub(crate) fn export_report(
    synthesis: &Synthesis,
    context: &ReportContext,
    layout: &Layout,
    provenance: &Provenance,
) -> Result<Vec<u8>, DocxError> {
    if context.issuer.trim().is_empty() {
        return Err(DocxError::Missing("issuing body (issuer.name)"));
    }
    let mut w = Writer::landscape(layout);
    let front = front_of(context);
    let parts = Parts {
        first_header: w.first_page_differs(),
        footnotes: false,
        comments: false,
    };
    let props = Properties::report(context, provenance);
    let mut package = Package::new(&parts, &props)?;
    package.start("word/document.xml")?;
    let mut out = Body {
        buf: page::open_part("document"),
        package: &mut package,
        error: None,
        hold: false,
    };
    out.push_str("<w:body>");
    // No number line: the synthesis goes with the draft, not as a document
    // of its own; the kind is not used there.
    let kind = KindInfo {
        name: String::new(),
        code: String::new(),
    };
    w.header_table_with(&front, &kind, false, &mut out);
    w.report_title(context, &mut out);
    let body = TextStyle {
        space_before_pt: 0.0,
        space_after_pt: 6.0,
        ..layout.body.clone()
    };
    for p in synthesis.opening(context) {
        w.line(&p, &body, &mut out);
    }
    out.boundary();
    w.report_table(synthesis, front.signer.is_some(), &mut out);
    w.closing(&front, &mut out);
    w.section(&mut out);
    out.push_str("</w:body></w:document>");
    out.flush();
    if let Some(e) = out.error.take() {
        return Err(e.into());
    }
    package.part("word/styles.xml", &w.styles())?;
    package.part("word/settings.xml", &w.settings())?;
    package.part("word/fontTable.xml", &w.font_table())?;
    package.part("word/header1.xml", &w.page_number_header())?;
    if parts.first_header {
        package.part("word/header2.xml", &w.empty_header())?;
    }
    package.document_rels(&parts, &w.links)?;
    package.finish()
}

impl<'a> Writer<'a> {
    /// The title in the type name's style, "đối với dự thảo …" in the trích
    /// yếu's, the version in italics, and the rule under them.
    fn report_title(&mut self, c: &ReportContext, out: &mut String) {
        let l = self.layout;
        let type_style = TextStyle {
            space_before_pt: 12.0,
            ..l.type_name.clone()
        };
        self.line(REPORT_TITLE, &type_style, out);
        let subject = TextStyle {
            caps: false,
            case: Case::AsWritten,
            space_after_pt: 0.0,
            ..l.title.clone()
        };
        self.line(&c.subject_line(), &subject, out);
        let version = c.version_label.trim();
        if !version.is_empty() {
            let s = TextStyle {
                bold: false,
                italic: true,
                ..subject.clone()
            };
            self.line(&format!("({version})"), &s, out);
        }
        let width = super::header::text_width_twips(&c.subject_line(), l.title.size_pt, true);
        let tw = self.text_width;
        let after = 240;
        match l.title_rule.kind {
            RuleKind::None => {
                let p = self.para(&TextStyle {
                    space_before_pt: 0.0,
                    space_after_pt: 0.0,
                    first_line_indent_mm: 0.0,
                    ..l.body.clone()
                });
                self.finish(p, out);
            }
            _ => self.put_rule(
                &l.title_rule,
                width.min(tw),
                tw,
                l.title.size_pt,
                after,
                out,
            ),
        }
    }

    /// The table: the heading row (repeated on every page), one row per
    /// comment; the last row keeps with the signature block when there is one.
    fn report_table(&mut self, s: &Synthesis, closing: bool, out: &mut Body<'_>) {
        let l = self.layout;
        let widths = report_widths(self.text_width);
        let cell = TextStyle {
            size_pt: l.table.size_pt,
            align: Align::Left,
            first_line_indent_mm: 0.0,
            space_before_pt: 2.0,
            space_after_pt: 2.0,
            line_spacing: None,
            bold: false,
            italic: false,
            caps: false,
            underline: false,
            ..l.body.clone()
        };
        let head = TextStyle {
            bold: true,
            align: Align::Center,
            ..cell.clone()
        };
        TableProps {
            widths: widths.clone(),
            indent: 0,
            borders: Some(Border {
                size: l.table.border_eighths.max(4),
                space: 0,
            }),
        }
        .open(out);
        open_header_row(out);
        for (h, w) in REPORT_COLUMNS.iter().zip(&widths) {
            open_shaded_cell(*w, None, out);
            self.line(h, &head, out);
            out.push_str("</w:tc>");
        }
        out.push_str("</w:tr>");
        let n = s.rows.len();
        for (i, row) in s.rows.iter().enumerate() {
            self.keep_with_closing = closing && i + 1 == n;
            self.report_row(row, &widths, &cell, out);
            out.boundary();
        }
        self.keep_with_closing = false;
        out.push_str("</w:tbl>");
    }

    /// One comment's row.
    fn report_row(&mut self, row: &Row, widths: &[i32], cell: &TextStyle, out: &mut Body<'_>) {
        let open = row.decision.is_none();
        let fill = open.then_some(OPEN_FILL);
        let look = self.look(cell);
        let bold = Style {
            bold: true,
            ..Style::default()
        };
        let italic = Style {
            italic: true,
            ..Style::default()
        };
        // A comment and its answer stay on one page when they fit on one.
        open_row(true, None, None, out);

        // STT.
        open_shaded_cell(widths[0], fill, out);
        let center = TextStyle {
            align: Align::Center,
            ..cell.clone()
        };
        self.line(&row.number.to_string(), &center, out);
        out.push_str("</w:tc>");

        // Nhóm vấn đề / Điều, khoản, and the quote under it.
        open_shaded_cell(widths[1], fill, out);
        let location = row.location.as_deref().filter(|l| !l.trim().is_empty());
        let mut p = self.para(cell);
        match location {
            Some(l) => self.text(&mut p.runs, l, &look, bold, Track::Keep),
            None => self.text(&mut p.runs, GENERAL, &look, Style::default(), Track::Keep),
        }
        self.finish(p, out);
        if let Some(q) = row.quote.as_deref().filter(|q| !q.trim().is_empty()) {
            let mut p = self.para(cell);
            self.text(&mut p.runs, &format!("“{q}”"), &look, italic, Track::Keep);
            self.finish(p, out);
        }
        out.push_str("</w:tc>");

        // Chủ thể góp ý, its level, where the comment came from.
        open_shaded_cell(widths[2], fill, out);
        self.line(&row.body, cell, out);
        if !row.level.trim().is_empty() {
            self.line(&format!("({})", row.level.trim()), cell, out);
        }
        if let Some(src) = row.source.as_deref().filter(|x| !x.trim().is_empty()) {
            let mut p = self.para(cell);
            self.text(&mut p.runs, src, &look, italic, Track::Keep);
            self.finish(p, out);
        }
        out.push_str("</w:tc>");

        // Nội dung góp ý, and the proposed wording.
        open_shaded_cell(widths[3], fill, out);
        let justified = TextStyle {
            align: Align::Both,
            ..cell.clone()
        };
        self.line(&row.text, &justified, out);
        if let Some(prop) = row.proposal.as_deref().filter(|x| !x.trim().is_empty()) {
            let mut p = self.para(&justified);
            self.text(
                &mut p.runs,
                "Đề nghị sửa thành: ",
                &look,
                italic,
                Track::Keep,
            );
            self.text(
                &mut p.runs,
                &format!("“{prop}”"),
                &look,
                Style::default(),
                Track::Keep,
            );
            self.finish(p, out);
        }
        out.push_str("</w:tc>");

        // Ý kiến tiếp thu, giải trình.
        open_shaded_cell(widths[4], fill, out);
        let mut p = self.para(&justified);
        match row.decision {
            Some(d) => {
                self.text(&mut p.runs, d.name_vi(), &look, bold, Track::Keep);
                if let Some(r) = row.response.as_deref().filter(|r| !r.trim().is_empty()) {
                    self.text(
                        &mut p.runs,
                        &format!(": {r}"),
                        &look,
                        Style::default(),
                        Track::Keep,
                    );
                }
            }
            None => {
                let props = RunProps {
                    color: Some(OPEN_COLOR),
                    ..self.run_props(&Look { bold: true, ..look }, Style::default())
                };
                self.plain_run(&mut p.runs, UNANSWERED, &props, false);
            }
        }
        self.finish(p, out);
        out.push_str("</w:tc></w:tr>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Content, DocxOptions, DraftMark, export};
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

    /// `n` comments from one body, on blocks in turn; every third open,
    /// the others accepted or explained; one comment's text holds markup
    /// and control characters.
    fn synthesis(n: usize) -> Synthesis {
        let mut events = Vec::new();
        for i in 0..n {
            let t = stamp(i as i64 * 2);
            let c = Comment {
                id: EventId::new(t.unix_millis()),
                draft: "x".into(),
                version: 2,
                level: "co-so".into(),
                body: "Đảng ủy xã Phú Lương".into(),
                author: person(),
                time: t,
                anchor: (i % 5 != 0).then(|| Anchor {
                    path: format!("II > {} > b)", i % 7 + 1),
                    block: i % 97,
                    fingerprint: "f".into(),
                    quote: Some(Quote {
                        text: "đến năm 2025".into(),
                        start: 0,
                        end: 3,
                    }),
                }),
                text: if i == 1 {
                    "a <w:t> & \u{1}\u{1b} \u{fffe} | b\nc".into()
                } else {
                    format!(
                        "Đề nghị làm rõ chỉ tiêu số {i} về tỷ lệ tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ."
                    )
                },
                proposal: Some("đến năm 2030".into()),
                source: Source::typed(),
            };
            if i % 3 != 0 {
                let t = stamp(i as i64 * 2 + 1);
                events.push(Event::Response(Response {
                    id: EventId::new(t.unix_millis()),
                    comment: c.id.clone(),
                    author: person(),
                    time: t,
                    decision: if i % 2 == 0 {
                        Decision::Accept
                    } else {
                        Decision::Explain
                    },
                    text: Some("Đã chỉnh sửa tại mục II.".into()),
                    supersedes: None,
                }));
            }
            events.push(Event::Comment(c));
        }
        let review = Review::fold(events, Vec::new());
        let levels = [LevelInfo {
            id: "co-so".into(),
            name: "Cấp cơ sở".into(),
        }];
        let bodies = [
            BodyInfo {
                name: "Đảng ủy xã Phú Lương".into(),
                level: "co-so".into(),
            },
            BodyInfo {
                name: "Ban Tổ chức".into(),
                level: "co-so".into(),
            },
        ];
        Synthesis::of(
            &review,
            "x",
            2,
            Roster {
                levels: &levels,
                bodies: &bodies,
            },
        )
    }

    fn context() -> ReportContext {
        ReportContext {
            parent: Some("ĐẢNG BỘ TỈNH THÁI NGUYÊN".into()),
            issuer: "TỈNH ỦY THÁI NGUYÊN".into(),
            drafter: Some("Ban Tổ chức Tỉnh ủy".into()),
            place: "Thái Nguyên".into(),
            date: time::macros::date!(2026 - 03 - 05),
            kind_name: "nghị quyết".into(),
            title: "về công tác xây dựng Đảng".into(),
            version_label: "Dự thảo lần 2".into(),
            header: HeaderKind::Party,
            signer: Some(ReportSigner {
                authority: "T/M CƠ QUAN SOẠN THẢO".into(),
                title: "TRƯỞNG BAN".into(),
                name: "Nguyễn Văn A".into(),
            }),
        }
    }

    fn docx(s: &Synthesis, c: &ReportContext) -> Vec<u8> {
        let layout = duthao_profile::layout::load_layout("party", None).expect("layout");
        let kind = KindInfo {
            name: "NGHỊ QUYẾT".into(),
            code: "NQ".into(),
        };
        export(
            Content::Report {
                synthesis: s,
                context: c,
            },
            &DocxOptions {
                layout: &layout,
                kind: &kind,
                mark: DraftMark::Final,
                provenance: &Provenance {
                    slug: "x".into(),
                    version: Some(2),
                    commit: None,
                    source_sha256: "ab".repeat(32),
                    committed_at: None,
                    signoff: Vec::new(),
                },
            },
        )
        .expect("export")
    }

    fn document(bytes: &[u8]) -> String {
        use std::io::Read;
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
        let mut s = String::new();
        z.by_name("word/document.xml")
            .expect("document part")
            .read_to_string(&mut s)
            .expect("utf-8");
        s
    }

    #[test]
    fn widths_fill_the_text_width() {
        for total in [14000, 14287, 9355] {
            assert_eq!(report_widths(total).iter().sum::<i32>(), total);
        }
    }

    #[test]
    fn the_report_is_landscape_with_a_repeated_header_row_and_shaded_open_rows() {
        let s = synthesis(12);
        let c = context();
        let bytes = docx(&s, &c);
        let xml = document(&bytes);
        assert!(
            xml.contains("<w:pgSz w:w=\"16838\" w:h=\"11906\" w:orient=\"landscape\"/>"),
            "{}",
            &xml[xml.find("<w:sectPr").unwrap_or(0)..]
        );
        assert_eq!(xml.matches("<w:tblHeader/>").count(), 1);
        // Rows: heading + one per comment, in the synthesis table (the
        // header and signature tables have theirs too).
        let open = s.rows.iter().filter(|r| r.decision.is_none()).count();
        assert_eq!(open, 4);
        assert_eq!(
            xml.matches(&format!("w:fill=\"{OPEN_FILL}\"")).count(),
            open * 5
        );
        assert_eq!(xml.matches(UNANSWERED).count(), open);
        assert!(xml.contains(REPORT_TITLE));
        assert!(xml.contains("đối với dự thảo nghị quyết về công tác xây dựng Đảng"));
        assert!(
            xml.contains("a &lt;w:t&gt; &amp;   | b</w:t><w:br/>"),
            "escaped"
        );
        assert!(!xml.contains('\u{1}') && !xml.contains('\u{1b}') && !xml.contains('\u{fffe}'));
        assert!(xml.contains("T/M CƠ QUAN SOẠN THẢO"));
        // Comments in the synthesis's order.
        let general = xml.find("Ý kiến chung").expect("a general comment");
        let located = xml.find("II &gt; ").expect("a located comment");
        assert!(general < located);
        let layout = duthao_profile::layout::load_layout("party", None).expect("layout");
        let p = &layout.page;
        let text = crate::writer::mm(p.height_mm - p.margin_left_mm - p.margin_right_mm);
        let grid: i32 = report_widths(text).iter().sum();
        assert!(xml.contains(&format!("<w:tblW w:w=\"{grid}\" w:type=\"dxa\"/>")));
    }

    #[test]
    fn the_same_input_gives_the_same_bytes_and_two_thousand_rows_stream() {
        let s = synthesis(2000);
        let c = context();
        let start = std::time::Instant::now();
        let a = docx(&s, &c);
        let took = start.elapsed();
        assert_eq!(a, docx(&s, &c));
        assert_eq!(s.rows.len(), 2000);
        // Debug builds are slower; the release bound is checked in the
        // root package's tests.
        assert!(took.as_secs_f64() < 10.0, "{took:?}");
        assert!(document(&a).matches("<w:tr>").count() >= 2001);
    }
}
