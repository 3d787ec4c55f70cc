//! Helpers shared by the fuzz targets: reading an input as one or two drafts,
//! and the invariants every diff must keep.

use std::path::Path;

use duthao::diff::{
    BlockChange, DraftDiff, RowChange, Side, TableChange, WordOp, apply, table_cells,
};
use duthao::model::Draft;

/// A complete, valid front matter. An input that does not start with `---`
/// is also read with this in front of it, so the fuzzer spends its time in
/// the Markdown body instead of rediscovering the YAML header.
pub const FRONT: &str = "---\nkind: nghi-quyet\nprofile: party\nissuer:\n  parent: ĐẢNG BỘ TỈNH THÁI NGUYÊN\n  name: TỈNH ỦY THÁI NGUYÊN\n  code: TU\nnumber: 15\nplace: Thái Nguyên\ndate: 2026-01-05\ntitle: về tăng cường công tác tổ chức xây dựng Đảng năm 2026\nsigner:\n  authority: T/M BAN THƯỜNG VỤ\n  title: BÍ THƯ\n  name: Nguyễn Văn A\nrecipients:\n  - Ban Tổ chức Trung ương (để b/c)\n  - Lưu Văn phòng Tỉnh ủy\n---\n\n";

/// The bytes as a draft: as they are when they start with front matter,
/// otherwise after [`FRONT`]. `None` when the reader refuses them.
pub fn draft(bytes: &[u8]) -> Option<Draft> {
    let path = Path::new("fuzz.md");
    if bytes.starts_with(b"---") || bytes.starts_with("\u{feff}---".as_bytes()) {
        duthao::reader::read(bytes, path).ok()
    } else {
        let mut with = FRONT.as_bytes().to_vec();
        with.extend_from_slice(bytes);
        duthao::reader::read(&with, path).ok()
    }
}

/// The input cut in two at its first 0xFF byte (never part of UTF-8), or in
/// the middle when it has none.
pub fn halves(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => {
            // Cut at a character boundary so both halves can be UTF-8.
            let mut mid = data.len() / 2;
            while mid < data.len() && (data[mid] & 0xC0) == 0x80 {
                mid += 1;
            }
            data.split_at(mid)
        }
    }
}

/// The invariants of [`DraftDiff`] that its documentation states:
/// every block of each side appears exactly once; concatenating an entry's
/// ops rebuilds the text of its FROM block (reject all) and of its TO block
/// (accept all); adjacent ops of one kind are merged and a `Delete` comes
/// before its `Insert`; the departures point inside the diff.
pub fn check_diff(diff: &DraftDiff, from: &Draft, to: &Draft) {
    let mut seen_from = vec![0u32; from.body.blocks.len()];
    let mut seen_to = vec![0u32; to.body.blocks.len()];
    for b in &diff.blocks {
        if let Some(f) = b.from() {
            seen_from[f] += 1;
        }
        if let Some(t) = b.to() {
            seen_to[t] += 1;
        }
    }
    assert!(
        seen_from.iter().all(|&n| n == 1),
        "FROM blocks not each seen once: {seen_from:?}"
    );
    assert!(
        seen_to.iter().all(|&n| n == 1),
        "TO blocks not each seen once: {seen_to:?}"
    );

    for (i, b) in diff.blocks.iter().enumerate() {
        let ops = diff.full_ops(i, from, to);
        if let Some(f) = b.from() {
            assert_eq!(
                apply(&ops, Side::Old),
                diff.text_of(&from.body.blocks[f]),
                "entry {i} ({}) does not rebuild FROM block {f}",
                b.kind_name()
            );
        }
        if let Some(t) = b.to() {
            assert_eq!(
                apply(&ops, Side::New),
                diff.text_of(&to.body.blocks[t]),
                "entry {i} ({}) does not rebuild TO block {t}",
                b.kind_name()
            );
        }
        if let BlockChange::Changed { ops, .. } | BlockChange::Moved { ops, .. } = b {
            for w in ops.windows(2) {
                let same = std::mem::discriminant(&w[0]) == std::mem::discriminant(&w[1]);
                assert!(!same, "entry {i}: adjacent ops of one kind: {w:?}");
                assert!(
                    !matches!(w, [WordOp::Insert(_), WordOp::Delete(_)]),
                    "entry {i}: an Insert before its Delete: {w:?}"
                );
            }
        }
    }
    // An edited table's rows: every row of each side once, each edited
    // cell's ops rebuilding both cells.
    for (i, b) in diff.blocks.iter().enumerate() {
        let (Some(TableChange::Rows(rows)), Some(f), Some(t)) = (b.table(), b.from(), b.to())
        else {
            continue;
        };
        let old = table_cells(&from.body.blocks[f], diff.whitespace).expect("a FROM table");
        let new = table_cells(&to.body.blocks[t], diff.whitespace).expect("a TO table");
        let (mut seen_old, mut seen_new) = (vec![0u32; old.len()], vec![0u32; new.len()]);
        for r in rows {
            if let Some(o) = r.from() {
                seen_old[o] += 1;
            }
            if let Some(n) = r.to() {
                seen_new[n] += 1;
            }
            if let RowChange::Edited {
                from: o,
                to: n,
                cells,
            } = r
            {
                for (c, ops) in cells.iter().enumerate() {
                    assert_eq!(
                        apply(ops, Side::Old),
                        old[*o][c],
                        "entry {i}: row {o} cell {c}"
                    );
                    assert_eq!(
                        apply(ops, Side::New),
                        new[*n][c],
                        "entry {i}: row {n} cell {c}"
                    );
                }
            }
        }
        assert!(
            seen_old.iter().all(|&n| n == 1),
            "entry {i}: FROM rows {seen_old:?}"
        );
        assert!(
            seen_new.iter().all(|&n| n == 1),
            "entry {i}: TO rows {seen_new:?}"
        );
    }
    for (pos, moved) in diff.departures() {
        assert!(pos <= diff.blocks.len());
        assert!(matches!(diff.blocks[moved], BlockChange::Moved { .. }));
    }
}

/// What every file [`duthao_docx_read::read`] returns must keep: each
/// comment's and change's paragraph exists, a comment's offset is a
/// character boundary of that paragraph's original text, and a reply's
/// parent is a comment of the file.
pub fn check_word_file(file: &duthao_docx_read::WordFile) {
    let n = file.paragraphs.len();
    for c in &file.comments {
        if let Some(p) = c.paragraph {
            assert!(p < n, "comment {} in paragraph {p} of {n}", c.id);
            if let Some(o) = c.offset {
                assert!(
                    file.paragraphs[p].original.is_char_boundary(o),
                    "comment {} at {o} in {:?}",
                    c.id,
                    file.paragraphs[p].original
                );
            }
        } else {
            assert!(
                c.offset.is_none(),
                "comment {} has an offset and no paragraph",
                c.id
            );
        }
        if let Some(parent) = &c.parent {
            assert!(
                file.comments.iter().any(|x| &x.id == parent),
                "comment {} answers {parent}, which is not in the file",
                c.id
            );
        }
    }
    for c in &file.changes {
        assert!(
            c.paragraph < n,
            "change in paragraph {} of {n}",
            c.paragraph
        );
        assert!(!c.text.is_empty(), "a change without text is listed");
    }
}

const W_NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\" xmlns:w15=\"http://schemas.microsoft.com/office/word/2012/wordml\"";

/// A DOCX made of the input's parts, cut at `0xFF` bytes: the main
/// document, then (when there is a cut) the comments and (after a second
/// cut) the comments' threads. A part that does not start with `<?xml` is
/// wrapped in its root element with the namespaces declared, so that the
/// fuzzer need not find them. The last byte chooses stored or deflated.
pub fn docx_of_parts(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let mut parts = data.splitn(3, |&b| b == 0xFF);
    let wrap = |bytes: &[u8], open: &str, close: &str| -> Vec<u8> {
        if bytes.starts_with(b"<?xml") {
            return bytes.to_vec();
        }
        let mut out = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{open}").into_bytes();
        out.extend_from_slice(bytes);
        out.extend_from_slice(close.as_bytes());
        out
    };
    let document = wrap(
        parts.next().unwrap_or_default(),
        &format!("<w:document {W_NS}><w:body>"),
        "</w:body></w:document>",
    );
    let comments = parts
        .next()
        .map(|c| wrap(c, &format!("<w:comments {W_NS}>"), "</w:comments>"));
    let extended = parts
        .next()
        .map(|c| wrap(c, &format!("<w15:commentsEx {W_NS}>"), "</w15:commentsEx>"));
    let method = if data.last().is_some_and(|b| b & 1 == 1) {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let opts = SimpleFileOptions::default().compression_method(method);
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut add = |name: &str, bytes: &[u8]| {
        z.start_file(name, opts).expect("start a part");
        z.write_all(bytes).expect("write a part");
    };
    add("word/document.xml", &document);
    if let Some(c) = &comments {
        add("word/comments.xml", c);
    }
    if let Some(x) = &extended {
        add("word/commentsExtended.xml", x);
    }
    z.finish().expect("finish the zip").into_inner()
}
