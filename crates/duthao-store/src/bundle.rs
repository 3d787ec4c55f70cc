//! Git bundles for sites with no network between them: written and read
//! here through libgit2 (an offline site is where the git program is least
//! likely installed), in the format `git bundle` writes and reads.
//!
//! A bundle is a header (`# v2 git bundle`, a `-<id> <subject>` line per
//! prerequisite commit, an `<id> <ref>` line per ref, a blank line) and a
//! pack. Taking one in changes nothing until every check has passed: it is
//! a bundle, the prerequisites are here, the pack is whole, every ref's
//! object is in it or here, and its branch shares history with ours.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use git2::{Odb, Repository};

use crate::sync::{SHARED_PREFIXES, quarantine};
use crate::{ObjectId, Snapshot, Store, StoreError};

/// The quarantine name a bundle's refs are read into.
pub const BUNDLE_REMOTE: &str = "bundle";

/// The ref of a bundle that names the claim of the site that wrote it.
pub const BUNDLE_SENDER: &str = "refs/duthao/bundle/from";

/// What a bundle's header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleHeader {
    /// Commits the receiving side must have.
    pub prerequisites: Vec<ObjectId>,
    /// Its refs, by full name.
    pub refs: Vec<(String, ObjectId)>,
    /// Where the pack starts.
    pub pack_offset: usize,
}

/// Reads a bundle's header, or says why `bytes` is not one duthao reads.
pub fn parse_bundle_header(bytes: &[u8]) -> Result<BundleHeader, String> {
    let mut pos = 0;
    let line = |pos: &mut usize| -> Option<&[u8]> {
        let rest = bytes.get(*pos..)?;
        let end = rest.iter().position(|&b| b == b'\n')?;
        *pos += end + 1;
        Some(&rest[..end])
    };
    let first = line(&mut pos).ok_or("it is not a git bundle")?;
    let v3 = match first {
        b"# v2 git bundle" => false,
        b"# v3 git bundle" => true,
        _ => return Err("it is not a git bundle".into()),
    };
    let mut header = BundleHeader {
        prerequisites: Vec::new(),
        refs: Vec::new(),
        pack_offset: 0,
    };
    loop {
        let l = line(&mut pos).ok_or("it is truncated or damaged (its header does not end)")?;
        if l.is_empty() {
            break;
        }
        let text = std::str::from_utf8(l).map_err(|_| "its header is not text")?;
        if v3 && let Some(cap) = text.strip_prefix('@') {
            if cap != "object-format=sha1" {
                return Err(format!(
                    "it needs a capability duthao does not read ({cap})"
                ));
            }
            continue;
        }
        if let Some(pre) = text.strip_prefix('-') {
            let id = pre.split(' ').next().unwrap_or("");
            header.prerequisites.push(
                id.parse()
                    .map_err(|_| format!("its header has a bad prerequisite line: {text:?}"))?,
            );
            continue;
        }
        let (id, name) = text
            .split_once(' ')
            .ok_or_else(|| format!("its header has a bad line: {text:?}"))?;
        let id: ObjectId = id
            .parse()
            .map_err(|_| format!("its header has a bad ref line: {text:?}"))?;
        if !git2::Reference::is_valid_name(name) {
            return Err(format!("its header names an invalid ref: {name:?}"));
        }
        header.refs.push((name.to_string(), id));
    }
    header.pack_offset = pos;
    if bytes.len() < pos + 32 || &bytes[pos..pos + 4] != b"PACK" {
        return Err("it is truncated or damaged (no pack after its header)".into());
    }
    Ok(header)
}

/// What a bundle written carried.
#[derive(Debug, Clone)]
pub struct BundleWritten {
    /// Its refs, by full name.
    pub refs: BTreeMap<String, ObjectId>,
    /// The prerequisite commits.
    pub prerequisites: Vec<ObjectId>,
    /// Objects in its pack.
    pub objects: usize,
}

impl Store {
    /// Writes a bundle of the branch and every tag, reservation and site
    /// claim but those `left_out`, leaving out the history before `since`
    /// (commits the other site surely has: they become prerequisites).
    pub fn write_bundle(
        &self,
        branch: &str,
        since: &[ObjectId],
        left_out: &std::collections::BTreeSet<String>,
        sender: Option<ObjectId>,
        out: &mut dyn Write,
    ) -> Result<BundleWritten, StoreError> {
        let mut refs = BTreeMap::new();
        if let Some(tip) = self.branch_tip(branch)? {
            refs.insert(format!("refs/heads/{branch}"), tip);
        }
        refs.extend(
            self.shared_refs()?
                .into_iter()
                .filter(|(n, _)| !left_out.contains(n)),
        );
        let mut prerequisites = Vec::new();
        for s in since {
            let c = self
                .peeled_commit(*s)
                .ok_or_else(|| StoreError::UnknownRevision { rev: s.to_string() })?;
            prerequisites.push(c);
        }
        let mut header = String::from("# v2 git bundle\n");
        for p in &prerequisites {
            let subject = self
                .repo
                .find_commit(p.0)?
                .summary()
                .ok()
                .flatten()
                .unwrap_or("")
                .replace(['\n', '\r'], " ");
            header.push_str(&format!("-{p} {subject}\n"));
        }
        // HEAD first, as `git bundle create` writes it: `git clone` of the
        // bundle then checks out the branch.
        if let Some(tip) = refs.get(&format!("refs/heads/{branch}")) {
            header.push_str(&format!("{tip} HEAD\n"));
        }
        for (name, id) in &refs {
            header.push_str(&format!("{id} {name}\n"));
        }
        // The sender's claim is among the refs (and so in the pack).
        if let Some(claim) = sender.filter(|c| refs.values().any(|v| v == c)) {
            header.push_str(&format!("{claim} {BUNDLE_SENDER}\n"));
        }
        header.push('\n');
        let io = |source| StoreError::Io {
            path: "bundle".into(),
            source,
        };
        out.write_all(header.as_bytes()).map_err(io)?;
        let want: Vec<git2::Oid> = refs.values().map(|r| r.0).collect();
        let have: Vec<git2::Oid> = prerequisites.iter().map(|p| p.0).collect();
        let objects = crate::sync::pack_into(&self.repo, &want, &have, out)?;
        Ok(BundleWritten {
            objects,
            refs,
            prerequisites,
        })
    }

    /// Takes in the bundle `bytes` (read from `path`): its objects into this
    /// repository and its refs into the quarantine
    /// `refs/duthao/incoming/bundle/`, after every check has passed. On
    /// any refusal nothing here has changed.
    pub fn read_bundle(
        &self,
        path: &Path,
        bytes: &[u8],
        branch: &str,
    ) -> Result<Snapshot, StoreError> {
        let refuse = |reason: String| StoreError::Bundle {
            path: path.to_path_buf(),
            reason,
        };
        let header = parse_bundle_header(bytes).map_err(refuse)?;
        let odb = self.repo.odb()?;
        let missing: Vec<String> = header
            .prerequisites
            .iter()
            .filter(|p| self.repo.find_commit(p.0).is_err())
            .map(|p| p.short())
            .collect();
        if !missing.is_empty() {
            return Err(refuse(format!(
                "it was made for a site that has commits this one lacks ({}); ask for a bundle made for this site, or a full one",
                missing.join(", ")
            )));
        }
        let pack = &bytes[header.pack_offset..];
        // Indexed into a scratch folder first: the checksum and every delta
        // are checked before anything reaches this repository's objects.
        let scratch = self
            .repo
            .path()
            .join(format!("duthao-bundle-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&scratch);
        let cleanup = Scratch(scratch.clone());
        let pack_dir = scratch.join("pack");
        std::fs::create_dir_all(&pack_dir).map_err(|source| StoreError::Io {
            path: pack_dir.clone(),
            source,
        })?;
        {
            let mut indexer =
                git2::Indexer::new(Some(&odb), &pack_dir, 0o444, true).map_err(StoreError::from)?;
            let damaged =
                |e: &dyn std::fmt::Display| refuse(format!("it is truncated or damaged ({e})"));
            indexer.write_all(pack).map_err(|e| damaged(&e))?;
            indexer.commit().map_err(|e| damaged(&e.message()))?;
        }
        let check = Odb::new()?;
        check.add_disk_alternate(&scratch.to_string_lossy())?;
        check.add_disk_alternate(&self.repo.path().join("objects").to_string_lossy())?;
        let view = Repository::from_odb(check)?;
        let mut seen = std::collections::HashSet::new();
        for (name, id) in &header.refs {
            if !seen.insert(name) {
                return Err(refuse(format!("its header names {name} twice")));
            }
            if view.find_object(id.0, None).is_err() {
                return Err(refuse(format!(
                    "it names {name} → {} but does not hold that object; it is truncated or damaged",
                    id.short()
                )));
            }
            let shared = name.starts_with("refs/heads/")
                || crate::sync::SHARED_PREFIXES
                    .iter()
                    .any(|(p, _)| name.starts_with(p));
            if shared && let Some(p) = crate::sync::shape_problem(&view, name, id.0) {
                return Err(refuse(format!("{p}: not a bundle duthao wrote")));
            }
        }
        let theirs = header
            .refs
            .iter()
            .find(|(n, _)| n == &format!("refs/heads/{branch}"))
            .map(|(_, id)| *id);
        if let (Some(ours), Some(theirs)) = (self.branch_tip(branch)?, theirs)
            && header.prerequisites.is_empty()
            && view.merge_base(ours.0, theirs.0).is_err()
        {
            return Err(refuse(
                "it is from another repository: its history and this one's have no commit in common"
                    .into(),
            ));
        }
        drop(view);
        // Every check passed: the pack goes in whole.
        crate::sync::write_pack(&odb, pack)?;
        drop(cleanup);
        odb.refresh()?;
        let q = quarantine(BUNDLE_REMOTE);
        for (name, _) in self.refs_under(&q)? {
            self.repo.find_reference(&name)?.delete()?;
        }
        for (name, id) in &header.refs {
            let place = if name == &format!("refs/heads/{branch}") {
                Some(format!("heads/{branch}"))
            } else {
                SHARED_PREFIXES.iter().find_map(|(prefix, place)| {
                    name.strip_prefix(prefix)
                        .map(|rest| format!("{place}{rest}"))
                })
            };
            if let Some(place) = place {
                self.repo
                    .reference(&format!("{q}{place}"), id.0, true, "duthao-sync: bundle")?;
            }
        }
        let mut snapshot = self.snapshot(&q, branch)?;
        snapshot.sender = header
            .refs
            .iter()
            .find(|(n, _)| n == BUNDLE_SENDER)
            .map(|(_, id)| *id);
        Ok(snapshot)
    }
}

/// Removes the scratch folder however reading the bundle ends.
struct Scratch(std::path::PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        let mut b = b"# v2 git bundle\n-1111111111111111111111111111111111111111 old\n2222222222222222222222222222222222222222 refs/heads/main\n\n".to_vec();
        b.extend_from_slice(b"PACK");
        b.extend_from_slice(&[0; 40]);
        let h = parse_bundle_header(&b).unwrap();
        assert_eq!(h.prerequisites.len(), 1);
        assert_eq!(h.refs[0].0, "refs/heads/main");
        assert!(
            parse_bundle_header(b"hello\n")
                .unwrap_err()
                .contains("not a git bundle")
        );
        assert!(
            parse_bundle_header(b"# v2 git bundle\n2222")
                .unwrap_err()
                .contains("truncated")
        );
        assert!(
            parse_bundle_header(b"# v3 git bundle\n@filter=blob:none\n\n")
                .unwrap_err()
                .contains("capability")
        );
    }
}
