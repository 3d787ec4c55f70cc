#!/usr/bin/env python3
"""Writes the hand-made seed drafts (seeds/) and fills corpus/<target>/ with
them and with the bundled example drafts (../drafts/*/v*.md).

The reader and docx targets get each draft alone; the diff target gets pairs
FROM 0xFF TO (consecutive versions of each example, and each seed against a
light edit of itself). A seed without front matter is read by the targets
after a fixed valid one (see src/lib.rs), so most seeds are bodies only.

Run from fuzz/: python3 make_corpus.py
"""

import glob
import hashlib
import os
import unicodedata

FRONT_FULL = """---
kind: nghi-quyet
profile: party
issuer:
  parent: ĐẢNG BỘ TỈNH THÁI NGUYÊN
  name: TỈNH ỦY THÁI NGUYÊN
  code: TU
number: 15
place: Thái Nguyên
date: 2026-01-05
title: về tăng cường công tác tổ chức xây dựng Đảng năm 2026
signer:
  authority: T/M BAN THƯỜNG VỤ
  title: BÍ THƯ
  name: Nguyễn Văn A
recipients:
  - Ban Tổ chức Trung ương (để b/c)
  - Lưu Văn phòng Tỉnh ủy
---

"""

SEEDS = {
    "table.md": """| STT | Chỉ tiêu | Năm 2025 |
|---|:---:|--:|
| 1 | Kết nạp **đảng viên** | 2.150 |
| 2 | Tổ chức cơ sở đảng[^1] | 1.204 |
| 3 | `mã` \\| ống | |

[^1]: Số liệu của Ban Tổ chức.
""",
    "table-ragged.md": """| A | B |
|---|---|
| 1 | 2 | 3 |
| x |
""",
    "footnote-self.md": "Có chú thích[^1].\n\n[^1]: Xem chú thích [^1] này.\n",
    "footnote-cycle.md": "Bắt đầu[^a] và[^b].\n\n[^a]: Xem [^b].\n\n[^b]: Xem [^a].\n\n[^c]: Không ai trích.\n",
    "footnote-missing.md": "Trích chú thích không có[^x] và [^].\n",
    "lists-nested.md": """a) Công tác tổ chức được kiện toàn;
b) Công tác cán bộ được đổi mới;
đ) Công tác kiểm tra được tăng cường.

- Thứ nhất, hoàn thiện thể chế;
- Thứ hai, nâng cao chất lượng:
  - đội ngũ cán bộ cơ sở;
    1. cấp xã;
       - thôn, tổ dân phố;
  - đảng viên trẻ.

1. Rà soát quy hoạch.
2. Đánh giá cán bộ.
   > trích dẫn trong danh sách
10) Mười.
""",
    "quotes.md": "> Đảng ta là đạo đức, là văn minh.\n>\n> > Trích lồng *nghiêng*.\n> - mục trong trích dẫn\n\n>\n",
    "code.md": "```\nMã số: TU-2026-015\n\n\n<w:t>&amp;</w:t> ]]> \"'\n```\n\n~~~rust\nfn main() {}\n~~~\n\n    thụt lề bốn dấu cách\n\n```\nkhông đóng\n",
    "links.md": "Xem [cổng](https://thainguyen.gov.vn \"tiêu đề\"), [thư](mailto:vp@tu.vn), [mã](javascript:alert(1)), <https://a.vn/?x=1&y=<2>>, ![ảnh](a.png), [tham chiếu][r] và [tương đối](../bi-mat.docx).\n\n[r]: https://example.vn/\"&<>\n",
    "controls.md": "Đoạn một\x0c có ký tự điều khiển\x1b[2J và \x07chuông.\n\nĐoạn hai \ufffe\uffff có\x00 ký tự lạ \x01\x02\x7f\x85\u2028\u2029.\n\n| A | B\x01 |\n|---|---|\n| x\x0b | y |\n",
    "nfd.md": unicodedata.normalize("NFD", "# Điều 1. Phạm vi điều chỉnh\n\nNghị quyết này áp dụng đối với các cấp ủy trực thuộc; Tiếng Việt có dấu: ắ ằ ẳ ẵ ặ ố ồ ổ ỗ ộ ứ ừ ử ữ ự.\n") + "a\u0301\u0323 e\u0302\u0303 \u0300đầu\n",
    "crlf.md": "Dòng một\r\ntiếp theo.\r\n\r\n# Điều 2. Hiệu lực\r\n\r\n- mục\r\n- mục hai\r\n\r\nKết thúc\rlẻ.\r\n",
    "headings.md": """# Phần I. ĐÁNH GIÁ TÌNH HÌNH

## Chương I. KẾT QUẢ

### Điều 1. Phạm vi điều chỉnh

Nội dung.

## I. TÌNH HÌNH CHUNG

### 1. Kết quả đạt được

#### 1.1. Chi tiết

##### a) Mục nhỏ

###### Sáu

Mục A
=====

Mục B
-----

Điều 2. Không phải tiêu đề.
""",
    "inline.md": "**đậm *nghiêng* lồng** ~~gạch~~ `mã` ^trên^ ~dưới~ H~2~O x^2^ ***cả hai*** __gạch dưới__ \\*không\\* &amp; &#8212; &nbsp; <b>html</b> <!-- chú thích -->\n\nDòng  \ncứng\\\nngắt.\n\n***\n\n---\n",
    "html-block.md": "<div>\n<p>khối HTML</p>\n</div>\n\n<script>alert(1)</script>\n",
    "empty-ish.md": "\u200b\n",
    "long-word.md": ("x" * 2000) + "\n\n" + ("ừ " * 500) + "\n",
}

# Whole drafts, front matter included.
FULL = {
    "front-minimal.md": "---\nkind: x\nissuer:\n  name: A\ntitle: b\n---\nc\n",
    "front-odd.md": "---\nkind: quyet-dinh\nprofile: state\nissuer: {name: \"ỦY BAN\\tNHÂN DÂN\", code: ''}\nnumber: \"07\"\ndate: 2026-02-29\ntitle: &t \"Về việc: ban hành \\e[31m\"\nsigner: {authority: '', title: CHỦ TỊCH, name: *t}\nrecipients: Như Điều 3\nextra_key: [1, 2.5, .nan, ~]\n...\nThân văn bản.\n",
    "front-bom-crlf.md": "\ufeff---\r\nkind: nghi-quyet\r\nissuer:\r\n  name: TỈNH ỦY\r\ntitle: về x\r\nrecipients:\r\n  -\r\n  - ''\r\n---\r\n\r\nNội dung.\r\n",
    "front-only.md": "---\nkind: a\n---\n",
    "no-front.md": "Không có phần đầu.\n",
    "unclosed.md": "---\nkind: a\ntitle: b\n",
    "full-all.md": FRONT_FULL + "*Căn cứ Điều lệ Đảng;*\n\nBan Thường vụ Tỉnh ủy **quyết nghị** như sau, theo [Cổng](https://example.vn/tin)[^1].\n\n# Điều 1. Phạm vi\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> Trích.\n\n```\nmã\n```\n\n---\n\nKết thúc.\n\n[^1]: Chú thích.\n",
}


def edit(text: str) -> str:
    """A light edit: a word added, a line dropped, two lines swapped."""
    lines = text.split("\n")
    n = len(lines)
    if n > 2:
        lines[n // 2] = "sửa đổi " + lines[n // 2]
        lines.insert(1, lines.pop(n - 2))
    return "\n".join(lines) + "\nĐoạn mới thêm.\n"


def write(dirname: str, data: bytes) -> None:
    os.makedirs(dirname, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(dirname, name), "wb") as f:
        f.write(data)


def main() -> None:
    os.makedirs("seeds", exist_ok=True)
    seeds = {}
    for name, text in list(SEEDS.items()) + list(FULL.items()):
        data = text.encode("utf-8")
        with open(os.path.join("seeds", name), "wb") as f:
            f.write(data)
        seeds[name] = data
    examples = {}
    for path in sorted(glob.glob("../drafts/*/v*.md")):
        with open(path, "rb") as f:
            examples[path] = f.read()
    for data in list(seeds.values()) + list(examples.values()):
        write("corpus/reader", data)
        write("corpus/docx", data)
    # Diff pairs.
    by_doc = {}
    for path, data in examples.items():
        by_doc.setdefault(os.path.dirname(path), []).append(data)
    for versions in by_doc.values():
        for a, b in zip(versions, versions[1:]):
            write("corpus/diff", a + b"\xff" + b)
            write("corpus/docx", a + b"\xff" + b)
    for data in seeds.values():
        text = data.decode("utf-8")
        write("corpus/diff", data + b"\xff" + edit(text).encode("utf-8"))
        write("corpus/diff", data + b"\xff" + data)


if __name__ == "__main__":
    main()
