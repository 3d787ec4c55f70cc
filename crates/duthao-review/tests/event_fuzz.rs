//! Inputs the `review_event` fuzz target (fuzz/fuzz_targets/review_event.rs)
//! found: the fast reader of the YAML subset must read a file as the full
//! parser does, or leave it to the full parser.

use std::path::Path;

use duthao_review::Event;

const REPLY: &str = "# duthao review event (docs/review-events.md): written once, never edited
event: reply
id: 01m8n1xf75x0d7tbghzhdn0n4j
comment: 01m8n1x2bzmf8gc1tthwczcge3
author:
  name: Nguyễn Văn Thử
time: 2026-11-30T01:43:07Z
text: Đồng ý
";

const FILE: &str = "reviews/x/01m8n1xf75x0d7tbghzhdn0n4j.yaml";

/// `from_yaml` and serde_yaml_ng agree: both read the same event, or both
/// refuse the file.
fn agrees(text: &str) -> Result<Event, String> {
    let ours = Event::from_yaml(text.as_bytes(), Path::new(FILE)).map_err(|e| e.to_string());
    let full = serde_yaml_ng::from_str::<Event>(text);
    assert_eq!(ours.is_ok(), full.is_ok(), "{ours:?}\n{full:?}\n{text:?}");
    if let (Ok(a), Ok(b)) = (&ours, &full) {
        assert_eq!(a, b, "{text:?}");
    }
    ours
}

#[test]
fn the_file_reads() {
    assert!(agrees(REPLY).is_ok());
}

/// Fuzz finding: NUL bytes in the header comment (`… n\0\0\x01/ edited`).
/// YAML refuses control characters anywhere, comments included; the fast
/// reader skipped the comment and accepted the file.
#[test]
fn a_control_character_in_a_comment_is_refused() {
    let text = REPLY.replace("never edited", "n\0\0\u{1}/ edited");
    let err = agrees(&text).unwrap_err();
    assert!(err.contains("control characters are not allowed"), "{err}");
}

/// The same in a value, and the characters YAML reads as line breaks
/// (a lone CR, NEL, LS, PS) or refuses (a BOM inside the text): each file
/// is read as the full parser reads it.
#[test]
fn control_characters_and_other_line_breaks_are_left_to_the_full_parser() {
    for c in [
        "\0", "\u{1}", "\u{7f}", "\u{9f}", "\r", "\u{85}", "\u{2028}", "\u{2029}", "\u{feff}",
        "\u{fffe}",
    ] {
        for (from, to) in [
            ("never edited", format!("never{c}edited")),
            ("Đồng ý\n", format!("Đồng{c}ý\n")),
            ("Đồng ý\n", format!("\"Đồng{c}ý\"\n")),
            ("name: Nguyễn", format!("name: Nguy{c}ễn")),
        ] {
            let _ = agrees(&REPLY.replace(from, &to));
        }
    }
    // CRLF line ends stay on the fast path and read the same.
    assert!(agrees(&REPLY.replace('\n', "\r\n")).is_ok());
}
