//! The name of a git object, without git2 in the store's interface.

use std::fmt;
use std::str::FromStr;

use git2::Oid;

/// A git object's id (a commit, a tag, a file's blob): what `git rev-parse`
/// prints. Displayed as the full lower-case hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId(pub(crate) Oid);

impl ObjectId {
    /// The first 7 hex digits, as git abbreviates an id in its messages.
    pub fn short(&self) -> String {
        let mut s = self.0.to_string();
        s.truncate(7);
        s
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ObjectId({})", self.0)
    }
}

/// Not a full hexadecimal object id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a git object id (40 hexadecimal digits)")]
pub struct BadObjectId(pub String);

impl FromStr for ObjectId {
    type Err = BadObjectId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 40 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(BadObjectId(s.to_string()));
        }
        Oid::from_str(s)
            .map(ObjectId)
            .map_err(|_| BadObjectId(s.to_string()))
    }
}
