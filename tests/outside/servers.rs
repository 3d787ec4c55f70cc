//! Real git servers on loopback, children of the test process, for
//! end-to-end tests over git's network transports:
//!
//! - [`GitDaemon`]: `git daemon` (the `git://` protocol), pushes allowed;
//! - [`HttpGit`]: a small HTTP/1.1 server (std only) that runs
//!   `git http-backend` as CGI for every request (smart HTTP), pushes allowed.
//!
//! Both serve every bare repository under one folder, listen on 127.0.0.1
//! only, and stop when dropped. No user or system git configuration is read,
//! by the servers or by [`git`], the client helper.
#![allow(dead_code)]

use std::ffi::OsString;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long a server may take to come up.
const READY_TIMEOUT: Duration = Duration::from_secs(5);

/// The most a request's header section may hold (a guard, not a git limit).
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// Variables of the test process a git child must not inherit: every
/// `GIT_*` one (a test run from a hook has `GIT_DIR` set, for one) and the
/// proxies, which would take loopback traffic elsewhere.
fn inherited_to_drop() -> Vec<OsString> {
    std::env::vars_os()
        .map(|(k, _)| k)
        .filter(|k| {
            let s = k.to_string_lossy();
            let upper = s.to_ascii_uppercase();
            s.starts_with("GIT_")
                || upper == "HTTP_PROXY"
                || upper == "HTTPS_PROXY"
                || upper == "ALL_PROXY"
                || upper == "NO_PROXY"
        })
        .collect()
}

/// A `git` command with no inherited git variables and no user or system
/// configuration in play.
fn hermetic_git() -> Command {
    let mut cmd = Command::new("git");
    for k in inherited_to_drop() {
        cmd.env_remove(k);
    }
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null");
    cmd
}

/// The client side: `git` run in `dir`, hermetic (see [`hermetic_git`]),
/// with a fixed author and committer and never a prompt for credentials.
pub fn git_command(dir: &Path) -> Command {
    let mut cmd = hermetic_git();
    cmd.current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Tester")
        .env("GIT_AUTHOR_EMAIL", "tester@example.org")
        .env("GIT_COMMITTER_NAME", "Tester")
        .env("GIT_COMMITTER_EMAIL", "tester@example.org")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "/bin/false")
        .env("SSH_ASKPASS", "/bin/false")
        .stdin(Stdio::null());
    cmd
}

/// Runs [`git_command`] with `args` in `dir` and returns its stdout,
/// trimmed; panics with git's stderr when it fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_command(dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run git {args:?}: {e}"));
    assert!(
        out.status.success(),
        "git {args:?} in {} failed ({}):\n{}{}",
        dir.display(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Makes an empty bare repository `name` (e.g. `"origin.git"`) under
/// `root`, with `main` as its initial branch; returns its path.
pub fn init_bare(root: &Path, name: &str) -> PathBuf {
    let path = root.join(name);
    std::fs::create_dir_all(&path).expect("create the bare repository's folder");
    git(&path, &["init", "--quiet", "--bare", "-b", "main"]);
    path
}

/// A port on 127.0.0.1 that was free a moment ago (bound, then released).
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

/// Keeps the lines a child writes on a pipe (its log), read by a thread so
/// that the pipe never fills.
#[derive(Clone, Default)]
struct LogLines(Arc<Mutex<Vec<String>>>);

impl LogLines {
    fn drain_from(&self, pipe: impl Read + Send + 'static) {
        let lines = self.clone();
        thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                lines.0.lock().unwrap_or_else(|p| p.into_inner()).push(line);
            }
        });
    }

    fn contains(&self, needle: &str) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .any(|l| l.contains(needle))
    }

    fn text(&self) -> String {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).join("\n")
    }
}

/// `git daemon` serving every repository under a folder over `git://`
/// (pushes allowed), on 127.0.0.1. Killed when dropped.
pub struct GitDaemon {
    child: Child,
    port: u16,
    base: PathBuf,
    log: LogLines,
}

impl GitDaemon {
    /// Starts a daemon whose repositories are the folders under
    /// `base_path`, on a free port; panics (with the daemon's log) when it
    /// does not come up in three tries.
    pub fn start(base_path: &Path) -> GitDaemon {
        let base = base_path
            .canonicalize()
            .unwrap_or_else(|e| panic!("{}: {e}", base_path.display()));
        let mut failures = Vec::new();
        for _ in 0..3 {
            match Self::try_start(&base) {
                Ok(daemon) => return daemon,
                Err(why) => failures.push(why),
            }
        }
        panic!(
            "git daemon did not come up in 3 tries:\n{}",
            failures.join("\n---\n")
        );
    }

    fn try_start(base: &Path) -> Result<GitDaemon, String> {
        let port = free_port();
        let mut child = hermetic_git()
            .arg("daemon")
            .args([
                "--reuseaddr",
                "--export-all",
                "--enable=receive-pack",
                "--informative-errors",
                // Only for the log's "Ready to rumble", which tells that the
                // daemon (not some other program) holds the port.
                "--verbose",
            ])
            .arg(format!("--base-path={}", base.display()))
            .arg("--listen=127.0.0.1")
            .arg(format!("--port={port}"))
            .arg(base)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run git daemon: {e}"))?;
        let log = LogLines::default();
        log.drain_from(child.stderr.take().expect("piped stderr"));
        let mut daemon = GitDaemon {
            child,
            port,
            base: base.to_owned(),
            log,
        };
        // `daemon` is dropped (killed and waited for) on every failure below.
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Ok(Some(status)) = daemon.child.try_wait() {
                return Err(format!(
                    "git daemon on port {port} exited ({status}):\n{}",
                    daemon.log.text()
                ));
            }
            if daemon.log.contains("Ready to rumble") && connects(port) {
                return Ok(daemon);
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "git daemon on port {port} not ready after {READY_TIMEOUT:?}:\n{}",
                    daemon.log.text()
                ));
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// `git://127.0.0.1:<port>/<repo_name>`.
    pub fn url(&self, repo_name: &str) -> String {
        format!("git://127.0.0.1:{}/{repo_name}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The folder it serves (canonical).
    pub fn base_path(&self) -> &Path {
        &self.base
    }

    /// What the daemon logged so far (it runs with `--verbose`).
    pub fn log(&self) -> String {
        self.log.text()
    }
}

impl Drop for GitDaemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn connects(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
}

/// One request [`HttpGit`] served, for tests that check how git talked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    pub method: String,
    /// The path part of the request target.
    pub path: String,
    pub query: String,
    /// The body came with `Transfer-Encoding: chunked`.
    pub chunked: bool,
    /// The body came with `Content-Encoding: gzip`.
    pub gzip: bool,
    /// The body's length as received (after chunked decoding, before gzip).
    pub body_len: usize,
    /// The status sent back.
    pub status: u16,
}

/// Smart HTTP: a small HTTP/1.1 server (std only) on 127.0.0.1 that runs
/// `git http-backend` as CGI for each request, one thread per connection,
/// one request per connection. Serves every repository under a folder,
/// pushes allowed (as `REMOTE_USER=tester`). Stops accepting when dropped.
pub struct HttpGit {
    port: u16,
    root: PathBuf,
    stop: Arc<AtomicBool>,
    served: Arc<Mutex<Vec<Served>>>,
    accept: Option<JoinHandle<()>>,
}

impl HttpGit {
    /// Starts serving the repositories under `project_root` on a free port.
    pub fn start(project_root: &Path) -> HttpGit {
        let root = project_root
            .canonicalize()
            .unwrap_or_else(|e| panic!("{}: {e}", project_root.display()));
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("local address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let served = Arc::new(Mutex::new(Vec::new()));
        let accept = {
            let (root, stop, served) = (root.clone(), stop.clone(), served.clone());
            thread::Builder::new()
                .name(format!("http-git:{port}"))
                .spawn(move || accept_loop(listener, root, stop, served))
                .expect("spawn the accept thread")
        };
        HttpGit {
            port,
            root,
            stop,
            served,
            accept: Some(accept),
        }
    }

    /// `http://127.0.0.1:<port>/<repo_name>`.
    pub fn url(&self, repo_name: &str) -> String {
        format!("http://127.0.0.1:{}/{repo_name}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The folder it serves (canonical).
    pub fn project_root(&self) -> &Path {
        &self.root
    }

    /// The requests served so far, in the order they were answered (each
    /// recorded just before its reply is sent).
    pub fn served(&self) -> Vec<Served> {
        self.served
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Drop for HttpGit {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which then sees the flag.
        let _ = TcpStream::connect_timeout(
            &SocketAddr::from((Ipv4Addr::LOCALHOST, self.port)),
            Duration::from_secs(1),
        );
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

fn accept_loop(
    listener: TcpListener,
    root: PathBuf,
    stop: Arc<AtomicBool>,
    served: Arc<Mutex<Vec<Served>>>,
) {
    for conn in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = conn else { continue };
        let (root, served) = (root.clone(), served.clone());
        let _ = thread::Builder::new()
            .name("http-git-conn".into())
            .spawn(move || {
                if let Err(e) = handle_connection(stream, &root, &served) {
                    eprintln!("note: HttpGit: connection failed: {e}");
                }
            });
    }
}

/// A parsed request head.
struct RequestHead {
    method: String,
    path: String,
    query: String,
    /// Header names lowercased, in the order received.
    headers: Vec<(String, String)>,
}

impl RequestHead {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn bad(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

/// Reads one CRLF- (or LF-) terminated line, without its terminator;
/// `budget` bounds the bytes read over a request head.
fn read_line(r: &mut impl BufRead, budget: &mut usize) -> io::Result<String> {
    let mut buf = Vec::new();
    let n = r.take((*budget + 1) as u64).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "connection closed mid-request",
        ));
    }
    if n > *budget {
        return Err(bad("request head too long"));
    }
    *budget -= n;
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
    } else {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "connection closed mid-line",
        ));
    }
    String::from_utf8(buf).map_err(|_| bad("request head is not UTF-8"))
}

fn read_head(r: &mut impl BufRead) -> io::Result<RequestHead> {
    let mut budget = MAX_HEADER_BYTES;
    let line = read_line(r, &mut budget)?;
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(_version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad(format!("bad request line {line:?}")));
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers = Vec::new();
    loop {
        let line = read_line(r, &mut budget)?;
        if line.is_empty() {
            break;
        }
        let (k, v) = line
            .split_once(':')
            .ok_or_else(|| bad(format!("bad header line {line:?}")))?;
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
    }
    Ok(RequestHead {
        method: method.to_owned(),
        path: path.to_owned(),
        query: query.to_owned(),
        headers,
    })
}

/// Decodes a `Transfer-Encoding: chunked` body (trailers are read and
/// dropped).
fn read_chunked(r: &mut impl BufRead) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut budget = MAX_HEADER_BYTES;
        let line = read_line(r, &mut budget)?;
        let size = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size, 16)
            .map_err(|_| bad(format!("bad chunk size line {line:?}")))?;
        if size == 0 {
            // Trailers, up to the blank line.
            while !read_line(r, &mut budget)?.is_empty() {}
            return Ok(body);
        }
        let start = body.len();
        body.resize(start + size, 0);
        r.read_exact(&mut body[start..])?;
        if !read_line(r, &mut budget)?.is_empty() {
            return Err(bad("chunk not followed by CRLF"));
        }
    }
}

fn handle_connection(
    stream: TcpStream,
    root: &Path,
    served: &Mutex<Vec<Served>>,
) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    let head = read_head(&mut reader)?;

    let chunked = head
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let gzip = head
        .header("content-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("gzip") || v.eq_ignore_ascii_case("x-gzip"));
    if head
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        writer.flush()?;
    }
    let body = if chunked {
        Some(read_chunked(&mut reader)?)
    } else if let Some(len) = head.header("content-length") {
        let len: usize = len
            .parse()
            .map_err(|_| bad(format!("bad Content-Length {len:?}")))?;
        let mut body = vec![0; len];
        reader.read_exact(&mut body)?;
        Some(body)
    } else {
        None
    };
    let body_len = body.as_ref().map_or(0, Vec::len);

    let (status, headers, payload) = match run_backend(root, &head, body) {
        Ok(reply) => reply,
        Err(e) => (
            "500 Internal Server Error".to_owned(),
            vec!["Content-Type: text/plain".to_owned()],
            format!("git http-backend failed: {e}\n").into_bytes(),
        ),
    };

    // Recorded before the reply is sent: git may exit, and the test read
    // what was served, as soon as the reply is in.
    let with_payload = head.method != "HEAD";
    let code = status
        .split(' ')
        .next()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    served
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(Served {
            method: head.method,
            path: head.path,
            query: head.query,
            chunked,
            gzip,
            body_len,
            status: code,
        });

    let mut out = Vec::with_capacity(payload.len() + 512);
    out.extend_from_slice(format!("HTTP/1.1 {status}\r\n").as_bytes());
    for h in &headers {
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(
        format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            payload.len()
        )
        .as_bytes(),
    );
    if with_payload {
        out.extend_from_slice(&payload);
    }
    writer.write_all(&out)?;
    writer.flush()?;
    let _ = writer.shutdown(Shutdown::Write);

    Ok(())
}

/// Runs `git http-backend` for one request; returns the status line's
/// text (e.g. `"200 OK"`), the headers to pass on and the body.
fn run_backend(
    root: &Path,
    head: &RequestHead,
    body: Option<Vec<u8>>,
) -> io::Result<(String, Vec<String>, Vec<u8>)> {
    let mut cmd = hermetic_git();
    cmd.arg("http-backend")
        .env("GIT_PROJECT_ROOT", root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("GIT_CONFIG_COUNT", "1")
        .env("GIT_CONFIG_KEY_0", "http.receivepack")
        .env("GIT_CONFIG_VALUE_0", "true")
        .env("GATEWAY_INTERFACE", "CGI/1.1")
        .env("SERVER_PROTOCOL", "HTTP/1.1")
        .env("SERVER_SOFTWARE", "duthao-tests")
        .env("REQUEST_METHOD", &head.method)
        .env("PATH_INFO", &head.path)
        .env("QUERY_STRING", &head.query)
        .env("REMOTE_ADDR", "127.0.0.1")
        .env("REMOTE_USER", "tester")
        .env_remove("CONTENT_TYPE")
        .env_remove("CONTENT_LENGTH");
    if let Some(ct) = head.header("content-type") {
        cmd.env("CONTENT_TYPE", ct);
    }
    if let Some(body) = &body {
        // The decoded length, also for a chunked body.
        cmd.env("CONTENT_LENGTH", body.len().to_string());
    }
    // The other headers as HTTP_* (CGI): Git-Protocol (protocol v2) and
    // Content-Encoding (gzip, which http-backend decodes) among them.
    for (k, v) in &head.headers {
        if matches!(
            k.as_str(),
            "content-type" | "content-length" | "transfer-encoding" | "connection"
        ) {
            continue;
        }
        let name: String = k
            .chars()
            .map(|c| {
                if c == '-' {
                    '_'
                } else {
                    c.to_ascii_uppercase()
                }
            })
            .collect();
        cmd.env(format!("HTTP_{name}"), v);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    // stdin is fed by its own thread while stdout and stderr are read here,
    // so that neither side can block the other on a full pipe.
    let mut stdin = child.stdin.take().expect("piped stdin");
    let feeder = thread::spawn(move || {
        if let Some(body) = body {
            // http-backend may stop reading early (on an error it reports).
            let _ = stdin.write_all(&body);
        }
        drop(stdin);
    });
    let out = child.wait_with_output()?;
    let _ = feeder.join();
    if out.stdout.is_empty() && !out.status.success() {
        return Err(io::Error::other(format!(
            "{}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    if !out.stderr.is_empty() {
        eprintln!(
            "note: git http-backend ({} {}): {}",
            head.method,
            head.path,
            String::from_utf8_lossy(&out.stderr).trim_end()
        );
    }
    parse_cgi(&out.stdout)
}

/// Splits a CGI response into the status (from `Status:`, else `200 OK`),
/// the other headers (less any `Content-Length` and `Connection`, which
/// the server sets) and the body.
fn parse_cgi(raw: &[u8]) -> io::Result<(String, Vec<String>, Vec<u8>)> {
    let mut lines = Vec::new();
    let mut rest = raw;
    loop {
        let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
            return Err(bad("CGI response without a blank line after its headers"));
        };
        let mut line = &rest[..nl];
        rest = &rest[nl + 1..];
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        if line.is_empty() {
            break;
        }
        lines.push(String::from_utf8_lossy(line).into_owned());
    }
    let mut status = "200 OK".to_owned();
    let mut headers = Vec::new();
    for line in lines {
        let (k, v) = line.split_once(':').unwrap_or((&line, ""));
        let key = k.trim().to_ascii_lowercase();
        match key.as_str() {
            "status" => status = v.trim().to_owned(),
            "content-length" | "connection" => {}
            _ => headers.push(line),
        }
    }
    Ok((status, headers, rest.to_vec()))
}
