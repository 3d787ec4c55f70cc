use std::fs;
use std::path::Path;

use git2::{Repository, Status};
use tempfile::TempDir;

use super::*;

fn who() -> Identity {
    Identity {
        name: "Trần Thị Bình".into(),
        email: "binh@example.org".into(),
    }
}

fn fresh() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::init(dir.path()).unwrap();
    (dir, store)
}

fn write(store: &Store, rel: &str, text: &str) {
    let path = store.root().join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn commit(store: &Store, rel: &str, text: &str, msg: &str) -> ObjectId {
    write(store, rel, text);
    store.commit_paths(&[Path::new(rel)], msg, &who()).unwrap()
}

fn status_of(repo: &Repository, rel: &str) -> Status {
    repo.status_file(Path::new(rel)).unwrap()
}

#[test]
fn first_commit_on_an_unborn_branch() {
    let (_dir, store) = fresh();
    assert_eq!(
        store.head_state().unwrap(),
        HeadState::Unborn("main".into())
    );
    assert!(
        store
            .revisions(Path::new("drafts/x.md"))
            .unwrap()
            .is_empty()
    );
    let oid = commit(&store, "drafts/x.md", "Điều 1.\n", "Thêm dự thảo");
    assert_eq!(
        store.head_state().unwrap(),
        HeadState::Branch("main".into())
    );
    let c = store.repo.find_commit(oid.0).unwrap();
    assert_eq!(c.parent_count(), 0);
    assert_eq!(c.author().name(), Ok("Trần Thị Bình"));
    assert_eq!(c.message(), Ok("Thêm dự thảo\n"));
    assert!(!store.is_dirty(Path::new("drafts/x.md")).unwrap());
}

#[test]
fn commit_paths_leaves_the_users_other_changes_alone() {
    let (_dir, store) = fresh();
    commit(&store, "drafts/x.md", "một\n", "x");
    commit(&store, "notes.txt", "ghi chú\n", "notes");
    commit(&store, "staged.txt", "a\n", "staged");

    write(&store, "notes.txt", "ghi chú đã sửa\n");
    write(&store, "staged.txt", "b\n");
    let mut index = store.repo.index().unwrap();
    index.add_path(Path::new("staged.txt")).unwrap();
    index.write().unwrap();
    write(&store, "drafts/x.md", "hai\n");

    let oid = store
        .commit_paths(&[Path::new("drafts/x.md")], "sửa x", &who())
        .unwrap();
    let tree = store.repo.find_commit(oid.0).unwrap().tree().unwrap();
    let blob = |p: &str| {
        let id = tree.get_path(Path::new(p)).unwrap().id();
        store.repo.find_blob(id).unwrap().content().to_vec()
    };
    assert_eq!(blob("drafts/x.md"), b"hai\n");
    assert_eq!(blob("notes.txt"), "ghi chú\n".as_bytes());
    assert_eq!(blob("staged.txt"), b"a\n");

    let repo = Repository::open(store.root()).unwrap();
    assert_eq!(status_of(&repo, "drafts/x.md"), Status::CURRENT);
    assert_eq!(status_of(&repo, "notes.txt"), Status::WT_MODIFIED);
    assert_eq!(status_of(&repo, "staged.txt"), Status::INDEX_MODIFIED);
}

#[test]
fn nothing_to_commit_leaves_the_index_untouched() {
    let (_dir, store) = fresh();
    commit(&store, "drafts/x.md", "một\n", "x");
    let err = store
        .commit_paths(&[Path::new("drafts/x.md")], "again", &who())
        .unwrap_err();
    assert!(matches!(err, StoreError::NothingToCommit { .. }), "{err}");
    assert!(err.to_string().contains("drafts/x.md"));

    // The user staged another text, then put the file back as committed:
    // nothing to commit, and their staged text stays staged.
    write(&store, "drafts/x.md", "đã stage\n");
    let mut index = store.repo.index().unwrap();
    index.add_path(Path::new("drafts/x.md")).unwrap();
    index.write().unwrap();
    write(&store, "drafts/x.md", "một\n");
    let err = store
        .commit_paths(&[Path::new("drafts/x.md")], "again", &who())
        .unwrap_err();
    assert!(matches!(err, StoreError::NothingToCommit { .. }), "{err}");
    let repo = Repository::open(store.root()).unwrap();
    assert_eq!(
        status_of(&repo, "drafts/x.md"),
        Status::INDEX_MODIFIED | Status::WT_MODIFIED
    );

    let (_dir2, empty) = fresh();
    let err = empty
        .commit_paths(&[Path::new("drafts/none.md")], "nothing", &who())
        .unwrap_err();
    assert!(matches!(err, StoreError::NothingToCommit { .. }), "{err}");
}

#[test]
fn a_deleted_file_is_committed_as_deleted() {
    let (_dir, store) = fresh();
    commit(&store, "drafts/x.md", "một\n", "x");
    commit(&store, "drafts/y.md", "hai\n", "y");
    fs::remove_file(store.root().join("drafts/x.md")).unwrap();
    assert!(store.is_dirty(Path::new("drafts/x.md")).unwrap());
    let oid = store
        .commit_paths(&[Path::new("drafts/x.md")], "xoá x", &who())
        .unwrap();
    assert_eq!(
        store.read_in_commit(oid, Path::new("drafts/x.md")).unwrap(),
        None
    );
    assert!(
        store
            .read_in_commit(oid, Path::new("drafts/y.md"))
            .unwrap()
            .is_some()
    );
    assert!(!store.is_dirty(Path::new("drafts/x.md")).unwrap());
}

#[test]
fn detached_head_is_refused() {
    let (_dir, store) = fresh();
    let first = commit(&store, "drafts/x.md", "một\n", "x");
    store.repo.set_head_detached(first.0).unwrap();
    assert_eq!(store.head_state().unwrap(), HeadState::Detached(first));
    write(&store, "drafts/x.md", "hai\n");
    let err = store
        .commit_paths(&[Path::new("drafts/x.md")], "x", &who())
        .unwrap_err();
    assert!(matches!(err, StoreError::Detached { .. }));
    // What went wrong, not what to run: the command line adds that.
    assert!(err.to_string().contains("detached"), "{err}");
    assert!(!err.to_string().contains("git switch"), "{err}");
}

#[test]
fn paths_outside_the_workspace_are_refused() {
    let (_dir, store) = fresh();
    for bad in ["../x.md", "/etc/passwd", ""] {
        let err = store.is_dirty(Path::new(bad)).unwrap_err();
        assert!(
            matches!(err, StoreError::PathOutsideWorkspace { .. }),
            "{bad}: {err}"
        );
    }
    let inside = store.root().join("drafts/x.md");
    assert!(store.is_dirty(&inside).is_ok());
}

#[test]
fn is_dirty_sees_untracked_modified_and_staged() {
    let (_dir, store) = fresh();
    let x = Path::new("drafts/x.md");
    assert!(!store.is_dirty(x).unwrap());
    write(&store, "drafts/x.md", "một\n");
    assert!(store.is_dirty(x).unwrap());
    store.commit_paths(&[x], "x", &who()).unwrap();
    assert!(!store.is_dirty(x).unwrap());
    write(&store, "drafts/x.md", "hai\n");
    assert!(store.is_dirty(x).unwrap());
    let mut index = store.repo.index().unwrap();
    index.add_path(x).unwrap();
    index.write().unwrap();
    assert!(store.is_dirty(x).unwrap());
}

#[test]
fn revisions_list_only_commits_touching_the_path() {
    let (_dir, store) = fresh();
    let a = commit(&store, "drafts/x.md", "1\n", "x một");
    commit(&store, "drafts/y.md", "1\n", "y một");
    let b = commit(&store, "drafts/x.md", "2\n", "x hai");
    commit(&store, "other/z.md", "1\n", "z");
    commit(&store, "drafts/y.md", "2\n", "y hai");
    let c = commit(&store, "drafts/x.md", "3\n", "x ba");
    fs::remove_file(store.root().join("drafts/x.md")).unwrap();
    let d = store
        .commit_paths(&[Path::new("drafts/x.md")], "x xoá", &who())
        .unwrap();
    commit(&store, "drafts/y.md", "3\n", "y ba");

    let revs = store.revisions(Path::new("drafts/x.md")).unwrap();
    let ids: Vec<ObjectId> = revs.iter().map(|r| r.commit).collect();
    assert_eq!(ids, vec![d, c, b, a]);
    assert_eq!(revs[1].summary, "x ba");
    assert_eq!(revs[1].author, who());
    assert_eq!(store.revisions(Path::new("drafts/y.md")).unwrap().len(), 3);
    assert!(
        store
            .revisions(Path::new("drafts/none.md"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn versions_are_numbered_tags_with_the_submitters_message() {
    let (_dir, store) = fresh();
    let c1 = commit(&store, "drafts/x.md", "1\n", "x");
    let v1 = store
        .create_version("x", c1, "Gửi xin ý kiến", &who())
        .unwrap();
    assert_eq!((v1.n, v1.tag.as_str()), (1, "duthao/x/v1"));
    assert_eq!(v1.message, "Dự thảo lần 1\n\nGửi xin ý kiến");
    assert_eq!(v1.user_message(), "Gửi xin ý kiến");

    let err = store.create_version("x", c1, "", &who()).unwrap_err();
    assert!(
        matches!(err, StoreError::AlreadyVersioned { n: 1, .. }),
        "{err}"
    );

    let c2 = commit(&store, "drafts/x.md", "2\n", "x2");
    let v2 = store.create_version("x", c2, "", &who()).unwrap();
    assert_eq!(v2.n, 2);
    assert_eq!(v2.message, "Dự thảo lần 2");
    assert_eq!(v2.user_message(), "");

    let read = store.versions("x").unwrap();
    assert_eq!(read, vec![v1.clone(), v2.clone()]);
    assert_eq!(read[0].tagger, who());
    assert!(!read[0].signed);
    assert!(store.versions("y").unwrap().is_empty());
}

#[test]
fn all_versions_reads_every_slug_and_ignores_other_duthao_tags() {
    let (_dir, store) = fresh();
    let c1 = commit(&store, "drafts/a.md", "1\n", "a");
    let c2 = commit(&store, "drafts/b.md", "1\n", "b");
    store.create_version("a", c1, "", &who()).unwrap();
    store.create_version("b", c2, "", &who()).unwrap();
    let c3 = commit(&store, "drafts/a.md", "2\n", "a2");
    store.create_version("a", c3, "", &who()).unwrap();
    // Not versions: deeper names (approvals live there), bad numbers.
    for name in [
        "duthao/a/v1-approved",
        "duthao/a/approvals/v1",
        "duthao/a/v01",
        "duthao/a/v0",
    ] {
        store
            .repo
            .reference(&format!("refs/tags/{name}"), c1.0, false, "test")
            .unwrap();
    }
    // A lightweight version tag made by hand with `git tag` still counts.
    store
        .repo
        .reference("refs/tags/duthao/c/v1", c2.0, false, "test")
        .unwrap();

    let all = store.all_versions().unwrap();
    let summary: Vec<(String, Vec<u32>)> = all
        .iter()
        .map(|(slug, vs)| (slug.clone(), vs.iter().map(|v| v.n).collect()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("a".to_string(), vec![1, 2]),
            ("b".to_string(), vec![1]),
            ("c".to_string(), vec![1]),
        ]
    );
    assert_eq!(all["a"][1].commit, c3);
    assert_eq!(all["c"][0].tag_oid, None);
    assert_eq!(all["a"], store.versions("a").unwrap());
}

#[test]
fn a_lost_race_for_the_next_number_is_a_concurrent_submit() {
    let (_dir, store) = fresh();
    let c1 = commit(&store, "drafts/x.md", "1\n", "x");
    // Someone else took v1 between our read and our write: simulate by
    // creating the ref the way the other process would.
    let theirs = store
        .write_tag(
            "duthao/x/v1",
            c1,
            &who(),
            When {
                seconds: 0,
                offset_minutes: 0,
            },
            "Dự thảo lần 1\n",
            None,
        )
        .unwrap();
    store.create_tag_ref("duthao/x/v1", theirs).unwrap();
    let err = store.create_tag_ref("duthao/x/v1", theirs).unwrap_err();
    assert!(matches!(err, StoreError::TagExists { .. }));
    let c2 = commit(&store, "drafts/x.md", "2\n", "x2");
    // With v1 visible the next submit is v2, never a second v1.
    assert_eq!(store.create_version("x", c2, "", &who()).unwrap().n, 2);
}

#[test]
fn a_signature_block_is_kept_out_of_the_message() {
    let (_dir, store) = fresh();
    let c1 = commit(&store, "drafts/x.md", "1\n", "x");
    let sig = "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n";
    let when = When {
        seconds: 1_790_000_000,
        offset_minutes: 420,
    };
    let oid = store
        .write_tag(
            "duthao/x/v1",
            c1,
            &who(),
            when,
            "Dự thảo lần 1\n",
            Some(sig),
        )
        .unwrap();
    store.create_tag_ref("duthao/x/v1", oid).unwrap();
    let raw = store.repo.find_object(oid.0, None).unwrap();
    let tag = raw.as_tag().unwrap();
    assert_eq!(tag.name(), Ok("duthao/x/v1"));
    let v = &store.versions("x").unwrap()[0];
    assert!(v.signed);
    assert_eq!(v.message, "Dự thảo lần 1");
    assert_eq!((v.time, v.offset_minutes), (1_790_000_000, 420));
    // What a signer signs is the object minus the signature block.
    let odb_bytes = store
        .repo
        .odb()
        .unwrap()
        .read(oid.0)
        .unwrap()
        .data()
        .to_vec();
    let payload = tag_payload(
        "duthao/x/v1",
        c1,
        ObjectKind::Commit,
        &who(),
        when,
        "Dự thảo lần 1\n",
    );
    assert_eq!(odb_bytes, [payload.as_slice(), sig.as_bytes()].concat());
}

#[test]
fn revisions_are_resolved_and_read() {
    let (_dir, store) = fresh();
    let x = Path::new("drafts/x.md");
    let c1 = commit(&store, "drafts/x.md", "một\n", "x");
    store.create_version("x", c1, "", &who()).unwrap();
    let c2 = commit(&store, "drafts/x.md", "hai\n", "x2");
    write(&store, "drafts/x.md", "ba\n");

    assert_eq!(store.resolve_commit(&Rev::Version(1), "x").unwrap(), c1);
    assert_eq!(
        store.resolve_commit(&Rev::Git("HEAD".into()), "x").unwrap(),
        c2
    );
    assert_eq!(
        store
            .resolve_commit(&Rev::Git("HEAD~1".into()), "x")
            .unwrap(),
        c1
    );
    assert_eq!(
        store
            .resolve_commit(&Rev::Git("duthao/x/v1".into()), "x")
            .unwrap(),
        c1
    );
    let read = |rev: Rev| store.read_at(&rev, "x", x).unwrap();
    assert_eq!(read(Rev::Version(1)), Some("một\n".as_bytes().to_vec()));
    assert_eq!(read(Rev::Git("HEAD".into())), Some(b"hai\n".to_vec()));
    assert_eq!(read(Rev::Working), Some(b"ba\n".to_vec()));
    assert_eq!(
        store
            .read_at(&Rev::Working, "x", Path::new("drafts/none.md"))
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .read_at(&Rev::Version(1), "x", Path::new("drafts/none.md"))
            .unwrap(),
        None
    );

    let err = store.resolve_commit(&Rev::Version(7), "x").unwrap_err();
    assert!(matches!(&err, StoreError::UnknownVersion { n: 7, existing, .. } if existing == &[1]));
    assert!(err.to_string().contains("existing versions: v1"), "{err}");
    let err = store.resolve_commit(&Rev::Version(1), "y").unwrap_err();
    assert!(err.to_string().contains("not been submitted"), "{err}");
    let err = store
        .resolve_commit(&Rev::Git("khong-co".into()), "x")
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownRevision { .. }));
    assert!(err.to_string().contains("khong-co"));
    assert!(matches!(
        store.resolve_commit(&Rev::Working, "x").unwrap_err(),
        StoreError::NotACommit { .. }
    ));
}

#[test]
fn rev_parses_working_versions_and_git_revisions() {
    assert_eq!("working".parse::<Rev>().unwrap(), Rev::Working);
    assert_eq!("v3".parse::<Rev>().unwrap(), Rev::Version(3));
    assert_eq!("v12".parse::<Rev>().unwrap(), Rev::Version(12));
    for git in ["v0", "v01", "vx", "HEAD~1", "main", "abc123"] {
        assert_eq!(git.parse::<Rev>().unwrap(), Rev::Git(git.into()), "{git}");
    }
    assert!("".parse::<Rev>().is_err());
    assert_eq!(Rev::Version(2).to_string(), "v2");
}

#[test]
fn open_refuses_non_repositories_and_bare_ones() {
    let plain = tempfile::tempdir().unwrap();
    // A folder under /tmp may sit inside no repository at all; make sure by
    // using a ceiling-free check of what we expect.
    if Repository::discover(plain.path()).is_err() {
        let err = Store::open(plain.path()).unwrap_err();
        assert!(matches!(err, StoreError::NotARepo { .. }));
        assert!(err.to_string().contains("not in a git repository"), "{err}");
    }
    let bare = tempfile::tempdir().unwrap();
    Repository::init_bare(bare.path()).unwrap();
    let err = Store::open(bare.path()).unwrap_err();
    assert!(matches!(err, StoreError::BareRepo { .. }), "{err}");
}

#[test]
fn a_workspace_in_a_subfolder_of_a_repository_stores_prefixed_paths() {
    let dir = tempfile::tempdir().unwrap();
    Store::init(dir.path()).unwrap();
    let ws = dir.path().join("vanban/2026");
    fs::create_dir_all(&ws).unwrap();
    let store = Store::open(&ws).unwrap();
    let oid = commit(&store, "drafts/x.md", "một\n", "x");
    let tree = store.repo.find_commit(oid.0).unwrap().tree().unwrap();
    assert!(tree.get_path(Path::new("vanban/2026/drafts/x.md")).is_ok());
    assert_eq!(store.revisions(Path::new("drafts/x.md")).unwrap().len(), 1);
    assert_eq!(
        store
            .read_at(&Rev::Git("HEAD".into()), "x", Path::new("drafts/x.md"))
            .unwrap(),
        Some("một\n".as_bytes().to_vec())
    );
}

#[test]
fn identity_comes_from_env_then_config() {
    let config = |key: &str| match key {
        "user.name" => Some("Lê Văn C".to_string()),
        "user.email" => Some("c@example.org".to_string()),
        _ => None,
    };
    let got = resolve_identity(None, None, config).unwrap();
    assert_eq!(got.name, "Lê Văn C");
    let got = resolve_identity(Some("Env".into()), Some(" ".into()), config).unwrap();
    assert_eq!(
        (got.name.as_str(), got.email.as_str()),
        ("Env", "c@example.org")
    );
    let err = resolve_identity(None, None, |_| None).unwrap_err();
    assert!(matches!(
        err,
        StoreError::NoIdentity {
            missing: "user.name"
        }
    ));
    assert!(err.to_string().contains("user.name is not set"), "{err}");
    let err = resolve_identity(Some("A <b>".into()), Some("e@x".into()), |_| None).unwrap_err();
    assert!(matches!(err, StoreError::BadIdentity { .. }));
}

#[test]
fn bad_slugs_are_refused_before_writing() {
    let (_dir, store) = fresh();
    let c1 = commit(&store, "drafts/x.md", "1\n", "x");
    for slug in ["", "a/b", "a..b", "a b", "x.lock"] {
        let err = store.create_version(slug, c1, "", &who()).unwrap_err();
        assert!(
            matches!(err, StoreError::BadTagName { .. }),
            "{slug:?}: {err}"
        );
    }
}

#[test]
fn raw_tree_lookup_matches_whole_names_only() {
    let (_dir, store) = fresh();
    let c = commit(&store, "drafts/x.md.bak", "bak\n", "bak");
    write(&store, "drafts/x", "không đuôi\n");
    write(&store, "drafts/x.md", "đúng\n");
    let c2 = store
        .commit_paths(
            &[Path::new("drafts/x"), Path::new("drafts/x.md")],
            "x",
            &who(),
        )
        .unwrap();
    let tree = store.repo.find_commit(c2.0).unwrap().tree().unwrap();
    let drafts = tree.get_path(Path::new("drafts")).unwrap().id();
    let odb = store.repo.odb().unwrap();
    let raw = odb.read(drafts).unwrap();
    let want = tree.get_path(Path::new("drafts/x.md")).unwrap().id();
    assert_eq!(
        find_tree_entry(raw.data(), b"x.md"),
        Some((&b"100644"[..], want))
    );
    assert_eq!(find_tree_entry(raw.data(), b"x.m"), None);
    assert_eq!(find_tree_entry(&raw.data()[..10], b"x.md"), None);
    // The history of x.md starts where x.md appeared, not at x.md.bak.
    let revs = store.revisions(Path::new("drafts/x.md")).unwrap();
    assert_eq!(revs.iter().map(|r| r.commit).collect::<Vec<_>>(), vec![c2]);
    assert_ne!(c, c2);
    // A path through a file is no path.
    assert!(
        store
            .revisions(Path::new("drafts/x/y.md"))
            .unwrap()
            .is_empty()
    );
}
