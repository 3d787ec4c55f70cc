#!/usr/bin/env bash
# Redline benchmark (issue 13): duthao's word diff beside git's at every size
# (10, 100, 1,000 and 5,000 pages, 5 % revised) and on the hard cases (a
# draft revised throughout, two unrelated drafts, every paragraph reordered,
# one 5 MB paragraph with 1 % of its words changed). Each case runs
#
#   duthao diff --files A B --format json | terminal | html
#   git diff --no-index --word-diff=porcelain A B
#   git diff --no-index --word-diff=porcelain --diff-algorithm=histogram A B
#
# interleaved, RUNS times each after a warm-up (default 21 below 1 MB, 11 below
# 8 MB, 9 above), and prints a Markdown table: median CPU time (user + system,
# every thread), median and best wall time, median peak RSS (also as a
# multiple of one version's size), the changed words each found and their
# error against the generator's own count, and duthao's CPU time over each
# git's (the median of the ratios within each round, the two having run back
# to back). The drafts come from bench/gen_corpus.py (seed 7), made fresh each
# run; see bench/diff_bench.py for how each case is built and counted. Last,
# each tool started alone (`--version`, 101 runs each): the floor of the
# 10-page case.
#
#   bash bench/diff.sh              # every case: about 5 minutes on 2 cores
#   bash bench/diff.sh --quick      # without the 5,000-page case
#   RUNS=3 bash bench/diff.sh
#
# Compare the CPU columns: wall time on a shared machine also measures the
# neighbours, and duthao reads and parses on both cores.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v git >/dev/null || { echo "bench/diff.sh compares with git, which is not installed" >&2; exit 1; }
cargo build --release --quiet
. bench/release-dir.sh
exec python3 bench/diff_bench.py "$RELEASE/duthao" "$@"
