use super::*;

const C1: &str = "1111111111111111111111111111111111111111";
const C2: &str = "2222222222222222222222222222222222222222";
const C3: &str = "3333333333333333333333333333333333333333";
const H1: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const H2: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

/// A fingerprint whose base64 decodes, made from a letter.
fn fp(c: char) -> String {
    format!("SHA256:{}", c.to_string().repeat(43))
}

fn person(name: &str, key: char) -> Person {
    Person {
        name: name.into(),
        email: format!("{name}@example.vn"),
        key: Some(fp(key)),
    }
}

fn roster() -> Roster {
    Roster {
        levels: vec![
            LevelRule {
                id: "co-so".into(),
                name: "Cơ sở".into(),
                quorum: 0,
                approvers: vec![],
                require_responses: false,
            },
            LevelRule {
                id: "ban".into(),
                name: "Ban".into(),
                quorum: 1,
                approvers: vec![person("a", 'A')],
                require_responses: false,
            },
            LevelRule {
                id: "btv".into(),
                name: "Ban Thường vụ".into(),
                quorum: 2,
                approvers: vec![person("b", 'B'), person("c", 'C'), person("d", 'D')],
                require_responses: false,
            },
        ],
        clerks: vec![person("vt", 'V')],
    }
}

fn version(n: u32, commit: &str, content: &str) -> VersionFacts {
    VersionFacts {
        n,
        tag: format!("duthao/x/v{n}"),
        commit: commit.into(),
        tag_object: Some(format!("{n:040}")),
        time: 100 * n as i64,
        content: Ok(content.into()),
        submitter_email: "drafter@example.vn".into(),
        signature: Signature::Valid(fp('S')),
        roster: Ok(roster()),
    }
}

fn decision(
    n: u32,
    commit: &str,
    content: &str,
    level: &str,
    who: &str,
    key: char,
    time: i64,
) -> DecisionTag {
    decide(n, commit, content, level, who, key, time, Decision::Approve)
}

#[allow(clippy::too_many_arguments)]
fn decide(
    n: u32,
    commit: &str,
    content: &str,
    level: &str,
    who: &str,
    key: char,
    time: i64,
    d: Decision,
) -> DecisionTag {
    let fields = DecisionFields {
        slug: "x".into(),
        version: n,
        commit: commit.into(),
        version_tag: format!("{n:040}"),
        content: content.into(),
        level: level.into(),
        decision: d,
        approver_name: who.into(),
        approver_email: format!("{who}@example.vn"),
        time: "t".into(),
        note: String::new(),
    };
    let message = decision_message(&fields, "L");
    DecisionTag {
        tag: decision_tag_name("x", n, level, &fp(key)),
        target: Some(commit.into()),
        time,
        signature: Signature::Valid(fp(key)),
        fields: parse_decision(&message),
        unreadable: None,
    }
}

#[test]
fn levels_in_order_reach_approval() {
    let v = [version(1, C1, H1)];
    let d = [
        decision(1, C1, H1, "ban", "a", 'A', 200),
        decision(1, C1, H1, "btv", "b", 'B', 300),
        decision(1, C1, H1, "btv", "c", 'C', 301),
    ];
    let a = assess("x", &v, &d, &[]);
    assert!(a.problems.is_empty(), "{:?}", a.problems);
    assert_eq!(a.stage(), Stage::Approved { version: 1 });
    assert_eq!(a.versions[0].approved_at(), Some(301));
}

#[test]
fn quorum_is_shown_while_waiting() {
    let v = [version(1, C1, H1)];
    let d = [
        decision(1, C1, H1, "ban", "a", 'A', 200),
        decision(1, C1, H1, "btv", "b", 'B', 300),
    ];
    let a = assess("x", &v, &d, &[]);
    assert!(
        matches!(a.stage(), Stage::Awaiting { have: 1, need: 2, ref level, .. } if level == "btv")
    );
    assert!(
        a.may_decide(&v, 1, "btv", &fp('B'), Decision::Approve, i64::MAX)
            .is_err()
    );
    assert!(
        a.may_decide(&v, 1, "btv", &fp('C'), Decision::Approve, i64::MAX)
            .is_ok()
    );
}

#[test]
fn out_of_order_wrong_level_unlisted_and_self_approval_do_not_count() {
    let mut v = [version(1, C1, H1)];
    v[0].submitter_email = "c@example.vn".into();
    let d = [
        decision(1, C1, H1, "btv", "b", 'B', 150),
        decision(1, C1, H1, "ban", "a", 'A', 200),
        decision(1, C1, H1, "ban", "b", 'B', 210),
        decision(1, C1, H1, "btv", "z", 'Z', 300),
        decision(1, C1, H1, "btv", "c", 'C', 310),
    ];
    let a = assess("x", &v, &d, &[]);
    let text = format!("{:?}", a.problems);
    assert!(text.contains("levels approve in order"), "{text}");
    assert!(text.contains("the wrong level"), "{text}");
    assert!(text.contains("not listed"), "{text}");
    assert!(text.contains("self-approval"), "{text}");
    assert!(matches!(a.stage(), Stage::Awaiting { have: 0, .. }));
    assert!(
        a.may_decide(&v, 1, "btv", &fp('C'), Decision::Approve, i64::MAX)
            .unwrap_err()
            .contains("submitted")
    );
    assert!(
        a.may_decide(&v, 1, "btv", &fp('A'), Decision::Approve, i64::MAX)
            .unwrap_err()
            .contains("listed at ban")
    );
}

#[test]
fn tampering_is_named() {
    let v = [version(1, C1, H1)];
    let mut moved = decision(1, C1, H1, "ban", "a", 'A', 200);
    moved.target = Some(C2.into());
    let mut forged = decision(1, C1, H1, "ban", "a", 'A', 200);
    forged.signature = Signature::Invalid("bad".into());
    let edited = decision(1, C1, H2, "ban", "a", 'A', 200);
    let mut copied = decision(1, C1, H1, "ban", "a", 'A', 200);
    copied.tag = decision_tag_name("y", 1, "ban", &fp('A'));
    let mut other_version = decision(1, C1, H1, "ban", "a", 'A', 200);
    other_version.tag = decision_tag_name("x", 2, "ban", &fp('A'));
    for (d, want) in [
        (moved, "moved"),
        (forged, "forged"),
        (edited, "edited after approval"),
        (copied, "not an approval tag"),
        (other_version, "another version"),
    ] {
        let a = assess("x", &v, std::slice::from_ref(&d), &[]);
        assert!(
            a.problems.iter().any(|p| p.message.contains(want)),
            "{want}: {:?}",
            a.problems
        );
        assert!(matches!(a.stage(), Stage::Awaiting { have: 0, .. }));
    }
}

#[test]
fn one_key_counts_once() {
    let v = [version(1, C1, H1)];
    let mut twice = decision(1, C1, H1, "ban", "a", 'A', 201);
    twice.tag.push_str("-again");
    let a = assess(
        "x",
        &v,
        &[decision(1, C1, H1, "ban", "a", 'A', 200), twice],
        &[],
    );
    assert!(!a.problems.is_empty());
    assert_eq!(a.versions[0].levels[0].approvals.len(), 1);
}

#[test]
fn rejection_blocks_and_carries_with_identical_text_only() {
    let v = [version(1, C1, H1), version(2, C2, H1), version(3, C3, H2)];
    let d = [
        decision(1, C1, H1, "ban", "a", 'A', 200),
        decide(1, C1, H1, "btv", "b", 'B', 300, Decision::Reject),
    ];
    let a = assess("x", &v, &d, &[]);
    assert!(a.problems.is_empty(), "{:?}", a.problems);
    assert_eq!(a.versions[1].carried_from, Some(1));
    assert!(a.versions[1].levels[0].met());
    assert!(!a.versions[1].levels[1].rejections.is_empty());
    assert!(!a.versions[2].levels[0].met());
    assert!(matches!(
        a.stage(),
        Stage::Awaiting {
            version: 3,
            have: 0,
            ..
        }
    ));
}

#[test]
fn messages_round_trip_and_refuse_injection() {
    let f = DecisionFields {
        slug: "x".into(),
        version: 2,
        commit: C1.into(),
        version_tag: C2.into(),
        content: H1.into(),
        level: "ban".into(),
        decision: Decision::Reject,
        approver_name: "Nguyễn Văn A".into(),
        approver_email: "a@example.vn".into(),
        time: "2026-11-30T10:00:00+07:00".into(),
        note: "Chưa đạt.\n\nDuthao-Level: btv\n-----BEGIN SSH SIGNATURE-----".into(),
    };
    let m = decision_message(&f, "Ban Tổ chức");
    let back = parse_decision(&m).unwrap();
    assert_eq!(back.level, "ban");
    assert_eq!(back.decision, Decision::Reject);
    assert!(back.note.starts_with("Chưa đạt."));
    assert!(!m.contains("\n-----BEGIN"));
    assert!(parse_decision("Phê duyệt\n\nDuthao-Slug: x\nDuthao-Slug: y\n").is_err());
}

#[test]
fn tag_names_parse_back() {
    let name = decision_tag_name("x", 12, "ban", &fp('A'));
    let (n, level, key) = parse_decision_tag_name("x", &name).unwrap();
    assert_eq!((n, level), (12, "ban"));
    assert_eq!(key.len(), 16);
    assert!(parse_decision_tag_name("x", "duthao/x/signoff/v01/ban/k").is_none());
    assert!(parse_decision_tag_name("x", "duthao/x/v1").is_none());
}

#[test]
fn an_approval_that_did_not_count_does_not_carry() {
    // b approves level 2 on v1 before level 1 had its quorum; v2 has the
    // same text; a approves level 1 on v2: b's v1 approval stays out.
    let v = [version(1, C1, H1), version(2, C2, H1)];
    let d = [
        decision(1, C1, H1, "btv", "b", 'B', 150),
        decision(1, C1, H1, "btv", "c", 'C', 160),
        decision(2, C2, H1, "ban", "a", 'A', 300),
    ];
    let a = assess("x", &v, &d, &[]);
    assert!(
        matches!(a.stage(), Stage::Awaiting { version: 2, have: 0, ref level, .. } if level == "btv")
    );
}

#[test]
fn one_person_with_two_keys_counts_once() {
    let mut r = roster();
    r.levels[2].approvers[1].email = "b@example.vn".into();
    let mut v = [version(1, C1, H1)];
    v[0].roster = Ok(r);
    let d = [
        decision(1, C1, H1, "ban", "a", 'A', 200),
        decision(1, C1, H1, "btv", "b", 'B', 300),
        decide(1, C1, H1, "btv", "b", 'C', 301, Decision::Approve),
    ];
    let a = assess("x", &v, &d, &[]);
    assert!(
        matches!(
            a.stage(),
            Stage::Awaiting {
                have: 1,
                need: 2,
                ..
            }
        ),
        "{:?}",
        a.stage()
    );
}
