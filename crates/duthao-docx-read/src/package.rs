//! The zip package, read as hostile input: every part bounded in size while
//! it is inflated (the sizes a zip declares may lie), the parts together
//! bounded too, and an entry that inflates far beyond its stored size
//! refused before it is read.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use crate::ReadError;

/// The largest DOCX accepted, in bytes.
pub const MAX_FILE: u64 = 256 << 20;
/// The most one part may inflate to, in bytes.
pub const MAX_PART: u64 = 64 << 20;
/// The most all the parts read may inflate to together, in bytes.
pub const MAX_TOTAL: u64 = 192 << 20;
/// The most entries a package may have when all of them are read (as
/// [`compare`](crate::compare) does). Word writes a few dozen parts, a few
/// hundred with many images.
pub const MAX_PARTS: usize = 10_000;
/// Above this size a part may be at most [`MAX_RATIO`] times larger than
/// stored: WordprocessingML compresses well, but not like a zip bomb.
const RATIO_FROM: u64 = 1 << 20;
/// See `RATIO_FROM`.
pub const MAX_RATIO: u64 = 200;

/// An opened package and what has been inflated from it so far.
pub(crate) struct Package<'b> {
    zip: ZipArchive<Cursor<&'b [u8]>>,
    total: u64,
}

impl<'b> Package<'b> {
    pub fn open(bytes: &'b [u8]) -> Result<Self, ReadError> {
        if bytes.len() as u64 > MAX_FILE {
            return Err(ReadError::TooBig {
                part: "the file".into(),
                limit: MAX_FILE,
            });
        }
        let zip =
            ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::NotZip(e.to_string()))?;
        Ok(Package { zip, total: 0 })
    }

    /// Whether the package has an entry `name`, without inflating it.
    pub fn has(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// The entries' names, sorted; [`ReadError::TooManyParts`] past
    /// [`MAX_PARTS`], as each name is kept and each part may be inflated.
    pub fn names(&self) -> Result<Vec<String>, ReadError> {
        if self.zip.len() > MAX_PARTS {
            return Err(ReadError::TooManyParts { limit: MAX_PARTS });
        }
        let mut names: Vec<String> = self
            .zip
            .file_names()
            .filter(|n| !n.ends_with('/'))
            .map(str::to_string)
            .collect();
        names.sort_unstable();
        names.dedup();
        Ok(names)
    }

    /// The part `name` as it is inflated; `Ok(None)` when there is none.
    pub fn bytes(&mut self, name: &str) -> Result<Option<Vec<u8>>, ReadError> {
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        self.inflate(index, name).map(Some)
    }

    /// The part `name` as text; `Ok(None)` when the package has no such part.
    pub fn text(&mut self, name: &str) -> Result<Option<String>, ReadError> {
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        let bytes = self.inflate(index, name)?;
        let mut text = String::from_utf8(bytes).map_err(|_| ReadError::Xml {
            part: name.into(),
            message: "not UTF-8 text".into(),
        })?;
        if text.starts_with('\u{feff}') {
            text.drain(..3);
        }
        Ok(Some(text))
    }

    fn inflate(&mut self, index: usize, name: &str) -> Result<Vec<u8>, ReadError> {
        let entry = self.zip.by_index(index).map_err(|e| ReadError::Zip {
            part: name.into(),
            message: e.to_string(),
        })?;
        let declared = entry.size();
        let stored = entry.compressed_size().max(1);
        if declared > MAX_PART {
            return Err(ReadError::TooBig {
                part: name.into(),
                limit: MAX_PART,
            });
        }
        if declared > RATIO_FROM && declared / stored > MAX_RATIO {
            return Err(ReadError::Suspicious {
                part: name.into(),
                ratio: declared / stored,
            });
        }
        // The declared size is only a claim: the bound holds on what is
        // actually inflated.
        let room = MAX_PART.min(MAX_TOTAL.saturating_sub(self.total));
        let mut out = Vec::with_capacity(declared.min(room) as usize);
        entry
            .take(room + 1)
            .read_to_end(&mut out)
            .map_err(|e| ReadError::Zip {
                part: name.into(),
                message: e.to_string(),
            })?;
        if out.len() as u64 > room {
            return Err(ReadError::TooBig {
                part: name.into(),
                limit: room,
            });
        }
        self.total += out.len() as u64;
        Ok(out)
    }
}
