#!/usr/bin/env python3
"""The redline benchmark behind bench/diff.sh: duthao's word diff beside
git's, for every size and every hard case, as whole processes.

For each case, these commands run in turn, RUNS times each after one
warm-up (interleaved, so a busy moment of the machine falls on all of them):

    duthao diff --files A B --format json       (also terminal, html)
    git diff --no-index --word-diff=porcelain A B
    git diff --no-index --word-diff=porcelain --diff-algorithm=histogram A B

Every command writes to a file through its standard output (git skips the
diff altogether when its output is /dev/null). Timed from outside: wall
clock by perf_counter, CPU time (user + system, all threads) and peak RSS
from the kernel's rusage of each finished child. The duthao/git ratios are
paired: the median, over the rounds, of the two CPU times of one round.

Changed words are counted the same way for both tools: per stretch of
adjacent deletions and insertions, the larger side's word count (a word is
a whitespace-separated token with a letter or digit), which is how the
corpus generator counts the changes it makes.

    python3 bench/diff_bench.py DUTHAO_BINARY [--quick]
"""
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_corpus  # noqa: E402

WORD = re.compile(r"\w")
FORMATS = ["json", "terminal", "html"]


def words(text):
    return sum(1 for t in text.split() if WORD.search(t))


def changed_in_json(path):
    """Changed words, and blocks reported as moved."""
    import json

    d = json.load(open(path, encoding="utf-8"))
    changed = moved = 0
    for b in d["blocks"]:
        moved += b["change"] == "moved"
        cd = ci = 0
        for op in b["ops"] + [{"op": "equal", "text": ""}]:
            if op["op"] == "equal":
                changed += max(cd, ci)
                cd = ci = 0
            elif op["op"] == "insert":
                ci += words(op["text"])
            else:
                cd += words(op["text"])
    return changed, moved


def changed_in_git(path):
    changed = cd = ci = 0
    body = False
    for line in open(path, encoding="utf-8", errors="replace"):
        if line.startswith("@@"):
            body = True
            changed += max(cd, ci)
            cd = ci = 0
            continue
        if not body:
            continue
        line = line.rstrip("\n")
        if line.startswith("-"):
            cd += words(line[1:])
        elif line.startswith("+"):
            ci += words(line[1:])
        else:  # " " context or "~" newline ends a stretch
            changed += max(cd, ci)
            cd = ci = 0
    return changed + max(cd, ci)


def truth_of(summary):
    m = re.search(r"changed (\d+) words", summary)
    return int(m.group(1)) if m else None


def split_front(text):
    end = text.index("\n---\n", 4) + len("\n---\n")
    return text[:end], text[end:]


def make_cases(work, quick):
    """(name, A, B, truth or None, what) for every case, files in `work`."""
    cases = []

    def write(name, text):
        path = os.path.join(work, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    sizes = [10, 100, 1000] if quick else [10, 100, 1000, 5000]
    base = {}
    for pages in sizes:
        a = gen_corpus.generate(pages, 7)
        b, rev = gen_corpus.revise(a, 5, 7)
        base[pages] = a
        cases.append((f"{pages:,} pages, 5 % revised", write(f"a{pages}.md", a),
                      write(f"b{pages}.md", b), truth_of(rev.summary()), rev.summary()))
    a = base[1000]
    a_path = os.path.join(work, "a1000.md")
    b, rev = gen_corpus.revise(a, 50, 7)
    cases.append(("1,000 pages, revised throughout", a_path, write("r50.md", b),
                  truth_of(rev.summary()), rev.summary()))
    other = gen_corpus.generate(1000, 8)
    cases.append(("two unrelated 1,000-page drafts", a_path, write("u1000.md", other), None,
                  "seed 7 against seed 8"))
    front, body = split_front(a)
    blocks = [c for c in re.split(r"\n[ \t]*\n", body) if c.strip()]
    shuffled = blocks[:]
    random.Random(7).shuffle(shuffled)
    cases.append(("1,000 pages, every paragraph reordered", a_path,
                  write("shuffled.md", front + "\n" + "\n\n".join(shuffled) + "\n"), None,
                  f"{len(blocks)} blocks shuffled"))
    # One paragraph of 5 MB: the body's words, markup left out, on one line;
    # one word in a hundred changed, each far from the next.
    plain = [w for c in blocks if not c.startswith(("#", "|", "[^", "- ", "* "))
             for w in re.sub(r"[*_`\[\]]", "", c).split()]
    para, size = [], 0
    while size < 5_000_000:
        for w in plain:
            para.append(w)
            size += len(w.encode()) + 1
            if size >= 5_000_000:
                break
    edited = para[:]
    rng = random.Random(7)
    subs = 0
    for i in range(0, len(edited) - 100, 100):
        j = i + 10 + rng.randrange(80)
        edited[j] = "sửa" + edited[j]
        subs += 1
    cases.append(("one 5 MB paragraph, 1 % of words changed",
                  write("big-a.md", front + "\n" + " ".join(para) + "\n"),
                  write("big-b.md", front + "\n" + " ".join(edited) + "\n"), subs,
                  f"{len(para)} words, {subs} substituted"))
    return cases


def measure(cmds, runs, outs):
    res = {name: [] for name in cmds}
    for i in range(runs + 1):
        for name, cmd in cmds.items():
            with open(outs[name], "wb") as out:
                t = time.perf_counter()
                p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
                _, status, ru = os.wait4(p.pid, 0)
                wall = time.perf_counter() - t
            code = os.waitstatus_to_exitcode(status)
            if code not in (0, 1):
                sys.exit(f"{' '.join(cmd)} failed with exit code {code}")
            if i > 0:
                res[name].append((wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss * 1024))
    return {
        name: {
            "wall": statistics.median(w for w, _, _ in r),
            "best": min(w for w, _, _ in r),
            "cpu": statistics.median(c for _, c, _ in r),
            "rss": statistics.median(m for _, _, m in r),
            "cpus": [c for _, c, _ in r],
        }
        for name, r in res.items()
    }


def paired(m, name, other):
    """The median over rounds of `name`'s CPU time over `other`'s in the same
    round: the two ran back to back, so a busy moment of the machine weighs
    on both, where a ratio of two medians takes each from its own moment."""
    return statistics.median(x / y for x, y in zip(m[name]["cpus"], m[other]["cpus"]))


def main():
    if sys.argv[1] == "--count":
        # Also apart: the timing process must not grow by reading outputs.
        import json

        kind, path = sys.argv[2], sys.argv[3]
        print(json.dumps(changed_in_json(path) if kind == "json" else changed_in_git(path)))
        return
    if sys.argv[1] == "--make":
        # Run apart from the timing process: a child's peak RSS counts the
        # memory of the process it was forked from, so that one stays small.
        import json

        cases = make_cases(sys.argv[2], "--quick" in sys.argv)
        json.dump(cases, open(os.path.join(sys.argv[2], "cases.json"), "w"))
        return
    duthao = sys.argv[1]
    quick = "--quick" in sys.argv
    runs_for = lambda size: int(os.environ.get("RUNS", 0)) or (  # noqa: E731
        21 if size < 1_000_000 else 11 if size < 8_000_000 else 9)
    with tempfile.TemporaryDirectory() as work:
        import json

        print("making the drafts …", file=sys.stderr)
        subprocess.run([sys.executable, __file__, "--make", work] + (["--quick"] if quick else []),
                       check=True)
        cases = json.load(open(os.path.join(work, "cases.json")))
        rows = []
        for name, a, b, truth, what in cases:
            size = os.path.getsize(a)
            cmds, outs = {}, {}
            for fmt in FORMATS:
                cmds[fmt] = [duthao, "diff", "--files", a, b, "--format", fmt]
                outs[fmt] = os.path.join(work, f"out.{fmt}")
            cmds["git"] = ["git", "diff", "--no-index", "--word-diff=porcelain", a, b]
            cmds["histogram"] = cmds["git"][:3] + ["--diff-algorithm=histogram"] + cmds["git"][3:]
            outs["git"] = os.path.join(work, "out.git")
            outs["histogram"] = os.path.join(work, "out.histogram")
            runs = runs_for(size)
            print(f"{name}: {runs} runs of each …", file=sys.stderr)
            m = measure(cmds, runs, outs)
            def count(kind, path):
                out = subprocess.run([sys.executable, __file__, "--count", kind, path],
                                     check=True, capture_output=True, text=True).stdout
                value = json.loads(out)
                return tuple(value) if isinstance(value, list) else value

            found = {"json": count("json", outs["json"]),
                     "git": count("git", outs["git"]),
                     "histogram": count("git", outs["histogram"])}
            rows.append((name, size, truth, what, m, found))
        floor = measure({"true": ["true"]}, 5, {"true": os.devnull})["true"]["rss"]
        # What starting costs each tool, apart from any work: the floor of
        # the 10-page case.
        print("starting alone: 101 runs of each …", file=sys.stderr)
        start = measure({"duthao": [duthao, "--version"], "git": ["git", "--version"]}, 101,
                        {"duthao": os.devnull, "git": os.devnull})
        report(rows)
        print(f"\nPeak RSS of `true` launched the same way: {floor / 2**20:.1f} MiB. A child's "
              "peak counts the memory of the process it was forked from (the harness), so "
              "figures near this one are upper bounds.")
        print(f"\nStarting alone (`--version`, 101 runs of each, interleaved): duthao "
              f"{start['duthao']['cpu'] * 1000:.2f} ms of CPU, git {start['git']['cpu'] * 1000:.2f} ms "
              f"(duthao / git {paired(start, 'duthao', 'git'):.2f}).")


def report(rows):
    label = {"json": "duthao json", "terminal": "duthao terminal", "html": "duthao html",
             "git": "git --word-diff", "histogram": "git … histogram"}
    print("| case | command | median CPU | median wall | best wall | peak RSS | RSS / version "
          "| changed words (error) | CPU / git | CPU / histogram |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, size, truth, what, m, found in rows:
        for i, cmd in enumerate(["json", "terminal", "html", "git", "histogram"]):
            r = m[cmd]
            words_found = found.get(cmd)
            moved = ""
            if isinstance(words_found, tuple):
                words_found, n = words_found
                moved = f"; {n:,} blocks moved" if n else ""
            if words_found is None:
                changed = "same as json"
            elif truth:
                changed = f"{words_found:,} ({(words_found - truth) / truth * 100:+.1f} %)"
            else:
                changed = f"{words_found:,}"
            changed += moved
            ratio = lambda other: f"{paired(m, cmd, other):.2f}"  # noqa: E731
            first = f"{name} ({size / 1e6:.2f} MB)" if i == 0 else ""
            print(f"| {first} | {label[cmd]} | {r['cpu']:.3f} s | {r['wall']:.3f} s | "
                  f"{r['best']:.3f} s | {r['rss'] / 2**20:.1f} MiB | {r['rss'] / size:.1f}× | "
                  f"{changed} | {ratio('git') if cmd not in ('git', 'histogram') else ''} | "
                  f"{ratio('histogram') if cmd not in ('git', 'histogram') else ''} |")
    print()
    for name, size, truth, what, m, found in rows:
        print(f"- {name}: {what}" + (f"; generator's count {truth:,}" if truth else ""))
    # The same, a line per case (the README's table).
    print()
    print("| case | size | duthao json | terminal | html | git --word-diff | git histogram "
          "| json / git | terminal / git | html / git | peak RSS (json) | changed words: duthao, git |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, size, truth, what, m, found in rows:
        cpu = {k: m[k]["cpu"] for k in m}
        ours = found["json"][0] if isinstance(found["json"], tuple) else found["json"]
        if truth:
            err = lambda n: f"{(n - truth) / truth * 100:+.1f} %"  # noqa: E731
            words_col = f"{err(ours)}, {err(found['git'])}"
        else:
            words_col = f"{ours:,}, {found['git']:,} (no count to compare)"
        print(f"| {name} | {size / 1e6:.2f} MB | {cpu['json']:.3f} s | {cpu['terminal']:.3f} s | "
              f"{cpu['html']:.3f} s | {cpu['git']:.3f} s | {cpu['histogram']:.3f} s | "
              f"{paired(m, 'json', 'git'):.2f} | {paired(m, 'terminal', 'git'):.2f} | "
              f"{paired(m, 'html', 'git'):.2f} | {m['json']['rss'] / 2**20:.1f} MiB "
              f"({m['json']['rss'] / size:.1f}×) | {words_col} |")


if __name__ == "__main__":
    main()
