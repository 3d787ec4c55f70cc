//! The same reader with the zip made here, so that the fuzzer spends its
//! time in the XML: the bytes up to the first `0xFF` are
//! `word/document.xml`, the rest `word/comments.xml` (absent when there is
//! no `0xFF`). Each part is stored or deflated, as the last byte says.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let docx = duthao_fuzz::docx_of_parts(data);
    match duthao_docx_read::read(&docx) {
        Ok(file) => duthao_fuzz::check_word_file(&file),
        // Built here: always a zip with a main document.
        Err(
            e @ (duthao_docx_read::ReadError::NotZip(_) | duthao_docx_read::ReadError::NotDocx),
        ) => {
            panic!("{e}")
        }
        Err(_) => {}
    }
});
