#!/usr/bin/env bash
# Redline benchmark (issue 3 §5): a 1,000-page draft against its 5%-revised
# version, whole process (read both files, parse, diff, write JSON), duthao in
# release mode side by side with `git diff --no-index --word-diff=porcelain`.
# Both drafts come from bench/gen_corpus.py (seed 1).
#
#   bench/diff.sh [PAGES] [PCT]        (defaults: 1000 pages, 5 %)
#   RUNS=15 bench/diff.sh
#   RUNS=5 bench/diff.sh 5000          # the 5,000-page case: 15 MB a version;
#                                      # about 15 s in all on the 2-core machine,
#                                      # duthao peaks near 90 MiB, the
#                                      # generator's --revise near 400 MB
#
# Prints, for each tool, the median and best wall time over RUNS runs (the
# two tools alternating) and the median peak RSS, and the changed words each
# found, next to the generator's own count. Changed words are counted the same way for both
# tools: per stretch of adjacent deletions and insertions, the larger of the
# two sides' word counts (a word = a whitespace-separated token with a letter
# or digit), so a one-word substitution counts 1 and a moved sentence of n
# words counts 2n (removed there, inserted here) for both.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PAGES=${1:-1000}
PCT=${2:-5}
RUNS=${RUNS:-15}
GEN=$ROOT/bench/gen_corpus.py

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
A=$WORK/doc-${PAGES}p.md
B=$WORK/doc-${PAGES}p.rev${PCT}.md
python3 "$GEN" --pages "$PAGES" --seed 1 -o "$A" 2>"$WORK/gen.log"
python3 "$GEN" --revise "$PCT" --seed 1 "$A" -o "$B" 2>>"$WORK/gen.log"
cat "$WORK/gen.log"

cargo build --release --quiet
DUTHAO=(target/release/duthao diff --files "$A" "$B" --format json -o "$WORK/out.json")
WHAT="duthao diff --files … --format json"
GIT=(git diff --no-index --word-diff=porcelain "$A" "$B")

# Both commands run in turn, RUNS times each after one warm-up, timed from
# outside as whole processes (wall clock by perf_counter, peak RSS from the
# kernel's rusage of each finished child, CPU time = user + system from the
# same rusage). Prints "name median best rss cpu" lines: the median wall
# time, the best, the median peak RSS in KB and the median CPU seconds.
# CPU time is the figure to compare: wall time on a shared machine also
# measures the neighbours.
RUNS_OUT=$(python3 - "$RUNS" "$WORK/out.txt" "${DUTHAO[@]}" -- "${GIT[@]}" <<'PY'
import os, statistics, subprocess, sys, time
runs, git_out = int(sys.argv[1]), sys.argv[2]
rest = sys.argv[3:]
cut = rest.index("--")
cmds = {"duthao": rest[:cut], "git": rest[cut + 1:]}
outs = {"duthao": os.devnull, "git": git_out}
res = {k: [] for k in cmds}
for i in range(runs + 1):
    for name, cmd in cmds.items():
        with open(outs[name], "wb") as out:
            t = time.perf_counter()
            p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
            _, status, ru = os.wait4(p.pid, 0)
            wall = time.perf_counter() - t
        if i > 0:
            res[name].append((wall, ru.ru_maxrss, ru.ru_utime + ru.ru_stime))
for name, r in res.items():
    walls = [w for w, _, _ in r]
    print(name, f"{statistics.median(walls):.3f}", f"{min(walls):.3f}",
          int(statistics.median([k for _, k, _ in r])),
          f"{statistics.median([c for _, _, c in r]):.3f}")
PY
)
R1=$(grep '^duthao ' <<<"$RUNS_OUT")
R2=$(grep '^git ' <<<"$RUNS_OUT")

python3 - "$WORK/out.json" "$WORK/out.txt" "$A" "$WORK/gen.log" "$R1" "$R2" "$WHAT" <<'PY'
import json, re, sys, os
out_json, out_txt, a, gen_log, r1, r2, what = sys.argv[1:]
WORD = re.compile(r"\w")

def words(text):
    return sum(1 for t in text.split() if WORD.search(t))

def ours():
    d = json.load(open(out_json, encoding="utf-8"))
    changed = ins = dele = 0
    for b in d["blocks"]:
        cd = ci = 0
        for op in b["ops"] + [{"op": "equal", "text": ""}]:
            if op["op"] == "equal":
                changed += max(cd, ci); cd = ci = 0
            elif op["op"] == "insert":
                n = words(op["text"]); ci += n; ins += n
            else:
                n = words(op["text"]); cd += n; dele += n
    return changed, ins, dele

def git():
    changed = ins = dele = 0
    cd = ci = 0
    body = False
    for line in open(out_txt, encoding="utf-8"):
        if line.startswith("@@"):
            body = True
            changed += max(cd, ci); cd = ci = 0
            continue
        if not body:
            continue
        line = line.rstrip("\n")
        if line.startswith("-"):
            n = words(line[1:]); cd += n; dele += n
        elif line.startswith("+"):
            n = words(line[1:]); ci += n; ins += n
        else:  # " " context or "~" newline ends a stretch
            changed += max(cd, ci); cd = ci = 0
    changed += max(cd, ci)
    return changed, ins, dele

m = re.search(r"changed (\d+) words", open(gen_log).read())
truth = int(m.group(1)) if m else None
size = os.path.getsize(a)
rows = [("duthao", r1.split(), ours()), ("git --word-diff", r2.split(), git())]
print()
print(f"file: {size/1e6:.2f} MB per version; duthao = {what}")
print(f"{'':18} {'median CPU (s)':>14} {'median wall (s)':>15} {'best wall (s)':>13} {'peak RSS (MiB)':>14} {'RSS / file':>11} {'changed words':>14} {'inserted':>9} {'deleted':>8} {'error vs generator':>19}")
for name, (_, median, best, kb, cpu), (c, i, dl) in rows:
    rss = int(kb) / 1024
    err = f"{(c - truth) / truth * 100:+.1f}%" if truth else "n/a"
    print(f"{name:18} {float(cpu):14.3f} {float(median):15.3f} {float(best):13.3f} {rss:14.1f} {int(kb) * 1024 / size:10.1f}x {c:14d} {i:9d} {dl:8d} {err:>19}")
print(f"{'generator':18} {'':14} {'':15} {'':13} {'':14} {'':11} {truth if truth else '?':>14}")
cpu1, cpu2 = float(r1.split()[4]), float(r2.split()[4])
print()
print(f"CPU time, duthao / git: {cpu1 / cpu2:.2f}   peak RSS, duthao / git: {int(r1.split()[3]) / int(r2.split()[3]):.2f}")
PY
