#!/usr/bin/env bash
# Peak memory of every redline format on the 1,000-page pair (PRODUCT.md:
# peak memory under 10x the document), both ways a redline is asked for:
# two files (`diff --files A B`) and two versions in a workspace (`diff SLUG
# v1 v2`, read from git). Release build; peak RSS from /usr/bin/time -v,
# the largest of RUNS runs. Both drafts come from bench/gen_corpus.py.
#
#   bench/diff-memory.sh [PAGES] [PCT]      (defaults: 1000 pages, 5 %)
#   RUNS=3 bench/diff-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PAGES=${1:-1000}
PCT=${2:-5}
RUNS=${RUNS:-3}
GEN=$ROOT/bench/gen_corpus.py
command -v /usr/bin/time >/dev/null || { echo "/usr/bin/time is needed (apt-get install -y time)" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
A=$WORK/a.md
B=$WORK/b.md
python3 "$GEN" --pages "$PAGES" --seed 1 -o "$A" 2>/dev/null
python3 "$GEN" --revise "$PCT" --seed 1 "$A" -o "$B" 2>/dev/null

cargo build --release --quiet
. bench/release-dir.sh
BIN=$RELEASE/duthao

export HOME="$WORK/home" GIT_CONFIG_GLOBAL="$WORK/home/.gitconfig" GIT_CONFIG_NOSYSTEM=1
export DUTHAO_AUTHOR_NAME="Người Đo" DUTHAO_AUTHOR_EMAIL="do@example.vn"
mkdir -p "$HOME"
"$BIN" init "$WORK/ws" --no-example >/dev/null
(
    cd "$WORK/ws"
    cp "$A" drafts/lon.md && "$BIN" commit lon -m "lần 1" >/dev/null && "$BIN" submit lon >/dev/null
    cp "$B" drafts/lon.md && "$BIN" commit lon -m "lần 2" >/dev/null && "$BIN" submit lon >/dev/null
)

SIZE=$(stat -c %s "$A")
# peak KB of the largest of RUNS runs of a command run in $WORK/ws
peak() {
    local most=0 kb
    for _ in $(seq "$RUNS"); do
        (cd "$WORK/ws" && /usr/bin/time -v -o "$WORK/time.txt" "$@" >/dev/null 2>&1)
        kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
        [ "$kb" -gt "$most" ] && most=$kb
    done
    echo "$most"
}

printf '%s: %.2f MB per version\n\n' "file" "$(echo "$SIZE / 1000000" | bc -l)"
printf '%-10s %18s %18s\n' "format" "--files A B" "SLUG v1 v2 (git)"
for fmt in terminal html json markdown stat docx; do
    case $fmt in
        stat) args=(--stat); out=() ;;
        docx) args=(--format docx); out=(-o "$WORK/out.docx") ;;
        *) args=(--format "$fmt"); out=(-o "$WORK/out.$fmt") ;;
    esac
    f=$(peak "$BIN" diff --files "$A" "$B" "${args[@]}" "${out[@]}")
    w=$(peak "$BIN" diff lon v1 v2 "${args[@]}" "${out[@]}")
    printf '%-10s %9.1f MiB %4.1fx %9.1f MiB %4.1fx\n' "$fmt" \
        "$(echo "$f / 1024" | bc -l)" "$(echo "$f * 1024 / $SIZE" | bc -l)" \
        "$(echo "$w / 1024" | bc -l)" "$(echo "$w * 1024 / $SIZE" | bc -l)"
done
