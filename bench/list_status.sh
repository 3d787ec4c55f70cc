#!/usr/bin/env bash
# Times `duthao list`, `status`, `log` and `verify` on a workspace of 1,000 drafts and
# 10,000 commits (issue 2's goal: under 1 s each on the 2-core machine).
# The workspace is built once by bench/make_workspace.py (text from
# bench/gen_corpus.py) under bench/out/ and reused by later runs.
#   bash bench/list_status.sh                  # 1,000 drafts, 10,000 commits
#   DRAFTS=5000 bash bench/list_status.sh      # 5,000 drafts, 10,000 commits
#                                              # (building it: about a minute)
#   DRAFTS=… COMMITS=… RUNS=… OUT=… bash bench/list_status.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out}
DRAFTS=${DRAFTS:-1000}
COMMITS=${COMMITS:-10000}
RUNS=${RUNS:-5}
cargo build --release --quiet
. bench/release-dir.sh
BIN=$RELEASE/duthao
# named after the generator's code too, so that a workspace built by an
# older generator is not reused
WS=$OUT/ws-$DRAFTS-$COMMITS-$(cat bench/gen_corpus.py bench/make_workspace.py | sha1sum | cut -c1-8)
if [ ! -d "$WS/.git" ]; then
  rm -rf "$WS"
  python3 bench/make_workspace.py --drafts "$DRAFTS" --commits "$COMMITS" "$WS"
fi
drafts=("$WS"/drafts/*.md)   # a glob, not `ls | head`: no SIGPIPE under pipefail
slug=$(basename "${drafts[0]}" .md)

measure() { # label, command...
  local label=$1; shift
  local walls=() cpus=() rss=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M %U %S' -o "$OUT/time.txt" "$@" > /dev/null
    read -r wall kb user sys < "$OUT/time.txt"
    walls+=("$wall"); cpus+=("$(echo "$user + $sys" | bc -l)"); (( kb > rss )) && rss=$kb
  done
  local median cpu
  median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-40s median CPU %6.3f s  wall %6.3f s   (wall runs: %s)   max RSS %d MB\n' "$label" "$cpu" "$median" "${walls[*]}" $((rss / 1024))
}

tags=$(git -C "$WS" tag -l 'duthao/*' | wc -l)
echo "workspace: $WS ($DRAFTS drafts, $(git -C "$WS" rev-list --count HEAD) commits, $tags version tags)"
measure "duthao list"                 "$BIN" -C "$WS" list
measure "duthao list --json"          "$BIN" -C "$WS" list --json
measure "duthao status $slug"         "$BIN" -C "$WS" status "$slug"
measure "duthao log $slug"            "$BIN" -C "$WS" log "$slug"
measure "duthao verify (every draft)" "$BIN" -C "$WS" verify
measure "git log --oneline -- (same draft)" git -C "$WS" log --oneline -- "drafts/$slug.md"
