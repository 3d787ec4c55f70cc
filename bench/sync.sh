#!/usr/bin/env bash
# Times `duthao sync` beside plain git doing the same exchange, on a drafting
# site W (site "centre"), its bare remote B and a second site C (a clone of
# B, site "xa-a"), all synced to begin with. Four cases, each on fresh copies
# of the three repositories:
#
#   1. nothing    nothing to do:        W: duthao sync | git pull && git push
#   2. out        C has COMMENTS new comment commits not yet pushed:
#                                       C: duthao sync | git pull && git push
#   3. in         B has them (pushed from C), W does not:
#                                       W: duthao sync | git pull && git push
#   4. replay     W has COMMENTS comment commits of its own, B has the
#                 COMMENTS others from C: W: duthao sync |
#                                       git -c pull.rebase=true pull && git push
#
# Each comment is its own commit, as `duthao comment add` makes it (one
# review event file under reviews/SLUG/ and duthao's message), written by
# bench/make_sync_fixture.py with one `git fast-import`, its pack then
# unpacked into loose objects as `duthao comment add` leaves them (else git's
# push would reuse the deltas fast-import computed). Plain git moves only
# the branch (and the tags that follow it); duthao also fetches and pushes
# the version tags, site claims and reservations, checks them, and replays
# with libgit2: the git figures are a floor, not the same work.
#
# The fixture is built once under bench/out/ (named after the generators'
# code and this script's building part, so that an older one is not reused):
# `duthao init` (with its example draft), a [sync] drafting_site, `sync
# --site centre`, `submit` (v1), a bare B, `sync B`, `git clone B C`, `sync
# --site xa-a`, `sync` in W, then one copy per case with the comments added.
# Building it takes a few seconds. With RUNS=5 a run takes about four
# minutes on the 2-core machine, nearly all of it case 4 (each side about
# 20 s a run: both replay 1,000 commits, each a three-way merge of a folder of
# 1,000 to 2,000 event files, so the work grows as the square of the count).
#
#   bash bench/sync.sh
#   COMMENTS=… RUNS=… OUT=… bash bench/sync.sh
#
# Each command is run RUNS times (default 5), each time on a fresh `cp -a`
# copy of the case's three repositories (the copy is not timed; the remote's
# path is set to the copy's B): median CPU time (user + sys, children
# included, the figure to compare on a shared machine), median wall time,
# the largest peak RSS. After every run the command must have exited 0 and B
# must hold the expected number of event files, or the script stops: a
# benchmark of a broken command is worthless. Needs python3 (3.11+), GNU time
# (/usr/bin/time), bc.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out}
COMMENTS=${COMMENTS:-1000}
RUNS=${RUNS:-5}
SLUG=nghi-quyet-xay-dung-dang-2026
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is required" >&2; exit 1; }
started=$SECONDS

cargo build --release --quiet --bin duthao
. bench/release-dir.sh
BIN=$RELEASE/duthao
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# No user's or machine's git configuration; the identity duthao records.
export HOME=$OUT/home GIT_CONFIG_GLOBAL=$OUT/home/.gitconfig GIT_CONFIG_NOSYSTEM=1
export DUTHAO_AUTHOR_NAME="Người Đo" DUTHAO_AUTHOR_EMAIL="do@example.vn"
export GIT_AUTHOR_NAME="Người Đo" GIT_AUTHOR_EMAIL="do@example.vn"
export GIT_COMMITTER_NAME="Người Đo" GIT_COMMITTER_EMAIL="do@example.vn"
mkdir -p "$HOME"

die() { echo "bench/sync.sh: $*" >&2; exit 1; }
# A copied case's W and C point at the copy's B.
relink() {
  git -C "$1/W" remote set-url origin "$1/B.git"
  git -C "$1/C" remote set-url origin "$1/B.git"
}
# Event files on B's main.
events_on_b() { git -C "$1/B.git" ls-tree -r --name-only main reviews | wc -l; }
# Comments `duthao comment list` reads in a workspace (every one a valid event).
listed() {
  "$BIN" -C "$1" comment list "$SLUG" --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
strays = d.get("strays")
if strays:
    sys.exit(f"stray event files: {strays}")
print(len(d["comments"]))'
}

FX=$OUT/sync-$COMMENTS-$( { cat bench/make_comments.py bench/make_sync_fixture.py
  sed -n '/^if \[ ! -f "\$FX/,/^fi$/p' bench/sync.sh; } | sha1sum | cut -c1-8)
if [ ! -f "$FX/.built" ]; then
  rm -rf "$FX"
  echo "building $FX (once) …" >&2
  built_from=$SECONDS
  base=$FX/nothing
  # A repository of its own first: bench/out/ is inside this project's
  # repository, where `duthao init` would make the workspace a folder of it.
  mkdir -p "$base/W" && git init -q -b main "$base/W"
  [ "$(git -C "$base/W" rev-parse --show-toplevel)" = "$base/W" ] || die "$base/W is not its own repository"
  "$BIN" init "$base/W" >/dev/null
  printf '\n[sync]\ndrafting_site = "centre"\n' >> "$base/W/duthao.toml"
  git -C "$base/W" commit -q -am "Nơi soạn thảo: centre"
  "$BIN" -C "$base/W" sync --site centre >/dev/null
  "$BIN" -C "$base/W" submit "$SLUG" -m v1 >/dev/null
  git init -q --bare -b main "$base/B.git"
  "$BIN" -C "$base/W" sync "$base/B.git" >/dev/null
  git clone -q "$base/B.git" "$base/C"
  "$BIN" -C "$base/C" sync --site xa-a >/dev/null
  "$BIN" -C "$base/W" sync >/dev/null       # takes in xa-a's claim
  # git's remote-tracking refs current too, and an upstream for `git pull`
  for s in W C; do
    git -C "$base/$s" fetch -q origin
    git -C "$base/$s" branch -q -u origin/main main
  done
  tip=$(git -C "$base/B.git" rev-parse main)
  for s in W C; do
    [ "$(git -C "$base/$s" rev-parse main origin/main | sort -u)" = "$tip" ] || die "$s is not at B's main"
    [ -z "$(git -C "$base/$s" status --porcelain)" ] || die "$s has changes"
  done
  [ "$(git -C "$base/W" for-each-ref refs/tags refs/duthao/sites | wc -l)" = 3 ] || die "W lacks v1 or a site claim"

  # 2: C has COMMENTS comment commits of its own, not pushed
  cp -a "$base" "$FX/out" && relink "$FX/out"
  python3 bench/make_sync_fixture.py "$FX/out/C" "$SLUG" --comments "$COMMENTS" --seed 2
  n=$(listed "$FX/out/C"); [ "$n" = "$COMMENTS" ] || die "out: C lists $n comments, $COMMENTS were written"
  # 3: B has them, pushed from C; W does not
  cp -a "$FX/out" "$FX/in" && relink "$FX/in"
  "$BIN" -C "$FX/in/C" sync >/dev/null
  n=$(events_on_b "$FX/in"); [ "$n" = "$COMMENTS" ] || die "in: B holds $n event files, not $COMMENTS"
  # 4: and W has COMMENTS others of its own
  cp -a "$FX/in" "$FX/replay" && relink "$FX/replay"
  python3 bench/make_sync_fixture.py "$FX/replay/W" "$SLUG" --comments "$COMMENTS" --seed 3
  n=$(listed "$FX/replay/W"); [ "$n" = "$COMMENTS" ] || die "replay: W lists $n comments, $COMMENTS were written"
  echo "built in $((SECONDS - built_from)) s" >&2
  touch "$FX/.built"
fi

RUN=$OUT/sync-run
TIMES=$OUT/sync-time.txt
LOG=$OUT/sync-log.txt
declare -A CPU WALL RSS
measure() { # case, tool, expected event files on B afterwards, command... (may name $RUN)
  local case=$1 tool=$2 expect=$3; shift 3
  local walls=() cpus=() rss=0 rc n
  for _ in $(seq "$RUNS"); do
    rm -rf "$RUN" && cp -a "$FX/$case" "$RUN" && relink "$RUN"
    rc=0
    /usr/bin/time -f '%e %M %U %S' -o "$TIMES" "$@" > "$LOG" 2>&1 || rc=$?
    if [ "$rc" != 0 ]; then
      cat "$LOG" >&2; die "$case: $tool exited $rc: $*"
    fi
    n=$(events_on_b "$RUN")
    [ "$n" = "$expect" ] || { cat "$LOG" >&2; die "$case: after $tool, B holds $n event files, not $expect"; }
    [ "$(git -C "$RUN/B.git" rev-parse main)" = "$(git -C "$RUN/${WHERE[$case]}" rev-parse main)" ] \
      || die "$case: after $tool, ${WHERE[$case]}'s main is not B's"
    read -r wall kb user sys < "$TIMES"
    walls+=("$wall"); cpus+=("$(echo "$user + $sys" | bc -l)"); (( kb > rss )) && rss=$kb
  done
  CPU[$case,$tool]=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  WALL[$case,$tool]=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  RSS[$case,$tool]=$rss
  printf '%-8s %-6s CPU %7.3f s  wall %7.3f s  RSS %6.1f MiB   (CPU runs: %s)\n' "$case" "$tool" \
    "${CPU[$case,$tool]}" "${WALL[$case,$tool]}" "$(echo "$rss / 1024" | bc -l)" "${cpus[*]}" >&2
}

declare -A WHERE=([nothing]=W [out]=C [in]=W [replay]=W)
declare -A EXPECT=([nothing]=0 [out]=$COMMENTS [in]=$COMMENTS [replay]=$((2 * COMMENTS)))
declare -A PULL=([nothing]="git pull -q" [out]="git pull -q" [in]="git pull -q"
                 [replay]="git -c pull.rebase=true pull -q")
CASES=(nothing out in replay)
echo "fixture: $FX"
echo "  $COMMENTS comments, one commit each; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(git --version)"
for c in "${CASES[@]}"; do
  measure "$c" duthao "${EXPECT[$c]}" "$BIN" -C "$RUN/${WHERE[$c]}" sync
  # shellcheck disable=SC2016
  measure "$c" git "${EXPECT[$c]}" sh -c 'cd "$1" && '"${PULL[$c]}"' && git push -q' sh "$RUN/${WHERE[$c]}"
done
rm -rf "$RUN"

echo
declare -A WHAT=(
  [nothing]="1 nothing to do (in W)"
  [out]="2 $COMMENTS comments out (in C)"
  [in]="3 $COMMENTS comments in (in W)"
  [replay]="4 replay $COMMENTS on $COMMENTS (in W)")
printf '%-34s | %28s | %28s | %s\n' "case (median of $RUNS)" "duthao sync" "git pull + push" "CPU ratio"
printf '%-34s | %8s %8s %10s | %8s %8s %10s | %s\n' "" "CPU s" "wall s" "RSS MiB" "CPU s" "wall s" "RSS MiB" "duthao ÷ git"
for c in "${CASES[@]}"; do
  d=${CPU[$c,duthao]} g=${CPU[$c,git]}
  if [ "$(echo "$g > 0" | bc -l)" = 1 ] && [ "$(echo "$d > 0" | bc -l)" = 1 ]; then
    ratio=$(printf '%.1f×' "$(echo "$d / $g" | bc -l)")
  elif [ "$(echo "$g > 0" | bc -l)" = 1 ]; then
    ratio="< 1× (duthao under 0.01 s)"
  elif [ "$(echo "$d > 0" | bc -l)" = 1 ]; then
    ratio="n/a (git under 0.01 s)"
  else
    ratio="n/a (both under 0.01 s)"
  fi
  printf '%-34s | %8.3f %8.3f %10.1f | %8.3f %8.3f %10.1f | %s\n' "${WHAT[$c]}" \
    "$d" "${WALL[$c,duthao]}" "$(echo "${RSS[$c,duthao]} / 1024" | bc -l)" \
    "$g" "${WALL[$c,git]}" "$(echo "${RSS[$c,git]} / 1024" | bc -l)" "$ratio"
done
echo "GNU time counts in steps of 0.01 s. git moves only the branch; duthao also exchanges and checks"
echo "tags, site claims and reservations. The machine may be shared: CPU time is the robust figure."
echo "total: $((SECONDS - started)) s"
