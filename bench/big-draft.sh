#!/usr/bin/env bash
# A 50 MB draft must work (issue 2 §9): status, commit and submit in a release
# build, timed, on a 50 MiB draft from bench/gen_corpus.py (about 17,500
# pages). tests/cli_bad_input.rs (a_50_mb_draft_works) checks the same, on one
# paragraph repeated, in the test suite's debug build.
#
#   bench/big-draft.sh            # builds release, prints the timings
#   MAX_SECONDS=5 bench/big-draft.sh   # fails if any command takes longer
set -euo pipefail

cd "$(dirname "$0")/.."
root="$PWD"
cargo build --release --quiet
. bench/release-dir.sh
bin="$RELEASE/duthao"
max="${MAX_SECONDS:-10}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" GIT_CONFIG_GLOBAL="$work/home/.gitconfig" GIT_CONFIG_NOSYSTEM=1
export DUTHAO_AUTHOR_NAME="Người Đo" DUTHAO_AUTHOR_EMAIL="do@example.vn"
mkdir -p "$HOME"

"$bin" init "$work/ws" --no-example >/dev/null
cd "$work/ws"

# about 17,500 pages of bench/gen_corpus.py text: a little over 50 MiB
python3 "$root/bench/gen_corpus.py" --pages 17500 --seed 1 -o drafts/lon.md 2>/dev/null
size=$(stat -c %s drafts/lon.md)
((size >= 50 * 1024 * 1024)) || { echo "the generated draft is only $size bytes; raise --pages" >&2; exit 1; }
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
