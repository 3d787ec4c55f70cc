//! Events round-trip through YAML, fold into threads, and anchors follow
//! the text from one version to the next.

use std::path::Path;

use duthao_diff::{DiffOptions, diff_drafts};
use duthao_model::{Draft, reader};
use duthao_review::*;

const FRONT: &str = "---\nkind: nghi-quyet\nprofile: party\nissuer:\n  name: TỈNH ỦY THÁI NGUYÊN\n  code: TU\ntitle: về x\n---\n\n";

fn draft(body: &str) -> Draft {
    reader::read(format!("{FRONT}{body}").as_bytes(), Path::new("x.md")).expect("reads")
}

fn person() -> Person {
    Person {
        name: "Nguyễn Văn B".into(),
        email: "b@example.vn".into(),
    }
}

fn stamp(s: i64) -> Stamp {
    Stamp(time::OffsetDateTime::from_unix_timestamp(1_790_000_000 + s).unwrap())
}

fn comment(n: i64, anchor: Option<Anchor>) -> Comment {
    let time = stamp(n);
    Comment {
        id: EventId::new(time.unix_millis()),
        draft: "x".into(),
        version: 1,
        level: "co-so".into(),
        body: "Đảng ủy xã Phú Lương".into(),
        author: person(),
        time,
        anchor,
        text: "Đề nghị làm rõ".into(),
        proposal: Some("đến năm 2030".into()),
        source: Source::typed(),
    }
}

const V1: &str = "I. MỤC TIÊU\n\n1. Nâng cao chất lượng tổ chức cơ sở đảng đến năm 2025.\n\n2. Kiện toàn bộ máy.\n\n3. Đoạn sẽ bị xoá khỏi bộ máy.\n";
const V2: &str = "I. MỤC TIÊU\n\n1. Kiện toàn bộ máy.\n\n2. Nâng cao mạnh mẽ chất lượng tổ chức cơ sở đảng đến năm 2030.\n";

#[test]
fn an_event_reads_back_as_written_and_names_its_line_when_broken() {
    let e = Event::Comment(comment(0, None));
    let yaml = e.to_yaml();
    assert!(yaml.starts_with("# duthao review event"));
    let file = format!("reviews/x/{}", e.file_name());
    assert_eq!(
        Event::from_yaml(yaml.as_bytes(), Path::new(&file)).unwrap(),
        e
    );
    let broken = yaml.replace("text:", "text: [");
    let err = Event::from_yaml(broken.as_bytes(), Path::new(&file)).unwrap_err();
    assert!(err.line > 1, "{err}");
    assert!(err.to_string().starts_with(&file), "{err}");
    // A file renamed by hand is refused: ids and names must agree.
    let err = Event::from_yaml(yaml.as_bytes(), Path::new("reviews/x/other.yaml")).unwrap_err();
    assert!(err.message.contains("belongs in a file named"), "{err}");
}

#[test]
fn responses_fold_in_time_order_and_two_sites_answering_apart_are_a_conflict() {
    let c = comment(0, None);
    let response = |s: i64, d: Decision, sup: Option<&Response>| Response {
        id: EventId::new(stamp(s).unix_millis()),
        comment: c.id.clone(),
        author: person(),
        time: stamp(s),
        decision: d,
        text: None,
        supersedes: sup.map(|r| r.id.clone()),
    };
    let first = response(10, Decision::Accept, None);
    let site_a = response(20, Decision::Partial, Some(&first));
    let site_b = response(30, Decision::Explain, Some(&first));
    let events = vec![
        Event::Response(site_b.clone()),
        Event::Comment(c.clone()),
        Event::Response(first.clone()),
        Event::Response(site_a.clone()),
    ];
    let review = Review::fold(events, Vec::new());
    let t = &review.threads[0];
    assert_eq!(t.state(), State::Answered(Decision::Explain));
    assert_eq!(t.responses.len(), 3, "history kept");
    let conflicts = t.conflicts();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].len(), 2);
    assert!(review.find(c.id.short(), "x").is_ok());
    assert!(matches!(
        review.find("zzzzzzzz", "x"),
        Err(FindError::NotFound { .. })
    ));
}

#[test]
fn a_quote_must_occur_once_and_a_path_must_exist() {
    let d = draft(V1);
    let a = locate(&d, 1, Some("I > 1"), Some("đến năm  2025"))
        .unwrap()
        .unwrap();
    assert_eq!(a.path, "I > 1");
    assert_eq!(a.quote.as_ref().unwrap().text, "đến năm 2025");
    let a = locate(&d, 1, None, Some("Kiện toàn")).unwrap().unwrap();
    assert_eq!(a.path, "I > 2");
    match locate(&d, 1, Some("I > 7"), None) {
        Err(AnchorError::PathNotFound { nearest, .. }) => {
            assert!(nearest.contains(&"I > 1".into()))
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        locate(&d, 1, None, Some("không có")),
        Err(AnchorError::QuoteNotFound { .. })
    ));
    assert!(matches!(
        locate(&d, 1, None, Some("bộ máy")),
        Err(AnchorError::QuoteAmbiguous { .. })
    ));
    assert_eq!(locate(&d, 1, None, None).unwrap(), None);
}

#[test]
fn comments_follow_moved_and_edited_blocks_and_outlive_deleted_ones() {
    let (v1, v2) = (draft(V1), draft(V2));
    let diff = diff_drafts(&v1, &v2, &DiffOptions::default());
    let carrier = Carrier::new(&v1, &diff, &v2);
    let on = |at: &str, q: Option<&str>| locate(&v1, 1, Some(at), q).unwrap();
    match carrier.place(on("I > 1", Some("chất lượng")).as_ref()) {
        Placement::Moved {
            path,
            quote,
            quote_lost,
            ..
        }
        | Placement::Edited {
            path,
            quote,
            quote_lost,
            ..
        } => {
            assert_eq!(path, "I > 2");
            assert_eq!(quote.unwrap().text, "chất lượng");
            assert!(!quote_lost);
        }
        other => panic!("{other:?}"),
    }
    match carrier.place(on("I > 1", Some("năm 2025")).as_ref()) {
        Placement::Moved { quote_lost, .. } | Placement::Edited { quote_lost, .. } => {
            assert!(quote_lost)
        }
        other => panic!("{other:?}"),
    }
    match carrier.place(on("I > 3", None).as_ref()) {
        Placement::Outdated { path, context } => {
            assert_eq!(path, "I > 3");
            assert!(context.contains("bị xoá"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(carrier.place(None), Placement::General);
}

#[test]
fn the_synthesis_counts_bodies_and_orders_rows_by_the_document() {
    let d = draft(V1);
    let later = comment(5, locate(&d, 1, Some("I > 2"), None).unwrap());
    let earlier = comment(9, locate(&d, 1, Some("I > 1"), None).unwrap());
    let general = comment(20, None);
    let agree = Agreement {
        id: EventId::new(stamp(30).unix_millis()),
        draft: "x".into(),
        version: 1,
        level: "co-so".into(),
        body: "Chi bộ Văn phòng".into(),
        author: person(),
        time: stamp(30),
        source: Source::typed(),
    };
    let review = Review::fold(
        vec![
            Event::Comment(later.clone()),
            Event::Comment(earlier.clone()),
            Event::Comment(general.clone()),
            Event::Agreement(agree),
        ],
        Vec::new(),
    );
    let levels = [LevelInfo {
        id: "co-so".into(),
        name: "Cấp cơ sở".into(),
    }];
    let bodies = [
        BodyInfo {
            name: "Đảng ủy xã Phú Lương".into(),
            level: "co-so".into(),
        },
        BodyInfo {
            name: "Chi bộ Văn phòng".into(),
            level: "co-so".into(),
        },
        BodyInfo {
            name: "Ban Tổ chức".into(),
            level: "co-so".into(),
        },
    ];
    let s = Synthesis::of(
        &review,
        "x",
        1,
        Roster {
            levels: &levels,
            bodies: &bodies,
        },
    );
    assert_eq!(s.counts.asked, 3);
    assert_eq!(s.counts.answered, 2);
    assert_eq!(s.counts.agreed, 1);
    assert_eq!(s.counts.comments, 3);
    assert_eq!(s.counts.open, 3);
    assert_eq!(
        s.silent().map(|b| b.name.as_str()).collect::<Vec<_>>(),
        ["Ban Tổ chức"]
    );
    let order: Vec<_> = s.rows.iter().map(|r| r.location.clone()).collect();
    assert_eq!(order, [None, Some("I > 1".into()), Some("I > 2".into())]);
}
