#!/usr/bin/env bash
# A 50 MB draft must work (issue 2 §9): status, commit and submit in a release
# build, timed. tests/cli_bad_input.rs (a_50_mb_draft_works) checks the same
# in the test suite's debug build.
#
#   bench/big-draft.sh            # builds release, prints the timings
#   MAX_SECONDS=5 bench/big-draft.sh   # fails if any command takes longer
set -euo pipefail

cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="$PWD/target/release/duthao"
max="${MAX_SECONDS:-10}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" GIT_CONFIG_GLOBAL="$work/home/.gitconfig" GIT_CONFIG_NOSYSTEM=1
export DUTHAO_AUTHOR_NAME="Người Đo" DUTHAO_AUTHOR_EMAIL="do@example.vn"
mkdir -p "$HOME"

"$bin" init "$work/ws" --no-example >/dev/null
cd "$work/ws"

python3 - <<'EOF'
para = ("Các cấp ủy, tổ chức đảng tiếp tục quán triệt, triển khai thực hiện nghiêm túc các nghị quyết, "
        "chỉ thị, kết luận của Trung ương về công tác xây dựng Đảng và hệ thống chính trị.\n\n")
head = ("---\nkind: nghi-quyet\nissuer:\n  name: TỈNH ỦY THÁI NGUYÊN\n  code: TU\n"
        "title: về thử văn bản lớn\n---\n\nI. MỤC TIÊU\n\n")
n = (50 * 1024 * 1024 - len(head.encode())) // len(para.encode()) + 1
with open("drafts/lon.md", "w", encoding="utf-8") as f:
    f.write(head + para * n)
EOF
echo "draft: $(du -h drafts/lon.md | cut -f1)"

fail=0
timed() {
    local start end micros
    start=${EPOCHREALTIME/./}
    "$bin" "$@" >/dev/null
    end=${EPOCHREALTIME/./}
    micros=$((end - start))
    printf '%-8s %d.%02d s\n' "$1" $((micros / 1000000)) $((micros % 1000000 / 10000))
    if ((micros > max * 1000000)); then
        echo "  slower than ${max} s" >&2
        fail=1
    fi
}
timed status lon
timed commit lon -m "Bản lớn"
timed submit lon
timed list
exit "$fail"
