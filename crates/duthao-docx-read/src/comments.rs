//! The comments part and its threads.
//!
//! Word 2013 and later thread a reply to its parent in
//! `word/commentsExtended.xml`: each `w15:commentEx` names a comment by the
//! `w14:paraId` of the comment's last paragraph, its parent the same way
//! (`w15:paraIdParent`), and carries the resolved flag (`w15:done`).
//! LibreOffice writes the same part. A file without it (python-docx, Word
//! 2010) has no threads: every comment is a root, none resolved.

use std::collections::HashMap;

use roxmltree::Document;

use crate::WordComment;
use crate::document::{Anchor, w_attr, w_name};

const W15: &str = "http://schemas.microsoft.com/office/word/2012/wordml";
const W14: &str = "http://schemas.microsoft.com/office/word/2010/wordml";

/// Per paragraph id: the parent's paragraph id, and the resolved flag.
#[derive(Default)]
pub(crate) struct Threads(HashMap<String, (Option<String>, bool)>);

pub(crate) fn threads(doc: &Document<'_>) -> Threads {
    let mut map = HashMap::new();
    for n in doc.descendants() {
        if !(n.is_element()
            && n.tag_name().name() == "commentEx"
            && n.tag_name().namespace() == Some(W15))
        {
            continue;
        }
        let Some(id) = n.attribute((W15, "paraId")) else {
            continue;
        };
        let parent = n
            .attribute((W15, "paraIdParent"))
            .map(str::to_ascii_uppercase);
        let done = matches!(n.attribute((W15, "done")), Some("1" | "true"));
        map.insert(id.to_ascii_uppercase(), (parent, done));
    }
    Threads(map)
}

pub(crate) fn read(
    doc: &Document<'_>,
    threads: &Threads,
    anchors: &HashMap<String, Anchor>,
) -> Vec<WordComment> {
    // Each comment with its own paragraph id and its parent's.
    let mut out: Vec<(WordComment, Option<String>, Option<String>)> = Vec::new();
    for c in doc.descendants().filter(|n| w_name(n) == Some("comment")) {
        let id = w_attr(&c, "id").unwrap_or_default().to_string();
        let mut text = String::new();
        let mut last_para_id = None;
        let mut first = true;
        for p in c.descendants().filter(|n| w_name(n) == Some("p")) {
            if !first {
                text.push('\n');
            }
            first = false;
            if let Some(pid) = p.attribute((W14, "paraId")) {
                last_para_id = Some(pid.to_ascii_uppercase());
            }
            for n in p.descendants() {
                match w_name(&n) {
                    Some("t") => text.push_str(n.text().unwrap_or_default()),
                    Some("tab") => text.push('\t'),
                    Some("br" | "cr") => text.push('\n'),
                    _ => {}
                }
            }
        }
        let anchor = anchors.get(&id);
        let (parent_pid, done) = last_para_id
            .as_ref()
            .and_then(|p| threads.0.get(p))
            .cloned()
            .unwrap_or_default();
        out.push((
            WordComment {
                id,
                author: w_attr(&c, "author").unwrap_or_default().to_string(),
                initials: w_attr(&c, "initials").map(str::to_string),
                date: w_attr(&c, "date").map(str::to_string),
                text,
                paragraph: anchor.and_then(|a| a.paragraph),
                offset: anchor.and_then(|a| a.offset),
                quote: anchor.map(|a| a.quote.clone()).unwrap_or_default(),
                parent: None,
                done,
            },
            last_para_id,
            parent_pid,
        ));
    }
    // Paragraph ids → comment ids.
    let by_pid: HashMap<String, String> = out
        .iter()
        .filter_map(|(c, pid, _)| Some((pid.clone()?, c.id.clone())))
        .collect();
    let mut comments: Vec<WordComment> = out
        .into_iter()
        .map(|(mut c, _, parent_pid)| {
            c.parent = parent_pid.and_then(|p| by_pid.get(&p).cloned());
            c
        })
        .collect();
    // Document order: by where the range starts; unanchored last.
    let order = |c: &WordComment| {
        anchors
            .get(&c.id)
            .and_then(|a| a.order)
            .unwrap_or(usize::MAX)
    };
    comments.sort_by_key(order);
    comments
}
