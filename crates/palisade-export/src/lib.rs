//! Exports of a palisade model for the programs a security team already runs, and imports from
//! them.
//!
//! Pipeline position: `Model (+ Facts) ──render──▶ document`. Each export is a pure function of
//! a validated model (and, where it needs them, the analysis facts): the same input gives the
//! same bytes. Callers supply anything that would otherwise come from the environment (the
//! timestamp of an AI-BOM), so this crate does no I/O.
//!
//! - [`aibom`]: a CycloneDX 1.6 AI bill of materials (models with model cards, datasets, data,
//!   libraries, services, dependencies).
//! - [`otm`]: the Open Threat Model format, both ways: [`otm::export_otm`] and
//!   [`otm::import_otm`] (OTM → model file, with notes on what could not be mapped).

pub mod aibom;
pub mod attrs;
pub mod otm;
pub mod stamp;
pub mod yaml;

pub use aibom::{AibomOptions, aibom};
pub use otm::{OtmThreat, export_otm, import_otm};
