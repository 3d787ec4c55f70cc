//! WordprocessingML as text: escaping that keeps every part well-formed XML
//! 1.0 whatever a draft, its front matter or a workspace's layout data hold,
//! and the few helpers every part writer shares.

use std::fmt::Write as _;

pub(crate) const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
pub(crate) const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The XML declaration every part starts with.
pub(crate) const DECLARATION: &str =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// Whether XML 1.0 can hold `c` at all. C0 controls other than tab, line
/// feed and carriage return, and U+FFFE/U+FFFF, make a part that no reader
/// loads (LibreOffice refuses the whole file); surrogates cannot occur in a
/// Rust string.
#[inline]
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Bytes after which a text needs a closer look: markup characters, control
/// characters, and the lead byte of U+FFFE/U+FFFF (EF BF BE/BF).
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t[0xEF] = true;
    t
};

/// Appends `text` escaped for element content, dropping what XML cannot
/// hold. Tabs and line breaks are kept as characters: run text is split on
/// them before it gets here (see [`push_run_text`]).
pub(crate) fn push_text(out: &mut String, text: &str) {
    push_escaped(out, text, false);
}

/// Appends `text` escaped for a double-quoted attribute value. Tabs and line
/// breaks become character references, which attribute normalisation would
/// otherwise turn into spaces.
pub(crate) fn push_attr(out: &mut String, text: &str) {
    push_escaped(out, text, true);
}

fn push_escaped(out: &mut String, text: &str, attribute: bool) {
    let bytes = text.as_bytes();
    // The usual text has nothing to escape: copy it whole.
    let Some(first) = bytes.iter().position(|&b| SPECIAL[b as usize]) else {
        out.push_str(text);
        return;
    };
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' if attribute => {
                let _ = write!(out, "&#{};", c as u32);
            }
            // A carriage return in element content would be read back as a
            // line feed; run text never means one.
            '\r' => {}
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// Appends the inner content of a run holding `text`: `w:t` (or
/// `w:delText` in a deletion) pieces, a `w:br` for each line break and a
/// `w:tab` for each tab, as Word writes them.
pub(crate) fn push_run_text(out: &mut String, text: &str, deleted: bool) {
    let tag = if deleted { "w:delText" } else { "w:t" };
    let mut piece_start = 0;
    let flush = |out: &mut String, piece: &str| {
        if !piece.is_empty() {
            let _ = write!(out, "<{tag} xml:space=\"preserve\">");
            push_text(out, piece);
            let _ = write!(out, "</{tag}>");
        }
    };
    for (i, b) in text.bytes().enumerate() {
        let element = match b {
            b'\n' => "<w:br/>",
            b'\t' => "<w:tab/>",
            _ => continue,
        };
        flush(out, &text[piece_start..i]);
        out.push_str(element);
        piece_start = i + 1;
    }
    flush(out, &text[piece_start..]);
}

/// A hyperlink target a reader may follow from an official document: web
/// addresses and e-mail only. `javascript:`, `data:`, `file:` and the like
/// stay plain text, as do relative targets, which mean nothing outside the
/// drafter's folder.
pub(crate) fn is_safe_link(url: &str) -> bool {
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once(':') else {
        return false;
    };
    let scheme = scheme.to_ascii_lowercase();
    let allowed = match scheme.as_str() {
        "http" | "https" => rest.starts_with("//") && rest.len() > 2,
        "mailto" => !rest.is_empty(),
        _ => false,
    };
    allowed
        && url
            .chars()
            .all(|c| is_xml_char(c) && !c.is_control() && c != ' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_noncharacters_are_dropped() {
        let mut s = String::new();
        push_text(&mut s, "a\u{0}b\u{c}c\u{1b}[31m\u{fffe}\u{ffff}đ<&>");
        assert_eq!(s, "abc[31mđ&lt;&amp;&gt;");
        let mut a = String::new();
        push_attr(&mut a, "x\"y\tz\n");
        assert_eq!(a, "x&quot;y&#9;z&#10;");
    }

    #[test]
    fn run_text_splits_on_breaks_and_tabs() {
        let mut s = String::new();
        push_run_text(&mut s, "a\nb\tc", false);
        assert_eq!(
            s,
            "<w:t xml:space=\"preserve\">a</w:t><w:br/><w:t xml:space=\"preserve\">b</w:t><w:tab/><w:t xml:space=\"preserve\">c</w:t>"
        );
        let mut d = String::new();
        push_run_text(&mut d, "x", true);
        assert_eq!(d, "<w:delText xml:space=\"preserve\">x</w:delText>");
    }

    #[test]
    fn only_web_and_mail_links_are_live() {
        for ok in [
            "https://thainguyen.gov.vn/a?b=c",
            "HTTP://x.vn",
            "mailto:vp@x.vn",
        ] {
            assert!(is_safe_link(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "file:///etc/passwd",
            "vbscript:x",
            "../x.docx",
            "http:",
            "https://a b",
            "https://x\u{1}y",
        ] {
            assert!(!is_safe_link(bad), "{bad}");
        }
    }
}
