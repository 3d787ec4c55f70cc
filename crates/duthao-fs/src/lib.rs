//! Writing files: the one way duthao writes anything to disk.
//!
//! A regular file is replaced atomically (a temporary file in the same
//! folder, flushed, then renamed over it), so a reader sees the old file or
//! the new one, never a mix, and an interrupted command leaves nothing
//! half-written: the temporary file is removed on error and, once
//! [`clean_up_on_signals`] is installed, on SIGINT, SIGTERM and SIGHUP.
//!
//! Atomic replacement is only for regular files. Output asked for a device
//! (`/dev/null`), a FIFO or standard output is written through, never
//! replaced. A folder, a symbolic link, a disk, a socket, anything inside
//! git's own folder, a path in the workspace that a link sends outside it,
//! and the files a [`Guard`] protects (the workspace's drafts and
//! configuration, the command's own inputs) are refused with a message that
//! says why: a workspace cloned from elsewhere may hold links planted to
//! make output land in system files.
#![warn(missing_docs)]

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// Why a write was refused or failed. Each message names the path.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The path is an existing folder.
    #[error("{}: is a folder; give a file name (e.g. {}/out.docx)", path.display(), path.display())]
    Folder {
        /// The path as given.
        path: PathBuf,
    },
    /// A new file's folder does not exist.
    #[error("{}: the folder {} does not exist; create it first or give another path", path.display(), parent.display())]
    NoParent {
        /// The path as given.
        path: PathBuf,
        /// The folder it would go in.
        parent: PathBuf,
    },
    /// A new file's folder is not a folder: a file, say, stands where it should be.
    #[error("{}: {} is not a folder", path.display(), parent.display())]
    ParentNotFolder {
        /// The path as given.
        path: PathBuf,
        /// What stands where its folder should be.
        parent: PathBuf,
    },
    /// The output path is a symbolic link (other than one to standard output or
    /// error): duthao does not write through links.
    #[error("{}: is a symbolic link (to {}); duthao does not write through links, give the real path", path.display(), target.display())]
    Link {
        /// The path as given.
        path: PathBuf,
        /// Where the link leads.
        target: PathBuf,
    },
    /// A path inside the workspace that a link somewhere on the way sends outside it.
    #[error("{}: leads outside the workspace through a symbolic link (to {}); duthao does not write there", path.display(), target.display())]
    Escapes {
        /// The path as given.
        path: PathBuf,
        /// Where it really leads (symbolic links resolved).
        target: PathBuf,
    },
    /// A file duthao owns (a draft, the configuration, a template) is a symbolic link.
    #[error("{}: is a symbolic link; duthao writes {what} only as a regular file", path.display())]
    OwnedLink {
        /// The file's path.
        path: PathBuf,
        /// The file's role, as [`write_owned`] was told it ("drafts").
        what: &'static str,
    },
    /// A record that is written once exists already.
    #[error("{}: exists already; duthao never replaces a record once written", path.display())]
    Exists {
        /// The file's path.
        path: PathBuf,
    },
    /// The path is inside a `.git` folder, before or after links are resolved.
    #[error("{}: is inside git's own folder; duthao never writes there (it would damage the repository)", path.display())]
    InsideGit {
        /// The path with links resolved.
        path: PathBuf,
    },
    /// The path is one the [`Guard`] protects: a file of the workspace or an input of the command.
    #[error("{}: is {what}; output never replaces it, give another file name", path.display())]
    Protected {
        /// The path with links resolved.
        path: PathBuf,
        /// What the file is, completing "X is …" ("a draft of this workspace").
        what: String,
    },
    /// The path is a block device: a disk is never written directly.
    #[error("{}: is a disk (block device); duthao never writes to a disk directly", path.display())]
    BlockDevice {
        /// The path as given.
        path: PathBuf,
    },
    /// Neither a regular file nor something written through: a socket, or a
    /// device or FIFO where a file duthao owns should be.
    #[error("{}: is {what}, not a file duthao can write", path.display())]
    NotAFile {
        /// The path as given.
        path: PathBuf,
        /// What it is: "a socket", or "not a regular file" for a file duthao owns.
        what: &'static str,
    },
    /// An existing file without write permission: duthao will not replace it.
    #[error("{}: is read-only; duthao does not replace it (make it writable, or give another name)", path.display())]
    ReadOnly {
        /// The path with links resolved.
        path: PathBuf,
    },
    /// The write itself failed.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file written, or "standard output" / "standard error".
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
}

/// Where written bytes go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Standard output (`-o -`, `-o /dev/stdout`).
    Stdout,
    /// Standard error (`-o /dev/stderr`).
    Stderr,
    /// A device or FIFO: opened and written, never replaced.
    Through(PathBuf),
    /// A regular file, new or existing: replaced atomically. The path is
    /// canonical (symbolic links resolved).
    Replace(PathBuf),
}

/// Paths output must not replace: the workspace's own files and the
/// command's inputs.
#[derive(Debug, Default, Clone)]
pub struct Guard {
    protected: Vec<Protected>,
    /// The workspace root (canonical): a path inside it must stay inside it.
    workspace: Option<PathBuf>,
}

impl Guard {
    /// A guard that protects nothing and allows output anywhere not refused for its
    /// own sake (folders, links, git's folder, disks).
    pub fn new() -> Guard {
        Guard::default()
    }

    /// Output named inside `root` must land inside it, whatever links it
    /// crosses.
    pub fn within(&mut self, root: &Path) {
        self.workspace = fs::canonicalize(root).ok();
    }

    /// Refuses `path` itself; `what` completes "X is …" in the message.
    pub fn protect_file(&mut self, path: &Path, what: impl Into<String>) {
        if let Ok(path) = canonical_or_self(path) {
            self.protected.push(Protected {
                path,
                what: what.into(),
                inside: None,
            });
        }
    }

    /// Refuses anything inside the folder `path` (with `extension`: only
    /// files of that extension).
    pub fn protect_folder(
        &mut self,
        path: &Path,
        extension: Option<&str>,
        what: impl Into<String>,
    ) {
        if let Ok(path) = canonical_or_self(path) {
            self.protected.push(Protected {
                path,
                what: what.into(),
                inside: Some(extension.map(str::to_string)),
            });
        }
    }

    fn check(&self, given: &Path, canonical: &Path) -> Result<(), WriteError> {
        let lexical = lexical_absolute(given);
        let in_git = |p: &Path| {
            p.components()
                .any(|c| c == Component::Normal(".git".as_ref()))
        };
        if in_git(canonical) || in_git(&lexical) {
            return Err(WriteError::InsideGit {
                path: canonical.to_path_buf(),
            });
        }
        if let Some(root) = &self.workspace
            && lexical.starts_with(root)
            && !canonical.starts_with(root)
        {
            return Err(WriteError::Escapes {
                path: given.to_path_buf(),
                target: canonical.to_path_buf(),
            });
        }
        for p in &self.protected {
            let hit = match &p.inside {
                None => canonical == p.path,
                Some(None) => canonical.starts_with(&p.path),
                Some(Some(ext)) => {
                    canonical.starts_with(&p.path)
                        && canonical
                            .extension()
                            .is_some_and(|e| e.eq_ignore_ascii_case(ext))
                }
            };
            if hit {
                return Err(WriteError::Protected {
                    path: canonical.to_path_buf(),
                    what: p.what.clone(),
                });
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
struct Protected {
    path: PathBuf,
    what: String,
    /// `None`: the path itself; `Some(ext)`: anything inside it (of that
    /// extension, if given).
    inside: Option<Option<String>>,
}

/// `path` made absolute and `.`/`..` resolved without following links.
fn lexical_absolute(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn canonical_or_self(path: &Path) -> io::Result<PathBuf> {
    match fs::canonicalize(path) {
        Ok(p) => Ok(p),
        // Not there yet: its folder's canonical form and its name.
        Err(_) => {
            let name = path
                .file_name()
                .ok_or_else(|| io::Error::other("no file name"))?;
            let parent = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            Ok(fs::canonicalize(parent)?.join(name))
        }
    }
}

/// The standard streams under their device names.
fn standard_stream(path: &Path) -> Option<Destination> {
    match path.to_str()? {
        "-" | "/dev/stdout" | "/dev/fd/1" | "/proc/self/fd/1" => Some(Destination::Stdout),
        "/dev/stderr" | "/dev/fd/2" | "/proc/self/fd/2" => Some(Destination::Stderr),
        _ => None,
    }
}

/// Where output asked for at `path` goes, or why it must not go there.
pub fn destination(path: &Path, guard: &Guard) -> Result<Destination, WriteError> {
    if let Some(d) = standard_stream(path) {
        return Ok(d);
    }
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return new_file(path, guard),
        Err(source) => {
            return Err(WriteError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    if meta.file_type().is_symlink() {
        let target = fs::canonicalize(path)
            .or_else(|_| fs::read_link(path))
            .unwrap_or_default();
        if let Some(d) = standard_stream(&target) {
            return Ok(d);
        }
        return Err(WriteError::Link {
            path: path.to_path_buf(),
            target,
        });
    }
    existing(path, &meta, guard)
}

fn new_file(path: &Path, guard: &Guard) -> Result<Destination, WriteError> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match fs::metadata(&parent) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(WriteError::ParentNotFolder {
                path: path.to_path_buf(),
                parent,
            });
        }
        Err(_) => {
            return Err(WriteError::NoParent {
                path: path.to_path_buf(),
                parent,
            });
        }
    }
    let canonical = canonical_or_self(path).map_err(|source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    guard.check(path, &canonical)?;
    Ok(Destination::Replace(canonical))
}

fn existing(path: &Path, meta: &fs::Metadata, guard: &Guard) -> Result<Destination, WriteError> {
    let ft = meta.file_type();
    if ft.is_dir() {
        return Err(WriteError::Folder {
            path: path.to_path_buf(),
        });
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_block_device() {
            return Err(WriteError::BlockDevice {
                path: path.to_path_buf(),
            });
        }
        if ft.is_socket() {
            return Err(WriteError::NotAFile {
                path: path.to_path_buf(),
                what: "a socket",
            });
        }
        if ft.is_char_device() || ft.is_fifo() {
            return Ok(Destination::Through(path.to_path_buf()));
        }
    }
    let canonical = fs::canonicalize(path).map_err(|source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    guard.check(path, &canonical)?;
    if meta.permissions().readonly() {
        return Err(WriteError::ReadOnly { path: canonical });
    }
    Ok(Destination::Replace(canonical))
}

/// Writes to `dest` whatever `body` writes. For [`Destination::Replace`] the
/// file appears whole or not at all.
pub fn write(
    dest: &Destination,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), WriteError> {
    match dest {
        Destination::Stdout => {
            let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
            body(&mut out)
                .and_then(|()| out.flush())
                .map_err(|source| WriteError::Io {
                    path: PathBuf::from("standard output"),
                    source,
                })
        }
        Destination::Stderr => {
            let mut out = io::stderr().lock();
            body(&mut out)
                .and_then(|()| out.flush())
                .map_err(|source| WriteError::Io {
                    path: PathBuf::from("standard error"),
                    source,
                })
        }
        Destination::Through(path) => {
            let io = |source| WriteError::Io {
                path: path.clone(),
                source,
            };
            let file = fs::OpenOptions::new().write(true).open(path).map_err(io)?;
            let mut out = io::BufWriter::with_capacity(1 << 16, file);
            body(&mut out).and_then(|()| out.flush()).map_err(io)
        }
        Destination::Replace(path) => replace(path, body).map_err(|source| WriteError::Io {
            path: path.clone(),
            source,
        }),
    }
}

/// Writes a file duthao owns (a draft, the configuration, a template):
/// replaced atomically, and refused when it is a symbolic link or not a
/// regular file, so nothing a cloned workspace holds can send the write
/// elsewhere. `what` names the file's role in the message ("drafts").
pub fn write_owned(path: &Path, bytes: &[u8], what: &'static str) -> Result<(), WriteError> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(WriteError::OwnedLink {
                path: path.to_path_buf(),
                what,
            });
        }
        Ok(m) if m.is_dir() => {
            return Err(WriteError::Folder {
                path: path.to_path_buf(),
            });
        }
        Ok(m) if !m.is_file() => {
            return Err(WriteError::NotAFile {
                path: path.to_path_buf(),
                what: "not a regular file",
            });
        }
        _ => {}
    }
    replace(path, |w| w.write_all(bytes)).map_err(|source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes a new file that must never replace another: `root/rel`, whose
/// folders below `root` are made as needed and must be real folders (a
/// link among them is refused, so a cloned workspace cannot send the write
/// elsewhere). The file appears whole or not at all; when a file of that
/// name exists already the write fails with [`WriteError::Exists`] and the
/// file is left as it was. For append-only records such as review events.
pub fn write_new(
    root: &Path,
    rel: &Path,
    bytes: &[u8],
    what: &'static str,
) -> Result<(), WriteError> {
    let mut dir = root.to_path_buf();
    if let Some(parent) = rel.parent() {
        for part in parent.components() {
            dir.push(part);
            match fs::symlink_metadata(&dir) {
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(WriteError::OwnedLink { path: dir, what });
                }
                Ok(m) if m.is_dir() => {}
                Ok(_) => {
                    return Err(WriteError::ParentNotFolder {
                        path: root.join(rel),
                        parent: dir,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    match fs::create_dir(&dir) {
                        Ok(()) => {}
                        // Another process made it meanwhile.
                        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => {}
                        Err(source) => return Err(WriteError::Io { path: dir, source }),
                    }
                }
                Err(source) => return Err(WriteError::Io { path: dir, source }),
            }
        }
    }
    let path = root.join(rel);
    write_file(&path, |w| w.write_all(bytes), false, 0o666).map_err(|source| {
        if source.kind() == io::ErrorKind::AlreadyExists {
            WriteError::Exists { path: path.clone() }
        } else {
            WriteError::Io {
                path: path.clone(),
                source,
            }
        }
    })
}

/// Temporary files being written, removed if a signal ends the process.
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn in_flight() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner())
}

fn replace(path: &Path, body: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    write_file(path, body, true, 0o666)
}

/// Writes a new file readable by its owner only (mode 0600), such as a
/// private key: whole or not at all, never replacing anything (a file, a
/// link) already at `path`.
pub fn write_private_new(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_file(path, |w| w.write_all(bytes), false, 0o600).map_err(|source| {
        if source.kind() == io::ErrorKind::AlreadyExists {
            WriteError::Exists {
                path: path.to_path_buf(),
            }
        } else {
            WriteError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    })
}

/// Writes `path` through a temporary file beside it: replacing what is
/// there when `clobber`, else failing with `AlreadyExists` if anything is.
fn write_file(
    path: &Path,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    clobber: bool,
    new_mode: u32,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // The file it replaces keeps its permissions; a new one gets 0666 less
    // the umask, as any other program's would.
    let old_mode = fs::metadata(path).ok().map(|m| m.permissions());
    let mut builder = tempfile::Builder::new();
    builder.prefix(".duthao-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(new_mode));
    }
    #[cfg(not(unix))]
    let _ = new_mode;
    watch_signals();
    // Made and recorded under the lock the signal handler takes, so that a
    // signal between the two cannot leave the file unrecorded.
    let tmp = {
        let mut pending = in_flight();
        let tmp = builder.tempfile_in(dir)?;
        pending.push(tmp.path().to_path_buf());
        tmp
    };
    let tmp_path = tmp.path().to_path_buf();
    let outcome = (|| {
        let mut out = io::BufWriter::with_capacity(1 << 16, tmp);
        body(&mut out)?;
        let tmp = out.into_inner().map_err(|e| e.into_error())?;
        if let Some(mode) = old_mode {
            tmp.as_file().set_permissions(mode)?;
        }
        tmp.as_file().sync_all()?;
        if clobber {
            tmp.persist(path).map_err(|e| e.error)?;
        } else {
            tmp.persist_noclobber(path).map_err(|e| e.error)?;
        }
        Ok(())
    })();
    in_flight().retain(|p| p != &tmp_path);
    outcome
}

/// Removes the temporary files of unfinished writes when SIGINT, SIGTERM or
/// SIGHUP ends the process, then exits as the signal would (128 + its
/// number). Asked for once, by the command-line program; the thread that
/// waits for the signals starts with the first write that makes a temporary
/// file, so a command that writes none (most redlines) starts no thread.
pub fn clean_up_on_signals() {
    CLEAN_UP.store(true, std::sync::atomic::Ordering::Relaxed);
}

static CLEAN_UP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Starts the signal watcher if it was asked for and is not running yet:
/// before a temporary file exists, so none is left unwatched.
fn watch_signals() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    if !CLEAN_UP.load(std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    STARTED.call_once(|| {
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            else {
                return;
            };
            std::thread::spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    for p in in_flight().drain(..) {
                        let _ = fs::remove_file(p);
                    }
                    std::process::exit(128 + sig);
                }
            });
        }
    });
}

/// An exclusive lock on a file, held until dropped (or until the process
/// dies: the kernel releases it, so a killed command never leaves a lock
/// behind).
#[derive(Debug)]
pub struct FileLock {
    _file: fs::File,
}

/// Takes the exclusive lock on `path` (created if absent, never followed
/// through a link), waiting while another process holds it.
pub fn lock_exclusive(path: &Path) -> Result<FileLock, WriteError> {
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::io::AsRawFd;
    let io = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .custom_flags(libc::O_NOFOLLOW)
        .mode(0o600)
        .open(path)
        .map_err(io)?;
    loop {
        // SAFETY: flock on a descriptor this function owns.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
        if rc == 0 {
            return Ok(FileLock { _file: file });
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(io(err));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_in_a_missing_folder_names_the_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("nope/out.html");
        let e = destination(&p, &Guard::new()).expect_err("refused");
        assert!(matches!(e, WriteError::NoParent { .. }), "{e}");
        assert!(e.to_string().contains("does not exist"), "{e}");
    }

    #[test]
    fn folders_git_and_protected_files_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        fs::create_dir_all(root.join(".git/refs")).expect("mkdir");
        fs::create_dir_all(root.join("drafts")).expect("mkdir");
        fs::write(root.join("drafts/x.md"), "x").expect("write");
        fs::write(root.join("duthao.toml"), "x").expect("write");
        let mut g = Guard::new();
        g.protect_folder(&root.join("drafts"), None, "a draft of this workspace");
        g.protect_file(&root.join("duthao.toml"), "this workspace's configuration");
        assert!(matches!(
            destination(root, &g),
            Err(WriteError::Folder { .. })
        ));
        assert!(matches!(
            destination(&root.join(".git/config"), &g),
            Err(WriteError::InsideGit { .. })
        ));
        assert!(matches!(
            destination(&root.join(".git/refs/new"), &g),
            Err(WriteError::InsideGit { .. })
        ));
        assert!(matches!(
            destination(&root.join("drafts/x.md"), &g),
            Err(WriteError::Protected { .. })
        ));
        assert!(matches!(
            destination(&root.join("drafts/new.md"), &g),
            Err(WriteError::Protected { .. })
        ));
        assert!(matches!(
            destination(&root.join("duthao.toml"), &g),
            Err(WriteError::Protected { .. })
        ));
        assert!(matches!(
            destination(&root.join("out.docx"), &g),
            Ok(Destination::Replace(_))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_links_are_written_through_or_followed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let g = Guard::new();
        assert_eq!(
            destination(Path::new("/dev/null"), &g).expect("null"),
            Destination::Through("/dev/null".into())
        );
        assert_eq!(
            destination(Path::new("/dev/stdout"), &g).expect("stdout"),
            Destination::Stdout
        );
        let target = dir.path().join("real.txt");
        fs::write(&target, "old").expect("write");
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        assert!(matches!(
            destination(&link, &g),
            Err(WriteError::Link { .. })
        ));
        // A folder link inside a workspace that leads out of it is refused.
        let ws = dir.path().join("ws");
        fs::create_dir_all(&ws).expect("mkdir");
        let outside = tempfile::tempdir().expect("tempdir");
        std::os::unix::fs::symlink(outside.path(), ws.join("out")).expect("symlink");
        let mut guarded = Guard::new();
        guarded.within(&ws);
        assert!(matches!(
            destination(&ws.join("out/redline.html"), &guarded),
            Err(WriteError::Escapes { .. })
        ));
        assert!(matches!(
            destination(&ws.join("redline.html"), &guarded),
            Ok(Destination::Replace(_))
        ));
        assert!(matches!(
            write_owned(&link, b"x", "drafts"),
            Err(WriteError::OwnedLink { .. })
        ));
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.txt");
        fs::write(&p, "old").expect("write");
        let d = destination(&p, &Guard::new()).expect("ok");
        let e = write(&d, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("boom"))
        });
        assert!(e.is_err());
        assert_eq!(fs::read_to_string(&p).expect("read"), "old");
        let left: Vec<_> = fs::read_dir(dir.path()).expect("ls").collect();
        assert_eq!(left.len(), 1, "no temporary file left behind");
    }
}

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadFileError {
    /// The file, or a folder on its way, is a symbolic link; reads inside a
    /// workspace do not follow links.
    #[error("{}: is a symbolic link; duthao reads {what} only from regular files inside the workspace", path.display())]
    Link {
        /// The path relative to the workspace.
        path: PathBuf,
        /// The file's role in messages ("drafts").
        what: &'static str,
    },
    /// The file resolves to a place outside the workspace.
    #[error("{}: leads outside the workspace (to {}); duthao reads nothing outside it", path.display(), target.display())]
    Outside {
        /// The path relative to the workspace.
        path: PathBuf,
        /// Where it really is (symbolic links resolved).
        target: PathBuf,
    },
    /// A folder was given where a file to read was expected.
    #[error("{}: is not a regular file", path.display())]
    NotAFile {
        /// The path as given on the command line.
        path: PathBuf,
    },
    /// The file is over the size limit for its role, checked before reading where
    /// the size is known.
    #[error("{}: {size} bytes is larger than the {limit}-byte limit for {what}", path.display())]
    TooLarge {
        /// The path as shown in messages: relative to the workspace, or as given.
        path: PathBuf,
        /// Its size in bytes, or the bytes read past the limit when its size was not
        /// known beforehand (a FIFO, a growing file).
        size: u64,
        /// The largest size allowed for this role.
        limit: u64,
        /// The file's role in messages ("drafts").
        what: &'static str,
    },
    /// The read itself failed.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The path as shown in messages: relative to the workspace, or as given.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
}

/// Reads `root/rel`, a file of a workspace, where `root` is the workspace's
/// canonical folder. Refused when it is a symbolic link, when a link in one
/// of its folders leads outside `root`, when it is not a regular file, and
/// when it is larger than `limit` bytes, checked before reading (a sparse
/// file of gigabytes costs nothing to refuse). `Ok(None)` when it does not
/// exist. `what` names the file's role in messages ("drafts").
pub fn read_in_workspace(
    root: &Path,
    rel: &Path,
    limit: u64,
    what: &'static str,
) -> Result<Option<Vec<u8>>, ReadFileError> {
    let path = root.join(rel);
    let meta = match fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(ReadFileError::Io {
                path: rel.into(),
                source,
            });
        }
    };
    if meta.file_type().is_symlink() {
        return Err(ReadFileError::Link {
            path: rel.to_path_buf(),
            what,
        });
    }
    let canonical = fs::canonicalize(&path).map_err(|source| ReadFileError::Io {
        path: rel.to_path_buf(),
        source,
    })?;
    if !canonical.starts_with(root) {
        return Err(ReadFileError::Outside {
            path: rel.to_path_buf(),
            target: canonical,
        });
    }
    read_limited(&canonical, rel, &meta, limit, what).map(Some)
}

/// What one file of a folder read by [`read_folder`] gave: its name and
/// its bytes, or why it could not be read.
pub type FolderFile = (String, Result<Vec<u8>, ReadFileError>);

/// Reads the files of the folder `root/rel` whose names `keep` accepts,
/// sorted by name, where `root` is the workspace's canonical folder. The
/// folder must be a real folder inside `root` (checked once, so a folder of
/// thousands of small records costs one open and read each); each file
/// must be a regular file of at most `limit` bytes, and is opened without
/// following a link, so a file swapped for a link or a FIFO meanwhile is
/// refused, never followed or waited on. A file that cannot be read is
/// reported beside the others. An absent folder has no files.
pub fn read_folder(
    root: &Path,
    rel: &Path,
    limit: u64,
    what: &'static str,
    keep: impl Fn(&str) -> bool,
) -> Result<Vec<FolderFile>, ReadFileError> {
    let dir = root.join(rel);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReadFileError::Io { path, source }
    };
    let meta = match fs::symlink_metadata(&dir) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(rel)(e)),
    };
    if meta.file_type().is_symlink() {
        return Err(ReadFileError::Link {
            path: rel.to_path_buf(),
            what,
        });
    }
    if !meta.is_dir() {
        return Err(ReadFileError::NotAFile {
            path: rel.to_path_buf(),
        });
    }
    let canonical = fs::canonicalize(&dir).map_err(io(rel))?;
    if !canonical.starts_with(root) {
        return Err(ReadFileError::Outside {
            path: rel.to_path_buf(),
            target: canonical,
        });
    }
    let mut names = Vec::new();
    for entry in fs::read_dir(&canonical).map_err(io(rel))? {
        let entry = entry.map_err(io(rel))?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        if keep(&name) {
            names.push((name, entry.file_type().map_err(io(rel))?));
        }
    }
    names.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(names
        .into_iter()
        .map(|(name, file_type)| {
            let shown = rel.join(&name);
            let bytes = if file_type.is_symlink() {
                Err(ReadFileError::Link { path: shown, what })
            } else if !file_type.is_file() {
                Err(ReadFileError::NotAFile { path: shown })
            } else {
                read_regular(&canonical.join(&name), &shown, limit, what)
            };
            (name, bytes)
        })
        .collect())
}

/// Opens `path` without following a link or waiting on a FIFO, and reads
/// it when it is a regular file of at most `limit` bytes.
fn read_regular(
    path: &Path,
    shown: &Path,
    limit: u64,
    what: &'static str,
) -> Result<Vec<u8>, ReadFileError> {
    use std::io::Read;
    let io = |source| ReadFileError::Io {
        path: shown.to_path_buf(),
        source,
    };
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return ReadFileError::Link {
                path: shown.to_path_buf(),
                what,
            };
        }
        io(e)
    })?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(ReadFileError::NotAFile {
            path: shown.to_path_buf(),
        });
    }
    if meta.len() > limit {
        return Err(ReadFileError::TooLarge {
            path: shown.to_path_buf(),
            size: meta.len(),
            limit,
            what,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadFileError::TooLarge {
            path: shown.to_path_buf(),
            size: bytes.len() as u64,
            limit,
            what,
        });
    }
    Ok(bytes)
}

/// Reads a file named on the command line (a draft that arrived from
/// outside): a regular file, a FIFO or a device, at most `limit` bytes.
pub fn read_input(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, ReadFileError> {
    let meta = fs::metadata(path).map_err(|source| ReadFileError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_dir() {
        return Err(ReadFileError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    read_limited(path, path, &meta, limit, what)
}

fn read_limited(
    path: &Path,
    shown: &Path,
    meta: &fs::Metadata,
    limit: u64,
    what: &'static str,
) -> Result<Vec<u8>, ReadFileError> {
    use std::io::Read;
    let too_large = |size| ReadFileError::TooLarge {
        path: shown.to_path_buf(),
        size,
        limit,
        what,
    };
    if meta.is_file() && meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let io = |source| ReadFileError::Io {
        path: shown.to_path_buf(),
        source,
    };
    let file = fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::with_capacity(if meta.is_file() {
        meta.len() as usize
    } else {
        0
    });
    // A file may grow after its size was read, and a FIFO has none.
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}
