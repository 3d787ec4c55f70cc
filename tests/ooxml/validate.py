#!/usr/bin/env python3
"""Validate the XML parts of a .docx against the ISO/IEC 29500 Transitional XSDs in ./xsd.

What it does, per package part named in [Content_Types].xml (and every other *.xml / *.rels in the zip):
  1. well-formedness (a part that does not parse is an error);
  2. Markup Compatibility pre-processing as an Office 2007-level consumer would do it:
     attributes/elements in namespaces listed in mc:Ignorable are dropped,
     mc:AlternateContent is replaced by its mc:Fallback;
  3. the root element must be the one the part's content type calls for;
  4. XSD validation (libxml2 via lxml, or the pure-Python `xmlschema` engine with --engine xmlschema).

Exit status: 0 when no errors, 1 when any part has errors, 2 on usage problems.
Note: libxml2 reports only the first content-model violation inside one parent element, so the
count of "unexpected child" errors is the number of parents with at least one violation.
"""
import argparse
import collections
import os
import re
import sys
import zipfile
from copy import deepcopy

from lxml import etree

HERE = os.path.dirname(os.path.abspath(__file__))
XSD_DIR = os.path.join(HERE, "xsd")

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# content type -> expected root {ns}local
ROOTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": f"{{{W}}}document",
    "application/vnd.ms-word.document.macroEnabled.main+xml": f"{{{W}}}document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": f"{{{W}}}document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml": f"{{{W}}}styles",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml": f"{{{W}}}settings",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml": f"{{{W}}}numbering",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml": f"{{{W}}}fonts",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.webSettings+xml": f"{{{W}}}webSettings",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml": f"{{{W}}}comments",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml": f"{{{W}}}footnotes",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml": f"{{{W}}}endnotes",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml": f"{{{W}}}hdr",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml": f"{{{W}}}ftr",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml":
        "{http://schemas.microsoft.com/office/word/2012/wordml}commentsEx",
    "application/vnd.openxmlformats-package.relationships+xml":
        "{http://schemas.openxmlformats.org/package/2006/relationships}Relationships",
    "application/vnd.openxmlformats-package.core-properties+xml":
        "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}coreProperties",
    "application/vnd.openxmlformats-officedocument.extended-properties+xml":
        "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}Properties",
    "application/vnd.openxmlformats-officedocument.custom-properties+xml":
        "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}Properties",
}
# roots that the XSD set here knows; other parts are only checked for well-formedness
KNOWN_NS = {
    W,
    "http://schemas.openxmlformats.org/package/2006/relationships",
    "http://schemas.openxmlformats.org/package/2006/content-types",
    "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "http://schemas.microsoft.com/office/word/2012/wordml",
}


def content_types(z):
    root = etree.fromstring(z.read("[Content_Types].xml"))
    defaults, overrides = {}, {}
    for el in root:
        if el.tag == f"{{{CT_NS}}}Default":
            defaults[el.get("Extension").lower()] = el.get("ContentType")
        elif el.tag == f"{{{CT_NS}}}Override":
            overrides[el.get("PartName").lower()] = el.get("ContentType")
    return defaults, overrides


def ct_of(name, defaults, overrides):
    pn = "/" + name
    if pn.lower() in overrides:
        return overrides[pn.lower()]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return defaults.get(ext)


def mce_preprocess(root):
    """Apply MCE for a consumer that understands no extension namespace."""
    # AlternateContent -> Fallback content (or nothing)
    for ac in list(root.iter(f"{{{MC}}}AlternateContent")):
        parent = ac.getparent()
        if parent is None:
            continue
        idx = parent.index(ac)
        fb = ac.find(f"{{{MC}}}Fallback")
        parent.remove(ac)
        if fb is not None:
            for i, child in enumerate(list(fb)):
                parent.insert(idx + i, child)
    # Ignorable namespaces, declared on any element, apply to it and its descendants
    def walk(el, ignorable):
        ign = el.get(f"{{{MC}}}Ignorable")
        if ign:
            ignorable = set(ignorable)
            for p in ign.split():
                uri = el.nsmap.get(p)
                if uri:
                    ignorable.add(uri)
        for a in list(el.attrib):
            if a.startswith("{"):
                ns = a[1:].split("}")[0]
                if ns in ignorable or ns == MC:
                    del el.attrib[a]
        for child in list(el):
            if not isinstance(child.tag, str):
                continue
            ns = child.tag[1:].split("}")[0] if child.tag.startswith("{") else ""
            if ns in ignorable:
                el.remove(child)
            else:
                walk(child, ignorable)
    walk(root, frozenset())
    return root


def short(tag):
    pfx = {W: "w", MC: "mc"}
    m = re.match(r"\{(.*)\}(.*)", tag)
    if not m:
        return tag
    return f"{pfx.get(m.group(1), m.group(1))}:{m.group(2)}" if m.group(1) in pfx else f"{{{m.group(1)}}}{m.group(2)}"


def simplify(msg):
    msg = msg.replace("{" + W + "}", "w:")
    return msg


def kind_of(msg, path):
    """Group key for an error: parent element + the offending child / attribute."""
    m = re.match(r"Element '([^']+)'(?:, attribute '([^']+)')?: (.*)", msg)
    parent = None
    if path:
        parts = [p for p in path.split("/") if p]
        if len(parts) >= 2:
            parent = re.sub(r"\[\d+\]", "", parts[-2])
    if not m:
        return msg[:120]
    el, attr, rest = m.groups()
    if "This element is not expected" in rest:
        return f"in {parent}: <{el}> out of schema order / not allowed there"
    if "Missing child element" in rest:
        return f"<{el}> incomplete: {rest.split('.')[0]}"
    if attr:
        return f"<{el}> attribute {attr}: {rest.split(';')[0][:100]}"
    return f"<{el}>: {rest[:120]}"


_SCHEMA = None


def lxml_schema():
    """The compiled schema set, once per process (check.py validates many files)."""
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = etree.XMLSchema(etree.parse(os.path.join(XSD_DIR, "all.xsd")))
    return _SCHEMA


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("docx")
    ap.add_argument("--engine", choices=["lxml", "xmlschema"], default="lxml")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every error, not only the summary")
    ap.add_argument("--max", type=int, default=5, help="examples per error kind (default 5)")
    args = ap.parse_args()

    try:
        z = zipfile.ZipFile(args.docx)
    except Exception as e:  # noqa
        print(f"{args.docx}: not a zip: {e}")
        return 1

    if args.engine == "lxml":
        schema = lxml_schema()
    else:
        import xmlschema
        schema = xmlschema.XMLSchema10(os.path.join(XSD_DIR, "all.xsd"))

    defaults, overrides = content_types(z)
    errors = []  # (part, kind, message, path)
    names = [n for n in z.namelist() if not n.endswith("/")]
    for name in names:
        ct = ct_of(name, defaults, overrides)
        is_xml = name.endswith(".xml") or name.endswith(".rels") or (ct or "").endswith("xml")
        if not is_xml:
            continue
        data = z.read(name)
        try:
            doc = etree.fromstring(data, etree.XMLParser(remove_blank_text=False, resolve_entities=False))
        except etree.XMLSyntaxError as e:
            errors.append((name, "not well-formed XML", str(e), ""))
            continue
        if name == "[Content_Types].xml":
            ct = "[Content_Types]"
        expected = ROOTS.get(ct)
        if expected and doc.tag != expected:
            errors.append((name, "root element does not match content type",
                           f"root {doc.tag}, content type {ct} wants {expected}", ""))
        ns = doc.tag[1:].split("}")[0] if doc.tag.startswith("{") else ""
        if ns not in KNOWN_NS:
            if args.verbose:
                print(f"  (skip schema check of {name}: root namespace {ns} not in the XSD set)")
            continue
        tree = mce_preprocess(deepcopy(doc))
        if args.engine == "lxml":
            ok = schema.validate(tree)
            if not ok:
                for e in schema.error_log:
                    msg = simplify(e.message)
                    errors.append((name, kind_of(msg, e.path), msg, e.path))
        else:
            for e in schema.iter_errors(etree.ElementTree(tree)):
                msg = simplify(str(e.reason))
                path = e.path or ""
                errors.append((name, f"[xmlschema] {msg[:140]}", msg, path))

    if not errors:
        print(f"OK: {args.docx}: every XML part is well-formed and valid against the ISO/IEC 29500 Transitional XSDs")
        return 0

    print(f"FAIL: {args.docx}: {len(errors)} schema error(s)")
    by_kind = collections.OrderedDict()
    for part, kind, msg, path in errors:
        by_kind.setdefault((part, kind), []).append((msg, path))
    for (part, kind), items in sorted(by_kind.items(), key=lambda kv: (kv[0][0], -len(kv[1]))):
        print(f"  {part}: {len(items)} x {kind}")
        shown = items if args.verbose else items[: args.max]
        for msg, path in shown:
            print(f"      {path}  {msg[:300]}")
        if len(items) > len(shown):
            print(f"      ... {len(items) - len(shown)} more")
    return 1


if __name__ == "__main__":
    sys.exit(main())
