//! The pieces of `export --final` and `verify --docx`: a final DOCX with
//! sign-off properties passes the OOXML conformance check and reads them
//! back, and LibreOffice turns an exported DOCX into a PDF.
//!
//! This binary runs without the standard harness so that a check whose
//! program is missing shows as "ignored" with the reason (see `outside`).

mod docx_support;
mod outside;

use std::path::Path;

use docx_support::*;
use duthao_docx::{Content, DocxOptions, DraftMark, export};
use duthao_profile::layout::load_layout;
use outside::{LXML, SOFFICE, trial};

fn signoff() -> Vec<(String, String)> {
    vec![
        (
            "duthao.approval.1".into(),
            "Nguyễn Văn A <a@tinhuy.vn>; 2026-01-04T10:00:00+07:00; <ký & duyệt>".into(),
        ),
        ("duthao.number".into(), "15-NQ/TU".into()),
        ("duthao.issued".into(), "2026-01-05".into()),
    ]
}

/// The all-blocks party draft as a final document with sign-off.
fn final_docx() -> Vec<u8> {
    let draft = parse(&all_blocks_source("party"), "final.md");
    let layout = load_layout("party", None).expect("layout");
    let kind = kind_info("party", &draft.front.kind);
    let mut provenance = provenance("nghi-quyet-15", Some(3));
    provenance.signoff = signoff();
    export(
        Content::Draft(&draft),
        &DocxOptions {
            layout: &layout,
            kind: &kind,
            mark: DraftMark::Final,
            provenance: &provenance,
        },
    )
    .expect("export")
}

fn signoff_reads_back() {
    let bytes = final_docx();
    let props = duthao_docx_read::custom_properties(&bytes).expect("reads");
    assert_eq!(props[props.len() - 3..], signoff()[..]);
    // A draft of the same text has the same bytes but for the properties.
    let (_, _, draft) = export_source(&all_blocks_source("party"), DraftMark::Final);
    let d = duthao_docx_read::compare(&draft, &bytes).expect("compares");
    let parts: Vec<&str> = d.parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(parts, ["docProps/custom.xml"], "{d:?}");
}

fn final_docx_passes_ooxml(dir: &Path) {
    let path = dir.join("final-signoff.docx");
    std::fs::write(&path, final_docx()).expect("write");
    outside::check_docx_files(&[path]);
}

fn pdf_of_an_export(dir: &Path) {
    let docx = dir.join("final.docx");
    std::fs::write(&docx, final_docx()).expect("write");
    let pdf = dir.join("final.pdf");
    // An earlier file of that name is replaced.
    std::fs::write(&pdf, b"old").expect("write");
    duthao::ops::docx_to_pdf(&docx, &pdf).expect("converts");
    let bytes = std::fs::read(&pdf).expect("the PDF");
    assert!(bytes.starts_with(b"%PDF"), "not a PDF");
    assert!(bytes.len() > 1000);
    // Nothing left behind next to it.
    let names: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("final"))
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

fn pdf_output_refused_before_libreoffice_runs(dir: &Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    let docx = dir.join("in.docx");
    std::fs::write(&docx, final_docx()).expect("write");
    // A folder, and the DOCX itself, are refused whether or not LibreOffice
    // is installed: the destination is checked first.
    let folder = dir.join("a-folder");
    std::fs::create_dir(&folder).expect("mkdir");
    let err = duthao::ops::docx_to_pdf(&docx, &folder).expect_err("a folder");
    assert!(matches!(err, duthao::ops::PdfError::Write(_)), "{err}");
    let err = duthao::ops::docx_to_pdf(&docx, &docx).expect_err("its own source");
    assert!(
        err.to_string().contains("the DOCX being converted"),
        "{err}"
    );
    assert!(
        std::fs::read(&docx)
            .expect("still there")
            .starts_with(b"PK")
    );
}

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    let dir = std::sync::Arc::new(tempfile::tempdir().expect("tempdir"));
    let mut trials = vec![libtest_mimic::Trial::test(
        "sign-off properties read back, and only docProps/custom.xml differs from the draft",
        || {
            signoff_reads_back();
            Ok(())
        },
    )];
    {
        let dir = dir.clone();
        trials.push(libtest_mimic::Trial::test(
            "docx_to_pdf refuses a folder or its own source before LibreOffice runs",
            move || {
                pdf_output_refused_before_libreoffice_runs(&dir.path().join("refused"));
                Ok(())
            },
        ));
    }
    {
        let dir = dir.clone();
        trials.push(trial(
            "ooxml: a final DOCX with sign-off properties passes the schemas and Word's checks",
            &[LXML],
            move || final_docx_passes_ooxml(dir.path()),
        ));
    }
    {
        let dir = dir.clone();
        trials.push(trial(
            "docx_to_pdf: LibreOffice converts an exported DOCX to a PDF",
            &[SOFFICE],
            move || {
                let d = dir.path().join("pdf");
                std::fs::create_dir(&d).expect("mkdir");
                pdf_of_an_export(&d);
            },
        ));
    }
    libtest_mimic::run(&args, trials).exit();
}
