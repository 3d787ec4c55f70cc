//! Redline writers.
