//! A site: one repository, named once and claimed in the shared history
//! (`refs/duthao/sites/<name>`), so that no other repository takes the name.

use git2::Signature;

use super::*;
use crate::{ObjectId, Store, StoreError};

/// This repository as a site: its name and id (kept in its own
/// `.git/config`, which `git clone` never copies) and whether its claim
/// `refs/duthao/sites/<name>` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The site's name (`vp-tinh-uy`).
    pub name: String,
    /// A random id that tells this repository from any other.
    pub id: String,
    /// Whether the claim ref here holds this id.
    pub claimed: bool,
}

/// The text of a site claim.
fn claim_text(name: &str, id: &str) -> String {
    format!("duthao site\nname: {name}\nid: {id}\n")
}

impl Store {
    /// This repository's site, if it has been named.
    pub fn site(&self) -> Result<Option<Site>, StoreError> {
        let config = self.repo.config()?.open_level(git2::ConfigLevel::Local)?;
        let (Ok(name), Ok(id)) = (
            config.get_string("duthao.site"),
            config.get_string("duthao.siteId"),
        ) else {
            return Ok(None);
        };
        let claimed = match self.ref_target(&format!("refs/duthao/sites/{name}"))? {
            Some(claim) => self.claim_message(claim).as_deref() == Some(&claim_text(&name, &id)),
            None => false,
        };
        Ok(Some(Site { name, id, claimed }))
    }

    /// The text of a site claim (a commit's message), if `claim` is one.
    pub fn claim_message(&self, claim: ObjectId) -> Option<String> {
        let c = self.repo.find_commit(claim.0).ok()?;
        Some(String::from_utf8_lossy(c.message_bytes()).into_owned())
    }

    /// Names this repository's site `name` (lower-case letters, digits and
    /// '-', checked by the caller), claiming it with
    /// `refs/duthao/sites/<name>`; refused when another repository's claim
    /// of that name is here.
    pub fn claim_site(&self, name: &str) -> Result<Site, StoreError> {
        let refname = format!("refs/duthao/sites/{name}");
        if !git2::Reference::is_valid_name(&refname) {
            return Err(StoreError::BadTagName {
                name: name.to_string(),
                reason: "not a valid site name",
            });
        }
        let mut config = self.repo.config()?.open_level(git2::ConfigLevel::Local)?;
        let id = match (
            config.get_string("duthao.site"),
            config.get_string("duthao.siteId"),
        ) {
            (Ok(n), Ok(id)) if n == name => id,
            _ => {
                let seed = format!(
                    "{:?}{}{}",
                    std::time::SystemTime::now(),
                    std::process::id(),
                    self.repo.path().display()
                );
                sha256_hex(seed.as_bytes())[..32].to_string()
            }
        };
        // A root commit with an empty tree, its message the claim: a commit
        // rather than a blob, because libgit2's local fetch walks every ref
        // it lacks as a commit.
        let empty = self.repo.find_tree(self.repo.treebuilder(None)?.write()?)?;
        let sig = Signature::now("duthao", "site@duthao.invalid")?;
        let blob =
            ObjectId(
                self.repo
                    .commit(None, &sig, &sig, &claim_text(name, &id), &empty, &[])?,
            );
        if !self.create_absent(&refname, blob.0)? && self.ref_target(&refname)? != Some(blob) {
            return Err(StoreError::SiteTaken {
                name: name.to_string(),
            });
        }
        config.set_str("duthao.site", name)?;
        config.set_str("duthao.siteId", &id)?;
        Ok(Site {
            name: name.to_string(),
            id,
            claimed: true,
        })
    }
}
