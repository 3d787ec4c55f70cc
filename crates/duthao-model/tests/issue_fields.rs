//! Property: issuing changes nothing but the number and the date. For any
//! front matter built from plain and tricky lines, when `set_issue_fields`
//! writes the two fields, the approved-text hash is unchanged and every
//! other field reads exactly as before; when it refuses, nothing is issued.

use duthao_model::issue_fields::{content_sha256, set_issue_fields};
use duthao_model::{DocDate, FrontMatter};
use proptest::prelude::*;

fn front(text: &str) -> Option<FrontMatter> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    serde_yaml_ng::from_str(&rest[..end + 1]).ok()
}

fn line() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "number:\n",
        "number: 7\n",
        "date:\n",
        "date: 2026-01-02\n",
        "place: Thái Nguyên\n",
        "title: \"về việc\n",
        "tăng cường\"\n",
        "x: \"\n",
        "y: \"\n",
        "signer: {authority: A, title: B, name: Nguyễn Văn A}\n",
        "signer: {authority: A, title: B, name: Trần Văn B}\n",
        "recipients:\n",
        "- Lưu VT\n",
        "  - Các sở\n",
        "note: |\n",
        "  number: 9\n",
        "date: 2026-01-01\rtitle: ẩn\n",
        "# number: 3\n",
        "number: \"5\"\n",
        "numbers: 4\n",
        "number:        # empty until issue\n",
        "date: 2026-02-03 #x\n",
        "number: 5#x\n",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn issuing_changes_only_number_and_date(
        lines in prop::collection::vec(line(), 0..10),
        number in 1u32..500,
        day in 1u8..28,
    ) {
        let mut text = String::from("---\nkind: nghi-quyet\nissuer:\n  name: TỈNH ỦY\ntitle: về X\n");
        for l in &lines {
            text.push_str(l);
        }
        text.push_str("---\n\nThân bài.\n");
        let date = DocDate::parse(&format!("2026-03-{day:02}")).unwrap();
        if let Some(issued) = set_issue_fields(&text, number, date) {
            prop_assert_eq!(content_sha256(&issued), content_sha256(&text));
            let before = front(&text);
            let after = front(&issued);
            prop_assert!(before.is_some(), "issued a front matter that does not read: {:?}", text);
            let (mut before, after) = (before.unwrap(), after.unwrap());
            prop_assert_eq!(after.number, Some(number));
            prop_assert_eq!(after.date, Some(date));
            before.number = after.number;
            before.date = after.date;
            prop_assert_eq!(before, after);
            prop_assert!(issued.ends_with("---\n\nThân bài.\n"));
        }
    }
}
