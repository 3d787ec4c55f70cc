//! The synthesis table's content (Bản tổng hợp ý kiến, tiếp thu, giải
//! trình ý kiến góp ý): who was asked, who answered, and every comment on a
//! version with the drafter's answer, in document order. Writers lay it out.

use serde::Serialize;

use crate::event::Decision;
use crate::review::{Review, State};

/// A review level as the workspace configures it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelInfo {
    /// Its id in commands ("co-so").
    pub id: String,
    /// Its name for readers.
    pub name: String,
}

/// A commenting body as the workspace configures it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BodyInfo {
    /// Its name (chủ thể góp ý).
    pub name: String,
    /// The id of its level.
    pub level: String,
}

/// The levels in order and the bodies asked for comments.
#[derive(Debug, Clone, Copy)]
pub struct Roster<'a> {
    /// The levels, in the order the document goes through them.
    pub levels: &'a [LevelInfo],
    /// The bodies.
    pub bodies: &'a [BodyInfo],
}

impl Roster<'_> {
    /// The position of a level in the order; unknown levels go last.
    pub fn level_rank(&self, id: &str) -> usize {
        self.levels
            .iter()
            .position(|l| l.id == id)
            .unwrap_or(self.levels.len())
    }

    /// A level's name, or its id when it is not configured any more.
    pub fn level_name<'b>(&'b self, id: &'b str) -> &'b str {
        self.levels
            .iter()
            .find(|l| l.id == id)
            .map_or(id, |l| l.name.as_str())
    }
}

/// How one body answered on the version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BodyAnswer {
    /// The body.
    pub name: String,
    /// Its level's id.
    pub level: String,
    /// Whether it was asked (it is in `duthao.toml`).
    pub asked: bool,
    /// Comments it sent (withdrawn ones included).
    pub comments: usize,
    /// It said it has no comments (thống nhất).
    pub agreed: bool,
}

impl BodyAnswer {
    /// It sent comments or agreed.
    pub fn answered(&self) -> bool {
        self.comments > 0 || self.agreed
    }
}

/// The opening figures of the synthesis.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Bodies asked.
    pub asked: usize,
    /// Bodies that sent comments or agreed.
    pub answered: usize,
    /// Bodies that agreed with no comments.
    pub agreed: usize,
    /// Comments (not withdrawn).
    pub comments: usize,
    /// Tiếp thu.
    pub accepted: usize,
    /// Tiếp thu một phần.
    pub partial: usize,
    /// Giải trình.
    pub explained: usize,
    /// Without a response yet.
    pub open: usize,
    /// Withdrawn by their body.
    pub withdrawn: usize,
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// STT, from 1.
    pub number: usize,
    /// The comment's id (its short form identifies it in `duthao comment show`).
    pub id: String,
    /// Nhóm vấn đề / Điều, khoản: the structural path, or `None` for a
    /// comment on the draft as a whole.
    pub location: Option<String>,
    /// The quoted passage, when the comment quotes one.
    pub quote: Option<String>,
    /// Chủ thể góp ý.
    pub body: String,
    /// The body's level's name.
    pub level: String,
    /// Nội dung góp ý.
    pub text: String,
    /// The proposed wording, when given.
    pub proposal: Option<String>,
    /// The drafter's decision; `None` while unanswered.
    pub decision: Option<Decision>,
    /// The drafter's explanation.
    pub response: Option<String>,
    /// Where the comment came from, for the reader ("Công văn số …", a file).
    pub source: Option<String>,
}

/// The synthesis of the comments on one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Synthesis {
    /// The draft's name.
    pub draft: String,
    /// The version the comments were made on.
    pub version: u32,
    /// Every body asked, and any that answered without being asked.
    pub bodies: Vec<BodyAnswer>,
    /// The opening figures.
    pub counts: Counts,
    /// The rows: comments on the whole draft first, then in document
    /// order, then by level, then by time.
    pub rows: Vec<Row>,
}

impl Synthesis {
    /// The synthesis of `review`'s comments on version `version`.
    pub fn of(review: &Review, draft: &str, version: u32, roster: Roster<'_>) -> Synthesis {
        let mut bodies: Vec<BodyAnswer> = roster
            .bodies
            .iter()
            .map(|b| BodyAnswer {
                name: b.name.clone(),
                level: b.level.clone(),
                asked: true,
                comments: 0,
                agreed: false,
            })
            .collect();
        let body_slot = |name: &str, level: &str, bodies: &mut Vec<BodyAnswer>| -> usize {
            match bodies.iter().position(|b| b.name == name) {
                Some(i) => i,
                None => {
                    bodies.push(BodyAnswer {
                        name: name.to_string(),
                        level: level.to_string(),
                        asked: false,
                        comments: 0,
                        agreed: false,
                    });
                    bodies.len() - 1
                }
            }
        };
        let mut counts = Counts::default();
        let mut threads = Vec::new();
        for t in review.on_version(version) {
            let i = body_slot(&t.comment.body, &t.comment.level, &mut bodies);
            bodies[i].comments += 1;
            match t.state() {
                State::Withdrawn => counts.withdrawn += 1,
                State::Open => counts.open += 1,
                State::Answered(Decision::Accept) => counts.accepted += 1,
                State::Answered(Decision::Partial) => counts.partial += 1,
                State::Answered(Decision::Explain) => counts.explained += 1,
            }
            if t.state() != State::Withdrawn {
                threads.push(t);
            }
        }
        for a in review.agreements.iter().filter(|a| a.version == version) {
            let i = body_slot(&a.body, &a.level, &mut bodies);
            bodies[i].agreed = true;
        }
        counts.comments = threads.len();
        counts.asked = bodies.iter().filter(|b| b.asked).count();
        counts.answered = bodies.iter().filter(|b| b.answered()).count();
        counts.agreed = bodies
            .iter()
            .filter(|b| b.agreed && b.comments == 0)
            .count();

        threads.sort_by_key(|t| {
            (
                t.comment.anchor.as_ref().map(|a| a.block),
                roster.level_rank(&t.comment.level),
                t.comment.time,
            )
        });
        let rows = threads
            .iter()
            .enumerate()
            .map(|(n, t)| {
                let c = &t.comment;
                let current = t.current();
                Row {
                    number: n + 1,
                    id: c.id.to_string(),
                    location: c.anchor.as_ref().map(|a| a.path.clone()),
                    quote: c
                        .anchor
                        .as_ref()
                        .and_then(|a| a.quote.as_ref())
                        .map(|q| q.text.clone()),
                    body: c.body.clone(),
                    level: roster.level_name(&c.level).to_string(),
                    text: c.text.clone(),
                    proposal: c.proposal.clone(),
                    decision: current.map(|r| r.decision),
                    response: current.and_then(|r| r.text.clone()),
                    source: source_line(&c.source),
                }
            })
            .collect();
        Synthesis {
            draft: draft.to_string(),
            version,
            bodies,
            counts,
            rows,
        }
    }

    /// The bodies asked that have not answered.
    pub fn silent(&self) -> impl Iterator<Item = &BodyAnswer> {
        self.bodies.iter().filter(|b| b.asked && !b.answered())
    }
}

/// "Công văn số 12-CV/ĐU, ngày 20/11/2026" or the Word file's name.
fn source_line(s: &crate::event::Source) -> Option<String> {
    match (&s.letter, &s.file) {
        (Some(letter), _) => Some(letter.clone()),
        (None, Some(file)) => Some(file.clone()),
        (None, None) => None,
    }
}

/// Which official header the synthesis page carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum HeaderKind {
    /// A party body: "ĐẢNG CỘNG SẢN VIỆT NAM" at the right.
    Party,
    /// A state body: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and "Độc lập - Tự
    /// do - Hạnh phúc" at the right.
    State,
}

impl HeaderKind {
    /// The header of a layout profile by its name: "party" and its
    /// variants ("party-2018") are party documents, every other profile a
    /// state one.
    pub fn of_profile(profile: &str) -> HeaderKind {
        if profile == "party" || profile.starts_with("party-") {
            HeaderKind::Party
        } else {
            HeaderKind::State
        }
    }

    /// The lines at the right of the header, top down.
    pub fn motto(self) -> &'static [&'static str] {
        match self {
            HeaderKind::Party => &["ĐẢNG CỘNG SẢN VIỆT NAM"],
            HeaderKind::State => &[
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
            ],
        }
    }
}

/// The signature block under the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportSigner {
    /// The authority line ("T/M CƠ QUAN SOẠN THẢO", "TL. BAN THƯỜNG VỤ");
    /// may be empty.
    pub authority: String,
    /// The signer's office ("CHÁNH VĂN PHÒNG").
    pub title: String,
    /// The signer's full name; may be empty while unsigned.
    pub name: String,
}

/// What the synthesis page shows beyond the [`Synthesis`]: who issues it,
/// where and when, which draft it is about, and who signs it. Plain data:
/// the operation that builds it reads the draft's front matter, the
/// profile's kinds and the workspace's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportContext {
    /// The body above the issuing one, first line of the header's left
    /// column ("ĐẢNG BỘ TỈNH THÁI NGUYÊN"); `None` when there is none.
    pub parent: Option<String>,
    /// The issuing body, second line of the header's left column
    /// ("TỈNH ỦY THÁI NGUYÊN").
    pub issuer: String,
    /// The drafting body (cơ quan soạn thảo) when it is not the issuing
    /// one ("Ban Tổ chức Tỉnh ủy"): named in the opening paragraph.
    pub drafter: Option<String>,
    /// The place name of the date line ("Thái Nguyên").
    pub place: String,
    /// The date the synthesis bears.
    pub date: time::Date,
    /// The document type's name in running text ("nghị quyết").
    pub kind_name: String,
    /// The draft's trích yếu ("về công tác xây dựng Đảng năm 2026").
    pub title: String,
    /// The version the comments were made on, as readers name it ("Dự
    /// thảo lần 2").
    pub version_label: String,
    /// The header's right column.
    pub header: HeaderKind,
    /// The signature block; `None` for an unsigned working copy.
    pub signer: Option<ReportSigner>,
}

impl ReportContext {
    /// "đối với dự thảo nghị quyết về …", the title's second line.
    pub fn subject_line(&self) -> String {
        let mut s = String::from("đối với dự thảo");
        for part in [self.kind_name.trim(), self.title.trim()] {
            if !part.is_empty() {
                s.push(' ');
                s.push_str(part);
            }
        }
        s
    }

    /// "Thái Nguyên, ngày 05 tháng 3 năm 2026": a day below 10 and the
    /// months 1 and 2 with a leading zero (NĐ 30/2020/NĐ-CP Phụ lục I, and
    /// the party's HD 36-HD/VPTW, write dates alike).
    pub fn date_line(&self) -> String {
        let (d, m) = (self.date.day(), u8::from(self.date.month()));
        let month = if m <= 2 {
            format!("{m:02}")
        } else {
            m.to_string()
        };
        let place = self.place.trim();
        let sep = if place.is_empty() { "" } else { ", " };
        format!(
            "{place}{sep}ngày {d:02} tháng {month} năm {}",
            self.date.year()
        )
    }
}

/// The title of the synthesis, first line.
pub const REPORT_TITLE: &str = "BẢN TỔNG HỢP Ý KIẾN, TIẾP THU, GIẢI TRÌNH Ý KIẾN GÓP Ý";

/// The table's column headings, left to right.
pub const REPORT_COLUMNS: [&str; 5] = [
    "STT",
    "Nhóm vấn đề / Điều, khoản",
    "Chủ thể góp ý",
    "Nội dung góp ý",
    "Ý kiến tiếp thu, giải trình",
];

/// What the response column says of a comment without an answer.
pub const UNANSWERED: &str = "CHƯA TRẢ LỜI";

/// What the location column says of a comment on the draft as a whole.
pub const GENERAL: &str = "Ý kiến chung";

impl Synthesis {
    /// The opening paragraphs in Vietnamese: the bodies asked, those that
    /// answered, agreed, and have not answered (named), then the comments
    /// in all and by response. Plain text; writers escape it.
    pub fn opening(&self, context: &ReportContext) -> Vec<String> {
        let c = &self.counts;
        // The issuing body is written in capitals for the header; in a
        // sentence, without a drafting body named, "cơ quan soạn thảo".
        let who = context
            .drafter
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .unwrap_or("cơ quan soạn thảo");
        let mut first = format!(
            "Thực hiện việc lấy ý kiến góp ý đối với {} ({}), {} đã xin ý kiến {} cơ quan, đơn vị; \
             đã nhận được ý kiến của {} cơ quan, đơn vị, trong đó {} cơ quan, đơn vị thống nhất, không có ý kiến khác",
            subject_of(context),
            context.version_label.trim(),
            who,
            c.asked,
            c.answered,
            c.agreed,
        );
        let silent: Vec<&str> = self.silent().map(|b| b.name.as_str()).collect();
        if silent.is_empty() {
            first.push('.');
        } else {
            first.push_str(&format!(
                "; {} cơ quan, đơn vị chưa có ý kiến: {}.",
                silent.len(),
                silent.join(", ")
            ));
        }
        let unasked: Vec<&str> = self
            .bodies
            .iter()
            .filter(|b| !b.asked && b.answered())
            .map(|b| b.name.as_str())
            .collect();
        let mut out = vec![first];
        if !unasked.is_empty() {
            out.push(format!(
                "Ngoài ra, {} cơ quan, đơn vị không thuộc danh sách xin ý kiến đã gửi ý kiến: {}.",
                unasked.len(),
                unasked.join(", ")
            ));
        }
        out.push(format!(
            "Tổng số có {} ý kiến góp ý, trong đó: tiếp thu {} ý kiến; tiếp thu một phần {} ý kiến; \
             giải trình {} ý kiến; chưa trả lời {} ý kiến.",
            c.comments, c.accepted, c.partial, c.explained, c.open
        ));
        if c.withdrawn > 0 {
            out.push(format!(
                "Có {} ý kiến đã được rút lại, không đưa vào bản tổng hợp.",
                c.withdrawn
            ));
        }
        let mut chars = who.chars();
        let at_start: String = chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        out.push(format!(
            "{at_start} tổng hợp, tiếp thu, giải trình cụ thể như sau:"
        ));
        out
    }
}

/// "dự thảo nghị quyết về …" in running text.
fn subject_of(context: &ReportContext) -> String {
    context
        .subject_line()
        .trim_start_matches("đối với ")
        .to_string()
}
