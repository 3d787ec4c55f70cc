#!/usr/bin/env bash
# Benchmark: DOCX export of a 1,000-page draft, duthao against pandoc, whole
# process, side by side in one run (CPU time, wall time and peak memory).
# CPU time (user + system) is the figure to compare: wall time on a shared
# machine also measures the neighbours. The draft
# comes from bench/gen_corpus.py (seed 1).
#
#   bench/export.sh [PAGES]        (default 1000)
#   bench/export.sh 5000           # the 5,000-page case: a 15 MB draft;
#                                  # pandoc takes about 40 s and 1.5 GB
#                                  # on the 2-core machine
#
# Needs: python3, pandoc, GNU time (/usr/bin/time). Builds the release binary.
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES="${1:-1000}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is required" >&2; exit 1; }
command -v pandoc >/dev/null || { echo "pandoc is required" >&2; exit 1; }

python3 bench/gen_corpus.py --pages "$PAGES" --seed 1 -o "$WORK/in.md" 2>/dev/null
cargo build --release --quiet
. bench/release-dir.sh
BIN="$RELEASE/duthao"
# A workspace holding the draft, so the whole `duthao export` command is timed.
export HOME="$WORK/home" GIT_CONFIG_GLOBAL="$WORK/home/.gitconfig" GIT_CONFIG_NOSYSTEM=1
export DUTHAO_AUTHOR_NAME="Người Đo" DUTHAO_AUTHOR_EMAIL="do@example.vn"
mkdir -p "$HOME"
"$BIN" init "$WORK/ws" --no-example >/dev/null
cp "$WORK/in.md" "$WORK/ws/drafts/big.md"

measure() { # label, command...
  local label="$1"; shift
  /usr/bin/time -v "$@" 2>"$WORK/$label.time" >/dev/null
  local wall rss user sys cpu
  wall=$(grep "Elapsed (wall clock)" "$WORK/$label.time" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$WORK/$label.time" | awk '{print $NF}')
  user=$(grep "User time (seconds)" "$WORK/$label.time" | awk '{print $NF}')
  sys=$(grep "System time (seconds)" "$WORK/$label.time" | awk '{print $NF}')
  cpu=$(echo "$user + $sys" | bc -l)
  printf "%-8s CPU %8.2f s   wall %10s   max RSS %8.1f MB\n" "$label" "$cpu" "$wall" "$(echo "$rss/1024" | bc -l)"
  echo "$wall $rss $cpu" >"$WORK/$label.res"
}

size=$(stat -c %s "$WORK/in.md")
echo "input: $PAGES pages, $(wc -w <"$WORK/in.md") words, $((size / 1024)) KiB"
measure duthao "$BIN" -C "$WORK/ws" export big --working -o "$WORK/duthao.docx"
measure pandoc pandoc "$WORK/in.md" -o "$WORK/pandoc.docx"
echo "output: duthao $(( $(stat -c %s "$WORK/duthao.docx") / 1024 )) KiB, pandoc $(( $(stat -c %s "$WORK/pandoc.docx") / 1024 )) KiB"

to_s() { echo "$1" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'; }
read -r dw dr dc <"$WORK/duthao.res"
read -r pw pr pc <"$WORK/pandoc.res"
ds=$(to_s "$dw"); ps=$(to_s "$pw")
echo "CPU time, duthao / pandoc: $(echo "$dc / $pc" | bc -l | xargs printf '%.3f')   wall speed-up: $(echo "$ps / $ds" | bc -l | xargs printf '%.1f')x   memory: duthao $(echo "$dr * 100 / $pr" | bc -l | xargs printf '%.0f')% of pandoc's peak"
