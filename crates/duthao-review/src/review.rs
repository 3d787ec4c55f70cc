//! The fold of a draft's events into threads: what each comment is now.

use std::collections::HashMap;

use serde::Serialize;

use crate::event::{Agreement, Comment, Decision, Event, EventError, Reply, Response, Withdrawal};
use crate::id::EventId;

/// One comment with everything that happened to it, in time order.
#[derive(Debug, Clone, Serialize)]
pub struct Thread {
    /// The comment.
    pub comment: Comment,
    /// Replies in its thread.
    pub replies: Vec<Reply>,
    /// The drafter's responses, oldest first; the last is current.
    pub responses: Vec<Response>,
    /// Set when the comment was taken back.
    pub withdrawal: Option<Withdrawal>,
}

/// Where a comment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// No response yet.
    Open,
    /// Answered: tiếp thu, tiếp thu một phần, or giải trình.
    Answered(Decision),
    /// Taken back.
    Withdrawn,
}

impl Thread {
    /// The response in force: the latest. None while the comment is open.
    pub fn current(&self) -> Option<&Response> {
        self.responses.last()
    }

    /// Open, answered or withdrawn.
    pub fn state(&self) -> State {
        if self.withdrawal.is_some() {
            State::Withdrawn
        } else {
            match self.current() {
                Some(r) => State::Answered(r.decision),
                None => State::Open,
            }
        }
    }

    /// Still waiting for the drafter's answer.
    pub fn is_open(&self) -> bool {
        self.state() == State::Open
    }

    /// Responses made without seeing each other (two sites answering the
    /// same comment before they synced): every group of two or more that
    /// supersede the same response. Both stay in history; the later one is
    /// current, and `status` asks the drafter to confirm it.
    pub fn conflicts(&self) -> Vec<Vec<&Response>> {
        let mut by_parent: HashMap<Option<&EventId>, Vec<&Response>> = HashMap::new();
        for r in &self.responses {
            by_parent.entry(r.supersedes.as_ref()).or_default().push(r);
        }
        let mut out: Vec<Vec<&Response>> =
            by_parent.into_values().filter(|g| g.len() > 1).collect();
        out.sort_by(|a, b| a[0].time.cmp(&b[0].time).then(a[0].id.cmp(&b[0].id)));
        out
    }
}

/// Everything recorded on one draft's review.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Review {
    /// Every comment, oldest first.
    pub threads: Vec<Thread>,
    /// The bodies' "no comments" (thống nhất), oldest first.
    pub agreements: Vec<Agreement>,
    /// Replies, responses and withdrawals whose comment is not here (its
    /// file was removed, or has not arrived yet from another site): kept
    /// and shown, never dropped.
    pub strays: Vec<Event>,
    /// Event files that could not be read; the rest loaded.
    pub problems: Vec<EventError>,
}

/// Why `Review::find` found no single comment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FindError {
    /// No comment has that id.
    #[error("no comment {typed} on {draft}")]
    NotFound {
        /// What was typed.
        typed: String,
        /// The draft.
        draft: String,
    },
    /// Several comments start with it.
    #[error("{typed} names {} comments: {}", .matches.len(), .matches.join(", "))]
    Ambiguous {
        /// What was typed.
        typed: String,
        /// The ids it could be.
        matches: Vec<String>,
    },
}

impl Review {
    /// Folds events (in any order) into threads. Events are applied in
    /// time order, ties broken by id, so every site folds to the same state.
    pub fn fold(mut events: Vec<Event>, problems: Vec<EventError>) -> Review {
        events.sort_by(|a, b| a.time().cmp(&b.time()).then_with(|| a.id().cmp(b.id())));
        let mut review = Review {
            problems,
            ..Review::default()
        };
        let mut index: HashMap<EventId, usize> = HashMap::new();
        let mut pending = Vec::new();
        for event in events {
            match event {
                Event::Comment(c) => {
                    index.insert(c.id.clone(), review.threads.len());
                    review.threads.push(Thread {
                        comment: c,
                        replies: Vec::new(),
                        responses: Vec::new(),
                        withdrawal: None,
                    });
                }
                Event::Agreement(a) => review.agreements.push(a),
                other => pending.push(other),
            }
        }
        // A reply may be older than its comment when clocks disagree
        // between sites: attach after every comment is known.
        for event in pending {
            let target = match &event {
                Event::Reply(r) => &r.comment,
                Event::Response(r) => &r.comment,
                Event::Withdrawal(w) => &w.comment,
                _ => unreachable!("comments and agreements are placed above"),
            };
            let Some(&i) = index.get(target) else {
                review.strays.push(event);
                continue;
            };
            let thread = &mut review.threads[i];
            match event {
                Event::Reply(r) => thread.replies.push(r),
                Event::Response(r) => thread.responses.push(r),
                Event::Withdrawal(w) => {
                    thread.withdrawal.get_or_insert(w);
                }
                _ => {}
            }
        }
        review
    }

    /// The comment `typed` names: its id, or a unique start of it or of
    /// its short form.
    pub fn find(&self, typed: &str, draft: &str) -> Result<&Thread, FindError> {
        let exact = self
            .threads
            .iter()
            .find(|t| t.comment.id.as_str() == typed.trim());
        if let Some(t) = exact {
            return Ok(t);
        }
        let found: Vec<&Thread> = self
            .threads
            .iter()
            .filter(|t| t.comment.id.matches(typed))
            .collect();
        match found.as_slice() {
            [one] => Ok(one),
            [] => Err(FindError::NotFound {
                typed: typed.to_string(),
                draft: draft.to_string(),
            }),
            many => Err(FindError::Ambiguous {
                typed: typed.to_string(),
                matches: many.iter().map(|t| t.comment.id.to_string()).collect(),
            }),
        }
    }

    /// The comments made on version `n`.
    pub fn on_version(&self, n: u32) -> impl Iterator<Item = &Thread> {
        self.threads.iter().filter(move |t| t.comment.version == n)
    }
}
