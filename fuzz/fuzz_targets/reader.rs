//! The reader on arbitrary bytes: it returns a draft or an error, never
//! panics; the borrowed and owned entry points agree.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.md");
    let borrowed = duthao::reader::parse_draft(data, path);
    let owned = duthao::reader::parse_draft_owned(data.to_vec(), path);
    match (&borrowed, &owned) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "parse_draft and parse_draft_owned differ"),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        _ => panic!("parse_draft: {borrowed:?}\nparse_draft_owned: {owned:?}"),
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = duthao::reader::parse_front_matter(text, path);
        let _ = duthao::reader::front_matter_text(text);
    }
    // The same bytes as the body of a draft with a valid front matter.
    if !data.starts_with(b"---") {
        let _ = duthao_fuzz::draft(data);
    }
});
