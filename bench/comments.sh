#!/usr/bin/env bash
# Times the review on a big review (issue 10, item 9): 10,000 comments on a
# 100-page draft across two versions. Targets on the 2-core machine:
# `comment list`, `status` and `report --format markdown` under 0.3 s each;
# carrying all 10,000 comments forward to a new version under 1 s;
# `report --format docx` of 2,000 rows under 1 s.
#
# The workspace is built once under bench/out/ (named after the generators'
# code and the arguments, so an older one is not reused): a repository of
# its own, `duthao init --no-example`, 40 commenting bodies over 3 levels in
# duthao.toml, a 100-page draft from bench/gen_corpus.py committed and
# submitted (v1), a 5 % revision committed and submitted (v2), another (v3),
# all with `duthao commit` and `duthao submit`; then bench/make_comments.py
# writes the review events (8,000 comments on v1, 2,000 on v2, about 70 %
# answered, some replies, a few agreements) and commits them in one commit.
# Building it takes about a minute.
#
#   bash bench/comments.sh
#   COMMENTS=… ON_V2=… PAGES=… RUNS=… OUT=… bash bench/comments.sh
#
# Each command is run RUNS times (default 5): median CPU time (user + sys,
# the figure to compare on a shared machine), median wall time, the largest
# peak RSS. Needs python3 (3.11+), GNU time (/usr/bin/time), bc.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out}
PAGES=${PAGES:-100}
COMMENTS=${COMMENTS:-10000}
ON_V2=${ON_V2:-2000}
RUNS=${RUNS:-5}
SLUG=nghi-quyet-lon
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is required" >&2; exit 1; }

cargo build --release --quiet --bin duthao --example dump_blocks
. bench/release-dir.sh
BIN=$RELEASE/duthao
DUMP=$RELEASE/examples/dump_blocks
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# No user's or machine's git configuration; the identity duthao records.
export HOME=$OUT/home GIT_CONFIG_GLOBAL=$OUT/home/.gitconfig GIT_CONFIG_NOSYSTEM=1
export DUTHAO_AUTHOR_NAME="Người Đo" DUTHAO_AUTHOR_EMAIL="do@example.vn"
export GIT_AUTHOR_NAME="Người Đo" GIT_AUTHOR_EMAIL="do@example.vn"
export GIT_COMMITTER_NAME="Người Đo" GIT_COMMITTER_EMAIL="do@example.vn"
mkdir -p "$HOME"

# named after the generators' code and this script's building part, so that
# a workspace built by an older one is not reused
WS=$OUT/comments-$PAGES-$COMMENTS-$ON_V2-$( { cat bench/gen_corpus.py bench/make_comments.py
  sed -n '/^if \[ ! -f "\$WS/,/^fi$/p' bench/comments.sh; } | sha1sum | cut -c1-8)
if [ ! -f "$WS/.built" ]; then
  rm -rf "$WS"
  echo "building $WS (once) …" >&2
  # A repository of its own first: bench/out/ is inside this project's
  # repository, where `duthao init` would make the workspace a folder of it
  # (and its commits and version tags this project's).
  mkdir -p "$WS" && git init -q -b main "$WS"
  [ "$(git -C "$WS" rev-parse --show-toplevel)" = "$WS" ] || { echo "$WS is not its own repository" >&2; exit 1; }
  "$BIN" init "$WS" --no-example >/dev/null
  # A province's commenting bodies: 40 over 3 levels (3 are in the default file).
  {
    echo
    echo "# Added by bench/comments.sh: a province's commenting bodies."
    for b in "Đảng ủy phường Phan Đình Phùng" "Đảng ủy phường Gia Sàng" "Đảng ủy phường Quyết Thắng" \
             "Đảng ủy phường Tích Lương" "Đảng ủy phường Phổ Yên" "Đảng ủy phường Sông Công" \
             "Đảng ủy xã Đại Từ" "Đảng ủy xã Định Hóa" "Đảng ủy xã Võ Nhai" "Đảng ủy xã Đồng Hỷ" \
             "Đảng ủy xã Phú Bình" "Đảng ủy xã La Hiên" "Đảng ủy xã Quân Chu" "Đảng ủy xã Tân Cương" \
             "Đảng ủy xã Điềm Thụy" "Đảng ủy xã Yên Trạch" "Đảng ủy xã Hợp Thành" "Đảng ủy xã Trại Cau" \
             "Chi bộ Ban Tuyên giáo Tỉnh ủy" "Chi bộ Ủy ban Kiểm tra Tỉnh ủy" "Chi bộ Ban Dân vận Tỉnh ủy" \
             "Chi bộ Báo Thái Nguyên"; do
      printf '\n[[bodies]]\nname = "%s"\nlevel = "co-so"\n' "$b"
    done
    for b in "Ban Tuyên giáo và Dân vận Tỉnh ủy" "Ủy ban Kiểm tra Tỉnh ủy" "Ban Nội chính Tỉnh ủy" \
             "Đảng ủy các cơ quan Đảng tỉnh" "Đảng ủy Ủy ban nhân dân tỉnh" "Đảng ủy Quân sự tỉnh" \
             "Đảng ủy Công an tỉnh" "Trường Chính trị tỉnh" "Ủy ban Mặt trận Tổ quốc tỉnh" \
             "Sở Nội vụ" "Sở Tài chính" "Sở Tư pháp"; do
      printf '\n[[bodies]]\nname = "%s"\nlevel = "ban-to-chuc"\n' "$b"
    done
    for b in "Thường trực Tỉnh ủy" "Đồng chí Phó Bí thư Tỉnh ủy" "Đồng chí Chủ tịch Ủy ban nhân dân tỉnh"; do
      printf '\n[[bodies]]\nname = "%s"\nlevel = "ban-thuong-vu"\n' "$b"
    done
  } >> "$WS/duthao.toml"
  git -C "$WS" add duthao.toml && git -C "$WS" commit -q -m "Các chủ thể góp ý của tỉnh" -- duthao.toml
  python3 bench/gen_corpus.py --pages "$PAGES" --seed 1 -o "$WS/drafts/$SLUG.md" 2>/dev/null
  "$BIN" -C "$WS" commit "$SLUG" -m "Bản đầu" >/dev/null
  "$BIN" -C "$WS" submit "$SLUG" >/dev/null
  for n in 2 3; do
    python3 bench/gen_corpus.py --revise 5 --seed "$n" "$WS/drafts/$SLUG.md" -o "$OUT/revised.md" 2>/dev/null
    mv "$OUT/revised.md" "$WS/drafts/$SLUG.md"
    "$BIN" -C "$WS" commit "$SLUG" -m "Chỉnh sửa lần $((n - 1))" >/dev/null
    "$BIN" -C "$WS" submit "$SLUG" >/dev/null
  done
  python3 bench/make_comments.py "$WS" "$SLUG" --comments "$COMMENTS" --on-v2 "$ON_V2" \
    --seed 1 --dump-blocks "$DUMP"
  # every event reads: as many comments listed as were written
  listed=$("$BIN" -C "$WS" comment list "$SLUG" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["comments"]) if isinstance(d, dict) else len(d))')
  [ "$listed" = "$COMMENTS" ] || { echo "comment list shows $listed comments, $COMMENTS were written" >&2; exit 1; }
  touch "$WS/.built"
fi

TIMES=$OUT/comments-time.txt
ROWS=()
measure() { # label, target (s), command...
  local label=$1 target=$2; shift 2
  local walls=() cpus=() rss=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M %U %S' -o "$TIMES" "$@" > /dev/null
    read -r wall kb user sys < "$TIMES"
    walls+=("$wall"); cpus+=("$(echo "$user + $sys" | bc -l)"); (( kb > rss )) && rss=$kb
  done
  local wall cpu verdict
  wall=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  verdict=$(echo "$cpu < $target" | bc -l | sed 's/1/ok/;s/0/MISSED/')
  ROWS+=("$(printf '%-58s %7.3f s %7.3f s %6.1f MiB   < %-3s s  %s' "$label" "$cpu" "$wall" "$(echo "$rss / 1024" | bc -l)" "$target" "$verdict")")
  printf '%s   (wall runs: %s)\n' "${ROWS[-1]}" "${walls[*]}" >&2
}

events=$(find "$WS/reviews/$SLUG" -name '*.yaml' | wc -l)
echo "workspace: $WS"
echo "  $PAGES-page draft ($(wc -c < "$WS/drafts/$SLUG.md") bytes), versions: $(git -C "$WS" tag -l "duthao/$SLUG/*" | tr '\n' ' ')"
echo "  $COMMENTS comments ($((COMMENTS - ON_V2)) on v1, $ON_V2 on v2), $events event files; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
REP=$OUT/report
measure "comment list SLUG (as of v3: carries all $COMMENTS forward)" 1 "$BIN" -C "$WS" comment list "$SLUG"
measure "comment list SLUG --version v2"                 0.3 "$BIN" -C "$WS" comment list "$SLUG" --version v2
measure "comment list SLUG --version v1 --open"          0.3 "$BIN" -C "$WS" comment list "$SLUG" --version v1 --open
measure "status SLUG"                                    0.3 "$BIN" -C "$WS" status "$SLUG"
measure "list"                                           0.3 "$BIN" -C "$WS" list
if "$BIN" report --help >/dev/null 2>&1; then
  measure "report SLUG --version v1 --format markdown ($((COMMENTS - ON_V2)) rows)" 0.3 \
    "$BIN" -C "$WS" report "$SLUG" --version v1 --format markdown -o "$REP.md"
  measure "report SLUG --version v2 --format docx ($ON_V2 rows)" 1 \
    "$BIN" -C "$WS" report "$SLUG" --version v2 --format docx -o "$REP.docx"
  measure "report SLUG --version v2 --format html ($ON_V2 rows)" 1 \
    "$BIN" -C "$WS" report "$SLUG" --version v2 --format html -o "$REP.html"
else
  echo "report: not available in this build (duthao report is missing); skipped" >&2
  ROWS+=("report: not available in this build; the three report lines were skipped")
fi

echo
printf '%-58s %9s %9s %10s   %-7s\n' "command (median of $RUNS)" "CPU" "wall" "peak RSS" "target (CPU)"
printf '%s\n' "${ROWS[@]}"
echo "The machine may be shared: CPU time (user + sys) is the robust figure; wall time also measures the neighbours."
