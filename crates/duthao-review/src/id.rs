//! Event ids: unique without coordination, sortable by time.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Crockford's base 32, lower case: no i, l, o or u to misread.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// The id of one review event: 10 characters of milliseconds since 1970
/// and 16 of randomness (a ULID in lower case). Two sites that never talk
/// make different ids (80 random bits), and ids sort in the order they
/// were made, so file listings read as history.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventId(String);

/// Length of an id's time part.
const TIME_CHARS: usize = 10;
/// Length of an id.
const ID_CHARS: usize = 26;

impl EventId {
    /// A new id for an event made at `unix_millis`.
    pub fn new(unix_millis: u64) -> EventId {
        let mut random = [0u8; 10];
        // No randomness from the system is a broken machine; the clock and
        // the process id still make a collision most unlikely.
        if getrandom::fill(&mut random).is_err() {
            let pid = std::process::id().to_le_bytes();
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0)
                .to_le_bytes();
            random[..4].copy_from_slice(&pid);
            random[4..8].copy_from_slice(&nanos);
        }
        EventId::from_parts(unix_millis, random)
    }

    /// The id of `unix_millis` and these 80 random bits.
    pub fn from_parts(unix_millis: u64, random: [u8; 10]) -> EventId {
        let mut out = String::with_capacity(ID_CHARS);
        for i in (0..TIME_CHARS).rev() {
            out.push(ALPHABET[((unix_millis >> (5 * i)) & 31) as usize] as char);
        }
        let mut bits = u128::from_be_bytes({
            let mut b = [0u8; 16];
            b[6..].copy_from_slice(&random);
            b
        });
        let mut tail = [0u8; 16];
        for c in tail.iter_mut().rev() {
            *c = ALPHABET[(bits & 31) as usize];
            bits >>= 5;
        }
        out.push_str(std::str::from_utf8(&tail).unwrap_or_default());
        EventId(out)
    }

    /// Reads an id as written in an event file.
    pub fn parse(text: &str) -> Option<EventId> {
        let ok = text.len() == ID_CHARS && text.bytes().all(|b| ALPHABET.contains(&b));
        ok.then(|| EventId(text.to_string()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The short form people read and type: the first 8 characters of the
    /// random part (the time part is shared by ids made close together).
    pub fn short(&self) -> &str {
        &self.0[TIME_CHARS..TIME_CHARS + 8]
    }

    /// Whether `typed` names this id: the whole id, or the start of its
    /// random part or of the whole id (at least 4 characters), in any case.
    pub fn matches(&self, typed: &str) -> bool {
        let typed = typed.trim().to_ascii_lowercase();
        if typed.len() < 4 {
            return false;
        }
        self.0 == typed || self.0[TIME_CHARS..].starts_with(&typed) || self.0.starts_with(&typed)
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for EventId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for EventId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A visitor, so that the reader places a bad id on its line.
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = EventId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an event id")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<EventId, E> {
                EventId::parse(text).ok_or_else(|| {
                    E::custom(format!(
                        "`{text}` is not an event id (26 characters of 0-9 and a-z without i, l, o, u)"
                    ))
                })
            }
        }
        d.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_by_time_and_differ() {
        let a = EventId::new(1_700_000_000_000);
        let b = EventId::new(1_700_000_000_001);
        let c = EventId::new(1_700_000_000_001);
        assert!(a < b && a < c);
        assert_ne!(b, c);
        assert_eq!(EventId::parse(a.as_str()), Some(a.clone()));
        assert!(a.matches(a.short()));
        assert!(a.matches(&a.short().to_uppercase()));
        assert!(!a.matches("ab"));
    }
}
