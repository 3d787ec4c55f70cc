//! Tag objects written by hand so that a signature can be appended the way
//! `git tag -s` does with `gpg.format=ssh`: git2 has no call for signed tags.

use git2::ObjectType;

use super::{Identity, ObjectId};

/// What a git object is: the `type` line of a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    /// A commit (what a version tag or an approval points at).
    Commit,
    /// A tree (a folder).
    Tree,
    /// A blob (a file's bytes).
    Blob,
    /// A tag object.
    Tag,
}

impl ObjectKind {
    /// Git's name for it: `commit`, `tree`, `blob`, `tag`.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Commit => "commit",
            ObjectKind::Tree => "tree",
            ObjectKind::Blob => "blob",
            ObjectKind::Tag => "tag",
        }
    }

    pub(crate) fn of(kind: ObjectType) -> Option<ObjectKind> {
        match kind {
            ObjectType::Commit => Some(ObjectKind::Commit),
            ObjectType::Tree => Some(ObjectKind::Tree),
            ObjectType::Blob => Some(ObjectKind::Blob),
            ObjectType::Tag => Some(ObjectKind::Tag),
            _ => None,
        }
    }
}

/// A moment as git writes it in a signature line: Unix seconds and the
/// writer's offset from UTC in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    /// Seconds since 1970-01-01 00:00 UTC.
    pub seconds: i64,
    /// The offset from UTC of the writer's clock, in minutes (+420 in Hà Nội).
    pub offset_minutes: i32,
}

impl When {
    /// Now, with the machine's offset from UTC.
    pub fn now() -> When {
        let now =
            time::OffsetDateTime::now_local().unwrap_or_else(|_| time::OffsetDateTime::now_utc());
        When {
            seconds: now.unix_timestamp(),
            offset_minutes: i32::from(now.offset().whole_minutes()),
        }
    }

    pub(crate) fn of(t: git2::Time) -> When {
        When {
            seconds: t.seconds(),
            offset_minutes: t.offset_minutes(),
        }
    }
}

/// The bytes an SSH signer signs for a tag: exactly what `git tag -v` hands to
/// `ssh-keygen -Y verify` once it has cut the signature block off.
pub fn tag_payload(
    name: &str,
    target: ObjectId,
    target_kind: ObjectKind,
    tagger: &Identity,
    when: When,
    message: &str,
) -> Vec<u8> {
    let mut text = format!(
        "object {target}\ntype {}\ntag {name}\ntagger {} <{}> {} {}\n\n",
        target_kind.as_str(),
        tagger.name,
        tagger.email,
        when.seconds,
        format_offset(when.offset_minutes),
    );
    text.push_str(message);
    // git verifies the payload up to the signature block, which must start on
    // its own line: a message always ends with exactly one newline.
    while text.ends_with("\n\n") {
        text.pop();
    }
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.into_bytes()
}

/// `+0700`, `-0330`: git's timezone notation.
pub fn format_offset(offset_minutes: i32) -> String {
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let abs = offset_minutes.unsigned_abs();
    format!("{sign}{:02}{:02}", abs / 60, abs % 60)
}

/// Splits a tag message into the text and the armored signature appended
/// after it (SSH or PGP), as git does: the signature starts at the last line
/// that opens an armored block.
pub fn split_signature(message: &str) -> (&str, Option<&str>) {
    const STARTS: [&str; 3] = [
        "-----BEGIN SSH SIGNATURE-----",
        "-----BEGIN PGP SIGNATURE-----",
        "-----BEGIN SIGNED MESSAGE-----",
    ];
    let mut cut = None;
    let mut offset = 0;
    for line in message.split_inclusive('\n') {
        if STARTS.iter().any(|s| line.starts_with(s)) {
            cut = Some(offset);
        }
        offset += line.len();
    }
    match cut {
        Some(at) => (&message[..at], Some(&message[at..])),
        None => (message, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_use_git_notation() {
        assert_eq!(format_offset(420), "+0700");
        assert_eq!(format_offset(-210), "-0330");
        assert_eq!(format_offset(0), "+0000");
    }

    #[test]
    fn payload_has_git_tag_layout() {
        let who = Identity {
            name: "Nguyễn Văn A".into(),
            email: "a@example.org".into(),
        };
        let target: ObjectId = "0123456789abcdef0123456789abcdef01234567".parse().unwrap();
        let bytes = tag_payload(
            "duthao/x/v1",
            target,
            ObjectKind::Commit,
            &who,
            When {
                seconds: 1_700_000_000,
                offset_minutes: 420,
            },
            "Dự thảo lần 1\n\n\n",
        );
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "object 0123456789abcdef0123456789abcdef01234567\ntype commit\ntag duthao/x/v1\n\
             tagger Nguyễn Văn A <a@example.org> 1700000000 +0700\n\nDự thảo lần 1\n"
        );
    }

    #[test]
    fn signature_is_split_off_the_message() {
        let msg = "Dự thảo lần 2\n\nsửa Điều 3\n-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n";
        let (text, sig) = split_signature(msg);
        assert_eq!(text, "Dự thảo lần 2\n\nsửa Điều 3\n");
        assert!(sig.unwrap().starts_with("-----BEGIN SSH SIGNATURE-----"));
        assert_eq!(split_signature("plain\n"), ("plain\n", None));
    }
}
