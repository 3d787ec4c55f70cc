//! Tracked changes: placeholder module filled in below.
