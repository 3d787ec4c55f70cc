#!/usr/bin/env python3
"""Runs both conformance checks on every DOCX given: validate.py (the ISO/IEC
29500 Transitional schemas) and wordcheck.py (the order Word reads
properties in, package integrity). One process for many files, so the
schema set is compiled once. Prints each check's report; exits 1 when any
file fails either check, 2 when lxml is missing.

    python3 tests/ooxml/check.py FILE.docx [FILE.docx ...]
"""
import contextlib
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    import lxml  # noqa: F401
except ImportError:
    print("lxml is not installed (pip install lxml)", file=sys.stderr)
    sys.exit(2)

import validate  # noqa: E402
import wordcheck  # noqa: E402


def run(module, path):
    saved = sys.argv
    sys.argv = [module.__name__ + ".py", path, "-v"]
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            code = module.main()
    finally:
        sys.argv = saved
    return code, out.getvalue()


def main():
    files = sys.argv[1:]
    if not files:
        print(__doc__)
        return 2
    failed = False
    for path in files:
        for module in (validate, wordcheck):
            code, report = run(module, path)
            if code != 0:
                failed = True
                sys.stdout.write(report)
    if not failed:
        print(f"OK: {len(files)} file(s) pass validate.py and wordcheck.py")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
