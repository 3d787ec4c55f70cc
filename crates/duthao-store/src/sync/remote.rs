//! Reaching the other side: which remote, fetching into the quarantine
//! (libgit2 for a bare repository on this machine, the git program for
//! network addresses), and pushing every ref only if it still holds what
//! it held when fetched.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use git2::{ErrorCode, Oid, Repository};

use super::*;
use crate::{ObjectId, Store, StoreError};

/// How the remote is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// A bare repository on a local path (or `file://`), through libgit2.
    Local(PathBuf),
    /// Anything else (`ssh://`, `https://`, `git://`, `host:path`), through
    /// the git program, so the user's own git set-up applies.
    GitProgram,
}

/// A remote to sync with.
#[derive(Debug, Clone)]
pub struct RemoteSpec {
    /// A configured remote's name, or a short name made from the address.
    pub name: String,
    /// The address fetched from.
    pub url: String,
    /// The address pushed to (a remote's `pushurl`, else `url`).
    pub push_url: String,
    /// How it is reached.
    pub transport: Transport,
    /// Whether `name` is a configured remote (then `refs/remotes/<name>/`
    /// is kept up to date, as `git fetch` would).
    pub configured: bool,
}

/// One ref to set at the remote, and what it must hold when set.
#[derive(Debug, Clone)]
pub struct RefUpdate {
    /// Its full name, the same at both ends.
    pub name: String,
    /// What it must point at before (`None`: it must not exist).
    pub expect: Option<ObjectId>,
    /// What it is set to.
    pub new: ObjectId,
}

/// How a push ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pushed {
    /// Every ref was set.
    Done,
    /// Nothing was set: another site changed one of the refs first (name).
    Overtaken(String),
}

impl Store {
    /// The remote `arg` names (a configured remote, a path or an address),
    /// else the branch's upstream remote, else `origin`. An address that
    /// the git program would read as an option (`--upload-pack=…`) is
    /// refused, whoever wrote it (the command line or `.git/config`).
    pub fn resolve_remote(
        &self,
        arg: Option<&str>,
        branch: &str,
    ) -> Result<RemoteSpec, StoreError> {
        let config = self.config()?.snapshot()?;
        let name = match arg {
            Some(a) => a.to_string(),
            None => match config.get_string(&format!("branch.{branch}.remote")) {
                Ok(r) if r != "." => r,
                _ => match self.repo.find_remote("origin") {
                    Ok(_) => "origin".to_string(),
                    Err(_) => return Err(StoreError::NoRemote),
                },
            },
        };
        let spec = if let Ok(remote) = self.repo.find_remote(&name)
            && let Ok(url) = remote.url()
        {
            let url = url.to_string();
            let push_url = remote
                .pushurl()
                .ok()
                .flatten()
                .map_or_else(|| url.clone(), str::to_string);
            RemoteSpec {
                transport: transport_of(&url),
                name,
                url,
                push_url,
                configured: true,
            }
        } else if arg.is_none() {
            return Err(StoreError::NoRemote);
        } else {
            let url = match transport_of(&name) {
                Transport::Local(path) => path.to_string_lossy().into_owned(),
                Transport::GitProgram => name.clone(),
            };
            RemoteSpec {
                name: format!("url-{}", &sha256_hex(url.as_bytes())[..8]),
                transport: transport_of(&url),
                push_url: url.clone(),
                url,
                configured: false,
            }
        };
        for url in [&spec.url, &spec.push_url] {
            if url.starts_with('-') || url.chars().any(char::is_control) {
                return Err(StoreError::BadRemote {
                    url: url.clone(),
                    reason: "an address cannot start with '-' or hold control characters (git would read it as an option)",
                });
            }
        }
        Ok(spec)
    }

    /// Remembers `remote` (a path or address given on the command line) as
    /// `origin` when the repository has no remote at all, with the branch
    /// following it, as after `git clone`: the next sync needs no argument
    /// and `git status` says how far ahead or behind it is. Called once the
    /// remote has answered, so a mistyped address is not remembered.
    pub fn remember_as_origin(
        &self,
        remote: &RemoteSpec,
        branch: &str,
    ) -> Result<Option<RemoteSpec>, StoreError> {
        if remote.configured || !self.repo.remotes()?.is_empty() {
            return Ok(None);
        }
        self.repo.remote("origin", &remote.url)?;
        let mut config = self.repo.config()?.open_level(git2::ConfigLevel::Local)?;
        config.set_str(&format!("branch.{branch}.remote"), "origin")?;
        config.set_str(
            &format!("branch.{branch}.merge"),
            &format!("refs/heads/{branch}"),
        )?;
        Ok(Some(self.resolve_remote(Some("origin"), branch)?))
    }

    /// Fetches the remote's branch, tags, reservations and site claims into
    /// `refs/duthao/incoming/<remote>/`, a quarantine that mirrors the
    /// remote (forced, pruned): nothing outside it changes.
    pub fn fetch(&self, remote: &RemoteSpec, branch: &str) -> Result<Snapshot, StoreError> {
        let q = quarantine(&remote.name);
        let mut specs = vec![format!("+refs/heads/{branch}:{q}heads/{branch}")];
        for (prefix, place) in SHARED_PREFIXES {
            specs.push(format!("+{prefix}*:{q}{place}*"));
        }
        match &remote.transport {
            Transport::Local(path) => self.fetch_local(path, branch, &q)?,
            Transport::GitProgram => {
                let mut args: Vec<String> = [
                    "-c",
                    "gc.auto=0",
                    "-c",
                    "maintenance.auto=false",
                    "-c",
                    "transfer.fsckObjects=true",
                    "fetch",
                    "--quiet",
                    "--no-tags",
                    "--prune",
                    "--no-recurse-submodules",
                    "--no-write-fetch-head",
                ]
                .map(String::from)
                .to_vec();
                args.push("--".into());
                args.push(remote.url.clone());
                args.extend(specs);
                self.run_git(&remote.url, "fetch from", &args)?;
                self.repo.odb()?.refresh()?;
                let mut bad = Vec::new();
                for (prefix, place) in SHARED_PREFIXES {
                    for (qname, oid) in self.refs_under(&format!("{q}{place}"))? {
                        let name = format!("{prefix}{}", &qname[q.len() + place.len()..]);
                        if let Some(p) = shape_problem(&self.repo, &name, oid.0) {
                            self.repo.find_reference(&qname)?.delete()?;
                            bad.push((name, p));
                        }
                    }
                }
                *self.fetch_notes.lock().unwrap_or_else(|p| p.into_inner()) = bad;
            }
        }
        let snapshot = self.snapshot(&q, branch)?;
        if let Some(tip) = snapshot.branch {
            self.track_remote(remote, branch, tip)?;
        }
        Ok(snapshot)
    }

    /// The fetch from a bare repository on this machine, done here rather
    /// than by libgit2's local transport: refs of the wrong shape are left
    /// there (fetched, they would break this fetch and every later one),
    /// and the pack of what is missing here is built on one thread (the
    /// transport's threads cost more in the kernel than they saved).
    fn fetch_local(&self, path: &Path, branch: &str, q: &str) -> Result<(), StoreError> {
        let theirs = open_bare(path)?;
        let mut wanted: Vec<(String, Oid)> = Vec::new();
        let head = format!("refs/heads/{branch}");
        if let Ok(oid) = theirs.refname_to_id(&head) {
            match shape_problem(&theirs, &head, oid) {
                Some(p) => {
                    return Err(StoreError::Transport {
                        url: path.display().to_string(),
                        op: "fetch from",
                        stderr: p,
                    });
                }
                None => wanted.push((format!("{q}heads/{branch}"), oid)),
            }
        }
        let mut bad = Vec::new();
        for (prefix, place) in SHARED_PREFIXES {
            for r in theirs.references_glob(&format!("{prefix}*"))? {
                let r = r?;
                let (Ok(name), Some(oid)) = (r.name(), r.target()) else {
                    continue;
                };
                match shape_problem(&theirs, name, oid) {
                    Some(p) => bad.push((name.to_string(), p)),
                    None => wanted.push((format!("{q}{place}{}", &name[prefix.len()..]), oid)),
                }
            }
        }
        *self.fetch_notes.lock().unwrap_or_else(|p| p.into_inner()) = bad;
        let ours = self.repo.odb()?;
        let missing: Vec<Oid> = wanted
            .iter()
            .map(|(_, oid)| *oid)
            .filter(|oid| !ours.exists(*oid))
            .collect();
        if !missing.is_empty() {
            // What this repository has already: its branch and every ref
            // sync keeps (the walk hides those the other side has too).
            let mut have: Vec<Oid> = self.branch_tip(branch)?.into_iter().map(|o| o.0).collect();
            for (prefix, _) in SHARED_PREFIXES {
                have.extend(self.refs_under(prefix)?.into_iter().map(|(_, o)| o.0));
            }
            have.extend(self.refs_under(q)?.into_iter().map(|(_, o)| o.0));
            let mut writer = ours.packwriter()?;
            pack_into(&theirs, &missing, &have, &mut writer)?;
            writer.commit()?;
        }
        // The quarantine mirrors the remote: set what it has, drop the rest.
        let keep: HashSet<&str> = wanted.iter().map(|(n, _)| n.as_str()).collect();
        for (name, _) in self.refs_under(q)? {
            if !keep.contains(name.as_str()) {
                self.repo.find_reference(&name)?.delete()?;
            }
        }
        for (name, oid) in &wanted {
            if self.ref_target(name)? != Some(ObjectId(*oid)) {
                self.repo
                    .reference(name, *oid, true, "duthao-sync: fetch")?;
            }
        }
        Ok(())
    }

    /// Sets `refs/remotes/<remote>/<branch>` (for a configured remote) to
    /// what the remote's branch holds, as `git fetch` and `git push` do, so
    /// that `git status` and `duthao status` say what is not yet sent.
    pub fn track_remote(
        &self,
        remote: &RemoteSpec,
        branch: &str,
        tip: ObjectId,
    ) -> Result<(), StoreError> {
        let name = format!("refs/remotes/{}/{branch}", remote.name);
        if remote.configured && git2::Reference::is_valid_name(&name) {
            self.repo.reference(&name, tip.0, true, "duthao-sync")?;
        }
        Ok(())
    }

    /// The branch's upstream (`branch.<b>.remote`, as `git clone` and
    /// `sync` set it) and, from what the last fetch or push saw, how many
    /// commits here it lacks and how many there this branch lacks.
    pub fn upstream_state(
        &self,
        branch: &str,
    ) -> Result<Option<(String, usize, usize)>, StoreError> {
        let config = self.config()?.snapshot()?;
        let Ok(remote) = config.get_string(&format!("branch.{branch}.remote")) else {
            return Ok(None);
        };
        let (Some(here), Some(there)) = (
            self.branch_tip(branch)?,
            self.ref_target(&format!("refs/remotes/{remote}/{branch}"))?,
        ) else {
            return Ok(None);
        };
        let (ahead, behind) = self.repo.graph_ahead_behind(here.0, there.0)?;
        Ok(Some((remote, ahead, behind)))
    }

    /// Deletes the quarantine of `remote` (scratch refs only).
    pub fn drop_quarantine(&self, remote: &str) -> Result<(), StoreError> {
        for (name, _) in self.refs_under(&quarantine(remote))? {
            self.repo.find_reference(&name)?.delete()?;
        }
        Ok(())
    }

    /// The refs the last fetch left at the remote because they had the
    /// wrong shape, each with why.
    pub fn take_fetch_notes(&self) -> Vec<(String, String)> {
        std::mem::take(&mut *self.fetch_notes.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Sets the refs of `updates` at the remote, each only if it still
    /// holds what it is expected to (all or none), after sending the
    /// objects they need. The objects the remote holds already are those
    /// reachable from `remote_has` (what its quarantine showed).
    pub fn push(
        &self,
        remote: &RemoteSpec,
        updates: &[RefUpdate],
        remote_has: &[ObjectId],
    ) -> Result<Pushed, StoreError> {
        if updates.is_empty() {
            return Ok(Pushed::Done);
        }
        match &remote.transport {
            Transport::Local(path) => self.push_local(path, updates, remote_has),
            Transport::GitProgram => self.push_git(remote, updates),
        }
    }

    fn push_local(
        &self,
        path: &Path,
        updates: &[RefUpdate],
        remote_has: &[ObjectId],
    ) -> Result<Pushed, StoreError> {
        let remote = open_bare(path)?;
        let want: Vec<Oid> = updates.iter().map(|u| u.new.0).collect();
        let have: Vec<Oid> = remote_has.iter().map(|h| h.0).collect();
        {
            let odb = remote.odb()?;
            let mut writer = odb.packwriter()?;
            pack_into(&self.repo, &want, &have, &mut writer)?;
            writer.commit()?;
        }
        pause_point("pack");
        // Every ref is locked, then each is compared under its lock; one
        // that moved rejects the whole push before anything is set.
        let mut tx = remote.transaction()?;
        for u in updates {
            if let Err(e) = tx.lock_ref(&u.name) {
                if e.code() == ErrorCode::Locked {
                    // Another push holds it for a moment; a lock older
                    // than any push takes was left by one that died, and
                    // no retry would get past it.
                    let lock = remote.path().join(format!("{}.lock", u.name));
                    if let Some(lock) = self.stale_lock(&lock) {
                        return Err(StoreError::Locked {
                            what: format!("{} at the remote", u.name),
                            lock,
                        });
                    }
                    return Ok(Pushed::Overtaken(u.name.clone()));
                }
                return Err(e.into());
            }
        }
        for u in updates {
            let now = match remote.refname_to_id(&u.name) {
                Ok(o) => Some(ObjectId(o)),
                Err(e) if e.code() == ErrorCode::NotFound => None,
                Err(e) => return Err(e.into()),
            };
            if now != u.expect {
                return Ok(Pushed::Overtaken(u.name.clone()));
            }
            tx.set_target(&u.name, u.new.0, None, "duthao-sync: push")?;
        }
        tx.commit()?;
        // A bare repository made with `git init --bare` names a branch in
        // HEAD that may never exist; a clone of it would check out nothing.
        if let Some(branch) = updates.iter().find(|u| u.name.starts_with("refs/heads/"))
            && let Ok(head) = remote.find_reference("HEAD")
            && let Ok(Some(target)) = head.symbolic_target()
            && remote.find_reference(target).is_err()
        {
            remote.set_head(&branch.name)?;
        }
        Ok(Pushed::Done)
    }

    fn push_git(&self, remote: &RemoteSpec, updates: &[RefUpdate]) -> Result<Pushed, StoreError> {
        let mut args: Vec<String> = [
            "-c",
            "gc.auto=0",
            "-c",
            "maintenance.auto=false",
            "push",
            "--porcelain",
            "--atomic",
            "--no-verify",
        ]
        .map(String::from)
        .to_vec();
        for u in updates {
            args.push(format!(
                "--force-with-lease={}:{}",
                u.name,
                u.expect.map(|e| e.to_string()).unwrap_or_default()
            ));
        }
        args.push("--".into());
        args.push(remote.push_url.clone());
        for u in updates {
            args.push(format!("{}:{}", u.new, u.name));
        }
        let out = self.git_command(&remote.push_url, &args)?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let statuses = parse_porcelain(&stdout);
        if out.status.success() {
            return Ok(Pushed::Done);
        }
        // A ref the server refused because it moved (or exists) is another
        // site's push landing first; anything else (a hook or a permission
        // refusing it) is a failure, not a reason to try again.
        let stderr = String::from_utf8_lossy(&out.stderr);
        let raced = |text: &str| {
            [
                "stale info",
                "fetch first",
                "non-fast-forward",
                "already exists",
                "failed to update ref",
                "failed to lock",
                "cannot lock ref",
                "but expected",
                "incorrect old value",
            ]
            .iter()
            .any(|p| text.contains(p))
        };
        if let Some(s) = statuses.iter().find(|s| s.flag == '!' && raced(&s.summary)) {
            return Ok(Pushed::Overtaken(s.dst.clone()));
        }
        if raced(&stderr) {
            let name = statuses
                .iter()
                .find(|s| s.flag == '!')
                .map_or_else(|| "a ref".to_string(), |s| s.dst.clone());
            return Ok(Pushed::Overtaken(name));
        }
        Err(StoreError::Transport {
            url: remote.push_url.clone(),
            op: "push to",
            stderr: last_lines(&out.stderr),
        })
    }

    fn run_git(&self, url: &str, op: &'static str, args: &[String]) -> Result<(), StoreError> {
        let out = self.git_command(url, args)?;
        if out.status.success() {
            Ok(())
        } else {
            Err(StoreError::Transport {
                url: url.to_string(),
                op,
                stderr: last_lines(&out.stderr),
            })
        }
    }

    fn git_command(&self, url: &str, args: &[String]) -> Result<std::process::Output, StoreError> {
        let mut cmd = Command::new("git");
        cmd.arg("--git-dir").arg(self.repo.path()).args(args);
        cmd.stdin(Stdio::null());
        // No prompt may hang a sync run from a script: a password or host
        // key question fails at once, with git's message.
        cmd.env("GIT_TERMINAL_PROMPT", "0");
        if std::env::var_os("GIT_SSH_COMMAND").is_none()
            && self.config()?.get_string("core.sshCommand").is_err()
        {
            cmd.env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
        }
        match cmd.output() {
            Ok(out) => Ok(out),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::GitMissing {
                url: url.to_string(),
            }),
            Err(source) => Err(StoreError::Io {
                path: PathBuf::from("git"),
                source,
            }),
        }
    }

    /// Makes a bare repository at `path` whose HEAD names `main`: a remote
    /// for sites to meet at.
    pub fn init_bare(path: &Path) -> Result<(), StoreError> {
        let mut opts = git2::RepositoryInitOptions::new();
        opts.bare(true).initial_head("main").mkdir(true);
        Repository::init_opts(path, &opts)?;
        Ok(())
    }

    /// Clones the repository at `from` (a local path) into the new folder
    /// `into`, as `git clone` would, and opens it.
    pub fn clone_local(from: &Path, into: &Path) -> Result<Store, StoreError> {
        git2::build::RepoBuilder::new().clone(&from.to_string_lossy(), into)?;
        Store::open(into)
    }
}

/// A path or `file://` address is reached through libgit2; anything else
/// through the git program.
fn transport_of(url: &str) -> Transport {
    if let Some(rest) = url.strip_prefix("file://") {
        return Transport::Local(PathBuf::from(rest));
    }
    if url.contains("://") {
        return Transport::GitProgram;
    }
    // scp-like `host:path` (git's rule: a colon before any slash).
    if let Some(colon) = url.find(':')
        && !url[..colon].contains('/')
        && !Path::new(url).exists()
    {
        return Transport::GitProgram;
    }
    let path = Path::new(url);
    // `/srv/share/nq` for `/srv/share/nq.git`, as git accepts it.
    let with_git = PathBuf::from(format!("{url}.git"));
    let path = if !path.exists() && with_git.is_dir() {
        with_git.as_path()
    } else {
        path
    };
    Transport::Local(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
}

fn open_bare(path: &Path) -> Result<Repository, StoreError> {
    let repo = Repository::open_bare(path).map_err(|e| match e.code() {
        ErrorCode::NotFound => match Repository::open(path) {
            Ok(_) => StoreError::RemoteNotBare {
                path: path.to_path_buf(),
            },
            Err(_) => StoreError::Transport {
                url: path.display().to_string(),
                op: "reach",
                stderr: "no git repository there".into(),
            },
        },
        _ => e.into(),
    })?;
    // A working repository's `.git` folder opens as bare; its own setting
    // says what it is. Pushing into it would move the branch under its files.
    let declared_bare = repo
        .config()
        .and_then(|c| c.get_bool("core.bare"))
        .unwrap_or(true);
    if !repo.is_bare() || !declared_bare {
        return Err(StoreError::RemoteNotBare {
            path: path.to_path_buf(),
        });
    }
    Ok(repo)
}

/// Writes to `sink` a pack, built in `repo` on one thread, of everything
/// the refs `want` (commits, or tags of them, or trees and blobs) need
/// beyond the history of the commits `have` names (those `repo` lacks are
/// ignored); its number of objects. Streamed: a large history is never
/// held in memory whole. The one way sync builds a pack: for a push, for
/// a fetch from a path, for a bundle.
pub(crate) fn pack_into(
    repo: &Repository,
    want: &[Oid],
    have: &[Oid],
    sink: &mut dyn Write,
) -> Result<usize, StoreError> {
    let peeled = |oid: Oid| {
        repo.find_object(oid, None)
            .and_then(|o| o.peel_to_commit())
            .ok()
            .map(|c| c.id())
    };
    let mut pb = repo.packbuilder()?;
    pb.set_threads(1);
    let mut walk = repo.revwalk()?;
    let mut any = false;
    for c in want.iter().filter_map(|&w| peeled(w)) {
        walk.push(c)?;
        any = true;
    }
    for c in have.iter().filter_map(|&h| peeled(h)) {
        walk.hide(c)?;
    }
    if any {
        pb.insert_walk(&mut walk)?;
    }
    // What the walk of commits does not bring: tag objects (and tags of
    // tags), and a tree or blob a ref names.
    let odb = repo.odb()?;
    for &w in want {
        let mut id = w;
        loop {
            match odb.read_header(id)?.1 {
                git2::ObjectType::Tag => {
                    pb.insert_object(id, None)?;
                    id = repo.find_tag(id)?.target_id();
                }
                git2::ObjectType::Blob | git2::ObjectType::Tree => {
                    pb.insert_recursive(id, None)?;
                    break;
                }
                _ => break,
            }
        }
    }
    let mut failed = None;
    let streamed = pb.foreach(|chunk| match sink.write_all(chunk) {
        Ok(()) => true,
        Err(e) => {
            failed = Some(e);
            false
        }
    });
    if let Some(source) = failed {
        return Err(StoreError::Io {
            path: "pack".into(),
            source,
        });
    }
    streamed?;
    Ok(pb.object_count())
}

/// Stores a pack in `odb` (indexed, its checksum checked) as one pack file.
pub(crate) fn write_pack(odb: &git2::Odb<'_>, pack: &[u8]) -> Result<(), StoreError> {
    let mut writer = odb.packwriter()?;
    writer
        .write_all(pack)
        .map_err(|e| git2::Error::from_str(&e.to_string()))?;
    writer.commit()?;
    Ok(())
}

/// One line of `git push --porcelain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushStatus {
    /// `' '`, `+`, `-`, `*`, `=` or `!` (rejected).
    pub flag: char,
    /// The ref pushed to.
    pub dst: String,
    /// git's summary ("[rejected] (stale info)").
    pub summary: String,
}

/// Reads `git push --porcelain` output: `<flag>\t<src>:<dst>\t<summary>`.
pub fn parse_porcelain(out: &str) -> Vec<PushStatus> {
    out.lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, '\t');
            let flag = parts.next()?.chars().next()?;
            let refs = parts.next()?;
            let summary = parts.next().unwrap_or("").to_string();
            let dst = refs.rsplit_once(':').map_or(refs, |(_, d)| d).to_string();
            Some(PushStatus { flag, dst, summary })
        })
        .collect()
}

fn last_lines(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let start = lines.len().saturating_sub(20);
    lines[start..]
        .join("\n")
        .chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn porcelain_lines() {
        let out = "To /tmp/x\n!\trefs/heads/main:refs/heads/main\t[rejected] (stale info)\n*\t0123:refs/tags/duthao/a/v1\t[new tag]\nDone\n";
        let s = parse_porcelain(out);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].flag, '!');
        assert_eq!(s[0].dst, "refs/heads/main");
        assert!(s[0].summary.contains("stale"));
        assert_eq!(s[1].dst, "refs/tags/duthao/a/v1");
    }

    #[test]
    fn transports() {
        assert_eq!(transport_of("ssh://h/x.git"), Transport::GitProgram);
        assert_eq!(transport_of("git@h:x.git"), Transport::GitProgram);
        assert_eq!(transport_of("https://h/x"), Transport::GitProgram);
        assert_eq!(
            transport_of("file:///srv/x.git"),
            Transport::Local(PathBuf::from("/srv/x.git"))
        );
        assert!(matches!(transport_of("/srv/x.git"), Transport::Local(_)));
    }
}
