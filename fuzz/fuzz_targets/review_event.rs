//! A review event file on arbitrary bytes: `Event::from_yaml` returns an
//! event or an error, never panics; what it accepts, the full YAML parser
//! (serde_yaml_ng) reads the same (the fast reader of the subset duthao
//! writes must never read a file differently); and an event it reads,
//! written again with `to_yaml`, reads back the same.

#![no_main]

use std::path::PathBuf;

use duthao_review::Event;
use libfuzzer_sys::fuzz_target;

fn file(name: &str) -> PathBuf {
    PathBuf::from("reviews/x").join(name)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        // Only the UTF-8 check and its line.
        assert!(Event::from_yaml(data, &file("x.yaml")).is_err());
        return;
    };
    let full = serde_yaml_ng::from_str::<Event>(text);
    // An event is only accepted under its own file name: take it from the
    // full parser's reading, else from the first `id:` line (so that the
    // fast reader can still accept what the full parser refuses).
    let name = match &full {
        Ok(e) => e.file_name(),
        Err(_) => text
            .lines()
            .find_map(|l| l.strip_prefix("id: "))
            .map(|id| format!("{}.yaml", id.trim()))
            .filter(|n| !n.contains('/'))
            .unwrap_or_else(|| "x.yaml".into()),
    };
    let path = file(&name);
    let read = Event::from_yaml(data, &path);
    match (&read, &full) {
        (Ok(e), Ok(f)) => assert_eq!(e, f, "the fast reader and serde_yaml_ng differ"),
        (Ok(e), Err(f)) => panic!("accepted {e:?}, which serde_yaml_ng refuses: {f}"),
        (Err(e), Ok(f)) => panic!("refused {f:?} ({e}), which serde_yaml_ng reads"),
        // A name the fast reader's event would have: it accepted the file.
        (Err(e), Err(f)) => assert!(
            !e.message.starts_with("holds event"),
            "the fast reader accepted what serde_yaml_ng refuses ({f}): {e}"
        ),
    }
    let Ok(e) = read else { return };
    // Written again, under its own name.
    let yaml = e.to_yaml();
    let again = Event::from_yaml(yaml.as_bytes(), &path)
        .unwrap_or_else(|err| panic!("its own file does not read: {err}\n{yaml}"));
    // `to_yaml` normalises the file's text (NFC, line breaks as `\n`,
    // docs/review-events.md), as the commands store their text already:
    // an event read from a file that was not (NFD, a line separator in a
    // quoted string) reads back normalised, and from then on the same.
    let raw = serde_yaml_ng::to_string(&e).expect("an event serialises");
    if yaml.ends_with(&raw) {
        assert_eq!(again, e, "written and read back differently:\n{yaml}");
    } else {
        let twice = again.to_yaml();
        let back = Event::from_yaml(twice.as_bytes(), &path);
        assert_eq!(
            back.as_ref(),
            Ok(&again),
            "normalised once, it still changes:\n{twice}"
        );
    }
});
