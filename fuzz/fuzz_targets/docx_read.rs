//! The reader of a Word file a body sends back, on arbitrary bytes (a zip
//! or not): it returns the file's content or an error, never panics.
//! Recursion without bound shows as a stack overflow, memory out of
//! proportion as an out-of-memory (`-rss_limit_mb`), quadratic work as a
//! timeout.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = duthao_docx_read::read(data) {
        duthao_fuzz::check_word_file(&file);
    }
});
