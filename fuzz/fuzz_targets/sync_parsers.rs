//! What `sync` reads from another office, on arbitrary bytes: a bundle's
//! header (a file carried on a USB stick) and the git program's push
//! report. Neither panics; a header that parses names a pack inside the
//! bytes and only valid ref names.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(h) = duthao::store::parse_bundle_header(data) {
        assert!(h.pack_offset + 4 <= data.len());
        assert_eq!(&data[h.pack_offset..h.pack_offset + 4], b"PACK");
        for (name, _) in &h.refs {
            assert!(!name.is_empty() && !name.contains(['\n', ' ']));
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        for s in duthao::store::parse_porcelain(text) {
            assert!(!s.dst.contains('\n'));
        }
    }
});
