#!/usr/bin/env bash
# Hostile drafts: shapes of input that make a Markdown reader, a differ or a
# DOCX writer blow up in time or memory. Each is run through the release
# binary's redline (JSON, HTML, DOCX: two files, one word apart) and, inside a
# workspace, `status` and `export`; the table gives the file's size, the wall
# time, the peak RSS and RSS over the file's size of every command.
#
#   bench/hostile.sh
#   TIMEOUT=300 bench/hostile.sh       # seconds before a command counts as hung (default 120)
#
# The drafts:
#   fence      a 2 MB code fence never closed (~100,000 short lines after "```")
#   table      a table of 200,000 rows (| i | x |)
#   footnotes  50,000 paragraphs "Câu i[^i]." and their 50,000 definitions
#   paras-4m   4,000,000 paragraphs "a": more lines than a draft of its size may
#              have, so every command must refuse it, with an error naming the
#              limit, quickly and in little memory ("refused", not a crash)
#   para-5mb   one paragraph of 5 MB
# Results: "ok" (exit 0), "refused (exit N)" (stopped with an error, printed
# below the table), "CRASH (signal N)" or "TIMEOUT". The script exits 1 if
# anything crashed, hung, or ended other than expected (paras-4m refused with
# exit 1, everything else ok).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TIMEOUT=${TIMEOUT:-120}

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cargo build --release --quiet
. bench/release-dir.sh
BIN=$RELEASE/duthao

export HOME="$WORK/home" GIT_CONFIG_GLOBAL="$WORK/home/.gitconfig" GIT_CONFIG_NOSYSTEM=1
export DUTHAO_AUTHOR_NAME="Người Đo" DUTHAO_AUTHOR_EMAIL="do@example.vn"
mkdir -p "$HOME"
"$BIN" init "$WORK/ws" --no-example >/dev/null

# The drafts, each with a copy one word apart: every draft holds the word
# "gốc" once, its copy "mới" there instead.
mkdir -p "$WORK/files"
python3 - "$WORK/files" <<'PY'
import os, sys

FILES = sys.argv[1]
HEAD = """---
kind: nghi-quyet
profile: party
issuer:
  parent: ĐẢNG BỘ TỈNH THÁI NGUYÊN
  name: TỈNH ỦY THÁI NGUYÊN
  code: TU
number:
place: Thái Nguyên
date: 2026-03-02
title: về thử văn bản bất thường
signer:
  authority: T/M BAN THƯỜNG VỤ
  title: BÍ THƯ
  name: Nguyễn Văn A
recipients:
  - Lưu Văn phòng Tỉnh ủy
---

"""
OPENING = "Dự thảo bản gốc để thử giới hạn của công cụ.\n\n"


def fence():
    yield HEAD + OPENING + "```\n"
    for i in range(100_000):
        yield f"giá trị số {i:07d}\n"


def table():
    yield HEAD + OPENING + "| i | x |\n|---|---|\n"
    for i in range(1, 200_001):
        yield f"| {i} | x |\n"


def footnotes():
    yield HEAD + OPENING
    for i in range(1, 50_001):
        yield f"Câu {i}[^{i}].\n\n"
    for i in range(1, 50_001):
        yield f"[^{i}]: Chú thích {i}.\n\n"


def paras_4m():
    yield HEAD + OPENING
    block = "a\n\n" * 10_000
    for _ in range(400):
        yield block


def para_5mb():
    sentence = ("Các cấp ủy, tổ chức đảng tiếp tục quán triệt, triển khai thực hiện nghiêm túc "
                "các nghị quyết, chỉ thị, kết luận của Trung ương về công tác xây dựng Đảng. ")
    half = sentence * (5_000_000 // 2 // len(sentence.encode()))
    # one line, with the word to change in the middle of it
    yield HEAD + half + "Bản gốc. " + half.rstrip() + "\n"


for name, make in [("fence", fence), ("table", table), ("footnotes", footnotes),
                   ("paras-4m", paras_4m), ("para-5mb", para_5mb)]:
    text = "".join(make())
    assert text.count("gốc") == 1, name
    for path, body in ((f"{name}.md", text), (f"{name}.changed.md", text.replace("gốc", "mới"))):
        with open(os.path.join(FILES, path), "w", encoding="utf-8", newline="\n") as f:
            f.write(body)
PY

# run LABEL COMMAND...: one row of the table. Wall time and peak RSS from GNU
# time (a small parent, so its own memory does not count in the child's peak);
# after TIMEOUT seconds the command and its children are killed.
bad=0
run() {
    local label=$1; shift
    local result wall kb msg
    : >"$WORK/time.txt"
    set +e
    timeout -s KILL "$TIMEOUT" /usr/bin/time -f '%e %M' -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/stderr.txt"
    local code=$?
    set -e
    read -r wall kb < <(tail -n 1 "$WORK/time.txt") || true
    msg=$(grep -m 1 . "$WORK/stderr.txt" || true)
    if grep -q '^Command terminated by signal' "$WORK/time.txt"; then
        result="CRASH ($(grep -m 1 -o 'signal [0-9]*' "$WORK/time.txt"))"
    elif [ "$code" -eq 137 ] && [ -z "${kb:-}" ]; then
        result=TIMEOUT wall=$TIMEOUT kb=0
    elif [ "$code" -eq 0 ]; then
        result=ok
    else
        result="refused (exit $code)"
    fi
    local expected=ok
    [ "$name" = paras-4m ] && expected="refused (exit 1)"
    [ "$result" = "$expected" ] || bad=$((bad + 1))
    printf '%-10s %9.2f  %-10s %-16s %8.2f %14.1f %9.1fx\n' "$name" "$(echo "$size / 1000000" | bc -l)" \
        "$label" "$result" "$wall" "$(echo "$kb / 1024" | bc -l)" "$(echo "$kb * 1024 / $size" | bc -l)"
    if [ "$result" != ok ] && [ -n "$msg" ]; then
        echo "$name: ${msg//$WORK\//}" >>"$WORK/messages.txt"
    fi
}

printf '%-10s %9s  %-10s %-16s %8s %14s %10s\n' draft "size (MB)" command result "wall (s)" "peak RSS (MiB)" "RSS / file"
for name in fence table footnotes paras-4m para-5mb; do
    f=$WORK/files/$name.md
    g=$WORK/files/$name.changed.md
    size=$(stat -c %s "$f")
    cp "$f" "$WORK/ws/drafts/$name.md"
    run "diff json" "$BIN" diff --files "$f" "$g" --format json -o "$WORK/out.json"
    run "diff html" "$BIN" diff --files "$f" "$g" --format html -o "$WORK/out.html"
    run "diff docx" "$BIN" diff --files "$f" "$g" --format docx -o "$WORK/out.docx"
    run "status" "$BIN" -C "$WORK/ws" status "$name"
    run "export" "$BIN" -C "$WORK/ws" export "$name" --working -o "$WORK/export.docx"
done
if [ -s "$WORK/messages.txt" ]; then
    echo
    uniq "$WORK/messages.txt"
fi
if [ "$bad" -gt 0 ]; then
    echo "$bad command(s) did not end as expected" >&2
    exit 1
fi
