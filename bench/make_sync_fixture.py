#!/usr/bin/env python3
"""Adds N comments to a workspace for bench/sync.sh, ONE COMMIT PER COMMENT,
as `duthao comment add` makes them: each a review event file
reviews/SLUG/<id>.yaml (the layout and YAML of bench/make_comments.py, whose
helpers are imported) committed alone with duthao's message

    Comment on SLUG vN by BODY at the draft as a whole [<short id>]

    Duthao-Draft: SLUG
    Duthao-Event: comment <id>

All N commits are written by one `git fast-import` on top of the current
branch (seconds, not the minutes 1,000 `duthao comment add`s take), then the
working tree and index are brought to the new tip. The comments are on the
draft as a whole (no anchor: a sync moves files and commits and reads only
an event's `event:` line, so anchors would change nothing it does), from the
bodies in duthao.toml, with texts, proposals and letters drawn as
make_comments.py draws them. Event times start a minute after the branch's
tip and are 30 s apart; the author and committer are the GIT_AUTHOR_* /
GIT_COMMITTER_* identity. The same workspace and arguments give the same
commits.

    python3 bench/make_sync_fixture.py WS SLUG --comments 1000 --seed 2

Python 3.11 standard library only.
"""
import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tomllib
from pathlib import Path

sys.dont_write_bytecode = True  # no bench/__pycache__ in the project
sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_comments import (COMMENTS, HEADER, PROPOSALS, RECORDER, emit,  # noqa: E402
                           event_id, millis, nfc, stamp)


def git(ws, *args, **kw):
    return subprocess.run(["git", "-C", ws, *args], check=True, capture_output=True, **kw).stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ws", help="the workspace (the git repository's top folder)")
    ap.add_argument("slug")
    ap.add_argument("--comments", type=int, default=1000, help="comments, one commit each (default 1000)")
    ap.add_argument("--version", type=int, default=1, help="the version commented on (default 1)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    ws, slug = a.ws, a.slug
    rng = random.Random(a.seed)

    tag = f"refs/tags/duthao/{slug}/v{a.version}"
    if subprocess.run(["git", "-C", ws, "rev-parse", "-q", "--verify", tag],
                      capture_output=True).returncode != 0:
        sys.exit(f"{ws}: {slug} has no version {a.version} ({tag})")
    config = tomllib.loads(Path(ws, "duthao.toml").read_text(encoding="utf-8"))
    bodies = [(nfc(b["name"]), b["level"]) for b in config.get("bodies", [])]
    if not bodies:
        sys.exit(f"{ws}/duthao.toml lists no bodies")

    branch = git(ws, "symbolic-ref", "--short", "HEAD", text=True).strip()
    head = git(ws, "rev-parse", "HEAD", text=True).strip()
    head_time = int(git(ws, "log", "-1", "--format=%ct", "HEAD", text=True).strip())
    if git(ws, "status", "--porcelain", "--untracked-files=no", text=True).strip():
        sys.exit(f"{ws}: uncommitted changes; commit them first")
    t0 = dt.datetime.fromtimestamp(head_time, dt.timezone(dt.timedelta(hours=7))) + dt.timedelta(minutes=1)
    name = os.environ.get("GIT_AUTHOR_NAME", "Người Đo")
    email = os.environ.get("GIT_AUTHOR_EMAIL", "do@example.vn")
    rel = f"reviews/{slug}"

    stream = bytearray()

    def data(b):
        stream.extend(b"data %d\n" % len(b))
        stream.extend(b)
        stream.extend(b"\n")

    seen = set()
    for k in range(a.comments):
        t = t0 + dt.timedelta(seconds=30 * k)
        body, level = rng.choice(bodies)
        eid = event_id(millis(t), rng)
        if eid in seen:
            sys.exit("two ids alike; another seed")
        seen.add(eid)
        letter = rng.random() < 0.3
        source = [("via", "letter"),
                  ("letter", f"Số {rng.randint(1, 300)}-CV/ĐU, ngày {rng.randint(1, 28):02d}/11/2026")] \
            if letter else [("via", "typed")]
        text = nfc(HEADER + emit([
            ("event", "comment"), ("id", eid),
            ("draft", slug), ("version", a.version), ("level", level), ("body", body),
            ("author", RECORDER), ("time", stamp(t)),
            ("text", rng.choice(COMMENTS)),
            ("proposal", rng.choice(PROPOSALS) if rng.random() < 0.2 else None),
            ("source", source),
        ]))
        msg = (f"Comment on {slug} v{a.version} by {body} at the draft as a whole [{eid[10:18]}]\n\n"
               f"Duthao-Draft: {slug}\nDuthao-Event: comment {eid}\n")
        when = f"{int(t.timestamp())} +0700"
        stream.extend(f"commit refs/heads/{branch}\n".encode())
        stream.extend(f"author {name} <{email}> {when}\n".encode())
        stream.extend(f"committer {name} <{email}> {when}\n".encode())
        data(nfc(msg).encode())
        if k == 0:
            stream.extend(f"from {head}\n".encode())
        stream.extend(f"M 100644 inline {rel}/{eid}.yaml\n".encode())
        data(text.encode())
        stream.extend(b"\n")
    stream.extend(b"done\n")
    pack_dir = os.path.join(git(ws, "rev-parse", "--git-dir", text=True).strip(), "objects", "pack")
    if not os.path.isabs(pack_dir):
        pack_dir = os.path.join(ws, pack_dir)
    packs_before = set(os.listdir(pack_dir)) if os.path.isdir(pack_dir) else set()
    subprocess.run(["git", "-C", ws, "fast-import", "--quiet", "--done"], input=bytes(stream), check=True)
    # `duthao comment add` leaves each commit's objects loose: so do we, or
    # git's push would reuse the deltas fast-import computed and look
    # cheaper than it is in real use.
    for name in sorted(set(os.listdir(pack_dir)) - packs_before):
        if name.endswith(".pack"):
            path = os.path.join(pack_dir, name)
            with open(path, "rb") as f:
                data_ = f.read()
            for ext in (".pack", ".idx", ".rev"):
                try:
                    os.remove(path[:-5] + ext)
                except FileNotFoundError:
                    pass
            subprocess.run(["git", "-C", ws, "unpack-objects", "-q"], input=data_, check=True)
    # the branch moved under the checkout: bring the files and index along
    git(ws, "read-tree", "-u", "-m", head, "HEAD")
    git(ws, "update-index", "-q", "--refresh")
    print(f"{ws}: {a.comments} comments on {slug} v{a.version}, one commit each, "
          f"{head[:8]}..{git(ws, 'rev-parse', '--short=8', 'HEAD', text=True).strip()}", file=sys.stderr)


if __name__ == "__main__":
    main()
