//! The reader on arbitrary bytes: it returns a draft or an error, never
//! panics; borrowed bytes, owned bytes and text decoded first read the same;
//! and a front matter it accepts, the full YAML parser (serde_yaml_ng) reads
//! the same (the reader of the plain subset must never read it differently).

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
        if let Ok(front) = duthao::reader::read_front_matter(data, path) {
            // The YAML between the opening `---` line and the closing one.
            let head = duthao::reader::front_matter_text(&text);
            if let Some(h) = head.strip_prefix("---\n") {
                let last = h.strip_suffix('\n').unwrap_or(h);
                let yaml = &h[..last.rfind('\n').map_or(0, |i| i + 1)];
                let full = serde_yaml_ng::from_str::<duthao::model::FrontMatter>(yaml);
                assert_eq!(full.ok().as_ref(), Some(&front), "{yaml:?}");
            }
        }
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
