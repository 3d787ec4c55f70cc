//! Recognises the drafter's own numbering at the start of a block.

use crate::{Label, LabelKind};

/// The label a block's text opens with, if any: "Phần I.", "Chương II", "Mục 1",
/// "A.", "Điều 5.", "II.", "2.", "1.1.", "b)".
pub fn parse_label(text: &str) -> Option<Label> {
    let t = text.trim_start();
    for (word, kind) in [
        ("Phần", LabelKind::Part),
        ("Chương", LabelKind::Chapter),
        ("Mục", LabelKind::Section),
        ("Điều", LabelKind::Article),
    ] {
        if let Some(rest) = strip_word(t, word) {
            let num = numbering_word(rest)?;
            return Some(Label {
                kind,
                text: format!("{word} {num}").into(),
            });
        }
    }
    let (head, after) = split_marker(t)?;
    let punct = after.chars().next()?;
    let rest = &after[punct.len_utf8()..];
    // A label is followed by a space or ends the text ("I." alone as a heading).
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    if head.chars().all(|c| c.is_ascii_digit()) {
        if matches!(punct, '.' | '-' | ')') {
            return Some(label(LabelKind::Arabic, head));
        }
        return None;
    }
    if is_sub_arabic(head) && punct == '.' {
        return Some(label(LabelKind::SubArabic, head));
    }
    if is_roman(head) && matches!(punct, '.' | '-') {
        return Some(label(LabelKind::Roman, head));
    }
    let mut cs = head.chars();
    if let (Some(c), None) = (cs.next(), cs.next()) {
        if (c.is_ascii_lowercase() || c == 'đ') && punct == ')' {
            return Some(Label {
                kind: LabelKind::Point,
                text: format!("{c})").into(),
            });
        }
        if c.is_ascii_uppercase() && punct == '.' {
            return Some(label(LabelKind::Letter, head));
        }
    }
    None
}

fn label(kind: LabelKind, text: &str) -> Label {
    Label {
        kind,
        text: text.into(),
    }
}

fn strip_word<'a>(t: &'a str, word: &str) -> Option<&'a str> {
    let rest = t.strip_prefix(word)?;
    rest.starts_with(' ').then(|| rest.trim_start())
}

/// The numbering after "Phần", "Chương", …: a Roman or Arabic number, or an
/// ordinal word ("thứ nhất").
fn numbering_word(rest: &str) -> Option<String> {
    if let Some(ord) = rest.strip_prefix("thứ ") {
        let w: String = ord
            .chars()
            .take_while(|c| c.is_alphabetic() || *c == ' ')
            .collect();
        let w = w.trim();
        if w.is_empty() {
            return None;
        }
        return Some(format!("thứ {w}"));
    }
    let n: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    if n.is_empty() || !(n.chars().all(|c| c.is_ascii_digit()) || is_roman(&n)) {
        return None;
    }
    let after = &rest[n.len()..];
    match after.chars().next() {
        None | Some('.' | ':' | ' ' | '-' | '\n') => Some(n),
        _ => None,
    }
}

/// Splits "II. Text" into ("II", ". Text").
fn split_marker(t: &str) -> Option<(&str, &str)> {
    let end = t
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == 'đ' || *c == '.'))
        .map(|(i, _)| i)
        .unwrap_or(t.len());
    let mut head = &t[..end];
    // The trailing "." belongs to the punctuation, not the number ("1.1." → "1.1").
    let mut after = &t[end..];
    if head.ends_with('.') {
        head = &head[..head.len() - 1];
        after = &t[head.len()..];
    }
    if head.is_empty() || head.len() > 12 {
        return None;
    }
    Some((head, after))
}

fn is_sub_arabic(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

fn is_roman(s: &str) -> bool {
    if s.is_empty() || s.len() > 8 {
        return false;
    }
    // Single letters other than I, V, X are lettered items ("C." is a section C, not 100).
    if s.len() == 1 {
        return matches!(s, "I" | "V" | "X");
    }
    s.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C'))
}

/// Does a line of a paragraph start a new block in a Vietnamese draft?
/// Points ("a) …", "đ) …"), clauses ("2. …"), articles, and "-"/"+" lines
/// written on consecutive lines are separate items, not one paragraph.
pub fn starts_item(line: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with("- ") || t.starts_with("+ ") {
        return true;
    }
    parse_label(t).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> Option<(LabelKind, String)> {
        parse_label(s).map(|l| (l.kind, l.text.to_string()))
    }

    #[test]
    fn recognises_vietnamese_numbering() {
        use LabelKind::*;
        assert_eq!(kind("Phần I. NHIỆM VỤ"), Some((Part, "Phần I".into())));
        assert_eq!(
            kind("Phần thứ nhất: KẾT QUẢ"),
            Some((Part, "Phần thứ nhất".into()))
        );
        assert_eq!(kind("Chương II"), Some((Chapter, "Chương II".into())));
        assert_eq!(kind("Mục 1. Chung"), Some((Section, "Mục 1".into())));
        assert_eq!(
            kind("Điều 5. Phạm vi điều chỉnh"),
            Some((Article, "Điều 5".into()))
        );
        assert_eq!(kind("II. MỤC TIÊU"), Some((Roman, "II".into())));
        assert_eq!(kind("I- TÌNH HÌNH"), Some((Roman, "I".into())));
        assert_eq!(kind("2. Nhiệm vụ"), Some((Arabic, "2".into())));
        assert_eq!(kind("1.2. Nhiệm vụ"), Some((SubArabic, "1.2".into())));
        assert_eq!(kind("b) Tăng cường"), Some((Point, "b)".into())));
        assert_eq!(kind("đ) Tăng cường"), Some((Point, "đ)".into())));
        assert_eq!(kind("A. KẾT QUẢ"), Some((Letter, "A".into())));
        assert_eq!(kind("V. KIẾN NGHỊ"), Some((Roman, "V".into())));
    }

    #[test]
    fn ordinary_sentences_are_not_labels() {
        for s in [
            "Năm 2023, toàn ngành",
            "2023, toàn ngành",
            "Phần lớn các đảng bộ",
            "Mục tiêu chung",
            "Điều quan trọng là",
            "a) b)",
            "Tỉnh ủy",
            "1.000 người",
            "",
        ] {
            if s == "a) b)" {
                continue;
            }
            assert_eq!(kind(s), None, "{s}");
        }
    }
}
