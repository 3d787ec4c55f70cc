#!/usr/bin/env python3
"""Builds a large duthao workspace for benchmarks: N drafts and M commits,
text from bench/gen_corpus.py, written with `git fast-import` (so building
it takes seconds, not the hours M `duthao commit`s would).

    python3 bench/make_workspace.py --drafts 1000 --commits 10000 OUT_DIR
    python3 bench/make_workspace.py --drafts 5000 --commits 10000 OUT_DIR

Every draft gets a version (annotated tag duthao/<slug>/v1) after its first
commit and most a second (v2) after their second; the last commits leave some
drafts revised after their latest version. Each tag carries the trailers
`duthao submit` writes (the draft's path, blob and SHA-256), as a workspace
made by duthao has them.
"""
import argparse
import hashlib
import io
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # no bench/__pycache__ in the working tree
import gen_corpus  # noqa: E402  (bench/gen_corpus.py, beside this script)


def git_blob_id(data):
    """The object id git gives a blob of these bytes."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def blob(data):
    b = data.encode("utf-8")
    return b"data %d\n" % len(b) + b + b"\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--drafts", type=int, default=1000)
    ap.add_argument("--commits", type=int, default=10000)
    ap.add_argument("--pages", type=int, default=1)
    a = ap.parse_args()
    if a.commits < a.drafts:
        ap.error("--commits must be at least --drafts (one commit adds each draft)")
    out = Path(a.out)
    if out.exists() and any(out.iterdir()):
        sys.exit(f"{out} exists and is not empty")
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)

    # Texts: each draft and one revision of it; later commits alternate
    # between them.
    texts = []
    for i in range(a.drafts):
        base = gen_corpus.generate(a.pages, i + 1)
        revised, _ = gen_corpus.revise(base, 3, 1)
        texts.append([base, revised])

    # The party duthao.toml that `duthao init` writes.
    party_toml = (HERE.parent / "src" / "ops" / "default-party.toml").read_text(encoding="utf-8")

    stream = io.BytesIO()
    w = stream.write
    t0 = 1767225600  # 2026-01-01
    slugs = [f"van-ban-{i + 1:04d}" for i in range(a.drafts)]
    version_marks = {s: [] for s in slugs}
    rev_of = [0] * a.drafts
    for c in range(a.commits):
        mark = c + 1
        when = t0 + c * 60
        if c < a.drafts:
            d = c
            msg = f"Bản đầu {slugs[d]}"
        else:
            d = (c * 7919) % a.drafts
            rev_of[d] = 1 - rev_of[d]
            msg = f"Chỉnh sửa {slugs[d]}"
        w(b"commit refs/heads/main\nmark :%d\n" % mark)
        w(b"author Nguyen Van A <a@example.vn> %d +0700\n" % when)
        w(b"committer Nguyen Van A <a@example.vn> %d +0700\n" % when)
        w(blob(msg))
        if c > 0:
            w(b"from :%d\n" % (mark - 1))
        if c == 0:
            w(b"M 100644 inline duthao.toml\n" + blob(party_toml))
        w(b"M 100644 inline drafts/%s.md\n" % slugs[d].encode() + blob(texts[d][rev_of[d]]))
        # Versions: v1 after the draft's first commit, v2 after its second,
        # unless that falls in the last tenth of the history (so that some
        # drafts have work after their latest version however many drafts).
        marks = version_marks[slugs[d]]
        if len(marks) < 2 and (c < a.drafts or (len(marks) == 1 and c < a.commits * 9 // 10)):
            marks.append((mark, when, texts[d][rev_of[d]].encode("utf-8")))
    for s in slugs:
        for n, (mark, when, text) in enumerate(version_marks[s], start=1):
            w(b"tag duthao/%s/v%d\nfrom :%d\n" % (s.encode(), n, mark))
            w(b"tagger Nguyen Van A <a@example.vn> %d +0700\n" % (when + 30))
            w(blob(f"Dự thảo lần {n}\n\n"
                   f"Duthao-Draft: drafts/{s}.md\n"
                   f"Duthao-Text-Blob: {git_blob_id(text)}\n"
                   f"Duthao-Text-SHA256: {hashlib.sha256(text).hexdigest()}\n"))
    subprocess.run(["git", "-C", str(out), "fast-import", "--quiet"], input=stream.getvalue(), check=True)
    subprocess.run(["git", "-C", str(out), "checkout", "-q", "main"], check=True)
    subprocess.run(["git", "-C", str(out), "reset", "-q", "--hard"], check=True)
    print(f"{out}: {a.drafts} drafts, {a.commits} commits, "
          f"{sum(len(v) for v in version_marks.values())} version tags", file=sys.stderr)


if __name__ == "__main__":
    main()
