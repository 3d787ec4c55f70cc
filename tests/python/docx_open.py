"""Opens each DOCX given on the command line with python-docx and prints one
JSON line per file: its paragraph count and the text of every paragraph,
body tables included. Exits non-zero if any file fails to open."""
import json
import sys

import docx

failed = False
for path in sys.argv[1:]:
    try:
        d = docx.Document(path)
        paras = [p.text for p in d.paragraphs]
        for t in d.tables:
            for row in t.rows:
                for cell in row.cells:
                    paras.extend(p.text for p in cell.paragraphs)
        props = d.core_properties
        print(json.dumps({"file": path, "ok": True, "paragraphs": paras,
                          "title": props.title, "author": props.author}, ensure_ascii=False))
    except Exception as e:  # report every file, then fail
        failed = True
        print(json.dumps({"file": path, "ok": False, "error": str(e)}, ensure_ascii=False))
sys.exit(1 if failed else 0)
