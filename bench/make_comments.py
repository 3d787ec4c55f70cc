#!/usr/bin/env python3
"""Writes the review of a draft for benchmarks: N comments from the bodies in
duthao.toml, anchored in real blocks of v1 and v2, most of them answered,
some with replies, a few bodies agreeing (thống nhất). The event files are
written straight under reviews/SLUG/ in the layout `duthao comment add`,
`reply`, `respond` and `agree` write (crates/duthao-review/src/event.rs:
a header line, then serde_yaml_ng's YAML of the event, NFC), named by their
ids (id.rs: a ULID in lower-case Crockford base 32), and committed in one
git commit with the git CLI (so building them takes seconds, not the hours
10,000 `duthao comment add`s would).

    python3 bench/make_comments.py WS SLUG                 # 8,000 on v1, 2,000 on v2
    python3 bench/make_comments.py WS SLUG --comments 10000 --on-v2 2000 --seed 1 \\
        --dump-blocks target/x86_64-unknown-linux-gnu/release/examples/dump_blocks

The draft must have versions v1 and v2 (tags duthao/SLUG/vN). Anchors come
from `dump_blocks FILE --json` (examples/dump_blocks.rs: the reader's
blocks with their index, structural path, fingerprint and plain text) run on
each version's text: a comment names its block's path, index and
fingerprint, and about 40 % quote a passage of it that occurs once in the
block, with the passage's UTF-8 byte offsets in the block's text. The same
workspace and arguments always give the same files (times start at --start,
ids take their random part from the seed). Python 3.11 standard library only.
"""
import argparse
import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import tomllib
import unicodedata
from pathlib import Path

HEADER = "# duthao review event (docs/review-events.md): written once, never edited\n"
CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def nfc(s):
    return unicodedata.normalize("NFC", s)


# ---------------------------------------------------------------- YAML --
# serde_yaml_ng writes a string plain unless it would read back as something
# else (null, a bool, a number, a string of leading-zero digits): then in
# single quotes; libyaml also quotes what may not be plain (indicators first,
# ": " or " #" inside, spaces at the ends). Only the second case can arise
# from the texts written here (fingerprints that are all digits, or digits
# with one e); both are handled.
INT = re.compile(r"[-+]?(0|[1-9][0-9]*|0x[0-9a-fA-F]+|0o[0-7]+|0b[01]+)$")
FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$"
                   r"|[-+]?\.(inf|Inf|INF)$|\.(nan|NaN|NAN)$|[-+]?(inf|infinity|nan)$", re.I)
INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")


def scalar(s):
    if "\n" in s:
        raise ValueError(f"no multi-line strings here: {s!r}")
    reads_as_other = (
        s in ("", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE")
        or INT.match(s) or FLOAT.match(s)
        or re.match(r"[-+]?0[0-9]+$", s)
    )
    not_plain = (s[0] in INDICATORS or s[0] == " " or s[-1] == " " or s[-1] == ":"
                 or ": " in s or " #" in s or "\t" in s)
    if reads_as_other or not_plain:
        return "'" + s.replace("'", "''") + "'"
    return s


def emit(fields, indent=""):
    """fields: list of (key, value); value a str, int, or a nested list."""
    out = []
    for k, v in fields:
        if v is None:
            continue
        if isinstance(v, list):
            out.append(f"{indent}{k}:\n")
            out.append(emit(v, indent + "  "))
        elif isinstance(v, int):
            out.append(f"{indent}{k}: {v}\n")
        else:
            out.append(f"{indent}{k}: {scalar(v)}\n")
    return "".join(out)


# ----------------------------------------------------------- ids, times --
def event_id(millis, rng):
    """id.rs: 10 characters of milliseconds, 16 of 80 random bits."""
    head = "".join(CROCKFORD[(millis >> (5 * i)) & 31] for i in range(9, -1, -1))
    bits = rng.getrandbits(80)
    tail = "".join(CROCKFORD[(bits >> (5 * i)) & 31] for i in range(15, -1, -1))
    return head + tail


def stamp(t):
    """event.rs Stamp: RFC 3339 with the offset, whole seconds."""
    s = t.isoformat()
    return s[:-6] + "Z" if s.endswith("+00:00") else s


def millis(t):
    return int(t.timestamp()) * 1000


# ---------------------------------------------------------------- texts --
COMMENTS = [
    "Đề nghị làm rõ nội dung này, bảo đảm phù hợp với thực tiễn của địa phương",
    "Đề nghị bổ sung chỉ tiêu cụ thể và lộ trình thực hiện đến năm 2030",
    "Đề nghị rà soát lại số liệu, bảo đảm thống nhất với báo cáo tổng kết",
    "Nội dung còn chung chung, đề nghị cụ thể hóa nhiệm vụ của từng cơ quan",
    "Đề nghị bỏ đoạn này vì trùng với nội dung ở phần trước",
    "Đề nghị xem xét lại mốc thời gian hoàn thành cho phù hợp",
    "Đề nghị bổ sung trách nhiệm của người đứng đầu cấp ủy",
    "Cần làm rõ cơ quan chủ trì và cơ quan phối hợp",
    "Đề nghị sắp xếp lại bố cục cho chặt chẽ, logic hơn",
    "Đề nghị thay cụm từ này cho đúng với quy định của Điều lệ Đảng",
    "Thống nhất về cơ bản, đề nghị chỉnh sửa câu chữ cho gọn",
    "Đề nghị bổ sung giải pháp về nguồn lực tài chính và nhân lực",
]
PROPOSALS = [
    "tăng cường lãnh đạo, chỉ đạo",
    "đến hết năm 2030",
    "bảo đảm thực chất, hiệu quả",
    "các cấp ủy, tổ chức đảng",
    "kịp thời, đúng quy định",
]
ANSWERS = {
    "accept": ["Đã tiếp thu, chỉnh sửa tại dự thảo lần sau", "Tiếp thu và bổ sung vào dự thảo"],
    "partial": ["Tiếp thu phần số liệu; mốc thời gian giữ như dự thảo vì đã thống nhất tại hội nghị",
                "Tiếp thu một phần, phần còn lại đã có ở mục khác"],
    "explain": ["Xin giải trình: nội dung này đã được quy định tại văn bản của Trung ương",
                "Giữ như dự thảo vì phù hợp với chỉ đạo của Ban Thường vụ"],
}
REPLIES = [
    "Đề nghị Ban soạn thảo xem xét thêm",
    "Cơ quan soạn thảo đã ghi nhận, sẽ báo cáo Thường trực",
    "Đồng ý với ý kiến này",
    "Đề nghị trao đổi trực tiếp tại hội nghị",
]
DRAFTER = [("name", "Tổ biên tập"), ("email", "tobientap@example.vn")]
RECORDER = [("name", "Văn thư Văn phòng"), ("email", "vanthu@example.vn")]

# a passage to quote: 2 to 6 whole words made of letters and digits only
WORD = re.compile(r"[^\W_]+")


def pick_quote(text, rng):
    words = list(WORD.finditer(text))
    if len(words) < 3:
        return None
    for _ in range(8):
        n = rng.randint(2, 6)
        if n > len(words):
            continue
        i = rng.randrange(len(words) - n + 1)
        run = words[i:i + n]
        # words separated by single spaces only (no punctuation inside)
        if any(text[a.end():b.start()] != " " for a, b in zip(run, run[1:])):
            continue
        start_c, end_c = run[0].start(), run[-1].end()
        q = text[start_c:end_c]
        if text.count(q) != 1:
            continue
        start = len(text[:start_c].encode("utf-8"))
        return (q, start, start + len(q.encode("utf-8")))
    return None


# --------------------------------------------------------------- blocks --
def blocks_of(ws, slug, n, dump_blocks):
    text = subprocess.run(["git", "-C", ws, "show", f"duthao/{slug}/v{n}:drafts/{slug}.md"],
                          check=True, capture_output=True).stdout
    with tempfile.NamedTemporaryFile(suffix=".md", delete=False) as f:
        f.write(text)
        name = f.name
    try:
        out = subprocess.run(dump_blocks + [name, "--json"], check=True,
                             capture_output=True).stdout
    finally:
        os.unlink(name)
    blocks = json.loads(out)
    if not blocks:
        sys.exit(f"v{n} of {slug} has no blocks")
    return blocks


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ws", help="the workspace (the git repository's top folder)")
    ap.add_argument("slug")
    ap.add_argument("--comments", type=int, default=10000, help="comments in all (default 10000)")
    ap.add_argument("--on-v2", type=int, default=2000, help="of which on v2; the rest on v1 (default 2000)")
    ap.add_argument("--answered", type=float, default=0.7, help="share answered (default 0.7)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", default="2026-12-01T08:00:00+07:00",
                    help="time of the first event (default 2026-12-01T08:00:00+07:00)")
    ap.add_argument("--dump-blocks", default=None,
                    help="the dump_blocks example binary (default: cargo run --release --example dump_blocks)")
    a = ap.parse_args()
    ws, slug = a.ws, a.slug
    if not 0 <= a.on_v2 <= a.comments:
        ap.error("--on-v2 must be between 0 and --comments")
    rng = random.Random(a.seed)
    dump = [a.dump_blocks] if a.dump_blocks else ["cargo", "run", "--release", "--quiet",
                                                  "--example", "dump_blocks", "--"]

    config = tomllib.loads(Path(ws, "duthao.toml").read_text(encoding="utf-8"))
    bodies = [(nfc(b["name"]), b["level"]) for b in config.get("bodies", [])]
    if len(bodies) < 6:
        sys.exit(f"{ws}/duthao.toml lists {len(bodies)} bodies; add some (bench/comments.sh adds 40)")
    # a few bodies send no comments and agree instead (thống nhất)
    agreeing = bodies[-3:]
    commenting = bodies[:-3]

    blocks = {1: blocks_of(ws, slug, 1, dump), 2: blocks_of(ws, slug, 2, dump)}
    folder = Path(ws, "reviews", slug)
    folder.mkdir(parents=True, exist_ok=True)

    t0 = dt.datetime.fromisoformat(a.start)
    # v1's comments over its first 14 days, v2's over the 14 after; answers
    # come later in each window
    window = dt.timedelta(days=14)
    files = {}
    counts = {"comment": 0, "response": 0, "reply": 0, "agreement": 0, "quoted": 0}

    def add(kind, t, fields):
        eid = event_id(millis(t), rng)
        text = HEADER + emit([("event", kind), ("id", eid)] + fields)
        files[eid + ".yaml"] = nfc(text)
        counts[kind] += 1
        return eid

    plan = [1] * (a.comments - a.on_v2) + [2] * a.on_v2
    for k, version in enumerate(plan):
        first = k if version == 1 else k - (a.comments - a.on_v2)
        total = (a.comments - a.on_v2) if version == 1 else a.on_v2
        base = t0 + (window if version == 2 else dt.timedelta(0))
        t = base + dt.timedelta(seconds=int(first * window.total_seconds() * 0.6 / max(total, 1)))
        body, level = rng.choice(commenting)
        anchor = None
        if rng.random() >= 0.02:  # 2 % on the draft as a whole
            b = rng.choice(blocks[version])
            anchor = [("path", b["path"]), ("block", b["index"]), ("fingerprint", b["fingerprint"])]
            if rng.random() < 0.4:
                q = pick_quote(b["text"], rng)
                if q:
                    anchor.append(("quote", [("text", q[0]), ("start", q[1]), ("end", q[2])]))
                    counts["quoted"] += 1
        letter = rng.random() < 0.3
        source = [("via", "letter"),
                  ("letter", f"Số {rng.randint(1, 300)}-CV/ĐU, ngày {rng.randint(1, 28):02d}/11/2026")] \
            if letter else [("via", "typed")]
        cid = add("comment", t, [
            ("draft", slug), ("version", version), ("level", level), ("body", body),
            ("author", RECORDER), ("time", stamp(t)), ("anchor", anchor),
            ("text", rng.choice(COMMENTS)),
            ("proposal", rng.choice(PROPOSALS) if rng.random() < 0.2 else None),
            ("source", source),
        ])
        later = base + window * 0.6 + dt.timedelta(seconds=first * 7 % int(window.total_seconds() * 0.4))
        if rng.random() < 0.15:
            tr = t + dt.timedelta(hours=rng.randint(1, 48))
            add("reply", tr, [("comment", cid), ("author", DRAFTER), ("time", stamp(tr)),
                              ("text", rng.choice(REPLIES))])
        if rng.random() < a.answered:
            decision = rng.choices(["accept", "partial", "explain"], [6, 2, 2])[0]
            rid = add("response", later, [
                ("comment", cid), ("author", DRAFTER), ("time", stamp(later)),
                ("decision", decision), ("text", rng.choice(ANSWERS[decision])),
            ])
            if rng.random() < 0.02:  # answered again, superseding the first answer
                t2 = later + dt.timedelta(days=1)
                add("response", t2, [
                    ("comment", cid), ("author", DRAFTER), ("time", stamp(t2)),
                    ("decision", "explain"), ("text", rng.choice(ANSWERS["explain"])),
                    ("supersedes", rid),
                ])
    for version in (1, 2):
        for body, level in agreeing:
            t = t0 + (window if version == 2 else dt.timedelta(0)) + dt.timedelta(days=3)
            add("agreement", t, [
                ("draft", slug), ("version", version), ("level", level), ("body", body),
                ("author", RECORDER), ("time", stamp(t)),
                ("source", [("via", "letter"), ("letter", f"Số {rng.randint(1, 300)}-CV/ĐU, ngày 20/11/2026")]),
            ])

    for name, text in files.items():
        p = folder / name
        with open(p, "x", encoding="utf-8", newline="\n") as f:  # never over another file
            f.write(text)
    rel = f"reviews/{slug}"
    subprocess.run(["git", "-C", ws, "add", "--", rel], check=True)
    msg = (f"Review of {slug}: {counts['comment']} comments, {counts['response']} responses, "
           f"{counts['reply']} replies, {counts['agreement']} agreements (bench/make_comments.py)\n\n"
           f"Duthao-Draft: {slug}\n")
    subprocess.run(["git", "-C", ws, "commit", "-q", "-m", msg, "--", rel], check=True)
    print(f"{ws}: {len(files)} event files under {rel}/: {counts['comment']} comments "
          f"({a.comments - a.on_v2} on v1, {a.on_v2} on v2; {counts['quoted']} quoting a passage), "
          f"{counts['response']} responses, {counts['reply']} replies, "
          f"{counts['agreement']} agreements", file=sys.stderr)


if __name__ == "__main__":
    main()
