//! What sign-off reads from a repository someone else wrote, on arbitrary
//! bytes: approval and issue messages, allowed-signers files, and a draft's
//! front matter for the approved-text hash. None panics; a message that
//! parses, written again, parses the same; and issuing a text changes its
//! hash never and its other front-matter fields never.

#![no_main]

use duthao::approval::{decision_message, issue_message, parse_decision, parse_issue};
use duthao::model::DocDate;
use duthao::model::issue_fields::{content_sha256, set_issue_fields};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(f) = parse_decision(text) {
        let again = parse_decision(&decision_message(&f, "L")).expect("a written decision reads");
        assert_eq!(again.version, f.version);
        assert_eq!(again.level, f.level);
        assert_eq!(again.content, f.content);
        assert_eq!(again.decision, f.decision);
    }
    if let Ok(f) = parse_issue(text) {
        let again = parse_issue(&issue_message(&f)).expect("a written issue reads");
        assert_eq!(again.number, f.number);
        assert_eq!(again.content, f.content);
    }
    let _ = duthao::store::parse_allowed_signers(text);
    let hash = content_sha256(text);
    let date = DocDate::parse("2026-03-05").expect("a date");
    if let Some(issued) = set_issue_fields(text, 15, date) {
        assert_eq!(content_sha256(&issued), hash, "issuing changed the hash");
    }
});
