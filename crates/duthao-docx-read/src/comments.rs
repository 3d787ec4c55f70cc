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

use crate::document::{Walked, w_attr, w_name};
use crate::{ReadError, WordComment};

/// The most text the comments' quotes may hold together, in bytes. A
/// range's quote is at most the document's text, but many comments (or
/// many with one id) may quote it all: bounded so that the result stays in
/// proportion to the file.
pub const MAX_QUOTES: u64 = 64 << 20;

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
    part: &str,
    doc: &Document<'_>,
    threads: &Threads,
    walked: &Walked,
) -> Result<Vec<WordComment>, ReadError> {
    let anchors = &walked.anchors;
    let mut quoted = 0u64;
    // Each comment with its own paragraph id and its parent's.
    let mut out: Vec<(WordComment, Option<String>, Option<String>)> = Vec::new();
    // The comments are the children of `w:comments`: looking for them at
    // any depth read a comment nested in others once for each of them.
    for c in doc
        .root_element()
        .children()
        .filter(|n| w_name(n) == Some("comment"))
    {
        let id = w_attr(&c, "id").unwrap_or_default().to_string();
        let mut text = String::new();
        let mut last_para_id = None;
        let mut first = true;
        // One pass over the comment: taking each paragraph's descendants
        // read a text as many times as it had paragraphs around it, and
        // paragraphs nested 1,000 deep multiplied the text by 1,000.
        for n in c.descendants() {
            match w_name(&n) {
                Some("p") => {
                    if !first {
                        text.push('\n');
                    }
                    first = false;
                    if let Some(pid) = n.attribute((W14, "paraId")) {
                        last_para_id = Some(pid.to_ascii_uppercase());
                    }
                }
                Some("t") if !first => text.push_str(n.text().unwrap_or_default()),
                Some("tab") if !first => text.push('\t'),
                Some("br" | "cr") if !first => text.push('\n'),
                _ => {}
            }
        }
        let anchor = anchors.get(&id);
        if let Some(a) = anchor {
            quoted += walked.quote_len(a) as u64;
            if quoted > MAX_QUOTES {
                return Err(ReadError::TooBig {
                    part: format!("{part} (the text its comments quote)"),
                    limit: MAX_QUOTES,
                });
            }
        }
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
                quote: anchor.map(|a| walked.quote(a)).unwrap_or_default(),
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
    Ok(comments)
}
