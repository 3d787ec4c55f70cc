#!/usr/bin/env python3
"""Benchmark corpus for duthao: synthetic Vietnamese party resolutions.

Writes one draft in the workspace's format (YAML front matter, then a
Markdown body of about 500 whitespace-separated words a page), or a revised
copy of a draft with about PCT % of its body words changed. The same
arguments always give the same bytes. Python 3 standard library only.

    python3 bench/gen_corpus.py --pages 1000 --seed 1 -o /tmp/a.md
    python3 bench/gen_corpus.py --revise 5 --seed 1 /tmp/a.md -o /tmp/b.md

The text is built from a hand-written vocabulary of the phrases Vietnamese
party documents are made of, recombined by sentence patterns: it reads like a
resolution, diacritics and punctuation included, but means nothing. Use it for
speed, memory and robustness; use hand-written drafts for correctness.

A revision reports on stderr how many words it changed ("changed N words:
..."), counted the way bench/diff.sh counts a redline: per stretch of
adjacent deletions and insertions, the larger side's word count (a word is a
whitespace-separated token with a letter or digit); a moved sentence of n
words counts 2n (deleted in one place, inserted in another). Edits are kept
apart from each other so that each is its own stretch in a minimal diff.

As a module (bench/make_workspace.py uses it):

    generate(pages, seed) -> str
    draft_chunks(pages, seed) -> the same text in pieces, to write a long draft
    revise(text, pct, seed) -> (str, Revision)    # Revision.summary() is the stderr line

A revision reaches about 20 % of the words at most: past that there is no room
left for edits kept apart (the stderr line says how far it got).
"""
import argparse
import datetime
import io
import random
import re
import sys
import unicodedata
import zlib

WORDS_PER_PAGE = 500


def nfc(s):
    return unicodedata.normalize("NFC", s)


# --------------------------------------------------------------------------
# Vocabulary (written for this generator). Grouped by the role a phrase plays
# in a sentence so that any combination reads as a plausible clause.

ACTORS = [
    "các cấp ủy, tổ chức đảng",
    "cấp ủy các cấp",
    "Ban Thường vụ Tỉnh ủy",
    "Ban Chấp hành Đảng bộ tỉnh",
    "các đảng ủy trực thuộc Tỉnh ủy",
    "Ủy ban Kiểm tra các cấp",
    "các cơ quan tham mưu, giúp việc của Tỉnh ủy",
    "Ban Tổ chức Tỉnh ủy",
    "Văn phòng Tỉnh ủy",
    "người đứng đầu cấp ủy",
    "đội ngũ cán bộ, đảng viên",
    "các chi bộ trực thuộc",
    "Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội",
    "chính quyền các cấp",
    "các đảng bộ xã, phường",
    "Ban Tuyên giáo và Dân vận Tỉnh ủy",
    "các sở, ban, ngành",
    "tập thể lãnh đạo các cơ quan, đơn vị",
]

# adverbs placed between the actor and the action (empty: none)
MANNER = [
    "", "", "", "đã", "đã", "tiếp tục", "thường xuyên", "chủ động", "tích cực",
    "đã tập trung", "từng bước", "quyết liệt", "kịp thời", "đã nghiêm túc",
]

ACTIONS = [
    "lãnh đạo, chỉ đạo",
    "quán triệt, triển khai",
    "triển khai thực hiện",
    "tổ chức thực hiện",
    "kiểm tra, giám sát việc thực hiện",
    "nâng cao chất lượng",
    "đổi mới",
    "tăng cường",
    "đẩy mạnh",
    "rà soát, bổ sung",
    "kiện toàn",
    "cụ thể hóa",
    "thực hiện nghiêm",
    "tham mưu thực hiện",
    "phối hợp thực hiện",
    "chú trọng",
    "quan tâm chỉ đạo",
    "sơ kết, đánh giá",
]

MATTERS = [
    "công tác xây dựng Đảng và hệ thống chính trị",
    "công tác cán bộ",
    "các nghị quyết, chỉ thị, kết luận của Trung ương",
    "Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XX",
    "công tác kiểm tra, giám sát và thi hành kỷ luật đảng",
    "công tác phát triển đảng viên",
    "chất lượng sinh hoạt chi bộ",
    "chuyển đổi số trong các cơ quan đảng",
    "việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "công tác bảo vệ chính trị nội bộ",
    "quy chế làm việc của cấp ủy",
    "công tác dân vận",
    "việc sắp xếp tổ chức bộ máy tinh gọn, hoạt động hiệu lực, hiệu quả",
    "công tác quy hoạch, đào tạo, bồi dưỡng cán bộ",
    "công tác đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên",
    "việc ứng dụng công nghệ thông tin",
    "cơ sở dữ liệu đảng viên",
    "công tác phòng, chống tham nhũng, lãng phí, tiêu cực",
    "công tác thông tin, tuyên truyền",
    "việc giải quyết đơn thư khiếu nại, tố cáo",
    "công tác tiếp công dân",
    "công tác văn thư, lưu trữ",
    "nguyên tắc tập trung dân chủ",
    "công tác tự phê bình và phê bình",
    "công tác quản lý đảng viên",
    "việc thực hiện quy chế dân chủ ở cơ sở",
    "chế độ thông tin, báo cáo",
    "công tác đấu tranh phản bác các quan điểm sai trái, thù địch",
]

# what closes a clause (empty: nothing)
MANNER_TAIL = [
    "", "", "", "",
    "một cách đồng bộ, thống nhất",
    "bảo đảm đúng quy định",
    "gắn với trách nhiệm của người đứng đầu",
    "theo đúng tinh thần chỉ đạo của Trung ương",
    "trong tình hình mới",
    "phù hợp với điều kiện thực tế của địa phương",
    "đạt nhiều kết quả tích cực",
    "có trọng tâm, trọng điểm",
    "sát với tình hình thực tiễn",
    "ngay từ cơ sở",
    "theo kế hoạch đề ra",
    "với tinh thần trách nhiệm cao",
    "chặt chẽ, đúng quy trình",
]

OPENINGS = [
    "Trong năm qua,", "Thời gian tới,", "Bên cạnh đó,", "Đồng thời,", "Nhìn chung,",
    "Trong nhiệm kỳ,", "Từ đầu năm đến nay,", "Qua kiểm tra cho thấy,",
    "Thực hiện chỉ đạo của Tỉnh ủy,", "Trên cơ sở đó,", "Với tinh thần đó,",
    "Năm 2025,", "Giai đoạn 2026 - 2030,", "Trước yêu cầu nhiệm vụ mới,",
]

SHORTCOMINGS = [
    "còn hình thức, chưa đi vào chiều sâu",
    "chưa đáp ứng yêu cầu nhiệm vụ",
    "có lúc, có nơi còn lúng túng",
    "chậm được khắc phục",
    "chưa thật sự sâu sát, quyết liệt",
    "còn thiếu đồng bộ",
    "hiệu quả chưa cao",
    "còn chồng chéo, chưa rõ trách nhiệm",
]

PURPOSES = [
    "nhằm nâng cao năng lực lãnh đạo, sức chiến đấu của tổ chức đảng",
    "góp phần xây dựng Đảng bộ trong sạch, vững mạnh",
    "tạo sự thống nhất cao trong nhận thức và hành động",
    "đáp ứng yêu cầu nhiệm vụ trong giai đoạn mới",
    "củng cố niềm tin của nhân dân đối với Đảng",
    "bảo đảm sự lãnh đạo toàn diện của cấp ủy",
]

# sentences with figures; {n}, {m}, {k}: counts, {p}: a percentage
FIGURES = [
    "Toàn Đảng bộ kết nạp được {n} đảng viên mới, đạt {p}% chỉ tiêu năm.",
    "Ủy ban Kiểm tra các cấp đã kiểm tra {k} tổ chức đảng và {m} đảng viên khi có dấu hiệu vi phạm.",
    "Có {p}% tổ chức cơ sở đảng được đánh giá, xếp loại hoàn thành tốt nhiệm vụ trở lên.",
    "Các cấp ủy đã tổ chức {k} hội nghị quán triệt với hơn {n} lượt cán bộ, đảng viên tham dự.",
    "Đến nay, {p}% văn bản của các cơ quan đảng được ký số và gửi, nhận trên mạng thông tin diện rộng.",
    "Trong năm, đã thi hành kỷ luật {m} đảng viên, trong đó có {k} cán bộ thuộc diện cấp ủy quản lý.",
    "Toàn tỉnh có {n} chi bộ thôn, tổ dân phố, trong đó {p}% chi bộ sinh hoạt chuyên đề ít nhất mỗi quý một lần.",
    "Số đảng viên được cập nhật trên cơ sở dữ liệu đạt {p}%, tăng {k} điểm phần trăm so với năm trước.",
]

REQUIREMENTS = [
    "coi đây là nhiệm vụ trọng tâm, thường xuyên",
    "xác định rõ người, rõ việc, rõ thời gian hoàn thành",
    "kịp thời báo cáo những khó khăn, vướng mắc phát sinh",
    "không để xảy ra tình trạng chậm trễ, né tránh",
]

# headings
PART_HEADS = [
    "Kết quả thực hiện", "Đánh giá tình hình", "Phương hướng, nhiệm vụ",
    "Nhiệm vụ và giải pháp nâng cao", "Tổ chức thực hiện", "Mục tiêu, chỉ tiêu về",
]
PART_TOPICS = [
    "công tác xây dựng Đảng về chính trị", "công tác cán bộ", "chuyển đổi số trong các cơ quan đảng",
    "công tác kiểm tra, giám sát", "công tác dân vận", "công tác tổ chức, xây dựng tổ chức cơ sở đảng",
    "công tác tuyên giáo", "công tác nội chính và phòng, chống tham nhũng", "giai đoạn 2026 - 2030",
]
SECTION_TITLES = [
    "Tình hình và kết quả đạt được", "Hạn chế, yếu kém và nguyên nhân", "Bài học kinh nghiệm",
    "Mục tiêu tổng quát", "Chỉ tiêu chủ yếu", "Nhiệm vụ, giải pháp chủ yếu", "Tổ chức thực hiện",
    "Quan điểm chỉ đạo", "Đề xuất, kiến nghị",
]
SUBSECTION_TITLES = [
    "Công tác chính trị, tư tưởng", "Công tác tổ chức, cán bộ", "Công tác kiểm tra, giám sát",
    "Chuyển đổi số trong các cơ quan đảng", "Công tác dân vận", "Xây dựng tổ chức cơ sở đảng",
    "Công tác phát triển đảng viên", "Công tác bảo vệ chính trị nội bộ", "Đổi mới phương thức lãnh đạo",
    "Kết quả đạt được", "Hạn chế, khuyết điểm", "Nguyên nhân", "Trách nhiệm của các cấp ủy",
    "Công tác thông tin, báo cáo",
]

# lines that lead into points ({a}: an actor, {m}: a matter, {y}: a year)
INTROS = [
    "Để thực hiện tốt {m}, {a} tập trung thực hiện các nhiệm vụ sau:",
    "Kết quả {m} của {a} năm {y} cụ thể như sau:",
    "Về {m}, {a} cần tập trung vào một số nội dung chủ yếu sau:",
    "Trong năm {y}, {a} cần thực hiện đồng bộ các giải pháp về {m} sau:",
    "Ban Thường vụ Tỉnh ủy yêu cầu {a} thực hiện tốt một số nội dung về {m} sau:",
    "Qua sơ kết {m}, {a} đã đạt được một số kết quả sau:",
]
TABLE_INTROS = [
    "Kết quả thực hiện một số chỉ tiêu về {m} năm {y} như sau:",
    "Một số chỉ tiêu cụ thể về {m} đến hết năm {y}:",
]
INDICATORS = [
    ("Kết nạp đảng viên mới", "{n} đảng viên"),
    ("Tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ trở lên", "{p}%"),
    ("Chi bộ sinh hoạt chuyên đề ít nhất mỗi quý một lần", "{p}%"),
    ("Đảng viên được đánh giá hoàn thành tốt nhiệm vụ trở lên", "{p}%"),
    ("Văn bản được ký số và gửi, nhận qua mạng", "{p}%"),
    ("Cán bộ được đào tạo, bồi dưỡng về lý luận chính trị", "{n} lượt"),
    ("Thôn, tổ dân phố có chi bộ", "{p}%"),
    ("Cuộc kiểm tra, giám sát chuyên đề", "{k} cuộc"),
]
PROVENANCES = [
    "Theo Báo cáo số {k}-BC/TU ngày {d} của Ban Thường vụ Tỉnh ủy; số liệu tính đến ngày {d2}.",
    "Số liệu của Ban Tổ chức Tỉnh ủy, cập nhật đến ngày {d2}.",
    "Theo Kết luận số {k}-KL/TU ngày {d} của Ban Thường vụ Tỉnh ủy.",
    "Gồm cả các chi bộ được thành lập sau khi sắp xếp đơn vị hành chính cấp xã.",
]

PROVINCES = ["Thái Nguyên", "Bắc Ninh", "Nghệ An", "Lào Cai", "Quảng Ninh", "Đồng Tháp", "Lâm Đồng", "Hà Tĩnh"]
TITLE_TOPICS = [
    "đẩy mạnh chuyển đổi số trong các cơ quan đảng giai đoạn 2026 - 2030",
    "nâng cao chất lượng sinh hoạt chi bộ",
    "tăng cường công tác kiểm tra, giám sát và thi hành kỷ luật đảng",
    "công tác tổ chức xây dựng Đảng năm 2026",
    "tiếp tục đổi mới phương thức lãnh đạo của Đảng đối với hệ thống chính trị",
    "xây dựng đội ngũ cán bộ các cấp, nhất là cán bộ cấp chiến lược",
]
SIGNERS = [("T/M BAN THƯỜNG VỤ", "BÍ THƯ"), ("T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ THƯỜNG TRỰC"),
           ("T/M BAN CHẤP HÀNH", "BÍ THƯ")]
FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE_NAMES = ["Văn", "Thị", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Ngọc"]
GIVEN_NAMES = ["Hùng", "Lan", "Dũng", "Hương", "Thắng", "Tuấn", "Bình", "Phong", "Hải", "Yến"]

# --revise: phrases that may replace each other (no punctuation inside;
# the replacement keeps the punctuation after the last word)
SYNONYMS = [
    ["tăng cường", "đẩy mạnh", "nâng cao"],
    ["kịp thời", "thường xuyên", "chủ động"],
    ["cán bộ", "đảng viên", "công chức"],
    ["hiệu quả", "chất lượng"],
    ["rà soát", "kiểm điểm"],
    ["đổi mới", "cải tiến", "hoàn thiện"],
    ["nghiêm túc", "đầy đủ"],
    ["quan tâm", "chú trọng", "coi trọng"],
    ["trọng tâm", "trọng yếu"],
    ["tích cực", "rõ nét", "quan trọng"],
    ["quán triệt", "phổ biến"],
    ["sơ kết", "tổng kết"],
    ["kiện toàn", "củng cố"],
    ["cụ thể hóa", "thể chế hóa"],
    ["bảo đảm", "đảm bảo"],
    ["chặt chẽ", "nghiêm ngặt"],
    ["thực tiễn", "thực tế"],
    ["trách nhiệm", "vai trò"],
    ["nhiệm vụ", "công việc"],
    ["yêu cầu", "đòi hỏi"],
    ["hội nghị", "buổi học tập"],
    ["từng bước", "dần dần"],
    ["quyết liệt", "mạnh mẽ", "sâu sát"],
    ["tham mưu", "đề xuất"],
    ["phù hợp với", "sát với"],
    ["xây dựng Đảng bộ", "xây dựng tổ chức đảng"],
    ["giai đoạn mới", "thời kỳ mới"],
]
# --revise: adverbs that may be inserted after a comma or a semicolon, before
# the next clause's verb
INSERTIONS = [
    "kịp thời", "thường xuyên", "chủ động", "tích cực", "từng bước", "tiếp tục",
    "khẩn trương", "đồng thời", "nghiêm túc", "quyết liệt", "kiên quyết",
]
# --revise: words that may be left out, with the word that must follow them
# (None: any word)
DELETIONS = [
    ("đã", None), ("tiếp tục", None), ("thường xuyên", None), ("chủ động", None),
    ("từng bước", None), ("quyết liệt", None), ("kịp thời", None), ("nghiêm túc", None),
    ("việc thực hiện", None), ("triển khai", "thực"), ("tổ chức", "thực"),
    ("tích cực", None), ("đã tập trung", None), ("đã nghiêm túc", None),
]

POINT_LETTERS = "abcdđeghiklmn"  # Vietnamese points skip f, j, w, z


def _vocabulary():
    for name, value in list(globals().items()):
        if name.isupper() and isinstance(value, (list, str)):
            yield repr(value)


# generated text is made of these and digits only, so it is NFC as written
assert all(unicodedata.is_normalized("NFC", v) for v in _vocabulary()), "vocabulary not in NFC"


def roman(n):
    out = []
    for value, digits in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        q, n = divmod(n, value)
        out.append(digits * q)
    return "".join(out)


def thousands(n):
    """2150 -> '2.150' (Vietnamese digit grouping)."""
    return f"{n:,}".replace(",", ".")


def percent(rng):
    return f"{rng.uniform(60, 99.9):.1f}".replace(".", ",")


def upper_first(s):
    return s[:1].upper() + s[1:]


def body_words(text):
    return len(text.split())


# --------------------------------------------------------------------------
# Generation

class Writer:
    """Makes sentences and blocks from the vocabulary with one random stream."""

    def __init__(self, rng):
        self.rng = rng

    def pick(self, seq):
        return self.rng.choice(seq)

    def fill(self, pattern):
        r = self.rng
        k = r.randint(2, 60)
        return pattern.format(n=thousands(r.randint(120, 9800)), k=k, m=k + r.randint(1, 80), p=percent(r))

    def clause(self, bold=False):
        """action + matter [+ how]: 'tăng cường công tác cán bộ, bảo đảm đúng quy định'"""
        matter = self.pick(MATTERS)
        if bold:
            matter = "**" + matter + "**"
        tail = self.pick(MANNER_TAIL)
        return f"{self.pick(ACTIONS)} {matter}" + (f" {tail}" if tail else "")

    def sentence(self):
        r = self.rng
        roll = r.random()
        bold = r.random() < 0.06
        if roll < 0.12:
            return self.fill(self.pick(FIGURES))
        if roll < 0.20:
            return f"Tuy nhiên, {self.pick(MATTERS)} ở một số nơi {self.pick(SHORTCOMINGS)}."
        if roll < 0.26:
            return (f"Nguyên nhân chủ yếu là {self.pick(ACTORS)} chưa {self.pick(ACTIONS)} "
                    f"{self.pick(MATTERS)} một cách thường xuyên.")
        if roll < 0.34:
            return (upper_first(f"{self.pick(ACTORS)} cần {self.clause(bold)}, "
                                f"{self.pick(REQUIREMENTS)}."))
        # actor [manner] clause {, clause} [; purpose]
        lead = self.pick(OPENINGS) + " " if r.random() < 0.35 else ""
        manner = self.pick(MANNER)
        text = lead + self.pick(ACTORS) + " " + (manner + " " if manner else "") + self.clause(bold)
        for _ in range(r.choice((0, 0, 1, 1, 2))):
            text += r.choice((", ", "; ")) + self.clause()
        if r.random() < 0.3:
            text += ", " + self.pick(PURPOSES)
        return upper_first(text) + "."

    def paragraph(self, lo=2, hi=5):
        return " ".join(self.sentence() for _ in range(self.rng.randint(lo, hi)))

    def lead_in(self, patterns):
        return self.pick(patterns).format(a=self.pick(ACTORS), m=self.pick(MATTERS),
                                          y=self.rng.randint(2021, 2030))

    def point(self, last):
        r = self.rng
        text = upper_first(self.clause(bold=r.random() < 0.15))
        if r.random() < 0.6:
            text += r.choice(("; ", ", ")) + self.clause()
        if r.random() < 0.2:
            text += ", " + self.pick(PURPOSES)
        return text + ("." if last else ";")

    def points(self):
        """an intro line ending with ':' then 'a) …;' lines, consecutive."""
        n = self.rng.choice((2, 3, 3, 4, 4, 5, 5, 6, 7))
        lines = [f"{POINT_LETTERS[i]}) {self.point(i == n - 1)}" for i in range(n)]
        return [self.lead_in(INTROS), "\n".join(lines)]

    def bullets(self):
        n = self.rng.randint(2, 4)
        lines = []
        for i in range(n):
            s = self.sentence()
            lines.append("- " + s[:-1] + ("." if i == n - 1 else ";"))
        return ["\n".join(lines)]

    def table(self):
        r = self.rng
        rows = ["| STT | Chỉ tiêu | Kết quả |", "|---|---|---:|"]
        for i, (what, result) in enumerate(r.sample(INDICATORS, r.randint(3, 6)), start=1):
            rows.append(f"| {i} | {what} | {self.fill(result)} |")
        return [self.lead_in(TABLE_INTROS), "\n".join(rows)]

    def footnote_text(self):
        r = self.rng
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=r.randint(0, 330))
        later = day + datetime.timedelta(days=r.randint(5, 30))
        return self.pick(PROVENANCES).format(k=r.randint(10, 400), d=day.strftime("%d/%m/%Y"),
                                              d2=later.strftime("%d/%m/%Y"))


def front_matter(rng):
    province = rng.choice(PROVINCES)
    date = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randint(0, 300))
    authority, title = rng.choice(SIGNERS)
    name = f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"
    recipients = ["Ban Bí thư Trung ương Đảng (để b/c)"]
    recipients += [x for x in ("Ban Tổ chức Trung ương (để b/c)", "Các đồng chí Tỉnh ủy viên",
                               "Các đảng ủy trực thuộc Tỉnh ủy", "Các ban đảng, Văn phòng Tỉnh ủy")
                   if rng.random() < 0.6]
    recipients.append("Lưu Văn phòng Tỉnh ủy")
    lines = [
        "---",
        "kind: nghi-quyet",
        "profile: party",
        "issuer:",
        f"  parent: ĐẢNG BỘ TỈNH {province.upper()}",
        f"  name: TỈNH ỦY {province.upper()}",
        "  code: TU",
        "number:",
        f"place: {province}",
        f"date: {date.isoformat()}",
        f"title: về {rng.choice(TITLE_TOPICS)}",
        "signer:",
        f"  authority: {authority}",
        f"  title: {title}",
        f"  name: {name}",
        "recipients:",
    ] + [f"  - {x}" for x in recipients] + ["---", ""]
    return "\n".join(lines)


def draft_chunks(pages, seed):
    """The text of generate(pages, seed), in pieces (a long draft is written
    without holding it whole)."""
    rng = random.Random(f"duthao-bench/generate/{seed}/{pages}")
    w = Writer(rng)
    target = max(1, pages) * WORDS_PER_PAGE
    yield front_matter(rng)
    opening = [
        "*Căn cứ Điều lệ Đảng Cộng sản Việt Nam;*",
        "*Căn cứ Quy chế làm việc của Ban Chấp hành Đảng bộ tỉnh khóa XX, nhiệm kỳ 2020 - 2025;*",
        "*Xét đề nghị của Ban Tổ chức Tỉnh ủy,*",
        "Ban Thường vụ Tỉnh ủy ban hành Nghị quyết với những nội dung sau:",
    ]
    yield "\n" + "\n\n".join(opening)
    closing = "Nghị quyết này được phổ biến đến chi bộ và đảng viên."
    words = sum(body_words(b) for b in opening) + body_words(closing)
    notes = []
    note_every = 5 * WORDS_PER_PAGE  # about one footnote every five pages
    next_note = min(note_every // 2, target // 2)
    out = []  # blocks not yet handed out

    def add(new):
        nonlocal words, next_note
        for b in new:
            if words >= next_note and b[:1].isupper() and b.endswith(".") and "\n" not in b:
                # a reference on the last word of the paragraph, before its full stop
                notes.append(w.footnote_text())
                b = f"{b[:-1]}[^{len(notes)}]."
                next_note += rng.randint(note_every // 2, note_every * 3 // 2)
                words += body_words(f"[^{len(notes)}]: {notes[-1]}")
            out.append("\n\n" + b)
            words += body_words(b)

    part = 0
    while words < target:
        part += 1
        add([f"# Phần {roman(part)}. {(rng.choice(PART_HEADS) + ' ' + rng.choice(PART_TOPICS)).upper()}"])
        part_end = words + rng.randint(6000, 14000)
        section = 0
        while words < min(part_end, target):
            section += 1
            add([f"## {roman(section)}. {rng.choice(SECTION_TITLES).upper()}"])
            section_end = words + rng.randint(1200, 3000)
            sub = 0
            while words < min(section_end, target):
                sub += 1
                add([f"### {sub}. {rng.choice(SUBSECTION_TITLES)}"])
                sub_end = words + rng.randint(200, 600)
                while words < min(sub_end, target):
                    roll = rng.random()
                    if target - words < 100:  # the last words: a short paragraph
                        add([w.paragraph(1, 2)])
                    elif roll < 0.60:
                        add([w.paragraph()])
                    elif roll < 0.80:
                        add(w.points())
                    elif roll < 0.92:
                        add(w.bullets())
                    elif roll < 0.97:
                        add([w.paragraph(1, 2)])
                    else:
                        add(w.table())
                yield "".join(out)
                out.clear()
    if not notes:  # even a one-page draft has a footnote
        closing = closing[:-1] + "[^1]."
        notes.append(w.footnote_text())
    yield "\n\n" + closing
    for i, t in enumerate(notes, start=1):
        yield f"\n\n[^{i}]: {t}"
    yield "\n"


def generate(pages, seed):
    """One draft of about `pages` * 500 body words; the same arguments give the same text."""
    return "".join(draft_chunks(pages, seed))


# --------------------------------------------------------------------------
# Revision

WORD = re.compile(r"\w")
MARKER = re.compile(r"^(?:-|[a-zđ]\)|\d+\.)$")
TRAIL = re.compile(r"[,;:.!?)]+$")
PROTECTED = set("*[]|`#^")


def is_word(tok):
    return WORD.search(tok) is not None


def count_words(text):
    """Words as bench/diff.sh counts them: whitespace-separated tokens with a letter or digit."""
    return sum(1 for t in text.split() if WORD.search(t))


def stretch_count(old, new):
    """Changed words between two short token lists: per stretch of adjacent
    deletions and insertions of a minimal (LCS) alignment, the larger side."""
    n, m = len(old), len(new)
    lcs = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            lcs[i][j] = lcs[i + 1][j + 1] + 1 if old[i] == new[j] else max(lcs[i + 1][j], lcs[i][j + 1])
    total = dels = ins = 0
    i = j = 0
    while i < n or j < m:
        if i < n and j < m and old[i] == new[j]:
            total += max(dels, ins)
            dels = ins = 0
            i += 1
            j += 1
        elif j < m and (i == n or lcs[i][j + 1] >= lcs[i + 1][j]):
            ins += 1
            j += 1
        else:
            dels += 1
            i += 1
    return total + max(dels, ins)


class Revision:
    """What revise() did, in changed words counted the way bench/diff.sh counts them."""

    KINDS = ("sub", "ins", "del", "move", "para_add", "para_del")
    LABELS = {"sub": "substitutions", "ins": "insertions", "del": "deletions",
              "move": "sentences moved", "para_add": "paragraphs added", "para_del": "paragraphs removed"}

    def __init__(self, body_words, pct):
        self.body_words = body_words
        self.pct = pct
        self.target = round(body_words * pct / 100)
        self.ops = dict.fromkeys(self.KINDS, 0)
        self.words = dict.fromkeys(self.KINDS, 0)
        self.date = None

    @property
    def changed(self):
        return sum(self.words.values())

    def record(self, kind, words):
        self.ops[kind] += 1
        self.words[kind] += words

    def summary(self):
        parts = ", ".join(f"{self.ops[k]} {self.LABELS[k]} ({self.words[k]})" for k in self.KINDS)
        share = 100 * self.changed / max(self.body_words, 1)
        date = f"; date {self.date[0]} -> {self.date[1]}" if self.date else ""
        return (f"revise: {self.body_words} body words, target {self.target} ({self.pct:g}%); "
                f"changed {self.changed} words ({share:.2f}%): {parts}{date}")


class Block:
    """One blank-line-separated chunk of the body, split into tokens only when edited."""
    __slots__ = ("text", "kind", "lines", "touched", "locked", "gone", "after", "_words")

    def __init__(self, text):
        self.text = text
        first = text[:1]
        if first in "#|*" or text.startswith("[^"):
            self.kind = "fixed"      # headings, tables, the preamble, footnote definitions
        elif "\n" in text:
            self.kind = "lines"      # points or bullets, one per line
        elif text.endswith(":"):
            self.kind = "intro"      # leads into points or a table: words only
        else:
            self.kind = "para"
        self.lines = None
        self.touched = None
        self.locked = False          # a paragraph-level edit happened here or next door
        self.gone = False
        self.after = []              # paragraphs added after this one
        self._words = None

    def words(self):
        """Words of the original text."""
        if self._words is None:
            self._words = count_words(self.text)
        return self._words

    def tokens(self):
        if self.lines is None:
            self.lines = [line.split(" ") for line in self.text.split("\n")]
            self.touched = [[False] * len(t) for t in self.lines]
        return self.lines

    def render(self):
        if self.gone:
            out = []
        elif self.lines is None:
            out = [self.text]
        else:
            out = ["\n".join(" ".join(t) for t in self.lines)]
        return out + self.after

    def fresh(self):
        return not self.locked and not self.gone and (self.touched is None or not any(map(any, self.touched)))


def split_draft(text):
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end >= 0:
            return text[:end + 5], text[end + 5:]
    return "", text


def sentences_of(tokens):
    """Token index ranges of the sentences of a one-line paragraph."""
    out, start = [], 0
    for i, t in enumerate(tokens[:-1]):
        nxt = tokens[i + 1].lstrip("*")
        if t.endswith(".") and nxt[:1].isupper():
            out.append((start, i + 1))
            start = i + 1
    out.append((start, len(tokens)))
    return out


class Reviser:
    MARGIN = 2  # untouched tokens kept on each side of an edit

    def __init__(self, blocks, rng, stats):
        self.blocks = blocks
        self.r = rng
        self.stats = stats
        self.editable = [i for i, b in enumerate(blocks) if b.kind != "fixed"]
        self.paras = [i for i in self.editable if blocks[i].kind == "para"]
        self.writer = Writer(rng)
        self.syn = {}
        for group in SYNONYMS:
            for phrase in group:
                toks = phrase.split(" ")
                self.syn.setdefault(toks[0], []).append((toks, [p.split(" ") for p in group if p != phrase]))
        self.dels = {}
        for phrase, after in DELETIONS:
            toks = phrase.split(" ")
            self.dels.setdefault(toks[0], []).append((toks, after))
        self.adverb_starts = {p.split(" ")[0] for p in INSERTIONS + MANNER if p}

    # -- word edits -----------------------------------------------------------
    # Each tries one random line from a random word on and edits the first
    # place that fits; 0 means nothing was done.

    def line(self):
        b = self.blocks[self.r.choice(self.editable)]
        if b.locked or b.gone:
            return None
        li = self.r.randrange(len(b.tokens()))
        return b.lines[li], b.touched[li]

    def free(self, toks, touched, j, width):
        """Tokens j .. j+width-1 and MARGIN on each side exist, are untouched
        and carry no markup (the point or bullet marker is never edited)."""
        first = 1 if MARKER.match(toks[0]) else 0
        if j - self.MARGIN < first or j + width + self.MARGIN > len(toks):
            return False
        for k in range(j - self.MARGIN, j + width + self.MARGIN):
            if touched[k] or not PROTECTED.isdisjoint(toks[k]):
                return False
        return True

    def substitute(self):
        """A phrase by one of its synonyms, or a figure by another."""
        at = self.line()
        if not at:
            return 0
        toks, touched = at
        for j in range(self.r.randrange(len(toks)), len(toks)):
            core = TRAIL.sub("", toks[j])
            for phrase, others in self.syn.get(core, ()):
                n = len(phrase)
                if (j + n > len(toks) or [TRAIL.sub("", t) for t in toks[j:j + n]] != phrase
                        or any(TRAIL.search(t) for t in toks[j:j + n - 1])
                        or not self.free(toks, touched, j, n)):
                    continue
                alt = self.r.choice(others)
                tail = TRAIL.search(toks[j + n - 1])
                new = alt[:-1] + [alt[-1] + (tail.group(0) if tail else "")]
                if new[0] == toks[j - 1] or new[-1] == toks[j + n]:
                    continue  # it would line up with the words around it
                toks[j:j + n] = new
                touched[j:j + n] = [True] * len(new)
                return stretch_count(phrase, alt)
            if re.fullmatch(r"\d[\d.,]*%?", core) and self.free(toks, touched, j, 1):
                if core.endswith("%"):
                    fig = percent(self.r) + "%"
                elif re.fullmatch(r"20\d\d", core):
                    fig = str(self.r.randint(2020, 2030))
                else:
                    fig = thousands(self.r.randint(3, 9800))
                if fig != core:
                    toks[j] = fig + toks[j][len(core):]
                    touched[j] = True
                    return 1
        return 0

    def insert(self):
        """An adverb at the start of a clause, after a comma or a semicolon."""
        at = self.line()
        if not at:
            return 0
        toks, touched = at
        for j in range(self.r.randrange(len(toks)), len(toks) - 1):
            if not toks[j].endswith((",", ";")) or not toks[j + 1][:1].islower():
                continue
            if toks[j + 1] in self.adverb_starts or not self.free(toks, touched, j + 1, 0):
                continue
            phrase = self.r.choice(INSERTIONS).split(" ")
            toks[j + 1:j + 1] = phrase
            touched[j + 1:j + 1] = [True] * len(phrase)
            return len(phrase)
        return 0

    def delete(self):
        """An adverb or a redundant verb left out."""
        at = self.line()
        if not at:
            return 0
        toks, touched = at
        for j in range(self.r.randrange(len(toks)), len(toks)):
            for phrase, after in self.dels.get(toks[j], ()):
                n = len(phrase)
                if (toks[j:j + n] != phrase or j + n >= len(toks) or not is_word(toks[j + n])
                        or (after is not None and toks[j + n] != after)
                        or not self.free(toks, touched, j, n)):
                    continue
                del toks[j:j + n]
                del touched[j:j + n]
                touched[j - 1] = touched[j] = True  # nothing else edited at the seam
                return n
        return 0

    # -- paragraph edits ------------------------------------------------------

    def _para(self, room):
        """A random untouched plain paragraph of at most `room` words."""
        i = self.r.choice(self.paras)
        b = self.blocks[i]
        if not b.fresh() or "[^" in b.text or b.words() > room:
            return None
        return i

    def _lock(self, *idx):
        for i in idx:
            if 0 <= i < len(self.blocks):
                self.blocks[i].locked = True

    def move(self, room):
        """A sentence moved in its paragraph, or into a paragraph nearby: 2n words."""
        i = self._para(10 ** 9)
        if i is None:
            return 0
        b = self.blocks[i]
        toks = b.tokens()[0]
        sents = sentences_of(toks)
        if len(sents) < 2:
            return 0
        s = self.r.randrange(len(sents))
        lo, hi = sents[s]
        moved = toks[lo:hi]
        n = count_words(" ".join(moved))
        if 2 * n > room or not moved[-1].endswith("."):
            return 0
        rest = [toks[a:z] for a, z in sents[:s] + sents[s + 1:]]
        # places in the same paragraph that jump over at least twice its words,
        # so that a minimal diff sees it moved rather than its neighbours
        places = []
        for p in range(len(rest) + 1):
            between = rest[p:s] if p < s else rest[s:p]
            if sum(map(len, between)) >= 2 * n + 4:
                places.append(p)
        if places:
            p = self.r.choice(places)
            rest.insert(p, moved)
            b.lines[0] = [t for part in rest for t in part]
            b.touched[0] = [True] * len(b.lines[0])
            self._lock(i)
            return 2 * n
        # into another paragraph within a few blocks, at one of its sentence ends
        near = [k for k in range(max(0, i - 12), min(len(self.blocks), i + 13))
                if k != i and self.blocks[k].kind == "para"]
        near = [k for k in near if self.blocks[k].fresh() and "[^" not in self.blocks[k].text]
        if not near:
            return 0
        k = self.r.choice(near)
        target = self.blocks[k].tokens()[0]
        ends = [z for _, z in sentences_of(target) if target[z - 1].endswith(".")]
        if not ends:
            return 0
        z = self.r.choice(ends)
        target[z:z] = moved
        self.blocks[k].touched[0] = [True] * len(target)
        b.lines[0] = [t for part in rest for t in part]
        b.touched[0] = [True] * len(b.lines[0])
        self._lock(i, k)
        return 2 * n

    def add_paragraph(self, room):
        i = self.r.choice(self.editable)
        if i + 1 >= len(self.blocks):
            return 0
        here, nxt = self.blocks[i], self.blocks[i + 1]
        if not here.fresh() or nxt.locked or nxt.gone or here.after or here.kind == "intro":
            return 0
        text = self.writer.paragraph(1, 3)
        n = count_words(text)
        if n > room:
            return 0
        here.after.append(text)
        self._lock(i, i + 1)
        return n

    def remove_paragraph(self, room):
        i = self._para(room)
        if i is None or i == 0 or i + 1 >= len(self.blocks):
            return 0
        prev, nxt = self.blocks[i - 1], self.blocks[i + 1]
        if prev.locked or nxt.locked or prev.gone or nxt.gone or prev.after:
            return 0
        self.blocks[i].gone = True
        self._lock(i - 1, i, i + 1)
        return self.blocks[i].words()

    # -- the plan ---------------------------------------------------------------

    def run(self):
        st = self.stats
        budget = st.target
        if not self.editable or budget <= 0:
            return
        # coarse edits first, each kind up to its share of the budget, then
        # insertions and deletions, then substitutions up to the whole budget
        plan = [("move", 0.14), ("para_add", 0.10), ("para_del", 0.10),
                ("ins", 0.15), ("del", 0.14), ("sub", 1.0)]
        coarse = {"move": self.move, "para_add": self.add_paragraph, "para_del": self.remove_paragraph}
        fine = {"ins": self.insert, "del": self.delete, "sub": self.substitute}
        # tries in a row that find no place before a kind of edit gives up
        # (the draft is full, or too short for it)
        patience = min(5000, 20 + 4 * len(self.editable))
        for kind, share in plan:
            goal = budget if kind == "sub" else min(budget, st.changed + round(budget * share))
            if kind in coarse and goal - st.changed < 20:
                continue  # no room for a sentence or a paragraph in so small a share
            misses = 0
            while st.changed < goal and misses < patience:
                room = goal - st.changed + 5  # a coarse edit may overshoot its share a little
                got = coarse[kind](room) if kind in coarse else fine[kind]()
                if got:
                    st.record(kind, got)
                    misses = 0
                else:
                    misses += 1


def revise(text, pct, seed):
    """A revised copy of a draft with about `pct` % of its body words changed.
    Returns (text, Revision)."""
    text = nfc(text)
    head, body = split_draft(text)
    rng = random.Random(f"duthao-bench/revise/{seed}/{pct}/{zlib.crc32(text.encode('utf-8'))}")
    blocks = [Block(t) for t in body.strip("\n").split("\n\n")]
    stats = Revision(count_words(body), pct)
    Reviser(blocks, rng, stats).run()

    def later(m):
        old = datetime.date.fromisoformat(m.group(1))
        new = old + datetime.timedelta(days=rng.randint(7, 30))
        stats.date = (old.isoformat(), new.isoformat())
        return m.group(0).replace(m.group(1), new.isoformat())
    head = re.sub(r"(?m)^date:\s*(\d{4}-\d{2}-\d{2})\s*$", later, head, count=1)
    out = [part for b in blocks for part in b.render()]
    return nfc(head + "\n" + "\n\n".join(out) + "\n"), stats


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", nargs="?", help="the draft to revise (with --revise)")
    ap.add_argument("--pages", type=int, default=10, help="pages to generate, about 500 words each (default 10)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--revise", type=float, metavar="PCT", help="write a copy of INPUT with about PCT %% of its body words changed")
    ap.add_argument("-o", "--output", help="file to write (default: standard output)")
    a = ap.parse_args()
    if a.revise is not None:
        if not a.input:
            ap.error("--revise needs an INPUT file")
        if not 0 <= a.revise <= 100:
            ap.error("--revise takes a percentage between 0 and 100")
        with open(a.input, encoding="utf-8") as f:
            out, stats = revise(f.read(), a.revise, a.seed)
        print(stats.summary(), file=sys.stderr)
    else:
        if a.input:
            ap.error("INPUT is only read with --revise")
        if a.pages < 1:
            ap.error("--pages must be at least 1")
        out = draft_chunks(a.pages, a.seed)
    if a.output:
        f = open(a.output, "w", encoding="utf-8", newline="\n")
    else:
        f = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
    size = words = 0
    with f:
        for i, chunk in enumerate([out] if isinstance(out, str) else out):
            f.write(chunk)
            size += len(chunk.encode("utf-8"))
            if i > 0:  # after the front matter
                words += body_words(chunk)
    if a.revise is None:
        print(f"generate: {a.pages} page{'s' if a.pages != 1 else ''}, {words} body words, {size} bytes",
              file=sys.stderr)

if __name__ == "__main__":
    main()
