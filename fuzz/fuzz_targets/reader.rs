//! The reader on arbitrary bytes: it returns a draft or an error, never
//! panics; borrowed bytes, owned bytes and text decoded first read the same.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.md");
    let borrowed = duthao::reader::read(data, path);
    let owned = duthao::reader::read(data.to_vec(), path);
    match (&borrowed, &owned) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "borrowed and owned bytes read differently"),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        _ => panic!("borrowed: {borrowed:?}\nowned: {owned:?}"),
    }
    if let Ok(text) = duthao::reader::decode(data, path) {
        let _ = duthao::reader::read_front_matter(data, path);
        let _ = duthao::reader::front_matter_text(&text);
        let decoded = duthao::reader::read(text, path);
        assert_eq!(
            decoded.as_ref().map_err(|e| e.to_string()),
            borrowed.as_ref().map_err(|e| e.to_string()),
            "decoded text reads differently"
        );
    }
    // The same bytes as the body of a draft with a valid front matter.
    if !data.starts_with(b"---") {
        let _ = duthao_fuzz::draft(data);
    }
});
