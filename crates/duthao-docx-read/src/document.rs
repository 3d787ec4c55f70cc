//! The main document, walked once in document order without recursion
//! (`traverse` yields each element's opening and closing): paragraphs with
//! both texts, the marker they sit in, where each comment range starts and
//! what it covers, and the tracked changes.

use std::collections::HashMap;

use roxmltree::{Document, Node};

use crate::{ChangeKind, Paragraph, TrackedChange};

/// WordprocessingML, transitional and strict.
const W: [&str; 2] = [
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];

/// Where a comment sits in the document.
#[derive(Debug, Default)]
pub(crate) struct Anchor {
    pub paragraph: Option<usize>,
    pub offset: Option<usize>,
    /// The pieces of [`Walked::pieces`] its range covers, as half-open
    /// index ranges. The quote is built from them only for a comment the
    /// file has: copying each piece into every open range as it was read
    /// made a 48 KB file of 20,000 unclosed ranges over 200 KB of text take
    /// over 8 GB (found by review while fuzzing).
    spans: Vec<(usize, usize)>,
    /// The piece where its range opened, while it is open.
    open: Option<usize>,
    /// Position of its range start (or reference) in the document.
    pub order: Option<usize>,
}

/// What the walk found.
pub(crate) struct Walked {
    pub paragraphs: Vec<Paragraph>,
    pub changes: Vec<TrackedChange>,
    pub anchors: HashMap<String, Anchor>,
    /// The original text of the document, piece by piece as read.
    text: String,
    /// Each piece's paragraph and end in `text`.
    pieces: Vec<(usize, usize)>,
}

impl Walked {
    /// The text inside an anchor's range, tracked changes rejected; the
    /// pieces of two paragraphs joined by `\n`.
    pub fn quote(&self, anchor: &Anchor) -> String {
        let mut out = String::new();
        let mut last = None;
        for &(from, to) in &anchor.spans {
            for i in from..to {
                let (p, end) = self.pieces[i];
                let start = if i == 0 { 0 } else { self.pieces[i - 1].1 };
                if last.is_some_and(|l| l != p) {
                    out.push('\n');
                }
                last = Some(p);
                out.push_str(&self.text[start..end]);
            }
        }
        out
    }

    /// How long [`Walked::quote`] is, without building it.
    pub fn quote_len(&self, anchor: &Anchor) -> usize {
        let mut len = 0;
        let mut last = None;
        for &(from, to) in &anchor.spans {
            if from < to {
                let start = if from == 0 {
                    0
                } else {
                    self.pieces[from - 1].1
                };
                len += self.pieces[to - 1].1 - start;
                // A `\n` wherever the paragraph changes.
                for i in from..to {
                    let p = self.pieces[i].0;
                    len += usize::from(last.is_some_and(|l| l != p));
                    last = Some(p);
                }
            }
        }
        len
    }
}

/// The element's local name, when it is in the WordprocessingML namespace.
pub(crate) fn w_name<'a>(n: &Node<'a, '_>) -> Option<&'a str> {
    if !n.is_element() {
        return None;
    }
    let tag = n.tag_name();
    W.contains(&tag.namespace()?).then(|| tag.name())
}

/// A `w:` attribute of an element.
pub(crate) fn w_attr<'a>(n: &Node<'a, '_>, name: &str) -> Option<&'a str> {
    n.attributes()
        .find(|a| a.name() == name && a.namespace().is_some_and(|ns| W.contains(&ns)))
        .map(|a| a.value())
}

/// Whether a `w:ins`/`w:del` marks runs (not a paragraph mark, a row or a
/// numbering change, which sit in a properties element).
fn marks_runs(n: &Node<'_, '_>) -> bool {
    n.parent_element()
        .and_then(|p| w_name(&p))
        .is_some_and(|p| !p.ends_with("Pr"))
}

pub(crate) fn walk(doc: &Document<'_>) -> Walked {
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    let mut changes: Vec<TrackedChange> = Vec::new();
    let mut anchors: HashMap<String, Anchor> = HashMap::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut tables = 0usize;
    // The open markers, innermost last: (id, name, still open). A
    // bookmarkEnd closes every marker of its id; finding them by scanning
    // the stack was quadratic (20,000 bookmarks took seconds), so each id
    // knows its entries, and closed entries are dropped from the top.
    let mut markers: Vec<(String, bool)> = Vec::new();
    let mut marker_ids: HashMap<String, Vec<usize>> = HashMap::new();
    let mut log = String::new();
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    // One entry per open ins/del element: its kind, and the change it
    // records (none outside a paragraph).
    let mut revs: Vec<(ChangeKind, Option<usize>)> = Vec::new();
    let mut order = 0usize;
    // LibreOffice writes the bookmark of an empty paragraph as a start with
    // no end (and a second, collapsed copy): such a marker covers only the
    // paragraph it starts in, not the rest of the document.
    let ended: std::collections::HashSet<&str> = doc
        .descendants()
        .filter(|n| w_name(n) == Some("bookmarkEnd"))
        .filter_map(|n| w_attr(&n, "id"))
        .collect();

    for edge in Traverse::new(doc.root()) {
        match edge {
            Edge::Open(n) => {
                let Some(name) = w_name(&n) else { continue };
                let current = stack.last().copied();
                let mut piece: Option<&str> = None;
                match name {
                    "p" => {
                        paragraphs.push(Paragraph {
                            marker: markers.last().map(|(m, _)| m.clone()),
                            in_table: tables > 0,
                            ..Paragraph::default()
                        });
                        stack.push(paragraphs.len() - 1);
                    }
                    "tbl" => tables += 1,
                    "bookmarkStart" => {
                        if let (Some(id), Some(bm)) = (w_attr(&n, "id"), w_attr(&n, "name"))
                            && bm.starts_with("_dt")
                        {
                            if ended.contains(id) {
                                marker_ids
                                    .entry(id.to_string())
                                    .or_default()
                                    .push(markers.len());
                                markers.push((bm.to_string(), true));
                            }
                            if let Some(p) = current
                                && paragraphs[p].marker.is_none()
                            {
                                paragraphs[p].marker = Some(bm.to_string());
                            }
                        }
                    }
                    "bookmarkEnd" => {
                        if let Some(id) = w_attr(&n, "id") {
                            for i in marker_ids.remove(id).unwrap_or_default() {
                                markers[i].1 = false;
                            }
                            while markers.last().is_some_and(|(_, open)| !open) {
                                markers.pop();
                            }
                        }
                    }
                    "commentRangeStart" => {
                        if let Some(id) = w_attr(&n, "id") {
                            let a = anchors.entry(id.to_string()).or_default();
                            a.paragraph = current;
                            a.offset = current.map(|p| paragraphs[p].original.len());
                            a.order = Some(order);
                            order += 1;
                            if a.open.is_none() {
                                a.open = Some(pieces.len());
                            }
                        }
                    }
                    "commentRangeEnd" => {
                        if let Some(id) = w_attr(&n, "id")
                            && let Some(a) = anchors.get_mut(id)
                            && let Some(from) = a.open.take()
                        {
                            a.spans.push((from, pieces.len()));
                        }
                    }
                    "commentReference" => {
                        if let Some(id) = w_attr(&n, "id") {
                            let a = anchors.entry(id.to_string()).or_default();
                            if a.order.is_none() {
                                a.paragraph = current;
                                a.order = Some(order);
                                order += 1;
                            }
                        }
                    }
                    "ins" | "moveTo" | "del" | "moveFrom" if marks_runs(&n) => {
                        let kind = if matches!(name, "ins" | "moveTo") {
                            ChangeKind::Insert
                        } else {
                            ChangeKind::Delete
                        };
                        let index = current.map(|p| {
                            changes.push(TrackedChange {
                                paragraph: p,
                                kind,
                                text: String::new(),
                                author: w_attr(&n, "author").map(str::to_string),
                                date: w_attr(&n, "date").map(str::to_string),
                            });
                            changes.len() - 1
                        });
                        revs.push((kind, index));
                    }
                    "t" | "delText" => piece = n.text(),
                    "tab" if in_run(&n) => piece = Some("\t"),
                    // A page or column break is layout, not text.
                    "br" | "cr"
                        if in_run(&n) && !matches!(w_attr(&n, "type"), Some("page" | "column")) =>
                    {
                        piece = Some("\n")
                    }
                    "noBreakHyphen" => piece = Some("-"),
                    _ => {}
                }
                if let (Some(text), Some(p)) = (piece, current) {
                    let deleted = revs.iter().any(|(k, _)| *k == ChangeKind::Delete);
                    let inserted = revs.iter().any(|(k, _)| *k == ChangeKind::Insert);
                    let para = &mut paragraphs[p];
                    if !deleted {
                        para.text.push_str(text);
                    }
                    if !inserted {
                        para.original.push_str(text);
                        // Every piece has text: the quotes' length then
                        // bounds the work of measuring them.
                        if !text.is_empty() {
                            log.push_str(text);
                            pieces.push((p, log.len()));
                        }
                    }
                    if let Some(&(_, Some(c))) = revs.last() {
                        changes[c].text.push_str(text);
                    }
                }
            }
            Edge::Close(n) => match w_name(&n) {
                Some("p") => {
                    stack.pop();
                }
                Some("tbl") => tables = tables.saturating_sub(1),
                Some("ins" | "moveTo" | "del" | "moveFrom") if marks_runs(&n) => {
                    revs.pop();
                }
                _ => {}
            },
        }
    }
    // A range never closed covers the rest of the document.
    for a in anchors.values_mut() {
        if let Some(from) = a.open.take() {
            a.spans.push((from, pieces.len()));
        }
    }
    // A change that holds no text (an empty run) tells an importer nothing.
    changes.retain(|c| !c.text.is_empty());
    Walked {
        paragraphs,
        changes,
        anchors,
        text: log,
        pieces,
    }
}

/// Whether a `w:tab`/`w:br` is run content (not a tab stop of `w:tabs`).
fn in_run(n: &Node<'_, '_>) -> bool {
    n.parent_element()
        .and_then(|p| w_name(&p))
        .is_some_and(|p| p == "r")
}

/// Entering or leaving a node.
enum Edge<'a, 'i> {
    Open(Node<'a, 'i>),
    Close(Node<'a, 'i>),
}

/// Every node's opening and closing in document order, walked with sibling
/// and parent links: no recursion, whatever the depth.
struct Traverse<'a, 'i> {
    root: Node<'a, 'i>,
    next: Option<Edge<'a, 'i>>,
}

impl<'a, 'i> Traverse<'a, 'i> {
    fn new(root: Node<'a, 'i>) -> Self {
        Traverse {
            root,
            next: Some(Edge::Open(root)),
        }
    }
}

impl<'a, 'i> Iterator for Traverse<'a, 'i> {
    type Item = Edge<'a, 'i>;

    fn next(&mut self) -> Option<Self::Item> {
        let edge = self.next.take()?;
        self.next = match &edge {
            Edge::Open(n) => Some(match n.first_child() {
                Some(c) => Edge::Open(c),
                None => Edge::Close(*n),
            }),
            Edge::Close(n) if *n == self.root => None,
            Edge::Close(n) => match n.next_sibling() {
                Some(s) => Some(Edge::Open(s)),
                None => n.parent().map(Edge::Close),
            },
        };
        Some(edge)
    }
}
