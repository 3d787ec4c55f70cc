//! `demo`: a workspace built from the bundled example drafts, the pipeline
//! run on it (each draft's versions committed and submitted in turn, with
//! the comments of `REVIEW.toml` recorded and answered between versions),
//! and the redlines, documents and syntheses it gives.

use std::path::{Path, PathBuf};

use super::approve::{DecisionRequest, decide_with};
use super::compare::{CompareOptions, Sources, compare};
use super::export::{ForComment, Which, export, export_changes, export_for_comment, for_comment};
use super::import::{ImportOptions, import};
use super::init::{InitOptions, init};
use super::issue::{IssueRequest, RegisterEntry, issue_with, register};
use super::keys::{ALLOWED_SIGNERS, keys_as};
use super::pdf::{PdfError, docx_to_pdf};
use super::report::{report, report_docx};
use super::review::{NewComment, add_comment, agree, load_review, redline_notes, reply, respond};
use super::snapshot::Purpose;
use super::verify::verify;
use super::{commit_as, submit_signed_as};
use crate::docx::{Attribution, Content, DocxOptions, MarginComment, MarginReply, Provenance};
use crate::examples;
use crate::fsutil::write_owned;
use crate::render::html;
use crate::workspace::{CONFIG_FILE, Result, Workspace, WorkspaceError};
use duthao_approval::Decision as Verdict;
use duthao_diff::{DiffOptions, diff_drafts};
use duthao_review::{Comment, Decision, Stamp, Via, locate, nfc};
use duthao_store::{Identity, KeyFile, Rev, StoreError, When};

/// Who drafts and submits in the demo.
fn drafter() -> Identity {
    Identity {
        name: "Nguyễn Thị Soạn".into(),
        email: "soanthao@example.vn".into(),
    }
}

/// One version submitted by the demo.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Submitted {
    /// The draft.
    pub slug: String,
    /// Its version number.
    pub n: u32,
    /// The version's tag.
    pub tag: String,
}

/// What the demo made.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoReport {
    /// The workspace.
    pub root: PathBuf,
    /// Every version submitted, in order.
    pub submitted: Vec<Submitted>,
    /// HTML redlines between successive versions.
    pub redlines: Vec<PathBuf>,
    /// DOCX of each draft's latest version, then tracked-changes DOCX
    /// between successive versions.
    pub documents: Vec<PathBuf>,
    /// The drafts, in order.
    pub slugs: Vec<String>,
    /// The Word files of the review, in the order they were made: the
    /// office's file for comment on each version, and each body's answer
    /// (margin comments, or the text edited with tracked changes) that was
    /// imported.
    pub review_files: Vec<PathBuf>,
    /// The synthesis of the comments on each version (Markdown, HTML, DOCX).
    pub reports: Vec<PathBuf>,
    /// HTML redlines between successive versions with the comments on the
    /// older one beside its paragraphs.
    pub noted_redlines: Vec<PathBuf>,
    /// What was recorded on each draft's review.
    pub reviews: Vec<ReviewDone>,
    /// The sign-off of one draft: approved at every level, issued, verified.
    pub signoff: SignOffDone,
    /// A second site and a remote, and the syncs between them.
    pub sites: Option<SitesDone>,
}

/// The demo's drafting site (the workspace itself).
pub const CENTRE_SITE: &str = "van-phong-tinh-uy";
/// The demo's commenting site, a clone in `<demo>/sites/`.
pub const COMMUNE_SITE: &str = "xa-phu-luong";

/// Two sites meeting at a bare remote: a comment made at the commune, the
/// answer at the centre, each carried by `sync`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SitesDone {
    /// The bare repository the sites meet at.
    pub remote: PathBuf,
    /// The commenting site's workspace (a clone).
    pub site: PathBuf,
    /// Each sync, in order: which site ran it and what it did.
    pub steps: Vec<SyncStep>,
}

/// One sync of the demo.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SyncStep {
    /// Which site ran it, and why.
    pub label: String,
    /// What it did.
    pub report: super::SyncReport,
}

/// The sign-off the demo ran on one draft.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SignOffDone {
    /// The draft.
    pub slug: String,
    /// The version approved and issued.
    pub version: u32,
    /// The folder of the demo's keys (ed25519, unencrypted, not tracked by
    /// git): the drafter's, each approver's and the clerk's.
    pub keys_dir: PathBuf,
    /// The allowed-signers file `git tag -v` checks with, relative to the
    /// workspace.
    pub allowed_signers: PathBuf,
    /// Each approval, in the order of the levels.
    pub approvals: Vec<ApprovalDone>,
    /// The number as written ("01-NQ/TU").
    pub number_text: String,
    /// The date of issue (`YYYY-MM-DD`).
    pub date: String,
    /// The clerk who issued it.
    pub clerk: String,
    /// The issue tag.
    pub issue_tag: String,
    /// The final DOCX (`export --final`).
    pub final_docx: PathBuf,
    /// Its PDF, when LibreOffice made one.
    pub final_pdf: Option<PathBuf>,
    /// Why there is no PDF ("LibreOffice is not installed", or its failure).
    pub pdf_skipped: Option<String>,
    /// The outgoing register as a Markdown table.
    pub register: PathBuf,
    /// Its entries.
    pub register_entries: usize,
    /// Whether `verify` found no problem in the workspace.
    pub verified: bool,
    /// What `verify` found wrong, as "subject: message".
    pub problems: Vec<String>,
    /// `verify`'s notes (not problems), as "subject: message".
    pub notes: Vec<String>,
}

/// One approval the demo signed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ApprovalDone {
    /// The level's id.
    pub level: String,
    /// Its name.
    pub level_name: String,
    /// Who approved.
    pub approver: String,
    /// The signed tag.
    pub tag: String,
}

/// The review the demo recorded on one draft.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReviewDone {
    /// The draft.
    pub slug: String,
    /// Comments, every version.
    pub comments: usize,
    /// Of those, imported from Word files.
    pub from_word: usize,
    /// Of those, answered.
    pub answered: usize,
    /// Bodies' agreements with no comments.
    pub agreements: usize,
    /// The levels the comments came from.
    pub levels: usize,
}

/// Builds the demo workspace in `dir`, which must not exist or be empty,
/// and must not lie inside another workspace.
pub fn demo(dir: &Path) -> Result<DemoReport> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|source| WorkspaceError::Io {
                path: dir.to_path_buf(),
                source,
            })?
            .next()
            .is_some()
    {
        return Err(WorkspaceError::FolderNotEmpty {
            path: dir.to_path_buf(),
        });
    }
    // A demo inside a workspace would nest one repository in another.
    if let Some(parent) = dir.parent().filter(|p| p.is_dir())
        && let Ok(ws) = Workspace::find(parent)
    {
        return Err(WorkspaceError::InsideWorkspace {
            path: dir.to_path_buf(),
            workspace: ws.root().to_path_buf(),
        });
    }
    let data: Vec<(examples::Example, Option<ReviewData>)> = examples::bundled()
        .into_iter()
        .map(|ex| {
            let data = ex
                .review
                .map(|t| ReviewData::parse(ex.slug, t))
                .transpose()?;
            Ok((ex, data))
        })
        .collect::<Result<_>>()?;
    let who = drafter();
    let made = init(
        dir,
        &InitOptions {
            profile: "party".into(),
            example: false,
            identity: Some(who.clone()),
        },
    )?;
    add_bodies(&made.root, &data, &who)?;
    // The keys go into duthao.toml before anything is submitted: the roster
    // an approval counts against is the one each signed version records.
    let signers = add_signers(&made.root, &who)?;
    let ws = Workspace::open(&made.root)?;
    keys_as(&ws, true, Some(&who))?;
    super::sites::name_site(&ws, CENTRE_SITE)?;
    let mut report = DemoReport {
        root: made.root.clone(),
        submitted: Vec::new(),
        redlines: Vec::new(),
        documents: Vec::new(),
        slugs: Vec::new(),
        review_files: Vec::new(),
        reports: Vec::new(),
        noted_redlines: Vec::new(),
        reviews: Vec::new(),
        signoff: SignOffDone {
            slug: String::new(),
            version: 0,
            keys_dir: signers.dir.clone(),
            allowed_signers: PathBuf::from(ALLOWED_SIGNERS),
            approvals: Vec::new(),
            number_text: String::new(),
            date: String::new(),
            clerk: String::new(),
            issue_tag: String::new(),
            final_docx: PathBuf::new(),
            final_pdf: None,
            pdf_skipped: None,
            register: PathBuf::new(),
            register_entries: 0,
            verified: false,
            problems: Vec::new(),
            notes: Vec::new(),
        },
        sites: None,
    };
    let out = made.root.join("out");
    std::fs::create_dir_all(&out).map_err(|source| WorkspaceError::Io {
        path: out.clone(),
        source,
    })?;
    exclude_from_git(&ws, "/out/")?;
    for (ex, data) in &data {
        let path = ws.draft_path(ex.slug);
        for (i, text) in ex.versions.iter().enumerate() {
            let n = i + 1;
            write_owned(&path, text.as_bytes(), "drafts")?;
            let msg = if n == 1 {
                "Bản đầu".to_string()
            } else {
                format!("Chỉnh sửa, tiếp thu ý kiến góp ý Dự thảo lần {}", n - 1)
            };
            commit_as(&ws, ex.slug, &msg, &who)?;
            let v = submit_signed_as(
                &ws,
                ex.slug,
                &format!("Gửi xin ý kiến Dự thảo lần {n}"),
                &who,
                Some(&signers.drafter),
            )?;
            report.submitted.push(Submitted {
                slug: v.slug,
                n: v.n,
                tag: v.tag,
            });
            // The round of comments on this version, before the next one.
            if let Some(data) = data
                && n < ex.versions.len()
            {
                let round = Round {
                    ws: &ws,
                    ex,
                    data,
                    n: n as u32,
                    out: &out,
                    drafter: &who,
                };
                round.run(&mut report.review_files)?;
            }
        }
        report.slugs.push(ex.slug.to_string());
        if data.is_some() {
            report.reviews.push(review_done(&ws, ex.slug)?);
        }
    }
    for slug in &report.slugs {
        let versions = ws.versions(slug)?;
        for pair in versions.windows(2) {
            let (a, b) = (pair[0].n, pair[1].n);
            let cmp = versions_compared(&ws, slug, a, b, Purpose::Show)?;
            let mut buf = Vec::new();
            html::write(
                &mut buf,
                &cmp.diff,
                &cmp.from.draft,
                &cmp.to.draft,
                &cmp.labels(),
            )
            .map_err(|source| WorkspaceError::Io {
                path: out.clone(),
                source,
            })?;
            let path = out.join(format!("{slug}-v{a}-v{b}.html"));
            write_owned(&path, &buf, "demo output")?;
            report.redlines.push(path);
        }
    }
    for slug in &report.slugs {
        let versions = ws.versions(slug)?;
        let Some(last) = versions.last() else {
            continue;
        };
        let doc = export(&ws, slug, &Which::At(Rev::Version(last.n)))?;
        let path = out.join(format!("{slug}-v{}.docx", last.n));
        write_owned(&path, &doc.bytes, "demo output")?;
        report.documents.push(path);
        for pair in versions.windows(2) {
            let (a, b) = (pair[0].n, pair[1].n);
            let cmp = versions_compared(&ws, slug, a, b, Purpose::Document)?;
            let doc = export_changes(Some(&ws), cmp)?;
            let path = out.join(format!("{slug}-v{a}-v{b}-tracked.docx"));
            write_owned(&path, &doc.bytes, "demo output")?;
            report.documents.push(path);
        }
    }
    for done in &report.reviews {
        let slug = done.slug.as_str();
        let versions = ws.versions(slug)?;
        for pair in versions.windows(2) {
            let (a, b) = (pair[0].n, pair[1].n);
            write_reports(&ws, slug, a, &out, &mut report.reports)?;
            let cmp = versions_compared(&ws, slug, a, b, Purpose::Show)?;
            let notes = redline_notes(&ws, slug, &Rev::Version(a), &cmp.from.draft)?;
            let mut buf = Vec::new();
            html::write_noted(
                &mut buf,
                &cmp.diff,
                &cmp.from.draft,
                &cmp.to.draft,
                &cmp.labels(),
                &notes,
            )
            .map_err(|source| WorkspaceError::Io {
                path: out.clone(),
                source,
            })?;
            let path = out.join(format!("{slug}-v{a}-v{b}-gop-y.html"));
            write_owned(&path, &buf, "demo output")?;
            report.noted_redlines.push(path);
        }
    }
    // The draft with the most versions (the last of those: the first stays
    // a draft being revised, as a drafter's workspace mostly is) goes
    // through every approving level, is issued, and its final document
    // written.
    let mut chosen: Option<(&str, usize)> = None;
    for slug in &report.slugs {
        let n = ws.versions(slug)?.len();
        if chosen.is_none_or(|(_, most)| n >= most) {
            chosen = Some((slug.as_str(), n));
        }
    }
    if let Some((slug, _)) = chosen {
        let slug = slug.to_string();
        sign_off(&ws, &slug, &signers, &out, &mut report.signoff)?;
    }
    if let Some(slug) = report.slugs.first().cloned() {
        report.sites = Some(two_sites(&ws, &slug, &who)?);
    }
    Ok(report)
}

/// A bare remote and a second site in `<demo>/sites/` (excluded from git):
/// the workspace goes to the remote, the commune clones it and comments,
/// the centre answers, and each step is carried by `sync`.
fn two_sites(ws: &Workspace, slug: &str, drafter: &Identity) -> Result<SitesDone> {
    use super::{SyncRequest, sync};
    let dir = ws.root().join("sites");
    exclude_from_git(ws, "/sites/")?;
    std::fs::create_dir_all(&dir).map_err(|source| WorkspaceError::Io {
        path: dir.clone(),
        source,
    })?;
    let remote = dir.join("trung-tam.git");
    duthao_store::Store::init_bare(&remote)?;
    let mut steps = Vec::new();
    let mut step = |label: &str, ws: &Workspace, req: SyncRequest| -> Result<()> {
        let report = sync(ws, &req)?;
        steps.push(SyncStep {
            label: label.to_string(),
            report,
        });
        Ok(())
    };
    step(
        &format!("{CENTRE_SITE}: the workspace to the remote"),
        ws,
        SyncRequest {
            remote: Some(remote.display().to_string()),
            ..SyncRequest::default()
        },
    )?;
    let site_dir = dir.join(COMMUNE_SITE);
    duthao_store::Store::clone_local(&remote, &site_dir)?;
    let site = Workspace::open(&site_dir)?;
    super::sites::name_site(&site, COMMUNE_SITE)?;
    let body = site
        .config
        .bodies
        .iter()
        .find(|b| b.name.contains("Phú Lương"))
        .or(site.config.bodies.first())
        .map(|b| b.name.clone())
        .ok_or_else(|| WorkspaceError::BundledExample {
            file: CONFIG_FILE.to_string(),
            problem: "no commenting body".into(),
        })?;
    let commenter = Identity {
        name: "Văn phòng Đảng ủy xã Phú Lương".into(),
        email: "vanphong.phuluong@example.vn".into(),
    };
    let recorded = add_comment(
        &site,
        &NewComment {
            slug: slug.to_string(),
            version: None,
            body,
            level: None,
            at: None,
            quote: None,
            text: "Đề nghị bổ sung lộ trình thực hiện cho các xã vùng cao.".into(),
            proposal: None,
            letter: None,
        },
        &commenter,
    )?;
    step(
        &format!("{COMMUNE_SITE}: its comment to the remote"),
        &site,
        SyncRequest::default(),
    )?;
    step(
        &format!("{CENTRE_SITE}: the comment comes in"),
        ws,
        SyncRequest::default(),
    )?;
    let id = recorded
        .events
        .first()
        .map(|e| e.id.clone())
        .ok_or_else(|| WorkspaceError::BundledExample {
            file: "sites".into(),
            problem: "the comment recorded no event".into(),
        })?;
    respond(
        ws,
        &id,
        Decision::Accept,
        Some("Đã bổ sung lộ trình tại mục III."),
        false,
        drafter,
    )?;
    step(
        &format!("{CENTRE_SITE}: its answer to the remote"),
        ws,
        SyncRequest::default(),
    )?;
    step(
        &format!("{COMMUNE_SITE}: the answer comes in"),
        &site,
        SyncRequest::default(),
    )?;
    Ok(SitesDone {
        remote,
        site: site_dir,
        steps,
    })
}

/// The demo's keys, in `<demo>/keys/` (excluded from git).
struct Signers {
    dir: PathBuf,
    /// The drafter's: signs the version tags (not in duthao.toml: a
    /// submitter's key is not pinned).
    drafter: KeyFile,
    /// Each approver's key, by email.
    approvers: Vec<(String, KeyFile)>,
    /// The clerk's.
    clerk: KeyFile,
}

/// The demo's clerk (văn thư).
fn clerk() -> Identity {
    Identity {
        name: "Trần Thị Thư".into(),
        email: "vanthu@example.vn".into(),
    }
}

/// Makes an ed25519 key for each approver of the workspace's levels, the
/// clerk and the drafter in `<root>/keys/` (excluded from git), writes the
/// approvers' and clerk's public keys (and the party's term) into
/// duthao.toml, and commits it.
fn add_signers(root: &Path, who: &Identity) -> Result<Signers> {
    let ws = Workspace::open(root)?;
    let dir = root.join("keys");
    exclude_from_git(&ws, "/keys/")?;
    std::fs::create_dir_all(&dir).map_err(|source| WorkspaceError::Io {
        path: dir.clone(),
        source,
    })?;
    let path = root.join(CONFIG_FILE);
    let mut text = std::fs::read_to_string(&path).map_err(|source| WorkspaceError::Io {
        path: path.clone(),
        source,
    })?;
    let fault = |problem: String| WorkspaceError::BundledExample {
        file: CONFIG_FILE.to_string(),
        problem,
    };
    let mut approvers: Vec<(String, KeyFile)> = Vec::new();
    for level in ws.config.levels.iter().filter(|l| l.quorum > 0) {
        for (i, person) in level.approvers.iter().enumerate() {
            if approvers.iter().any(|(e, _)| *e == person.email) {
                continue;
            }
            let (file, public) = new_key(&dir, &format!("{}-{}", level.id, i + 1), &person.email)?;
            let quoted = toml::Value::String(person.email.clone()).to_string();
            let from = format!("email = {quoted} }}");
            if text.matches(&from).count() != 1 {
                return Err(fault(format!(
                    "the approver {} must appear once as an inline table",
                    person.email
                )));
            }
            let to = format!("email = {quoted}, key = {} }}", toml::Value::String(public));
            text = text.replacen(&from, &to, 1);
            approvers.push((person.email.clone(), open_key(&file)?));
        }
    }
    if ws.config.profile == "party" && ws.config.organisation.term.is_none() {
        let commented = "# term = \"2025-2030\"\n";
        let at = "[organisation]\n";
        if text.contains(commented) {
            text = text.replacen(commented, "term = \"2025-2030\"\n", 1);
        } else if !text.contains(at) {
            return Err(fault("no [organisation] table".into()));
        } else {
            text = text.replacen(
            at,
            &format!(
                "{at}# The committee's term: the register restarts its numbers each term.\nterm = \"2025-2030\"\n"
            ),
            1,
            );
        }
    }
    let c = clerk();
    let (clerk_file, clerk_public) = new_key(&dir, "van-thu", &c.email)?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!(
        "\n# The clerk (văn thư) who numbers, dates and issues the documents.\n[[clerks]]\nname = {}\nemail = {}\nkey = {}\n",
        toml::Value::String(c.name.clone()),
        toml::Value::String(c.email.clone()),
        toml::Value::String(clerk_public),
    ));
    text.push_str(&format!(
        "\n# The sites kept in step with each other: only the drafting site submits\n# versions and issues; every site comments and approves.\n[sync]\ndrafting_site = \"{CENTRE_SITE}\"\n"
    ));
    let (drafter_file, _) = new_key(&dir, "soan-thao", &who.email)?;
    write_owned(&path, text.as_bytes(), "its configuration")?;
    ws.store().commit_paths(
        &[Path::new(CONFIG_FILE)],
        "Khóa ký của người duyệt và văn thư; nhiệm kỳ 2025-2030",
        who,
    )?;
    Ok(Signers {
        dir,
        drafter: open_key(&drafter_file)?,
        approvers,
        clerk: open_key(&clerk_file)?,
    })
}

fn open_key(path: &Path) -> Result<KeyFile> {
    Ok(KeyFile::open(path).map_err(StoreError::from)?)
}

/// A new ed25519 key: the private key at `dir/name` (mode 0600), the public
/// one at `dir/name.pub`. Returns the private key's path and the public
/// key's line.
fn new_key(dir: &Path, name: &str, comment: &str) -> Result<(PathBuf, String)> {
    let path = dir.join(name);
    let io = |path: &Path, source: std::io::Error| WorkspaceError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| io(&path, std::io::Error::other(e.to_string())))?;
    let pair = ssh_key::private::Ed25519Keypair::from_seed(&seed);
    let key = ssh_key::PrivateKey::new(ssh_key::private::KeypairData::Ed25519(pair), comment)
        .map_err(|e| io(&path, std::io::Error::other(e.to_string())))?;
    let private = key
        .to_openssh(ssh_key::LineEnding::LF)
        .map_err(|e| io(&path, std::io::Error::other(e.to_string())))?;
    let public = key
        .public_key()
        .to_openssh()
        .map_err(|e| io(&path, std::io::Error::other(e.to_string())))?;
    crate::fsutil::write_private_new(&path, private.as_bytes())?;
    let pub_path = dir.join(format!("{name}.pub"));
    write_owned(&pub_path, format!("{public}\n").as_bytes(), "demo keys")?;
    Ok((path, public))
}

/// Takes `slug`'s latest version through every approving level, issues it,
/// writes the final DOCX (and PDF where LibreOffice is installed) and the
/// register, and verifies the workspace.
fn sign_off(
    ws: &Workspace,
    slug: &str,
    signers: &Signers,
    out: &Path,
    done: &mut SignOffDone,
) -> Result<()> {
    done.slug = slug.to_string();
    done.version = ws.versions(slug)?.last().map_or(0, |v| v.n);
    for level in ws.config.levels.iter().filter(|l| l.quorum > 0) {
        for person in level.approvers.iter().take(level.quorum as usize) {
            let Some((_, key)) = signers.approvers.iter().find(|(e, _)| *e == person.email) else {
                continue;
            };
            let decided = decide_with(
                ws,
                &DecisionRequest {
                    slug,
                    level: &level.id,
                    version: None,
                    decision: Verdict::Approve,
                    note: "Đồng ý ban hành",
                    key: None,
                },
                key,
                When::now(),
            )?;
            done.approvals.push(ApprovalDone {
                level: decided.level,
                level_name: decided.level_name,
                approver: decided.approver,
                tag: decided.tag,
            });
        }
    }
    let issued = issue_with(
        ws,
        slug,
        &IssueRequest::default(),
        &signers.clerk,
        When::now(),
    )?;
    done.number_text = issued.number_text;
    done.date = issued.date;
    done.clerk = clerk().name;
    done.issue_tag = issued.tag;

    let doc = export(ws, slug, &Which::Final)?;
    let docx = out.join(format!("{slug}-ban-chinh-thuc.docx"));
    write_owned(&docx, &doc.bytes, "demo output")?;
    done.final_docx = docx.clone();
    let pdf = docx.with_extension("pdf");
    match docx_to_pdf(&docx, &pdf) {
        Ok(()) => done.final_pdf = Some(pdf),
        Err(PdfError::LibreOfficeMissing) => {
            done.pdf_skipped = Some("LibreOffice is not installed".into());
        }
        Err(e) => done.pdf_skipped = Some(format!("LibreOffice failed: {e}")),
    }

    let entries = register(ws, None)?;
    let path = out.join("so-dang-ky-van-ban-di.md");
    write_owned(&path, register_markdown(&entries).as_bytes(), "demo output")?;
    done.register = path;
    done.register_entries = entries.len();

    let check = verify(ws, None)?;
    done.verified = check.ok();
    done.problems = check
        .problems()
        .map(|(_, p)| format!("{}: {}", p.subject, p.message))
        .collect();
    done.notes = check
        .drafts
        .iter()
        .flat_map(|d| &d.notes)
        .map(|p| format!("{}: {}", p.subject, p.message))
        .collect();
    Ok(())
}

/// The outgoing register (sổ đăng ký văn bản đi) as a Markdown table.
fn register_markdown(entries: &[RegisterEntry]) -> String {
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut md = String::from(
        "# Sổ đăng ký văn bản đi\n\n| Số | Ngày | Loại | Trích yếu | Người ký |\n|---|---|---|---|---|\n",
    );
    for e in entries {
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            cell(&e.number_text),
            cell(&super::signoff::date_vi(&e.date)),
            cell(&e.kind),
            cell(&e.title),
            cell(&e.signer)
        ));
    }
    md
}

/// The synthesis of the comments on version `n` in the three formats.
fn write_reports(
    ws: &Workspace,
    slug: &str,
    n: u32,
    out: &Path,
    written: &mut Vec<PathBuf>,
) -> Result<()> {
    let r = report(ws, slug, Some(n), None)?;
    let io = |source| WorkspaceError::Io {
        path: out.to_path_buf(),
        source,
    };
    let stem = format!("{slug}-v{n}-tong-hop-y-kien");
    let mut md = Vec::new();
    crate::render::report::markdown(&mut md, &r.synthesis, &r.context).map_err(io)?;
    let mut page = Vec::new();
    crate::render::report::html(&mut page, &r.synthesis, &r.context).map_err(io)?;
    let doc = report_docx(ws, slug, &r)?;
    for (ext, bytes) in [("md", &md), ("html", &page), ("docx", &doc.bytes)] {
        let path = out.join(format!("{stem}.{ext}"));
        write_owned(&path, bytes, "demo output")?;
        written.push(path);
    }
    Ok(())
}

fn review_done(ws: &Workspace, slug: &str) -> Result<ReviewDone> {
    let review = load_review(ws, slug)?;
    let threads = &review.threads;
    let levels: std::collections::BTreeSet<&str> =
        threads.iter().map(|t| t.comment.level.as_str()).collect();
    Ok(ReviewDone {
        slug: slug.to_string(),
        comments: threads.len(),
        from_word: threads
            .iter()
            .filter(|t| t.comment.source.via == Via::Docx)
            .count(),
        answered: threads.iter().filter(|t| t.current().is_some()).count(),
        agreements: review.agreements.len(),
        levels: levels.len(),
    })
}

/// Who commented, and what, per `drafts/<slug>/REVIEW.toml`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewData {
    #[serde(skip)]
    file: String,
    bodies: Vec<BodyData>,
    #[serde(default)]
    v1: Vec<Sent>,
    #[serde(default)]
    v2: Vec<Sent>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct BodyData {
    name: String,
    level: String,
    reviewer: String,
    email: String,
}

/// What one body sent on a version.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Sent {
    body: String,
    via: SentVia,
    /// The Word file's name: `<slug>-vN-<file>.docx`.
    file: Option<String>,
    letter: Option<String>,
    #[serde(default)]
    comments: Vec<CommentData>,
    #[serde(default)]
    edits: Vec<EditData>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
enum SentVia {
    Typed,
    Word,
    Edits,
    Agree,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CommentData {
    at: Option<String>,
    quote: Option<String>,
    text: String,
    proposal: Option<String>,
    /// The body's own replies, in its Word file.
    #[serde(default)]
    replies: Vec<WordReply>,
    answer: Option<Answer>,
    /// The drafter's reply in the thread.
    reply: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct WordReply {
    author: String,
    text: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct EditData {
    old: String,
    new: String,
    answer: Option<Answer>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer {
    decision: AnswerKind,
    text: Option<String>,
}

#[derive(Debug, Clone, Copy, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
enum AnswerKind {
    Accept,
    Partial,
    Explain,
}

impl ReviewData {
    fn parse(slug: &str, text: &str) -> Result<ReviewData> {
        let file = format!("drafts/{slug}/REVIEW.toml");
        let mut data: ReviewData =
            toml::from_str(text).map_err(|e| WorkspaceError::BundledExample {
                file: file.clone(),
                problem: e.to_string(),
            })?;
        data.file = file;
        Ok(data)
    }

    fn fault(&self, problem: impl Into<String>) -> WorkspaceError {
        WorkspaceError::BundledExample {
            file: self.file.clone(),
            problem: problem.into(),
        }
    }

    fn round(&self, n: u32) -> &[Sent] {
        match n {
            1 => &self.v1,
            2 => &self.v2,
            _ => &[],
        }
    }

    /// The person who writes for `body`.
    fn reviewer(&self, body: &str) -> Result<Identity> {
        self.bodies
            .iter()
            .find(|b| b.name == body)
            .map(|b| Identity {
                name: b.reviewer.clone(),
                email: b.email.clone(),
            })
            .ok_or_else(|| self.fault(format!("\"{body}\" is not in [[bodies]]")))
    }
}

/// Adds the bodies of the examples' reviews to the new workspace's
/// duthao.toml (the levels named for the bodies that comment at them), and
/// commits it.
fn add_bodies(
    root: &Path,
    data: &[(examples::Example, Option<ReviewData>)],
    who: &Identity,
) -> Result<()> {
    let path = root.join(CONFIG_FILE);
    let mut text = std::fs::read_to_string(&path).map_err(|source| WorkspaceError::Io {
        path: path.clone(),
        source,
    })?;
    for (from, to) in [
        (
            "name = \"Cấp cơ sở (đảng ủy xã, chi bộ)\"",
            "name = \"Cấp cơ sở (đảng ủy, chi bộ, UBND xã, phường)\"",
        ),
        (
            "id = \"ban-to-chuc\"\nname = \"Ban Tổ chức Tỉnh ủy\"",
            "id = \"ban-to-chuc\"\nname = \"Ban Tổ chức Tỉnh ủy và các ban, sở, ngành cấp tỉnh\"",
        ),
        (
            "name = \"Văn phòng Tỉnh ủy (thẩm định thể thức)\"",
            "name = \"Văn phòng Tỉnh ủy, Văn phòng UBND tỉnh (thẩm định thể thức)\"",
        ),
    ] {
        text = text.replacen(from, to, 1);
    }
    let mut known: Vec<String> = Vec::new();
    for body in data
        .iter()
        .filter_map(|(_, d)| d.as_ref())
        .flat_map(|d| &d.bodies)
    {
        let line = format!("name = {}", toml::Value::String(body.name.clone()));
        if text.lines().any(|l| l.trim() == line) || known.contains(&body.name) {
            continue;
        }
        known.push(body.name.clone());
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&format!(
            "\n[[bodies]]\n{line}\nlevel = {}\n",
            toml::Value::String(body.level.clone())
        ));
    }
    write_owned(&path, text.as_bytes(), "its configuration")?;
    let store = duthao_store::Store::open(root)?;
    store.commit_paths(
        &[Path::new(CONFIG_FILE)],
        "Bổ sung các chủ thể góp ý (cấp cơ sở, các ban, sở, ngành, văn phòng)",
        who,
    )?;
    Ok(())
}

/// One round of comments: on version `n`, after it is submitted.
struct Round<'a> {
    ws: &'a Workspace,
    ex: &'a examples::Example,
    data: &'a ReviewData,
    n: u32,
    out: &'a Path,
    drafter: &'a Identity,
}

impl Round<'_> {
    fn run(&self, files: &mut Vec<PathBuf>) -> Result<()> {
        let (ws, slug, n) = (self.ws, self.ex.slug, self.n);
        // What the office sends out: the version, with the comments still
        // open in the margin.
        let sent = export_for_comment(ws, slug, Some(n))?;
        let path = self.out.join(format!("{slug}-v{n}-gop-y.docx"));
        write_owned(&path, &sent.bytes, "demo output")?;
        files.push(path);
        let office = for_comment(ws, slug, Some(n))?;
        for s in self.data.round(n) {
            let reviewer = self.data.reviewer(&s.body)?;
            match s.via {
                SentVia::Typed => {
                    for c in &s.comments {
                        add_comment(
                            ws,
                            &NewComment {
                                slug: slug.to_string(),
                                version: Some(n),
                                body: s.body.clone(),
                                level: None,
                                at: c.at.clone(),
                                quote: c.quote.clone(),
                                text: c.text.clone(),
                                proposal: c.proposal.clone(),
                                letter: s.letter.clone(),
                            },
                            &reviewer,
                        )?;
                    }
                }
                SentVia::Agree => {
                    agree(
                        ws,
                        slug,
                        Some(n),
                        &s.body,
                        None,
                        s.letter.as_deref(),
                        &reviewer,
                    )?;
                }
                SentVia::Word | SentVia::Edits => {
                    let bytes = if s.via == SentVia::Word {
                        self.margin_comments(&office, s, &reviewer)?
                    } else {
                        self.edited(&office, s, &reviewer)?
                    };
                    let name = format!(
                        "{slug}-v{n}-{}.docx",
                        s.file
                            .as_deref()
                            .ok_or_else(|| self.data.fault("a Word file needs `file`"))?
                    );
                    let path = self.out.join(&name);
                    write_owned(&path, &bytes, "demo output")?;
                    import(
                        ws,
                        &ImportOptions {
                            slug: slug.to_string(),
                            file: path.clone(),
                            name,
                            body: s.body.clone(),
                            level: None,
                            version: Some(n),
                            letter: s.letter.clone(),
                        },
                        self.drafter,
                    )?;
                    files.push(path);
                }
            }
        }
        self.answer()
    }

    /// The body's answer in Word: the office's file with its margin
    /// comments (and their replies) added.
    fn margin_comments(&self, office: &ForComment, s: &Sent, who: &Identity) -> Result<Vec<u8>> {
        let draft = &office.snap.draft;
        let date = Stamp::now().to_string();
        let mut margin = office.margin.clone();
        for c in &s.comments {
            let anchor = locate(draft, self.n, c.at.as_deref(), c.quote.as_deref())
                .map_err(|e| self.data.fault(format!("v{}: {e}", self.n)))?
                .ok_or_else(|| self.data.fault("a Word comment needs `at` or `quote`"))?;
            margin.push(MarginComment {
                block: anchor.block,
                quote: anchor.quote.map(|q| q.start..q.end),
                author: who.name.clone(),
                date: date.clone(),
                text: c.text.clone(),
                replies: c
                    .replies
                    .iter()
                    .map(|r| MarginReply {
                        author: r.author.clone(),
                        date: date.clone(),
                        text: r.text.clone(),
                    })
                    .collect(),
                done: false,
            });
        }
        Ok(crate::docx::export(
            Content::ForComment {
                draft,
                comments: &margin,
            },
            &Self::options(office, &office.snap.provenance()),
        )?)
    }

    /// The body's answer in Word: the version with its edits as tracked
    /// changes by the reviewer.
    fn edited(&self, office: &ForComment, s: &Sent, who: &Identity) -> Result<Vec<u8>> {
        let mut text = self.ex.versions[self.n as usize - 1].to_string();
        for e in &s.edits {
            if text.matches(&e.old).count() != 1 {
                return Err(self.data.fault(format!(
                    "v{}: \"{}\" must occur once in the version",
                    self.n, e.old
                )));
            }
            text = text.replacen(&e.old, &e.new, 1);
        }
        let file = PathBuf::from(format!("{}-v{}-edited.md", self.ex.slug, self.n));
        let to = crate::reader::read(text.as_str(), &file)?;
        let from = &office.snap.draft;
        let diff = diff_drafts(from, &to, &DiffOptions::default());
        Ok(crate::docx::export(
            Content::Changes {
                diff,
                from,
                to: &to,
                by: Attribution {
                    author: who.name.clone(),
                    date: Stamp::now().to_string(),
                },
            },
            &Self::options(office, &office.snap.provenance()),
        )?)
    }

    fn options<'o>(office: &'o ForComment, provenance: &'o Provenance) -> DocxOptions<'o> {
        DocxOptions {
            layout: &office.layout,
            kind: &office.kind,
            mark: office.snap.mark(),
            provenance,
        }
    }

    /// The drafter's replies and responses to the comments of this round.
    fn answer(&self) -> Result<()> {
        let (ws, n) = (self.ws, self.n);
        let review = load_review(ws, self.ex.slug)?;
        let find = |body: &str, test: &dyn Fn(&Comment) -> bool| -> Result<String> {
            let found: Vec<&Comment> = review
                .threads
                .iter()
                .map(|t| &t.comment)
                .filter(|c| c.version == n && c.body == body && test(c))
                .collect();
            match found.as_slice() {
                [one] => Ok(one.id.to_string()),
                _ => Err(self.data.fault(format!(
                    "v{n}: {} comment(s) of {body} fit an answer, not one",
                    found.len()
                ))),
            }
        };
        let flat = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        for s in self.data.round(n) {
            for c in &s.comments {
                if c.answer.is_none() && c.reply.is_none() {
                    continue;
                }
                let want = flat(&nfc(&c.text));
                let id = find(&s.body, &|k: &Comment| flat(&k.text).ends_with(&want))?;
                if let Some(r) = &c.reply {
                    reply(ws, &id, r, self.drafter)?;
                }
                if let Some(a) = &c.answer {
                    self.respond(&id, a)?;
                }
            }
            for e in &s.edits {
                let Some(a) = &e.answer else { continue };
                let want = flat(&nfc(&e.new));
                let id = find(&s.body, &|k: &Comment| {
                    k.proposal
                        .as_deref()
                        .is_some_and(|p| flat(p).contains(&want))
                })?;
                self.respond(&id, a)?;
            }
        }
        Ok(())
    }

    fn respond(&self, id: &str, a: &Answer) -> Result<()> {
        let decision = match a.decision {
            AnswerKind::Accept => Decision::Accept,
            AnswerKind::Partial => Decision::Partial,
            AnswerKind::Explain => Decision::Explain,
        };
        respond(
            self.ws,
            id,
            decision,
            a.text.as_deref(),
            false,
            self.drafter,
        )?;
        Ok(())
    }
}

fn versions_compared(
    ws: &Workspace,
    slug: &str,
    a: u32,
    b: u32,
    purpose: Purpose,
) -> Result<super::Comparison> {
    compare(
        Sources::Revisions {
            ws,
            slug,
            from: Some(Rev::Version(a)),
            to: Some(Rev::Version(b)),
        },
        &CompareOptions {
            purpose,
            ..CompareOptions::default()
        },
    )
}

/// Adds a pattern to the repository's own exclude list (`.git/info/exclude`):
/// the demo's outputs are for looking at, not part of its history.
fn exclude_from_git(ws: &Workspace, pattern: &str) -> Result<()> {
    let exclude = ws.store().git_dir().join("info").join("exclude");
    if exclude.parent().is_some_and(|p| p.is_dir()) {
        let mut text = std::fs::read_to_string(&exclude).unwrap_or_default();
        if !text.lines().any(|l| l.trim() == pattern) {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(pattern);
            text.push('\n');
            write_owned(&exclude, text.as_bytes(), "git's exclude list")?;
        }
    }
    Ok(())
}
