//! `sync`: meet another site through a git remote or a bundle, losing
//! nothing. The store does the git work (quarantined fetch, taking in refs
//! without replacing any, replay or merge, the journaled branch move, the
//! compare-and-swap push); this module runs the loop, keeps the site rule
//! on what is sent, and counts what moved for the summary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use duthao_store::{
    Accepted, BUNDLE_REMOTE, IntegrateError, Integration, ObjectId, Pushed, RefUpdate, RemoteSpec,
    Resumed, Snapshot, Store, Transport, pause_point,
};
use serde::Serialize;

use crate::workspace::{Result, Workspace, WorkspaceError};

/// At most this many rounds of fetch, integrate and push when other sites
/// keep pushing first.
const MAX_ATTEMPTS: u32 = 10;
/// ... and at most this long.
const MAX_TIME: Duration = Duration::from_secs(60);

/// What `sync` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct SyncRequest {
    /// The remote (a configured remote's name, a path or an address);
    /// `None`: the branch's upstream, else `origin`.
    pub remote: Option<String>,
    /// Name this repository's site first.
    pub site: Option<String>,
    /// Take in a bundle instead of fetching.
    pub bundle_in: Option<PathBuf>,
    /// Write a bundle instead of fetching, with what the other site lacks.
    pub bundle_out: Option<PathBuf>,
    /// With `bundle_out`: a revision the other site surely has.
    pub since: Option<String>,
    /// With `bundle_out`: the site it is for; what that site had when it
    /// last sent a bundle here is left out.
    pub for_site: Option<String>,
}

/// How the sync ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SyncStatus {
    /// Everything was exchanged.
    Done,
    /// Stopped on a conflict (a draft's text, or a ref the two sides hold
    /// differently); everything else was exchanged.
    Stopped,
    /// The remote kept moving through every attempt.
    Busy,
}

/// A version, an issue or a decision that moved.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TagMoved {
    /// The draft.
    pub slug: String,
    /// The version (0 when the tag names none).
    pub n: u32,
    /// For a decision: the level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// For a decision: who signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approver: Option<String>,
    /// The tag, without `refs/tags/`.
    pub tag: String,
}

/// What moved of one draft.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct DraftMoved {
    /// Commits that changed its text.
    pub revisions: usize,
    /// Comments.
    pub comments: usize,
    /// Replies.
    pub replies: usize,
    /// The drafter's responses (tiếp thu / giải trình).
    pub responses: usize,
    /// Agreements (thống nhất).
    pub agreements: usize,
    /// Comments withdrawn.
    pub withdrawals: usize,
}

impl DraftMoved {
    fn add(&mut self, o: &DraftMoved) {
        self.revisions += o.revisions;
        self.comments += o.comments;
        self.replies += o.replies;
        self.responses += o.responses;
        self.agreements += o.agreements;
        self.withdrawals += o.withdrawals;
    }

    /// Whether nothing moved.
    pub fn is_empty(&self) -> bool {
        *self == DraftMoved::default()
    }
}

/// What came in or went out.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Moved {
    /// Commits.
    pub commits: usize,
    /// Files changed outside `drafts/` and `reviews/` (`duthao.toml`,
    /// templates…), the first 20.
    pub other_files: Vec<String>,
    /// How many more such files changed.
    pub other_files_more: usize,
    /// Totals over every draft.
    #[serde(flatten)]
    pub total: DraftMoved,
    /// Versions.
    pub versions: Vec<TagMoved>,
    /// Approvals (phê duyệt).
    pub approvals: Vec<TagMoved>,
    /// Rejections.
    pub rejections: Vec<TagMoved>,
    /// Issues (ban hành).
    pub issues: Vec<TagMoved>,
    /// Number reservations (`refs/duthao/register/…`).
    pub reservations: Vec<String>,
    /// Site claims.
    pub sites: Vec<String>,
    /// Per draft.
    pub by_draft: BTreeMap<String, DraftMoved>,
}

impl Moved {
    /// Whether nothing moved.
    pub fn is_empty(&self) -> bool {
        self.commits == 0
            && self.total.is_empty()
            && self.versions.is_empty()
            && self.approvals.is_empty()
            && self.rejections.is_empty()
            && self.issues.is_empty()
            && self.reservations.is_empty()
            && self.sites.is_empty()
    }
}

/// A ref this site has that was not sent.
#[derive(Debug, Clone, Serialize)]
pub struct HeldBack {
    /// The ref, in full.
    #[serde(rename = "ref")]
    pub name: String,
    /// Why.
    pub reason: String,
}

/// A ref the two sides hold with different content; neither was changed.
#[derive(Debug, Clone, Serialize)]
pub struct RefConflict {
    /// The ref, in full.
    pub name: String,
    /// What it is here.
    pub here: String,
    /// What it is at the other side.
    pub there: String,
    /// Where the other side's is kept here.
    pub kept_at: String,
}

/// A draft's text changed on both sides in the same place.
#[derive(Debug, Clone, Serialize)]
pub struct DraftConflictReport {
    /// The files, workspace paths.
    pub files: Vec<String>,
    /// The last local commit touching them: id and subject.
    pub here: String,
    /// The last remote commit touching them.
    pub there: String,
    /// Refs keeping both sides.
    pub kept: Vec<String>,
}

/// The remote as reported.
#[derive(Debug, Clone, Serialize)]
pub struct RemoteInfo {
    /// Its name (a configured remote's, or one made from the address).
    pub name: String,
    /// Its address, or the bundle's path.
    pub url: String,
    /// `local`, `git` (the git program) or `bundle`.
    pub transport: &'static str,
}

/// What `sync` did.
#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    /// The other side.
    pub remote: RemoteInfo,
    /// The branch.
    pub branch: String,
    /// This repository's site, if named.
    pub site: Option<String>,
    /// How it ended.
    pub status: SyncStatus,
    /// How the branch was brought up to date (the last attempt's).
    pub integration: &'static str,
    /// Rounds of fetch, integrate and push.
    pub attempts: u32,
    /// The branch before and after.
    pub local_before: Option<String>,
    /// The branch after.
    pub local_after: Option<String>,
    /// The remote's branch before (as first fetched) and after.
    pub remote_before: Option<String>,
    /// The remote's branch after.
    pub remote_after: Option<String>,
    /// What came in.
    #[serde(rename = "in")]
    pub incoming: Moved,
    /// What went out.
    #[serde(rename = "out")]
    pub outgoing: Moved,
    /// Files both sides changed, merged line by line.
    pub merged_files: Vec<String>,
    /// Local commits left out because the other side had their changes.
    pub skipped_commits: usize,
    /// Refs not sent, and why.
    pub held_back: Vec<HeldBack>,
    /// The other side's refs not taken in, and why (a ref of the wrong
    /// shape, a version or issue made at a site the rule does not allow).
    pub refused: Vec<HeldBack>,
    /// Refs the two sides hold differently.
    pub conflicts: Vec<RefConflict>,
    /// A draft's text conflict, when that stopped the sync.
    pub draft_conflict: Option<DraftConflictReport>,
    /// Everything else worth knowing.
    pub notes: Vec<String>,
    /// For `--bundle-out`: the bundle written.
    pub bundle: Option<BundleInfo>,
}

/// A bundle written.
#[derive(Debug, Clone, Serialize)]
pub struct BundleInfo {
    /// Its path.
    pub path: String,
    /// Refs in it.
    pub refs: usize,
    /// Objects in its pack.
    pub objects: usize,
    /// Its prerequisite commits.
    pub prerequisites: Vec<String>,
}

impl SyncReport {
    /// Whether the sync did all it had to.
    pub fn ok(&self) -> bool {
        self.status == SyncStatus::Done
            && self.conflicts.is_empty()
            && self.held_back.is_empty()
            && self.refused.is_empty()
    }
}

/// Runs `sync`.
pub fn sync(ws: &Workspace, req: &SyncRequest) -> Result<SyncReport> {
    let store = ws.store();
    store.ensure_syncable()?;
    let branch = store.current_branch()?;
    // One sync at a time in a repository; the kernel drops the lock when a
    // sync is killed.
    let _lock = crate::fsutil::lock_exclusive(&store.git_dir().join("duthao-sync.lock"))?;
    let mut notes = Vec::new();
    if let Some(name) = &req.site {
        super::sites::name_site(ws, name)?;
    }
    match store.resume_interrupted_sync(&branch)? {
        Resumed::Nothing => {}
        Resumed::Finished => {
            notes.push("an earlier sync had stopped halfway; it was finished first".into())
        }
        Resumed::Abandoned => notes.push(
            "an earlier sync had stopped halfway and the branch has moved since; its unfinished move was dropped (nothing was lost)".into(),
        ),
    }
    let site = store.site()?.map(|s| s.name);
    if ws.config.sync.is_none() {
        notes.push(format!(
            "{} has no [sync] drafting_site: any site may submit versions; name the drafting site so two sites never submit the same version",
            crate::workspace::CONFIG_FILE
        ));
    }
    let mut report = SyncReport {
        remote: RemoteInfo {
            name: String::new(),
            url: String::new(),
            transport: "local",
        },
        branch: branch.clone(),
        site,
        status: SyncStatus::Done,
        integration: "none",
        attempts: 0,
        local_before: store.branch_tip(&branch)?.map(|o| o.to_string()),
        local_after: None,
        remote_before: None,
        remote_after: None,
        incoming: Moved::default(),
        outgoing: Moved::default(),
        merged_files: Vec::new(),
        skipped_commits: 0,
        held_back: Vec::new(),
        refused: Vec::new(),
        conflicts: Vec::new(),
        draft_conflict: None,
        notes,
        bundle: None,
    };
    // A remote that is a bundle file (a clone made from one) is read as one.
    let mut bundle_in = req.bundle_in.clone();
    let mut bundle_remote = None;
    if bundle_in.is_none()
        && req.bundle_out.is_none()
        && let Ok(remote) = store.resolve_remote(req.remote.as_deref(), &branch)
        && let Transport::Local(path) = &remote.transport
        && path.is_file()
    {
        bundle_in = Some(path.clone());
        bundle_remote = Some(remote);
    }
    if let Some(out) = &req.bundle_out {
        bundle_out(ws, &branch, out, req, &mut report)?;
    } else if let Some(path) = &bundle_in {
        report.remote = RemoteInfo {
            name: BUNDLE_REMOTE.into(),
            url: path.display().to_string(),
            transport: "bundle",
        };
        let bytes = crate::fsutil::read_input(path, MAX_BUNDLE_BYTES, "the bundle")?;
        let snapshot = store.read_bundle(path, &bytes, &branch)?;
        report.remote_before = snapshot.branch.map(|o| o.to_string());
        report.remote_after = report.remote_before.clone();
        report.attempts = 1;
        take_in(ws, BUNDLE_REMOTE, &snapshot, &branch, &mut report)?;
        // A clone of a bundle follows it as its remote, as git does.
        if let (Some(remote), Some(tip)) = (&bundle_remote, snapshot.branch) {
            store.track_remote(remote, &branch, tip)?;
        }
        // What the sending site had: a bundle for it later leaves that out.
        if let (Some(claim), Some(tip)) = (snapshot.sender, snapshot.branch)
            && let Some(site) = claim_name(store, claim)
        {
            store.set_scratch_ref(&peer_ref(&site, &branch), tip)?;
            report.notes.push(format!(
                "sent by the site {site}; a bundle for it (--bundle-out FILE --for {site}) leaves out what it had"
            ));
        }
    } else {
        let remote = match store.resolve_remote(req.remote.as_deref(), &branch) {
            // Naming the site is all there is to do before a remote exists.
            Err(duthao_store::StoreError::NoRemote) if req.site.is_some() => {
                report.notes.push(
                    "the site is named; no remote is set up yet, so nothing was exchanged".into(),
                );
                report.integration = "none";
                return Ok(report);
            }
            r => r?,
        };
        report.remote = RemoteInfo {
            name: remote.name.clone(),
            url: remote.url.clone(),
            transport: match remote.transport {
                Transport::Local(_) => "local",
                Transport::GitProgram => "git",
            },
        };
        exchange(ws, &remote, &branch, &mut report)?;
    }
    report.local_after = store.branch_tip(&branch)?.map(|o| o.to_string());
    // However many rounds it took, the branch before this sync stays
    // reachable as it was (a replay made its commits again).
    if let Some(before) = &report.local_before
        && report.local_after.as_ref() != Some(before)
        && let Ok(before) = before.parse::<ObjectId>()
    {
        store.set_scratch_ref("refs/duthao/sync/local-before", before)?;
    }
    for k in store.sync_conflicts()? {
        if report.conflicts.iter().any(|c| c.name == k.name) {
            continue;
        }
        report.conflicts.push(RefConflict {
            here: k
                .here
                .map_or_else(|| "absent".into(), |h| describe_ref(store, &k.name, h)),
            there: describe_ref(store, &k.name, k.there),
            name: k.name,
            kept_at: k.kept_at,
        });
    }
    if report.status == SyncStatus::Done && !report.conflicts.is_empty() {
        report.status = SyncStatus::Stopped;
    }
    Ok(report)
}

/// Bundles larger than this are refused before they are read.
pub const MAX_BUNDLE_BYTES: u64 = 2 << 30;

fn exchange(
    ws: &Workspace,
    remote: &RemoteSpec,
    branch: &str,
    report: &mut SyncReport,
) -> Result<()> {
    let store = ws.store();
    let start = Instant::now();
    let mut remote = remote.clone();
    loop {
        report.attempts += 1;
        let snapshot = store.fetch(&remote, branch)?;
        // Another workspace's history: nothing of it is taken in, and its
        // address is not remembered.
        let foreign = match (store.branch_tip(branch)?, snapshot.branch) {
            (Some(l), Some(r)) => store.merge_base(l, r).is_none(),
            // No branch there: its tags and reservations must still be of
            // this history (site claims are commits of their own).
            (Some(l), None) => snapshot
                .refs
                .iter()
                .filter(|(name, _)| !name.starts_with("refs/duthao/sites/"))
                .filter_map(|(_, target)| store.peeled_commit(*target))
                .any(|c| store.merge_base(l, c).is_none()),
            _ => false,
        };
        if foreign {
            store.drop_quarantine(&remote.name)?;
            return Err(duthao_store::StoreError::UnrelatedHistories {
                remote: if remote.configured {
                    remote.name.clone()
                } else {
                    remote.url.clone()
                },
            }
            .into());
        }
        if report.attempts == 1
            && let Some(origin) = store.remember_as_origin(&remote, branch)?
        {
            report.notes.push(format!(
                "{} is remembered as origin: the next sync needs no argument",
                remote.url
            ));
            report.remote.name = origin.name.clone();
            // Fetched under a name made from the address; later syncs
            // fetch as origin.
            store.drop_quarantine(&remote.name)?;
            remote = origin;
        }
        for (name, reason) in store.take_fetch_notes() {
            refuse(report, &name, reason);
        }
        pause_point("fetched");
        if report.attempts == 1 {
            report.remote_before = snapshot.branch.map(|o| o.to_string());
        }
        let integrated = match take_in(ws, &remote.name, &snapshot, branch, report) {
            Ok(i) => i,
            // The branch moved under the sync (a commit by git itself): the
            // journal is dropped (files already written for the move show as
            // changes against the new tip, and the next round's integration
            // takes them as they are), and the round starts over.
            Err(WorkspaceError::Store(duthao_store::StoreError::ConcurrentCommit { .. }))
                if report.attempts < MAX_ATTEMPTS =>
            {
                store.resume_interrupted_sync(branch)?;
                continue;
            }
            Err(e) => return Err(e),
        };
        if !integrated {
            // A draft conflict: only what the remote's own history names
            // still goes out (approvals of its versions).
            let plan = plan_refs(ws, &snapshot, report, true)?;
            if let Pushed::Done = store.push(&remote, &plan, &remote_tips(&snapshot))? {
                count_out(ws, &plan, None, None, report)?;
            }
            report.remote_after = report.remote_before.clone();
            return Ok(());
        }
        let tip = store.branch_tip(branch)?;
        let mut plan = plan_refs(ws, &snapshot, report, false)?;
        if let Some(tip) = tip
            && Some(tip) != snapshot.branch
        {
            plan.insert(
                0,
                RefUpdate {
                    name: format!("refs/heads/{branch}"),
                    expect: snapshot.branch,
                    new: tip,
                },
            );
        }
        match store.push(&remote, &plan, &remote_tips(&snapshot))? {
            Pushed::Done => {
                if let Some(tip) = tip {
                    store.track_remote(&remote, branch, tip)?;
                }
                pause_point("pushed");
                count_out(ws, &plan, snapshot.branch, tip, report)?;
                report.remote_after = tip.or(snapshot.branch).map(|o| o.to_string());
                return Ok(());
            }
            Pushed::Overtaken(name) => {
                if report.attempts >= MAX_ATTEMPTS || start.elapsed() >= MAX_TIME {
                    report.status = SyncStatus::Busy;
                    report.notes.push(format!(
                        "{} kept moving: each of {} pushes in {} s was overtaken by another site's (last on {name}); everything is committed here, nothing was lost",
                        remote.name,
                        report.attempts,
                        start.elapsed().as_secs()
                    ));
                    report.remote_after = snapshot.branch.map(|o| o.to_string());
                    return Ok(());
                }
                // Full jitter: sites that collided do not retry in step.
                let cap = 5000u64.min(100u64 << report.attempts.min(6));
                std::thread::sleep(Duration::from_millis(random_below(cap)));
            }
        }
    }
}

/// The commits the remote (or bundle) has, for leaving them out of a pack.
fn remote_tips(snapshot: &Snapshot) -> Vec<ObjectId> {
    snapshot
        .branch
        .iter()
        .copied()
        .chain(snapshot.refs.values().copied())
        .collect()
}

/// Takes in the other side's refs and branch: `false` when a draft's text
/// conflicts (nothing integrated; both sides kept).
fn take_in(
    ws: &Workspace,
    remote: &str,
    snapshot: &Snapshot,
    branch: &str,
    report: &mut SyncReport,
) -> Result<bool> {
    let store = ws.store();
    let mut rules = super::sites::SiteRules::new();
    // Versions first: an issue is judged with its version at hand.
    let (issues, others): (Vec<_>, Vec<_>) = snapshot
        .refs
        .iter()
        .partition(|(name, _)| name.ends_with("/issued"));
    // Most refs are here already, the same: read what is here once rather
    // than trying to create each one (a lock file per ref per sync).
    let here = store.shared_refs()?;
    let settling = !store.refs_under("refs/duthao/conflicts/")?.is_empty();
    for (name, there) in others.into_iter().chain(issues) {
        if here.get(name) == Some(there) && !settling {
            continue;
        }
        let refused = match store.ref_shape_problem(name, *there) {
            Some(p) => Some(p),
            // A version or issue made at a site the rule does not allow
            // stays out: taken in, it would stop the drafting site from
            // submitting that number itself.
            None if !here.contains_key(name) => match name.strip_prefix("refs/tags/") {
                Some(tag) => rules.problem(ws, tag, *there, super::sites::Strictness::Exchange)?,
                None => None,
            },
            None => None,
        };
        if let Some(p) = refused {
            refuse(report, name, p);
            continue;
        }
        match store.accept_ref(remote, name, *there)? {
            Accepted::Created => count_ref(ws, name, *there, &mut report.incoming),
            Accepted::Same => {}
            Accepted::Differs {
                here,
                there,
                kept_at,
            } => {
                if !report.conflicts.iter().any(|c| c.name == *name) {
                    report.conflicts.push(RefConflict {
                        name: name.clone(),
                        here: describe_ref(store, name, here),
                        there: describe_ref(store, name, there),
                        kept_at,
                    });
                }
            }
        }
    }
    pause_point("accepted");
    let l0 = store.branch_tip(branch)?;
    let who = store.identity().or_else(|_| {
        Ok::<_, WorkspaceError>(duthao_store::Identity {
            name: "duthao-sync".into(),
            email: "sync@duthao.invalid".into(),
        })
    })?;
    let integrated = match store.integrate(l0, snapshot.branch, &report.remote.name, &who) {
        Ok(i) => i,
        Err(IntegrateError::Conflict(c)) => {
            let (Some(l), Some(r)) = (l0, snapshot.branch) else {
                unreachable!("a conflict needs two lines");
            };
            store.keep_conflict_sides(l, r)?;
            report.status = SyncStatus::Stopped;
            report.integration = "stopped";
            let prefix = store.repo_prefix();
            report.draft_conflict = Some(DraftConflictReport {
                files: c
                    .files
                    .iter()
                    .map(|f| f.strip_prefix(prefix).unwrap_or(f).to_string())
                    .collect(),
                here: describe_commit(store, c.here),
                there: describe_commit(store, c.there),
                kept: vec![
                    "refs/duthao/sync/local-before".into(),
                    "refs/duthao/sync/remote".into(),
                ],
            });
            return Ok(false);
        }
        Err(IntegrateError::Store(e)) => return Err(e.into()),
    };
    pause_point("integrated");
    report.integration = match integrated.how {
        Integration::None => "none",
        Integration::FastForward => "fast-forward",
        Integration::Replay => "replay",
        Integration::Merge => "merge",
    };
    report.skipped_commits += integrated.skipped;
    for f in integrated.merged_files {
        if !report.merged_files.contains(&f) {
            report.merged_files.push(f);
        }
    }
    if let Some(tip) = integrated.tip {
        if let Some(r) = snapshot.branch {
            count_commits(ws, l0, r, &mut report.incoming)?;
        }
        store.move_branch(branch, l0, tip)?;
    }
    Ok(true)
}

/// The tags, reservations and claims here that the remote lacks, less
/// those held back: made at a site the rule does not allow, or (after a
/// draft conflict, `only_remote_history`) naming a commit the remote's
/// branch does not hold.
fn plan_refs(
    ws: &Workspace,
    snapshot: &Snapshot,
    report: &mut SyncReport,
    only_remote_history: bool,
) -> Result<Vec<RefUpdate>> {
    let store = ws.store();
    let mut plan = Vec::new();
    let mut rules = super::sites::SiteRules::new();
    for (name, target) in store.shared_refs()? {
        if snapshot.refs.contains_key(&name) {
            continue;
        }
        if let Some(p) = store.ref_shape_problem(&name, target) {
            hold(report, &name, format!("not sent: {p}"));
            continue;
        }
        if let Some(tag) = name.strip_prefix("refs/tags/")
            && let Some(reason) =
                rules.problem(ws, tag, target, super::sites::Strictness::Exchange)?
        {
            hold(report, &name, format!("not sent: {reason}"));
            continue;
        }
        if only_remote_history {
            let in_remote = match (store.peeled_commit(target), snapshot.branch) {
                (Some(c), Some(r)) => store.is_ancestor(c, r)?,
                (Some(_), None) => false,
                (None, _) => true,
            };
            if !in_remote {
                continue;
            }
        }
        plan.push(RefUpdate {
            name,
            expect: None,
            new: target,
        });
    }
    Ok(plan)
}

fn refuse(report: &mut SyncReport, name: &str, reason: String) {
    if !report.refused.iter().any(|h| h.name == name) {
        report.refused.push(HeldBack {
            name: name.to_string(),
            reason,
        });
    }
}

fn hold(report: &mut SyncReport, name: &str, reason: String) {
    if !report.held_back.iter().any(|h| h.name == name) {
        report.held_back.push(HeldBack {
            name: name.to_string(),
            reason,
        });
    }
}

fn count_out(
    ws: &Workspace,
    plan: &[RefUpdate],
    remote_tip: Option<ObjectId>,
    pushed_tip: Option<ObjectId>,
    report: &mut SyncReport,
) -> Result<()> {
    for u in plan {
        if !u.name.starts_with("refs/heads/") {
            count_ref(ws, &u.name, u.new, &mut report.outgoing);
        }
    }
    if let Some(tip) = pushed_tip
        && Some(tip) != remote_tip
    {
        count_commits(ws, remote_tip, tip, &mut report.outgoing)?;
    }
    Ok(())
}

/// Counts what `from..to` brings: the revisions of each draft (commits
/// that changed its file) and the review events (files under `reviews/`
/// that `to` has and `from` lacks, by their `event:` line).
fn count_commits(
    ws: &Workspace,
    from: Option<ObjectId>,
    to: ObjectId,
    moved: &mut Moved,
) -> Result<()> {
    let store = ws.store();
    if from == Some(to) || from.is_some_and(|f| store.is_ancestor(to, f).unwrap_or(false)) {
        return Ok(());
    }
    let prefix = store.repo_prefix().to_string();
    let drafts = format!("{prefix}{}/", crate::workspace::DRAFTS_DIR);
    let reviews = format!("{prefix}{}/", super::review::REVIEWS_DIR);
    let commits = store.commits_between(from, to)?;
    moved.commits += commits.len();
    // What the other side changed, from where the two lines part; a whole
    // workspace arriving for the first time has no such list worth reading.
    let base = from.map(|f| store.merge_base(f, to).unwrap_or(f));
    let others = match base {
        Some(_) => store.paths_changed_outside(base, to, &[&drafts, &reviews])?,
        None => Vec::new(),
    };
    for path in others {
        if moved.other_files.contains(&path) {
            continue;
        }
        if moved.other_files.len() < 20 {
            moved.other_files.push(path);
        } else {
            moved.other_files_more += 1;
        }
    }
    for c in commits {
        for name in store.changed_in_dir(c, &drafts)? {
            if let Some(slug) = name.strip_suffix(".md")
                && !slug.contains('/')
            {
                moved
                    .by_draft
                    .entry(slug.to_string())
                    .or_default()
                    .revisions += 1;
            }
        }
    }
    for (path, blob) in store.files_added(from, to, &reviews)? {
        let Some((slug, file)) = path[reviews.len()..].split_once('/') else {
            continue;
        };
        if !file.ends_with(".yaml") || file.contains('/') {
            continue;
        }
        let d = moved.by_draft.entry(slug.to_string()).or_default();
        match event_kind(store, blob).as_deref() {
            Some("comment") => d.comments += 1,
            Some("reply") => d.replies += 1,
            Some("response") => d.responses += 1,
            Some("agreement") => d.agreements += 1,
            Some("withdrawal") => d.withdrawals += 1,
            _ => {}
        }
    }
    let mut total = DraftMoved::default();
    for d in moved.by_draft.values() {
        total.add(d);
    }
    moved.total = total;
    Ok(())
}

/// The `event:` line of a review event file.
fn event_kind(store: &Store, blob: ObjectId) -> Option<String> {
    let bytes = store.blob_bytes(blob, 1 << 20).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    text.lines()
        .find_map(|l| l.strip_prefix("event:"))
        .map(|v| v.trim().to_string())
}

fn count_ref(ws: &Workspace, name: &str, target: ObjectId, moved: &mut Moved) {
    if let Some(rest) = name.strip_prefix("refs/duthao/register/") {
        moved.reservations.push(rest.to_string());
        return;
    }
    if let Some(rest) = name.strip_prefix("refs/duthao/sites/") {
        moved.sites.push(rest.to_string());
        return;
    }
    let Some(tag) = name.strip_prefix("refs/tags/") else {
        return;
    };
    let Some((slug, what)) = tag.strip_prefix("duthao/").and_then(|r| r.split_once('/')) else {
        return;
    };
    let mut moved_tag = TagMoved {
        slug: slug.to_string(),
        n: 0,
        level: None,
        approver: None,
        tag: tag.to_string(),
    };
    if what == "issued" {
        moved.issues.push(moved_tag);
    } else if let Some(n) = what.strip_prefix('v').and_then(|n| n.parse().ok()) {
        moved_tag.n = n;
        moved.versions.push(moved_tag);
    } else if let Some((n, level, _)) = duthao_approval::parse_decision_tag_name(slug, tag) {
        moved_tag.n = n;
        moved_tag.level = Some(level.to_string());
        let decision = ws
            .store()
            .signed_tag(tag)
            .ok()
            .flatten()
            .and_then(|t| duthao_approval::parse_decision(&t.message).ok());
        let _ = target;
        match decision {
            Some(d) => {
                moved_tag.approver = Some(d.approver_name.clone());
                if d.decision == duthao_approval::Decision::Reject {
                    moved.rejections.push(moved_tag);
                } else {
                    moved.approvals.push(moved_tag);
                }
            }
            None => moved.approvals.push(moved_tag),
        }
    }
}

/// A ref's object in a line: a tag's tagger, time and commit; else its id.
fn describe_ref(store: &Store, name: &str, target: ObjectId) -> String {
    if let Some(tag) = name.strip_prefix("refs/tags/")
        && let Ok(Some(t)) = store.signed_tag_object(tag, target)
    {
        let who = t
            .tagger
            .as_ref()
            .map(|w| format!("{} <{}>", w.name, w.email))
            .unwrap_or_default();
        let when = time::OffsetDateTime::from_unix_timestamp(t.time)
            .map(|d| {
                format!(
                    "{:02}/{:02}/{} {:02}:{:02} UTC",
                    d.day(),
                    u8::from(d.month()),
                    d.year(),
                    d.hour(),
                    d.minute()
                )
            })
            .unwrap_or_default();
        let commit = t.target.map(|c| c.short()).unwrap_or_default();
        return format!(
            "tag {} by {who}, {when}, on commit {commit}",
            target.short()
        );
    }
    if name.starts_with("refs/duthao/sites/") {
        let text = store.claim_message(target).unwrap_or_default();
        let id = text
            .lines()
            .find_map(|l| l.strip_prefix("id: "))
            .unwrap_or("?");
        return format!("claim {} (repository id {id})", target.short());
    }
    format!("object {}", target.short())
}

fn describe_commit(store: &Store, c: ObjectId) -> String {
    match store.revision(c) {
        Ok(r) => format!(
            "{} \"{}\" ({})",
            c.short(),
            r.summary.replace(['\n', '\r'], " "),
            r.author.name
        ),
        Err(_) => c.short(),
    }
}

/// The name in a site claim.
fn claim_name(store: &Store, claim: ObjectId) -> Option<String> {
    store
        .claim_message(claim)?
        .lines()
        .find_map(|l| l.strip_prefix("name: "))
        .filter(|n| crate::workspace::config::is_site_name(n))
        .map(str::to_string)
}

/// What a site had of `branch` when its last bundle came in.
fn peer_ref(site: &str, branch: &str) -> String {
    format!("refs/duthao/peers/{site}/{branch}")
}

fn bundle_out(
    ws: &Workspace,
    branch: &str,
    out: &Path,
    req: &SyncRequest,
    report: &mut SyncReport,
) -> Result<()> {
    let store = ws.store();
    report.remote = RemoteInfo {
        name: BUNDLE_REMOTE.into(),
        url: out.display().to_string(),
        transport: "bundle",
    };
    report.attempts = 1;
    let since: Vec<ObjectId> = match (&req.since, &req.for_site) {
        (Some(rev), _) => vec![store.resolve_commit(&duthao_store::Rev::Git(rev.clone()), "")?],
        (None, Some(site)) => {
            let had = store
                .refs_under(&peer_ref(site, branch))?
                .into_iter()
                .next()
                .map(|(_, tip)| tip);
            match had {
                Some(tip) => vec![tip],
                None => {
                    return Err(WorkspaceError::Site {
                        reason: format!(
                            "no bundle from the site {site} has come in here, so what it has is not known; write a full bundle (without --for)"
                        ),
                    });
                }
            }
        }
        (None, None) => Vec::new(),
    };
    let sender = store.site()?.and_then(|s| {
        store
            .shared_refs()
            .ok()?
            .get(&format!("refs/duthao/sites/{}", s.name))
            .copied()
    });
    // The site rule holds for bundles as for pushes.
    let mut left_out = std::collections::BTreeSet::new();
    let mut rules = super::sites::SiteRules::new();
    for name in store.shared_refs()?.into_keys() {
        if let Some(tag) = name.strip_prefix("refs/tags/")
            && let Some(reason) = rules.tag_problem(ws, tag)?
        {
            hold(report, &name, format!("not sent: {reason}"));
            left_out.insert(name);
        }
    }
    let mut written = None;
    let dest = crate::fsutil::destination(out, &ws.output_guard())?;
    crate::fsutil::write(&dest, |w| {
        written = Some(
            store
                .write_bundle(branch, &since, &left_out, sender, w)
                .map_err(std::io::Error::other)?,
        );
        Ok(())
    })?;
    let written = written.expect("the bundle was written");
    // Every ref the bundle carries (what the other site already has among
    // them is not known here): the report calls them what is in the bundle.
    for (name, target) in &written.refs {
        if !name.starts_with("refs/heads/") {
            count_ref(ws, name, *target, &mut report.outgoing);
        }
    }
    if let Some(tip) = store.branch_tip(branch)? {
        count_commits(ws, since.first().copied(), tip, &mut report.outgoing)?;
    }
    report.integration = "none";
    report.bundle = Some(BundleInfo {
        path: out.display().to_string(),
        refs: written.refs.len(),
        objects: written.objects,
        prerequisites: written
            .prerequisites
            .iter()
            .map(|p| p.to_string())
            .collect(),
    });
    Ok(())
}

/// A number below `cap`, different in every process and call.
fn random_below(cap: u64) -> u64 {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        return cap / 2;
    }
    u64::from_le_bytes(b) % cap.max(1)
}
