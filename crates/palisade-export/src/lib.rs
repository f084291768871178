//! Exports of a palisade model for the programs a security team already runs, and imports from
//! them.
//!
//! Pipeline position: `Model (+ Facts) ──render──▶ document`. Each export is a pure function of
//! a validated model (and, where it needs them, the analysis facts): the same input gives the
//! same bytes. Callers supply anything that would otherwise come from the environment (the
//! timestamp of an AI-BOM), so this crate does no I/O.
//!
//! This first part holds the building blocks the formats share: a deterministic YAML writer,
//! model fields as typed text attributes, and content-derived identity and timestamps.

pub mod attrs;
pub mod stamp;
pub mod yaml;
