//! The front matter most drafts have, read without the YAML parser.
//!
//! A draft's front matter is a dozen `key: value` lines, two groups of
//! indented keys and a list of recipients. Running it through libyaml costs
//! about 180 k instructions a side: 6 % of a 10-page redline, whose whole
//! work is 5.8 M. [`crate::plain_yaml`] reads the plain subset that duthao
//! writes; its tree becomes the [`serde_yaml_ng::Value`] libyaml would have
//! given, and goes through the same serde code. A text outside the subset
//! gives `None`, and the caller reads it with `serde_yaml_ng`, which also
//! gives every error message and position. The test below checks, on random
//! texts in and around the subset, that whenever this path answers,
//! `serde_yaml_ng` gives the same front matter.

use serde_yaml_ng::{Mapping, Number, Value};

use crate::FrontMatter;
use crate::plain_yaml::{self, Value as Plain};

/// The front matter, when `yaml` is in the plain subset and well formed.
pub(super) fn read(yaml: &str) -> Option<FrontMatter> {
    let root = plain_yaml::parse(yaml)?;
    serde_yaml_ng::from_value(value(root)).ok()
}

fn value(v: Plain<'_>) -> Value {
    match v {
        Plain::Mapping(entries) => {
            let mut map = Mapping::with_capacity(entries.len());
            for (k, v) in entries {
                map.insert(Value::String(k.to_string()), value(v));
            }
            Value::Mapping(map)
        }
        Plain::Sequence(items) => Value::Sequence(items.into_iter().map(value).collect()),
        Plain::String(s) => Value::String(s.into_owned()),
        Plain::Number(n) => Value::Number(Number::from(n)),
        Plain::Bool(b) => Value::Bool(b),
        Plain::Null => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn slow(yaml: &str) -> Result<FrontMatter, String> {
        serde_yaml_ng::from_str(yaml).map_err(|e| e.to_string())
    }

    const FULL: &str = "kind: nghi-quyet\nprofile: party\nissuer:\n  parent: ĐẢNG BỘ TỈNH HÀ TĨNH\n  name: TỈNH ỦY HÀ TĨNH\n  code: TU\nnumber:\nplace: Hà Tĩnh\ndate: 2025-08-05\ntitle: về nâng cao chất lượng sinh hoạt chi bộ\nsigner:\n  authority: T/M BAN THƯỜNG VỤ\n  title: PHÓ BÍ THƯ THƯỜNG TRỰC\n  name: Nguyễn Minh Phong\nrecipients:\n  - Ban Bí thư Trung ương Đảng (để b/c)\n  - Các đồng chí Tỉnh ủy viên\n  - Lưu: VT, KGVX\n";

    #[test]
    fn a_draft_as_duthao_writes_it_is_read_without_the_yaml_parser() {
        let fast = read(FULL).expect("in the plain subset");
        assert_eq!(Ok(fast.clone()), slow(FULL));
        assert_eq!(fast.recipients[2], "Lưu: VT, KGVX");
        let issued = FULL
            .replace("number:\n", "number: 15\n")
            .replace("title: về", "title: \"về")
            .replace("chi bộ\n", "chi bộ\"\n")
            + "extra_key: kept\nsequence_at_zero:\n- a\n-\n";
        let fast = read(&issued).expect("in the plain subset");
        assert_eq!(fast.number, Some(15));
        assert_eq!(Ok(fast), slow(&issued));
    }

    #[test]
    fn what_yaml_reads_another_way_is_left_to_the_yaml_parser() {
        for odd in [
            "title: true\n",
            "title: a #comment\n",
            "title: a\n  continued\n",
            "title: \"a\\qb\"\n",
            "title: &x a\n",
            "title: 1.5\n",
            "title: 0x1F\n",
            "title: ~\n",
            "title: a: b\n",
            "title: [a]\n",
            "title: >\n  a\n",
            "title:\ta\n",
            "title: a\rb\n",
            "title: a\u{2028}b\n",
            "title: x\ntitle: y\n",
            "issuer:\n  name: a\n   code: b\n",
            " kind: a\n",
            "? kind\n: a\n",
        ] {
            let yaml = format!("kind: a\nissuer:\n  name: B\n{odd}");
            assert!(read(&yaml).is_none(), "{yaml:?}");
        }
    }

    /// Pieces of values and keys chosen to sit on the subset's borders: YAML
    /// indicators, words it reads as null or booleans, numbers, quotes,
    /// colons and hashes, spaces at the ends, control characters; and,
    /// more often, the text drafts hold.
    fn piece() -> impl Strategy<Value = String> {
        let plain = prop::sample::select(vec![
            "a",
            "Lưu",
            "ĐẢNG BỘ",
            " TỈNH",
            "T/M",
            "(để b/c)",
            "ạ",
            "y",
            "no",
            "x-y",
            " ",
        ]);
        let border = prop::sample::select(vec![
            "",
            ":",
            ": ",
            " #",
            "#",
            "-",
            "- ",
            "'",
            "\"",
            "\\",
            "~",
            "null",
            "true",
            "False",
            "inf",
            ".inf",
            "nan",
            "1",
            "0",
            "01",
            "15",
            "2025-08-05",
            "1e5",
            "0x1F",
            "+1",
            "-1",
            ".",
            "[",
            "]",
            "{",
            "}",
            ",",
            "&a",
            "*a",
            "!x",
            "|",
            ">",
            "%",
            "@",
            "`",
            "?",
            "\t",
            "\r",
            "\\n",
            "\\u00e0",
            "\\x+1",
            "\\u+041",
            "''",
            "\u{1}",
            "\u{a0}",
            "\u{85}",
            "\u{feff}",
            "\u{2028}",
        ]);
        prop_oneof![4 => plain, 1 => border].prop_map(str::to_string)
    }

    fn value() -> impl Strategy<Value = String> {
        prop::collection::vec(piece(), 0..4).prop_map(|p| p.concat())
    }

    fn key() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "profile",
            "number",
            "date",
            "place",
            "signer",
            "recipients",
            "name",
            "code",
            "authority",
            "x1",
            "x2",
            "x3",
            "x4",
            "x5",
            "x6",
            "x7",
            "true",
            "x-y",
            "k",
        ])
    }

    fn indent() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["", "", "", "", "", "", "  ", "  ", "   ", " "])
    }

    /// A line, or a key with the indented lines under it.
    fn line() -> impl Strategy<Value = String> {
        let under = prop_oneof![
            (key(), value()).prop_map(|(k, v)| format!("  {k}: {v}\n")),
            value().prop_map(|v| format!("  - {v}\n")),
            (value(), value()).prop_map(|(k, v)| format!("  - {k}: {v}\n")),
            value().prop_map(|v| format!("- {v}\n")),
        ];
        prop_oneof![
            6 => (key(), value()).prop_map(|(k, v)| format!("{k}: {v}\n")),
            3 => (key(), prop::collection::vec(under, 0..4))
                .prop_map(|(k, u)| format!("{k}:\n{}", u.concat())),
            1 => (indent(), key(), value()).prop_map(|(i, k, v)| format!("{i}{k}: {v}\n")),
            1 => (indent(), value()).prop_map(|(i, v)| format!("{i}- {v}\n")),
            1 => (
                key(),
                prop::sample::select(vec!["|", "|-"]),
                prop::sample::select(vec!["", " ", "  ", "   "]),
                value(),
                value(),
            )
                .prop_map(|(k, style, blank, v, w)| {
                    format!("{k}: {style}\n{blank}\n  {v}\n{blank}\n   {w}\n")
                }),
            1 => Just("\n".to_string()),
            1 => Just("# a comment\n".to_string()),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        (
            prop::collection::vec(line(), 0..4),
            prop::collection::vec(line(), 0..4),
        )
            .prop_map(|(head, tail)| {
                format!(
                    "{}kind: a\nissuer:\n  name: B\ntitle: c\n{}",
                    head.concat(),
                    tail.concat()
                )
            })
    }

    /// Whenever the plain reader answers, serde_yaml_ng gives the same front
    /// matter; when serde_yaml_ng refuses a text, the plain reader does not
    /// answer. The tally makes sure that the texts reach both sides of the
    /// subset's border, so that the agreement says something.
    #[test]
    fn the_plain_reader_agrees_with_serde_yaml_whenever_it_answers() {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
        let mut runner = TestRunner::new_with_rng(
            Config::default(),
            TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
        );
        let strategy = text();
        let (mut answered, mut declined_good, mut refused) = (0, 0, 0);
        for _ in 0..30_000 {
            let yaml = strategy.new_tree(&mut runner).unwrap().current();
            let slow = slow(&yaml);
            match read(&yaml) {
                Some(fast) => {
                    assert_eq!(Ok(fast), slow, "{yaml:?}");
                    answered += 1;
                }
                None if slow.is_ok() => declined_good += 1,
                None => refused += 1,
            }
        }
        eprintln!("answered {answered}, declined but good {declined_good}, refused {refused}");
        assert!(answered > 3_000 && declined_good > 1_000 && refused > 3_000);
    }
}
